"""training.reader.train / metrics / card: span targets, batching, calibration, figures, and (with
the installed MiniLM) a few real training steps on the tiny built-in set making its loss fall."""

from __future__ import annotations

import math
import random

import pytest

torch = pytest.importorskip("torch")

from assistant.reading.reader_inputs import Encoded  # noqa: E402
from training.reader import metrics as MX  # noqa: E402
from training.reader.tiny import tiny_pairs  # noqa: E402
from training.reader.train import Batches, TrainConfig, fit_calibration, mean_loss, token_span, train  # noqa: E402


def _enc(n_ids: int, sent_from: int = 3):
    return Encoded(list(range(n_ids)), [0] * n_ids, sent_from, [(0, 3), (4, 9), (9, 12), (13, 20)])


def test_token_span_covers_the_characters_or_gives_none():
    e = _enc(10)
    assert token_span(e, (4, 12)) == (4, 5)  # "##piece" tokens 1-2 of the sentence, after 3 others
    assert token_span(e, (0, 3)) == (3, 3)
    assert token_span(e, (13, 25)) is None  # runs past the kept (budgeted) tokens
    assert token_span(e, None) is None


def test_batches_are_seeded_and_cover_every_pair():
    encs = [_enc(random.Random(i).randint(5, 40)) for i in range(50)]
    a, b = iter(Batches(encs, 8, seed=3)), iter(Batches(encs, 8, seed=3))
    first = [next(a) for _ in range(7)]
    assert first == [next(b) for _ in range(7)]
    assert sorted(i for bt in first for i in bt) == list(range(50))  # one epoch: 7 batches of <= 8


def test_calibration_recovers_a_known_temperature():
    rng = random.Random(0)
    logits = [rng.uniform(-6, 6) for _ in range(4000)]
    labels = [int(rng.random() < MX.sigmoid(z / 2.0 - 0.5)) for z in logits]
    t, b = fit_calibration(logits, labels)
    assert abs(t - 2.0) < 0.3 and abs(b + 0.5) < 0.2


def test_metrics():
    assert MX.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75
    assert math.isnan(MX.auc([1, 2], [1, 1]))
    acc, n = MX.best_per_question(["a", "a", "b", "b", "c"], [0.9, 0.1, 0.2, 0.7, 0.5], [1, 0, 1, 0, 0])
    assert (acc, n) == (0.5, 2)
    s = "Coaches named Marta Kolbeck captain."
    got = MX.span_scores([s, s], [(14, 27), (14, 27)], [(14, 27), (14, 19)])
    assert got["span_exact_match"] == 0.5 and 0.5 < got["span_f1"] < 1
    assert MX.calibration([0.0, 1.0], [0, 1])["ece"] == 0.0


@pytest.mark.integration
def test_a_few_steps_on_the_tiny_set_make_the_loss_fall():
    from assistant.reading.reader_inputs import InputBuilder, load_tokenizer
    from assistant.reading.reader_model import base_folder, base_state, build_net, word_embeddings

    folder = base_folder()
    word, _ = word_embeddings(folder)
    torch.manual_seed(0)
    net = build_net(word)
    net.load_state_dict(base_state(folder), strict=False)
    builder = InputBuilder(load_tokenizer(folder))
    pairs = tiny_pairs()
    before = mean_loss(net, builder, pairs)
    cfg = TrainConfig(max_steps=16, max_epochs=100, batch_size=8, lr=1e-4, head_lr=2e-3, warmup=0.1, precision="fp32",
                      threads=2, log_every=8)
    summary = train(net, builder, pairs, cfg, log=open("/dev/null", "w"))
    after = mean_loss(net, builder, pairs)
    assert summary["steps"] == 16 and summary["spans_outside_budget"] == 0
    assert after < 0.7 * before, (before, after)
