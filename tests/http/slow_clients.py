#!/usr/bin/env python3
"""Slow clients from many addresses must not take the site down.

Opens 64 slow connections from each of the loopback addresses 127.0.0.2 ... 127.0.0.40 (bound
as source addresses): half trickle a request head, half a request body, one line every 10 s,
and reconnect when cut off. Meanwhile a normal client on 127.0.0.1 fetches the home page once a
second; every fetch must be answered within one second. Three rounds, each bounded in time:

  direct        kindred with its default connection ceiling
  ceiling       kindred with --max-connections 1024, below the attack's 2,496 connections, so
                shedding idle and unfinished connections is what keeps the site answering
  nginx         the shipped docs/nginx/kindred.conf (TLS, timeouts, limits) in front of
                kindred --trust-proxy, the normal client over HTTPS

Environment: KINDRED_BIN, KINDRED_STATIC, KINDRED_SOURCE (the repository). Prints cmocka-style
summary lines for scripts/test and exits non-zero on failure.
"""
import os
import re
import selectors
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cmocka_summary import Results  # noqa: E402
from kindred_process import Kindred, raise_fd_limit  # noqa: E402

ATTACK_ADDRESSES = [f"127.0.0.{i}" for i in range(2, 41)]
PER_ADDRESS = 64
ROUND_SECONDS = 24          # each round: attack and probe this long
STEP_OPENING_SECONDS = 0.3  # the attacker opens connections this long, then lets the prober in
TRICKLE_EVERY = 10.0        # seconds between the slow clients' lines
PROBE_TIMEOUT = 1.0         # the normal client's bound for a whole answer

SOURCE = os.environ.get("KINDRED_SOURCE", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """The shipped configuration, with loopback addresses and a throwaway certificate."""

    def __init__(self, workdir, upstream_port):
        conf_src = open(os.path.join(SOURCE, "docs", "nginx", "kindred.conf")).read()
        self.port = free_port()
        http_port = free_port()
        cert, key = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        site = conf_src
        site = site.replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream_port};")
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{self.port} ssl http2;")
        site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        site = re.sub(r"ssl_certificate /\S+;", f"ssl_certificate {cert};", site)
        site = re.sub(r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};", site)
        assert str(upstream_port) in site and str(self.port) in site, "config shape changed"
        with open(os.path.join(workdir, "site.conf"), "w") as f:
            f.write(site)
        user = "user root;\n" if os.geteuid() == 0 else ""
        with open(os.path.join(workdir, "nginx.conf"), "w") as f:
            f.write(f"""{user}worker_processes 1;
worker_rlimit_nofile 16384;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    include {workdir}/site.conf;
}}
""")
        self.proc = subprocess.Popen(["nginx", "-p", workdir, "-c", os.path.join(workdir, "nginx.conf"),
                                      "-g", "daemon off;"], stderr=subprocess.PIPE)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("nginx did not start: " + self.proc.stderr.read().decode())
                time.sleep(0.1)
        raise RuntimeError("nginx did not start listening")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Attack:
    """Slow connections from many source addresses, kept up by reconnecting."""

    def __init__(self, port, use_tls):
        self.port, self.use_tls = port, use_tls
        self.sel = selectors.DefaultSelector()
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE
        self.slots = [(addr, i) for addr in ATTACK_ADDRESSES for i in range(PER_ADDRESS)]
        self.conns = {}          # slot -> (socket, next trickle time)
        self.retry_at = {}       # slot -> when to reconnect
        self.opened = 0
        self.cut = 0

    def open(self, slot, now):
        addr, i = slot
        s = socket.socket()
        try:
            s.bind((addr, 0))
            s.settimeout(2.0)
            s.connect(("127.0.0.1", self.port))
            if self.use_tls:
                s = self.tls.wrap_socket(s)
            # half trickle a head, half a body (with a guest's CSRF cookie, so a body is read)
            if i % 2 == 0:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            else:
                s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nCookie: kd_csrf=" + b"A" * 43 +
                          b"\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                          b"Content-Length: 100000\r\n\r\nlogin=x")
            s.setblocking(False)
        except OSError:
            s.close()
            self.retry_at[slot] = now + 1.0
            return
        self.conns[slot] = (s, now + TRICKLE_EVERY)
        self.sel.register(s, selectors.EVENT_READ, slot)
        self.opened += 1

    def drop(self, slot, now):
        s, _ = self.conns.pop(slot)
        self.sel.unregister(s)
        s.close()
        self.cut += 1
        self.retry_at[slot] = now + 1.0

    def step(self, now, budget):
        """Opens missing connections (at most budget, and for at most STEP_OPENING_SECONDS:
        TLS handshakes on a busy machine could otherwise take the prober's turns, and the round
        would fail for the attacker's slowness, not the server's), trickles, notices cut ones."""
        for slot in self.slots:
            if budget <= 0 or time.monotonic() - now > STEP_OPENING_SECONDS:
                break
            if slot not in self.conns and self.retry_at.get(slot, 0) <= now:
                self.open(slot, now)
                budget -= 1
        for key, _ in self.sel.select(timeout=0):
            slot = key.data
            try:
                data = key.fileobj.recv(4096)
            except (ssl.SSLWantReadError, BlockingIOError):
                continue
            except OSError:
                data = b""
            if not data:  # closed by the server (or answered, then closed)
                self.drop(slot, now)
        for slot, (s, due) in list(self.conns.items()):
            if due <= now:
                try:
                    s.send(b"X-Slow: yes\r\n" if slot[1] % 2 == 0 else b"&pad=xxxxxxxx")
                    self.conns[slot] = (s, now + TRICKLE_EVERY)
                except (OSError, ssl.SSLError):
                    self.drop(slot, now)

    def close(self):
        for s, _ in self.conns.values():
            s.close()


def probe(port, use_tls):
    """One fetch of the home page on a new connection; returns (status, seconds)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT)
        if use_tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = ctx.wrap_socket(s)
        s.settimeout(max(0.01, PROBE_TIMEOUT - (time.monotonic() - t0)))
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.") else 0
        return status, time.monotonic() - t0
    except (OSError, ValueError, ssl.SSLError):
        return 0, time.monotonic() - t0


def attack_round(name, port, use_tls):
    attack = Attack(port, use_tls)
    results = []
    start = time.monotonic()
    next_probe = start + 2.0  # let the attack build up first
    while time.monotonic() - start < ROUND_SECONDS:
        now = time.monotonic()
        attack.step(now, budget=400)
        if now >= next_probe:
            results.append(probe(port, use_tls))
            next_probe += 1.0
        time.sleep(0.02)
    open_now = len(attack.conns)
    attack.close()
    slow = [r for r in results if r[0] != 200 or r[1] >= PROBE_TIMEOUT]
    worst = max(r[1] for r in results) if results else 0
    print(f"{name}: {attack.opened} slow connections opened ({open_now} open at the end, "
          f"{attack.cut} cut by the server); {len(results)} fetches, worst {worst * 1000:.0f} ms, "
          f"{len(slow)} not answered 200 within {PROBE_TIMEOUT:.0f} s", flush=True)
    return len(results) >= ROUND_SECONDS - 4 and not slow


def main():
    raise_fd_limit()
    workdir = tempfile.mkdtemp(prefix="kindred-slow-")
    results = Results()
    record = results.record

    try:
        k = Kindred(workdir, "direct", demo=True)
        try:
            record("slow_clients_direct", attack_round("direct", k.port, False))
        finally:
            k.stop()
        k = Kindred(workdir, "ceiling", ["--max-connections", "1024"], demo=True)
        try:
            ok = attack_round("ceiling 1024", k.port, False)
            shed = "under pressure" in k.log_text()
            record("slow_clients_shed_under_pressure", ok and shed,
                   "" if shed else " (the log never said it shed connections)")
        finally:
            k.stop()
        if shutil.which("nginx") and shutil.which("openssl"):
            k = Kindred(workdir, "proxied", ["--trust-proxy"], demo=True)
            try:
                n = Nginx(os.path.join(workdir), k.port)
                try:
                    status, _ = probe(n.port, True)
                    record("nginx_config_serves_kindred", status == 200, f" (status {status})")
                    record("slow_clients_through_nginx", attack_round("nginx", n.port, True))
                finally:
                    n.stop()
            finally:
                k.stop()
        else:
            record("nginx_available", False, " (nginx or openssl missing: scripts/install-deps test)")
    except Exception as e:  # a crash of the harness is a failure, not a pass
        record("slow_clients_harness", False, f" ({e})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    return results.report()


if __name__ == "__main__":
    sys.exit(main())
