"""index.encoders.numpy_bert: the numpy BERT forward pass used for query-time embedding.

Unit tests build a tiny BERT folder by hand (random weights, the bundled tokenizer) and check the
packed, bucketed forward pass against a plain per-sequence reference written here; pooling,
GELU, bucketing, the safetensors reader and the support check on small hand-made inputs.
Integration tests compare with sentence-transformers on real text (cosine >= 0.9999) and check
that answering a question never imports torch.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.encoders import numpy_bert as fe
from index.encoders.embedder import SentenceTransformerEmbedder, bundled_model_path

ROOT = Path(__file__).resolve().parents[3]


# -- a tiny model folder ------------------------------------------------------------------------------
def _tiny_folder(tmp_path: Path, pooling: str = "mean", normalize: bool = True, hidden: int = 8, heads: int = 2,
                 layers: int = 2, act: str = "gelu", prefix: str = "") -> Path:
    from safetensors.numpy import save_file

    d = tmp_path / f"tiny-{pooling}-{normalize}-{act}-{prefix or 'plain'}"
    if d.exists():
        return d
    (d / "1_Pooling").mkdir(parents=True)
    shutil.copy(bundled_model_path() / "tokenizer.json", d / "tokenizer.json")
    vocab, inter, maxpos = 30522, 16, 64
    rng = np.random.default_rng(7)

    def w(*shape):
        return (rng.standard_normal(shape) * 0.5).astype(np.float32)

    t = {"embeddings.word_embeddings.weight": w(vocab, hidden), "embeddings.position_embeddings.weight": w(maxpos, hidden),
         "embeddings.token_type_embeddings.weight": w(2, hidden),
         "embeddings.LayerNorm.weight": 1 + w(hidden) * 0.1, "embeddings.LayerNorm.bias": w(hidden) * 0.1}
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for n in ("query", "key", "value"):
            t[p + f"attention.self.{n}.weight"] = w(hidden, hidden)
            t[p + f"attention.self.{n}.bias"] = w(hidden)
        t[p + "attention.output.dense.weight"] = w(hidden, hidden)
        t[p + "attention.output.dense.bias"] = w(hidden)
        t[p + "attention.output.LayerNorm.weight"] = 1 + w(hidden) * 0.1
        t[p + "attention.output.LayerNorm.bias"] = w(hidden) * 0.1
        t[p + "intermediate.dense.weight"] = w(inter, hidden)
        t[p + "intermediate.dense.bias"] = w(inter)
        t[p + "output.dense.weight"] = w(hidden, inter)
        t[p + "output.dense.bias"] = w(hidden)
        t[p + "output.LayerNorm.weight"] = 1 + w(hidden) * 0.1
        t[p + "output.LayerNorm.bias"] = w(hidden) * 0.1
    save_file({prefix + k: v for k, v in t.items()}, str(d / "model.safetensors"))
    (d / "config.json").write_text(json.dumps({
        "model_type": "bert", "architectures": ["BertModel"], "hidden_size": hidden, "num_attention_heads": heads,
        "num_hidden_layers": layers, "intermediate_size": inter, "max_position_embeddings": maxpos,
        "hidden_act": act, "layer_norm_eps": 1e-12, "vocab_size": vocab, "type_vocab_size": 2}))
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        modules.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    (d / "modules.json").write_text(json.dumps(modules))
    (d / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 48, "do_lower_case": False}))
    (d / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": hidden, "pooling_mode_cls_token": pooling == "cls",
        "pooling_mode_mean_tokens": pooling == "mean", "pooling_mode_max_tokens": pooling == "max",
        "pooling_mode_mean_sqrt_len_tokens": False}))
    return d


def _reference(folder: Path, ids: list[int], exact: bool) -> np.ndarray:
    """One sequence, no padding, no packing: the BERT forward pass written out plainly (float64)."""
    t = {k: v.astype(np.float64) for k, v in fe.load_safetensors(folder / "model.safetensors").items()}
    cfg = json.loads((folder / "config.json").read_text())
    pool = json.loads((folder / "1_Pooling" / "config.json").read_text())
    H, D = cfg["num_attention_heads"], cfg["hidden_size"]
    dh = D // H

    def ln(x, w, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * w + b

    def act(x):
        if exact:
            return x * 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))

    L = len(ids)
    x = t["embeddings.word_embeddings.weight"][ids] + t["embeddings.position_embeddings.weight"][:L] \
        + t["embeddings.token_type_embeddings.weight"][0]
    x = ln(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def lin(v, name):
            return v @ t[p + name + ".weight"].T + t[p + name + ".bias"]

        q, k, v = (lin(x, f"attention.self.{n}") for n in ("query", "key", "value"))
        ctx = np.zeros_like(x)
        for h in range(H):
            s = slice(h * dh, (h + 1) * dh)
            sc = q[:, s] @ k[:, s].T / math.sqrt(dh)
            sc = np.exp(sc - sc.max(-1, keepdims=True))
            ctx[:, s] = (sc / sc.sum(-1, keepdims=True)) @ v[:, s]
        x = ln(x + lin(ctx, "attention.output.dense"), t[p + "attention.output.LayerNorm.weight"],
               t[p + "attention.output.LayerNorm.bias"])
        h = act(lin(x, "intermediate.dense"))
        x = ln(x + lin(h, "output.dense"), t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"])
    if pool["pooling_mode_cls_token"]:
        return x[0]
    if pool["pooling_mode_max_tokens"]:
        return x.max(0)
    return x.mean(0)


TEXTS = ["Hi.", "The ship blocked the canal for six days.", "", "Crews freed the vessel on 29 March 2021, "
         "ending a blockage that held up hundreds of ships and billions of dollars of trade every day.",
         "a b c d e f g h i j k l m n o p q r s t u v w x y z " * 3, "Café société — naïve résumé", "日本語"]


@pytest.mark.parametrize("pooling", ["mean", "cls", "max"])
@pytest.mark.parametrize("exact", [True, False])
def test_forward_matches_a_plain_reference(tmp_path, pooling, exact):
    folder = _tiny_folder(tmp_path, pooling=pooling, normalize=False)
    enc = fe.NumpyBertEncoder(folder, exact_gelu=exact)
    got = enc.encode(TEXTS)
    for text, row in zip(TEXTS, got):
        want = _reference(folder, enc.tokenize([text])[0], exact)
        np.testing.assert_allclose(row, want, rtol=2e-4, atol=2e-4)


def test_batches_and_buckets_do_not_change_the_result(tmp_path):
    enc = fe.NumpyBertEncoder(_tiny_folder(tmp_path))
    one_by_one = np.concatenate([enc.encode([t]) for t in TEXTS])
    for bs in (1, 2, 3, 64):
        np.testing.assert_allclose(enc.encode(TEXTS, batch_size=bs), one_by_one, rtol=1e-5, atol=1e-6)


def test_normalize_module_gives_unit_rows(tmp_path):
    out = fe.NumpyBertEncoder(_tiny_folder(tmp_path, normalize=True)).encode(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
    assert fe.NumpyBertEncoder(_tiny_folder(tmp_path, normalize=True)).encode([]).shape == (0, 8)


def test_checkpoint_with_bert_prefix(tmp_path):
    plain = fe.NumpyBertEncoder(_tiny_folder(tmp_path)).encode(TEXTS[:3])
    prefixed = fe.NumpyBertEncoder(_tiny_folder(tmp_path, prefix="bert.")).encode(TEXTS[:3])
    np.testing.assert_array_equal(plain, prefixed)


def test_truncation_at_max_seq_length(tmp_path):
    enc = fe.NumpyBertEncoder(_tiny_folder(tmp_path))  # sentence_bert_config: 48
    ids = enc.tokenize(["word " * 500])[0]
    assert len(ids) == 48 and ids[0] == 101 and ids[-1] == 102
    assert fe.NumpyBertEncoder(_tiny_folder(tmp_path), max_seq_length=1000).max_seq_length == 64  # positions


# -- pooling, GELU, buckets on hand arrays -------------------------------------------------------------
def test_pooling_on_hand_arrays(tmp_path):
    """Two sequences of lengths 2 and 1, packed: mean, max and cls pooling by hand."""
    x = np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0]], np.float32)
    starts, lens = np.array([0, 2]), np.array([2, 1])
    mean = np.add.reduceat(x, starts, axis=0) / lens[:, None]
    np.testing.assert_array_equal(mean, [[2.0, -1.0], [5.0, 6.0]])
    np.testing.assert_array_equal(np.maximum.reduceat(x, starts, axis=0), [[3.0, 2.0], [5.0, 6.0]])
    np.testing.assert_array_equal(x[starts], [[1.0, 2.0], [5.0, 6.0]])


def test_gelu_forms():
    xs = np.linspace(-6, 6, 2001).astype(np.float32)
    exact = np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in xs.astype(np.float64)])
    assert np.abs(fe.gelu(xs.copy()) - exact).max() < 1e-6
    assert np.abs(fe.gelu_tanh(xs.copy()) - exact).max() < 5e-4


def test_bucket_bounds_cover_everything_once():
    lens = np.array(sorted([3, 5, 5, 9, 30, 31, 31, 80] + [12] * 40))
    bounds = list(fe._bucket_bounds(lens, waste=1.25, max_rows=32))
    assert bounds[0][0] == 0 and bounds[-1][1] == len(lens)
    assert all(a < b for a, b in bounds) and all(b == a2 for (_, b), (a2, _) in zip(bounds, bounds[1:]))
    for a, b in bounds:
        assert b - a <= 32
        assert (b - a) * lens[b - 1] <= 1.25 * lens[a:b].sum() or b - a == 1


def test_blas_threads_are_restored():
    before = fe._BlasThreads._find()
    with fe._BlasThreads(1):
        pass
    if before:
        get, _ = before
        n0 = get()
        with fe._BlasThreads(1):
            assert get() == 1
        assert get() == n0


# -- the support check and the file reader ---------------------------------------------------------
def test_the_bundled_model_is_supported():
    assert fe.unsupported_reason(bundled_model_path()) is None


def test_unsupported_folders_say_why(tmp_path):
    assert fe.unsupported_reason(None)
    assert "modules.json" in fe.unsupported_reason(tmp_path)
    folder = _tiny_folder(tmp_path)
    cfg = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**cfg, "model_type": "xlm-roberta"}))
    assert "xlm-roberta" in fe.unsupported_reason(folder)
    (folder / "config.json").write_text(json.dumps({**cfg, "hidden_act": "relu"}))
    assert "relu" in fe.unsupported_reason(folder)
    (folder / "config.json").write_text(json.dumps(cfg))
    mods = json.loads((folder / "modules.json").read_text())
    (folder / "modules.json").write_text(json.dumps(mods + [{"idx": 3, "path": "3_Dense",
                                                             "type": "sentence_transformers.models.Dense"}]))
    assert "Dense" in fe.unsupported_reason(folder)
    (folder / "modules.json").write_text(json.dumps(mods))
    (folder / "model.safetensors").unlink()
    assert "safetensors" in fe.unsupported_reason(folder)
    with pytest.raises(ValueError):
        fe.NumpyBertEncoder(folder)


def test_load_safetensors_round_trip(tmp_path):
    from safetensors.numpy import save_file

    t = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1, 2], np.int64)}
    save_file(t, str(tmp_path / "x.safetensors"))
    got = fe.load_safetensors(tmp_path / "x.safetensors")
    assert set(got) == {"a", "b"}
    np.testing.assert_array_equal(got["a"], t["a"])
    np.testing.assert_array_equal(got["b"], t["b"])


def test_tokenization_of_the_bundled_tokenizer():
    enc = fe.NumpyBertEncoder(bundled_model_path())
    assert enc.tokenize(["Hello world"])[0] == [101, 7592, 2088, 102]
    long = enc.tokenize(["news " * 1000])[0]
    assert len(long) == 256 and long[-1] == 102  # sentence_bert_config max_seq_length
    assert enc.count_tokens("Hello world") == 2


# -- the embedder's choice of path ---------------------------------------------------------------------
def test_embedder_routes_small_batches_to_numpy(monkeypatch):
    monkeypatch.delenv("ASSISTANT_QUERY_ENCODER", raising=False)
    e = SentenceTransformerEmbedder()
    assert e.query_encoder == "auto"
    assert e.uses_numpy_for(1) and e.uses_numpy_for(64)
    assert not e.uses_numpy_for(65)  # ingest-sized batches: torch (bf16 where the CPU has it)
    assert SentenceTransformerEmbedder(query_encoder="numpy").uses_numpy_for(10_000)
    assert not SentenceTransformerEmbedder(query_encoder="torch").uses_numpy_for(1)
    monkeypatch.setenv("ASSISTANT_QUERY_ENCODER", "torch")
    assert SentenceTransformerEmbedder().query_encoder == "torch"


def test_auto_prefers_loaded_bf16_torch_for_sentence_batches_only():
    e = SentenceTransformerEmbedder(precision="bf16", query_encoder="auto")
    e._model = object()  # as if load_torch() had run
    assert e.uses_numpy_for(1)  # one question: numpy is cheaper even then
    assert not e.uses_numpy_for(24)  # 24 candidate sentences: bf16 is cheaper
    e32 = SentenceTransformerEmbedder(precision="fp32", query_encoder="auto")
    e32._model = object()
    assert e32.uses_numpy_for(24)  # fp32 torch is no faster than numpy


def test_bad_query_encoder_is_a_config_error():
    from index.errors import ConfigError

    with pytest.raises(ConfigError):
        SentenceTransformerEmbedder(query_encoder="gpu")


def test_unsupported_model_falls_back_to_torch(tmp_path):
    folder = _tiny_folder(tmp_path)
    (folder / "model.safetensors").unlink()
    e = SentenceTransformerEmbedder(str(folder))
    assert e.fast_encoder() is None and not e.uses_numpy_for(1)


def _subprocess(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "langchain_core", "langchain_text_splitters")


def test_importing_assistant_and_index_loads_nothing_heavy():
    p = _subprocess("import sys, assistant, index, index.encoders.embedder, index.encoders.numpy_bert\n"
                    f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


# -- with the real model ------------------------------------------------------------------------------
def _real_texts(n: int = 20) -> list[str]:
    from index.loading.walk import iter_articles
    from index.records import Article

    texts = []
    for a in iter_articles([ROOT / "examples" / "articles"]):
        if isinstance(a, Article):
            texts += [a.title, a.text[:300], a.text]  # short, medium, and long (truncated at 256 tokens)
    return texts[:n]


@pytest.mark.integration
def test_parity_with_sentence_transformers(real_embedder):
    texts = _real_texts(20)
    assert len(texts) == 20
    want = real_embedder._load().encode(texts, convert_to_numpy=True, show_progress_bar=False)  # fp32
    want /= np.linalg.norm(want, axis=1, keepdims=True)
    got = fe.NumpyBertEncoder(bundled_model_path()).encode(texts)
    cos = (want * got).sum(1)
    assert cos.mean() >= 0.9999 and cos.min() >= 0.9999, cos
    exact = fe.NumpyBertEncoder(bundled_model_path(), exact_gelu=True).encode(texts)
    assert (want * exact).sum(1).min() >= 0.99999
    st_ids = real_embedder._load().tokenizer(texts, truncation=True, max_length=256)["input_ids"]
    assert fe.NumpyBertEncoder(bundled_model_path()).tokenize(texts) == st_ids


@pytest.mark.integration
def test_asking_with_the_rules_never_imports_torch(tmp_path):
    """Ingest of the samples (small batches: numpy) and a question answered by the rules alone
    (the trained reader runs on torch), in a fresh process."""
    code = (
        "import sys\n"
        "from index import ingest\n"
        "from assistant import AnswerSettings, Assistant\n"
        f"r = ingest([{str(ROOT / 'examples' / 'articles')!r}], {str(tmp_path / 'idx')!r})\n"
        "assert r.added, r\n"
        f"a = Assistant({str(tmp_path / 'idx')!r}, answer=AnswerSettings(ranker='rules'))\n"
        "ans = a.ask('When was the Ever Given freed?')\n"
        "assert ans.text\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY[:4]!r}))\n")
    p = _subprocess(code)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip().splitlines()[-1] == "[]"
