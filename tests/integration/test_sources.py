"""Multi-repository sites (sources: in almanac.yml): a hub with three local source repositories made
by the test and one served by a real `git daemon` on 127.0.0.1 (fetched with libgit2), with links
across repositories, an alert answered in another repository, a broken cross link, per-repository
dates and settings, and a source that cannot be fetched."""
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

from almanac_testlib import RepoTestCase, Serve, git, main, read, run, tree_bytes, write

# under ASan: whole stacks at each allocation, so that tests/lsan.supp can name libgit2's remote
# frames (its leak when fetching by URL is explained there); without ASan this changes nothing
if "ASAN_OPTIONS" in os.environ:
    os.environ["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0"

NOW = "2026-11-01"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class GitDaemon:
    """`git daemon` serving the repositories under `base` on 127.0.0.1 (git:// URLs)."""

    def __init__(self, base):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=%d" % self.port,
             "--base-path=" + base, base], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):  # until it accepts connections
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("git daemon did not start")

    def url(self, name):
        return "git://127.0.0.1:%d/%s" % (self.port, name)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc.stderr.close()


class Tarpit:
    """A server on 127.0.0.1:`port` that accepts connections, reads what it is sent and never answers
    (a stalled host, or one a hostile almanac.yml names to hold the build)."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.conns = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            self.accepted(c)

    def accepted(self, c):
        """What the server does with a new connection: nothing, ever."""
        c.setblocking(False)

    def stop(self):
        self.sock.close()
        for c in self.conns:
            c.close()


class TricklingGitServer(Tarpit):
    """A git:// server on 127.0.0.1:`port` that advertises a branch, then answers a fetch with a progress
    message every 0.3 s and never a pack: it never falls silent, so only a limit on the whole fetch stops
    it (a hostile almanac.yml can name such a server)."""

    def accepted(self, c):
        threading.Thread(target=self._talk, args=(c,), daemon=True).start()

    @staticmethod
    def pkt(data):
        return b"%04x" % (len(data) + 4) + data

    def _talk(self, c):
        try:
            c.recv(65536)  # git-upload-pack /path\0host=...\0
            oid = b"1" * 40
            c.sendall(self.pkt(oid + b" HEAD\0side-band-64k ofs-delta\n") +
                      self.pkt(oid + b" refs/heads/main\n") + b"0000")
            c.settimeout(5)
            c.recv(65536)  # wants
            c.sendall(self.pkt(b"NAK\n"))
            n = 0
            while True:
                n += 1
                c.sendall(self.pkt(b"\x02Counting objects: %d\r" % n))
                time.sleep(0.3)
        except OSError:
            return


class Sources(RepoTestCase):
    def setUp(self):
        super().setUp()
        base = self.tmpdir()
        self.base = base

        def repo_at(name, files, date):
            path = os.path.join(base, name)
            os.makedirs(path)
            git(path, "init", "-q", "-b", "main")
            for rel, text in files.items():
                write(path, rel, text)
            git(path, "add", "-A")
            git(path, "commit", "-q", "-m", "import " + name, date=date)
            return path

        # payments: runbooks beside the code, only docs/runbooks published
        self.payments = repo_at("payments", {
            "src/main.go": "package main\n",
            "README.md": "# Payments service\n",
            "docs/runbooks/db-down.md": "---\ntitle: Payments database down\nowner: payments-team\n---\n"
                                       "Check [the replica](replica.md), [the repo root link](/docs/runbooks/replica.md)\n"
                                       "and the hub's [node runbook](source:runbooks/node.md).\n",
            "docs/runbooks/replica.md": "# Replica lag\n\nSee [db down](db-down.md#nothing-here).\n",
        }, "2026-01-15T10:00:00Z")
        # search: its own almanac.yml (content folders and a 30-day interval), and CODEOWNERS
        self.search = repo_at("search", {
            "almanac.yml": "content: [ops]\nfreshness:\n  default_interval: 30d\n  due_window: 5d\n",
            "CODEOWNERS": "ops/ @acme/search-sre\n",
            "ops/index.md": "# Search operations\n",
            "ops/SearchIndexLag.md": "# Index lag\n\nReindex.\n",
        }, "2026-10-05T10:00:00Z")
        # billing: a plain repository without almanac.yml (every .md is a page)
        self.billing = repo_at("billing", {
            "runbooks/invoice-stuck.md": "---\nalerts: [InvoiceStuck]\n---\n# Invoice stuck\n",
        }, "2026-09-01T10:00:00Z")
        git(self.billing, "mv", "runbooks/invoice-stuck.md", "runbooks/invoices-stuck.md")
        git(self.billing, "commit", "-q", "-m", "rename", date="2026-09-20T10:00:00Z")
        # remote: served by git daemon, fetched over git://
        self.remote = repo_at("remote.git-src", {
            "runbooks/cache-miss.md": "# Cache miss storm\n",
        }, "2026-06-01T10:00:00Z")
        self.daemon = GitDaemon(base)
        self.addCleanup(self.daemon.stop)
        self.hub = self.repo({
            "almanac.yml": (
                "title: Handbook\n"
                "alerts: alerts.yml\n"
                "sources:\n"
                "  - name: payments\n"
                "    repo: ../payments\n"
                "    path: docs/runbooks\n"
                "  - name: search-svc\n"
                "    repo: ../search\n"
                "  - name: billing\n"
                "    repo: ../billing\n"
                "  - name: cache\n"
                "    repo: %s\n" % self.daemon.url("remote.git-src")),
            "alerts.yml": "alerts:\n  - name: InvoiceStuck\n  - name: SearchIndexLag\n  - name: NodeDown\n"
                          "  - name: NobodyAnswers\n",
            "content/index.md": "# Hub\n\nOn call: [payments](../payments/db-down.md),\n"
                                "[billing](../billing/runbooks/invoices-stuck.md), "
                                "[gone](../payments/missing.md).\n",
            "runbooks/node.md": "---\nalerts: [NodeDown]\n---\n# Node down\n",
        }, date="2026-10-20T10:00:00Z")
        # the hub's path beside the sources, as configured (../payments)
        hub_beside = os.path.join(base, "hub")
        shutil.move(self.hub, hub_beside)
        self._cleanup.remove(self.hub)
        self.hub = hub_beside

    def report(self, *extra):
        r = run("report", "--repo", self.hub, "--format", "json", "--now", NOW, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_one_site_from_four_repositories(self):
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        for page in ("index.html", "runbooks/node/index.html", "payments/db-down/index.html",
                     "payments/replica/index.html", "search-svc/ops/SearchIndexLag/index.html",
                     "billing/runbooks/invoices-stuck/index.html", "cache/runbooks/cache-miss/index.html"):
            self.assertTrue(os.path.isfile(os.path.join(out, page)), page)
        # only the folder a source names is published: not its code, not its README
        self.assertFalse(os.path.exists(os.path.join(out, "payments", "README")))
        self.assertFalse(any("main.go" in p for p in tree_bytes(out)))
        # links across repositories resolve to the other repository's pages
        home = read(os.path.join(out, "index.html"))
        self.assertIn('href="payments/db-down/"', home)
        self.assertIn('href="billing/runbooks/invoices-stuck/"', home)
        db = read(os.path.join(out, "payments/db-down/index.html"))
        self.assertIn('href="../../runbooks/node/"', db)  # source:runbooks/node.md
        self.assertIn('<a href="../replica/">the repo root link</a>', db)  # '/' = the source's root
        self.assertIn('<a href="../replica/">the replica</a>', db)
        # the broken cross link, and the broken anchor in a source, at their own positions
        self.assertIn("content/index.md:4:51: error[broken-link]: link target '../payments/missing.md' "
                      "not found", r.stderr)
        self.assertIn("payments/replica.md:3:5: error[broken-anchor]", r.stderr)
        # a renamed page in a source keeps its old address (its own history)
        self.assertTrue(os.path.isfile(os.path.join(out, "billing/runbooks/invoice-stuck/index.html")))
        # one search index over all repositories: the source's pages are in it
        manifest = read(os.path.join(out, "search", "manifest.json"))
        self.assertIn("search", manifest)
        found = False
        for d, _, files in os.walk(os.path.join(out, "search")):
            for f in files:
                with open(os.path.join(d, f), "rb") as fh:
                    found = found or b"payments/db-down/" in fh.read()
        self.assertTrue(found, "the search index has no page of the payments source")

    def test_a_relative_link_of_a_source_stays_in_its_repository(self):
        # read in the payments repository (as its forge does), '../runbooks/node.md' from
        # docs/runbooks/ is docs/runbooks/node.md, which does not exist: it must not become the hub's
        # runbooks/node.md, which lies at that site path; '../../README.md' is the service's README,
        # which the source does not publish; '../billing/...' climbs to a sibling source
        write(self.payments, "docs/runbooks/climb.md",
              "# Climbing\n\n[node](../runbooks/node.md) [readme](../../README.md#payments-service)\n"
              "[billing](../billing/runbooks/invoices-stuck.md) [out](../../../../x.md)\n")
        git(self.payments, "add", "docs/runbooks/climb.md")  # a source is its tracked files
        write(self.hub, "content/more.md", "# More\n\n[p](source:payments/climbs.md)\n"
                                           "[owners](source:search-svc/CODEOWNERS)\n")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("payments/climb.md:3:1: error[broken-link]: link target '../runbooks/node.md' not found "
                      "(payments:docs/runbooks/node.md); to link to another repository's page, write "
                      "'source:runbooks/node.md'", r.stderr)
        self.assertIn("payments/climb.md:3:29: error[link-outside-content]: link target "
                      "'../../README.md#payments-service' is outside the folder source 'payments' publishes "
                      "(docs/runbooks), so it is not published (payments:README.md)", r.stderr)
        self.assertIn("payments/climb.md:4:1: error[broken-link]: link target "
                      "'../billing/runbooks/invoices-stuck.md' not found (payments:docs/billing/runbooks/"
                      "invoices-stuck.md); to link to another repository's page, write "
                      "'source:billing/runbooks/invoices-stuck.md'", r.stderr)
        self.assertIn("payments/climb.md:4:50: error[link-outside-repo]: link target '../../../../x.md' leaves "
                      "the repository of source 'payments'", r.stderr)
        # none of them became a link to a page of another repository
        climb = read(os.path.join(out, "payments/climb/index.html"))
        self.assertNotIn("runbooks/node/", climb)
        self.assertNotIn("invoices-stuck/", climb)
        # a source: link's suggestion is one too
        self.assertIn("content/more.md:3:1: error[broken-link]: link target 'source:payments/climbs.md' "
                      "not found; did you mean 'source:payments/climb.md'?", r.stderr)
        # a file of a source outside its content folders (search's almanac.yml: content: [ops])
        self.assertIn("content/more.md:4:1: error[link-outside-content]: link target 'source:search-svc/CODEOWNERS' "
                      "is outside the content folders of source 'search-svc' (ops), so it is not published "
                      "(search-svc:CODEOWNERS)", r.stderr)

    def test_alerts_answered_across_repositories(self):
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        # front matter in one source, a file name in another
        self.assertIn("billing/runbooks/invoices-stuck/", read(os.path.join(out, "alerts/InvoiceStuck/index.html")))
        self.assertIn("search-svc/ops/SearchIndexLag/", read(os.path.join(out, "alerts/SearchIndexLag/index.html")))
        rep = self.report()
        a = rep["alerts"]
        self.assertEqual((a["catalog"], a["covered"], a["uncovered"]), (4, 3, ["NobodyAnswers"]))

    def test_an_alert_answered_in_two_repositories_says_where_each_runbook_lives(self):
        # two runbooks with one title, one per repository: the alert's page tells them apart
        write(self.search, "ops/invoice-stuck.md", "---\nalerts: [InvoiceStuck]\n---\n# Invoice stuck\n")
        git(self.search, "add", "ops/invoice-stuck.md")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        html = read(os.path.join(out, "alerts/InvoiceStuck/index.html"))
        choices = re.findall(r'<li class="link-item"><a href="([^"]*)">([^<]*)</a>.*?'
                             r'<span class="link-desc link-where">([^<]*)</span></li>', html)
        self.assertEqual(choices, [
            ("../../billing/runbooks/invoices-stuck/", "Invoice stuck", "Billing \u203a Runbooks"),
            ("../../search-svc/ops/invoice-stuck/", "Invoice stuck", "Search svc \u203a Search operations"),
        ])
        # its first breadcrumb is every page's (the home's title), not a word of its own
        crumb = re.compile(r'<nav class="breadcrumbs"[^>]*>\s*<ol>\s*<li><a href="[^"]*">([^<]*)</a>')
        home = crumb.search(read(os.path.join(out, "billing/runbooks/invoices-stuck/index.html"))).group(1)
        self.assertEqual(crumb.search(html).group(1), home)
        self.assertNotEqual(home, "Home")

    def test_a_source_s_own_rule_files_and_their_problems_at_its_entry(self):
        # the search service keeps its rule files beside its code and names them in its own almanac.yml
        write(self.search, "almanac.yml", read(os.path.join(self.search, "almanac.yml")) +
              "alert_rules:\n  - monitoring/rules.yml\n  - monitoring/gone.yml\n")
        write(self.search, "monitoring/rules.yml",
              "groups:\n- name: search\n  rules:\n  - alert: SearchIndexStale\n    expr: up == 0\n")
        git(self.search, "add", "-A")
        git(self.search, "commit", "-q", "-m", "rules", date="2026-10-06T10:00:00Z")
        r = run("check", "--repo", self.hub, "--now", NOW)
        self.assertIn("search-svc:almanac.yml:7:5: error[alert-rules]: 'monitoring/gone.yml': no such file or "
                      "folder", r.stderr)
        self.assertIn("SearchIndexStale", self.report()["alerts"]["uncovered"])  # its rules were read

    def test_pictures_left_as_git_lfs_pointers_are_said_where_a_page_shows_them(self):
        # a clone without LFS objects (actions/checkout's default; every source Almanac fetches) holds a
        # few lines of text in place of each picture: every page showing one showed a broken picture
        pointer = ("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 48213\n" % ("4d7a" * 16))
        write(self.remote, "runbooks/img/flow.png", pointer)
        write(self.remote, "runbooks/cache-miss.md", "# Cache miss storm\n\n![How requests flow](img/flow.png)\n")
        git(self.remote, "add", "-A")
        git(self.remote, "commit", "-q", "-m", "picture", date="2026-06-02T10:00:00Z")
        write(self.hub, "content/img/topology.svg.png", pointer)
        write(self.hub, "content/img/real.png", "\x89PNG real picture\n")
        write(self.hub, "content/pictures.md", "# Pictures\n\n![Topology](img/topology.svg.png)\n\n"
                                               "![Real](img/real.png)\n")
        git(self.hub, "add", "-A")
        git(self.hub, "commit", "-q", "-m", "pictures", date="2026-10-21T10:00:00Z")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("content/pictures.md:3:1: warning[lfs-pointer]: image 'img/topology.svg.png' is a Git LFS "
                      "pointer, not the picture: this clone has no LFS objects; run git lfs pull before building "
                      "(actions/checkout: lfs: true)\n", r.stderr)
        self.assertIn("cache/runbooks/cache-miss.md:3:1: warning[lfs-pointer]: image 'img/flow.png' is a Git LFS "
                      "pointer, not the picture: source 'cache' is fetched without its LFS objects; read it from a "
                      "work tree that has them (repo: a local path, after git lfs pull)\n", r.stderr)
        self.assertNotIn("real.png' is a Git LFS", r.stderr)
        self.assertEqual(r.stderr.count("lfs-pointer"), 3, r.stderr)  # two warnings and the count
        # once the objects are there (git lfs pull), nothing is said
        write(self.hub, "content/img/topology.svg.png", "\x89PNG the picture\n")
        git(self.hub, "commit", "-q", "-am", "lfs pull", date="2026-10-22T10:00:00Z")
        r = run("check", "--repo", self.hub, "--now", NOW)
        self.assertNotIn("content/pictures.md:3:1: warning[lfs-pointer]", r.stderr)
        self.assertIn("cache/runbooks/cache-miss.md:3:1: warning[lfs-pointer]", r.stderr)

    def test_a_source_link_takes_the_path_in_that_repository_too(self):
        # the site path (payments/db-down.md) or the file as the service's forge shows it
        write(self.hub, "runbooks/escalate.md", "# Escalate\n\n[site path](source:payments/db-down.md), "
              "[repository path](source:payments/docs/runbooks/db-down.md), "
              "[not published](source:payments/src/main.go).\n")
        git(self.hub, "add", "-A")
        git(self.hub, "commit", "-qm", "escalate", date="2026-10-21T10:00:00Z")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.hub, "--out", out, "--now", NOW)
        mine = [l for l in r.stderr.splitlines() if l.startswith("runbooks/escalate.md")]
        self.assertEqual(len(mine), 1, r.stderr)  # only the file payments does not publish
        self.assertIn("source:payments/src/main.go", mine[0])
        html = read(os.path.join(out, "runbooks/escalate/index.html"))
        self.assertEqual(html.count('href="../../payments/db-down/"'), 2, html)

    def test_a_local_repository_is_cloned_by_copying_its_objects_then_fetched(self):
        # a file:// URL (a mirror on the same machine): libgit2's transport would pack and compress every
        # object again (26 s for a 30 MB repository); the first clone copies them (hard links here)
        bare = os.path.join(self.base, "billing.git")
        git(self.base, "clone", "-q", "--bare", self.billing, bare)
        git(bare, "repack", "-adq")
        write(self.hub, "almanac.yml", read(os.path.join(self.hub, "almanac.yml")).replace(
            "repo: ../billing\n", "repo: file://%s\n" % bare))
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Invoice stuck", read(os.path.join(out, "billing/runbooks/invoices-stuck/index.html")))
        packs = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(self.hub, ".git", "almanac", "sources"))
                 for f in fs if f.endswith(".pack")]
        pack_dir = os.path.join(bare, "objects", "pack")
        source_pack = [os.path.join(pack_dir, f) for f in os.listdir(pack_dir) if f.endswith(".pack")][0]
        self.assertIn(os.stat(source_pack).st_ino, [os.stat(p).st_ino for p in packs])
        # then fetched as any source: a new commit reaches the site, dated by it
        work = os.path.join(self.base, "billing-work")
        git(self.base, "clone", "-q", bare, work)
        write(work, "runbooks/invoices-stuck.md",
              "---\nalerts: [InvoiceStuck]\n---\n# Invoice stuck\n\nRetry the run.\n")
        git(work, "commit", "-qam", "retry", date="2026-10-25T10:00:00Z")
        git(work, "push", "-q", "origin", "HEAD")
        r = run("build", "--repo", self.hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        html = read(os.path.join(out, "billing/runbooks/invoices-stuck/index.html"))
        self.assertIn("Retry the run.", html)
        self.assertIn('datetime="2026-10-25T10:00:00Z"', html)

    def test_each_repository_dated_by_its_own_history_and_settings(self):
        rep = self.report()
        docs = {d["path"]: d for d in rep["documents"]}
        self.assertEqual(docs["payments/db-down.md"]["source"], "payments")
        self.assertEqual(docs["payments/db-down.md"]["last_commit"]["time"], "2026-01-15T10:00:00Z")
        self.assertEqual(docs["payments/db-down.md"]["status"], "stale")  # 180 days, the hub's default
        self.assertEqual(docs["runbooks/node.md"]["source"], "")
        self.assertEqual(docs["runbooks/node.md"]["last_commit"]["time"], "2026-10-20T10:00:00Z")
        # the rename in billing's history is the page's last commit only if it changed content:
        # a pure rename does not count, the import does
        self.assertEqual(docs["billing/runbooks/invoices-stuck.md"]["last_commit"]["time"], "2026-09-01T10:00:00Z")
        self.assertEqual(docs["cache/runbooks/cache-miss.md"]["last_commit"]["time"], "2026-06-01T10:00:00Z")
        # search has its own 30-day interval: 26 days old is due (5-day window), not fresh
        lag = docs["search-svc/ops/SearchIndexLag.md"]
        self.assertEqual((lag["review_interval_days"], lag["status"]), (30, "due"))
        # its own CODEOWNERS
        self.assertEqual((lag["owner"], lag["owner_source"]), ("@acme/search-sre", "codeowners"))
        self.assertEqual(docs["payments/db-down.md"]["owner_source"], "front-matter")
        # per-source groups and repositories
        groups = {g["name"]: g["documents"] for g in rep["groups"]["source"]}
        self.assertEqual(groups, {"(hub)": 2, "payments": 2, "search-svc": 2, "billing": 1, "cache": 1})
        srcs = {s["name"]: s for s in rep["repository"]["sources"]}
        self.assertTrue(srcs["payments"]["in_place"])
        self.assertEqual(srcs["payments"]["branch"], "main")
        self.assertEqual(srcs["payments"]["head"], git(self.payments, "rev-parse", "HEAD").strip())
        self.assertFalse(srcs["cache"]["in_place"])
        self.assertEqual(srcs["cache"]["head"], git(self.remote, "rev-parse", "HEAD").strip())
        self.assertFalse(srcs["cache"]["shallow"])
        self.assertEqual(sorted(rep["trend_by_source"]), ["(hub)", "billing", "cache", "payments", "search-svc"])
        self.assertEqual(len(rep["trend_by_source"]["payments"]), 12)
        # the HTML report shows the same per-source table
        r = run("report", "--repo", self.hub, "--format", "html", "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        table = r.stdout.split("<h3>By source</h3>", 1)[-1].split("</table>", 1)[0]
        self.assertIn("<h3>By source</h3>", r.stdout)
        self.assertRegex(table, r"<td>payments</td><td class=\"num\">2</td>")
        self.assertRegex(table, r"<td>\(hub\)</td><td class=\"num\">2</td>")
        # with each repository's trend: a sparkline and where it started, about a year ago
        self.assertIn("<th scope=\"col\">Last 12 months</th>", table)
        self.assertEqual(table.count('data-chart="spark"'), 5)
        first = [p for p in rep["trend_by_source"]["billing"] if p["documents"]][0]
        self.assertIn("was %.1f%% on %s" % (first["fresh_percent"], first["date"]), table)  # as the site page says
        # and so does the text report, first in its breakdown
        r = run("report", "--repo", self.hub, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("By source", r.stdout)
        self.assertLess(r.stdout.index("By source"), r.stdout.index("By owner"))
        table = r.stdout.split("By source", 1)[1].split("\n\n", 1)[0].splitlines()
        rows = table[1:]
        self.assertEqual([row.split()[:2] for row in rows],
                         [["(hub)", "2"], ["billing", "1"], ["cache", "1"], ["payments", "2"], ["search-svc", "2"]])
        # each repository's fresh percent at the trend's first month end, under that date
        start = rep["trend_by_source"]["payments"][0]["date"]
        self.assertTrue(table[0].rstrip().endswith("fresh  " + start), table[0])
        for row in rows:
            name, then = row.split()[0], rep["trend_by_source"][row.split()[0]][0]
            self.assertEqual(row.split()[3], "%.1f%%" % then["fresh_percent"] if then["documents"] else "-", row)

    def test_a_source_that_cannot_be_fetched(self):
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(run("build", "--repo", self.hub, "--out", out, "--now", NOW).returncode, 0)
        before = tree_bytes(out)
        # the remote goes away: the build fails naming the source, the site stays as it was
        self.daemon.stop()
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertRegex(r.stderr, r"almanac\.yml:11:5: error\[source\]: source 'cache' \(git://127\.0\.0\.1:\d+/"
                                   r"remote\.git-src\): cannot connect")
        self.assertEqual(tree_bytes(out), before)
        # --keep-going: the last complete fetch, said so in the log and the report
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02", "--keep-going")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("using its last complete fetch", r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(out, "cache/runbooks/cache-miss/index.html")))
        rep = json.loads(read(os.path.join(out, "freshness.json")))
        self.assertTrue({s["name"]: s for s in rep["repository"]["sources"]}["cache"]["from_cache"])
        # a source never fetched has nothing to fall back on: --keep-going still fails, and says why
        with open(os.path.join(self.hub, "almanac.yml")) as f:
            text = f.read()
        write(self.hub, "almanac.yml", text + "  - name: newcomer\n    repo: %s\n" % self.daemon.url("nowhere"))
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02", "--keep-going")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertRegex(r.stderr, r"almanac\.yml:13:5: error\[source\]: source 'newcomer' \(git://127\.0\.0\.1:\d+/"
                                   r"nowhere\): cannot connect: .*; --keep-going has no complete fetch of it to use "
                                   r"\(it was never fetched, or its URL changed\)")

    def remote_replaced_by(self, server_class):
        """Build once, then put `server_class` on the git daemon's port in its place and give the fetched
        source `timeout: 1`: (output folder, its files, the server, the configuration as it was)."""
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(run("build", "--repo", self.hub, "--out", out, "--now", NOW).returncode, 0)
        port = self.daemon.port
        self.daemon.stop()
        server = server_class(port)
        self.addCleanup(server.stop)
        with open(os.path.join(self.hub, "almanac.yml")) as f:
            text = f.read()
        write(self.hub, "almanac.yml", text + "    timeout: 1\n")
        return out, tree_bytes(out), server, text

    def test_a_silent_server_fails_the_source_and_ctrl_c_stops_the_fetch(self):
        # the server still accepts connections but never answers: libgit2 alone would wait forever
        out, before, tarpit, text = self.remote_replaced_by(Tarpit)
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02", timeout=120)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertRegex(r.stderr, r"almanac\.yml:11:5: error\[source\]: source 'cache' \(git://127\.0\.0\.1:\d+/"
                                   r"remote\.git-src\): no answer from the server for 1 s \(the source's timeout\)")
        self.assertEqual(tree_bytes(out), before)
        self.assertTrue(tarpit.conns)
        self.assertNotIn("Sanitizer", r.stderr)  # the thread given up on still holds what it uses
        # --keep-going: the last complete fetch, and its work tree is not changed meanwhile
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02", "--keep-going", timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("no answer from the server for 1 s (the source's timeout); using its last complete fetch",
                      r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(out, "cache/runbooks/cache-miss/index.html")))
        # a timeout out of range is a configuration error
        write(self.hub, "almanac.yml", text + "    timeout: 0\n")
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02", timeout=120)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("almanac.yml:13:14: error[config]: sources: timeout must be a whole number of seconds "
                      "from 1 to 600", r.stderr)
        # Ctrl-C while the default timeout (60 s) runs: the build stops at once, the site untouched
        write(self.hub, "almanac.yml", text)
        before = tree_bytes(out)
        seen = len(tarpit.conns)
        p = subprocess.Popen([os.environ.get("ALMANAC_BIN", "almanac"), "build", "--repo", self.hub, "--out", out,
                              "--now", "2026-11-03"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(tarpit.conns) == seen and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertIsNone(p.poll(), "the build ended before it reached the server")
        time.sleep(0.2)  # in libgit2's read, waiting for an answer
        p.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        _, err = p.communicate(timeout=30)
        self.assertLess(time.monotonic() - t0, 5, "Ctrl-C did not stop the fetch")  # it waited forever before
        self.assertNotEqual(p.returncode, 0, err)
        self.assertIn("interrupted", err)
        self.assertNotIn("Sanitizer", err)
        self.assertEqual(tree_bytes(out), before)

    def test_a_server_that_never_stops_sending_is_bounded_by_the_fetch_limit(self):
        out, before, server, _ = self.remote_replaced_by(TricklingGitServer)  # never silent for a second
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02", "--fetch-limit", "3", timeout=120)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertRegex(r.stderr, r"almanac\.yml:11:5: error\[source\]: source 'cache' \(git://127\.0\.0\.1:\d+/"
                                   r"remote\.git-src\): fetching the sources took longer than 3 s \(--fetch-limit")
        self.assertEqual(tree_bytes(out), before)
        self.assertTrue(server.conns)
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02", "--fetch-limit", "3", "--keep-going",
                timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("took longer than 3 s (--fetch-limit; a server that never stops sending?); using its last "
                      "complete fetch", r.stderr)
        r = run("build", "--repo", self.hub, "--out", out, "--fetch-limit", "0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--fetch-limit needs a number of seconds between 1 and 86400, not '0'", r.stderr)

    def test_the_fetch_limit_leaves_sources_that_need_no_fetch_alone(self):
        # Past --fetch-limit the source being fetched fails (--keep-going: its last complete fetch); the
        # local work trees listed after it fetch nothing and are read as always (they failed too, as
        # errors even with --keep-going: only a fetched source has a last complete fetch)
        out, _, server, _ = self.remote_replaced_by(TricklingGitServer)
        write(self.hub, "almanac.yml",  # the fetched source first
              "title: Handbook\n"
              "sources:\n"
              "  - name: cache\n"
              "    repo: %s\n"
              "    timeout: 1\n"
              "  - name: payments\n"
              "    repo: ../payments\n"
              "    path: docs/runbooks\n"
              "  - name: billing\n"
              "    repo: ../billing\n" % self.daemon.url("remote.git-src"))
        r = run("build", "--repo", self.hub, "--out", out, "--now", "2026-11-02", "--fetch-limit", "2", "--keep-going",
                timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("source 'cache'", r.stderr)
        self.assertIn("took longer than 2 s (--fetch-limit; a server that never stops sending?); using its last "
                      "complete fetch", r.stderr)
        self.assertNotIn("error[source]", r.stderr)
        for page in ("cache/runbooks/cache-miss/index.html", "payments/db-down/index.html",
                     "billing/runbooks/invoices-stuck/index.html"):
            self.assertTrue(os.path.isfile(os.path.join(out, page)), page)
        self.assertTrue(server.conns)

    def test_a_new_commit_in_a_fetched_source(self):
        rep = self.report()
        self.assertEqual({d["path"] for d in rep["documents"] if d.get("source") == "cache"},
                         {"cache/runbooks/cache-miss.md"})
        write(self.remote, "runbooks/evictions.md", "# Evictions\n")
        git(self.remote, "add", "-A")
        git(self.remote, "commit", "-q", "-m", "evictions", date="2026-10-30T10:00:00Z")
        docs = {d["path"]: d for d in self.report()["documents"]}
        self.assertEqual(docs["cache/runbooks/evictions.md"]["last_commit"]["time"], "2026-10-30T10:00:00Z")

    def test_source_override_and_config_errors(self):
        # a service repository's CI reads its own checkout instead of the configured one
        fork = os.path.join(self.base, "payments-pr")
        git(self.base, "clone", "-q", self.payments, fork)
        write(fork, "docs/runbooks/new.md", "# New runbook\n\nSee [nowhere](nowhere.md).\n")
        r = run("check", "--repo", self.hub, "--source", "payments=" + fork)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertNotIn("source-untracked", r.stderr)  # the operator's work tree is read as it is, not yet added
        self.assertIn("payments/new.md:3:5: error[broken-link]: link target 'nowhere.md' not found", r.stderr)
        # --changed-since NAME:REV: only what the service's change is responsible for
        r = run("check", "--repo", self.hub, "--source", "payments=" + fork, "--changed-since",
                "payments:origin/main")
        self.assertEqual(r.returncode, 1, r.stderr)
        findings = [ln for ln in r.stderr.splitlines() if ": error[" in ln or ": warning[" in ln]
        self.assertIn("payments/new.md:3:5: error[broken-link]: link target 'nowhere.md' not found", findings)
        # the old problems of the hub and of the source's other pages are not this change's
        self.assertEqual([f for f in findings if not f.startswith("payments/new.md:")], [])
        # a revision the source does not have names the source it was looked up in; a NAME that is
        # no source lists the sources
        r = run("check", "--repo", self.hub, "--changed-since", "payments:origin/nope")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("almanac check: source 'payments' (../payments): --changed-since origin/nope: cannot resolve "
                      "this revision", r.stderr)
        r = run("check", "--repo", self.hub, "--changed-since", "payment:HEAD")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("'payment' is not a source of almanac.yml (its sources: payments, search-svc, billing, cache)",
                      r.stderr)
        # an unknown --source name, a bad entry
        write(self.hub, "almanac.yml", read(os.path.join(self.hub, "almanac.yml")) +
              "  - name: payments\n    repo: ../billing\n  - name: Bad Name\n    repo: ../x\n")
        r = run("check", "--repo", self.hub)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("almanac.yml:13:5: error[config]: sources: the name 'payments' is used twice (first at line 4)",
                      r.stderr)
        self.assertIn("almanac.yml:15:11: error[config]: sources: name 'Bad Name'", r.stderr)


    def test_keys_other_tools_use_and_shallow_are_explained(self):
        # a platform team's first almanac.yml, written from another tool's habits: the key that means
        # it is named, and 'shallow' (which cannot be honoured) says why it is ignored
        write(self.hub, "almanac.yml",
              "title: Handbook\n"
              "sources:\n"
              "  - name: payments\n"
              "    repo: ../payments\n"
              "    subdir: docs/runbooks\n"
              "  - name: billing\n"
              "    repo: ../billing\n"
              "    shallow: true\n"
              "    targetRevision: main\n")
        r = run("check", "--repo", self.hub)
        self.assertEqual(r.returncode, 1, r.stderr)  # the hub's broken link: warnings stop nothing
        self.assertIn("almanac.yml:5:5: warning[config]: sources: unknown key 'subdir'; did you mean 'path'?",
                      r.stderr)
        self.assertIn("almanac.yml:8:5: warning[config]: sources: 'shallow' is ignored: a source is always fetched "
                      "with its whole history, which dates its pages (libgit2 cannot fetch shallow)", r.stderr)
        self.assertIn("almanac.yml:9:5: warning[config]: sources: unknown key 'targetRevision'; did you mean "
                      "'branch'?", r.stderr)

    @staticmethod
    def settled(srv, after_seq):
        """serve's status once a rebuild after `after_seq` is done, search index and verify included."""
        deadline = time.time() + 60
        while True:
            st, body = srv.get("/__almanac/status?since=%d" % after_seq)
            s = json.loads(body)
            if s["seq"] > after_seq and s["search"] == "current" or time.time() > deadline:
                return s

    def test_serve_watches_a_local_source(self):
        # ALMANAC_SERVE_VERIFY: after each incremental rebuild serve also builds everything and compares
        with Serve(self.hub, "--now", NOW, env={"ALMANAC_SERVE_VERIFY": "1"}, timeout=60) as srv:
            st, body = srv.get("/payments/db-down/")
            self.assertEqual(st, 200)
            self.assertNotIn(b"Fail over to the standby", body)
            seq = json.loads(srv.get("/__almanac/status")[1])["seq"]
            # files of the service the site does not publish, then the runbook in the service's own
            # repository: that page again (and the pages that show it), not the whole site
            write(self.payments, "README.md", "# Payments service\n\nNow in Go 1.23.\n")
            write(self.payments, "src/main.go", "package main\n\nfunc main() {}\n")
            time.sleep(1)
            write(self.payments, "docs/runbooks/db-down.md",
                  read(os.path.join(self.payments, "docs/runbooks/db-down.md")) + "\nFail over to the standby.\n")
            s = self.settled(srv, seq)
            self.assertEqual((s["kind"], s["changed"], s["verify_mismatches"]),
                             ("incremental", ["payments/db-down.md"], 0), "".join(srv.lines))
            body = srv.get("/payments/db-down/")[1]
            self.assertIn(b"Fail over to the standby", body)
            self.assertIn(b"badge-uncommitted", body)  # by the status of its own repository
            # a source with its own almanac.yml and CODEOWNERS: an edit keeps its settings and owner
            write(self.search, "ops/SearchIndexLag.md", "# Index lag\n\nReindex from the snapshot.\n")
            s = self.settled(srv, s["seq"])
            self.assertEqual((s["kind"], s["changed"], s["verify_mismatches"]),
                             ("incremental", ["search-svc/ops/SearchIndexLag.md"], 0), "".join(srv.lines))
            body = srv.get("/search-svc/ops/SearchIndexLag/")[1]
            self.assertIn(b"Reindex from the snapshot", body)
            self.assertIn(b"acme/search-sre", body)
            # a new page of the source: everything again, and it is there
            write(self.payments, "docs/runbooks/queue-full.md", "# Payments queue full\n\nDrain it.\n")
            s = self.settled(srv, s["seq"])
            self.assertEqual(s["kind"], "full", "".join(srv.lines))
            self.assertIn(b"Drain it", srv.get("/payments/queue-full/")[1])
            # its owners: a CODEOWNERS in .github/ (a hidden folder) is read again
            write(self.payments, ".github/CODEOWNERS", "docs/ @acme/payments-oncall\n")
            s = self.settled(srv, s["seq"])
            self.assertEqual(s["kind"], "full", "".join(srv.lines))
            self.assertIn(b"acme/payments-oncall", srv.get("/payments/replica/")[1])
            # the source's .gitignore decides which of its untracked files are pages
            write(self.payments, ".gitignore", "docs/runbooks/queue-full.md\n")
            s = self.settled(srv, s["seq"])
            self.assertEqual((s["kind"], s["changed"]), ("full", ["payments:.gitignore"]), "".join(srv.lines))
            self.assertEqual(srv.get("/payments/queue-full/")[0], 404)

    def hub_of(self, **sources):
        """self.hub with only `sources` ({name: {path: text}}, each a repository made beside it; a text
        starting "->" is a symbolic link), committed; returns {name: repository path}."""
        paths = {}
        cfg = "title: Handbook\nsources:\n"
        for name, files in sources.items():
            path = paths[name] = os.path.join(self.base, name)
            os.makedirs(path)
            git(path, "init", "-q", "-b", "main")
            for rel, text in files.items():
                if text.startswith("->"):
                    os.makedirs(os.path.dirname(os.path.join(path, rel)), exist_ok=True)
                    os.symlink(text[2:], os.path.join(path, rel))
                else:
                    write(path, rel, text)
            git(path, "add", "-A")
            git(path, "commit", "-q", "-m", "import", date="2026-10-01T10:00:00Z")
            cfg += "  - name: %s\n    repo: ../%s\n" % (name, name)
        write(self.hub, "almanac.yml", cfg)
        git(self.hub, "add", "-A")
        git(self.hub, "commit", "-q", "-m", "sources", date="2026-10-21T10:00:00Z")
        return paths

    def test_serve_follows_pages_that_are_links(self):
        # a MkDocs source whose home page is its README (docs/index.md -> ../README.md, the usual way),
        # outside the folder it publishes; a hub page that is a link to another page
        write(self.hub, "content/shared.md", "# Shared\n\nOld shared text.\n")
        os.symlink("shared.md", os.path.join(self.hub, "content/also.md"))
        mk = self.hub_of(mk={"mkdocs.yml": "site_name: mk\n", "README.md": "# Mk service\n\nOld intro.\n",
                             "docs/index.md": "->../README.md", "docs/setup.md": "# Setup\n\n[Home](index.md)\n"})["mk"]
        with Serve(self.hub, "--now", NOW, env={"ALMANAC_SERVE_VERIFY": "1"}, timeout=60) as srv:
            self.assertIn(b"Old intro", srv.get("/mk/")[1])
            seq = json.loads(srv.get("/__almanac/status")[1])["seq"]
            write(mk, "README.md", "# Mk service\n\nNew intro.\n")
            s = self.settled(srv, seq)
            self.assertEqual((s["kind"], s["changed"], s["verify_mismatches"]),
                             ("incremental", ["mk/index.md"], 0), "".join(srv.lines))
            self.assertIn(b"New intro", srv.get("/mk/")[1])
            # the page and the page that is a link to it: both again
            write(self.hub, "content/shared.md", "# Shared\n\nNew shared text.\n")
            s = self.settled(srv, s["seq"])
            self.assertEqual((s["kind"], sorted(s["changed"]), s["verify_mismatches"]),
                             ("incremental", ["content/also.md", "content/shared.md"], 0), "".join(srv.lines))
            self.assertIn(b"New shared text", srv.get("/content/also/")[1])

    def test_serve_copies_a_hugo_sources_static_files(self):
        hugo = self.hub_of(hugo={"hugo.toml": "baseURL = 'https://example.org/'\n",
                                 "content/_index.md": "# Hugo home\n",
                                 "content/ops/a.md": "---\ntitle: A\n---\n![logo](/img/logo.png)\n",
                                 "static/img/logo.png": "PNG old"})["hugo"]
        with Serve(self.hub, "--now", NOW, env={"ALMANAC_SERVE_VERIFY": "1"}, timeout=60) as srv:
            self.assertEqual(srv.get("/hugo/img/logo.png")[1], b"PNG old")
            seq = json.loads(srv.get("/__almanac/status")[1])["seq"]
            write(hugo, "static/img/logo.png", "PNG new")
            s = self.settled(srv, seq)
            self.assertEqual((s["kind"], s["changed"], s["verify_mismatches"]),
                             ("incremental", ["hugo:static/img/logo.png"], 0), "".join(srv.lines))
            self.assertEqual(srv.get("/hugo/img/logo.png")[1], b"PNG new")

    def test_serve_shows_an_edited_svg_image(self):
        # SVG images are written into the pages that show them (activefiles.h): those pages change
        write(self.hub, "content/arch.md", "# Architecture\n\n![hub](hub.svg)\n")
        write(self.hub, "content/hub.svg", "<svg>hub old</svg>\n")
        svc = self.hub_of(svc={"runbooks/flow.md": "# Flow\n\n![flow](flow.svg)\n",
                               "runbooks/flow.svg": "<svg>svc old</svg>\n"})["svc"]

        def svg(text):
            return base64.b64encode(text.encode())

        with Serve(self.hub, "--now", NOW, env={"ALMANAC_SERVE_VERIFY": "1"}, timeout=60) as srv:
            self.assertIn(svg("<svg>svc old</svg>\n"), srv.get("/svc/runbooks/flow/")[1])
            seq = json.loads(srv.get("/__almanac/status")[1])["seq"]
            write(svc, "runbooks/flow.svg", "<svg>svc new</svg>\n")
            s = self.settled(srv, seq)
            self.assertEqual((s["kind"], s["verify_mismatches"]), ("full", 0), "".join(srv.lines))
            self.assertIn(svg("<svg>svc new</svg>\n"), srv.get("/svc/runbooks/flow/")[1])
            write(self.hub, "content/hub.svg", "<svg>hub new</svg>\n")
            s = self.settled(srv, s["seq"])
            self.assertEqual((s["kind"], s["verify_mismatches"]), ("full", 0), "".join(srv.lines))
            self.assertIn(svg("<svg>hub new</svg>\n"), srv.get("/content/arch/")[1])

if __name__ == "__main__":
    main()
