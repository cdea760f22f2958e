"""valgrind memcheck over a few integration scenarios (issue 9).

Each scenario runs the almanac binary under memcheck: any invalid read or
write, use of uninitialised memory, invalid free, or definitely/indirectly
lost block makes valgrind exit with 99 and the test fail with its report.
("Possibly lost" and "still reachable" blocks are libraries' process-lifetime
state and are not counted.)

Skipped (exit 77) when valgrind is not installed, or when the binary is the
sanitizer build (ASan and valgrind cannot run together; that build has its
own leak checks)."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from almanac_testlib import BIN, RepoTestCase, git, is_sanitizer_build, read, write  # noqa: E402

SRC = os.environ.get("ALMANAC_SOURCE_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
NOW = "2026-11-01"
VALGRIND = shutil.which("valgrind")
VG_ARGS = ["-q", "--error-exitcode=99", "--leak-check=full", "--show-leak-kinds=definite,indirect",
           "--errors-for-leak-kinds=definite,indirect", "--num-callers=30", "--track-fds=no"]


def memcheck(test, *args, cwd=None, expect=(0,)):
    r = subprocess.run([VALGRIND, *VG_ARGS, BIN, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=900)
    test.assertNotEqual(r.returncode, 99, "valgrind found errors in almanac %s:\n%s" % (" ".join(args), r.stderr[-6000:]))
    test.assertIn(r.returncode, expect, r.stderr[-3000:])
    return r


class Memcheck(RepoTestCase):

    def history_repo(self):
        """Pages with several dated commits, a rename and an alert catalog."""
        repo = self.repo({
            "content/index.md": "# Home\n\nSee [the runbook](../runbooks/k8s/node.md#steps).\n",
            "runbooks/index.md": "# Runbooks\n",
            "runbooks/k8s/node.md": "---\ntitle: Node not ready\nowner: sre\ncriticality: high\n"
                                    "alerts: [KubeNodeNotReady]\ntags: [k8s]\n---\n## Steps\n\n1. Drain.\n",
            "content/roles/sre.md": "---\ntitle: SRE\ntype: role\n---\nOwns the runbooks.\n",
            "alerts.yml": "alerts:\n  - name: KubeNodeNotReady\n    severity: critical\n",
        }, date="2026-06-01T09:00:00Z")
        write(repo, "runbooks/k8s/node.md", read(os.path.join(repo, "runbooks/k8s/node.md")) + "2. Reboot.\n")
        git(repo, "commit", "-q", "-am", "Reboot step", date="2026-08-01T09:00:00Z")
        git(repo, "mv", "content/roles/sre.md", "content/roles/site-reliability.md")
        git(repo, "commit", "-q", "-m", "Rename the role", date="2026-09-01T09:00:00Z")
        return repo

    def test_build_twice_check_and_report(self):
        repo = self.history_repo()
        out = os.path.join(self.tmpdir(), "site")
        memcheck(self, "build", "--repo", repo, "--out", out, "--now", NOW, "--jobs", "2")
        self.assertTrue(os.path.exists(os.path.join(out, "alerts", "KubeNodeNotReady", "index.html")))
        # a second build replaces the first (history cache present now)
        memcheck(self, "build", "--repo", repo, "--out", out, "--now", NOW, "--jobs", "2")
        memcheck(self, "check", "--repo", repo, "--now", NOW, "--format", "json")
        for fmt in ("json", "html", "csv", "text"):
            memcheck(self, "report", "--repo", repo, "--now", NOW, "--format", fmt)

    def test_hostile_fixtures(self):
        tmp = self.tmpdir()
        repo = os.path.join(tmp, "repo")
        shutil.copytree(os.path.join(SRC, "tests", "hostile", "site"), repo)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Hostile", date="2026-10-01T09:00:00Z")
        memcheck(self, "check", "--repo", repo, "--now", NOW, expect=(1,))
        memcheck(self, "build", "--repo", repo, "--out", os.path.join(tmp, "site"), "--now", NOW, "--jobs", "2")
        # a failing build (template syntax error) frees everything too
        os.makedirs(os.path.join(repo, "themes", "default", "templates"))
        shutil.copy(os.path.join(SRC, "tests", "hostile", "themes", "syntax-error", "guide.mustache"),
                    os.path.join(repo, "themes", "default", "templates", "guide.mustache"))
        memcheck(self, "build", "--repo", repo, "--out", os.path.join(tmp, "site"), "--now", NOW, expect=(1,))

    def test_environment_errors(self):
        bare = tempfile.mkdtemp(prefix="almanac-vg-bare-")
        self._cleanup.append(bare)
        git(bare, "init", "-q", "--bare")
        memcheck(self, "build", "--repo", bare, "--now", NOW, expect=(4,))
        repo = self.repo({"content/index.md": "# Home\n"})
        memcheck(self, "build", "--repo", repo, "--out", repo, "--now", NOW, expect=(4,))
        memcheck(self, "build", "--no-such-option", expect=(2,))


if __name__ == "__main__":
    if not VALGRIND:
        print("skipping: valgrind is not installed")
        sys.exit(77)
    if not os.path.exists(BIN):
        print("skipping: almanac binary not found at %s" % BIN)
        sys.exit(77)
    if is_sanitizer_build(BIN):
        print("skipping: %s is a sanitizer build (valgrind cannot run it)" % BIN)
        sys.exit(77)
    import unittest
    unittest.main(verbosity=2)
