"""Words of English news text: the tokenisers, the stopwords and the small stemmer.

Tokenisers. One family: a word is a word character (letter, digit, "_"), then word characters
and *joiners*, ending on a word character, so a joiner never opens or closes a word (the "-" of
"al-Sham" joins, the one of "2021 - 22" does not). Its members differ in the joiners (and TERM
in where a word may open, see Limits), because their callers need different shapes:

    pattern      joiners     "U.S. troops"    "21,000 dead"     read by
    TERM         ' ’ . -     U.S, troops      21, 000, dead     `words`: question terms, stems
    TOKEN        ' ’ . , -   U.S, troops      21,000, dead      names and numbers of a conversation
    SEARCH_WORD  ' ’ -       U, S, troops     21, 000, dead     the BM25 query (`store.fts_terms`)

Three shapes are not words of that family, and say so in their names:
- ALNUM: runs of letters and digits only ("_" splits too): the words of MinHash shingles;
- NAME_RUN: any run of letters, digits and ' ’ & -, so "&" of "Research & Development" is a
  word: the words of a name before a bracketed acronym;
- CAPITALISED_RUN: two or more capitalised words ("Highland Park"), a name read whole;
- DIFF_TOKEN: a number grouped by thousands ("21,000"), a word whose joiners stand alone
  between letters ("U.S." keeps its closing "."), or one punctuation mark: what the word-level
  diff of two near-identical sentences compares.

`words(text)`: the TERM words, lower-case. `STOPWORDS`: function words and the words questions
use about the news itself ("reported", "article"), left out of terms, stems and names;
`SEARCH_STOPWORDS` is the smaller subset the BM25 query leaves out. `QUESTION_WORDS` and
`AUXILIARIES`: the words a question opens with ("who", "was"); `alternation` turns such a set into
a regex alternation for the patterns that read questions. `stem`/`stems`: a small
suffix stemmer with the irregular past forms news uses most (`IRREGULAR`).

Limits: English only. TERM opens a word only at an ASCII or Latin-1 letter or digit: in a word
opening with another letter ("Łódź") that letter stands alone and the word starts after it.
The stemmer is deliberately small (no dictionary): it conflates "displaced"/"displacement" and
"casualties"/"casualty", and can also join unrelated words that share a stem. It folds diacritics
("Türkiye" meets "Turkiye") and a place's old name to its new one (`PLACE_NAMES`: "Turkey" meets
"Türkiye", "Kiev" meets "Kyiv"), one-word names only, whatever the case (the bird "turkey" too).
"""

from __future__ import annotations

import re
import unicodedata

from index.text.numbers import GROUPED_NUMBER

APOSTROPHES = "'’"
_LATIN1_ALNUM = "[A-Za-z0-9À-ÖØ-öø-ÿ]"


def _word(joiners: str, first: str = r"\w") -> re.Pattern:
    """The family's pattern: `first`, then word characters and `joiners`, ending on a word
    character; or one word character alone. `joiners` go inside a [class]: "-" last."""
    return re.compile(rf"{first}[\w{joiners}]*\w|\w")


TERM = _word(APOSTROPHES + ".-", first=_LATIN1_ALNUM)
TOKEN = _word(APOSTROPHES + ".,-")
SEARCH_WORD = _word(APOSTROPHES + "-")
ALNUM = re.compile(r"[^\W_]+")
NAME_RUN = re.compile(rf"[\w{APOSTROPHES}&-]+")
# two or more capitalised words, linked by "of", "the" or "de" at most: a name that must stand
# whole ("Highland Park", "Bank of England"), though each of its words may stand apart elsewhere
# "the", "a" or "an" opening a phrase: "the Suez Canal" asked about is "Suez Canal"
LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w'’-]*)+")
DIFF_TOKEN = re.compile(rf"{GROUPED_NUMBER}|\w+(?:[.{APOSTROPHES}-]\w+)*\.?|[^\w\s]")

# A question word, pronoun or "that" with its verb run in ("What's the latest?"): a word of its
# own to the tokenisers (they join apostrophes), a stopword like the word itself, either apostrophe.
CONTRACTIONS = frozenset(w.replace("'", a) for w in """it's what's who's where's when's how's why's
    that's there's here's i'd i'm i've""".split() for a in APOSTROPHES) | frozenset(
    "whats whos wheres whens hows".split())  # typed without the apostrophe
# Words too common in questions to be worth a BM25 term.
SEARCH_STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i in
    into is it its of on or said say says than that the their them then there these they
    this those to was we were what when where which who whom whose why will with would you your
    about after before many much any some""".split()
) | CONTRACTIONS
# The words a question asks with ("who", "how"), lowercase.
QUESTION_WORDS = frozenset("who whom whose what which where when why how".split())
# The verbs a question puts before its subject ("Was it ...", "How many did ..."), lowercase.
AUXILIARIES = frozenset("is was are were did does do has have had will would can could should".split())
# The nouns a question names reports by ("any stories from May?", "headlines of last week"): they
# name nothing to look for.
REPORT_NOUNS = frozenset("""news report reports article articles story stories headline headlines coverage
    outlet outlets newspaper newspapers""".split())
# What a question comparing reports asks with ("Do the outlets agree on the toll?"): with a report
# noun beside them they name nothing to look for.
COMPARING = frozenset("agree agrees agreed disagree disagrees disagreed differ differs differed".split())
# Reading leaves out more: pronouns, further function words, the contraction halves "s", "t" and
# "don", and the words questions use about the news itself ("reported", "article", "happened",
# "the latest on", "any updates", "a summary of", "I'd like to know": a sentence that answers
# rarely says so), and "get" ("Did the ship get freed?": the report says "freed").
STOPWORDS = SEARCH_STOPWORDS | frozenset(
    """being doing done having if itself onto our out over theirs too under up upon us whatever
    whereas while yours again against all also am because between both during each few further
    here just more most other own same so such only very s t don should now according recently
    anyone anybody anything someone somebody something everyone everybody everything
    get got gets getting gotten reported tell told happened happen happening latest newest
    update updates summary overview please know like he him his she her hers himself herself me my
    ours""".split()
) | REPORT_NOUNS

# Irregular past forms news questions and reports use most: "led" must meet "leading".
IRREGULAR = {
    "led": "lead", "fled": "flee", "won": "win", "took": "take", "taken": "take", "began": "begin",
    "begun": "begin", "fell": "fall", "fallen": "fall", "held": "hold", "met": "meet", "sent": "send",
    "struck": "strike", "left": "leave", "made": "make", "gave": "give", "given": "give", "ran": "run",
    "built": "build", "paid": "pay", "sold": "sell", "bought": "buy", "rose": "rise", "risen": "rise",
    "grew": "grow", "grown": "grow", "chose": "choose", "chosen": "choose", "spoke": "speak",
    "spoken": "speak", "wrote": "write", "written": "write", "broke": "break", "broken": "break",
    "came": "come", "went": "go", "gone": "go", "brought": "bring", "found": "find", "lost": "lose",
    "kept": "keep", "stood": "stand", "shot": "shoot", "sank": "sink", "sunk": "sink", "flew": "fly",
    "flown": "fly", "drove": "drive", "driven": "drive", "stole": "steal", "stolen": "steal",
    "killed": "kill", "dead": "die", "died": "die", "deaths": "die", "death": "die", "dying": "die",
    "caught": "catch", "fought": "fight", "sought": "seek", "threw": "throw", "thrown": "throw",
    "withdrew": "withdraw", "withdrawn": "withdraw", "hid": "hide", "hidden": "hide", "bore": "bear",
    "swept": "sweep", "spent": "spend", "lent": "lend", "dealt": "deal", "meant": "mean",
}

# Places news writes by an old and a new name (one word each): a question typed with either meets
# a report written with the other. Keyed by the folded old name; the stem is the new one's.
PLACE_NAMES = {
    "turkey": "turkiye", "kiev": "kyiv", "kharkov": "kharkiv", "odessa": "odesa", "lugansk": "luhansk",
    "burma": "myanmar", "swaziland": "eswatini", "bombay": "mumbai", "madras": "chennai",
    "calcutta": "kolkata", "peking": "beijing", "rangoon": "yangon",
}


def alternation(ws) -> str:
    """A regex alternation of the words `ws`, longest first (so "whose" is tried before "who")."""
    return "|".join(sorted(ws, key=lambda w: (-len(w), w)))


def words(text: str) -> list[str]:
    """The TERM words of `text`, lower-case, in order: "U.S. troops" -> ["u.s", "troops"]."""
    return [w.lower() for w in TERM.findall(text)]


def strip_diacritics(text: str) -> str:
    """`text` without combining marks ("Échos" -> "Echos"), as the FTS5 tokenizer's
    remove_diacritics does; a letter with no decomposition ("ı", "ł") stays."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# letters Unicode gives no accent-free decomposition, written as an English keyboard types them
_UNDECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae",
                               "œ": "oe", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case without diacritics ("Türkiye" -> "turkiye", "Pazarcık" -> "pazarcik"): a name
    typed without its accents meets the report's."""
    low = text.lower()
    return low if low.isascii() else strip_diacritics(low).translate(_UNDECOMPOSED)


def stem(word: str) -> str:
    """A deliberately small stemmer: enough to match 'displaced'/'displacement'/'displaces'.
    Diacritics are folded first (`fold`): "Mbappé" and "Mbappe" share a stem."""
    w = fold(word).strip("'’")
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    # an irregular form goes to its base, then on like a regular word: "struck" meets "strikes";
    # a place's old name to its new one
    w = IRREGULAR.get(w) or PLACE_NAMES.get(w, w)
    if w.endswith("ies") and len(w) > 5:
        w = w[:-3] + "y"  # "casualties" -> "casualty", then on as the singular would
    for suf in ("ments", "ment", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly"):
        if len(w) - len(suf) >= 4 and w.endswith(suf):
            w = w[: -len(suf)]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def stems(text: str) -> set[str]:
    """The stems of the words of `text` that are not stopwords, and of the parts of a hyphenated
    word ("Notre-Dame" gives "notre-dame", "notre" and "dame": a question typed "Notre Dame"
    meets it, as BM25, which splits at hyphens, does)."""
    out = set()
    for w in words(text):
        if w in STOPWORDS:
            continue
        out.add(stem(w))
        if "-" in w:
            out.update(stem(p) for p in w.split("-") if len(p) > 1 and p not in STOPWORDS)
    return out
