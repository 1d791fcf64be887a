"""index.encoders.embedder without the model in memory: names and paths, bad models, settings, the CPU check.

conftest sets HF_HUB_OFFLINE=1, and `no_network` below fails any connection attempt, so a bad
model name can never turn into a hub download or a network timeout here.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest

import index.encoders.embedder as embedder_mod
from index.config import DEFAULT_MODEL
from index.encoders.embedder import (Embedder, SentenceTransformerEmbedder, cpu_has_bf16, normalise_rows,
                            resolve_model)
from index.errors import ConfigError, ModelLoadError
from tests.fakes import FakeEmbedder


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize("alias", ["default", "all-MiniLM-L6-v2", DEFAULT_MODEL])
def test_aliases_of_the_bundled_model(alias):
    name, folder = resolve_model(alias)
    assert name == DEFAULT_MODEL
    assert (folder / "modules.json").exists()


def test_hub_names_pass_through_untouched():
    assert resolve_model("some-org/some-model") == ("some-org/some-model", None)
    assert resolve_model("bert-base-uncased") == ("bert-base-uncased", None)


def test_a_model_folder_is_named_by_its_absolute_path(tmp_path, monkeypatch):
    folder = tmp_path / "models" / "mini"
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text("[]")
    assert resolve_model(str(folder)) == (str(folder.resolve()), folder.resolve())
    monkeypatch.chdir(tmp_path)
    assert resolve_model("./models/mini") == (str(folder.resolve()), folder.resolve())
    assert resolve_model("models/mini")[0] == str(folder.resolve())  # exists, so a folder, not a hub name


@pytest.mark.parametrize("given", ["/no/such/model", "./missing-model", "../missing-model", "~/no/such/model",
                                   "a/b/c", "models\\mini", "missing-folder/"])
def test_a_missing_folder_fails_at_once_without_the_hub(given, no_network):
    with pytest.raises(ModelLoadError, match="no model folder at /"):  # shown as an absolute path
        SentenceTransformerEmbedder(given)
    assert no_network == []


def test_a_folder_that_is_not_a_model_fails_at_once(tmp_path, no_network):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelLoadError, match="not a sentence-transformers model folder"):
        SentenceTransformerEmbedder(str(tmp_path))
    with pytest.raises(ModelLoadError, match="is a file"):
        SentenceTransformerEmbedder(str(tmp_path / "notes.txt"))


def test_a_garbage_model_folder_fails_to_load_with_model_load_error(tmp_path, no_network):
    (tmp_path / "config.json").write_text("{ this is not json")
    (tmp_path / "modules.json").write_text(json.dumps([{"idx": 0, "name": "0", "path": "",
                                                        "type": "sentence_transformers.models.Transformer"}]))
    emb = SentenceTransformerEmbedder(str(tmp_path))  # cheap: nothing loads yet
    with pytest.raises(ModelLoadError, match="could not load the embedding model") as err:
        emb.embed(["some text"])
    assert str(tmp_path) in str(err.value) and "Traceback" not in str(err.value)
    assert err.value.__cause__ is None  # one clear message, not a chain of library tracebacks
    assert no_network == []


def test_an_unknown_hub_name_offline_fails_with_model_load_error(no_network):
    emb = SentenceTransformerEmbedder("no-such-org/no-such-model-for-tests")
    with pytest.raises(ModelLoadError, match="no-such-org/no-such-model-for-tests"):
        emb.dim  # no local files to read the dimension from, so this loads
    assert no_network == []


@pytest.mark.parametrize("kwargs,field", [
    ({"precision": "fp16"}, "precision"), ({"precision": ""}, "precision"),
    ({"batch_size": 0}, "batch_size"), ({"batch_size": -3}, "batch_size"), ({"batch_size": "8"}, "batch_size"),
    ({"batch_size": True}, "batch_size"),
])
def test_bad_settings_raise_config_error_naming_the_field(kwargs, field):
    with pytest.raises(ConfigError, match=field):
        SentenceTransformerEmbedder(**kwargs)


def test_auto_precision_follows_the_cpu(monkeypatch):
    monkeypatch.setattr(embedder_mod, "cpu_has_bf16", lambda: True)
    assert SentenceTransformerEmbedder(precision="auto").precision == "bf16"
    monkeypatch.setattr(embedder_mod, "cpu_has_bf16", lambda: False)
    assert SentenceTransformerEmbedder(precision="auto").precision == "fp32"
    assert SentenceTransformerEmbedder(precision="bf16").precision == "bf16"


def test_cpu_has_bf16_reads_the_cpu_flags(monkeypatch):
    result = cpu_has_bf16()
    assert isinstance(result, bool)
    flags = Path("/proc/cpuinfo").read_text(errors="replace") if Path("/proc/cpuinfo").exists() else ""
    assert result == ("avx512_bf16" in flags or "amx_bf16" in flags)

    def unreadable(*args, **kwargs):
        raise OSError("no /proc here")

    monkeypatch.setattr(Path, "read_text", unreadable)
    assert cpu_has_bf16() is False


def test_dimension_and_token_counts_need_no_model_load():
    emb = SentenceTransformerEmbedder()
    assert emb.name == DEFAULT_MODEL and emb.dim == 384
    assert emb.count_tokens("The Ever Given blocked the canal.") == 7
    assert emb.count_tokens("") == 0
    assert emb._model is None  # torch never loaded for these


def test_the_fake_and_the_real_embedder_share_the_seam():
    assert isinstance(FakeEmbedder(), Embedder)
    assert isinstance(SentenceTransformerEmbedder(), Embedder)


def test_normalise_rows_leaves_zero_rows_alone():
    out = normalise_rows(np.array([[3, 4], [0, 0]], dtype=np.float64))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0, 0]])


@pytest.fixture
def transformers_logging(monkeypatch):
    """transformers' logging settings, restored afterwards (while the environment is still clear)."""
    from transformers.utils import logging as tl

    monkeypatch.delenv("TRANSFORMERS_VERBOSITY", raising=False)
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS", raising=False)
    verbosity, bars = tl.get_verbosity(), tl.is_progress_bar_enabled()
    yield tl
    tl.set_verbosity(verbosity)
    (tl.enable_progress_bar if bars else tl.disable_progress_bar)()


# huggingface_hub read HF_HUB_DISABLE_PROGRESS_BARS=1 at import and warns when bars are re-enabled
@pytest.mark.filterwarnings("ignore:Cannot enable progress bars")
def test_model_loading_is_quiet_unless_asked(transformers_logging, monkeypatch):
    tl = transformers_logging
    tl.enable_progress_bar()
    tl.set_verbosity_warning()
    embedder_mod._quiet_transformers()
    assert not tl.is_progress_bar_enabled()
    assert tl.get_verbosity() == tl.ERROR  # warnings hidden, errors still shown

    tl.enable_progress_bar()
    tl.set_verbosity_info()
    monkeypatch.setenv("TRANSFORMERS_VERBOSITY", "info")
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "0")
    embedder_mod._quiet_transformers()
    assert tl.is_progress_bar_enabled() and tl.get_verbosity() == tl.INFO  # the user's choice stands
