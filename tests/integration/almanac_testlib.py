"""Shared helpers for the integration tests: temporary git repositories with
dated commits, and running the almanac binary."""
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

BIN = os.path.abspath(os.environ.get("ALMANAC_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "almanac"))
SHARED = os.environ.get("ALMANAC_SHARED", "")


def is_sanitizer_build(path=None):
    """True when the almanac binary is linked with ASan/UBSan (valgrind cannot run it; it
    never re-executes itself for huge pages)."""
    try:
        out = subprocess.run(["ldd", path or BIN], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True).stdout
    except OSError:
        return False
    return "libasan" in out or "libubsan" in out


def git(repo, *args, date=None, env=None, check=True):
    e = dict(os.environ)
    e.update({"GIT_CONFIG_NOSYSTEM": "1", "HOME": repo, "GIT_AUTHOR_NAME": "Ada Writer",
              "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": "Ada Writer",
              "GIT_COMMITTER_EMAIL": "ada@example.com"})
    if date:
        e["GIT_AUTHOR_DATE"] = date
        e["GIT_COMMITTER_DATE"] = date
    if env:
        e.update(env)
    return subprocess.run(["git", "-C", repo, *args], env=e, check=check,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True).stdout


def write(repo, rel, text):
    path = os.path.join(repo, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_repo(files, date="2026-10-01T09:00:00Z", message="Initial import"):
    """A new git repository holding `files` ({path: text}) in one dated commit."""
    repo = tempfile.mkdtemp(prefix="almanac-test-")
    git(repo, "init", "-q", "-b", "main")
    for rel, text in files.items():
        write(repo, rel, text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return repo


def run(*args, cwd=None, env=None, timeout=300):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run([BIN, *args], cwd=cwd, env=e, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)


class Serve:
    """`almanac serve --repo REPO --port 0 ARGS...` on 127.0.0.1, started and waited for (its address
    printed on stderr), with `env` added to the environment. `lines` collects its stderr; `get(path)` is
    (status, body bytes); `stop()` ends it (SIGTERM) and returns its exit code. Use as a context manager."""

    def __init__(self, repo, *args, wait=60, timeout=10, env=None):
        self.timeout = timeout
        self.proc = subprocess.Popen([BIN, "serve", "--repo", repo, "--port", "0", *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, env=dict(os.environ, NO_COLOR="1", **(env or {})))
        self.lines, self.port = [], None
        got = threading.Event()

        def reader():
            for line in self.proc.stderr:
                self.lines.append(line)
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    got.set()
            got.set()
        self.reader = threading.Thread(target=reader, daemon=True)
        self.reader.start()
        if not got.wait(wait) or self.port is None:
            self.stop()
            raise AssertionError("almanac serve printed no address:\n" + "".join(self.lines))

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            c.request("GET", path)
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def stop(self, wait=60):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(5)
        self.proc.stderr.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def tree_bytes(root):
    """{relative path: bytes} of every file under root."""
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            p = os.path.join(d, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


class RepoTestCase(unittest.TestCase):
    """Removes the folders a test registers."""

    def setUp(self):
        self._cleanup = []

    def tearDown(self):
        for p in self._cleanup:
            shutil.rmtree(p, ignore_errors=True)

    def repo(self, files, **kw):
        r = make_repo(files, **kw)
        self._cleanup.append(r)
        return r

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="almanac-out-")
        self._cleanup.append(d)
        return d


def main():
    if not os.path.exists(BIN):
        print(f"skipping: almanac binary not found at {BIN}")
        sys.exit(77)
    unittest.main(verbosity=2)
