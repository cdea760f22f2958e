"""almanac build end to end: a real git repository in, a static site out.
Pretty URLs, relative links, assets, sitemap, 404, determinism across --jobs,
atomic output, unsafe output folders, CLI usage errors."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, RepoTestCase, git, is_sanitizer_build, main, read, run, tree_bytes, write  # noqa: E402

RUNBOOK = """---
title: Node not ready
owner: kubernetes-engineer
criticality: critical
review_interval: 90d
alerts: [KubeNodeNotReady]
tags: [nodes]
---
# Node not ready

## Symptoms

Nodes report `NotReady`. See [CrashLoopBackOff](../workloads/crashloop.md#diagnosis)
and the [role](../../content/roles/kubernetes-engineer.md).

![diagram](img/flow.png)

## Diagnosis

```sh
kubectl get nodes
```
"""

CRASH = """---
title: CrashLoopBackOff
owner: kubernetes-engineer
criticality: high
alerts: [KubePodCrashLooping]
---
## Diagnosis

Back to [node not ready](../k8s/node-not-ready.md).
"""

ROLE = """---
title: Kubernetes Engineer
type: role
owner: platform-engineering
level: specialist
---
Operates clusters. Owns the [runbooks](../../runbooks/index.md).
"""

FILES = {
    "content/index.md": "---\ntitle: Handbook\n---\nWelcome. Start with [runbooks](../runbooks/index.md).\n",
    "content/roles/kubernetes-engineer.md": ROLE,
    "content/guides/onboarding.md": "# Onboarding\n\nHello.\n",
    "runbooks/index.md": "---\ntitle: Runbooks\n---\nAll runbooks.\n",
    "runbooks/k8s/node-not-ready.md": RUNBOOK,
    "runbooks/k8s/img/flow.png": "PNG",
    "runbooks/workloads/crashloop.md": CRASH,
    "alerts.yml": "alerts:\n  - name: KubeNodeNotReady\n  - name: KubePodCrashLooping\n  - name: KubeCPUOvercommit\n",
}


class BuildTest(RepoTestCase):
    def build(self, repo, out, *extra, env=None):
        return run("build", "--repo", repo, "--out", out, "--now", "2026-11-22", *extra, env=env)

    def test_site_structure_and_links(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("built 6 pages", r.stderr)
        for rel in ["index.html", "runbooks/index.html", "runbooks/k8s/node-not-ready/index.html",
                    "runbooks/workloads/crashloop/index.html", "content/roles/kubernetes-engineer/index.html",
                    "content/guides/onboarding/index.html", "404.html", "sitemap.xml", "search/index.html",
                    "freshness/index.html", "freshness.json", "runbooks/k8s/img/flow.png",
                    "alerts/KubeNodeNotReady/index.html", "runbooks/k8s/index.html"]:
            self.assertTrue(os.path.exists(os.path.join(out, rel)), rel)
        page = read(os.path.join(out, "runbooks/k8s/node-not-ready/index.html"))
        # .md links rewritten to the target URL, relative, fragment kept
        self.assertIn('href="../../workloads/crashloop/#diagnosis"', page)
        self.assertIn('href="../../../content/roles/kubernetes-engineer/"', page)
        self.assertIn('src="../img/flow.png"', page)
        # heading ids with permalink anchors
        self.assertIn('id="symptoms"', page)
        # no absolute links anywhere: works under any sub-path and from disk
        for rel, data in tree_bytes(out).items():
            if rel.endswith(".html"):
                text = data.decode()
                self.assertIsNone(re.search(r'(href|src)="/(?!/)', text), rel)
        sitemap = read(os.path.join(out, "sitemap.xml"))
        self.assertIn("<loc>runbooks/k8s/node-not-ready/</loc>", sitemap)
        self.assertIn("<lastmod>2026-10-01</lastmod>", sitemap)
        alert = read(os.path.join(out, "alerts/KubeNodeNotReady/index.html"))
        self.assertIn("../../runbooks/k8s/node-not-ready/", alert)
        # a folder's card counts every page in it, its index pages too: the freshness report's count
        home = read(os.path.join(out, "index.html"))
        card = re.search(r'<a class="child-link" href="runbooks/">(?:(?!</li>).)*?<span class="count"[^>]*>(\d+)</span>',
                         home, re.S)
        self.assertIsNotNone(card, home)
        self.assertEqual(card.group(1), "3")  # runbooks/index.md, node-not-ready, crashloop

    def test_deterministic_across_jobs(self):
        repo = self.repo(FILES)
        a, b = os.path.join(self.tmpdir(), "a"), os.path.join(self.tmpdir(), "b")
        # every page rendered by each build (the second would take the first's from the page cache)
        self.assertEqual(self.build(repo, a, "--jobs", "1", "--no-page-cache").returncode, 0)
        self.assertEqual(self.build(repo, b, "--jobs", "4", "--no-page-cache").returncode, 0)
        ta, tb = tree_bytes(a), tree_bytes(b)
        self.assertEqual(sorted(ta), sorted(tb))
        for k in ta:
            self.assertEqual(ta[k], tb[k], k)

    def test_autolinks_and_strikethrough_on_every_thread(self):
        # cmark-gfm keeps its extensions' special characters (autolink ':' 'w', strikethrough '~') in
        # one table for the process and each parse removed them when done: with pages parsed on
        # several threads, pages lost autolinks and strikethrough at random and two builds of the
        # same commit differed (gen/cmarkspecial.h). Every page must have all of them, every time.
        # long pages (their inlines take a while) parsed beside many short ones (each ends a parse)
        files = {"content/index.md": "# Home\n"}
        longs = [i for i in range(480) if i % 8 == 0]
        for i in range(480):
            if i in longs:
                lines = ["# Long %d" % i, "", "| row | where |", "|---|---|"]
                for k in range(400):  # in table cells, as the GitLab runbooks that showed it had them
                    lines.append("| %d | see https://example.com/p%d/l%d and www.example.org/%d, ~~old~~ text |" % (k, i, k, k))
                files["runbooks/p%03d.md" % i] = "\n".join(lines) + "\n"
            else:
                files["runbooks/p%03d.md" % i] = "# Short %d\n\nSee https://example.net/%d ~~x~~.\n" % (i, i)
        repo = self.repo(files)
        outs = []
        for n, jobs in enumerate(["1", "4", "4", "4"]):  # every page parsed each time: no page cache
            out = os.path.join(self.tmpdir(), "o%d" % n)
            self.assertEqual(self.build(repo, out, "--jobs", jobs, "--no-page-cache").returncode, 0)
            outs.append(tree_bytes(out))
        for o in outs:
            for i in range(480):
                page = o["runbooks/p%03d/index.html" % i].decode()
                if i in longs:
                    self.assertEqual(page.count('href="https://example.com/p%d/' % i), 400, i)
                    self.assertEqual(page.count('href="http://www.example.org/'), 400, i)
                    self.assertEqual(page.count("<del>old</del>"), 400, i)
                else:
                    self.assertEqual(page.count('href="https://example.net/%d"' % i), 1, i)
                    self.assertEqual(page.count("<del>x</del>"), 1, i)
        for other in outs[1:]:
            self.assertEqual(sorted(other), sorted(outs[0]))
            for k in outs[0]:
                self.assertEqual(other[k], outs[0][k], k)

    def test_search_index_waits_for_a_slow_tokenizer(self):
        # A build tokenizes the search index on its own thread beside the history walk and cuts
        # each page's text to its excerpt when done. With the stemmer held back for a second
        # (tests/integration/slowstem.c, preloaded), that thread ends after every page is written:
        # the index must still be complete and byte-identical, and (sanitizer build) nothing may
        # read a text while it is being cut.
        shim = os.environ.get("ALMANAC_TEST_SLOWSTEM")
        if not shim or not os.path.exists(shim):
            self.skipTest("tests/integration/slowstem.c is not built (run through meson test)")
        long_text = " ".join("word%d  and\n\nmore   text" % i for i in range(400))
        files = dict(FILES)
        files["runbooks/k8s/long.md"] = "---\ntitle: Long\n---\n# Long\n\n%s\n\n## Later\n\n%s\n" % (
            long_text, long_text)
        repo = self.repo(files)
        a, b = os.path.join(self.tmpdir(), "a"), os.path.join(self.tmpdir(), "b")
        self.assertEqual(self.build(repo, a).returncode, 0)
        env = {"LD_PRELOAD": shim, "SLOWSTEM_MS": "1500",
               "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}
        r = run("build", "--repo", repo, "--out", b, "--now", "2026-11-22", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("ERROR: AddressSanitizer", r.stderr)
        ta, tb = tree_bytes(os.path.join(a, "search")), tree_bytes(os.path.join(b, "search"))
        self.assertEqual(sorted(ta), sorted(tb))
        for k in ta:
            self.assertEqual(ta[k], tb[k], k)
        meta = b"".join(v for k, v in tb.items() if k.startswith("m/"))
        self.assertIn(b"word0 and more text word1", meta)  # the excerpt, whitespace collapsed

    def test_strict_failure_leaves_previous_site(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        before = tree_bytes(out)
        write(repo, "runbooks/k8s/node-not-ready.md", RUNBOOK + "\nSee [missing](nope.md).\n")
        r = self.build(repo, out, "--strict")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"runbooks/k8s/node-not-ready\.md:\d+:\d+: error\[broken-link\]")
        self.assertEqual(tree_bytes(out), before)
        self.assertIn("almanac: build failed: --strict and 1 error (1 broken-link); %s was not changed" % out,
                      r.stderr)
        # without --strict the same problem is printed as the same error, and the site is rebuilt
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("error[broken-link]", r.stderr)
        self.assertIn("1 error (1 broken-link) (build --strict fails on errors)", r.stderr)
        leftovers = [n for n in os.listdir(os.path.dirname(out)) if n.startswith(".almanac-tmp")]
        self.assertEqual(leftovers, [])

    def test_second_build_with_nothing_changed_is_skipped(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        before = tree_bytes(out)
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0)
        self.assertIn("is up to date", r.stderr)
        self.assertEqual(tree_bytes(out), before)
        # any input change rebuilds: a page, --now, a theme override
        write(repo, "runbooks/workloads/crashloop.md", CRASH + "\nMore text.\n")
        r = self.build(repo, out)
        self.assertIn("built 6 pages", r.stderr)
        self.assertIn("More text.", read(os.path.join(out, "runbooks/workloads/crashloop/index.html")))
        r = run("build", "--repo", repo, "--out", out, "--now", "2026-11-23")
        self.assertIn("built 6 pages", r.stderr)
        write(repo, "themes/default/assets/style.css", "body{color:red}")
        r = run("build", "--repo", repo, "--out", out, "--now", "2026-11-23")
        self.assertIn("built 6 pages", r.stderr)
        self.assertEqual(read(os.path.join(out, "assets/style.css")), "body{color:red}")
        # the check runs before any page is read, on stat data: an edit of the same size still rebuilds
        args = ("build", "--repo", repo, "--out", out, "--now", "2026-11-23")
        self.assertIn("is up to date", run(*args).stderr)
        write(repo, "runbooks/workloads/crashloop.md", CRASH + "\nMore txet.\n")
        r = run(*args)
        self.assertIn("built 6 pages", r.stderr)
        self.assertIn("More txet.", read(os.path.join(out, "runbooks/workloads/crashloop/index.html")))
        # so does a file outside the content folders that the site shows: the alert catalog
        self.assertIn("is up to date", run(*args).stderr)
        write(repo, "alerts.yml", "alerts:\n  - name: KubePodCrashLooping\n    severity: critical\n")
        self.assertIn("built 6 pages", run(*args).stderr)
        self.assertIn("is up to date", run(*args).stderr)

    def test_up_to_date_build_says_the_warnings_again(self):
        """A writer who runs the build twice sees the same problems twice, not a clean "up to date"
        (gen/diagrec.c); without its record of them, the build runs whole."""
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        write(repo, "runbooks/k8s/node-not-ready.md", RUNBOOK + "\nSee [missing](nope.md).\n")
        first = self.build(repo, out, "--verbose")
        self.assertEqual(first.returncode, 0, first.stderr)
        said = [l for l in first.stderr.splitlines() if re.match(r"\S+:\d+:\d+: (error|warning|note)", l)]
        self.assertIn("error[broken-link]", "\n".join(said))
        again = self.build(repo, out, "--verbose")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("is up to date", again.stderr)
        self.assertEqual([l for l in again.stderr.splitlines()
                          if re.match(r"\S+:\d+:\d+: (error|warning|note)", l)], said)
        self.assertIn("; 1 error (1 broken-link) (build --strict fails on errors)", again.stderr)
        # --strict is other inputs: it builds, and fails on the error
        strict = self.build(repo, out, "--strict")
        self.assertEqual(strict.returncode, 1)
        self.assertNotIn("is up to date", strict.stderr)
        # the record gone or damaged: nothing is said from it, the site is built again and says it all
        rec = os.path.join(repo, ".git", "almanac", "build-diagnostics")
        with open(rec, "r+b") as f:
            f.seek(30)
            f.write(b"\xff")
        r = self.build(repo, out, "--verbose")
        self.assertNotIn("is up to date", r.stderr)
        self.assertIn("built 6 pages", r.stderr)
        self.assertIn("error[broken-link]", r.stderr)
        os.unlink(rec)

        def built_then_up_to_date():
            """The next build builds and says the error; the one after it is up to date and says it again."""
            for current in (False, True):
                r = self.build(repo, out)
                self.assertEqual("is up to date" in r.stderr, current, r.stderr)
                self.assertIn("error[broken-link]", r.stderr)
        built_then_up_to_date()
        # two builds of other inputs taking turns (another output folder, --no-git-dates) each stay up to date
        other = os.path.join(self.tmpdir(), "nogit")
        self.assertNotIn("is up to date", self.build(repo, other, "--no-git-dates").stderr)
        for _ in range(2):
            for args in ((out,), (other, "--no-git-dates")):
                r = self.build(repo, *args)
                self.assertIn("is up to date", r.stderr)
                self.assertIn("error[broken-link]", r.stderr)
        # commits that change no diagnostic add a fingerprint each, not another copy of the diagnostics,
        # and leave the copy's file as it was (only the small records file is written)
        def copies():
            found = {}
            for name in os.listdir(os.path.dirname(rec)):
                if name.startswith("build-diagnostics"):
                    with open(os.path.join(os.path.dirname(rec), name), "rb") as f:
                        if f.read().count(b"'nope.md'"):
                            st = os.stat(os.path.join(os.path.dirname(rec), name))
                            found[name] = (st.st_ino, st.st_mtime_ns)
            return found
        kept = copies()
        self.assertEqual(len(kept), 1, kept)
        for i in range(3):
            write(repo, "runbooks/k8s/node-not-ready.md", RUNBOOK + "\nSee [missing](nope.md).\n" + "x" * (i + 1))
            git(repo, "commit", "-qam", "edit %d" % i)
            r = self.build(repo, out)
            self.assertIn("error[broken-link]", r.stderr)
        self.assertEqual(copies(), kept)
        self.assertIn("is up to date", self.build(repo, out).stderr)
        # a list's file damaged: the record is not said from it, the site is built again (and writes it anew)
        with open(os.path.join(os.path.dirname(rec), next(iter(kept))), "r+b") as f:
            f.seek(40)
            f.write(b"\xff")
        built_then_up_to_date()

    # ---- a rebuild keeps the previous site's unchanged files (gen/pubkeep.c) ----

    def stat_tree(self, out):
        """{relative path: (inode, mtime_ns)} of every file under out."""
        res = {}
        for d, _, files in os.walk(out):
            for name in files:
                st = os.lstat(os.path.join(d, name))
                res[os.path.relpath(os.path.join(d, name), out)] = (st.st_ino, st.st_mtime_ns)
        return res

    def assert_same_as_cold(self, repo, out, *extra):
        cold = os.path.join(self.tmpdir(), "cold")
        # every page rendered anew: the rebuild's pages kept from the last build (pagecache.h) are checked too
        self.assertEqual(self.build(repo, cold, "--no-page-cache", *extra).returncode, 0)
        a, b = tree_bytes(out), tree_bytes(cold)
        self.assertEqual(sorted(a), sorted(b))
        for k in a:
            self.assertEqual(a[k], b[k], k)

    def test_rebuild_writes_only_the_files_that_changed(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        before, folder = self.stat_tree(out), os.stat(out).st_ino
        write(repo, "runbooks/workloads/crashloop.md", CRASH + "\nA new paragraph.\n")
        git(repo, "commit", "-qam", "crashloop: more", date="2026-11-01T10:00:00Z")
        r = self.build(repo, out, env={"ALMANAC_TIMING": "1"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"previous site: \d+ files kept, \d+ written \(moved in place\)")
        self.assert_same_as_cold(repo, out)
        after = self.stat_tree(out)
        self.assertEqual(os.stat(out).st_ino, folder)  # moved in place, not swapped
        page = "runbooks/workloads/crashloop/index.html"
        self.assertIn("A new paragraph.", read(os.path.join(out, page)))
        self.assertNotEqual(after[page], before[page])
        # pages the edit does not reach, the assets and the theme keep their file (inode and time):
        # rsync and object-store syncs upload only what changed
        for same in ["content/guides/onboarding/index.html", "runbooks/k8s/img/flow.png", "assets/style.css"]:
            self.assertEqual(after[same], before[same], same)
        changed = [k for k in after if after[k] != before.get(k)]
        self.assertLess(len(changed), len(after) // 2, changed)
        self.assertEqual([n for n in os.listdir(os.path.dirname(out)) if n.startswith(".almanac-tmp")], [])
        # nothing changed since: the marker says so
        self.assertIn("is up to date", self.build(repo, out).stderr)

    def lock_folder(self, path):
        """Make the folder `path` refuse new entries and renames (chmod 555; as root, which chmod does not
        stop, chattr +i). Returns the unlock function (call it before tearDown removes the folders)."""
        if os.geteuid() == 0:
            if not shutil.which("chattr"):
                self.skipTest("running as root and chattr (e2fsprogs) is not installed")
            p = subprocess.run(["chattr", "+i", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode != 0:
                self.skipTest("running as root and chattr +i is refused here: %s" % p.stdout.strip())
            unlock = lambda: subprocess.run(["chattr", "-i", path], check=False)  # noqa: E731
        else:
            os.chmod(path, 0o555)
            unlock = lambda: os.chmod(path, 0o755)  # noqa: E731
        return unlock

    def test_rebuild_that_fails_half_way_says_the_site_is_incomplete(self):
        """An in-place commit that cannot replace a file (its folder is read-only) has changed the output
        already: the last line says so (not "was not changed"), the exit code is 4, and the next build
        repairs the site."""
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        write(repo, "runbooks/workloads/crashloop.md", CRASH + "\nA new paragraph.\n")
        git(repo, "commit", "-qam", "crashloop: more", date="2026-11-01T10:00:00Z")
        unlock = self.lock_folder(os.path.join(out, "runbooks/workloads/crashloop"))
        try:
            r = self.build(repo, out, env={"ALMANAC_TIMING": "1"})
        finally:
            unlock()
        self.assertIn("(moved in place)", r.stderr)
        self.assertEqual(r.returncode, 4, r.stderr)
        last = [l for l in r.stderr.splitlines() if l.startswith("almanac: build failed")]
        self.assertEqual(len(last), 1, r.stderr)
        self.assertIn("%s is incomplete" % out, last[0])
        self.assertIn("the next build repairs it", last[0])
        self.assertNotIn("not changed", r.stderr)
        self.assertIn("runbooks/workloads/crashloop/index.html", r.stderr)
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("A new paragraph.", read(os.path.join(out, "runbooks/workloads/crashloop/index.html")))
        self.assert_same_as_cold(repo, out)

    def test_rebuild_removes_what_the_site_no_longer_has_and_repairs_hand_edits(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        git(repo, "rm", "-q", "content/guides/onboarding.md")
        git(repo, "commit", "-qm", "onboarding: gone", date="2026-11-01T10:00:00Z")
        write(out, "stray.txt", "put here by hand")          # not Almanac's: removed as a swap would
        write(out, "404.html", "edited by hand")              # repaired
        os.remove(os.path.join(out, "sitemap.xml"))
        os.makedirs(os.path.join(out, "sitemap.xml", "deep"))  # a folder where the site has a file
        write(out, "sitemap.xml/deep/x", "x")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "content/guides/onboarding")))  # its folder too
        self.assert_same_as_cold(repo, out)

    def test_rebuild_never_follows_links_planted_in_the_output(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        outside = self.tmpdir()
        write(outside, "keep.txt", "outside the output")
        write(outside, "k8s/node-not-ready/index.html", "outside page")
        # the output's runbooks/ folder replaced by a link out of it, and a link to a file outside
        import shutil
        shutil.rmtree(os.path.join(out, "runbooks"))
        os.symlink(outside, os.path.join(out, "runbooks"))
        os.symlink(os.path.join(outside, "keep.txt"), os.path.join(out, "link.txt"))
        write(repo, "runbooks/workloads/crashloop.md", CRASH + "\nEdited.\n")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read(os.path.join(outside, "keep.txt")), "outside the output")
        self.assertEqual(read(os.path.join(outside, "k8s/node-not-ready/index.html")), "outside page")
        self.assertEqual(sorted(os.listdir(outside)), ["k8s", "keep.txt"])
        self.assertFalse(os.path.islink(os.path.join(out, "runbooks")))
        self.assert_same_as_cold(repo, out)

    def test_rebuild_never_follows_links_inside_the_output(self):
        # links that stay inside the output: a folder and a file of the site replaced by links to
        # copies. Followed, their files looked kept, then the copies and the links (which the site
        # does not have) were removed: the runbooks section and 404.html were gone, and the next
        # build said the site was up to date
        import shutil
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        os.rename(os.path.join(out, "runbooks"), os.path.join(out, "runbooks-copy"))
        os.symlink("runbooks-copy", os.path.join(out, "runbooks"))
        shutil.copy(os.path.join(out, "404.html"), os.path.join(out, "copy.html"))
        os.remove(os.path.join(out, "404.html"))
        os.symlink("copy.html", os.path.join(out, "404.html"))
        write(repo, "runbooks/workloads/crashloop.md", CRASH + "\nEdited.\n")
        r = self.build(repo, out, env={"ALMANAC_TIMING": "1"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(moved in place)", r.stderr)
        links = [os.path.join(d, n) for d, ds, fs in os.walk(out) for n in ds + fs
                 if os.path.islink(os.path.join(d, n))]
        self.assertEqual(links, [])
        self.assertIn("Edited.", read(os.path.join(out, "runbooks/workloads/crashloop/index.html")))
        self.assert_same_as_cold(repo, out)

    def test_rebuild_waits_for_another_build_into_the_same_output(self):
        # Another build holds the output (as one committing does) while this one starts; it
        # commits, changing a file this one will not change. This build must compare with what the
        # other one left, not with what was there when it started: it used to keep that file as
        # it had found it (so it published the other build's page) and mark the site up to date.
        import fcntl, queue, threading
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        write(repo, "runbooks/workloads/crashloop.md", CRASH + "\nEdited.\n")
        git(repo, "commit", "-qam", "crashloop: edited", date="2026-11-01T10:00:00Z")
        held = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(held, fcntl.LOCK_EX)
        p = subprocess.Popen([BIN, "build", "--repo", repo, "--out", out, "--now", "2026-11-22"],
                             env=dict(os.environ, ALMANAC_TIMING="1"), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in p.stderr] + [lines.put(None)], daemon=True).start()
        seen = []
        try:
            while True:  # the build has compared its files, or waits for the output
                line = lines.get(timeout=120)
                self.assertIsNotNone(line, "".join(seen))
                seen.append(line)
                if "previous site:" in line or "waiting for another build" in line:
                    break
            # the other build's commit: a page of its own and its marker, renamed in
            page = os.path.join(out, "content/guides/onboarding/index.html")
            write(out, "content/guides/onboarding/.new", "<p>the other build's page</p>")
            os.rename(os.path.join(out, "content/guides/onboarding/.new"), page)
            write(out, ".almanac-site.new", "almanac site\ninputs other\n")
            os.rename(os.path.join(out, ".almanac-site.new"), os.path.join(out, ".almanac-site"))
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
            os.close(held)
        rc = p.wait(timeout=120)
        while True:
            line = lines.get(timeout=120)
            if line is None:
                break
            seen.append(line)
        self.assertEqual(rc, 0, "".join(seen))
        self.assert_same_as_cold(repo, out)
        self.assertIn("almanac: waiting for another build into %s to finish\n" % out, seen)
        self.assertIn("is up to date", self.build(repo, out).stderr)

    def test_ctrl_c_while_waiting_for_another_build(self):
        import fcntl, glob, signal
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        before = tree_bytes(out)
        write(repo, "runbooks/workloads/crashloop.md", CRASH + "\nEdited.\n")
        held = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            p = subprocess.Popen([BIN, "build", "--repo", repo, "--out", out, "--now", "2026-11-22"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            self.assertIn("waiting for another build", p.stderr.readline())
            p.send_signal(signal.SIGINT)
            err = p.stderr.read()
            self.assertEqual(p.wait(timeout=60), 130, err)
        finally:
            os.close(held)
        self.assertIn("error[interrupted]: build interrupted; the previous site is untouched", err)
        self.assertEqual(tree_bytes(out), before)
        self.assertEqual(glob.glob(os.path.join(os.path.dirname(out), ".almanac-tmp-*")), [])

    def test_rebuilds_after_random_changes_equal_cold_builds(self):
        # many random edits, additions, removals, renames, pages that become folders of pages and
        # back, assets that come and go (a seeded generator: the same run every time); after each
        # commit the rebuilt site is byte for byte a cold build of that commit, and up to date
        import random
        rnd = random.Random(20261206)
        files = dict(FILES)
        for i in range(24):
            files["runbooks/s%d/p%d.md" % (i % 4, i)] = "# Page %d\n\nText %d. See [crash](../../runbooks/workloads/crashloop.md).\n" % (i, i)
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        modes = set()
        for rnd_no in range(8):
            pages = sorted(git(repo, "ls-files", "runbooks/s*").split())
            for _ in range(rnd.randint(1, 6)):
                op = rnd.choice(["edit", "add", "remove", "rename", "to-folder", "to-page", "asset", "title"])
                page = rnd.choice(pages) if pages else None
                if op == "edit" and page and page.endswith(".md"):
                    write(repo, page, read(os.path.join(repo, page)) + "\nMore %d.\n" % rnd.randint(0, 999))
                elif op == "add":
                    write(repo, "runbooks/s%d/n%d.md" % (rnd.randint(0, 5), rnd.randint(0, 999)),
                          "---\ntitle: New %d\nowner: team-%d\n---\nNew.\n" % (rnd.randint(0, 99), rnd.randint(0, 3)))
                elif op == "remove" and page:
                    git(repo, "rm", "-q", page)
                elif op == "rename" and page:
                    dst = "runbooks/s%d/r%d-%s" % (rnd.randint(0, 5), rnd.randint(0, 999), os.path.basename(page))
                    if not os.path.exists(os.path.join(repo, dst)):
                        os.makedirs(os.path.dirname(os.path.join(repo, dst)), exist_ok=True)
                        git(repo, "mv", page, dst)
                elif op == "to-folder" and page and page.endswith(".md"):
                    # runbooks/s1/p5.md -> runbooks/s1/p5/index.md and a child page
                    folder = page[:-3]
                    if not os.path.exists(os.path.join(repo, folder)):
                        os.makedirs(os.path.join(repo, folder))
                        git(repo, "mv", page, folder + "/index.md")
                        write(repo, folder + "/child.md", "# Child of %s\n" % folder)
                elif op == "to-page":
                    folders = sorted({os.path.dirname(f) for f in pages if f.endswith("/index.md")})
                    if folders:
                        folder = rnd.choice(folders)
                        git(repo, "rm", "-rq", folder)
                        write(repo, folder + ".md", "# Back to a page\n")
                elif op == "asset":
                    img = "runbooks/s%d/img%d.png" % (rnd.randint(0, 3), rnd.randint(0, 2))
                    if os.path.exists(os.path.join(repo, img)) and rnd.random() < 0.5:
                        git(repo, "rm", "-q", img)
                    else:
                        write(repo, img, "PNG %d" % rnd.randint(0, 99))
                        write(repo, "runbooks/s0/p0.md" if os.path.exists(os.path.join(repo, "runbooks/s0/p0.md"))
                              else "runbooks/s0/img.md", "# Images\n\n![i](../../%s)\n" % img)
                elif op == "title":
                    write(repo, "almanac.yml", "title: Handbook %d\n" % rnd.randint(0, 99))
            git(repo, "add", "-A")
            git(repo, "commit", "-qm", "round %d" % rnd_no, "--allow-empty", date="2026-11-%02dT10:00:00Z" % (rnd_no + 1))
            r = self.build(repo, out, env={"ALMANAC_TIMING": "1"})
            self.assertEqual(r.returncode, 0, r.stderr)
            m = re.search(r"previous site: \d+ files kept, \d+ written \(([^)]*)\)", r.stderr)
            if m:
                modes.add(m.group(1))
            self.assert_same_as_cold(repo, out)
            self.assertIn("is up to date", self.build(repo, out).stderr)
        self.assertEqual(modes, {"moved in place", "the whole site swapped in"})

    def test_rebuild_that_changes_most_files_swaps_the_whole_site(self):
        files = dict(FILES)
        for i in range(40):
            files["runbooks/bulk/page-%02d.md" % i] = "# Page %d\n\nText.\n" % i
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        before, folder = self.stat_tree(out), os.stat(out).st_ino
        # a theme template every page uses
        theme = os.path.join(os.path.dirname(__file__), "..", "..", "themes", "default", "templates")
        base = read(os.path.join(theme, "base.mustache"))
        self.assertIn("</body>", base)
        write(repo, "themes/default/templates/base.mustache", base.replace("</body>", "<!-- v2 --></body>"))
        r = self.build(repo, out, env={"ALMANAC_TIMING": "1"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(the whole site swapped in)", r.stderr)
        self.assertNotEqual(os.stat(out).st_ino, folder)
        self.assertIn("<!-- v2 -->", read(os.path.join(out, "runbooks/workloads/crashloop/index.html")))
        self.assert_same_as_cold(repo, out)
        # what did not change is linked into the new folder: the same file
        after = self.stat_tree(out)
        self.assertEqual(after["runbooks/k8s/img/flow.png"], before["runbooks/k8s/img/flow.png"])

    def test_asset_never_overwrites_a_generated_page(self):
        files = dict(FILES)
        files["runbooks/k8s/index.html"] = "<p>hand-written, would replace the section page</p>"
        files["runbooks/k8s/node-not-ready/index.html"] = "<p>would replace the runbook</p>"
        files["runbooks/k8s/old/index.html"] = "<p>a folder without pages: published as is</p>"
        files["almanac.yml"] = "active_assets: publish\n"  # HTML files are published (the default withholds them)
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        # the repository's own file wins over the section page Almanac would generate: a note, not an error
        self.assertIn("runbooks/k8s/index.html:1:1: note[output-dropped]: the file runbooks/k8s/index.html is "
                      "published at 'runbooks/k8s/index.html'", r.stderr)
        self.assertIn("hand-written", read(os.path.join(out, "runbooks/k8s/index.html")))
        # a file against a page of the repository: a content error (the same severity as check), not copied
        self.assertIn("runbooks/k8s/node-not-ready/index.html:1:1: error[asset-collision]: this file would be "
                      "published at 'runbooks/k8s/node-not-ready/index.html', which the page "
                      "runbooks/k8s/node-not-ready.md needs", r.stderr)
        self.assertIn("Node not ready", read(os.path.join(out, "runbooks/k8s/node-not-ready/index.html")))
        self.assertIn("published as is", read(os.path.join(out, "runbooks/k8s/old/index.html")))
        self.assertEqual(self.build(repo, os.path.join(self.tmpdir(), "site"), "--strict").returncode, 1)

    def test_default_theme_tag_links_are_search_queries(self):
        files = dict(FILES)
        files["runbooks/workloads/crashloop.md"] = CRASH.replace("---\n", "---\ntags: [on call, 'a&b#c']\n", 1)
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        html = read(os.path.join(out, "runbooks/workloads/crashloop/index.html"))
        self.assertIn('<a class="tag" href="../../../search/?q=on%20call">on call</a>', html)
        self.assertIn('<a class="tag" href="../../../search/?q=a%26b%23c">a&amp;b#c</a>', html)

    def test_large_repository_builds_with_huge_pages_and_same_output(self):
        # 1,300 files make a git index over 128 KiB: almanac then runs itself again with glibc's
        # malloc on transparent huge pages (when the kernel offers them on request), same site either way
        try:
            with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
                madvise = "[madvise]" in f.read()
        except OSError:
            madvise = False
        files = dict(FILES)
        for i in range(1300):
            files["runbooks/bulk-imported-pages/page-%04d.md" % i] = "# Page %d\n\nText %d.\n" % (i, i)
        files["runbooks/bulk-imported-pages/index.md"] = "# Bulk\n"
        repo = self.repo(files)
        outs = []
        for hp in ("1", "0"):
            out = os.path.join(self.tmpdir(), "site")
            r = run("build", "--repo", repo, "--out", out, "--now", "2026-11-23",
                    env={"ALMANAC_HUGEPAGES": hp, "ALMANAC_TIMING": "1", "GLIBC_TUNABLES": ""})
            self.assertEqual(r.returncode, 0, r.stderr)
            said = "malloc: GLIBC_TUNABLES=glibc.malloc.hugetlb=1" in r.stderr
            self.assertEqual(said, hp == "1" and madvise and not is_sanitizer_build(), r.stderr[-2000:])
            outs.append(tree_bytes(out))
        self.assertEqual(outs[0], outs[1])

    def test_unsafe_output_refused(self):
        repo = self.repo(FILES)
        for out in [repo, os.path.join(repo, "content"), "/"]:
            r = self.build(repo, out)
            self.assertEqual(r.returncode, 4, out)
            self.assertIn("refusing to write the site here", r.stderr)
        foreign = self.tmpdir()
        write(foreign, "important.txt", "keep me")
        r = self.build(repo, foreign)
        self.assertEqual(r.returncode, 4)
        self.assertEqual(read(os.path.join(foreign, "important.txt")), "keep me")

    def test_not_a_repository(self):
        d = self.tmpdir()
        r = run("build", "--repo", d, "--out", os.path.join(d, "out"))
        self.assertEqual(r.returncode, 4)
        self.assertIn("not inside a Git repository", r.stderr)

    def test_front_matter_errors_reported_together(self):
        files = dict(FILES)
        files["runbooks/bad1.md"] = "---\ntitle: [oops\n---\nx\n"
        files["runbooks/bad2.md"] = "---\ncriticality: urgent\nowenr: x\n---\nx\n"
        repo = self.repo(files)
        r = run("check", "--repo", repo)
        self.assertEqual(r.returncode, 1)
        self.assertIn("runbooks/bad1.md:3:1: error[yaml]", r.stderr)
        self.assertIn("runbooks/bad2.md:2:14: error[front-matter]: unknown criticality 'urgent'", r.stderr)
        self.assertIn("runbooks/bad2.md:3:1: warning[front-matter]: unknown key 'owenr'; did you mean 'owner'?", r.stderr)

    def test_cli_usage(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^almanac \d+\.\d+\.\d+")
        r = run("build", "--outt", "x")
        self.assertEqual(r.returncode, 2)
        self.assertIn("did you mean '--out'", r.stderr)
        r = run("bild")
        self.assertEqual(r.returncode, 2)
        self.assertIn("did you mean 'build'", r.stderr)
        for cmd in ["build", "check", "report", "serve", "new"]:
            r = run(cmd, "--help")
            self.assertEqual(r.returncode, 0, cmd)
            self.assertIn("Usage: almanac " + cmd, r.stdout)
        r = run("build", "--now", "yesterday")
        self.assertEqual(r.returncode, 2)

    def test_new_scaffolds_valid_page(self):
        repo = self.repo(FILES)
        r = run("new", "runbook", "runbooks/k8s/disk-pressure.md", cwd=repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = read(os.path.join(repo, "runbooks/k8s/disk-pressure.md"))
        self.assertIn("title: Disk pressure", text)
        self.assertIn("## Diagnosis", text)
        self.assertEqual(run("new", "runbook", "runbooks/k8s/disk-pressure.md", cwd=repo).returncode, 4)
        # the scaffold is valid: its empty `owner:` means "not set", no error (an orphan warning is fine)
        r = run("check", "--repo", repo)
        errors = [line for line in r.stderr.splitlines() if "disk-pressure.md" in line and ": error" in line]
        self.assertEqual(errors, [])

    def test_drafts_and_gitignore(self):
        files = dict(FILES)
        files["runbooks/draft.md"] = "---\ntitle: Draft\ndraft: true\n---\nWIP\n"
        files[".gitignore"] = "runbooks/scratch/\n"
        files["runbooks/scratch/notes.md"] = "# Notes\n"
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        self.assertFalse(os.path.exists(os.path.join(out, "runbooks/draft/index.html")))
        self.assertFalse(os.path.exists(os.path.join(out, "runbooks/scratch/notes/index.html")))
        out2 = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out2, "--drafts").returncode, 0)
        self.assertTrue(os.path.exists(os.path.join(out2, "runbooks/draft/index.html")))


if __name__ == "__main__":
    main()
