#!/usr/bin/python3
"""Account mail through a real SMTP server on loopback (tests/mail/sink.py), each message
parsed with Python's email package (docs/mail.md, "Account mail"):

  signup_confirmation          a sign-up mails a confirmation link (well-formed MIME, no
                               List-Unsubscribe, a footer saying why); opening it makes nothing,
                               its button makes the account and signs in, once
  signup_with_registered_address  the same answer; the owner gets "someone tried to sign up"
                               with links to log in and to choose a new password, which works
  password_reset               "Forgot your password?" mails a link that sets a new password
                               once, ends the old session and mails "your password was changed"
  email_change                 a new address gets a confirmation link and the old one a notice;
                               the address changes only when the link is used
  reset_link_in_chinese        a member who chose Chinese gets the reset mail in Chinese

Environment: KINDRED_BIN, KINDRED_STATIC (KINDRED_TEST_PG_URL: each site in a PostgreSQL
database of its own). Prints cmocka-style lines that scripts/test counts.
"""
import http.cookiejar
import logging
import os
import re
import shutil
import sys
import tempfile
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

PASSWORD = "correct horse battery"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A client with its own cookies, on the node's port; answers (status, headers, body)."""

    def __init__(self, port):
        self.port = port
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())

    def request(self, path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data)
        try:
            with self.opener.open(req, timeout=10) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def csrf(self, path):
        status, _, body = self.request(path)
        m = re.search(r'name="_csrf" value="([^"]+)"', body)
        assert m, f"no form on {path} ({status})"
        return m.group(1)

    def post(self, form_path, path, fields):
        return self.request(path, {"_csrf": self.csrf(form_path), **fields})

    def session(self):
        return any(c.name == "kd_session" for c in self.jar)


def next_mail(box, seen, to, timeout=10):
    """The next message to `to` after the first `seen` arrived: parsed and checked."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for _, rcpts, raw in box.received()[seen:]:
            if to in rcpts:
                td.check_wire_format(raw)
                return td.parse(raw)
        time.sleep(0.05)
    raise AssertionError(f"no mail to {to} arrived")


def parts(msg):
    assert msg.get_content_type() == "multipart/alternative"
    text, html = [p.get_content() for p in msg.iter_parts()]
    return text, html


def link(text, path):
    """The path and query of the link to path in the plain-text part (KINDRED_BASE_URL's)."""
    m = re.search(re.escape(td.BASE_URL) + re.escape(path) + r"(\?token=[A-Za-z0-9_-]+)?", text)
    assert m, f"no link to {path} in:\n{text}"
    return m.group(0)[len(td.BASE_URL):]


def account_headers(msg, to):
    assert msg["To"].addresses[0].addr_spec == to, msg["To"]
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["List-Unsubscribe"] is None, "account mail is not a list"
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        assert len(msg.get_all(name)) == 1, name


def signup(k, handle, email, display="A Newcomer", language=None):
    b = Browser(k.port)
    if language:
        b.post("/login", "/language", {"lang": language, "next": "/"})
    status, headers, body = b.post("/signup", "/signup", {
        "handle": handle, "display_name": display, "email": email, "password": PASSWORD})
    assert status == 200 and email in body, (status, body[:300])
    assert language or "Check your inbox" in body
    assert not b.session()
    return b, body


def test_signup_confirmation(k, box):
    seen = len(box.received())
    b, _ = signup(k, "newcomer", "newcomer@example.net")
    msg = next_mail(box, seen, "newcomer@example.net")
    account_headers(msg, "newcomer@example.net")
    assert "Confirm your account" in str(msg["Subject"]), msg["Subject"]
    assert msg["To"].addresses[0].display_name == "A Newcomer"
    text, html = parts(msg)
    assert "because someone signed up" in text.replace("\n", " "), text
    path = link(text, "/signup/confirm")
    assert path.replace("&", "&amp;") in html or path in html
    # opening the link (a mail scanner does) makes nothing
    guest = Browser(k.port)
    status, _, page = guest.request(path)
    assert status == 200 and "Confirm and create my account" in page, status
    status, _, _ = Browser(k.port).request("/@newcomer")
    assert status == 404, f"the account exists before the button ({status})"
    status, headers, _ = b.post(path, "/signup/confirm", {"token": path.split("=", 1)[1]})
    assert status == 303 and b.session(), status
    status, _, page = b.request("/settings")
    assert status == 200 and "newcomer@example.net" in page, status
    # once
    again = Browser(k.port)
    status, _, _ = again.post("/login", "/signup/confirm", {"token": path.split("=", 1)[1]})
    assert status == 410 and not again.session(), status


def test_signup_with_registered_address(k, box):
    seen = len(box.received())
    b, body = signup(k, "someone_else", "NEWCOMER@example.net", display="Someone Else")
    assert "NEWCOMER@example.net" in body
    msg = next_mail(box, seen, "newcomer@example.net")
    account_headers(msg, "newcomer@example.net")
    assert msg["To"].addresses[0].display_name == "A Newcomer"  # the owner's name
    text, _ = parts(msg)
    flat = text.replace("\n", " ")
    assert "Someone (perhaps you) tried" in flat and "@newcomer" in flat, text
    link(text, "/login")
    reset = link(text, "/password/reset")
    guest = Browser(k.port)
    status, _, _ = guest.post(reset, "/password/reset", {"token": reset.split("=", 1)[1],
                                                        "password": "a fresh passphrase"})
    assert status == 303 and guest.session(), status
    status, _, _ = Browser(k.port).request("/@someone_else")
    assert status == 404


def test_password_reset(k, box):
    owner = Browser(k.port)
    status, _, _ = owner.post("/login", "/login", {"login": "newcomer",
                                                   "password": "a fresh passphrase"})
    assert status == 303 and owner.session(), status
    seen = len(box.received())
    g = Browser(k.port)
    status, _, page = g.post("/password/forgot", "/password/forgot",
                             {"email": "newcomer@example.net"})
    assert status == 200 and "on its way" in page, status
    msg = next_mail(box, seen, "newcomer@example.net")
    account_headers(msg, "newcomer@example.net")
    text, _ = parts(msg)
    path = link(text, "/password/reset")
    token = path.split("=", 1)[1]
    status, _, page = g.request(path)
    assert status == 200 and 'name="password"' in page
    seen = len(box.received())
    status, _, _ = g.post(path, "/password/reset", {"token": token,
                                                    "password": "the newest passphrase"})
    assert status == 303 and g.session(), status
    status, _, _ = owner.request("/settings")
    assert status == 303, "the old session outlived the reset"
    notice = next_mail(box, seen, "newcomer@example.net")
    account_headers(notice, "newcomer@example.net")
    text, _ = parts(notice)
    assert "Your password was changed" in text, text
    link(text, "/password/forgot")
    status, _, _ = Browser(k.port).post("/login", "/password/reset",
                                        {"token": token, "password": "yet another one!"})
    assert status == 410, status
    # an unknown address: the same answer, no mail
    seen = len(box.received())
    status, _, page = g.post("/password/forgot", "/password/forgot",
                             {"email": "stranger@example.net"})
    assert status == 200 and "on its way" in page
    time.sleep(2)  # the job that would mail it runs at once
    assert all("stranger@example.net" not in r for _, r, _ in box.received()[seen:])


def test_email_change(k, box):
    b = Browser(k.port)
    status, _, _ = b.post("/login", "/login", {"login": "newcomer",
                                               "password": "the newest passphrase"})
    assert status == 303
    seen = len(box.received())
    status, headers, _ = b.post("/settings", "/settings/email", {
        "email": "moved@example.net", "password": "the newest passphrase"})
    assert status == 303, status
    confirm = next_mail(box, seen, "moved@example.net")
    account_headers(confirm, "moved@example.net")
    warn = next_mail(box, seen, "newcomer@example.net")
    account_headers(warn, "newcomer@example.net")
    text, _ = parts(warn)
    assert "moved@example.net" in text, text
    status, _, page = b.request("/settings")
    assert "newcomer@example.net" in page and "Your address: moved" not in page
    text, _ = parts(confirm)
    path = link(text, "/settings/email/confirm")
    status, _, page = Browser(k.port).post(path, "/settings/email/confirm",
                                           {"token": path.split("=", 1)[1]})
    assert status == 200 and "moved@example.net" in page, status
    status, _, page = b.request("/settings")
    assert "Your address: moved@example.net" in page


def test_reset_link_in_chinese(k, box):
    seen = len(box.received())
    b, _ = signup(k, "lin", "lin@example.net", display="林", language="zh-CN")
    msg = next_mail(box, seen, "lin@example.net")
    assert msg["To"].addresses[0].display_name == "林"
    text, _ = parts(msg)
    path = link(text, "/signup/confirm")
    assert "确认" in text, text
    status, _, _ = b.post(path, "/signup/confirm", {"token": path.split("=", 1)[1]})
    assert status == 303
    seen = len(box.received())
    status, _, _ = Browser(k.port).post("/password/forgot", "/password/forgot",
                                        {"email": "lin@example.net"})
    assert status == 200
    msg = next_mail(box, seen, "lin@example.net")
    text, _ = parts(msg)
    assert "密码" in text and "密码" in str(msg["Subject"]), (msg["Subject"], text)


def main():
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    workdir = tempfile.mkdtemp(prefix="kindred-account-mail-")
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
    k = None
    try:
        k = td.Kindred(workdir, "site", smtp_port, env={"KINDRED_SITE_NAME": "Kindred"})
        run("signup_confirmation", test_signup_confirmation, k, box)
        run("signup_with_registered_address", test_signup_with_registered_address, k, box)
        run("password_reset", test_password_reset, k, box)
        run("email_change", test_email_change, k, box)
        run("reset_link_in_chinese", test_reset_link_in_chinese, k, box)
        k.stop()
        k = None
        run("no_sanitizer_reports", td.check_no_sanitizer_reports, workdir)
    except Exception as e:
        failed.append("account_mail_harness")
        print(f"[  FAILED  ] account_mail_harness: {e}", flush=True)
    finally:
        if k:
            k.stop()
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
            except Exception:
                pass
    return report(len(passed), failed)


if __name__ == "__main__":
    sys.exit(main())
