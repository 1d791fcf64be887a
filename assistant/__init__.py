"""Answers from news articles: `ask()` returns a short answer made of the articles' own
sentences, every claim cited, or says so when the articles don't know.

    from assistant import Assistant, ask, Answer, Citation
    answer = Assistant(index_dir=None).ask("How many people have been displaced?")

Imports are lazy: `import assistant` loads neither torch nor FAISS.
"""

from __future__ import annotations

from .records import Answer, Citation, Conflict, Copy, Hit

_LAZY = {
    "Assistant": ".assistant", "ask": ".assistant", "AnswerSettings": ".reading.compose",
    "RetrievalSettings": ".retrieve",
    "AssistantError": ".errors", "EmptyQuestionError": ".errors", "IndexNotFoundError": ".errors",
    "Conversation": ".conversation.chat", "LLMSettings": ".llm.settings", "resolve_llm": ".llm.settings",
    "LLMError": ".errors",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")


__all__ = ["Assistant", "ask", "Answer", "Citation", "Conflict", "Copy", "Hit", "AnswerSettings",
           "RetrievalSettings", "AssistantError", "EmptyQuestionError", "IndexNotFoundError", "Conversation",
           "LLMSettings", "resolve_llm", "LLMError"]
