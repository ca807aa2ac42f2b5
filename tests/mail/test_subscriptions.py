#!/usr/bin/python3
"""Email subscriptions against a real SMTP server on loopback (tests/mail/sink.py), the real
binary on a demo site, every message parsed with Python's email package:

  guest_confirms_by_mail     a guest subscribes on the newsletter page, gets the confirmation
                             mail, the link's GET changes nothing, its POST confirms, a second
                             POST answers 410; a known address gets the same answer
  episode_now_arrives        an episode published now arrives at each subscriber: multipart
                             text + HTML, subject = title, List-Unsubscribe (the subscriber's
                             own signed link) + List-Unsubscribe-Post, a visible unsubscribe
                             link, a link to the conversation; the publish request stays fast
  scheduled_episode_arrives  a scheduled episode arrives once its time has come
  one_click_unsubscribe      a bare POST to the List-Unsubscribe URL answers 200 and the next
                             episode reaches the other subscriber only
  stalled_server_publishes_fast  with an SMTP server that never answers, publishing to
                             subscribers takes no longer than without
  kill_during_fanout         kill -9 while 300 subscribers' messages go out: after a restart
                             every subscriber has the episode, at most the one in flight twice

Environment: KINDRED_BIN, KINDRED_STATIC (and KINDRED_TEST_PG_URL under tests/pg/run).
"""
import html
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import sink  # noqa: E402
import test_delivery as td  # noqa: E402  (the node harness and the MIME checks)
from cmocka_summary import report  # noqa: E402

NEWSLETTER = "learning-in-public"  # the demo's, written by mira


class Site(td.Kindred):
    """A node on a demo site (kindred init --demo: members share the password kindred-demo)."""

    def cli(self, *args, check=True):
        if args == ("init",):
            args = ("init", "--demo")
        return super().cli(*args, check=check)

    def sql(self, statement):
        """Runs statement on the site's database (either engine)."""
        url = self.env.get("KINDRED_DATABASE_URL")
        if url:
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                           check=True, capture_output=True)
        else:
            con = sqlite3.connect(os.path.join(self.data, "kindred.db"), timeout=30)
            con.executescript(statement)
            con.close()


def query_one(site, statement):
    """The first column of the first row of statement on the site's database."""
    url = site.env.get("KINDRED_DATABASE_URL")
    if url:
        out = subprocess.run(["psql", "-At", url, "-c", statement], check=True,
                             capture_output=True, text=True).stdout.strip()
        return int(out.splitlines()[0]) if out else None
    con = sqlite3.connect(os.path.join(site.data, "kindred.db"), timeout=30)
    row = con.execute(statement).fetchone()
    con.close()
    return row[0] if row else None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, the CSRF token of the last page, no redirects followed."""

    def __init__(self, site):
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect)
        self.csrf = ""

    def request(self, method, path, fields=None, raw=None, headers=None):
        url = f"http://127.0.0.1:{self.site.port}{path}"
        data = raw
        if fields is not None:
            data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        if data is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        t = time.monotonic()
        try:
            with self.opener.open(req, timeout=30) as r:
                body, status, hdrs = r.read().decode(), r.status, r.headers
        except urllib.error.HTTPError as e:
            body, status, hdrs = e.read().decode(), e.code, e.headers
        took = time.monotonic() - t
        m = re.search(r'name="_csrf" value="([^"]+)"', body)
        if m:
            self.csrf = m.group(1)
        return status, body, hdrs, took

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request("POST", path, fields=dict(fields, _csrf=self.csrf))

    def login(self, handle):
        self.get("/login")
        status, body, _, _ = self.post("/login", {"login": handle, "password": "kindred-demo"})
        assert status == 303, (status, body[:300])
        self.get(f"/write/n/{NEWSLETTER}/episode")  # the session's token
        assert self.csrf


def local(url):
    """A link from a mail (KINDRED_BASE_URL) as a path on the test node."""
    assert url.startswith(td.BASE_URL + "/"), url
    return url[len(td.BASE_URL):]


def mails_to(box, address, since=0):
    return [td.parse(raw) for _, rcpts, raw in box.received()[since:] if address in rcpts]


def wait_mail(box, address, since, timeout, count=1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = mails_to(box, address, since)
        if len(got) >= count:
            return got
        time.sleep(0.05)
    return mails_to(box, address, since)


def parts(msg):
    assert msg.get_content_type() == "multipart/alternative", msg.get_content_type()
    p = list(msg.iter_parts())
    assert [x.get_content_type() for x in p] == ["text/plain", "text/html"], p
    return p[0].get_content(), p[1].get_content()


def guest_subscribe(site, box, address):
    """Subscribes address as a guest through the page and its mailed link; returns nothing."""
    g = Browser(site)
    since = len(box.received())
    status, body, _, _ = g.request(
        "POST", f"/n/{NEWSLETTER}/subscribe", fields={"email": address},
        headers={"Origin": f"http://127.0.0.1:{site.port}",
                 "Host": f"127.0.0.1:{site.port}"})
    assert status == 200 and "Check your inbox" in body, (status, body[:400])
    got = wait_mail(box, address, since, 10)
    assert len(got) == 1, f"{len(got)} confirmation mails"
    text, _ = parts(got[0])
    link = re.search(r"(https://\S+/subscribe/confirm\?token=[A-Za-z0-9_-]+)", text).group(1)
    status, body, _, _ = g.get(local(link))
    assert status == 200 and "Confirm subscription" in body, (status, body[:300])
    status, body, _, _ = g.post("/subscribe/confirm", {"token": urllib.parse.parse_qs(
        urllib.parse.urlsplit(link).query)["token"][0]})
    assert status == 200 and "You are subscribed" in body, (status, body[:300])
    return g, link


# An image uploaded to the demo (an episode's cover): the editor takes images only from this
# site's uploads, and the mail must make their address absolute. Found at first use.
FIGURE = []


def figure(author):
    if not FIGURE:
        _, page, _, _ = author.get(f"/n/{NEWSLETTER}/two-languages-one-team")
        m = re.search(r'src="(/media/[0-9a-f]{64}\.(?:png|jpg|webp))"', page)
        assert m, "no uploaded image on the episode's page"
        FIGURE.append(m.group(1))
        author.get(f"/write/n/{NEWSLETTER}/episode")  # the form's token again
    return FIGURE[0]


def publish(author, title, publish_at=""):
    image = figure(author)
    status, body, _, took = author.post(f"/write/n/{NEWSLETTER}/episode", {
        "season": "1", "title": title, "subtitle": "", "slug": "",
        "body": "A [relative link](/n/learning-in-public) and **bold** text.\n\n"
                f"![a figure]({image})\n",
        "cover_alt": "", "cover_credit": "", "ai": "none", "teaser": "",
        "publish_at": publish_at, "action": "publish"})
    assert status == 303, (status, re.sub(r"\s+", " ", body)[:600])
    return took


# ---------------------------------------------------------------- tests

def test_guest_confirms_by_mail(site, box, state):
    g, link = guest_subscribe(site, box, "reader1@example.net")
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    # used once: the second POST is refused with a clear page
    g.get("/")
    status, body, _, _ = g.post("/subscribe/confirm", {"token": token})
    assert status == 410, status
    status, _, _, _ = g.get(local(link))
    assert status == 410, status
    # a known address gets the same answer and no mail
    since = len(box.received())
    g2 = Browser(site)
    status, body, _, _ = g2.request(
        "POST", f"/n/{NEWSLETTER}/subscribe", fields={"email": "Reader1@Example.net"},
        headers={"Origin": f"http://127.0.0.1:{site.port}", "Host": f"127.0.0.1:{site.port}"})
    assert status == 200 and "Check your inbox" in body, status
    time.sleep(1.5)
    assert not mails_to(box, "Reader1@Example.net", since), "a subscribed address was mailed"
    guest_subscribe(site, box, "reader2@example.net")
    mira = Browser(site)
    mira.login("mira")
    state["mira"] = mira


def check_episode_mail(msg, title, address):
    assert str(msg["Subject"]) == title, str(msg["Subject"])
    assert msg["To"].addresses[0].addr_spec == address
    lu = str(msg["List-Unsubscribe"]).strip()  # folded after the colon: unfolded here
    m = re.fullmatch(r"<(https://kindred\.example\.org/unsubscribe/\d+/[A-Za-z0-9_-]+)>", lu)
    assert m, lu
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, body = parts(msg)
    assert m.group(1) in text, "no visible unsubscribe link in the text"
    assert html.escape(m.group(1)) in body or m.group(1) in body, "none in the HTML"
    assert 'href="https://kindred.example.org/n/learning-in-public"' in body, \
        "a relative link was not made absolute"
    assert f'src="https://kindred.example.org{FIGURE[0]}"' in body, body
    assert "#comments" in body and "#comments" in text, "no link to the conversation"
    return m.group(1)


def test_episode_now_arrives(site, box, state):
    since = len(box.received())
    title = "Notes on 学习 & <tags>"
    took = publish(state["mira"], title)
    got1 = wait_mail(box, "reader1@example.net", since, 20)
    got2 = wait_mail(box, "reader2@example.net", since, 5)
    assert len(got1) == 1 and len(got2) == 1, (len(got1), len(got2))
    for raw in [r for _, rc, r in box.received()[since:]]:
        td.check_wire_format(raw)
    state["unsub1"] = check_episode_mail(got1[0], title, "reader1@example.net")
    u2 = check_episode_mail(got2[0], title, "reader2@example.net")
    assert u2 != state["unsub1"], "two subscribers share an unsubscribe link"
    # each in their language: the demo's guest who subscribed reading Chinese, and Li Wei
    zh = wait_mail(box, "wang.fang@example.cn", since, 5)
    assert len(zh) == 1, len(zh)
    text, body = parts(zh[0])
    assert "参与讨论" in body and "退订" in text, "the Chinese edition"
    assert len(wait_mail(box, "liwei@kindred.test", since, 5)) == 1, "a member's edition"
    assert "Join the conversation" in parts(got1[0])[1], "the English edition"
    assert took < 1.0, f"the publish request took {took:.2f} s"
    print(f"    publish request {took * 1000:.0f} ms", flush=True)
    # a title cannot carry a header in: the editor refuses or the mail keeps it one line
    since = len(box.received())
    status, body, _, _ = state["mira"].post(f"/write/n/{NEWSLETTER}/episode", {
        "season": "1", "title": "Injected\r\nBcc: evil@example.org", "body": "x",
        "ai": "none", "action": "publish"})
    time.sleep(3)
    for _, rcpts, raw in box.received()[since:]:
        assert "evil@example.org" not in rcpts, "a title added a recipient"
        assert b"\r\nBcc:" not in raw.split(b"\r\n\r\n")[0], "a title added a header"


def test_scheduled_episode_arrives(site, box, state):
    since = len(box.received())
    at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 4))
    took = publish(state["mira"], "A scheduled letter", at)
    time.sleep(2)
    assert not mails_to(box, "reader1@example.net", since), "mailed before its time"
    got = wait_mail(box, "reader1@example.net", since, 40)
    assert len(got) == 1 and str(got[0]["Subject"]) == "A scheduled letter", len(got)
    print(f"    scheduled: publish request {took * 1000:.0f} ms", flush=True)


def test_one_click_unsubscribe(site, box, state):
    g = Browser(site)
    # a bare POST, as a mail client sends it (RFC 8058): no session, no token
    status, body, _, _ = g.request("POST", local(state["unsub1"]),
                                   raw=b"List-Unsubscribe=One-Click")
    assert status == 200, (status, body[:300])
    # a wrong signature does nothing
    bad = re.sub(r"/[A-Za-z0-9_-]+$", "/AAAAAAAAAAAAAAAAAAAAAA", local(state["unsub1"]))
    status, _, _, _ = g.request("POST", bad, raw=b"")
    assert status == 404, status
    since = len(box.received())
    publish(state["mira"], "After the unsubscribe")
    got = wait_mail(box, "reader2@example.net", since, 20)
    assert len(got) == 1, len(got)
    time.sleep(1.5)
    assert not mails_to(box, "reader1@example.net", since), "mailed after unsubscribing"


def test_stalled_server_publishes_fast(workdir):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held, stop = [], threading.Event()

    def hold():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except socket.timeout:
                pass
    threading.Thread(target=hold, daemon=True).start()
    site = Site(workdir, "stalled", listener.getsockname()[1], timeout=20, node="stall-sub")
    try:
        site.sql("INSERT INTO mail_subscription (newsletter_id, email, email_key, state, "
                 "created_at, confirmed_at) SELECT id, 'stall@example.net', "
                 "'stall@example.net', 'active', 1, 1 FROM newsletter WHERE slug = "
                 f"'{NEWSLETTER}';")
        mira = Browser(site)
        mira.login("mira")
        first = publish(mira, "Into the stall")
        end = time.monotonic() + 10
        while not held and time.monotonic() < end:
            time.sleep(0.05)
        assert held, "kindred never connected to the server"
        worst = max(publish(mira, f"While stalled {i}") for i in range(3))
        assert worst < 2.0, f"publishing took {worst:.2f} s while the server stalled"
        print(f"    publish while stalled: worst {worst * 1000:.0f} ms "
              f"(first {first * 1000:.0f} ms)", flush=True)
    finally:
        stop.set()
        site.stop()
        for c in held:
            c.close()
        listener.close()


def test_kill_during_fanout(workdir, smtp_port, box):
    site = Site(workdir, "killed", smtp_port, node="kill-sub")
    n = 300
    try:
        rows = ", ".join(f"((SELECT id FROM newsletter WHERE slug = '{NEWSLETTER}'), "
                         f"'slow-k{i}@example.net', 'slow-k{i}@example.net', 'active', 1, 1)"
                         for i in range(n))
        site.sql("INSERT INTO mail_subscription (newsletter_id, email, email_key, state, "
                 f"created_at, confirmed_at) VALUES {rows};")
        mira = Browser(site)
        mira.login("mira")
        since = len(box.received())
        publish(mira, "Everyone gets this once")
        end = time.monotonic() + 60
        while len(box.received()) - since < 20 and time.monotonic() < end:
            time.sleep(0.02)
        site.stop(signal.SIGKILL)
        at_kill = len(box.received()) - since
        assert 20 <= at_kill < n, f"{at_kill} had arrived at the kill"
        site.start()
        want = {f"slow-k{i}@example.net" for i in range(n)}
        end = time.monotonic() + 120
        while time.monotonic() < end:
            got = {r for _, rcpts, _ in box.received()[since:] for r in rcpts}
            if want <= got:
                break
            time.sleep(0.2)
        time.sleep(1)
        copies = {}
        for _, rcpts, raw in box.received()[since:]:
            for r in rcpts:
                copies[r] = copies.get(r, 0) + 1
        missing = want - set(copies)
        assert not missing, f"{len(missing)} subscribers never got the episode"
        twice = [a for a, c in copies.items() if c > 1]
        assert len(twice) <= 1 and all(copies[a] == 2 for a in twice), twice
        # every batch was queued once: one outbox row per subscriber, and sent ones keep no
        # copy of the message
        rows = query_one(site, "SELECT count(*) FROM mail_outbox WHERE purpose = 'episode' AND "
                               "recipient LIKE 'slow-k%'")
        assert rows == n, f"{rows} outbox rows for {n} subscribers"
        end = time.monotonic() + 10
        while query_one(site, "SELECT count(*) FROM mail_outbox WHERE state <> 'sent'") and \
                time.monotonic() < end:
            time.sleep(0.2)
        kept = query_one(site, "SELECT count(*) FROM mail_outbox WHERE state = 'sent' AND "
                               "message IS NOT NULL")
        assert kept == 0, f"{kept} sent messages kept their bytes"
        print(f"    {at_kill} of {n} had arrived at the kill; after the restart all {n} did, "
              f"{len(twice)} twice", flush=True)
    finally:
        site.stop()


def main():
    import logging
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    workdir = tempfile.mkdtemp(prefix="kindred-subs-")
    passed, failed = [], []

    def run(name, fn, *args):
        try:
            fn(*args)
            passed.append(name)
            print(f"[       OK ] {name}", flush=True)
        except Exception as e:
            failed.append(name)
            print(f"[  FAILED  ] {name}: {type(e).__name__}: {e}", flush=True)

    smtp_port = td.free_port()
    controller, box = sink.start(smtp_port)
    site = None
    state = {}
    try:
        site = Site(workdir, "site", smtp_port)
        run("guest_confirms_by_mail", test_guest_confirms_by_mail, site, box, state)
        run("episode_now_arrives", test_episode_now_arrives, site, box, state)
        run("scheduled_episode_arrives", test_scheduled_episode_arrives, site, box, state)
        run("one_click_unsubscribe", test_one_click_unsubscribe, site, box, state)
        site.stop()
        site = None
        run("stalled_server_publishes_fast", test_stalled_server_publishes_fast, workdir)
        run("kill_during_fanout", test_kill_during_fanout, workdir, smtp_port, box)
        run("no_sanitizer_reports", td.check_no_sanitizer_reports, workdir)
    except Exception as e:
        failed.append("subscriptions_harness")
        print(f"[  FAILED  ] subscriptions_harness: {e}", flush=True)
    finally:
        if site:
            site.stop()
        controller.stop()
        if failed:
            for name in os.listdir(workdir):
                if name.endswith(".log"):
                    print(f"--- {name}")
                    print(open(os.path.join(workdir, name)).read()[-3000:])
        shutil.rmtree(workdir, ignore_errors=True)
        for db in td.PG_DATABASES:
            try:
                td.pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            except subprocess.CalledProcessError:
                pass
    return report(len(passed), failed)


if __name__ == "__main__":
    sys.exit(main())
