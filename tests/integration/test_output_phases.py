"""A rebuild's output phases cost what changed: the redirect and alert pages are kept without being
rendered again while nothing they show changed (.git/almanac/page-files, as pages are), and an in-place
commit finds what to remove from the record of the last build's files (.git/almanac/site-files) instead
of reading every folder of the site. The site is still that of a build that renders everything, file for
file and byte for byte, with the same inode for every file that did not change."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, RepoTestCase, git, main, read, run, tree_bytes, write  # noqa: E402

FILES = {
    "content/index.md": "---\ntitle: Handbook\n---\nStart with [the runbooks](../runbooks/index.md).\n",
    "runbooks/index.md": "---\ntitle: Runbooks\n---\nAll runbooks.\n",
    # Shared is answered by two runbooks (an alert page listing both), Solo by one (a redirect to it)
    "runbooks/api-down.md": "---\ntitle: API down\ndescription: The API answers nothing\n"
                            "alerts: [Shared, Solo]\n---\n# API down\n\nRestart it.\n",
    "runbooks/api-slow.md": "---\ntitle: API slow\nalerts: [Shared]\n---\n# API slow\n\nScale it.\n",
    "runbooks/cpu.md": "---\ntitle: CPU\naliases: [/old/cpu-load/]\n---\n# CPU\n\nHot.\n",
    "runbooks/db/lag.md": "---\ntitle: Replica lag\n---\n# Lag\n\nWait.\n",
}
# enough other pages that a change rewrites less than a quarter of the site (an in-place commit)
FILES.update({"content/guides/g%02d.md" % i: "# Guide %d\n\nRead this.\n" % i for i in range(40)})

KEPT_LINE = re.compile(r"; (\d+) pages not rendered again")
FOLDERS_LINE = re.compile(r"previous site: (\d+) folders checked, (\d+) read; (recorded for the next build|not recorded)")

SHARED = "alerts/Shared/index.html"
SOLO = "alerts/Solo/index.html"
ALIAS = "old/cpu-load/index.html"


class OutputPhasesTest(RepoTestCase):
    def build(self, repo, out, *extra, env=None):
        e = {"ALMANAC_TIMING": "1"}
        e.update(env or {})
        return run("build", "--repo", repo, "--out", out, "--now", "2026-11-22", *extra, env=e)

    def commit(self, repo, rel, text, date):
        write(repo, rel, text)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "edit " + rel, date=date)

    def assert_fresh(self, repo, out):
        """The site in `out` is, file for file and byte for byte, that of a build rendering every page."""
        fresh = os.path.join(self.tmpdir(), "fresh")
        r = self.build(repo, fresh, "--no-page-cache")
        self.assertEqual(r.returncode, 0, r.stderr)
        a, b = tree_bytes(out), tree_bytes(fresh)
        self.assertEqual(sorted(a), sorted(b))
        for k in a:
            self.assertEqual(a[k], b[k], k)

    @staticmethod
    def tamper(path):
        """Change the file's bytes in place, keeping its size, inode and modification time: a build that
        keeps it without rendering it (its context unchanged) leaves it so; one that renders it writes it
        again. Returns its inode."""
        st = os.stat(path)
        with open(path, "r+b") as f:
            data = f.read()
            i = data.rindex(b"</html>")
            f.seek(i)
            f.write(b"</htmX>")
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        return st.st_ino

    @staticmethod
    def tampered(path):
        return b"</htmX>" in open(path, "rb").read()

    def recorded_site(self, repo, out):
        """Two commits each built into `out`: the site then has a record of its files (site-files)."""
        for i, text in enumerate(("one", "two")):
            self.commit(repo, "runbooks/db/lag.md", "# Lag\n\n%s.\n" % text, "2026-11-0%dT10:00:00Z" % (i + 1))
            self.assertEqual(self.build(repo, out).returncode, 0)

    def folders(self, r):
        m = FOLDERS_LINE.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return int(m.group(1)), int(m.group(2)), m.group(3) == "recorded for the next build"

    def test_alert_and_redirect_pages_are_kept_until_what_they_show_changes(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        self.assertIn("API slow", read(os.path.join(out, SHARED)))
        self.assertIn("../../runbooks/api-down/", read(os.path.join(out, SOLO)))
        self.assertIn("../../runbooks/cpu/", read(os.path.join(out, ALIAS)))
        ino = {rel: self.tamper(os.path.join(out, rel)) for rel in (SHARED, SOLO, ALIAS)}
        # a page none of them shows changed: all three kept as they are, neither rendered nor read
        self.commit(repo, "runbooks/db/lag.md", "---\ntitle: Replica lag\n---\n# Lag\n\nWait longer.\n",
                    "2026-11-01T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        for rel in (SHARED, SOLO, ALIAS):
            self.assertTrue(self.tampered(os.path.join(out, rel)), rel)
            self.assertEqual(os.stat(os.path.join(out, rel)).st_ino, ino[rel], rel)
        kept = int(KEPT_LINE.search(r.stderr).group(1))
        # a runbook the alert page lists changes title: that page is written again, the others kept
        self.commit(repo, "runbooks/api-slow.md", "---\ntitle: API sluggish\nalerts: [Shared]\n---\n# API slow\n\n"
                    "Scale it.\n", "2026-11-02T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("API sluggish", read(os.path.join(out, SHARED)))
        self.assertFalse(self.tampered(os.path.join(out, SHARED)))
        self.assertTrue(self.tampered(os.path.join(out, SOLO)))
        self.assertTrue(self.tampered(os.path.join(out, ALIAS)))
        self.assertLess(int(KEPT_LINE.search(r.stderr).group(1)), kept)
        # the runbook a redirect leads to changes title (the redirect page names it): written again
        self.commit(repo, "runbooks/api-down.md", "---\ntitle: API unreachable\ndescription: The API answers nothing\n"
                    "alerts: [Shared, Solo]\n---\n# API down\n\nRestart it.\n", "2026-11-03T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("API unreachable", read(os.path.join(out, SOLO)))
        self.assertFalse(self.tampered(os.path.join(out, SOLO)))
        self.assertIn("API unreachable", read(os.path.join(out, SHARED)))
        self.assertTrue(self.tampered(os.path.join(out, ALIAS)))
        # an alias's page changes title: its redirect is written again
        self.commit(repo, "runbooks/cpu.md", "---\ntitle: Processor\naliases: [/old/cpu-load/]\n---\n# CPU\n\nHot.\n",
                    "2026-11-04T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Processor", read(os.path.join(out, ALIAS)))
        self.assertFalse(self.tampered(os.path.join(out, ALIAS)))
        self.assert_fresh(repo, out)
        # an alert page edited by hand (its size or time changed) is written again
        with open(os.path.join(out, SHARED), "a") as f:
            f.write("<!-- by hand -->")
        self.commit(repo, "runbooks/db/lag.md", "---\ntitle: Replica lag\n---\n# Lag\n\nWait.\n", "2026-11-05T10:00:00Z")
        self.assertEqual(self.build(repo, out).returncode, 0)
        self.assertNotIn("by hand", read(os.path.join(out, SHARED)))
        self.assert_fresh(repo, out)

    def test_an_in_place_commit_reads_no_folder_when_the_site_has_the_same_files(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        record = os.path.join(repo, ".git", "almanac", "site-files")
        self.assertEqual(self.build(repo, out).returncode, 0)  # a whole swap: no record
        self.assertFalse(os.path.exists(record))
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nWait.\n", "2026-11-01T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(moved in place)", r.stderr)
        checked, read_, recorded = self.folders(r)
        self.assertEqual(checked, 0)  # no record yet: every folder read, then recorded
        self.assertGreater(read_, 5)
        self.assertTrue(recorded)
        self.assertTrue(os.path.exists(record))
        inodes = {os.path.join(d, n): os.stat(os.path.join(d, n)).st_ino for d, _, fs in os.walk(out) for n in fs}
        # the same files: every folder checked, none read
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nWait wait.\n", "2026-11-02T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        checked, read_, recorded = self.folders(r)
        self.assertGreater(checked, 5)
        self.assertEqual(read_, 0)
        self.assertTrue(recorded)
        self.assertIn("Wait wait.", read(os.path.join(out, "runbooks/db/lag/index.html")))
        self.assertEqual(os.stat(os.path.join(out, "runbooks/cpu/index.html")).st_ino,
                         inodes[os.path.join(out, "runbooks/cpu/index.html")])
        self.assert_fresh(repo, out)
        # a file put into a folder of the site by hand, and a link planted in another: that folder
        # changed, it is read, and what the site does not have is removed (the link's target untouched)
        outside = self.tmpdir()
        write(outside, "keep.txt", "outside the output")
        write(out, "runbooks/db/stray.html", "put here by hand")
        os.symlink(os.path.join(outside, "keep.txt"), os.path.join(out, "runbooks", "cpu", "link.html"))
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nWait wait wait.\n", "2026-11-03T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(self.folders(r)[1], 0)
        self.assertFalse(os.path.lexists(os.path.join(out, "runbooks/db/stray.html")))
        self.assertFalse(os.path.lexists(os.path.join(out, "runbooks/cpu/link.html")))
        self.assertEqual(read(os.path.join(outside, "keep.txt")), "outside the output")
        self.assert_fresh(repo, out)
        # a page removed from the site: its file and folder disappear (the record lists files it no
        # longer has: the site is read), and the next build checks again without reading
        git(repo, "rm", "-q", "runbooks/db/lag.md")
        git(repo, "commit", "-qm", "lag: gone", date="2026-11-04T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "runbooks/db")))
        self.assert_fresh(repo, out)
        self.commit(repo, "runbooks/cpu.md", "---\ntitle: CPU\naliases: [/old/cpu-load/]\n---\n# CPU\n\nHotter.\n",
                    "2026-11-05T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.folders(r)[1], 0)
        self.assert_fresh(repo, out)
        # a folder of the site replaced by a link to a copy of it (inside the output): never followed,
        # the link and the copy removed
        os.rename(os.path.join(out, "runbooks", "cpu"), os.path.join(out, "cpu-copy"))
        os.symlink("../cpu-copy", os.path.join(out, "runbooks", "cpu"))
        self.commit(repo, "runbooks/cpu.md", "---\ntitle: CPU\naliases: [/old/cpu-load/]\n---\n# CPU\n\nHot hot hot.\n",
                    "2026-11-06T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.islink(os.path.join(out, "runbooks", "cpu")))
        self.assertFalse(os.path.exists(os.path.join(out, "cpu-copy")))
        self.assert_fresh(repo, out)

    def test_a_kept_page_is_never_looked_at_through_a_link(self):
        """A kept page file is checked with one stat when every folder of the record is still the recorded
        one; a folder replaced by a link (to the very files, moved out of the output) is noticed first, so
        the page is not kept through the link (the commit would then remove the link, and the page with it)
        but written again into a real folder."""
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.recorded_site(repo, out)
        page = os.path.join(out, "runbooks", "cpu", "index.html")
        html = read(page)
        elsewhere = os.path.join(self.tmpdir(), "elsewhere")
        os.rename(os.path.join(out, "runbooks", "cpu"), elsewhere)
        os.symlink(elsewhere, os.path.join(out, "runbooks", "cpu"))
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nthree.\n", "2026-11-03T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.islink(os.path.join(out, "runbooks", "cpu")))
        self.assertEqual(read(page), html)
        self.assertEqual(read(os.path.join(elsewhere, "index.html")), html)  # never removed through the link
        self.assert_fresh(repo, out)

    def test_a_check_made_before_another_build_published_is_not_used(self):
        """The check of the previous site against the record starts while the pages are read, before the
        build takes the output folder's lock; when another build publishes while it waits for the lock
        (the marker replaced, a file added to a folder), that check is dropped and made again, so the file
        the site does not have is still found and removed."""
        import fcntl
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.recorded_site(repo, out)
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nthree.\n", "2026-11-03T10:00:00Z")
        held = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            p = subprocess.Popen([BIN, "build", "--repo", repo, "--out", out, "--now", "2026-11-22"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                 env=dict(os.environ, ALMANAC_TIMING="1"))
            line = p.stderr.readline()
            while line and "waiting for another build" not in line:
                line = p.stderr.readline()
            self.assertIn("waiting for another build", line)
            import time
            time.sleep(0.5)  # the early check is done by now (a few files)
            # "another build" publishes: its marker written anew, a file of its own in a folder
            marker = os.path.join(out, ".almanac-site")
            text = read(marker)
            os.remove(marker)
            write(out, ".almanac-site", text)
            write(out, "runbooks/cpu/other.html", "another build's file")
        finally:
            os.close(held)
        err = p.stderr.read()
        self.assertEqual(p.wait(timeout=60), 0, err)
        self.assertFalse(os.path.lexists(os.path.join(out, "runbooks/cpu/other.html")), err)
        self.assert_fresh(repo, out)

    def test_a_whole_swap_records_the_site_for_the_next_build(self):
        """A commit that swaps the whole site in (most files changed: here every page, by a new site title)
        records the site it swapped in, so the next build checks each folder instead of reading it."""
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        record = os.path.join(repo, ".git", "almanac", "site-files")
        self.assertEqual(self.build(repo, out).returncode, 0)  # the first build: no previous site, no record
        self.assertFalse(os.path.exists(record))
        write(repo, "almanac.yml", "title: Another handbook\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "title", date="2026-11-01T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("the whole site swapped in; recorded for the next build", r.stderr)
        self.assertTrue(os.path.exists(record))
        self.assert_fresh(repo, out)
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nWait again.\n", "2026-11-02T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        checked, read_, recorded = self.folders(r)
        self.assertGreater(checked, 5)
        self.assertEqual(read_, 0)
        self.assertTrue(recorded)
        self.assert_fresh(repo, out)

    def test_a_record_of_another_site_or_a_damaged_one_is_not_used(self):
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        record = os.path.join(repo, ".git", "almanac", "site-files")
        self.assertEqual(self.build(repo, out).returncode, 0)
        self.recorded_site(repo, out)
        good = open(record, "rb").read()
        # damaged: every folder read
        with open(record, "r+b") as f:
            f.seek(len(good) // 2)
            f.write(b"\xff\xff\xff\xff")
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nthree.\n", "2026-11-03T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        checked, read_, recorded = self.folders(r)
        self.assertEqual(checked, 0)
        self.assertGreater(read_, 0)
        self.assertTrue(recorded)
        self.assertNotEqual(open(record, "rb").read(), good)
        # another build published meanwhile (--no-page-cache: it neither reads nor writes the record):
        # the site's marker is not the recorded one, so the record is not used
        write(out, "runbooks/db/stray.html", "put here by hand")
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nfour.\n", "2026-11-04T10:00:00Z")
        r = self.build(repo, out, "--no-page-cache")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.folders(r)[0], 0)
        self.assertFalse(self.folders(r)[2])
        self.assertFalse(os.path.lexists(os.path.join(out, "runbooks/db/stray.html")))
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nfive.\n", "2026-11-05T10:00:00Z")
        write(out, "runbooks/db/stray2.html", "put here by hand")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.folders(r)[0], 0)
        self.assertFalse(os.path.lexists(os.path.join(out, "runbooks/db/stray2.html")))
        self.assert_fresh(repo, out)

    def lock_folder(self, path):
        """Make the folder `path` refuse new entries and renames (chmod 555; as root, chattr +i).
        Returns the unlock function."""
        if os.geteuid() == 0:
            if not shutil.which("chattr"):
                self.skipTest("running as root and chattr (e2fsprogs) is not installed")
            p = subprocess.run(["chattr", "+i", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode != 0:
                self.skipTest("running as root and chattr +i is refused here: %s" % p.stdout.strip())
            return lambda: subprocess.run(["chattr", "-i", path], check=False)
        os.chmod(path, 0o555)
        return lambda: os.chmod(path, 0o755)

    def test_a_commit_stopped_half_way_is_repaired_by_the_next_build(self):
        """An in-place commit that fails moving a file in has changed the site already; the record of
        the build before is not used by the next one, which reads the site and repairs it."""
        repo = self.repo(FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(repo, out).returncode, 0)
        self.commit(repo, "runbooks/db/lag.md", "# Lag\n\nWait.\n", "2026-11-01T10:00:00Z")
        self.assertEqual(self.build(repo, out).returncode, 0)  # recorded
        # the next commit adds a page and changes two: the move into cpu/ fails, after api-down's
        self.commit(repo, "runbooks/new.md", "# New\n\nNew page.\n", "2026-11-02T10:00:00Z")
        self.commit(repo, "runbooks/cpu.md", "---\ntitle: CPU\naliases: [/old/cpu-load/]\n---\n# CPU\n\nHotter.\n",
                    "2026-11-02T11:00:00Z")
        self.commit(repo, "runbooks/api-down.md", FILES["runbooks/api-down.md"] + "\nMore.\n", "2026-11-02T12:00:00Z")
        unlock = self.lock_folder(os.path.join(out, "runbooks", "cpu"))
        try:
            r = self.build(repo, out)
        finally:
            unlock()
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("is incomplete", r.stderr)
        self.assertIn("More.", read(os.path.join(out, "runbooks/api-down/index.html")))  # moved in already
        # the page is taken back: the site's files are the recorded ones again, but the site is not
        # what the record says (its marker was rewritten first): read whole, repaired
        git(repo, "rm", "-q", "runbooks/new.md")
        git(repo, "commit", "-qm", "new: not yet", date="2026-11-03T10:00:00Z")
        r = self.build(repo, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        checked, read_, recorded = self.folders(r)
        self.assertEqual(checked, 0)
        self.assertGreater(read_, 0)
        self.assertTrue(recorded)
        self.assertFalse(os.path.exists(os.path.join(out, "runbooks/new")))
        self.assertIn("Hotter.", read(os.path.join(out, "runbooks/cpu/index.html")))
        self.assert_fresh(repo, out)


if __name__ == "__main__":
    main()
