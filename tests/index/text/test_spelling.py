"""Edit distance between spellings (`index.text.spelling`)."""

from __future__ import annotations

import pytest

from index.text.spelling import allowed, edits


@pytest.mark.parametrize("a, b, most, n", [
    ("given", "given", 1, 0),
    ("givn", "given", 1, 1),  # a letter left out
    ("wrold", "world", 1, 1),  # two neighbours swapped count one
    ("vesels", "vessels", 1, 1),
    ("earthqauke", "earthquake", 2, 1),
    ("cat", "dog", 1, 2),  # more than `most`: most + 1, whatever the true distance
    ("a", "abcdef", 2, 3),  # lengths too far apart
    ("kitten", "sitting", 3, 3),
])
def test_edits(a, b, most, n):
    assert edits(a, b, most) == n


def test_longer_words_may_carry_more_edits():
    assert allowed("givn") == allowed("suburban") == 1 and allowed("earthquake") == 2
