"""Run the real `assistant` CLI in a child process with the fake embedder instead of the model.

    python -m tests.reliability.fake_cli ingest DIR --index IDX

Test support only: nothing in the product reads these variables. The model class is replaced
before the CLI opens an index, so `NewsIndex.open` builds `FakeEmbedder`s (name "fake-embedder",
dimension 64) wherever it would load sentence-transformers; everything else is the product's own
code path. Environment knobs, for the crash tests:

    FAKE_EMBED_DELAY     seconds to sleep in every embed() call (default 0): widens the windows
                         between commits so a random kill lands mid-ingest more often
    FAKE_BATCH_CHUNKS    chunks per ingest transaction (default: the product's own, 256); smaller
                         means more commits, so more crash points between them
    FAKE_READY_MARK=1    print READY on stderr once the imports are done and the command starts,
                         so a test can time its kill from the start of the real work
"""

from __future__ import annotations

import os
import sys
import time

from tests.fakes import FakeEmbedder

READY = "fake-cli: ready"


class ChildEmbedder(FakeEmbedder):
    """Takes the model class's constructor arguments and ignores them."""

    def __init__(self, model=None, *, precision: str = "auto", batch_size: int = 32):
        super().__init__()
        self.delay = float(os.environ.get("FAKE_EMBED_DELAY", "0") or 0)

    def embed(self, texts):
        if self.delay:
            time.sleep(self.delay)
        return super().embed(texts)


def install() -> None:
    import importlib

    embedder = importlib.import_module("index.encoders.embedder")
    core = importlib.import_module("index.news_index")
    ingest = importlib.import_module("index.pipeline")  # the module: `index.pipeline` is the function
    embedder.SentenceTransformerEmbedder = ChildEmbedder
    core.SentenceTransformerEmbedder = ChildEmbedder  # bound by name at import
    if os.environ.get("FAKE_BATCH_CHUNKS"):
        ingest._BATCH_CHUNKS = int(os.environ["FAKE_BATCH_CHUNKS"])


def main(argv: list[str] | None = None) -> int:
    install()
    import faiss  # noqa: F401  imported ahead, so "ready" marks the start of the real work
    import langchain_text_splitters  # noqa: F401
    import ui.cli_index  # noqa: F401
    from ui.cli import main as cli_main

    if os.environ.get("FAKE_READY_MARK"):
        sys.stderr.write(READY + "\n")
        sys.stderr.flush()
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
