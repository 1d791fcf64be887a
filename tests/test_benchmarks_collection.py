"""`python -m benchmarks.collection` refuses a missing index with the command that builds one
(the benchmark itself runs on the 100k-chunk index, outside the test suite)."""

from __future__ import annotations

import pytest


def test_a_missing_index_is_a_clear_error(tmp_path, capsys):
    from benchmarks.collection import main

    with pytest.raises(SystemExit) as e:
        main(["--index", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert e.value.code == 2 and str(tmp_path / "none") in err and "perf-latency --sizes 100000" in err
