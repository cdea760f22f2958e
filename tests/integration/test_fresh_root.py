"""The README's first command on a brand-new Debian 12 machine, and the package on another.

test_1: a fresh Debian 12 root (`mmdebstrap --variant=minbase bookworm`, nothing else; see
freshroot.py), this checkout cloned into /root/almanac with its uncommitted changes laid over
the clone (what is tested is the work tree), and the first command of README.md's first code
block (read from README.md, so the two cannot drift apart) run there as root. It must exit 0
and say where the site is; the site must have the same pages as a build of the same files
with the almanac under test here; meson must have said in one line how to get the tests
(nothing installed the test dependencies); `almanac --version` must name the clone's commit.
Then `tools/package` runs in that root and its almanac_<version>_<arch>.deb is kept.

test_2: a second fresh root gets only that package (`apt install ./almanac_*.deb`; no source
checkout is there): every package it pulls in must be a library from Debian's mirror. A small
repository made here with dated git commits is built there; its pages and their dates are
checked against the commits.

Skips, saying why, when not root, when mmdebstrap is missing, when the Debian mirror cannot
be reached, in the sanitizer run of ./tools/test (the roots build their own binary), and
with ALMANAC_SKIP_FRESH_ROOT=1. Cost: about 2-3 minutes on 2 cores, most of it apt and the
compiler; the pristine root is cached (see freshroot.py). The roots are removed on every
exit path, SIGTERM and Ctrl-C included; mounts exist only in the roots' private namespaces.
"""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import freshroot  # noqa: E402
from almanac_testlib import BIN, git, is_sanitizer_build, write  # noqa: E402

SRC = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT") or
                      os.path.join(os.path.dirname(__file__), "..", ".."))
NOW = "2026-11-01T00:00:00Z"
# packages that are not libraries but that apt rightly installs with the package's libraries
NOT_LIBRARIES_BUT_FINE = {
    "krb5-locales": "Kerberos messages' translations, recommended by libgssapi-krb5-2 (libssh2-1 < libgit2)",
}


def log(msg):
    print(msg, flush=True)


def readme_commands(path):
    """The commands of README.md's first code block (comments and blank lines dropped)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M)
    if not m:
        raise AssertionError("README.md has no code block")
    cmds = []
    for line in m.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words:
            cmds.append(shlex.join(words))
    return cmds


def snapshot_checkout(src, dest):
    """Clone `src` into `dest`, then lay the work tree's tracked and untracked-but-not-ignored
    files over the clone (and delete what the work tree deleted): the clone holds the
    history and exactly the files a user of this checkout has."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", src, dest], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    listed = subprocess.run(["git", "-C", src, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            check=True, stdout=subprocess.PIPE).stdout.decode().split("\0")
    for rel in filter(None, listed):
        s, d = os.path.join(src, rel), os.path.join(dest, rel)
        if os.path.lexists(d) and (os.path.islink(d) or not os.path.isdir(d)):
            os.unlink(d)
        if os.path.islink(s):
            os.makedirs(os.path.dirname(d), exist_ok=True)
            os.symlink(os.readlink(s), d)
        elif os.path.isfile(s):
            os.makedirs(os.path.dirname(d), exist_ok=True)
            shutil.copy2(s, d)
    return git(dest, "rev-parse", "HEAD").strip()


def html_pages(site):
    return sorted(os.path.relpath(os.path.join(d, f), site)
                  for d, _, files in os.walk(site) for f in files if f.endswith(".html"))


def no_mounts_left(case):
    left = freshroot.mounts_under(freshroot.cache_dir())
    case.assertEqual(left, [], "mounts left under the cache folder")


class FreshRoot(unittest.TestCase):
    deb = None     # the package tools/package made in the first root (a host path)
    tmp = None
    skip_reason = None

    @classmethod
    def setUpClass(cls):
        cls.skip_reason = None
        if os.environ.get("ALMANAC_SKIP_FRESH_ROOT") == "1":
            cls.skip_reason = "ALMANAC_SKIP_FRESH_ROOT=1"
        elif os.environ.get("ALMANAC_SANITIZED") == "1" or is_sanitizer_build(BIN):
            cls.skip_reason = "sanitizer run: the fresh roots build their own almanac (the normal run tests them)"
        else:
            cls.skip_reason = freshroot.why_not_possible()
        if cls.skip_reason:
            return
        freshroot.sweep_stale_roots(log)
        # beside the roots, so that a killed run's leftovers are swept by the next run too
        cls.tmp = tempfile.mkdtemp(prefix="%d-work-" % os.getpid(), dir=freshroot.roots_dir())
        cls.tarball, made = freshroot.pristine_tarball(log)
        log("pristine root: %s (%s)" % (cls.tarball, "made in %.0f s" % made if made else "cached"))

    @classmethod
    def tearDownClass(cls):
        if cls.tmp:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        if self.skip_reason and self._testMethodName != "test_0_readme_starts_with_the_two_commands":
            self.skipTest(self.skip_reason)

    def test_0_readme_starts_with_the_two_commands(self):
        cmds = readme_commands(os.path.join(SRC, "README.md"))
        self.assertEqual(len(cmds), 2, cmds)
        self.assertEqual([c.split()[0] for c in cmds], ["./tools/setup", "./tools/test"])

    def test_1_readme_first_command_builds_the_site_on_a_fresh_root(self):
        command = readme_commands(os.path.join(SRC, "README.md"))[0]
        # what a build here makes of the same files: the pages the fresh root's site must have
        snap = os.path.join(self.tmp, "checkout")
        head = snapshot_checkout(SRC, snap)
        here = os.path.join(self.tmp, "site-here")
        r = subprocess.run([BIN, "build", "--repo", snap, "--out", here, "--quiet"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        expected = html_pages(here)
        self.assertGreater(len(expected), 10)

        with freshroot.FreshRoot(self.tarball, log) as root:
            checkout = root.host_path("/root/almanac")
            shutil.copytree(snap, checkout, symlinks=True)
            t0 = time.monotonic()
            rc, out = root.run("cd /root/almanac && " + command, timeout=1200, check=False)
            took = time.monotonic() - t0
            log("`%s` on the fresh root: exit %d in %.0f s" % (command, rc, took))
            self.assertEqual(rc, 0, "`%s` failed on a fresh Debian 12 root:\n%s" % (command, out[-8000:]))
            log("".join("  | " + line + "\n" for line in out.splitlines()[-3:]))
            # it says where the site is, and that is the site
            m = re.search(r"^Site: (/\S+)$", out, re.M)
            self.assertIsNotNone(m, "no 'Site: PATH' line in the output:\n" + out[-3000:])
            index = root.host_path(m.group(1))
            self.assertTrue(os.path.isfile(index), m.group(1))
            site = os.path.dirname(index)
            self.assertEqual(html_pages(site), expected)
            # tests are optional, and the configure step says how to get them
            self.assertIn("./tools/test installs the test dependencies", out)
            self.assertFalse(os.path.exists(root.host_path("/usr/include/cmocka.h")))
            # the binary knows its commit
            _, ver = root.run("cd /root/almanac && ./build/almanac --version", timeout=60)
            self.assertRegex(ver.strip(), r"^almanac \d+\.\d+\.\d+ \(commit %s(-modified)?\)$" % head[:12])

            # the package, made on the same fresh root
            t0 = time.monotonic()
            _, out = root.run("cd /root/almanac && ./tools/package --out /root/dist", timeout=900)
            log("tools/package on the fresh root: %.0f s" % (time.monotonic() - t0))
            path = out.strip().splitlines()[-1]
            self.assertRegex(os.path.basename(path), r"^almanac_\d+\.\d+\.\d+_amd64\.deb$")
            FreshRoot.deb = os.path.join(self.tmp, os.path.basename(path))
            shutil.copyfile(root.host_path(path), FreshRoot.deb)
        self.assertFalse(os.path.exists(root.mountpoint), "the root was not removed")
        no_mounts_left(self)

    def test_2_package_installs_and_builds_on_another_fresh_root(self):
        if not FreshRoot.deb:
            self.skipTest("no package: the fresh-root setup test did not make one")
        name = os.path.basename(FreshRoot.deb)
        fields = subprocess.run(["dpkg-deb", "-f", FreshRoot.deb, "Depends", "Installed-Size"],
                                stdout=subprocess.PIPE, text=True, check=True).stdout
        log("%s: %d bytes\n%s" % (name, os.path.getsize(FreshRoot.deb), fields.strip()))
        docs = self.docs_repository()
        with freshroot.FreshRoot(self.tarball, log) as root:
            shutil.copyfile(FreshRoot.deb, root.host_path("/root/" + name))
            listing = "dpkg-query -W -f='${Package}\\n' | sort"
            _, before = root.run(listing, timeout=60)
            t0 = time.monotonic()
            root.run("apt-get update -qq && apt install -y -q ./%s" % name, timeout=600)
            log("apt install ./%s on a fresh root: %.0f s" % (name, time.monotonic() - t0))
            _, after = root.run(listing, timeout=60)
            pulled = sorted(set(after.split()) - set(before.split()) - {"almanac"})
            log("pulled in with it: " + " ".join(pulled))
            self.assertTrue(pulled, "the package's libraries were already in the minimal root?")
            _, policy = root.run("apt-cache policy " + " ".join(pulled), timeout=120)
            for pkg, origin in installed_origins(policy).items():
                if pkg not in NOT_LIBRARIES_BUT_FINE:
                    self.assertRegex(pkg, r"^lib", "%s is not a library" % pkg)
                self.assertFalse(pkg.endswith("-dev"), pkg)
                self.assertRegex(origin, r"http://deb\.debian\.org/debian(-security)? bookworm",
                                 "%s does not come from Debian's mirror" % pkg)
            self.assertEqual(sorted(installed_origins(policy)), pulled)

            # the man page and the theme where the binary looks for it; no source checkout here
            self.assertTrue(os.path.isfile(root.host_path("/usr/share/man/man1/almanac.1.gz")))
            self.assertTrue(os.path.isfile(root.host_path("/usr/share/almanac/themes/default/templates/base.mustache")))
            self.assertFalse(os.path.exists(root.host_path("/root/almanac")))
            shutil.copytree(docs, root.host_path("/srv/docs"), symlinks=True)
            _, ver = root.run("almanac --version", timeout=60)
            self.assertRegex(ver.strip(), r"^almanac \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-modified)?\)$")
            _, out = root.run("cd /srv/docs && almanac build --now %s && "
                              "almanac report --format json --now %s --output /srv/report.json" % (NOW, NOW),
                              timeout=300)
            site = root.host_path("/srv/docs/public")
            for page in ("index.html", "runbooks/db/failover/index.html",
                         "runbooks/k8s/node-not-ready/index.html", "search/index.html"):
                self.assertTrue(os.path.isfile(os.path.join(site, page)), page)
            with open(os.path.join(site, "runbooks/db/failover/index.html"), encoding="utf-8") as f:
                self.assertIn('<time datetime="2026-09-20T10:00:00Z">', f.read())
            with open(root.host_path("/srv/report.json"), encoding="utf-8") as f:
                report = json.load(f)
            docs_by_path = {d["path"]: d for d in report["documents"]}
            self.assertEqual(
                {p: (d["last_commit"]["time"], d["status"]) for p, d in docs_by_path.items()},
                {"content/index.md": ("2026-10-15T08:30:00Z", "fresh"),
                 "runbooks/db/failover.md": ("2026-09-20T10:00:00Z", "fresh"),
                 "runbooks/k8s/node-not-ready.md": ("2025-06-01T12:00:00Z", "stale")})
        self.assertFalse(os.path.exists(root.mountpoint), "the root was not removed")
        no_mounts_left(self)

    def docs_repository(self):
        """A small documentation repository with dated commits, made here with git."""
        repo = os.path.join(self.tmp, "docs")
        os.makedirs(repo)
        git(repo, "init", "-q", "-b", "main")
        write(repo, "runbooks/k8s/node-not-ready.md",
              "---\ntitle: Node not ready\nowner: platform\n---\n# Node not ready\n\nSee [failover](../db/failover.md).\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Node runbook", date="2025-06-01T12:00:00Z")
        write(repo, "runbooks/db/failover.md",
              "---\ntitle: Database failover\nowner: data\n---\n# Database failover\n\nPromote the replica.\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Failover runbook", date="2026-03-02T09:00:00Z")
        write(repo, "runbooks/db/failover.md",
              "---\ntitle: Database failover\nowner: data\n---\n# Database failover\n\nPromote the replica, "
              "then repoint the service.\n")
        git(repo, "commit", "-q", "-am", "Failover: repoint the service", date="2026-09-20T10:00:00Z")
        write(repo, "content/index.md", "---\ntitle: Operations\n---\n# Operations\n\n"
              "- [Node not ready](../runbooks/k8s/node-not-ready.md)\n- [Failover](../runbooks/db/failover.md)\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Home page", date="2026-10-15T08:30:00Z")
        return repo


def installed_origins(policy):
    """{package: the source line of its installed version} from `apt-cache policy` output."""
    out, pkg, in_installed = {}, None, False
    for line in policy.splitlines():
        if re.match(r"^\S.*:$", line):
            pkg, in_installed = line[:-1], False
        elif line.startswith(" *** "):
            in_installed = True
        elif re.match(r"^ {5}\S", line):
            in_installed = False
        elif in_installed and pkg and "/var/lib/dpkg/status" not in line and pkg not in out:
            out[pkg] = line.strip()
    return out


def _interrupt(signum, frame):
    # SIGTERM (meson's timeout) unwinds like Ctrl-C: the roots' context managers remove them
    raise KeyboardInterrupt("signal %d" % signum)


if __name__ == "__main__":
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _interrupt)
    try:
        result = unittest.main(verbosity=2, exit=False).result
    finally:   # also when interrupted, which skips tearDownClass
        if FreshRoot.tmp:
            shutil.rmtree(FreshRoot.tmp, ignore_errors=True)
    if not result.wasSuccessful():
        sys.exit(1)
    if FreshRoot.skip_reason:
        print("skipping the fresh roots: " + FreshRoot.skip_reason)
        sys.exit(77)   # meson: SKIP (the README check above still ran)
