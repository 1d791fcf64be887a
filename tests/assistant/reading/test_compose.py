"""Composing an answer from ranked sentences (hand-made articles, hits and candidates; no index):
1-3 sentences that each add something, the same fact from two articles as one sentence cited
[1][2], [n] marks matching the citations, citations carrying the exact quote, passage and offsets,
and abstention below `min_confidence` with the closest passages as related reading."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant.reading.compose import RANKER_THRESHOLDS, AnswerSettings, compose
from assistant.reading.scoring import Candidate
from assistant.reading.sentences import split_sentences
from assistant.reading.question import analyse
from assistant.reading.ranking import Ranking
from assistant.records import Answer, Hit, Passages, Query, ShortAnswer
from index.errors import ConfigError
from index.records import Article
from index.text.words import stems

Q = "How many people have been displaced by the floods?"

LEDGER = Article("a-ledger", "Floods Hit the Valley",
                 "Heavy rain fell for a week. About 280,000 people have been displaced by the floods, officials said. "
                 "The river peaked on Monday at a record height.",
                 "Harbor Ledger", "https://example.org/ledger", date(2024, 5, 1), path="/news/ledger.txt")
WIRE = Article("b-wire", "Valley Floods Force Evacuations",
               "Rescue teams arrived on Tuesday. About 280,000 people have been displaced by the floods, the agency "
               "said. Schools across the region were closed.",
               "Meridian Wire", "https://example.org/wire", date(2024, 5, 2), path="/news/wire.txt")
DAILY = Article("c-daily", "Dams Under Strain",
                "Engineers inspected three dams upstream of the town. Two of them were reinforced with sandbags "
                "overnight by volunteers.",
                "Civic Daily Review", "", date(2024, 5, 3))
MARKETS = Article("d-markets", "Markets", "Stock markets rose on Monday. Oil prices fell sharply after the report.",
                  "Atlas Morning News", "", None)
ARTICLES = {a.id: a for a in (LEDGER, WIRE, DAILY, MARKETS)}
# one chunk per article, the whole text; chunk id = position
HITS = {i: Hit(i, a.id, 0, len(a.text), a.text, 0.05 - 0.01 * i) for i, a in enumerate(ARTICLES.values())}
CHUNK_OF = {h.article_id: cid for cid, h in HITS.items()}


def cand(article: Article, i: int, score: float) -> Candidate:
    s = split_sentences(article.text)[i]
    cid = CHUNK_OF[article.id]
    return Candidate(article.id, s, cid, cid, score=score, stems=frozenset(stems(s.text)))


def passages(articles: dict[str, Article], hits: dict[int, Hit]) -> Passages:
    return Passages(list(hits.values()), articles)


def run(ranked, confidence=0.9, **settings):
    return compose(Query(Q, Q), Ranking(analyse(Q), ranked, confidence), passages(ARTICLES, HITS),
                   AnswerSettings(**settings))


def marks(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def check_citations(answer) -> None:
    """Every citation is numbered in order, quotes its article exactly and sits in its passage."""
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        a = ARTICLES[c.article_id]
        assert a.text[c.start:c.end] == c.quote
        assert a.text[c.passage_start:c.passage_start + len(c.passage)] == c.passage
        assert c.passage_start <= c.start and c.end <= c.passage_start + len(c.passage)
        assert (c.title, c.source, c.url, c.published, c.path) == (a.title, a.source, a.url, a.published, a.path)


@pytest.mark.parametrize("news", [True, False])
def test_the_same_fact_in_two_articles_is_one_sentence_citing_both(news):
    ranked = [cand(LEDGER, 1, 0.80), cand(WIRE, 1, 0.79), cand(MARKETS, 0, 0.20)]
    ans = run(ranked, news=news)
    assert not ans.abstained and ans.confidence == pytest.approx(0.9)
    check_citations(ans)
    assert {c.article_id for c in ans.citations} == {LEDGER.id, WIRE.id}
    # one quoted sentence, not two: the fact is stated once and both sources are cited with it
    assert ans.text.count("280,000 people have been displaced") == 1
    assert re.search(r"\[1\]\[2\]|\[2\]\[1\]", ans.text)
    assert sorted(set(marks(ans.text))) == [c.n for c in ans.citations]


def test_plain_answer_is_the_verbatim_sentence_then_its_marks():
    ans = run([cand(LEDGER, 1, 0.8), cand(MARKETS, 0, 0.1)], news=False)
    assert ans.text == "About 280,000 people have been displaced by the floods, officials said. [1]"
    assert len(ans.citations) == 1 and ans.citations[0].quote in ans.text
    assert ans.question == Q and ans.query == Q


def test_at_most_max_sentences_each_adding_something():
    ranked = [cand(LEDGER, 1, 0.80), cand(DAILY, 0, 0.78), cand(WIRE, 2, 0.77), cand(MARKETS, 1, 0.76),
              cand(DAILY, 1, 0.75)]
    ans = run(ranked, news=False)
    check_citations(ans)
    sentences = re.findall(r"[^\[\]]+?(?: \[\d+\])+", ans.text)
    assert len(sentences) == 3 and len(ans.citations) == 3
    assert sorted(marks(ans.text)) == [1, 2, 3]
    assert run(ranked, news=False, max_sentences=1).text.count("[") == 1


def test_sentences_scoring_far_below_the_best_are_left_out():
    ranked = [cand(LEDGER, 1, 0.80), cand(DAILY, 0, 0.30), cand(MARKETS, 0, 0.25)]
    ans = run(ranked, news=False)
    assert [c.article_id for c in ans.citations] == [LEDGER.id]
    assert "dams" not in ans.text


def test_different_figures_are_not_cited_as_the_same_fact():
    other = Article("e-other", "Floods", "About 150,000 people have been displaced by the floods, officials said.",
                    "Northwind Post", "", date(2024, 5, 4))
    arts = {**ARTICLES, other.id: other}
    hits = {**HITS, 9: Hit(9, other.id, 0, len(other.text), other.text, 0.001)}
    s = split_sentences(other.text)[0]
    ranked = [cand(LEDGER, 1, 0.80), Candidate(other.id, s, 9, 9, score=0.79, stems=frozenset(stems(s.text)))]
    ans = compose(Query(Q, Q), Ranking(analyse(Q), ranked, 0.9), passages(arts, hits), AnswerSettings(news=False))
    assert "[1][2]" not in ans.text  # two figures are never one agreed fact
    assert "280,000" in ans.text and "150,000" in ans.text and len(ans.citations) == 2


# -- abstention ---------------------------------------------------------------------------------------

def test_below_min_confidence_abstains_with_related_reading():
    ranked = [cand(MARKETS, 0, 0.30), cand(MARKETS, 1, 0.29), cand(DAILY, 0, 0.2), cand(LEDGER, 0, 0.1),
              cand(WIRE, 0, 0.05)]
    ans = run(ranked, confidence=0.1, min_confidence=0.3)
    assert ans.abstained and ans.confidence == pytest.approx(0.1)
    assert "don't" in ans.text and marks(ans.text) == []  # nothing in the text claims support
    check_citations(ans)
    # the closest passages, one per article, best first, `related` of them
    assert [c.article_id for c in ans.citations] == [MARKETS.id, DAILY.id, LEDGER.id]
    assert [c.article_id for c in run(ranked, confidence=0.1, related=2).citations] == [MARKETS.id, DAILY.id]


def test_the_threshold_is_configurable():
    ranked = [cand(LEDGER, 1, 0.8)]
    assert not run(ranked, confidence=0.4, min_confidence=0.3).abstained
    assert run(ranked, confidence=0.4, min_confidence=0.5).abstained
    assert not run(ranked, confidence=0.0, min_confidence=0.0).abstained
    assert run(ranked, confidence=0.99, min_confidence=1.0).abstained


def test_without_a_confidence_the_best_score_decides():
    ranked = [cand(LEDGER, 1, 0.2)]
    ans = compose(Query(Q, Q), Ranking(analyse(Q), ranked), passages(ARTICLES, HITS), AnswerSettings(min_confidence=0.3))
    assert ans.abstained and ans.confidence == pytest.approx(0.2)
    ans = compose(Query(Q, Q), Ranking(analyse(Q), ranked), passages(ARTICLES, HITS), AnswerSettings(min_confidence=0.1))
    assert not ans.abstained


def test_nothing_retrieved_is_an_abstention_without_citations():
    ans = run([], confidence=0.9)
    assert ans.abstained and ans.citations == [] and ans.confidence == 0.0 and "don't" in ans.text


# -- settings -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,bad", [
    ("max_sentences", 0), ("max_sentences", 11), ("max_sentences", 2.0), ("max_sentences", "3"),
    ("min_confidence", -0.1), ("min_confidence", 1.5), ("min_confidence", "0.3"), ("min_confidence", True),
    ("follow_ratio", 2), ("duplicate_jaccard", -1), ("duplicate_cosine", 1.01), ("conflict_ratio", "x"),
    ("asked_conflict_ratio", 1.2), ("embed_top", 0), ("embed_top", 1.5), ("read_top", 0), ("related", 0), ("related", -3),
    ("ranker", "llm"), ("ranker", None),
])
def test_bad_settings_are_config_errors_naming_the_field(field, bad):
    with pytest.raises(ConfigError, match=field):
        AnswerSettings(**{field: bad})


def test_good_settings_at_the_edges_are_accepted():
    AnswerSettings(max_sentences=1, min_confidence=0, follow_ratio=1.0, related=1, embed_top=1)
    AnswerSettings(max_sentences=10, min_confidence=1.0)


def test_each_ranker_has_its_own_default_threshold_and_a_given_one_wins():
    assert AnswerSettings(ranker="reader").threshold == RANKER_THRESHOLDS["reader"]
    assert AnswerSettings(ranker="rules").threshold == RANKER_THRESHOLDS["rules"]
    assert AnswerSettings(ranker="rules", min_confidence=0.9).threshold == 0.9



def test_the_short_answer_is_numbered_with_the_citation_of_its_sentence():
    lead = cand(LEDGER, 1, 0.8)
    at = LEDGER.text.index("280,000")
    short = ShortAnswer("280,000", LEDGER.id, at, at + len("280,000"), probability=0.9)
    ans = compose(Query(Q, Q), Ranking(analyse(Q), [cand(WIRE, 1, 0.85), lead], 0.9, short=short),
                  passages(ARTICLES, HITS), AnswerSettings(news=False))
    assert ans.short_answer.citation == next(c.n for c in ans.citations if c.article_id == LEDGER.id)
    assert LEDGER.text[ans.short_answer.start:ans.short_answer.end] == "280,000"
    assert Answer.from_dict(ans.to_dict()).short_answer == ans.short_answer
    abstained = compose(Query(Q, Q), Ranking(analyse(Q), [lead], 0.1, short=short), passages(ARTICLES, HITS),
                        AnswerSettings())
    assert abstained.abstained and abstained.short_answer is None


def test_an_unsure_short_answer_is_not_marked():
    lead = cand(LEDGER, 1, 0.8)
    at = LEDGER.text.index("280,000")
    for p, shown in ((0.19, False), (0.2, True)):
        short = ShortAnswer("280,000", LEDGER.id, at, at + len("280,000"), probability=p)
        ans = compose(Query(Q, Q), Ranking(analyse(Q), [lead], 0.9, short=short), passages(ARTICLES, HITS),
                      AnswerSettings(news=False, short_min_probability=0.2))
        assert not ans.abstained and (ans.short_answer is not None) == shown


def mark(question: str, article: Article, sentence: int, marked: str) -> ShortAnswer | None:
    """The short answer shown when the reader marks `marked` in `article`'s sentence."""
    at = article.text.index(marked)
    short = ShortAnswer(marked, article.id, at, at + len(marked), probability=0.9)
    hits = {0: Hit(0, article.id, 0, len(article.text), article.text, 0.05)}
    s = split_sentences(article.text)[sentence]
    ranked = [Candidate(article.id, s, 0, 0, score=0.9, stems=frozenset(stems(s.text)))]
    return compose(Query(question, question), Ranking(analyse(question), ranked, 0.9, short=short),
                   Passages(list(hits.values()), {article.id: article}), AnswerSettings(news=False)).short_answer


LAUNCH = Article("f-launch", "Rocket Lifts Off", "The rocket lifted off at dawn on 16 November 2022 from the coast.",
                 "Meridian Wire", "", date(2022, 11, 16))


def test_a_mark_for_when_is_the_whole_date_it_is_part_of_or_holds():
    short = mark("When did the rocket launch?", LAUNCH, 0, "2022")
    assert short.text == "16 November 2022"
    assert LAUNCH.text[short.start:short.end] == "16 November 2022"
    assert mark("What number closes the sentence?", LAUNCH, 0, "2022").text == "2022"  # no date asked
    assert mark("When did the rocket launch?", LAUNCH, 0, "lifted off at dawn on 16 November 2022").text == \
        "16 November 2022"  # the words around the date answer no "when"


def test_a_topic_typed_alone_gets_no_mark():
    assert mark("rocket launch", LAUNCH, 0, "16 November 2022") is None
    assert mark("rocket launch?", LAUNCH, 0, "16 November 2022") is not None


FINAL = Article("e-final", "Harbour Cup Final",
                "Coral Bay won the Harbour Cup on Sunday. Mara Quist scored twice in extra time. "
                "She became the first player to score in three finals since Ida Holm in 1998.\n\n"
                "He said little afterwards. They celebrated late.",
                "Harbor Ledger", "https://example.org/final", date(2031, 3, 2))


def ask_final(question: str, i: int, others=(), short: ShortAnswer | None = None):
    articles = {FINAL.id: FINAL}
    hits = {0: Hit(0, FINAL.id, 0, len(FINAL.text), FINAL.text, 0.05)}
    pick = [Candidate(FINAL.id, split_sentences(FINAL.text)[j], 0, 0, score=0.9 - 0.01 * k)
            for k, j in enumerate((i, *others))]
    return compose(Query(question, question), Ranking(analyse(question), pick, 0.9, short=short),
                   Passages(list(hits.values()), articles), AnswerSettings(), lambda a: split_sentences(a.text))


def test_a_quoted_sentence_opening_with_a_pronoun_brings_the_sentence_before_it():
    ans = ask_final("Who scored in three finals?", 2)
    assert ans.text.startswith("Mara Quist scored twice in extra time. She became the first player")
    (c,) = ans.citations
    assert c.quote == "Mara Quist scored twice in extra time. She became the first player to score in three " \
                      "finals since Ida Holm in 1998." and FINAL.text[c.start:c.end] == c.quote
    # not across a paragraph break, and not twice when the sentence before is quoted already
    assert ask_final("Who said little?", 3).citations[0].quote == "He said little afterwards."
    both = ask_final("Who scored in three finals?", 1, others=(2,))
    assert [c.quote for c in both.citations][:1] == ["Mara Quist scored twice in extra time."]
    assert all(not c.quote.startswith("Mara") or c.quote.endswith("time.") for c in both.citations)


def test_a_who_question_answered_by_a_pronoun_sentence_marks_no_name_in_it():
    at = FINAL.text.index("Ida Holm")
    short = ShortAnswer("Ida Holm", FINAL.id, at, at + len("Ida Holm"), probability=0.9)
    assert ask_final("Who scored in three finals?", 2, short=short).short_answer is None  # the answer is "she"
    at = FINAL.text.index("1998")
    year = ShortAnswer("1998", FINAL.id, at, at + 4, probability=0.9)
    assert ask_final("In which year did Ida Holm last score in three finals?", 2, short=year).short_answer.text == "1998"


def test_it_opening_a_sentence_brings_the_sentence_before_unless_it_points_at_nothing():
    text = ("The Larkspur telescope left its pad on Friday. It cost about $9 billion to build. "
            "Crowds watched from the beach. It was the first launch from the island.")
    scope = Article("f-scope", "Larkspur Launch", text, "Harbor Ledger", "", date(2031, 3, 2))
    sents = split_sentences(text)

    def quote(i: int) -> str:
        c = Candidate(scope.id, sents[i], 0, 0, score=0.9)
        return compose(Query("Q?", "Q?"), Ranking(analyse("Q?"), [c], 0.9),
                       Passages([Hit(0, scope.id, 0, len(text), text, 0.05)], {scope.id: scope}),
                       AnswerSettings(), lambda a: split_sentences(a.text)).citations[0].quote

    assert quote(1) == "The Larkspur telescope left its pad on Friday. It cost about $9 billion to build."
    assert quote(3) == "It was the first launch from the island."  # "It was the first ...": nothing before is meant
