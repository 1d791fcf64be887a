"""The recency boost of retrieval: newer reports win near ties, never strong matches."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.retrieve import RetrievalSettings, recency_boost
from index.errors import ConfigError

REF = date(2022, 7, 20)


def test_boost_is_largest_on_the_reference_day_and_fades_with_age():
    fused = {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0}
    article = {1: "today", 2: "month", 3: "undated", 4: "later"}
    published = {"today": REF, "month": date(2022, 6, 20), "undated": None, "later": date(2022, 7, 25)}
    out = recency_boost(fused, article, published, REF, strength=0.2, days=30.0)
    assert out[1] == pytest.approx(1.2)
    assert out[2] == pytest.approx(1.0 + 0.2 * 0.36787944, rel=1e-6)  # e^-1 at one decay length
    assert out[3] == 1.0  # no date, no boost
    assert out[4] == pytest.approx(1.2)  # after the reference day counts as that day


def test_a_near_tie_goes_to_the_newer_report_but_a_clear_lead_stays():
    rrf1, rrf2 = 1 / 61 + 1 / 61, 1 / 62 + 1 / 62  # ranks 1+1 vs 2+2: a near tie
    out = recency_boost({1: rrf1, 2: rrf2}, {1: "old", 2: "new"},
                        {"old": date(2021, 7, 20), "new": REF}, REF, 0.2, 30.0)
    assert out[2] > out[1]
    strong, weak = 2 / 61, 1 / 100  # first in both lists vs far down one
    out = recency_boost({1: strong, 2: weak}, {1: "old", 2: "new"},
                        {"old": date(2021, 7, 20), "new": REF}, REF, 0.2, 30.0)
    assert out[1] > out[2]


@pytest.mark.parametrize("kw,field", [({"recency": 1.5}, "recency"), ({"recency": -0.1}, "recency"),
                                      ({"recency_days": 0}, "recency_days"), ({"k": True}, "k")])
def test_settings_name_the_bad_field(kw, field):
    with pytest.raises(ConfigError, match=field):
        RetrievalSettings(**kw)
