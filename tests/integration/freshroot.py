"""Brand-new Debian 12 roots for tests/integration/test_fresh_root.py.

A pristine root (`mmdebstrap --variant=minbase bookworm`, with the main, updates and
security suites a Debian 12 installation has, and nothing else) is made once and kept as a
tarball in the cache folder; each FreshRoot unpacks it into memory.

Each root lives in private mount and PID namespaces (unshare) held by one keeper process: a
tmpfs mounted on an empty folder and /proc are mounted there only, never in the host's
namespace, so no mount can be left behind whatever happens to the test (even SIGKILL).
Commands run in the root with nsenter + chroot. The root's /dev holds the device nodes
mmdebstrap put in the tarball: the host's /dev (or /) is never bound. Ending the keeper ends
every process in the root and frees its memory at once; the empty folder is removed after
(never through a mount: the host's mount table is checked first). Folders left by a killed
test are removed by the next run.
"""
import contextlib
import ctypes
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

SUITES = [
    "deb http://deb.debian.org/debian bookworm main",
    "deb http://deb.debian.org/debian bookworm-updates main",
    "deb http://deb.debian.org/debian-security bookworm-security main",
]
MIRROR_PROBE = "http://deb.debian.org/debian/dists/bookworm/InRelease"
PRISTINE_MAX_AGE = 7 * 24 * 3600   # seconds: a week-old pristine root is made again
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# the host's proxy settings, if any, reach apt inside the root
PASSED_ENV = ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")


def cache_dir():
    """ALMANAC_TEST_CACHE, else $XDG_CACHE_HOME/almanac-test, else /var/cache/almanac-test."""
    d = os.environ.get("ALMANAC_TEST_CACHE")
    if not d:
        xdg = os.environ.get("XDG_CACHE_HOME")
        d = os.path.join(xdg, "almanac-test") if xdg else "/var/cache/almanac-test"
    os.makedirs(d, exist_ok=True)
    return d


def why_not_possible():
    """None when fresh roots can be made here, else the reason (for a skip)."""
    if os.geteuid() != 0:
        return "not root: making a Debian root and chroot into it need root"
    for tool in ("mmdebstrap", "unshare", "chroot", "tar"):
        if not shutil.which(tool):
            return "%s is not installed (apt-get install mmdebstrap)" % tool
    try:
        urllib.request.urlopen(urllib.request.Request(MIRROR_PROBE, method="HEAD"), timeout=15).close()
    except OSError as e:
        return "the Debian mirror cannot be reached (%s): %s" % (MIRROR_PROBE, e)
    # what a root needs: private namespaces, a tmpfs and a /proc mounted in them
    probe = tempfile.mkdtemp(prefix="almanac-ns-probe-")
    try:
        r = subprocess.run(["unshare", "--mount", "--pid", "--fork", "--propagation", "private", "--", "/bin/sh", "-c",
                            'mount -t tmpfs probe "$1" && mkdir "$1/proc" && mount -t proc proc "$1/proc"',
                            "sh", probe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
        if r.returncode != 0:
            return ("private mount and PID namespaces with tmpfs and proc mounts are not available here "
                    "(a container without --privileged?): " + r.stdout.strip())
    except (OSError, subprocess.SubprocessError) as e:
        return "unshare failed: %s" % e
    finally:
        os.rmdir(probe)
    return None


@contextlib.contextmanager
def locked(path):
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _die_with_parent():
    """preexec_fn: SIGKILL this child when the test process dies, however it dies."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG


def pristine_tarball(log=print):
    """The cached pristine root's tarball, made (about 15 s) when missing or a week old.
    Returns (path, seconds spent making it, 0 when cached)."""
    cache = cache_dir()
    tar = os.path.join(cache, "bookworm-minbase.tar")
    with locked(os.path.join(cache, "lock")):
        if os.path.exists(tar) and time.time() - os.path.getmtime(tar) < PRISTINE_MAX_AGE:
            return tar, 0.0
        tmp = "%s.%d.tmp.tar" % (tar[:-4], os.getpid())
        t0 = time.monotonic()
        # in its own mount namespace too: whatever mmdebstrap mounts dies with it
        cmd = ["unshare", "--mount", "--propagation", "private", "--",
               "mmdebstrap", "--quiet", "--variant=minbase", "--format=tar", "bookworm", tmp, *SUITES]
        log("$ " + " ".join(cmd))
        try:
            subprocess.run(cmd, check=True, timeout=900, preexec_fn=_die_with_parent,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            os.replace(tmp, tar)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return tar, time.monotonic() - t0


def mounts_under(path):
    """Mount points (in this process's mount namespace) at or below `path`."""
    path = os.path.realpath(path)
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].encode().decode("unicode_escape")   # octal escapes: \040
            if mp == path or mp.startswith(path + "/"):
                found.append(mp)
    return found


def remove_tree(path):
    """Remove a root: never through a mount (lazily unmounted first, deepest first; if one
    stays, the tree is left and an error raised), in a session of its own so that it
    finishes even when the test is killed meanwhile."""
    if not os.path.lexists(path):
        return
    for mp in sorted(mounts_under(path), key=len, reverse=True):
        subprocess.run(["umount", "-l", mp], stderr=subprocess.DEVNULL)
    left = mounts_under(path)
    if left:
        raise RuntimeError("refusing to remove %s: still mounted: %s" % (path, left))
    p = subprocess.Popen(["rm", "-rf", "--one-file-system", "--", path], start_new_session=True)
    p.wait()


def roots_dir():
    """The folder holding the roots' mount points (and the test's scratch folders)."""
    d = os.path.join(cache_dir(), "roots")
    os.makedirs(d, exist_ok=True)
    return d


def sweep_stale_roots(log=print):
    """Remove what earlier runs left whose test process is gone (killed with SIGKILL)."""
    roots = roots_dir()
    for name in os.listdir(roots):
        pid = name.split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not os.path.exists("/proc/" + pid):
            log("removing a root left by a killed run: " + name)
            remove_tree(os.path.join(roots, name))


class CommandFailed(AssertionError):
    pass


# The keeper: the first process of the root's private mount and PID namespaces. It mounts a
# tmpfs on the (empty) mount point, unpacks the pristine root into it, mounts /proc, and
# sleeps. The root lives as long as it does: when it dies (killed by destroy(), or because
# the test died: PR_SET_PDEATHSIG and unshare --kill-child), the kernel ends every process
# of the namespace and frees the tmpfs. Nothing is mounted in the host's namespace.
KEEPER = ('mount -t tmpfs -o mode=0755 almanac-fresh-root "$1" && tar -xf "$2" -C "$1" && '
          'mount -t proc proc "$1/proc" && echo ready && exec sleep infinity')


class FreshRoot:
    """A new root unpacked from the pristine tarball in memory; gone on exit (see above).
    The host reaches its files through host_path() (/proc/KEEPER/root/...)."""
    _count = 0

    def __init__(self, tarball, log=print):
        FreshRoot._count += 1
        self.mountpoint = os.path.join(roots_dir(), "%d-%d" % (os.getpid(), FreshRoot._count))
        self.tarball = tarball
        self.log = log
        self.keeper = None
        self.init_pid = None

    def __enter__(self):
        os.makedirs(self.mountpoint)
        try:
            self.keeper = subprocess.Popen(
                ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private", "--",
                 "/bin/sh", "-c", KEEPER, "sh", self.mountpoint, self.tarball],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
            line = self.keeper.stdout.readline()
            if line.strip() != b"ready":
                self.keeper.kill()
                raise RuntimeError("could not make the root: " + self.keeper.stderr.read().decode(errors="replace"))
            with open("/proc/%d/task/%d/children" % (self.keeper.pid, self.keeper.pid)) as f:
                self.init_pid = int(f.read().split()[0])
            self.path = "/proc/%d/root%s" % (self.init_pid, self.mountpoint)
            # the host's resolver, so apt can reach the mirror
            dst = self.host_path("/etc/resolv.conf")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(dst)
            shutil.copyfile("/etc/resolv.conf", dst)
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(self, *exc):
        self.destroy()
        return False

    def host_path(self, inside):
        """The host's path to `inside` (an absolute path in the root), while the root exists."""
        return os.path.join(self.path, inside.lstrip("/"))

    def exists(self):
        return self.keeper is not None and self.keeper.poll() is None

    def run(self, script, timeout, check=True):
        """Run `script` with bash as root inside the root (cwd /root, a login's minimal
        environment). Returns (exit code, output: stdout and stderr interleaved)."""
        env = ["PATH=" + PATH, "HOME=/root", "USER=root", "SHELL=/bin/bash"]
        env += ["%s=%s" % (k, os.environ[k]) for k in PASSED_ENV if k in os.environ]
        cmd = ["nsenter", "--target", str(self.init_pid), "--mount", "--pid", "--",
               "chroot", self.mountpoint, "/usr/bin/env", "-i", *env, "/bin/bash", "-c", "cd /root && " + script]
        self.log("[in the root] $ " + script)
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.destroy()   # ends every process in the root
            p.kill()
            p.wait()
            raise CommandFailed("timed out after %d s in the root: %s" % (timeout, script))
        text = out.decode("utf-8", "replace")
        if check and p.returncode != 0:
            raise CommandFailed("exit %d in the root: %s\n%s" % (p.returncode, script, text[-6000:]))
        return p.returncode, text

    def destroy(self):
        if self.keeper is not None:
            if self.keeper.poll() is None:
                self.keeper.kill()   # --kill-child: the namespace's first process dies, then the rest
            self.keeper.wait()
            # the namespace (and the tmpfs) goes when its last process is gone
            if self.init_pid:
                for _ in range(300):
                    if not os.path.exists("/proc/%d" % self.init_pid):
                        break
                    time.sleep(0.1)
        remove_tree(self.mountpoint)
