"""Crawl the running site from its home page, in French and in English: every link answers
without error, and nothing points to (or mentions) a non-public resource."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import PRIVATE_KEYS
from .html_links import Links
from .servers import running_server

PRIVATE_SLUGS = [key.rsplit("/", 1)[1] for key in PRIVATE_KEYS]
MAX_PAGES = 600


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("crawl")) as url:
        yield url


def fetch(url: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "text/html,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", error.read()


@pytest.mark.parametrize("start", ["/", "/?lang=en"])
def test_every_link_from_home_works_and_hides_private_resources(site, start):
    host = urlsplit(site).netloc
    queue, seen, failures, leaks = deque([site + start]), set(), [], []
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft().split("#", 1)[0]
        if url in seen:
            continue
        seen.add(url)
        status, media, body = fetch(url)
        if status >= 400:
            failures.append((url, status))
            continue
        text = body.decode("utf-8", "replace")
        leaks += [(url, slug) for slug in PRIVATE_SLUGS if slug in text]
        if media != "text/html":
            continue
        parser = Links()
        parser.feed(text)
        for link in parser.found:
            target = urljoin(url, link)
            parts = urlsplit(target)
            if parts.netloc == host and parts.scheme in ("http", "https") \
                    and not parts.path.startswith("/sparql") or parts.path == "/sparql" \
                    and not parts.query:
                queue.append(target)
    assert failures == []
    assert leaks == []
    assert len(seen) > 40  # the whole sample was reached, not just the home page
    assert any("/doc/term/" in url for url in seen) and any("/doc/notebook/" in url
                                                            for url in seen)
