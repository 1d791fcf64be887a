"""Fixtures of the store tests: the same suite over both stores (the default SQLite + FAISS
directory and a Milvus Lite file), each test with a fresh index in its module's temporary
folder, and a check after every test that no Milvus Lite server was left running."""

from __future__ import annotations

import pytest

STORES = ("local", "milvus-lite")


@pytest.fixture(scope="module")
def store_root(tmp_path_factory):
    """One temporary folder per test module; each test's index is a new file or folder in it."""
    return tmp_path_factory.mktemp("stores")


@pytest.fixture
def location(request, store_root):
    """Factory: a fresh location of the kind asked for (`location("milvus-lite")`)."""
    made = [0]

    def make(kind: str, name: str | None = None) -> str:
        made[0] += 1
        stem = name or f"{request.node.name.replace('[', '_').replace(']', '')}-{made[0]}"
        path = store_root / stem
        return f"milvus://{path}.db" if kind == "milvus-lite" else str(path)

    return make


@pytest.fixture(autouse=True)
def no_lite_server_left():
    """Milvus Lite runs a gRPC server per open database in this process: closing the last index on
    a file must stop it."""
    yield
    try:
        from milvus_lite import server_manager_instance
    except ImportError:
        return
    left = list(server_manager_instance._servers)  # noqa: SLF001 - the only way to see them
    server_manager_instance.release_all()
    assert not left, f"Milvus Lite servers still running after the test: {left}"
