"""The trust boundary (issue 17, items 1 and 5): nothing a repository holds makes
Almanac read a file outside the work tree or inside .git, or write outside the
output folder; a write failure fails the build and keeps the previous site; the
temporary folders of killed builds and serves are swept by the next one.

Each case plants a secret (an environment variable, a line in .git/config, a
file outside the repository) and asserts that its bytes appear neither in the
output folder nor in what Almanac prints. The fixtures need symbolic links,
/proc and mounts, so they are made here; tests/hostile/README.md lists them.
Run on the sanitizer build, the same cases prove there is no memory error."""
import fcntl
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from almanac_testlib import BIN, RepoTestCase, git, main, read, tree_bytes, write  # noqa: E402
from test_hostile import LIMIT, NOW, SANITIZER_MARKS, commit_all, run  # noqa: E402

SECRET = "almanac-secret-7f3a9c"  # in the build's environment, in .git/config, in files outside
ENV = {"ALMANAC_TEST_SECRET": SECRET}


def no_secret(test, out, stderr, secret=SECRET):
    """The secret is nowhere in the site nor in stderr."""
    test.assertNotIn(secret, stderr)
    if os.path.isdir(out):
        for path, data in tree_bytes(out).items():
            test.assertNotIn(secret.encode(), data, path)


class Repository(RepoTestCase):
    """Reads: links out of the repository or into .git are warnings and left out."""

    def base_repo(self, files=None):
        files = files or {"content/index.md": "# Home\n", "content/a.md": "# A\n\n[home](index.md)\n"}
        return self.repo(files)

    def build(self, repo, *extra):
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, *extra, env=ENV, timeout=LIMIT)
        return r, out

    def test_content_folder_linked_to_proc_self(self):
        # critical: content -> /proc/self published content/environ (the CI job's secrets)
        repo = self.base_repo({"docs/index.md": "# Docs\n"})
        os.symlink("/proc/self", os.path.join(repo, "content"))
        os.symlink("/etc", os.path.join(repo, "runbooks"))
        commit_all(repo, message="Content folders are links")
        r, out = self.build(repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("content:0:0: warning[symlink]: symbolic link points outside the repository: not followed\n",
                      r.stderr)
        self.assertIn("runbooks:0:0: warning[symlink]: symbolic link points outside the repository: not followed\n",
                      r.stderr)
        no_secret(self, out, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "content")))
        self.assertFalse(os.path.exists(os.path.join(out, "runbooks")))
        # the same through the configuration's content folder, and a folder link below it
        write(repo, "almanac.yml", "content: [docs]\n")
        os.symlink("/proc/self", os.path.join(repo, "docs", "self"))
        os.symlink("/proc/self/environ", os.path.join(repo, "docs", "environ.md"))
        os.symlink("../../proc/self/environ", os.path.join(repo, "docs", "rel.md"))
        os.rename(os.path.join(repo, "docs"), os.path.join(repo, "real-docs"))
        os.symlink("/proc/self/cwd/real-docs", os.path.join(repo, "docs"))
        r, out = self.build(repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("docs:0:0: warning[symlink]: symbolic link points outside the repository: not followed\n",
                      r.stderr)
        no_secret(self, out, r.stderr)
        os.remove(os.path.join(repo, "docs"))
        os.symlink("real-docs", os.path.join(repo, "docs"))  # a link inside the repository is followed
        r, out = self.build(repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        for rel in ("docs/environ.md", "docs/rel.md", "docs/self"):
            self.assertIn("%s:0:0: warning[symlink]: symbolic link points outside the repository: not followed\n"
                          % rel, r.stderr)
        self.assertIn("Source: <code>docs/index.md</code>", read(os.path.join(out, "index.html")))
        no_secret(self, out, r.stderr)

    def test_whole_tree_without_content_folders(self):
        repo = self.base_repo({"index.md": "# Home\n"})
        os.symlink("/proc/self", os.path.join(repo, "proc"))
        os.symlink("/proc/self/environ", os.path.join(repo, "env.txt"))
        commit_all(repo)
        r, out = self.build(repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("env.txt:0:0: warning[symlink]", r.stderr)
        self.assertIn("proc:0:0: warning[symlink]", r.stderr)
        no_secret(self, out, r.stderr)

    def test_links_into_git(self):
        # high: content/config.txt -> ../.git/config published the checkout's credentials line
        repo = self.base_repo()
        git(repo, "config", "remote.origin.url", "https://ci:%s@git.example.com/docs.git" % SECRET)
        links = {"content/config.txt": "../.git/config", "content/gitdir": "../.git",
                 "content/abs.txt": os.path.join(repo, ".git", "config"),
                 "content/upper.txt": "../.GIT/config", "content/hop.md": "hop2.md",
                 "content/hop2.md": "../.git/config", "content/dotdot.txt": "sub/../../.git/config"}
        os.makedirs(os.path.join(repo, "content", "sub"))
        for rel, target in links.items():
            os.symlink(target, os.path.join(repo, rel))
        commit_all(repo, message="Links into .git")
        r, out = self.build(repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        for rel in ("content/config.txt", "content/gitdir", "content/abs.txt", "content/hop.md",
                    "content/hop2.md", "content/dotdot.txt"):
            self.assertIn("%s:0:0: warning[symlink]: symbolic link points into .git: not followed\n" % rel, r.stderr)
        no_secret(self, out, r.stderr)
        for rel in ("content/config.txt", "content/abs.txt", "content/gitdir", "content/upper.txt"):
            self.assertFalse(os.path.exists(os.path.join(out, rel)), rel)
        # the configuration may not name .git either
        write(repo, "almanac.yml", "alerts: .git/config\nfreshness:\n  ignore_revs: x/../.git/config\n"
                                   "content: [content, .git]\n")
        r = run("check", "--repo", repo, "--now", NOW, env=ENV, timeout=LIMIT)
        self.assertIn("almanac.yml:1:9: error[config]: 'alerts' must be a path inside the repository, not in .git",
                      r.stderr)
        self.assertIn("almanac.yml:3:16: error[config]: 'freshness.ignore_revs' must be a path inside the "
                      "repository, not in .git", r.stderr)
        self.assertIn("almanac.yml:4:10: error[config]: 'content' entries must be folders inside the repository",
                      r.stderr)
        self.assertNotIn(SECRET, r.stderr)

    def test_theme_links(self):
        # high: theme assets/, templates/ or themes/ links loaded or published files from outside
        outside = self.tmpdir()
        write(outside, "assets/secret.css", "/* %s */\n" % SECRET)
        write(outside, "templates/guide.mustache", "<p>%s</p>\n" % SECRET)
        write(outside, "default/templates/guide.mustache", "<p>%s</p>\n" % SECRET)
        write(outside, "default/assets/x.css", SECRET)
        cases = [("themes/default/assets", os.path.join(outside, "assets")),
                 ("themes/default/templates", os.path.join(outside, "templates")),
                 ("themes/default", os.path.join(outside, "default")),
                 ("themes", outside)]
        for rel, target in cases:
            repo = self.base_repo()
            os.makedirs(os.path.dirname(os.path.join(repo, rel)), exist_ok=True)
            os.symlink(target, os.path.join(repo, rel))
            commit_all(repo, message="Theme link")
            r, out = self.build(repo)
            self.assertEqual(r.returncode, 0, r.stderr)
            shown = "themes/default" if rel == "themes" else rel
            self.assertIn("%s:0:0: warning[symlink]: symbolic link points outside the repository: not followed\n"
                          % shown, r.stderr)
            no_secret(self, out, r.stderr)
            self.assertIn('class="doc-title">A</h1>', read(os.path.join(out, "content", "a", "index.html")))

    def test_alerts_and_ignore_revs_links_are_not_echoed(self):
        # medium: the outside file was echoed line by line into the build log
        outside = self.tmpdir()
        write(outside, "shadow", "root:%s:19000:0:99999:7:::\nalerts: [%s]\n" % (SECRET, SECRET))
        repo = self.base_repo()
        os.symlink(os.path.join(outside, "shadow"), os.path.join(repo, ".git-blame-ignore-revs"))
        os.symlink(os.path.join(outside, "shadow"), os.path.join(repo, "alerts.yml"))
        os.symlink("../../" + os.path.relpath(os.path.join(outside, "shadow"), "/"), os.path.join(repo, "cat.yml"))
        commit_all(repo, message="Config files are links")
        r, out = self.build(repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(".git-blame-ignore-revs:0:0: warning[symlink]: symbolic link points outside the repository: "
                      "not followed\n", r.stderr)
        self.assertIn("alerts.yml:0:0: warning[symlink]: symbolic link points outside the repository: not followed\n",
                      r.stderr)
        no_secret(self, out, r.stderr)
        write(repo, "almanac.yml", "alerts: cat.yml\nfreshness:\n  ignore_revs: cat.yml\n")
        r = run("check", "--repo", repo, "--now", NOW, env=ENV, timeout=LIMIT)
        self.assertIn("cat.yml:0:0: warning[symlink]", r.stderr)
        self.assertNotIn(SECRET, r.stderr + r.stdout)
        r = run("report", "--repo", repo, "--now", NOW, env=ENV, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(SECRET, r.stderr + r.stdout)
        # almanac.yml itself
        os.remove(os.path.join(repo, "almanac.yml"))
        write(outside, "almanac.yml", "title: %s\noutput: /tmp/x\n" % SECRET)
        os.symlink(os.path.join(outside, "almanac.yml"), os.path.join(repo, "almanac.yml"))
        r, out = self.build(repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("almanac.yml:0:0: warning[symlink]", r.stderr)
        no_secret(self, out, r.stderr)

    def test_fifo_and_device_do_not_hang(self):
        repo = self.base_repo()
        os.mkfifo(os.path.join(repo, "alerts.yml"))
        os.mkfifo(os.path.join(repo, "content", "pipe.md"))
        os.symlink("/dev/zero", os.path.join(repo, "content", "zero.md"))
        r, out = self.build(repo)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("content/zero.md:0:0: warning[symlink]", r.stderr)
        self.assertIn("alerts.yml:0:0: warning[alerts]: cannot read the alert catalog: Invalid argument", r.stderr)


class Output(RepoTestCase):
    """Writes: the repository's configuration cannot send the site outside the repository."""

    def setUp(self):
        super().setUp()
        self.repo_dir = self.repo({"content/index.md": "# Home\n"})

    def test_output_outside_is_refused(self):
        base = self.tmpdir()
        target = os.path.join(base, "config", "git")
        for value, col in ((target, 9), ("../../" + os.path.relpath(target, "/"), 9), ("..", 9), (".", 9)):
            write(self.repo_dir, "almanac.yml", "title: T\noutput: %s\n" % value)
            r = run("build", "--repo", self.repo_dir, "--now", NOW, timeout=LIMIT)
            self.assertEqual(r.returncode, 4, r.stderr)
            self.assertIn("almanac.yml:2:%d: error[config]: 'output' must be a folder inside the repository (it is "
                          "'%s'): a configuration in the repository cannot make Almanac write elsewhere; to build "
                          "there, pass --out %s\n" % (col, value, value), r.stderr)
            self.assertEqual(os.listdir(base), [])
            # check says so too (as a configuration error)
            r = run("check", "--repo", self.repo_dir, "--now", NOW, timeout=LIMIT)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("almanac.yml:2:%d: error[config]: 'output' must be a folder inside" % col, r.stderr)
        # the operator's --out goes anywhere
        write(self.repo_dir, "almanac.yml", "title: T\noutput: %s\n" % target)
        r = run("build", "--repo", self.repo_dir, "--out", target, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(target, "index.html")))
        # and so does a --config outside the repository (the operator's file)
        cfg = os.path.join(self.tmpdir(), "almanac.yml")
        other = os.path.join(base, "other")
        with open(cfg, "w") as f:
            f.write("output: %s\n" % other)
        r = run("build", "--repo", self.repo_dir, "--config", cfg, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(other, "index.html")))
        # a --config inside the repository is the repository's
        write(self.repo_dir, "sub/almanac.yml", "output: %s\n" % other)
        r = run("build", "--repo", self.repo_dir, "--config", os.path.join(self.repo_dir, "sub/almanac.yml"),
                "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 4, r.stderr)

    def test_output_through_a_link_is_refused(self):
        outside = self.tmpdir()
        os.symlink(outside, os.path.join(self.repo_dir, "build"))
        write(self.repo_dir, "almanac.yml", "output: build/site\n")
        r = run("build", "--repo", self.repo_dir, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("%s/build/site:0:0: error[output]: refusing to write the site here: symbolic link points "
                      "outside the repository\n" % self.repo_dir, r.stderr)
        self.assertEqual(os.listdir(outside), [])
        # an output folder that is itself a link
        os.symlink(outside, os.path.join(self.repo_dir, "public"))
        write(self.repo_dir, "almanac.yml", "title: T\n")
        r = run("build", "--repo", self.repo_dir, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertIn("error[output]: refusing to write the site here: it is a symbolic link", r.stderr)
        self.assertEqual(os.listdir(outside), [])
        # inside the repository, a plain folder works
        write(self.repo_dir, "almanac.yml", "output: out/site\n")
        r = run("build", "--repo", self.repo_dir, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.repo_dir, "out", "site", "index.html")))


def ignore_sigxfsz():
    import resource
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


class WriteFailure(RepoTestCase):
    """A file of the site that cannot be written fails the build; the previous site stays."""

    def setUp(self):
        super().setUp()
        self.repo_dir = self.repo({"content/index.md": "# Home\n\n![big](big.bin)\n", "content/big.bin": "x\n"})

    def test_file_size_limit(self):
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.repo_dir, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        before = tree_bytes(out)
        with open(os.path.join(self.repo_dir, "content", "big.bin"), "wb") as f:
            f.write(os.urandom(3 << 20))
        p = subprocess.run([BIN, "build", "--repo", self.repo_dir, "--out", out, "--now", NOW],
                           preexec_fn=ignore_sigxfsz, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=LIMIT)
        self.assertEqual(p.returncode, 4, p.stderr)
        for mark in SANITIZER_MARKS:
            self.assertNotIn(mark, p.stderr)
        self.assertIn("content/big.bin:0:0: error[output]: cannot write the copy content/big.bin: File too large\n",
                      p.stderr)
        self.assertIn("almanac: build failed: 1 error (1 output), the first at content/big.bin; %s was not changed"
                      % out, p.stderr)
        self.assertEqual(tree_bytes(out), before)
        self.assertEqual(glob.glob(os.path.join(os.path.dirname(out), ".almanac-tmp-*")), [])

    def test_disk_full(self):
        # a real ENOSPC: the output on a 2 MiB tmpfs, mounted in a user and mount namespace
        if not shutil.which("unshare") or subprocess.run(["unshare", "-rm", "true"]).returncode != 0:
            self.skipTest("no unprivileged mount namespace (unshare -rm)")
        work = self.tmpdir()
        mnt = os.path.join(work, "mnt")
        os.makedirs(mnt)
        script = """set -u
mount -t tmpfs -o size=2m none "$MNT" || exit 77
"$BIN" build --repo "$REPO" --out "$MNT/site" --now "$NOW" 2>"$W/first.err" || exit 3
cp -a "$MNT/site" "$W/before"
head -c 3145728 /dev/urandom > "$REPO/content/big.bin"
"$BIN" build --repo "$REPO" --out "$MNT/site" --now "$NOW" 2>"$W/second.err"
echo $? > "$W/second.rc"
cp -a "$MNT/site" "$W/after"
ls -a "$MNT" > "$W/listing"
"""
        env = dict(os.environ, MNT=mnt, BIN=BIN, REPO=self.repo_dir, NOW=NOW, W=work)
        p = subprocess.run(["unshare", "-rm", "sh", "-c", script], env=env, timeout=LIMIT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode == 77:
            self.skipTest("cannot mount a tmpfs: " + p.stderr)
        self.assertEqual(p.returncode, 0, p.stderr + read(os.path.join(work, "first.err")))
        err = read(os.path.join(work, "second.err"))
        for mark in SANITIZER_MARKS:
            self.assertNotIn(mark, err + read(os.path.join(work, "first.err")))
        self.assertEqual(read(os.path.join(work, "second.rc")).strip(), "4", err)
        self.assertIn("content/big.bin:0:0: error[output]: cannot write the copy content/big.bin: "
                      "No space left on device\n", err)
        self.assertEqual(tree_bytes(os.path.join(work, "after")), tree_bytes(os.path.join(work, "before")))
        self.assertEqual(read(os.path.join(work, "listing")).split(), [".", "..", "site"])


def hold_lock(path):
    """A process that locks the folder `path` as a live build does; returns it (kill it after)."""
    return subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                             "fd = os.open(sys.argv[1], os.O_RDONLY)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
                             "print('locked', flush=True)\ntime.sleep(600)\n", path], stdout=subprocess.PIPE, text=True)


def dead_pid():
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


class Leftovers(RepoTestCase):
    """Temporary folders of killed builds and serves are swept; a live build's never."""

    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="almanac-leftovers-")
        cls.big = os.path.join(cls.base, "big")
        os.makedirs(cls.big)
        git(cls.big, "init", "-q", "-b", "main")
        write(cls.big, "content/index.md", "# Home\n")
        for i in range(1500):
            write(cls.big, "content/s%02d/p%d.md" % (i % 30, i), "# Page %d\n\n%s\n" % (i, "Restart it. " * 200))
        commit_all(cls.big)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.base, ignore_errors=True)

    def test_kill_9_then_build(self):
        parent = self.tmpdir()
        out = os.path.join(parent, "site")
        p = subprocess.Popen([BIN, "build", "--repo", self.big, "--out", out, "--now", NOW, "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + LIMIT
        while p.poll() is None and not glob.glob(os.path.join(parent, ".almanac-tmp-*")) and \
                time.monotonic() < deadline:
            time.sleep(0.002)
        p.send_signal(signal.SIGKILL)
        p.wait()
        left = glob.glob(os.path.join(parent, ".almanac-tmp-*"))
        if p.returncode != -signal.SIGKILL or not left:
            self.skipTest("the build ended before it could be killed")
        # folders the next build must keep or remove
        live = os.path.join(parent, ".almanac-tmp-site-%d" % os.getpid())
        os.makedirs(live)
        holder_dir = os.path.join(parent, ".almanac-tmp-site-999999999")
        os.makedirs(holder_dir)
        holder = hold_lock(holder_dir)
        self.assertEqual(holder.stdout.readline().strip(), "locked")
        dead = os.path.join(parent, ".almanac-tmp-site-%d" % dead_pid())
        reused = os.path.join(parent, ".almanac-tmp-site-%d" % os.getpid() + "-old")
        os.makedirs(os.path.join(dead, "content"))
        os.makedirs(reused)
        old = time.time() - 86400
        os.utime(reused, (old, old))  # written a day ago: our pid was someone else's then
        other = os.path.join(parent, ".almanac-tmp-other-%d" % dead_pid())  # another output's
        os.makedirs(other)
        try:
            r = run("build", "--repo", self.big, "--out", out, "--now", NOW, "--quiet", timeout=LIMIT)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sorted(glob.glob(os.path.join(parent, ".almanac-tmp-*"))), sorted([live, holder_dir, other]))
            self.assertTrue(os.path.isfile(os.path.join(out, "content", "s00", "p0", "index.html")))
        finally:
            holder.kill()
            holder.communicate()
        # now that nobody holds it (and 999999999 is no process), the next build removes it
        r = run("build", "--repo", self.big, "--out", out, "--now", NOW, "--quiet", timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(glob.glob(os.path.join(parent, ".almanac-tmp-*"))), sorted([live, other]))

    def test_kill_9_serve(self):
        tmp = self.tmpdir()
        env = dict(os.environ, TMPDIR=tmp)
        repo = self.repo({"content/index.md": "# Home\n"})

        def start():
            p = subprocess.Popen([BIN, "serve", "--repo", repo, "--port", "0"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            line = ""
            deadline = time.monotonic() + LIMIT
            while "Serving" not in line and time.monotonic() < deadline and p.poll() is None:
                line = p.stderr.readline()
            self.assertIn("Serving", line)
            return p

        first = start()
        mine = glob.glob(os.path.join(tmp, "almanac-serve-%d-*" % first.pid))
        self.assertEqual(len(mine), 1)
        first.send_signal(signal.SIGKILL)
        first.communicate()
        self.assertTrue(os.path.isdir(mine[0]))  # SIGKILL: it could not clean up
        second = start()
        try:
            self.assertFalse(os.path.exists(mine[0]), "the killed serve's folder is still there")
            self.assertEqual(len(glob.glob(os.path.join(tmp, "almanac-serve-%d-*" % second.pid))), 1)
        finally:
            second.send_signal(signal.SIGINT)
            second.communicate(timeout=LIMIT)
        self.assertEqual(os.listdir(tmp), [])


class Lint(RepoTestCase):
    """The class of bug cannot come back: no module opens a path by itself (tools/check-boundary)."""

    def test_no_raw_path_calls_outside_the_allowed_modules(self):
        src = os.environ.get("ALMANAC_SOURCE_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        tool = os.path.join(src, "tools", "check-boundary")
        r = subprocess.run([sys.executable, tool, src], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(r.returncode, 0, r.stdout)
        # and it does find one: a module that reads a path by itself
        fake = self.tmpdir()
        os.makedirs(os.path.join(fake, "gen"))
        with open(os.path.join(fake, "gen", "leak.c"), "w") as f:
            f.write('/* open(x) in a comment is fine */\nstatic const char *s = "fopen(";\n'
                    'int f(const char *p) { return open(p, 0) + (fopen(p, "r") != 0) + fsu_is_file(p); }\n')
        r = subprocess.run([sys.executable, tool, fake], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertEqual([l.split(":")[0:3] for l in r.stdout.splitlines()[:-1]],
                         [["gen/leak.c", "3", " open() on a path"], ["gen/leak.c", "3", " fopen() on a path"],
                          ["gen/leak.c", "3", " fsu_is_file() takes a path as it is (the operator's only)"]])


if __name__ == "__main__":
    main()
