"""Same stemming on both sides: the JavaScript stemmer of the search client
(themes/default/assets/search.js) must give libstemmer's English stem for every
word of the index. For this repository's own site and for a generated corpus
(shared/bench/make-corpus, skipped when shared/ is absent) the test builds the
site, collects every surface word (the index's vocabulary files, plus every
word the JavaScript tokenizer finds in the Markdown sources, which covers the
identifiers and words with digits the vocabulary leaves out), stems each with
libstemmer (through ctypes, the library the C side links) and with the
JavaScript stemmer, and asserts zero differences. It also checks that every
term in the index's shards is reached that way, so the C tokenizer and the
JavaScript one agree on what a word is."""
import ctypes
import ctypes.util
import glob
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import SHARED, RepoTestCase, main, run  # noqa: E402

SRC = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT") or
                      os.path.join(os.path.dirname(__file__), "..", ".."))
SEARCH_JS = os.path.join(SRC, "themes", "default", "assets", "search.js")

# node helper: "stem" reads words (one a line) and prints stems; "tokens" reads
# file names and prints every word the tokenizer emits from them (code-span backticks
# removed first: the index is made from the rendered text, where "`%2f`-joined" is "%2f-joined")
NODE = r"""
const S = require(process.argv[1]); const fs = require('fs');
const input = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.length);
if (process.argv[2] === 'stem') process.stdout.write(input.map(S.stem).join('\n') + '\n');
else {
  const out = new Set();
  for (const f of input) for (const t of S.tokens(fs.readFileSync(f, 'utf8').replace(/`+/g, ''))) out.add(t.w);
  process.stdout.write([...out].join('\n') + '\n');
}
"""


class Libstemmer:
    def __init__(self):
        name = ctypes.util.find_library("stemmer") or "libstemmer.so.0d"
        self.lib = ctypes.CDLL(name)
        self.lib.sb_stemmer_new.restype = ctypes.c_void_p
        self.lib.sb_stemmer_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self.lib.sb_stemmer_stem.restype = ctypes.POINTER(ctypes.c_ubyte)
        self.lib.sb_stemmer_stem.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.lib.sb_stemmer_length.argtypes = [ctypes.c_void_p]
        self.lib.sb_stemmer_delete.argtypes = [ctypes.c_void_p]
        self.s = self.lib.sb_stemmer_new(b"english", b"UTF_8")
        assert self.s

    def stem(self, word):
        b = word.encode("utf-8")
        p = self.lib.sb_stemmer_stem(self.s, b, len(b))
        n = self.lib.sb_stemmer_length(self.s)
        return bytes(p[:n]).decode("utf-8")

    def close(self):
        self.lib.sb_stemmer_delete(self.s)


def node(mode, lines):
    p = subprocess.run(["node", "-e", NODE, SEARCH_JS, mode], input="\n".join(lines) + "\n",
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(p.stderr)
    return p.stdout.split("\n")[:-1]


def varint(b, i):
    v, shift = 0, 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, i


def index_words(site):
    """(vocabulary words, index terms) of a built site."""
    d = os.path.join(site, "search")
    with open(os.path.join(d, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    vocab = set()
    for i in range(len(m["vk"])):
        with open(os.path.join(d, "v", f"{i}.txt"), encoding="utf-8") as f:
            vocab.update(w for w in f.read().split("\n") if w)
    terms = set()
    for i in range(len(m["k"])):
        with open(os.path.join(d, "t", f"{i}.bin"), "rb") as f:
            b = f.read()
        n, p = varint(b, 0)
        prev = b""
        for _ in range(n):
            shared, p = varint(b, p)
            ln, p = varint(b, p)
            prev = prev[:shared] + b[p:p + ln]
            p += ln
            bl, p = varint(b, p)
            p += bl
            terms.add(prev.decode("utf-8"))
    return vocab, terms


class StemmerEquivalenceTest(RepoTestCase):
    def check_site(self, repo, label):
        site = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", site, "--now", "2026-11-01", "--quiet", timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        vocab, terms = index_words(site)
        sources = sorted(glob.glob(os.path.join(repo, "content", "**", "*.md"), recursive=True) +
                         glob.glob(os.path.join(repo, "runbooks", "**", "*.md"), recursive=True))
        words = sorted(vocab | set(node("tokens", sources)))
        js = node("stem", words)
        self.assertEqual(len(js), len(words))
        lib = Libstemmer()
        try:
            c = [lib.stem(w) for w in words]
        finally:
            lib.close()
        diffs = [(w, a, b) for w, a, b in zip(words, c, js) if a != b]
        self.assertEqual(diffs[:20], [], f"{label}: {len(diffs)} of {len(words)} words stem differently "
                         "(word, libstemmer, JavaScript)")
        unreached = sorted(terms - set(c))
        self.assertEqual(unreached[:20], [], f"{label}: {len(unreached)} index terms are not the stem of "
                         "any word the JavaScript tokenizer finds")
        self.assertGreater(len(terms), 100, label)
        print(f"{label}: {len(words)} words, {len(terms)} index terms, 0 differences")

    def test_project_site(self):
        self.check_site(SRC, "project site")

    def test_generated_corpus(self):
        make = os.path.join(SHARED, "bench", "make-corpus") if SHARED else ""
        if not make or not os.path.exists(make):
            self.skipTest("shared/bench/make-corpus is absent")
        repo = os.path.join(self.tmpdir(), "corpus")
        p = subprocess.run([sys.executable, make, "--docs", "200", "--commits", "400", "--out", repo,
                            "--no-verify", "-q"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.check_site(repo, "generated corpus")


if __name__ == "__main__":
    if not shutil.which("node"):
        print("skipping: node is not installed")
        sys.exit(77)
    main()
