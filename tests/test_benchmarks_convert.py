"""The benchmark converters on tiny synthetic inputs in the shared formats (never the real
../shared files: a fresh clone has none), and their output read back by the eval loader."""

from __future__ import annotations

import json

import pytest

from assistant.eval.data import load_eval_file
from benchmarks.__main__ import main as bench_main
from benchmarks.convert import convert, convert_realtimeqa, convert_rgb, convert_squad2, flatten, iso_date


def jl(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def rtqa(tmp_path):
    d = tmp_path / "realtimeqa"
    body = "Squid Game is coming back for a second season, Netflix said on Sunday."
    jl(d / "20220617_qa.jsonl", [
        {"question_id": "20220617_0", "question_date": "2022/06/16", "question_sentence": " Which show? ",
         "choices": ["“Game of Thrones”", "“Squid Game”", "A", "B"], "answer": ["1"], "evidence": "<a>x</a>"},
        {"question_id": "20220617_1", "question_sentence": "No gold?", "choices": ["a", "b", "c", "d"],
         "answer": ["0"]},
        {"question_id": "20220617_2", "question_sentence": "Gold without text?", "choices": ["a", "b", "c", "d"],
         "answer": ["3"]},
    ])
    jl(d / "20220617_gold.jsonl", [
        {"question_id": "20220617_0", "search_result": [
            {"url": "https://www.cnn.com/squid#:~:text=Squid", "text": body, "authors": ["R. M."],
             "publish_date": "2022/06/12"}]},
        {"question_id": "20220617_1", "search_result": []},
        {"question_id": "20220617_2", "search_result": [{"url": "https://cnn.com/no-text"}]},
    ])
    jl(d / "20220617_gcs.jsonl", [
        {"question_id": "20220617_0", "search_result": [
            # the gold page again (ad boilerplate text): the gold text stays, the title is borrowed
            {"url": "https://www.cnn.com/squid", "title": "'Squid Game' season 2 - CNN",
             "text": "How relevant is this ad to you?", "authors": [], "publish_date": "2022/06/12"},
            {"url": "https://news.example.org/a", "title": "Other", "text": "short", "publish_date": None},
            {"url": "https://news.example.org/a", "title": "Other", "text": "a longer copy of the other story"},
            {"url": "https://mirror.example.net/squid", "title": "Mirror", "text": body},   # same text, new url
            {"url": "https://empty.example.org/", "title": "Empty", "text": "  "},
        ]},
    ])
    return d


def test_realtimeqa_corpus_and_questions(rtqa, tmp_path):
    c = convert_realtimeqa(rtqa, tmp_path / "out")
    arts = rows(c.corpus)
    assert [a["url"] for a in arts] == ["https://www.cnn.com/squid", "https://news.example.org/a"]
    squid = arts[0]
    assert squid["title"] == "'Squid Game' season 2 - CNN" and squid["text"].startswith("Squid Game is")
    assert squid["published"] == "2022-06-12" and squid["authors"] == ["R. M."] and squid["source"] == "cnn.com"
    assert arts[1]["text"] == "a longer copy of the other story" and "published" not in arts[1]
    qs = rows(c.questions)
    assert [q["id"] for q in qs] == ["20220617_0", "20220617_2"]   # only questions with a gold article
    assert qs[0]["question"] == "Which show?" and qs[0]["answers"] == ["Squid Game"]
    assert qs[0]["sources"] == ["https://www.cnn.com/squid"]
    assert qs[1]["answers"] == ["d"]
    assert (c.articles, c.question_count) == (2, 2)
    assert c.notes and "1 of 2 questions" in c.notes[0]
    items = load_eval_file(c.questions)
    assert items[0].turns[0].answers == ("Squid Game",)


def test_squad2(tmp_path):
    src = tmp_path / "squad2" / "dev.jsonl"
    ctx1 = "Pattern recognition receptors are proteins used by nearly all organisms to identify molecules."
    ctx2 = "Warsaw has thirteen natural reserves."
    jl(src, [
        {"id": "a", "context": ctx1, "question": "What are receptors?", "answers": ["proteins", "proteins"],
         "is_impossible": False},
        {"id": "b", "context": ctx2, "question": "How many?", "answers": ["thirteen"], "is_impossible": False},
        {"id": "c", "context": ctx1, "question": "What do plants lack?", "answers": [], "is_impossible": True},
    ])
    c = convert("squad2", tmp_path, tmp_path / "out")
    arts = rows(c.corpus)
    assert [a["url"] for a in arts] == ["squad2://1", "squad2://2"]
    assert arts[0]["title"] == "Pattern recognition receptors are proteins used by nearly…"
    assert arts[1]["title"] == "Warsaw has thirteen natural reserves." and arts[0]["text"] == ctx1
    qs = rows(c.questions)
    assert qs[0] == {"id": "a", "question": "What are receptors?", "answers": ["proteins"],
                     "sources": ["squad2://1"], "unanswerable": False}
    assert qs[2]["sources"] == ["squad2://1"] and qs[2]["unanswerable"] and qs[2]["answers"] == []
    assert (c.articles, c.question_count, c.unanswerable) == (2, 3, 1)
    assert load_eval_file(c.questions)[2].turns[0].unanswerable


def test_rgb_both_corpora_and_nested_answers(tmp_path):
    src = tmp_path / "rgb" / "en_fact.jsonl"
    jl(src, [
        {"id": 0, "query": "Super Bowl 2021 location", "answer": "Tampa, Florida", "fakeanswer": "Glendale, Arizona",
         "positive": ["Played in Tampa, Florida.", "Tampa hosted it."], "negative": ["Tickets on sale now."],
         "positive_wrong": ["Played in Glendale, Arizona."]},
        {"id": 1, "query": "When?", "answer": [["July 21 2017", "Jul 21, 2017"]], "fakeanswer": [["May 1 2017"]],
         "positive": ["Tickets on sale now.", "It opened July 21 2017."], "negative": [],
         "positive_wrong": []},
    ])
    c = convert_rgb(src.parent, tmp_path / "out")
    plain = rows(c.corpus)
    assert [a["url"] for a in plain] == ["rgb://0/positive/0", "rgb://0/positive/1", "rgb://0/negative/0",
                                         "rgb://1/positive/1"]   # a repeated text is written once
    cf = rows(c.extra_corpora["counterfactual"])
    assert [a["url"] for a in cf] == ["rgb://0/positive/0", "rgb://0/positive/1", "rgb://0/negative/0",
                                      "rgb://0/positive_wrong/0", "rgb://1/positive/1"]
    qs = rows(c.questions)
    assert qs[0]["question"] == "Super Bowl 2021 location" and qs[0]["answers"] == ["Tampa, Florida"]
    assert qs[0]["fake_answers"] == ["Glendale, Arizona"]
    assert qs[1]["answers"] == ["July 21 2017", "Jul 21, 2017"]
    # the repeated positive is found under the url it was first written with
    assert "rgb://0/negative/0" in qs[1]["sources"] and "rgb://1/positive/1" in qs[1]["sources"]
    assert (c.articles, c.question_count) == (4, 2)
    assert len(load_eval_file(c.questions)) == 2


def test_helpers():
    assert flatten([["a", " b "], "a", [], None, [["c"]]]) == ["a", "b", "c"]
    assert flatten("  ") == []
    assert iso_date("2022/06/12") == "2022-06-12" and iso_date("2022-06-12T10:00") == "2022-06-12"
    assert iso_date(None) is None and iso_date("June 12, 2022") == "June 12, 2022"


def test_convert_command_and_missing_data(tmp_path, rtqa, capsys):
    assert bench_main(["--data", str(tmp_path), "--out", str(tmp_path / "o"), "convert", "--sets", "realtimeqa"]) == 0
    assert "realtimeqa: 2 articles" in capsys.readouterr().out
    assert (tmp_path / "o" / "realtimeqa" / "corpus.jsonl").exists()
    assert bench_main(["--data", str(tmp_path / "none"), "--out", str(tmp_path / "o"), "convert"]) == 1
    assert "no evaluation data" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench_main(["convert", "--sets", "nope"])


def test_naive_baseline_answers_with_top_chunk_and_is_scored_like_the_assistant(tmp_path):
    from assistant.eval.run import evaluate
    from benchmarks.naive import NaiveBaseline
    from tests.fakes import FakeEmbedder

    corpus = tmp_path / "corpus.jsonl"
    jl(corpus, [{"text": "The Dali container ship struck the bridge in Baltimore.", "url": "u://dali"},
                {"text": "Wes Moore declared a state of emergency in Maryland. " * 30, "url": "u://moore"},
                {"text": "Tampa hosted the Super Bowl.", "url": "u://tampa"}])
    emb = FakeEmbedder()
    naive = NaiveBaseline(corpus, cache_dir=tmp_path / "cache", embedder=emb, verbose=False)
    assert len(naive.chunks) == 1 + 2 + 1   # ~1600 characters -> two 800-character chunks
    a = naive.ask("Which ship struck the bridge in Baltimore?")
    assert a.text.startswith("The Dali") and not a.abstained
    assert [c.url for c in a.citations][0] == "u://dali" and len({c.url for c in a.citations}) == len(a.citations)
    calls = emb.texts_embedded
    NaiveBaseline(corpus, cache_dir=tmp_path / "cache", embedder=emb, verbose=False)   # vectors cached
    assert emb.texts_embedded == calls
    qa = tmp_path / "qa.jsonl"
    jl(qa, [{"question": "Which ship struck the bridge in Baltimore?", "answers": ["Dali"], "sources": ["u://dali"]},
            {"question": "Who won the lottery?", "answers": [], "unanswerable": True}])
    m = evaluate(naive, load_eval_file(qa)).overall
    assert (m.hits, m.recall_1_hits, m.abstained_unanswerable) == (1, 1, 0)


def test_naive_embedding_resumes_from_saved_blocks(tmp_path, monkeypatch):
    import benchmarks.naive as naive_mod
    from tests.fakes import FakeEmbedder

    monkeypatch.setattr(naive_mod, "BLOCK", 2)
    corpus = tmp_path / "corpus.jsonl"
    jl(corpus, [{"text": f"story number {i} about the harbour", "url": f"u://{i}"} for i in range(5)])

    class Dies(FakeEmbedder):
        def embed(self, texts):
            if self.calls == 1:
                raise KeyboardInterrupt
            return super().embed(texts)

    with pytest.raises(KeyboardInterrupt):
        naive_mod.NaiveBaseline(corpus, cache_dir=tmp_path, embedder=Dies(), verbose=False)
    emb = FakeEmbedder()
    resumed = naive_mod.NaiveBaseline(corpus, cache_dir=tmp_path, embedder=emb, verbose=False)
    assert emb.texts_embedded == 3                       # the first block of 2 came from disk
    assert resumed.ask("story number 3").citations[0].url == "u://3"
    assert not list(tmp_path.glob("*.parts"))            # blocks folded into one cache file
