#!/usr/bin/env python3
"""Markdown dialects end to end (issue 20): the fixture site tests/fixtures/dialects (every callout syntax,
tabs, a mermaid diagram, code, the safe HTML subset) built from a real git repository; its diagnostics,
its search index and its pages in Debian's chromium (tests/browser/dialects.test.mjs: light, dark, print,
no JavaScript; screenshots in tests/browser/artifacts/ or $ALMANAC_ARTIFACTS); unsupported syntax warned
at its place; the vendored libraries match their checksums.

The browser part skips (saying so) when node, chromium or playwright-core is missing."""
import glob
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, main, run  # noqa: E402

SRC = os.environ.get("ALMANAC_SOURCE_ROOT") or os.path.join(os.path.dirname(__file__), "..", "..")
FIXTURE = os.path.join(SRC, "tests", "fixtures", "dialects")
BROWSER_DIR = os.path.join(SRC, "tests", "browser")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NOW = "2026-11-01"


def browser_missing():
    node = shutil.which("node")
    if not node:
        return "node is not installed"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    probe = ("const {createRequire}=require('module');const path=require('path');"
             "for(const b of process.argv.slice(1)){if(!b)continue;"
             "try{createRequire(path.join(b,'x.js')).resolve('playwright-core');process.exit(0)}catch(e){}}"
             "process.exit(1)")
    paths = [BROWSER_DIR, os.environ.get("PLAYWRIGHT_CORE_DIR", ""), "/tmp/search-bench"]
    if subprocess.run([node, "-e", probe, *paths]).returncode != 0:
        return "playwright-core is not installed (npm install --prefix tests/browser)"
    return None


def fixture_files():
    files = {}
    for path in glob.glob(os.path.join(FIXTURE, "**", "*"), recursive=True):
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                files[os.path.relpath(path, FIXTURE)] = f.read()
    return files


class DialectSite(RepoTestCase):
    def build(self, files):
        repo = self.repo(files)
        site = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", site, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        return repo, site, r

    def test_fixture_builds_clean_and_is_searchable(self):
        repo, site, r = self.build(fixture_files())
        # every construct of the fixture is rendered: nothing to warn about
        self.assertNotIn("warning[", r.stderr.replace("warning[orphan]", ""))
        html = open(os.path.join(site, "runbooks/everything/index.html"), encoding="utf-8").read()
        self.assertEqual(html.count('class="callout '), 13)
        self.assertNotIn("[!NOTE]", html)
        self.assertNotIn("{{", html)
        self.assertNotIn("!!!", html)
        # callout titles and text are the section's text in the search index (its snippets), and
        # their words are terms ("unreplicated", only in a MkDocs admonition, stems to "unrepl")
        blob = ""
        for path in glob.glob(os.path.join(site, "search", "m", "*.json")):
            blob += open(path, encoding="utf-8").read()
        self.assertIn("GitHub alert: a note. GitHub alert: a tip.", blob)
        self.assertIn("caution, see the plain page. Data loss MkDocs", blob)
        self.assertNotIn("[!NOTE]", blob)
        terms = b"".join(open(p, "rb").read() for p in glob.glob(os.path.join(site, "search", "t", "*.bin")))
        self.assertIn(b"unrepl", terms)

    def test_vendored_libraries_ship_only_when_used(self):
        """A site without diagrams or highlighted code carries no vendored library; one with a diagram
        carries mermaid (and its licence), one with code highlight.js."""
        def vendor(site):
            root = os.path.join(site, "assets", "vendor")
            return sorted(os.listdir(root)) if os.path.isdir(root) else []
        _, plain, _ = self.build({"runbooks/a.md": "# A\n\n> [!NOTE]\n> text\n\n```\nno language\n```\n"})
        self.assertEqual(vendor(plain), [])
        _, code, _ = self.build({"runbooks/a.md": "# A\n\n```yaml\na: 1\n```\n"})
        self.assertEqual(vendor(code), ["highlight"])
        _, both, _ = self.build({"runbooks/a.md": "# A\n\n```mermaid\ngraph LR; a-->b\n```\n\n```sh\nls\n```\n"})
        self.assertEqual(vendor(both), ["highlight", "mermaid"])
        self.assertTrue(os.path.isfile(os.path.join(both, "assets", "vendor", "mermaid", "LICENSE")))

    def test_unsupported_syntax_is_warned_at_its_place(self):
        _, _, r = self.build({
            "runbooks/a.md": "---\ntitle: A\n---\n# A\n\nText {{< youtube abc >}} and {{< youtube def >}}.\n\n"
                             "--8<-- \"footer.md\"\n\n<iframe src=\"https://x.example/\"></iframe>\n\n:::note\nopen\n",
        })
        lines = [l for l in r.stderr.splitlines() if "warning[" in l and "orphan" not in l]
        self.assertEqual(lines, [
            "runbooks/a.md:6:6: warning[shortcode]: Hugo shortcode 'youtube' is not rendered by Almanac; "
            "it shows as written",
            "runbooks/a.md:8:1: warning[dialect]: MkDocs snippets ('--8<--') are not included by Almanac; "
            "the line shows as written",
            "runbooks/a.md:10:1: warning[raw-html]: <iframe> is omitted: raw HTML is limited to a safe set of "
            "tags unless raw_html is on (see the manual's Markdown page)",
            "runbooks/a.md:12:1: warning[dialect]: ':::note' block is never closed (a line ':::' ends it); "
            "it runs to the end of its container",
        ])

    def test_check_reports_the_same_as_build(self):
        """check (no HTML written) finds what build finds inside a callout: a broken link and omitted HTML."""
        repo, _, r = self.build({"runbooks/a.md": "# A\n\n!!! note\n    [x](missing.md) <marquee>m</marquee>\n"})
        c = run("check", "--repo", repo, "--now", NOW, "--format", "json")
        found = [(d["line"], d["column"], d["code"]) for d in json.loads(c.stdout)["diagnostics"]
                 if d["code"] != "orphan"]
        self.assertEqual(found, [(4, 5, "broken-link"), (4, 21, "raw-html")])
        self.assertIn("runbooks/a.md:4:21: warning[raw-html]: <marquee> is omitted", r.stderr)

    def test_vendored_files_match_their_checksums(self):
        p = subprocess.run([os.path.join(SRC, "tools", "vendor"), "--check"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("16 files match", p.stdout)

    def test_in_a_browser(self):
        why = browser_missing()
        if why:
            print(f"skipping the browser check: {why}")
            self.skipTest(why)
        _, site, _ = self.build(fixture_files())
        artifacts = os.environ.get("ALMANAC_ARTIFACTS") or os.path.join(BROWSER_DIR, "artifacts")
        p = subprocess.run(["node", os.path.join(BROWSER_DIR, "dialects.test.mjs"), "--site", site,
                            "--artifacts", artifacts],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        print(p.stdout)
        if p.returncode == 77:
            self.skipTest(p.stdout.strip())
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn(" 0 failed", p.stdout)
        for shot in ("dialects-light.png", "dialects-dark.png", "dialects-print.png", "dialects-nojs.png"):
            self.assertTrue(os.path.getsize(os.path.join(artifacts, shot)) > 10000, shot)


if __name__ == "__main__":
    main()
