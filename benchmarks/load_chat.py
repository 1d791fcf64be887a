"""Load test of the served chat: N concurrent gradio_client clients asking through `/ask` for S seconds.

    python -m benchmarks.load_chat [--clients 20] [--seconds 60] [--url http://127.0.0.1:PORT/]
                                   [--index DIR] [--auth USER:PASSWORD] [--json FILE]

Without --url it starts `python -m ui.cli serve` itself on a free 127.0.0.1 port (over --index, by
default a fresh temporary index seeded from examples/articles with the real model) and stops it
at the end. Only loopback addresses are accepted: this is a load generator, not a scanner.

Each client is its own `gradio_client.Client` (its own HTTP connection pool), asks the questions
below in turn, and every second question is a follow-up sent with the previous answer as
`history_json`, as a browser conversation would. Prints requests, errors, throughput and latency
percentiles (p50/p95/p99/max), plus a markdown section for docs/BENCHMARKS.md. Exit status 1 if any
request failed.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "articles"
QUESTIONS = [
    ("Which container ship blocked the Suez Canal in March 2021?", "Who owns it?"),
    ("What was the magnitude of the first earthquake that struck Türkiye on 6 February 2023?",
     "Where was it centred?"),
    ("What hit the Francis Scott Key Bridge in Baltimore?", "When did it happen?"),
    ("Where did Chandrayaan-3 land?", "When?"),
    ("How high did the Hunga Tonga eruption plume reach?", "How far away was it heard?"),
    ("When did the Artemis I rocket launch?", "What did it carry?"),
    ("What happened to the spire of Notre-Dame?", "When was it rebuilt?"),
    ("How many people lost power in the Texas winter storm?", "How long did it last?"),
]


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def run_load(url: str, clients: int = 20, seconds: float = 60.0, auth: tuple[str, str] | None = None,
             questions=QUESTIONS) -> dict:
    """Drive `clients` concurrent clients against `url` for `seconds`; return the figures
    (requests, errors with their first messages, latencies in seconds)."""
    if not is_loopback(url):
        raise ValueError(f"refusing to load-test {url}: only loopback addresses (127.0.0.1, ::1)")
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int, ready: threading.Barrier, stop: threading.Event) -> None:
        try:
            client = Client(url, auth=auth, verbose=False, analytics_enabled=False, download_files=False)
        except Exception as e:  # noqa: BLE001 - counted as an error of this client
            with lock:
                errors.append(f"client {n} could not connect: {type(e).__name__}: {e}")
            ready.wait()
            return
        ready.wait()
        turn = n  # clients start at different questions
        while not stop.is_set():
            first, follow = questions[turn % len(questions)]
            history = ""
            for q in (first, follow):
                t0 = time.perf_counter()
                try:
                    answer = client.predict(question=q, sources=None, since="", until="", history_json=history,
                                            api_name="/ask")
                    if not isinstance(answer, dict) or not answer.get("text"):
                        raise ValueError(f"no answer text in {str(answer)[:200]!r}")
                except Exception as e:  # noqa: BLE001 - counted
                    with lock:
                        errors.append(f"{type(e).__name__}: {str(e)[:200]}")
                    break
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                history = json.dumps([answer])
                if stop.is_set():
                    break
            turn += 1
        try:
            client.close()
        except Exception:  # noqa: BLE001 - older clients have no close()
            pass

    wall = run_clients(client, clients, seconds, "load-chat")
    return summarise(url, clients, wall, latencies, errors)


def run_clients(client, clients: int, seconds: float, name: str) -> float:
    """Start `clients` threads running `client(n, ready, stop)`, release them together once all
    have connected (each waits on `ready`), stop them after `seconds` (they check `stop` between
    requests) and wait for their last request; returns the wall seconds from release to the end."""
    ready = threading.Barrier(clients + 1)
    stop = threading.Event()
    threads = [threading.Thread(target=client, args=(i, ready, stop), name=f"{name}-{i}", daemon=True)
               for i in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    t0 = time.monotonic()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=300)
    return time.monotonic() - t0


def summarise(url: str, clients: int, wall: float, latencies: list[float], errors: list[str]) -> dict:
    """The figures of one load run (latencies in seconds)."""

    def q(p):
        return round(percentile(latencies, p), 3) if latencies else None

    return {"url": url, "clients": clients, "seconds": round(wall, 1), "requests": len(latencies),
            "errors": len(errors), "error_samples": errors[:5],
            "throughput_rps": round(len(latencies) / wall, 2) if wall else 0.0,
            "p50_s": q(50), "p95_s": q(95), "p99_s": q(99), "max_s": round(max(latencies), 3) if latencies else None,
            "mean_s": round(statistics.fmean(latencies), 3) if latencies else None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m ui.cli serve` on 127.0.0.1:<free port>, until stop()."""

    def __init__(self, index_dir: Path, *, samples: Path | None = None, auth: str | None = None,
                 timeout: float = 600.0):
        self.port = free_port()
        cmd = [sys.executable, "-m", "ui.cli", "serve", "--index", str(index_dir), "--host", "127.0.0.1",
               "--port", str(self.port)]
        if samples:
            cmd += ["--samples", str(samples)]
        if auth:
            cmd += ["--auth", auth]
        self.log = tempfile.NamedTemporaryFile("w+", prefix="load-chat-server-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + timeout
        while "is ready at" not in Path(self.log.name).read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not start:\n" + Path(self.log.name).read_text()[-3000:])
            time.sleep(0.5)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # `serve` stops cleanly on Ctrl+C
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def markdown(fig: dict, how: str, seconds: float) -> str:
    cpu = f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}"
    return "\n".join([
        f"### Served chat under load ({date.today().isoformat()})",
        "",
        f"`python -m benchmarks.load_chat --clients {fig['clients']} --seconds {seconds:g}` "
        f"({how}; {cpu}): {fig['clients']} concurrent gradio_client clients asking through `/ask` "
        "(every second question a follow-up with `history_json`).",
        "",
        *figures_table(fig),
    ])


def figures_table(fig: dict) -> list[str]:
    """The markdown rows of one load run's figures (shared with `load_api`)."""
    return ["| clients | seconds | requests | errors | req/s | p50 | p95 | p99 | max |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {fig['clients']} | {fig['seconds']:.0f} | {fig['requests']} | {fig['errors']} | "
            f"{fig['throughput_rps']} | {fig['p50_s']} s | {fig['p95_s']} s | {fig['p99_s']} s | {fig['max_s']} s |"]


def load_parser(prog: str, doc: str) -> argparse.ArgumentParser:
    """The options both load benchmarks take (clients, seconds, url, index, json)."""
    p = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--url", help="a running server (loopback only); default: start one")
    p.add_argument("--index", type=Path, help="index for the server started here (default: a temporary "
                                              "index seeded from examples/articles)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    return p


def load_against(args, load, prefix: str, auth: str | None = None) -> tuple[dict, str]:
    """Run `load(url) -> figures` against `args.url`, or against a server started here over
    `args.index` (default: a temporary index of the sample articles, removed after); returns the
    figures and how the server was run."""
    server = tmp = None
    try:
        if args.url:
            url, how = args.url.rstrip("/") + "/", f"against {args.url}"
        else:
            if args.index:
                index_dir, samples = args.index, None
            else:
                tmp = Path(tempfile.mkdtemp(prefix=prefix))
                index_dir, samples = tmp / "index", SAMPLES
            print(f"starting `assistant serve` over {index_dir} …", file=sys.stderr)
            server = Server(index_dir, samples=samples, auth=auth)
            url, how = server.url, (f"server started by the script: `python -m ui.cli serve --index {index_dir}`, "
                                    "real model" + (", sample articles" if samples else ""))
        print(f"{args.clients} clients for {args.seconds:g} s against {url} …", file=sys.stderr)
        return load(url), how
    finally:
        if server is not None:
            server.stop()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def report(fig: dict, md: str, json_path: Path | None) -> int:
    """Print the figures (JSON, then markdown), write the JSON file if asked; 1 when any request failed."""
    print(json.dumps(fig, indent=2))
    print()
    print(md)
    if json_path:
        json_path.write_text(json.dumps(fig, indent=2) + "\n")
    return 1 if fig["errors"] else 0


def main(argv: list[str] | None = None) -> int:
    p = load_parser("python -m benchmarks.load_chat", __doc__)
    p.add_argument("--auth", metavar="USER:PASSWORD", help="login of the server")
    args = p.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        p.error("--clients and --seconds must be positive")
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    fig, how = load_against(args, lambda url: run_load(url, args.clients, args.seconds, auth=auth), "load-chat-",
                            auth=args.auth)
    return report(fig, markdown(fig, how, args.seconds), args.json)


if __name__ == "__main__":
    sys.exit(main())
