"""Compose an answer from scored sentences: the best 1–3 that each add something, every one
cited, near-identical sentences from other articles cited together, or an honest abstention.
A quoted sentence that opens with a pronoun brings the sentence before it (`with_antecedents`).

Abstention: `confidence` (see `assistant.reading.confidence`) is a number in [0, 1]. Below `AnswerSettings.min_confidence` the assistant says the articles don't answer and
offers the closest passages as related reading. Each ranker's default threshold is the highest
that keeps RealTimeQA dev false abstention at about 5 % (a setting chosen on the dev sets; the
confidence itself is fitted on the training weeks, see docs/QUALITY.md); it can be changed per
Assistant.

News wording (`AnswerSettings.news`): disagreements between articles are found among
the sentences scoring at least `conflict_ratio` of the best (see `conflicts`); sentences on
opposite sides are never grouped as one fact, and `news.render` names who said what and when.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from index import Article, ConfigError

from assistant.news.conflicts import find_disagreements, naming, subject_of
from assistant.news.attribution import Part, is_changing, render
from assistant.reading.question import (asks_for_a_clause, asks_whether_reports_agree, asks_yes_or_no, fits_kind,
                                       fits_unit, is_question, name_stems, restates_question)
from assistant.reading.ranking import Ranking
from assistant.reading.scoring import Candidate
from assistant.reading.sentences import Sentence
from assistant.news.copies import copies_of
from assistant.records import ABSTAIN_TEXT, Answer, Citation, Hit, Passages, Query, ShortAnswer
from assistant.reading.values import dates, salient_values

SAME_ARTICLE_RATIO = 0.8


@dataclass(frozen=True)
class AnswerSettings:
    ranker: str = "reader"  # "reader": the trained reader re-reads the rules' best sentences; "rules": rules + cosine
    max_sentences: int = 3
    min_confidence: float | None = None  # abstain below this; None: the ranker's own (see RANKER_THRESHOLDS)
    follow_ratio: float = 0.75  # a further sentence must score at least this share of the best (docs/QUALITY.md)
    duplicate_jaccard: float = 0.6  # content-word overlap at which two sentences state the same fact
    duplicate_cosine: float = 0.90
    embed_top: int = 16  # rules: sentences embedded per question (bounds the model's work)
    read_top: int = 16  # reader: sentences read per question (bounds the model's work)
    reader_weight: float = 0.3  # reader: its probability's share of a sentence's score (the rules' the rest)
    reader_confidence_weight: float = 0.3  # reader: its share of the answer's confidence
    short_min_probability: float = 0.2  # reader: a short answer less likely than this is not marked
    related: int = 3  # passages offered as related reading when abstaining
    news: bool = True  # attribution, agreement and disagreement wording (see `news`); False: plain quotes
    conflict_ratio: float = 0.65  # sentences compared for disagreement score at least this share of the best
    asked_conflict_ratio: float = 0.5  # the same where the question asks whether reports agree

    def __post_init__(self):
        if self.ranker not in RANKER_THRESHOLDS:
            raise ConfigError(f"ranker must be one of {', '.join(RANKER_THRESHOLDS)}, got {self.ranker!r}")
        if not isinstance(self.max_sentences, int) or not 1 <= self.max_sentences <= 10:
            raise ConfigError(f"max_sentences must be an integer from 1 to 10, got {self.max_sentences!r}")
        for name in ("min_confidence", "follow_ratio", "duplicate_jaccard", "duplicate_cosine", "conflict_ratio",
                     "asked_conflict_ratio", "reader_weight", "reader_confidence_weight", "short_min_probability"):
            v = getattr(self, name)
            if name == "min_confidence" and v is None:
                continue
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0.0 <= v <= 1.0:
                raise ConfigError(f"{name} must be a number from 0 to 1, got {v!r}")
        for name in ("embed_top", "read_top", "related"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ConfigError(f"{name} must be a positive integer, got {v!r}")

    @property
    def threshold(self) -> float:
        """The confidence below which the answer is an abstention."""
        return RANKER_THRESHOLDS[self.ranker] if self.min_confidence is None else float(self.min_confidence)


# each ranker's confidence has its own scale: the reader's is a calibrated probability, the rules'
# a logistic model over surface evidence; thresholds chosen on the dev sets (docs/QUALITY.md)
RANKER_THRESHOLDS = {"reader": 0.42, "rules": 0.50}


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class _Citations:
    """Numbers citations in order of first use; one number per (article, sentence)."""

    def __init__(self, articles: dict[str, Article], hits: dict[int, Hit]):
        self.articles, self.hits = articles, hits
        self.items: list[Citation] = []
        self._index: dict[tuple[str, int], int] = {}

    def cite(self, c: Candidate) -> int:
        key = (c.article_id, c.sentence.start)
        if key in self._index:
            return self._index[key]
        a = self.articles[c.article_id]
        h = self.hits[c.chunk_id]
        p_start, p_end = min(h.start, c.sentence.start), max(h.end, c.sentence.end)
        n = len(self.items) + 1
        self.items.append(Citation(
            n=n, article_id=a.id, title=a.title, source=a.source, url=a.url, published=a.published,
            path=a.path, quote=c.sentence.text, passage=a.text[p_start:p_end], start=c.sentence.start,
            end=c.sentence.end, score=round(float(c.score), 4), passage_start=p_start,
            copies=copies_of(h, self.articles)))  # wire copies
        self._index[key] = n
        return n


def _days(text: str) -> set[tuple[int, int]]:
    """(month, day) of the full dates a sentence gives: '26 March 2024' and 'March 26' match."""
    return {(d.month, d.day) for d in dates(text) if d.day}


def _same_fact(a: Candidate, b: Candidate, vecs: dict, s: AnswerSettings) -> bool:
    """Near-identical wording, near-identical meaning, or the same figure or day about the same
    topic — but never two sentences whose figures all differ ("21,000 dead" vs "50,000 dead")."""
    fa, fb = salient_values(a.sentence.text), salient_values(b.sentence.text)
    if fa and fb and not fa & fb:
        return False  # citing these together would claim an agreement that isn't there
    overlap = jaccard(a.stems, b.stems)
    if overlap >= s.duplicate_jaccard:
        return True
    if overlap >= 0.15 and (fa & fb or _days(a.sentence.text) & _days(b.sentence.text)):
        return True
    va, vb = vecs.get((a.article_id, a.sentence.start)), vecs.get((b.article_id, b.sentence.start))
    return va is not None and vb is not None and float(va @ vb) >= s.duplicate_cosine


def compose(query: Query, ranking: Ranking, passages: Passages, settings: AnswerSettings,
            sentences_of: Callable[[Article], Sequence[Sentence]] | None = None) -> Answer:
    """The answer to `query` from `ranking` (best first) of the sentences of `passages`;
    `sentences_of(article)` (its sentences, as the ranker split them) lets a quoted sentence that
    opens with a pronoun bring the sentence before it (`with_antecedents`)."""
    question, ranked, articles, vecs = query.question, ranking.ranked, passages.articles, ranking.vectors
    hits = passages.by_chunk()
    cites = _Citations(articles, hits)
    if not ranked:
        return Answer(question, ABSTAIN_TEXT + " Nothing in the indexed articles matches the question.",
                      abstained=True, confidence=0.0, query=query.text)
    best = ranked[0]
    confidence = float(best.score) if ranking.confidence is None else float(ranking.confidence)
    if confidence < settings.threshold:
        seen: set[str] = set()
        for c in ranked:
            if c.article_id not in seen:
                seen.add(c.article_id)
                cites.cite(c)
            if len(seen) >= settings.related:
                break
        return Answer(question, ABSTAIN_TEXT + " The closest passages are listed as related reading.",
                      citations=cites.items, abstained=True, confidence=confidence, query=query.text)

    q = ranking.analysis
    # "Do the outlets agree on the death toll?": the other side of a disagreement is what is asked,
    # though the reader scores a sentence that answers "do they agree" low
    ratio = settings.asked_conflict_ratio if asks_whether_reports_agree(question) else settings.conflict_ratio
    floor = ratio * float(best.score)
    relevant = [c for c in ranked if c.score >= floor]
    found = find_disagreements(q, relevant, articles, subject_of(question), list(ranked)) if settings.news else []
    disagreement = found[0] if found else None
    # sentences on opposite sides of a disagreement are never "the same fact", however alike
    sides = {(c.article_id, c.sentence.start): i for d in found for i, g in enumerate(d.groups) for cl in g
             for c in [cl.cand]}

    def same(a: Candidate, b: Candidate) -> bool:
        sa, sb = sides.get((a.article_id, a.sentence.start)), sides.get((b.article_id, b.sentence.start))
        return (sa is None or sb is None or sa == sb) and _same_fact(a, b, vecs, settings)

    chosen: list[Candidate] = [best]
    for c in ranked[1:]:
        if len(chosen) >= settings.max_sentences or c.score < settings.follow_ratio * best.score:
            break
        # another sentence of an article already quoted must be nearly as good as the best;
        # one from a new article brings a second source, so a lower bar holds
        if any(x.article_id == c.article_id for x in chosen) and c.score < SAME_ARTICLE_RATIO * best.score:
            continue
        if not any(same(c, x) for x in chosen):
            chosen.append(c)
    if sentences_of is not None:
        chosen = with_antecedents(chosen, articles, sentences_of)
    parts = []
    for c in chosen:
        # the same fact in other articles: cite them all, so agreement is visible
        others = [o for o in ranked if o is not c and o.article_id != c.article_id and o not in chosen and same(c, o)]
        others = [o for o in others if o.article_id not in hits[c.chunk_id].group]  # wire copies: one report
        parts.append(Part(c, list({o.article_id + str(o.sentence.start): o for o in others}.values())))
    if not settings.news:
        text = " ".join(p.lead.sentence.text + " " + "".join(f"[{n}]" for n in dict.fromkeys(
            cites.cite(x) for x in p.candidates())) for p in parts)
        return Answer(question, text, citations=cites.items, abstained=False, confidence=confidence, query=query.text,
                      short_answer=_short_answer(ranking, cites, settings, articles))
    changing = is_changing(question, q.kind) or is_changing(query.text, q.kind)
    # for a figure that moves, the newest report leads, but only a report of what was asked about:
    # the articles naming the question's names, or, where it names none, the best sentence's
    on_subject = None
    if changing:
        on_subject = frozenset(c.article_id for c in naming(q, [p.lead for p in parts], articles)) \
            if name_stems(q) else frozenset({best.article_id})
    text, conflicts = render(parts, disagreement, articles, cites.cite, changing=changing,
                             max_sentences=settings.max_sentences, same_fact=same, ranked=ranked,
                             on_subject=on_subject, named=bool(name_stems(q)))
    return Answer(question, text, citations=cites.items, abstained=False, confidence=confidence, query=query.text,
                  conflicts=conflicts, short_answer=_short_answer(ranking, cites, settings, articles))


# a sentence opening with one of these leans on the one before for who is meant ("He became the
# first player to score a hat-trick ..."): quoted alone it does not say who
_PRONOUN_OPENING = re.compile(r"^(?:He|She|They|His|Her|Their|Him|Them)\b")
# "It cost about $10 billion" leans on the sentence before as well; "It was the first time ..."
# (nothing before it is meant) does not
_IT_OPENING = re.compile(r"^It\b(?!\s+(?:is|was|has been|will be|would be|seems|seemed|appears|appeared)\b)")


def with_antecedents(chosen: list[Candidate], articles: dict[str, Article],
                     sentences_of: Callable[[Article], Sequence[Sentence]]) -> list[Candidate]:
    """Each of `chosen` that opens with a personal pronoun, quoted together with the sentence
    before it in its article, as one quote (offsets from that sentence's start), so the answer
    says who; unchanged where there is no sentence before it in the same paragraph, or that
    sentence is quoted already."""
    taken = {(c.article_id, c.sentence.start) for c in chosen}
    out = []
    for c in chosen:
        if _PRONOUN_OPENING.match(c.sentence.text) or _IT_OPENING.match(c.sentence.text):
            article = articles[c.article_id]
            sents = list(sentences_of(article))
            i = next((j for j, x in enumerate(sents) if x.start == c.sentence.start), 0)
            prev = sents[i - 1] if i > 0 else None
            if prev is not None and (c.article_id, prev.start) not in taken \
                    and "\n" not in article.text[prev.end:c.sentence.start]:
                whole = article.text[prev.start:c.sentence.end]
                c = replace(c, sentence=Sentence(prev.start, c.sentence.end, whole))
        out.append(c)
    return out


def _short_answer(ranking: Ranking, cites: _Citations, settings: AnswerSettings,
                  articles: dict[str, Article]) -> ShortAnswer | None:
    """The ranker's short answer, numbered with the citation of the sentence that holds it (the
    best sentence always leads the answer, so it is cited); none where the ranker is unsure of
    the span or the span is not a figure or date that the question asks for (it is shown in bold:
    a wrong mark reads as the answer)."""
    s = ranking.short
    if s is None or s.probability < settings.short_min_probability:
        return None
    if not fits_kind(ranking.analysis.kind, s.text):
        return None  # a name marked for "when", a noun for "how many": the sentence states no such answer
    if asks_for_a_clause(ranking.analysis.text):
        return None  # "Why were the SUVs recalled?", "What did X say?": a clause, not a phrase to mark
    if not is_question(ranking.analysis.text):
        return None  # "chandrayaan landing": a topic asks for no one thing to mark
    if asks_yes_or_no(ranking.analysis.text):
        return None  # "Is Homs under rebel control?" marked "Hama": the sentence answers yes or no
    after = articles[s.article_id].text[s.end:s.end + 16] if s.article_id in articles else ""
    if not fits_unit(ranking.analysis.text, s.text, after):
        return None  # "How long is the canal?" - "29 March 2021": a date, not a length
    if restates_question(ranking.analysis, s.text):
        return None  # "The James Webb Space Telescope" for "Which rocket launched the James Webb telescope?"
    if ranking.analysis.kind == "person" and ranking.ranked and _PRONOUN_OPENING.match(ranking.ranked[0].sentence.text):
        return None  # "Who scored ...?" - "He became the first player to score ...": the answer is "he"
    if ranking.analysis.kind == "date" and s.article_id in articles:
        s = _whole_date(s, articles[s.article_id].text)
    n = next((c.n for c in cites.items if c.article_id == s.article_id and c.start <= s.start and s.end <= c.end), 0)
    return replace(s, citation=n) if n else None


def _whole_date(s: ShortAnswer, text: str) -> ShortAnswer:
    """The mark made the whole date it is part of, or holds: "16 November 2022" where the reader
    marked "2022" (a year alone answers "when" less well than the day the sentence gives) or
    "container ship Ever Given on 29 March 2021" (words around a date answer no "when")."""
    lo = max(0, s.start - 24)
    for d in dates(text[lo:s.end + 24]):
        start, end = lo + d.start, lo + d.end
        inside = s.start <= start and end <= s.end
        if (start <= s.start and s.end <= end or inside) and (start, end) != (s.start, s.end):
            return replace(s, text=text[start:end], start=start, end=end)
    return s
