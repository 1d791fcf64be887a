"""Token inputs of the reader, and its span outputs mapped back to characters: `[CLS] question [SEP] sentence [SEP] headline · context [SEP]`.

Each piece is tokenized on its own with the base model's `tokenizer.json` (the Rust `tokenizers`
library; no transformers), cut to its budget, and joined; token types are 0 up to and including
the first [SEP], 1 after (BERT's sentence-pair convention; MiniLM keeps both type embeddings).
The sentence's tokens keep their character offsets into the sentence string, so a span the model
marks maps back to exact characters. Budgets (tokens): question 40 (its head is kept), sentence 64
(its head), headline 12 (its head) and context 24 (its head); the context is the previous
sentence only (given more, only its first 24 tokens are read). Typical news candidates come to
60-70 tokens. Limits: a sentence longer than 64 tokens can't have its answer marked in its tail
(the score still reads the head).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

QUESTION_TOKENS = 40
SENTENCE_TOKENS = 64
HEADLINE_TOKENS = 12
CONTEXT_TOKENS = 24  # the previous sentence
CLS, SEP, DOT = "[CLS]", "[SEP]", "·"
MAX_SPAN_TOKENS = 12  # longer short answers are not marked whole


@dataclass(frozen=True)
class ReadItem:
    """One candidate: does `sentence` answer `question`? `headline` is its article's title and
    `context` the sentence before it (either may be empty)."""

    question: str
    sentence: str
    headline: str = ""
    context: str = ""


@dataclass(frozen=True)
class Encoded:
    ids: list[int]
    types: list[int]
    sent_from: int  # index of the sentence's first token in `ids`
    offsets: list[tuple[int, int]]  # per kept sentence token: (start, end) in the sentence string


@dataclass(frozen=True)
class Budget:
    question: int = QUESTION_TOKENS
    sentence: int = SENTENCE_TOKENS
    headline: int = HEADLINE_TOKENS
    context: int = CONTEXT_TOKENS


def load_tokenizer(folder: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    tok.no_truncation()  # the file asks for 128-token truncation and padding: budgets are ours
    tok.no_padding()
    return tok


class InputBuilder:
    """Items -> `Encoded` token sequences under a `Budget`."""

    def __init__(self, tokenizer, budget: Budget = Budget()):
        self.tok = tokenizer
        self.budget = budget
        self.cls, self.sep, self.dot = (tokenizer.token_to_id(t) for t in (CLS, SEP, DOT))
        if None in (self.cls, self.sep):
            raise ValueError("the tokenizer has no [CLS]/[SEP] tokens: not a BERT vocabulary")

    def _encode_unique(self, texts: list[str]) -> dict[str, object]:
        # questions repeat across a question's candidates: tokenize each distinct text once
        uniq = list(dict.fromkeys(texts))
        encs = self.tok.encode_batch([_encodable(t) for t in uniq], add_special_tokens=False) if uniq else []
        return dict(zip(uniq, encs))

    def encode(self, items: Sequence[ReadItem]) -> list[Encoded]:
        b = self.budget
        enc = self._encode_unique([t for it in items for t in (it.question, it.sentence, it.headline, it.context)])
        out = []
        for it in items:
            q = enc[it.question].ids[: b.question]
            s = enc[it.sentence]
            s_ids, s_off = s.ids[: b.sentence], [tuple(o) for o in s.offsets[: b.sentence]]
            h = enc[it.headline].ids[: b.headline]
            c = enc[it.context].ids[: b.context]
            tail = h + ([self.dot] if h and c and self.dot is not None else []) + c
            ids = [self.cls] + q + [self.sep] + s_ids + [self.sep] + (tail + [self.sep] if tail else [])
            n0 = len(q) + 2
            out.append(Encoded(ids, [0] * n0 + [1] * (len(ids) - n0), n0, s_off))
        return out


def _encodable(text: str) -> str:
    """A lone surrogate (from a broken decode upstream) can't cross into the Rust tokenizer:
    each becomes U+FFFD, one character for one, so offsets into the text still hold."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


# -- from span logits back to characters -----------------------------------------------------
def best_span(start, end, n: int, max_len: int = MAX_SPAN_TOKENS) -> tuple[int, int, float]:
    """(i, j, P) maximising start[i] + end[j] with i <= j < i + max_len over the first n tokens;
    start/end are 1-D float arrays (numpy, or CPU torch tensors) already restricted to the
    sentence's tokens."""
    if n == 0:
        return 0, 0, 0.0
    s, e = np.asarray(start, dtype=np.float64)[:n], np.asarray(end, dtype=np.float64)[:n]
    ps, pe = s - _logsumexp(s), e - _logsumexp(e)
    tot = ps[:, None] + pe[None, :]
    ar = np.arange(n)
    ok = (ar[None, :] >= ar[:, None]) & (ar[None, :] < ar[:, None] + max_len)
    tot = np.where(ok, tot, -np.inf)
    k = int(np.argmax(tot))
    return k // n, k % n, math.exp(float(tot.flat[k]))


def _logsumexp(v: np.ndarray) -> float:
    m = float(v.max())
    return m + math.log(float(np.exp(v - m).sum()))


def snap_to_words(sentence: str, a: int, b: int) -> tuple[int, int]:
    """Widen [a, b) to whole words (a wordpiece never cuts a word) and trim edge punctuation."""
    while a > 0 and sentence[a - 1].isalnum() and sentence[a].isalnum():
        a -= 1
    while b < len(sentence) and sentence[b].isalnum() and sentence[b - 1].isalnum():
        b += 1
    # a closing comma or the sentence's full stop is not part of an answer ("Iraq." -> "Iraq")
    while b > a + 1 and (sentence[b - 1] in ",;:!?" or (b == len(sentence) and sentence[b - 1] == ".")):
        b -= 1
    while a < b and sentence[a] in ",;:!?. ":
        a += 1
    return a, b
