"""The reader's second-stage groups: the product's own shortlists labelled by string match, on
hand-made read items and on a tiny made-up training folder (a stand-in embedder)."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.reading.reader_inputs import ReadItem
from tests.fakes import FakeEmbedder
from tests.training.weeks import BUDGET, LANTERN, write_week
from training.reader.shortlists import NONE_K, build_groups, groups_of, tuning_weeks
from training.reader.sources import Question

Q = Question("q1", "20230106", "Which town hosted the harbour lantern festival?",
             ["Port Avalon", "Lowmarsh", "Kestrel Bay", "Tarn"], 0, "")


def _items(*sentences):
    return [ReadItem(Q.text, s, "Lanterns", "") for s in sentences]


def test_a_shortlist_holding_the_answer_is_an_answer_group_with_the_choice_as_span():
    counts = Counter()
    got = groups_of(Q, _items("Lantern makers sold paper boats.", "The festival drew 9,000 visitors to Port Avalon."),
                    _items("Kestrel Bay approved a road budget."), True, counts)
    answer, away = got
    assert answer.kind == "answer" and [p.kind for p in answer.positives] == ["sl-pos"]
    pos = answer.positives[0]
    assert pos.sentence[slice(*pos.span)] == "Port Avalon" and pos.label == 1
    assert [(p.kind, p.label) for p in answer.hard] == [("sl-neg", 0)]
    assert away.kind == "none" and away.qid == "q1-away" and [p.kind for p in away.hard] == ["sl-away"]
    assert counts == Counter({"groups: answer": 1, "groups: none, another week": 1})


def test_a_question_its_results_never_answer_gives_a_related_none_group():
    counts = Counter()
    own = _items(*[f"Lantern stall number {i} opened early on the quay." for i in range(NONE_K + 3)])
    (related,) = groups_of(Q, own, [], False, counts)
    assert related.kind == "none" and len(related.hard) == NONE_K
    assert {p.kind for p in related.hard} == {"sl-related"} and counts == Counter({"groups: none, related": 1})


def test_what_cannot_be_labelled_is_left_out_and_counted():
    counts = Counter()
    # the results hold the answer but the shortlist missed it: a retrieval miss, not a "no answer"
    assert groups_of(Q, _items("Lantern makers sold paper boats."), [], True, counts) == []
    assert counts == Counter({"left out: shortlist misses the answer its results hold": 1})
    # the other week's shortlist names the right choice too: a story that ran for weeks
    counts.clear()
    assert groups_of(Q, _items("The festival drew 9,000 visitors to Port Avalon."),
                     _items("Port Avalon held its festival again."), True, counts) == []
    assert counts == Counter({"left out: every candidate holds the answer": 1,
                              "left out: another week's shortlist holds the answer": 1})


def test_the_first_stages_held_out_weeks_are_never_tuned_on(tmp_path):
    page = [{"url": "https://news.example/a", "title": "A", "text": "Some words about the town fair today."}]
    for d in range(6):
        write_week(tmp_path, f"2023010{d + 1}", [(f"w{d}", "Which town?", ["Tarn", "Lowmarsh", "Avon", "Rye"], 0)], page)
    assert [w for w, _ in tuning_weeks(tmp_path)] == ["20230101", "20230102", "20230103", "20230104", "20230106"]


def test_groups_come_from_the_product_asking_its_own_week_and_another(tmp_path):
    root = tmp_path / "data"
    write_week(root, "20230106", [("a1", Q.text, Q.choices, 0)], LANTERN)
    write_week(root, "20230113", [("b1", "Which council approved a road budget?",
                                   ["Kestrel Bay", "Port Avalon", "Lowmarsh", "Tarn"], 0)], BUDGET)
    groups, counts = build_groups(root, tmp_path / "work", embedder=FakeEmbedder())
    by = {(g.qid, g.kind): g for g in groups}
    assert set(by) == {("a1", "answer"), ("a1-away", "none"), ("b1", "answer"), ("b1-away", "none")}
    assert by["a1", "answer"].positives[0].sentence.startswith("The harbour lantern festival drew")
    assert by["a1", "answer"].positives[0].headline == "Lantern festival in Port Avalon"
    assert by["a1-away", "none"].hard[0].sentence.startswith("Kestrel Bay council")  # the other week's page
    assert counts["pairs: sl-pos"] == 2 and counts["weeks"] == 2


def test_the_tune_command_names_a_folder_without_weeks(tmp_path, capsys):
    from training.reader.tune import main

    assert main(["--data", str(tmp_path)]) == 2
    assert f"{tmp_path} has no weeks/ folder" in capsys.readouterr().err


def test_the_tune_command_checks_its_starting_weights_before_building_anything(tmp_path, capsys):
    pytest.importorskip("torch")
    from training.reader.tune import main

    (tmp_path / "weeks").mkdir()
    work = tmp_path / "work"
    assert main(["--data", str(tmp_path), "--from", str(tmp_path / "none.safetensors"), "--work", str(work)]) == 2
    assert "no reader weights at" in capsys.readouterr().err and not work.exists()
