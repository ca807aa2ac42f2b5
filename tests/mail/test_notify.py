#!/usr/bin/python3
"""Notification mail from the real binary to a real SMTP server on loopback (tests/mail/sink.py),
each message parsed with Python's email package (docs/mail.md, "Notification mail"). The site is
the demo: ana chose immediate mail, liwei (who reads in Chinese) a weekly digest.

  immediate_mention_arrives    sam mentions @ana in a comment through the web form; the
                               immediate pass (kindred mail notify TIME, five minutes' grace
                               later) mails ana once: the sentence as subject, the excerpt, an
                               absolute link straight to the comment, a link to the settings,
                               List-Unsubscribe + List-Unsubscribe-Post; what ana had read is not
                               in it
  weekly_digest_in_chinese     the digest pass at the next Monday 08:00 UTC mails liwei a digest
                               in Chinese (subject, heading, footer) with links to each reply;
                               nothing more the same week
  one_click_stops_mail         a bare POST (List-Unsubscribe=One-Click, no cookie, no token) to
                               each List-Unsubscribe URL stops notification mail: a new mention
                               of ana and a reply to liwei mail nothing afterwards

Environment: KINDRED_BIN, KINDRED_STATIC, KINDRED_TEST_PG_URL (tests/pg/run). Prints
cmocka-style lines that scripts/test counts.
"""
import datetime
import http.cookiejar
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import sink  # noqa: E402
import test_delivery as td  # noqa: E402  (the harness: a node, parsing, the wire format)
from cmocka_summary import report  # noqa: E402

GRACE_S = 300  # KD_NOTIFY_MAIL_GRACE_S
EPISODE = "/n/learning-in-public/two-languages-one-team"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A member's session on the site: cookies, forms with their CSRF token."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect)

    def get(self, path):
        with self.opener.open(self.base + path, timeout=10) as r:
            return r.read().decode()

    def post(self, path, fields):
        """POSTs a form with the page's token; returns (status, Location)."""
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=10) as r:
                return r.status, r.headers.get("Location", "")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Location", "")

    def token(self, path):
        m = re.search(r'name="_csrf" value="([^"]+)"', self.get(path))
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def login(self, handle):
        status, _ = self.post("/login", {"_csrf": self.token("/login"), "login": handle,
                                         "password": "kindred-demo", "next": "/"})
        assert status == 303, f"login as {handle}: {status}"
        return self

    def comment(self, body):
        """Posts a comment on EPISODE; returns its id."""
        status, loc = self.post(EPISODE + "/comments", {"_csrf": self.token(EPISODE),
                                                         "body": body})
        assert status == 303, f"comment: {status}"
        m = re.search(r"#c-(\d+)$", loc)
        assert m, loc
        return int(m.group(1))


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def next_monday_8(t):
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    at = d.replace(hour=8, minute=0, second=0, microsecond=0)
    if at <= d:
        at += datetime.timedelta(days=1)
    while at.weekday() != 0:
        at += datetime.timedelta(days=1)
    return at.timestamp()


def mails_to(box, address):
    return [raw for _, rcpts, raw in box.received() if rcpts == [address]]


def wait_mails(box, address, count, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = mails_to(box, address)
        if len(got) >= count:
            return got
        time.sleep(0.1)
    return mails_to(box, address)


def local(url):
    """A link of the mail (under KINDRED_BASE_URL) as a path on the node."""
    assert url.startswith(td.BASE_URL + "/"), url
    return url[len(td.BASE_URL):]


def unsubscribe_url(msg):
    h = str(msg["List-Unsubscribe"])
    m = re.fullmatch(r"<([^>]+)>", h.strip())
    assert m, h
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return m.group(1)


def test_immediate_mention_arrives(k, box, state):
    ana = Browser(k.port).login("ana")
    # what ana has seen is not mailed
    status, _ = ana.post("/notifications/read", {"_csrf": ana.token("/notifications"),
                                                 "id": "0"})
    assert status == 303, status
    sam = Browser(k.port).login("sam")
    cid = sam.comment("@ana the fifteen-minute retro worked with my team too. Thank you!")
    state["sam"] = sam
    # young: the pass leaves it (someone reading live sees it first)
    k.cli("mail", "notify")
    time.sleep(1)
    assert mails_to(box, "ana@kindred.test") == [], "mailed within the grace period"
    state["t"] = time.time() + GRACE_S + 60
    out = k.cli("mail", "notify", iso(state["t"])).stdout
    assert re.search(r"[1-9]\d* mails? queued", out), out + k.cli("mail", "list").stdout
    got = wait_mails(box, "ana@kindred.test", 1)
    assert len(got) == 1, f"{len(got)} mails to ana"
    raw = got[0]
    td.check_wire_format(raw)
    msg = td.parse(raw)
    assert str(msg["Subject"]) == "Sam Reyes mentioned you on “Two Languages, One Team”", \
        str(msg["Subject"])
    assert msg["To"].addresses[0].addr_spec == "ana@kindred.test"
    assert msg["Auto-Submitted"] == "auto-generated"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "> @ana the fifteen-minute retro worked with my team too. Thank you!" in text, text
    link = f"{td.BASE_URL}{EPISODE}#c-{cid}"
    assert f"Open the conversation: {link}" in text, text
    assert f'href="{link}"' in html, html
    assert f"{td.BASE_URL}/settings/notification-mail" in text
    assert "notification mail as things happen" in text
    stop = unsubscribe_url(msg)
    assert re.fullmatch(re.escape(td.BASE_URL) + r"/mail/notify-off/\d+\?sig=[A-Za-z0-9_-]{22}",
                        stop), stop
    assert f'href="{stop}"' in html, "the visible stop link"
    state["ana_stop"] = stop
    # the same run again mails nothing new
    k.cli("mail", "notify", iso(state["t"]))
    time.sleep(1.5)
    assert len(mails_to(box, "ana@kindred.test")) == 1, "mailed twice"


def test_weekly_digest_in_chinese(k, box, state):
    k.cli("mail", "digests")  # schedules any digest not scheduled yet; nothing is due now
    due = next_monday_8(time.time())
    k.cli("mail", "digests", iso(due + 60))
    got = wait_mails(box, "liwei@kindred.test", 1)
    assert len(got) == 1, f"{len(got)} digests to liwei"
    td.check_wire_format(got[0])
    msg = td.parse(got[0])
    subject = str(msg["Subject"])
    assert re.fullmatch(re.escape(td.SITE_NAME) + r" 每周摘要：\d+ 条新通知", subject), subject
    assert msg["To"].addresses[0].display_name == "李伟"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "本周与你有关的动态" in text, text
    assert "你收到这封邮件，是因为你选择了每周通知摘要。" in text, text
    assert '<html lang="zh-CN">' in html, html[:200]
    assert "回复了你在“Two Languages, One Team”下的评论" in text, text
    assert f"{td.BASE_URL}{EPISODE}#c-" in text, text
    assert "What happened" not in text and "Unsubscribe" not in text, "English in the mail"
    state["liwei_stop"] = unsubscribe_url(msg)
    state["due"] = due
    # the same week: nothing more
    k.cli("mail", "digests", iso(due + 3600))
    time.sleep(1.5)
    assert len(mails_to(box, "liwei@kindred.test")) == 1, "a second digest the same week"


def test_one_click_stops_mail(k, box, state):
    for key in ("ana_stop", "liwei_stop"):
        path = local(state[key])
        req = urllib.request.Request(f"http://127.0.0.1:{k.port}{path}",
                                     data=b"List-Unsubscribe=One-Click", method="POST",
                                     headers={"Content-Type":
                                              "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req, timeout=10) as r:  # no cookie, no token
            assert r.status == 200, r.status
            assert "Done: you will get no more notification mail." in r.read().decode()
    sam = state["sam"]
    sam.comment("@ana @liwei one more thought on first languages, for both of you.")
    before_ana = len(mails_to(box, "ana@kindred.test"))
    before_liwei = len(mails_to(box, "liwei@kindred.test"))
    t = time.time() + GRACE_S + 60
    k.cli("mail", "notify", iso(max(t, state["t"] + 1)))
    k.cli("mail", "digests", iso(state["due"] + 7 * 86400 + 60))
    k.cli("mail", "digests", iso(state["due"] + 14 * 86400 + 60))
    time.sleep(2)
    assert len(mails_to(box, "ana@kindred.test")) == before_ana, "ana was mailed after stopping"
    assert len(mails_to(box, "liwei@kindred.test")) == before_liwei, \
        "liwei was mailed after stopping"


def main():
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    workdir = tempfile.mkdtemp(prefix="kindred-notify-")
    passed, failed = [], []

    def run(name, fn, *args):
        try:
            fn(*args)
            passed.append(name)
            print(f"[       OK ] {name}", flush=True)
        except Exception as e:  # an assertion or a crash of the harness: a failure either way
            failed.append(name)
            print(f"[  FAILED  ] {name}: {type(e).__name__}: {e}", flush=True)

    smtp_port = td.free_port()
    controller, box = sink.start(smtp_port)
    k = None
    try:
        k = td.Kindred(workdir, "notify", smtp_port)
        k.stop()
        k.cli("init", "--demo")  # the demo's members, their choices, their conversation
        k.start()
        state = {}
        run("immediate_mention_arrives", test_immediate_mention_arrives, k, box, state)
        run("weekly_digest_in_chinese", test_weekly_digest_in_chinese, k, box, state)
        run("one_click_stops_mail", test_one_click_stops_mail, k, box, state)
        run("no_sanitizer_reports", td.check_no_sanitizer_reports, workdir)
    except Exception as e:
        failed.append("notify_harness")
        print(f"[  FAILED  ] notify_harness: {type(e).__name__}: {e}", flush=True)
    finally:
        if k:
            k.stop()
        controller.stop()
        for db in td.PG_DATABASES:
            try:
                td.pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            except Exception:
                pass
        if failed:
            for name in os.listdir(workdir):
                if name.endswith(".log"):
                    print(f"--- {name}")
                    print(open(os.path.join(workdir, name)).read()[-3000:])
        shutil.rmtree(workdir, ignore_errors=True)
    return report(len(passed), failed)


if __name__ == "__main__":
    sys.exit(main())
