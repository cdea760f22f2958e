"""Heading ids of a repository written for MkDocs (mdids.h): the ids Almanac publishes are the ids
Debian's mkdocs publishes for the same pages (Python-Markdown's toc extension, with the config's
separator, slugify and attr_list), so links written for the MkDocs site ("other.md#setup_1") check
clean and land on their heading; a wrong one is still broken-anchor.

Each comparison builds the same repository with the real mkdocs and with Almanac and compares
every heading's id, page by page, in document order: tricky headings (punctuation, code, emphasis,
entities, accents, emoji, CJK, repeats, ids given with attr_list, a heading "a_1" meeting a counted
duplicate), and every code point of planes 0-3 and 14 under each slugify function that Almanac
follows. The tool comparisons are skipped, saying so, when mkdocs (or pymdown-extensions, for its
slugify functions) is not installed."""
import glob
import html
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, git, main, read, run, write  # noqa: E402

NOW = "2026-11-01T00:00:00Z"
DIAG_RE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note)\[(?P<code>[^\]]+)\]: "
                     r"(?P<msg>.*)$")

PAGES = {
    "docs/index.md": (
        "# Payments handbook\n\n"
        "Start at [setup](other.md#setup_1), [the steps](other.md#steps) or [the top](other.md#other-runbook);\n"
        "on this page: [the second Title](#title_1), [CJK](#_2), [A again](#a_3), [explicit](#later),\n"
        "[the heading Later](#later_1), [accents](#cafe-uber), [the title](#payments-handbook).\n"
        "Written for GitHub, not MkDocs: [broken](other.md#setup-1).\n\n"
        "## Title\n\n## Title\n\n"
        "## Punctuation: a/b (c) \u2014 d's \"e\"!\n\n"
        "## `kubectl get pods` and *emphasis* and __strong__\n\n"
        "## A &amp; B\n\n"
        "## Caf\u00e9 \u00fcber\n\n"
        "## Deploy \U0001F680 now\n\n"
        "## \u65e5\u672c\u8a9e\n\n## \u65e5\u672c\u8a9e\n\n"
        "## a_1\n\n## A\n\n## A\n\n## a_1\n\n"
        "## Later\n\n## Explicit {#later}\n\n## later\n\n"
        "##   spaces   -  dash --- x\n\n"
        "## foo_bar-baz\n\n"
        "## \ufb01le \u2460 \u00b2 \uff46\uff55\uff4c\uff4c\n\n"
        "## \\*escaped\\* \\# hash\n\n"
        "## [a link](other.md) ![a picture](pic.png)\n\n"
        "## Status <span>beta</span>\n\n"
        "## Klaus \u00c4rger \u0130stanbul \u00df\n\n"
        "## Payments handbook\n\n"
        "### Rollback & recovery\n\n"
        "> ## In a quote\n\n"
        "Setext heading\n--------------\n\n"
        "## Closed ##\n\n"
        "## Cls only {.wide}\n"
    ),
    "docs/other.md": "# Other runbook\n\n## Setup\n\nText.\n\n## Setup\n\nMore.\n\n## Steps {#steps}\n\nDone.\n",
    "docs/pic.png": "PNG",
}
MKDOCS_YML = "site_name: Payments\nmarkdown_extensions:\n  - attr_list\n"


def diags(stderr):
    return [m.groupdict() for m in map(DIAG_RE.match, stderr.splitlines()) if m]


def mkdocs_python():
    """The interpreter of the installed mkdocs (its #! line), or None."""
    exe = shutil.which("mkdocs")
    if not exe:
        return None
    with open(exe, "rb") as f:
        first = f.readline().decode("utf-8", "replace")
    return first[2:].strip().split()[0] if first.startswith("#!") else None


def has_pymdownx():
    py = mkdocs_python()
    return bool(py) and subprocess.run([py, "-c", "import pymdownx.slugs"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL).returncode == 0


def markdown_collapses_white_space():
    """True when mkdocs' Python-Markdown is 3.6 or later, whose toc passes the slugify function the
    heading's text with every run of white space one space (and entities decoded), as Almanac
    does. Debian 12's 3.4 passes the runs as they are: pymdownx's slugify, which makes each space
    a separator, then gives "a--b" for "a  b" where Almanac, like a current MkDocs, gives "a-b"."""
    py = mkdocs_python()
    r = subprocess.run([py, "-c", "import markdown; print(markdown.__version__)"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True) if py else None
    if not r or r.returncode:
        return True
    return tuple(int(x) for x in re.findall(r"\d+", r.stdout)[:2]) >= (3, 6)


def mkdocs_ids(site, page):
    """The heading ids of an MkDocs page, in order (the theme's own modal headings left out)."""
    text = read(os.path.join(site, page))
    return [html.unescape(i) for c, i in re.findall(r'<h[1-6](?: class="([^"]*)")? id="([^"]*)"', text)
            if c != "modal-title"]


def almanac_ids(out, page):
    """The heading ids of an Almanac page, in order: each heading's permalink anchor."""
    return [html.unescape(i) for i in re.findall(r'<a class="anchor" id="([^"]*)"', read(os.path.join(out, page)))]


class MkDocsHeadingIds(RepoTestCase):
    def build_both(self, files):
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        mout = os.path.join(self.tmpdir(), "mkdocs")
        m = subprocess.run(["mkdocs", "build", "--quiet", "--config-file", os.path.join(repo, "mkdocs.yml"),
                            "--site-dir", mout], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=300, cwd=repo)
        self.assertEqual(m.returncode, 0, m.stderr)
        return repo, out, mout, r

    def assert_same_ids(self, out, mout, pages):
        for page in pages:
            want = mkdocs_ids(mout, page)
            # every page starts with its "# Title": Almanac shows it as the page title, without
            # the heading (its id is still an anchor of the page: the links test below)
            self.assertEqual(almanac_ids(out, page), want[1:], page)

    def test_ids_are_mkdocs_ids(self):
        if not shutil.which("mkdocs"):
            self.skipTest("mkdocs is not installed (tools/deps.sh TEST_PACKAGES installs it)")
        repo, out, mout, r = self.build_both(dict(PAGES, **{"mkdocs.yml": MKDOCS_YML}))
        self.assert_same_ids(out, mout, ["index.html", "other/index.html"])
        # the links written for the MkDocs site check clean; the one written for GitHub's ids does not
        d = diags(r.stderr)
        self.assertEqual([(x["file"], x["line"], x["code"]) for x in d], [("docs/index.md", "6", "broken-anchor")],
                         r.stderr)
        self.assertIn("'#setup-1' not found in docs/other.md; did you mean '#setup_1'?", d[0]["msg"])
        c = run("check", "--repo", repo)
        self.assertEqual(c.returncode, 1)
        self.assertEqual([x["code"] for x in diags(c.stderr)], ["broken-anchor"], c.stderr)
        self.assertNotIn("attribute lists", r.stderr)  # "{.wide}" on a heading is applied, as attr_list does

    def test_separator_and_pymdownx_slugify_without_attr_list(self):
        if not shutil.which("mkdocs"):
            self.skipTest("mkdocs is not installed (tools/deps.sh TEST_PACKAGES installs it)")
        if not has_pymdownx():
            self.skipTest("pymdown-extensions is not installed for mkdocs (python3-pymdownx)")
        for slugify in ("!!python/name:pymdownx.slugs.uslugify",
                        "!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: fold, percent_encode: true}}",
                        "!!python/name:markdown.extensions.toc.slugify_unicode"):
            yml = ("site_name: Payments\nmarkdown_extensions:\n  - toc:\n      permalink: true\n"
                   "      separator: '_'\n      slugify: " + slugify + "\n")
            pages = dict(PAGES)
            if "pymdownx" in slugify and not markdown_collapses_white_space():
                pages["docs/index.md"] = pages["docs/index.md"].replace("##   spaces   -  dash --- x\n\n", "")
            repo, out, mout, r = self.build_both(dict(pages, **{"mkdocs.yml": yml}))
            self.assertNotIn("[layout]", r.stderr)
            self.assert_same_ids(out, mout, ["index.html", "other/index.html"])

    def test_a_link_written_with_letters_mkdocs_drops_names_the_id_it_gave(self):
        # a table of contents written by hand in Russian: GitHub's ids keep Cyrillic letters, MkDocs'
        # default slugify drops them ("Введение" is "_2" after the title's "_1", "Установка pre-commit" is "pre-commit")
        files = {"mkdocs.yml": "site_name: Docs\n",
                 "docs/index.md": "# Руководство\n\n- [Введение](#введение)\n"
                                  "- [Установка](#установка-pre-commit)\n- [Нет](#нет-такого)\n"
                                  "- [other](other.md#обзор)\n\n"
                                  "## Введение\n\nТекст.\n\n## Установка pre-commit\n\nТекст.\n",
                 "docs/other.md": "# Другая\n\n## Обзор\n\nТекст.\n"}
        repo = self.repo(files)
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 1, r.stderr)
        got = [(x["line"], x["col"], x["msg"]) for x in diags(r.stderr)]
        self.assertEqual(got, [
            ("3", "3", "anchor '#введение' not found on this page: MkDocs gives the heading 'Введение' (line 8) "
                       "the id '#_2', as its toc slugify drops letters outside ASCII; link to '#_2', or set toc's "
                       "slugify to one that keeps them (markdown.extensions.toc.slugify_unicode)"),
            ("4", "3", "anchor '#установка-pre-commit' not found on this page: MkDocs gives the heading "
                       "'Установка pre-commit' (line 12) the id '#pre-commit', as its toc slugify drops letters "
                       "outside ASCII; link to '#pre-commit', or set toc's slugify to one that keeps them "
                       "(markdown.extensions.toc.slugify_unicode)"),
            ("5", "3", "anchor '#нет-такого' not found on this page"),
            ("6", "3", "anchor '#обзор' not found in docs/other.md: MkDocs gives the heading 'Обзор' (line 3) the "
                       "id '#_2', as its toc slugify drops letters outside ASCII; link to '#_2', or set toc's "
                       "slugify to one that keeps them (markdown.extensions.toc.slugify_unicode)")], r.stderr)
        if shutil.which("mkdocs"):  # the ids named are those MkDocs gives
            mout = os.path.join(self.tmpdir(), "mkdocs")
            m = subprocess.run(["mkdocs", "build", "--quiet", "--config-file", os.path.join(repo, "mkdocs.yml"),
                                "--site-dir", mout], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=300, cwd=repo)
            self.assertEqual(m.returncode, 0, m.stderr)
            self.assertEqual(mkdocs_ids(mout, "index.html")[1:], ["_2", "pre-commit"])
            self.assertEqual(mkdocs_ids(mout, "other/index.html")[1:], ["_2"])
        # with slugify_unicode the links are right: nothing to say
        files["mkdocs.yml"] = ("site_name: Docs\nmarkdown_extensions:\n  - toc:\n"
                               "      slugify: !!python/name:markdown.extensions.toc.slugify_unicode\n")
        r = run("check", "--repo", self.repo(files), "--now", NOW)
        self.assertEqual([x["msg"] for x in diags(r.stderr)], ["anchor '#нет-такого' not found on this page"])

    def test_a_slugify_almanac_does_not_follow_is_a_warning(self):
        files = dict(PAGES, **{"mkdocs.yml": "site_name: Payments\nmarkdown_extensions:\n  - toc:\n"
                                             "      slugify: !!python/name:our_site.slugify\n"})
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        w = [x for x in diags(r.stderr) if x["code"] == "layout"]
        self.assertEqual([(x["file"], x["line"], x["sev"]) for x in w], [("mkdocs.yml", "4", "warning")], r.stderr)
        self.assertIn("'python/name:our_site.slugify' is not one Almanac follows", w[0]["msg"])
        # ids follow the default slugify
        self.assertEqual(almanac_ids(out, "other/index.html"), ["setup", "setup_1", "steps-steps"])

    def test_toc_search_and_cache_follow_the_ids(self):
        files = dict(PAGES, **{"mkdocs.yml": MKDOCS_YML})
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        ids = almanac_ids(out, "other/index.html")
        self.assertEqual(ids, ["setup", "setup_1", "steps"])
        page = read(os.path.join(out, "other/index.html"))
        # the "On this page" links land on the headings
        self.assertEqual(re.findall(r'<li class="toc-h\d"><a href="#([^"]*)"', page), ids)
        # so do search results' section links: the search index names the same ids
        sections = None
        for f in glob.glob(os.path.join(out, "search", "m", "*.json")):
            for doc in json.loads(read(f)):
                if doc[0] == "other/":
                    sections = doc[5]
        self.assertIsNotNone(sections)
        self.assertEqual([a for a in sections[0::3] if a], ids)
        # the ids are part of the rendered-page cache's key: a new separator re-renders the page
        write(repo, "mkdocs.yml", MKDOCS_YML + "  - toc:\n      separator: '_'\n")
        write(repo, "docs/other.md", PAGES["docs/other.md"].replace("## Setup\n\nMore", "## Set up\n\nMore"))
        git(repo, "commit", "-qam", "Underscores", date="2026-10-02T09:00:00Z")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(almanac_ids(out, "other/index.html"), ["setup", "set_up", "steps"])
        # a page whose text did not change too (the cache had it)
        self.assertEqual(almanac_ids(out, "index.html")[:3], ["title", "title_1", "punctuation_ab_c_ds_e"])


# Planes 0-3 and 14 (every assigned character lives there), ASCII aside (the pages above), 128 to a
# heading.
CODE_POINTS = [c for r in (range(0x80, 0x40000), range(0xE0000, 0xF0000)) for c in r if not 0xD800 <= c <= 0xDFFF]


class EveryCodePoint(RepoTestCase):
    def test_every_code_point_as_mkdocs(self):
        if not shutil.which("mkdocs"):
            self.skipTest("mkdocs is not installed (tools/deps.sh TEST_PACKAGES installs it)")
        def page(code_points):
            return "# Code points\n\n" + "".join("## x" + "".join(chr(c) for c in code_points[i:i + 128]) + " y\n\n"
                                                 for i in range(0, len(code_points), 128))
        collapses = markdown_collapses_white_space()
        toc = {"default": None, "unicode": "!!python/name:markdown.extensions.toc.slugify_unicode"}
        if has_pymdownx():
            toc.update({
                "uslugify": "!!python/name:pymdownx.slugs.uslugify",
                "gfm": "!!python/name:pymdownx.slugs.gfm",
                "fold-nfkd-percent": "!!python/object/apply:pymdownx.slugs.slugify "
                                     "{kwds: {case: fold, normalize: NFKD, percent_encode: true}}",
                "cased-nfd": "!!python/object/apply:pymdownx.slugs.slugify {kwds: {normalize: NFD}}",
            })
        else:
            print("pymdown-extensions is not installed for mkdocs: its slugify functions are not compared")
        for name, slugify in toc.items():
            yml = "site_name: S\n" + ("markdown_extensions:\n  - toc:\n      slugify: " + slugify + "\n" if slugify else "")
            points = CODE_POINTS
            if slugify and "pymdownx" in slugify and not collapses:
                # runs of white space differ between Python-Markdown 3.4 and 3.6 (see above)
                points = [c for c in CODE_POINTS if not chr(c).isspace()]
            repo = self.repo({"mkdocs.yml": yml, "docs/index.md": page(points)})
            out = os.path.join(self.tmpdir(), "site")
            r = run("build", "--repo", repo, "--out", out, "--now", NOW)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(diags(r.stderr), [], name)
            mout = os.path.join(self.tmpdir(), "mkdocs")
            m = subprocess.run(["mkdocs", "build", "--quiet", "--site-dir", mout], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=300, cwd=repo)
            self.assertEqual(m.returncode, 0, m.stderr)
            want, got = mkdocs_ids(mout, "index.html")[1:], almanac_ids(out, "index.html")
            self.assertEqual(len(got), len(want), name)
            wrong = [(i, w, g) for i, (w, g) in enumerate(zip(want, got)) if w != g]
            self.assertEqual(wrong[:3], [], f"{name}: {len(wrong)} headings differ (first code point of each: "
                             f"{[hex(points[i * 128]) for i, _, _ in wrong[:10]]})")


if __name__ == "__main__":
    main()
