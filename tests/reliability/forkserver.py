"""A fork server for the crash tests: one process imports the CLI (with the fake embedder) once,
then forks a fresh child per command, so a test can SIGKILL twenty-odd `assistant ingest` runs
without paying ~2 s of imports (numpy, faiss, langchain) for each.

Each child is a separate process that runs `ui.cli.main(argv)` — the product's CLI code path —
in its own process group with its own stdout/stderr files, and ends with `os._exit`: a SIGKILL takes it
down exactly as it would take down `python -m ui.cli ingest`. The server holds no open files of
any index (no SQLite connection, no lock) when it forks.

Protocol, one JSON object per line on stdin -> one on stdout:
    {"run": [argv...], "env": {...}, "out": PATH, "err": PATH}  ->  {"pid": N}
    {"wait": N}                                                  ->  {"rc": exit code or -signal}
"""

from __future__ import annotations

import json
import os
import sys


def _child(argv: list[str], env: dict, out: str, err: str) -> None:
    try:
        os.setsid()
        os.environ.update(env)
        for fd, path in ((1, out), (2, err)):
            f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(f, fd)
            os.close(f)
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        from tests.reliability import fake_cli

        fake_cli.install()  # again: FAKE_BATCH_CHUNKS may differ per command
        from ui.cli import main

        rc = main(argv)
        sys.stdout.flush()
        sys.stderr.flush()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    except BaseException:  # noqa: BLE001 - a traceback on stderr, as the CLI would show it
        import traceback

        traceback.print_exc()
        rc = 99
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(rc if isinstance(rc, int) else 1)


def serve() -> None:
    from tests.reliability import fake_cli

    fake_cli.install()
    import faiss  # noqa: F401
    import langchain_text_splitters  # noqa: F401
    import ui.cli  # noqa: F401
    import ui.cli_index  # noqa: F401
    from index.chunking import Chunker  # noqa: F401

    reply = sys.stdout
    reply.write(json.dumps({"ready": os.getpid()}) + "\n")
    reply.flush()
    for line in sys.stdin:
        msg = json.loads(line)
        if "run" in msg:
            reply.flush()
            pid = os.fork()
            if pid == 0:
                _child(msg["run"], msg.get("env", {}), msg["out"], msg["err"])
            reply.write(json.dumps({"pid": pid}) + "\n")
        elif "wait" in msg:
            _, status = os.waitpid(int(msg["wait"]), 0)
            rc = os.waitstatus_to_exitcode(status)
            reply.write(json.dumps({"rc": rc}) + "\n")
        reply.flush()


if __name__ == "__main__":
    serve()
