"""The web room of the index: news from URLs, fetched politely and safely.

- `urls`: `is_url`, a URL's request target, and which addresses are not public (`unsafe_reason`);
- `fetch`: `Fetcher` (timeouts, size limits, redirects, gzip, conditional GETs, one request at a
  time per host, robots.txt, the private-address guard) and `FetchResult`;
- `robots`: robots.txt rules per site;
- `feeds`: feed or page, and RSS / Atom feeds read with feedparser (`Feed`, `FeedItem`);
- `pages`: a fetched page to an `Article` through the loaders' HTML and text readers;
- `collect`: the URLs of one ingest to the items it stores, fetched before anything is written;
- `state`: the `feeds` table (validators, last polls) in the index's SQLite;
- `watch`: polling URLs round after round (`watch`, `parse_interval`).

`index.ingest` takes URLs beside paths and uses all of this; the names callers need are exported
from `index` itself. Imports nothing heavy: feedparser loads when a feed is first parsed.
"""
