"""almanac build keeps every page's rendered Markdown in .git/almanac/rendered-pages* and uses it for a
page whose text and options are unchanged and whose links lead where they did; and it records what each
page file of the site was rendered from (.git/almanac/page-files), so that a rebuild into the same
output keeps, without rendering it, a page file whose whole context (sidebar, backlinks, dates...) is
unchanged and which is still the file it wrote. Either way the site and the warnings are those of a
fresh render, byte for byte."""
import os
import re
import shutil
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, RepoTestCase, Serve, git, main, read, run, tree_bytes, write  # noqa: E402

FILES = {
    "content/index.md": "---\ntitle: Handbook\n---\nStart with [the runbooks](../runbooks/index.md).\n",
    "runbooks/index.md": "---\ntitle: Runbooks\n---\nAll runbooks.\n",
    "runbooks/disk-full.md": "---\ntitle: Disk full\nowner: storage\n---\n# Disk full\n\n"
                             "See [the database](db/replica-lag.md#check) and [a page that is not there](gone.md).\n\n"
                             "<div onclick=\"alert(1)\">raw HTML</div>\n\n## Fix\n\nFree space.\n",
    "runbooks/db/replica-lag.md": "---\ntitle: Replica lag\n---\n## Check\n\nBack to [disk full](../disk-full.md).\n\n"
                                  "::: warning\nNever close this fence\n",
    "runbooks/cpu.md": "---\ntitle: CPU\n---\n# CPU\n\nHot.\n",
}

HUGO = {
    "config.toml": 'title = "Ops"\nbaseURL = "https://ops.example.com/"\n',
    "content/_index.md": "---\ntitle: Ops\n---\nHome.\n",
    "content/a.md": "---\ntitle: A\n---\nGo to [B](b.md) and [its fix](b.md#fix).\n",
    "content/b.md": "---\ntitle: B\n---\n## Fix\n\nB's text.\n",
}

CACHE_LINE = re.compile(r"rendered Markdown: (\d+) of (\d+) pages from the last build")
KEPT_LINE = re.compile(r"; (\d+) pages not rendered again")
INPUTS_LINE = re.compile(r"pages not rendered again \((\d+) by their inputs alone\)")
WORDS_LINE = re.compile(r"search words: (\d+) of (\d+) pages from the last build")


class PageCacheTest(RepoTestCase):
    def build(self, repo, out, *extra, env=None, binary=None):
        e = {"ALMANAC_TIMING": "1"}
        e.update(env or {})
        args = ["build", "--repo", repo, "--out", out, "--now", "2026-11-22", "--verbose", *extra]
        if binary:
            import subprocess
            return subprocess.run([binary, *args], capture_output=True, text=True, env=dict(os.environ, **e),
                                  timeout=300)
        return run(*args, env=e)

    def hits(self, r):
        m = CACHE_LINE.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return int(m.group(1)), int(m.group(2))

    def words(self, r):
        """(pages whose search words were read back, pages indexed)"""
        m = WORDS_LINE.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return int(m.group(1)), int(m.group(2))

    def not_rendered(self, r):
        m = KEPT_LINE.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return int(m.group(1))

    @staticmethod
    def diagnostics(r):
        return sorted(line for line in r.stderr.splitlines() if re.match(r"\S+:\d+:\d+: (error|warning|note)", line))

    def assert_fresh(self, repo, out, rebuilt, same_binary=True):
        """The site in `out` and the warnings of `rebuilt` are those of a build that renders every page
        (its marker names the binary among the build's inputs: compared only when it is the same)."""
        fresh = os.path.join(self.tmpdir(), "fresh")
        r = self.build(repo, fresh, "--no-page-cache")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNone(CACHE_LINE.search(r.stderr))  # nothing read
        self.assertEqual(self.diagnostics(rebuilt), self.diagnostics(r))
        a, b = tree_bytes(out), tree_bytes(fresh)
        if not same_binary:
            del a[".almanac-site"], b[".almanac-site"]
        self.assertEqual(sorted(a), sorted(b))
        for k in a:
            self.assertEqual(a[k], b[k], k)

    def test_unchanged_pages_come_from_the_last_build(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.hits(r), (0, 5))
        kept = sorted(n for n in os.listdir(os.path.join(repo, ".git", "almanac")) if n.startswith("rendered-pages"))
        self.assertEqual(kept, ["rendered-pages"])
        write(repo, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nHot. Very hot.\n")
        git(repo, "commit", "-qam", "cpu: more", date="2026-11-01T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.hits(r), (4, 5))
        self.assertIn("Very hot.", read(os.path.join(out, "runbooks/cpu/index.html")))
        # the kept pages' warnings are said again: raw HTML, the unclosed fence, the broken link
        diags = "\n".join(self.diagnostics(r))
        self.assertIn("runbooks/disk-full.md:9:6: warning[raw-html]", diags)
        self.assertIn("warning[dialect]", diags)
        self.assertIn("runbooks/disk-full.md:7:49: error[broken-link]", diags)
        self.assert_fresh(repo, out, r)
        # muting a kind in almanac.yml mutes the kept pages' warnings of that kind too
        write(repo, "almanac.yml", "warnings:\n  raw-html: false\n")
        git(repo, "add", "almanac.yml")
        git(repo, "commit", "-qm", "quiet", date="2026-11-02T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.hits(r), (5, 5))
        self.assertNotIn("raw-html", r.stderr)
        self.assert_fresh(repo, out, r)

    def test_a_page_whose_link_target_moved_is_rendered_again(self):
        # a.md does not change; b.md gets another address (Hugo's slug): a's links must follow it
        repo = self.repo(HUGO)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        self.assertIn('href="../b/#fix"', read(os.path.join(out, "a/index.html")))
        write(repo, "content/b.md", "---\ntitle: B\nslug: bee\n---\n## Fix\n\nB's text.\n")
        git(repo, "commit", "-qam", "b: new address", date="2026-11-01T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        page = read(os.path.join(out, "a/index.html"))
        self.assertIn('href="../bee/#fix"', page)
        self.assertNotIn('href="../b/', page)
        self.assertEqual(self.hits(r), (1, 3))  # the home page; a was found, its links asked again: rendered
        self.assert_fresh(repo, out, r)
        # and the anchor it names is checked against the new target
        write(repo, "content/b.md", "---\ntitle: B\nslug: bee\n---\n## Repair\n\nB's text.\n")
        git(repo, "commit", "-qam", "b: heading renamed", date="2026-11-02T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"content/a\.md:4:21: error\[broken-anchor\]: anchor '#fix' not found")
        self.assert_fresh(repo, out, r)

    def test_a_damaged_or_foreign_cache_is_not_used(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        path = os.path.join(repo, ".git", "almanac", "rendered-pages")
        files = os.path.join(repo, ".git", "almanac", "page-files")  # what each page file was rendered from
        good, good_files = open(path, "rb").read(), open(files, "rb").read()
        n = 0
        # cut short, a page's HTML damaged (its head, in the checked index, is a hit; its HTML is found
        # damaged when the page is written, and that page only is rendered again), zeros, empty
        for damaged in [good[:len(good) // 2], good[:100] + bytes([good[100] ^ 1]) + good[101:], b"\0" * 64, b""]:
            with open(path, "wb") as f:
                f.write(damaged)
            with open(files, "wb") as f:
                f.write(good_files[:len(damaged) % len(good_files)] if damaged else b"")
            n += 1
            write(repo, "runbooks/cpu.md", "# CPU\n\nRound %d.\n" % n)
            git(repo, "commit", "-qam", "round %d" % n, date="2026-11-%02dT10:00:00Z" % n)
            r = self.build(repo, out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.hits(r), (4, 5) if n == 2 else (0, 5))
            self.assertEqual(self.not_rendered(r), 0)
            self.assert_fresh(repo, out, r)
            self.assertNotEqual(open(path, "rb").read(), damaged)  # written anew
        # the HTML and search sections of a kept page damaged: read when needed, found damaged, rendered again
        good = open(path, "rb").read()
        at = int.from_bytes(good[24:32], "little")
        p, entries = at + 4, {}
        for _ in range(int.from_bytes(good[at:at + 4], "little")):
            ln = int.from_bytes(good[p:p + 4], "little")
            src = good[p + 4:p + 4 + ln].decode()
            p += 4 + ln + 1
            entries[src] = (int.from_bytes(good[p:p + 8], "little"), int.from_bytes(good[p + 8:p + 12], "little"),
                            int.from_bytes(good[p + 12:p + 16], "little"))
            p += 20 + entries[src][1]  # offset, the lengths of the head, the HTML and the sections; the head
        off, headlen, htmllen = entries["runbooks/disk-full.md"]
        flip = off + 4 + 4 + 10  # inside its HTML's text
        flip2 = off + 12 + htmllen + 4 + 10  # inside its search sections
        with open(path, "wb") as f:
            f.write(good[:flip] + bytes([good[flip] ^ 1]) + good[flip + 1:flip2] + bytes([good[flip2] ^ 1]) +
                    good[flip2 + 1:])
        with open(files, "wb") as f:
            f.write(b"")  # every page file written again
        write(repo, "runbooks/cpu.md", "# CPU\n\nHTML damaged.\n")
        git(repo, "commit", "-qam", "html", date="2026-11-19T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.hits(r), (4, 5))
        self.assert_fresh(repo, out, r)
        # a FIFO where the file belongs is not waited on
        os.remove(path)
        os.mkfifo(path)
        write(repo, "runbooks/cpu.md", "# CPU\n\nA FIFO.\n")
        git(repo, "commit", "-qam", "fifo", date="2026-11-20T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.hits(r), (0, 5))
        self.assertTrue(stat.S_ISREG(os.stat(path).st_mode))  # replaced by the cache file
        # another almanac binary (an upgrade) renders every page
        other = os.path.join(self.tmpdir(), "almanac")
        shutil.copy2(BIN, other)
        write(repo, "runbooks/cpu.md", "# CPU\n\nUpgraded.\n")
        git(repo, "commit", "-qam", "upgrade", date="2026-11-21T10:00:00Z")
        r = self.build(repo, out, binary=other)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.hits(r), (0, 5))
        self.assert_fresh(repo, out, r, same_binary=False)

    def test_each_repository_keeps_its_own_file_and_cross_links_are_asked_again(self):
        # a hub and a source: one page of the hub links into the source; the source's page goes away
        # in a commit of the source only: the hub's page, unchanged, must report the link and drop it
        base = self.tmpdir()
        svc = os.path.join(base, "svc")
        os.makedirs(svc)
        git(svc, "init", "-q", "-b", "main")
        write(svc, "docs/db-down.md", "# Database down\n\nBack to the [hub](source:runbooks/cpu.md).\n")
        write(svc, "docs/replica.md", "# Replica\n\nLag.\n")
        git(svc, "add", "-A")
        git(svc, "commit", "-qm", "import", date="2026-10-01T10:00:00Z")
        files = dict(FILES)
        files["almanac.yml"] = "sources:\n  - name: svc\n    repo: %s\n    path: docs\n" % svc
        files["runbooks/cpu.md"] = "# CPU\n\nSee [the service's database](source:svc/db-down.md).\n"
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.hits(r), (0, 7))
        self.assertIn('href="../../svc/db-down/"', read(os.path.join(out, "runbooks/cpu/index.html")))
        kept = sorted(n for n in os.listdir(os.path.join(repo, ".git", "almanac")) if n.startswith("rendered-pages"))
        self.assertEqual(kept, ["rendered-pages", "rendered-pages.svc"])
        hub_file = os.stat(os.path.join(repo, ".git", "almanac", "rendered-pages")).st_mtime_ns
        # the search index's words too (gen/searchcache.c), a file per repository
        self.assertEqual(self.words(r), (0, 7))
        words = {n: os.stat(os.path.join(repo, ".git", "almanac", n)).st_ino
                 for n in os.listdir(os.path.join(repo, ".git", "almanac")) if n.startswith("search-terms")}
        self.assertEqual(sorted(words), ["search-terms", "search-terms.svc"])
        git(svc, "rm", "-q", "docs/db-down.md")
        git(svc, "commit", "-qm", "db-down: gone", date="2026-10-02T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.hits(r), (5, 6))  # the hub's cpu.md was asked again and rendered
        self.assertNotIn("../../svc/db-down/", read(os.path.join(out, "runbooks/cpu/index.html")))  # kept as written
        # every page's words read back; only the source's file is written again (it lost a page)
        self.assertEqual(self.words(r), (6, 6))
        self.assertEqual(os.stat(os.path.join(repo, ".git", "almanac", "search-terms")).st_ino, words["search-terms"])
        self.assertNotEqual(os.stat(os.path.join(repo, ".git", "almanac", "search-terms.svc")).st_ino,
                            words["search-terms.svc"])
        self.assertIn("runbooks/cpu.md:3:5: error[broken-link]", r.stderr)
        self.assert_fresh(repo, out, r)
        # the source's file lost a page; the hub's was rewritten for cpu.md only
        self.assertNotEqual(os.stat(os.path.join(repo, ".git", "almanac", "rendered-pages")).st_mtime_ns, hub_file)
        r = self.build(repo, out, "--now", "2026-11-23")
        self.assertEqual(self.hits(r), (6, 6))
        # the source leaves the site: its files go with it (they were kept for ever)
        write(repo, "almanac.yml", "title: Hub\n")
        write(repo, "runbooks/cpu.md", "# CPU\n\nHot.\n")
        git(repo, "commit", "-qam", "no more sources", date="2026-10-03T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(n for n in os.listdir(os.path.join(repo, ".git", "almanac"))
                                if n.startswith(("rendered-pages", "search-terms"))),
                         ["rendered-pages", "search-terms"])

    def test_a_page_file_is_rendered_again_when_anything_it_shows_changed(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        page = lambda rel: read(os.path.join(out, rel, "index.html"))  # noqa: E731
        # a page body edited: that page, and the pages that show its title or date, are rendered again;
        # the rest are kept as they are
        write(repo, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nHot. Very hot.\n")
        git(repo, "commit", "-qam", "cpu: more", date="2026-11-01T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(self.not_rendered(r), 0)
        self.assert_fresh(repo, out, r)
        # a sibling's title changed: every page of the folder shows it in its sidebar
        before = page("runbooks/disk-full")
        write(repo, "runbooks/cpu.md", "---\ntitle: Processor load\n---\n# CPU\n\nHot. Very hot.\n")
        git(repo, "commit", "-qam", "cpu: title", date="2026-11-02T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Processor load", page("runbooks/disk-full"))
        self.assertNotEqual(before, page("runbooks/disk-full"))
        self.assert_fresh(repo, out, r)
        # a page file edited by hand in the output, its page unchanged: repaired by the next build
        edited = os.path.join(out, "runbooks/cpu/index.html")
        with open(edited, "a") as f:
            f.write("<!-- edited by hand -->")
        write(repo, "content/index.md", "---\ntitle: Handbook\n---\nStart with [the runbooks](../runbooks/index.md). Or not.\n")
        git(repo, "commit", "-qam", "home", date="2026-11-03T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(self.not_rendered(r), 0)
        self.assertNotIn("edited by hand", read(edited))
        self.assert_fresh(repo, out, r)
        # another instant: every page's age changes, every page is rendered again
        r = self.build(repo, out, "--now", "2026-12-01")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.not_rendered(r), 0)
        fresh = os.path.join(self.tmpdir(), "fresh")
        self.assertEqual(self.build(repo, fresh, "--no-page-cache", "--now", "2026-12-01").returncode, 0)
        self.assertEqual(tree_bytes(out), tree_bytes(fresh))
        # the theme's templates changed: every page again
        write(repo, "themes/mine/templates/runbook.mustache", "<p>{{page.title}}</p>\n")
        write(repo, "almanac.yml", "theme: mine\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "theme", date="2026-11-04T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read(os.path.join(out, "runbooks/disk-full/index.html")), "<p>Disk full</p>\n")
        self.assert_fresh(repo, out, r)
        # another output folder: nothing recorded for it, every page rendered
        other = os.path.join(self.tmpdir(), "other")
        r = self.build(repo, other)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNone(KEPT_LINE.search(r.stderr))  # no previous site there
        write(repo, "runbooks/cpu.md", "# CPU\n\nOnce more.\n")
        git(repo, "commit", "-qam", "cpu", date="2026-11-05T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.not_rendered(r), 0)  # the record is the other folder's now
        self.assert_fresh(repo, out, r)

    def test_a_page_whose_inputs_are_unchanged_is_kept_without_its_context_and_the_rest_follow_what_they_show(self):
        # gen/pagekeys.c: a page is kept without its context being built when its own fields, the link
        # views of the pages it shows and its folder's navigation are the last build's. Each change below
        # touches one thing a page shows of another (a related page's title, a backlink's status, the
        # owner's role title, a sibling's title in the sidebar, a child's description on a section page,
        # a page of another repository): the site must be a fresh build's, and under ALMANAC_VERIFY_KEPT
        # no page kept by its inputs may have had another context.
        base = self.tmpdir()
        svc = os.path.join(base, "svc")
        os.makedirs(svc)
        git(svc, "init", "-q", "-b", "main")
        write(svc, "docs/db-down.md", "---\ntitle: Database down\nowner: storage\n---\n# Database down\n\n"
              "Back to [CPU](source:runbooks/cpu.md).\n")
        write(svc, "docs/replica.md", "---\ntitle: Replica\nrelated: [docs/db-down.md]\n---\nLag.\n")
        git(svc, "add", "-A")
        git(svc, "commit", "-qm", "import", date="2026-10-01T10:00:00Z")
        files = dict(FILES)
        files["almanac.yml"] = "sources:\n  - name: svc\n    repo: %s\n    path: docs\n" % svc
        files["content/roles/storage.md"] = "---\ntitle: Storage team\ntype: role\n---\nDisks.\n"
        files["runbooks/cpu.md"] = ("---\ntitle: CPU\nowner: storage\nrelated: [runbooks/disk-full.md]\n---\n"
                                    "See [the service's database](source:svc/db-down.md).\n")
        files["runbooks/db/index.md"] = "---\ntitle: Databases\n---\nAll of them.\n"
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        changes = [
            ("svc", "docs/db-down.md", "---\ntitle: Database unreachable\nowner: storage\n---\n# Down\n\n"
                                       "Back to [CPU](source:runbooks/cpu.md).\n"),
            (None, "runbooks/disk-full.md", FILES["runbooks/disk-full.md"].replace("Disk full\n", "Disk almost full\n", 1)),
            (None, "content/roles/storage.md", "---\ntitle: Storage and backups\ntype: role\n---\nDisks.\n"),
            (None, "runbooks/db/replica-lag.md", "---\ntitle: Replica lag\ndescription: When replicas fall behind\n"
                                                 "---\n## Check\n\nBack to [disk full](../disk-full.md).\n"),
            ("svc", "docs/replica.md", "---\ntitle: Replica\nrelated: [docs/db-down.md]\n---\nLag, again.\n"),
        ]
        for n, (where, rel, text) in enumerate(changes):
            at = svc if where else repo
            write(at, rel, text)
            git(at, "commit", "-qam", "change %d" % n, date="2026-11-%02dT10:00:00Z" % (n + 2))
            r = self.build(repo, out, env={"ALMANAC_VERIFY_KEPT": "1"})
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("error[internal]", r.stderr)
            self.assert_fresh(repo, out, r)
            # the same change once more, now without the check: pages kept by their inputs alone
            git(at, "commit", "-q", "--allow-empty", "-m", "again", date="2026-11-%02dT11:00:00Z" % (n + 2))
            write(at, rel, text + "\nOne more line.\n")
            git(at, "commit", "-qam", "change %d again" % n, date="2026-11-%02dT12:00:00Z" % (n + 2))
            r = self.build(repo, out, env={"ALMANAC_VERIFY_KEPT": "0"})
            self.assertEqual(r.returncode, 0, r.stderr)
            m = INPUTS_LINE.search(r.stderr)
            self.assertIsNotNone(m, r.stderr)
            self.assertGreater(int(m.group(1)), 0)
            self.assert_fresh(repo, out, r)
        self.assertIn("Database unreachable", read(os.path.join(out, "runbooks/cpu/index.html")))
        self.assertIn("Storage and backups", read(os.path.join(out, "runbooks/cpu/index.html")))
        self.assertIn("When replicas fall behind", read(os.path.join(out, "runbooks/db/index.html")))
        self.assertIn("Disk almost full", read(os.path.join(out, "runbooks/cpu/index.html")))  # related
        self.assertNotIn("related-missing", r.stderr)
        self.assertNotIn("link-outside-content", r.stderr)

    def test_another_markdown_library_renders_every_page_again(self):
        # the Markdown is rendered by cmark-gfm, a shared library: a Debian update of it (the almanac
        # binary unchanged) may render pages differently, so neither what the last build kept nor its
        # "up to date" may be used. Here another copy of the same library stands for the update.
        import subprocess
        libs = re.findall(r"=> (\S*libcmark-gfm\S*\.so\S*)", subprocess.run(["ldd", BIN], capture_output=True,
                                                                           text=True).stdout)
        if not libs:
            self.skipTest("almanac is not linked with a shared libcmark-gfm")
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        updated = self.tmpdir()
        for lib in libs:
            shutil.copy2(lib, os.path.join(updated, os.path.basename(lib)))
        env = {"LD_LIBRARY_PATH": updated}
        r = self.build(repo, out, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("is up to date", r.stderr)
        self.assertEqual(self.hits(r), (0, 5))
        self.assertEqual(self.not_rendered(r), 0)
        self.assertEqual(self.hits(self.build(repo, out, "--now", "2026-11-23", env=env)), (5, 5))

    def test_a_page_inlining_an_svg_is_rendered_every_time(self):
        # an SVG shown as an image is inlined (activefiles.h): such a page is never kept, nor is what an
        # earlier build kept of it before it had the image
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        write(repo, "runbooks/cpu.md", "# CPU\n\n![flow](flow.svg)\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "cpu: a diagram to come", date="2026-11-01T10:00:00Z")
        r = self.build(repo, out)
        self.assertIn("runbooks/cpu.md:3:1: error[broken-link]", r.stderr)
        write(repo, "runbooks/flow.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n')
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "the diagram", date="2026-11-02T10:00:00Z")
        for k in range(2):
            r = self.build(repo, out, "--now", "2026-11-2%d" % (3 + k))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.hits(r), (4, 5))
            self.assertIn("data:image/svg+xml", read(os.path.join(out, "runbooks/cpu/index.html")))
        fresh = os.path.join(self.tmpdir(), "fresh")
        self.assertEqual(self.build(repo, fresh, "--no-page-cache", "--now", "2026-11-24").returncode, 0)
        self.assertEqual(tree_bytes(out), tree_bytes(fresh))

    def test_a_killed_builds_temporary_cache_file_is_removed(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        cache = os.path.join(repo, ".git", "almanac")
        dead = os.path.join(cache, "rendered-pages.tmp.%d" % 4194303)  # above pid_max's default: no process
        live = os.path.join(cache, "rendered-pages.tmp.%d" % os.getpid())  # this test runner: alive
        for p in (dead, live):
            with open(p, "wb") as f:
                f.write(b"x" * 1000)
        write(repo, "runbooks/cpu.md", "# CPU\n\nAgain.\n")
        git(repo, "commit", "-qam", "cpu", date="2026-11-01T10:00:00Z")
        self.assertEqual(self.build(repo, out).returncode, 0)
        self.assertFalse(os.path.exists(dead))
        self.assertTrue(os.path.exists(live))  # another build may be writing it
        os.remove(live)

    def test_no_page_cache_neither_reads_nor_writes_it(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        r = self.build(repo, out, "--no-page-cache")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNone(CACHE_LINE.search(r.stderr))
        self.assertFalse([n for n in os.listdir(os.path.join(repo, ".git", "almanac"))
                          if n.startswith(("rendered-pages", "search-terms")) or n == "page-files"])

    def test_serve_reads_and_updates_them(self):
        """serve's loads use what builds keep, and keep what they render; its pages are those of a
        serve without the cache."""
        repo = self.repo(FILES)
        r = self.build(repo, os.path.join(self.tmpdir(), "site"))
        self.assertEqual(r.returncode, 0, r.stderr)
        pages = {}
        for extra in (("--no-page-cache",), ()):
            with Serve(repo, "--now", "2026-11-22", *extra, env={"ALMANAC_TIMING": "1"}) as srv:
                said = "".join(srv.lines)
                pages[extra] = [srv.get(p) for p in ("/runbooks/disk-full/", "/search/manifest.json")]
                if not extra:  # a new page: serve loads everything again, and keeps what it rendered
                    write(repo, "runbooks/new.md", "# New\n\nFresh words.\n")
                    deadline = time.time() + 30
                    while srv.get("/runbooks/new/")[0] != 200 and time.time() < deadline:
                        time.sleep(0.1)
                    time.sleep(0.5)
            if extra:
                self.assertIsNone(CACHE_LINE.search(said), said)  # nothing read
                words = WORDS_LINE.search(said)
                self.assertEqual(words.group(1) if words else "0", "0", said)
            else:  # every page's Markdown and words from the build
                self.assertEqual(CACHE_LINE.search(said).groups(), ("5", "5"), said)
                self.assertEqual(WORDS_LINE.search(said).groups(), ("5", "5"), said)
        self.assertEqual(pages[()][0][0], 200)
        self.assertEqual(pages[()], pages[("--no-page-cache",)])  # the same bytes either way
        r = self.build(repo, os.path.join(self.tmpdir(), "site2"))
        self.assertEqual(self.hits(r), (6, 6))  # the new page as serve rendered it


if __name__ == "__main__":
    main()
