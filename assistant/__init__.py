"""Answers from news articles: `ask()` returns a short answer made of the articles' own
sentences, every claim cited, or says so when the articles don't know.

    from assistant import Assistant, ask, Answer, Citation
    answer = Assistant(index_dir=None).ask("How many people have been displaced?")

Conversations: `Assistant.chat()` gives a `Conversation`; its turns are a `History` of `Turn`s,
the one history type every chat uses (a list of (question, Answer) pairs works too).
Evaluation: `load_eval_file`, `evaluate` (and `warm_up` before timing), see `assistant.eval`.

Imports are lazy: `import assistant` loads neither torch nor FAISS.
"""

from __future__ import annotations

from .records import ABSTAIN_TEXT, Answer, Citation, Conflict, ConflictValue, Copy, Hit, ShortAnswer

_LAZY = {
    "Assistant": ".assistant", "ask": ".assistant", "AnswerSettings": ".reading.compose",
    "RetrievalSettings": ".retrieve",
    "AssistantError": ".errors", "EmptyQuestionError": ".errors", "IndexNotFoundError": ".errors",
    "EvalFileError": ".errors", "LLMError": ".errors",
    "Conversation": ".conversation.chat", "History": ".conversation.history", "Turn": ".conversation.history",
    "LLMSettings": ".llm.settings", "resolve_llm": ".llm.settings",
    "evaluate": ".eval.run", "load_eval_file": ".eval.run", "warm_up": ".eval.run", "EvalReport": ".eval.run",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")


__all__ = ["ABSTAIN_TEXT", "Assistant", "ask", "Answer", "Citation", "Conflict", "ConflictValue", "ShortAnswer", "Copy", "Hit", "AnswerSettings",
           "RetrievalSettings", "AssistantError", "EmptyQuestionError", "IndexNotFoundError", "EvalFileError",
           "LLMError", "Conversation", "History", "Turn", "LLMSettings", "resolve_llm", "evaluate",
           "load_eval_file", "warm_up", "EvalReport"]
