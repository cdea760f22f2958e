"""`almanac --version` names the commit the binary was built from (meson's vcs_tag runs
tools/build-commit at every build): "commit <12 hex>" in a Git checkout, "-modified" appended
when the checkout has uncommitted changes, and "unknown commit" for a source tree that is not
the top of a Git work tree (a release tarball, even one unpacked inside another repository)."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from almanac_testlib import git, main, make_repo, run, write

SRC = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT") or
                      os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(SRC, "tools", "build-commit")


def build_commit(d):
    return subprocess.run(["sh", SCRIPT, d], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class Version(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="almanac-version-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_binary_names_the_commit_of_its_source(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        m = re.fullmatch(r"almanac (\d+\.\d+\.\d+) \((commit [0-9a-f]{12}(-modified)?|unknown commit)\)\n", r.stdout)
        self.assertIsNotNone(m, r.stdout)
        if os.path.isdir(os.path.join(SRC, ".git")) or os.path.isfile(os.path.join(SRC, ".git")):
            head = subprocess.run(["git", "-C", SRC, "rev-parse", "HEAD"], stdout=subprocess.PIPE,
                                  text=True).stdout.strip()
            self.assertTrue(m.group(2).startswith("commit " + head[:12]), (m.group(2), head))

    def test_checkout_modified_and_tarball(self):
        repo = make_repo({"meson.build": "project('x')\n"})
        head = git(repo, "rev-parse", "HEAD").strip()
        self.assertEqual(build_commit(repo).stdout, "commit %s\n" % head[:12])
        write(repo, "meson.build", "project('y')\n")
        self.assertEqual(build_commit(repo).stdout, "commit %s-modified\n" % head[:12])
        # a source tree without its own .git, unpacked inside another repository
        tarball = os.path.join(repo, "vendor", "almanac-0.1.0")
        os.makedirs(tarball)
        write(tarball, "meson.build", "project('almanac')\n")
        r = build_commit(tarball)
        self.assertNotEqual(r.returncode, 0)   # meson's vcs_tag falls back to "unknown commit"
        self.assertEqual(r.stdout, "")
        shutil.rmtree(repo)
        # and outside any repository
        os.makedirs(os.path.join(self.tmp, "src"))
        self.assertNotEqual(build_commit(os.path.join(self.tmp, "src")).returncode, 0)

    def test_a_tarball_build_says_unknown_commit(self):
        """The source tree copied without .git into another repository, configured with meson,
        and only the generated version header built (what main.c prints)."""
        outer = make_repo({"README.md": "another project\n"})
        self.addCleanup(shutil.rmtree, outer, True)
        src = os.path.join(outer, "almanac-0.1.0")
        files = subprocess.run(["git", "-C", SRC, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                               stdout=subprocess.PIPE, check=True).stdout.decode().split("\0")
        for rel in filter(None, files):
            if os.path.isfile(os.path.join(SRC, rel)) and not os.path.islink(os.path.join(SRC, rel)):
                os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
                shutil.copy2(os.path.join(SRC, rel), os.path.join(src, rel))
        build = os.path.join(self.tmp, "build")
        for cmd in (["meson", "setup", build, src, "-Dtests=disabled"], ["ninja", "-C", build, "version.h"]):
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.assertEqual(r.returncode, 0, r.stdout)
        with open(os.path.join(build, "version.h"), encoding="utf-8") as f:
            self.assertIn('#define ALMANAC_COMMIT "unknown commit"', f.read())
        # the same configured from the checkout itself names its commit
        if build_commit(SRC).returncode == 0:
            with open(os.path.join(os.path.dirname(os.environ.get("ALMANAC_BIN", "")), "version.h"),
                      encoding="utf-8") as f:
                self.assertIn('#define ALMANAC_COMMIT "%s"' % build_commit(SRC).stdout.strip(), f.read())

if __name__ == "__main__":
    main()
