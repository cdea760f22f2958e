"""Repositories written for other tools (layout.h, outpaths.h, pagetype.h): Hugo, MkDocs, a flat
alerts/<component>/<AlertName>.md repository with OWNERS files, and a history of renames.

Each fixture repository is written here in the shape of the real ones, built with exit 0 and
no diagnostic at all, and, for Hugo and MkDocs, built with Debian's hugo and mkdocs too: every
page address their output has must exist in Almanac's output (the page, or a redirect to it).
The tool comparisons are skipped, saying so, when the tool is not installed."""
import json
import os
import re
import shutil
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, git, main, read, run, write  # noqa: E402

NOW = "2026-11-01T00:00:00Z"
DIAG_RE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|note)\[(?P<code>[^\]]+)\]: "
                     r"(?P<msg>.*)$")


def diags(stderr):
    return [m.groupdict() for m in map(DIAG_RE.match, stderr.splitlines()) if m]


def html_files(root):
    """Every .html file under root, as site paths ("a/b/index.html")."""
    out = set()
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                out.add(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/"))
    return out


def sidebar_titles(html_text):
    """The entries of the sidebar's top level, in order (the theme's nav list)."""
    nav = html_text[html_text.index('<aside class="sidebar'):]
    nav = nav[:nav.index("</aside>")]
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r'<a [^>]*>(.*?)</a>', nav, re.S)]


HUGO_FILES = {
    "hugo.toml": 'baseURL = "https://runbooks.example.org/"\ntitle = "Platform Runbooks"\n'
                 'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
                 '[params]\n  repo = "https://git.example.org/platform/runbooks"\n',
    # a theme-less site needs layouts of its own to write pages
    "layouts/_default/single.html": "<html><body>{{ .Content }}</body></html>\n",
    "layouts/_default/list.html": "<html><body>{{ .Content }}{{ range .Pages }}{{ .RelPermalink }} {{ end }}"
                                  "</body></html>\n",
    "README.md": "# How to add a runbook (not part of the site)\n",
    "content/_index.md": "---\ntitle: Introduction\n---\n# Welcome\n\nStart at the [runbooks]({{< relref \"/runbooks\" >}}).\n",
    "content/runbooks/_index.md": "---\ntitle: Runbooks\nweight: 1\n---\nAll runbooks.\n",
    "content/runbooks/Kubernetes/_index.md": "---\ntitle: Kubernetes\nweight: 2\n---\nKubernetes alerts.\n",
    "content/runbooks/Kubernetes/KubePodCrashLooping.md":
        "---\ntitle: Pod crash looping\nweight: 20\naliases: [/old/crashloop/, legacy-crashloop]\n---\n"
        "# KubePodCrashLooping\n\n## Diagnosis\n\nSee [node not ready]({{< ref \"KubeNodeNotReady.md\" >}}) and\n"
        "[the guide]({{< relref \"/docs/Add Runbook.md#how\" >}}); [edit]({{< param repo >}}/edit/main).\n",
    "content/runbooks/Kubernetes/KubeNodeNotReady.md":
        "+++\ntitle = \"Node not ready\"\nlinkTitle = \"NotReady\"\nweight = 10\n+++\n"
        "# KubeNodeNotReady\n\nBack to [crash looping]({{< ref \"./KubePodCrashLooping.md#diagnosis\" >}}).\n",
    "content/runbooks/Kubernetes/KubeAPIDown.md": "---\ntitle: API down\nsummary: The API server is unreachable.\n---\n"
                                                  "No weight: after the weighted ones.\n",
    "content/runbooks/etcd/_index.md": "---\ntitle: etcd\nweight: 1\n---\n",
    "content/runbooks/etcd/etcdNoLeader.md": "---\ntitle: No leader\nslug: No Leader Elected\ntype: docs\n---\nText.\n",
    "content/runbooks/etcd/etcdMembersDown.md": "---\ntitle: Members down\nurl: /etcd/members-down/\n---\nText.\n",
    "content/runbooks/etcd/etcdHighFsync.md": "---\ntitle: Fsync\nurl: /legacy/fsync.html\n---\nText.\n",
    "content/runbooks/etcd/etcdDraft.md": "---\ntitle: Draft\ndraft: true\n---\nNot published.\n",
    "content/docs/Add Runbook.md": "---\ntitle: Add a runbook\n---\n## How\n\nCopy a runbook.\n",
    "content/docs/bundle/index.md": "---\ntitle: A bundle\n---\n![diagram](diagram.png)\n",
    "content/docs/bundle/diagram.png": "PNG",
    "content/My Folder/Some Page.md": "---\ntitle: Some page\n---\nText.\n",
    # names Hugo's MakePath changes: spaces, punctuation, non-ASCII letters and case
    "content/docs/Runbook \u2013 \u00dcmlaut & Co! (v2).md": "---\ntitle: Odd name\n---\nText.\n",
    "content/docs/ a - b  c.md": "---\ntitle: Spaces\n---\nText.\n",
    "content/docs/\u00c4rger_\u00fcber@home+1~.md": "---\ntitle: Kept characters\n---\nText.\n",
}


class Hugo(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        cls.repo_dir = None

    def setUp(self):
        super().setUp()
        self.repo_dir = self.repo(HUGO_FILES)
        self.out = os.path.join(self.tmpdir(), "site")
        self.r = run("build", "--repo", self.repo_dir, "--out", self.out, "--now", NOW)

    def test_builds_clean_with_hugo_rules(self):
        r = self.r
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(diags(r.stderr), [])
        # content/ is the site root; _index.md is its folder's page; URLs lower-cased and sanitised
        for path in ("index.html", "runbooks/index.html", "runbooks/kubernetes/index.html",
                     "runbooks/kubernetes/kubepodcrashlooping/index.html", "runbooks/etcd/no-leader-elected/index.html",
                     "etcd/members-down/index.html", "legacy/fsync/index.html", "docs/add-runbook/index.html",
                     "docs/bundle/index.html", "docs/bundle/diagram.png", "my-folder/some-page/index.html"):
            self.assertTrue(os.path.isfile(os.path.join(self.out, path)), path)
        for absent in ("content", "_index", "runbooks/_index", "runbooks/etcd/etcddraft", "readme"):
            self.assertFalse(os.path.exists(os.path.join(self.out, absent)), absent)
        # the home page is content/_index.md; the site title is Hugo's
        home = read(os.path.join(self.out, "index.html"))
        self.assertIn("Welcome", home)
        self.assertIn("<title>", home)
        self.assertIn("Platform Runbooks", home)
        # aliases (root-relative and page-relative) and url: x.html are redirects
        self.assertIn('url=../../runbooks/kubernetes/kubepodcrashlooping/',
                      read(os.path.join(self.out, "old/crashloop/index.html")))
        self.assertIn('url=../kubepodcrashlooping/',
                      read(os.path.join(self.out, "runbooks/kubernetes/legacy-crashloop/index.html")))
        self.assertIn('url=fsync/', read(os.path.join(self.out, "legacy/fsync.html")))

    def test_ref_relref_and_param_are_links(self):
        html = read(os.path.join(self.out, "runbooks/kubernetes/kubepodcrashlooping/index.html"))
        self.assertIn('href="../kubenodenotready/"', html)
        self.assertIn('href="../../../docs/add-runbook/#how"', html)
        self.assertIn('href="https://git.example.org/platform/runbooks/edit/main"', html)
        self.assertNotIn("{{", html)
        self.assertIn('href="../kubepodcrashlooping/#diagnosis"',
                      read(os.path.join(self.out, "runbooks/kubernetes/kubenodenotready/index.html")))
        # a ref to a page that does not exist is a broken link at the link, as in Hugo (which fails)
        write(self.repo_dir, "content/docs/broken.md", "---\ntitle: B\n---\nSee [x]({{< ref \"nope.md\" >}}).\n")
        r = run("check", "--repo", self.repo_dir, "--now", NOW)
        self.assertEqual(r.returncode, 1)
        self.assertEqual([(d["file"], d["line"], d["col"], d["code"]) for d in diags(r.stderr)],
                         [("content/docs/broken.md", "4", "5", "broken-link")])

    def test_ref_outside_a_link(self):
        # a reference definition's destination is a link too; in running text (where Hugo prints the
        # address) the ref is left out with a warning at it, never Almanac's placeholder
        write(self.repo_dir, "content/docs/bare.md",
              "---\ntitle: Bare\n---\nBare: {{< ref \"KubeNodeNotReady.md\" >}} here.\n\n"
              "Use [the runbook].\n\n[the runbook]: {{< relref \"/runbooks/Kubernetes/KubeNodeNotReady.md\" >}}\n")
        git(self.repo_dir, "add", "-A")
        git(self.repo_dir, "commit", "-qm", "bare ref")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.repo_dir, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(d["file"], d["line"], d["col"], d["code"]) for d in diags(r.stderr)
                          if d["file"] == "content/docs/bare.md"],
                         [("content/docs/bare.md", "4", "7", "shortcode")])
        html = read(os.path.join(out, "docs/bare/index.html"))
        self.assertIn('<p>Use <a href="../../runbooks/kubernetes/kubenodenotready/">the runbook</a>.</p>', html)
        self.assertNotIn("hugo-ref", html)
        self.assertNotIn("{{", html)

    def test_heading_ids_in_attribute_lists_are_the_anchors(self):
        # Hugo (and MkDocs' attr_list) give "## Heading {#id}" the id "id": links to it are not broken, and
        # neither the heading nor the table of contents shows the braces
        write(self.repo_dir, "content/docs/steps.md",
              "---\ntitle: Steps\n---\n## Overview {#overview}\n\n1) [First](#step-1)\n2) [Second](#step-b)\n\n"
              "## Detailed steps {#detailed-steps}\n\n### 1) Check the version {#step-1}\n\nSee [the overview](#overview).\n\n"
              "### 2) Check the file {: #step-b .big }\n\nText.\n")
        git(self.repo_dir, "add", "-A")
        git(self.repo_dir, "commit", "-qm", "steps")
        r = run("build", "--repo", self.repo_dir, "--out", self.out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(diags(r.stderr), [])
        html = read(os.path.join(self.out, "docs/steps/index.html"))
        for i in ("overview", "detailed-steps", "step-1", "step-b"):
            self.assertIn('id="%s"' % i, html)
        self.assertNotIn("{#", html)
        self.assertNotIn("{: #", html)
        self.assertIn(">1) Check the version</h3>", html)

    def test_weight_orders_and_link_title_names(self):
        html = read(os.path.join(self.out, "runbooks/kubernetes/kubeapidown/index.html"))
        titles = sidebar_titles(html)
        # folders and pages by weight, the unweighted after them; linkTitle in the navigation
        k = titles.index("Kubernetes")
        self.assertLess(titles.index("etcd"), k)
        self.assertEqual(titles[k + 1:k + 4], ["NotReady", "Pod crash looping", "API down"])
        # Hugo's summary: is the page's description (the lead under its title, and its search excerpt)
        self.assertIn('<p class="lead">The API server is unreachable.</p>', html)

    def test_layout_in_report(self):
        r = run("report", "--repo", self.repo_dir, "--now", NOW, "--format", "json", "--no-trend")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["repository"]["layout"], "hugo")
        urls = {d["path"]: d["url"] for d in doc["documents"]}
        self.assertEqual(urls["content/runbooks/Kubernetes/KubePodCrashLooping.md"],
                         "runbooks/kubernetes/kubepodcrashlooping/")
        self.assertEqual(urls["content/_index.md"], "")
        # a page under runbooks/ is a runbook although Hugo's type: says docs
        types = {d["path"]: d["type"] for d in doc["documents"]}
        self.assertEqual(types["content/runbooks/etcd/etcdNoLeader.md"], "runbook")

    def test_every_url_hugo_publishes_exists(self):
        if not shutil.which("hugo"):
            self.skipTest("hugo is not installed (tools/deps.sh TEST_PACKAGES installs it)")
        hout = os.path.join(self.tmpdir(), "hugo")
        h = subprocess.run(["hugo", "--quiet", "--source", self.repo_dir, "--destination", hout],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        self.assertEqual(h.returncode, 0, h.stderr)
        theirs = html_files(hout) - {"404.html"}
        self.assertGreaterEqual(len(theirs), 15)
        missing = sorted(p for p in theirs if not os.path.isfile(os.path.join(self.out, p)))
        self.assertEqual(missing, [])
        # and the pages Hugo lists are pages in Almanac's site at the same address, not redirects
        lst = subprocess.run(["hugo", "list", "all", "--source", self.repo_dir], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=120)
        self.assertEqual(lst.returncode, 0, lst.stderr)
        rows = [l.split(",") for l in lst.stdout.splitlines()[1:] if l]
        for row in rows:
            if row[6] == "true":
                continue
            url = unquote(row[7].replace("https://runbooks.example.org/", ""))
            f = url + "index.html" if url.endswith("/") or not url else url
            self.assertIn(url.endswith(".html") and "http-equiv" or "<article",
                          read(os.path.join(self.out, f)), (row[0], url))


HUGO_LAYOUTS = {"layouts/_default/single.html": "<html><body>{{ .Content }}</body></html>\n",
                "layouts/_default/list.html": "<html><body>{{ .Content }}</body></html>\n"}


def in_folder(folder, files):
    return {folder + "/" + k: v for k, v in files.items()}


# a service's repository with its documentation site in website/ (hugo --source website)
HUGO_WEBSITE = dict(in_folder("website", dict(HUGO_LAYOUTS, **{
    "hugo.toml": 'title = "Payments Handbook"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n',
    "content/_index.md": "---\ntitle: Payments\n---\nStart with [disk full](/runbooks/disk-full/).\n",
    "content/runbooks/_index.md": "---\ntitle: Runbooks\n---\n![map](/img/Map.png)\n",
    "content/runbooks/Disk-Full.md": "---\ntitle: Disk full\n---\nBack [home](/) and to the [runbooks](../).\n",
    "static/img/Map.png": "PNG",
})), **{
    "README.md": "# payments\n\nThe service. See [the site](website/content/_index.md).\n",
    "main.go": "package main\n",
    "deploy/config.yaml": "replicas: 2\n",  # a config.yaml without a content folder: not a site
})

# the site's config in src/ with its content beside it: contentDir ../content (hugo --source src)
HUGO_SRC = dict(in_folder("src", dict(HUGO_LAYOUTS, **{
    "config.yaml": "title: Runbooks\ncontentDir: ../content\npublishDir: ../app/www\n"
                   "disableKinds: [taxonomy, term, RSS, sitemap, robotsTXT]\n",
    "static/logo.png": "PNG",
})), **{
    "content/_index.md": "---\ntitle: Runbooks\n---\n![logo](/logo.png) [app one](/application-1/)\n",
    "content/Application-1/_index.md": "---\ntitle: Application 1\n---\nSee [restart](/application-1/restart/).\n",
    "content/Application-1/Restart.md": "---\ntitle: Restart\n---\nText.\n",
})


class HugoInAFolder(RepoTestCase):
    """A Hugo site kept in a folder of a code repository (`hugo --source website`) is a Hugo site."""

    def check_like_hugo(self, files, folder, pages):
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(diags(r.stderr), [])
        for p in pages:
            self.assertTrue(os.path.isfile(os.path.join(out, p)), p)
        rep = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        self.assertEqual(rep["repository"]["layout"], "hugo")
        if shutil.which("hugo"):  # every page and file hugo publishes is at the same address
            hout = os.path.join(self.tmpdir(), "hugo")
            h = subprocess.run(["hugo", "--quiet", "--source", os.path.join(repo, folder), "--destination", hout],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
            self.assertEqual(h.returncode, 0, h.stderr)
            theirs = set()
            for d, _, fs in os.walk(hout):
                theirs |= {os.path.relpath(os.path.join(d, f), hout) for f in fs}
            theirs -= {"404.html"}
            self.assertEqual(sorted(p for p in theirs if not os.path.isfile(os.path.join(out, p))), [])
            self.assertTrue(set(pages) <= theirs, sorted(theirs))
        return repo, out

    def test_a_site_in_website(self):
        repo, out = self.check_like_hugo(HUGO_WEBSITE, "website", [
            "index.html", "runbooks/index.html", "runbooks/disk-full/index.html", "img/Map.png"])
        self.assertIn("Payments Handbook", read(os.path.join(out, "index.html")))
        self.assertFalse(os.path.exists(os.path.join(out, "website")))
        self.assertFalse(os.path.exists(os.path.join(out, "readme")))

    def test_a_site_whose_content_is_beside_its_config_folder(self):
        self.check_like_hugo(HUGO_SRC, "src", [
            "index.html", "application-1/index.html", "application-1/restart/index.html", "logo.png"])

    def test_a_config_yaml_without_its_content_folder_is_not_a_site(self):
        files = {k: v for k, v in HUGO_WEBSITE.items() if not k.startswith("website/")}
        repo = self.repo(files)
        rep = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        self.assertEqual(rep["repository"]["layout"], "plain")
        self.assertEqual([d["path"] for d in rep["documents"]], ["README.md"])

    def test_a_repository_that_names_its_content_folders_keeps_its_layout(self):
        # content: in almanac.yml says where the pages are: the site in website/ is not looked for
        repo = self.repo(dict(HUGO_WEBSITE, **{"almanac.yml": "content: [website/content]\n"}))
        rep = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        self.assertEqual(rep["repository"]["layout"], "plain")
        self.assertIn("website/content/runbooks/Disk-Full/", [d["url"] for d in rep["documents"]])

    def test_runbooks_at_the_root_are_not_traded_for_a_site_in_a_folder(self):
        # runbooks/ at the root (what a plain repository publishes) beside a product site in website/: the
        # repository is read as before, not as that site, which would drop every runbook
        repo = self.repo(dict(HUGO_WEBSITE, **{"runbooks/disk-full.md": "# Disk full\n"}))
        rep = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        self.assertEqual(rep["repository"]["layout"], "plain")
        self.assertIn("runbooks/disk-full.md", [d["path"] for d in rep["documents"]])

    def test_serve_reloads_when_the_folders_config_changes(self):
        from test_serve import Server  # almanac serve with ALMANAC_SERVE_VERIFY=1
        repo = self.repo(HUGO_WEBSITE)
        srv = Server(repo)
        try:
            srv.wait(lambda s: s["search"] == "current")
            seq = srv.status()["seq"]
            cfg = os.path.join(repo, "website/hugo.toml")
            write(repo, "website/hugo.toml", read(cfg).replace("Payments Handbook", "Payments Operations"))
            st = srv.settled(seq)
            self.assertTrue(st["ok"], st)
            self.assertEqual(st["verify_mismatches"], 0, "\n".join(srv.lines[-20:]))
            code, _, body = srv.get("/")
            self.assertEqual(code, 200)
            self.assertIn(b"Payments Operations", body)
        finally:
            self.assertEqual(srv.stop(), 0, "\n".join(srv.lines[-40:]))


class HugoServe(RepoTestCase):
    def test_edits_rebuild_as_a_full_build_would(self):
        from test_serve import Server  # almanac serve with ALMANAC_SERVE_VERIFY=1
        repo = self.repo(HUGO_FILES)
        srv = Server(repo)
        try:
            srv.wait(lambda s: s["search"] == "current")
            page = os.path.join(repo, "content/runbooks/Kubernetes/KubeAPIDown.md")
            # a body edit, a weight (the navigation's order), a slug (a new address: everything reloads)
            for old, new in (("No weight", "Edited"), ("title: API down\n", "title: API down\nweight: 1\n"),
                             ("title: API down\n", "title: API down\nslug: API Gone\n")):
                seq = srv.status()["seq"]
                write(repo, os.path.relpath(page, repo), read(page).replace(old, new, 1))
                st = srv.settled(seq)
                self.assertTrue(st["ok"], st)
                self.assertEqual(st["verify_mismatches"], 0, "\n".join(srv.lines[-20:]))
            code, _, body = srv.get("/runbooks/kubernetes/api-gone/")
            self.assertEqual(code, 200)
            self.assertIn(b"Edited", body)
            titles = sidebar_titles(body.decode())
            self.assertEqual(titles[titles.index("Kubernetes") + 1], "API down")  # weight 1 comes first
        finally:
            self.assertEqual(srv.stop(), 0, "\n".join(srv.lines[-40:]))


class HugoShortcodes(RepoTestCase):
    def test_other_shortcodes_are_warned_once_per_name(self):
        repo = self.repo({
            "config.yaml": "title: T\n",
            "content/_index.md": "# Home\n\n{{< youtube abc >}}\nCareful.\n{{< /youtube >}}\n\n"
                                 "A [link](a.md) {{% gist x %}}x{{% /gist %}}\n\n{{< hint info >}}\nA callout.\n{{< /hint >}}\n",
            "content/a.md": "---\ntitle: A\n---\n{{< youtube def >}}\nAgain.\n{{< /youtube >}}\n",
        })
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [(d["file"], d["line"], d["col"], d["code"], d["msg"].split("'")[1]) for d in diags(r.stderr)]
        self.assertEqual(got, [("content/_index.md", "3", "1", "shortcode", "youtube"),
                               ("content/_index.md", "7", "16", "shortcode", "gist")])
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(run("build", "--repo", repo, "--out", out, "--now", NOW).returncode, 0)
        html = read(os.path.join(out, "index.html"))
        self.assertIn("Careful.", html)
        self.assertNotIn("{{", html)
        # a callout shortcode of the documentation themes is rendered (markdown.md), not blanked
        self.assertRegex(html, r'<div class="callout[^"]*" data-callout="info">\s*<p class="callout-title">Info</p>\s*<p>A callout.</p>')


MKDOCS_FILES = {
    "mkdocs.yml": "site_name: Payments Operations\ndocs_dir: handbook\nnav:\n"
                  "  - Home: index.md\n"
                  "  - 'Getting started': start.md\n"
                  "  - Alerts:\n"
                  "      - alerts/index.md\n"
                  "      - High latency: alerts/PaymentsHighLatency.md\n"
                  "      - alerts/PaymentsDown.md\n"
                  "  - Guides:\n"
                  "      - Zeta last in files, first in nav: guides/zeta.md\n"
                  "      - guides/alpha.md\n"
                  "  - External: https://status.example.org/\n",
    "README.md": "# The repository's README (not part of the site)\n",
    "handbook/index.md": "# Payments\n\nSee [start](start.md) and [the extra page](extra/Not%20In%20Nav.md).\n",
    "handbook/start.md": "# Start here\n\nThen [alpha](guides/alpha.md).\n",
    "handbook/alerts/index.md": "# Alert runbooks\n",
    "handbook/alerts/PaymentsHighLatency.md": "# PaymentsHighLatency\n\n## Diagnosis\n",
    "handbook/alerts/PaymentsDown.md": "# PaymentsDown\n\nSee [latency](PaymentsHighLatency.md#diagnosis).\n",
    "handbook/guides/zeta.md": "# Zeta\n",
    "handbook/guides/alpha.md": "# Alpha\n",
    "handbook/extra/Not In Nav.md": "# Not in nav\n\nLinked from the home page, so not an orphan.\n",
    "handbook/img/logo.png": "PNG",
}


class MkDocs(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.repo_dir = self.repo(MKDOCS_FILES)
        self.out = os.path.join(self.tmpdir(), "site")
        self.r = run("build", "--repo", self.repo_dir, "--out", self.out, "--now", NOW)

    def test_builds_clean_with_mkdocs_rules(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        self.assertEqual(diags(self.r.stderr), [])
        for path in ("index.html", "start/index.html", "alerts/index.html", "alerts/PaymentsDown/index.html",
                     "extra/Not In Nav/index.html", "img/logo.png"):
            self.assertTrue(os.path.isfile(os.path.join(self.out, path)), path)
        self.assertFalse(os.path.exists(os.path.join(self.out, "handbook")))
        home = read(os.path.join(self.out, "index.html"))
        self.assertIn("Payments Operations", home)
        # nav: order and titles; a page nav: leaves out is not in the navigation
        titles = sidebar_titles(read(os.path.join(self.out, "guides/alpha/index.html")))
        self.assertEqual(titles[:2], ["Getting started", "Alerts"])
        g = titles.index("Guides")
        self.assertEqual(titles[g + 1:g + 3], ["Zeta last in files, first in nav", "Alpha"])
        self.assertNotIn("Not in nav", titles)
        titles = sidebar_titles(read(os.path.join(self.out, "alerts/PaymentsDown/index.html")))
        a = titles.index("Alerts")
        self.assertEqual(titles[a + 1:a + 3], ["High latency", "PaymentsDown"])
        r = run("report", "--repo", self.repo_dir, "--now", NOW, "--format", "json", "--no-trend")
        doc = json.loads(r.stdout)
        self.assertEqual(doc["repository"]["layout"], "mkdocs")
        types = {d["path"]: d["type"] for d in doc["documents"]}
        self.assertEqual(types["handbook/alerts/PaymentsDown.md"], "runbook")

    def test_every_url_mkdocs_publishes_exists(self):
        if not shutil.which("mkdocs"):
            self.skipTest("mkdocs is not installed (tools/deps.sh TEST_PACKAGES installs it)")
        for use_directory_urls in (True, False):
            repo = self.repo(MKDOCS_FILES)
            if not use_directory_urls:
                write(repo, "mkdocs.yml", read(os.path.join(repo, "mkdocs.yml")) + "use_directory_urls: false\n")
                git(repo, "commit", "-qam", "Plain file URLs", date="2026-10-02T09:00:00Z")
            out = os.path.join(self.tmpdir(), "site")
            r = run("build", "--repo", repo, "--out", out, "--now", NOW)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(diags(r.stderr), [])
            mout = os.path.join(self.tmpdir(), "mkdocs")
            m = subprocess.run(["mkdocs", "build", "--quiet", "--config-file", os.path.join(repo, "mkdocs.yml"),
                                "--site-dir", mout], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=120, cwd=repo)
            self.assertEqual(m.returncode, 0, m.stderr)
            # the pages MkDocs published: its sitemap lists every one (in nav: or not)
            ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
            locs = [l.text for l in ET.parse(os.path.join(mout, "sitemap.xml")).findall("s:url/s:loc", ns)]
            self.assertEqual(len(locs), 8)
            for loc in locs:
                url = unquote(loc.split("://", 1)[-1].split("/", 1)[1] if "://" in loc else loc.lstrip("/"))
                if url.startswith("None"):
                    url = url[4:].lstrip("/")
                f = url + "index.html" if url.endswith("/") or not url else url
                self.assertTrue(os.path.isfile(os.path.join(out, f)), (use_directory_urls, loc, f))


HUGO_STATIC_FILES = {
    "hugo.toml": 'baseURL = "https://docs.example.org/ops/"\ntitle = "Ops"\n'
                 'staticDir = ["static", "assets-static"]\n'
                 'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n',
    "layouts/_default/single.html": "<html><body>{{ .Content }}</body></html>\n",
    "layouts/_default/list.html": "<html><body>{{ .Content }}</body></html>\n",
    "content/_index.md": "---\ntitle: Ops\n---\nGet the [tool](/downloads/Tool-1.2.tar.gz).\n",
    "content/runbooks/_index.md": "---\ntitle: Runbooks\n---\nAll runbooks.\n",
    "content/runbooks/disk/_index.md":
        "---\ntitle: Disk full\n---\n![architecture](/images/arch.png)\n\n"
        "![logo](/img/Logo.PNG) and [the notes](/notes.md) and [the bundle picture](/docs/bundle/pic.png).\n",
    "content/docs/bundle/index.md": "---\ntitle: Bundle\n---\n![pic](pic.png)\n",
    "content/docs/bundle/pic.png": "content wins",
    "static/images/arch.png": "first folder",
    "static/img/Logo.PNG": "case kept",
    "static/downloads/Tool-1.2.tar.gz": "tarball",
    "static/notes.md": "# A file, not a page\n",
    "static/docs/bundle/pic.png": "static loses to the content folder",
    "assets-static/images/arch.png": "later folder wins",
    "assets-static/fonts/a.woff2": "font",
    # hidden files and folders: hugo publishes them as any other
    "static/.well-known/security.txt": "Contact: mailto:security@example.org\n",
    "static/.htaccess": "Options -Indexes\n",
    "assets-static/.hidden/notes.txt": "hidden folder",
}


class HugoStatic(RepoTestCase):
    """A Hugo site's static folders are published at the site root, as hugo publishes them."""

    def build(self, files, *args):
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return repo, out, r

    def test_static_files_are_published_at_the_root(self):
        repo, out, r = self.build(HUGO_STATIC_FILES)
        self.assertEqual(diags(r.stderr), [])
        want = {"images/arch.png": "later folder wins", "img/Logo.PNG": "case kept",
                "downloads/Tool-1.2.tar.gz": "tarball", "notes.md": "# A file, not a page\n",
                "docs/bundle/pic.png": "content wins", "fonts/a.woff2": "font",
                ".well-known/security.txt": "Contact: mailto:security@example.org\n",
                ".htaccess": "Options -Indexes\n", ".hidden/notes.txt": "hidden folder"}
        self.assertEqual({p: read(os.path.join(out, p)) for p in want if os.path.isfile(os.path.join(out, p))}, want)
        for absent in ("static", "assets-static", "notes/index.html"):
            self.assertFalse(os.path.exists(os.path.join(out, absent)), absent)
        # links from '/' reach them, written relative to the page
        disk = read(os.path.join(out, "runbooks/disk/index.html"))
        self.assertIn('src="../../images/arch.png"', disk)
        self.assertIn('src="../../img/Logo.PNG"', disk)
        self.assertIn('href="../../notes.md"', disk)
        self.assertIn('href="downloads/Tool-1.2.tar.gz"', read(os.path.join(out, "index.html")))
        doc = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        self.assertNotIn("static/notes.md", [d["path"] for d in doc["documents"]])

    def test_a_link_to_a_missing_static_file_is_broken(self):
        files = dict(HUGO_STATIC_FILES)
        files["content/runbooks/disk/_index.md"] += "\n![gone](/images/missing.png)\n"
        r = run("check", "--repo", self.repo(files), "--now", NOW)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual([(d["file"], d["line"], d["code"]) for d in diags(r.stderr)],
                         [("content/runbooks/disk/_index.md", "8", "broken-link")])

    def test_every_file_hugo_copies_exists(self):
        if not shutil.which("hugo"):
            self.skipTest("hugo is not installed (tools/deps.sh TEST_PACKAGES installs it)")
        repo, out, _ = self.build(HUGO_STATIC_FILES)
        hout = os.path.join(self.tmpdir(), "hugo")
        h = subprocess.run(["hugo", "--quiet", "--source", repo, "--destination", hout],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        self.assertEqual(h.returncode, 0, h.stderr)
        theirs = {}
        for d, _, names in os.walk(hout):
            for n in names:
                rel = os.path.relpath(os.path.join(d, n), hout)
                if not rel.endswith(".html"):  # hugo's pages are compared in Hugo.test_every_url_hugo_publishes_exists
                    theirs[rel] = read(os.path.join(d, n))
        self.assertGreaterEqual(len(theirs), 6)
        ours = {p: read(os.path.join(out, p)) for p in theirs if os.path.isfile(os.path.join(out, p))}
        self.assertEqual(sorted(ours), sorted(theirs))
        # a page bundle's file and a static file at one path: which one hugo leaves there varies from
        # run to run (it copies static/ while it writes the pages; one run even left one written over the
        # other without truncating it: "content wins to the content folder"); Almanac's content folder wins
        theirs.pop("docs/bundle/pic.png")
        self.assertEqual(ours.pop("docs/bundle/pic.png"), "content wins")
        self.assertEqual(ours, theirs)

    def test_module_mounts_replace_static_dir(self):
        files = dict(HUGO_STATIC_FILES)
        files["hugo.toml"] = ('title = "Ops"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
                              '[module]\n[[module.mounts]]\nsource = "content"\ntarget = "content"\n'
                              '[[module.mounts]]\nsource = "vendor/js"\ntarget = "static/js"\n'
                              '[[module.mounts]]\nsource = "assets-static"\ntarget = "static"\n')
        files["vendor/js/app.js"] = "console.log(1)\n"
        files["content/runbooks/disk/_index.md"] = "---\ntitle: Disk\n---\n[script](/js/app.js) ![a](/images/arch.png)\n"
        files["content/_index.md"] = "---\ntitle: Ops\n---\nHome.\n"
        repo, out, r = self.build(files)
        # as in hugo: a mount of static replaces staticDir (static/ is not published), a target below
        # static/ is a folder of the site
        self.assertEqual(diags(r.stderr), [])
        self.assertEqual(read(os.path.join(out, "images/arch.png")), "later folder wins")
        self.assertEqual(read(os.path.join(out, "js/app.js")), "console.log(1)\n")
        self.assertTrue(os.path.isfile(os.path.join(out, "fonts/a.woff2")))
        self.assertIn('href="../../js/app.js"', read(os.path.join(out, "runbooks/disk/index.html")))
        for absent in ("img", "downloads", "notes.md", "app.js"):
            self.assertFalse(os.path.exists(os.path.join(out, absent)), absent)
        if shutil.which("hugo"):
            hout = os.path.join(self.tmpdir(), "hugo")
            subprocess.run(["hugo", "--quiet", "--source", repo, "--destination", hout], check=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            self.assertTrue(os.path.isfile(os.path.join(hout, "js/app.js")))
            self.assertFalse(os.path.exists(os.path.join(hout, "img")))

    def test_active_static_files_are_withheld(self):
        files = dict(HUGO_STATIC_FILES)
        files["static/embed/widget.html"] = "<script>alert(document.cookie)</script>\n"
        files["content/runbooks/disk/_index.md"] += "\n[widget](/embed/widget.html)\n"
        repo, out, r = self.build(files)
        self.assertEqual([(d["file"], d["code"]) for d in diags(r.stderr)],
                         [("content/runbooks/disk/_index.md", "active-asset"),
                          ("static/embed/widget.html", "active-asset")])
        self.assertFalse(os.path.exists(os.path.join(out, "embed")))
        write(repo, "almanac.yml", "active_assets: publish\n")
        out2 = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out2, "--now", NOW)
        self.assertEqual(diags(r.stderr), [])
        self.assertIn("alert(", read(os.path.join(out2, "embed/widget.html")))

    def test_hidden_static_files_but_never_git_or_the_marker(self):
        """Hidden files of a static folder are published as hugo publishes them, except what is never
        the site's: a .git folder or file (hugo would copy it) and a file at Almanac's marker; active
        hidden files are withheld like any other; `almanac serve` serves them too."""
        files = dict(HUGO_STATIC_FILES)
        files["static/.well-known/widget.html"] = "<script>alert(1)</script>\n"
        files["static/.almanac-site"] = "almanac site\ninputs forged\n"
        repo = self.repo(files)
        # a vendored checkout and a submodule's .git file (git itself will not track either)
        write(repo, "static/vendor/.git/config", "[core]\n")
        write(repo, "static/sub/.git", "gitdir: ../../.git/modules/sub\n")
        write(repo, "static/sub/readme.txt", "sub")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted((d["file"], d["code"]) for d in diags(r.stderr)),
                         [("static/.almanac-site", "asset-collision"),
                          ("static/.well-known/widget.html", "active-asset")])
        self.assertEqual(read(os.path.join(out, ".well-known/security.txt")), "Contact: mailto:security@example.org\n")
        self.assertEqual(read(os.path.join(out, "sub/readme.txt")), "sub")
        for absent in ("vendor", "sub/.git", ".well-known/widget.html"):
            self.assertFalse(os.path.exists(os.path.join(out, absent)), absent)
        self.assertNotIn("forged", read(os.path.join(out, ".almanac-site")))
        # the output folder is still Almanac's: a second build replaces it
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        from test_serve import Server
        srv = Server(repo)
        try:
            srv.wait(lambda s: s["search"] == "current")
            self.assertEqual(srv.get("/.well-known/security.txt")[2], b"Contact: mailto:security@example.org\n")
            self.assertEqual(srv.get("/.htaccess")[2], b"Options -Indexes\n")
            for never in ("/vendor/.git/config", "/sub/.git", "/.almanac-site"):
                self.assertEqual(srv.get(never)[0], 404, never)
        finally:
            self.assertEqual(srv.stop(), 0, "\n".join(srv.lines[-40:]))

    def test_static_folders_stay_inside_the_repository(self):
        outside = self.tmpdir()
        write(outside, "secret.txt", "not for the site")
        files = dict(HUGO_STATIC_FILES)
        files["hugo.toml"] = 'title = "Ops"\nstaticDir = ["../x", "/etc", ".git", "static"]\n'
        repo = self.repo(files)
        os.symlink(outside, os.path.join(repo, "static", "linked"))
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted((d["file"], d["code"]) for d in diags(r.stderr)),
                         [("hugo.toml", "layout")] * 3 + [("static/linked", "symlink")])
        self.assertFalse(os.path.exists(os.path.join(out, "linked")))
        self.assertFalse(os.path.exists(os.path.join(out, "passwd")))
        self.assertTrue(os.path.isfile(os.path.join(out, "images/arch.png")))

    def test_base_url_comes_from_the_tool_unless_given(self):
        def sitemap_locs(out):
            ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
            return [l.text or "" for l in ET.parse(os.path.join(out, "sitemap.xml")).findall("s:url/s:loc", ns)]
        _, out, _ = self.build(HUGO_STATIC_FILES)
        self.assertIn("https://docs.example.org/ops/runbooks/disk/", sitemap_locs(out))
        # almanac.yml's base_url, then --base-url, come first
        _, out, _ = self.build(dict(HUGO_STATIC_FILES, **{"almanac.yml": "base_url: https://yml.example.org/\n"}))
        self.assertIn("https://yml.example.org/runbooks/disk/", sitemap_locs(out))
        _, out, _ = self.build(dict(HUGO_STATIC_FILES, **{"almanac.yml": "base_url: https://yml.example.org/\n"}),
                               "--base-url", "https://cli.example.org/")
        self.assertIn("https://cli.example.org/runbooks/disk/", sitemap_locs(out))
        # a baseURL that is not an absolute http(s) URL is not one, nor hugo's quick-start placeholder
        for base in ("/", "https://example.org/"):
            _, out, _ = self.build(dict(HUGO_STATIC_FILES, **{"hugo.toml": 'baseURL = "%s"\ntitle = "Ops"\n' % base}))
            self.assertFalse(any("://" in l for l in sitemap_locs(out)), sitemap_locs(out))
        # MkDocs' site_url is the same thing
        _, out, _ = self.build(dict(MKDOCS_FILES, **{"mkdocs.yml": MKDOCS_FILES["mkdocs.yml"].replace(
            "site_name:", "site_url: https://pay.example.org/handbook/\nsite_name:")}))
        self.assertIn("https://pay.example.org/handbook/start/", sitemap_locs(out))

    def test_mkdocs_repo_url_gives_edit_links_and_reads_forge_runbook_urls(self):
        """MkDocs' repo_url is the repository's web address, as almanac.yml's repo_url is: "Edit this page"
        links, and rules linking a page's file there (gen/forgepages.c). almanac.yml's comes first."""
        files = dict(MKDOCS_FILES, **{
            "mkdocs.yml": MKDOCS_FILES["mkdocs.yml"].replace(
                "site_name:", "repo_url: https://github.com/acme/payments-docs/\nsite_name:"),
            "alerts.yml": "groups:\n  - name: p\n    rules:\n      - alert: PaymentsHighLatency\n"
                          "        annotations:\n          runbook_url: https://github.com/acme/payments-docs/blob/"
                          "main/handbook/alerts/PaymentsHighLatency.md#diagnosis\n        expr: vector(1)\n"})
        repo, out, r = self.build(files)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('href="https://github.com/acme/payments-docs/edit/main/handbook/start.md"',
                      read(os.path.join(out, "start/index.html")))
        self.assertIn("alerts.yml:6:24: note[runbook-url-forge]: runbook_url shows handbook/alerts/PaymentsHighLatency.md",
                      r.stderr)
        self.assertNotIn("error[runbook-url]", r.stderr)  # '#diagnosis' is a heading (MkDocs' id)
        _, out, r = self.build(dict(files, **{"almanac.yml": "repo_url: https://git.example.org/pay/docs\n"}))
        self.assertIn('href="https://git.example.org/pay/docs/edit/main/handbook/start.md"',
                      read(os.path.join(out, "start/index.html")))
        self.assertNotIn("runbook-url-forge", r.stderr)

    def test_serve_publishes_an_edited_static_file(self):
        from test_serve import Server
        repo = self.repo(HUGO_STATIC_FILES)
        srv = Server(repo)
        try:
            srv.wait(lambda s: s["search"] == "current")
            self.assertEqual(srv.get("/images/arch.png")[2], b"later folder wins")
            for rel, text, url in (("assets-static/images/arch.png", "edited", "/images/arch.png"),
                                   ("static/new/added.txt", "added", "/new/added.txt")):
                seq = srv.status()["seq"]
                write(repo, rel, text)
                st = srv.settled(seq)
                self.assertTrue(st["ok"], st)
                self.assertEqual(st["verify_mismatches"], 0, "\n".join(srv.lines[-20:]))
                self.assertEqual(srv.get(url)[2], text.encode())
        finally:
            self.assertEqual(srv.stop(), 0, "\n".join(srv.lines[-40:]))


class MkDocsConfig(RepoTestCase):
    def test_python_tags_and_env_are_read_tolerantly(self):
        repo = self.repo({
            "mkdocs.yml": "site_name: !ENV [SITE_NAME, 'Ops handbook']\nnav:\n  - index.md\n  - b.md\n"
                          "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
                          "        - name: mermaid\n          class: mermaid\n"
                          "          format: !!python/name:pymdownx.superfences.fence_code_format\n",
            "docs/index.md": "# Home\n", "docs/b.md": "# B\n"})
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(diags(r.stderr), [])

    def test_a_type_of_the_team_s_own_is_not_an_error(self):
        # MkDocs has no type:, so a repository written for it uses one for its own categories (a Backstage
        # TechDocs repository: type: adr, changelog): one error per page made check unusable; the folder
        # decides Almanac's type, as for Hugo's content types. A page type of Almanac's own still counts.
        repo = self.repo({
            "mkdocs.yml": "site_name: Ops\n",
            "docs/adr/0001-queues.md": "---\ntype: adr\nowner: team-a\n---\n# Use queues\n",
            "docs/runbooks/disk.md": "---\ntype: changelog\n---\n# Disk\n",
            "docs/guides/oncall.md": "---\ntype: role\n---\n# On call\n",
            "docs/index.md": "# Home\n\n[a](adr/0001-queues.md) [d](runbooks/disk.md) [o](guides/oncall.md)\n"})
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("unknown type", r.stderr)
        rep = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        types = {d["path"]: d["type"] for d in rep["documents"]}
        self.assertEqual(types["docs/runbooks/disk.md"], "runbook")  # by its folder
        self.assertEqual(types["docs/guides/oncall.md"], "role")

    def test_nav_entries_that_name_no_file_are_warned_at_the_entry(self):
        # paths written from the repository's root (docs/x.md), a folder, a file of the root: none is a
        # file of docs_dir, so MkDocs leaves each out of the navigation with a warning; links (a scheme,
        # a host, a path from the site's root) and the files that exist are not warned
        repo = self.repo({
            "mkdocs.yml": "site_name: Ops\nnav:\n  - Home: index.md\n  - Guides:\n"
                          "      - docs/guides/a.md\n      - Runbooks: runbooks/\n"
                          "      - Top: README.md\n      - guides/a.md\n      - assets/map.pdf\n"
                          "  - Forge: https://git.example.org/ops\n  - Mail: mailto:ops@example.org\n"
                          "  - Host: //cdn.example.org/x\n  - Old site: /legacy/\n",
            "README.md": "# Ops repository\n",
            "docs/index.md": "# Home\n", "docs/guides/a.md": "# A\n", "docs/assets/map.pdf": "%PDF",
            "docs/runbooks/disk.md": "# Disk\n\n[home](../index.md)\n"})
        r = run("check", "--repo", repo, "--now", NOW)
        got = [(d["file"], d["line"], d["col"], d["sev"], d["code"]) for d in diags(r.stderr) if d["code"] == "layout"]
        self.assertEqual(got, [("mkdocs.yml", "5", "9", "warning", "layout"),
                               ("mkdocs.yml", "6", "19", "warning", "layout"),
                               ("mkdocs.yml", "7", "14", "warning", "layout")], r.stderr)
        self.assertIn("nav: entry 'docs/guides/a.md' names no file of docs/: MkDocs leaves it out of the "
                      "navigation; nav: paths are relative to docs_dir", r.stderr)
        self.assertIn("nav: entry 'runbooks/' names no file of docs/", r.stderr)
        self.assertIn("nav: entry 'README.md' names no file of docs/", r.stderr)
        if shutil.which("mkdocs"):  # the same three entries MkDocs warns about
            m = subprocess.run(["mkdocs", "build", "--config-file", os.path.join(repo, "mkdocs.yml"),
                                "--site-dir", os.path.join(self.tmpdir(), "mk")], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=120, cwd=repo)
            self.assertEqual(sorted(re.findall(r"A relative path to '([^']+)' is included in the 'nav'", m.stdout)),
                             ["README.md", "docs/guides/a.md", "runbooks/"], m.stdout)
        # mkdocs-static-i18n with language folders: nav: names each language's pages (docs/en/index.md),
        # which Almanac does not follow; the warning says so
        repo = self.repo({"mkdocs.yml": "site_name: Ops\nplugins:\n  - search\n  - i18n:\n"
                                        "      docs_structure: folder\nnav:\n  - Home: index.md\n",
                          "docs/en/index.md": "# Home\n", "docs/de/index.md": "# Start\n"})
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertIn("mkdocs.yml:7:11: warning[layout]: nav: entry 'index.md' names no file of docs/: MkDocs "
                      "leaves it out of the navigation; nav: paths are relative to docs_dir (the i18n plugin, "
                      "which reads them in each language's folder, is not followed)", r.stderr)

    def test_a_broken_config_is_a_warning_and_the_defaults_apply(self):
        repo = self.repo({"mkdocs.yml": "site_name: [unclosed\n", "docs/index.md": "# Home\n",
                          "docs/b.md": "# B\n\n[home](index.md)\n"})
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(d["file"], d["code"], d["sev"]) for d in diags(r.stderr)],
                         [("mkdocs.yml", "layout", "warning")])
        self.assertTrue(os.path.isfile(os.path.join(out, "b/index.html")))


class LayoutConfig(RepoTestCase):
    def test_a_changed_mkdocs_yml_is_a_changed_input(self):
        repo = self.repo(MKDOCS_FILES)
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(run("build", "--repo", repo, "--out", out, "--now", NOW).returncode, 0)
        write(repo, "mkdocs.yml", read(os.path.join(repo, "mkdocs.yml")).replace("Payments Operations", "Payments Ops"))
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("up to date", r.stderr)
        self.assertIn("Payments Ops<", read(os.path.join(out, "index.html")))

    def test_a_config_linked_out_of_the_repository_is_not_read(self):
        outside = self.tmpdir()
        write(outside, "mkdocs.yml", "site_name: Read from outside\ndocs_dir: /etc\n")
        repo = self.repo({"README.md": "# Plain\n", "docs/index.md": "# Docs\n"})
        os.symlink(os.path.join(outside, "mkdocs.yml"), os.path.join(repo, "mkdocs.yml"))
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([(d["file"], d["code"]) for d in diags(r.stderr)], [("mkdocs.yml", "symlink")])
        doc = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        self.assertEqual(doc["repository"]["layout"], "plain")

    def test_serve_reloads_when_the_nav_changes(self):
        from test_serve import Server
        repo = self.repo(MKDOCS_FILES)
        srv = Server(repo)
        try:
            srv.wait(lambda s: s["search"] == "current")
            seq = srv.status()["seq"]
            write(repo, "mkdocs.yml", read(os.path.join(repo, "mkdocs.yml")).replace("'Getting started'", "'First steps'"))
            st = srv.settled(seq)
            self.assertEqual(st["kind"], "full", st)
            _, _, body = srv.get("/guides/alpha/")
            self.assertIn("First steps", sidebar_titles(body.decode()))
        finally:
            self.assertEqual(srv.stop(), 0, "\n".join(srv.lines[-40:]))


def owners(*names):
    return "approvers:\n" + "".join("  - %s\n" % n for n in names)


ALERTS_FILES = {
    "README.md": "# Acme Cluster Runbooks\n\nOne runbook per alert, by component.\n",
    "OWNERS": owners("alice", "bob"),
    "alerts/OWNERS": owners("alice"),
    "alerts/HighlyAvailableWorkloadSpread.md": "# HighlyAvailableWorkloadSpread\n\n## Meaning\n",
    "alerts/cluster-etcd-operator/OWNERS": owners("carol"),
    "alerts/cluster-etcd-operator/README.md": "# etcd operator\n\nAlerts of the etcd operator.\n",
    "alerts/cluster-etcd-operator/etcdNoLeader.md": "# etcdNoLeader\n\n## Meaning\n\nNo leader.\n",
    "alerts/cluster-etcd-operator/etcdMembersDown.md": "# etcdMembersDown\n\nSee [etcdNoLeader](etcdNoLeader.md).\n",
    "alerts/openshift-virtualization-operator/OWNERS": owners("dave"),
    "alerts/openshift-virtualization-operator/VirtControllerDown.md": "# VirtControllerDown\n",
    "alerts/openshift-virtualization-operator/GuestVCPUQueueHighCritical.md": "# GuestVCPUQueueHighCritical\n",
    "hack/check.sh": "#!/bin/sh\n",
    "example.md": "# Example runbook\n\nA template.\n",
}


class FlatAlerts(RepoTestCase):
    def test_builds_clean_and_every_runbook_is_one(self):
        repo = self.repo(ALERTS_FILES)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(diags(r.stderr), [])
        c = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual((c.returncode, diags(c.stderr)), (0, []))
        # the repository's alerts/ folder is its own: OWNERS files published, no collision
        for f in ("alerts/OWNERS", "alerts/cluster-etcd-operator/OWNERS",
                  "alerts/cluster-etcd-operator/etcdNoLeader/index.html", "alerts/index.html"):
            self.assertTrue(os.path.isfile(os.path.join(out, f)), f)
        doc = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        self.assertEqual(doc["repository"]["layout"], "plain")
        types = {d["path"]: d["type"] for d in doc["documents"]}
        self.assertEqual({p: t for p, t in types.items() if p.startswith("alerts/")},
                         {p: "runbook" for p in types if p.startswith("alerts/")})
        self.assertEqual(types["example.md"], "guide")
        # the site title is the README's H1, a folder's title its README's
        home = read(os.path.join(out, "index.html"))
        self.assertIn("Acme Cluster Runbooks", home.split("</title>")[0])
        self.assertIn("etcd operator", sidebar_titles(read(os.path.join(out, "alerts/index.html"))))

    def test_a_file_named_after_a_catalog_alert_is_a_runbook(self):
        repo = self.repo({"README.md": "# Ops\n", "notes/KubeDown.md": "# Kube down\n",
                          "notes/kubeletdown.md": "# Kubelet down\n", "notes/other.md": "# Other\n",
                          "alerts.yml": "alerts:\n  - name: KubeDown\n  - name: KubeletDown\n"})
        doc = json.loads(run("report", "--repo", repo, "--now", NOW, "--format", "json", "--no-trend").stdout)
        types = {d["path"]: d["type"] for d in doc["documents"]}
        self.assertEqual((types["notes/KubeDown.md"], types["notes/kubeletdown.md"], types["notes/other.md"]),
                         ("runbook", "runbook", "guide"))

    def test_badges_above_a_readme_heading_do_not_hide_the_title(self):
        # GitHub READMEs put a row of badges or a centred logo above their "# Title"
        # (giantswarm/prometheus-rules: a CircleCI badge line, then "# Giant Swarm alert and recording rules")
        repo = self.repo({
            "README.md": "[![CI](https://ci.example.org/rules.svg?style=shield)](https://ci.example.org/rules)\n"
                         "![licence](https://img.example.org/apache.svg)\n\n# Acme alert rules\n\nHow it works.\n",
            "helm/README.md": "<p align=\"center\">\n  <img src=\"https://img.example.org/logo.svg\" width=\"80\">\n"
                              "</p>\n\n# Helm chart\n\nValues.\n",
            "helm/values.md": "[![status](https://ci.example.org/s.svg)](https://ci.example.org/) Build status\n\n"
                              "# Chart values\n",
        })
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        for page, title in (("index.html", "Acme alert rules"), ("helm/index.html", "Helm chart")):
            text = read(os.path.join(out, page))
            self.assertIn("<title>%s" % title, text, page)
            h1s = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", text, re.S)]
            self.assertEqual(h1s, [title], page)  # the heading is the title, shown once
        self.assertIn("ci.example.org/rules.svg", read(os.path.join(out, "index.html")))  # badges kept
        self.assertIn("Helm chart", sidebar_titles(read(os.path.join(out, "index.html"))))
        # words beside the badge: the heading is not the first thing, the file name titles the page
        self.assertIn("<title>Values", read(os.path.join(out, "helm/values/index.html")))


class Renames(RepoTestCase):
    def test_renamed_html_md_pages_build_and_redirect(self):
        repo = self.repo({
            "docs/tutorials/index.html.md": "# Tutorials\n\n[First](first.html.md)\n",
            "docs/tutorials/first.html.md": "# First tutorial\n",
            "docs/guide/index.md": "# Guide\n",
            "docs/index.md": "# Docs\n\n[Tutorials](tutorials/index.html.md) [Guide](guide/index.md)\n",
            "README.md": "# Project\n\n[Docs](docs/index.md)\n",
        }, date="2019-03-01T09:00:00Z")
        git(repo, "mv", "docs/tutorials/index.html.md", "docs/tutorials/index.md")
        git(repo, "mv", "docs/tutorials/first.html.md", "docs/tutorials/first.md")
        git(repo, "mv", "docs/guide/index.md", "docs/guide/README.md")
        write(repo, "docs/tutorials/index.md", "# Tutorials\n\n[First](first.md)\n")
        write(repo, "docs/index.md", "# Docs\n\n[Tutorials](tutorials/index.md) [Guide](guide/README.md)\n")
        git(repo, "commit", "-qam", "Drop the .html.md names", date="2026-10-01T09:00:00Z")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        # the old address docs/tutorials/index.html/ would need the folder docs/tutorials/index.html/,
        # where the page itself is the file: the page wins, and as that address is the page, no note
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(diags(r.stderr), [])
        self.assertIn("Tutorials", read(os.path.join(out, "docs/tutorials/index.html")))
        self.assertIn("url=../first/", read(os.path.join(out, "docs/tutorials/first.html/index.html")))
        self.assertIn("Guide", read(os.path.join(out, "docs/guide/index.html")))
        c = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual((c.returncode, diags(c.stderr)), (0, []))

    def test_middleman_index_html_md_is_its_folders_page(self):
        # alphagov/govuk-developer-docs (Middleman): source/kubernetes/create-app/index.html.md is
        # published as kubernetes/create-app/index.html; a page at index.html/ took the place of the folder's
        # index.html, and every sidebar link to the folder led nowhere
        repo = self.repo({
            "README.md": "# Developer docs\n\n[Apps](kubernetes/create-app/index.html.md)\n",
            "kubernetes/create-app/index.html.md": "---\ntitle: Create an app\n---\nSteps. [Scale](scale.html.md)\n",
            "kubernetes/create-app/scale.html.md": "---\ntitle: Scale an app\n---\nMore replicas.\n",
        })
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(diags(r.stderr), [])  # no output-dropped note: nothing is lost
        page = os.path.join(out, "kubernetes/create-app/index.html")
        self.assertTrue(os.path.isfile(page), "the folder's address is not a page")
        self.assertIn("<title>Create an app", read(page))
        self.assertTrue(os.path.isfile(os.path.join(out, "kubernetes/create-app/scale.html/index.html")))
        # every link of every page leads to a file
        for d, _, files in os.walk(out):
            for f in files:
                if not f.endswith(".html"):
                    continue
                text = read(os.path.join(d, f))
                for href in re.findall(r'href="([^"#?]+)', text):
                    if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                        continue
                    t = os.path.normpath(os.path.join(d, unquote(href)))
                    if os.path.isdir(t):
                        t = os.path.join(t, "index.html")
                    self.assertTrue(os.path.isfile(t), "%s links to %s" % (os.path.relpath(d, out), href))

    def test_aliases_never_take_almanacs_own_files(self):
        repo = self.repo({
            "content/index.md": "# Home\n",
            "content/a.md": "---\naliases: [index.html, sitemap.xml, freshness.json, 404.html, assets/style.css,"
                            " search/, old/a.html]\n---\n# A\n",
        })
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [(d["col"], d["sev"], d["code"]) for d in diags(r.stderr)]
        self.assertEqual(got, [(str(c), "error", "alias-conflict") for c in (11, 23, 36, 52, 62, 80)])
        self.assertIn("<urlset", read(os.path.join(out, "sitemap.xml")))
        json.loads(read(os.path.join(out, "freshness.json")))
        self.assertIn("<code>content/index.md</code>", read(os.path.join(out, "index.html")))
        self.assertIn("url=../content/a/", read(os.path.join(out, "old/a.html")))
        # check reports the same, with the same severities and exit code 1
        c = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(c.returncode, 1)
        self.assertEqual([l for l in c.stderr.splitlines() if DIAG_RE.match(l)],
                         [l for l in r.stderr.splitlines() if DIAG_RE.match(l)])


class Summary(RepoTestCase):
    def test_build_counts_what_it_does_not_list(self):
        files = {"mkdocs.yml": "site_name: S\nnav:\n  - index.md\n", "docs/index.md": "# Home\n"}
        for i in range(25):
            files["docs/p%02d.md" % i] = "# Page %d\n" % i
        repo = self.repo(files)
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len([d for d in diags(r.stderr) if d["code"] == "orphan"]), 10)
        self.assertIn("almanac: ... and 15 more warning[orphan] (almanac check or almanac build --verbose lists "
                      "them all)", r.stderr)
        self.assertIn("25 warnings (25 orphan)", r.stderr)
        v = run("build", "--repo", repo, "--out", out + "2", "--now", NOW, "--verbose")
        self.assertEqual(len([d for d in diags(v.stderr) if d["code"] == "orphan"]), 25)
        c = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(len([d for d in diags(c.stderr) if d["code"] == "orphan"]), 25)

    def test_every_warning_kind_has_a_switch(self):
        """Each code the sources report as a warning or a note is a kind `warnings:` accepts."""
        src = os.environ.get("ALMANAC_SOURCE_ROOT") or os.path.join(os.path.dirname(__file__), "..", "..")
        codes = set()
        for name in os.listdir(os.path.join(src, "gen")):
            if name.endswith(".c") and name != "diag.c":
                text = read(os.path.join(src, "gen", name))
                for call in re.findall(r"diag_add\([^;]*?DIAG_(?:WARNING|NOTE)[^;]*?;", text, re.S):
                    codes.update(re.findall(r'"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)"', call)[:1])
        # codes handed through a helper (markdown.c's warn_once and on_unsupported)
        md = read(os.path.join(src, "gen", "markdown.c"))
        codes.update(re.findall(r'(?:warn_once|on_unsupported)\([^;"]*"([a-z-]+)"', md))
        self.assertGreater(len(codes), 20)
        codes.discard("config")  # turned off, it would hide the very warning this test looks for
        repo = self.repo({"almanac.yml": "warnings: {%s}\n" % ", ".join("%s: false" % c for c in sorted(codes)),
                          "content/index.md": "# Home\n"})
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("is not a kind", r.stderr)
        # and the manual lists each of them (a writer turning one off looks there)
        manual = read(os.path.join(src, "content", "docs", "configuration.md"))
        listed = set(re.findall(r"`([a-z0-9-]+)`", manual[manual.index("The kinds:"):manual.index("A name that is not")]))
        self.assertEqual(sorted((codes | {"config"}) - listed), [])

    def test_unknown_warning_kind_is_named(self):
        repo = self.repo({"almanac.yml": "warnings: {orphans: false}\n", "content/index.md": "# Home\n"})
        r = run("check", "--repo", repo, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("almanac.yml:1:21: warning[config]: 'orphans' is not a kind of warning or note; did you mean "
                      "'orphan'?", r.stderr)


if __name__ == "__main__":
    main()
