"""URLs and the addresses behind them: what counts as a URL, and which hosts a fetcher may reach.

Purpose: `is_url` tells an input URL from a file path; `target` checks a URL's shape (http or
https, a host) and gives what a request needs; `unsafe_reason` says why an IP address must not be
fetched from when private addresses are not allowed: loopback (127.0.0.1, ::1), private networks
(10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, where cloud metadata services
live, fe80::/10), carrier-grade NAT, multicast, reserved and unspecified addresses, and the IPv4
address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address. The fetcher checks every address a
host resolves to, on the first request and on every redirect hop, and connects to the address it
checked (a second lookup could answer differently).

Limits: the rule is Python's `ipaddress` notion of a global address; a proxy in the environment
is not used (a proxy would resolve the name itself, out of reach of the check).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from index.errors import UnsafeURLError

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_url(value) -> bool:
    """True for a string that starts with a scheme and "://" ("https://…", "ftp://…"): an input to
    fetch rather than a file to read. Only http and https are fetched; others are refused with
    a reason when fetched, never read as file names."""
    return isinstance(value, str) and bool(_SCHEME_RE.match(value.strip()))


def clean_url(url: str) -> str:
    """`url` without surrounding space or a #fragment: the form articles record and compare."""
    parts = urlsplit(url.strip())
    return urlunsplit(parts._replace(fragment=""))


@dataclass(frozen=True)
class Target:
    """What one HTTP request needs of a URL."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) form, lower-case, without brackets
    port: int
    path: str  # path and query, percent-encoded, at least "/"


def target(url: str) -> Target:
    """The request target of `url`; UnsafeURLError for a scheme other than http(s), no host or a bad port."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:  # a bad port or a broken IPv6 literal
        raise UnsafeURLError(url, f"not a valid URL ({err})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsafeURLError(url, f"unsupported URL scheme '{scheme}' (only http and https are fetched)")
    host = parts.hostname or ""
    if not host:
        raise UnsafeURLError(url, "the URL has no host")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise UnsafeURLError(url, f"not a valid host name: {host!r}") from None
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return Target(url=url, scheme=scheme, host=host.lower(), port=port or DEFAULT_PORTS[scheme], path=path)


def unsafe_reason(address: str) -> str:
    """"" when `address` is a global unicast address a public fetch may reach, else what it is
    ("a loopback address", "a private address", …)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") names no other host
    except ValueError:
        return "not an IP address"
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
                                                       if ip in _NAT64 else None)
        if embedded is not None:  # the IPv4 host it reaches decides
            return unsafe_reason(str(embedded))
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved, non-global address"
    return ""
