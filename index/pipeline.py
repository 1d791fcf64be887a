"""Ingest, delete and rebuild: the write paths of an index.

Articles stream from the loaders in batches; each batch is de-duplicated against the store,
chunked, embedded in one model call and committed in one SQLite transaction (an article with
all its chunks, vectors and FTS rows, or none of it). The FAISS file is saved once at the end
(and on interrupt); if the process dies before that, the next open rebuilds it from SQLite.
Memory stays bounded by the batch size whatever the corpus size. Each article's near-duplicate
group row (see `groups`) is written in the same transaction as the article.

URLs among the inputs (feeds and article pages, see `index.web`) are fetched first, without the
write lock, so a slow site never holds up other writers; what they gave is then written like the
articles of files, and each feed's poll (its ETag / Last-Modified, when and how it went) is
remembered only after its articles are committed. A `stop` event ends an ingest between two
commits, leaving the index consistent.
"""

from __future__ import annotations

import itertools
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from index.dedup import groups, minhash
from index.chunking import Chunker
from index.config import DB_NAME, IndexConfig, resolve_index_dir
from index.news_index import NewsIndex
from index.encoders.embedder import Embedder
from index.errors import ArticleNotFoundError, IndexNotFoundError, NewsIndexError
from index.loading.jsonl import ReadCounts
from index.loading.walk import DEFAULT_MAX_FILE_BYTES, abspath, iter_articles
from index.records import AlreadyIndexed, Article, IngestReport, LoadWarning, Progress, Skipped
from index.store import Store
from index.web.urls import clean_url, is_url

# Articles whose file holds exactly one article: a newer version of the file replaces the old.
_SINGLE_ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_BATCH_CHUNKS = 256
_PROGRESS_SECONDS = 0.5  # between progress reports while reading or fetching (one per batch besides)


def embedding_text(title: str, chunk_text: str) -> str:
    """What the model sees for a chunk: the headline gives short chunks their topic."""
    return f"{title}\n{chunk_text}" if title else chunk_text


def open_index(index_dir=None, *, embedder: Embedder | None = None, config: IndexConfig | None = None,
               create: bool = False) -> NewsIndex:
    """Open an existing index (IndexNotFoundError if none), or create it with `create=True`."""
    return NewsIndex.open(index_dir, embedder=embedder, config=config, create=create)


def ingest(paths: Iterable, index_dir=None, *, config: IndexConfig | None = None,
           embedder: Embedder | None = None, progress: Callable[[Progress], None] | None = None,
           max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, index: NewsIndex | None = None,
           fetcher=None, follow: bool = False, stop: threading.Event | None = None) -> IngestReport:
    """Add the articles found under `paths` to the index (created if missing). Never raises for bad
    input files: they are listed in `IngestReport.skipped` with the reason.

    `paths` may also hold http(s) URLs of RSS / Atom feeds and article pages: they are fetched with
    `fetcher` (an `index.web.Fetcher`; by default one that refuses private addresses), a feed's
    items whose URL is already stored are not fetched again, and `IngestReport.feeds` says how each
    URL went. `follow=True` is how `watch` polls: conditional GETs with the ETag / Last-Modified
    remembered for each feed, and every URL's poll remembered in the index. A set `stop` event ends
    the ingest before its next write."""
    inputs = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    urls = [p for p in inputs if is_url(p)]
    files = [p for p in inputs if not is_url(p)]
    t0 = time.perf_counter()
    idx = index or open_index(index_dir, embedder=embedder, config=config, create=True)
    report = IngestReport()
    counts = ReadCounts()
    try:
        collected = _collect(idx, urls, fetcher, follow, stop, counts, progress) if urls else None
        with idx.write_lock():
            idx.refresh()
            generation = idx.store.generation()
            try:
                if groups.needs_backfill(idx.store):
                    groups.backfill(idx.store)  # an index made before groups: its articles first
                items = iter_articles(files, max_file_bytes=max_file_bytes, counts=counts)
                if collected is not None:
                    items = itertools.chain(items, collected.items)
                finished = _ingest_stream(idx, items, report, progress, counts, stop)
                if collected is not None:
                    _remember_polls(idx, collected, report, follow, finished)
            finally:
                # a poll that found nothing new leaves the FAISS file as it is: rewriting a large
                # index's file every few minutes for nothing would cost more than the poll
                if files or idx.store.generation() != generation:
                    idx.save_vectors()
    finally:
        if index is None:
            idx.close()
    report.seconds = time.perf_counter() - t0
    return report


def _collect(idx: NewsIndex, urls, fetcher, follow, stop, counts: ReadCounts, progress):
    """Fetch what the URLs hold (see `index.web.collect`), before the write lock is taken."""
    from index.web.collect import collect
    from index.web.fetch import Fetcher

    last = [0.0]

    def tick():
        if progress is not None and time.monotonic() - last[0] >= _PROGRESS_SECONDS:
            last[0] = time.monotonic()
            progress(Progress(0, 0, 0, stage="fetching", urls_fetched=counts.fetched))

    return collect(urls, fetcher=fetcher or Fetcher(), conn=idx.store.conn, follow=follow, stop=stop,
                   counts=counts, tick=tick)


def _remember_polls(idx: NewsIndex, collected, report: IngestReport, follow: bool, finished: bool) -> None:
    """Each URL's status into the report; and, when every article was written, into the index."""
    from index.web import state

    report.feeds = collected.statuses(report.added, report.unchanged)
    records = collected.records(report.added, report.unchanged, follow=follow) if finished else []
    with idx.store.transaction() as c:
        state.migrate(c)  # also the articles(url) index the next poll looks items up with
        state.record(c, records)


def _ingest_stream(idx: NewsIndex, items, report: IngestReport, progress, counts: ReadCounts | None = None,
                   stop: threading.Event | None = None) -> bool:
    """Store the articles of `items`; False when `stop` ended it before everything was written."""
    meta = idx.meta
    chunker = Chunker(idx.embedder.count_tokens, chunk_tokens=int(meta["chunk_tokens"]),
                      overlap=int(meta["chunk_overlap"]))
    counts = counts or ReadCounts()
    batch: list[tuple[Article, list]] = []
    batch_chunks = 0
    seen: set[str] = set()
    read = 0
    last_report = time.monotonic()

    def report_progress(stage: str) -> None:
        if progress:
            progress(Progress(read, len(report.added), report.chunks_added, stage=stage,
                              lines_read=counts.lines, urls_fetched=counts.fetched))

    for item in items:
        if progress and time.monotonic() - last_report >= _PROGRESS_SECONDS:
            last_report = time.monotonic()
            report_progress("reading")
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        if isinstance(item, LoadWarning):
            report.warnings.append(item)
            continue
        if isinstance(item, AlreadyIndexed):
            report.unchanged.append(item.article_id)
            continue
        read += 1
        if item.id in seen:
            report.unchanged.append(item.id)
            continue
        seen.add(item.id)
        if idx.store.existing_ids([item.id]):
            report.unchanged.append(item.id)
            continue
        spans = chunker.split(item.text)
        if not spans:
            report.skipped.append(Skipped(item.path, "no text left to index after cleaning"))
            continue
        batch.append((item, spans))
        batch_chunks += len(spans)
        if batch_chunks >= _BATCH_CHUNKS:
            if stop is not None and stop.is_set():
                return False
            _commit_batch(idx, batch, report)
            batch, batch_chunks = [], 0
            last_report = time.monotonic()
            report_progress("embedding")
    if batch:
        if stop is not None and stop.is_set():
            return False
        _commit_batch(idx, batch, report)
    report_progress("done")
    return True


def _commit_batch(idx: NewsIndex, batch: list[tuple[Article, list]], report: IngestReport) -> None:
    texts = [embedding_text(a.title, s.text) for a, spans in batch for s in spans]
    vectors = idx.embedder.embed(texts)
    if vectors.shape != (len(texts), idx.dim):
        raise NewsIndexError(f"the embedder returned shape {vectors.shape}, expected ({len(texts)}, {idx.dim})")
    # signatures are numpy work: done before the transaction so SQLite's lock is held briefly
    sigs = [minhash.of_text(a.text) for a, _ in batch]
    new_ids, new_vecs, removed = [], [], []
    pos = 0
    with idx.store.transaction() as c:
        for (article, spans), (shingles, sig) in zip(batch, sigs):
            vecs = vectors[pos:pos + len(spans)]
            pos += len(spans)
            if article.path.lower().endswith(_SINGLE_ARTICLE_SUFFIXES) or is_url(article.path):
                for old in Store.article_ids_for_path_tx(c, article.path):
                    removed.extend(Store.delete_article(c, old))
                    report.replaced.append(old)
            new_ids.extend(Store.insert_article(c, article, spans, vecs))
            groups.assign(c, article.id, article.published, shingles, sig)
            new_vecs.append(vecs)
            report.added.append(article.id)
            report.chunks_added += len(spans)
        Store.bump_generation(c)
    # FAISS follows only after the commit succeeded, so memory never runs ahead of the database.
    idx.vectors.remove(removed)
    idx.vectors.add(np.asarray(new_ids, dtype=np.int64), np.concatenate(new_vecs))


def delete(article_ids: Iterable[str] = (), *, paths: Iterable = (), index_dir=None,
           index: NewsIndex | None = None) -> list[str]:
    """Remove articles (by id, or every article ingested from a path or page URL) with their chunks and vectors.
    Returns the ids removed; an unknown id or path raises `ArticleNotFoundError` and removes nothing."""
    if isinstance(article_ids, str):  # one id, not its characters
        article_ids = [article_ids]
    if isinstance(paths, (str, Path)):
        paths = [paths]
    idx = index or open_index(index_dir)
    try:
        with idx.write_lock():
            idx.refresh()
            targets = []
            for a in article_ids:
                targets.append(_resolve_id(idx, a))
            for p in paths:
                # as the loaders recorded it: a file's absolute path, a page's URL
                found = idx.store.article_ids_for_path(clean_url(p) if is_url(p) else abspath(p))
                if not found:
                    raise ArticleNotFoundError(f"no article in the index was ingested from {p}")
                targets.extend(found)
            targets = list(dict.fromkeys(targets))
            removed: list[int] = []
            with idx.store.transaction() as c:
                for t in targets:
                    removed.extend(Store.delete_article(c, t))
                Store.bump_generation(c)
            idx.vectors.remove(removed)
            idx.save_vectors()
            return targets
    finally:
        if index is None:
            idx.close()


def _resolve_id(idx: NewsIndex, given: str) -> str:
    """An article id, or a unique prefix of one (at least 6 characters) as `stats`/`ask` print them."""
    if idx.store.existing_ids([given]):
        return given
    prefix = given.strip().lower()  # ids are lower-case hex; LIKE would treat _ and % as wildcards
    rows = idx.store.ids_with_prefix(prefix, limit=2) if len(prefix) >= 6 else []
    if len(rows) == 1:
        return rows[0]
    raise ArticleNotFoundError(f"no article with id {given!r} in the index" if not rows
                         else f"article id prefix {given!r} is ambiguous; give more characters")


def rebuild(index_dir=None, *, config: IndexConfig | None = None, embedder: Embedder | None = None,
            progress: Callable[[Progress], None] | None = None) -> IngestReport:
    """Re-chunk and re-embed every stored article (e.g. with another model) into a fresh index,
    then swap it in. The old index stays intact until the new one is complete."""
    d = resolve_index_dir(index_dir)
    old = Store(d)
    if not (d / DB_NAME).exists():
        raise IndexNotFoundError(str(d))
    from index.web import state

    articles = old.articles()
    followed = state.dump(old.conn)  # the feeds followed, with their validators, move with the articles
    old.close()
    tmp = d.with_name(d.name + ".rebuild")
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    report = IngestReport()
    try:
        idx = open_index(tmp, embedder=embedder, config=config, create=True)
        try:
            with idx.write_lock():
                _ingest_stream(idx, iter(articles), report, progress)
                with idx.store.transaction() as c:
                    state.load(c, followed)
                idx.save_vectors()
        finally:
            idx.close()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # the old index is untouched; drop the half-built one
        raise
    backup = d.with_name(d.name + ".old")
    shutil.rmtree(backup, ignore_errors=True)
    d.rename(backup)
    tmp.rename(d)
    shutil.rmtree(backup, ignore_errors=True)
    report.seconds = time.perf_counter() - t0
    return report
