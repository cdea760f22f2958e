#!/usr/bin/env python3
"""The history walk against the git CLI: on a randomly generated history
(always), and on the small benchmark corpus (200 docs, 2,000 commits with
merges and pure renames; needs ../shared).

For every page the expected last commit is git's own answer to PRODUCT.md's
rule: `git log -1 --format=%H -- PATH`, and when that commit is a pure rename
of PATH (a rename `git log -M --raw` reports with the same blob id and mode on
both sides: identical content), ask again for the old path at the commit's
parent. git log honours replace refs, and so must the walk. Checked three ways:
  - the walk itself, through the test driver (tests/test_history with
    ALMANAC_HIST_DUMP=<repo>: prints path, last commit id, flags, old paths);
  - the same walk replayed from its cache (no tree read, same answers);
  - the product: `almanac report --format json` (documents[].last_commit.id).

The corpus tests need ALMANAC_SHARED (../shared, for bench/make-corpus) and
skip without it; the random-history test needs only git and the test driver.
"""
import random
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SHARED = os.environ.get("ALMANAC_SHARED", "")
MAKE_CORPUS = os.path.join(SHARED, "bench", "make-corpus") if SHARED else ""
BIN = os.environ.get("ALMANAC_BIN", "")
DRIVER = os.path.join(os.path.dirname(BIN), "tests", "test_history") if BIN else ""

# git's answer for every .md at HEAD: "path<TAB>id<TAB>old,paths,followed"
EXPECT_SH = r"""
declare -A R
while IFS=$'\t' read -r c new old; do R["$c	$new"]=$old; done < <(git log -M --raw --no-abbrev --format='C%x09%H' HEAD | awk -F'\t' '$1=="C" {c=$2; next} /^:/ {split($1, m, " "); if (m[5] ~ /^R/ && m[3] == m[4] && substr(m[1], 2) == m[2]) print c "\t" $3 "\t" $2}')
git ls-files -z -- '*.md' | while IFS= read -r -d '' p; do
  cur=$p; start=HEAD; chain=
  while :; do
    id=$(git log -1 --format=%H "$start" -- "$cur")
    [ -z "$id" ] && break
    old=${R["$id	$cur"]}
    [ -z "$old" ] && break
    chain="$chain${chain:+,}$old"
    cur=$old; start=$id^
  done
  printf '%s\t%s\t%s\n' "$p" "$id" "$chain"
done
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def expected_for(repo):
    res = run(["bash", "-c", EXPECT_SH], cwd=repo)
    out = {}
    for line in res.stdout.splitlines():
        path, cid, chain = line.split("\t")
        out[path] = (cid, [c for c in chain.split(",") if c])
    return out


def dump_repo(testcase, repo, cache=""):
    if not os.access(DRIVER, os.X_OK):
        testcase.skipTest("test driver %s not built" % DRIVER)
    env = dict(os.environ, ALMANAC_HIST_DUMP=repo, ALMANAC_HIST_CACHE=cache)
    res = run([DRIVER], env=env)
    return parse_dump(res.stdout), res.stderr


def compare(testcase, got, expected):
    testcase.assertEqual(sorted(got), sorted(expected))
    for path, (want, chain) in sorted(expected.items()):
        cid, flags, olds = got[path]
        testcase.assertEqual(cid, want, "%s: walk says %s, git says %s" % (path, cid, want))
        testcase.assertNotIn("T", flags, path)
        # the old names git followed come first among the page's previous names
        testcase.assertEqual(olds[:len(chain)], chain, path)


class RandomHistory(unittest.TestCase):
    """Random edits, adds, deletes, pure renames, renames with edits, renames
    with whitespace-only edits (CRLF, trailing spaces, a blank line: libgit2's
    similarity calls them identical, git's blob ids do not), pages swapped for
    symbolic links and back (a link and a file with the same blob are never a
    rename), side branches merged back (clean, conflicting and resolved,
    `-s ours`), the same change made on both sides, and replace refs
    (`git replace --graft`, and a commit replaced by an edited copy); dated
    commits, seeded, so reproducible."""

    SEEDS = [int(x) for x in os.environ.get("ALMANAC_HIST_SEEDS", "1,2").split(",")]

    def test_random_histories_match_git(self):
        merges = followed = 0
        made = {"ws-rename": 0, "link-swap": 0, "link-back": 0, "link-pair": 0, "replace": 0}
        for seed in self.SEEDS:
            with self.subTest(seed=seed):
                m, f, k = self.one(seed)
                merges += m
                followed += f
                for key in made:
                    made[key] += k.get(key, 0)
        # the generator did produce what this test is about
        self.assertGreater(merges, 0)
        self.assertGreater(followed, 0)
        for key, n in made.items():
            self.assertGreater(n, 0, key)

    def one(self, seed):
        rng = random.Random(seed)
        tmp = tempfile.mkdtemp(prefix="almanac-hist-random-")
        self.addCleanup(shutil.rmtree, tmp, True)
        repo = os.path.join(tmp, "r")
        os.makedirs(repo)
        env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
        clock = [1767571200]  # 2026-01-05

        def git(*args, check=True):
            clock[0] += rng.randint(600, 86400)
            e = dict(env, GIT_AUTHOR_DATE="@%d +0000" % clock[0], GIT_COMMITTER_DATE="@%d +0000" % clock[0],
                     GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="T",
                     GIT_COMMITTER_EMAIL="t@example.com")
            return subprocess.run(["git"] + list(args), cwd=repo, env=e, check=check,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        counter = [0]

        def body(path):
            counter[0] += 1
            lines = ["# %s" % path] + ["line %d of %s, stable text for rename detection" % (i, path)
                                       for i in range(12)]
            lines.append("revision %d" % counter[0])
            return "\n".join(lines) + "\n"

        def write(path, text):
            full = os.path.join(repo, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            if os.path.islink(full):
                os.unlink(full)  # a page that is a link becomes a file again (never written through)
            with open(full, "w") as f:
                f.write(text)

        def files():
            out = git("ls-files").stdout.split()
            return sorted(f for f in out if f.endswith(".md"))

        dirs = ["a", "a/b", "c", "c/d/e", "f"]
        names = iter("doc%03d.md" % i for i in range(10000))

        def new_path():
            return "%s/%s" % (rng.choice(dirs), next(names))

        made = {}

        def count(key):
            made[key] = made.get(key, 0) + 1

        def regular_files():
            return [p for p in files() if not os.path.islink(os.path.join(repo, p))]

        def links():
            return [p for p in files() if os.path.islink(os.path.join(repo, p))]

        git("init", "-q", "-b", "main", ".")
        for _ in range(6):
            write(new_path(), body("x"))
        git("add", "-A")
        git("commit", "-q", "-m", "root")
        # the kinds this test is about, at least once each whatever the seed
        forced = {8: 0.03, 16: 0.08, 17: 0.13, 24: 0.17}
        for step in range(48):
            op = forced.get(step, rng.random())
            fs = files()
            if op < 0.06 and regular_files():
                # a rename with whitespace-only edits: a change, never a pure rename
                src = rng.choice(regular_files())
                dst = new_path()
                os.makedirs(os.path.join(repo, os.path.dirname(dst)), exist_ok=True)
                git("mv", src, dst)
                with open(os.path.join(repo, dst), "rb") as f:
                    text = f.read()
                kind = rng.randrange(3)
                if kind == 0:
                    text = text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
                elif kind == 1:
                    text = text.replace(b"\n", b"  \n", 1)
                else:
                    text = text + b"\n"
                with open(os.path.join(repo, dst), "wb") as f:
                    f.write(text)
                git("add", "-A")
                git("commit", "-q", "-m", "ws rename %d" % step)
                count("ws-rename")
                continue
            if op < 0.10 and len(regular_files()) > 2:
                # a page becomes a symbolic link to another page (a type change)
                p, q = rng.sample(regular_files(), 2)
                os.unlink(os.path.join(repo, p))
                os.symlink(os.path.relpath(os.path.join(repo, q), os.path.dirname(os.path.join(repo, p))),
                           os.path.join(repo, p))
                git("add", "-A")
                git("commit", "-q", "-m", "link swap %d" % step)
                count("link-swap")
                continue
            if op < 0.16 and links():
                # ... and back: a regular file holding the link's target text (the link's own blob)
                p = rng.choice(links())
                target = os.readlink(os.path.join(repo, p))
                os.unlink(os.path.join(repo, p))
                with open(os.path.join(repo, p), "w") as f:
                    f.write(target)
                git("add", "-A")
                git("commit", "-q", "-m", "link back %d" % step)
                count("link-back")
                continue
            if op < 0.19 and len(regular_files()) > 2:
                # a file deleted and a link with the same blob (its text as target) added: git never pairs them
                p = rng.choice(regular_files())
                text = "short-%d.md" % step  # a link target must be short: the page first holds just it
                write(p, text)
                git("add", "-A")
                git("commit", "-q", "-m", "shorten %d" % step)
                git("rm", "-q", p)
                dst = new_path()
                os.makedirs(os.path.join(repo, os.path.dirname(dst)), exist_ok=True)
                os.symlink(text, os.path.join(repo, dst))
                git("add", "-A")
                git("commit", "-q", "-m", "link pair %d" % step)
                count("link-pair")
                continue
            op = (op - 0.19) / 0.81  # the original mix for the rest
            if op < 0.35:
                for p in rng.sample(fs, min(len(fs), rng.randint(1, 3))):
                    write(p, body(p))
                git("add", "-A")
                git("commit", "-q", "-m", "edit %d" % step)
            elif op < 0.45:
                write(new_path(), body("new"))
                git("add", "-A")
                git("commit", "-q", "-m", "add %d" % step)
            elif op < 0.5 and len(fs) > 4:
                git("rm", "-q", rng.choice(fs))
                git("commit", "-q", "-m", "delete %d" % step)
            elif op < 0.62:
                src = rng.choice(fs)
                dst = new_path()
                os.makedirs(os.path.join(repo, os.path.dirname(dst)), exist_ok=True)
                git("mv", src, dst)
                if rng.random() < 0.4 and not os.path.islink(os.path.join(repo, dst)):  # a rename with a small edit
                    with open(os.path.join(repo, dst), "a") as f:
                        f.write("one more line %d\n" % step)
                    git("add", "-A")
                git("commit", "-q", "-m", "rename %d" % step)
            else:
                # a side branch, forked from HEAD or an older commit
                back = rng.randint(0, 2)
                git("checkout", "-q", "-b", "side%d" % step, "HEAD~%d" % back if back else "HEAD", check=False)
                if git("rev-parse", "--abbrev-ref", "HEAD").stdout.strip() != "side%d" % step:
                    git("checkout", "-q", "-b", "side%d" % step)
                sfs = files()
                shared = rng.choice(sfs)
                same_text = body(shared)
                for p in rng.sample(sfs, min(len(sfs), rng.randint(1, 2))):
                    write(p, body(p))
                    git("add", "-A")
                    git("commit", "-q", "-m", "side %d" % step)
                cherry = rng.random() < 0.3
                if cherry:
                    write(shared, same_text)
                    git("add", "-A")
                    git("commit", "-q", "-m", "side same %d" % step, check=False)
                git("checkout", "-q", "main")
                if cherry and os.path.exists(os.path.join(repo, shared)):
                    write(shared, same_text)
                    git("add", "-A")
                    git("commit", "-q", "-m", "main same %d" % step, check=False)
                mfs = files()
                for p in rng.sample(mfs, min(len(mfs), rng.randint(0, 2))):
                    write(p, body(p))
                    git("add", "-A")
                    git("commit", "-q", "-m", "main %d" % step)
                kind = rng.random()
                if kind < 0.2:
                    git("merge", "-q", "--no-ff", "-s", "ours", "side%d" % step, "-m", "merge ours %d" % step)
                else:
                    r = git("merge", "-q", "--no-ff", "side%d" % step, "-m", "merge %d" % step, check=False)
                    if r.returncode != 0:
                        # resolve every conflict with new content (or keep a deletion)
                        st = git("status", "--porcelain").stdout.splitlines()
                        for line in st:
                            code, path = line[:2], line[3:]
                            if "U" in code or code in ("AA", "DD"):
                                if code in ("DU", "UD", "DD"):
                                    git("rm", "-q", path, check=False)
                                else:
                                    write(path, body(path))
                                    git("add", path)
                        git("commit", "-q", "--no-edit")
        # end with a pure rename, so that at least one page's search must follow it
        src = rng.choice(regular_files())
        dst = "renamed/" + os.path.basename(src)
        os.makedirs(os.path.join(repo, "renamed"), exist_ok=True)
        git("mv", src, dst)
        git("commit", "-q", "-m", "final rename")
        # replace refs, which git log honours: one commit re-parented past its parent, one
        # replaced by a copy whose tree edits a page
        line = git("rev-list", "--first-parent", "--max-parents=1", "--min-parents=1", "HEAD~3").stdout.split()
        if len(line) > 6:
            c = rng.choice(line[:len(line) // 2])
            grand = git("rev-parse", c + "~2", check=False).stdout.strip()
            if grand:
                git("replace", "--graft", c, grand)
                count("replace")
            victim = rng.choice(line[len(line) // 2:])
            tree_lines = git("ls-tree", "-r", victim).stdout.splitlines()
            blobs = [t for t in tree_lines if t.startswith("100644 blob") and t.endswith(".md")]
            if blobs:
                path = rng.choice(blobs).split("\t", 1)[1]
                new_blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input=body(path),
                                          stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
                listing = "\n".join(t if t.split("\t", 1)[1] != path else "100644 blob %s\t%s" % (new_blob, path)
                                    for t in tree_lines) + "\n"
                # mktree needs a flat listing: rebuild with --missing from an index instead
                idx = os.path.join(tmp, "index.tmp")
                e = dict(env, GIT_INDEX_FILE=idx)
                subprocess.run(["git", "read-tree", victim], cwd=repo, env=e, check=True)
                subprocess.run(["git", "update-index", "--cacheinfo", "100644,%s,%s" % (new_blob, path)], cwd=repo,
                               env=e, check=True)
                tree = subprocess.run(["git", "write-tree"], cwd=repo, env=e, stdout=subprocess.PIPE, text=True,
                                      check=True).stdout.strip()
                os.unlink(idx)
                del listing
                raw = git("cat-file", "commit", victim).stdout
                raw = re.sub(r"^tree [0-9a-f]+", "tree " + tree, raw, count=1)
                copy = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo, input=raw,
                                      stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
                git("replace", "-f", victim, copy)
                count("replace")
        expected = expected_for(repo)
        got, _ = dump_repo(self, repo)
        compare(self, got, expected)
        merges = int(git("rev-list", "--merges", "--count", "HEAD").stdout)
        return merges, sum(1 for _, chain in expected.values() if chain), made


def parse_dump(text):
    out = {}
    for line in text.splitlines():
        path, cid, _time, flags, olds = line.split("\t")
        out[path] = (cid, flags, [o for o in olds.split(",") if o])
    return out


class HistoryCorpus(unittest.TestCase):
    tmp = None

    @classmethod
    def setUpClass(cls):
        if not SHARED or not os.access(MAKE_CORPUS, os.X_OK):
            raise unittest.SkipTest("ALMANAC_SHARED/bench/make-corpus not available (../shared is absent)")
        cls.tmp = tempfile.mkdtemp(prefix="almanac-hist-corpus-")
        cls.repo = os.path.join(cls.tmp, "small")
        run([sys.executable, MAKE_CORPUS, "--docs", "200", "--commits", "2000", "--out", cls.repo,
             "--no-verify", "-q"])
        cls.expected = expected_for(cls.repo)
        assert len(cls.expected) == 200, len(cls.expected)
        # the corpus must exercise the rename rule
        assert any(chain for _, chain in cls.expected.values())

    @classmethod
    def tearDownClass(cls):
        if cls.tmp:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def dump(self, cache):
        return dump_repo(self, self.repo, cache)

    def check(self, got):
        compare(self, got, self.expected)

    def test_walk_matches_git(self):
        got, err = self.dump("")
        self.check(got)
        self.assertIn("walked", err)

    def test_cache_replay_matches(self):
        cache = os.path.join(self.tmp, "cache")
        first, err1 = self.dump(cache)
        self.assertIn("written 1", err1)
        # the same question again: the answers come from the result table
        second, err2 = self.dump(cache)
        self.assertIn("walked 0 commits", err2, err2)
        self.assertIn("results cached 1", err2)
        self.assertEqual(first, second)
        self.check(second)
        # without the result table the facts are replayed: no tree read
        os.unlink(os.path.join(cache, "history-results"))
        third, err3 = self.dump(cache)
        self.assertIn("(0 diffed", err3, err3)
        self.assertIn("cache loaded 1", err3)
        self.assertIn("results cached 0 written 1", err3)
        self.assertEqual(first, third)
        self.check(third)

    def test_report_matches_git(self):
        if not os.access(BIN, os.X_OK):
            self.skipTest("almanac binary not built")
        res = subprocess.run([BIN, "report", "--repo", self.repo, "--format", "json", "--now", "2026-11-01"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertIn(res.returncode, (0, 3), res.stderr)
        doc = json.loads(res.stdout)
        self.assertFalse(doc["repository"]["shallow"])
        seen = 0
        for d in doc["documents"]:
            if d["path"] not in self.expected:
                continue
            seen += 1
            want = self.expected[d["path"]][0]
            self.assertEqual(d["last_commit"]["id"], want, d["path"])
        self.assertEqual(seen, len(self.expected))


if __name__ == "__main__":
    if not SHARED or not os.access(MAKE_CORPUS, os.X_OK):
        print("skip: the corpus tests need ALMANAC_SHARED/bench/make-corpus (../shared is absent); "
              "the random-history test still runs")
    unittest.main(verbosity=2)
