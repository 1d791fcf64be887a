"""The embedding model: the `Embedder` seam and its sentence-transformers implementation
(`embedder`), with two faster engines for the bundled MiniLM: `numpy_bert` (no torch, for
one-off questions) and `torch_bert` (packed bf16 batches, for ingest and warm processes)."""
