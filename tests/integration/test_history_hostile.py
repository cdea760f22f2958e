#!/usr/bin/env python3
"""What a user sees when the history cannot be trusted or is hostile (issues 21
and 17), through the real binary on real repositories made here:

- a history that cannot be read (a treeless partial clone, a missing commit)
  is an error[history] naming the repository with libgit2's message; report
  and check exit 4 and print no report; build goes on and says why;
- a blobless partial clone is read (and the ASan suite stays clean on its
  repositoryformatversion=1, see tests/lsan.supp);
- a repository libgit2 cannot open says why (SHA-256, another owner); a
  sparse checkout of a partial clone (actions/checkout's sparse-checkout:,
  whose extensions.worktreeConfig libgit2 1.5 refuses) is read as it is;
- a linked worktree of a shallow clone is reported shallow;
- a FIFO at the history results file does not hang the run;
- a tree bomb and a 40,000-level folder chain in history end in a diagnostic
  (exit 4 for report), never in memory exhaustion or a crash, in build,
  report and serve;
- the report stays valid JSON for a page whose file name is not UTF-8.
"""
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, RepoTestCase, Serve, git, is_sanitizer_build, main, read, run, write  # noqa: E402

NOW = "2026-11-01"
# repositoryformatversion=1 repositories (partial clones): LSan needs whole stacks to apply
# tests/lsan.supp's libgit2 suppression (see the comment there)
SLOW_UNWIND = {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "detect_leaks=1") + ":fast_unwind_on_malloc=0"}
SANITIZER = is_sanitizer_build()


def sanitizer_clean(testcase, r):
    testcase.assertNotIn("Sanitizer", r.stderr, r.stderr[-3000:])
    testcase.assertNotIn("runtime error", r.stderr, r.stderr[-3000:])


class Pack:
    """Objects written as one pack (`git index-pack`): 40,000 loose files take 20 s to write."""

    TYPES = {b"commit": 1, b"tree": 2, b"blob": 3}

    def __init__(self, repo):
        self.repo, self.objs = repo, []

    def put(self, kind, body):
        self.objs.append((self.TYPES[kind], body))
        return hashlib.sha1(b"%s %d\0" % (kind, len(body)) + body).digest()

    def write(self):
        out = [b"PACK", struct.pack(">II", 2, len(self.objs))]
        for t, body in self.objs:
            n = len(body)
            head = bytearray([(t << 4) | (n & 15)])
            n >>= 4
            while n:
                head[-1] |= 0x80
                head.append(n & 0x7F)
                n >>= 7
            out += [bytes(head), zlib.compress(body, 1)]
        data = b"".join(out)
        data += hashlib.sha1(data).digest()
        subprocess.run(["git", "-C", self.repo, "index-pack", "--stdin"], input=data, stdout=subprocess.DEVNULL,
                       check=True)


def commit_tree_on_head(repo, name, tree, message, extra=()):
    """A commit on top of HEAD whose tree is HEAD's plus `name` -> `tree` (plumbing: git commit
    would commit the index, which never holds these trees)."""
    listing = git(repo, "ls-tree", "HEAD") + "".join(extra) + "040000 tree %s\t%s\n" % (tree, name)
    nt = subprocess.run(["git", "-C", repo, "mktree"], input=listing, stdout=subprocess.PIPE, text=True,
                        check=True).stdout.strip()
    c = git(repo, "commit-tree", nt, "-p", "HEAD", "-m", message, date="2026-10-05T09:00:00Z").strip()
    git(repo, "update-ref", "refs/heads/main", c)
    return c


class Failures(RepoTestCase):
    def source(self):
        src = self.repo({"runbooks/db.md": "---\ntitle: DB\nowner: data\n---\n# DB\n\nStep one.\n",
                         "runbooks/onboarding.md": "# Onboarding\n"})
        write(src, "runbooks/db.md", "---\ntitle: DB\nowner: data\n---\n# DB\n\nStep one, edited.\n")
        git(src, "commit", "-qam", "edit db", date="2026-10-10T09:00:00Z")
        git(src, "config", "uploadpack.allowFilter", "true")
        return src

    def clone(self, src, *args):
        dst = os.path.join(self.tmpdir(), "clone")
        git(src, "clone", "-q", "--no-local", *args, "file://" + src, dst)
        return dst

    def test_treeless_partial_clone(self):
        repo = self.clone(self.source(), "--filter=tree:0")
        real = os.path.realpath(repo)
        r = run("report", "--repo", repo, "--format", "json", "--now", NOW, env=SLOW_UNWIND)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(r.stdout, "")  # no report with every page "unknown"
        m = re.search(r"^(.*):0:0: error\[history\]: cannot read the history: (.*)$", r.stderr, re.M)
        self.assertIsNotNone(m, r.stderr)
        self.assertEqual(m.group(1), real)
        self.assertIn("object not found", m.group(2))  # libgit2's message
        self.assertIn("partial clone", m.group(2))
        sanitizer_clean(self, r)
        r = run("report", "--repo", repo, "--now", NOW, "--quiet", env=SLOW_UNWIND)
        self.assertEqual(r.returncode, 4)
        self.assertIn("error[history]", r.stderr)  # the reason, even with --quiet
        r = run("check", "--repo", repo, "--fail-under", "0", env=SLOW_UNWIND)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("%s:0:0: error[history]" % real, r.stderr)
        out = self.tmpdir()
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, env=SLOW_UNWIND)
        self.assertEqual(r.returncode, 0, r.stderr)  # the site is still built, and it says why dates are missing
        # build prints check's severity (an error: check fails on it) but still writes the site;
        # build --strict would fail
        self.assertIn("%s:0:0: error[history]: cannot read the history" % real, r.stderr)
        self.assertIn("build --strict fails on errors", r.stderr)
        sanitizer_clean(self, r)

    def test_blobless_partial_clone(self):
        src = self.source()
        repo = self.clone(src, "--filter=blob:none")
        with open(os.path.join(repo, ".git", "config")) as f:
            self.assertIn("repositoryformatversion = 1", f.read())
        r = run("report", "--repo", repo, "--format", "json", "--now", NOW, env=SLOW_UNWIND)
        self.assertEqual(r.returncode, 0, r.stderr)
        sanitizer_clean(self, r)
        docs = {d["path"]: d for d in json.loads(r.stdout)["documents"]}
        want = git(src, "log", "-1", "--format=%H", "--", "runbooks/db.md").strip()
        self.assertEqual(docs["runbooks/db.md"]["last_commit"]["id"], want)

    def test_blobless_partial_clone_with_a_renamed_and_edited_page(self):
        # actions/checkout's `filter: blob:none`: the trees of every commit, the blobs of HEAD only;
        # finding a rename with edits needs the old blob, which is not there
        src = self.source()
        steps = "".join("%d. Step %d of the first week, with enough words to compare.\n" % (i, i) for i in range(12))
        write(src, "runbooks/onboarding.md", "# Onboarding\n\n" + steps)
        git(src, "commit", "-qam", "onboarding steps", date="2026-10-10T10:00:00Z")
        git(src, "mv", "runbooks/onboarding.md", "runbooks/joining.md")
        write(src, "runbooks/joining.md", "# Joining the team\n\n" + steps)
        git(src, "add", "-A")
        git(src, "commit", "-qm", "rename and edit", date="2026-10-11T09:00:00Z")
        write(src, "runbooks/db.md", "---\ntitle: DB\nowner: data\n---\n# DB\n\nStep one, edited twice.\n")
        git(src, "commit", "-qam", "edit db again", date="2026-10-12T09:00:00Z")
        repo = self.clone(src, "--filter=blob:none")
        for _ in range(2):  # the second time from the history cache: still said, still the same dates
            r = run("report", "--repo", repo, "--format", "json", "--now", NOW, env=SLOW_UNWIND)
            self.assertEqual(r.returncode, 0, r.stderr)
            sanitizer_clean(self, r)
            self.assertIn("warning[history-renames]: this partial clone left out file contents older commits "
                          "need: 1 commit renamed and edited files", r.stderr)
            docs = {d["path"]: d for d in json.loads(r.stdout)["documents"]}
            for path in ("runbooks/db.md", "runbooks/joining.md"):  # each dated by its own last commit
                want = git(src, "log", "-1", "--format=%H", "--", path).strip()
                self.assertEqual(docs[path]["last_commit"]["id"], want, path)
        out = self.tmpdir()
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, env=SLOW_UNWIND)
        sanitizer_clean(self, r)
        self.assertFalse(os.path.exists(os.path.join(out, "runbooks", "onboarding")))
        # once the contents are fetched, the same clone follows the rename (onboarding/ redirects to
        # joining/): nothing of the partial answers was kept
        missing = [l[1:] for l in git(repo, "rev-list", "--objects", "--all", "--missing=print").splitlines()
                   if l.startswith("?")]
        self.assertTrue(missing)
        subprocess.run(["git", "-C", repo, "cat-file", "--batch-check"], input="\n".join(missing) + "\n",
                       capture_output=True, text=True, check=True)  # git fetches what it lacks from origin
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, env=SLOW_UNWIND)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("history-renames", r.stderr)
        self.assertIn("url=../joining/", read(os.path.join(out, "runbooks", "onboarding", "index.html")))

    def test_missing_commit(self):
        repo = self.source()
        write(repo, "runbooks/onboarding.md", "# Onboarding, later\n")
        git(repo, "commit", "-qam", "later", date="2026-10-12T09:00:00Z")
        middle = git(repo, "rev-parse", "HEAD~1").strip()
        os.unlink(os.path.join(repo, ".git", "objects", middle[:2], middle[2:]))
        r = run("report", "--repo", repo, "--format", "json", "--now", NOW)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("error[history]", r.stderr)
        self.assertIn(middle, r.stderr)
        self.assertIn("not a shallow clone", r.stderr)

    def test_open_reasons(self):
        sha = os.path.join(self.tmpdir(), "sha256")
        git(self.tmpdir(), "init", "-q", "--object-format=sha256", "-b", "main", sha)
        write(sha, "a.md", "# A\n")
        git(sha, "add", "-A")
        git(sha, "commit", "-qm", "one")
        r = run("report", "--repo", sha, "--now", NOW, env=SLOW_UNWIND)  # repositoryformatversion=1
        self.assertEqual(r.returncode, 4, r.stderr)
        sanitizer_clean(self, r)
        self.assertIn("cannot open the Git repository: unsupported extension name extensions.objectformat",
                      r.stderr)
        # a docs job of a monorepo checks out only the docs (actions/checkout's sparse-checkout: a blobless
        # clone, repositoryformatversion 1, extensions.worktreeConfig): it was refused with exit 4
        src = self.source()
        write(src, "content/guide.md", "# A guide outside the cone\n")
        git(src, "add", "-A")
        git(src, "commit", "-qm", "guide", date="2026-10-11T09:00:00Z")
        sparse = self.clone(src, "--filter=blob:none", "--sparse")
        git(sparse, "sparse-checkout", "set", "runbooks")
        self.assertIn("worktreeconfig = true", read(os.path.join(sparse, ".git", "config")).lower())
        r = run("report", "--repo", sparse, "--format", "json", "--now", NOW, env=SLOW_UNWIND)
        self.assertEqual(r.returncode, 0, r.stderr)
        sanitizer_clean(self, r)
        docs = {d["path"]: d for d in json.loads(r.stdout)["documents"]}
        self.assertEqual(sorted(docs), ["runbooks/db.md", "runbooks/onboarding.md"])  # the cone, as checked out
        self.assertEqual(docs["runbooks/db.md"]["last_commit"]["summary"], "edit db")
        self.assertEqual(docs["runbooks/db.md"]["status"], "fresh")
        if os.geteuid() == 0:  # another owner needs root to make
            other = self.source()
            subprocess.run(["chown", "-R", "nobody", other], check=True)
            r = run("report", "--repo", other, "--now", NOW)
            self.assertEqual(r.returncode, 4)
            self.assertIn("owned by another user", r.stderr)
            self.assertIn("safe.directory", r.stderr)
        else:
            print("skip: the other-owner case needs root (chown)")
        r = run("report", "--repo", self.tmpdir(), "--now", NOW)
        self.assertEqual(r.returncode, 4)
        self.assertIn("not inside a Git repository", r.stderr)

    def test_worktree_of_shallow_clone(self):
        src = self.source()
        clone = self.clone(src, "--depth", "1")
        wt = os.path.join(self.tmpdir(), "wt")
        git(clone, "worktree", "add", "-q", wt)
        r = run("report", "--repo", wt, "--format", "json", "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertTrue(doc["repository"]["shallow"])
        self.assertIn("warning[shallow-clone]", r.stderr)
        st = {d["path"]: d["status"] for d in doc["documents"]}
        self.assertEqual(st["runbooks/onboarding.md"], "unknown")  # beyond the boundary: never dated by it

    def test_fifo_results_file(self):
        repo = self.source()
        cache = os.path.join(repo, ".git", "almanac")
        os.makedirs(cache)
        os.mkfifo(os.path.join(cache, "history-results"))
        os.mkfifo(os.path.join(cache, "history-cache"))
        r = run("report", "--repo", repo, "--format", "json", "--now", NOW, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(json.loads(r.stdout)["documents"]), 2)
        self.assertTrue(os.path.isfile(os.path.join(cache, "history-results")))  # replaced by the real table


class Hostile(RepoTestCase):
    """Histories a merge request can push: bounded, never a crash."""

    def bomb_repo(self):
        repo = self.repo({"runbooks/db.md": "# DB\n"})
        pk = Pack(repo)
        blob = pk.put(b"blob", b"x\n")
        tree = pk.put(b"tree", b"".join(b"100644 f%d\0" % i + blob for i in range(10)))
        for _ in range(9):
            tree = pk.put(b"tree", b"".join(b"40000 d%d\0" % i + tree for i in range(10)))
        pk.write()
        commit_tree_on_head(repo, "bomb", tree.hex(), "bomb")
        return repo

    def deep_repo(self, depth=40000):
        repo = self.repo({"runbooks/db.md": "# DB\n"})
        pk = Pack(repo)
        tree = pk.put(b"tree", b"100644 f.md\0" + pk.put(b"blob", b"deep\n"))
        for _ in range(depth):
            tree = pk.put(b"tree", b"40000 d\0" + tree)
        pk.write()
        commit_tree_on_head(repo, "deep", tree.hex(), "deep")
        return repo

    def check_refused(self, repo, what):
        real = os.path.realpath(repo)
        r = run("report", "--repo", repo, "--format", "json", "--now", NOW, timeout=240)
        self.assertEqual(r.returncode, 4, r.stderr[-2000:])
        self.assertIn("%s:0:0: error[history]: cannot read the history: commit " % real, r.stderr)
        self.assertIn(what, r.stderr)
        sanitizer_clean(self, r)
        out = self.tmpdir()
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=240)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn(what, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(out, "runbooks", "db", "index.html")))
        sanitizer_clean(self, r)
        # without git dates the history is not walked, but libgit2's status would compare HEAD's tree whole
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, "--no-git-dates", timeout=240)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertIn("warning[history-status]", r.stderr)
        sanitizer_clean(self, r)
        self.serve_survives(repo, what)

    def serve_survives(self, repo, what):
        srv = Serve(repo, "--now", NOW, wait=240, timeout=60)
        try:
            self.assertEqual(srv.get("/runbooks/db/")[0], 200)
        finally:
            rc = srv.stop()
        self.assertEqual(rc, 0, "".join(srv.lines)[-3000:])
        self.assertIn(what, "".join(srv.lines))

    def test_tree_bomb(self):
        # 16 objects naming 10^10 paths: refused at 1,000,000 changed paths
        self.check_refused(self.bomb_repo(), "more than 1000000 changed paths (the limit)")

    def test_deep_tree(self):
        # 40,000 nested folders: refused at git's 4,096 levels, without recursion
        self.check_refused(self.deep_repo(), "folders nested deeper than 4096 levels (the limit)")


class FileNames(RepoTestCase):
    # The JSON writer turns invalid UTF-8 into \ufffd (issue 17 part B, the hostile work).
    def test_non_utf8_name_in_report_json(self):
        repo = self.repo({"ok.md": "# OK\n"})
        with open(os.path.join(repo.encode(), b"bad\xff.md"), "w") as f:
            f.write("# Bad name\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "bad name", date="2026-10-05T09:00:00Z")
        r = subprocess.run([BIN, "report", "--repo", repo, "--format", "json", "--now", NOW],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))
        doc = json.loads(r.stdout.decode("utf-8"))  # strict: the report is UTF-8 JSON
        bad = [d for d in doc["documents"] if d["path"] != "ok.md"]
        self.assertEqual(len(bad), 1)
        self.assertTrue(bad[0]["path"].startswith("bad") and bad[0]["path"].endswith(".md"), bad[0]["path"])
        self.assertTrue(bad[0]["url"].startswith("bad") and bad[0]["url"].endswith("/"), bad[0]["url"])
        want = git(repo, "log", "-1", "--format=%H").strip()
        self.assertEqual(bad[0]["last_commit"]["id"], want)  # dated like any other page


if __name__ == "__main__":
    main()
