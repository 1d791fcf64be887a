"""Adding articles from the page: uploaded files and web addresses (article pages, RSS / Atom
feeds), both written through the shared library's one write path (`Library.ingest`), the same
one `POST /api/ingest` uses, so a chat's addition takes its turn with every other writer.

Files are checked first (`ui.web_upload`) and staged into the upload folder. Addresses are
taken from the text box as typed (one or more, separated by spaces, commas or new lines), at most
`MAX_URLS` at a time like the REST door, and fetched by the `index.Fetcher` the server was given:
hosts on loopback, private or link-local networks are refused unless the server was started with
--allow-private-urls. A refused or failing address is reported with its reason, never raised.

`report_html` says what an addition did: counts, how each address went, what was skipped and why.

Limits: the page waits while the addresses are fetched (a feed's pages one after another, with
the fetcher's politeness delay per host); the report is the only record of what was refused.
"""

from __future__ import annotations

import logging
import re

from index import is_url
from ui import web_render as R
from ui import web_upload

log = logging.getLogger("ui.web")
ADD_FAILED = "something went wrong on the server; the error was logged there."
MAX_URLS = 20  # as `POST /api/ingest` takes at once (ui.api.records.UrlIngestRequest)
NO_FILES = "Choose one or more article files first (.txt .md .html .htm .json .jsonl)."
NO_URLS = ("Paste the address of a news article or of an RSS / Atom feed first "
           "(https://…; several: separated by spaces).")


def split_urls(text) -> list[str]:
    """The addresses typed in the box, in order, each once (pasted lists, commas and stray spaces allowed)."""
    parts = re.split(r"[\s,]+", text or "")
    return list(dict.fromkeys(p.strip("<>\"'") for p in parts if p.strip("<>\"'")))


def _progress_to(progress):
    def on_progress(p):
        if progress is None:
            return
        if p.stage == "fetching":
            progress(p.urls_fetched, f"fetching: {p.urls_fetched} pages read")
        else:
            progress(p.articles_read, f"{p.stage}: {p.articles_read} read, {p.articles_added} added, "
                                      f"{p.chunks_added} passages")
    return on_progress


def add_files(lib, files, *, roots, upload_dir, max_bytes: int, friendly, progress=None) -> str:
    """Validate, stage and ingest uploads -> report html. `progress(n, desc)` if given."""
    paths = [f if isinstance(f, str) else getattr(f, "path", None) or getattr(f, "name", "")
             for f in (files or [])]
    if not paths:
        return R.error_html(NO_FILES)
    ok, rejected = web_upload.validate(paths, roots, max_bytes)
    names = {}
    staged = []
    for p in ok:
        try:
            dest = web_upload.stage(p, upload_dir) if upload_dir else p
        except OSError as e:
            log.error("cannot store upload %s in %s", p, upload_dir, exc_info=e)
            rejected.append((web_upload.display_name(p), "could not be stored on the server"))
            continue
        names[str(dest)] = web_upload.display_name(p)
        staged.append(str(dest))
    if not staged:
        return report_html(None, rejected)
    try:
        report = lib.ingest(staged, progress=_progress_to(progress))
    except Exception as e:  # noqa: BLE001 - shown as one line; unexpected ones logged by `friendly`
        return R.error_html("Could not add the files: " + friendly(e, ADD_FAILED))
    return report_html(report, rejected, names)


def add_urls(lib, text, *, fetcher, friendly, progress=None) -> str:
    """Fetch and ingest the addresses typed in `text` -> report html (what was added, unchanged
    or skipped, each refused or failed address named with its reason)."""
    urls = split_urls(text)
    if not urls:
        return R.error_html(NO_URLS)
    if len(urls) > MAX_URLS:
        return R.error_html(f"At most {MAX_URLS} addresses at a time; {len(urls)} were given.")
    good = [u for u in urls if is_url(u)]
    rejected = [(u, "not a web address: it must start with http:// or https://") for u in urls if not is_url(u)]
    if not good:
        return report_html(None, rejected)
    if fetcher is None:
        return R.error_html("This server cannot fetch web addresses; upload the articles as files.")
    try:
        report = lib.ingest(good, progress=_progress_to(progress), fetcher=fetcher)
    except Exception as e:  # noqa: BLE001 - shown as one line; unexpected ones logged by `friendly`
        return R.error_html("Could not add the addresses: " + friendly(e, ADD_FAILED))
    return report_html(report, rejected)


def report_html(report, rejected: list[tuple[str, str]] = (), names: dict[str, str] | None = None) -> str:
    """What an upload or a list of web addresses did: counts, how each address went, then every
    file or address that was refused or skipped and why. `names` maps stored paths back to the
    file names the user chose; web addresses are shown whole."""
    names = names or {}

    def name(path) -> str:
        text = str(path)
        if "://" in text:
            return text
        return names.get(text) or text.replace("\\", "/").rsplit("/", 1)[-1]

    rows = [f"<li><b>{R.esc(n)}</b>: {R.esc(r)}</li>" for n, r in rejected]
    if report is not None:
        rows.extend(url_rows(report))
        for s in report.skipped:
            where = f"{name(s.path)}:{s.line}" if s.line else name(s.path)
            rows.append(f"<li><b>{R.esc(where)}</b>: {R.esc(s.reason)}</li>")
        for w in report.warnings:
            where = f"{name(w.path)}:{w.line}" if w.line else name(w.path)
            rows.append(f'<li class="na-warn"><b>{R.esc(where)}</b>: {R.esc(w.message)}</li>')
    added = len(report.added) if report else 0
    unchanged = len(report.unchanged) if report else 0
    replaced = len(report.replaced) if report else 0
    skipped = (len(report.skipped) if report else 0) + len(rejected)
    head = (f"Added {added} article{'s' if added != 1 else ''}"
            + (f", replaced {replaced}" if replaced else "")
            + f", unchanged {unchanged}, skipped {skipped}.")
    ok = getattr(report, "ok", added or unchanged) if report is not None else False
    cls = "na-report ok" if ok else "na-report bad"
    return f'<div class="{cls}"><div>{R.esc(head)}</div>' + (f'<ul>{"".join(rows)}</ul>' if rows else "") + "</div>"


def url_rows(report) -> list[str]:
    """One line per web address read without failing (the failures are among the skipped, with
    their reasons; one that is not is listed here with its error)."""
    skipped = {str(s.path) for s in report.skipped}
    rows = []
    for f in getattr(report, "feeds", None) or ():
        if f.outcome == "failed":
            if f.url not in skipped:
                rows.append(f"<li><b>{R.esc(f.url)}</b>: {R.esc(f.error or 'could not be read')}</li>")
            continue
        what = ("feed" + (f" “{f.title}”" if f.title else "")) if f.kind == "feed" else "page"
        counts = [f"{f.new_items} new"] if f.new_items or f.kind == "feed" else []
        if f.known_items:
            counts.append(f"{f.known_items} already in the index")
        if f.skipped_items:
            counts.append(f"{f.skipped_items} skipped")
        said = ", ".join(counts) or ("added" if f.outcome == "new" else "unchanged")
        if f.outcome == "unchanged" and not (f.known_items or f.new_items or f.skipped_items):
            said = "unchanged since it was last read"
        rows.append(f'<li class="na-url"><b>{R.esc(f.url)}</b> ({R.esc(what)}): {R.esc(said)}</li>')
    return rows
