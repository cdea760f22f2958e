#!/usr/bin/env python3
"""Integration test of the links the renderer gives templates: a page whose
file name has a space or '#' is linked from the sidebar with those bytes
percent-encoded (a raw '#' would cut the link short), and page.tag_links[]
gives each tag's search link with the tag percent-encoded as a query value.

Env: ALMANAC_BIN = the binary (skips with exit code 77 when unset/missing)."""

import os
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ.get("ALMANAC_BIN", "")

PAGE_META = """\
<dl class="page-meta">{{#page.tag_links}}<a class="tag" href="{{url}}">{{name}}</a>{{/page.tag_links}}</dl>
"""


def git(repo, *args):
    env = dict(os.environ)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "HOME": repo, "GIT_CONFIG_GLOBAL": os.devnull,
                "GIT_AUTHOR_DATE": "2026-10-01T10:00:00Z", "GIT_COMMITTER_DATE": "2026-10-01T10:00:00Z"})
    subprocess.run(["git", "-C", repo, "-c", "user.name=Ann Admin", "-c", "user.email=ann@example.com", *args],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write(repo, path, text):
    full = os.path.join(repo, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


class RenderHrefs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        repo = cls.repo = os.path.join(cls.tmp.name, "repo")
        os.makedirs(repo)
        git(repo, "init", "-q", "-b", "main")
        write(repo, "almanac.yml", "title: Ops\n")
        write(repo, "runbooks/ops/disk full #1.md", "---\ntitle: Disk full\n---\n\nFree space.\n")
        write(repo, "runbooks/ops/other.md",
              "---\ntitle: Other\ntags: [disk full, 'a&b#c', plain]\n---\n\nSee [disk](disk%20full%20%231.md).\n")
        write(repo, "themes/default/templates/page-meta.mustache", PAGE_META)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "pages")
        cls.out = os.path.join(cls.tmp.name, "site")
        cls.run_result = subprocess.run([BIN, "build", "--repo", repo, "--out", cls.out, "--now", "2026-11-01",
                                         "--quiet"], capture_output=True, text=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def read(self, rel):
        with open(os.path.join(self.out, rel), encoding="utf-8") as f:
            return f.read()

    def test_build_ok(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stderr)

    def test_sidebar_href_is_percent_encoded(self):
        page = self.read("runbooks/ops/other/index.html")
        self.assertIn('href="../disk%20full%20%231/"', page)
        self.assertNotIn('href="../disk full #1/"', page)
        # the page exists where the link leads
        self.assertTrue(os.path.isfile(os.path.join(self.out, "runbooks/ops/disk full #1/index.html")))

    def test_body_link_to_a_name_with_hash_is_encoded(self):
        page = self.read("runbooks/ops/other/index.html")
        body = page[page.index('<div class="content'):] if '<div class="content' in page else page
        # the Markdown link [disk](disk%20full%20%231.md): its '#' must stay encoded in the page URL
        self.assertIn('<a href="../disk%20full%20%231/">disk</a>', body)
        self.assertNotIn('href="../disk%20full%20#1/"', page)

    def test_freshness_page_links_are_percent_encoded(self):
        # years later every page is stale and listed under "needs attention", linked by URL
        out = os.path.join(self.tmp.name, "later")
        r = subprocess.run([BIN, "build", "--repo", self.repo, "--out", out, "--now", "2030-01-01", "--quiet"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "freshness/index.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertIn('href="../runbooks/ops/disk%20full%20%231/"', page)
        self.assertNotIn('href="../runbooks/ops/disk full #1/"', page)

    def test_tag_links_are_percent_encoded(self):
        page = self.read("runbooks/ops/other/index.html")
        self.assertIn('<a class="tag" href="../../../search/?q=disk%20full">disk full</a>', page)
        self.assertIn('<a class="tag" href="../../../search/?q=a%26b%23c">a&amp;b#c</a>', page)
        self.assertIn('<a class="tag" href="../../../search/?q=plain">plain</a>', page)


if __name__ == "__main__":
    if not BIN or not os.path.exists(BIN):
        print("ALMANAC_BIN not set or missing: skipping")
        sys.exit(77)
    unittest.main()
