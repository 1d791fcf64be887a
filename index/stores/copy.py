"""Moving an index between stores without re-embedding: `assistant copy --from A --to B`.

Every article of the source is read with its chunks and their vectors (`NewsStore.export`, in
the order the articles were added) and written to the target through the same `add_articles`
an ingest uses, so the target builds its own search structures, near-duplicate groups (same
rules, same order, so the same groups) and term counts; the followed feeds move too. Chunk ids
are the target's own. Articles the target already has are left as they are, so an interrupted
copy can simply be run again.

Limits: the target must use the source's embedding model (it is created with it when missing;
an existing target with another model is refused by `IndexMismatchError`); one batch of about
`BATCH_CHUNKS` chunks is in memory at a time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from index.config import IndexConfig
from index.errors import ConfigError
from index.stores import NewArticle, open_store, resolve_location

BATCH_CHUNKS = 1024


@dataclass(frozen=True)
class CopyReport:
    """What `copy_index` did: articles and chunks written, articles the target already had,
    feeds carried over."""

    source: str
    target: str
    articles: int
    chunks: int
    already_there: int
    feeds: int
    seconds: float

    def summary(self) -> str:
        return (f"copied {self.articles} articles ({self.chunks} chunks) from {self.source} to {self.target}"
                + (f", {self.already_there} already there" if self.already_there else "")
                + (f", {self.feeds} followed feeds" if self.feeds else "") + f" in {self.seconds:.1f} s")


def copy_index(source, target, *, progress: Callable[[int, int], None] | None = None) -> CopyReport:
    """Copy every article, chunk and vector of the index at `source` into the one at `target`
    (each a directory or a `milvus://` URI; the target is created when missing).
    `progress(articles, chunks)` is called after every batch written."""
    src_loc, dst_loc = resolve_location(source), resolve_location(target)
    if src_loc.key == dst_loc.key:
        raise ConfigError(f"--from and --to are the same index ({src_loc})")
    t0 = time.perf_counter()
    src = open_store(source)
    try:
        cfg = IndexConfig(model=src.meta["model"], chunk_tokens=int(src.meta["chunk_tokens"]),
                          chunk_overlap=int(src.meta["chunk_overlap"]))
        dst = open_store(target, embedder=_SameModel(src.embedder, src.meta["model"], src.dim), config=cfg,
                         create=True)
        try:
            with dst.write_lock():
                dst.prepare_writes()
                counts = _copy_articles(src, dst, progress)
                followed = src.feeds().dump()
                if followed:
                    dst.feeds().load(followed)
                dst.flush()
        finally:
            dst.close()
    finally:
        src.close()
    return CopyReport(str(src_loc), str(dst_loc), counts[0], counts[1], counts[2], len(followed),
                      time.perf_counter() - t0)


class _SameModel:
    """The source's embedder as the target sees it: name and dimension from the source's records,
    so creating the target never loads the model (nothing is embedded while copying)."""

    def __init__(self, embedder, name: str, dim: int):
        self._embedder, self.name, self.dim = embedder, name, dim

    def embed(self, texts):
        return self._embedder.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self._embedder.count_tokens(text)


def _copy_articles(src, dst, progress) -> tuple[int, int, int]:
    articles = chunks = already = 0
    batch: list[NewArticle] = []

    def write() -> None:
        nonlocal articles, chunks, already, batch
        have = dst.existing_ids([it.article.id for it in batch])
        todo = [it for it in batch if it.article.id not in have]
        already += len(batch) - len(todo)
        if todo:
            dst.add_articles(todo)
            articles += len(todo)
            chunks += sum(len(it.spans) for it in todo)
        batch = []
        if progress is not None:
            progress(articles, chunks)

    pending = 0
    for stored in src.export():
        # a stored Chunk has the order, start, end and text a chunk span has
        batch.append(NewArticle(stored.article, stored.chunks, stored.vectors))
        pending += len(stored.chunks)
        if pending >= BATCH_CHUNKS:
            write()
            pending = 0
    if batch:
        write()
    return articles, chunks, already
