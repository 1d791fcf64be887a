"""The collections of a Milvus index, and the filter expressions every search shares.

| collection        | one row per                | what it is for                                        |
|-------------------|----------------------------|-------------------------------------------------------|
| `news_chunks`     | chunk                      | text, dense vector, BM25 sparse vector (Milvus's BM25 |
|                   |                            | function over `lexical`), outlet and date to filter on |
| `news_articles`   | article                    | the article record; `seq` is the order it was added   |
| `news_article_parts` | 16,000 characters past the first | long article texts (a VARCHAR holds 64 KB)     |
| `news_groups`     | article                    | near-duplicate group, MinHash signature, head flag    |
| `news_bands`      | article and LSH band       | MinHash band keys: the candidates of a new article    |
| `news_terms`      | analysed term              | chunks containing it (document frequencies for IDF)   |
| `news_feeds`      | followed URL               | the feeds table of `index.web.state`, as JSON         |
| `news_meta`       | key                        | format, model, dimension, counters, generation        |

Milvus wants a vector field in every collection: the record-only ones carry `_v`, a
two-dimensional zero vector that is never searched. Dates are `published` integers YYYYMMDD
(0: undated), so a date filter is two integer comparisons and an undated article passes none.
Outlets are filtered on `source_key`, the outlet casefolded, as the default store compares them.
All collections use Strong consistency: a write is visible to the next read (an ingest reads
what its previous batch wrote).
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

PREFIX = "news_"
CHUNKS, ARTICLES, PARTS = PREFIX + "chunks", PREFIX + "articles", PREFIX + "article_parts"
GROUPS, BANDS, TERMS = PREFIX + "groups", PREFIX + "bands", PREFIX + "terms"
FEEDS, META = PREFIX + "feeds", PREFIX + "meta"
ALL = (CHUNKS, ARTICLES, PARTS, GROUPS, BANDS, TERMS, FEEDS, META)  # META last: its rows mean "complete"

TEXT_MAX = 65535  # Milvus's VARCHAR limit, in bytes
PART_CHARS = 16_000  # 4 bytes per character at worst: a part always fits a VARCHAR
CHUNK_FIELDS = ["id", "article_id", "ord", "start_char", "end_char", "text"]
ARTICLE_FIELDS = ["id", "seq", "title", "text", "parts", "source", "url", "published", "authors", "path", "added_at"]
NO_VECTOR = [0.0, 0.0]


def dense_index(kind: str) -> dict:
    """The dense vector index: exact (FLAT) in Milvus Lite, as the default store is exact up to
    200,000 chunks; HNSW on a server (docs/SCALE.md has the sizing for 10M-100M chunks)."""
    if kind == "milvus-lite":
        return {"index_type": "FLAT", "metric_type": "IP", "params": {}}
    return {"index_type": "HNSW", "metric_type": "IP", "params": {"M": 16, "efConstruction": 200}}


def dense_search_params(kind: str, k: int) -> dict:
    if kind == "milvus-lite":
        return {"metric_type": "IP"}
    return {"metric_type": "IP", "params": {"ef": max(64, 2 * k)}}


def create_all(client, dim: int, kind: str) -> None:
    """Create the collections that are missing (an interrupted create resumes) and load them."""
    from pymilvus import DataType, Function, FunctionType

    V = DataType.VARCHAR

    def new(name, fields, *, functions=(), indexes=(("_v", {"index_type": "FLAT", "metric_type": "L2"}),)):
        if client.has_collection(name):
            return
        s = client.create_schema(auto_id=False, enable_dynamic_field=False)
        for fname, dtype, kw in fields:
            s.add_field(fname, dtype, **kw)
        for f in functions:
            s.add_function(f)
        ip = client.prepare_index_params()
        for field, params in indexes:
            ip.add_index(field, **params)
        client.create_collection(name, schema=s, consistency_level="Strong")
        # sync=False: pymilvus otherwise polls every half second until each index is built,
        # which on empty collections only adds waiting; load_all waits for what loading needs
        client.create_index(name, ip, sync=False)

    text = {"max_length": TEXT_MAX}
    no_vector = ("_v", DataType.FLOAT_VECTOR, {"dim": 2})
    new(CHUNKS, [
        ("id", DataType.INT64, {"is_primary": True}), ("article_id", V, {"max_length": 256}),
        ("ord", DataType.INT32, {}), ("start_char", DataType.INT64, {}), ("end_char", DataType.INT64, {}),
        ("text", V, text), ("lexical", V, {**text, "enable_analyzer": True, "analyzer_params": {"tokenizer": "standard"}}),
        ("sparse", DataType.SPARSE_FLOAT_VECTOR, {}), ("vector", DataType.FLOAT_VECTOR, {"dim": dim}),
        ("source_key", V, text), ("published", DataType.INT32, {}),
    ], functions=[Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["lexical"],
                           output_field_names=["sparse"])],
        indexes=(("vector", dense_index(kind)),
                 ("sparse", {"index_type": "SPARSE_INVERTED_INDEX", "metric_type": "BM25",
                             "params": {"bm25_k1": 1.2, "bm25_b": 0.75}})))
    new(ARTICLES, [("id", V, {"is_primary": True, "max_length": 256}), ("seq", DataType.INT64, {}),
                   ("title", V, text), ("text", V, text), ("parts", DataType.INT32, {}), ("source", V, text),
                   ("source_key", V, text), ("url", V, text), ("published", DataType.INT32, {}),
                   ("authors", V, text), ("path", V, text), ("added_at", V, {"max_length": 64}), no_vector])
    new(PARTS, [("key", V, {"is_primary": True, "max_length": 300}), ("article_id", V, {"max_length": 256}),
                ("n", DataType.INT32, {}), ("text", V, text), no_vector])
    new(GROUPS, [("article_id", V, {"is_primary": True, "max_length": 256}), ("group_id", V, {"max_length": 256}),
                 ("is_head", DataType.BOOL, {}), ("seq", DataType.INT64, {}), ("signature", V, {"max_length": 2048}),
                 ("published", DataType.INT32, {}), ("source_key", V, text), no_vector])
    new(BANDS, [("key", V, {"is_primary": True, "max_length": 300}), ("band_key", DataType.INT64, {}),
                ("article_id", V, {"max_length": 256}), no_vector])
    new(TERMS, [("term", V, {"is_primary": True, "max_length": 512}), ("df", DataType.INT64, {}), no_vector])
    new(FEEDS, [("url", V, {"is_primary": True, "max_length": TEXT_MAX}), ("row", V, text), no_vector])
    new(META, [("key", V, {"is_primary": True, "max_length": 256}), ("value", V, text), no_vector])


def load_all(client) -> None:
    for name in ALL:
        client.load_collection(name)


# -- values and filters --------------------------------------------------------------------------
def day(d: date | None) -> int:
    """A date as YYYYMMDD (ordered like the dates), 0 for none."""
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def from_day(n: int | None) -> date | None:
    return date(n // 10000, n // 100 % 100, n % 100) if n else None


def lit(s: str) -> str:
    """A string literal for a Milvus filter expression (escaped, so a value is never syntax)."""
    out = str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + out.replace("\t", "\\t") + '"'


def in_list(field: str, values: Sequence) -> str:
    items = ", ".join(lit(v) if isinstance(v, str) else str(int(v)) for v in values)
    return f"{field} in [{items}]"


def filter_expr(sources: Sequence[str] | None, since: date | None, until: date | None) -> str:
    """The outlet/date filter of a search, on `source_key` and `published` ("" for none)."""
    parts = []
    if sources:
        parts.append(in_list("source_key", [s.casefold() for s in sources]))
    if since or until:
        parts.append(f"published >= {day(since) if since else 1}")  # undated (0) passes no date filter
    if until:
        parts.append(f"published <= {day(until)}")
    return " and ".join(parts)
