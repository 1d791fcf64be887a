"""Unit tests of index.chunking: exact offsets, token budget, order and overlap.

Tokens are counted as whitespace-separated words (the fake embedder's count_tokens), so every
expected chunk below can be checked by hand.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from index.chunking import Chunker
from index.errors import ConfigError


def words(text: str) -> int:
    return len(text.split())


def split(text: str, chunk_tokens: int, overlap: int = 0) -> list:
    return Chunker(words, chunk_tokens=chunk_tokens, overlap=overlap).split(text)


def check_invariants(text: str, spans, chunk_tokens: int) -> None:
    """What every split must satisfy, whatever the text."""
    assert [s.order for s in spans] == list(range(len(spans)))
    for s in spans:
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert words(s.text) <= chunk_tokens
    assert all(a.start < b.start and a.end < b.end for a, b in zip(spans, spans[1:]))
    covered = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    assert [i for i, ch in enumerate(text) if not ch.isspace() and i not in covered] == []


def test_words_are_cut_into_chunks_of_the_budget():
    text = "one two three four five six seven eight nine ten"
    assert [(s.start, s.end, s.text) for s in split(text, 4)] == [
        (0, 18, "one two three four"), (19, 39, "five six seven eight"), (40, 48, "nine ten")]


def test_overlap_repeats_the_last_words_of_the_previous_chunk():
    text = "one two three four five six seven eight nine ten"
    spans = split(text, 4, overlap=1)
    assert [s.text for s in spans] == ["one two three four", "four five six seven", "seven eight nine ten"]
    assert [s.start for s in spans] == [0, 14, 28]


def test_overlap_never_exceeds_its_budget_and_zero_overlap_never_overlaps():
    text = " ".join(f"w{i}." if i % 7 == 6 else f"w{i}" for i in range(300))
    for overlap in (0, 3, 9):
        spans = split(text, 20, overlap)
        check_invariants(text, spans, 20)
        for a, b in zip(spans, spans[1:]):
            shared = words(text[b.start:a.end]) if b.start < a.end else 0
            assert shared <= overlap
            if overlap == 0:
                assert b.start >= a.end
    assert any(b.start < a.end for a, b in zip(spans, spans[1:]))  # overlap 9 does overlap


def test_paragraphs_are_kept_whole_when_they_fit():
    text = "First para has five words.\n\nSecond one has four.\n\nThird."
    assert [s.text for s in split(text, 10)] == [text]
    assert [(s.start, s.text) for s in split(text, 6)] == [
        (0, "First para has five words."), (28, "Second one has four.\n\nThird.")]


def test_whitespace_only_text_gives_no_chunks():
    assert split("   \n\n \t ", 8) == []


PARAGRAPHS = "\n\n".join(
    f"Paragraph {i} opens here. It has a second sentence; then a clause: and an end!" for i in range(12))
GIANT_PARAGRAPH = " ".join(f"Sentence number {i} runs on for a while before it stops." for i in range(80))
NO_PUNCTUATION = " ".join(f"word{i}" for i in range(500))
UNICODE = "\n\n".join([
    "Türkiye–Syria: the death toll passed 50,000 — officials said. 🚨 Ünïcödé naïve café.",
    "東京 では 地震 が あった 。 Αθήνα και Κωνσταντινούπολη είναι πόλεις.",
    "Hunga Tonga–Hunga Haʻapai erupted; the shock wave circled the globe twice.",
] * 5)
REPEATED = "\n\n".join(["The same paragraph appears again and again."] * 9)
LINES = "\n".join(f"line {i} of a list without sentence ends" for i in range(60))


@pytest.mark.parametrize("text", [PARAGRAPHS, GIANT_PARAGRAPH, NO_PUNCTUATION, UNICODE, REPEATED, LINES],
                         ids=["paragraphs", "giant-paragraph", "no-punctuation", "unicode", "repeated", "lines"])
@pytest.mark.parametrize("chunk_tokens,overlap", [(16, 0), (16, 4), (40, 10), (200, 30)])
def test_offsets_budget_order_and_coverage(text, chunk_tokens, overlap):
    spans = split(text, chunk_tokens, overlap)
    assert spans
    check_invariants(text, spans, chunk_tokens)


def test_repeated_paragraphs_get_their_own_offsets():
    para = "Same words here."  # 3 tokens, 16 characters, then "\n\n"
    text = "\n\n".join([para] * 4)
    # two paragraphs per chunk: a plain text.find() from the previous start would say 18, not 36
    assert [(s.start, s.end) for s in split(text, 6)] == [(0, 34), (36, 70)]
    assert [s.start for s in split(text, 3)] == [0, 18, 36, 54]


def test_repeated_paragraph_after_an_intro_is_not_found_inside_the_previous_chunk():
    text = "Intro words first.\n\n" + "\n\n".join(["Repeat me now."] * 4)
    assert [(s.start, s.end) for s in split(text, 6)] == [(0, 34), (36, 66), (68, 82)]


def test_run_of_identical_words_with_overlap():
    text = "w " * 20
    spans = split(text, 4, overlap=2)  # 4 words per chunk, 2 words shared: starts every 2 words
    assert [s.start for s in spans] == [0, 4, 8, 12, 16, 20, 24, 28, 32]
    check_invariants(text, spans, 4)


def _unique_words(text: str) -> str:
    """The same text with every word replaced by a distinct word of one token."""
    counter = iter(range(10**9))
    return re.sub(r"[a-z]+", lambda m: f"u{next(counter)}x", text)


def _word_ranges(text: str, spans) -> list[tuple[int, int]]:
    return [(words(text[:s.start]), words(text[:s.end])) for s in spans]


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(st.lists(st.sampled_from(["a", "b", "a.", "b!", "c;"]), min_size=1, max_size=8),
                        min_size=1, max_size=4),
    picks=st.lists(st.integers(0, 3), min_size=1, max_size=8),
    joiner=st.sampled_from(["\n\n", "\n", " "]),
    chunk_tokens=st.integers(2, 10),
    data=st.data(),
)
def test_repetitive_text_is_cut_where_the_same_text_with_unique_words_is(paragraphs, picks, joiner,
                                                                         chunk_tokens, data):
    """Cuts depend only on token counts and separators, so a text full of repeats must be cut at
    the same word positions as its twin whose words are all different (where find() is exact)."""
    overlap = data.draw(st.integers(0, chunk_tokens - 1))
    text = joiner.join(" ".join(paragraphs[i % len(paragraphs)]) for i in picks)
    assume(len(text.split()) > 1)  # one word alone is cut into characters, which the twin lacks
    twin = _unique_words(text)
    spans = split(text, chunk_tokens, overlap)
    check_invariants(text, spans, chunk_tokens)
    assert _word_ranges(text, spans) == _word_ranges(twin, split(twin, chunk_tokens, overlap))


@pytest.mark.parametrize("kwargs,field", [({"chunk_tokens": 0}, "chunk_tokens"),
                                          ({"chunk_tokens": 10, "overlap": 10}, "chunk_overlap"),
                                          ({"chunk_tokens": 10, "overlap": -1}, "chunk_overlap")])
def test_bad_sizes_raise_config_error_naming_the_field(kwargs, field):
    with pytest.raises(ConfigError, match=field):
        Chunker(words, **kwargs)


def test_search_fallback_places_repeats_when_the_splitter_gives_plain_strings(monkeypatch):
    """Should langchain stop calling the hooks that record offsets, chunks are searched for."""
    import index.chunking as chunking
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    monkeypatch.setattr(chunking, "_offset_splitter", lambda **kw: RecursiveCharacterTextSplitter(**kw))
    text = "Intro words first.\n\n" + "\n\n".join(["Repeat me now."] * 4)
    assert [(s.start, s.end) for s in split(text, 6)] == [(0, 34), (36, 66), (68, 82)]
    assert [s.start for s in split("w " * 20, 4, overlap=2)] == [0, 4, 8, 12, 16, 20, 24, 28, 32]
    check_invariants(REPEATED, split(REPEATED, 16, 4), 16)
