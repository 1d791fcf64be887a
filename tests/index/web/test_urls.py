"""index.web.urls: what is a URL, request targets, and which addresses a public fetch may reach."""

from __future__ import annotations

import pytest

from index import UnsafeURLError, is_url
from index.web.urls import clean_url, target, unsafe_reason


@pytest.mark.parametrize("value,expected", [
    ("https://example.com/feed.xml", True), ("HTTP://example.com", True), ("  http://x/  ", True),
    ("ftp://example.com/a", True), ("file:///etc/hosts", True),
    ("news/feed.xml", False), ("/home/me/news", False), ("C:\\news\\a.txt", False), ("http:/oops", False),
    ("", False), (None, False),
])
def test_is_url(value, expected):
    assert is_url(value) is expected


def test_target_and_clean_url():
    t = target("https://Bücher.example:8443/a b/ü?q=ä&x=1#part")
    assert (t.scheme, t.host, t.port) == ("https", "xn--bcher-kva.example", 8443)
    assert t.path == "/a%20b/%C3%BC?q=%C3%A4&x=1"
    assert target("http://example.com").path == "/" and target("http://example.com").port == 80
    assert clean_url(" https://example.com/story#comments ") == "https://example.com/story"


@pytest.mark.parametrize("url,reason", [
    ("file:///etc/hosts", "unsupported URL scheme 'file'"),
    ("ftp://example.com/x", "unsupported URL scheme 'ftp'"),
    ("http:///nohost", "no host"),
    ("http://example.com:99999/", "not a valid URL"),
])
def test_bad_targets_are_refused(url, reason):
    with pytest.raises(UnsafeURLError) as e:
        target(url)
    assert reason in e.value.reason and e.value.url == url and not e.value.transient


@pytest.mark.parametrize("address,what", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.0.0.5", "private"), ("172.16.3.4", "private"), ("192.168.1.20", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("fe80::1%eth0", "link-local"),
    ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("100.64.0.1", "non-global"),
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.1.1.1", "private"), ("2002:7f00:1::", "loopback"),
    ("64:ff9b::a00:1", "private"), ("192.0.2.10", "private"), ("not-an-ip", "not an IP"),
])
def test_non_global_addresses_are_unsafe(address, what):
    assert what in unsafe_reason(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.4.4", "2606:4700::1111", "::ffff:8.8.8.8",
                                     "2002:808:808::1"])
def test_global_addresses_are_safe(address):
    assert unsafe_reason(address) == ""
