"""Load test of the REST API: N concurrent clients asking through `POST /api/ask` for S seconds.

    python -m benchmarks.load_api [--clients 20] [--seconds 60] [--url http://127.0.0.1:PORT/]
                                  [--index DIR] [--api-key-env VAR] [--openai-every N] [--json FILE]

Without --url it starts `python -m ui.cli serve` itself on a free 127.0.0.1 port (over --index, by
default a fresh temporary index seeded from examples/articles with the real model) and stops it
at the end. Only loopback addresses are accepted: this is a load generator, not a scanner.

Each client has its own HTTP connection (kept alive), asks the questions of `load_chat` in turn,
and sends every second question as a follow-up with the previous answer as `history`, as an API
client holding a conversation would. With --openai-every N, every Nth request goes to
`/v1/chat/completions` instead (the conversation as messages). A request counts as an error when
it fails or its answer has no text. Prints requests, errors, throughput and latency percentiles
(p50/p95/p99/max), plus a markdown section. Exit status 1 if any request failed.
"""

from __future__ import annotations

import os
import platform
import sys
import threading
import time
from datetime import date

from benchmarks.load_chat import QUESTIONS, figures_table, is_loopback, load_against, load_parser, report, run_clients, summarise


def run_load(url: str, clients: int = 20, seconds: float = 60.0, key: str | None = None, openai_every: int = 0,
             questions=QUESTIONS) -> dict:
    """Drive `clients` concurrent REST clients against `url` for `seconds`; return the figures."""
    if not is_loopback(url):
        raise ValueError(f"refusing to load-test {url}: only loopback addresses (127.0.0.1, ::1)")
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}"} if key else {}

    def one(http, n: int, question: str, previous) -> dict:
        if openai_every and n % openai_every == 0:
            msgs = ([{"role": "user", "content": previous[0]}, {"role": "assistant", "content": previous[1]}]
                    if previous else [])
            r = http.post("v1/chat/completions", json={"model": "news-assistant",
                                                       "messages": msgs + [{"role": "user", "content": question}]})
            r.raise_for_status()
            return r.json()["answer"]
        r = http.post("api/ask", json={"question": question, "history": [previous[2]] if previous else None})
        r.raise_for_status()
        return r.json()

    def client(n: int, ready: threading.Barrier, stop: threading.Event) -> None:
        http = httpx.Client(base_url=url, headers=headers, timeout=300)
        ready.wait()
        turn, sent = n, n
        try:
            while not stop.is_set():
                first, follow = questions[turn % len(questions)]
                previous = None
                for q in (first, follow):
                    t0 = time.perf_counter()
                    try:
                        answer = one(http, sent, q, previous)
                        if not answer.get("text"):
                            raise ValueError(f"no answer text in {str(answer)[:200]!r}")
                    except Exception as e:  # noqa: BLE001 - counted
                        code = getattr(getattr(e, "response", None), "status_code", 0)
                        with lock:
                            statuses[code] = statuses.get(code, 0) + 1
                            errors.append(f"{type(e).__name__}: {str(e)[:200]}")
                        break
                    finally:
                        sent += 1
                    with lock:
                        latencies.append(time.perf_counter() - t0)
                        statuses[200] = statuses.get(200, 0) + 1
                    previous = (q, answer["text"], answer)
                    if stop.is_set():
                        break
                turn += 1
        finally:
            http.close()

    wall = run_clients(client, clients, seconds, "load-api")
    return {**summarise(url, clients, wall, latencies, errors), "statuses": statuses}


def markdown(fig: dict, how: str, seconds: float, openai_every: int) -> str:
    cpu = f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}"
    mix = f", every {openai_every}th through /v1/chat/completions" if openai_every else ""
    return "\n".join([
        f"### REST API under load ({date.today().isoformat()})",
        "",
        f"`python -m benchmarks.load_api --clients {fig['clients']} --seconds {seconds:g}` ({how}; {cpu}): "
        f"{fig['clients']} concurrent clients asking through `POST /api/ask` (every second question a "
        f"follow-up with `history`{mix}).",
        "",
        *figures_table(fig),
    ])


def main(argv: list[str] | None = None) -> int:
    p = load_parser("python -m benchmarks.load_api", __doc__)
    p.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the API key to send")
    p.add_argument("--openai-every", type=int, default=0, metavar="N",
                   help="send every Nth request to /v1/chat/completions (default: none)")
    args = p.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.openai_every < 0:
        p.error("--clients and --seconds must be positive, --openai-every not negative")
    key = os.environ.get(args.api_key_env, "") if args.api_key_env else None
    if args.api_key_env and not key:
        p.error(f"--api-key-env {args.api_key_env}: the variable is not set")
    fig, how = load_against(
        args, lambda url: run_load(url, args.clients, args.seconds, key=key, openai_every=args.openai_every), "load-api-")
    return report(fig, markdown(fig, how, args.seconds, args.openai_every), args.json)


if __name__ == "__main__":
    sys.exit(main())
