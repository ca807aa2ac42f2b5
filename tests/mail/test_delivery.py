#!/usr/bin/python3
"""Mail delivered by the real binary to a real SMTP server on loopback (tests/mail/sink.py,
Debian's python3-aiosmtpd), each message parsed with Python's email package:

  well_formed_message          a test message (kindred mail test) arrives once, from the
                               configured sender, as well-formed MIME with the right headers
                               and bodies, a non-ASCII site name encoded and decoded back
  temporary_failure_retried    a 451 to RCPT TO leaves the message queued with the answer;
                               kindred mail retry sends it; it arrives once
  permanent_failure_not_retried  a 550 to RCPT TO fails the message for good, marks the
                               address (nothing more is queued to it), and is not tried again
  refused_message_keeps_address  a 554 to the message fails it; the address is not marked
  stalled_server_blocks_nothing  a server that accepts the connection and never answers:
                               pages still answer fast, /healthz shows the waiting message,
                               the message waits with the reason, and stopping the node does
                               not wait for the stall
  tls_and_login                STARTTLS and smtps:// with the certificate checked (a CA file),
                               AUTH with a password file; a wrong password, an unknown
                               certificate and a server without STARTTLS leave the message
                               queued with the reason; a clear-text login refused at start
  unconfigured_node_queues     without KINDRED_SMTP_URL a message is queued and kept, not
                               sent; the log and /healthz say so
  kill_mid_queue               kill -9 while 20 messages go out, start again: every message
                               arrives, at most the one in flight at the kill twice (same
                               Message-ID)

Under tests/pg/run (KINDRED_TEST_PG_URL) every site lives in a database of its own on the test
cluster, and one more test runs:

  two_nodes_send_each_once     two nodes on one database send 30 queued messages between them
                               over their own connections, each message once

Environment: KINDRED_BIN, KINDRED_STATIC. Prints cmocka-style lines that scripts/test counts.
"""
import email.policy
import email.utils
import json
import logging
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from email.parser import BytesParser

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import sink  # noqa: E402
from cmocka_summary import report  # noqa: E402

BIN = os.environ.get("KINDRED_BIN", "build/kindred")
STATIC = os.environ.get("KINDRED_STATIC", "static")
SITE_NAME = "Kindred \u5468\u62a5"  # "Kindred Weekly" half in Chinese: encoded words
FROM = f"{SITE_NAME} <news@kindred.example.org>"
BASE_URL = "https://kindred.example.org"


PG_URL = os.environ.get("KINDRED_TEST_PG_URL", "")
PG_DATABASES = []


def url_with_db(base, name):
    """base with its database name replaced by name."""
    head, _, rest = base.partition("://")
    hostpart, slash, tail = rest.partition("/")
    query = tail.partition("?")[2]
    return f"{head}://{hostpart}/{name}" + (f"?{query}" if query else "")


def pg_admin(sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url_with_db(PG_URL, "postgres"),
                    "-c", sql], check=True, capture_output=True)


def new_pg_database(name):
    """Under tests/pg/run (KINDRED_TEST_PG_URL): a new database for a site; its URL."""
    db = f"kd_mail_{os.getpid()}_{name.replace('-', '_')}"
    pg_admin(f"CREATE DATABASE {db} TEMPLATE template0")
    PG_DATABASES.append(db)
    return url_with_db(PG_URL, db)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Kindred:
    """A kindred serve on a site of its own, with the mail settings given."""

    def __init__(self, workdir, name, smtp_port, timeout=2, node=None, init=True, env=None,
                 scheme="smtp", database_url=None):
        self.data = os.path.join(workdir, name)
        self.log_path = os.path.join(workdir, name + ".log")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KINDRED_")}
        self.env.update({"KINDRED_SMTP_TIMEOUT": str(timeout), "KINDRED_MAIL_FROM": FROM,
                         "KINDRED_SITE_NAME": SITE_NAME, "KINDRED_BASE_URL": BASE_URL,
                         "KINDRED_ACCESS_LOG": "false"})
        if smtp_port:
            self.env["KINDRED_SMTP_URL"] = f"{scheme}://127.0.0.1:{smtp_port}"
        self.env.update(env or {})
        if node:
            self.env["KINDRED_NODE"] = node
        if PG_URL and init:
            self.env["KINDRED_DATABASE_URL"] = database_url or new_pg_database(name)
        if init:
            self.cli("init")
        self.start()

    def start(self):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.data, "--listen", "127.0.0.1:0", "--static", STATIC],
            stdout=subprocess.PIPE, stderr=self.log, env=self.env, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            raise RuntimeError(f"kindred did not start: {line!r}")
        self.port = int(m.group(1))

    def cli(self, *args, check=True):
        r = subprocess.run([BIN, *args, "--data", self.data], env=self.env, text=True,
                           capture_output=True)
        if check and r.returncode != 0:
            raise RuntimeError(f"kindred {' '.join(args)}: {r.returncode} {r.stderr}")
        return r

    def queue(self, address):
        out = self.cli("mail", "test", address).stdout
        return int(re.search(r"Queued message (\d+)", out).group(1))

    def outbox(self):
        """kindred mail list: {id: (state, attempts, recipient, message id, answer)}."""
        rows = {}
        for line in self.cli("mail", "list").stdout.splitlines():
            m = re.match(r"(\d+)\s+(\w+)\s+\S+ \S+\s+(\d+)\s+\S+\s+(\S+)\s+<([^>]+)>\s+(.*)$",
                         line)
            if m:
                rows[int(m.group(1))] = (m.group(2), int(m.group(3)), m.group(4), m.group(5),
                                         m.group(6))
        return rows

    def wait_state(self, ident, state, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            row = self.outbox().get(ident)
            if row and row[0] == state:
                return row
            time.sleep(0.1)
        return self.outbox().get(ident)

    def wait_state_attempts(self, ident, attempts, timeout):
        """Waits until the message was tried attempts times; returns its row."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            row = self.outbox().get(ident)
            if row and row[1] >= attempts:
                return row
            time.sleep(0.1)
        return self.outbox().get(ident)

    def fetch(self, path):
        """GET path; returns (status, seconds taken)."""
        t = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
            r.read()
            return r.status, time.monotonic() - t

    def stop(self, sig=signal.SIGTERM):
        """Stops the node; returns the seconds it took."""
        t = time.monotonic()
        if self.proc is None:
            return 0.0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        self.proc = None
        return time.monotonic() - t


def check_wire_format(raw):
    """What holds on the wire whatever the parser tolerates: CRLF lines within 998, 7-bit."""
    assert raw.endswith(b"\r\n"), "the message does not end with CRLF"
    for i, line in enumerate(raw.split(b"\r\n")):
        assert b"\n" not in line and b"\r" not in line, f"a bare CR or LF in line {i}"
        assert len(line) <= 998, f"line {i} has {len(line)} bytes"
        assert all(b < 0x80 for b in line), f"an 8-bit byte in line {i}"
    head = raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        assert len(line) <= 78, f"a header line of {len(line)} characters: {line!r}"


def parse(raw):
    msg = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert not msg.defects, f"defects: {msg.defects}"
    return msg


def test_well_formed_message(k, box):
    ident = k.queue("reader@example.net")
    got = box.wait_for(1, 10)
    assert len(got) == 1, f"{len(got)} messages arrived"
    mail_from, rcpts, raw = got[0]
    assert mail_from == "news@kindred.example.org", mail_from
    assert rcpts == ["reader@example.net"], rcpts
    check_wire_format(raw)
    msg = parse(raw)
    sender = msg["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == (SITE_NAME, "news@kindred.example.org"), \
        sender
    assert msg["To"].addresses[0].addr_spec == "reader@example.net"
    assert str(msg["Subject"]) == f"Test message from {SITE_NAME}", str(msg["Subject"])
    assert msg["MIME-Version"] == "1.0"
    assert msg["Auto-Submitted"] == "auto-generated"
    date = email.utils.parsedate_to_datetime(msg["Date"])
    assert abs(date.timestamp() - time.time()) < 120, msg["Date"]
    mid = msg["Message-ID"]
    assert re.fullmatch(r"<[^<>@\s]+@kindred\.example\.org>", mid), mid
    for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"):
        assert len(msg.get_all(name)) == 1, f"{name} is not there exactly once"
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"], parts
    for p in parts:
        assert not p.defects, p.defects
        assert p.get_content_charset() == "utf-8"
        assert p["Content-Transfer-Encoding"] == "quoted-printable"
    text, html = parts[0].get_content(), parts[1].get_content()
    assert f"This is a test message from {SITE_NAME}." in text, text
    assert "if you read it, mail works." in text.replace("\n", " "), text
    assert f"<strong>{SITE_NAME}</strong>" in html, html
    # the outbox says sent, with the server's answer and the same Message-ID
    row = k.wait_state(ident, "sent", 5)
    assert row and row[0] == "sent" and row[1] == 1, row
    assert f"<{row[3]}>" == mid, (row, mid)
    assert row[4].startswith("250"), row
    time.sleep(1.5)
    assert len(box.received()) == 1, "sent twice"


def test_temporary_failure_retried(k, box):
    before = len(box.received())
    ident = k.queue("busy1-reader@example.net")
    end = time.monotonic() + 10
    row = None
    while time.monotonic() < end:
        row = k.outbox().get(ident)
        if row and row[1] == 1:
            break
        time.sleep(0.1)
    assert row and row[0] == "queued" and row[1] == 1, row
    assert "451" in row[4] and "RCPT" in row[4], row
    assert box.tries("busy1-reader@example.net") == 1
    # the backoff (30 s) holds it; kindred mail retry makes it due now
    time.sleep(1.5)
    assert box.tries("busy1-reader@example.net") == 1, "retried before its backoff"
    out = k.cli("mail", "retry").stdout
    assert out.startswith("1 queued message due now"), out
    row = k.wait_state(ident, "sent", 10)
    assert row and row[0] == "sent" and row[1] == 2, row
    got = box.received()[before:]
    assert len(got) == 1 and got[0][1] == ["busy1-reader@example.net"], got
    parse(got[0][2])


def test_permanent_failure_not_retried(k, box):
    ident = k.queue("gone-reader@example.net")
    row = k.wait_state(ident, "failed", 10)
    assert row and row[0] == "failed" and row[1] == 1, row
    assert "550" in row[4] and "RCPT" in row[4], row
    k.cli("mail", "retry")
    time.sleep(2.5)
    assert box.tries("gone-reader@example.net") == 1, "a permanent failure was tried again"
    # the address is marked: nothing more is queued to it, in any case
    r = k.cli("mail", "test", "Gone-Reader@Example.NET", check=False)
    assert r.returncode == 1 and "refused mail for good" in r.stderr, (r.returncode, r.stderr)


def test_refused_message_keeps_address(k, box):
    ident = k.queue("spam-reader@example.net")
    row = k.wait_state(ident, "failed", 10)
    assert row and row[0] == "failed", row
    assert "554" in row[4] and "message" in row[4], row
    # a refusal of one message says nothing about the address
    again = k.queue("spam-reader@example.net")
    assert again > ident


def test_unconfigured_node_queues(workdir, box):
    """Without KINDRED_SMTP_URL: queued, kept, not sent, and said so."""
    before = len(box.received())
    k = Kindred(workdir, "unconfigured", None)
    try:
        ident = k.queue("reader@example.net")
        time.sleep(2.5)
        row = k.outbox()[ident]
        assert row[0] == "queued" and row[1] == 0, row
        assert len(box.received()) == before
        with urllib.request.urlopen(f"http://127.0.0.1:{k.port}/healthz", timeout=10) as r:
            health = json.load(r)
        assert health["status"] == "ok" and health["mail"] == "not configured", health
        assert health["mail_oldest_queued_s"] >= 2, health
    finally:
        k.stop()
    assert "KINDRED_SMTP_URL is not set: mail is queued and not sent" in open(k.log_path).read()


def test_tls_and_login(workdir, plain_port, plain_box):
    """STARTTLS and implicit TLS with certificates checked, AUTH, and what each refusal leaves."""
    cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    password = os.path.join(workdir, "smtp-password")
    with open(password, "w") as f:
        f.write("s3cret pass\n")
    login = {"KINDRED_SMTP_USER": "kindred", "KINDRED_SMTP_PASSWORD_FILE": password,
             "KINDRED_SMTP_STARTTLS": "required", "KINDRED_SMTP_CA_FILE": cert}
    starttls_port, implicit_port = free_port(), free_port()
    starttls, starttls_box = sink.start(starttls_port, tls=tls, logins={"kindred": "s3cret pass"})
    implicit, implicit_box = sink.start(implicit_port, tls=tls, implicit=True,
                                        logins={"kindred": "s3cret pass"})
    nodes = []
    try:
        # STARTTLS (required), the certificate checked against the given CA, AUTH from a file
        k = Kindred(workdir, "starttls", starttls_port, env=login)
        nodes.append(k)
        ident = k.queue("reader@example.net")
        row = k.wait_state(ident, "sent", 10)
        assert row and row[0] == "sent", ("STARTTLS", row)
        assert len(starttls_box.received()) == 1
        parse(starttls_box.received()[0][2])
        # a wrong password: the message waits with the server's refusal (the operator's to fix)
        k.stop()
        k.env["KINDRED_SMTP_PASSWORD"] = "wrong"
        del k.env["KINDRED_SMTP_PASSWORD_FILE"]
        k.start()
        ident = k.queue("reader@example.net")
        row = k.wait_state_attempts(ident, 1, 10)
        # the answer names the command, never what was sent with it (the login's base64)
        assert row[0] == "queued" and row[4].startswith("AUTH: 535"), ("password", row)
        k.stop()
        # the system's certificates do not vouch for this one: nothing is sent
        k.env["KINDRED_SMTP_PASSWORD"] = "s3cret pass"
        del k.env["KINDRED_SMTP_CA_FILE"]
        k.start()
        ident = k.queue("reader@example.net")
        row = k.wait_state_attempts(ident, 1, 10)
        assert row[0] == "queued" and "certificate" in row[4].lower(), ("unknown CA", row)
        assert len(starttls_box.received()) == 1
        k.stop()
        # TLS from the first byte (smtps://)
        k = Kindred(workdir, "implicit", implicit_port, env=login, scheme="smtps")
        nodes.append(k)
        ident = k.queue("reader@example.net")
        row = k.wait_state(ident, "sent", 10)
        assert row and row[0] == "sent", ("smtps", row)
        assert len(implicit_box.received()) == 1
        k.stop()
        # STARTTLS required by a server that does not offer it: nothing goes in clear
        before = len(plain_box.received())
        k = Kindred(workdir, "no-starttls", plain_port, env={"KINDRED_SMTP_STARTTLS": "required"})
        nodes.append(k)
        ident = k.queue("reader@example.net")
        row = k.wait_state_attempts(ident, 1, 10)
        assert row[0] == "queued" and "starttls" in row[4].lower(), ("no STARTTLS", row)
        assert len(plain_box.received()) == before
        k.stop()
        # a password in clear across a network is refused at start
        env = {x: y for x, y in k.env.items()}
        env.update({"KINDRED_SMTP_URL": "smtp://smtp.example.org:587",
                    "KINDRED_SMTP_STARTTLS": "optional", "KINDRED_SMTP_USER": "kindred",
                    "KINDRED_SMTP_PASSWORD": "x"})
        r = subprocess.run([BIN, "mail", "list", "--data", k.data], env=env, text=True,
                           capture_output=True)
        assert r.returncode == 2 and "unencrypted" in r.stderr, (r.returncode, r.stderr)
    finally:
        for k in nodes:
            k.stop()
        starttls.stop()
        implicit.stop()


def test_stalled_server_blocks_nothing(workdir):
    """A server that takes the connection and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def hold():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except socket.timeout:
                pass
    t = threading.Thread(target=hold, daemon=True)
    t.start()
    k = Kindred(workdir, "stalled", listener.getsockname()[1], timeout=20, node="stall-node")

    def worst_of_pages():
        worst = 0.0
        for _ in range(30):
            for path in ("/healthz", "/"):
                status, took = k.fetch(path)
                assert status == 200
                worst = max(worst, took)
            time.sleep(0.05)
        return worst
    try:
        baseline = worst_of_pages()  # also warms the page cache up
        ident = k.queue("reader@example.net")
        # the worker is inside the conversation within a poll; pages answer fast meanwhile
        end = time.monotonic() + 10
        while not held and time.monotonic() < end:
            time.sleep(0.05)
        assert held, "kindred never connected to the server"
        worst = worst_of_pages()
        # A page that waited for the server would take the whole 20 s; on a loaded machine
        # (or under the sanitizers) a page may take a while anyway, hence the margin.
        assert worst < 2.0, f"a page took {worst:.2f} s while the server stalled " \
                            f"({baseline:.2f} s before)"
        with urllib.request.urlopen(f"http://127.0.0.1:{k.port}/healthz", timeout=10) as r:
            health = json.load(r)
        assert health["status"] == "ok" and health["mail"] == "sending", health
        assert 0 <= health["mail_oldest_queued_s"] < 60, health
        # stopping does not wait out the 20 s answer timeout
        took = k.stop()
        assert took < 5, f"stopping took {took:.1f} s"
        row = k.outbox()[ident]
        assert row[0] == "queued" and "interrupted" in row[4], row
        # the same node again with a short timeout: the stall is reported as such and retried
        k.env["KINDRED_SMTP_TIMEOUT"] = "2"
        k.start()
        k.cli("mail", "retry")
        end = time.monotonic() + 15
        while time.monotonic() < end:
            row = k.outbox()[ident]
            if row[1] >= 2:
                break
            time.sleep(0.2)
        assert row[0] == "queued" and row[1] >= 2, row
        assert "timed out" in row[4].lower() or "timeout" in row[4].lower(), row
        print(f"    pages while stalled: worst {worst * 1000:.0f} ms ({baseline * 1000:.0f} ms "
              f"before); stop took {took:.2f} s; "
              f"answer after the timeout: {row[4]}", flush=True)
    finally:
        k.stop()
        stop.set()
        t.join()
        for c in held:
            c.close()
        listener.close()


def test_kill_mid_queue(workdir, smtp_port, box):
    k = Kindred(workdir, "killed", smtp_port, node="kill-node")
    try:
        before = len(box.received())
        ids = [k.queue(f"slow-{i}@example.net") for i in range(20)]
        end = time.monotonic() + 20
        while len(box.received()) - before < 5 and time.monotonic() < end:
            time.sleep(0.02)
        k.stop(signal.SIGKILL)
        at_kill = len(box.received()) - before
        assert 5 <= at_kill < 20, f"{at_kill} messages had arrived at the kill"
        # the same node again: its killed run's claim is freed at start, the rest goes out
        k.start()
        end = time.monotonic() + 30
        while time.monotonic() < end:
            rows = k.outbox()
            if all(rows.get(i, ("",))[0] == "sent" for i in ids):
                break
            time.sleep(0.2)
        rows = k.outbox()
        assert all(rows[i][0] == "sent" for i in ids), [rows[i] for i in ids]
        time.sleep(1)
        got = box.received()[before:]
        copies = {}
        for _, _, raw in got:
            mid = parse(raw)["Message-ID"]
            copies[mid] = copies.get(mid, 0) + 1
        expected = {f"<{rows[i][3]}>" for i in ids}
        assert set(copies) == expected, "a message is missing or unknown"
        twice = [m for m, n in copies.items() if n > 1]
        assert len(twice) <= 1 and all(copies[m] == 2 for m in twice), copies
        print(f"    {at_kill} of 20 had arrived at the kill; after the restart all 20 did, "
              f"{len(twice)} twice (same Message-ID)", flush=True)
    finally:
        k.stop()


def test_two_nodes_send_each_once(workdir, smtp_port, box):
    """PostgreSQL: two nodes on one database send 30 queued messages between them, each once."""
    url = new_pg_database("two_nodes")
    a = Kindred(workdir, "node-a", smtp_port, node="mail-node-a", database_url=url)
    b = None
    try:
        b = Kindred(workdir, "node-b", smtp_port, node="mail-node-b", database_url=url)
        before = len(box.received())
        peers_before = len(box.peers())
        ids = [a.queue(f"slow-pair{i}@example.net") for i in range(30)]
        end = time.monotonic() + 30
        while time.monotonic() < end:
            rows = b.outbox()
            if all(rows.get(i, ("",))[0] == "sent" for i in ids):
                break
            time.sleep(0.2)
        rows = b.outbox()
        assert all(rows[i][0] == "sent" for i in ids), [rows.get(i) for i in ids]
        time.sleep(1)
        got = box.received()[before:]
        mids = [parse(raw)["Message-ID"] for _, _, raw in got]
        assert len(mids) == 30 and len(set(mids)) == 30, f"{len(mids)} copies of {len(set(mids))}"
        connections = len(box.peers()) - peers_before
        assert connections >= 2, "only one node sent"
        print(f"    30 messages sent by two nodes over {connections} connections, each once",
              flush=True)
    finally:
        a.stop()
        if b:
            b.stop()


def check_no_sanitizer_reports(workdir):
    """A sanitizer build's servers report into their logs: any report fails the run."""
    reports = []
    for name in sorted(os.listdir(workdir)):
        if name.endswith(".log"):
            text = open(os.path.join(workdir, name), errors="replace").read()
            if "Sanitizer" in text or "runtime error:" in text:
                reports.append(name)
    assert not reports, f"sanitizer reports in {reports}"


def main():
    # the sink's TLS refusals are part of the tests, not news
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    workdir = tempfile.mkdtemp(prefix="kindred-mail-")
    passed, failed = [], []

    def run(name, fn, *args):
        try:
            fn(*args)
            passed.append(name)
            print(f"[       OK ] {name}", flush=True)
        except Exception as e:  # an assertion or a crash of the harness: a failure either way
            failed.append(name)
            print(f"[  FAILED  ] {name}: {type(e).__name__}: {e}", flush=True)

    smtp_port = free_port()
    controller, box = sink.start(smtp_port)
    k = None
    try:
        k = Kindred(workdir, "site", smtp_port)
        run("well_formed_message", test_well_formed_message, k, box)
        run("temporary_failure_retried", test_temporary_failure_retried, k, box)
        run("permanent_failure_not_retried", test_permanent_failure_not_retried, k, box)
        run("refused_message_keeps_address", test_refused_message_keeps_address, k, box)
        k.stop()
        k = None
        run("unconfigured_node_queues", test_unconfigured_node_queues, workdir, box)
        run("tls_and_login", test_tls_and_login, workdir, smtp_port, box)
        run("stalled_server_blocks_nothing", test_stalled_server_blocks_nothing, workdir)
        run("kill_mid_queue", test_kill_mid_queue, workdir, smtp_port, box)
        if PG_URL:
            run("two_nodes_send_each_once", test_two_nodes_send_each_once, workdir, smtp_port,
                box)
        run("no_sanitizer_reports", check_no_sanitizer_reports, workdir)
    except Exception as e:
        failed.append("mail_harness")
        print(f"[  FAILED  ] mail_harness: {e}", flush=True)
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
        for db in PG_DATABASES:
            try:
                pg_admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            except subprocess.CalledProcessError:
                pass
    return report(len(passed), failed)


if __name__ == "__main__":
    sys.exit(main())
