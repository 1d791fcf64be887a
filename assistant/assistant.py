"""`Assistant`: open an index once, answer questions from it.

One question goes: validate -> understand (follow-ups lean on earlier turns) -> embed the query
-> hybrid retrieval (FAISS + BM25, fused, spread across articles) -> split the retrieved
passages into sentences with offsets -> score them -> compose 1–3 cited sentences, or abstain.
Small talk is answered before all of it, and a few questions by `shortcuts` at their step (a
briefing for a time, outlet or the news alone; the collection's stories; a story's reports
compared; a timeline; the latest on a name; an acronym's long form).
The model is the only heavy part and is loaded once per Assistant; everything else is a few
SQLite queries and small numpy work, so a warm `ask()` costs tens of milliseconds.

With `llm=LLMSettings(...)` (off by default) an LLM also rewrites follow-ups and writes the
answer from the best passages, checked sentence by sentence; the extractive answer stays the
fallback (see `assistant.llm.answer`).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Sequence

from index.errors import ConfigError
from index.text.dates import parse_day

from assistant import compound, second_pass, shortcuts
from assistant.conversation import smalltalk as small_talk
from assistant.conversation.grounding import located
from assistant.conversation.history import HistoryLike
from assistant.conversation.more import NOTE as MORE_NOTE
from assistant.conversation.more import more_of, sources_of
from assistant.errors import EmptyQuestionError, LLMError
from assistant.news.briefing import summary_subject
from assistant.news.outlet_ref import outlets_asked, resolve as resolve_outlet
from assistant.reading.article_cache import ArticleCache
from assistant.reading.compose import AnswerSettings, compose
from assistant.reading.keywords import as_question
from assistant.reading.question import fact_compared
from assistant.reading.ranking import Ranker, Reading
from assistant.reading.rules import RuleRanker
from assistant.records import Answer, Filters, Query
from assistant.retrieve import RetrievalSettings, Retriever

MAX_QUESTION_CHARS = 1000  # the model reads ~256 tokens; longer questions are cut, not refused
History = HistoryLike  # any sequence of (question, Answer) pairs, an `assistant.History` included


def cited_in(history: History | None) -> set[str] | None:
    """Articles the recent answers cited as support (not related reading after an abstention)."""
    ids = {c.article_id for _, a in list(history or [])[-3:] if a is not None and not a.abstained
           for c in a.citations}
    return ids or None


class Assistant:
    def __init__(self, index_dir=None, *, embedder=None, retrieval: RetrievalSettings | None = None,
                 answer: AnswerSettings | None = None, index=None, llm=None):
        """`llm`: an `LLMSettings` to have answers written by an LLM (None: extractive only)."""
        from index import open_index

        self.index = index or open_index(index_dir, embedder=embedder)
        self.retriever = Retriever(self.index, retrieval)
        self.settings = answer or AnswerSettings()
        self.cache = ArticleCache()  # sentences and acronyms of the articles read most recently
        self.ranker = self._ranker()
        self.llm = llm
        self._llm = None
        self._asked = 0  # questions so far: a second one means a process that keeps asking
        if llm is not None:
            from assistant.llm.answer import LLMAnswerer

            self._llm = LLMAnswerer(llm, self.index, self.cache)

    def _ranker(self) -> Ranker:
        s = self.settings
        if s.ranker == "rules":
            return RuleRanker(self.index, self.cache, s.embed_top)
        from assistant.reading.reader import ReaderRanker

        return ReaderRanker(self.index, self.cache, read_top=s.read_top, weight=s.reader_weight,
                            confidence_weight=s.reader_confidence_weight)

    # -- asking -------------------------------------------------------------------------------------
    def ask(self, question: str, history: History | None = None, k: int | None = None,
            sources: Sequence[str] | None = None, since=None, until=None, as_of=None, *,
            on_delta=None, use_llm: bool = True) -> Answer:
        """`as_of` (a date): the reference date for relative time in the question ("last week";
        default: the newest article's date) and articles published later are left out.
        With an LLM configured: `on_delta(text)` receives its answer as it streams (before it is
        checked; the returned Answer is the checked one); `use_llm=False` answers extractively."""
        filters = {"k": k, "sources": sources, "since": since, "until": until, "as_of": as_of,
                   "on_delta": on_delta, "use_llm": use_llm}
        llm = self._llm if use_llm else None
        asked = self._checked(question, k, sources, since, until, as_of)
        question = asked.question
        if (talk := small_talk.kind_of(question)) is not None:  # "hi", "thanks": nothing to search
            return small_talk.answer(question, talk, lambda: self.example_questions(2))
        if history:  # an earlier "thanks" is no turn a follow-up leans on
            history = [t for t in history if not small_talk.is_small_talk(t[0])]
            # turns rebuilt from a reply's text (the OpenAI-compatible API) lack article ids
            history = located(history, self.index, self.cache.sentences)
        if (pair := compound.split(question)) is not None:  # "When did it sink and when was it raised?"
            each = {**filters, "on_delta": None}  # an LLM's two streams would run together: the joined answer only
            first = self.ask(pair[0], history, **each)
            second = self.ask(pair[1], [*(history or []), (pair[0], first)], **each)
            return compound.joined(question, [(pair[0], first), (pair[1], second)])
        self._asked += 1
        if self._asked == 2:
            self.warm(background=True)  # one-off questions (the CLI's ask) never pay for it
        self.index.refresh()

        if (answer := sources_of(question, history)) is not None:
            return answer  # "Who reported that?": the previous answer's outlets and dates
        # "Tell me more": the previous question again, less what its answer quoted
        more = more_of(question, history)
        own = None  # the question read on its own, where earlier turns may change it
        if more is not None:
            text, llm_failed = more.query, None
        else:
            plain = small_talk.without_greeting(question)
            # "artemis launch date" is read as "When was the artemis launch?", "Tell me about the owner
            # of the Ever Given" as "Who owns the Ever Given?", "Do the reports agree on how many
            # ships waited?" as "How many ships waited?" (its answer compares them)
            own = (as_question(plain) or as_question(summary_subject(plain) or "") or fact_compared(plain)
                   or plain)
            text, llm_failed = self._understand(own, history, llm)
        query = self._locate_outlet(self._locate_in_time(Query(question, text, asked.filters)))
        if more is not None:
            query = replace(query, notes=(*query.notes, MORE_NOTE.format(query=more.query)))
        sentences_of = self.cache.sentences
        if (answer := shortcuts.briefing(self.index, query, sentences_of, more)) is not None:
            return answer  # "What happened last week?": the newest stories of that week
        if (answer := shortcuts.listing(self.index, query, sentences_of, more)) is not None:
            return answer  # "Which stories mention NASA?": the articles naming it
        if (answer := shortcuts.comparing(self.index, query, sentences_of, more)) is not None:
            return answer  # "How do the Suez reports differ?": the same facts, figures set side by side
        if (answer := shortcuts.timeline(self, query, more)) is not None:
            return answer  # "Timeline of the Suez blockage": dated statements, oldest first
        reading = self._read(query, k, prefer=cited_in(history))
        if more is not None:
            reading = more.unquoted(reading)
        if (answer := shortcuts.latest_on_a_name(query, reading, sentences_of, more)) is not None:
            return answer  # "What's the latest on Homs?": the newest stories naming it
        answer, query, reading = shortcuts.long_form(self.index, query, reading, sentences_of)
        if answer is not None:
            return answer  # "What does HTS stand for?": the sentence that spells it out
        ranking, passages = reading.ranking, reading.passages
        answer = compose(query, ranking, passages, self.settings, sentences_of)
        answer.notes.extend(query.notes)
        if not passages.hits and query.filters.narrowed:
            answer.notes.append("No article matches the outlet/date filters.")
        if answer.abstained and more is None and \
                (fixed := second_pass.respelt(self.ask, self.index, question, passages, history, filters)):
            return fixed  # "When did the Ever Givn get freed?" asked again with "Given"
        if history and answer.abstained:
            if own is not None and text != own and second_pass.names_a_new_subject(self.index, own, history):
                return second_pass.on_its_own(self.ask, question, answer, filters)  # a new subject in lower case
            return second_pass.lean_on_history(self.ask, question, history, answer, filters)
        if llm is not None and not answer.abstained:
            # an abstention stays one: the LLM is only asked when the passages answer
            return llm.answer(query, answer, ranking, passages, on_delta=on_delta, failed=llm_failed)
        return answer

    def _locate_in_time(self, query: Query) -> Query:
        """A time phrase in the question ("last week", "before the election") becomes the date
        filters when the caller gave none (see `news.timeref`); `as_of` caps `until`."""
        from assistant.news.timeref import apply as apply_time

        f = query.filters
        text, since, until, notes = apply_time(self.index, query.text, f.since, f.until, f.as_of)
        return Query(query.question, text, Filters(f.sources, since, until, f.as_of), tuple(notes))

    def _locate_outlet(self, query: Query) -> Query:
        """An outlet the question names as its source ("What did Northwind Post say ...?") becomes
        the outlet filter when the caller gave none (see `news.outlet_ref`)."""
        if query.filters.sources:
            return query
        outlets = self.index.outlets()
        if outlets_asked(query.text, outlets) is not None:
            return query  # "How do Meridian Wire and Harbor Ledger differ on ...?": both, compared
        ref = resolve_outlet(query.text, outlets)
        if ref is None:
            return query
        return Query(query.question, ref.text, replace(query.filters, sources=(ref.outlet,)), (*query.notes, ref.note))

    def _understand(self, question: str, history: History | None, llm) -> tuple[str, LLMError | None]:
        """(query, error): the LLM rewrites a question asked after earlier turns when configured;
        the LLM-free `understand` when it is not, fails (the error is kept so the answer step does
        not wait on a dead server again) or gives no usable question."""
        if history and llm is not None and llm.settings.rewrite_followups:
            try:
                got = llm.rewrite(question, history)
            except LLMError as e:
                return self.understand(question, history), e
            if got:
                return " ".join(got.split())[:MAX_QUESTION_CHARS], None
        return self.understand(question, history), None

    def understand(self, question: str, history: History | None) -> str:
        """The text to search for. A follow-up leans on earlier turns (see `followup`)."""
        if not history:
            return question
        try:
            from assistant.conversation.followup import rewrite
        except ImportError:
            return question
        return rewrite(question, history)

    def timeline(self, subject: str, k: int = 20, sources: Sequence[str] | None = None, since=None,
                 until=None) -> list:
        """Dated, cited statements about `subject`, oldest first (list of `timeline.TimelineEntry`)."""
        from assistant.news.timeline import build

        if not isinstance(k, int) or k < 1:
            raise ConfigError(f"k must be a positive integer, got {k!r}")
        return build(self, subject, k=k, sources=[s for s in (sources or []) if s] or None,
                     since=parse_day(since, "since"), until=parse_day(until, "until"))

    # -- what the UI needs --------------------------------------------------------------------------
    def chat(self):
        """A `Conversation` over this Assistant: follow-ups are read against its earlier turns,
        which it keeps in an `assistant.History`."""
        from assistant.conversation.chat import Conversation

        return Conversation(self)

    def stats(self):
        return self.index.stats()

    def outlets(self) -> list[str]:
        return sorted(o for o in self.index.outlets() if o)

    def example_questions(self, n: int = 4) -> list[str]:
        from assistant.news.examples import example_questions

        return example_questions(self.index, n)

    def ingest(self, paths, progress=None, **kw):
        from index import ingest

        report = ingest(paths, index=self.index, progress=progress, **kw)
        self.index.refresh()
        return report

    def refresh(self) -> bool:
        return self.index.refresh()

    def warm(self, background: bool = False) -> None:
        """Load what a process answering many questions wants: the trained reader's torch engine
        (about 4x faster per question than its numpy engine) and, where the CPU does bf16, the
        torch engine for the ~16 candidate sentences each question embeds (40-60 ms less per
        question than the numpy encoder at 100k-1M chunks; ~1 s and ~0.45 GB to load, see
        docs/BENCHMARKS.md). A one-off question (the CLI's `ask`) is quicker without them, so
        nothing loads unless asked. `background=True` loads on a daemon thread; questions asked
        meanwhile use the numpy engines, and a failure there leaves them on numpy. `ask` calls it
        in the background at a process's second question; $ASSISTANT_QUERY_ENCODER=numpy keeps
        every question's embedding on numpy."""
        embedder = self.index.embedder
        load = getattr(embedder, "load_torch", None)
        jobs = [self.ranker.warm]
        if (load is not None and getattr(embedder, "precision", None) == "bf16"
                and getattr(embedder, "query_encoder", "auto") != "numpy"):
            jobs.append(load)  # not for a stand-in embedder, fp32 (torch no faster) or numpy asked for
        if not background:
            for job in jobs:
                job()
            return

        def quietly():
            for job in jobs:
                try:
                    job()
                except Exception:  # noqa: BLE001 - questions keep the numpy engines
                    pass

        threading.Thread(target=quietly, name="news-warm", daemon=True).start()

    def close(self) -> None:
        self.index.close()

    # -- browsing and plain search (the HTTP API and MCP tools) ---------------------------------------
    def articles(self, sources: Sequence[str] | None = None, since=None, until=None, limit: int = 50,
                 offset: int = 0) -> tuple[int, list]:
        """(how many articles pass the filters, `limit` of them from `offset`): newest first,
        undated last. `limit` 1-1000; ConfigError for a bad date, limit or offset."""
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
            raise ConfigError(f"limit must be an integer from 1 to 1000, got {limit!r}")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ConfigError(f"offset must be a non-negative integer, got {offset!r}")
        f = _filters(sources, since, until)
        return self.index.list_articles(sources=f.sources, since=f.since, until=f.until, limit=limit, offset=offset)

    def search(self, text: str, k: int | None = None, sources: Sequence[str] | None = None, since=None,
               until=None, as_of=None):
        """The passages retrieval finds for `text` (`Passages`: hits best first, with their
        articles), read like a question (relative time, filters) but not answered."""
        asked = self._checked(text, k, sources, since, until, as_of)
        self.index.refresh()
        query = self._locate_in_time(asked)
        return self.retriever.retrieve(query, self.index.embed_query(query.text), k=k)

    def read(self, text: str, k: int | None = None, sources: Sequence[str] | None = None, since=None,
             until=None, as_of=None) -> Reading:
        """What `ask` composes its answer from, for `text` asked on its own (no conversation, no
        LLM): the query as searched (a time phrase read as date filters), the passages and the
        ranker's reading of their sentences. For training and diagnostics: their rows then see
        exactly what the product reads."""
        asked = self._checked(text, k, sources, since, until, as_of)
        self.index.refresh()
        return self._read(self._locate_in_time(asked), k)

    def _read(self, query: Query, k: int | None, prefer: set[str] | None = None) -> Reading:
        """Embed, retrieve and rank `query` (already located in time): the one path `ask` and
        `read` share, so what `read` returns is what `ask` composes from."""
        qvec = self.index.embed_query(query.text)
        passages = self.retriever.retrieve(query, qvec, k=k)
        return Reading(query, passages, self.ranker.rank(query, qvec, passages, prefer=prefer))

    @staticmethod
    def _checked(text, k, sources, since, until, as_of) -> Query:
        """The question and its filters as given, checked (EmptyQuestionError, ConfigError) and
        normalised; time phrases not yet read (`_locate_in_time`)."""
        if not isinstance(text, str) or not text.strip():
            raise EmptyQuestionError()
        if not any(ch.isalnum() for ch in text):
            raise EmptyQuestionError("has no words")  # "???": nothing to search for, nothing to cite
        text = " ".join(text.split())[:MAX_QUESTION_CHARS]
        if k is not None and (not isinstance(k, int) or isinstance(k, bool) or k < 1):
            raise ConfigError(f"k must be a positive integer, got {k!r}")
        return Query(text, text, _filters(sources, since, until, as_of))


def _filters(sources, since, until, as_of=None) -> Filters:
    """The outlet and date filters as given, checked (ConfigError for a bad or reversed date) and
    normalised (empty outlet names dropped, no outlets at all as None)."""
    since, until = parse_day(since, "since"), parse_day(until, "until")
    if since and until and since > until:
        raise ConfigError(f"since ({since}) is after until ({until})")
    return Filters(tuple(s for s in (sources or []) if s) or None, since, until, parse_day(as_of, "as_of"))


_SHARED: dict[str, Assistant] = {}
_SHARED_LOCK = threading.Lock()


def ask(question: str, index_dir=None, **kwargs) -> Answer:
    """Module-level convenience: one opened Assistant per index directory, reused across calls
    (and warmed in the background on first use, since reuse means more questions are coming)."""
    from index import resolve_location

    loc = resolve_location(index_dir)
    key = loc.key  # a directory however it was written, or a milvus:// URI
    with _SHARED_LOCK:
        a = _SHARED.get(key)
        if a is None:
            a = _SHARED[key] = Assistant(loc.uri if loc.is_milvus else key)
            a.warm(background=True)
    return a.ask(question, **kwargs)
