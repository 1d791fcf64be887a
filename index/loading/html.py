"""Reading an article from an .html/.htm file (internal to `index.loading.walk`).

Purpose: get the main text, title, date, site name, url and authors of a saved web
page. trafilatura does the extraction when it can be imported; otherwise (or when it
finds nothing) a small lxml extractor reads the <article>/<main> element, dropping
navigation, scripts and widgets. Page metadata (<meta>, <title>, canonical link)
fills whatever the extractor left empty; where neither names the outlet or the date, an
outlet and date stated above the story ("The Coastal Herald, 12 June 2025", see
`index.loading.byline`) do, and the outlet falls back to the URL's host last.

Limits: never touches the network. The page is parsed here and handed to trafilatura
and htmldate as a tree, because both download a *string* that looks like a URL. The
fallback extractor is plain: it keeps every paragraph of the chosen element.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass

import lxml.etree
import lxml.html

from index.loading.byline import read_byline
from index.loading.fields import Draft, parse_authors, parse_date
from index.records import LoadWarning, Skipped

log = logging.getLogger(__name__)

_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
              "iframe", "svg", "button", "select", "figure", "head")
# Widgets found by class or id; only small elements are dropped, so that a big wrapper
# that happens to be called "main-header-wrap" cannot take the article with it.
_WIDGET_RE = re.compile(r"comment|share|social|related|newsletter|advert|promo|cookie|subscribe|sidebar|"
                        r"breadcrumb|byline|caption|credit", re.IGNORECASE)
_MAX_WIDGET_CHARS = 500
_BLOCK_TAGS = frozenset("p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre "
                        "table tr br hr figcaption address details summary".split())
_TITLE_KEYS = ("og:title", "twitter:title")
_SITE_KEYS = ("og:site_name", "application-name", "publisher")
_URL_KEYS = ("og:url",)
_DATE_KEYS = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate",
              "publishdate", "publish-date", "dc.date", "dc.date.issued", "dcterms.created",
              "sailthru.date", "parsely-pub-date")
_AUTHOR_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")

_trafilatura_state: dict = {}  # "module" or "error", filled on first use
# trafilatura and htmldate cost ~80 µs per element: a 20 MB tag soup (2M elements) took minutes,
# holding up the ingest (and, in the browser chat, every question). Real article pages have a few
# thousand elements; above this many, the linear basic extractor (~8 µs per element) reads the page.
MAX_EXTRACTOR_ELEMENTS = 50_000
# A site name that is only a host name ("herald.example.com") is what trafilatura makes up from
# the URL or the <title> when a page names no site: a weaker clue than a byline in the text.
_HOST_LIKE_RE = re.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+")
# htmldate's extensive search reads dates out of the story text too; only the page's markup
# (meta tags, <time>, the URL) says when the page itself was published.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass
class _Page:
    title: str = ""
    text: str = ""
    source: str = ""
    url: str = ""
    date_key: str = ""
    date_text: str = ""
    authors: str = ""


def _trafilatura():
    """The trafilatura module, or None (with the reason remembered) when it cannot load."""
    if not _trafilatura_state:
        try:
            import trafilatura

            _trafilatura_state["module"] = trafilatura
        except Exception as err:  # a broken dependency raises ImportError or worse
            first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            _trafilatura_state["error"] = first_line
            log.warning("trafilatura unavailable, using the basic html extractor: %s", first_line)
    return _trafilatura_state.get("module")


def _parse(text: str):
    try:
        return lxml.html.document_fromstring(text)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        return lxml.html.document_fromstring(text.encode("utf-8"))


def _meta(tree) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().casefold()
        value = " ".join((el.get("content") or "").split())
        if key and value:
            found.setdefault(key, value)
    return found


def _pick(found: dict[str, str], keys) -> tuple[str, str]:
    for key in keys:
        if found.get(key):
            return key, found[key]
    return "", ""


def _first_text(tree, xpath: str) -> str:
    for el in tree.xpath(xpath):
        text = " ".join(el.text_content().split())
        if text:
            return text
    return ""


def _metadata(tree) -> _Page:
    meta = _meta(tree)
    page = _Page()
    page.title = _pick(meta, _TITLE_KEYS)[1] or _first_text(tree, "//h1") or _first_text(tree, "//title")
    page.source = _pick(meta, _SITE_KEYS)[1]
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    page.url = _pick(meta, _URL_KEYS)[1] or (canonical[0].strip() if canonical else "")
    if not page.url.startswith(("http://", "https://")):
        page.url = ""
    page.date_key, page.date_text = _pick(meta, _DATE_KEYS)
    if not page.date_text:
        times = tree.xpath("//time/@datetime")
        page.date_key, page.date_text = ("<time datetime>", times[0].strip()) if times else ("", "")
    authors = [value for key, value in meta.items() if key in _AUTHOR_KEYS and "://" not in value]
    page.authors = ", ".join(authors[:1])
    return page


def _with_trafilatura(tree) -> _Page | None:
    trafilatura = _trafilatura()
    if trafilatura is None:
        return None
    doc = trafilatura.bare_extraction(deepcopy(tree), with_metadata=True, include_comments=False,
                                      include_tables=True, date_extraction_params=dict(_DATE_PARAMS))
    if doc is None:
        return None
    get = lambda name: (getattr(doc, name, None) or "").strip()  # noqa: E731
    author = get("author").replace(";", ",")
    return _Page(title=get("title"), text=get("text"), source=get("sitename"), url=get("url"),
                 date_key="date", date_text=get("date"), authors=author)


def _basic_text(tree) -> str:
    """Main text by hand: the <article> (or <main>, or <body>) without page furniture."""
    tree = deepcopy(tree)
    roots = tree.xpath("//article") or tree.xpath("//main") or tree.xpath("//*[@role='main']") or [tree]
    root = max(roots, key=lambda el: len(el.text_content()))
    for el in list(root.iter(*_DROP_TAGS)):
        if el is not root and el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter()):
        hint = f"{el.get('class', '')} {el.get('id', '')}" if isinstance(el.tag, str) else ""
        if el is not root and _WIDGET_RE.search(hint) and len(el.text_content()) <= _MAX_WIDGET_CHARS:
            if el.getparent() is not None:
                el.drop_tree()
    for el in root.iter():
        # Source line breaks inside a paragraph are not paragraph breaks: flatten first,
        # then mark the edges of block elements with real newlines.
        if isinstance(el.tag, str) and el.tag != "pre":
            el.text = re.sub(r"\s+", " ", el.text) if el.text else el.text
        el.tail = re.sub(r"\s+", " ", el.tail) if el.tail else el.tail
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    return "\n".join(line.strip() for line in root.text_content().split("\n"))


def _strip_site_suffix(title: str, site: str) -> str:
    """'Headline | The Daily' -> 'Headline' when 'The Daily' is the site."""
    seps = list(re.finditer(r"\s+[|–—-]\s+", title))
    if site and seps and title[seps[-1].end():].strip().casefold() == site.casefold():
        return title[: seps[-1].start()].strip()
    return title


def _htmldate(tree) -> str:
    try:
        import htmldate

        return htmldate.find_date(deepcopy(tree), **_DATE_PARAMS) or ""
    except Exception:  # an optional helper: a failure only means no date
        return ""


def parse_html(text: str, path: str, *, source_hint: str = "") -> Iterator[Draft | Skipped | LoadWarning]:
    """The article of a page. `source_hint` (a feed's title) names the outlet where neither the
    page's metadata nor a byline does, before a site name that is only a host name."""
    try:
        tree = _parse(text)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        tree = None
    if tree is None or not tree.text_content().strip():
        yield Skipped(path, "no html content")
        return
    meta = _metadata(tree)
    n_elements = sum(1 for _ in tree.iter())
    huge = n_elements > MAX_EXTRACTOR_ELEMENTS
    if huge:
        yield LoadWarning(path, f"very large page ({n_elements:,} html elements, more than "
                                f"{MAX_EXTRACTOR_ELEMENTS:,}): read with the basic extractor")
    page = None if huge else _with_trafilatura(tree)
    if page is None and "error" in _trafilatura_state and not _trafilatura_state.get("warned"):
        _trafilatura_state["warned"] = True
        yield LoadWarning(path, "html read with the basic extractor: trafilatura is unavailable "
                                f"({_trafilatura_state['error']})")
    page = page or _Page()
    if not page.text:
        page.text = _basic_text(tree)
    if not page.text.strip():
        yield Skipped(path, "no article text found in the html")
        return
    host_like = bool(_HOST_LIKE_RE.fullmatch(page.source))
    source = (not host_like and page.source) or meta.source
    date_key, date_text = (page.date_key, page.date_text) if page.date_text else (meta.date_key, meta.date_text)
    stated = read_byline(page.text) if not (source and date_text) else None
    source = source or (stated and stated.source) or source_hint or re.sub(r"^www\.", "", page.source)
    draft = Draft(text=page.text, source=source, url=page.url or meta.url,
                  title=_strip_site_suffix(page.title or meta.title, source),
                  authors=parse_authors(page.authors or meta.authors))
    draft.title_given = bool(draft.title)
    if not date_text and stated and stated.published:
        draft.published = stated.published
    elif not date_text and not huge:
        date_key, date_text = "htmldate", _htmldate(tree)
    if date_text:
        draft.published = parse_date(date_text)
        if draft.published is None:
            draft.warnings.append(f"unrecognised date in field '{date_key}': '{date_text[:60]}' (left empty)")
    yield draft
