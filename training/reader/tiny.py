"""A tiny built-in set of made-up pairs and groups (invented questions and sentences, no real
data) for smoke-testing the trainer and the reader without the training folder."""

from __future__ import annotations

from .pairs import Group, Pair

# (question, answering sentence, short answer, a sentence that does not answer, headline)
_ROWS = [
    ("Which bakery chain launched a lavender croissant this week?",
     "The bakery chain Crumbly Corner launched a lavender croissant on Monday.", "Crumbly Corner",
     "Lavender fields bloom in late June across the southern hills.", "New pastries for spring"),
    ("How many volunteers cleaned the Riverside beach on Saturday?",
     "About 3,400 volunteers cleaned the Riverside beach on Saturday morning.", "3,400",
     "The beach reopened to swimmers after the storm passed.", "Volunteers clear the shore"),
    ("Who was named captain of the national rowing team?",
     "Coaches named Marta Kolbeck captain of the national rowing team.", "Marta Kolbeck",
     "The rowing season starts in April with a regatta on the lake.", "Rowing team picks a leader"),
    ("Which city will host the 2031 puppet festival?",
     "Organisers said the 2031 puppet festival will be held in Valbruna.", "Valbruna",
     "Puppet makers showed new marionettes at a small fair.", "Festival host announced"),
    ("What did the museum return to its owners last week?",
     "Last week the museum returned a bronze lantern to its owners.", "a bronze lantern",
     "The museum extended its opening hours for the summer.", "Museum hands back artefact"),
    ("How much did the town spend on its new footbridge?",
     "The town spent $2.7 million on its new footbridge over the canal.", "$2.7 million",
     "Residents asked for more benches along the canal path.", "Footbridge opens"),
    ("Which company recalled its electric kettles?",
     "Hollin Home recalled 40,000 electric kettles after reports of overheating.", "Hollin Home",
     "Kettle sales usually rise in the colder months.", "Kettle recall"),
    ("Who won the regional chess final on Sunday?",
     "Teenager Idris Ovenden won the regional chess final on Sunday.", "Idris Ovenden",
     "The chess club meets every Thursday in the library.", "Young player takes chess title"),
]


def tiny_pairs() -> list[Pair]:
    """16 pairs: per question one answering sentence (span marked) and one that does not answer."""
    out = []
    for n, (q, pos, ans, neg, head) in enumerate(_ROWS):
        a = pos.index(ans)
        out.append(Pair(q, pos, head, "", 1, (a, a + len(ans)), "pos", f"tiny_{n}"))
        out.append(Pair(q, neg, head, "", 0, None, "neg-overlap", f"tiny_{n}"))
    return out


def tiny_groups() -> list[Group]:
    """8 "answer" groups (the answering sentence against its own non-answer and two other
    questions' ones) and 2 "none" groups (a question against other questions' sentences)."""
    pairs = tiny_pairs()
    pos, neg = pairs[0::2], pairs[1::2]
    n = len(pos)

    def other(p: Pair, q: Pair, kind: str) -> Pair:
        return Pair(q.question, p.sentence, p.headline, p.context, 0, None, kind, q.qid)

    out = [Group(pos[k].qid, "answer", (pos[k],),
                 (neg[k], other(neg[(k + 1) % n], pos[k], "neg-away"), other(neg[(k + 3) % n], pos[k], "neg-away")))
           for k in range(n)]
    out += [Group(pos[k].qid, "none", (), tuple(other(pos[(k + j) % n], pos[k], "none-away") for j in (1, 2, 5)))
            for k in (0, 4)]
    return out
