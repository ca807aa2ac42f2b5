#!/usr/bin/python3
"""An SMTP server on loopback that receives what Kindred sends, for tests/mail/test_delivery.py
and for trying mail by hand (Debian's python3-aiosmtpd; /usr/bin/python3 is Debian's Python,
which has it).

What it answers depends on the recipient's local part, so one server plays every case:
  busyN-...   451 to RCPT TO for the first N tries of that address, then accepted
  gone-...    550 5.1.1 to RCPT TO (the mailbox does not exist)
  spam-...    accepted, then 554 5.7.1 to the message itself
  slow-...    RCPT TO answered after SLOW_RCPT_S seconds
  anything else: accepted.

By hand:  tests/mail/sink.py PORT   prints each message it receives.
"""
import asyncio
import re
import sys
import threading
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

SLOW_RCPT_S = 0.15


class Behaviour:
    """Records every RCPT TO and every message taken; answers by the recipient's local part."""

    def __init__(self, echo=False):
        self.lock = threading.Lock()
        self.rcpt_tries = {}  # address -> RCPT TO commands seen
        self.messages = []  # (envelope sender, [recipients], bytes as received)
        self.peer_set = set()  # the client connections that delivered
        self.echo = echo

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            tries = self.rcpt_tries[address] = self.rcpt_tries.get(address, 0) + 1
        local = address.split("@")[0]
        busy = re.match(r"busy(\d+)-", local)
        if busy and tries <= int(busy.group(1)):
            return "451 4.3.0 Mailbox busy, try again later"
        if local.startswith("gone-"):
            return "550 5.1.1 No such user here"
        if local.startswith("slow-"):
            await asyncio.sleep(SLOW_RCPT_S)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.split("@")[0].startswith("spam-") for r in envelope.rcpt_tos):
            return "554 5.7.1 Message refused as spam"
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                  envelope.original_content))
            self.peer_set.add(session.peer)
        if self.echo:
            print(envelope.original_content.decode("ascii", "replace"), flush=True)
        return "250 2.0.0 OK queued"

    def received(self):
        with self.lock:
            return list(self.messages)

    def peers(self):
        with self.lock:
            return set(self.peer_set)

    def tries(self, address):
        with self.lock:
            return self.rcpt_tries.get(address, 0)

    def wait_for(self, count, timeout):
        """Waits until count messages arrived; returns them (fewer after timeout seconds)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self.received()
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return self.received()


def start(port, echo=False, tls=None, implicit=False, logins=None):
    """Starts the server on 127.0.0.1:port; returns (controller, behaviour).

    tls: an ssl.SSLContext with the server's certificate. With implicit, TLS from the first byte
    (smtps://); else STARTTLS is offered and required before MAIL. logins: {name: password}
    that AUTH accepts, required before MAIL (and only over TLS)."""
    behaviour = Behaviour(echo)
    kwargs = {}
    if tls and implicit:
        kwargs["ssl_context"] = tls
    elif tls:
        kwargs.update(tls_context=tls, require_starttls=True)
    if logins is not None:
        def check(server, session, envelope, mechanism, auth_data):
            ok = logins.get(auth_data.login.decode()) == auth_data.password.decode()
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535
        # aiosmtpd counts only STARTTLS as TLS for AUTH: under implicit TLS it is TLS anyway
        kwargs.update(authenticator=check, auth_required=True,
                      auth_require_tls=tls is not None and not implicit)
    with warnings.catch_warnings():  # "AUTH without TLS": under implicit TLS it is not
        warnings.simplefilter("ignore", UserWarning)
        controller = Controller(behaviour, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, behaviour


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tests/mail/sink.py PORT")
    c, _ = start(int(sys.argv[1]), echo=True)
    print(f"receiving mail on 127.0.0.1:{sys.argv[1]}; Ctrl-C stops", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        c.stop()
