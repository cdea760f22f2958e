#!/usr/bin/env python3
"""Integration test of the default theme (themes/default/): builds a small
Git repository with runbooks, roles and guides, runs `almanac build` and
checks what a reader would notice in the produced HTML: the search box,
stylesheet, breadcrumbs, sidebar and table of contents on every page, the
stale/drift banners, the runbook and role metadata, redirects, the 404 page,
and that every relative link resolves to a file of the output.

Env: ALMANAC_BIN = the binary (skips with exit code 77 when unset/missing)."""

import html.parser
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

NOW = "2026-11-22"

CONFIG = """\
title: Acme Operations
repo_url: https://git.example.com/acme/ops
freshness:
  default_interval: 90d
"""

ALERTS = """\
alerts:
  - name: KubeNodeNotReady
    severity: critical
    summary: A node has been NotReady for 5 minutes
  - name: EtcdNoLeader
    summary: etcd has no leader
  - name: HighLatency
    summary: p99 latency above the SLO
  - name: DiskAlmostFull
    summary: A volume is 90% full
"""

HOME = """\
---
title: Acme Operations
description: Runbooks and role pages of the Acme platform team.
---

Start with the [onboarding guide](guides/onboarding.md) or the
[node runbook](../runbooks/k8s/node-not-ready.md).
"""

ROLES_INDEX = """\
---
title: Roles
description: Who owns what.
---

The roles of the platform team.
"""

ROLE = """\
---
title: Kubernetes Engineer
description: Owns the clusters.
type: role
level: mid
owner: platform-team
tags: [role, kubernetes]
---

## Summary

Runs the Kubernetes clusters.

## Career path

Next step: senior engineer. See the [onboarding guide](../guides/onboarding.md).
"""

NODE = """\
---
title: Node not ready
description: A Kubernetes node stopped reporting Ready.
owner: kubernetes-engineer
criticality: critical
review_interval: 90d
tags: [kubernetes, node]
alerts: [KubeNodeNotReady, HighLatency]
related: [runbooks/k8s/etcd-backup.md]
aliases: [runbooks/old-node.md]
---

## Symptoms

The node shows `NotReady` in `kubectl get nodes`.

## Diagnosis

```bash
kubectl describe node "$NODE" | grep -A5 Conditions
```

### Kubelet logs

Check `journalctl -u kubelet` on the node.

## Resolution

Drain the node, then reboot it. Back up etcd first: [etcd backup](etcd-backup.md#before-you-start).
"""

ETCD = """\
---
title: Etcd backup
owner: kubernetes-engineer
criticality: high
review_interval: 90d
alerts: [EtcdNoLeader]
tags: [etcd]
---

## Before you start

Make sure you can reach the etcd members.

## Steps

Run the backup job. If the node is broken, see [node not ready](node-not-ready.md).
"""

PG = """\
---
title: Postgres failover
owner: kubernetes-engineer
criticality: medium
review_interval: 1y
alerts: [HighLatency]
watches: [config/postgres.conf]
---

## Steps

Promote the replica.

## Afterwards

Rebuild the old primary.
"""

GUIDE = """\
---
title: Onboarding
description: Your first week on the platform team.
type: guide
owner: kubernetes-engineer
---

## Week one

Read the [node runbook](../../runbooks/k8s/node-not-ready.md) and the
[Kubernetes Engineer](../roles/kubernetes-engineer.md) role page.

## Week two

Shadow an on-call shift.
"""

DRAFT = """\
---
title: Secret plan
draft: true
---

Not yet.
"""

UNCOMMITTED = """\
---
title: New runbook
owner: kubernetes-engineer
---

## One

Written today.

## Two

Not committed.
"""


def git(repo, *args, date=None):
    env = dict(os.environ)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "HOME": repo, "GIT_CONFIG_GLOBAL": os.devnull})
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date + "T10:00:00Z"
    subprocess.run(["git", "-C", repo, *args], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def write(repo, path, text):
    full = os.path.join(repo, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)


def commit(repo, paths, date, author, message):
    git(repo, "add", "--", *paths)
    git(repo, "-c", "user.name=" + author, "-c", "user.email=%s@example.com" % author.split()[0].lower(),
        "commit", "-q", "-m", message, date=date)


def make_fixture(repo):
    """A repository with a fresh, a stale, a drifted and an uncommitted runbook,
    a role, a guide, a draft, an alert claimed twice and an alias."""
    os.makedirs(repo, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    write(repo, "almanac.yml", CONFIG)
    write(repo, "alerts.yml", ALERTS)
    write(repo, "runbooks/k8s/etcd-backup.md", ETCD)
    commit(repo, ["almanac.yml", "alerts.yml", "runbooks/k8s/etcd-backup.md"], "2026-04-06",
           "Erin Ops", "Add the etcd backup runbook")
    write(repo, "runbooks/db/postgres-failover.md", PG)
    write(repo, "config/postgres.conf", "max_connections = 100\n")
    commit(repo, ["runbooks/db/postgres-failover.md", "config/postgres.conf"], "2026-09-01",
           "Dana Db", "Add the postgres failover runbook")
    write(repo, "config/postgres.conf", "max_connections = 500\n")
    commit(repo, ["config/postgres.conf"], "2026-10-15", "Dana Db", "Raise max_connections")
    write(repo, "content/index.md", HOME)
    write(repo, "content/roles/index.md", ROLES_INDEX)
    write(repo, "content/roles/kubernetes-engineer.md", ROLE)
    write(repo, "content/guides/onboarding.md", GUIDE)
    write(repo, "runbooks/k8s/node-not-ready.md", NODE)
    write(repo, "runbooks/k8s/secret-plan.md", DRAFT)
    commit(repo, ["content", "runbooks/k8s/node-not-ready.md", "runbooks/k8s/secret-plan.md"],
           "2026-11-01", "Ann Admin", "Add pages")
    write(repo, "runbooks/k8s/new-runbook.md", UNCOMMITTED)


class LinkParser(html.parser.HTMLParser):
    """Collects href/src attributes and the other things the tests look at."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []      # (tag, attr, value)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for k in ("href", "src"):
            if a.get(k) is not None:
                self.links.append((tag, k, a[k]))


def html_files(out):
    for d, _, files in os.walk(out):
        for f in files:
            if f.endswith(".html"):
                yield os.path.relpath(os.path.join(d, f), out).replace(os.sep, "/")


class ThemeTest(unittest.TestCase):
    # a failed assertion on a page names what is missing, not the whole page
    def assertIn(self, member, container, msg=None):
        if member not in container:
            self.fail(msg or "%r not found in %.150r..." % (member, container))

    def assertNotIn(self, member, container, msg=None):
        if member in container:
            i = container.index(member)
            self.fail(msg or "%r found: ...%r..." % (member, container[max(0, i - 80):i + 80]))

    def assertRegex(self, text, regex, msg=None):
        if not re.search(regex, text):
            self.fail(msg or "no match for %r in %.150r..." % (regex, text))

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="almanac-theme-")
        cls.repo = os.path.join(cls.tmp, "repo")
        cls.out = os.path.join(cls.tmp, "site")
        make_fixture(cls.repo)
        r = subprocess.run([BIN, "build", "--repo", cls.repo, "--out", cls.out, "--now", NOW],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cls.build = r
        cls.pages = {}
        if os.path.isdir(cls.out):
            for rel in html_files(cls.out):
                with open(os.path.join(cls.out, rel), encoding="utf-8") as f:
                    cls.pages[rel] = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def page(self, rel):
        self.assertIn(rel, self.pages, "missing %s; build stderr:\n%s" % (rel, self.build.stderr))
        return self.pages[rel]

    def is_redirect(self, text):
        return 'http-equiv="refresh"' in text

    def content_pages(self):
        """Every rendered page that is not a redirect."""
        return {k: v for k, v in self.pages.items() if not self.is_redirect(v)}

    def test_build_succeeds(self):
        self.assertEqual(self.build.returncode, 0, self.build.stderr)
        self.assertNotIn("template", self.build.stderr, "template diagnostics:\n" + self.build.stderr)

    def test_every_page_has_search_stylesheet_and_landmarks(self):
        pages = self.content_pages()
        self.assertGreaterEqual(len(pages), 10)
        for rel, text in pages.items():
            with self.subTest(page=rel):
                self.assertRegex(text, r'<input type="search"[^>]*\bdata-search\b')
                if rel == "404.html":  # served at any depth: no relative stylesheet or script (test_404_page)
                    continue
                self.assertRegex(text, r'<link rel="stylesheet" href="(\.\./)*assets/style\.css">')
                self.assertRegex(text, r'<script src="(\.\./)*assets/search\.js" data-root="(\.\./)*\./" defer>')
                for landmark in ("<header", "<main", "<footer", 'class="skip-link"'):
                    self.assertIn(landmark, text)
                # the search form works without JavaScript
                self.assertRegex(text, r'<form[^>]*action="(\.\./)*search/"')
                self.assertNotIn("assets/live.js", text)  # only with `almanac serve`

    def test_breadcrumbs_everywhere_but_home(self):
        for rel, text in self.content_pages().items():
            if rel in ("index.html", "404.html"):  # 404.html is served at any depth
                continue
            with self.subTest(page=rel):
                self.assertIn('<nav class="breadcrumbs" aria-label="Breadcrumb">', text)
        node = self.page("runbooks/k8s/node-not-ready/index.html")
        crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', node, re.S).group(0)
        self.assertIn('<a href="../../../">Acme Operations</a>', crumbs)
        self.assertIn('href="../">K8s</a>', crumbs)
        self.assertIn('<span aria-current="page">Node not ready</span>', crumbs)

    def test_sidebar_marks_the_current_page(self):
        for rel in ("runbooks/k8s/node-not-ready/index.html", "content/roles/kubernetes-engineer/index.html",
                    "content/guides/onboarding/index.html"):
            with self.subTest(page=rel):
                text = self.page(rel)
                side = re.search(r'<aside class="sidebar".*?</aside>', text, re.S)
                self.assertIsNotNone(side, "no sidebar")
                active = re.findall(r'<a href="([^"]*)" aria-current="page">([^<]*)</a>', side.group(0))
                self.assertEqual(len(active), 1, active)
        node = self.page("runbooks/k8s/node-not-ready/index.html")
        side = re.search(r'<aside class="sidebar".*?</aside>', node, re.S).group(0)
        self.assertIn('<a href="./" aria-current="page">Node not ready</a>', side)
        # its siblings are listed, once each; the folders on its path are open
        self.assertEqual(side.count(">Etcd backup</a>"), 1)
        self.assertRegex(side, r'nav-folder is-open"><a href="\.\./">K8s</a>')
        # another section's pages are not listed: the sidebar does not grow with the site
        self.assertNotIn("Kubernetes Engineer<", side)
        self.assertNotIn("Postgres failover<", side)

    def test_table_of_contents(self):
        node = self.page("runbooks/k8s/node-not-ready/index.html")
        toc = re.search(r'<details class="toc".*?</details>', node, re.S)
        self.assertIsNotNone(toc)
        for anchor in ("symptoms", "diagnosis", "kubelet-logs", "resolution"):
            self.assertIn('href="#%s"' % anchor, toc.group(0))
            self.assertIn('id="%s"' % anchor, node)
        self.assertIn('class="toc-h3"><a href="#kubelet-logs">', toc.group(0))

    def test_stale_runbook_has_banner_fresh_one_does_not(self):
        etcd = self.page("runbooks/k8s/etcd-backup/index.html")
        self.assertIn("Last changed 229 days ago; review interval 90 days — verify before relying on it", etcd)
        self.assertIn('class="banner banner-stale"', etcd)
        # said once: the banner carries the date, author and how overdue; no freshness line repeats it
        banner = re.search(r'<div class="banner banner-stale".*?</div>\n</div>', etcd, re.S).group(0)
        self.assertIn("review overdue by 139 days", banner)
        self.assertIn('<time datetime="2026-04-06T10:00:00Z">2026-04-06</time> by Erin Ops', banner)
        self.assertEqual(etcd.count("review overdue"), 1)
        self.assertEqual(etcd.count("days ago"), 1)
        self.assertNotIn('class="freshness ', etcd)
        node = self.page("runbooks/k8s/node-not-ready/index.html")
        self.assertNotIn("banner-stale", node)
        self.assertNotIn("verify before relying on it", node)
        self.assertIn('Last changed <time datetime="2026-11-01T10:00:00Z">2026-11-01</time> by Ann Admin (20 days ago)',
                      node)
        self.assertIn("review due in 70 days", node)
        self.assertIn('href="https://git.example.com/acme/ops/commits/main/runbooks/k8s/node-not-ready.md"', node)
        self.assertIn('href="../../../freshness/">Freshness report</a>', node)

    def test_drifted_runbook_has_banner(self):
        pg = self.page("runbooks/db/postgres-failover/index.html")
        self.assertIn("<code>config/postgres.conf</code> changed on 2026-10-15 after this page was last updated", pg)
        self.assertIn('class="banner banner-stale"', pg)

    def test_uncommitted_and_draft(self):
        new = self.page("runbooks/k8s/new-runbook/index.html")
        # the "uncommitted" badge is for serve (test_serve checks it there); a build says it in the freshness line
        self.assertNotIn('class="badge badge-uncommitted"', new)
        self.assertIn("Not committed yet", new)
        self.assertNotIn("banner-stale", new)
        self.assertNotIn("runbooks/k8s/secret-plan/index.html", self.pages)
        for text in self.content_pages().values():
            self.assertNotIn("Secret plan", text)

    def test_runbook_metadata(self):
        node = self.page("runbooks/k8s/node-not-ready/index.html")
        self.assertIn('<dt>Owner</dt><dd><a href="../../../content/roles/kubernetes-engineer/">Kubernetes Engineer</a></dd>', node)
        self.assertIn('<span class="badge crit crit-critical">critical</span>', node)
        self.assertIn('<a class="alert-link" href="../../../alerts/KubeNodeNotReady/"><code>KubeNodeNotReady</code></a>', node)
        self.assertIn('<a class="alert-link" href="../../../alerts/HighLatency/"><code>HighLatency</code></a>', node)
        self.assertIn('>kubernetes</a>', node)  # a tag
        # content and permalink anchors; the code block is there for the copy button
        self.assertIn('<a class="anchor" id="symptoms" href="#symptoms"', node)
        self.assertIn("<pre", node)
        self.assertRegex(node, r'<script src="\.\./\.\./\.\./assets/almanac\.js" defer>')
        # related pages and backlinks
        rel = re.search(r'<section class="link-section related".*?</section>', node, re.S)
        self.assertIsNotNone(rel)
        self.assertIn('href="../etcd-backup/">Etcd backup</a>', rel.group(0))
        back = re.search(r'<section class="link-section backlinks".*?</section>', node, re.S)
        self.assertIsNotNone(back, "no 'Linked from' section")
        self.assertIn("Onboarding</a>", back.group(0))

    def test_role_page_lists_owned_runbooks(self):
        role = self.page("content/roles/kubernetes-engineer/index.html")
        owned = re.search(r'<section class="owned".*?</section>', role, re.S)
        self.assertIsNotNone(owned)
        for title, url in (("Node not ready", "../../../runbooks/k8s/node-not-ready/"),
                           ("Etcd backup", "../../../runbooks/k8s/etcd-backup/"),
                           ("Postgres failover", "../../../runbooks/db/postgres-failover/")):
            self.assertIn('<a href="%s">%s</a>' % (url, title), owned.group(0))
        self.assertNotIn("Onboarding", owned.group(0))  # a guide, not a runbook
        self.assertIn('<span class="badge badge-level">mid</span>', role)
        self.assertIn("<dt>Team</dt><dd>platform-team</dd>", role)
        self.assertIn("Career path", role)

    def test_section_pages(self):
        k8s = self.page("runbooks/k8s/index.html")  # generated: no index.md
        self.assertRegex(k8s, r'<a class="child-link" href="etcd-backup/">.*?Etcd backup')
        self.assertRegex(k8s, r'<a class="child-link" href="node-not-ready/">.*?Node not ready')
        runbooks = self.page("runbooks/index.html")
        self.assertRegex(runbooks, r'<li class="child child-folder">\s*<a class="child-link" href="k8s/">')
        home = self.page("index.html")
        self.assertIn('class="hero"', home)
        self.assertIn("Runbooks and role pages of the Acme platform team.", home)

    def test_404_page(self):
        nf = self.page("404.html")
        self.assertIn("Page not found", nf)
        self.assertIn('<meta name="robots" content="noindex">', nf)
        # served at any depth: the stylesheet is inline, scripts are loaded from the root the page finds
        with open(os.path.join(self.out, "assets", "style.css"), encoding="utf-8") as f:
            self.assertIn("<style>" + f.read().replace("</", "<\\/") + "</style>", nf)
        self.assertNotIn('rel="stylesheet"', nf)
        self.assertNotRegex(nf, r'<script src=')
        self.assertIn('<script data-almanac-404 data-scripts="assets/almanac.js assets/search.js">', nf)

    def test_alias_and_alert_redirects(self):
        old = self.page("runbooks/old-node/index.html")
        self.assertIn('<meta http-equiv="refresh" content="0; url=../k8s/node-not-ready/">', old)
        self.assertIn('<link rel="canonical" href="../k8s/node-not-ready/">', old)
        self.assertIn('<a href="../k8s/node-not-ready/">Node not ready</a>', old)
        one = self.page("alerts/KubeNodeNotReady/index.html")
        self.assertIn('content="0; url=../../runbooks/k8s/node-not-ready/"', one)
        self.assertIn("A node has been NotReady for 5 minutes", one)
        several = self.page("alerts/HighLatency/index.html")
        self.assertFalse(self.is_redirect(several))
        self.assertIn('href="../../runbooks/k8s/node-not-ready/">Node not ready</a>', several)
        self.assertIn('href="../../runbooks/db/postgres-failover/">Postgres failover</a>', several)

    def test_search_page_contract(self):
        s = self.page("search/index.html")
        self.assertIn('<div id="search-results" class="search-results" data-search-results', s)
        self.assertRegex(s, r'<input type="search" id="search-q" name="q" data-search')
        self.assertIn("<noscript>", s)
        # one search box only, so the client fills the page's own box
        self.assertEqual(len(re.findall(r"\bdata-search\b(?!-)", s)), 1)

    def test_freshness_page(self):
        f = self.page("freshness/index.html")
        # the KPI and the charts first, then what needs attention
        self.assertLess(f.index('class="kpi-value"'), f.index('data-chart="trend"'))
        self.assertLess(f.index('data-chart="trend"'), f.index('id="attention-title"'))
        self.assertRegex(f, r'class="kpi-value">[0-9.]+<span class="kpi-unit">%</span>')
        self.assertIn("Below the target of 80%", f)
        self.assertIn('<a href="../runbooks/k8s/etcd-backup/">Etcd backup</a>', f)
        self.assertIn("<code>DiskAlmostFull</code>", f)

    def test_no_absolute_links(self):
        for rel, text in self.pages.items():
            with self.subTest(page=rel):
                self.assertIsNone(re.search(r'(?:href|src|action)="/', text))

    def test_relative_links_resolve(self):
        broken = []
        for rel, text in self.pages.items():
            p = LinkParser()
            p.feed(text)
            base = posixpath.dirname(rel)
            for tag, attr, value in p.links:
                u = urllib.parse.urlsplit(value)
                if u.scheme or u.netloc:
                    continue
                path = urllib.parse.unquote(u.path)
                if not path:  # a fragment of this page
                    if u.fragment and u.fragment not in p.ids:
                        broken.append((rel, value))
                    continue
                target = posixpath.normpath(posixpath.join(base, path))
                if target.startswith(".."):
                    broken.append((rel, value))
                    continue
                full = os.path.join(self.out, target)
                if path.endswith("/") or os.path.isdir(full):
                    full = os.path.join(full, "index.html")
                if not os.path.isfile(full):
                    broken.append((rel, value))
        self.assertEqual(broken, [])

    def test_shallow_clone_says_last_change_unknown(self):
        shallow = os.path.join(self.tmp, "shallow")
        subprocess.run(["git", "clone", "-q", "--depth", "1", "file://" + self.repo, shallow], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = os.path.join(self.tmp, "site-shallow")
        subprocess.run([BIN, "build", "--repo", shallow, "--out", out, "--now", NOW],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(out, "runbooks/k8s/etcd-backup/index.html"), encoding="utf-8") as f:
            etcd = f.read()
        self.assertIn("Last change unknown (shallow clone or no history)", etcd)
        self.assertIn('class="freshness fresh-unknown"', etcd)
        self.assertNotIn("banner-stale", etcd)  # no date is guessed, so no stale warning either
        with open(os.path.join(out, "freshness/index.html"), encoding="utf-8") as f:
            self.assertIn("Built from a shallow clone", f.read())

    def test_drafts_badge_and_404_base(self):
        out = os.path.join(self.tmp, "site-drafts")
        r = subprocess.run([BIN, "build", "--repo", self.repo, "--out", out, "--now", NOW, "--drafts",
                            "--base-url", "https://docs.example.com/ops/"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "runbooks/k8s/secret-plan/index.html"), encoding="utf-8") as f:
            self.assertIn('<span class="badge badge-draft">draft</span>', f.read())
        # 404.html is served at any depth: with base_url its relative links resolve from the site root
        with open(os.path.join(out, "404.html"), encoding="utf-8") as f:
            self.assertIn('<base href="https://docs.example.com/ops/">', f.read())
        self.assertNotIn("<base", self.page("404.html"))  # without base_url: nothing absolute
        self.assertNotIn("badge-draft", self.page("runbooks/k8s/node-not-ready/index.html"))

    @unittest.skipUnless(shutil.which("chromium"), "chromium is not installed")
    def test_page_scripts_in_a_browser(self):
        """almanac.js wraps code blocks and adds copy buttons, shows the menu button and fixes file:// links."""
        page = os.path.join(self.out, "runbooks/k8s/node-not-ready/index.html")
        profile = tempfile.mkdtemp(dir=self.tmp)
        r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--no-first-run", "--user-data-dir=" + profile, "--dump-dom", "file://" + page],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=60)
        dom = r.stdout
        self.assertRegex(dom, r'<div class="codeblock" data-lang="bash"><pre lang="bash"[ >]')
        # code.js highlights from disk too (the vendored highlight.js is a classic script)
        self.assertRegex(dom, r'<pre lang="bash" data-highlighted="">')
        self.assertRegex(dom, r'<button type="button" class="copy-btn" aria-label="Copy code to clipboard">Copy</button>')
        self.assertRegex(dom, r'<button class="nav-toggle" type="button" aria-controls="sidebar" aria-expanded="false">')
        self.assertIn('class="js"', dom)
        # opened from disk, folder links lead to the folder's index.html, not a directory listing
        self.assertIn('<a href="../index.html">K8s</a>', dom)
        self.assertIn('href="../etcd-backup/index.html#before-you-start"', dom)

    def test_assets_present(self):
        # the fixture has code with a language and no diagram: highlight.js ships, mermaid does not
        self.assertFalse(os.path.exists(os.path.join(self.out, "assets", "vendor", "mermaid")))
        self.assertFalse(os.path.exists(os.path.join(self.out, "assets", "vendor", "SHA256SUMS")))
        for a in ("style.css", "content.css", "almanac.js", "favicon.svg", "search.js", "code.js", "diagram.js",
                  "tabs.js", "vendor/highlight/highlight.min.js", "vendor/highlight/LICENSE"):
            self.assertTrue(os.path.isfile(os.path.join(self.out, "assets", a)), a)


BIN = os.environ.get("ALMANAC_BIN", "")

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--make-fixture":
        make_fixture(sys.argv[2])
        sys.exit(0)
    if not BIN or not os.access(BIN, os.X_OK):
        print("skip: ALMANAC_BIN is not set to the almanac binary")
        sys.exit(77)
    unittest.main()
