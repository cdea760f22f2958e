"""almanac build records what reading each page gave (.git/almanac/read-pages*: its front matter, its
warnings, the hash of its body) with the file's stat identity, and does not open a page whose file is
as the last build read it. A file written in the second the recording build started, or later, is read
again (Git's racy files). Whatever was read or not, the site and the warnings are a fresh build's."""
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, RepoTestCase, git, main, read, run, tree_bytes, write  # noqa: E402

FILES = {
    "content/index.md": "---\ntitle: Handbook\n---\nStart with [the runbooks](../runbooks/index.md).\n",
    "runbooks/index.md": "---\ntitle: Runbooks\n---\nAll runbooks.\n",
    # a typo of a known key, an unknown criticality, invalid UTF-8: warnings and an error of the reading
    "runbooks/disk-full.md": "---\ntitle: Disk full\nownr: storage\ncriticality: urgent\n---\n# Disk full\n\n"
                             "Free space \xff now. See [the database](db/replica-lag.md).\n",
    "runbooks/db/replica-lag.md": "---\ntitle: Replica lag\ntags: [db, lag]\nextra:\n  nested: {a: [1, 2.5, true]}\n"
                                  "---\n## Check\n\nBack to [disk full](../disk-full.md).\n",
    "runbooks/cpu.md": "---\ntitle: CPU\n---\n# CPU\n\nHot.\n",
}

READ_LINE = re.compile(r"pages read: (\d+) of (\d+) ")


def next_second():
    """Wait until the clock's second changes: files written before are not racy for a build after."""
    t = time.time()
    time.sleep(1.02 - (t - int(t)))


class PageRecordsTest(RepoTestCase):
    def repo_bytes(self, files):
        """A repository whose files may hold bytes that are not UTF-8 (latin-1 encoded)."""
        repo = self.repo({k: v for k, v in files.items() if "\xff" not in v})
        for k, v in files.items():
            if "\xff" in v:
                with open(os.path.join(repo, k), "wb") as f:
                    f.write(v.encode("latin-1"))
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "bytes", date="2026-10-01T10:00:00Z")
        return repo

    def build(self, repo, out, *extra, binary=None):
        args = ["build", "--repo", repo, "--out", out, "--now", "2026-11-22", "--verbose", *extra]
        if binary:
            import subprocess
            return subprocess.run([binary, *args], capture_output=True, text=True,
                                  env=dict(os.environ, ALMANAC_TIMING="1"), timeout=300)
        return run(*args, env={"ALMANAC_TIMING": "1"})

    def read_count(self, r):
        """(pages read, pages of the site)"""
        m = READ_LINE.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return int(m.group(1)), int(m.group(2))

    @staticmethod
    def diagnostics(r):
        return sorted(line for line in r.stderr.splitlines() if re.match(r"\S+:\d+:\d+: (error|warning|note)", line))

    def assert_fresh(self, repo, out, rebuilt, same_binary=True):
        """The site in `out` and the diagnostics of `rebuilt` are those of a build that reads and renders
        every page into a new folder."""
        fresh = os.path.join(self.tmpdir(), "fresh")
        r = self.build(repo, fresh, "--no-page-cache")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNone(READ_LINE.search(r.stderr))  # no records without the page cache
        self.assertEqual(self.diagnostics(rebuilt), self.diagnostics(r))
        a, b = tree_bytes(out), tree_bytes(fresh)
        if not same_binary:
            del a[".almanac-site"], b[".almanac-site"]
        self.assertEqual(sorted(a), sorted(b))
        for k in a:
            self.assertEqual(a[k], b[k], k)

    def built(self, files=FILES):
        """A repository built once (every page read), its files older than that build's second."""
        repo = self.repo_bytes(files)
        out = os.path.join(self.tmpdir(), "site")
        next_second()
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_count(r), (5, 5))
        return repo, out

    def test_an_unchanged_page_is_not_read_and_its_warnings_are_said_again(self):
        repo, out = self.built()
        self.assertTrue(os.path.isfile(os.path.join(repo, ".git", "almanac", "read-pages")))
        write(repo, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nHot. Very hot.\n")
        git(repo, "commit", "-qam", "cpu: more", date="2026-11-01T10:00:00Z")
        next_second()  # cpu.md is not racy for the build after this one
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_count(r), (1, 5))  # cpu.md only
        self.assertIn("Very hot.", read(os.path.join(out, "runbooks/cpu/index.html")))
        diags = "\n".join(self.diagnostics(r))
        # the reading's diagnostics of a page not read: the typo, the bad value, the encoding
        self.assertIn("runbooks/disk-full.md:3:1: warning[front-matter]: unknown key 'ownr'", diags)
        self.assertIn("runbooks/disk-full.md:4:14: error[front-matter]: unknown criticality", diags)
        self.assertIn("warning[encoding]", diags)
        self.assert_fresh(repo, out, r)
        # the front matter of a page not read is all there: its tags and an unknown nested key
        page = read(os.path.join(out, "runbooks/db/replica-lag/index.html"))
        self.assertIn("lag", page)
        # muting a kind mutes it for the pages not read too
        write(repo, "almanac.yml", "warnings:\n  encoding: false\n")
        git(repo, "add", "almanac.yml")
        git(repo, "commit", "-qm", "quiet", date="2026-11-02T10:00:00Z")
        next_second()
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_count(r), (0, 5))
        self.assertNotIn("encoding", r.stderr)
        self.assert_fresh(repo, out, r)

    def test_a_page_written_again_is_read_even_with_its_size_and_mtime(self):
        repo, out = self.built()
        path = os.path.join(repo, "runbooks/cpu.md")
        st = os.stat(path)
        # the same size, the modification time put back: its ctime tells
        write(repo, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nIcy.\n")
        self.assertEqual(os.stat(path).st_size, st.st_size)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        next_second()
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_count(r), (1, 5))
        self.assertIn("Icy.", read(os.path.join(out, "runbooks/cpu/index.html")))
        self.assert_fresh(repo, out, r)
        # touched only: read again, nothing else changes
        next_second()
        os.utime(os.path.join(repo, "runbooks/index.md"))
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_count(r), (1, 5))
        self.assert_fresh(repo, out, r)

    def test_a_racy_file_is_read_at_every_build(self):
        repo, out = self.built()
        # modified in (or after) the second the recording build started: its identity proves nothing
        path = os.path.join(repo, "runbooks/cpu.md")
        future = time.time_ns() + 3600 * 10**9
        os.utime(path, ns=(future, future))
        for n in range(2):  # another page changes too (an unchanged site is not built again at all)
            next_second()
            write(repo, "runbooks/index.md", "---\ntitle: Runbooks\n---\nAll runbooks, round %d.\n" % n)
            r = self.build(repo, out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.read_count(r), (2, 5))
        # a file written in the very second a build starts
        repo2 = self.repo_bytes(FILES)
        out2 = os.path.join(self.tmpdir(), "site")
        t = time.time()
        if t - int(t) > 0.5:  # the build must start within the second the files were written
            time.sleep(1.02 - (t - int(t)))
            write(repo2, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nWarm.\n")
        else:
            write(repo2, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nWarm.\n")
        r = self.build(repo2, out2)
        self.assertEqual(self.read_count(r), (5, 5))
        write(repo2, "runbooks/index.md", "---\ntitle: Runbooks\n---\nAll of them.\n")
        r = self.build(repo2, out2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreaterEqual(self.read_count(r)[0], 2)  # index.md, and cpu.md written in that second
        self.assert_fresh(repo2, out2, r)

    def test_damaged_or_foreign_records_are_not_used(self):
        repo, out = self.built()
        path = os.path.join(repo, ".git", "almanac", "read-pages")
        with open(path, "rb") as f:
            good = f.read()
        for n, damaged in enumerate([good[:len(good) // 2], good[:130] + bytes([good[130] ^ 1]) + good[131:],
                                     b"\0" * 64, b""]):
            with open(path, "wb") as f:
                f.write(damaged)
            next_second()
            write(repo, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nRound %d.\n" % n)
            r = self.build(repo, out)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.read_count(r), (5, 5), n)
            self.assert_fresh(repo, out, r)
            with open(path, "rb") as f:
                self.assertNotEqual(f.read(), damaged)  # written anew
        # another almanac binary reads every page
        other = os.path.join(self.tmpdir(), "almanac")
        shutil.copy2(BIN, other)
        write(repo, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nUpgraded.\n")
        r = self.build(repo, out, binary=other)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_count(r), (5, 5))
        self.assert_fresh(repo, out, r, same_binary=False)

    def status_of(self, out, src):
        import json
        with open(os.path.join(out, "freshness.json"), encoding="utf-8") as f:
            docs = json.load(f)["documents"]
        return next(d["status"] for d in docs if d["path"] == src)

    def test_a_repository_whose_head_and_index_did_not_change_keeps_its_pages_status(self):
        repo, out = self.built()
        status = re.compile(r"work-tree status: (\d+) of (\d+) repositories as the last build found them")
        # an edit not committed: read, uncommitted
        write(repo, "runbooks/cpu.md", "---\ntitle: CPU\n---\n# CPU\n\nNot committed.\n")
        next_second()
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(status.search(r.stderr).groups(), ("0", "1"))
        self.assertEqual(self.status_of(out, "runbooks/cpu.md"), "uncommitted")
        # nothing read, the same HEAD and index: the repository's status is not read, cpu.md stays
        # uncommitted (the build runs: --now moves)
        next_second()
        r = run("build", "--repo", repo, "--out", out, "--now", "2026-11-23", "--verbose",
                env={"ALMANAC_TIMING": "1"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_count(r), (0, 5))
        self.assertEqual(status.search(r.stderr).groups(), ("1", "1"))
        self.assertEqual(self.status_of(out, "runbooks/cpu.md"), "uncommitted")
        # staged (the index changed): read again
        git(repo, "add", "runbooks/cpu.md")
        next_second()
        r = run("build", "--repo", repo, "--out", out, "--now", "2026-11-24", "--verbose",
                env={"ALMANAC_TIMING": "1"})
        self.assertEqual(status.search(r.stderr).groups(), ("0", "1"))
        self.assertEqual(self.status_of(out, "runbooks/cpu.md"), "uncommitted")
        # committed (HEAD moved): read again, committed
        git(repo, "commit", "-qm", "cpu", date="2026-11-20T10:00:00Z")
        next_second()
        r = run("build", "--repo", repo, "--out", out, "--now", "2026-11-25", "--verbose",
                env={"ALMANAC_TIMING": "1"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(status.search(r.stderr).groups(), ("0", "1"))
        self.assertEqual(self.status_of(out, "runbooks/cpu.md"), "fresh")
        fresh = os.path.join(self.tmpdir(), "fresh")
        f = run("build", "--repo", repo, "--out", fresh, "--now", "2026-11-25", "--no-page-cache")
        self.assertEqual(f.returncode, 0, f.stderr)
        self.assertEqual(tree_bytes(out), tree_bytes(fresh))

    def test_a_hugo_page_not_read_keeps_its_shortcodes_warning(self):
        hugo = {
            "config.toml": 'title = "Ops"\nbaseURL = "https://ops.example.com/"\n[params]\nrepo = "https://git.example.com/ops"\n',
            "content/_index.md": "---\ntitle: Ops\n---\nHome.\n",
            "content/a.md": "---\ntitle: A\n---\nA video: {{< youtube abc >}}\n\n[Edit]({{< param repo >}}/a.md)\n",
            "content/b.md": "---\ntitle: B\n---\nB's text.\n",
        }
        repo = self.repo(hugo)
        out = os.path.join(self.tmpdir(), "site")
        next_second()
        r = self.build(repo, out)
        self.assertEqual(self.read_count(r), (3, 3))
        write(repo, "content/b.md", "---\ntitle: B\n---\nB's new text.\n")
        git(repo, "commit", "-qam", "b", date="2026-11-01T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_count(r), (1, 3))
        self.assertRegex(r.stderr, r"content/a\.md:4:\d+: warning\[shortcode\]: Hugo shortcode 'youtube'")
        self.assertIn('href="https://git.example.com/ops/a.md"', read(os.path.join(out, "a/index.html")))
        self.assert_fresh(repo, out, r)
        # other Hugo parameters: the records of that repository are not used
        write(repo, "config.toml", hugo["config.toml"].replace("git.example.com", "forge.example.com"))
        git(repo, "commit", "-qam", "params", date="2026-11-02T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(self.read_count(r), (3, 3))
        self.assertIn('href="https://forge.example.com/ops/a.md"', read(os.path.join(out, "a/index.html")))
        self.assert_fresh(repo, out, r)


if __name__ == "__main__":
    main()
