"""An index kept in Milvus: a Milvus Lite database file (`milvus:///abs/path/news.db`) or a
Milvus server (`milvus://HOST:19530[/db]`). Needs the `scale` extra (pymilvus, milvus-lite,
snowballstemmer); nothing here is imported for the default store. See `index.MilvusIndex`."""

from index.stores.milvus.index import FORMAT_VERSION, MilvusIndex

__all__ = ["MilvusIndex", "FORMAT_VERSION"]
