"""Fixtures of the web tests: a local news site on 127.0.0.1 (see tests/web_site.py) and a
fetcher that may reach it (the site is on the loopback address) without waiting between requests."""

from __future__ import annotations

import pytest

from tests.web_site import LocalSite


@pytest.fixture
def site():
    with LocalSite() as s:
        yield s


@pytest.fixture
def fetcher():
    from index import Fetcher

    return Fetcher(allow_private=True, host_delay=0, timeout=5)
