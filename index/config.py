"""Settings of an index, checked when they are made, and where an index lives.

`IndexConfig` is the one grouped config: model, chunk sizes, batch size, precision.
Bad values raise `ConfigError` naming the field. The index directory is resolved as
`--index DIR`, else `$ASSISTANT_INDEX`, else the platform's user data directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from index.errors import ConfigError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DB_NAME = "index.sqlite3"  # the SQLite file inside an index directory: articles, chunks, vectors, meta
PRECISIONS = ("auto", "fp32", "bf16")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # True is an int to Python


@dataclass(frozen=True)
class IndexConfig:
    model: str = DEFAULT_MODEL
    chunk_tokens: int = 200
    chunk_overlap: int = 30
    batch_size: int = 16
    precision: str = "auto"

    def __post_init__(self):
        if not isinstance(self.model, str) or not self.model.strip():
            raise ConfigError("model must be a sentence-transformers model name or path, got an empty value")
        if not _is_int(self.chunk_tokens) or not 16 <= self.chunk_tokens <= 8192:
            raise ConfigError(f"chunk_tokens must be an integer from 16 to 8192, got {self.chunk_tokens!r}")
        if not _is_int(self.chunk_overlap) or not 0 <= self.chunk_overlap < self.chunk_tokens:
            raise ConfigError(
                f"chunk_overlap must be an integer from 0 to chunk_tokens-1 ({self.chunk_tokens - 1}), "
                f"got {self.chunk_overlap!r}"
            )
        if not _is_int(self.batch_size) or not 1 <= self.batch_size <= 4096:
            raise ConfigError(f"batch_size must be an integer from 1 to 4096, got {self.batch_size!r}")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")

    @classmethod
    def from_env(cls, **overrides) -> "IndexConfig":
        """Defaults, then ASSISTANT_MODEL / ASSISTANT_PRECISION, then explicit keyword arguments."""
        values = {}
        if os.environ.get("ASSISTANT_MODEL"):
            values["model"] = os.environ["ASSISTANT_MODEL"]
        if os.environ.get("ASSISTANT_PRECISION"):
            values["precision"] = os.environ["ASSISTANT_PRECISION"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def default_index_dir() -> Path:
    """`$ASSISTANT_INDEX`, else e.g. ~/.local/share/news-assistant/index."""
    env = os.environ.get("ASSISTANT_INDEX")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("news-assistant", appauthor=False)) / "index"


def resolve_index_dir(index_dir: str | os.PathLike | None) -> Path:
    return Path(index_dir).expanduser() if index_dir else default_index_dir()
