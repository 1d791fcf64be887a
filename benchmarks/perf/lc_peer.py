"""The LangChain peer, run in its own process: `python -m benchmarks.perf.lc_peer COMMAND ...`.

    ingest CHUNKS.jsonl OUTDIR     FAISS.from_texts(texts, HuggingFaceEmbeddings(model folder)),
                                   then save_local; prints a JSON line of timings

(The latency peer lives in `latency._peer`: it builds the store from numpy vectors.)

The texts are exactly the ones the news assistant embedded (headline + chunk), so both sides
embed the same chunks with the same model folder. Needs the `bench` extra.
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()


def _embeddings(batch_size: int = 32):
    from langchain_huggingface import HuggingFaceEmbeddings

    from index.encoders.embedder import bundled_model_path

    return HuggingFaceEmbeddings(model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"},
                                 encode_kwargs={"batch_size": batch_size})


def ingest(chunks_path: str, out_dir: str) -> dict:
    texts = [json.loads(line)["text"] for line in open(chunks_path, encoding="utf-8") if line.strip()]
    t_imp = time.perf_counter()
    from langchain_community.vectorstores import FAISS

    emb = _embeddings()
    emb.embed_query("warm up")  # the model is loaded; what follows is throughput
    t_load = time.perf_counter()
    store = FAISS.from_texts(texts, emb)
    t_built = time.perf_counter()
    store.save_local(out_dir)
    t_end = time.perf_counter()
    return {"chunks": len(texts), "import_and_load_s": t_load - t_imp, "from_texts_s": t_built - t_load,
            "save_s": t_end - t_built, "process_s": t_end - T0}


def main(argv: list[str]) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if argv[0] == "ingest":
        result = ingest(argv[1], argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
