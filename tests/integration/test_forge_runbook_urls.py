"""runbook_urls that show a page's Markdown file on its repository's forge (gen/forgeurl.c,
gen/forgepages.c): rules written before the team had a site link the file on GitHub or GitLab
(kubernetes-mixin: .../tree/master/runbook.md#alert-name-kubeapidown). Almanac finds the page
published from that file, in the hub or in a source, so the alert counts as covered, its
alerts/<Name>/ address leads to the heading the URL names, the heading is checked, and the rules
patch puts the site's address in. A file view of no page, of a renamed file, or naming a heading
the page lacks is an error; a URL of another repository is not checked.

THE FIXTURE: a hub whose origin remote is git@github.com:acme/handbook.git (no repo_url in its
almanac.yml: the remote is the web address), with rules/k8s.yml, and a source "payments" (a local
repository whose origin is https://github.com/acme/payments.git).

  hub runbooks/k8s.md                  ## KubeAPIDown, ## KubeletDown (ids kubeapidown, kubeletdown)
  hub runbooks/db/failover.md          renamed from runbooks/db/old-failover.md
  payments docs/runbooks/payments-down.md

  rules/k8s.yml (base_url https://docs.example.com/ops/):
    line 6   KubeAPIDown    github.com/acme/handbook/blob/main/runbooks/k8s.md#kubeapidown      forge
    line 10  KubeletDown    github.com/ACME/Handbook/tree/release/2.0/runbooks/k8s.md#kubelet-down
                            (a ref with '/', names in another case): the heading is 'kubeletdown': broken
    line 14  DBFailover     github.com/acme/handbook/blob/main/runbooks/db/old-failover.md      renamed: broken
    line 18  NothingThere   github.com/acme/handbook/-/blob/main/runbooks/nothing.md            no page: broken
    line 22  PaymentsDown   github.com/acme/payments/blob/main/docs/runbooks/payments-down.md   forge, the source's
    line 26  SomeoneElse    github.com/someone/else/blob/main/x.md                              external
    line 30  KubeProxyDown  https://docs.example.com/ops/runbooks/k8s/#kube-proxy               the site's own URL,
                            a heading the page lacks, none close: broken
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, git, main, read, run, write  # noqa: E402

NOW = "2026-11-01"
BASE = "https://docs.example.com/ops/"
GH = "https://github.com/acme/handbook"

RULES = """groups:
  - name: k8s
    rules:
      - alert: KubeAPIDown
        annotations:
          runbook_url: https://github.com/acme/handbook/blob/main/runbooks/k8s.md#kubeapidown
        expr: up == 0
      - alert: KubeletDown
        annotations:
          runbook_url: https://github.com/ACME/Handbook/tree/release/2.0/runbooks/k8s.md#kubelet-down
        expr: up == 0
      - alert: DBFailover
        annotations:
          runbook_url: https://github.com/acme/handbook/blob/main/runbooks/db/old-failover.md
        expr: up == 0
      - alert: NothingThere
        annotations:
          runbook_url: https://github.com/acme/handbook/-/blob/main/runbooks/nothing.md
        expr: up == 0
      - alert: PaymentsDown
        annotations:
          runbook_url: https://github.com/acme/payments/blob/main/docs/runbooks/payments-down.md
        expr: up == 0
      - alert: SomeoneElse
        annotations:
          runbook_url: https://github.com/someone/else/blob/main/x.md
        expr: up == 0
      - alert: KubeProxyDown
        annotations:
          runbook_url: https://docs.example.com/ops/runbooks/k8s/#kube-proxy
        expr: up == 0
"""

K8S = """---
title: Kubernetes control plane
---
Read this first.

## KubeAPIDown

The API server is down.

## KubeletDown

A kubelet is down.
"""


class ForgeRunbookUrls(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.payments = tempfile.mkdtemp(prefix="almanac-payments-")
        self._cleanup.append(self.payments)
        p = self.payments
        git(p, "init", "-q", "-b", "main")
        write(p, "docs/runbooks/payments-down.md", "---\ntitle: Payments down\n---\nFail over.\n")
        git(p, "add", "-A")
        git(p, "commit", "-q", "-m", "Runbook", date="2026-10-01T09:00:00Z")
        git(p, "remote", "add", "origin", "https://github.com/acme/payments.git")
        self.hub = tempfile.mkdtemp(prefix="almanac-hub-")
        self._cleanup.append(self.hub)
        h = self.hub
        git(h, "init", "-q", "-b", "main")
        write(h, "almanac.yml", "title: Ops\nbase_url: %s\nalert_rules: [rules/]\nsources:\n"
              "  - name: payments\n    repo: %s\n" % (BASE, p))
        write(h, "runbooks/k8s.md", K8S)
        write(h, "runbooks/db/old-failover.md", "---\ntitle: Database failover\n---\nPromote the replica.\n")
        write(h, "rules/k8s.yml", RULES)
        git(h, "add", "-A")
        git(h, "commit", "-q", "-m", "Import", date="2026-10-01T09:00:00Z")
        git(h, "mv", "runbooks/db/old-failover.md", "runbooks/db/failover.md")
        git(h, "commit", "-q", "-m", "Rename", date="2026-10-02T09:00:00Z")
        git(h, "remote", "add", "origin", "git@github.com:acme/handbook.git")

    def almanac(self, *args):
        return run(*args, "--repo", self.hub, "--now", NOW)

    def rule_lines(self, r):
        return [ln for ln in r.stderr.splitlines() if ln.startswith("rules/k8s.yml:")]

    def test_check_says_what_each_forge_url_shows(self):
        r = self.almanac("check")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.rule_lines(r), [
            "rules/k8s.yml:6:24: note[runbook-url-forge]: runbook_url shows runbooks/k8s.md as its repository's "
            "forge renders it; the site publishes it at " + BASE + "runbooks/k8s/#kubeapidown (almanac report "
            "--format rules-patch puts that address in)",
            "rules/k8s.yml:10:24: error[runbook-url]: runbook_url '" + "https://github.com/ACME/Handbook/tree/"
            "release/2.0/runbooks/k8s.md#kubelet-down' leads to runbooks/k8s.md, which has no heading "
            "'#kubelet-down'; did you mean '#kubeletdown'?",
            "rules/k8s.yml:14:24: error[runbook-url]: runbook_url '" + GH + "/blob/main/runbooks/db/old-failover.md' "
            "shows runbooks/db/old-failover.md, which was renamed to runbooks/db/failover.md: the forge has nothing "
            "there any more; use " + BASE + "runbooks/db/failover/",
            "rules/k8s.yml:18:24: error[runbook-url]: runbook_url '" + GH + "/-/blob/main/runbooks/nothing.md' shows "
            "runbooks/nothing.md of this site's repository, which is no page of the site (alert 'NothingThere' has "
            "no runbook yet)",
            "rules/k8s.yml:22:24: note[runbook-url-forge]: runbook_url shows payments/docs/runbooks/payments-down.md "
            "as its repository's forge renders it; the site publishes it at " + BASE + "payments/docs/runbooks/"
            "payments-down/ (almanac report --format rules-patch puts that address in)",
            "rules/k8s.yml:30:24: error[runbook-url]: runbook_url '" + BASE + "runbooks/k8s/#kube-proxy' leads to "
            "runbooks/k8s.md, which has no heading '#kube-proxy'",
        ])

    def test_report_counts_forge_urls_and_their_alerts(self):
        r = self.almanac("report", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        a = json.loads(r.stdout)["alerts"]
        u = a["runbook_urls"]
        self.assertEqual((u["checked"], u["ok"], u["external"]), (6, 2, 1))
        self.assertEqual([(x["alert"], x["suggestion"]) for x in u["forge"]],
                         [("KubeAPIDown", BASE + "runbooks/k8s/#kubeapidown"),
                          ("PaymentsDown", BASE + "payments/docs/runbooks/payments-down/")])
        self.assertEqual([x["alert"] for x in u["broken"]], ["KubeletDown", "DBFailover", "NothingThere", "KubeProxyDown"])
        # the forge URLs make their pages answer the alerts (KubeletDown and KubeProxyDown too: their page is
        # found, only the heading is wrong); the renamed file, the missing one and the other site's do not
        self.assertEqual(a["uncovered"], ["DBFailover", "NothingThere", "SomeoneElse"])
        r = self.almanac("report")
        self.assertIn("runbook_url: 2 of 6 lead to the site (2 through their file on the forge), 4 broken", r.stdout)

    def test_alert_addresses_lead_to_the_named_heading(self):
        out = os.path.join(self.tmpdir(), "site")
        r = self.almanac("build", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        page = read(os.path.join(out, "alerts/KubeAPIDown/index.html"))
        self.assertIn('url=../../runbooks/k8s/#kubeapidown"', page)
        self.assertIn('data-target="../../runbooks/k8s/#kubeapidown"', page)
        self.assertIn('id="kubeapidown"', read(os.path.join(out, "runbooks/k8s/index.html")))
        self.assertIn('url=../../payments/docs/runbooks/payments-down/"',
                      read(os.path.join(out, "alerts/PaymentsDown/index.html")))
        # a heading the page lacks is not put in the address (the check said so)
        self.assertIn('url=../../runbooks/k8s/"', read(os.path.join(out, "alerts/KubeletDown/index.html")))

    def test_rules_patch_puts_the_site_addresses_in(self):
        r = self.almanac("report", "--format", "rules-patch")
        self.assertEqual(r.returncode, 0, r.stderr)
        patch = r.stdout
        # the page's own address at the same heading: the rule keeps making the page answer its alert
        self.assertIn("-          runbook_url: " + GH + "/blob/main/runbooks/k8s.md#kubeapidown\n"
                      "+          runbook_url: " + BASE + "runbooks/k8s/#kubeapidown\n", patch)
        self.assertIn("+          runbook_url: " + BASE + "runbooks/db/failover/\n", patch)
        self.assertIn("+          runbook_url: " + BASE + "payments/docs/runbooks/payments-down/\n", patch)
        self.assertIn("#   rules/k8s.yml:30:24: alert KubeProxyDown: runbook_url '" + BASE + "runbooks/k8s/#kube-proxy' "
                      "names a heading its page does not have: fix the anchor by hand\n", patch)
        self.assertIn("#   rules/k8s.yml:10:24: alert KubeletDown: runbook_url '" + "https://github.com/ACME/Handbook/"
                      "tree/release/2.0/runbooks/k8s.md#kubelet-down' names a heading its page does not have: fix the "
                      "anchor by hand (the nearest: " + BASE + "runbooks/k8s/#kubeletdown)", patch)
        p = subprocess.run(["git", "apply", "-"], cwd=self.hub, input=patch, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.almanac("check")
        # left: the headings to fix by hand and the alert without a runbook; the rest has the site's
        # addresses, and their alerts are still covered
        self.assertEqual([ln.split(": ", 2)[:2] for ln in self.rule_lines(r)],
                         [["rules/k8s.yml:10:24", "error[runbook-url]"], ["rules/k8s.yml:18:24", "error[runbook-url]"],
                          ["rules/k8s.yml:30:24", "error[runbook-url]"]])
        a = json.loads(self.almanac("report", "--format", "json").stdout)["alerts"]
        self.assertEqual(a["uncovered"], ["NothingThere", "SomeoneElse"])

    def test_rules_patch_keeps_quoted_values_valid(self):
        """The site address put in keeps the value's quoting: a page named what's-broken.md in a
        single-quoted value needs its quote doubled, else the patched rule file is no YAML any more."""
        write(self.hub, "runbooks/what's-broken.md", "---\ntitle: What is broken\n---\nLook here.\n")
        git(self.hub, "add", "-A")
        git(self.hub, "commit", "-q", "-m", "What is broken", date="2026-10-03T09:00:00Z")
        write(self.hub, "rules/k8s.yml", RULES + "      - alert: Broken\n        annotations:\n"
              "          runbook_url: '" + GH + "/blob/main/runbooks/what''s-broken.md'\n        expr: up == 0\n"
              "      - alert: Broken2\n        annotations:\n"
              "          runbook_url: \"" + GH + "/blob/main/runbooks/what's-broken.md\"\n        expr: up == 0\n")
        patch = self.almanac("report", "--format", "rules-patch").stdout
        self.assertIn("+          runbook_url: '" + BASE + "runbooks/what''s-broken/'\n", patch)
        self.assertIn("+          runbook_url: \"" + BASE + "runbooks/what's-broken/\"\n", patch)
        p = subprocess.run(["git", "apply", "-"], cwd=self.hub, input=patch, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.almanac("check")
        self.assertFalse([ln for ln in self.rule_lines(r) if ":34:" in ln or ":38:" in ln or "alert-rules" in ln],
                         r.stderr)

    def test_raw_blame_and_top_folder_views(self):
        """A rule may link the file raw (raw.githubusercontent.com), its blame view, or a repository's top
        folder (tree/main, no slash: its README.md): each is that file's page, said in a note and counted."""
        write(self.payments, "README.md", "---\ntitle: Payments\n---\nStart here.\n")
        git(self.payments, "add", "-A")
        git(self.payments, "commit", "-q", "-m", "README", date="2026-10-03T09:00:00Z")
        write(self.hub, "rules/k8s.yml", RULES + "      - alert: RawView\n        annotations:\n"
              "          runbook_url: https://raw.githubusercontent.com/acme/handbook/main/runbooks/k8s.md\n"
              "        expr: up == 0\n"
              "      - alert: BlameView\n        annotations:\n"
              "          runbook_url: " + GH + "/blame/main/runbooks/k8s.md#L3\n        expr: up == 0\n"
              "      - alert: TopFolder\n        annotations:\n"
              "          runbook_url: https://github.com/acme/payments/tree/main\n        expr: up == 0\n"
              "      - alert: HubTop\n        annotations:\n"
              "          runbook_url: " + GH + "/tree/main\n        expr: up == 0\n")
        r = self.almanac("check")
        lines = self.rule_lines(r)
        for line, target in ((34, "runbooks/k8s.md"), (38, "runbooks/k8s.md"), (42, "payments/README.md")):
            self.assertTrue([ln for ln in lines if ln.startswith("rules/k8s.yml:%d:24: note[runbook-url-forge]: "
                                                                  "runbook_url shows %s " % (line, target))], r.stderr)
        # the hub's top folder has no README.md page: said plainly (it was "shows  of this site's repository")
        self.assertIn("rules/k8s.yml:46:24: error[runbook-url]: runbook_url '" + GH + "/tree/main' shows the top "
                      "folder of this site's repository, which is no page of the site", r.stderr)
        a = json.loads(self.almanac("report", "--format", "json").stdout)["alerts"]
        for name in ("RawView", "BlameView", "TopFolder"):
            self.assertNotIn(name, a["uncovered"])
        self.assertIn("HubTop", a["uncovered"])

    def test_a_url_of_endless_folders_is_bounded_work(self):
        """Rules come from merge requests: a runbook_url of 200,000 '/' is a file of no page, said at once
        (each split of REF/PATH was a lookup of a 400 kB key: quadratic)."""
        long_url = GH + "/blob/" + "a/" * 200000 + "x.md"
        write(self.hub, "rules/k8s.yml", RULES + "      - alert: Endless\n        annotations:\n"
              "          runbook_url: %s\n        expr: up == 0\n" % long_url)
        r = run("check", "--repo", self.hub, "--now", NOW, timeout=60)
        self.assertIn("rules/k8s.yml:34:24: error[runbook-url]: runbook_url '" + GH + "/blob/a/a/", r.stderr)

    def test_two_sources_of_one_repository(self):
        """A monorepo published as two sources (path: folders) has one web address: a file of the second
        was 'no page of the site' (only the first repository with that address was searched)."""
        write(self.payments, "api/runbooks/api-down.md", "---\ntitle: API down\n---\nRestart it.\n")
        git(self.payments, "add", "-A")
        git(self.payments, "commit", "-q", "-m", "API runbook", date="2026-10-03T09:00:00Z")
        write(self.hub, "almanac.yml", "title: Ops\nbase_url: %s\nalert_rules: [rules/]\nsources:\n"
              "  - name: payments\n    repo: %s\n    path: docs\n"
              "  - name: payments-api\n    repo: %s\n    path: api\n" % (BASE, self.payments, self.payments))
        write(self.hub, "rules/k8s.yml", RULES + "      - alert: APIDown\n        annotations:\n"
              "          runbook_url: https://github.com/acme/payments/blob/main/api/runbooks/api-down.md\n"
              "        expr: up == 0\n")
        r = self.almanac("check")
        lines = self.rule_lines(r)
        self.assertTrue([ln for ln in lines if ln.startswith("rules/k8s.yml:22:24: note[runbook-url-forge]")], lines)
        self.assertIn("rules/k8s.yml:34:24: note[runbook-url-forge]: runbook_url shows payments-api/runbooks/"
                      "api-down.md as its repository's forge renders it; the site publishes it at " + BASE +
                      "payments-api/runbooks/api-down/ (almanac report --format rules-patch puts that address "
                      "in)", lines)
        a = json.loads(self.almanac("report", "--format", "json").stdout)["alerts"]
        self.assertNotIn("APIDown", a["uncovered"])

    def test_dot_segments_as_a_browser_resolves_them(self):
        """'..' in a forge URL: a browser resolves it before asking the forge, so .../handbook/blob/../../evil/
        blob/main/runbooks/k8s.md shows acme/evil's file; it was taken for the page runbooks/k8s.md (a note:
        fine), and a merge request could point the on-call engineer at another repository that way."""
        extra = [("Evil", GH + "/blob/../../evil/blob/main/runbooks/k8s.md"),
                 ("Dotted", GH + "/blob/main/runbooks/db/../k8s.md#kubeapidown"),
                 ("Encoded", GH + "/blob/main/x%2F..%2Frunbooks/k8s.md")]
        text = RULES + "".join("      - alert: %s\n        annotations:\n          runbook_url: %s\n"
                               "        expr: up == 0\n" % a for a in extra)
        write(self.hub, "rules/k8s.yml", text)
        lines = self.rule_lines(self.almanac("check"))
        self.assertFalse([ln for ln in lines if ln.startswith("rules/k8s.yml:34:")], lines)  # another repository's
        self.assertIn("rules/k8s.yml:38:24: note[runbook-url-forge]: runbook_url shows runbooks/k8s.md as its "
                      "repository's forge renders it; the site publishes it at " + BASE + "runbooks/k8s/#kubeapidown "
                      "(almanac report --format rules-patch puts that address in)", lines)
        self.assertIn("rules/k8s.yml:42:24: error[runbook-url]: runbook_url '" + GH + "/blob/main/x%2F..%2Frunbooks/"
                      "k8s.md' shows x/../runbooks/k8s.md of this site's repository, which is no page of the site "
                      "(alert 'Encoded' has no runbook yet)", lines)

    def test_the_root_folder_is_its_readme(self):
        """A folder view is its README.md, the repository's root folder too (it was 'shows  of this site's
        repository, which is no page'): the payments source publishes its whole repository."""
        write(self.payments, "README.md", "---\ntitle: Payments\n---\nStart here.\n")
        git(self.payments, "add", "-A")
        git(self.payments, "commit", "-q", "-m", "Readme", date="2026-10-03T09:00:00Z")
        write(self.hub, "rules/k8s.yml", RULES + "      - alert: Root\n        annotations:\n"
              "          runbook_url: https://github.com/acme/payments/tree/main/\n        expr: up == 0\n")
        lines = self.rule_lines(self.almanac("check"))
        self.assertIn("rules/k8s.yml:34:24: note[runbook-url-forge]: runbook_url shows payments/README.md as its "
                      "repository's forge renders it; the site publishes it at " + BASE + "payments/ (almanac report "
                      "--format rules-patch puts that address in)", lines)

    def test_a_nul_byte_in_a_url_is_no_file(self):
        """'%00' in a forge URL (rules come from merge requests): a ref of 'main%00' crashed check, and
        'k8s.md%00.txt' was read as runbooks/k8s.md (the decoded NUL ended the path)."""
        write(self.hub, "rules/k8s.yml", RULES + "      - alert: Nul\n        annotations:\n"
              "          runbook_url: " + GH + "/blob/x%00/y\n        expr: up == 0\n"
              "      - alert: NulTail\n        annotations:\n"
              "          runbook_url: " + GH + "/blob/main/runbooks/k8s.md%00.txt\n        expr: up == 0\n")
        r = self.almanac("check")
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = self.rule_lines(r)
        self.assertIn("rules/k8s.yml:34:24: error[runbook-url]: runbook_url '" + GH + "/blob/x%00/y' shows y of this "
                      "site's repository, which is no page of the site (alert 'Nul' has no runbook yet)", lines)
        self.assertIn("rules/k8s.yml:38:24: error[runbook-url]: runbook_url '" + GH + "/blob/main/runbooks/k8s.md%00.txt'"
                      " shows runbooks/k8s.md%00.txt of this site's repository, which is no page of the site (alert "
                      "'NulTail' has no runbook yet)", lines)

    def test_line_anchors_and_mkdocs_ids(self):
        """A forge's line anchor (#L10, #L10-L20) names lines of the file, not a heading: no error. A MkDocs
        page has MkDocs' heading ids, the forge GitHub's: a URL naming a heading by GitHub's id is that
        heading, and alerts/<Name>/ leads to it by the site's id."""
        write(self.hub, "rules/k8s.yml", RULES.replace("runbooks/k8s.md#kubeapidown", "runbooks/k8s.md#L7-L9"))
        r = self.almanac("check")
        self.assertIn("rules/k8s.yml:6:24: note[runbook-url-forge]", r.stderr)
        self.assertNotIn("rules/k8s.yml:6:24: error", r.stderr)
        repo = self.repo({
            "mkdocs.yml": "site_name: Ops\nrepo_url: https://github.com/acme/mk\n",
            "docs/index.md": "# Ops\n",
            "docs/db.md": "# Database\n\n## Café failover\n\nOne.\n\n## Café failover\n\nTwo.\n",
            "alerts.yml": "groups:\n  - name: db\n    rules:\n      - alert: DBDown\n        annotations:\n"
                          "          runbook_url: https://github.com/acme/mk/blob/main/docs/db.md#caf%C3%A9-failover-1\n"
                          "        expr: up == 0\n      - alert: DBSlow\n        annotations:\n"
                          "          runbook_url: https://github.com/acme/mk/blob/main/docs/db.md#cafe-failover-2\n"
                          "        expr: up == 0\n"})
        out = os.path.join(self.tmpdir(), "mk")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        page = read(os.path.join(out, "db/index.html"))
        self.assertIn('id="cafe-failover_1"', page)  # MkDocs' id of the second heading
        self.assertNotIn("alerts.yml:6:", "\n".join(l for l in r.stderr.splitlines() if "error" in l))
        self.assertIn("alerts.yml:6:24: note[runbook-url-forge]: runbook_url shows docs/db.md as its repository's "
                      "forge renders it; the site publishes it at db/#cafe-failover_1", r.stderr)
        self.assertIn('url=../../db/#cafe-failover_1"', read(os.path.join(out, "alerts/DBDown/index.html")))
        # a heading neither the site nor the forge has is still an error
        self.assertIn("alerts.yml:10:24: error[runbook-url]", r.stderr)

    def test_gitlab_runbook_annotation_is_a_repository_path(self):
        """gitlab-com/runbooks' rules write `runbook: docs/x.md#heading`, a path in the repository that their
        Alertmanager template turns into a GitLab link. It leads to that file's page as a forge URL does
        (coverage, the heading checked, alerts/<Name>/); a template is not checked; runbook_url wins."""
        rules = """groups:
  - name: gitlab
    rules:
      - alert: KubeletDown
        annotations:
          runbook: runbooks/k8s.md#kubeletdown
      - alert: NothingThere
        annotations:
          runbook: runbooks/nothing.md
      - alert: DBFailover
        annotations:
          runbook: ./runbooks/db/old-failover.md
      - alert: Templated
        annotations:
          runbook: docs/{{ $labels.type }}/README.md
      - alert: KubeAPIDown
        annotations:
          runbook: https://github.com/acme/handbook/blob/main/runbooks/k8s.md#kubeapidown
      - alert: BothGiven
        annotations:
          runbook: runbooks/nothing.md
          runbook_url: https://docs.example.com/ops/runbooks/k8s/
      - alert: WrongHeading
        annotations:
          runbook: runbooks/k8s.md#kubelet_down
"""
        write(self.hub, "rules/k8s.yml", rules)
        r = self.almanac("check")
        self.assertEqual(self.rule_lines(r), [
            "rules/k8s.yml:9:20: error[runbook-url]: runbook 'runbooks/nothing.md' names runbooks/nothing.md, "
            "which is no page of the site (no such file, or not published)",
            "rules/k8s.yml:12:20: error[runbook-url]: runbook './runbooks/db/old-failover.md' names "
            "runbooks/db/old-failover.md, which was renamed to runbooks/db/failover.md; use that path",
            "rules/k8s.yml:18:20: note[runbook-url-forge]: runbook shows runbooks/k8s.md as its repository's forge "
            "renders it; the site publishes it at " + BASE + "runbooks/k8s/#kubeapidown (almanac report --format "
            "rules-patch puts that address in)",
            "rules/k8s.yml:25:20: error[runbook-url]: runbook 'runbooks/k8s.md#kubelet_down' leads to "
            "runbooks/k8s.md, which has no heading '#kubelet_down'; did you mean '#kubeletdown'?",
        ])
        a = json.loads(self.almanac("report", "--format", "json").stdout)["alerts"]
        self.assertEqual(a["uncovered"], ["DBFailover", "NothingThere", "Templated"])
        self.assertEqual(a["runbook_urls"]["external"], 1)  # the template
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.almanac("build", "--out", out).returncode, 0)
        self.assertIn('url=../../runbooks/k8s/#kubeletdown"', read(os.path.join(out, "alerts/KubeletDown/index.html")))
        patch = self.almanac("report", "--format", "rules-patch").stdout
        self.assertIn("#   rules/k8s.yml:9:20: alert NothingThere: runbook 'runbooks/nothing.md' names no page of "
                      "the site: fix the path by hand\n", patch)
        self.assertNotIn("-          runbook: runbooks/nothing.md", patch)

    def test_repo_url_names_the_web_address_and_other_forges_are_not_checked(self):
        cfg = read(os.path.join(self.hub, "almanac.yml"))
        write(self.hub, "almanac.yml", cfg + "repo_url: https://gitlab.example.com/acme/handbook\n")
        r = self.almanac("check")
        lines = self.rule_lines(r)
        self.assertFalse([ln for ln in lines if ":6:24:" in ln or ":14:24:" in ln], lines)  # github.com: not ours
        write(self.hub, "rules/k8s.yml", RULES.replace("https://github.com/acme/handbook/blob/main/runbooks/k8s.md",
                                                        "https://gitlab.example.com/acme/handbook/-/blob/main/runbooks/k8s.md"))
        r = self.almanac("check")
        self.assertIn("rules/k8s.yml:6:24: note[runbook-url-forge]", r.stderr)


if __name__ == "__main__":
    main()
