"""The default number of passages is written out where a user reads it (`assistant ask --help`,
the HTTP API's schema, the search tool); those texts must say what `RetrievalSettings` does."""

import inspect
import typing

from assistant import RetrievalSettings
from ui import web_tools
from ui.api.records import AskRequest
from ui.cli import build_parser
from ui.web_handlers import Handlers

K = RetrievalSettings().k


def _ask_help() -> str:
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return next(a.help for a in sub.choices["ask"]._actions if "-k" in a.option_strings)


def test_cli_help_states_the_default_k():
    assert f"(default {K};" in _ask_help()


def test_api_schema_states_the_default_k():
    assert f"(default {K})" in typing.get_type_hints(AskRequest, include_extras=True)["k"].__metadata__[0].description


def test_search_defaults_are_the_retrieval_default():
    assert inspect.signature(Handlers.api_search).parameters["k"].default == K
    src = inspect.getsource(web_tools)
    assert f"k: int = {K}," in src and f"how many passages (default {K})" in src
