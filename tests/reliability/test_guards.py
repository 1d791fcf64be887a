"""Version and model guards, as the CLI shows them: one line naming both sides and the
fix, exit status 1, no traceback. The typed errors themselves (IndexMismatchError with .stored and
.wanted) are tested in tests/index/test_news_index.py."""

from __future__ import annotations

import sqlite3

import pytest

from index import DB_NAME


@pytest.fixture
def index_dir(tmp_path, fake_model):
    from ui.cli import main

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Harbour Reopens\n\nThe harbour reopened on Monday after the storm passed.")
    assert main(["ingest", str(src), "--index", str(tmp_path / "idx"), "-q"]) == 0
    return tmp_path / "idx"


def _set(d, key, value):
    conn = sqlite3.connect(d / DB_NAME)
    conn.execute("UPDATE meta SET value=? WHERE key=?", (value, key))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("command", [["stats"], ["ask", "What reopened?"], ["delete", "0123456789ab"]])
def test_other_format_version(index_dir, capsys, command):
    from ui.cli import main

    capsys.readouterr()
    _set(index_dir, "format_version", "7")
    assert main([*command, "--index", str(index_dir)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "format version 7" in err and "format version 1" in err and "run `assistant ingest`" in err


def test_other_embedding_model(index_dir, capsys, tmp_path):
    from ui.cli import main

    capsys.readouterr()
    more = tmp_path / "more.txt"
    more.write_text("Wheat Harvest\n\nFarmers reported a record wheat harvest across the plains.")
    assert main(["ingest", str(more), "--model", "some-org/other-model", "--index", str(index_dir), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "'fake-embedder'" in err and "'some-org/other-model'" in err
    assert f"assistant ingest --rebuild --model some-org/other-model --index {index_dir}" in err
