"""Four short made-up reports (three outlets' dates spread over 2021-2024) for answer tests on a
tiny fake-embedder index: shared by the assistant's core tests and the `ask`/`eval` CLI tests."""

from __future__ import annotations

from pathlib import Path

from tests.index.helpers import write_txt

REPORTS = [
    ("suez-ledger.txt", "Harbor Ledger", "2021-03-29", "Ever Given Refloated in Suez Canal",
     "The container ship Ever Given was refloated on 29 March 2021 after six days aground in the Suez Canal. "
     "Tugboats and dredgers freed the vessel at high tide. More than 400 ships were waiting to pass through "
     "the canal."),
    ("suez-wire.txt", "Meridian Wire", "2021-03-30", "Suez Canal Traffic Resumes",
     "Traffic resumed in the Suez Canal a day after the Ever Given was refloated. Osama Rabie, chairman of the "
     "Suez Canal Authority, said the backlog of 422 ships would clear in three and a half days."),
    ("quake.txt", "Northwind Post", "2023-02-10", "Earthquake Strikes Southern Türkiye",
     "A magnitude 7.8 earthquake struck southern Türkiye and northern Syria on 6 February 2023. Rescuers "
     "searched collapsed apartment blocks for survivors in Antakya."),
    ("eclipse.txt", "Atlas Morning News", "2024-04-08", "Total Solar Eclipse Crosses Mexico",
     "The Moon's shadow swept across Mexico, the United States and Canada during a total solar eclipse. "
     "Totality lasted up to four minutes and 28 seconds near Torreón."),
]

OUTLET_DATES = {source: day for _, source, day, _, _ in REPORTS}


def write_reports(folder: Path) -> Path:
    for name, source, day, title, body in REPORTS:
        write_txt(folder, name, title, body, source=source, published=day)
    return folder


def index_reports(folder: Path):
    """The reports written under `folder/src` and ingested into `folder/idx` with the fake embedder:
    (index folder, ingest report)."""
    from index import ingest
    from tests.fakes import FakeEmbedder

    report = ingest([write_reports(folder / "src")], folder / "idx", embedder=FakeEmbedder())
    return folder / "idx", report
