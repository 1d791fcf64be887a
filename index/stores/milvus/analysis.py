"""The words Milvus's BM25 sees, made here so both stores rank by the same terms.

The default store's FTS5 index reads text with `porter unicode61 remove_diacritics 2`: words
are runs of letters and digits, lower-cased, diacritics removed, Porter-stemmed. Milvus Lite's
analyzer only splits and lower-cases, and a server's analyzers differ by version, so the text
given to Milvus's BM25 function (`news_chunks.lexical`) is already analysed here the FTS5 way:
stems joined by spaces, which the "standard" analyzer then splits as they are. Questions go
through the same `query_text`, and document frequencies (`news_terms`) count the same stems.

`ANALYSIS` is recorded in the index: a store analysed another way is refused on open rather
than searched with mismatched terms. Limits: Porter is English; the FTS5 title weight (0.5 of
the chunk text's) is not reproduced - the headline is simply part of each chunk's words.
"""

from __future__ import annotations

import functools
import re

from index.store import fts_terms
from index.stores.milvus.schema import TEXT_MAX
from index.text.words import strip_diacritics

ANALYSIS = "porter-unicode61-1"
_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # the scale extra; checked when a Milvus index is opened

    return snowballstemmer.stemmer("porter")


def available() -> bool:
    try:
        _stemmer()
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def tokens(text: str) -> list[str]:
    """The analysed words of `text`, in order, repeats kept."""
    return [stem(w) for w in _WORD.findall(strip_diacritics(text.lower()))]


def lexical_text(title: str, text: str) -> str:
    """What BM25 indexes for a chunk: the headline's and the chunk's stems (cut to fit a VARCHAR)."""
    out = " ".join(tokens(f"{title}\n{text}" if title else text))
    raw = out.encode("utf-8")
    return out if len(raw) <= TEXT_MAX else raw[:TEXT_MAX].decode("utf-8", "ignore").rsplit(" ", 1)[0]


def query_text(text: str) -> str:
    """A question as BM25 searches it: the content words the default store would OR together
    (`fts_terms`: no search stopwords, at most 32), analysed; "" when none is left."""
    seen: list[str] = []
    for term in fts_terms(text):
        for t in tokens(term):
            if t not in seen:
                seen.append(t)
    return " ".join(seen)


def chunk_terms(title: str, text: str) -> set[str]:
    """The distinct analysed terms of a chunk as indexed (counted once per chunk, like FTS5's
    document frequency)."""
    return set(tokens(f"{title}\n{text}" if title else text))
