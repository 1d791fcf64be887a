"""Fetched pages to articles, through the same code that reads saved .html and .txt files.

Purpose: `page_items` turns one fetched page into an `Article` (or a `Skipped` with the reason)
and its `LoadWarning`s: HTML goes through `index.loading.html.parse_html` (trafilatura, page
metadata, a byline in the text), plain text through the .txt reader. What a feed says about the
item wins over the page's metadata for the title, date and authors; the outlet is the page's site
name, else one stated above the story, else the feed's title, else the URL's host. The article's
`url` and `path` are the URL that was asked for, the one feeds and later runs know it by.

Limits: a page must keep at least `MIN_PAGE_CHARS` characters of text after extraction to count as
an article (section fronts, login and video pages do not); other content types (PDF, images) are
skipped with their type named.
"""

from __future__ import annotations

import re

from index.loading.clean import remove_title_lines
from index.loading.decode import decode_text
from index.loading.fields import Draft
from index.loading.html import parse_html
from index.loading.walk import drafts, finish, valid_unicode
from index.records import Article, LoadWarning, Skipped
from index.web.feeds import FeedItem
from index.web.fetch import FetchResult

MIN_PAGE_CHARS = 200
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)

Item = Article | Skipped | LoadWarning


def decode_page(body: bytes, charset: str = "") -> tuple[str | None, str]:
    """(text, warning or "") of a page: the charset its headers or <meta> declare when it
    decodes with it, else the loaders' own rules (UTF-8, cp1252); (None, reason) for no text."""
    declared = [charset] if charset else []
    match = _META_CHARSET_RE.search(body[:4096])
    if match:
        declared.append(match.group(1).decode("ascii"))
    for name in declared:
        try:
            return body.decode(name), ""
        except (LookupError, UnicodeDecodeError):
            continue
    return decode_text(body)


def _apply(draft: Draft, url: str, item: FeedItem | None) -> Draft:
    draft.url = url
    if item is not None:
        if item.title:
            if draft.title_given and draft.title:
                # the page's own headline leaves the text as a file of the page would: the same
                # text, so the same article id, whatever the feed calls the item
                draft.text = remove_title_lines(draft.text, draft.title)
            draft.title, draft.title_given = item.title, True
        draft.published = item.published or draft.published
        draft.authors = item.authors or draft.authors
    return draft


def page_items(result: FetchResult, *, url: str, item: FeedItem | None = None, feed_title: str = "") -> list[Item]:
    """The article of one fetched page (see the module docstring); `url` names it everywhere."""
    kind = result.content_type or "text/html"  # a server that names no type serves a page, usually
    if kind not in HTML_TYPES and kind != "text/plain":
        return [Skipped(url, f"not an article page (content type {kind})")]
    text, note = decode_page(result.body, result.charset)
    if text is None:
        return [Skipped(url, note)]
    out: list[Item] = [LoadWarning(url, note)] if note else []
    parsed = parse_html(text, url, source_hint=feed_title) if kind in HTML_TYPES else drafts(text, url, ".txt")
    for got in parsed:
        if not isinstance(got, Draft):
            out.append(got)
            continue
        out.extend(LoadWarning(url, valid_unicode(message)) for message in got.warnings)
        if kind == "text/plain" and not got.source:
            got.source = feed_title
        article = finish(_apply(got, url, item), url)
        if isinstance(article, Article) and len(article.text) < MIN_PAGE_CHARS:
            article = Skipped(url, f"not an article: only {len(article.text)} characters of text on the page "
                                   f"(at least {MIN_PAGE_CHARS} needed)")
        out.append(article)
    return out
