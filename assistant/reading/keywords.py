"""A search-box query read as the question it stands for: "artemis launch date" asks "When was
the artemis launch?", "cost of the suez blockage" asks "How much did the suez blockage cost?",
"earthquake death toll" asks "How many people died in the earthquake?".

Why: the reader was trained on questions. Given a bare phrase it has no asked-for thing, so the
sentence that gives the launch date scores no better than any other naming Artemis, and the
answer abstained or led with the wrong sentence. The question is only the text searched and read;
the answer still shows what was typed.

Only a short query (two to eight words) that does not open as a question does ("when", "who",
"is", ...) and whose last word, or first word before "of", names what is asked for ("date",
"cost", "death toll", "winner", ...) is read; anything else is left as typed, so a topic alone
("suez canal") is answered by the sentences about it.

Limits: English; the words for what is asked are a short list of what news questions ask most.
"""

from __future__ import annotations

import re

from index.text.words import LEADING_ARTICLE, STOPWORDS

from assistant.reading.question import opens_a_question, uncontracted, unframed

# what is asked for -> the question asking it about {t}, the rest of the query
_ASKS: dict[str, str] = {}
for _names, _template in [
    ("date day time when year", "When was the {t}?"),
    ("cost costs price bill", "How much did the {t} cost?"),
    ("number count", "How many {t}?"),
    ("toll deaths fatalities casualties", "How many people died in the {t}?"),
    ("location where place venue site", "Where was the {t}?"),
    ("winner winners champion", "Who won the {t}?"),
    ("score scoreline", "What was the score of the {t}?"),
    ("result outcome", "What was the result of the {t}?"),
    ("cause causes reason why", "What caused the {t}?"),
    ("owner owners", "Who owns the {t}?"),
    ("leader head", "Who leads the {t}?"),
    ("magnitude size height length depth population capacity speed distance duration",
     "What was the {a} of the {t}?"),
]:
    for _name in _names.split():
        _ASKS[_name] = _template

_OF = re.compile(r"^(\w+)\s+of\s+(.+)$", re.I)  # "date of the artemis launch"
_PLAIN = re.compile(r"^[\w'’ -]+$")  # words only: a sentence or a list is no search-box query


def as_question(text: str) -> str | None:
    """The question a search-box query stands for, or None when `text` is a question already or
    names nothing to ask for."""
    query = uncontracted(unframed(text)).strip().rstrip("?.! ").strip()
    if not query or opens_a_question(query) or not _PLAIN.match(query):
        return None
    query = LEADING_ARTICLE.sub("", query, count=1)
    if m := _OF.match(query):
        asked, topic = m.group(1).lower(), m.group(2)
    else:
        *rest, asked = query.split()
        asked, topic = asked.lower(), " ".join(rest)
        if asked == "toll" and (topic.lower() == "death" or topic.lower().endswith(" death")):
            topic = topic[:-len("death")].strip()  # "earthquake death toll"; "death toll" names nothing
    topic = LEADING_ARTICLE.sub("", topic.strip(), count=1)
    n = len(query.split())
    if asked not in _ASKS or not topic or topic.split()[-1].lower() in STOPWORDS or not 2 <= n <= 8:
        return None
    return _ASKS[asked].format(t=topic, a=asked)
