"""almanac serve end to end: the real server on a free port, real HTTP requests.

Pages, folders, content types, the theme's 404, HEAD, methods other than GET
and HEAD, path traversal attempts (plain, percent-encoded, symlinks), request
size limits and clients that hang up; then live reload: an edit announces a
new build on the event stream and the page shows the new text; a broken link
is reported with path:line:col while the edit that brought it is served, and
clears when fixed; the result after edits is byte-identical to a full build.
Every network operation has a timeout; servers are killed at the end, also on
failure."""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, git, main, make_repo, run, tree_bytes, write  # noqa: E402

NOW = "2026-11-01"
TIMEOUT = 20

# A private copy of the built-in theme, so that edits to the source tree's theme while the tests run
# cannot make a served site differ from a build made a moment later.
_SRC = os.environ.get("ALMANAC_SOURCE_ROOT") or os.path.join(os.path.dirname(__file__), "..", "..")
THEME = tempfile.mkdtemp(prefix="almanac-theme-")
shutil.rmtree(THEME)
shutil.copytree(os.path.join(_SRC, "themes", "default"), THEME)
THEME_ENV = {"ALMANAC_THEME_DIR": THEME}

HOME = """---
title: Ops handbook
---
Welcome. Start with [node not ready](../runbooks/k8s/node-not-ready.md).
"""

NODE = """---
title: Node not ready
owner: sre
criticality: high
alerts: [KubeNodeNotReady]
---
# Node not ready

## Symptoms

Nodes report `NotReady`. Free space first: [disk full](disk-full.md#clean-up).

## Fix

Restart the kubelet.
"""

DISK = """---
title: Disk full
owner: sre
---
## Clean up

Remove old images.
"""

ROLE = """---
title: Site reliability
type: role
---
The SRE team owns the platform runbooks.
"""

DRAFT = """---
title: Secret plan
draft: true
---
Not ready for readers.
"""


def fixture():
    repo = make_repo({
        "content/index.md": HOME,
        "runbooks/k8s/node-not-ready.md": NODE,
        "runbooks/k8s/disk-full.md": DISK,
        "content/roles/sre.md": ROLE,
        "content/plans/secret.md": DRAFT,
        "runbooks/k8s/img/flow.png": "\x89PNG fake",
    })
    # a symlink in the content that points out of the repository
    os.symlink("/etc", os.path.join(repo, "content", "etc-link"))
    # uncommitted work: a page that was never committed
    write(repo, "runbooks/k8s/new-page.md", "---\ntitle: Brand new\n---\nWork in progress.\n")
    return repo


class Server:
    """`almanac serve --port 0` with its stderr collected by a thread."""

    def __init__(self, repo, *args, env=None):
        e = dict(os.environ)
        e.update({"ALMANAC_SERVE_VERIFY": "1", "NO_COLOR": "1"})
        e.update(THEME_ENV)
        e.update(env or {})
        self.lines = []
        self.proc = subprocess.Popen([BIN, "serve", "--repo", repo, "--port", "0", "--now", NOW, *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, env=e)
        found = threading.Event()
        self.port = None

        def reader():
            for line in self.proc.stderr:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if m and not found.is_set():
                    self.port = int(m.group(1))
                    found.set()
            found.set()
        threading.Thread(target=reader, daemon=True).start()
        if not found.wait(60) or self.port is None:
            self.stop()
            raise AssertionError("serve printed no address: %s" % "\n".join(self.lines))

    def request(self, method, path, headers=None, timeout=TIMEOUT):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, headers=headers or {})
            r = c.getresponse()
            return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
        finally:
            c.close()

    def get(self, path):
        return self.request("GET", path)

    def status(self, since=None):
        st, _, body = self.request("GET", "/__almanac/status" + ("?since=%d" % since if since is not None else ""),
                                   timeout=40)
        assert st == 200
        return json.loads(body)

    def wait(self, pred, timeout=TIMEOUT):
        """The first status satisfying pred (long polls on the sequence number)."""
        end = time.time() + timeout
        s = self.status()
        while not pred(s):
            if time.time() > end:
                raise AssertionError("status never matched; last: %s\nserver: %s" % (s, "\n".join(self.lines[-20:])))
            s = self.status(since=s["seq"])
        return s

    def settled(self, after_seq, timeout=TIMEOUT):
        """The status once a rebuild after `after_seq` happened and nothing is left to do."""
        return self.wait(lambda s: s["seq"] > after_seq and s["search"] == "current", timeout)

    def stop(self):
        """Stop with SIGTERM; returns the exit code (0 unless something went wrong, e.g. leaks under ASan)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -9
        time.sleep(0.1)  # let the reader thread collect the last lines
        return self.proc.returncode


def raw_request(port, data, timeout=5):
    """Send bytes as they are (no client-side path normalisation); return the response bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return out


class ServeHTTP(unittest.TestCase):
    """Read-only checks against one server."""

    @classmethod
    def setUpClass(cls):
        cls.repo = fixture()
        cls.srv = Server(cls.repo)

    @classmethod
    def tearDownClass(cls):
        rc = cls.srv.stop()
        shutil.rmtree(cls.repo, ignore_errors=True)
        assert rc == 0, "serve exited with %s:\n%s" % (rc, "\n".join(cls.srv.lines[-40:]))

    def test_pages_and_content_types(self):
        st, h, body = self.srv.get("/")
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/html"))
        self.assertIn(b"Welcome. Start with", body)
        self.assertIn(b"assets/live.js", body, "serve pages load the live-reload script")
        st, h, body = self.srv.get("/runbooks/k8s/node-not-ready/")
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/html"))
        self.assertIn(b"Restart the kubelet", body)
        self.assertIn("almanac;desc=", h.get("server-timing", ""))
        st, h, _ = self.srv.get("/assets/style.css")
        self.assertEqual((st, h["content-type"].split(";")[0]), (200, "text/css"))
        st, h, body = self.srv.get("/assets/live.js")
        self.assertEqual((st, h["content-type"].split(";")[0]), (200, "text/javascript"))
        self.assertIn(b'EventSource("/__almanac/events")', body)
        st, h, _ = self.srv.get("/freshness.json")
        self.assertEqual((st, h["content-type"]), (200, "application/json"))
        st, h, _ = self.srv.get("/sitemap.xml")
        self.assertEqual((st, h["content-type"]), (200, "application/xml"))
        st, h, body = self.srv.get("/runbooks/k8s/img/flow.png")
        self.assertEqual((st, h["content-type"], body), (200, "image/png", b"\xc2\x89PNG fake"))

    def test_keep_alive(self):
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=TIMEOUT)
        try:
            for path in ("/", "/assets/style.css", "/no/such/", "/runbooks/k8s/disk-full/"):
                c.request("GET", path)
                r = c.getresponse()
                r.read()
                self.assertIn(r.status, (200, 404), path)
                self.assertNotEqual((r.getheader("Connection") or "").lower(), "close", path)
        finally:
            c.close()

    def test_folder_without_slash_redirects(self):
        st, h, _ = self.srv.get("/runbooks/k8s/node-not-ready")
        self.assertEqual(st, 301)
        self.assertEqual(h["location"], "/runbooks/k8s/node-not-ready/")

    def test_missing_page_is_the_theme_404(self):
        for path in ("/no/such/page/", "/missing.html", "/runbooks/k8s/nope"):
            st, h, body = self.srv.get(path)
            self.assertEqual(st, 404, path)
            self.assertTrue(h["content-type"].startswith("text/html"), path)
            self.assertIn(b"Page not found", body, path)

    def test_head_has_no_body(self):
        st, h, body = self.srv.request("HEAD", "/runbooks/k8s/node-not-ready/")
        self.assertEqual(st, 200)
        self.assertEqual(body, b"")
        self.assertGreater(int(h["content-length"]), 1000)
        st, _, body = self.srv.request("HEAD", "/no/such/")
        self.assertEqual((st, body), (404, b""))

    def test_only_get_and_head(self):
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            st, h, _ = self.srv.request(method, "/")
            self.assertEqual(st, 405, method)
            self.assertEqual(h.get("allow"), "GET, HEAD", method)

    def test_traversal_is_refused(self):
        attempts = [
            "/../etc/passwd",
            "/../../../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
            "/runbooks/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
            "/runbooks/..%2f..%2f..%2f..%2fetc%2fpasswd",
            "/..%5c..%5cetc%5cpasswd",
            "/%252e%252e/etc/passwd",
            "//etc/passwd",
            "/etc/passwd",
            "/etc-link/passwd",
            "/content/etc-link/passwd",
            "/.git/config",
            "/.almanac-site",
            "/index.html%00.png",
            "/%c0%ae%c0%ae/etc/passwd",
        ]
        for path in attempts:
            resp = raw_request(self.srv.port, ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                               % path).encode())
            status = resp.split(b"\r\n", 1)[0]
            self.assertNotIn(b" 200 ", status + b" ", path)
            self.assertNotIn(b"root:", resp, path)
        # an absolute URI as the request target
        resp = raw_request(self.srv.port, b"GET http://x/../../etc/passwd HTTP/1.1\r\nHost: x\r\n"
                                          b"Connection: close\r\n\r\n")
        self.assertNotIn(b"root:", resp)
        self.assertNotIn(b" 200 ", resp.split(b"\r\n", 1)[0] + b" ")

    def test_request_size_limit(self):
        big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\nConnection: close\r\n\r\n"
        try:
            resp = raw_request(self.srv.port, big)
        except (BrokenPipeError, ConnectionResetError):
            resp = b""
        self.assertNotIn(b" 200 ", resp.split(b"\r\n", 1)[0] + b" ")
        # the server is still fine
        self.assertEqual(self.srv.get("/")[0], 200)

    def test_clients_that_hang_up(self):
        for path in ("/assets/style.css", "/__almanac/events", "/search/manifest.json"):
            for _ in range(5):
                s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
                s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
                s.recv(10)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.close()  # reset mid-response
        self.assertEqual(self.srv.get("/")[0], 200)
        self.assertIsNone(self.srv.proc.poll())

    def test_drafts_and_uncommitted_are_shown(self):
        st, _, body = self.srv.get("/content/plans/secret/")
        self.assertEqual(st, 200)
        self.assertIn(b"badge-draft", body)
        st, _, body = self.srv.get("/runbooks/k8s/new-page/")
        self.assertEqual(st, 200)
        self.assertIn(b"badge-uncommitted", body)
        st, _, body = self.srv.get("/runbooks/k8s/disk-full/")
        self.assertNotIn(b"badge-uncommitted", body)

    def test_never_touches_the_output_folder(self):
        self.assertFalse(os.path.exists(os.path.join(self.repo, "public")))

    def test_status_endpoint(self):
        s = self.srv.status()
        self.assertEqual(s["build"], 1)
        self.assertTrue(s["ok"])
        self.assertIsInstance(s["diagnostics"], list)
        self.assertTrue(any("etc-link" in d for d in s["diagnostics"]), s["diagnostics"])


class ServeCLI(unittest.TestCase):

    def test_help(self):
        r = run("serve", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--port", r.stdout)

    def test_bad_port_is_a_usage_error(self):
        self.assertEqual(run("serve", "--port", "99999").returncode, 2)

    def test_port_in_use(self):
        repo = make_repo({"content/index.md": HOME})
        srv = Server(repo)
        try:
            r = run("serve", "--repo", repo, "--port", str(srv.port), timeout=60)
            self.assertEqual(r.returncode, 4, r.stderr)
            self.assertIn("cannot listen", r.stderr)
        finally:
            srv.stop()
            shutil.rmtree(repo, ignore_errors=True)

    def test_not_a_repository(self):
        d = tempfile.mkdtemp()
        try:
            self.assertEqual(run("serve", "--repo", d, "--port", "0", timeout=60).returncode, 4)
        finally:
            shutil.rmtree(d)

    def test_non_loopback_bind_warns(self):
        repo = make_repo({"content/index.md": HOME})
        srv = None
        try:
            srv = Server(repo, "--bind", "0.0.0.0")
            self.assertTrue(any("warning" in l and "0.0.0.0" in l for l in srv.lines), srv.lines)
            self.assertEqual(srv.get("/")[0], 200)
        finally:
            if srv:
                srv.stop()
            shutil.rmtree(repo, ignore_errors=True)

    def test_stops_cleanly_and_removes_its_folder(self):
        repo = make_repo({"content/index.md": HOME})
        tmp = tempfile.mkdtemp()
        try:
            srv = Server(repo, env={"TMPDIR": tmp})
            self.assertEqual(len(os.listdir(tmp)), 1)
            srv.proc.send_signal(2)
            self.assertEqual(srv.proc.wait(20), 0)
            self.assertEqual(os.listdir(tmp), [])
        finally:
            shutil.rmtree(repo, ignore_errors=True)
            shutil.rmtree(tmp, ignore_errors=True)


class Events:
    """Reads the Server-Sent Events stream on a thread."""

    def __init__(self, port):
        self.events = []
        self.cond = threading.Condition()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/__almanac/events")
        self.sock = self.conn.sock
        r = self.conn.getresponse()
        assert r.status == 200 and r.getheader("Content-Type").startswith("text/event-stream")

        def reader():
            name, data = "message", []
            try:
                for raw in r.fp:
                    line = raw.decode().rstrip("\r\n")
                    if line == "":
                        if data:
                            with self.cond:
                                self.events.append((name, json.loads("\n".join(data))))
                                self.cond.notify_all()
                        name, data = "message", []
                    elif line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
            except (OSError, ValueError):
                pass
        threading.Thread(target=reader, daemon=True).start()

    def wait_for(self, pred, timeout=TIMEOUT):
        end = time.time() + timeout
        with self.cond:
            while True:
                for e in self.events:
                    if pred(e):
                        return e
                left = end - time.time()
                if left <= 0:
                    raise AssertionError("no such event; got %s" % [(n, d.get("build")) for n, d in self.events])
                self.cond.wait(left)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the reader thread
        except OSError:
            pass
        self.conn.close()


class ServeLive(unittest.TestCase):
    """Edits while the server runs: reload events, error overlay data, identity with a full build."""

    def setUp(self):
        self.repo = fixture()
        self.srv = Server(self.repo)
        self.ev = Events(self.srv.port)

    def tearDown(self):
        self.ev.close()
        rc = self.srv.stop()
        shutil.rmtree(self.repo, ignore_errors=True)
        self.assertEqual(rc, 0, "serve exited badly:\n" + "\n".join(self.srv.lines[-40:]))

    def edit(self, rel, fn):
        """Save as editors do: a new file renamed over the old one."""
        path = os.path.join(self.repo, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path + ".tmp~", "w", encoding="utf-8") as f:
            f.write(fn(text))
        os.replace(path + ".tmp~", path)

    def assert_verified(self, status):
        self.assertEqual(status["verify_mismatches"], 0,
                         "incremental result differs from a full build:\n" + "\n".join(self.srv.lines[-30:]))

    def test_edit_reloads_with_new_content(self):
        hello = self.ev.wait_for(lambda e: e[0] == "hello")[1]
        seq = self.srv.status()["seq"]
        t0 = time.time()
        self.edit("runbooks/k8s/node-not-ready.md", lambda t: t + "\nDrain the node before rebooting.\n")
        name, data = self.ev.wait_for(lambda e: e[0] == "build" and e[1]["build"] > hello["build"])
        self.assertLess(time.time() - t0, 10)
        self.assertTrue(data["ok"])
        self.assertEqual(data["kind"], "incremental")
        self.assertIn("runbooks/k8s/node-not-ready.md", data["changed"])
        st, h, body = self.srv.get("/runbooks/k8s/node-not-ready/")
        self.assertIn(b"Drain the node before rebooting.", body)
        self.assertIn("build-%d" % data["build"], h["server-timing"])
        self.assertIn(b"badge-uncommitted", body)
        self.assert_verified(self.srv.settled(seq))
        # the search index follows
        st, _, manifest = self.srv.get("/search/manifest.json")
        self.assertEqual(st, 200)

    def test_title_change_reaches_the_pages_that_show_it(self):
        seq = self.srv.status()["seq"]
        self.edit("runbooks/k8s/disk-full.md", lambda t: t.replace("title: Disk full", "title: Disk is full"))
        s = self.srv.settled(seq)
        self.assert_verified(s)
        for path in ("/runbooks/k8s/disk-full/", "/runbooks/k8s/node-not-ready/", "/content/roles/sre/", "/"):
            body = self.srv.get(path)[2]
            self.assertNotIn(b">Disk full<", body, path)
        self.assertIn(b"Disk is full", self.srv.get("/runbooks/k8s/node-not-ready/")[2])

    def test_broken_link_shows_with_the_edit_until_fixed(self):
        """A content error does not hold the preview back: the edit is published and the error is
        reported with it (status, event, terminal) until it is fixed."""
        build0 = self.srv.status()["build"]
        self.edit("runbooks/k8s/disk-full.md", lambda t: t + "\nSee [the missing page](nowhere.md).\n")
        name, data = self.ev.wait_for(lambda e: e[0] == "build" and not e[1]["ok"])
        self.assertEqual(len(data["new"]), 1, data["new"])
        self.assertRegex(data["new"][0], r"^runbooks/k8s/disk-full\.md:9:5: error: .*nowhere\.md")
        self.assertIn("fix the new errors", data["message"])
        s = self.srv.status()
        self.assertFalse(s["ok"])
        self.assertIn(data["new"][0], s["diagnostics"])
        # the writer's edit is served, with the error
        self.assertGreater(data["build"], build0)
        st, h, body = self.srv.get("/runbooks/k8s/disk-full/")
        self.assertIn(b"the missing page", body)
        self.assertIn("build-%d" % data["build"], h["server-timing"])
        # the terminal shows it too (stderr is read by another thread: it may come a moment later)
        deadline = time.time() + 10
        while not (any("nowhere.md" in l for l in self.srv.lines) and any("1 new error" in l for l in self.srv.lines)) \
                and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(any("nowhere.md" in l for l in self.srv.lines), "the terminal shows it too")
        self.assertTrue(any("1 new error" in l for l in self.srv.lines), self.srv.lines[-5:])
        # fix it
        build = s["build"]
        self.edit("runbooks/k8s/disk-full.md", lambda t: t.replace("nowhere.md", "node-not-ready.md"))
        name, data = self.ev.wait_for(lambda e: e[0] == "build" and e[1]["ok"] and e[1]["build"] > build)
        self.assertEqual(data["new"], [])
        self.assertIsNone(data["message"])
        body = self.srv.get("/runbooks/k8s/disk-full/")[2]
        self.assertIn(b'href="../node-not-ready/">the missing page</a>', body)
        self.assert_verified(self.srv.settled(s["seq"]))

    def test_front_matter_error_and_owner_change(self):
        seq = self.srv.status()["seq"]
        self.edit("runbooks/k8s/node-not-ready.md", lambda t: t.replace("criticality: high", "criticality: urgent"))
        s = self.srv.wait(lambda s: s["seq"] > seq and s["new"])
        self.assertTrue(any(d.startswith("runbooks/k8s/node-not-ready.md:4:") for d in s["new"]), s["new"])
        self.edit("runbooks/k8s/node-not-ready.md", lambda t: t.replace("criticality: urgent", "criticality: low")
                  .replace("owner: sre", "owner: dba"))
        s = self.srv.settled(s["seq"])
        self.assertTrue(s["ok"], s)
        self.assertEqual(s["new"], [])
        self.assert_verified(s)

    def test_structural_changes_rebuild_everything(self):
        seq = self.srv.status()["seq"]
        write(self.repo, "runbooks/k8s/etcd.md", "---\ntitle: Etcd quorum\n---\nSee [disk](disk-full.md).\n")
        s = self.srv.wait(lambda s: s["seq"] > seq and self.srv.get("/runbooks/k8s/etcd/")[0] == 200)
        self.assertEqual(s["kind"], "full")
        self.assertIn(b"Etcd quorum", self.srv.get("/runbooks/k8s/disk-full/")[2], "backlink on the target")
        seq = s["seq"]
        os.remove(os.path.join(self.repo, "runbooks/k8s/etcd.md"))
        s = self.srv.wait(lambda s: s["seq"] > seq and self.srv.get("/runbooks/k8s/etcd/")[0] == 404)
        self.assertNotIn(b"Etcd quorum", self.srv.get("/runbooks/k8s/disk-full/")[2])
        seq = s["seq"]
        with open(os.path.join(self.repo, "almanac.yml"), "w") as f:
            f.write("title: Platform docs\n")
        s = self.srv.wait(lambda s: s["seq"] > seq and b"Platform docs" in self.srv.get("/")[2])
        self.assertEqual(s["kind"], "full")
        seq = s["seq"]
        # a theme override appears: the 404 page changes
        write(self.repo, "themes/default/templates/404.mustache", "<html><body>custom-404-marker</body></html>\n")
        s = self.srv.wait(lambda s: s["seq"] > seq and b"custom-404-marker" in self.srv.get("/nope/")[2])
        self.assertEqual(self.srv.get("/nope/")[0], 404)
        # owners and alert rules live outside the content folders: a change to them reloads everything
        seq = s["seq"]
        write(self.repo, ".github/CODEOWNERS", "* @serve-team\n")
        s = self.srv.wait(lambda s: s["seq"] > seq and b"@serve-team" in self.srv.get("/content/roles/sre/")[2])
        self.assertEqual(s["kind"], "full")
        seq = s["seq"]
        write(self.repo, "rules/a.yml", "groups: [{name: g, rules: [{alert: disk-full, expr: x}]}]\n")
        with open(os.path.join(self.repo, "almanac.yml"), "w") as f:
            f.write("title: Platform docs\nalert_rules: [rules]\n")
        s = self.srv.wait(lambda s: s["seq"] > seq and self.srv.get("/alerts/disk-full/")[0] == 200)
        seq = s["seq"]
        write(self.repo, "rules/b.yml", "groups: [{name: g, rules: [{alert: new-page, expr: x}]}]\n")
        s = self.srv.wait(lambda s: s["seq"] > seq and self.srv.get("/alerts/new-page/")[0] == 200)
        self.assertEqual(s["kind"], "full")

    def test_asset_change(self):
        seq = self.srv.status()["seq"]
        with open(os.path.join(self.repo, "runbooks/k8s/img/flow.png"), "wb") as f:
            f.write(b"\x89PNG new diagram")
        s = self.srv.settled(seq)
        self.assertEqual(self.srv.get("/runbooks/k8s/img/flow.png")[2], b"\x89PNG new diagram")
        self.assert_verified(s)

    def test_rapid_saves_settle_to_a_full_build(self):
        seq = self.srv.status()["seq"]
        for i in range(6):
            rel = ("runbooks/k8s/node-not-ready.md", "runbooks/k8s/disk-full.md", "content/index.md")[i % 3]
            self.edit(rel, lambda t: t + "\nRapid save %d.\n" % i)
            time.sleep(0.05 * (i % 2))
        s = self.srv.wait(lambda s: s["seq"] > seq and s["search"] == "current" and
                          b"Rapid save 5." in self.srv.get("/")[2], timeout=40)
        self.assert_verified(s)
        for rel, url in (("runbooks/k8s/node-not-ready.md", "/runbooks/k8s/node-not-ready/"),
                         ("runbooks/k8s/disk-full.md", "/runbooks/k8s/disk-full/")):
            body = self.srv.get(url)[2]
            for i in range(6):
                if ("runbooks/k8s/node-not-ready.md", "runbooks/k8s/disk-full.md", "content/index.md")[i % 3] == rel:
                    self.assertIn(b"Rapid save %d." % i, body)

    def test_commit_updates_freshness(self):
        seq = self.srv.status()["seq"]
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "Add the new page", date="2026-10-20T09:00:00Z")
        s = self.srv.settled(seq)
        self.assertEqual(s["kind"], "full")
        self.assertNotIn(b"badge-uncommitted", self.srv.get("/runbooks/k8s/new-page/")[2])

    def test_same_bytes_as_a_full_build(self):
        """After a series of edits, every file a full `almanac build --drafts` writes is served with the
        same bytes (HTML without the serve-only live-reload script tag), and nothing else is served."""
        seq = self.srv.status()["seq"]
        self.edit("runbooks/k8s/node-not-ready.md", lambda t: t + "\n## Escalate\n\nPage the on-call.\n")
        seq = self.srv.settled(seq)["seq"]
        self.edit("runbooks/k8s/disk-full.md", lambda t: t.replace("title: Disk full", "title: Full disks"))
        seq = self.srv.settled(seq)["seq"]
        self.edit("content/roles/sre.md", lambda t: t + "\nMore about the team.\n")
        s = self.srv.settled(seq)
        self.assert_verified(s)
        out = tempfile.mkdtemp()
        try:
            r = run("build", "--repo", self.repo, "--out", os.path.join(out, "site"), "--now", NOW, "--drafts",
                    env=THEME_ENV)
            self.assertEqual(r.returncode, 0, r.stderr)
            built = tree_bytes(os.path.join(out, "site"))
            self.assertGreater(len(built), 20)
            script = re.compile(rb'\s*<script src="[./]*assets/live\.js"></script>')
            with_script = 0
            for rel, data in sorted(built.items()):
                if rel == ".almanac-site":
                    continue
                st, _, body = self.srv.get("/" + rel)
                self.assertEqual(st, 200, rel)
                self.assertFalse(script.search(data), "build output loads live.js: " + rel)
                if rel.endswith(".html") and script.search(body):
                    with_script += 1
                    body = script.sub(b"", body, count=1)
                self.assertEqual(body, data, "served %s differs from a full build" % rel)
            self.assertGreater(with_script, 8)
        finally:
            shutil.rmtree(out, ignore_errors=True)


RB_RULES = """groups:
  - name: disks
    rules:
      - alert: DiskFull
        annotations:
          runbook_url: https://docs.example.com/runbooks/disk-full/#clean-up
        expr: up == 0
      - alert: DiskFuller
        annotations:
          runbook_url: https://github.com/acme/handbook/blob/main/runbooks/disk-full.md#clean-up
        expr: up == 0
"""


class ServeRunbookUrlHeadings(unittest.TestCase):
    """A rule's runbook_url names a heading of a runbook (the site's address or the file on the forge):
    the writer adds that heading, or takes it away, while serve runs. The runbook_url errors and the
    alerts/<Name>/ pages follow the edit as a full build would (they stayed as the first build had them)."""

    def setUp(self):
        self.repo = make_repo({
            "almanac.yml": "title: Ops\nbase_url: https://docs.example.com/\nalert_rules: [rules/]\n",
            "runbooks/disk-full.md": "---\ntitle: Disk full\n---\n## Tidy\n\nRemove old images.\n",
            "rules/disks.yml": RB_RULES,
        })
        git(self.repo, "remote", "add", "origin", "git@github.com:acme/handbook.git")
        self.srv = Server(self.repo)

    def tearDown(self):
        rc = self.srv.stop()
        shutil.rmtree(self.repo, ignore_errors=True)
        self.assertEqual(rc, 0, "serve exited badly:\n" + "\n".join(self.srv.lines[-40:]))

    def edit(self, fn):
        path = os.path.join(self.repo, "runbooks/disk-full.md")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path + ".tmp~", "w", encoding="utf-8") as f:
            f.write(fn(text))
        os.replace(path + ".tmp~", path)

    def heading_errors(self, status):
        return [d.split(": error: ")[0] for d in status["diagnostics"] if "which has no heading '#clean-up'" in d]

    def test_runbook_url_headings_follow_the_edits(self):
        s = self.srv.status()
        self.assertEqual(self.heading_errors(s), ["rules/disks.yml:6:24", "rules/disks.yml:10:24"])
        self.edit(lambda t: t + "\nThen check the logs.\n")  # the page is uncommitted from now on
        s = self.srv.settled(s["seq"])
        self.assertEqual(s["verify_mismatches"], 0, "\n".join(self.srv.lines[-20:]))
        self.edit(lambda t: t.replace("## Tidy", "## Clean up"))
        s = self.srv.settled(s["seq"])
        self.assertEqual(s["kind"], "incremental")
        self.assertEqual(self.heading_errors(s), [], s["diagnostics"])
        self.assertTrue(any("note: runbook_url shows runbooks/disk-full.md" in d for d in s["diagnostics"]),
                        s["diagnostics"])
        self.assertTrue(s["ok"], s)
        for alert in ("DiskFull", "DiskFuller"):
            self.assertIn(b'url=../../runbooks/disk-full/#clean-up"', self.srv.get("/alerts/%s/" % alert)[2])
        self.assertEqual(s["verify_mismatches"], 0, "\n".join(self.srv.lines[-20:]))
        self.edit(lambda t: t.replace("## Clean up", "## Tidy"))
        s = self.srv.settled(s["seq"])
        self.assertEqual(self.heading_errors(s), ["rules/disks.yml:6:24", "rules/disks.yml:10:24"])
        self.assertIn(b'url=../../runbooks/disk-full/"', self.srv.get("/alerts/DiskFull/")[2])
        self.assertEqual(s["verify_mismatches"], 0, "\n".join(self.srv.lines[-20:]))


class ServeDatesLikeABuild(unittest.TestCase):
    """A re-read page is dated by the rules of a full build: a page only bots ever committed stays
    unreviewed (stale, "no review on record") while a writer edits it."""

    def setUp(self):
        self.repo = make_repo({"almanac.yml": "title: Ops\n", "runbooks/disk-full.md": "# Disk full\n\nTidy.\n"})
        write(self.repo, "runbooks/bot-made.md", "# Made by a bot\n\nGenerated.\n")
        git(self.repo, "add", "-A")
        subprocess.run(["git", "-C", self.repo, "-c", "user.name=renovate[bot]", "-c", "user.email=bot@example.com",
                        "commit", "-q", "-m", "generated"], check=True, capture_output=True)
        self.srv = Server(self.repo)

    def tearDown(self):
        rc = self.srv.stop()
        shutil.rmtree(self.repo, ignore_errors=True)
        self.assertEqual(rc, 0, "serve exited badly:\n" + "\n".join(self.srv.lines[-40:]))

    def edit(self, rel):
        with open(os.path.join(self.repo, rel), "a", encoding="utf-8") as f:
            f.write("\nOne more step.\n")

    def test_a_page_only_bots_committed_stays_unreviewed(self):
        s = self.srv.status()
        self.assertIn(b"No review on record", self.srv.get("/runbooks/bot-made/")[2])
        self.edit("runbooks/bot-made.md")
        s = self.srv.settled(s["seq"])
        self.assertEqual(s["kind"], "incremental")
        self.assertEqual(s["verify_mismatches"], 0, "\n".join(self.srv.lines[-20:]))


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(THEME, ignore_errors=True)
