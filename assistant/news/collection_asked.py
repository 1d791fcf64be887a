"""Which questions ask about the collection rather than the news in it, and what they ask it of:
"Which stories mention NASA?" (`subject_asked`: "NASA"), "What stories do you have?" (the whole
collection: ""), "What's the oldest story about the canal?" and "Which outlet reported first on
the collapse?" (`edge_asked`), "Who reported on the fire?" (`asks_who_reported`: the outlets lead
the listing), "Who wrote the Artemis story?" (`asks_who_wrote`: each listed with its authors), and
questions about a subject's articles rather than its news ("When was the article about the Ever
Given published?", "Give me the link to the bridge story"). `listing` answers them; a
conversation reads them to tell a question naming its own subject from a follow-up.

Limits: English forms only, each a pattern below; a subject is what follows the form, as written.
"""

from __future__ import annotations

import re

from index.text.words import LEADING_ARTICLE, stems

_NOUNS = r"(?:stories|story|articles?|reports?|pieces?|news items?|items?|coverage)"
_INDEX = r"(?:the|your|this) (?:index|collection|library|archive|database)"
_NAMING = (r"(?:mention|mentions|mentioning|name|names|naming|cover|covers|covering|are about|is about|talk about|"
           r"discuss|discusses|deal with|refer to|about|on|concerning|regarding|that mention|which mention|"
           r"that name|which name|that cover|which cover|with)")
# who is asked for when the outlets are: "Who reported on the fire?", "Which outlets covered it?"
_OUTLET = r"(?:who|(?:which|what) (?:outlets?|sources?|newspapers?|papers?|publications?|media))"
# "Which stories mention NASA?", "Any articles about Texas?", "Show me all reports on the canal"
_SUBJECT = re.compile(
    rf"^(?:(?:which|what) {_NOUNS}(?: in {_INDEX})?(?: do you have| are there| have you got)?"
    rf"|(?:are there|do you have|have you got|is there|got|any|show me|list|find|give me)(?: any| all| the)? {_NOUNS}"
    rf"|how many {_NOUNS}(?: are there| do you have| have you got)?"
    rf"|what do you have|what have you got)"
    rf" {_NAMING} (?P<subject>.+)$"
    # "Who reported on the fire?", "Which outlets covered the launch?": the listing names them
    rf"|^(?P<who>{_OUTLET})"
    rf" (?:has |have )?(?:(?:reported|wrote|written|reports|writes) (?:on|about)|covered|covers) (?P<about>.+)$", re.I)
# "What stories do you have?", "How many articles are there?", "What's in the index?"
_HELD = rf"(?:{_NOUNS[3:-1]}|outlets?|sources?|newspapers?|publications?)"  # also what the index is made of
_ALL = re.compile(
    rf"^(?:(?:which|what) {_HELD} (?:do you have|are there|have you got|are in {_INDEX}|can you search)"
    rf"|how many {_HELD}(?: are there| do you have| have you got| are in {_INDEX})?"
    rf"|(?:list|show(?: me)?)(?: all| the)? {_HELD}"
    rf"|what(?:'s| is) in {_INDEX}|what (?:is|does) {_INDEX} (?:hold|contain|have)"
    # "Which stories did Meridian Wire publish?" once the outlet is read as a filter (no subject left)
    rf"|(?:which|what|how many)(?: {_NOUNS})? (?:did|does|has|have) (?:publish|published|run|print|printed|carry|"
    rf"carried|have))$", re.I)

# "What's the oldest story?", "Which is the most recent article about the canal?"; "the top story
# on the canal" is read as its newest (the index knows no importance but recency)
_EDGE = re.compile(
    rf"^(?:what|which)(?:'s| is| was)? (?:the |your )?(?P<edge>oldest|earliest|first|newest|latest|most recent|"
    rf"last|freshest|top|main|biggest) {_NOUNS}(?: in {_INDEX}| (?:do )?you have| you've got)?"
    rf"(?: {_NAMING} (?P<subject>.+))?$", re.I)
_OLDEST = ("oldest", "earliest", "first")
# "Which outlet reported first on the bridge collapse?", "Who was first to report the fire?", "Who
# broke the Suez story?": the oldest story of the subject, its outlet named
_REPORTED = r"(?:reported|covered|published|wrote)(?: on| about)?"
_FIRST = re.compile(
    rf"^{_OUTLET} (?:{_REPORTED} first (?:on |about )?(?P<a>.+)|{_REPORTED} (?P<b>.+) first|first {_REPORTED} (?P<c>.+)"
    rf"|(?:was|were) (?:the )?first to (?:report|cover|publish|write)(?: on| about)? (?P<d>.+)"
    rf"|broke (?:the )?(?:news|story) (?:of|about|on) (?P<e>.+)|broke (?:the )?(?P<f>.+?) (?:story|news)"
    # in a conversation, "Which outlet reported first?" with the subject appended after the "?"
    rf"|(?:{_REPORTED}(?: it)? first|first {_REPORTED}(?: it)?|(?:was|were) (?:the )?first to (?:report|cover)(?: it)?"
    rf"|broke (?:it|the (?:news|story)))\?\s+(?P<g>.+))$", re.I)


# questions about the articles of a subject rather than its news: "When was the article about the
# Ever Given published?", "Give me the link to the bridge story", "Where can I read more about the
# eclipse?", "Who wrote the Artemis story?" (`asks_who_wrote`: each listed with its authors)
_STORY = rf"(?:the |an? )?{_NOUNS}"
_ABOUT_ARTICLES = re.compile(
    rf"^(?:when (?:was|were) {_STORY} (?:about|on) (?P<a>.+?) (?:published|written|posted)"
    rf"|(?:(?:can you |please )?(?:give|show|send) me |what (?:is|are) |what's )?(?:the )?links? (?:to|for) "
    rf"(?:{_STORY} (?:about|on) )?(?P<b>.+?)(?: {_NOUNS})?"
    rf"|where can i read (?:more )?about (?P<c>.+)"
    rf"|(?P<who>who) wrote (?:{_STORY} (?:about|on) (?P<d>.+)|(?:the )?(?P<e>.+?) {_NOUNS}"
    # in a conversation, "Who wrote that story?" with the subject appended after the "?"
    rf"|(?:that|this|it|the)(?: {_NOUNS})?\? (?P<f>.+)))$", re.I)
_SAYING = re.compile(r"\b(?:say|says|said|claim|claims|claimed|report|reported|state|states|stated|put|"
                     r"puts|estimate|estimates|estimated|give|gives|gave)\b", re.I)


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).rstrip(" ?.!")


def subject_asked(text: str) -> str | None:
    """What the question asks the stories of: a subject ("NASA"), "" for the whole collection, or
    None where it asks something else."""
    t = _plain(text)
    if _ALL.match(t):
        return ""
    if (m := _ABOUT_ARTICLES.match(t)) is not None:
        subject = next(g for k, g in m.groupdict().items() if g and k != "who")
        subject = LEADING_ARTICLE.sub("", subject.strip(), count=1)
        return subject if stems(subject) else None
    m = _SUBJECT.match(t)
    if m is None:
        return None
    subject = LEADING_ARTICLE.sub("", (m.group("subject") or m.group("about")).strip(), count=1)
    if _SAYING.search(subject):
        return None  # "Which reports on the quake say 50,000 died?" asks what they say, not a list
    return subject if stems(subject) else None


def edge_asked(text: str) -> tuple[bool, str] | None:
    """(oldest?, subject) where the question asks for the oldest or newest story, of a subject
    ("the oldest story about the canal") or of the whole collection (subject ""); else None."""
    t = _plain(text)
    if (m := _EDGE.match(t)) is not None:
        oldest, subject = m.group("edge").lower() in _OLDEST, m.group("subject") or ""
    elif (m := _FIRST.match(t)) is not None:
        oldest, subject = True, next(g for g in m.groups() if g)
        if subject.lower().startswith("that "):
            return None  # "Who reported that 50,000 died first?" asks who said it
    else:
        return None
    subject = LEADING_ARTICLE.sub("", subject.strip(), count=1)
    if subject and not stems(subject):
        return None
    return oldest, subject


def asks_who_wrote(text: str) -> bool:
    """"Who wrote the Artemis story?": the listing gives each article's authors."""
    m = _ABOUT_ARTICLES.match(_plain(text))
    return m is not None and m.group("who") is not None


def asks_who_reported(text: str) -> bool:
    """"Who reported on the fire?", "Which outlets covered it?": the outlets are asked for."""
    m = _SUBJECT.match(_plain(text))
    return m is not None and m.group("who") is not None
