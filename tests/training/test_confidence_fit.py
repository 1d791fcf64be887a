"""The confidence fit's pieces on hand-checkable data: the AUC, the logistic fit, the
coefficients file, and the rows built from a tiny made-up training folder (a stand-in embedder;
the real weeks are never needed)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from assistant.reading.confidence import FEATURES, Evidence, confidence, load_coef
from tests.fakes import FakeEmbedder
from tests.training.weeks import BUDGET, LANTERN, write_week
from training.confidence.fit import auc, cross_validate, fit, fit_free, matrix, named
from training.confidence.rows import Row, build_rows


def test_auc_counts_pairs_and_halves_ties():
    assert auc(np.array([0.9, 0.8, 0.3]), np.array([1, 0, 0])) == 1.0
    assert auc(np.array([0.2, 0.8]), np.array([1, 0])) == 0.0
    assert auc(np.array([0.5, 0.5]), np.array([1, 0])) == 0.5
    assert auc(np.array([0.9, 0.4, 0.6, 0.1]), np.array([1, 1, 0, 0])) == 0.75  # 3 of 4 pairs


def _rows(n=40):
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        label = i % 2
        f = {k: 0.0 for k in FEATURES}
        f["cover"] = float(rng.uniform(0.6, 1.0) if label else rng.uniform(0.0, 0.5))  # separates the classes
        f["semantic"] = float(rng.uniform(0, 1))  # noise
        out.append(Row(f"q{i}", f"2023010{(i // 2) % 4}", "own" if label else "away", label, f, False))  # both labels each week
    return out


def test_the_fit_puts_weight_on_the_feature_that_separates():
    rows = _rows()
    x, y = matrix(rows)
    beta = fit(x, y, l2=0.1)
    coef = named(beta)
    assert coef["cover"] > 2 and abs(coef["semantic"]) < coef["cover"] / 3
    assert auc(x @ beta, y) == 1.0
    folds = cross_validate(rows, l2=0.1)
    assert set(folds) == {"fold 1", "fold 2"} and all(f["auc_on_other_half"] == 1.0 for f in folds.values())


def test_a_feature_that_would_push_the_wrong_way_gets_zero():
    rows = _rows()
    for r in rows:  # a "warning sign" that, in this data, comes with answers
        r.features["name_missing"] = float(r.label)
    x, y = matrix(rows)
    assert fit_free(x, y, l2=0.1)[1 + FEATURES.index("name_missing")] > 0
    beta = fit(x, y, l2=0.1)
    assert beta[1 + FEATURES.index("name_missing")] == 0.0 and named(beta)["cover"] > 0


def test_coefficients_file_must_name_every_feature(tmp_path):
    good = {"bias": 0.0, **{k: 0.0 for k in FEATURES}}
    (tmp_path / "c.json").write_text(json.dumps({"coef": good}))
    assert load_coef(tmp_path / "c.json") == good
    del good["cover"]
    (tmp_path / "c.json").write_text(json.dumps({"coef": good}))
    with pytest.raises(ValueError, match="cover"):
        load_coef(tmp_path / "c.json")


def test_confidence_is_the_logistic_of_the_coefficients_and_another_year_halves_it():
    e = Evidence(semantic=0.5, score=0.4, number_missing=False, type_missing=False, cover=1.0)
    zero = {"bias": 0.0, **{k: 0.0 for k in FEATURES}}
    assert confidence(e, zero) == 0.5
    assert confidence(e, {**zero, "cover": 2.0}) == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert confidence(replace(e, other_year=True), zero) == 0.25


def test_rows_ask_each_question_of_its_own_week_and_of_another(tmp_path):
    root = tmp_path / "data"
    write_week(root, "20230106", [("a1", "Which town hosted the harbour lantern festival?",
                              ["Port Avalon", "Lowmarsh", "Kestrel Bay", "Tarn"], 0),
                             ("a2", "Which singer opened the festival?", ["Ada Vell", "Bo Rinn", "Cy Mor", "Di Lo"], 0)],
          LANTERN)
    write_week(root, "20230113", [("b1", "Which council approved a road budget?",
                              ["Kestrel Bay", "Port Avalon", "Lowmarsh", "Tarn"], 0)], BUDGET)
    rows, counts = build_rows(root, tmp_path / "work", every=1, offset=0, embedder=FakeEmbedder(), with_related=False)
    got = {(r.qid, r.kind, r.label) for r in rows}
    assert got == {("a1", "own", 1), ("a1", "away", 0), ("b1", "own", 1), ("b1", "away", 0)}
    assert counts["left out: results don't hold the right choice"] == 1  # a2: no page names the singer
    own = next(r for r in rows if r.qid == "a1" and r.kind == "own")
    away = next(r for r in rows if r.qid == "a1" and r.kind == "away")
    assert set(own.features) == set(FEATURES)
    assert own.features["cover"] > away.features["cover"]  # its own week's page has the question's words
    rows, counts = build_rows(root, tmp_path / "work", every=1, offset=0, embedder=FakeEmbedder(), with_related=True)
    assert ("a2", "related", 0) in {(r.qid, r.kind, r.label) for r in rows}  # its own pages, on the subject, no answer
    assert counts["rows related (0)"] == 1 and counts["left out: results don't hold the right choice"] == 0


def test_the_command_names_a_folder_without_weeks(tmp_path, capsys):
    from training.confidence.__main__ import main

    assert main(["--data", str(tmp_path), "--work", str(tmp_path / "w"), "--out", str(tmp_path / "c.json")]) == 2
    assert str(tmp_path) in capsys.readouterr().err and not (tmp_path / "c.json").exists()


def test_the_command_fits_and_writes_the_coefficients_with_their_provenance(tmp_path, monkeypatch):
    import training.confidence.__main__ as cli

    (tmp_path / "data" / "weeks").mkdir(parents=True)
    monkeypatch.setattr("training.confidence.rows.build_rows",
                        lambda *a, **k: (_rows(), {"rows own (1)": 20, "rows away (0)": 20}))
    assert cli.main(["--data", str(tmp_path / "data"), "--work", str(tmp_path / "w"),
                     "--out", str(tmp_path / "c.json")]) == 0
    written = json.loads((tmp_path / "c.json").read_text())
    assert load_coef(tmp_path / "c.json")["cover"] > 0
    assert written["fitted_on"]["counts"] == {"rows own (1)": 20, "rows away (0)": 20}
    assert written["command"] == "python -m training.confidence --data ../shared/train/realtimeqa"
    assert set(written["cross_validation"]) == {"fold 1", "fold 2"}


def _fifteen_weeks(root):
    """Weeks 0..14: the held-out ones (4 and 14, `HOLD_AT` of every `HOLD_EVERY`) carry the two
    stories; the rest a filler week no held-out question is asked of."""
    for i in range(15):
        week = f"2023{1 + i // 4:02d}{1 + 7 * (i % 4):02d}"
        if i == 4:
            write_week(root, week, [("a1", "Which town hosted the harbour lantern festival?",
                                     ["Port Avalon", "Lowmarsh", "Kestrel Bay", "Tarn"], 0),
                                    ("a2", "Which singer opened the festival?", ["Ada Vell", "Bo Rinn", "Cy Mor", "Di Lo"], 0)],
                       LANTERN)
        elif i == 14:
            write_week(root, week, [("b1", "Which council approved a road budget?",
                                     ["Kestrel Bay", "Port Avalon", "Lowmarsh", "Tarn"], 0)], BUDGET)
        else:
            write_week(root, week, [(f"f{i}", "Which town?", ["Tarn", "Lowmarsh", "Port Avalon", "Kestrel Bay"], 0)], BUDGET)


@pytest.mark.integration
def test_the_share_check_reads_the_readers_held_out_weeks_with_the_reader(tmp_path):
    from training.confidence.share import rows_on_held_weeks, table

    _fifteen_weeks(tmp_path / "data")
    rows = rows_on_held_weeks(tmp_path / "data", tmp_path / "work", embedder=FakeEmbedder())
    got = sorted((r["kind"], r["label"]) for r in rows)
    assert got == [("away", 0), ("away", 0), ("own", 1), ("own", 1), ("related", 0)]  # a2: no page names the singer
    assert {r["week"] for r in rows} == {"20230201", "20230415"}  # the held-out weeks only
    for r in rows:
        assert 0.0 <= r["rules"] <= 1.0 and -1e-6 <= r["reader"] <= 1.0 + 1e-6  # the blend undone is a probability
        assert r["shown"] <= r["label"]
    lines = table(rows).splitlines()
    assert lines[0].startswith("5 rows: 2 with the answer in their pages") and len(lines) == 2 + 9 + 1 + 4
    assert lines[-4].startswith("  asked of another week (no page answers): ") and "/2" in lines[-4]
    assert lines[-2].startswith("  own week, its pages hold the answer (false abstention): ") and "/2" in lines[-2]


def test_the_share_check_counts_what_the_products_threshold_refuses_of_each_kind():
    from training.confidence.share import refusals

    rows = [{"kind": "away", "reader": 0.1, "rules": 0.2, "shown": False},  # 0.3 * 0.1 + 0.7 * 0.2 = 0.17: refused
            {"kind": "away", "reader": 0.9, "rules": 0.5, "shown": False},  # 0.62: answered
            {"kind": "related", "reader": 0.6, "rules": 0.4, "shown": False},  # 0.46: answered
            {"kind": "own", "reader": 0.0, "rules": 0.5, "shown": True},  # 0.35: a right answer refused
            {"kind": "own", "reader": 0.0, "rules": 0.4, "shown": False},  # 0.28: refused, a wrong sentence
            {"kind": "own", "reader": 1.0, "rules": 1.0, "shown": True}]
    assert refusals(rows, share=0.3, threshold=0.4) == {"away": (2, 1), "related": (1, 0), "own": (3, 2),
                                                        "shown": (2, 1)}
    assert refusals([], 0.3, 0.4) == {"away": (0, 0), "related": (0, 0), "own": (0, 0), "shown": (0, 0)}


def test_the_share_check_names_a_folder_without_weeks(tmp_path, capsys):
    from training.confidence.share import main

    assert main(["--data", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err
