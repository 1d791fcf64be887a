"""index.encoders.torch_bert: the packed torch forward pass that ingest uses.

Unit tests run it in fp32 on the tiny hand-made BERT folder of test_numpy_bert against the same
plain float64 reference, for every pooling and both GELU forms; workers split the work without
changing it and leave torch's thread count as it was. The embedder's routing is checked with the
engine swapped out. Integration tests compare with sentence-transformers on real text and check
that a large batch (ingest) never imports sentence-transformers or transformers.
"""

from __future__ import annotations

import numpy as np
import pytest

from index.encoders.embedder import FAST_MAX_TEXTS, SentenceTransformerEmbedder, bundled_model_path
from index.errors import ConfigError
from index.encoders.torch_bert import TorchBertEncoder
from tests.index.encoders.test_numpy_bert import HEAVY, TEXTS, _real_texts, _reference, _subprocess, _tiny_folder

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("pooling", ["mean", "cls", "max"])
@pytest.mark.parametrize("act", ["gelu", "gelu_new"])
def test_fp32_forward_matches_the_plain_reference(tmp_path, pooling, act):
    folder = _tiny_folder(tmp_path, pooling=pooling, normalize=False, act=act)
    enc = TorchBertEncoder(folder, precision="fp32")
    ids = enc.tokenize(TEXTS)
    got = enc.encode(TEXTS, batch_size=3)  # several batches, each padded to its longest
    want = np.stack([_reference(folder, s, exact=act == "gelu") for s in ids])
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_normalize_module_gives_unit_rows(tmp_path):
    got = TorchBertEncoder(_tiny_folder(tmp_path), precision="fp32").encode(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, rtol=1e-5)


def test_bf16_stays_close_to_fp32(tmp_path):
    folder = _tiny_folder(tmp_path)
    a = TorchBertEncoder(folder, precision="fp32").encode(TEXTS)
    b = TorchBertEncoder(folder, precision="bf16").encode(TEXTS)
    assert (a * b).sum(1).min() > 0.99


def test_workers_split_the_batches_without_changing_the_result(tmp_path):
    enc = TorchBertEncoder(_tiny_folder(tmp_path), precision="fp32")
    texts = TEXTS * 5
    before = torch.get_num_threads()
    one = enc.encode(texts, batch_size=4, workers=1)
    three = enc.encode(texts, batch_size=4, workers=3)
    np.testing.assert_allclose(one, three, rtol=1e-5, atol=1e-6)
    assert not np.all(one == 0, axis=1).any()  # every row written by some worker
    assert torch.get_num_threads() == before
    assert enc.encode([], workers=2).shape == (0, enc.dim)


def test_a_failing_worker_raises_in_the_caller(tmp_path, monkeypatch):
    enc = TorchBertEncoder(_tiny_folder(tmp_path), precision="fp32")

    def boom(seqs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(enc, "_forward", boom)
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError, match="out of memory"):
        enc.encode(TEXTS * 4, batch_size=2, workers=2)
    assert torch.get_num_threads() == before


def test_bad_precision_is_refused(tmp_path):
    with pytest.raises(ValueError, match="precision"):
        TorchBertEncoder(_tiny_folder(tmp_path), precision="int8")


# -- the embedder's routing ---------------------------------------------------------------------------
class _Recorder:
    dim = 8

    def __init__(self):
        self.calls = []

    def encode(self, texts, batch_size, workers):
        self.calls.append((len(texts), batch_size, workers))
        return np.ones((len(texts), 8), dtype=np.float32)


def test_large_batches_go_to_the_engine_with_one_worker_per_core(tmp_path):
    e = SentenceTransformerEmbedder(str(_tiny_folder(tmp_path)), precision="fp32", workers=2, batch_size=16)
    rec = _Recorder()
    e._engine = rec
    out = e.embed(["text"] * (FAST_MAX_TEXTS + 1))
    assert rec.calls == [(FAST_MAX_TEXTS + 1, 16, 2)]
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-6)
    e.embed(["a"] * 10)  # small: numpy, the engine is not asked
    assert len(rec.calls) == 1
    e.query_encoder = "torch"
    e.embed(["a"] * 10)  # small batches forced to torch run in the caller's thread
    assert rec.calls[-1] == (10, 8, 1)


def test_the_real_engine_is_used_for_a_supported_folder(tmp_path):
    e = SentenceTransformerEmbedder(str(_tiny_folder(tmp_path)), precision="fp32", query_encoder="torch")
    assert isinstance(e.torch_engine(), TorchBertEncoder)
    assert e.embed(TEXTS).shape == (len(TEXTS), 8)
    assert e._model is None  # sentence-transformers never loaded


def test_an_unsupported_folder_has_no_engine(tmp_path):
    folder = _tiny_folder(tmp_path)
    (folder / "model.safetensors").unlink()
    assert SentenceTransformerEmbedder(str(folder)).torch_engine() is None


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_bad_worker_counts_are_config_errors(workers):
    with pytest.raises(ConfigError, match="workers"):
        SentenceTransformerEmbedder(workers=workers)


def test_workers_default_to_the_usable_cores():
    assert 1 <= SentenceTransformerEmbedder().workers <= 8


# -- with the real model ------------------------------------------------------------------------------
@pytest.mark.integration
def test_parity_with_sentence_transformers(real_embedder):
    texts = _real_texts(20)
    want = real_embedder._load().encode(texts, convert_to_numpy=True, show_progress_bar=False)  # fp32
    want /= np.linalg.norm(want, axis=1, keepdims=True)
    fp32 = TorchBertEncoder(bundled_model_path(), precision="fp32").encode(texts, batch_size=4, workers=2)
    assert (want * fp32).sum(1).min() >= 0.99999
    bf16 = TorchBertEncoder(bundled_model_path(), precision="bf16").encode(texts, batch_size=4)
    cos = (want * bf16).sum(1)
    assert cos.mean() >= 0.9999 and cos.min() >= 0.999, cos


@pytest.mark.integration
def test_an_ingest_sized_batch_never_imports_sentence_transformers():
    code = ("import sys\n"
            "from index.encoders.embedder import SentenceTransformerEmbedder\n"
            "e = SentenceTransformerEmbedder()\n"
            f"v = e.embed(['A report on the flood, number %d.' % i for i in range({FAST_MAX_TEXTS + 40})])\n"
            "assert v.shape[0] > 64 and abs(float((v * v).sum(1).mean()) - 1) < 1e-4\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))\n")
    p = _subprocess(code)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "['torch']"
