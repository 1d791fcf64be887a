"""How far apart two spellings are, for reading a misspelt word of a question as the word the
articles use ("Givn" as "Given", "earthqauke" as "earthquake").

`edits(a, b, most)`: the optimal-string-alignment distance (insertions, deletions, substitutions
and swaps of two neighbouring letters each count one), or `most + 1` as soon as it must exceed
`most`, so comparing against many candidates stays cheap. `allowed(word)`: how many edits a word
of that length may carry (one up to eight letters, two from nine: most typos are one edit, and
two in a short word reach other words, "suburban" and "suburbs").

Limits: letters are compared as they are (case-folded by the caller); no keyboard or sound model.
"""

from __future__ import annotations


def allowed(word: str) -> int:
    return 1 if len(word) <= 8 else 2


def edits(a: str, b: str, most: int) -> int:
    if abs(len(a) - len(b)) > most:
        return most + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)  # two neighbouring letters swapped
        if min(row) > most:
            return most + 1
        prev2, prev = prev, row
    return min(prev[-1], most + 1)
