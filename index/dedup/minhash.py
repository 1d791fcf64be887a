"""MinHash signatures of an article's word 5-shingles, and the LSH band keys that find
near-duplicate articles (wire copies, light rewrites) without comparing every pair.

A shingle is 5 consecutive words of the text after `clean.normalise_for_id` (NFKC, casefolded),
words being runs of letters and digits, so punctuation and spacing don't matter. A text of fewer
than 5 words is one shingle. The signature holds, for each of NUM_HASHES fixed hash functions,
the smallest hash over the text's shingles; two signatures agree at a position with probability
equal to the Jaccard similarity J of the two shingle sets, so the share of agreeing positions
estimates J (standard error sqrt(J(1-J)/128): about 0.035 at J = 0.8).

LSH banding: the signature is cut into BANDS bands of ROWS values; two articles become
candidates when any whole band agrees, probability 1 - (1 - J^4)^32: > 0.999 at J = 0.8,
0.87 at J = 0.5, 0.05 at J = 0.2 — so true copies are found and unrelated articles are not.

Everything is derived from fixed seeds with blake2b (not numpy's generators, whose streams
may change between versions), because signatures are stored on disk and compared across runs.
Limits: word-level only (no stemming, no synonym handling); a reordered text shares few shingles.
"""

from __future__ import annotations

import hashlib

import numpy as np

from index.loading.clean import normalise_for_id
from index.text.words import ALNUM

SHINGLE = 5
NUM_HASHES = 128
BANDS, ROWS = 32, 4
assert BANDS * ROWS == NUM_HASHES

_EMPTY = np.full(NUM_HASHES, np.iinfo(np.uint32).max, dtype=np.uint32)
_BLOCK = 2048  # shingles per numpy pass: bounds memory to ~2 MB for any article length


def _u64(label: str) -> int:
    return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "little")


# h_i(x) = high 32 bits of (a_i * x + b_i) mod 2^64, a_i odd: a multiply-add-shift family.
_A = np.array([_u64(f"minhash-a-{i}") | 1 for i in range(NUM_HASHES)], dtype=np.uint64)
_B = np.array([_u64(f"minhash-b-{i}") for i in range(NUM_HASHES)], dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def words(text: str) -> list[str]:
    """The words shingles are made of: letter and digit runs of the normalised text."""
    return ALNUM.findall(normalise_for_id(text))


def shingles(text: str) -> np.ndarray:
    """Sorted unique 64-bit hashes of the text's word 5-shingles (empty for a text with no words)."""
    ws = words(text)
    if not ws:
        return np.empty(0, dtype=np.uint64)
    vocab: dict[str, int] = {}
    wh = np.fromiter((vocab.setdefault(w, _u64(w)) for w in ws), dtype=np.uint64, count=len(ws))
    n = max(len(ws) - SHINGLE + 1, 1)
    h = wh[:n].copy()
    for j in range(1, min(SHINGLE, len(ws))):
        # order matters ("a b" != "b a"): multiply before mixing in the next word
        h = (h * _MIX) ^ wh[j:j + n]
    # splitmix64 finaliser: spreads the bits so the multiply-shift hashes below behave
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return np.unique(h)


def signature(shingle_hashes: np.ndarray) -> np.ndarray:
    """NUM_HASHES uint32 minima; all-max for an empty set (which then matches nothing, see band_keys)."""
    if not len(shingle_hashes):
        return _EMPTY.copy()
    out = np.full(NUM_HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
    for i in range(0, len(shingle_hashes), _BLOCK):
        x = shingle_hashes[i:i + _BLOCK, None]
        np.minimum(out, (x * _A + _B).min(axis=0), out=out)
    return (out >> np.uint64(32)).astype(np.uint32)


def of_text(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(shingle hashes, signature) of a text."""
    sh = shingles(text)
    return sh, signature(sh)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (SQLite INTEGER); none for an empty text's signature."""
    if np.array_equal(sig, _EMPTY):
        return []
    raw = np.ascontiguousarray(sig, dtype="<u4").reshape(BANDS, ROWS)
    return [int.from_bytes(hashlib.blake2b(row.tobytes() + bytes([b]), digest_size=8).digest(),
                           "little", signed=True) for b, row in enumerate(raw)]


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_HASHES


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique shingle-hash arrays."""
    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def to_blob(sig: np.ndarray) -> bytes:
    return np.ascontiguousarray(sig, dtype="<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)
