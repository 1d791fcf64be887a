"""training.reader.train / metrics / evaluate: span targets, group batching, the listwise loss,
freezing, calibration, figures, and (with the installed MiniLM) a few real training steps on the
tiny built-in groups making their loss fall."""

from __future__ import annotations

import math
import random

import pytest

torch = pytest.importorskip("torch")

from assistant.reading.reader_inputs import Encoded  # noqa: E402
from training.reader import metrics as MX  # noqa: E402
from training.reader.evaluate import group_top1, rank_figures  # noqa: E402
from training.reader.pairs import Pair  # noqa: E402
from training.reader.tiny import tiny_groups  # noqa: E402
from training.reader.train import (  # noqa: E402
    Batches, TrainConfig, fit_calibration, freeze_below, group_loss, mean_loss, short_budget, token_span, train,
)


def _enc(n_ids: int, sent_from: int = 3):
    return Encoded(list(range(n_ids)), [0] * n_ids, sent_from, [(0, 3), (4, 9), (9, 12), (13, 20)])


def test_token_span_covers_the_characters_or_gives_none():
    e = _enc(10)
    assert token_span(e, (4, 12)) == (4, 5)  # "##piece" tokens 1-2 of the sentence, after 3 others
    assert token_span(e, (0, 3)) == (3, 3)
    assert token_span(e, (13, 25)) is None  # runs past the kept (budgeted) tokens
    assert token_span(e, None) is None


def test_batches_hold_whole_groups_are_seeded_and_cover_every_group():
    groups = tiny_groups()
    pairs = list(dict.fromkeys(p for g in groups for p in g.positives + g.hard + g.easy))
    index = {p: i for i, p in enumerate(pairs)}
    lengths = [random.Random(i).randint(5, 40) for i in range(len(pairs))]
    a, b = iter(Batches(groups, index, lengths, 8, seed=3)), iter(Batches(groups, index, lengths, 8, seed=3))
    epoch = []
    while len(epoch) < len(groups):  # one epoch: every group once, whole, batches of >= 8 pairs but one
        bt = next(a)
        assert bt == next(b)
        assert sum(len(ix) for _, ix in bt) >= 8 or len(epoch) + len(bt) >= len(groups) - 2
        epoch += bt
    assert sorted(tuple(ix) for _, ix in epoch) == sorted(tuple(index[p] for p in g.pairs()) for g in groups)


def test_group_loss_wants_the_positive_on_top():
    class Fixed(torch.nn.Module):  # scores given, no span head to speak of
        def __init__(self, scores):
            super().__init__()
            self.s = torch.tensor(scores)

        def forward(self, ids, types, mask, sent):
            z = torch.zeros(ids.shape)
            return self.s, z, z

    encs = [_enc(6) for _ in range(5)]
    cfg = TrainConfig(bce_weight=0.0, span_weight=0.0)
    seg = [("answer", 3), ("none", 2)]
    labels = [1.0, 0.0, 0.0, 0.0, 0.0]
    good = group_loss(Fixed([3.0, 0.0, 0.0, 9.0, 9.0]), encs, labels, [None] * 5, seg, False, cfg)
    bad = group_loss(Fixed([0.0, 3.0, 0.0, -9.0, -9.0]), encs, labels, [None] * 5, seg, False, cfg)
    assert good < 0.1 < bad  # the none group's scores do not enter the listwise term
    bce = group_loss(Fixed([3.0, 0.0, 0.0, 9.0, 9.0]), encs, labels, [None] * 5, seg, False,
                     TrainConfig(list_weight=0.0, bce_weight=1.0, span_weight=0.0))
    assert bce > 3  # ... but the pointwise term punishes their high scores


def test_freeze_below_trains_only_the_top_layers_and_heads():
    from assistant.reading.reader_model import build_net

    net = build_net(torch.randn(50, 384))
    n = freeze_below(net, 4)
    names = {k for k, p in net.named_parameters() if p.requires_grad}
    assert not any(k.startswith(("word.", "pos.", "segment.", "emb_ln.", "layers.0.", "layers.1.")) for k in names)
    assert any(k.startswith("layers.2.") for k in names) and {"score.weight", "span.weight", "pool.weight"} <= names
    assert n == sum(p.numel() for p in net.parameters() if p.requires_grad)
    freeze_below(net, 6)
    assert all(p.requires_grad for k, p in net.named_parameters() if not k.startswith("word."))


def test_group_and_rank_figures():
    groups = tiny_groups()
    fixed = [p for g in groups for p in g.pairs()]
    logits = [5.0 if p.label else 0.0 for p in fixed]
    assert group_top1(groups, logits) == (1.0, 8)
    rank = [Pair("q", "Ann won.", "", "", int(i == 1), (0, 3) if i == 1 else None, "rank", "w_0") for i in range(3)]
    got = rank_figures(rank, [0.0, 2.0, 1.0], [(0, 3)] * 3, 1.0, 0.0)
    assert got["top1_has_answer"] == 1.0 and got["lexical_baseline"] == 0.0 and got["top1_short_answer_exact"] == 1.0
    assert rank_figures(rank, [0.0, 2.0, 1.0], [(0, 3)] * 3, 1.0, 0.0, k=1)["answerable"] == 0


def test_calibration_recovers_a_known_temperature():
    rng = random.Random(0)
    logits = [rng.uniform(-6, 6) for _ in range(4000)]
    labels = [int(rng.random() < MX.sigmoid(z / 2.0 - 0.5)) for z in logits]
    t, b = fit_calibration(logits, labels)
    assert abs(t - 2.0) < 0.3 and abs(b + 0.5) < 0.2


def test_a_budget_that_fits_fewer_steps_than_asked_is_warned_about():
    assert short_budget(2244, 2244, 75, bf16=True) is None
    note = short_budget(671, 2244, 75, bf16=False)
    assert "671 of the 2244 steps" in note and "30%" in note and "no native bf16" in note
    assert "bf16" not in short_budget(1000, 2244, 75, bf16=True)


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
@pytest.mark.slow
def test_a_few_steps_on_the_tiny_groups_make_the_loss_fall():
    from assistant.reading.reader_inputs import InputBuilder, load_tokenizer
    from assistant.reading.reader_model import base_folder, base_state, build_net, word_embeddings

    folder = base_folder()
    word, _ = word_embeddings(folder)
    torch.manual_seed(0)
    net = build_net(word, "mean")
    net.load_state_dict(base_state(folder), strict=False)
    builder = InputBuilder(load_tokenizer(folder))
    groups = tiny_groups()
    cfg = TrainConfig(max_steps=16, max_epochs=100, batch_pairs=8, lr=1e-4, head_lr=2e-3, warmup=0.1, precision="fp32",
                      threads=2, log_every=8)
    before = mean_loss(net, builder, groups, cfg)
    summary = train(net, builder, groups, cfg, log=open("/dev/null", "w"))
    after = mean_loss(net, builder, groups, cfg)
    assert summary["steps"] == 16 and summary["spans_outside_budget"] == 0
    assert not any(p.requires_grad for p in net.layers[1].parameters())  # the bottom 2 layers stay the base's
    assert after < 0.7 * before, (before, after)


@pytest.mark.integration
@pytest.mark.slow
def test_the_training_command_writes_weights_the_product_loads_and_a_card(tmp_path):
    """`python -m training.reader` end to end on a tiny folder shaped like the training data (two
    steps): the weights load as the product loads them, the card names the group rules and the
    command that reproduces them."""
    from assistant.reading.reader_model import Reader, read_metadata
    from tests.training.test_pairs import _folder
    from training.reader.__main__ import main

    root = _folder(tmp_path)
    out = tmp_path / "weights"
    assert main(["--data", str(root), "--out", str(out), "--max-steps", "2", "--eval-every", "0",
                 "--cache", str(tmp_path / "cache"), "--threads", "1", "--swaps", "3", "--contrast"]) == 0
    meta = read_metadata(out / "reader.safetensors")
    assert meta["steps"] == "2" and meta["pairs"] == "groups-1+swap3+contrast"
    assert Reader.load(out / "reader.safetensors", engine="numpy").meta["pooling"] == "mean"
    card = (out / "MODEL_CARD.md").read_text()
    assert "groups-1+swap3+contrast" in card and "--swaps 3 --contrast" in card and "--max-steps 2" in card


def test_contrast_without_swaps_is_refused_before_any_work(tmp_path, capsys):
    from training.reader.__main__ import main

    assert main(["--data", str(tmp_path / "missing"), "--contrast"]) == 2
    assert "--contrast needs --swaps" in capsys.readouterr().err
