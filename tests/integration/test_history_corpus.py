#!/usr/bin/env python3
"""The history walk on the small benchmark corpus (200 docs, 2,000 commits with
merges and pure renames), against the git CLI.

For every page the expected last commit is git's own answer to PRODUCT.md's
rule: `git log -1 --format=%H -- PATH`, and when that commit is a pure rename
of PATH (R100 in `git log -M --name-status`), ask again for the old path at
the commit's parent. Checked three ways:
  - the walk itself, through the test driver (tests/test_history with
    ALMANAC_HIST_DUMP=<repo>: prints path, last commit id, flags, old paths);
  - the same walk replayed from its cache (no tree read, same answers);
  - the product: `almanac report --format json` (documents[].last_commit.id).

Needs ALMANAC_SHARED (../shared, for bench/make-corpus); skips (exit 77)
without it.
"""
import json
import os
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
while IFS=$'\t' read -r c new old; do R["$c	$new"]=$old; done < <(git log -M --name-status --format='C%x09%H' HEAD | awk -F'\t' '$1=="C" {c=$2} $1=="R100" {print c "\t" $3 "\t" $2}')
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
        cls.tmp = tempfile.mkdtemp(prefix="almanac-hist-corpus-")
        cls.repo = os.path.join(cls.tmp, "small")
        run([sys.executable, MAKE_CORPUS, "--docs", "200", "--commits", "2000", "--out", cls.repo,
             "--no-verify", "-q"])
        res = run(["bash", "-c", EXPECT_SH], cwd=cls.repo)
        cls.expected = {}
        for line in res.stdout.splitlines():
            path, cid, chain = line.split("\t")
            cls.expected[path] = (cid, [c for c in chain.split(",") if c])
        assert len(cls.expected) == 200, len(cls.expected)
        # the corpus must exercise the rename rule
        assert any(chain for _, chain in cls.expected.values())

    @classmethod
    def tearDownClass(cls):
        if cls.tmp:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def dump(self, cache):
        if not os.access(DRIVER, os.X_OK):
            self.skipTest("test driver %s not built" % DRIVER)
        env = dict(os.environ, ALMANAC_HIST_DUMP=self.repo, ALMANAC_HIST_CACHE=cache)
        res = run([DRIVER], env=env)
        return parse_dump(res.stdout), res.stderr

    def check(self, got):
        self.assertEqual(sorted(got), sorted(self.expected))
        for path, (want, chain) in sorted(self.expected.items()):
            cid, flags, olds = got[path]
            self.assertEqual(cid, want, "%s: walk says %s, git says %s" % (path, cid, want))
            self.assertNotIn("T", flags, path)
            # the old names git followed come first among the page's previous names
            self.assertEqual(olds[:len(chain)], chain, path)

    def test_walk_matches_git(self):
        got, err = self.dump("")
        self.check(got)
        self.assertIn("walked", err)

    def test_cache_replay_matches(self):
        cache = os.path.join(self.tmp, "cache")
        first, err1 = self.dump(cache)
        self.assertIn("written 1", err1)
        second, err2 = self.dump(cache)
        self.assertIn("(0 diffed", err2, err2)
        self.assertIn("cache loaded 1", err2)
        self.assertEqual(first, second)
        self.check(second)

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
        print("skip: ALMANAC_SHARED/bench/make-corpus not available (../shared is absent)")
        sys.exit(77)
    unittest.main(verbosity=2)
