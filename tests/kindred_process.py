"""A `kindred serve` of the binary under test, on a site of its own and a free loopback port,
for the Python test scripts (tests/http/*.py). The binary and static files come from
KINDRED_BIN and KINDRED_STATIC (meson's test environment); the server itself gets none of the
KINDRED_* settings, so each script says what it runs with."""
import os
import re
import resource
import signal
import subprocess

BIN = os.environ.get("KINDRED_BIN", "build/kindred")
STATIC = os.environ.get("KINDRED_STATIC", "static")


def raise_fd_limit(wanted=20000):
    """Lets a script hold thousands of sockets at once (up to the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, wanted), hard))


class Kindred:
    """`kindred init` (with the demo content when asked) in workdir/name, then `kindred serve`
    on 127.0.0.1 with extra_args; the log goes to workdir/name.log."""

    def __init__(self, workdir, name, extra_args=(), demo=False):
        self.data = os.path.join(workdir, name)
        self.log = open(os.path.join(workdir, name + ".log"), "w")
        subprocess.run([BIN, "init", "--data", self.data] + (["--demo"] if demo else []),
                       check=True, stdout=subprocess.DEVNULL, stderr=self.log)
        env = {k: v for k, v in os.environ.items() if not k.startswith("KINDRED_")}
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.data, "--listen", "127.0.0.1:0", "--static", STATIC,
             "--no-access-log", *extra_args],
            stdout=subprocess.PIPE, stderr=self.log, env=env, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            raise RuntimeError(f"kindred did not start: {line!r}")
        self.port = int(m.group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def log_text(self):
        with open(self.log.name) as f:
            return f.read()
