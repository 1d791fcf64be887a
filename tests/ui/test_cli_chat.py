"""`assistant chat` end to end in a subprocess over the sample index: questions piped on stdin
(one per line), follow-ups, /sources, /reset, /help, typed errors, EOF; and on a pseudo
terminal, Ctrl-C at the prompt and Ctrl-D."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def env_for(home) -> dict:
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"), HF_HUB_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false")
    env.pop("ASSISTANT_INDEX", None)
    return env


def chat(index_dir, home, lines: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui.cli", "chat", "--index", str(index_dir)],
                          input="".join(line + "\n" for line in lines), capture_output=True, text=True,
                          cwd=ROOT, env=env_for(home), timeout=600)


def test_piped_dialogue_with_followups_sources_reset_and_errors(sample_index_dir, tmp_path):
    run = chat(sample_index_dir, tmp_path, [
        "Which container ship blocked the Suez Canal in March 2021?",
        "Who owns it?",
        "/sources",
        "",
        "/bogus",
        "/reset",
        "Who owns it?",
        "/help",
    ])  # no /quit: the end of input (EOF) ends the chat
    out, err = run.stdout, run.stderr
    assert run.returncode == 0, err
    assert "Traceback" not in out + err
    turns = out.split("you> ")
    assert turns[0].startswith("News assistant:")  # the banner, before the first prompt
    first, owner, sources, empty, bogus, reset, after_reset, helptext = turns[1:]
    assert "Ever Given" in first and "Sources:" in first
    # the follow-up is answered, and the chat shows how it was read
    assert "Shoei Kisen Kaisha" in owner and "(searched: Who owns Ever Given?)" in owner
    assert "[1]" in owner and "Harbor Ledger" in owner and "2021-03-29" in owner
    # /sources: the last answer's sources in full, quoted sentence and link
    assert "“" in sources and "Shoei Kisen Kaisha" in sources and "https://example.org/harbor-ledger/" in sources
    assert "error: the question is empty" in err and "unknown command /bogus" in err
    assert "New conversation" in reset
    assert "(searched:" not in after_reset  # after /reset nothing is carried over
    assert "/sources" in helptext and "/quit" in helptext
    # piped input: no readline, so no history file is written
    assert not (tmp_path / "data" / "news-assistant" / "chat_history").exists()


def test_quit_stops_reading(sample_index_dir, tmp_path):
    run = chat(sample_index_dir, tmp_path, ["/quit", "Who owns the Ever Given?"])
    assert run.returncode == 0 and "Traceback" not in run.stdout + run.stderr
    assert "Shoei" not in run.stdout and run.stdout.count("you> ") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo terminal")
def test_terminal_ctrl_c_clears_the_line_and_ctrl_d_exits(sample_index_dir, tmp_path):
    import pty
    import select
    import signal

    # the chat on a terminal, so readline and the history file are used. Not pty.fork(): this
    # process may have threads (engines warming in the background), and a forked copy of a
    # threaded process can hang on a lock one of them held; a fresh interpreter makes the
    # terminal its controlling one (Ctrl-C then reaches it) and becomes the chat. It starts with
    # Ctrl-C ignored, as a chat launched from a script's background job inherits: the chat must
    # take Ctrl-C back (without that it froze here on the Ctrl-C).
    fd, slave = pty.openpty()
    become_chat = ("import os, sys, fcntl, termios, signal\n"
                   "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                   "os.setsid()\n"
                   "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
                   "os.execv(sys.executable, [sys.executable, '-m', 'ui.cli', 'chat', '--index', sys.argv[1]])\n")
    proc = subprocess.Popen([sys.executable, "-c", become_chat, str(sample_index_dir)], stdin=slave, stdout=slave,
                            stderr=slave, cwd=ROOT, env=env_for(tmp_path))
    os.close(slave)
    pid = proc.pid
    seen = b""

    def read_until(marker: bytes, timeout: float = 120) -> bytes:
        """Output up to `marker`; never blocks past the deadline (select, not a bare read)."""
        nonlocal seen
        end = time.monotonic() + timeout
        while marker not in seen and time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    break
        assert marker in seen, seen.decode(errors="replace")
        got, seen = seen, seen[seen.index(marker) + len(marker):]
        return got

    def settle(quiet: float = 0.5) -> None:
        """Wait until the chat has been silent for `quiet` s, as a person reads before typing."""
        nonlocal seen
        while select.select([fd], [], [], quiet)[0]:
            seen += _drain(fd)

    status = None
    try:
        read_until(b"you> ")
        settle()
        os.write(fd, b"half a question\x03")  # Ctrl-C: the line is dropped, the chat goes on
        read_until(b"you> ")
        os.write(fd, b"/help\r")
        assert b"/sources" in read_until(b"you> ")
        os.write(fd, b"\x04")  # Ctrl-D at an empty prompt: leave
        end = time.monotonic() + 60
        while status is None and time.monotonic() < end:
            reaped, code = os.waitpid(pid, os.WNOHANG)
            if reaped:
                status = code
            else:
                seen += _drain(fd)
                time.sleep(0.1)
        assert status is not None, "the chat did not leave on Ctrl-D"
    finally:
        if status is None:  # never leave a chat running behind a failed test
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    rest = _drain(fd)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"Traceback" not in seen + rest
    assert (tmp_path / "data" / "news-assistant" / "chat_history").exists()


def _drain(fd: int) -> bytes:
    import select

    out = b""
    while select.select([fd], [], [], 0)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return out
