"""A made-up report, a wire copy of it with one sentence reworded, and another outlet's own report
of the same event: shared by the near-duplicate group tests of the index and the assistant."""

from __future__ import annotations

from pathlib import Path

from tests.index.helpers import write_txt

_SENTENCES = [
    "Ferry service between Port Alder and the Tamsin Islands resumed on Tuesday morning, four days after a "
    "fire destroyed the main passenger terminal at the harbour.",
    "The first sailing left the temporary pier at 7:15 a.m. with about 240 passengers and 36 vehicles on "
    "board, according to the ferry operator, Coastline Links.",
    "Fire crews were called to the terminal shortly after midnight on Friday and fought the blaze for more "
    "than six hours before bringing it under control.",
    "Nobody was hurt, but the ticket hall, the waiting lounge and two boarding ramps were badly damaged, and "
    "the harbour was closed to passenger traffic over the weekend.",
    "Investigators from the regional fire service said an electrical fault in a storage room was the most "
    "likely cause, although their report will not be finished until next month.",
    "While the terminal is rebuilt, passengers will check in at a row of portable cabins beside the car park "
    "and walk to the pier along a covered walkway.",
    "The operator said timetables would return to normal by the end of the week and that tickets bought for "
    "cancelled sailings would be refunded in full or exchanged free of charge.",
    "Coastline Links runs six crossings a day in summer.",
    "Island businesses had warned that a long closure would leave shops short of fresh food and keep "
    "seasonal workers away during the busiest part of the year.",
    "Harbour master Elin Varga thanked the fire crews and the port staff who worked through the night to "
    "build the temporary pier in less than three days.",
    "Rebuilding the terminal is expected to take at least eighteen months and to cost around 40 million "
    "euros, which the port authority said would be covered largely by insurance.",
]
CHANGED = "Coastline Links normally runs six sailings a day during the summer months."


def _body(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2))


ORIGINAL = ("Ferry Service Restored After Harbour Fire", _body(_SENTENCES))
COPY = ("Tamsin Islands Ferries Sail Again After Terminal Blaze",
        _body([CHANGED if s.startswith("Coastline Links runs") else s for s in _SENTENCES]))
OTHER = ("Islanders Cheer as Ferries Return to Port Alder",
         "Crowds waved from the quay at Port Alder as the first ferry since last week's terminal fire pulled "
         "away on Tuesday. Coastline Links, which runs the route to the Tamsin Islands, used a pier that "
         "engineers put together over the weekend.\n\n"
         "Shopkeepers on the islands said the four-day shutdown had emptied their shelves of milk and bread. "
         "The cause of the fire is still being investigated, and the operator expects a full timetable "
         "within days.")


def write_wire_folder(folder: Path) -> Path:
    """original.txt (Northwind Post), copy.txt (Meridian Wire, a day later), other.txt (Harbor Ledger)."""
    write_txt(folder, "original.txt", *ORIGINAL, source="Northwind Post", published="2024-05-14")
    write_txt(folder, "copy.txt", *COPY, source="Meridian Wire", published="2024-05-15")
    write_txt(folder, "other.txt", *OTHER, source="Harbor Ledger", published="2024-05-14")
    return folder
