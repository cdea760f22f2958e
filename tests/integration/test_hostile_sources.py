"""Hostile multi-repository sites (sources: in almanac.yml): the hub's almanac.yml and every source are
written by whoever opens a merge request. Repositories made by the test, served by a real `git daemon`
or by a git:// server on 127.0.0.1 that runs the real `git upload-pack` behind a doctored ref
advertisement (a hostile host a merge request names)."""
import base64
import http.server
import json
import os
import socket
import subprocess
import threading

from almanac_testlib import RepoTestCase, git, main, read, run, tree_bytes, write
from test_sources import GitDaemon, Tarpit

if "ASAN_OPTIONS" in os.environ:  # libgit2's remote frames in tests/lsan.supp need whole stacks
    os.environ["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0"

NOW = "2026-11-01"


def pkt(data):
    return b"%04x" % (len(data) + 4) + data


def read_pkt(f):
    n = f.read(4)
    if not n or int(n, 16) == 0:
        return None
    return f.read(int(n, 16) - 4)


class DoctoredServer(Tarpit):
    """A git:// server on 127.0.0.1 that answers with `git upload-pack REPO`, whose ref advertisement
    `extra(oid)` adds lines to (pkt-line payloads, e.g. a hundred thousand branches). Tarpit's accept
    loop on a free port, each connection talked to on a thread of its own."""

    def __init__(self, repo, extra):
        self.repo, self.extra = repo, extra
        self.procs = []
        super().__init__(0)
        self.port = self.sock.getsockname()[1]

    def url(self):
        return "git://127.0.0.1:%d/repo.git" % self.port

    def accepted(self, c):
        threading.Thread(target=self._talk, args=(c,), daemon=True).start()

    def _talk(self, c):
        f = c.makefile("rb")
        read_pkt(f)  # git-upload-pack /repo.git\0host=...\0
        p = subprocess.Popen(["git", "upload-pack", "--strict", self.repo], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
        self.procs.append(p)
        adv = []
        while True:
            line = read_pkt(p.stdout)
            if line is None:
                break
            adv.append(line)
        try:
            c.sendall(b"".join(pkt(a) for a in adv) + b"".join(pkt(e) for e in self.extra(adv[0][:40])) + b"0000")

            def upstream():
                try:
                    while True:
                        d = c.recv(65536)
                        if not d:
                            break
                        p.stdin.write(d)
                        p.stdin.flush()
                except (OSError, ValueError):
                    pass
                try:
                    p.stdin.close()
                except OSError:
                    pass
            threading.Thread(target=upstream, daemon=True).start()
            while True:
                d = p.stdout.read1(65536)
                if not d:
                    break
                c.sendall(d)
        except OSError:
            pass
        finally:
            c.close()
            p.kill()
            p.wait()

    def stop(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes accept(): a closed socket alone may keep the port
        except OSError:
            pass
        super().stop()
        for p in self.procs:
            p.kill()
            p.wait()


class PasswordPrompt:
    """An HTTP server on 127.0.0.1 that answers every request with 401 (Basic), as a server collecting
    credentials would, and keeps the Authorization headers it was sent."""

    def __init__(self):
        got = self.got = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.headers.get("Authorization"):
                    got.append(self.headers["Authorization"])
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="git"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class HostileSources(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.base = self.tmpdir()
        self.remote = os.path.join(self.base, "remote.git-src")
        os.makedirs(self.remote)
        git(self.remote, "init", "-q", "-b", "main")
        write(self.remote, "runbooks/cache-miss.md", "# Cache miss storm\n")
        git(self.remote, "add", "-A")
        git(self.remote, "commit", "-q", "-m", "import", date="2026-06-01T10:00:00Z")
        self.daemon = GitDaemon(self.base)
        self.addCleanup(self.daemon.stop)

    def password_prompt(self, token):
        """A server asking for a password (PasswordPrompt), and an environment whose git credential helper
        answers for every host, as CI machines' often do (username ci-bot, password `token`)."""
        server = PasswordPrompt()
        self.addCleanup(server.stop)
        home = self.tmpdir()
        write(home, ".gitconfig", "[credential]\n\thelper = \"!f() { echo username=ci-bot; "
                                  "echo password=%s; }; f\"\n" % token)
        return server, {"HOME": home, "GIT_CONFIG_NOSYSTEM": "1"}

    def hub(self, config, files=None):
        files = dict(files or {"runbooks/node.md": "# Node down\n"})
        files["almanac.yml"] = "title: Handbook\n" + config
        return self.repo(files, date="2026-10-20T10:00:00Z")

    def test_credentials_in_a_url_reach_neither_the_output_nor_the_log(self):
        # a token given as the user name (https://$GITHUB_TOKEN@github.com/..., as CI scripts write it)
        # is as secret as a password; git:// ignores user info, so the daemon serves it
        port = self.daemon.port
        hub = self.hub("repo_url: https://git.example.com/acme/hub\n"
                       "sources:\n"
                       "  - name: cache\n"
                       "    repo: git://ghp_TOKENAAAA1111@127.0.0.1:%d/remote.git-src\n"
                       "  - name: svc\n"
                       "    repo: git://ci:PASSWORDBBBB2222@127.0.0.1:%d/remote.git-src\n" % (port, port))
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(out, "cache/runbooks/cache-miss/index.html")))
        rep = run("report", "--repo", hub, "--format", "json", "--now", NOW)
        text = run("report", "--repo", hub, "--now", NOW)
        self.assertEqual(json.loads(rep.stdout)["repository"]["sources"][0]["repo"],
                         "git://127.0.0.1:%d/remote.git-src" % port)
        for secret in (b"TOKENAAAA1111", b"PASSWORDBBBB2222"):
            for where, data in (("the log", r.stderr.encode()), ("the JSON report", rep.stdout.encode()),
                                ("the text report", text.stdout.encode())):
                self.assertNotIn(secret, data, where)
            for name, data in tree_bytes(out).items():
                self.assertNotIn(secret, data, name)
            # nor the clones' cache in the hub's .git (CI systems keep .git/almanac between runs)
            for d, _, files in os.walk(os.path.join(hub, ".git", "almanac")):
                for f in files:
                    with open(os.path.join(d, f), "rb") as fh:
                        self.assertNotIn(secret, fh.read(), os.path.join(d, f))
        # libgit2's own messages quote the URL as written: a password holding '/' (so that the URL's
        # authority looks like "user:pa") and a token as user name are masked there too
        hub = self.hub("sources:\n"
                       "  - name: a\n"
                       "    repo: https://x:PA/SSCCCC3333@127.0.0.1:1/x.git\n"
                       "  - name: b\n"
                       "    repo: https://ghp_TOKENDDDD4444@127.0.0.1:1/x.git\n")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("almanac.yml:3:5: error[source]: source 'a' (https://127.0.0.1:1/x.git): cannot connect: "
                      "malformed URL 'https://127.0.0.1:1/x.git'", r.stderr)
        self.assertIn("almanac.yml:5:5: error[source]: source 'b' (https://127.0.0.1:1/x.git): cannot connect",
                      r.stderr)
        self.assertNotIn("SSCCCC3333", r.stderr)
        self.assertNotIn("TOKENDDDD4444", r.stderr)

    def test_a_server_named_in_almanac_yml_gets_no_password_from_git_s_credential_helpers(self):
        # CI machines often have a helper that answers for any host (a token for private modules); a
        # merge request's almanac.yml named a server of its own, which answered 401, and Almanac handed
        # it the token that `git credential fill` gave, even over plain http
        server, env = self.password_prompt("CI-TOKEN-5555")
        hub = self.hub("sources:\n  - name: evil\n    repo: %s/x.git\n" % server.origin)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW, env=env)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(server.got, [])
        self.assertIn("almanac.yml:3:5: error[source]: source 'evil' (%s/x.git): cannot connect: %s asks for a "
                      "password; git's credential helpers are asked only for the hub's own remotes' hosts and "
                      "those the operator lists in ALMANAC_CREDENTIAL_HOSTS" % (server.origin, server.origin),
                      r.stderr)
        # the operator names the host: the helper's answer is sent (and refused by this server)
        r = run("build", "--repo", hub, "--out", out, "--now", NOW,
                env=dict(env, ALMANAC_CREDENTIAL_HOSTS="git.example.com, " + server.origin))
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual([base64.b64decode(a.split()[1]) for a in server.got], [b"ci-bot:CI-TOKEN-5555"])
        # so does the host the hub itself is cloned from
        git(hub, "remote", "add", "origin", server.origin + "/hub.git")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW, env=env)
        self.assertEqual(len(server.got), 2, r.stderr)
        self.assertNotIn("CI-TOKEN-5555", r.stderr)

    def test_a_remote_in_a_file_the_hub_s_config_includes_vouches_for_nothing(self):
        # a project asks its developers to `git config include.path ../.gitconfig` (shared aliases, a
        # diff driver): that file is in the work tree, a merge request edits it, and a remote it adds
        # must not make its server one git's credential helpers answer for
        server, env = self.password_prompt("CI-TOKEN-6666")
        hub = self.hub("sources:\n  - name: evil\n    repo: %s/x.git\n" % server.origin,
                       files={"runbooks/node.md": "# Node down\n",
                              ".gitconfig": "[remote \"mirror\"]\n\turl = %s/hub.git\n" % server.origin})
        git(hub, "config", "include.path", "../.gitconfig")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW, env=env)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(server.got, [])
        self.assertIn("git's credential helpers are asked only for the hub's own remotes' hosts", r.stderr)

    def test_a_source_cannot_take_the_place_of_the_hub_s_files(self):
        # a source named index.html published its pages at index.html/..., and the hub's home page
        # (index.html) lost to it; one named like a file the hub publishes (logo.png) took its place
        hub = self.hub("sources:\n"
                       "  - name: index.html\n"
                       "    repo: %s\n" % self.remote,
                       {"index.md": "# The hub's home\n", "logo.png": "PNG\n"})
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("almanac.yml:3:11: error[config]: sources: name 'index.html' must be", r.stderr)
        write(hub, "almanac.yml", "title: Handbook\nsources:\n"
                                  "  - name: logo.png\n    repo: %s\n" % self.remote)
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("almanac.yml:3:5: error[source]: source 'logo.png': this repository publishes a file or a "
                      "folder of pages of that name; choose another name for the source", r.stderr)
        # a Hugo hub publishes content/api/x.md at api/x/: a source named api took that page's place (the
        # hub's page lost as duplicate-url, as api/... sorts before content/..., exit 0)
        hugo = self.hub("sources:\n  - name: api\n    repo: %s\n" % self.remote,
                        {"hugo.toml": "baseURL = 'https://docs.example.com/'\ntitle = 'Hub'\n",
                         "content/api/runbooks/cache-miss.md": "# The hub's cache runbook\n"})
        r = run("build", "--repo", hugo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("almanac.yml:3:5: error[source]: source 'api': this repository publishes a file or a folder of "
                      "pages of that name", r.stderr)
        write(hub, "almanac.yml", "title: Handbook\nsources:\n"
                                  "  - name: cache\n    repo: %s\n" % self.remote)
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Source: <code>index.md</code>", read(os.path.join(out, "index.html")))  # the hub's home page
        self.assertEqual(read(os.path.join(out, "logo.png")), "PNG\n")

    def test_a_local_source_publishes_only_what_git_tracks(self):
        # a work tree beside the hub (a CI machine's other checkout, a developer's service repository) holds
        # files nobody committed: a scratch page, a credentials file a tool wrote; the source is its tracked
        # files, and those are left out, said once at the source's entry
        write(self.remote, "runbooks/scratch.md", "# Notes\n\nprod password: hunter2\n")
        write(self.remote, "runbooks/creds.json", '{"token": "ghp_0123456789"}\n')
        hub = self.hub("sources:\n  - name: cache\n    repo: %s\n" % self.remote)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("almanac.yml:3:5: note[source-untracked]: source 'cache': 2 files Git does not track left "
                      "out (runbooks/scratch.md, runbooks/creds.json); `git add` them to publish them", r.stderr)
        self.assertTrue(os.path.exists(os.path.join(out, "cache/runbooks/cache-miss/index.html")))
        published = b"".join(tree_bytes(out).values())
        self.assertNotIn(b"hunter2", published)
        self.assertNotIn(b"ghp_0123456789", published)
        self.assertFalse(os.path.exists(os.path.join(out, "cache/runbooks/creds.json")))
        # staged is tracked: the page is published (uncommitted), and no note
        git(self.remote, "add", "runbooks/scratch.md")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("hunter2", read(os.path.join(out, "cache/runbooks/scratch/index.html")))
        self.assertIn("1 file Git does not track left out (runbooks/creds.json); `git add` it", r.stderr)

    def test_a_tracked_link_to_an_untracked_file_publishes_nothing_of_it(self):
        # a committed link (runbooks/env.md -> ../.env, docs/index.md -> ../README.md as MkDocs has it) is
        # tracked, what it leads to may not be: a credentials file a tool wrote. The link is published when
        # its target is tracked too, left out (with the note) when not; a content folder that is a link
        # leads to tracked files, which are published
        write(self.remote, ".env", "TOKEN=ghp_untracked_1\n")
        write(self.remote, "notes/secret.md", "# Secret\n\nghp_untracked_2\n")
        write(self.remote, "runbooks/readme-page.md", "# Readme\n")
        os.symlink("../.env", os.path.join(self.remote, "runbooks/env.md"))
        os.symlink("../notes/secret.md", os.path.join(self.remote, "runbooks/secret-link.md"))
        os.symlink("readme-page.md", os.path.join(self.remote, "runbooks/same.md"))
        git(self.remote, "add", "runbooks/env.md", "runbooks/secret-link.md", "runbooks/same.md",
            "runbooks/readme-page.md")
        git(self.remote, "commit", "-q", "-m", "links", date="2026-06-01T10:00:00Z")
        hub = self.hub("sources:\n  - name: cache\n    repo: %s\n" % self.remote)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        published = b"".join(tree_bytes(out).values())
        self.assertFalse(b"ghp_untracked_1" in published, "the untracked .env was published through a link")
        self.assertFalse(b"ghp_untracked_2" in published, "an untracked page was published through a link")
        self.assertIn("source 'cache': 2 files Git does not track left out (runbooks/env.md, "
                      "runbooks/secret-link.md)", r.stderr)
        self.assertIn("Readme", read(os.path.join(out, "cache/runbooks/same/index.html")))

    def test_a_local_source_s_content_folder_that_is_a_link_publishes_its_tracked_files(self):
        # content: [docs] where docs is a committed link to real/: its files are tracked where they are
        write(self.remote, "real/guide.md", "# Guide\n")
        os.symlink("real", os.path.join(self.remote, "docs"))
        write(self.remote, "almanac.yml", "content: [docs]\n")
        git(self.remote, "add", "-A")
        git(self.remote, "commit", "-q", "-m", "docs", date="2026-06-01T10:00:00Z")
        hub = self.hub("sources:\n  - name: cache\n    repo: %s\n" % self.remote)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("source-untracked", r.stderr)
        self.assertIn("Guide", read(os.path.join(out, "cache/docs/guide/index.html")))

    def test_a_source_s_aliases_take_no_address_of_another_repository(self):
        # the hub renamed a runbook: its old address (bookmarks, alert rules' runbook_url) redirects to
        # the new one; a source's alias took that address over, its page shown instead, with a note
        svc = os.path.join(self.base, "svc")
        other = os.path.join(self.base, "other")
        hub = self.hub("sources:\n  - name: svc\n    repo: %s\n    path: docs\n"
                       "  - name: other\n    repo: %s\n" % (svc, other),
                       {"runbooks/disk-full.md": "# Disk full\n", "runbooks/db/replica.md": "# Replica\n"})
        git(hub, "mv", "runbooks/disk-full.md", "runbooks/disk-space.md")
        git(hub, "commit", "-q", "-m", "rename", date="2026-10-21T10:00:00Z")
        for path, files in ((svc, {"docs/evil.md": "---\naliases: [/runbooks/disk-full/, /runbooks/disk-space/, "
                                                  "/runbooks/db/, /other/victim/]\n---\n# Evil\n"}),
                            (other, {"victim.md": "# Victim\n"})):
            os.makedirs(path)
            git(path, "init", "-q", "-b", "main")
            for rel, text in files.items():
                write(path, rel, text)
            git(path, "add", "-A")
            git(path, "commit", "-q", "-m", "import", date="2026-10-01T10:00:00Z")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("svc/evil.md:2:11: error[alias-conflict]: alias '/runbooks/disk-full/' is the old address of "
                      "runbooks/disk-space.md, in another repository", r.stderr)
        self.assertIn("svc/evil.md:2:33: error[alias-conflict]: alias '/runbooks/disk-space/' is the address of "
                      "runbooks/disk-space.md", r.stderr)
        self.assertIn("svc/evil.md:2:56: error[alias-conflict]: alias '/runbooks/db/' is the address of the folder "
                      "page runbooks/db/", r.stderr)
        self.assertIn("svc/evil.md:2:71: error[alias-conflict]: alias '/other/victim/' is the address of "
                      "other/victim.md", r.stderr)
        self.assertIn('url=../disk-space/"', read(os.path.join(out, "runbooks/disk-full/index.html")))
        self.assertIn("Disk full", read(os.path.join(out, "runbooks/disk-space/index.html")))
        self.assertIn("Victim", read(os.path.join(out, "other/victim/index.html")))
        self.assertNotIn("evil", read(os.path.join(out, "runbooks/db/index.html")))

    def test_what_a_server_sends_and_a_checkout_writes_is_bounded_in_bytes(self):
        # a server sending a pack of many gigabytes: the run's bytes are counted as they arrive
        big = os.path.join(self.base, "big.git-src")
        os.makedirs(big)
        git(big, "init", "-q", "-b", "main")
        write(big, "runbooks/big.md", "# Big\n")
        with open(os.path.join(big, "runbooks/blob.bin"), "wb") as f:
            f.write(os.urandom(3 << 20))  # 3 MiB that do not compress
        git(big, "add", "-A")
        git(big, "commit", "-q", "-m", "big", date="2026-06-01T10:00:00Z")
        hub = self.hub("sources:\n  - name: cache\n    repo: %s\n  - name: big\n    repo: %s\n"
                       % (self.daemon.url("remote.git-src"), self.daemon.url("big.git-src")))
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW, "--fetch-max-size", "2M")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("almanac.yml:5:5: error[source]: source 'big' (%s): cannot fetch: the servers sent more "
                      "than 2 MiB in this run (--fetch-max-size)" % self.daemon.url("big.git-src"), r.stderr)
        self.assertFalse(os.path.exists(out))
        r = run("build", "--repo", hub, "--out", out, "--now", NOW, "--fetch-max-size", "8M")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("build", "--repo", hub, "--out", out, "--fetch-max-size", "8X")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--fetch-max-size needs a size between 1M and 16T (512M, 4G, 20G), not '8X'", r.stderr)
        # a small pack whose tree holds one folder 16 times, six levels deep: 16^6 copies of a 64 KiB
        # file, a terabyte once checked out; refused before a file is written
        bomb = os.path.join(self.base, "bomb.git-src")
        os.makedirs(bomb)
        git(bomb, "init", "-q", "-b", "main")
        blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=bomb, input=b"\0" * 65536,
                              capture_output=True, check=True).stdout.decode().strip()
        entry = ("100644 blob", blob)
        for level in range(6):
            listing = "".join("%s %s\tf%02d%s\n" % (entry[0], entry[1], i, ".md" if level == 0 else "")
                              for i in range(16))
            tree = subprocess.run(["git", "mktree"], cwd=bomb, input=listing.encode(), capture_output=True,
                                  check=True).stdout.decode().strip()
            entry = ("040000 tree", tree)
        commit = git(bomb, "commit-tree", entry[1], "-m", "bomb", date="2026-06-01T10:00:00Z").strip()
        git(bomb, "update-ref", "refs/heads/main", commit)
        hub = self.hub("sources:\n  - name: bomb\n    repo: %s\n" % self.daemon.url("bomb.git-src"))
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("almanac.yml:3:5: error[source]: source 'bomb' (%s): its files at commit %s come to more "
                      "than 4 GiB (counting 4096 bytes a file; --fetch-max-size)"
                      % (self.daemon.url("bomb.git-src"), commit[:7]), r.stderr)
        cache = os.path.join(hub, ".git", "almanac", "sources", "bomb")
        written = sum(len(files) for _, _, files in os.walk(cache))
        self.assertLess(written, 200, "files of the bomb's checkout were written")

    def test_a_server_advertising_a_million_branches_fills_nothing(self):
        # a merge request names a host that advertises 50,000 branches and refs named like paths: only
        # the branch the source reads is fetched, so no loose ref is written for the others (a million
        # of them took minutes after the download, where no limit applies, and gigabytes of .git)
        bare = os.path.join(self.base, "served.git")
        git(self.base, "clone", "-q", "--bare", self.remote, bare)

        def extra(oid):
            lines = [oid + b" refs/heads/b%06d\n" % i for i in range(50000)]
            return lines + [oid + b" refs/heads/../../../../escaped\n", oid + b" refs/tags/../../HEAD\n"]
        server = DoctoredServer(bare, extra)
        self.addCleanup(server.stop)
        hub = self.hub("sources:\n  - name: cache\n    repo: %s\n" % server.url())
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(out, "cache/runbooks/cache-miss/index.html")))
        clone = os.path.join(hub, ".git", "almanac", "sources", "cache", "repo")
        refs = git(clone, "for-each-ref", "--format=%(refname)").split()
        self.assertEqual(refs, ["refs/remotes/origin/main"])
        self.assertFalse(os.path.exists(os.path.join(self.base, "escaped")))
        # a branch named in almanac.yml: that one
        write(hub, "almanac.yml", "title: Handbook\nsources:\n  - name: cache\n    repo: %s\n"
                                  "    branch: b000042\n" % server.url())
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        refs = git(clone, "for-each-ref", "--format=%(refname)").split()
        self.assertEqual(refs, ["refs/remotes/origin/b000042", "refs/remotes/origin/main"])


if __name__ == "__main__":
    main()
