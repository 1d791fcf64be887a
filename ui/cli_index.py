"""`assistant ingest | stats | delete | copy`: the index commands of the CLI, through the `index`
package's public functions (`ingest`, `rebuild`, `open_index`, `delete`, `copy_index`, `Fetcher`).

URLs given to `ingest` are fetched with `allow_private=True`: the command runs as the machine's
own user, who may read feeds on their own network (a local server, an intranet)."""

from __future__ import annotations

import argparse
import json
import sys

from ui.cli import add_index_arg

MAX_REASONS = 50


def add_ingest(sub) -> None:
    p = sub.add_parser(
        "ingest", help="add article files, folders, feeds or pages to the index",
        description="Load articles (.txt .md .html .htm .json .jsonl; folders are walked recursively; "
                    "http(s) URLs of RSS / Atom feeds, whose items' pages are fetched, and of article "
                    "pages), chunk and embed them, and add them to the index. Articles already in the "
                    "index (same text, or for feed items the same URL) are left as they are. Bad files "
                    "and pages are skipped with a reason.",
        epilog="exit status: 0 if anything was added or everything was already indexed; 1 if nothing "
               "could be read.")
    p.add_argument("paths", nargs="*", metavar="PATH_OR_URL", help="article files or folders, feed or page URLs")
    add_index_arg(p)
    p.add_argument("--model", help="sentence-transformers model name or folder for a NEW index "
                                   "(default: the bundled all-MiniLM-L6-v2); an existing index keeps its own")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16"], default=None,
                   help="embedding precision (default auto: bf16 where the CPU supports it natively)")
    p.add_argument("--batch-size", type=int, default=None, help="chunks per forward pass of the model (default 16)")
    p.add_argument("--max-file-mb", type=float, default=20.0,
                   help="skip files larger than this, and .jsonl lines (.jsonl files are read line by line; "
                        "default 20)")
    add_fetch_args(p)
    p.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                   help="embed on a Ray cluster with Ray Data (the scale extra): alone, a local cluster of "
                        "this machine's cores; 'auto' the running cluster; or ray://HOST:10001. Reading, "
                        "chunking and writing stay here")
    p.add_argument("--ray-workers", type=int, default=None, metavar="N",
                   help="embedding actors on the cluster (default: one per CPU of the cluster)")
    p.add_argument("--rebuild", action="store_true",
                   help="re-chunk and re-embed every article already in the index (e.g. with --model), "
                        "then add PATHs if any")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run_ingest)


def add_fetch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                   help="give up on a feed or page after this long (default 20)")
    p.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                   help="wait between two requests to the same site (default 1; longer if its "
                        "robots.txt asks)")


def make_fetcher(args):
    """The CLI's fetcher: private addresses allowed (see the module docstring)."""
    from index import Fetcher

    return Fetcher(allow_private=True, timeout=args.timeout, host_delay=args.delay)


def _progress_bar(quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(unit=" articles", desc="ingesting", file=sys.stderr)

    def update(p):
        bar.n = p.articles_read
        bar.set_description("fetching" if p.stage == "fetching" else "ingesting", refresh=False)
        extra = {k: v for k, v in (("lines", p.lines_read), ("fetched", p.urls_fetched)) if v}
        bar.set_postfix(added=p.articles_added, chunks=p.chunks_added, **extra, refresh=False)
        bar.refresh()

    return bar, update


def run_ingest(args) -> int:
    from index import IndexConfig, ingest, is_url, rebuild

    if not args.paths and not args.rebuild:
        print("assistant ingest: give at least one file, folder or URL (or --rebuild)", file=sys.stderr)
        return 2
    fetcher = make_fetcher(args) if any(is_url(p) for p in args.paths) else None
    config = IndexConfig.from_env(model=args.model, precision=args.precision, batch_size=args.batch_size)
    bar, update = _progress_bar(args.quiet)
    try:
        if args.rebuild:
            r = rebuild(args.index, config=config, progress=update)
            print(f"rebuilt: {len(r.added)} articles re-embedded with {config.model} ({r.chunks_added} chunks)")
        extra = {"ray": args.ray, "ray_workers": args.ray_workers} if args.ray else {}
        report = ingest(args.paths, args.index, config=config if args.model else None, progress=update,
                        max_file_bytes=int(args.max_file_mb * 1024 * 1024), fetcher=fetcher,
                        **extra) if args.paths else None
    finally:
        if bar is not None:
            bar.close()
    if report is None:
        return 0
    print(report.summary())
    for f in report.feeds:
        print(f"  {f.kind or 'url'}: {f.url}: {poll_text(f)}")
    for w in report.warnings[:MAX_REASONS]:
        print(f"  warning: {w}")
    for s in report.skipped[:MAX_REASONS]:
        print(f"  skipped: {s}")
    hidden = len(report.skipped) + len(report.warnings) - 2 * MAX_REASONS
    if len(report.skipped) > MAX_REASONS or len(report.warnings) > MAX_REASONS:
        print(f"  ... and {max(hidden, 0)} more")
    return 0 if report.ok else 1


def poll_text(f) -> str:
    """How one URL's poll went, in words: "new 3 (12 known, 1 skipped)", "failed: HTTP 404 …"."""
    if f.outcome == "failed":
        return f"failed: {f.error}" + (" (will be retried)" if f.transient else "")
    counts = ", ".join(f"{n} {what}" for n, what in ((f.known_items, "known"), (f.skipped_items, "skipped")) if n)
    if f.outcome == "new":
        return f"new {f.new_items}" + (f" ({counts})" if counts else "")
    if f.http_status == 304:
        return "unchanged (not modified since the last poll)"
    return "unchanged" + (f" ({counts})" if counts else "")


def local_time(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else "never"


def add_stats(sub) -> None:
    p = sub.add_parser("stats", help="what the index holds",
                       description="Articles, groups (distinct reports: near-duplicate copies such as syndicated "
                                   "wire copies counted once), chunks, outlets, date range, model and size on disk.")
    add_index_arg(p)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--articles", action="store_true", help="also list every article (id, date, outlet, title)")
    p.set_defaults(run=run_stats)


def run_stats(args) -> int:
    from index import open_index

    idx = open_index(args.index)  # IndexNotFoundError, creating nothing, where there is no index
    try:
        st = idx.stats()
        arts = idx.articles() if args.articles else []
    finally:
        idx.close()
    if args.json:
        out = st.to_dict()
        if args.articles:
            out["article_list"] = [{"id": a.id, "title": a.title, "source": a.source,
                                    "published": a.published.isoformat() if a.published else None,
                                    "path": a.path} for a in arts]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    span = (f"{st.first_published} .. {st.last_published}" if st.first_published else "no dates")
    print(f"index:     {st.index_dir}")
    print(f"articles:  {st.articles}")
    copies = st.articles - st.groups
    print(f"groups:    {st.groups}" + (f" ({copies} near-duplicate cop{'y' if copies == 1 else 'ies'} of other "
                                        f"articles, e.g. wire copies, counted once)" if copies > 0 else ""))
    print(f"chunks:    {st.chunks}")
    print(f"outlets:   {len(st.outlets)}" + "".join(
        f"\n  {n:5d}  {name or '(unknown outlet)'}" for name, n in list(st.outlets.items())[:20]))
    print(f"published: {span}")
    if st.last_published or st.last_added:
        print(f"newest:    {st.last_published or 'no date'} (published); last added {local_time(st.last_added)}")
    if st.feeds:
        print(f"followed:  {len(st.feeds)} URL{'s' if len(st.feeds) != 1 else ''}, last poll {local_time(st.last_poll)}"
              + "".join(f"\n  {local_time(f.polled_at)}  {f.url}  {poll_text(f)}" for f in st.feeds[:20]))
    print(f"model:     {st.model} (dimension {st.dimension})")
    if st.index_type.startswith("milvus"):
        print(f"vectors:   Milvus ({st.index_type}), BM25 by Milvus, format version {st.format_version}")
    else:
        print(f"vectors:   {st.index_type} FAISS index, format version {st.format_version}")
    print(f"on disk:   {_size(st.size_bytes)}")
    for a in arts:
        print(f"  {a.id[:12]}  {a.published or '          '}  {a.source or '-':20.20}  {a.title}")
    return 0


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def add_delete(sub) -> None:
    p = sub.add_parser("delete", help="remove articles with their chunks and vectors",
                       description="Remove articles by id (as `assistant stats --articles` prints them; "
                                   "a unique prefix of 6+ characters is enough) or by the file they were "
                                   "ingested from.")
    p.add_argument("ids", nargs="*", metavar="ARTICLE_ID")
    p.add_argument("--path", action="append", default=[], metavar="FILE_OR_URL",
                   help="remove every article ingested from FILE, or from a page URL (repeatable)")
    add_index_arg(p)
    p.set_defaults(run=run_delete)


def run_delete(args) -> int:
    from index import delete

    if not args.ids and not args.path:
        print("assistant delete: give an ARTICLE_ID or --path FILE", file=sys.stderr)
        return 2
    removed = delete(args.ids, paths=args.path, index_dir=args.index)
    print(f"deleted {len(removed)} article(s): " + ", ".join(r[:12] for r in removed))
    return 0


def add_copy(sub) -> None:
    p = sub.add_parser(
        "copy", help="copy an index to another store without re-embedding",
        description="Copy every article, chunk and vector (and the followed feeds) from one index to "
                    "another: an index directory, a Milvus Lite file (milvus:///ABS/PATH/news.db) or a "
                    "Milvus server (milvus://HOST:19530[/DB]), either way. The target is created with the "
                    "source's model when missing; articles it already has are left as they are, so an "
                    "interrupted copy can be run again.")
    p.add_argument("--from", dest="source", required=True, metavar="DIR_OR_URI", help="the index to copy")
    p.add_argument("--to", dest="target", required=True, metavar="DIR_OR_URI", help="where to copy it")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    p.set_defaults(run=run_copy)


def run_copy(args) -> int:
    from index import copy_index

    show = not args.quiet and sys.stderr.isatty()

    def progress(articles: int, chunks: int) -> None:
        if show:
            print(f"\r  {articles} articles, {chunks} chunks", end="", file=sys.stderr, flush=True)

    report = copy_index(args.source, args.target, progress=progress)
    if show:
        print(file=sys.stderr)
    print(report.summary())
    return 0
