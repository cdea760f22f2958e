"""Cross-links: resolution, rewriting, anchors, diagnostics at the link's own
position, check's output formats, aliases, alert pages, backlinks, orphans.

The fixture site is tests/fixtures/links (copied into a temporary git
repository; gitignore.txt becomes its .gitignore). content/guides/broken.md
holds one example of every broken-link kind, content/guides/positions.md
broken links in every context where cmark-gfm's own positions are wrong, and
content/guides/writing.md every valid link form (it must produce nothing).
tests/fixtures/links/expected-check.txt is the exact output of `check`."""
import json
import os
import random
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, git, main, read, run, write  # noqa: E402

SRC = os.environ.get("ALMANAC_SOURCE_ROOT") or os.path.join(os.path.dirname(__file__), "..", "..")
FIXTURE = os.path.join(SRC, "tests", "fixtures", "links")
NOW = "2026-11-01"
LINK_CODES = {"broken-link", "broken-anchor", "link-to-draft", "link-outside-repo", "link-outside-content",
              "link-excluded"}
DIAG_RE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note)\[(?P<code>[^\]]+)\]: "
                     r"(?P<msg>.*)$")


def fixture_repo():
    repo = tempfile.mkdtemp(prefix="almanac-links-")
    shutil.rmtree(repo)
    shutil.copytree(FIXTURE, repo)
    os.remove(os.path.join(repo, "expected-check.txt"))
    os.rename(os.path.join(repo, "gitignore.txt"), os.path.join(repo, ".gitignore"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Links fixture", date="2026-10-01T09:00:00Z")
    return repo


def diags(stderr):
    return [m.groupdict() for m in map(DIAG_RE.match, stderr.splitlines()) if m]


def page(out, url):
    return read(os.path.join(out, url, "index.html"))


class Fixture(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        cls.repo_dir = fixture_repo()
        cls.check = run("check", "--repo", cls.repo_dir, "--now", NOW)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.repo_dir, ignore_errors=True)

    def source_line(self, rel, line):
        return read(os.path.join(self.repo_dir, rel)).split("\n")[line - 1]

    def test_check_output_is_exactly_the_expected_diagnostics(self):
        r = self.check
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        expected = read(os.path.join(FIXTURE, "expected-check.txt"))
        self.assertEqual(r.stderr, expected)

    def test_every_broken_kind_is_reported_once(self):
        ds = diags(self.check.stderr)
        places = [(d["file"], d["line"], d["col"]) for d in ds]
        self.assertEqual(len(places), len(set(places)), "two diagnostics at one place")
        codes = {d["code"] for d in ds}
        for code in LINK_CODES | {"related-missing", "alias-outside-site", "alias-conflict", "alias-invalid",
                                  "alias-duplicate", "alerts", "alert-claimed-twice"}:
            self.assertIn(code, codes)
        # writing.md uses every valid form: not one diagnostic
        self.assertEqual([d for d in ds if d["file"] == "content/guides/writing.md"], [])
        # the positions page: one diagnostic per broken link p1..p19, each once
        targets = sorted(int(m) for d in ds if d["file"] == "content/guides/positions.md"
                         for m in re.findall(r"'p(\d+)\.(?:md|png)'", d["msg"]))
        self.assertEqual(targets, list(range(1, 20)))

    def test_each_diagnostic_points_at_its_link(self):
        """The column is the link's '[' (an image's '!', a raw HTML tag's '<'), counted in characters."""
        for d in diags(self.check.stderr):
            text = self.source_line(d["file"], int(d["line"]))
            at = text[int(d["col"]) - 1:]
            if d["code"] in LINK_CODES:
                self.assertTrue(at.startswith(("[", "![")) or re.match(r"<a(\s|$)", at), (d, text))
                # and it is the link named in the message
                target = re.search(r"'([^']*)'", d["msg"]).group(1)
                self.assertIn(target, self.source_context(d))
            elif d["code"] in ("related-missing", "alias-outside-site", "alias-conflict", "alias-invalid",
                               "alias-duplicate", "alerts", "alert-claimed-twice"):
                value = re.search(r"'([^']*)'", d["msg"]).group(1)
                self.assertTrue(at.lstrip("\"'").startswith(value), (d, text))

    def source_context(self, d):
        """The link's text from its position to the end of the link (it may wrap), or its reference definition."""
        lines = read(os.path.join(self.repo_dir, d["file"])).split("\n")
        rest = "\n".join([lines[int(d["line"]) - 1][int(d["col"]) - 1:]] + lines[int(d["line"]):int(d["line"]) + 3])
        m = re.match(r"!?\[(?:[^\[\]]|!?\[[^\]]*\]\([^)]*\))*\](\([^)]*\)|\[[^\]]*\])?|<a\s[^>]*>", rest, re.S)
        self.assertIsNotNone(m, rest)
        link = m.group(0)
        label = re.match(r"\[([^\]]*)\]\[([^\]]*)\]$", link)
        if label:
            ref = re.search(r"^\[%s\]:\s*(\S+)" % re.escape(label.group(2) or label.group(1)), "\n".join(lines), re.M)
            return ref.group(1)
        return link

    def test_case_only_anchor_mismatch_is_an_error_with_the_right_id(self):
        self.assertIn("content/guides/broken.md:15:4: error[broken-anchor]: anchor '#Diagnosis' not found in "
                      "runbooks/k8s/node-not-ready.md; anchors are case-sensitive: did you mean '#diagnosis'?",
                      self.check.stderr)

    def test_json_format(self):
        r = run("check", "--repo", self.repo_dir, "--now", NOW, "--format", "json")
        self.assertEqual(r.returncode, 1)
        doc = json.loads(r.stdout)
        text = diags(self.check.stderr)
        self.assertEqual(len(doc["diagnostics"]), len(text))
        for j, t in zip(doc["diagnostics"], text):
            self.assertEqual((j["file"], j["line"], j["column"], j["severity"], j["code"], j["message"]),
                             (t["file"], int(t["line"]), int(t["col"]), t["sev"], t["code"], t["msg"]))
        self.assertEqual(doc["errors"], sum(1 for t in text if t["sev"] == "error"))
        self.assertEqual(doc["warnings"], sum(1 for t in text if t["sev"] == "warning"))

    def test_github_format(self):
        r = run("check", "--repo", self.repo_dir, "--now", NOW, "--format", "github")
        self.assertEqual(r.returncode, 1)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), len(diags(self.check.stderr)))
        self.assertIn("::error file=content/guides/broken.md,line=12,col=4,title=broken-link::"
                      "link target 'writting.md' not found; did you mean 'writing.md'?", lines)
        self.assertIn("::warning file=runbooks/k8s/node-not-ready.md,line=4,col=10,title=alert-claimed-twice::"
                      "alert 'KubeNodeNotReady' is also answered by runbooks/k8s/disk-pressure.md; "
                      "alerts/KubeNodeNotReady/ will list both", lines)

    def test_drafts_option_publishes_the_draft(self):
        r = run("check", "--repo", self.repo_dir, "--now", NOW, "--drafts")
        self.assertNotIn("link-to-draft", r.stderr)
        self.assertIn("broken.md:11:4: error[broken-link]", r.stderr)


class Build(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        cls.repo_dir = fixture_repo()
        cls.base = tempfile.mkdtemp(prefix="almanac-links-out-")
        cls.out = os.path.join(cls.base, "site")
        cls.build = run("build", "--repo", cls.repo_dir, "--out", cls.out, "--now", NOW)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.repo_dir, ignore_errors=True)
        shutil.rmtree(cls.base, ignore_errors=True)

    def test_build_prints_exactly_the_diagnostics_of_check(self):
        # the same lines with the same severities: a build that is not --strict does not relabel errors
        r = self.build
        self.assertEqual(r.returncode, 0, r.stderr)
        expected = [l for l in read(os.path.join(FIXTURE, "expected-check.txt")).splitlines()
                    if DIAG_RE.match(l)]
        got = [l for l in r.stderr.splitlines() if DIAG_RE.match(l)]
        self.assertEqual(got, expected)

    def test_strict_build_fails_and_writes_nothing(self):
        out = os.path.join(self.base, "strict")
        r = run("build", "--repo", self.repo_dir, "--out", out, "--now", NOW, "--strict")
        self.assertEqual(r.returncode, 1)
        self.assertIn("content/guides/broken.md:11:4: error[broken-link]", r.stderr)
        self.assertFalse(os.path.exists(out))

    def hrefs(self, url):
        html = page(self.out, url)
        main = html[html.index('<main'):html.index('</main>')]
        return re.findall(r'(?:href|src)="([^"]*)"', main)

    def test_every_link_form_is_rewritten_relative(self):
        h = self.hrefs("content/guides/writing")
        for want in ["../../../",                                   # /
                     "../../../runbooks/",                          # folder without index: generated section
                     "../../../runbooks/net/",                      # folder without a trailing slash
                     "../../roles/",                                # ../roles/
                     "../",                                         # ./ and . (the folder's index page)
                     "../../../runbooks/k8s/node-not-ready/#diagnosis",   # repo-root link
                     "../../../runbooks/k8s/node-not-ready/#steps-2",     # de-duplicated heading id
                     "../../../runbooks/k8s/node-not-ready/#custom-id",   # raw HTML id
                     "../../../runbooks/k8s/node-not-ready/#fn-why",      # footnote id
                     "../../../runbooks/k8s/node-not-ready/#caf%C3%A9-%C3%BCn%C3%AFcode",
                     "#valid-links",
                     "../files/runbook.pdf", "../files/runbook.pdf#page=2",
                     "../my%20page/",                               # percent-encoded path
                     "../broken/?plain=1",                          # query kept
                     "../img/diagram.png",                          # image (and <img src> in raw HTML)
                     "mailto:sre@example.com", "https://example.com/x.md", "https://example.com",
                     "../../../runbooks/net/dns/#symptoms",         # reference style and raw HTML <a href>
                     "../../roles/sre/"]:                           # <angle-bracket> reference destination
            self.assertIn(want, h)
        # nothing absolute to the server root, nothing left pointing at .md sources
        for x in h:
            if re.match(r"[a-z]+:", x):
                continue
            self.assertFalse(x.startswith("/"), x)
            self.assertNotRegex(x, r"\.md($|[#?])")

    def test_anchor_targets_exist_in_the_html(self):
        html = page(self.out, "runbooks/k8s/node-not-ready")
        for id_ in ["diagnosis", "steps", "steps-1", "steps-2", "custom-id", "fn-why", "café-ünïcode"]:
            self.assertIn('id="%s"' % id_, html)

    def test_aliases_redirect_and_never_escape(self):
        html = page(self.out, "runbooks/old/node-down")
        self.assertIn('<meta http-equiv="refresh" content="0; url=../../k8s/node-not-ready/">', html)
        self.assertIn('<link rel="canonical" href="../../k8s/node-not-ready/">', html)
        self.assertIn("url=../../../runbooks/k8s/node-not-ready/", page(self.out, "k8s/nodes/not-ready"))
        # ../../etc/x is refused: nothing but the output folder was created beside it
        self.assertEqual(os.listdir(self.base), ["site"])
        self.assertFalse(os.path.exists(os.path.join(self.out, "etc")))

    def test_alert_pages(self):
        # one runbook: a redirect; two runbooks: a page that lists both
        self.assertIn("url=../../runbooks/k8s/node-not-ready/", page(self.out, "alerts/KubeletDown"))
        html = page(self.out, "alerts/KubeNodeNotReady")
        self.assertIn('href="../../runbooks/k8s/node-not-ready/"', html)
        self.assertIn('href="../../runbooks/k8s/disk-pressure/"', html)
        self.assertNotIn("http-equiv", html)

    def test_backlinks_and_owned_runbooks(self):
        html = page(self.out, "runbooks/k8s/node-not-ready")
        linked = html[html.index("Linked from"):]
        linked = linked[:linked.index("</section>")]
        self.assertEqual(len(re.findall(r'href="([^"]*)"', linked)), 3)
        for want in ["../../../content/guides/broken/", "../disk-pressure/", "../../../content/guides/writing/"]:
            self.assertIn('href="%s"' % want, linked)
        role = page(self.out, "content/roles/sre")
        owned = role[role.index('class="owned"'):]
        owned = owned[:owned.index("</section>")]
        for want in ["runbooks/k8s/node-not-ready/", "runbooks/k8s/disk-pressure/", "runbooks/net/dns/"]:
            self.assertIn('href="../../../%s"' % want, owned)


class Orphans(RepoTestCase):
    def test_orphan_means_not_linked_and_not_in_the_navigation(self):
        # the plain layout's sidebar lists every published page: none is an orphan, linked or not
        repo = self.repo({
            "content/index.md": "# Home\n",
            "content/c.md": "# C\n\nLinks to [itself](c.md).\n",
            "runbooks/db/lonely.md": "---\nowner: nobody\n---\n# Lonely\n",
        })
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("orphan", r.stderr)
        # MkDocs with nav: a page nav: leaves out is in no navigation: an orphan unless something links to it
        repo = self.repo({
            "mkdocs.yml": "site_name: Ops\nnav:\n  - Home: index.md\n  - a.md\n  - Roles: [roles/dba.md]\n",
            "docs/index.md": "# Home\n\n[B](b.md#x)\n",
            "docs/a.md": "# A\n",                                      # in nav:
            "docs/b.md": "# B\n\n## X\n",                             # linked (with an anchor)
            "docs/c.md": "# C\n\nLinks to [itself](c.md).\n",         # only a self-link: orphan
            "docs/d.md": "---\ndraft: true\n---\n[e](e.md)\n",        # a draft is never an orphan
            "docs/e.md": "# E\n",                                      # linked only from a draft: orphan
            "docs/roles/dba.md": "---\ntype: role\n---\n# DBA\n",
            "docs/runbooks/restore.md": "---\nowner: dba\n---\n# Restore\n",  # listed by its role page
            "docs/runbooks/vacuum.md": "---\nalerts: [PgBloat]\n---\n# Vacuum\n",  # alerts/PgBloat/ leads here
            "docs/runbooks/index.md": "# Runbooks\n",                  # an index page: its folder's entry
            "docs/lonely.md": "---\nowner: nobody\n---\n# Lonely\n",  # owner without a role page: orphan
            "docs/related.md": "---\nrelated: [docs/lonely2.md]\n---\n# R\n",  # orphan itself
            "docs/lonely2.md": "# Lonely 2\n",                         # reached through related: only
        })
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        orphans = sorted(d["file"] for d in diags(r.stderr) if d["code"] == "orphan")
        self.assertEqual(orphans, ["docs/c.md", "docs/e.md", "docs/lonely.md", "docs/related.md"])
        # and the switch turns the kind off
        write(repo, "almanac.yml", "warnings: {orphan: false}\n")
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("orphan", r.stderr)


class RenameRedirects(RepoTestCase):
    def test_old_name_redirects_unless_it_is_now_taken(self):
        repo = self.repo({
            "content/index.md": "# Home\n\n[db](../runbooks/db.md) [cache](../runbooks/cache.md)\n",
            "runbooks/db.md": "# Databases\n\nRestore steps.\n",
            "runbooks/cache.md": "# Cache\n\nFlush steps.\n",
            "runbooks/old.md": "# Old\n\nOld steps.\n",
        }, date="2026-09-01T09:00:00Z")
        # a pure rename of each; then the old names are taken: db/ by a folder of pages, cache by a file
        git(repo, "mv", "runbooks/db.md", "runbooks/databases.md")
        git(repo, "mv", "runbooks/cache.md", "runbooks/caching.md")
        git(repo, "mv", "runbooks/old.md", "runbooks/new.md")
        write(repo, "content/index.md", "# Home\n\n[db](../runbooks/databases.md) "
              "[cache](../runbooks/caching.md) [new](../runbooks/new.md) [b](../runbooks/db/backup.md)\n")
        write(repo, "runbooks/db/backup.md", "# Backup\n")
        write(repo, "runbooks/cache", "a file, not a folder: its URL runbooks/cache/ would clash\n")
        write(repo, "runbooks/new.md", "---\naliases: [runbooks/old.md]\n---\n# Old\n\nOld steps.\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Reorganise", date="2026-10-01T09:00:00Z")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        # the folder of pages keeps its section page, the file its address; each dropped redirect is a note
        db = page(out, "runbooks/db")
        self.assertNotIn("http-equiv=\"refresh\"", db)
        self.assertIn("backup/", db)
        self.assertEqual([l for l in r.stderr.splitlines() if ": note[" in l], [
            "runbooks/caching.md:1:1: note[redirect-dropped]: the old address 'runbooks/cache/' (this page was "
            "runbooks/cache.md) is not redirected here: it is taken by the file runbooks/cache",
            "runbooks/databases.md:1:1: note[redirect-dropped]: the old address 'runbooks/db/' (this page was "
            "runbooks/db.md) is not redirected here: it is taken by the section page Almanac writes for runbooks/db/"])
        self.assertTrue(os.path.isfile(os.path.join(out, "runbooks/cache")))
        # an explicit alias and the git rename of the same name: one redirect, no duplicate error
        self.assertIn("url=../new/", page(out, "runbooks/old"))
        self.assertNotIn("alias-duplicate", r.stderr)


class TopAnchors(RepoTestCase):
    def test_top_and_title_anchors_reach_the_top(self):
        repo = self.repo({
            "content/index.md": "# Home\n\n[a](a.md#top) [b](a.md#node-not-ready) [c](a.md#Top) [d](a.md#nope)\n",
            # "#" alone is the top too: a placeholder in an HTML table, a reference definition used as a comment
            "content/a.md": "# Node not ready\n\nBody, [back up](#).\n\n<table><tr><td><a href=\"#\">#chat</a></td></tr>"
                            "</table>\n\n[//]: # (a comment the renderer drops)\n"})
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual([(d["line"], d["col"], d["code"]) for d in diags(r.stderr)], [("3", "54", "broken-anchor")],
                         r.stderr)


class Alerts(RepoTestCase):
    def test_claims_case_and_unsafe_names(self):
        files = {"content/index.md": "# Home\n"}
        for name in ("a", "b", "c"):
            files["runbooks/%s.md" % name] = "---\nalerts: [Shared]\n---\n# %s\n" % name
        files["runbooks/d.md"] = "---\nalerts:\n  - KubeDown\n  - kubedown\n  - ../x\n  - %s\n---\n# D\n" % ("A" * 201)
        repo = self.repo(files)
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual([(d["file"], d["line"], d["col"], d["sev"], d["code"]) for d in diags(r.stderr)], [
            ("runbooks/b.md", "2", "10", "warning", "alert-claimed-twice"),
            ("runbooks/c.md", "2", "10", "warning", "alert-claimed-twice"),
            ("runbooks/d.md", "4", "5", "warning", "alert-case"),
            ("runbooks/d.md", "5", "5", "error", "alerts"),
            ("runbooks/d.md", "6", "5", "error", "alerts")])
        self.assertIn("runbooks/c.md:2:10: warning[alert-claimed-twice]: alert 'Shared' is also answered by "
                      "runbooks/a.md and 1 other runbook; alerts/Shared/ will list all 3", r.stderr)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        html = page(out, "alerts/Shared")
        for name in ("a", "b", "c"):
            self.assertIn('href="../../runbooks/%s/"' % name, html)
        self.assertEqual(sorted(os.listdir(os.path.join(out, "alerts"))), ["KubeDown", "Shared", "kubedown"])


class Suggestions(RepoTestCase):
    def test_a_folders_page_is_suggested_by_its_folder_not_its_file_name(self):
        repo = self.repo({
            "notes/index.md": "# Notes\n\n[Ports](04-docker-port-binding/README.md), [Docker](04-dockr/README.md),\n"
                              "[Linux labs](labs/01-linux.md).\n",
            "notes/01-linux/README.md": "# Linux\n",
            "notes/04-docker/README.md": "# Docker\n",
            "notes/04-docker/labs/01-linux.md": "# Linux lab\n",
        })
        r = run("check", "--repo", repo, "--now", NOW)
        lines = [l for l in r.stderr.splitlines() if "broken-link" in l]
        self.assertEqual(lines, [
            # every folder has a README.md: that name says nothing of which one was meant
            "notes/index.md:3:1: error[broken-link]: link target '04-docker-port-binding/README.md' not found",
            # a folder's name one edit away is
            "notes/index.md:3:44: error[broken-link]: link target '04-dockr/README.md' not found; "
            "did you mean '04-docker/README.md'?",
            # any other file name is still looked for in other folders first
            "notes/index.md:4:1: error[broken-link]: link target 'labs/01-linux.md' not found; "
            "did you mean '04-docker/labs/01-linux.md'?"], r.stderr)


class RawHtmlOff(RepoTestCase):
    def test_safe_html_is_checked_like_markdown(self):
        """Raw HTML off: the safe subset (here <a> and <span>) is kept, so its links are checked and its
        ids are anchors; an element that is omitted (<iframe>) is warned, and its URL is not a link."""
        repo = self.repo({
            "content/index.md": "# Home\n\n<a href=\"missing.md\">x</a> [a](a.md#html-id) [b](a.md#nope)\n",
            "content/a.md": "# A\n\n<span id=\"html-id\"></span>\n\n<iframe src=\"https://x.example/\"></iframe>\n",
        })
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual([(d["file"], d["line"], d["col"], d["code"]) for d in diags(r.stderr)], [
            ("content/a.md", "5", "1", "raw-html"),
            ("content/index.md", "3", "1", "broken-link"),
            ("content/index.md", "3", "46", "broken-anchor")])
        write(repo, "almanac.yml", "raw_html: true\n")
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual([(d["line"], d["col"], d["code"]) for d in diags(r.stderr)],
                         [("5", "1", "raw-html"), ("3", "1", "broken-link"), ("3", "46", "broken-anchor")])


class PositionFuzz(RepoTestCase):
    """Random documents mixing every container: each broken link reported once, at its own '[' or '!'."""

    WORDS = ["alpha", "béta", "γάμμα", "`x`", "**b**", "tab\there", "日本", "a_b", "x<y", "&amp;"]

    def doc(self, rng, counter):
        def link():
            counter[0] += 1
            txt = rng.choice(["x", "long text", "é ü", "`code`", "*em*", "a\nb"])
            if rng.random() < 0.1:
                return "![%s](m%d.png)" % (txt.replace("\n", " "), counter[0])
            return "[%s](m%d.md)" % (txt, counter[0])

        def block(depth):
            r = rng.random()
            if r < 0.3 or depth > 2:
                lines = " ".join(link() if rng.random() < 0.4 else rng.choice(self.WORDS)
                                 for _ in range(rng.randint(2, 9))).split("\n")
                return [(rng.choice(["", " ", "  ", "   ", "\t"]) if i else "") + l for i, l in enumerate(lines)]
            if r < 0.45:
                out = []
                for i, l in enumerate(block(depth + 1)):
                    lazy = i and rng.random() < 0.2 and not l.startswith((" ", "\t", "-", "*", "|", "#", "1"))
                    # (an indented "   > " only at the top: after a list marker it would make code)
                    out.append(l if lazy else rng.choice(["> ", ">", "   > " if depth == 0 else "> ", ">\t"]) + l)
                return out
            if r < 0.6:
                m = rng.choice(["- ", "* ", "1. ", "10) ", "-   ", "2.  ", "-\t"])
                return [(m if i == 0 else " " * len(m.expandtabs(4))) + l for i, l in enumerate(block(depth + 1))]
            if r < 0.7:
                return ["| a | b |", "|---|---|", "| %s | é %s |" % (link().replace("\n", " "), link().replace("\n", " "))]
            if r < 0.8:
                return ["#" * rng.randint(1, 4) + " Head " + link().replace("\n", " ")]
            if r < 0.9:
                counter[0] += 1
                n = counter[0]
                pre = ["[ref%d]: m%d.md" % (n, n)] + (['  "title"'] if rng.random() < 0.5 else [])
                return pre + ["see [ref%d] and %s" % (n, link().replace("\n", " "))]
            return ["Text `code", "span` after " + link().replace("\n", " ")]

        body = []
        for _ in range(10):
            body += block(0) + [""]
        return "---\ntitle: Fuzz\n---\n" + "\n".join(body) + "\n"

    def test_random_documents(self):
        rng = random.Random(20261101)
        counter = [0]
        files = {"content/index.md": "# Home\n"}
        for i in range(40):
            text = self.doc(rng, counter)
            if i % 5 == 0:
                text = text.replace("\n", "\r\n")
            files["content/f%02d.md" % i] = text
        repo = self.repo(files)
        r = run("check", "--repo", repo, "--now", NOW, "--format", "json")
        seen = {}
        for d in json.loads(r.stdout)["diagnostics"]:
            if d["code"] != "broken-link":
                continue
            n = int(re.search(r"'m(\d+)\.(?:md|png)'", d["message"]).group(1))
            seen[n] = seen.get(n, 0) + 1
            lines = re.split(r"\r?\n", files[d["file"]])
            rest = "\n".join([lines[d["line"] - 1][d["column"] - 1:]] + lines[d["line"]:d["line"] + 3])
            m = re.match(r"!?\[([^\]]*)\](?:\((m\d+)\.|\[?)", rest, re.S)
            self.assertIsNotNone(m, (d, rest))
            if m.group(2):
                self.assertEqual(m.group(2), "m%d" % n, (d, rest))
            else:
                self.assertIn("[%s]: m%d.md" % (m.group(1), n), files[d["file"]], (d, rest))
        self.assertEqual(sorted(seen), list(range(1, counter[0] + 1)))
        self.assertEqual(set(seen.values()), {1})


if __name__ == "__main__":
    main()
