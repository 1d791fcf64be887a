"""assistant.reading.reader_model: the reader's heads, span decoding, offsets and weight loading.

Unit tests run a randomly initialised network over a small made-up vocabulary (no base model);
`integration` tests use the installed MiniLM tokenizer and word embeddings, and the shipped
weights when they are present.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from assistant.reading.reader_inputs import Budget, InputBuilder, ReadItem, load_tokenizer  # noqa: E402
from assistant.reading.reader_model import (  # noqa: E402
    VERSION, WEIGHTS, Reader, ReaderLoadError, best_span, build_net, collate, save_weights, snap_to_words,
)
from assistant.reading.reader_inputs import Encoded  # noqa: E402


def _net(vocab: int = 120):
    torch.manual_seed(0)
    return build_net(torch.randn(vocab, 384) * 0.02).eval()


def _encs():
    # [CLS] q q [SEP] s s s s [SEP] h [SEP] and a shorter one: padded to one batch
    a = Encoded([101 % 120, 5, 6, 102 % 120, 7, 8, 9, 10, 102 % 120, 11, 102 % 120], [0] * 4 + [1] * 7, 4,
                [(0, 3), (4, 7), (8, 9), (10, 14)])
    b = Encoded([1, 5, 2, 7, 8, 2], [0, 0, 0, 1, 1, 1], 3, [(0, 2), (3, 5)])
    return [a, b]


def test_heads_have_one_score_and_start_end_per_token():
    net = _net()
    ids, types, mask, sent = collate(_encs())
    with torch.inference_mode():
        score, st, en = net(ids, types, mask, sent)
    assert score.shape == (2,) and st.shape == en.shape == ids.shape == (2, 11)
    # outside the sentence the span logits are pushed far down: softmax never lands there
    assert (st[~sent] <= -1e3).all() and (st[sent] > -1e3).all()
    assert sent[0].nonzero().flatten().tolist() == [4, 5, 6, 7]


def test_padding_does_not_change_a_row():
    net = _net()
    a, b = _encs()
    with torch.inference_mode():
        alone = net(*collate([b]))
        both = net(*collate([a, b]))
    assert torch.allclose(alone[0][0], both[0][1], atol=1e-4)
    n = len(b.ids)
    assert torch.allclose(alone[1][0][:n], both[1][1][:n], atol=1e-3)


def test_best_span_keeps_start_before_end_and_short():
    start = torch.tensor([0.0, 5.0, 0.0, 0.0, 9.0])
    end = torch.tensor([9.0, 0.0, 6.0, 0.0, 0.0])
    i, j, p = best_span(start, end, 5)
    assert (i, j) == (1, 2)  # the best start (4) has no end after it; end 0 lies before every start
    assert 0 < p <= 1
    i, j, _ = best_span(torch.tensor([9.0, 0, 0, 0]), torch.tensor([0, 0, 0, 9.0]), 4, max_len=2)
    assert j - i < 2


def test_snap_to_words_widens_wordpieces_and_trims_punctuation():
    s = "The Pumpkin Spice Latte returned, priced at $5.75."
    a = s.index("Spice")
    assert s[slice(*snap_to_words(s, a + 2, a + 4))] == "Spice"
    assert s[slice(*snap_to_words(s, s.index("returned"), s.index(",") + 1))] == "returned"
    assert s[slice(*snap_to_words(s, s.index("$"), len(s)))] == "$5.75"


def _save(net, path, **meta):
    save_weights(net, path, meta.pop("sha", "0" * 64), meta)


def test_load_refuses_an_unknown_version(tmp_path):
    p = tmp_path / "reader.safetensors"
    _save(_net(), p, version="reader-0")
    with pytest.raises(ReaderLoadError, match="version 'reader-0'"):
        Reader.load(p)


def test_load_refuses_a_missing_or_broken_file(tmp_path):
    with pytest.raises(ReaderLoadError, match="no reader weights"):
        Reader.load(tmp_path / "nothing.safetensors")
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a safetensors file")
    with pytest.raises(ReaderLoadError, match="unreadable"):
        Reader.load(bad)


def test_saved_file_has_no_word_embeddings_and_is_fp16(tmp_path):
    from safetensors import safe_open

    p = tmp_path / "reader.safetensors"
    _save(_net(), p)
    with safe_open(str(p), framework="pt") as f:
        keys = list(f.keys())
        assert not any(k.startswith("word.") for k in keys)
        assert {f.get_tensor(k).dtype for k in keys} == {torch.float16}
        assert f.metadata()["version"] == VERSION == "reader-2"


# -- with the installed base model --------------------------------------------------------------
@pytest.fixture(scope="module")
def builder():
    from assistant.reading.reader_model import base_folder

    return InputBuilder(load_tokenizer(base_folder()))


@pytest.mark.integration
def test_inputs_follow_the_layout_and_budgets(builder):
    long = " ".join(["word"] * 300)
    e = builder.encode([ReadItem("Who won?", long, " ".join(["headline"] * 40), "before " + long)])[0]
    b = Budget()
    assert (b.question, b.sentence, b.headline, b.context) == (40, 64, 12, 24)
    assert e.ids[0] == builder.cls and e.ids.count(builder.sep) == 3
    assert len(e.offsets) == b.sentence and e.sent_from == 2 + len(builder.tok.encode("Who won?", add_special_tokens=False).ids)
    assert e.types[: e.sent_from] == [0] * e.sent_from and set(e.types[e.sent_from:]) == {1}
    assert len(e.ids) == 2 + 2 + 2 + b.sentence + b.headline + 1 + b.context + 1  # "who won ?" is 3 tokens
    tail = e.ids[e.sent_from + b.sentence + 1:-1]
    before = builder.tok.token_to_id("before")
    assert tail[b.headline] == builder.dot and tail[b.headline + 1] == before  # the context's head is kept
    bare = builder.encode([ReadItem("Who won?", "Ann won.")])[0]
    assert bare.ids.count(builder.sep) == 2  # no headline or context: no third segment


@pytest.mark.integration
def test_sentence_offsets_map_back_to_the_exact_characters(builder):
    s = "Café owner Rami Abdel-Rahman’s “group” counted 280,000 visitors in São Paulo."
    e = builder.encode([ReadItem("How many visitors?", s)])[0]
    toks = builder.tok.encode(s, add_special_tokens=False)
    assert e.offsets == [tuple(o) for o in toks.offsets]
    for (a, b), tok in zip(e.offsets, toks.tokens):
        piece = tok.removeprefix("##")
        assert 0 <= a < b <= len(s)
        assert s[a:b].lower().replace("é", "e").replace("ã", "a") == piece


@pytest.mark.integration
def test_load_refuses_weights_trained_on_other_word_embeddings(tmp_path):
    p = tmp_path / "reader.safetensors"
    _save(_net(), p, sha="f" * 64)
    with pytest.raises(ReaderLoadError, match="other word embeddings"):
        Reader.load(p)


@pytest.mark.integration
@pytest.mark.skipif(not WEIGHTS.exists(), reason="no trained reader weights in the tree")
def test_shipped_reader_marks_a_span_inside_the_sentence():
    reader = Reader.load()
    q = "Which bakery chain launched a lavender croissant this week?"
    good = "The bakery chain Crumbly Corner launched a lavender croissant on Monday."
    other = "Heavy rain closed two schools in the valley on Tuesday."
    r_good, r_other = reader.score([ReadItem(q, good, "New pastries"), ReadItem(q, other, "Storm")])
    assert r_good.probability > r_other.probability
    for r, s in ((r_good, good), (r_other, other)):
        assert 0 <= r.start < r.end <= len(s) and 0 <= r.probability <= 1
        assert (r.start == 0 or not s[r.start - 1].isalnum()) and (r.end == len(s) or not s[r.end].isalnum())
    assert "Crumbly" in r_good.answer(good)


def base_reader_file(tmp_path, meta: dict):
    """A weights file of the base model's layers with fresh heads (seeded): a reader that runs,
    untrained."""
    from assistant.reading.reader_model import base_folder, base_state, word_embeddings

    word, sha = word_embeddings(base_folder())
    torch.manual_seed(0)
    net = build_net(word, "mean")
    net.load_state_dict(base_state(base_folder()), strict=False)
    p = tmp_path / "reader.safetensors"
    save_weights(net, p, sha, meta)
    return p


@pytest.mark.integration
def test_a_reader_built_from_any_weights_scores_in_order_and_handles_nothing(tmp_path):
    p = base_reader_file(tmp_path, {"pooling": "mean", "temperature": 2.0, "bias": -1.0})
    reader = Reader.load(p, precision="fp32")
    assert reader.temperature == 2.0 and reader.bias == -1.0 and not reader.bf16
    assert reader.score([]) == []
    items = [ReadItem("Who won?", s) for s in ("Ann won the final on Sunday after a long match.", "Rain.",
                                              "The mayor, Bo Lind, said the bridge reopens in May.")]
    one_by_one = [reader.score([it])[0] for it in items]
    together = reader.score(items, batch_size=2)  # sorted by length, padded: same answers, same order
    for a, b, it in zip(one_by_one, together, items):
        assert (a.start, a.end) == (b.start, b.end) and abs(a.probability - b.probability) < 1e-4
        assert 0 <= b.start < b.end <= len(it.sentence)


@pytest.mark.integration
def test_the_packed_forward_matches_the_padded_network(tmp_path):
    p = base_reader_file(tmp_path, {"pooling": "mean"})
    reader = Reader.load(p, precision="fp32")
    items = [ReadItem("Who won the final?", "Ann won the final on Sunday after a long match.", "Final", "It rained."),
             ReadItem("Who won the final?", "Rain.", "", ""),
             ReadItem("Who won the final?", "The mayor, Bo Lind, said the bridge reopens in May.", "Bridge", "")]
    encs = reader.builder.encode(items)
    with torch.inference_mode():
        score, st, en = reader.net(*collate(encs))
        packed, spans = reader.forward_packed(encs)
    assert torch.allclose(score, packed, atol=1e-4)
    for r, e in enumerate(encs):
        n = len(e.ids)
        assert spans[r].shape == (n, 2)
        a, b = e.sent_from, e.sent_from + len(e.offsets)
        assert torch.allclose(st[r][a:b], spans[r][a:b, 0], atol=1e-3) and torch.allclose(en[r][a:b], spans[r][a:b, 1], atol=1e-3)
        assert (spans[r][:a] <= -1e3).all() and (spans[r][b:] <= -1e3).all()


@pytest.mark.integration
def test_the_numpy_engine_reads_like_the_torch_engine(tmp_path):
    p = base_reader_file(tmp_path, {"pooling": "mean", "temperature": 1.5, "bias": 0.2})
    items = [ReadItem("Who won the final?", "Ann won the final on Sunday after a long match.", "Final", "It rained."),
             ReadItem("Who won the final?", "Rain.", "", ""),
             ReadItem("Who won the final?", "The mayor, Bo Lind, said the bridge reopens in May.", "Bridge", "")]
    by_torch = Reader.load(p, precision="fp32").score(items)
    numpy_reader = Reader.load(p, engine="numpy")
    assert numpy_reader.engine == "numpy" and not numpy_reader.bf16
    by_numpy = numpy_reader.score(items)
    for a, b in zip(by_torch, by_numpy):  # GELU's tanh form in numpy: close, not identical
        assert abs(a.logit - b.logit) < 2e-2 and abs(a.probability - b.probability) < 5e-3
        assert (a.start, a.end) == (b.start, b.end)
    with pytest.raises(ValueError):
        Reader.load(p, engine="jax")


def test_asking_a_question_with_the_reader_never_imports_torch(tmp_path):
    """A one-off question reads with the numpy engine: nothing of torch is imported."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from assistant.reading.reader import shared_reader\n"
            "from assistant.reading.reader_model import ReadItem\n"
            "r = shared_reader()\n"
            "res = r.score([ReadItem('Who won?', 'Ann won the final on Sunday.', 'Final', '')])\n"
            "assert r.engine == 'numpy' and 0 <= res[0].probability <= 1\n"
            "print('torch' in sys.modules)\n")
    root = WEIGHTS.parents[3]
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=root)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip().splitlines()[-1] == "False"
