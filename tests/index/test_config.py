"""IndexConfig: every bad value raises ConfigError naming its field; env and directory resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.config import DEFAULT_MODEL, IndexConfig, default_index_dir, resolve_index_dir
from index.errors import ConfigError


@pytest.mark.parametrize("kwargs,field", [
    ({"model": ""}, "model"), ({"model": "   "}, "model"), ({"model": None}, "model"),
    ({"chunk_tokens": 15}, "chunk_tokens"), ({"chunk_tokens": 9000}, "chunk_tokens"),
    ({"chunk_tokens": "200"}, "chunk_tokens"),
    ({"chunk_overlap": -1}, "chunk_overlap"), ({"chunk_tokens": 50, "chunk_overlap": 50}, "chunk_overlap"),
    ({"batch_size": 0}, "batch_size"), ({"batch_size": 5000}, "batch_size"), ({"batch_size": 2.5}, "batch_size"),
    ({"batch_size": True}, "batch_size"), ({"chunk_overlap": False}, "chunk_overlap"),
    ({"precision": "fp16"}, "precision"),
])
def test_bad_values_name_their_field(kwargs, field):
    with pytest.raises(ConfigError) as err:
        IndexConfig(**kwargs)
    assert str(err.value).startswith(field)
    assert isinstance(err.value, ValueError)  # callers catching ValueError still work


def test_defaults_and_limits_are_accepted():
    c = IndexConfig()
    assert (c.model, c.chunk_tokens, c.chunk_overlap, c.batch_size, c.precision) == (DEFAULT_MODEL, 200, 30, 16, "auto")
    IndexConfig(chunk_tokens=16, chunk_overlap=15, batch_size=4096, precision="bf16")


def test_from_env_then_explicit_overrides(monkeypatch):
    monkeypatch.setenv("ASSISTANT_MODEL", "org/env-model")
    monkeypatch.setenv("ASSISTANT_PRECISION", "fp32")
    assert IndexConfig.from_env().model == "org/env-model"
    assert IndexConfig.from_env().precision == "fp32"
    assert IndexConfig.from_env(model="org/cli-model", precision=None).model == "org/cli-model"
    assert IndexConfig.from_env(precision=None).precision == "fp32"  # None means "not given"
    monkeypatch.setenv("ASSISTANT_PRECISION", "fast")
    with pytest.raises(ConfigError, match="precision"):
        IndexConfig.from_env()


def test_index_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "env-index"))
    assert default_index_dir() == tmp_path / "env-index"
    assert resolve_index_dir(None) == tmp_path / "env-index"
    assert resolve_index_dir(tmp_path / "given") == tmp_path / "given"
    monkeypatch.delenv("ASSISTANT_INDEX")
    assert default_index_dir().parts[-2:] == ("news-assistant", "index")
    assert resolve_index_dir("~/x") == Path.home() / "x"
