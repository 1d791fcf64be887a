"""Network exposure: `assistant serve` binds 127.0.0.1 by default; any other address needs
--auth USER:PASSWORD (or --auth-file) or an explicit --no-auth. Real `serve` processes (fake
embedder, small index), each on a free port, stopped as soon as the check is done.

(Argument handling alone — --auth-file, bad logins, --no-auth — is unit-tested with a recorder in
tests/ui/test_cli_serve.py.)"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_on(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp{,6} writes them) with a LISTEN socket on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.add(addr)
    return found


class Served:
    """`assistant serve ARGS` (fake embedder) on a free port, output to files, until stop()."""

    def __init__(self, index_dir, *args: str, tmp, env: dict | None = None):
        self.port = free_port()
        self.out, self.err = tmp / f"serve-{self.port}.out", tmp / f"serve-{self.port}.err"
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(
                [*fake_cli_argv(), "serve", "--index", str(index_dir), "--port", str(self.port), *args],
                cwd=_root(), env=_env(**(env or {})), stdout=out, stderr=err, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 180
        while not listening_on(self.port) or not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                out, err = self.stop()
                raise AssertionError(f"server did not start: {out}\n{err}")
            time.sleep(0.3)

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url, timeout=2).close()
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def stop(self) -> tuple[str, str]:
        """Ctrl+C, as a person would stop it; the whole process group is killed if that fails."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        return self.out.read_text(errors="replace"), self.err.read_text(errors="replace")


def status(url: str, data: bytes | None = None) -> int:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5"])
def test_public_host_without_auth_exits_before_binding(small_fake_index, host):
    d, _ = small_fake_index
    port = free_port()
    done = subprocess.run([*fake_cli_argv(), "serve", "--host", host, "--port", str(port), "--index", str(d)],
                          capture_output=True, text=True, timeout=60, cwd=_root(), env=_env())
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--auth USER:PASSWORD" in lines[0] and "--no-auth" in lines[0], done.stderr
    assert "Traceback" not in done.stderr and not listening_on(port)


def test_default_binds_loopback_only_and_enforces_upload_limits(small_fake_index, tmp_path):
    """Also the upload limits at the HTTP layer, on the same server: --max-upload-mb is enforced by
    the server itself (413), and a path smuggled to the upload handler through the queue API (as
    the page's own "Add to index" call, with a server-side path instead of an uploaded file) is
    refused and ingests nothing. The checks by extension, content, size and upload area are
    unit-tested in tests/ui/test_web_upload.py."""
    from index import open_index
    from tests.fakes import FakeEmbedder

    d, _ = small_fake_index
    s = Served(d, "--max-upload-mb", "0.05", "--upload-dir", str(tmp_path / "uploads"), tmp=tmp_path)
    try:
        assert listening_on(s.port) == {"0100007F"}, listening_on(s.port)  # 127.0.0.1, nothing else
        assert status(s.url + "config") == 200  # no login needed on loopback
        assert upload(s.url, "big.txt", b"The harbour reopened. " * 4000)[0] == 413  # 88 KB > 0.05 MB
        code, body = upload(s.url, "small.txt", b"Harbour Reopens\n\nThe harbour reopened on Monday.")
        assert code == 200 and "small.txt" in body
        config = json.loads(urllib.request.urlopen(s.url + "config", timeout=10).read())
        fn = next(i for i, dep in enumerate(config["dependencies"]) if dep.get("api_name") == "upload")
        secret = tmp_path / "secret.txt"
        secret.write_text("Private Notes\n\nThese Qwzxyvut notes live on the server and must never be ingested.")
        for path in (str(secret), "/etc/passwd"):
            result = queue_call(s.url, fn, [[{"path": path, "orig_name": "x.txt",
                                              "meta": {"_type": "gradio.FileData"}}]])
            assert result.get("success") is False, result
        idx = open_index(d, embedder=FakeEmbedder())
        try:
            assert not idx.lexical_search("Qwzxyvut", 5) and "Private Notes" not in {a.title for a in idx.articles()}
        finally:
            idx.close()
    finally:
        s.stop()


def upload(url: str, name: str, data: bytes) -> tuple[int, str]:
    boundary = "----reliability" + secrets.token_hex(8)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url + "gradio_api/upload", data=body,
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def queue_call(url: str, fn_index: int, data: list) -> dict:
    """Call event `fn_index` through gradio's queue as the page does; the final message."""
    client = secrets.token_hex(6)
    join = urllib.request.Request(url + "gradio_api/queue/join", headers={"Content-Type": "application/json"},
                                  data=json.dumps({"data": data, "fn_index": fn_index,
                                                   "session_hash": client}).encode())
    urllib.request.urlopen(join, timeout=10).close()
    with urllib.request.urlopen(url + f"gradio_api/queue/data?session_hash={client}", timeout=60) as r:
        for raw in r:
            line = raw.decode().strip()
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    return msg
    raise AssertionError("no process_completed message")


def test_public_host_with_auth_serves_only_logged_in_requests(small_fake_index, tmp_path):
    from gradio_client import Client

    d, arts = small_fake_index
    password = secrets.token_urlsafe(16)
    s = Served(d, "--host", "0.0.0.0", "--auth", f"reader:{password}", tmp=tmp_path)
    try:
        assert "00000000" in listening_on(s.port)  # all interfaces, as asked
        # without a login: the page's config and the API refuse
        assert status(s.url + "config") == 401
        body = json.dumps({"data": ["What happened?", None, "", "", ""]}).encode()
        assert status(s.url + "gradio_api/call/ask", body) == 401
        assert status(s.url + "gradio_api/info") == 401
        with pytest.raises(Exception):
            Client(s.url, verbose=False, download_files=False)
        with pytest.raises(Exception):
            Client(s.url, auth=("reader", "wrong"), verbose=False, download_files=False)
        # with it: answers
        c = Client(s.url, auth=("reader", password), verbose=False, download_files=False)
        answer = c.predict(question=f"What happened in {arts[0].key}?", api_name="/ask")
        assert answer["text"] and answer["citations"]
    finally:
        out, err = s.stop()
    assert "listening on 0.0.0.0" in out and password not in out + err


def fake_cli_argv() -> list[str]:
    import sys

    return [sys.executable, "-m", "tests.reliability.fake_cli"]


def _root():
    from tests.reliability.harness import ROOT

    return ROOT


def _env(**extra):
    from tests.reliability.harness import child_env

    return child_env(FAKE_READY_MARK="", **extra)
