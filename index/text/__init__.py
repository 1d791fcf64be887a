"""The one text toolkit of the index and the assistant: every piece of plain-text handling that
more than one module needs, written once.

- `words`: the tokenisers (one family of word patterns and its named variants), `words()`,
  the stopwords and the small stemmer (`stem`, `stems`);
- `dates`: month and weekday names, the year pattern, and `parse_day` (a day given as a filter);
- `numbers`: number words and their values, and the shapes of numerals ("21,000").

It lives in `index` because both `index` and `assistant` read text and imports only point
ui -> assistant -> index; it imports nothing from either beyond `index.errors`.

Limits: English only; surface rules (regexes, word lists, a suffix stemmer), no language model
and no dictionary; what a word is differs by caller on purpose, and `words` says where.
"""
