#!/usr/bin/env python3
"""Connection limits on the real binary (docs/configuration.md, "Limits"; src/http/acceptor.c).

Kindred accepts connections on its own thread and hands them to libmicrohttpd; the connection
guard admits each one first and takes the admission back when libmicrohttpd refuses it. So:

  per_address_limit        64 connections from one address are all answered; more are closed
                           unanswered; once some close, the address is answered again
  refusals_do_not_leak     over 4,096 refused connections (more than the default ceiling)
                           leave the server answering: a refusal gives its admission back
  trust_proxy_lifts_limit  with --trust-proxy, 80 connections from one address are answered

Environment: KINDRED_BIN, KINDRED_STATIC. Prints cmocka-style summary lines for scripts/test
and exits non-zero on failure.
"""
import os
import re
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cmocka_summary import Results  # noqa: E402
from kindred_process import Kindred, raise_fd_limit  # noqa: E402

PER_ADDRESS = 64        # KD_PER_IP_CONNECTIONS
DEFAULT_CEILING = 4096  # KD_MAX_CONNECTIONS


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.settimeout(3)
    return s


def ask(s):
    """One keep-alive request on s; the status, or 0 when the connection was closed unanswered."""
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        data = s.recv(65536)
    except OSError:
        return 0
    m = re.match(rb"HTTP/1\.1 (\d{3})", data)
    return int(m.group(1)) if m else 0


def hold(port, n):
    """n connections, each asked once and kept open; returns (sockets, statuses)."""
    socks, statuses = [], []
    for _ in range(n):
        s = connect(port)
        statuses.append(ask(s))
        socks.append(s)
    return socks, statuses


def hold_soon(port, n):
    """n connections answered and kept open, trying for a few seconds: the server may still be
    closing connections the client has just closed, and counting them against the address.
    Returns the sockets (fewer than n when the time ran out)."""
    deadline = time.monotonic() + 5
    socks = []
    while len(socks) < n and time.monotonic() < deadline:
        s = connect(port)
        if ask(s) == 200:
            socks.append(s)
        else:
            s.close()
            time.sleep(0.05)
    return socks


def main():
    raise_fd_limit()
    workdir = tempfile.mkdtemp(prefix="kindred-limits-")
    results = Results()
    record = results.record

    try:
        k = Kindred(workdir, "direct", [])
        try:
            socks, statuses = hold(k.port, PER_ADDRESS)
            extra, extra_statuses = hold(k.port, 4)
            answered = sum(1 for st in statuses if st == 200)
            refused = sum(1 for st in extra_statuses if st == 0)
            for s in extra:
                s.close()
            socks.pop().close()
            socks.pop().close()
            again = hold_soon(k.port, 2)  # back to 64 held, each answered
            again_ok = len(again) == 2
            socks += again
            record("per_address_limit", answered == PER_ADDRESS and refused == 4 and again_ok,
                   f" ({answered} of {PER_ADDRESS} answered, {refused} of 4 over the limit "
                   f"closed unanswered, answered again after two closed: {again_ok})")

            # every further connection from this address is refused while the 64 stay open; a
            # refusal that kept its admission would stop the server accepting at the ceiling,
            # and the next connection would wait in the listen queue unanswered
            tries = DEFAULT_CEILING + 200
            unanswered, stalled = 0, False
            for _ in range(tries):
                t0 = time.monotonic()
                s = connect(k.port)
                unanswered += ask(s) == 0
                s.close()
                if time.monotonic() - t0 > 2:
                    stalled = True
                    break
            for s in socks:
                s.close()
            fresh = hold_soon(k.port, 8)
            fresh_ok = len(fresh) == 8
            for s in fresh:
                s.close()
            record("refusals_do_not_leak", unanswered == tries and not stalled and fresh_ok,
                   f" ({unanswered} of {tries} refused{', then one waited unanswered' if stalled else ''}; "
                   f"8 new connections answered after: {fresh_ok})")
        finally:
            k.stop()

        k = Kindred(workdir, "proxied", ["--trust-proxy"])
        try:
            socks, statuses = hold(k.port, PER_ADDRESS + 16)
            answered = sum(1 for st in statuses if st == 200)
            for s in socks:
                s.close()
            record("trust_proxy_lifts_limit", answered == PER_ADDRESS + 16,
                   f" ({answered} of {PER_ADDRESS + 16} answered)")
        finally:
            k.stop()
    except Exception as e:  # a crash of the harness is a failure, not a pass
        record("connection_limits_harness", False, f" ({e})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    return results.report()


if __name__ == "__main__":
    sys.exit(main())
