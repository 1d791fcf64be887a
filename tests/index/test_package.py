"""The public API of the `index` package: `index.ingest` is the function, however it is imported."""

from __future__ import annotations

import subprocess
import sys

import index
from tests.conftest import ROOT


def test_ingest_is_the_function_even_after_its_module_was_imported():
    import index.ingest  # noqa: F401  (binds the submodule onto the package, as Python does)
    from index import delete, ingest, open_index, rebuild

    assert callable(ingest) and ingest.__module__ == "index.ingest"
    assert index.ingest is ingest
    assert [f.__name__ for f in (delete, open_index, rebuild)] == ["delete", "open_index", "rebuild"]
    assert sys.modules["index.ingest"].ingest is ingest  # the module is still reachable


def test_ingest_is_the_function_on_first_import():
    code = ("import index; from index import ingest; assert callable(ingest), ingest; "
            "from index.ingest import rebuild; from index import ingest as again; assert again is ingest")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


def test_import_index_stays_cheap():
    code = "import sys, index; assert 'numpy' not in sys.modules and 'index.ingest' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


def test_a_test_double_can_replace_ingest(monkeypatch):
    monkeypatch.setattr(index, "ingest", lambda *a, **k: "double")
    assert index.ingest() == "double"
