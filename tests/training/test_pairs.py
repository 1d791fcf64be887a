"""training.reader.matching and .pairs: finding a quiz choice in a sentence, and building labelled
groups from a tiny made-up folder laid out like the training data (no ../shared needed)."""

from __future__ import annotations

import gzip
import json

import random
from collections import Counter

import numpy as np

from training.reader import matching as M
from training.reader.pairs import Group, Pair, _positives, build_pairs, load_or_build
from training.reader.records import Cand
from training.reader.sources import Question, data_hash, strip_html
from training.reader.variants import contrasted, mentions, swapped


def test_normalise_folds_case_accents_quotes_and_punctuation():
    assert M.normalise("Beyoncé’s “Renaissance” — 280,000!") == "beyonce s renaissance 280 000"
    text = "Straße in São Paulo"  # "ß" folds to two letters: the slow map keeps offsets right
    norm, idx = M.normalise_with_map(text)
    assert norm == "strasse in sao paulo" and len(idx) == len(norm)
    assert text[idx[norm.index("sao")]] == "S"


def test_choice_variants():
    assert M.choice_variants("Pope Benedict XVI") == ["pope benedict xvi", "benedict xvi"]
    assert "plymouth" in M.choice_variants("Plymouth, Massachusetts")
    assert "one dance" in M.choice_variants("“One Dance” by Drake")
    assert M.choice_variants("True") == [] and M.choice_variants("5") == []
    assert M.choice_variants("34") == ["34"]


def test_find_choice_gives_exact_offsets_at_word_bounds():
    s = "Crowds in Brazil mourned Pelé as 280,000 filed past, Benedict XVI’s aides said."
    for choice, want in (("Brazil", "Brazil"), ("280,000", "280,000"), ("Pope Benedict XVI", "Benedict XVI"),
                         ("Pele", "Pelé")):
        a, b = M.find_choice(s, M.choice_variants(choice))
        assert s[a:b] == want
    assert M.find_choice("The Brazilian team", M.choice_variants("Brazil")) is None  # whole words only
    s2 = "Yousaf won 52.1% and raised $5.75."
    assert s2[slice(*M.widen_units(s2, M.find_choice(s2, M.choice_variants("52.1%"))))] == "52.1%"


def test_content_stems_drop_stopwords_and_the_choice():
    q = "Which team does the injured safety play for this week?"
    assert M.content_stems(q) == {"team", "injur", "safet", "play"}
    assert "team" not in M.content_stems(q, exclude=frozenset({"team"}))


def test_strip_html():
    assert strip_html('He was <a href="x">suffering</a> &amp; recovering') == "He was suffering & recovering"


def _write_week(root, week, questions, results):
    (root / "weeks").mkdir(parents=True, exist_ok=True)
    with open(root / "weeks" / f"{week}_qa.jsonl", "w") as f:
        for q in questions:
            f.write(json.dumps(q) + "\n")
    with gzip.open(root / "weeks" / f"{week}_gcs.jsonl.gz", "wt") as f:
        for qid, res in results.items():
            f.write(json.dumps({"question_id": qid, "search_result": res}) + "\n")


def _q(qid, text, choices, ans, evidence=""):
    return {"question_id": qid, "question_sentence": text, "choices": choices, "answer": [str(ans)],
            "evidence": evidence}


def _folder(tmp_path):
    root = tmp_path / "data"
    art = ("Lantern makers gathered in the harbour town. The harbour lantern festival drew 9,000 visitors "
           "to Port Avalon on Saturday. Port Bellmoor hosted the festival last year. "
           "Festival visitors bought lanterns at the harbour market.\nThe weather was mild.")
    for n, week in enumerate(["20230106", "20230113", "20230120", "20230127", "20230203"]):
        qid = f"{week}_0"
        q = _q(qid, "Which town hosted the harbour lantern festival this year?",
               ["Port Avalon", "Port Bellmoor", "Kestrel Bay", "Lowmarsh"], 0,
               'The <a href="u">harbour lantern festival</a> came to Port Avalon.')
        other = ("Kestrel Bay council approved a budget for roads. The council said roads need repair. "
                 f"Week {n}: harbour ferries ran late on the town routes.")
        _write_week(root, week, [q], {qid: [{"url": "a", "title": "Lanterns light up the harbour", "text": art},
                                            {"url": "b", "title": "Council news", "text": other}]})
    (root / "backnumber").mkdir()
    (root / "backnumber" / "20200103_qa.jsonl").write_text(json.dumps(_q(
        "20200103_0", "Which river flooded the old mill district?", ["Tamber", "Osk", "Lune", "Wey"], 2,
        "The Lune flooded the old mill district overnight. Residents were moved to the school.")) + "\n")
    return root


def test_build_pairs_makes_groups_by_rule_and_holds_out_whole_weeks(tmp_path):
    root = _folder(tmp_path)
    ps = build_pairs(root, seed=1, log=open("/dev/null", "w"))
    assert ps.held_weeks == ["20230203"]  # week index 4 of 5
    assert all(g.qid[:8] not in ps.held_weeks for g in ps.train)
    assert {g.qid[:8] for g in ps.held} == {"20230203"}
    answer = [g for g in ps.train if g.kind == "answer" and g.qid[:4] == "2023"]
    assert len(answer) == 4  # one per training week
    for g in answer:
        assert [p.sentence[slice(*p.span)] for p in g.positives] == ["Port Avalon"]
        pos = g.positives[0]
        assert pos.headline == "Lanterns light up the harbour"
        assert pos.context == "Lantern makers gathered in the harbour town."  # the previous sentence only
        kinds = [p.kind for p in g.hard]
        assert kinds[:2] == ["neg-near", "neg-article"] and "neg-overlap" in kinds
        assert g.hard[0].sentence == "Lantern makers gathered in the harbour town."  # the positive's neighbour
        negs = g.hard + g.easy
        assert all(p.label == 0 and p.span is None for p in negs)
        assert not any("Avalon" in p.sentence or "Port" in p.sentence for p in negs)  # no word of the answer
        assert {p.kind for p in g.easy} <= {"neg-away", "neg-random"} and g.easy
    none = [g for g in ps.train if g.kind == "none"]
    assert none and all(not g.positives and all(p.label == 0 for p in g.hard) for g in none)
    assert all(p.kind == "none-away" for g in none for p in g.hard)
    back = [g for g in ps.train if g.qid == "20200103_0"]
    assert len(back) == 1 and [p.sentence[slice(*p.span)] for p in back[0].positives] == ["Lune"]
    assert back[0].hard[0].kind == "neg-article" and back[0].hard[0].sentence == "Residents were moved to the school."
    assert all(p.headline == "" for p in back[0].pairs())  # evidence has no headline: nor do its negatives
    assert ps.counts["questions (2023-24)"] == 5 and ps.counts["train groups"] == len(ps.train)
    assert ps.rank and all(p.qid[:8] == "20230203" for p in ps.rank + ps.rank_none)
    assert ps.data_sha256 == data_hash(root)
    again = build_pairs(root, seed=1, log=open("/dev/null", "w"))
    assert again.train == ps.train and again.held == ps.held  # a pure function of the files
    assert ps.version == "groups-1" and build_pairs(root, seed=1, log=open("/dev/null", "w"), swaps=3).version == "groups-1+swap3"
    near = build_pairs(root, seed=1, log=open("/dev/null", "w"), confirm=True, embed=lambda t: np.ones((len(t), 2)) / 2 ** 0.5)
    assert near.version == "groups-1+confirm" and near.train == ps.train  # everything near in meaning: all kept


def test_load_or_build_builds_the_cache_in_a_child_and_reads_it_back(tmp_path):
    root = _folder(tmp_path)
    got = load_or_build(root, tmp_path / "cache", seed=1)
    assert [p.name[:9] for p in (tmp_path / "cache").iterdir()] == ["groups-1-"]
    assert got.train == build_pairs(root, seed=1, log=open("/dev/null", "w")).train
    (root / "weeks" / "20230106_qa.jsonl").unlink()  # the cache is keyed by the data's hash: rebuilt
    assert load_or_build(root, tmp_path / "cache", seed=1).train != got.train


def test_positives_need_one_question_word_and_are_capped():
    q = Question("w_0", "w", "Which town hosted the lantern festival?", ["Port Avalon", "Kestrel Bay"], 0, "")
    cands = [Cand(t, "h", "", M.content_stems(t), 0, i) for i, t in enumerate([
        "Port Avalon hosted the lantern festival on Saturday with music.",  # 3 question words
        "The lantern parade in Port Avalon ran late into the night.",  # 1
        "Port Avalon is a fishing port on the north coast of the island.",  # 0: left out
        "Did Port Avalon host the lantern festival again this year?",  # asks: left out
        "Festival crowds in Port Avalon were the largest yet seen there.",  # 1
        "Port Avalon festival lanterns were sold out by early evening.",  # 2
    ])]
    counts = Counter()
    got = _positives(q, cands, random.Random(0), counts)
    assert [c.pos for c, _ in got] == [0, 5, 1] or [c.pos for c, _ in got] == [0, 5, 4]  # most overlapping, 3 at most
    assert counts["left out: contains the answer, < 1 question word"] == 1
    assert counts["left out: contains the answer, but asks a question"] == 1
    assert counts["left out: positives beyond 3 per question"] == 1


def _fake_embed(table):
    """texts -> unit vectors from a hand-written table (2-d, so the cosines are easy to check)."""
    def embed(texts):
        v = np.array([table[t] for t in texts], dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)
    return embed


def test_confirm_keeps_matches_near_the_question_and_the_evidence_in_meaning():
    q = Question("w_0", "w", "How many visitors came to the lantern festival in Port Avalon?",
                 ["9,000", "16"], 0, "The festival in Port Avalon drew 9,000 visitors.")
    texts = ["Port Avalon's lantern festival drew 9,000 visitors.",  # near both: kept
             "The lantern festival in Port Avalon had 9,000 lanterns for sale.",  # near the question only
             "A festival crowd of 9,000 cheered the boats."]  # near the evidence alone, very near: kept
    cands = [Cand(t, "h", "", M.content_stems(t), 0, i) for i, t in enumerate(texts)]
    embed = _fake_embed({q.text: (1, 0), texts[0]: (1, -0.5), texts[1]: (1, 1), texts[2]: (0.2, -1),
                         "The festival in Port Avalon drew 9,000 visitors.": (1, -1)})
    counts = Counter()
    got = _positives(q, cands, random.Random(0), counts, embed)
    # cosines with the question / the evidence: 0.89 / 0.95 kept; 0.71 / 0.00 left out; 0.20 / 0.83 kept
    assert sorted(c.pos for c, _ in got) == [0, 2]
    assert counts["left out: contains the answer, not confirmed by meaning"] == 1
    no_ev = Question("w_1", "w", q.text, q.choices, 0, "")
    assert sorted(c.pos for c, _ in _positives(no_ev, cands, random.Random(0), Counter(), embed)) == [0, 1]


def test_mentions_find_names_and_numbers_but_not_the_opening_word():
    got = mentions("Which town near The Old Quay drew 9,000 visitors in 2023 to Port Avalon?")
    assert got == [("name", "Old Quay"), ("name", "Port Avalon"), ("number", "9,000"), ("number", "2023")]


def test_swap_changes_a_shared_name_for_another_of_the_story_and_labels_the_positive_no():
    q = Question("w_0", "w", "How many visitors came to Port Avalon for the lantern festival?",
                 ["9,000", "4,000", "12,000", "700"], 0, "")
    pos = Pair(q.text, "Port Avalon welcomed 9,000 visitors to its lantern festival.", "Lanterns", "", 1, (21, 26), "pos", "w_0")
    cands = [Cand(t, "h", "", M.content_stems(t), 0, i) for i, t in enumerate([
        pos.sentence,
        "Last year the festival moved from Port Bellmoor after a storm.",
        "Crowds in Port Bellmoor were smaller than expected.",
        "Kestrel Bay sent a choir, said a spokesperson for Kestrel Bay.",  # one sentence only: not a candidate
    ])]
    got = swapped(q, [pos], cands, random.Random(0), 3)
    assert [(p.question, p.sentence, p.label, p.kind) for p in got] == [
        ("How many visitors came to Port Bellmoor for the lantern festival?", pos.sentence, 0, "none-swap")]
    assert swapped(q, [pos], cands[:1], random.Random(0), 3) == []  # no other name of the story: no swap


def test_contrast_folds_a_questions_swaps_into_its_answer_group_and_leaves_the_rest():
    pos = Pair("How many came to Port Avalon?", "Port Avalon drew 9,000.", "", "", 1, (17, 22), "pos", "w_0")
    swap = Pair("How many came to Port Bellmoor?", pos.sentence, "", "", 0, None, "none-swap", "w_0")
    away = Pair(pos.question, "A council met.", "", "", 0, None, "none-away", "w_0")
    other = Pair("Who sang?", "A choir sang.", "", "", 0, None, "none-swap", "w_1")  # no answer group: kept apart
    answer = Group("w_0", "answer", (pos,), (), (away,))
    got, n = contrasted([answer, Group("w_0", "none", (), (swap,)), Group("w_0", "none", (), (away,)),
                         Group("w_1", "none", (), (other,))])
    assert n == 1
    assert [(g.qid, g.kind, g.easy, g.hard) for g in got] == [
        ("w_0", "answer", (away, swap), ()), ("w_0", "none", (), (away,)), ("w_1", "none", (), (other,))]
    # in the group's draw the swapped question always joins, so the listwise loss compares the two
    assert swap in got[0].pairs(random.Random(0))


def test_group_draws_keep_the_pool_head_and_vary_the_rest():
    neg = tuple(Pair("q", f"s{i}", "", "", 0, None, "neg-overlap", "w_0") for i in range(12))
    g = Group("w_0", "answer", (Pair("q", "p", "", "", 1, (0, 1), "pos", "w_0"),), neg, (neg[0],))
    fixed = g.pairs()
    assert fixed[0].label == 1 and fixed[1:8] == list(neg[:7]) and fixed[-1] == neg[0] and len(fixed) == 9
    rng = random.Random(3)
    draws = [g.pairs(rng) for _ in range(5)]
    assert all(d[1:3] == list(neg[:2]) and len(d) == 9 for d in draws)
    assert len({tuple(d) for d in draws}) > 1


def test_data_hash_changes_with_a_byte(tmp_path):
    root = _folder(tmp_path)
    h = data_hash(root)
    f = root / "backnumber" / "20200103_qa.jsonl"
    f.write_text(f.read_text().replace("Lune", "Lyne"))
    assert data_hash(root) != h


def test_week_negatives_come_from_the_same_weeks_other_stories(tmp_path):
    root = _folder(tmp_path)
    # a second story in the first week, sharing the question's words but not its answer
    week = "20230106"
    ferry = _q(f"{week}_1", "Which ferry company added a night route this week?", ["Gullwing", "Tern", "Osprey", "Skua"], 0)
    lantern = json.loads((root / "weeks" / f"{week}_qa.jsonl").read_text())
    with gzip.open(root / "weeks" / f"{week}_gcs.jsonl.gz", "rt") as f:
        results = {r["question_id"]: r["search_result"] for r in map(json.loads, f)}
    results[ferry["question_id"]] = [{"url": "c", "title": "Night ferries", "text":
        "Gullwing added a night route across the bay. The harbour festival crowds sailed home on the town ferries "
        "this year. Port Avalon welcomed the late boats."}]
    _write_week(root, week, [lantern, ferry], results)
    plain = build_pairs(root, seed=1, log=open("/dev/null", "w"))
    ps = build_pairs(root, seed=1, log=open("/dev/null", "w"), week_negatives=2)
    assert ps.version == "groups-1+week2" and plain.version == "groups-1"
    g = next(g for g in ps.train if g.qid == f"{week}_0" and g.kind == "answer")
    week_negs = [p for p in g.easy if p.kind == "neg-week"]
    # the other story's sentence sharing the most question words; never one holding the answer
    # ("Port Avalon ..."), never one of the question's own results
    assert [p.sentence for p in week_negs] == ["The harbour festival crowds sailed home on the town ferries this year."]
    assert week_negs[0].headline == "Night ferries" and week_negs[0].label == 0
    same = next(h for h in plain.train if h.qid == g.qid and h.kind == "answer")
    assert g.positives == same.positives and g.hard == same.hard  # only the easy list grows
    assert [p for p in g.easy if p.kind != "neg-week"] == list(same.easy)
