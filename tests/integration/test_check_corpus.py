"""`almanac check` on corpora from ../shared/bench/make-corpus.

make-corpus --broken K injects exactly K broken links (missing file or
missing anchor) and lists them in <out>.broken.txt (TSV: path line kind link).
check must report exactly those as errors, each once, at the link's line and
at the column of its '['; with --broken 0, no error at all. The only warnings
allowed are the ones the corpus really calls for, recomputed here
independently from the Markdown sources:
  - alert-claimed-twice: make-corpus draws alerts from small per-area pools,
    so several runbooks answer one alert; each runbook after the first (in
    path order) that lists it is warned, at that entry of its alerts: list;
  - orphan: a page no other page links to, that answers no alert and whose
    owner is not a role page (make-corpus's owners are team-* and role-*
    names, which match no role page), and is not an index page.
Skipped (exit 77) when ALMANAC_SHARED (../shared) is absent. The medium and
large corpora are in bench/check-corpus (slower)."""
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, SHARED, run  # noqa: E402

MAKE_CORPUS = os.path.join(SHARED, "bench", "make-corpus") if SHARED else ""
KIND = {"missing-file": "broken-link", "missing-anchor": "broken-anchor"}
LINK_RE = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")


def make_corpus(out, docs, commits, broken):
    subprocess.run([sys.executable, MAKE_CORPUS, "--docs", str(docs), "--commits", str(commits), "--broken",
                    str(broken), "--out", out, "--no-verify"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return out + ".broken.txt"


def pages(root):
    out = {}
    for top in ("content", "runbooks"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith(".md"):
                    p = os.path.join(d, f)
                    with open(p, encoding="utf-8") as fh:
                        out[os.path.relpath(p, root)] = fh.read()
    return out


def front_matter(text):
    """The keys this test needs from make-corpus's front matter: owner, alerts with positions."""
    lines = text.split("\n")
    fm = {"owner": None, "alerts": []}
    if lines[0] != "---":
        return fm
    i = 1
    while lines[i] != "---":
        line = lines[i]
        if line.startswith("owner:"):
            fm["owner"] = line.split(":", 1)[1].strip()
        elif line.startswith("alerts:"):
            rest = line[len("alerts:"):].strip()
            if rest.startswith("["):
                for m in re.finditer(r"[^\[\],\s]+", line[line.index("[") + 1:]):
                    fm["alerts"].append((m.group(0), i + 1, line.index("[") + 2 + m.start()))
            else:
                j = i + 1
                while j < len(lines) and lines[j].startswith("  - "):
                    fm["alerts"].append((lines[j][4:].strip(), j + 1, 5))
                    j += 1
        i += 1
    return fm


def links_of(text):
    """Targets of the inline links outside code, as make-corpus writes them."""
    infence = False
    for line in text.split("\n"):
        if line.startswith("```"):
            infence = not infence
            continue
        if infence:
            continue
        for m in LINK_RE.finditer(re.sub(r"`[^`]*`", lambda x: " " * len(x.group(0)), line)):
            yield m.group(2)


def expected_warnings(root):
    srcs = pages(root)
    fms = {p: front_matter(t) for p, t in srcs.items()}
    roles = {posixpath.basename(p)[:-3] for p in srcs if "/roles/" in p}
    warnings = set()
    claimed = {}
    for p in sorted(srcs):
        for name, line, col in fms[p]["alerts"]:
            if name in claimed:
                warnings.add((p, line, col, "alert-claimed-twice"))
            else:
                claimed[name] = p
    inbound = {p: 0 for p in srcs}
    for p, t in srcs.items():
        for dest in links_of(t):
            if re.match(r"[a-z]+:", dest):
                continue
            path = dest.split("#")[0]
            if not path:
                continue
            tgt = posixpath.normpath(posixpath.join(posixpath.dirname(p), path))
            if tgt in inbound and tgt != p:
                inbound[tgt] += 1
    for p in srcs:
        name = posixpath.basename(p)
        if inbound[p] or fms[p]["alerts"] or name in ("index.md", "README.md") or fms[p]["owner"] in roles:
            continue
        warnings.add((p, 1, 1, "orphan"))
    return warnings


def corpus_problems(root, broken_file, doc):
    """Differences between check's JSON output `doc` and what the corpus calls for (a list of strings)."""
    problems = []
    ds = doc["diagnostics"]
    with open(broken_file, encoding="utf-8") as f:
        injected = [l.split("\t") for l in f.read().splitlines() if l]
    want = sorted((p, int(line), KIND[kind]) for p, line, kind, _ in injected)
    got = sorted((d["file"], d["line"], d["code"]) for d in ds if d["severity"] == "error")
    for x in sorted(set(want) - set(got)):
        problems.append("not reported: %s:%d %s" % x)
    for x in sorted(set(got) - set(want)):
        problems.append("reported but not injected: %s:%d %s" % x)
    if len(got) != len(set(got)):
        problems.append("an error is reported twice")
    # each at the column of its '[', and it is the injected link
    srcs = {}
    for p, line, kind, link in injected:
        d = [d for d in ds if d["file"] == p and d["line"] == int(line) and d["severity"] == "error"]
        if len(d) != 1:
            continue
        if p not in srcs:
            with open(os.path.join(root, p), encoding="utf-8") as f:
                srcs[p] = f.read().split("\n")
        at = srcs[p][int(line) - 1][d[0]["column"] - 1:]
        m = re.match(r"\[[^\]]*\]\(([^)]*)\)", at)
        if not m or m.group(1) != link:
            problems.append("%s:%s:%s does not point at the link %s: %r" % (p, line, d[0]["column"], link, at[:60]))
    warnings = [(d["file"], d["line"], d["column"], d["code"]) for d in ds if d["severity"] == "warning"]
    if len(warnings) != len(set(warnings)):
        problems.append("a warning is reported twice")
    expected = expected_warnings(root)
    for x in sorted(set(warnings) - expected):
        problems.append("unexpected warning: %s:%d:%d %s" % x)
    for x in sorted(expected - set(warnings)):
        problems.append("missing warning: %s:%d:%d %s" % x)
    return problems


def check_corpus(test, root, broken_file):
    """Run check on `root` and compare with the injected problems and the expected warnings."""
    r = run("check", "--repo", root, "--format", "json", timeout=600)
    test.assertIn(r.returncode, (0, 1), r.stderr)
    doc = json.loads(r.stdout)
    test.assertEqual(corpus_problems(root, broken_file, doc), [])
    with open(broken_file, encoding="utf-8") as f:
        test.assertEqual(r.returncode, 1 if f.read().strip() else 0)
    return doc


class CorpusCheck(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="almanac-corpus-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_small_with_10_broken_links(self):
        out = os.path.join(self.tmp, "small")
        broken = make_corpus(out, 200, 2000, 10)
        doc = check_corpus(self, out, broken)
        self.assertEqual(doc["errors"], 10)

    def test_small_without_broken_links(self):
        out = os.path.join(self.tmp, "small0")
        broken = make_corpus(out, 200, 2000, 0)
        doc = check_corpus(self, out, broken)
        self.assertEqual(doc["errors"], 0)


if __name__ == "__main__":
    if not SHARED or not os.path.exists(MAKE_CORPUS):
        print("skipping: ALMANAC_SHARED (../shared/bench/make-corpus) is not available")
        sys.exit(77)
    if not os.path.exists(BIN):
        print(f"skipping: almanac binary not found at {BIN}")
        sys.exit(77)
    unittest.main(verbosity=2)
