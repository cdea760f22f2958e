"""Repositories written for GOV.UK's Tech Docs Template (layout.h techdocs, layout_techdocs.h): Middleman
pages under source/ named x.html.md or x.html.md.erb and published at x.html, ERB left out with one
warning per page, and the review keys last_reviewed_on / review_in / owner_slack mapped onto Almanac's
reviewed / review_interval / owner so that freshness works without editing a page.

The fixture is written here in the shape of a team manual kept with the template (config/tech-docs.yml,
source/index.html.md.erb, source/manual/*.html.md, partials and layouts as .erb templates)."""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, git, main, read, run, write  # noqa: E402

NOW = "2026-11-01T00:00:00Z"
# every page is committed two days before NOW: by its last commit alone, every page would be fresh
COMMIT_DATE = "2026-10-30T09:00:00Z"
DIAG_RE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note)\[(?P<code>[^\]]+)\]: "
                     r"(?P<msg>.*)$")


def diags(stderr):
    return [m.groupdict() for m in map(DIAG_RE.match, stderr.splitlines()) if m]


def sidebar_titles(html_text):
    nav = html_text[html_text.index('<aside class="sidebar'):]
    nav = nav[:nav.index("</aside>")]
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r'<a [^>]*>(.*?)</a>', nav, re.S)]


FILES = {
    "config/tech-docs.yml": "host: https://handbook.example.gov.uk\nservice_name: Data Platform handbook\n"
                            "show_review_banner: true\nenable_search: true\nredirects:\n"
                            "  /old/on-call.html: /manual/being-on-call.html\n"
                            "  /manual/loader-restart.html: /manual/restart-the-loader.html#steps\n"
                            "  /elsewhere.html: https://elsewhere.example/\n",
    "config.rb": "require 'govuk_tech_docs'\nGovukTechDocs.configure(self)\n",
    "README.md": "# How to run this handbook locally (not part of the site)\n",
    "source/index.html.md.erb":
        "---\ntitle: Data Platform handbook\n---\n# Data Platform handbook\n\n"
        "<%= partial 'partials/banner' %>\n\nStart with [being on call](/manual/being-on-call.html).\n",
    "source/partials/_banner.erb": "<p>Internal</p>\n",
    "source/partials/_intro.html.md": "Shared introduction (a partial).\n",
    "source/images/_unused.png": "PNG",
    "source/layouts/core.erb": "<%= yield %>\n",
    "source/manual/index.html.md": "---\ntitle: Manual\nweight: 1\n---\nHow we work.\n",
    # reviewed 2 months before NOW with a 6-month cycle: fresh
    "source/manual/being-on-call.html.md":
        "---\ntitle: Being on call\nweight: 30\nowner_slack: \"#data-platform-oncall\"\n"
        "last_reviewed_on: 2026-09-01\nreview_in: 6 months\ntype: learn\nlayout: manual_layout\n"
        "parent: /manual.html\nsection: On call\n---\n"
        "## Before your shift\n\nRead [restarting the loader](restart-the-loader.html#steps), "
        "[the manual](/manual/) and [backups](/manual/backups/restore.html).\n\n"
        "The loader's [old address](/manual/loader-restart.html) still works.\n",
    # reviewed 8 months before NOW with a 6-month cycle: stale, although committed two days ago
    "source/manual/restart-the-loader.html.md.erb":
        "---\ntitle: Restart the loader\nweight: 10\nowner_slack: \"#data-platform-oncall\"\n"
        "last_reviewed_on: 2026-03-01\nreview_in: 6 months\n---\n"
        "## Steps\n\n1. Run  <%= config[:loader_cmd] %> restart.\n"
        "2. Check the <% if show_dashboard %>dashboard<% end %> until it is green.\n",
    # review_in in weeks; an owner: of Almanac's own wins over owner_slack
    "source/manual/rotate-keys.html.md":
        "---\ntitle: Rotate keys\nweight: 20\nowner: security-team\nowner_slack: \"#security\"\n"
        "last_reviewed_on: 2026-10-01\nreview_in: 3 weeks\n---\nRotate them.\n",
    # not an .erb file: Middleman does not run ERB in it, and a template shown in code stays as written
    "source/manual/failover.html.md": "---\ntitle: Fail over\nweight: 50\nlast_reviewed_on: 2026-05-03\n"
                                      "review_in: 6 months\n---\nFail over.\n",
    "source/manual/backups/index.html.md": "---\ntitle: Backups\nweight: 40\n---\nBackups.\n\n"
                                           "```erb\n<%= render 'backup-status' %>\n```\n",
    # images as Middleman finds them: beside the page, else from the site root, else under images/
    "source/manual/backups/restore.html.md": "---\ntitle: Restore a backup\n---\nRestore it.\n\n"
                                             "![flow](flow.png) ![loader](images/loader.png) ![d](diagram.png)\n",
    "source/manual/backups/flow.png": "PNG",
    "source/images/diagram.png": "PNG",
    "source/images/loader.png": "PNG",
}


class TechDocs(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.repo_dir = self.repo(FILES, date=COMMIT_DATE)
        self.out = os.path.join(self.tmpdir(), "site")
        self.r = run("build", "--repo", self.repo_dir, "--out", self.out, "--now", NOW)

    def report(self, repo=None):
        r = run("report", "--repo", repo or self.repo_dir, "--now", NOW, "--format", "json", "--no-trend")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_addresses_are_the_templates_own(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        # source/ is the site root; x.html.md(.erb) is the page x/, and Middleman's x.html leads to it
        for path in ("index.html", "manual/index.html", "manual/being-on-call/index.html",
                     "manual/restart-the-loader/index.html", "manual/backups/index.html",
                     "manual/backups/restore/index.html", "images/loader.png"):
            self.assertTrue(os.path.isfile(os.path.join(self.out, path)), path)
        for page, target in (("manual/being-on-call.html", "being-on-call/"),
                             ("manual/restart-the-loader.html", "restart-the-loader/"),
                             ("manual/backups/restore.html", "restore/")):
            self.assertIn('url=%s"' % target, read(os.path.join(self.out, page)), page)
        # ERB templates are not published as files; neither is the source/ folder nor the README
        for absent in ("partials", "layouts", "source", "readme", "index.html.md.erb", "images/_unused.png",
                       "manual/being-on-call.html/index.html", "manual/being-on-call.html.md"):
            self.assertFalse(os.path.exists(os.path.join(self.out, absent)), absent)
        # host is the site's address (sitemap), as Hugo's baseURL is
        self.assertIn("<loc>https://handbook.example.gov.uk/manual/being-on-call/</loc>",
                      read(os.path.join(self.out, "sitemap.xml")))
        # the home page is source/index.html.md.erb; the site title is service_name
        home = read(os.path.join(self.out, "index.html"))
        self.assertIn("Start with", home)
        self.assertIn("<title>Data Platform handbook", home)

    def test_links_by_template_address_resolve(self):
        html = read(os.path.join(self.out, "manual/being-on-call/index.html"))
        # a relative x.html is relative to the page's own x.html address (its folder), as in the original
        self.assertIn('href="../restart-the-loader/#steps"', html)
        self.assertIn('href="../"', html)
        self.assertIn('href="../backups/restore/"', html)
        home = read(os.path.join(self.out, "index.html"))
        self.assertIn('href="manual/being-on-call/"', home)
        # an old address of the config's redirects: leads to its page, in links and as a file
        self.assertIn('href="../restart-the-loader/">old address</a>', html)
        self.assertIn('url=../manual/being-on-call/"', read(os.path.join(self.out, "old/on-call.html")))
        self.assertIn('url=restart-the-loader/"', read(os.path.join(self.out, "manual/loader-restart.html")))
        self.assertFalse(os.path.exists(os.path.join(self.out, "elsewhere.html")))
        restore = read(os.path.join(self.out, "manual/backups/restore/index.html"))
        for src in ("../flow.png", "../../../images/loader.png", "../../../images/diagram.png"):
            self.assertIn('src="%s"' % src, restore)
        # an address the site does not have is still a broken link
        write(self.repo_dir, "source/manual/rotate-keys.html.md",
              read(os.path.join(self.repo_dir, "source/manual/rotate-keys.html.md")) + "\nSee [x](/manual/nope.html).\n")
        r = run("check", "--repo", self.repo_dir, "--now", NOW)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("source/manual/rotate-keys.html.md:11:5: error[broken-link]: link target '/manual/nope.html' "
                      "not found", r.stderr)

    def test_erb_is_left_out_with_one_warning_per_page(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        got = [(d["file"], int(d["line"]), int(d["col"]), d["code"]) for d in diags(self.r.stderr)]
        self.assertEqual(got, [("source/index.html.md.erb", 6, 1, "erb"),
                               ("source/manual/restart-the-loader.html.md.erb", 10, 9, "erb")])
        self.assertIn("3 tags", self.r.stderr)
        html = read(os.path.join(self.out, "manual/restart-the-loader/index.html"))
        main_text = html[html.index("<main"):]
        self.assertNotIn("&lt;%", main_text)
        self.assertNotIn("loader_cmd", main_text)
        self.assertNotIn("show_dashboard", main_text)
        self.assertRegex(main_text, r"Check the\s+dashboard\s+until it is green")
        self.assertNotIn("partial", read(os.path.join(self.out, "index.html")))
        self.assertIn("&lt;%= render 'backup-status' %&gt;", read(os.path.join(self.out, "manual/backups/index.html")))

    def test_review_keys_date_the_pages(self):
        doc = self.report()
        self.assertEqual(doc["repository"]["layout"], "techdocs")
        by = {d["path"]: d for d in doc["documents"]}
        oncall = by["source/manual/being-on-call.html.md"]
        # review_in counts calendar months from the review, as the template does (2026-09-01 + 6 months)
        self.assertEqual((oncall["url"], oncall["status"], oncall["review_interval_days"], oncall["age_days"]),
                         ("manual/being-on-call/", "fresh", 181, 61))
        loader = by["source/manual/restart-the-loader.html.md.erb"]
        self.assertEqual((loader["status"], loader["age_days"], loader["review_interval_days"]), ("stale", 245, 184))
        # review by 2026-11-03: not yet stale on 2026-11-01, although 182 days exceed 6 x 30
        edge = by["source/manual/failover.html.md"]
        self.assertEqual((edge["status"], edge["age_days"], edge["review_interval_days"]), ("due", 182, 184))
        keys = by["source/manual/rotate-keys.html.md"]
        self.assertEqual((keys["status"], keys["review_interval_days"], keys["age_days"]), ("stale", 21, 31))
        # a page with no review date is dated by its last commit
        self.assertEqual(by["source/manual/backups/restore.html.md"]["status"], "fresh")
        # owner_slack is the owner, as written; owner: wins over it
        self.assertEqual((oncall["owner"], oncall["owner_source"]), ("#data-platform-oncall", "front-matter"))
        self.assertEqual(keys["owner"], "security-team")
        owners = {g["name"]: g["documents"] for g in doc["groups"]["owner"]}
        self.assertEqual(owners["#data-platform-oncall"], 2)
        # type: learn is the template's own: the page keeps the folder's type
        self.assertEqual(oncall["type"], "guide")

    def test_pages_say_they_are_dated_by_their_review(self):
        stale = read(os.path.join(self.out, "manual/restart-the-loader/index.html"))
        self.assertIn("Last reviewed 245 days ago; review interval 184 days", stale)
        self.assertIn("reviewed 2026-03-01", stale)
        fresh = read(os.path.join(self.out, "manual/being-on-call/index.html"))
        # the last commit's date without an age (it is not what counts), the review date with its age
        self.assertIn('2026-10-30</time> by Ada Writer</span>', fresh)
        self.assertIn("reviewed 2026-09-01 (61 days ago)", fresh)
        self.assertIn("review due in 120 days", fresh)

    def test_freshness_basis_in_the_config_wins(self):
        write(self.repo_dir, "almanac.yml", "freshness:\n  basis: commit\n")
        git(self.repo_dir, "add", "-A")
        git(self.repo_dir, "commit", "-qm", "Date by commits", date=COMMIT_DATE)
        by = {d["path"]: d for d in self.report()["documents"]}
        self.assertEqual(by["source/manual/restart-the-loader.html.md.erb"]["status"], "fresh")

    def test_weight_orders_the_navigation(self):
        titles = sidebar_titles(read(os.path.join(self.out, "manual/rotate-keys/index.html")))
        m = titles.index("Manual")
        self.assertEqual(titles[m + 1:m + 5], ["Restart the loader", "Rotate keys", "Being on call", "Backups"])

    def test_check_is_clean_but_for_erb(self):
        r = run("check", "--repo", self.repo_dir, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted({d["code"] for d in diags(r.stderr)}), ["erb"])

    def test_bad_review_values_are_errors_at_their_place(self):
        write(self.repo_dir, "source/manual/backups/restore.html.md",
              "---\ntitle: Restore\nlast_reviewed_on: last spring\nreview_in: soon\nowner_slack: [a, b]\n---\nText.\n")
        r = run("check", "--repo", self.repo_dir, "--now", NOW)
        self.assertEqual(r.returncode, 1, r.stderr)
        got = {(int(d["line"]), int(d["col"]), d["code"]) for d in diags(r.stderr)
               if d["file"] == "source/manual/backups/restore.html.md"}
        self.assertEqual(got, {(3, 19, "front-matter"), (4, 12, "front-matter"), (5, 14, "front-matter")})
        self.assertIn("'review_in' must be a period such as '6 months'", r.stderr)


class TechDocsServe(RepoTestCase):
    def test_edits_rebuild_as_a_full_build_would(self):
        from test_serve import Server  # almanac serve with ALMANAC_SERVE_VERIFY=1
        repo = self.repo(FILES, date=COMMIT_DATE)
        srv = Server(repo)
        try:
            srv.wait(lambda s: s["search"] == "current")
            rel = "source/manual/restart-the-loader.html.md.erb"
            # a body edit with ERB, a new review date, a new owner channel
            for old, new in (("until it is green", "until it is <%= colour %> green (edited)"),
                             ("last_reviewed_on: 2026-03-01", "last_reviewed_on: 2026-10-15"),
                             ("#data-platform-oncall", "#loader-team")):
                seq = srv.status()["seq"]
                write(repo, rel, read(os.path.join(repo, rel)).replace(old, new, 1))
                st = srv.settled(seq)
                self.assertTrue(st["ok"], st)
                self.assertEqual(st["verify_mismatches"], 0, "\n".join(srv.lines[-20:]))
            code, _, body = srv.get("/manual/restart-the-loader/")
            self.assertEqual(code, 200)
            self.assertIn(b"(edited)", body)
            self.assertNotIn(b"colour", body)
            self.assertIn(b"#loader-team", body)
        finally:
            self.assertEqual(srv.stop(), 0, "\n".join(srv.lines[-40:]))


class TechDocsDetection(RepoTestCase):
    def test_auto_needs_the_config_and_source(self):
        # a config/tech-docs.yml without source/ is not a Tech Docs site
        files = {"config/tech-docs.yml": "service_name: X\n", "docs/a.html.md": "# A\n"}
        r = run("report", "--repo", self.repo(files), "--now", NOW, "--format", "json", "--no-trend")
        self.assertEqual(json.loads(r.stdout)["repository"]["layout"], "plain")
        files["source/b.html.md"] = "# B\n"
        r = run("report", "--repo", self.repo(files), "--now", NOW, "--format", "json", "--no-trend")
        doc = json.loads(r.stdout)
        self.assertEqual(doc["repository"]["layout"], "techdocs")
        self.assertEqual([(d["path"], d["url"]) for d in doc["documents"]], [("source/b.html.md", "b/")])

    def test_layout_setting_names_it(self):
        repo = self.repo({"almanac.yml": "layout: techdocs\n", "source/ops/runbook.html.md": "# Runbook\n"})
        r = run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend")
        doc = json.loads(r.stdout)
        self.assertEqual(doc["repository"]["layout"], "techdocs")
        self.assertEqual([d["url"] for d in doc["documents"]], ["ops/runbook/"])
        r = run("check", "--repo", self.repo({"almanac.yml": "layout: techdoc\n", "a.md": "# A\n"}), "--now", NOW)
        self.assertEqual(r.returncode, 1)
        self.assertIn("did you mean 'techdocs'?", r.stderr)


if __name__ == "__main__":
    main()
