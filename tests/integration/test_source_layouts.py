"""A source of a multi-repository site that is itself a Hugo or an MkDocs site (sitelayout.h): its pages
follow its own tool's rules under its name (content root, _index.md, slug/url, aliases, ref/relref,
params, use_directory_urls, nav: order and titles), whatever the hub's layout is; links from the hub
reach them and a broken one is reported. With Debian's hugo and mkdocs installed, each source built
alone by its own tool publishes no page that Almanac does not publish under the source's name."""
import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, Serve, git, main, read, run, write  # noqa: E402
from test_layouts import diags, html_files, sidebar_titles  # noqa: E402

NOW = "2026-11-01T00:00:00Z"

HUGO_SOURCE = {
    "hugo.toml": 'baseURL = "https://k8s.example.org/"\ntitle = "Kubernetes Runbooks"\n'
                 'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
                 '[params]\n  repo = "https://git.example.org/k8s/runbooks"\n',
    "layouts/_default/single.html": "<html><body>{{ .Content }}</body></html>\n",
    "layouts/_default/list.html": "<html><body>{{ .Content }}{{ range .Pages }}{{ .RelPermalink }} {{ end }}"
                                  "</body></html>\n",
    "README.md": "# How to add a runbook (not part of the site)\n",
    "content/_index.md": "---\ntitle: Kubernetes\n---\nStart at the [runbooks]({{< relref \"/runbooks\" >}}).\n",
    "content/runbooks/_index.md": "---\ntitle: Runbooks\n---\nAll runbooks.\n",
    "content/runbooks/Pods/_index.md": "---\ntitle: Pods\n---\nPod alerts.\n",
    "content/runbooks/Pods/KubePodCrashLooping.md":
        "---\ntitle: Pod crash looping\naliases: [/old/crashloop/, legacy-crashloop]\n---\n"
        "## Diagnosis\n\nSee [node not ready]({{< ref \"KubeNodeNotReady.md\" >}}),\n"
        "[the guide]({{< relref \"/docs/guide.md#how\" >}}) and [edit]({{< param repo >}}/edit/main).\n",
    "content/runbooks/Pods/KubeNodeNotReady.md":
        "+++\ntitle = \"Node not ready\"\nlinkTitle = \"NotReady\"\n+++\n"
        "Back to [crash looping]({{< ref \"./KubePodCrashLooping.md#diagnosis\" >}}).\n",
    "content/runbooks/etcd/etcdNoLeader.md": "---\ntitle: No leader\nslug: No Leader Elected\n---\nText.\n",
    "content/runbooks/etcd/etcdMembersDown.md": "---\ntitle: Members down\nurl: /etcd/members-down/\n---\n"
                                                "See [no leader](/runbooks/etcd/etcdNoLeader.md).\n",
    "content/docs/guide.md": "---\ntitle: Guide\n---\n## How\n\nCopy a runbook.\n\n![flow](/images/flow.png)\n",
    # static/ is published at the root of the source's site, as hugo does
    "static/images/flow.png": "static PNG",
    "static/downloads/kubectl-plugin.tar.gz": "tarball",
    "content/docs/bundle/index.md": "---\ntitle: A bundle\n---\n![diagram](diagram.png)\n",
    "content/docs/bundle/diagram.png": "PNG",
}

MKDOCS_SOURCE = {
    "mkdocs.yml": "site_name: Payments Operations\ndocs_dir: handbook\nuse_directory_urls: false\nnav:\n"
                  "  - Home: index.md\n"
                  "  - 'Getting started': start.md\n"
                  "  - Alerts:\n"
                  "      - alerts/index.md\n"
                  "      - High latency: alerts/PaymentsHighLatency.md\n"
                  "      - alerts/PaymentsDown.md\n"
                  "  - Guides:\n"
                  "      - Zeta last in files, first in nav: guides/zeta.md\n"
                  "      - guides/alpha.md\n",
    "README.md": "# The repository's README (not part of the site)\n",
    "src/main.go": "package main\n",
    "handbook/index.md": "# Payments\n\nSee [start](start.md).\n",
    "handbook/start.md": "# Start here\n\nThen [alpha](guides/alpha.md).\n",
    "handbook/alerts/index.md": "# Alert runbooks\n",
    "handbook/alerts/PaymentsHighLatency.md": "# PaymentsHighLatency\n\n## Diagnosis\n",
    "handbook/alerts/PaymentsDown.md": "# PaymentsDown\n\nSee [latency](PaymentsHighLatency.md#diagnosis).\n",
    "handbook/guides/zeta.md": "# Zeta\n",
    "handbook/guides/alpha.md": "# Alpha\n",
}


def exists(out, *paths):
    return [p for p in paths if not os.path.isfile(os.path.join(out, p))]


class SourceLayouts(RepoTestCase):
    def hub(self, files, sources):
        cfg = "title: Handbook\nsources:\n" + "".join(
            "  - name: %s\n    repo: %s\n%s" % (name, repo, "    path: %s\n" % path if path else "")
            for name, repo, path in sources)
        return self.repo(dict(files, **{"almanac.yml": cfg}), date="2026-10-20T10:00:00Z")

    def build(self, hub):
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", hub, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out, r

    def setUp(self):
        super().setUp()
        self.k8s = self.repo(HUGO_SOURCE, date="2026-09-01T10:00:00Z")
        self.pay = self.repo(MKDOCS_SOURCE, date="2026-09-02T10:00:00Z")

    def plain_hub(self):
        return self.hub({
            "content/index.md": "# Hub\n\nOn call: [crash looping](../k8s/runbooks/Pods/KubePodCrashLooping.md),\n"
                                "[payments down](source:pay/alerts/PaymentsDown.md#nothing),\n"
                                "[members](../k8s/runbooks/etcd/etcdMembersDown.md), "
                                "[gone](../k8s/runbooks/Pods/Missing.md).\n",
            "runbooks/node.md": "# Node down\n",
        }, [("k8s", self.k8s, None), ("pay", self.pay, None)])

    def test_hugo_and_mkdocs_sources_keep_their_own_addresses(self):
        out, r = self.build(self.plain_hub())
        # Hugo: content/ is the source's root, _index.md its folder's page, URLs lower-cased,
        # slug and url: front matter, page bundles' files beside their page
        self.assertEqual(exists(out, "k8s/index.html", "k8s/runbooks/index.html", "k8s/runbooks/pods/index.html",
                                "k8s/runbooks/pods/kubepodcrashlooping/index.html",
                                "k8s/runbooks/pods/kubenodenotready/index.html",
                                "k8s/runbooks/etcd/no-leader-elected/index.html", "k8s/etcd/members-down/index.html",
                                "k8s/docs/guide/index.html", "k8s/docs/bundle/index.html",
                                "k8s/docs/bundle/diagram.png"), [])
        # its static/ folder under its name; '/' in its pages is its own site's root
        self.assertEqual(read(os.path.join(out, "k8s/images/flow.png")), "static PNG")
        self.assertEqual(read(os.path.join(out, "k8s/downloads/kubectl-plugin.tar.gz")), "tarball")
        self.assertIn('src="../../images/flow.png"', read(os.path.join(out, "k8s/docs/guide/index.html")))
        for absent in ("k8s/content", "k8s/runbooks/_index", "k8s/readme", "k8s/README", "k8s/runbooks/Pods",
                       "k8s/static", "images", "static"):
            self.assertFalse(os.path.exists(os.path.join(out, absent)), absent)
        # Hugo's aliases are addresses of the source's own site: under its name
        self.assertIn('url=../../runbooks/pods/kubepodcrashlooping/',
                      read(os.path.join(out, "k8s/old/crashloop/index.html")))
        self.assertIn('url=../kubepodcrashlooping/',
                      read(os.path.join(out, "k8s/runbooks/pods/legacy-crashloop/index.html")))
        self.assertFalse(os.path.exists(os.path.join(out, "old")))
        # ref and relref are looked up in the source's content folder, param in its config
        crash = read(os.path.join(out, "k8s/runbooks/pods/kubepodcrashlooping/index.html"))
        self.assertIn('href="../kubenodenotready/"', crash)
        self.assertIn('href="../../../docs/guide/#how"', crash)
        self.assertIn('href="https://git.example.org/k8s/runbooks/edit/main"', crash)
        self.assertNotIn("{{", crash)
        self.assertIn('href="../kubepodcrashlooping/#diagnosis"',
                      read(os.path.join(out, "k8s/runbooks/pods/kubenodenotready/index.html")))
        self.assertIn('<a href="runbooks/">runbooks</a>', read(os.path.join(out, "k8s/index.html")))
        # '/' in a Hugo source's page is its content root
        self.assertIn('href="../../runbooks/etcd/no-leader-elected/"',
                      read(os.path.join(out, "k8s/etcd/members-down/index.html")))
        # MkDocs: docs_dir is the source's root, paths keep their case, use_directory_urls: false
        # addresses (x.html) lead to the pages
        self.assertEqual(exists(out, "pay/index.html", "pay/start/index.html", "pay/alerts/index.html",
                                "pay/alerts/PaymentsDown/index.html", "pay/guides/zeta/index.html",
                                "pay/start.html", "pay/alerts/PaymentsDown.html"), [])
        self.assertIn("url=start/", read(os.path.join(out, "pay/start.html")))
        for absent in ("pay/handbook", "pay/README", "pay/src"):
            self.assertFalse(os.path.exists(os.path.join(out, absent)), absent)
        # nav: order and titles within the source's folder, which its site_name names
        titles = sidebar_titles(read(os.path.join(out, "pay/guides/alpha/index.html")))
        self.assertIn("Payments Operations", titles)
        self.assertIn("Kubernetes Runbooks", titles)
        self.assertNotIn("Home", titles)
        p = titles.index("Getting started")
        self.assertEqual(titles[p:p + 2], ["Getting started", "Alerts"])
        g = titles.index("Guides")
        self.assertEqual(titles[g + 1:g + 3], ["Zeta last in files, first in nav", "Alpha"])
        titles = sidebar_titles(read(os.path.join(out, "pay/alerts/PaymentsDown/index.html")))
        a = titles.index("Alerts")
        self.assertEqual(titles[a + 1:a + 3], ["High latency", "PaymentsDown"])
        # the hub's links reach both sources' pages; a broken one and a broken anchor are reported
        home = read(os.path.join(out, "index.html"))
        self.assertIn('href="k8s/runbooks/pods/kubepodcrashlooping/"', home)
        self.assertIn('href="pay/alerts/PaymentsDown/#nothing"', home)
        self.assertIn('href="k8s/etcd/members-down/"', home)
        self.assertEqual(sorted((d["file"], d["line"], d["code"]) for d in diags(r.stderr)),
                         [("content/index.md", "4", "broken-anchor"), ("content/index.md", "5", "broken-link")])

    def test_a_sources_active_files_are_withheld(self):
        # HTML, SVG and XML files of a source (its static/ folder and its content folder alike) are
        # withheld as the hub's are, unless the hub's almanac.yml says publish
        write(self.k8s, "static/embed/widget.html", "<script>alert(1)</script>\n")
        write(self.k8s, "content/docs/bundle/page.html", "<script>alert(2)</script>\n")
        subprocess.run(["git", "-C", self.k8s, "add", "-A"], check=True)
        subprocess.run(["git", "-C", self.k8s, "-c", "user.name=A", "-c", "user.email=a@example.com", "commit",
                        "-qm", "scripts"], check=True)
        hub = self.plain_hub()
        out, r = self.build(hub)
        # (a file outside what the source publishes as pages is named "source:path")
        got = sorted(l.split(": warning")[0] for l in r.stderr.splitlines() if "[active-asset]" in l)
        self.assertEqual(got, ["k8s/docs/bundle/page.html:0:0", "k8s:static/embed/widget.html:0:0"])
        self.assertEqual(exists(out, "k8s/embed/widget.html", "k8s/docs/bundle/page.html"),
                         ["k8s/embed/widget.html", "k8s/docs/bundle/page.html"])
        write(hub, "almanac.yml", read(os.path.join(hub, "almanac.yml")) + "active_assets: publish\n")
        out, r = self.build(hub)
        self.assertEqual(exists(out, "k8s/embed/widget.html", "k8s/docs/bundle/page.html"), [])

    def test_a_root_link_to_nothing_in_a_hugo_or_mkdocs_source_is_not_found(self):
        # '/' in such a source's page is its own site's root: a link there that names nothing is
        # broken, as in the same repository built alone ('not found'); it was reported as outside
        # the folder the source publishes, which sent the writer looking at the hub's path:. A
        # file of the repository outside that folder still is.
        write(self.k8s, "content/docs/links.md", "---\ntitle: Links\n---\n[a](/nothere/) [b](/README.md)\n")
        write(self.pay, "handbook/links.md", "# Links\n\n[a](/nothere.md) [b](/src/main.go)\n")
        git(self.k8s, "add", "-A")  # a source is its tracked files
        git(self.pay, "add", "-A")
        out, r = self.build(self.plain_hub())
        got = sorted((d["file"], d["col"], d["code"]) for d in diags(r.stderr)
                     if "links.md" in d["file"] and d["code"] != "orphan")
        self.assertEqual(got, [("k8s/docs/links.md", "1", "broken-link"), ("k8s/docs/links.md", "16", "link-outside-content"),
                               ("pay/links.md", "1", "broken-link"), ("pay/links.md", "18", "link-outside-content")],
                         r.stderr)
        self.assertIn("k8s/docs/links.md:4:1: error[broken-link]: link target '/nothere/' not found", r.stderr)
        self.assertIn("pay/links.md:3:1: error[broken-link]: link target '/nothere.md' not found", r.stderr)

    def test_rules_written_for_a_sources_own_site_address(self):
        # rules kept with the monitoring stack name the runbook site's own address (kube-prometheus names
        # runbooks.prometheus-operator.dev, the Hugo source's baseURL): on the hub that is the page under
        # the source's name, which answers the alert; one that names no page of that site is broken
        hub = self.plain_hub()
        write(hub, "almanac.yml", read(os.path.join(hub, "almanac.yml")) +
              "base_url: https://handbook.example.com/\nalert_rules: [rules.yml]\n")
        write(hub, "rules.yml",
              "groups:\n- name: k8s\n  rules:\n"
              "  - alert: PodsRestarting\n    expr: up == 0\n    annotations:\n"
              "      runbook_url: https://k8s.example.org/runbooks/pods/kubepodcrashlooping/#diagnosis\n"
              "  - alert: PodsGone\n    expr: up == 0\n    annotations:\n"
              "      runbook_url: https://k8s.example.org/runbooks/pods/kubepodsgone\n"
              "  - alert: Elsewhere\n    expr: up == 0\n    annotations:\n"
              "      runbook_url: https://other.example.org/runbooks/x/\n")
        out, r = self.build(hub)
        self.assertIn("rules.yml:11:20: error[runbook-url]: runbook_url 'https://k8s.example.org/runbooks/pods/"
                      "kubepodsgone' leads to no page of this site", r.stderr)
        alert = read(os.path.join(out, "alerts/PodsRestarting/index.html"))
        self.assertIn("k8s/runbooks/pods/kubepodcrashlooping/#diagnosis", alert)
        rep = json.loads(read(os.path.join(out, "freshness.json")))
        urls = rep["alerts"]["runbook_urls"]
        self.assertEqual((urls["checked"], urls["ok"], len(urls["broken"]), urls["external"]), (2, 1, 1, 1))

    def test_report_names_each_sources_layout(self):
        hub = self.plain_hub()
        r = run("report", "--repo", hub, "--format", "json", "--now", NOW, "--no-trend")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["repository"]["layout"], "plain")
        self.assertEqual({s["name"]: (s["layout"], s["path"]) for s in doc["repository"]["sources"]},
                         {"k8s": ("hugo", ""), "pay": ("mkdocs", "")})
        urls = {d["path"]: d["url"] for d in doc["documents"]}
        self.assertEqual(urls["k8s/runbooks/etcd/etcdNoLeader.md"], "k8s/runbooks/etcd/no-leader-elected/")
        self.assertEqual(urls["pay/alerts/PaymentsDown.md"], "pay/alerts/PaymentsDown/")

    def test_a_sources_tool_config_is_named_in_that_source(self):
        # mkdocs.yml is not a page: a warning at it says NAME:mkdocs.yml (the file in that repository),
        # not NAME/mkdocs.yml (a site path nothing is published at)
        pay = self.repo(dict(MKDOCS_SOURCE, **{"mkdocs.yml": MKDOCS_SOURCE["mkdocs.yml"] + "  - Gone: gone.md\n"}),
                        date="2026-09-02T10:00:00Z")
        hub = self.hub({"runbooks/node.md": "# Node down\n"}, [("pay", pay, None)])
        r = run("check", "--repo", hub, "--now", NOW)
        got = [l for l in r.stderr.splitlines() if "[layout]" in l]
        self.assertEqual(got, ["pay:mkdocs.yml:14:11: warning[layout]: nav: entry 'gone.md' names no file of "
                               "handbook/: MkDocs leaves it out of the navigation; nav: paths are relative to "
                               "docs_dir"], r.stderr)

    def test_a_source_whose_hugo_site_is_in_a_folder(self):
        # without path: the source's site in website/ is laid out by Hugo's rules under its name; with
        # path: the entry says where its pages are, and they keep the plain rules
        from test_layouts import HUGO_WEBSITE
        svc = self.repo(dict(HUGO_WEBSITE, **{"docs/runbooks/Disk-Full.md": "# Disk full\n"}),
                        date="2026-09-03T10:00:00Z")
        hub = self.hub({"runbooks/node.md": "# Node down\n"}, [("web", svc, None), ("rb", svc, "docs/runbooks")])
        out, r = self.build(hub)
        self.assertEqual(diags(r.stderr), [])
        self.assertEqual(exists(out, "web/index.html", "web/runbooks/disk-full/index.html", "web/img/Map.png",
                                "rb/Disk-Full/index.html"), [])
        self.assertIn("Payments Handbook", read(os.path.join(out, "web/runbooks/disk-full/index.html")))

    def test_a_hugo_hub_with_mkdocs_and_plain_sources(self):
        # each page follows its own repository's rules: the hub's are lower-cased, the MkDocs
        # source's keep their case; a source with no config of its own is written for the hub and
        # follows the hub's rules (its _index.md is its folder's page, its addresses lower-cased)
        plain = self.repo({"ops/_index.md": "---\ntitle: Operations\n---\n", "ops/DiskFull.md": "# Disk full\n"},
                          date="2026-09-03T10:00:00Z")
        hub = self.hub({
            "hugo.toml": 'title = "Hub"\n',
            "content/_index.md": "---\ntitle: Hub\n---\nSee [down]({{< ref \"Platform/NodeDown.md\" >}}) and "
                                 "[payments](/pay/alerts/PaymentsDown/).\n",
            "content/Platform/NodeDown.md": "---\ntitle: Node down\n---\nText.\n",
        }, [("pay", self.pay, "handbook/alerts"), ("ops", plain, "ops")])
        out, r = self.build(hub)
        self.assertEqual(diags(r.stderr), [])
        # path: inside docs_dir keeps the folders below docs_dir: the page's address in its own site
        self.assertEqual(exists(out, "platform/nodedown/index.html", "pay/alerts/index.html",
                                "pay/alerts/PaymentsDown/index.html", "pay/alerts/PaymentsHighLatency.html",
                                "ops/index.html"), [])
        self.assertEqual(exists(out, "ops/diskfull/index.html"), [])
        for absent in ("pay/start", "pay/alerts/paymentsdown", "ops/DiskFull", "ops/_index", "ops/ops"):
            self.assertFalse(os.path.exists(os.path.join(out, absent)), absent)
        rep = json.loads(run("report", "--repo", hub, "--format", "json", "--now", NOW, "--no-trend").stdout)
        self.assertEqual({s["name"]: s["layout"] for s in rep["repository"]["sources"]}, {"pay": "mkdocs", "ops": "hugo"})
        home = read(os.path.join(out, "index.html"))
        self.assertIn('href="platform/nodedown/"', home)
        self.assertIn('href="pay/alerts/PaymentsDown/"', home)

    def test_each_source_publishes_what_its_own_tool_publishes(self):
        hub = self.plain_hub()
        out, _ = self.build(hub)
        checked = 0
        if shutil.which("hugo"):
            hout = os.path.join(self.tmpdir(), "hugo")
            h = subprocess.run(["hugo", "--quiet", "--source", self.k8s, "--destination", hout],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
            self.assertEqual(h.returncode, 0, h.stderr)
            theirs = html_files(hout) - {"404.html"}
            self.assertGreaterEqual(len(theirs), 10)
            self.assertEqual(sorted(p for p in theirs if not os.path.isfile(os.path.join(out, "k8s", p))), [])
            # and every other file it copies (static/), with the same bytes
            files = {os.path.relpath(os.path.join(d, n), hout) for d, _, ns in os.walk(hout) for n in ns
                     if not n.endswith(".html")}
            self.assertLessEqual({"images/flow.png", "downloads/kubectl-plugin.tar.gz"}, files)
            for f in files:
                self.assertEqual(read(os.path.join(out, "k8s", f)), read(os.path.join(hout, f)), f)
            checked += 1
        if shutil.which("mkdocs"):
            mout = os.path.join(self.tmpdir(), "mkdocs")
            m = subprocess.run(["mkdocs", "build", "--quiet", "--config-file", os.path.join(self.pay, "mkdocs.yml"),
                                "--site-dir", mout], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=120, cwd=self.pay)
            self.assertEqual(m.returncode, 0, m.stderr)
            ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
            locs = [l.text for l in ET.parse(os.path.join(mout, "sitemap.xml")).findall("s:url/s:loc", ns)]
            self.assertEqual(len(locs), 7)
            for loc in locs:
                url = unquote(loc.split("://", 1)[-1].split("/", 1)[1] if "://" in loc else loc.lstrip("/"))
                if url.startswith("None"):
                    url = url[4:].lstrip("/")
                f = url + "index.html" if url.endswith("/") or not url else url
                self.assertTrue(os.path.isfile(os.path.join(out, "pay", f)), (loc, f))
            checked += 1
        if not checked:
            self.skipTest("neither hugo nor mkdocs is installed (tools/deps.sh TEST_PACKAGES installs them)")

    def test_serve_follows_a_change_of_a_sources_mkdocs_yml(self):
        # the source's config is at its root, outside the content folder it publishes
        with Serve(self.plain_hub(), "--now", NOW) as srv:
            st, body = srv.get("/pay/guides/alpha/")
            self.assertEqual(st, 200)
            self.assertIn("Getting started", sidebar_titles(body.decode()))
            write(self.pay, "mkdocs.yml", read(os.path.join(self.pay, "mkdocs.yml")).replace(
                "'Getting started'", "'First steps'"))
            deadline = time.time() + 30
            while time.time() < deadline:
                st, body = srv.get("/pay/guides/alpha/")
                if "First steps" in sidebar_titles(body.decode()):
                    break
                time.sleep(0.2)
            self.assertIn("First steps", sidebar_titles(body.decode()), "".join(srv.lines))


if __name__ == "__main__":
    main()
