"""A question that asks for the news and names nothing to look for: only a time ("What happened in
March 2021?", "Any news from last week?", or "What happened?" with `since`/`until` given), or not
even that ("Any news?", "What's the latest?", "What's new?", "What are the headlines?", "What
are the main stories?", "What's trending?"). Once a
time phrase is read as date filters (`timeref`), nothing is left to look for, so no sentence
answers it better than another and the reading path could only abstain. The answer is a briefing
instead: the opening sentence of each of the newest stories (of that time, where one is named),
one per headline, each cited with its outlet and date. Without a time, the question must say it
asks for news (`NEWS_WORDS`): "What did they say?" names nothing either, and is not a request for
the news.

A request for the latest on a subject named by its name alone ("What's the latest on Homs?", "Any
news on the Ever Given?", "Anything new on Homs?") is briefed the same way from what retrieval
found: the openings of the newest retrieved stories whose headline or opening names the subject
(`about`); so is a topic typed alone, as into a news search box ("Ever Given", "earthquake",
"news about the eclipse"), and a request for a summary of anything ("Summarize the Artemis
launch", "Give me an overview of the bridge collapse"). So is "What happened to / with X?" of
a name ("What happened with Baltimore?": the news of it is what happened; the reading path led
with who owns the Ever Given, or the launch of a mission that later landed). In a question, any
other word ("the latest on the bridge collapse", "What happened to the rate of flow?") sends
it down the reading path. Where no retrieved story names the subject up front ("What happened to
him?" of a chief executive named deep in a story), the reading path answers; a summary asked for
is then given from the stories with one sentence naming it all, quoted there. A summary of a
thing asked of a subject ("Tell me about the owner of the Ever Given") is the question it stands
for (`summary_subject`, read as a search-box query by `Assistant.ask`).

Limits: a story's opening is its first sentence of at least `MIN_WORDS` words (a dateline or a
one-word line is passed over); stories are told apart by headline only, so two outlets' reports of
one event under different headlines both appear.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from index import Article
from index.text.words import LEADING_ARTICLE, REPORT_NOUNS, TERM, stems, words

from assistant.news.attribution import capitalised, label
from assistant.reading.question import Question, analyse, is_question
from assistant.records import Answer, Citation, Passages, Query

STORIES = 3  # stories a briefing quotes (an answer's usual most sentences)
SCANNED = 30  # newest articles looked at, enough for three headlines among wire copies
MIN_WORDS = 6
NOTE = "The question names only a time: the opening sentence of the newest stories of that time."
NOTE_NEWEST = "The question asks for the news: the opening sentence of the newest stories."
NOTE_ABOUT = "The question asks for the latest on a name: the opening sentence of the newest stories naming it."
# the words of a question that asks for the news itself (all of them stopwords: they name nothing)
NEWS_WORDS = frozenset("happened happening latest newest update updates".split()) | REPORT_NOUNS
# words that rank the news rather than name what to look for, beside a news word ("the main
# stories", "top stories"); "trending" asks for the news alone ("What's trending?")
TRENDING = "trending"
HEADLINE_WORDS = frozenset(f"main top big biggest major important key {TRENDING}".split())
LATEST_WORDS = NEWS_WORDS - {"happened", "happening"}  # "What happened to the rate of flow?" asks for an event
# "What happened with Baltimore?", "What happened to the Ever Given?": of a name, the news of it
_HAPPENED = re.compile(r"^\s*what(?:'s|’s| is| has)? happen(?:ed|ing) (?:to|with|in|at) ", re.I)
# "What's new?", "Anything new on Homs?": a word to look for elsewhere ("the new law"), but the
# question's only one (beside a subject's name) asks for the news
NEW = "new"
# "Summarize the Artemis launch", "Give me a quick summary of the Suez story", "Recap the collapse",
# "Tell me about the earthquake", "What do you know about the Ever Given?", "Catch me up on it"
_SUMMARY = re.compile(r"^\s*(?:please\s+)?(?:(?:can|could|would) you\s+)?(?:summari[sz]e|sum up|recap|"
                      r"(?:give|tell) me (?:a |an |the )?(?:quick |short |brief )?(?:summary|overview|recap|rundown|"
                      r"background) (?:of|on)|(?:what is|what's) the (?:summary|gist|background) of|"
                      r"tell me (?:more )?about|what do (?:you|we) know about|(?:fill|catch) me up on|"
                      r"fill me in on|brief me on)\b", re.I)
# the words asking for a summary, and the nouns it is asked of that name no story ("the situation in Homs")
SUMMARY_WORDS = frozenset("""summary summarize summarise overview recap rundown gist quick short brief background
    fill catch situation developments events""".split())
NOTE_SUMMARY = "The question asks for a summary: the opening sentence of the newest stories about it."


def asks_for_news(query: Query) -> bool:
    """The question, its time phrase taken out, names nothing to look for and asks for no kind of
    answer ("What happened?", not "Who won?"), and either dates or outlets are set ("What did
    Harbor Ledger say?") or it speaks of the news."""
    q = analyse(query.text)
    ws = words(query.text)
    news = any(w in NEWS_WORDS for w in ws) or TRENDING in ws
    # "What are the main stories?", "Top stories", "What's trending?": the news, however ranked
    terms = tuple(t for t in q.terms if t not in HEADLINE_WORDS) if news else q.terms
    if q.kind != "other" or terms not in ((), (NEW,)):
        return False
    f = query.filters
    return bool(terms) or bool(f.since or f.until or f.sources) or news


def asks_for_news_about(query: Query, q: Question) -> bool:
    """A news word ("latest", "news", "updates") and nothing else to look for but capitalised
    names: "What's the latest on Homs?", not "... on the bridge collapse?". `q` is `query.text`
    as read (`analyse`; the ranking holds it, so it is not read again)."""
    names = {w.lower() for w in TERM.findall(query.text) if w[:1].isupper()}
    subject = _subject(q)
    if asks_for_summary(query.text) or not is_question(query.text):
        return bool(subject)  # a summary, or a topic typed alone: "Ever Given", "earthquake"
    return (q.kind == "other" and bool(subject) and all(t in names for t in subject)
            and (_says_new(q.text) or any(w in LATEST_WORDS for w in words(query.text))
                 or _HAPPENED.match(query.text) is not None))


def asks_for_summary(text: str) -> bool:
    """"Summarize the Artemis launch", "Give me a summary of the Suez story": the stories about
    it are briefed, whatever words (not only names) say what it is."""
    return _SUMMARY.match(text) is not None


def summary_subject(text: str) -> str | None:
    """What a summary is asked of, as written ("Harbor Ledger" of "Tell me about Harbor Ledger"),
    or None where `text` asks for no summary."""
    m = _SUMMARY.match(text)
    return LEADING_ARTICLE.sub("", text[m.end():].strip(" ?.!"), count=1) if m else None


def asks_for_latest(text: str) -> bool:
    """`text` speaks of the latest ("Any updates on that?", "What's new?"), naming anything or not."""
    return any(w in LATEST_WORDS for w in words(text)) or _says_new(text)


def _says_new(text: str) -> bool:
    return re.search(rf"\b{NEW}\b", text) is not None  # lower case: "New Harbour" is a name


def _subject(q: Question) -> list[str]:
    """What the latest is asked on: the question's terms, less "new" where it asks what is new
    and the words asking for a summary ("summary", "overview")."""
    terms = [t for t in q.terms if t not in SUMMARY_WORDS] if asks_for_summary(q.text) else list(q.terms)
    return [t for t in terms if t != NEW] if _says_new(q.text) else terms


def subject_stems(q: Question) -> frozenset[str]:
    """The stems of what the latest or a summary is asked on (`q` as read)."""
    subject = set(_subject(q))
    return frozenset(s for t, s in zip(q.terms, q.term_stems) if t in subject)


def about(q: Question, passages: Passages, sentences_of, anywhere: bool = False) -> list[Article]:
    """The retrieved stories whose headline or opening sentence (`anywhere`: any one sentence)
    names every word of the subject (the terms of the question as read, `q`), newest first
    (undated last; retrieval order among equals)."""
    want = subject_stems(q)
    seen, out = set(), []
    for h in passages.hits:
        a = passages.articles[h.article_id]
        if a.id in seen:
            continue
        seen.add(a.id)
        title = stems(a.title)
        sents = [opening(sentences_of(a))] if not anywhere else list(sentences_of(a))
        if want <= title or any(s is not None and want <= title | stems(s.text) for s in sents):
            out.append(a)
    return sorted(out, key=lambda a: (a.published is None, -a.published.toordinal() if a.published else 0))


def opening(sentences: Sequence, min_words: int = MIN_WORDS, naming: Callable[[str], bool] | None = None):
    """The story's first sentence of at least `min_words` words (of those `naming` accepts, where
    given: the first whole sentence naming a subject), or None."""
    return next((s for s in sentences if len(words(s.text)) >= min_words and (naming is None or naming(s.text))),
                None)


def brief(query: Query, newest: Sequence[Article], sentences_of, stories: int = STORIES,
          note: str | None = None, about_stems: frozenset[str] = frozenset()) -> Answer | None:
    """The briefing from `newest` (the filters' articles, newest first; `sentences_of(article)`
    splits one); None when none of them has an opening sentence. Its notes: the query's (how its
    time was read), then `note`, what was briefed (default: a time's or the newest stories).
    Briefed on a subject (`about_stems`), a story whose opening does not name it (a digest whose
    headline does: "5 things to know: Brittney Griner, …", opening "If your day doesn't start
    until …") is quoted at its first whole sentence that does."""
    picked, headlines = [], set()
    for a in newest:
        key = " ".join(a.title.lower().split())
        if key and key in headlines:
            continue  # a wire copy or a re-run under the same headline
        sents = list(sentences_of(a))
        s = opening(sents)
        if s is not None and about_stems and not about_stems <= stems(s.text):
            s = opening(sents, naming=lambda text: about_stems <= stems(text)) or s
        if s is None:
            continue
        headlines.add(key)
        picked.append((a, s))
        if len(picked) >= stories:
            break
    if not picked:
        return None
    cites = [Citation.of_sentence(i, a, s.start, s.end, s.text) for i, (a, s) in enumerate(picked, 1)]
    text = " ".join(f"{capitalised(label(a))}: {s.text} [{i}]" for i, (a, s) in enumerate(picked, 1))
    # nothing was guessed: each sentence is the opening of a story the filters select
    dated = query.filters.since or query.filters.until
    return Answer(query.question, text, citations=cites, confidence=1.0, query=query.text,
                  notes=[*query.notes, note or (NOTE if dated else NOTE_NEWEST)])
