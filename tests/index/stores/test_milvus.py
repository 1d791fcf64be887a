"""What only the Milvus store has: locations, the factory, connection errors, Milvus Lite's
process (local only, stopped on close, one process at a time), repair of an interrupted batch,
long articles, and writes that outlive the process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index import ingest
from index.errors import ConfigError, IndexMismatchError, IndexNotFoundError, StoreUnavailableError
from index.stores import open_store, resolve_location
from index.stores.milvus import MilvusIndex
from index.stores.milvus import connect as milvus_connect
from index.stores.milvus.schema import ARTICLES, CHUNKS, filter_expr, lit
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.index.helpers import SMALL_CHUNKS, sample_folder, write_txt


def test_locations_name_the_store():
    local = resolve_location("~/news-index")
    assert local.kind == "local" and local.path == Path("~/news-index").expanduser()
    lite = resolve_location("milvus:///srv/news/news.db")
    assert (lite.kind, lite.path, lite.uri) == ("milvus-lite", Path("/srv/news/news.db"), "milvus:///srv/news/news.db")
    server = resolve_location("milvus://db.example:19531/newsroom")
    assert (server.kind, server.address, server.db_name) == ("milvus", "http://db.example:19531", "newsroom")
    assert resolve_location("milvus://db.example").address == "http://db.example:19530"
    assert resolve_location("milvus://db.example").db_name == "default"
    for bad in ("milvus://relative/news.db/x/y", "milvus:///srv/news/folder", "milvus://host:port"):
        with pytest.raises(ConfigError, match="milvus"):
            resolve_location(bad)


def test_the_environment_may_name_a_milvus_index(monkeypatch):
    monkeypatch.setenv("ASSISTANT_INDEX", "milvus:///tmp/x/news.db")
    assert resolve_location(None).kind == "milvus-lite"


def test_filters_are_escaped_expressions():
    assert lit('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    assert filter_expr(["Le Monde", 'x"y'], None, None) == 'source_key in ["le monde", "x\\"y"]'
    from datetime import date

    assert filter_expr(None, None, date(2021, 3, 9)) == "published >= 1 and published <= 20210309"


def test_factory_opens_a_directory_as_the_default_store(location, fake_embedder, tmp_path):
    from index.news_index import NewsIndex

    where = location("local")
    ingest([sample_folder(tmp_path / "src")], where, embedder=fake_embedder, config=SMALL_CHUNKS)
    idx = open_store(where, embedder=fake_embedder)
    try:
        assert isinstance(idx, NewsIndex) and idx.location.kind == "local" and idx.dir == Path(where)
    finally:
        idx.close()


def test_factory_opens_milvus_lite_and_creates_nothing_when_asked_only_to_open(location, fake_embedder, tmp_path):
    where = location("milvus-lite")
    with pytest.raises(IndexNotFoundError, match="milvus:///"):
        open_store(where, embedder=fake_embedder)
    assert not resolve_location(where).path.exists()
    ingest([sample_folder(tmp_path / "src")], where, embedder=fake_embedder, config=SMALL_CHUNKS)
    idx = open_store(where, embedder=fake_embedder)
    try:
        assert isinstance(idx, MilvusIndex) and idx.meta["chunk_tokens"] == "16"
        assert resolve_location(where).path.is_dir()  # Milvus Lite keeps a folder under the .db name
    finally:
        idx.close()
    other = FakeEmbedder()
    other.name = "other-model"
    with pytest.raises(IndexMismatchError, match="'fake-embedder'"):
        open_store(where, embedder=other)


def test_an_unreachable_server_is_a_typed_error_naming_it(fake_embedder):
    with pytest.raises(StoreUnavailableError, match=r"milvus://127\.0\.0\.1:9/news.*cannot reach"):
        open_store("milvus://127.0.0.1:9/news", embedder=fake_embedder)


def test_without_pymilvus_the_error_says_what_to_install(monkeypatch, location, fake_embedder):
    def missing():
        raise ImportError("No module named 'pymilvus'")

    monkeypatch.setattr(milvus_connect, "pymilvus", missing)
    with pytest.raises(StoreUnavailableError, match=r"pymilvus is not installed.*news-assistant\[scale\]"):
        open_store(location("milvus-lite"), embedder=fake_embedder, create=True)


def test_lite_listens_on_loopback_only_and_stops_when_closed(location, fake_embedder):
    from milvus_lite import server_manager_instance

    idx = open_store(location("milvus-lite"), embedder=fake_embedder, create=True)
    try:
        ((_, _, port),) = server_manager_instance._servers.values()  # noqa: SLF001
        listening = _listening(port)
        assert listening and listening <= {"127.0.0.1"}
    finally:
        idx.close()
    assert not server_manager_instance._servers and not _listening(port)  # noqa: SLF001


def _listening(port: int) -> set[str]:
    """Addresses with a socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            pytest.skip("no /proc/net to read listening sockets from")
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if state == "0A" and int(p, 16) == port:
                loopback = ("0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F")
                found.add("127.0.0.1" if addr in loopback else addr)
    return found


def test_a_lite_file_held_by_another_process_is_refused_clearly(location, fake_embedder, tmp_path):
    where = location("milvus-lite")
    ingest([sample_folder(tmp_path / "src")], where, embedder=fake_embedder, config=SMALL_CHUNKS)
    code = ("import sys, time; from pymilvus import MilvusClient; c = MilvusClient(sys.argv[1]); "
            "print('open', flush=True); time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(resolve_location(where).path)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreUnavailableError, match="another process has this Milvus Lite database open"):
            open_store(where, embedder=fake_embedder)
    finally:
        holder.kill()
        holder.wait()


def test_an_interrupted_batch_is_removed_by_the_next_writer(location, fake_embedder, tmp_path):
    where = location("milvus-lite")
    ingest([sample_folder(tmp_path / "src")], where, embedder=fake_embedder, config=SMALL_CHUNKS)
    idx = open_store(where, embedder=fake_embedder)
    try:
        # what a batch killed before its article rows leaves: chunk rows of an article that doesn't exist
        idx.client.insert(CHUNKS, [{"id": 10_000, "article_id": "half", "ord": 0, "start_char": 0, "end_char": 4,
                                    "text": "half", "lexical": "half", "vector": [0.1] * idx.dim,
                                    "source_key": "", "published": 0}])
        idx._set_meta({"pending": json.dumps(["half"])})
        with idx.write_lock():
            idx.prepare_writes()
        assert not idx.client.query(CHUNKS, filter='article_id == "half"', output_fields=["id"])
        assert idx._meta(["pending"])["pending"] == "[]"
    finally:
        idx.close()


def test_long_articles_and_writes_outlive_the_process(location, fake_embedder, tmp_path):
    where = location("milvus-lite")
    body = " ".join(f"Paragraph {i} tells of the harbour, the ferries and the weather at Port Alder."
                    for i in range(700))  # ~55,000 characters: more than one VARCHAR's worth
    write_txt(tmp_path / "long", "long.txt", "A Very Long Report", body, source="Harbor Ledger", published="2022-05-01")
    code = ("import sys; sys.path.insert(0, sys.argv[3]); from tests.fakes import FakeEmbedder; from index import ingest; "
            "r = ingest([sys.argv[1]], sys.argv[2], embedder=FakeEmbedder()); print(len(r.added))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "long"), where, str(ROOT)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and out.stdout.strip() == "1", out.stderr[-2000:]
    idx = open_store(where, embedder=fake_embedder)
    try:
        (article,) = idx.articles()
        assert article.text == body.strip() and len(article.text) > 50_000
        assert idx.client.query(ARTICLES, filter='id != ""', output_fields=["parts"])[0]["parts"] == 4
        assert idx.lexical_search("ferries weather", 3)
    finally:
        idx.close()
