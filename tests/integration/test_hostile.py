"""Hostile input (issue 9): Almanac never crashes, hangs, leaks or injects on
hostile input, never writes outside its output folder and never loses a good
site. The fixtures are in tests/hostile/ (see its README.md); inputs too big
or too odd to commit (a 50 MB page, 10,000 headings, symbolic links, a file
name with markup in it, 1,500 pages to interrupt) are generated here.

Every subprocess has a timeout: a hang fails the test instead of stalling CI.
Run under the sanitizer build (-Dsanitize=true) the same tests prove there
is no memory error, undefined behaviour or leak on any of these inputs."""
import glob
import html.parser
import json
import os
import re
import urllib.parse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import almanac_testlib  # noqa: E402
from almanac_testlib import BIN, RepoTestCase, git, main, read, tree_bytes, write  # noqa: E402

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "SUMMARY: UndefinedBehavior")


def run(*args, **kw):
    """almanac_testlib.run, failing on any sanitizer report (the -Dsanitize=true build)."""
    r = almanac_testlib.run(*args, **kw)
    for mark in SANITIZER_MARKS:
        if mark in r.stderr:
            raise AssertionError("sanitizer report from almanac %s:\n%s" % (" ".join(args), r.stderr[-4000:]))
    return r


SRC = os.environ.get("ALMANAC_SOURCE_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
HOSTILE = os.path.join(SRC, "tests", "hostile")
NOW = "2026-11-01"
DATE = "2026-10-01T09:00:00Z"
# generous: the sanitizer build is several times slower, and CI machines are shared
LIMIT = 240


def commit_all(repo, date=DATE, message="Import"):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


def copy_fixture_repo(dest_parent, config=None):
    """A git repository holding tests/hostile/site (byte-exact), in one dated commit."""
    repo = os.path.join(dest_parent, "repo")
    shutil.copytree(os.path.join(HOSTILE, "site"), repo, symlinks=True)
    if config is not None:
        write(repo, "almanac.yml", config)
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo)
    return repo


def diag_lines(stderr):
    return [line for line in stderr.splitlines() if line.strip()]


def page(out, url):
    return read(os.path.join(out, url, "index.html"))


class Tags(html.parser.HTMLParser):
    """Every start tag of a document with its attributes, and the text inside
    some elements (title, h1, dd, span, a, p, SVG text and desc), decoded."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.texts = {}
        self._in = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("title", "h1", "text", "desc", "dd", "time", "span", "a", "p"):
            self._in.append([tag, ""])

    def handle_endtag(self, tag):
        for i in range(len(self._in) - 1, -1, -1):
            if self._in[i][0] == tag:
                t, s = self._in.pop(i)
                self.texts.setdefault(t, []).append(s)
                break

    def handle_data(self, data):
        for item in self._in:
            item[1] += data


def assert_no_script_vectors(test, text, where):
    """No event-handler attribute, no javascript:/vbscript:/data: URL, no
    embedding element and no <script> other than the theme's own in an HTML
    document."""
    doc = Tags(text)
    for tag, attrs in doc.tags:
        test.assertNotIn(tag, ("iframe", "object", "embed", "frame"), "%s: <%s>" % (where, tag))
        for name, value in attrs.items():
            test.assertFalse(name.startswith("on"), "%s: <%s %s=...> event handler" % (where, tag, name))
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                v = "".join(ch for ch in value if ch > " ").lower()
                test.assertFalse(v.startswith(("javascript:", "vbscript:")), "%s: %s=%r" % (where, name, value))
                if v.startswith("data:"):
                    test.assertTrue(tag == "img" and v.startswith("data:image/png"), "%s: %s=%r" % (where, name, value))
        if tag == "script":
            test.assertTrue(not attrs or attrs.get("src", "").endswith(
                ("assets/almanac.js", "assets/search.js", "assets/live.js", "assets/code.js", "assets/diagram.js",
                 "assets/tabs.js")) or
                (set(attrs) == {"data-almanac-404", "data-scripts"} and
                 attrs["data-scripts"] in ("assets/almanac.js", "assets/almanac.js assets/search.js")),
                "%s: <script %r>" % (where, attrs))
    # the theme's inline scripts are fixed text, not page data
    for body in text.split("<script>")[1:]:
        test.assertEqual(body.split("</script>")[0], "document.documentElement.classList.add('js')",
                         "%s: inline script" % where)
    for body in re.split(r"<script data-almanac-404 [^>]*>", text)[1:]:
        test.assertEqual(body.split("</script>")[0], NOTFOUND_SCRIPT, "%s: the 404 page's script" % where)


def _notfound_script():
    """The script of the built-in 404 template (fixed text: the site root finder)."""
    src = os.environ.get("ALMANAC_SOURCE_ROOT") or os.path.join(os.path.dirname(__file__), "..", "..")
    with open(os.path.join(src, "themes", "default", "templates", "404.mustache"), encoding="utf-8") as f:
        t = f.read()
    return re.split(r"<script data-almanac-404 [^>]*>", t)[1].split("</script>")[0]


NOTFOUND_SCRIPT = _notfound_script()


class FixtureSite(RepoTestCase):
    """One copy of tests/hostile/site, checked and built once for the class."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="almanac-hostile-")
        cls.repo_dir = copy_fixture_repo(cls.tmp)
        t0 = time.monotonic()
        cls.check = run("check", "--repo", cls.repo_dir, "--now", NOW, timeout=LIMIT)
        cls.check_seconds = time.monotonic() - t0
        cls.out = os.path.join(cls.tmp, "site")
        cls.build = run("build", "--repo", cls.repo_dir, "--out", cls.out, "--now", NOW, timeout=LIMIT)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)


class BadInput(FixtureSite):
    """(1) Bad input gets a clear diagnostic and the build goes on."""

    def test_check_reports_every_fixture_exactly(self):
        expected = read(os.path.join(HOSTILE, "expected-check.txt")).splitlines()
        self.assertEqual(self.check.returncode, 1, self.check.stderr)
        self.assertEqual(diag_lines(self.check.stderr), expected)

    def test_build_goes_on_and_strict_stops(self):
        self.assertEqual(self.build.returncode, 0, self.build.stderr)
        self.assertRegex(self.build.stderr, r"almanac: built 17 pages into %s; 18 errors \(" % re.escape(self.out))
        # the same findings with the same severities: a build that is not --strict goes on anyway
        expected = [l for l in read(os.path.join(HOSTILE, "expected-check.txt"))
                    .splitlines() if not l.startswith("almanac check:")]
        self.assertEqual(diag_lines(self.build.stderr)[:-1], expected)
        out2 = os.path.join(self.tmp, "strict")
        r = run("build", "--repo", self.repo_dir, "--out", out2, "--now", NOW, "--strict", timeout=LIMIT)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("almanac: build failed: --strict and 18 errors (", r.stderr)
        self.assertIn("%s was not changed" % out2, r.stderr)
        self.assertFalse(os.path.exists(out2))

    def test_invalid_yaml_keeps_the_page(self):
        for name in ("yaml-invalid", "yaml-alias-bomb", "yaml-deep", "yaml-deep-block", "fm-tabs"):
            html_text = page(self.out, "content/input/%s/" % name)
            self.assertIn("The body is still published.", html_text, name)

    def test_alias_bomb_and_deep_nesting_are_bounded(self):
        # 9^10 strings if aliases were expanded, 5,000 nested flow lists: refused at once
        self.assertLess(self.check_seconds, 60)
        self.assertIn("content/input/yaml-alias-bomb.md:4:10: error[yaml]: YAML aliases (*name) are not supported here",
                      self.check.stderr)

    def test_unclosed_front_matter_is_body(self):
        html_text = page(self.out, "content/input/fm-unclosed/")
        self.assertIn("title: Never closed", html_text)
        self.assertIn("The whole file is the body.", html_text)

    def test_bom(self):
        html_text = page(self.out, "content/input/bom/")
        self.assertIn("<title>With a BOM · Hostile</title>", html_text)
        self.assertIn('id="first-section"', html_text)
        for path, data in tree_bytes(self.out).items():
            self.assertNotIn(b"\xef\xbb\xbf", data, path)

    def test_crlf(self):
        html_text = page(self.out, "content/input/crlf/")
        self.assertIn("<title>CRLF page · Hostile</title>", html_text)
        self.assertIn('id="windows-section"', html_text)
        self.assertIn('href="../bom/#first-section"', html_text)
        self.assertNotIn("\r", html_text)

    def test_invalid_utf8_becomes_replacement_characters(self):
        html_text = page(self.out, "content/input/invalid-utf8/")
        self.assertIn("Latin-1 caf\ufffd and a lone continuation \ufffd byte.", html_text)
        self.assertIn("Overlong \ufffd\ufffd\ufffd, surrogate \ufffd\ufffd\ufffd, too large \ufffd\ufffd\ufffd\ufffd, "
                      "five bytes \ufffd\ufffd\ufffd\ufffd\ufffd.", html_text)
        self.assertIn("Ol\ufffd</h2>", html_text)
        # the whole site is valid UTF-8 (search postings are binary)
        for path, data in tree_bytes(self.out).items():
            if not path.endswith(".bin"):
                data.decode("utf-8")

    def test_nul_bytes_and_binary_files_are_skipped(self):
        for name in ("nul-bytes", "binary"):
            self.assertFalse(os.path.exists(os.path.join(self.out, "content/input", name)), name)
        self.assertNotIn("nul-bytes", read(os.path.join(self.out, "sitemap.xml")))

    def test_deep_lists_quotes_and_pathological_inlines(self):
        for name in ("deep-lists", "deep-quotes", "pathological"):
            html_text = page(self.out, "content/input/%s/" % name)
            self.assertIn("<title>%s · Hostile</title>" % {"deep-lists": "Deep lists", "deep-quotes": "Deep quotes",
                                                          "pathological": "Pathological inlines"}[name], html_text)
        self.assertEqual(page(self.out, "content/input/deep-lists/").count("bottom"), 2)
        self.assertEqual(page(self.out, "content/input/deep-quotes/").count("bottom"), 2)


class GeneratedInput(RepoTestCase):
    """(1) continued: inputs generated by the test."""

    def test_50_mb_page_is_refused_by_the_documented_limit(self):
        repo = self.repo({"content/index.md": "# Home\n\n[big](big.md)\n"})
        line = "word " * 19 + "word\n"
        with open(os.path.join(repo, "content", "big.md"), "w") as f:
            f.write(line * (50 * 1024 * 1024 // len(line) + 1))
        commit_all(repo, message="A 50 MB page")
        out = os.path.join(self.tmpdir(), "site")
        t0 = time.monotonic()
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertLess(time.monotonic() - t0, 120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("content/big.md:1:1: error[too-large]: file is larger than the 16 MiB limit for a page; "
                      "it is skipped", r.stderr)
        # the link to it says why it does not work
        self.assertIn("content/index.md:3:1: error[link-to-draft]", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "big")))
        self.assertTrue(os.path.exists(os.path.join(out, "index.html")))

    def test_huge_front_matter_is_bounded(self):
        keys = "".join("k%d: v\n" % i for i in range(50000))
        repo = self.repo({"content/index.md": "# Home\n\n[keys](keys.md) [items](items.md)\n",
                          "content/keys.md": "---\n" + keys + "---\nBody.\n",
                          "content/items.md": "---\ntags: [" + ",".join(["t"] * 1100000) + "]\n---\nBody.\n"})
        t0 = time.monotonic()
        r = run("check", "--repo", repo, "--now", NOW, timeout=LIMIT)
        self.assertLess(time.monotonic() - t0, 120)
        self.assertEqual(diag_lines(r.stderr), [
            "content/items.md:2:2000004: error[yaml]: YAML document too large (more than 1000000 values)",
            "content/keys.md:10002:1: error[yaml]: YAML mapping with more than 10000 keys",
            "almanac check: 3 pages, 2 errors, 0 warnings"])

    def test_watches_glob_with_many_double_stars(self):
        deep = "/".join(["d"] * 40) + "/y.conf"
        glob_ = "/".join(["**"] * 20) + "/x.conf"
        repo = self.repo({"content/index.md": "# Home\n", deep: "a\n",
                          "content/page.md": "---\nwatches: [\"%s\"]\n---\nText.\n" % glob_})
        write(repo, deep, "b\n")
        commit_all(repo, date="2026-10-20T09:00:00Z", message="Change the deep file")
        t0 = time.monotonic()
        r = run("build", "--repo", repo, "--out", os.path.join(self.tmpdir(), "site"), "--now", NOW, timeout=LIMIT)
        self.assertLess(time.monotonic() - t0, 60)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_10000_headings(self):
        body = "".join("## Step\n\nDo it.\n\n" for _ in range(10000))
        repo = self.repo({"content/index.md": "# Home\n", "content/long.md": "# Long\n\n" + body +
                          "[last](#step-9999) [first](#step)\n"})
        out = os.path.join(self.tmpdir(), "site")
        t0 = time.monotonic()
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertLess(time.monotonic() - t0, 120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("broken-anchor", r.stderr)
        html_text = page(out, "content/long/")
        ids = [a["id"] for t, a in Tags(html_text).tags if t == "a" and a.get("class") == "anchor"]
        self.assertEqual(ids, ["step"] + ["step-%d" % i for i in range(1, 10000)])

    def test_unknown_partial_is_a_warning(self):
        repo = copy_fixture_repo(self.tmpdir())
        os.makedirs(os.path.join(repo, "themes", "default", "templates"))
        shutil.copy(os.path.join(HOSTILE, "themes", "unknown-partial", "guide.mustache"),
                    os.path.join(repo, "themes", "default", "templates", "guide.mustache"))
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("guide:2:1: warning[unknown-partial]: unknown partial 'base-missing'", r.stderr)
        self.assertIn("<h1>With a BOM</h1>", page(out, "content/input/bom/"))

    def test_template_syntax_error_fails_and_keeps_the_previous_site(self):
        repo = copy_fixture_repo(self.tmpdir())
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT).returncode, 0)
        before = tree_bytes(out)
        os.makedirs(os.path.join(repo, "themes", "default", "templates"))
        shutil.copy(os.path.join(HOSTILE, "themes", "syntax-error", "guide.mustache"),
                    os.path.join(repo, "themes", "default", "templates", "guide.mustache"))
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("guide:3:7: error[template-syntax]: tag name 'title}</h1> {{/page' contains whitespace\n",
                      r.stderr)
        # one closing line names what failed the build
        self.assertIn("almanac: build failed: 1 error (1 template-syntax), the first at guide; %s was not changed"
                      % out, r.stderr)
        self.assertEqual(tree_bytes(out), before)
        self.assertEqual(glob.glob(os.path.join(os.path.dirname(out), ".almanac-tmp-*")), [])

    def test_empty_repository(self):
        repo = tempfile.mkdtemp(prefix="almanac-empty-")
        self._cleanup.append(repo)
        git(repo, "init", "-q", "-b", "main")
        out = os.path.join(self.tmpdir(), "site")
        for args in (("build", "--out", out), ("check",), ("report", "--format", "json")):
            r = run(*args, "--repo", repo, "--now", NOW, timeout=LIMIT)
            self.assertEqual(r.returncode, 0, (args, r.stderr))
        self.assertTrue(os.path.exists(os.path.join(out, "index.html")))
        j = json.loads(run("report", "--format", "json", "--repo", repo, "--now", NOW).stdout)
        self.assertEqual(j["summary"]["documents"], 0)

    def test_repository_without_commits(self):
        repo = tempfile.mkdtemp(prefix="almanac-nocommit-")
        self._cleanup.append(repo)
        git(repo, "init", "-q", "-b", "main")
        write(repo, "content/index.md", "# Home\n")
        write(repo, "content/a.md", "# A page\n")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(read(os.path.join(out, "freshness.json")))
        self.assertEqual([(d["path"], d["status"]) for d in j["documents"]],
                         [("content/a.md", "uncommitted"), ("content/index.md", "uncommitted")])

    def test_bare_repository(self):
        bare = tempfile.mkdtemp(prefix="almanac-bare-")
        self._cleanup.append(bare)
        git(bare, "init", "-q", "--bare")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", bare, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(diag_lines(r.stderr), [
            "%s:0:0: error[repository]: this is a bare repository: Almanac needs a work tree with the Markdown files"
            % bare, "almanac: build failed: 1 error (1 repository), the first at %s; %s was not changed" % (bare, out)])
        self.assertFalse(os.path.exists(out))


class Injection(FixtureSite):
    """(2) No injection."""

    def test_raw_html_is_omitted_by_default(self):
        """Raw HTML off: the allowlist sanitizer keeps the safe tags without their handlers (div, img,
        span, a) and omits script, style and iframe with their content (each warned: expected-check.txt)."""
        html_text = page(self.out, "content/injection/raw-html/")
        body = html_text.split('<div class="content">', 1)[1].split("</article>", 1)[0]
        for bad in ("alert(", "onclick", "onerror", "onmouseover", "<iframe", "<style", "<script", "display: none"):
            self.assertNotIn(bad, body)
        self.assertIn("<p>Before the block.</p>", body)
        self.assertIn("<div>A div with a handler.</div>", body)
        self.assertIn('<p>Inline <img src="x"> HTML and <span>a span</span>.</p>', body)
        self.assertIn('A raw link: <a href="">click</a> and <a href="../../input/bom/">a good one</a>.', body)
        self.assertIn("<p>After the block.</p>", body)
        assert_no_script_vectors(self, html_text, "raw-html")

    def test_raw_html_opt_in(self):
        repo = copy_fixture_repo(self.tmpdir(), config="title: Hostile\nraw_html: true\n")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        html_text = page(out, "content/injection/raw-html/")
        body = html_text.split('<div class="content">', 1)[1]
        # the site owner opted in to raw HTML, not to scripts: the broader allowlist still drops
        # event handlers, and script, style and iframe with their content
        self.assertIn("<div>A div with a handler.</div>", body)
        for bad in ("alert('block script')", "<iframe", "evil.example", "display: none", "onclick", "onerror"):
            self.assertNotIn(bad, body.split("</article>")[0])
        assert_no_script_vectors(self, html_text, "raw-html (raw_html: true)")
        # links in raw HTML are checked like Markdown links: javascript: is dropped, .md rewritten
        self.assertIn('A raw link: <a href="">click</a> and <a href="../../input/bom/">a good one</a>.', body)
        # an SVG data URL hidden behind a tab is not taken for a raster image (fuzz_links found it)
        self.assertIn('An SVG hidden behind a tab: <img src="" alt="svg">.', body)

    def test_unsafe_link_schemes_are_neutralised(self):
        doc = Tags(page(self.out, "content/injection/schemes/").split('<div class="content">', 1)[1].split("</ol>")[0])
        links = [(t, a.get("href", a.get("src"))) for t, a in doc.tags if t in ("a", "img")]
        self.assertEqual(links, [("a", "")] * 10 + [
            ("img", ""), ("img", ""), ("img", "data:image/png;base64,iVBORw0KGgo="),
            ("a", "https://example.com/ok"), ("a", "../../input/bom/")])

    def test_front_matter_values_are_text_in_every_context(self):
        html_text = page(self.out, "content/injection/front-matter/")
        assert_no_script_vectors(self, html_text, "front-matter page")
        doc = Tags(html_text)
        title = "</title><script>alert('title')</script>"
        description = "\" onmouseover=\"alert('description')\" x=\""
        owner = "<img src=x onerror=alert('owner')>"
        tag = "\"><script>alert('tag')</script>"
        # HTML text
        self.assertEqual(doc.texts["title"], [title + " · Hostile"])
        self.assertIn(title, doc.texts["h1"])
        self.assertIn(owner, doc.texts["dd"])
        self.assertIn("reviewed 2026-10-01 by <svg onload=alert('reviewer')>", doc.texts["span"])
        # attributes
        metas = [a for t, a in doc.tags if t == "meta" and a.get("name") == "description"]
        self.assertEqual(metas, [{"name": "description", "content": description}])
        # URLs: the tag stays inside the search link's query
        tag_links = [a["href"] for t, a in doc.tags if t == "a" and a.get("class") == "tag"]
        self.assertEqual(len(tag_links), 2)
        for href in tag_links:
            self.assertTrue(href.startswith("../../../search/?q="), href)
        # percent-encoded as a query value: the tag can neither end the attribute nor cut the query
        self.assertEqual(tag_links[0], "../../../search/?q=" + urllib.parse.quote(tag, safe=""))
        # template syntax in a value is not evaluated
        self.assertNotIn("{{", html_text.replace("{{site.title}}", ""))

    def test_search_index_and_report_json_carry_values_as_data(self):
        title = "</title><script>alert('title')</script>"
        owner = "<img src=x onerror=alert('owner')>"
        found = False
        for path in glob.glob(os.path.join(self.out, "search", "**", "*.json"), recursive=True):
            raw = open(path, "rb").read()
            self.assertNotIn(b"<", raw, path)  # \u003c: safe even if a page ever inlines the JSON
            found |= title in json.dumps(json.loads(raw), ensure_ascii=False)
        self.assertTrue(found, "title not in the search metadata")
        j = json.loads(read(os.path.join(self.out, "freshness.json")))
        doc = [d for d in j["documents"] if d["path"] == "content/injection/front-matter.md"][0]
        self.assertEqual((doc["title"], doc["owner"]), (title, owner))

    def test_inline_svg_and_report_pages(self):
        owner = "<img src=x onerror=alert('owner')>"
        escaped = "&lt;img src=x onerror=alert(&#39;owner&#39;)&gt;: 100.0% fresh of 1 page."
        report_page = page(self.out, "freshness/")
        assert_no_script_vectors(self, report_page, "freshness page")
        charts = [c.split("</svg>")[0] for c in report_page.split('<svg xmlns="http://www.w3.org/2000/svg"')[1:]]
        self.assertTrue(any(escaped in c for c in charts), "owner not in an inline SVG chart as text")
        r = run("report", "--repo", self.repo_dir, "--format", "html", "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        assert_no_script_vectors(self, r.stdout, "report --format html")
        self.assertIn(escaped, r.stdout)
        self.assertIn(owner, "".join(sum(Tags(r.stdout).texts.values(), [])))

    def test_config_urls_must_be_http(self):
        repo = copy_fixture_repo(self.tmpdir(), config='title: Hostile\nrepo_url: "javascript:alert(1)//"\n'
                                                       'base_url: " JavaScript:alert(2)"\n')
        r = run("check", "--repo", repo, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(diag_lines(r.stderr), [
            "almanac.yml:2:11: error[config]: 'repo_url' must be an http:// or https:// URL",
            "almanac.yml:3:11: error[config]: 'base_url' must be an http:// or https:// URL"])

    def test_search_client_inserts_text_only(self):
        js = read(os.path.join(SRC, "themes", "default", "assets", "search.js"))
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment",
                     "DOMParser", "eval(", "new Function", "setTimeout('", 'setTimeout("'):
            self.assertNotIn(sink, js, "search.js uses %s" % sink)
        self.assertIn("document.createElement(tag)", js)

    def test_markup_in_a_file_name(self):
        repo = self.repo({"content/index.md": "# Home\n",
                          "content/\"><svg onload=alert(1)>.md": "Body.\n",
                          "content/a&b <i>.md": "---\ntitle: Amp\n---\nBody.\n"})
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        for path, data in tree_bytes(out).items():
            if path.endswith(".html"):
                assert_no_script_vectors(self, data.decode("utf-8"), path)
        xml.dom.minidom.parseString(open(os.path.join(out, "sitemap.xml"), "rb").read())
        # without content folders a page at the root is linked from the home page as it is named:
        # its URL must not read as a scheme ("<!--" makes the rest a comment in a javascript: URL)
        repo = self.repo({"index.md": "# Home\n", "javascript:alert(document.domain)<!--.md": "# Evil\n",
                          "mailto:x@example.com.md": "# Mail\n"})
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        home = read(os.path.join(out, "index.html"))
        assert_no_script_vectors(self, home, "home page")
        self.assertIn('href="./javascript:alert(document.domain)&lt;!--/"', home)
        self.assertIn('href="./mailto:x@example.com/"', home)


class Escape(RepoTestCase):
    """(3) No escape from the repository or the output folder."""

    def setUp(self):
        super().setUp()
        self.repo_dir = copy_fixture_repo(self.tmpdir())
        esc = os.path.join(self.repo_dir, "content", "escape")
        os.symlink("/etc/passwd", os.path.join(esc, "passwd.md"))
        os.symlink("/etc", os.path.join(esc, "etc"))
        os.symlink("../input/bom.md", os.path.join(esc, "inside.md"))
        os.symlink("loop.md", os.path.join(esc, "loop.md"))
        os.symlink("nowhere.md", os.path.join(esc, "dangling.md"))
        theme = os.path.join(self.repo_dir, "themes", "default")
        os.makedirs(os.path.join(theme, "assets"))
        os.makedirs(os.path.join(theme, "templates"))
        os.symlink("/etc/hostname", os.path.join(theme, "assets", "leak.txt"))
        os.symlink("/etc/passwd", os.path.join(theme, "templates", "guide.mustache"))
        commit_all(self.repo_dir, message="Symbolic links")

    def test_symlinks_outside_are_not_followed(self):
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.repo_dir, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        outside = "symbolic link points outside the repository: not followed"
        for rel, why in (("content/escape/dangling.md", "symbolic link points to nothing: not followed"),
                         ("content/escape/etc", outside),
                         ("content/escape/loop.md", "symbolic link loops (or chains more than 40 links): not followed"),
                         ("content/escape/passwd.md", outside), ("themes/default/assets/leak.txt", outside),
                         ("themes/default/templates/guide.mustache", outside)):
            self.assertIn("%s:0:0: warning[symlink]: %s\n" % (rel, why), r.stderr)
        site = tree_bytes(out)
        self.assertNotIn("assets/leak.txt", site)
        self.assertFalse(os.path.exists(os.path.join(out, "content", "escape", "passwd")))
        with open("/etc/passwd", "rb") as f:
            first = f.readline().strip()
        for path, data in site.items():
            self.assertNotIn(first, data, path)
        # a link inside the repository is followed: the page is published under its own name
        self.assertIn("<title>With a BOM · Hostile</title>", page(out, "content/escape/inside/"))

    def test_links_related_and_aliases_outside_are_errors(self):
        r = run("check", "--repo", self.repo_dir, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 1)
        expected = [l for l in read(os.path.join(HOSTILE, "expected-check.txt")).splitlines()
                    if l.startswith("content/escape/paths.md:")]
        self.assertEqual(len(expected), 9)
        got = [l for l in r.stderr.splitlines() if l.startswith("content/escape/paths.md:")]
        self.assertEqual(got, expected)

    def test_nothing_is_written_outside_the_output(self):
        base = self.tmpdir()
        out = os.path.join(base, "a", "b", "site")
        r = run("build", "--repo", self.repo_dir, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        # only the output folder was created under base
        self.assertEqual(sorted(os.listdir(base)), ["a"])
        self.assertEqual(sorted(os.listdir(os.path.join(base, "a"))), ["b"])
        self.assertEqual(sorted(os.listdir(os.path.join(base, "a", "b"))), ["site"])
        for name in ("almanac-escape", "almanac-escape-2", "almanac-escape-3"):
            for d in (base, os.path.dirname(self.repo_dir), "/etc", "/", os.path.join(base, "a")):
                self.assertFalse(os.path.exists(os.path.join(d, name)), os.path.join(d, name))
            self.assertNotIn(name, "\n".join(tree_bytes(out)))
        # the good alias still redirects
        self.assertIn('url=../../content/escape/paths/', page(out, "moved/paths/"))

    def test_config_number_out_of_range(self):
        # fuzz_config found this one: the number overflowed an int cast (undefined behaviour)
        # (and a fraction of a day is refused, not truncated: review_interval says the same)
        write(self.repo_dir, "almanac.yml", "title: Hostile\nfreshness:\n  intervals:\n    criticality:\n"
              "      critical: 44444444444444444\n      high: 1e300\n      medium: 90.5\n")
        r = run("check", "--repo", self.repo_dir, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 1, r.stderr)
        msg = "error[config]: 'freshness.intervals.criticality' must be an interval such as 90d, 12w, 6m or 1y " \
              "(1 day to 100 years)"
        self.assertEqual(diag_lines(r.stderr), ["almanac.yml:5:17: " + msg, "almanac.yml:6:13: " + msg,
                                                "almanac.yml:7:15: " + msg])

    def test_config_paths_must_stay_inside(self):
        write(self.repo_dir, "almanac.yml",
              "title: Hostile\nalerts: ../../../etc/passwd\nfreshness:\n  ignore_revs: /etc/shadow\n")
        r = run("check", "--repo", self.repo_dir, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(diag_lines(r.stderr), [
            "almanac.yml:2:9: error[config]: 'alerts' must be a path inside the repository",
            "almanac.yml:4:16: error[config]: 'freshness.ignore_revs' must be a path inside the repository"])


class Publish(RepoTestCase):
    """(4) Nothing lost: unsafe output folders, atomic swap, interruption."""

    def setUp(self):
        super().setUp()
        self.base = self.tmpdir()
        self.repo_dir = os.path.join(self.base, "repo")
        os.makedirs(self.repo_dir)
        git(self.repo_dir, "init", "-q", "-b", "main")
        for rel, text in {"content/index.md": "# Home\n", "content/a.md": "# A\n", "runbooks/r.md": "# R\n"}.items():
            write(self.repo_dir, rel, text)
        commit_all(self.repo_dir)

    def refused(self, out, why):
        def files(d):  # the work tree; .git holds Almanac's history cache
            return {k: v for k, v in tree_bytes(d).items() if not k.startswith(".git" + os.sep) and
                    os.sep + ".git" + os.sep not in k}
        before = files(out) if os.path.isdir(out) else None
        r = run("build", "--repo", self.repo_dir, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 4, r.stderr)
        norm = os.path.normpath(out)
        self.assertIn("%s:0:0: error[output]: refusing to write the site here: %s\n" % (norm, why), r.stderr)
        if before is not None:
            self.assertEqual(files(out), before)
        self.assertEqual(glob.glob(os.path.join(os.path.dirname(norm), ".almanac-tmp-*")), [])

    def test_unsafe_output_folders_are_refused(self):
        self.refused(self.repo_dir, "it is the repository itself (or contains it)")
        self.refused(self.base, "it is the repository itself (or contains it)")
        self.refused(os.path.join(self.repo_dir, "content"), "it is a content folder (or contains one)")
        self.refused(os.path.join(self.repo_dir, "runbooks", "site"), "it is a content folder (or contains one)")
        self.refused(os.path.join(self.repo_dir, ".git", "site"), "it is inside .git")
        mine = self.tmpdir()
        write(mine, "thesis.txt", "years of work\n")
        self.refused(mine, "it is a non-empty folder that Almanac did not create (no .almanac-site marker); "
                           "empty it or choose another --out")
        self.refused(os.path.join(mine, "thesis.txt"), "it is a file")

    def test_a_site_almanac_made_is_replaced(self):
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(run("build", "--repo", self.repo_dir, "--out", out, "--now", NOW).returncode, 0)
        self.assertTrue(os.path.isfile(os.path.join(out, ".almanac-site")))
        write(self.repo_dir, "content/b.md", "# B\n")
        commit_all(self.repo_dir, date="2026-10-02T09:00:00Z")
        self.assertEqual(run("build", "--repo", self.repo_dir, "--out", out, "--now", NOW).returncode, 0)
        self.assertTrue(os.path.isfile(os.path.join(out, "content", "b", "index.html")))
        self.assertEqual(glob.glob(os.path.join(os.path.dirname(out), ".almanac-tmp-*")), [])


def handlers_installed(pid):
    """1 when the process catches SIGINT (its handler is installed)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    except OSError:
        pass
    return False


class Interrupt(RepoTestCase):
    """(4) An interrupted build leaves the previous site whole and no temporary folder."""

    PAGES = 1500

    @classmethod
    def setUpClass(cls):
        cls.base = tempfile.mkdtemp(prefix="almanac-interrupt-")
        cls.big = os.path.join(cls.base, "big")
        os.makedirs(cls.big)
        git(cls.big, "init", "-q", "-b", "main")
        write(cls.big, "content/index.md", "# Home\n")
        for i in range(cls.PAGES):
            write(cls.big, "content/s%02d/p%d.md" % (i % 30, i),
                  "---\ntitle: Page %d\nowner: team%d\n---\n%s\n\n## Steps\n\n1. one\n2. two\n\n[next](p%d.md)\n"
                  % (i, i % 7, "Restart the service number %d. " % i * 40, i + 30 if i + 30 < cls.PAGES else i))
        commit_all(cls.big)
        cls.small = make_small = os.path.join(cls.base, "small")
        os.makedirs(make_small)
        git(make_small, "init", "-q", "-b", "main")
        write(make_small, "content/index.md", "# The previous site\n")
        commit_all(make_small)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.base, ignore_errors=True)

    def interrupt(self, sig, when, env=None, args=()):
        """`when`: "load" (once the handlers are installed), "write" (once the temporary folder is
        there), "index" (once the sitemap is written: the pages are, and the search index is being
        written on its own thread), or a file's path (once it exists)."""
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.small, "--out", out, "--now", NOW, timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        before = tree_bytes(out)
        p = subprocess.Popen([BIN, "build", "--repo", self.big, "--out", out, "--now", NOW, "--quiet", *args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, **(env or {})))
        tmp_glob = os.path.join(os.path.dirname(out), ".almanac-tmp-*")
        deadline = time.monotonic() + LIMIT
        sent = False
        while p.poll() is None and time.monotonic() < deadline:
            ready = handlers_installed(p.pid) and (
                when == "load" or (os.path.exists(when) if os.path.isabs(when) else
                                   glob.glob(os.path.join(tmp_glob, "sitemap.xml") if when == "index" else tmp_glob)))
            if ready:
                p.send_signal(sig)
                sent = True
                break
            time.sleep(0.002)
        t0 = time.monotonic()
        _, err = p.communicate(timeout=LIMIT)
        stop_seconds = time.monotonic() - t0
        for mark in SANITIZER_MARKS:
            self.assertNotIn(mark, err)
        self.assertEqual(glob.glob(tmp_glob), [], "temporary folder left behind")
        if not sent or p.returncode == 0:
            # the build finished before the signal could be sent: it must have swapped atomically
            self.assertEqual(p.returncode, 0, err)
            self.assertTrue(os.path.exists(os.path.join(out, "content", "s00", "p0", "index.html")))
            return None
        self.assertIn(p.returncode, (130, 1), err)
        self.assertIn("almanac: build failed: 1 error (1 interrupted), the first at %s; %s was not changed"
                      % (out, out), err)
        self.assertEqual(tree_bytes(out), before)
        return stop_seconds

    def test_sigint_while_writing(self):
        s = self.interrupt(signal.SIGINT, "write")
        if s is not None:
            self.assertLess(s, 60)

    def test_sigterm_while_writing(self):
        self.interrupt(signal.SIGTERM, "write")

    def test_sigint_while_loading(self):
        self.interrupt(signal.SIGINT, "load")

    def test_sigint_while_the_index_waits_for_its_tokenizing(self):
        # The search index waits for the tokenizing a build starts early, which on a large site can
        # still run once every page is written. Ctrl-C then stops that tokenizing at its next pages
        # (it ran to the end before). The stemmer is slowed down here (tests/integration/slowstem.c:
        # 30 ms a word, about 20 s for these pages' words, one new word a page) and counts its calls;
        # --no-page-cache: the words the other tests' builds kept would not be stemmed again.
        shim = os.environ.get("ALMANAC_TEST_SLOWSTEM")
        if not shim or not os.path.exists(shim):
            self.skipTest("tests/integration/slowstem.c is not built (run through meson test)")
        count = os.path.join(self.tmpdir(), "stem-calls")
        env = {"LD_PRELOAD": shim, "SLOWSTEM_EACH_MS": "30", "SLOWSTEM_COUNT": count,
               "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}
        s = self.interrupt(signal.SIGINT, "index", env=env, args=("--no-page-cache",))
        self.assertIsNotNone(s, "the build ended before the signal")
        calls = int(read(count))
        self.assertLess(calls, self.PAGES // 2, "the tokenizing went on after Ctrl-C")

    def test_sigint_while_the_pages_are_read(self):
        # Ctrl-C while the pages are read and their front matter parsed: the reading stops at its next
        # pages (it read every page first: a work tree of 100,000 pages held the build for half a second).
        # Each front matter is slowed down (tests/integration/slowstem.c: 20 ms, 15 s for these pages)
        # and counted; the signal goes once 20 were parsed.
        shim = os.environ.get("ALMANAC_TEST_SLOWSTEM")
        if not shim or not os.path.exists(shim):
            self.skipTest("tests/integration/slowstem.c is not built (run through meson test)")
        count, mark = os.path.join(self.tmpdir(), "yaml-calls"), os.path.join(self.tmpdir(), "reading")
        env = {"LD_PRELOAD": shim, "SLOWYAML_EACH_MS": "20", "SLOWYAML_COUNT": count, "SLOWYAML_MARK": mark,
               "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"}
        s = self.interrupt(signal.SIGINT, mark, env=env, args=("--no-page-cache",))
        self.assertIsNotNone(s, "the build ended before the signal")
        calls = int(read(count))
        self.assertLess(calls, self.PAGES // 2, "the reading went on after Ctrl-C")

    def test_a_build_after_an_interruption_succeeds(self):
        self.interrupt(signal.SIGINT, "write")
        out = os.path.join(self.tmpdir(), "site2")
        r = run("build", "--repo", self.big, "--out", out, "--now", NOW, "--quiet", timeout=LIMIT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(out, "content", "s00", "p0", "index.html")))


if __name__ == "__main__":
    main()
