"""Ingest, delete and rebuild: the write paths of an index.

Articles stream from the loaders in batches; each batch is de-duplicated against the store,
chunked, embedded in one model call and committed in one SQLite transaction (an article with
all its chunks, vectors and FTS rows, or none of it). The FAISS file is saved once at the end
(and on interrupt); if the process dies before that, the next open rebuilds it from SQLite.
Memory stays bounded by the batch size whatever the corpus size. Each article's near-duplicate
group row (see `groups`) is written in the same transaction as the article.
"""

from __future__ import annotations

import shutil
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
from index.loading.walk import DEFAULT_MAX_FILE_BYTES, abspath, iter_articles
from index.records import Article, IngestReport, LoadWarning, Progress, Skipped
from index.store import Store

# Articles whose file holds exactly one article: a newer version of the file replaces the old.
_SINGLE_ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_BATCH_CHUNKS = 256


def embedding_text(title: str, chunk_text: str) -> str:
    """What the model sees for a chunk: the headline gives short chunks their topic."""
    return f"{title}\n{chunk_text}" if title else chunk_text


def open_index(index_dir=None, *, embedder: Embedder | None = None, config: IndexConfig | None = None,
               create: bool = False) -> NewsIndex:
    """Open an existing index (IndexNotFoundError if none), or create it with `create=True`."""
    return NewsIndex.open(index_dir, embedder=embedder, config=config, create=create)


def ingest(paths: Iterable, index_dir=None, *, config: IndexConfig | None = None,
           embedder: Embedder | None = None, progress: Callable[[Progress], None] | None = None,
           max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, index: NewsIndex | None = None) -> IngestReport:
    """Add the articles found under `paths` to the index (created if missing). Never raises for bad
    input files: they are listed in `IngestReport.skipped` with the reason."""
    t0 = time.perf_counter()
    idx = index or open_index(index_dir, embedder=embedder, config=config, create=True)
    report = IngestReport()
    try:
        with idx.write_lock():
            idx.refresh()
            try:
                if groups.needs_backfill(idx.store):
                    groups.backfill(idx.store)  # an index made before groups: its articles first
                _ingest_stream(idx, iter_articles(paths, max_file_bytes=max_file_bytes), report, progress)
            finally:
                idx.save_vectors()
    finally:
        if index is None:
            idx.close()
    report.seconds = time.perf_counter() - t0
    return report


def _ingest_stream(idx: NewsIndex, items, report: IngestReport, progress) -> None:
    meta = idx.meta
    chunker = Chunker(idx.embedder.count_tokens, chunk_tokens=int(meta["chunk_tokens"]),
                      overlap=int(meta["chunk_overlap"]))
    batch: list[tuple[Article, list]] = []
    batch_chunks = 0
    seen: set[str] = set()
    read = 0
    for item in items:
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        if isinstance(item, LoadWarning):
            report.warnings.append(item)
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
            _commit_batch(idx, batch, report)
            batch, batch_chunks = [], 0
            if progress:
                progress(Progress(read, len(report.added), report.chunks_added))
    if batch:
        _commit_batch(idx, batch, report)
    if progress:
        progress(Progress(read, len(report.added), report.chunks_added, stage="done"))


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
            if article.path.lower().endswith(_SINGLE_ARTICLE_SUFFIXES):
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
    """Remove articles (by id, or every article ingested from a path) with their chunks and vectors.
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
                found = idx.store.article_ids_for_path(abspath(p))  # as the loaders recorded it
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
    articles = old.articles()
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
