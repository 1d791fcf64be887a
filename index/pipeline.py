"""Ingest, delete and rebuild: the write paths of an index.

Articles stream from the loaders in batches; each batch is de-duplicated against the store,
chunked, embedded in one model call and committed in one SQLite transaction (an article with
all its chunks, vectors and FTS rows, or none of it). The FAISS file is saved once at the end
(and on interrupt); if the process dies before that, the next open rebuilds it from SQLite.
Memory stays bounded by the batch size whatever the corpus size. Each article's near-duplicate
group row (see `groups`) is written in the same transaction as the article.

Every write goes through the store seam (`index.stores.base.NewsStore`), so the same paths fill
the default store (SQLite + FAISS) and a Milvus one. With an `embed_pool` (`--ray`: Ray Data over
a cluster, see `index.encoders.ray_pool`) batches are embedded a window at a time across its
workers and then written in the order they were read; without one nothing else is imported.

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
from typing import Callable, Iterable, Protocol, Sequence

import numpy as np

from index.chunking import Chunker
from index.config import DB_NAME, IndexConfig, resolve_index_dir
from index.encoders.embedder import Embedder
from index.errors import ArticleNotFoundError, ConfigError, IndexNotFoundError, NewsIndexError
from index.loading.jsonl import ReadCounts
from index.loading.walk import DEFAULT_MAX_FILE_BYTES, abspath, iter_articles
from index.records import AlreadyIndexed, Article, IngestReport, LoadWarning, Progress, Skipped
from index.store import Store
from index.stores import NewArticle, NewsStore, open_store, resolve_location
from index.web.urls import clean_url, is_url

# Articles whose file holds exactly one article: a newer version of the file replaces the old.
_SINGLE_ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_BATCH_CHUNKS = 256
_PROGRESS_SECONDS = 0.5  # between progress reports while reading or fetching (one per batch besides)


class EmbedPool(Protocol):
    """Embeds many batches at once elsewhere (a Ray cluster): `window` chunks per `embed` call."""

    window: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def embedding_text(title: str, chunk_text: str) -> str:
    """What the model sees for a chunk: the headline gives short chunks their topic."""
    return f"{title}\n{chunk_text}" if title else chunk_text


def open_index(index_dir=None, *, embedder: Embedder | None = None, config: IndexConfig | None = None,
               create: bool = False) -> NewsStore:
    """Open an existing index (IndexNotFoundError if none), or create it with `create=True`.
    `index_dir` is a directory or a `milvus://` URI (see `index.stores.open_store`)."""
    return open_store(index_dir, embedder=embedder, config=config, create=create)


def ingest(paths: Iterable, index_dir=None, *, config: IndexConfig | None = None,
           embedder: Embedder | None = None, progress: Callable[[Progress], None] | None = None,
           max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, index: NewsStore | None = None,
           fetcher=None, follow: bool = False, stop: threading.Event | None = None,
           embed_pool: EmbedPool | None = None, ray: str | None = None,
           ray_workers: int | None = None) -> IngestReport:
    """Add the articles found under `paths` to the index (created if missing). Never raises for bad
    input files: they are listed in `IngestReport.skipped` with the reason.

    `paths` may also hold http(s) URLs of RSS / Atom feeds and article pages: they are fetched with
    `fetcher` (an `index.web.Fetcher`; by default one that refuses private addresses), a feed's
    items whose URL is already stored are not fetched again, and `IngestReport.feeds` says how each
    URL went. `follow=True` is how `watch` polls: conditional GETs with the ETag / Last-Modified
    remembered for each feed, and every URL's poll remembered in the index. A set `stop` event ends
    the ingest before its next write. `embed_pool` embeds elsewhere (see `EmbedPool`); `ray`
    ("local", "auto" or a cluster address) builds one on a Ray cluster with `ray_workers` actors
    (`index.encoders.ray_pool`). The index's own embedder still counts tokens for chunking."""
    inputs = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    urls = [p for p in inputs if is_url(p)]
    files = [p for p in inputs if not is_url(p)]
    t0 = time.perf_counter()
    idx = index or open_index(index_dir, embedder=embedder, config=config, create=True)
    report = IngestReport()
    counts = ReadCounts()
    pool = None
    try:
        if embed_pool is None and ray is not None:
            from index.encoders.ray_pool import RayEmbedPool

            # "auto" precision: each worker picks bf16 where its own CPU does it natively
            embed_pool = pool = RayEmbedPool(idx.embedder.name, "auto", idx.dim, address=ray, workers=ray_workers)
        collected = _collect(idx, urls, fetcher, follow, stop, counts, progress) if urls else None
        with idx.write_lock():
            idx.refresh()
            generation = idx.generation()
            try:
                idx.prepare_writes()  # e.g. an index made before groups: its articles' rows first
                items = iter_articles(files, max_file_bytes=max_file_bytes, counts=counts)
                if collected is not None:
                    items = itertools.chain(items, collected.items)
                finished = _ingest_stream(idx, items, report, progress, counts, stop, embed_pool)
                if collected is not None:
                    _remember_polls(idx, collected, report, follow, finished)
            finally:
                # a poll that found nothing new leaves the FAISS file as it is: rewriting a large
                # index's file every few minutes for nothing would cost more than the poll
                if files or idx.generation() != generation:
                    idx.flush()
    finally:
        if pool is not None:
            pool.close()
        if index is None:
            idx.close()
    report.seconds = time.perf_counter() - t0
    return report


def _collect(idx: NewsStore, urls, fetcher, follow, stop, counts: ReadCounts, progress):
    """Fetch what the URLs hold (see `index.web.collect`), before the write lock is taken."""
    from index.web.collect import collect
    from index.web.fetch import Fetcher

    last = [0.0]

    def tick():
        if progress is not None and time.monotonic() - last[0] >= _PROGRESS_SECONDS:
            last[0] = time.monotonic()
            progress(Progress(0, 0, 0, stage="fetching", urls_fetched=counts.fetched))

    return collect(urls, fetcher=fetcher or Fetcher(), feeds=idx.feeds(), follow=follow, stop=stop,
                   counts=counts, tick=tick)


def _remember_polls(idx: NewsStore, collected, report: IngestReport, follow: bool, finished: bool) -> None:
    """Each URL's status into the report; and, when every article was written, into the index."""
    report.feeds = collected.statuses(report.added, report.unchanged)
    records = collected.records(report.added, report.unchanged, follow=follow) if finished else []
    idx.feeds().record(records)


def _ingest_stream(idx: NewsStore, items, report: IngestReport, progress, counts: ReadCounts | None = None,
                   stop: threading.Event | None = None, pool: EmbedPool | None = None) -> bool:
    """Store the articles of `items`; False when `stop` ended it before everything was written.
    With a `pool`, batches wait until a window of chunks is read, which is embedded in one go."""
    meta = idx.meta
    chunker = Chunker(idx.embedder.count_tokens, chunk_tokens=int(meta["chunk_tokens"]),
                      overlap=int(meta["chunk_overlap"]))
    counts = counts or ReadCounts()
    batch: list[tuple[Article, list]] = []
    batch_chunks = 0
    waiting: list[list[tuple[Article, list]]] = []  # batches read, not yet embedded (a pool's window)
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
        if idx.existing_ids([item.id]):
            report.unchanged.append(item.id)
            continue
        spans = chunker.split(item.text)
        if not spans:
            report.skipped.append(Skipped(item.path, "no text left to index after cleaning"))
            continue
        batch.append((item, spans))
        batch_chunks += len(spans)
        if batch_chunks >= _BATCH_CHUNKS:
            waiting.append(batch)
            batch, batch_chunks = [], 0
            if pool is None or sum(len(s) for b in waiting for _, s in b) >= pool.window:
                if stop is not None and stop.is_set():
                    return False
                _commit_batches(idx, waiting, report, pool, report_progress)
                waiting = []
                last_report = time.monotonic()
    if batch:
        waiting.append(batch)
    if waiting:
        if stop is not None and stop.is_set():
            return False
        _commit_batches(idx, waiting, report, pool, report_progress, last=True)
    report_progress("done")
    return True


def _commit_batches(idx: NewsStore, batches, report: IngestReport, pool: EmbedPool | None, report_progress,
                    last: bool = False) -> None:
    """Embed and store batches in the order they were read: one model call per batch on this
    machine, or one pool call for them all (its workers share the window between them). A
    progress report follows each batch but the input's last (`last`), which "done" reports."""
    vectors = None
    if pool is not None:
        texts = [embedding_text(a.title, s.text) for b in batches for a, spans in b for s in spans]
        vectors = pool.embed(texts)
        if vectors.shape != (len(texts), idx.dim):
            raise NewsIndexError(f"the embedding pool returned shape {vectors.shape}, expected ({len(texts)}, {idx.dim})")
    pos = 0
    for i, b in enumerate(batches):
        n = sum(len(spans) for _, spans in b)
        _commit_batch(idx, b, report, None if vectors is None else vectors[pos:pos + n])
        pos += n
        if not (last and i == len(batches) - 1):
            report_progress("embedding")


def _commit_batch(idx: NewsStore, batch: list[tuple[Article, list]], report: IngestReport,
                  vectors: np.ndarray | None = None) -> None:
    if vectors is None:
        texts = [embedding_text(a.title, s.text) for a, spans in batch for s in spans]
        vectors = idx.embedder.embed(texts)
        if vectors.shape != (len(texts), idx.dim):
            raise NewsIndexError(f"the embedder returned shape {vectors.shape}, expected ({len(texts)}, {idx.dim})")
    items, pos = [], 0
    for article, spans in batch:
        items.append(NewArticle(article, spans, vectors[pos:pos + len(spans)],
                                replace_path=article.path.lower().endswith(_SINGLE_ARTICLE_SUFFIXES)
                                or is_url(article.path)))
        pos += len(spans)
    result = idx.add_articles(items)
    report.replaced.extend(result.replaced)
    report.added.extend(a.id for a, _ in batch)
    report.chunks_added += pos


def delete(article_ids: Iterable[str] = (), *, paths: Iterable = (), index_dir=None,
           index: NewsStore | None = None) -> list[str]:
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
                found = idx.article_ids_for_path(clean_url(p) if is_url(p) else abspath(p))
                if not found:
                    raise ArticleNotFoundError(f"no article in the index was ingested from {p}")
                targets.extend(found)
            targets = list(dict.fromkeys(targets))
            idx.delete_articles(targets)
            idx.flush()
            return targets
    finally:
        if index is None:
            idx.close()


def _resolve_id(idx: NewsStore, given: str) -> str:
    """An article id, or a unique prefix of one (at least 6 characters) as `stats`/`ask` print them."""
    if idx.existing_ids([given]):
        return given
    prefix = given.strip().lower()  # ids are lower-case hex; LIKE would treat _ and % as wildcards
    rows = idx.ids_with_prefix(prefix, limit=2) if len(prefix) >= 6 else []
    if len(rows) == 1:
        return rows[0]
    raise ArticleNotFoundError(f"no article with id {given!r} in the index" if not rows
                         else f"article id prefix {given!r} is ambiguous; give more characters")


def rebuild(index_dir=None, *, config: IndexConfig | None = None, embedder: Embedder | None = None,
            progress: Callable[[Progress], None] | None = None) -> IngestReport:
    """Re-chunk and re-embed every stored article (e.g. with another model) into a fresh index,
    then swap it in. The old index stays intact until the new one is complete. The default store
    only: a Milvus index is rebuilt by copying it to a directory, rebuilding that, and copying back
    (`index.stores.copy.copy_index`)."""
    if resolve_location(index_dir).is_milvus:
        raise ConfigError(f"{resolve_location(index_dir)}: --rebuild works on an index directory; copy the "
                          f"Milvus index to one (assistant copy --from URI --to DIR), rebuild it there "
                          f"and copy it back")
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
                idx.feeds().load(followed)
                idx.flush()
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
