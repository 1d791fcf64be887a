"""Text cleaning for loaded articles: page boilerplate, titles, and the text behind ids.

Purpose: turn the text of a scraped or exported article into a title and a clean body,
the same way for every input format, so the same report read from two files gets the
same id.

Limits: boilerplate is removed only as whole lines that match `BOILERPLATE_LINES`
(a phrase inside a paragraph is never touched), and only lines up to
`MAX_BOILERPLATE_CHARS` long are candidates. The title heuristic looks at the first
three non-empty lines only; it is a heuristic and can pick a sub-heading when an
article opens with a question headline followed by a one-line paragraph.
"""

from __future__ import annotations

import re
import unicodedata

from index.loading.byline import is_byline
from index.text.dates import only_calendar_words

# THE one list of page boilerplate. Each entry is a lowercase phrase matched against a
# whole line, case-insensitively, after collapsing whitespace and dropping trailing
# punctuation. `*` stands for any text (possibly none). Every line may also start with
# a count ("12 Comments", "1.2k shares", "5 min read").
BOILERPLATE_LINES: tuple[str, ...] = (
    # comments and sharing widgets
    "comment",
    "comments",
    "no comments",
    "view comments",
    "show comments",
    "leave a comment",
    "add a comment",
    "join the conversation",
    "share",
    "shares",
    "share this",
    "share this article",
    "share this story",
    "share on *",
    "share via *",
    "print this article",
    "email this article",
    # advertising
    "ad",
    "advertisement",
    "advertisements",
    "advertisement - scroll to continue",
    "sponsored",
    "sponsored content",
    "how relevant is this ad to you?",
    "story continues below*",
    "article continues below*",
    "continue reading below*",
    # video players
    "video ad feedback",
    "video player is loading",
    "this video player*",
    "now playing",
    "watch: *",
    # navigation, newsletters, paywall prompts
    "skip to *",
    "back to top",
    "sign up for *newsletter*",
    "subscribe to *",
    "subscribe",
    "subscribe now",
    "click here*",
    "read more",
    "read more: *",
    "related",
    "related articles",
    "related stories",
    "related content",
    "related coverage",
    "more on this story",
    "most read",
    "most popular",
    "follow us",
    "follow us on *",
    "listen to this article*",
    "min read",
    "we use cookies*",
    "accept cookies",
    # copyright and picture credits
    "copyright*all rights reserved",
    "©*all rights reserved",
    "all rights reserved",
    "image: *",
    "photo: *",
    "photograph: *",
    "image source: *",
)

# Page furniture run into a paragraph, which whole-line removal cannot reach: a photo gallery's
# "Hide Caption 14 of 29 Photos: Photos:" between its captions, all on one line. Loaders keep it
# (cutting it would change the ids of articles already indexed); the reader's sentence splitter
# leaves such a line out, so neither its counts nor its captions' old dates are read as the story's.
INLINE_FURNITURE = re.compile(r"\bHide Caption (?P<k>\d+) of (?P<n>\d+)(?:\s+Photos:)*", re.I)

# Longer lines are prose, even when they start like boilerplate ("Click here ...").
MAX_BOILERPLATE_CHARS = 120

MAX_TITLE_CHARS = 200
MAX_FALLBACK_TITLE_CHARS = 120


_TRAILING_PUNCT = " \t.:!?|›»→>-–—"


def _compile_boilerplate(patterns) -> re.Pattern:
    # Lines are compared without trailing punctuation, so patterns are too.
    alternatives = "|".join(
        ".*".join(re.escape(part) for part in pat.rstrip(_TRAILING_PUNCT).split("*")) for pat in patterns
    )
    return re.compile(rf"(?:\d[\d,.]*\s*[km]?\s+)?(?:{alternatives})")


_BOILERPLATE_RE = _compile_boilerplate(BOILERPLATE_LINES)
# Vertical tab, form feed, NEL and the Unicode separators all mean "new line" to a reader.
_NEWLINES_RE = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")
_BLANK_RUN_RE = re.compile(r"\n{3,}")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SENTENCE_BREAK_RE = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s|$)")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
_SETEXT_RULE_RE = re.compile(r"^(=+|-+)$")
_BYLINE_RE = re.compile(r"^(by|updated|published|posted|last updated)\b", re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    """True when the whole line is page furniture listed in `BOILERPLATE_LINES`."""
    line = line.strip()
    if not line or len(line) > MAX_BOILERPLATE_CHARS:
        return False
    key = " ".join(line.casefold().split()).rstrip(_TRAILING_PUNCT)
    return bool(key) and _BOILERPLATE_RE.fullmatch(key) is not None


def clean_text(text: str) -> str:
    """Normalise newlines, drop control characters, trailing spaces and boilerplate lines,
    and leave at most one blank line between paragraphs. Idempotent."""
    text = _NEWLINES_RE.sub("\n", text)
    text = _CONTROL_RE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(line for line in lines if not is_boilerplate(line))
    return _BLANK_RUN_RE.sub("\n\n", text).strip()


def normalise_for_id(text: str) -> str:
    """The form of a text that its id hashes: NFKC, casefolded, whitespace collapsed.

    NFKC runs again after casefolding because casefolding can produce non-NFKC text."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(text.split())


def title_key(line: str) -> str:
    """What two title lines must share to count as the same headline."""
    return normalise_for_id(_MD_HEADING_RE.sub("", line.strip())).rstrip(". ")


def first_sentence(text: str, limit: int = MAX_FALLBACK_TITLE_CHARS) -> str:
    """The first sentence of `text` to stand in for a missing title, cut at a word
    (with an ellipsis) when it is longer than `limit` characters."""
    flat = " ".join(text.split())
    match = _SENTENCE_BREAK_RE.search(flat)
    sentence = flat[: match.end()] if match else flat
    sentence = sentence.rstrip(".")
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def _strip_heading(line: str) -> str:
    return " ".join(_MD_HEADING_RE.sub("", line.strip()).split())


def looks_like_headline(line: str) -> bool:
    """Short, at least two words, and not ending like a sentence, a list lead-in, a
    byline, a date line or an outlet-and-date line ("The Coastal Herald, 12 June 2025")."""
    text = _strip_heading(line)
    return (
        0 < len(text) <= MAX_TITLE_CHARS
        and len(text.split()) >= 2
        and any(ch.isalpha() for ch in text)
        and not _SENTENCE_END_RE.search(text)
        and text[-1] not in ",;:"
        and not text.startswith(("- ", "* ", "+ ", ">"))
        and not _BYLINE_RE.match(text)
        and not only_calendar_words(text)
        and not is_byline(text)
    )


def remove_title_lines(body: str, title: str) -> str:
    """Drop every line of `body` that repeats `title` (and a setext underline after it),
    so the title is never kept twice."""
    key = title_key(title)
    if not key:
        return body
    kept: list[str] = []
    dropped_previous = False
    for line in body.split("\n"):
        if title_key(line) == key:
            dropped_previous = True
            continue
        if dropped_previous and _SETEXT_RULE_RE.match(line.strip()):
            continue
        dropped_previous = False
        kept.append(line)
    return _BLANK_RUN_RE.sub("\n\n", "\n".join(kept)).strip()


def split_title(text: str) -> tuple[str, str]:
    """Split plain text (.txt/.md) into (title, body); the body never holds the title.

    The first non-empty line is the title, unless it does not read like a headline (a
    standfirst sentence, a one-word section label, a byline) and one of the next two
    non-empty lines does; then that line wins and the standfirst stays in the body. A markdown `# ` heading among
    the first three lines always wins. When the text opens with a long paragraph and no
    headline, the title is its first sentence and the paragraph stays in the body.
    """
    text = clean_text(text)
    firsts = [line for line in text.split("\n") if line.strip()][:3]
    if not firsts:
        return "", ""
    h1 = [line for line in firsts if re.match(r"^#\s", line.strip())]
    if h1:
        title = h1[0]
    elif looks_like_headline(firsts[0]):
        title = firsts[0]
    else:
        # A standfirst, a section label or a byline came first: a headline below wins.
        title = next((line for line in firsts[1:] if looks_like_headline(line)), "")
        if not title and len(_strip_heading(firsts[0])) > MAX_TITLE_CHARS:
            return first_sentence(text), text
        title = title or firsts[0]
    return _strip_heading(title), remove_title_lines(text, title)
