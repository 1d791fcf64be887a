"""Limits: the ingest's per-file size limit, through the CLI (`--max-file-mb`). Upload
limits (size, type by content, upload area) are tested in tests/ui/test_web_upload.py and, on a
live server, in tests/reliability/test_network.py."""

from __future__ import annotations

from index.loading.walk import DEFAULT_MAX_FILE_BYTES


def test_cli_max_file_mb_skips_larger_files_with_a_reason(tmp_path, fake_model, capsys):
    from ui.cli import main

    src = tmp_path / "src"
    src.mkdir()
    (src / "small.txt").write_text("Harbour Reopens\n\nThe harbour reopened on Monday after the storm.")
    (src / "big.txt").write_text("Big Report Today\n\n" + "The council met again on Monday. " * 4000)  # ~130 KB
    assert main(["ingest", str(src), "--index", str(tmp_path / "idx"), "--max-file-mb", "0.1", "-q"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("added 1, unchanged 0, skipped 1")
    assert "big.txt: file too large (" in out and "limit 104,857 bytes)" in out


def test_default_limits():
    import argparse

    from ui.cli_index import add_ingest
    from ui.cli_serve import add_serve

    sub = argparse.ArgumentParser().add_subparsers()
    add_ingest(sub)
    add_serve(sub)
    ingest_args = sub.choices["ingest"].parse_args(["x"])
    serve_args = sub.choices["serve"].parse_args([])
    assert ingest_args.max_file_mb * 1024 * 1024 == DEFAULT_MAX_FILE_BYTES == 20 * 1024 * 1024
    assert serve_args.max_upload_mb == 20 and serve_args.host == "127.0.0.1"
