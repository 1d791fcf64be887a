"""`ui.cli`: every command registers, and a command whose module cannot be loaded stops the CLI
with one line naming the command and the import error (exit status 1, no traceback), instead of
the command silently disappearing from `assistant --help`."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ui.cli as cli
from tests.conftest import ROOT


def test_every_command_is_offered():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(cli.COMMANDS)


def test_a_missing_command_module_is_an_error_naming_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ui.cli_eval", None)  # `import ui.cli_eval` now fails
    assert cli.main(["stats"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("assistant: error: the 'eval' command cannot be loaded (ui.cli_eval:add_eval): ")
    assert "ModuleNotFoundError" in err and "ui.cli_eval" in err


def test_a_missing_register_function_is_an_error(monkeypatch, capsys):
    monkeypatch.setitem(cli.COMMANDS, "ask", "ui.cli_ask:no_such_function")
    assert cli.main(["--help"]) == 1
    err = capsys.readouterr().err
    assert "the 'ask' command cannot be loaded" in err and "AttributeError" in err and "no_such_function" in err


def test_any_failure_while_importing_is_reported_the_same_way(monkeypatch, tmp_path, capsys):
    (tmp_path / "broken_command.py").write_text("raise RuntimeError('half-installed dependency')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(cli.COMMANDS, "broken", "broken_command:add")
    with pytest.raises(cli.CommandLoadError) as e:
        cli.build_parser()
    assert e.value.command == "broken" and isinstance(e.value.error, RuntimeError)
    assert cli.main(["stats"]) == 1
    assert "the 'broken' command cannot be loaded" in capsys.readouterr().err


def test_exit_status_in_a_real_process():
    code = ("import sys; sys.modules['ui.cli_chat'] = None\n"
            "from ui.cli import main; sys.exit(main(['stats']))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "the 'chat' command cannot be loaded" in r.stderr
