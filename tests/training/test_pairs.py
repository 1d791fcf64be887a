"""training.reader.matching and .pairs: finding a quiz choice in a sentence, and building labelled
pairs from a tiny made-up folder laid out like the training data (no ../shared needed)."""

from __future__ import annotations

import gzip
import json

from training.reader import matching as M
from training.reader.pairs import build_pairs
from training.reader.sources import data_hash, strip_html


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


def test_build_pairs_labels_by_rule_and_holds_out_whole_weeks(tmp_path):
    root = _folder(tmp_path)
    ps = build_pairs(root, seed=1, log=open("/dev/null", "w"))
    assert ps.held_weeks == ["20230203"]  # week index 4 of 5
    assert all(p.qid[:8] not in ps.held_weeks for p in ps.train)
    assert {p.qid[:8] for p in ps.held} == {"20230203"}
    pos = [p for p in ps.train if p.kind == "pos"]
    assert pos and all(p.sentence[slice(*p.span)] == "Port Avalon" for p in pos)
    assert all(p.headline == "Lanterns light up the harbour" and p.context for p in pos)
    choice = [p for p in ps.train if p.kind == "neg-choice"]
    assert choice and all("Avalon" not in p.sentence for p in choice)
    assert all(p.label == 0 and p.span is None for p in ps.train if p.kind.startswith("neg"))
    evid = [p for p in ps.train if p.kind == "pos-evid"]
    assert [p.sentence[slice(*p.span)] for p in evid] == ["Lune"]  # the back number's evidence
    assert ps.counts["questions (2023-24)"] == 5 and ps.counts["train pairs"] == len(ps.train)
    assert ps.data_sha256 == data_hash(root)
    again = build_pairs(root, seed=1, log=open("/dev/null", "w"))
    assert again.train == ps.train and again.held == ps.held  # a pure function of the files


def test_data_hash_changes_with_a_byte(tmp_path):
    root = _folder(tmp_path)
    h = data_hash(root)
    f = root / "backnumber" / "20200103_qa.jsonl"
    f.write_text(f.read_text().replace("Lune", "Lyne"))
    assert data_hash(root) != h
