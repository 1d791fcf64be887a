"""The public API of the `index` package: plain names, loaded lazily."""

from __future__ import annotations

import subprocess
import sys

import index
from tests.conftest import ROOT


def test_ingest_is_the_function_even_after_the_pipeline_was_imported():
    import index.pipeline  # noqa: F401  (binds the submodule onto the package, as Python does)
    from index import delete, ingest, open_index, rebuild

    assert callable(ingest) and ingest.__module__ == "index.pipeline"
    assert [f.__name__ for f in (delete, open_index, rebuild)] == ["delete", "open_index", "rebuild"]
    assert sys.modules["index.pipeline"].ingest is ingest


def test_ingest_is_the_function_on_first_import():
    code = ("import index; from index import ingest; assert callable(ingest), ingest; "
            "from index.pipeline import rebuild; from index import ingest as again; assert again is ingest")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


def test_import_index_stays_cheap():
    code = "import sys, index; assert 'numpy' not in sys.modules and 'index.pipeline' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


def test_an_unknown_name_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        index.nothing_here  # noqa: B018
