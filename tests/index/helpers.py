"""Small builders and checks shared by the index tests (fake embedder, temporary folders)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.config import IndexConfig

# Three reports with no content words in common, so the fake embedder tells them apart.
SUEZ = ("Container Ship Blocks Suez Canal",
        "The Ever Given container ship ran aground and wedged itself across the Suez Canal. "
        "Tugboats and dredgers worked for days to free the vessel.\n\n"
        "Hundreds of ships queued at both ends of the waterway while salvage crews waited for a high tide.")
QUAKE = ("Earthquake Strikes Southern Türkiye",
         "A powerful earthquake struck southern Türkiye and northern Syria before dawn. "
         "Rescuers searched collapsed apartment blocks for survivors.\n\n"
         "Aftershocks rattled the region for days and hampered the rescue teams digging through rubble.")
ECLIPSE = ("Total Solar Eclipse Crosses Mexico",
           "The Moon's shadow swept across Mexico, the United States and Canada during a total solar eclipse. "
           "Crowds gathered along the path of totality.\n\n"
           "Astronomers measured the corona while the sky went dark for almost four minutes.")

# Small chunks, so every test article has several chunks.
SMALL_CHUNKS = IndexConfig(chunk_tokens=16, chunk_overlap=4)


def front_matter_text(title: str, body: str, source: str = "", published: str = "") -> str:
    head = [f"title: {title}"] + ([f"source: {source}"] if source else []) + \
        ([f"published: {published}"] if published else [])
    return "---\n" + "\n".join(head) + "\n---\n\n" + body + "\n"


def write_txt(folder: Path, name: str, title: str, body: str, **meta) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(front_matter_text(title, body, **meta), encoding="utf-8")
    return path


def write_jsonl(folder: Path, name: str, *records: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def sample_folder(folder: Path) -> Path:
    """Three single-article text files."""
    write_txt(folder, "suez.txt", *SUEZ, source="Harbor Ledger", published="2021-03-29")
    write_txt(folder, "quake.txt", *QUAKE, source="Northwind Post", published="2023-02-10")
    write_txt(folder, "eclipse.txt", *ECLIPSE, source="Meridian Wire", published="2024-04-08")
    return folder


def assert_consistent(idx) -> None:
    """FAISS holds exactly the chunk ids SQLite holds."""
    faiss_ids = np.sort(idx.vectors.ids())
    assert faiss_ids.tolist() == idx.store.chunk_ids().tolist()
    assert idx.vectors.ntotal == idx.store.counts()[1]


def dense_ids(idx, query: str, k: int = 50) -> list[int]:
    return [h.chunk.id for h in idx.dense_search(idx.embed_query(query), k)]
