"""Hostile input, part two (issue 17): resources, active files, outputs, serve.

A pull request must not be able to take a CI build down or turn the site
against its readers. Each case below is one finding of the review, generated
here (too large or too odd to commit) and asserted on its safe outcome:

- Markdown that would cost too much (a 5,000-column table, a 5 MB line of
  autolinks, a link reference used 200,000 times, a million ')' after a URL,
  thousands of links between emphasis marks) is bounded, reported as
  `too-large` at its place, and the page still published (tables and
  over-budget pages as text); SIGTERM stops a build in the middle of them;
- HTML, SVG and XML files beside the pages are not published (an SVG shown as
  an image is written into the page as a data: URL) unless the configuration
  opts in;
- catastrophic regular expressions in the configuration are config errors at
  their line and column;
- CSV cells are not formulas; text diagnostics cannot be CI commands;
- every JSON, XML and HTML output stays valid for file names that are not
  UTF-8 or hold control characters, and links to such pages work;
- `almanac serve` answers only to its own host names, never redirects off
  site, and closed long polls do not stall it.

Every subprocess has a timeout: a hang fails the test. Run on the sanitizer
build, the same tests prove there is no memory error or leak on these inputs,
including the pages whose rendering is given up half way."""
import csv
import glob
import html.parser
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import almanac_testlib  # noqa: E402
from almanac_testlib import BIN, RepoTestCase, git, main, read, tree_bytes, write  # noqa: E402

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "SUMMARY: UndefinedBehavior")
NOW = "2026-11-01"
DATE = "2026-10-01T09:00:00Z"
LIMIT = 240  # generous: the sanitizer build is several times slower, and CI machines are shared


def run(*args, **kw):
    """almanac_testlib.run, failing on any sanitizer report."""
    kw.setdefault("timeout", LIMIT)
    r = almanac_testlib.run(*args, **kw)
    for mark in SANITIZER_MARKS:
        if mark in r.stderr:
            raise AssertionError("sanitizer report from almanac %s:\n%s" % (" ".join(args), r.stderr[-4000:]))
    return r


def diag_lines(stderr):
    """The diagnostics of a run (not almanac's own summary lines)."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("almanac:")]


def line_of(text, needle):
    """1-based line of the first occurrence of `needle` in `text`."""
    return text[:text.index(needle)].count("\n") + 1


class Links(html.parser.HTMLParser):
    """Every href/src of a document, decoded."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.urls = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.urls.append((tag, k, v))


class Site(RepoTestCase):
    def build(self, files, *args, config=None):
        if config is not None:
            files = dict(files, **{"almanac.yml": config})
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, *args)
        return repo, out, r

    def page(self, out, url):
        return read(os.path.join(out, url, "index.html"))

    def body(self, out, url):
        return self.page(out, url).split('<div class="content">', 1)[1].split("</article>", 1)[0]


WIDE = "|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n" + "a\n" * 5000  # the review's 30 KB table
TOO_LARGE_TABLE = ("warning[too-large]: table of %d columns and %d row%s (%d cells) is over the limit of 256 "
                   "columns and 100000 cells: it is shown as text")


class MarkdownLimits(Site):
    """(2) Markdown: table size, links per line, output size and slow paths are bounded."""

    def test_wide_and_long_tables_are_shown_as_text(self):
        small = "| name | value |\n|---|---|\n| one | 1 |\n"
        at_limit = "|" + "c|" * 256 + "\n|" + "-|" * 256 + "\n|" + "x|" * 256 + "\n"   # 256 columns: a table
        long_ = "| k | v |\n|---|---|\n" + "| x | y |\n" * 60000                      # 2 x 60,001 cells
        quoted = "> |" + "q|" * 300 + "\n> |" + "-|" * 300 + "\n"                     # in a block quote
        fenced = "```\n|" + "f|" * 300 + "\n|" + "-|" * 300 + "\n```\n"               # code: left alone
        text = ("# Tables\n\n" + small + "\n" + WIDE + "\nAfter the wide table.\n\n" + at_limit + "\n" + long_ +
                "\n" + quoted + "\n" + fenced)
        repo, out, r = self.build({"content/index.md": "# Home\n\n[tables](tables.md)\n", "content/tables.md": text})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([l for l in diag_lines(r.stderr) if "too-large" in l], [
            "content/tables.md:%d:1: " % line_of(text, "|a|a|") + TOO_LARGE_TABLE % (5000, 5001, "s", 25005000),
            "content/tables.md:%d:1: " % line_of(text, "| k | v |") + TOO_LARGE_TABLE % (2, 60001, "s", 120002),
            "content/tables.md:%d:3: " % line_of(text, "> |q|") + TOO_LARGE_TABLE % (300, 1, "", 300)])
        body = self.body(out, "content/tables/")
        # the small table and the one at the limit are tables; the others are their text
        self.assertEqual(body.count("<table>"), 2)
        self.assertEqual(body.count("<th>c</th>"), 256)
        self.assertIn("<p>|a|a|a|", body)
        self.assertIn("<p>After the wide table.</p>", body)
        self.assertIn("| x | y |", body)
        self.assertIn("<blockquote>\n<p>|q|q|", body)
        # a wide "table" in a code block is shown exactly as written (no backslash added)
        self.assertIn("<code>|f|f|", body)
        self.assertNotIn("\\|", body)
        # the review's table wrote a 250 MB page; text is the size of the input
        self.assertLess(len(body), 3 * len(text))

    def test_many_links_on_one_line(self):
        # positions used to be found by rescanning the line for each link: over 15 minutes for these 5 MB
        autolinks = "www.example.com/x " * 280000
        inline = "[a](index.md) " * 40000
        text = "# Links\n\n" + autolinks + "[gone](missing.md)\n\n" + inline + "[gone](missing.md)\n"
        repo, out, r = self.build({"content/index.md": "# Home\n\n[links](links.md)\n", "content/links.md": text})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([l for l in diag_lines(r.stderr) if "broken-link" in l], [
            "content/links.md:3:%d: error[broken-link]: link target 'missing.md' not found" % (len(autolinks) + 1),
            "content/links.md:5:%d: error[broken-link]: link target 'missing.md' not found" % (len(inline) + 1)])
        html_text = self.page(out, "content/links/")
        self.assertEqual(html_text.count('<a href="http://www.example.com/x">'), 280000)
        self.assertEqual(html_text.count('<a href="../../">a</a>'), 40000)

    def test_link_reference_expansion_is_bounded(self):
        # 800 KB that expand to 2 GB of HTML: cmark-gfm used to abort() the build past 1 GB
        text = "# Bomb\n\n[a]: /" + "x" * 10000 + "\n\n" + "[a] " * 200000 + "\n"
        repo, out, r = self.build({"content/index.md": "# Home\n\n[bomb](bomb.md) [ok](ok.md)\n",
                                   "content/bomb.md": text, "content/ok.md": "# Fine\n\n[home](index.md)\n"})
        self.assertEqual(r.returncode, 0, r.stderr)
        budget = (64 << 20) + 128 * len(text)
        self.assertIn("content/bomb.md:1:1: warning[too-large]: formatting this page needs more than its %d MiB of "
                      "memory (64 MiB plus 128 bytes per byte of text, at most 512 MiB): it is published as plain "
                      "text\n" % (budget >> 20), r.stderr)
        body = self.body(out, "content/bomb/")
        self.assertIn('<pre class="too-large"><code># Bomb\n\n[a]: /xxxx', body)
        self.assertLess(len(body), 2 * len(text))
        self.assertIn('<a href="../../">home</a>', self.page(out, "content/ok/"))

    def test_autolink_scans_are_bounded(self):
        # each trailing ')' used to be removed after counting the link's parentheses: quadratic
        text = "# Parens\n\nsee www.example.com/" + ")" * 1000000 + "\n\nmail a@b.co and www.example.org\n"
        repo, out, r = self.build({"content/index.md": "# Home\n\n[p](parens.md)\n", "content/parens.md": text})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("content/parens.md:3:21: warning[too-large]: too many '@' or ')' in long words to look for "
                      "web and e-mail addresses in time: bare addresses on this page are not made into links\n",
                      r.stderr)
        body = self.body(out, "content/parens/")
        self.assertIn("<p>mail a@b.co and www.example.org</p>", body)

    def test_links_between_emphasis_marks(self):
        # each link that closes walks back over the paragraph's open emphasis marks (cmark-gfm 0.29.0.gfm.6)
        para = "[a](index.md) *b* " * 30000
        text = "# Dense\n\n" + para + "\n\nAn ordinary [link](index.md) *here*.\n"
        repo, out, r = self.build({"content/index.md": "# Home\n\n[d](dense.md)\n", "content/dense.md": text})
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"content/dense\.md:3:1: warning\[too-large\]: too many links after emphasis marks \(\*, _, ~\) "
                      r"in one paragraph: formatting it would take too long \((\d+) steps, at most (\d+)\): the "
                      r"page is published as plain text\n", r.stderr)
        self.assertIsNotNone(m, r.stderr)
        self.assertEqual(int(m.group(2)), (4 << 20) + len(text))  # 4 Mi steps and one per byte of text
        self.assertIn("An ordinary [link](index.md) *here*.", self.body(out, "content/dense/"))
        # an ordinary dense paragraph is not affected, nor a long page of them
        ok = ("[a](index.md) *b* " * 20 + "\n\n") * 2000
        repo, out, r = self.build({"content/index.md": "# Home\n\n[d](dense.md)\n", "content/dense.md": ok})
        self.assertNotIn("too-large", r.stderr)
        self.assertEqual(self.body(out, "content/dense/").count("<em>b</em>"), 40000)

    def test_sigterm_stops_the_markdown_phase(self):
        # 24 pages that each take cmark a while; SIGTERM as the Markdown phase starts
        files = {"content/index.md": "# Home\n"}
        for i in range(24):
            files["content/p%02d.md" % i] = "# P\n\n" + "[a](index.md) x " * 30000 + "\n"
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        env = dict(os.environ, ALMANAC_TIMING="1")
        p = subprocess.Popen([BIN, "build", "--repo", repo, "--out", out, "--now", NOW, "--no-git-dates"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        lines = []
        for line in p.stderr:
            lines.append(line)
            if "read+front matter" in line:
                p.send_signal(signal.SIGTERM)
                break
        rest = p.stderr.read()
        p.stderr.close()
        p.wait(LIMIT)
        err = "".join(lines) + rest
        for mark in SANITIZER_MARKS:
            self.assertNotIn(mark, err)
        self.assertEqual(p.returncode, 130, err)
        self.assertRegex(err, r"almanac: build failed: 1 error \(1 interrupted\).*; %s was not changed" % re.escape(out))
        self.assertFalse(os.path.exists(out))
        self.assertEqual(glob.glob(os.path.join(os.path.dirname(out), ".almanac-tmp-*")), [])
        # it stopped within a page, not after all 24 (each takes tens of milliseconds or more)
        m = re.search(r"stopped ([0-9.]+) ms wall, ([0-9.]+) ms cpu after the signal", err)
        self.assertIsNotNone(m, err)
        markdown = re.search(r"markdown +([0-9.]+) ms wall +([0-9.]+) ms cpu", err)
        self.assertIsNotNone(markdown, err)


ACTIVE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
              '<rect width="10" height="10"/></svg>\n')
NOT_PUBLISHED = ("warning[active-asset]: not published: browsers run the scripts in HTML, SVG and XML files, with "
                 "the whole site in reach (active_assets in almanac.yml)")


class ActiveFiles(Site):
    """(3) HTML, SVG and XML files beside the pages are not published unless the configuration says so."""

    FILES = {
        "content/index.md": "# Home\n\n![diagram](d.svg)\n\n[report](report.html) [the diagram](d.svg)\n\n"
                            "<img src=\"d.svg\">\n",
        "content/d.svg": ACTIVE_SVG,
        "content/unused.svg": ACTIVE_SVG,
        "content/report.html": "<html><script>fetch('/drafts/').then(r => r.text())</script></html>\n",
        "content/feed.xml": '<x:html xmlns:x="http://www.w3.org/1999/xhtml"><x:script>alert(3)</x:script></x:html>\n',
        "content/photo.png": "\x89PNG fake",
    }

    def test_active_files_are_withheld_and_svg_images_inlined(self):
        repo, out, r = self.build(self.FILES)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([l for l in diag_lines(r.stderr) if "active-asset" in l], [
            "content/feed.xml:0:0: " + NOT_PUBLISHED,
            "content/index.md:5:1: warning[active-asset]: link target 'report.html' is not published: browsers run "
            "the scripts in HTML, SVG and XML files, with the whole site in reach (active_assets in almanac.yml)",
            "content/index.md:5:23: warning[active-asset]: link target 'd.svg' is not published: browsers run the "
            "scripts in HTML, SVG and XML files, with the whole site in reach (active_assets in almanac.yml)",
            "content/report.html:0:0: " + NOT_PUBLISHED,
            "content/unused.svg:0:0: " + NOT_PUBLISHED])
        site = tree_bytes(out)
        for name in ("d.svg", "unused.svg", "report.html", "feed.xml"):
            self.assertNotIn(os.path.join("content", name), site)
        self.assertIn(os.path.join("content", "photo.png"), site)
        # the image shows: the SVG is in the page as a data: URL, where a browser runs none of its scripts
        import base64
        data = "data:image/svg+xml;base64," + base64.b64encode(ACTIVE_SVG.encode()).decode()
        urls = Links(read(os.path.join(out, "index.html"))).urls
        self.assertIn(("img", "src", data), urls)
        # the links lost their targets
        self.assertNotIn(("a", "href", "report.html"), urls)
        self.assertEqual([u for u in urls if u[0] == "a" and u[2] in ("report.html", "d.svg")], [])

    def test_raw_html_images_are_inlined_too(self):
        repo, out, r = self.build(self.FILES, config="raw_html: true\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        urls = Links(read(os.path.join(out, "index.html"))).urls
        self.assertEqual(len([u for u in urls if u[0] == "img" and u[2].startswith("data:image/svg+xml;base64,")]), 2)

    def test_publish_and_skip(self):
        repo, out, r = self.build(self.FILES, config="active_assets: publish\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("active-asset", r.stderr)
        site = tree_bytes(out)
        for name in ("d.svg", "unused.svg", "report.html", "feed.xml"):
            self.assertIn(os.path.join("content", name), site)
        self.assertIn(("a", "href", "content/report.html"), Links(read(os.path.join(out, "index.html"))).urls)
        repo, out, r = self.build(self.FILES, config="active_assets: skip\n")
        self.assertIn("content/index.md:3:1: warning[active-asset]: image 'd.svg' is not published", r.stderr)
        self.assertNotIn("data:image/svg", read(os.path.join(out, "index.html")))
        repo, out, r = self.build(self.FILES, config="active_assets: sometimes\n")
        self.assertIn("almanac.yml:1:16: error[config]: 'active_assets' must be 'image', 'skip' or 'publish'",
                      r.stderr)

    def test_many_withheld_files_are_summed_up(self):
        files = {"content/index.md": "# Home\n"}
        for i in range(30):
            files["content/api/p%02d.html" % i] = "<p>generated</p>\n"
        repo, out, r = self.build(files, "--verbose")  # every warning, not ten of each kind
        lines = [l for l in diag_lines(r.stderr) if "active-asset" in l]
        self.assertEqual(len(lines), 21)
        self.assertEqual(lines[-1], "content/api/p20.html:0:0: warning[active-asset]: not published, nor 9 more HTML, "
                                    "SVG and XML files after it (active_assets in almanac.yml)")


    def test_withheld_files_leave_almanacs_own_files_in_place(self):
        # a Jekyll site's 404.html and sitemap.xml (Liquid templates) at the root of a plain repository:
        # not published, so Almanac's 404 page and sitemap are written (they were dropped for files that
        # were never written, and the site had no 404 page at all)
        files = {"README.md": "# Handbook\n", "guide.md": "# Guide\n",
                 "404.html": "---\npermalink: /404.html\n---\n<h1>404</h1>\n",
                 "sitemap.xml": "---\n---\n<urlset>{% for p in site.pages %}{% endfor %}</urlset>\n"}
        repo, out, r = self.build(files)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("output-dropped", r.stderr)
        self.assertEqual(diag_lines(r.stderr), ["404.html:0:0: " + NOT_PUBLISHED, "sitemap.xml:0:0: " + NOT_PUBLISHED])
        self.assertIn('class="sidebar', read(os.path.join(out, "404.html")))  # Almanac's, with the theme
        self.assertIn("Page not found", read(os.path.join(out, "404.html")))
        self.assertIn("guide/</loc>", read(os.path.join(out, "sitemap.xml")))
        # published on request: the repository's files win, and the notes say so
        repo, out, r = self.build(files, config="active_assets: publish\n")
        self.assertEqual(read(os.path.join(out, "404.html")), files["404.html"])
        self.assertEqual([l.split(": note")[0] for l in diag_lines(r.stderr) if "output-dropped" in l],
                         ["404.html:1:1", "sitemap.xml:1:1"])


class Regexes(Site):
    """(2) Catastrophic patterns in the configuration are config errors at the pattern."""

    def test_backtracking_exclude_pattern(self):
        files = {"content/index.md": "# Home\n"}
        for i in range(300):
            files["content/%s%d.md" % ("a" * 30, i)] = "# P\n"
        # not caught when loaded (its subject would have to start with content/): the match limit stops it
        repo, out, r = self.build(files, config='title: X\nexclude:\n  - "^content/(a|aa)+$"\n')
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(diag_lines(r.stderr)[0],
                         "almanac.yml:3:5: error[config]: pattern in 'exclude' needs more than 1000000 backtracking "
                         "steps to match 'content/%s0.md': make it simpler (no nested repetition such as (a+)+ or "
                         "(.*x){n})" % ("a" * 30))
        self.assertFalse(os.path.exists(out))

    def test_catastrophic_patterns_are_refused_when_loaded(self):
        repo = self.repo({"content/index.md": "# Home\n",
                          "almanac.yml": 'exclude: ["(a+)+$"]\nfreshness:\n  ignore_authors: ["(.*a){25}"]\n'})
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 1, r.stderr)
        why = ("it backtracks catastrophically (more than 1000000 steps on a 65-character path); avoid nested "
               "repetition such as (a+)+ or (.*x){n}")
        self.assertEqual(diag_lines(r.stderr)[:2], [
            "almanac.yml:1:11: error[config]: invalid pattern in 'exclude': " + why,
            "almanac.yml:3:20: error[config]: invalid pattern in 'freshness.ignore_authors': " + why])

    def test_owners_filters_are_bounded(self):
        # OWNERS files (Kubernetes style) come from the repository too: their filters are matched with the
        # same limits; a catastrophic one is refused with a warning, a sound one still names approvers
        files = {"content/index.md": "# Home\n",
                 "content/OWNERS": 'approvers: [alice]\nfilters:\n  "(a+)+$":\n    approvers: [mallory]\n'
                                   '  "\\\\.md$":\n    approvers: [bob]\n'}
        for i in range(50):
            files["content/%s%d.md" % ("a" * 40, i)] = "# P\n"
        repo = self.repo(files)
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("content/OWNERS:4:1: warning[owners]: filter '(a+)+$' is ignored: it backtracks "
                      "catastrophically", r.stderr)
        r = run("report", "--repo", repo, "--now", NOW, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        docs = {d["path"]: d for d in json.loads(r.stdout)["documents"]}
        self.assertEqual(docs["content/%s7.md" % ("a" * 40)]["owner"], "alice, bob")


class Outputs(Site):
    """(3) CSV cells, CI logs and every JSON/XML/HTML output for any file name."""

    def test_csv_cells_are_not_formulas(self):
        repo = self.repo({"content/index.md": "# Home\n",
                          "content/a.md": '---\ntitle: "=HYPERLINK(\\"http://evil.example/\\",\\"x\\")"\n'
                                          'owner: "@SUM(1+1)"\n---\nText.\n',
                          "content/-b.md": "---\ntitle: \"\\tTab\"\nowner: \"+cmd|' /C calc'!A0\"\n---\nText.\n"})
        write(repo, "content/a.md", read(os.path.join(repo, "content/a.md")) + "More.\n")
        git(repo, "commit", "-q", "-am", "-2+3", date=DATE)
        r = run("report", "--repo", repo, "--now", NOW, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {row["path"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
        self.assertEqual(rows["content/a.md"]["title"], "'=HYPERLINK(\"http://evil.example/\",\"x\")")
        self.assertEqual(rows["content/a.md"]["owner"], "'@SUM(1+1)")
        self.assertEqual(rows["content/-b.md"]["owner"], "'+cmd|' /C calc'!A0")
        self.assertEqual(rows["content/-b.md"]["title"], "'\tTab")
        self.assertEqual(rows["content/a.md"]["last_commit_summary"], "'-2+3")
        # numbers stay numbers
        self.assertEqual(rows["content/a.md"]["review_interval_days"], "180")
        for row in rows.values():
            for k, v in row.items():
                self.assertFalse(v[:1] in ("=", "+", "-", "@", "\t", "\r"), (k, v))

    def test_text_diagnostics_are_not_ci_commands(self):
        repo = self.repo({"index.md": "# Home\n\n[x](::stop-commands::x.md)\n",
                          "::stop-commands::x.md": "[gone](missing.md)\n",
                          "##[add-mask]y.md": "[gone](missing.md)\n"})
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 1, r.stderr)
        for line in r.stderr.splitlines():
            self.assertFalse(line.lstrip().startswith("::"), line)  # GitHub Actions: a workflow command
            self.assertNotIn("##[", line)                          # GitHub Actions (v1) and Azure Pipelines
        self.assertIn("\\x3a:stop-commands::x.md:1:1: error[broken-link]: link target 'missing.md' not found",
                      r.stderr)
        self.assertIn("#\\x23[add-mask]y.md:1:1: error[broken-link]: link target 'missing.md' not found", r.stderr)
        # --format github: the file is a property, escaped (':' is %3A)
        r = run("check", "--repo", repo, "--now", NOW, "--format", "github")
        self.assertIn("::error file=%3A%3Astop-commands%3A%3Ax.md,line=1,col=1,title=broken-link::link target "
                      "'missing.md' not found\n", r.stdout + r.stderr)
        # the text report too (an owner is a group name at the start of a line)
        repo = self.repo({"content/index.md": "---\nowner: \"::stop-commands::x\"\n---\n# Home\n"})
        r = run("report", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("\\x3a:stop-commands::x", r.stdout)
        for line in r.stdout.splitlines():
            self.assertFalse(line.lstrip().startswith("::"), line)

    NAMES = [b"bad\x80byte", b"ff\xffx", b"ctl\x01x", b"new\nline", b"quo\"te'", b"lt<gt>&amp", b"over\xc0\xafx",
             b"sp ace", b"per%cent", b"q?x#y"]

    def test_any_file_name_gives_valid_outputs(self):
        repo = self.repo({"content/index.md": "# Home\n"})
        for n in self.NAMES:
            with open(os.path.join(repo.encode(), b"content", n + b".md"), "wb") as f:
                f.write(b"---\nalerts: [A" + str(self.NAMES.index(n)).encode() + b"]\n---\nBody.\n")
            with open(os.path.join(repo.encode(), b"content", n + b".png"), "wb") as f:
                f.write(b"\x89PNG")
        from urllib.parse import quote_from_bytes
        links = b"".join(b"[p](" + quote_from_bytes(n).encode() + b".md) " for n in self.NAMES)
        with open(os.path.join(repo, "content", "index.md"), "wb") as f:
            f.write(b"# Home\n\n" + links + b"\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Odd names", date=DATE)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("broken-link", r.stderr)
        # every output parses, and is UTF-8 without control characters in HTML and XML
        jsons = [os.path.join(out, "freshness.json")] + glob.glob(os.path.join(out, "search", "**", "*.json"),
                                                                  recursive=True)
        if os.path.exists(os.path.join(out, "alerts.json")):
            jsons.append(os.path.join(out, "alerts.json"))
        for path in jsons:
            with open(path, "rb") as f:
                json.loads(f.read().decode("utf-8"))
        with open(os.path.join(out, "sitemap.xml"), "rb") as f:
            xml.dom.minidom.parseString(f.read())
        for path, data in tree_bytes(out).items():
            if path.endswith(".html"):
                text = data.decode("utf-8")
                bad = [c for c in text if (ord(c) < 32 and c not in "\t\n\r") or ord(c) == 0x7f]
                self.assertEqual(bad, [], path)
        for fmt in ("json", "csv", "text", "html"):
            r = run("report", "--repo", repo, "--now", NOW, "--format", fmt)
            self.assertEqual(r.returncode, 0, r.stderr)
            if fmt == "json":
                json.loads(r.stdout)
        r = run("check", "--repo", repo, "--now", NOW, "--format", "json")
        json.loads(r.stdout or r.stderr)
        # each link of the home page leads to a page that exists (invalid bytes are U+FFFD in the address)
        home = read(os.path.join(out, "index.html")).split('<div class="content">', 1)[1].split("</div>", 1)[0]
        hrefs = [v for t, k, v in Links(home).urls if t == "a" and k == "href" and v.startswith("content/")]
        self.assertEqual(len(hrefs), len(self.NAMES))
        from urllib.parse import unquote
        for h in hrefs:
            self.assertTrue(os.path.isfile(os.path.join(out, unquote(h), "index.html")), h)
        # and the URLs in freshness.json and sitemap.xml are the same addresses
        fj = json.loads(read(os.path.join(out, "freshness.json")))
        for d in fj["documents"]:
            self.assertTrue(os.path.isfile(os.path.join(out, unquote(d["url"]), "index.html")), d["url"])
        locs = re.findall(r"<loc>([^<]*)</loc>", read(os.path.join(out, "sitemap.xml")))
        for loc in locs:
            import html as htmlmod
            self.assertTrue(os.path.isfile(os.path.join(out, unquote(htmlmod.unescape(loc)), "index.html")), loc)


class Serve(RepoTestCase):
    """(4) serve: Host header, redirects, long polls that hang up."""

    def setUp(self):
        super().setUp()
        self.repo_dir = self.repo({"content/index.md": "# Home\n\n[a](docs/a.md)\n",
                                   "content/docs/a.md": "# A\n",
                                   "content/evil.example.com/index.md": "# A folder named like a host\n"})
        self.proc = subprocess.Popen([BIN, "serve", "--repo", self.repo_dir, "--port", "0", "--now", NOW],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        self.port = None
        deadline = time.monotonic() + LIMIT
        for line in self.proc.stderr:
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
            if time.monotonic() > deadline:
                break
        self.assertIsNotNone(self.port, "serve printed no address")

    def tearDown(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rest = self.proc.stderr.read()
        self.proc.stderr.close()
        for mark in SANITIZER_MARKS:
            self.assertNotIn(mark, rest)
        super().tearDown()

    def raw(self, data, timeout=20):
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
            return out

    def get(self, path, host, timeout=20):
        return self.raw(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, host)).encode(), timeout)

    def test_host_header_must_name_this_server(self):
        p = self.port
        for host in ("127.0.0.1:%d" % p, "localhost:%d" % p, "LOCALHOST:%d" % p, "[::1]:%d" % p):
            self.assertTrue(self.get("/", host).startswith(b"HTTP/1.1 200"), host)
        # DNS rebinding: a web page at evil.example.com resolving to 127.0.0.1 must not read the drafts
        for host in ("evil.example.com:%d" % p, "evil.example.com", "127.0.0.1:%d" % (p + 1), "localhost.evil:%d" % p,
                     "127.0.0.1:%d.evil" % p):
            r = self.get("/", host)
            self.assertTrue(r.startswith(b"HTTP/1.1 403"), (host, r[:200]))
            self.assertNotIn(b"Home", r)
        r = self.get("/__almanac/status", "evil.example.com:%d" % p)
        self.assertTrue(r.startswith(b"HTTP/1.1 403"), r[:200])

    def test_redirects_stay_on_this_server(self):
        host = "127.0.0.1:%d" % self.port
        r = self.get("/content/docs/a", host)
        self.assertIn(b"\r\nLocation: /content/docs/a/\r\n", r)
        # "//evil.example.com" is a host to a browser: the redirect is to the folder of this server
        r = self.get("//content/evil.example.com", host)
        self.assertTrue(r.startswith(b"HTTP/1.1 301"), r[:200])
        loc = re.search(rb"\r\nLocation: ([^\r]*)\r\n", r).group(1)
        self.assertEqual(loc, b"/content/evil.example.com/")

    def test_closed_long_polls_do_not_stall_other_clients(self):
        # 300 long polls (each waits up to 25 s for a build), each closed by its client at once
        host = "127.0.0.1:%d" % self.port
        req = ("GET /__almanac/status?since=999999 HTTP/1.1\r\nHost: %s\r\n\r\n" % host).encode()
        for _ in range(300):
            with socket.create_connection(("127.0.0.1", self.port), timeout=20) as s:
                s.sendall(req)
        # a page is still served: within 10 s (they used to hold every connection for 25 s)
        t0 = time.monotonic()
        r = self.get("/", host, timeout=10)
        self.assertTrue(r.startswith(b"HTTP/1.1 200"), r[:200])
        self.assertLess(time.monotonic() - t0, 10)


if __name__ == "__main__":
    main()
