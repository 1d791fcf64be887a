"""What reading needs of an article, computed once and kept for the articles used most
recently: its sentences with offsets, and the acronyms it defines. Shared by the answer path,
the timeline and the LLM path, so an article is split once per process, not once per use."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable

from index import Article

from assistant.reading.acronyms import stem_definitions
from assistant.reading.sentences import Sentence, split_sentences

KEEP = 2048  # articles kept per cache: a few MB of sentences, and every article of a busy chat


class _LRU:
    """`compute(article.text)`, kept for the `KEEP` articles used most recently; thread-safe."""

    def __init__(self, compute: Callable[[str], object]):
        self._compute = compute
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, article: Article):
        with self._lock:
            got = self._items.get(article.id)
            if got is not None:
                self._items.move_to_end(article.id)
                return got
        got = self._compute(article.text)
        with self._lock:
            self._items[article.id] = got
            while len(self._items) > KEEP:
                self._items.popitem(last=False)
        return got


class ArticleCache:
    def __init__(self):
        self._sentences = _LRU(split_sentences)
        self._acronyms = _LRU(stem_definitions)

    def sentences(self, article: Article) -> list[Sentence]:
        return self._sentences.get(article)

    def acronyms(self, article: Article) -> dict[str, frozenset[str]]:
        return self._acronyms.get(article)
