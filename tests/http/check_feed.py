#!/usr/bin/python3
"""Checks a Kindred feed with real parsers.

    check_feed.py URL EXPECTED_COUNT [MUST_CONTAIN_TITLE ...]

URLs ending in .atom are parsed with feedparser (Debian's python3-feedparser; run this with
/usr/bin/python3), URLs ending in .json as JSON Feed 1.1 with the json module. The feed must
parse cleanly, have exactly EXPECTED_COUNT entries, each complete, and contain every title
given. A title prefixed with "!" must NOT be in the feed. Exits 0 when all is well, otherwise
prints what is wrong to stderr and exits 1.
"""

import json
import sys
import urllib.error
import urllib.request

ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def fail(url, message):
    print(f"check_feed: {url}: {message}", file=sys.stderr)
    sys.exit(1)


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        fail(url, f"HTTP {e.code}")
    except OSError as e:
        fail(url, f"cannot fetch: {e}")


def check_titles(url, titles, wanted):
    for t in wanted:
        if t.startswith("!"):
            if t[1:] in titles:
                fail(url, f"title {t[1:]!r} must not be in the feed")
        elif t not in titles:
            fail(url, f"title {t!r} is missing; the feed has {sorted(titles)}")


def check_atom(url, body, headers, expected, wanted):
    import feedparser  # Debian's python3-feedparser: /usr/bin/python3 has it

    d = feedparser.parse(body, response_headers={k.lower(): v for k, v in headers.items()})
    if d.bozo:
        fail(url, f"feedparser reports a malformed feed: {d.bozo_exception!r}")
    if d.version != "atom10":
        fail(url, f"feedparser sees version {d.version!r}, not atom10")
    feed = d.feed
    for key in ("title", "id", "updated"):
        if not feed.get(key):
            fail(url, f"the feed has no {key}")
    self_links = [l for l in feed.get("links", []) if l.get("rel") == "self"]
    if not self_links:
        fail(url, "the feed has no rel=self link")
    if len(d.entries) != expected:
        fail(url, f"{len(d.entries)} entries, expected {expected}")
    ids = set()
    for i, e in enumerate(d.entries):
        for key in ("id", "title", "link", "published", "updated", "author"):
            if not e.get(key):
                fail(url, f"entry {i} ({e.get('title')!r}) has no {key}")
        if not e.get("content") or not e.content[0].get("value", "").strip():
            fail(url, f"entry {i} ({e.title!r}) has no content")
        if e.content[0].get("type") != "text/html":
            fail(url, f"entry {i} content type is {e.content[0].get('type')!r}")
        if not e.link.startswith("http://") and not e.link.startswith("https://"):
            fail(url, f"entry {i} link {e.link!r} is not absolute")
        if e.id in ids:
            fail(url, f"entry id {e.id!r} appears twice")
        ids.add(e.id)
    check_titles(url, {e.title for e in d.entries}, wanted)


def check_json(url, body, expected, wanted):
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(url, f"not JSON: {e}")
    if not isinstance(doc, dict):
        fail(url, "the top level is not an object")
    if doc.get("version") != JSON_FEED_VERSION:
        fail(url, f"version is {doc.get('version')!r}")
    for key in ("title", "home_page_url", "feed_url"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            fail(url, f"the feed has no {key}")
    items = doc.get("items")
    if not isinstance(items, list):
        fail(url, "items is not a list")
    if len(items) != expected:
        fail(url, f"{len(items)} items, expected {expected}")
    ids = set()
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            fail(url, f"item {i} is not an object")
        for key in ("id", "url", "title", "content_html", "date_published"):
            if not isinstance(it.get(key), str) or not it[key].strip():
                fail(url, f"item {i} ({it.get('title')!r}) has no {key}")
        if not it["url"].startswith(("http://", "https://")):
            fail(url, f"item {i} url {it['url']!r} is not absolute")
        # RFC 3339 as JSON Feed requires: 2026-11-24T08:00:00Z
        dp = it["date_published"]
        if len(dp) < 20 or dp[4] != "-" or dp[10] != "T" or not dp.endswith("Z"):
            fail(url, f"item {i} date_published {dp!r} is not RFC 3339")
        if it["id"] in ids:
            fail(url, f"item id {it['id']!r} appears twice")
        ids.add(it["id"])
    check_titles(url, {it["title"] for it in items}, wanted)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    url, expected, wanted = argv[1], int(argv[2]), argv[3:]
    status, ctype, body, headers = fetch(url)
    if status != 200:
        fail(url, f"HTTP {status}")
    mime = ctype.split(";")[0].strip().lower()
    path = url.split("?")[0]
    if path.endswith(".atom"):
        if mime != ATOM_TYPE:
            fail(url, f"Content-Type is {ctype!r}, expected {ATOM_TYPE}")
        check_atom(url, body, headers, expected, wanted)
    elif path.endswith(".json"):
        if mime != JSON_FEED_TYPE:
            fail(url, f"Content-Type is {ctype!r}, expected {JSON_FEED_TYPE}")
        check_json(url, body, expected, wanted)
    else:
        fail(url, "the URL must end in .atom or .json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
