"""Alerts and owners from where they already live (issue 19): the alert catalog from Prometheus
rule files, runbook_url checks, pages answering the alert named by their file name, owners from
CODEOWNERS and OWNERS, bots that are not reviewers, alerts.json and the rules patch.

THE FIXTURE: a documentation repository whose almanac.yml names its rules folder
(alert_rules: [monitoring/rules/]), beside a second folder of rules outside the repository given
with --alert-rules (as a platform team's monitoring repository would be):

  monitoring/rules/kube.yml                    plain Prometheus rules (a recording rule among them)
  monitoring/rules/operator/node.yaml          a Namespace and a PrometheusRule (two documents)
  monitoring/rules/chart/templates/rules.yaml  a Helm template: skipped with one warning
  <outside>/platform/db.yml                    --alert-rules: rules of the database team

  runbooks/k8s/KubePodCrashLooping.md   no alerts: key -> answers KubePodCrashLooping (file name)
  runbooks/k8s/kubenodenotready.md      no alerts: key, lower-cased, title "Node not ready" ->
                                        answers KubeNodeNotReady (file name, ignoring case)
  runbooks/k8s/disk-pressure.md         answers KubeDiskPressure: that rule's runbook_url names it
  runbooks/k8s/certificates.md          alerts: [CertManagerCertExpirySoon] (not in the catalog);
                                        last edited by renovate[bot] after Ada: dated by Ada
  runbooks/db/replication-lag.md        alerts: [PostgresReplicationLag]; renamed from
                                        runbooks/db/replication.md (its old URL is a redirect)
  runbooks/db/backups.md                owner: team-backup; every commit by dependabot[bot]

  .github/CODEOWNERS: *  @acme/docs / /runbooks/  @acme/sre / /runbooks/db/ (no owners)
  runbooks/db/OWNERS: approvers [dba-approvers, carol]; OWNERS_ALIASES: dba-approvers: [alice, bob]

THE CATALOG (rules): KubePodCrashLooping (kube.yml and node.yaml: counted once), KubeNodeNotReady,
KubeDiskPressure, KubeAPIDown, NodeFilesystemAlmostOutOfSpace, PostgresReplicationLag, PostgresDown:
7 alerts; covered: KubePodCrashLooping, KubeNodeNotReady, KubeDiskPressure, PostgresReplicationLag
= 4 of 7 = 57.1 %; uncovered KubeAPIDown, NodeFilesystemAlmostOutOfSpace, PostgresDown.

runbook_url of each rule (base_url https://docs.example.com/ops/):
  kube.yml:15      KubeNodeNotReady   .../runbooks/k8s/node-not-ready/  broken -> alerts/KubeNodeNotReady/
  kube.yml:21      KubeDiskPressure   .../runbooks/k8s/disk-pressure/   ok (the page)
  kube.yml:27      KubeAPIDown        another site                      external, not checked
  kube.yml:4       KubePodCrashLooping (none)                            missing: alerts/KubePodCrashLooping/
  node.yaml:20     NodeFilesystemAlmostOutOfSpace  alerts/NodeFilesystemAlmostOutOfSpace/ (relative) broken:
                                                   the alert has no runbook, so alerts/<Name>/ is not published
  node.yaml:26     KubePodCrashLooping .../alerts/KubePodCrashLooping/   ok
  db.yml:7         PostgresReplicationLag .../runbooks/db/replication/   moved (old path) -> alerts/PostgresReplicationLag/
  db.yml:8         PostgresDown        (none, and no runbook)            nothing to say
  checked 5 (ok 3 incl. the moved one, broken 2), external 1.

OWNERS (report groups): @acme/docs: content/index.md; @acme/sre: runbooks/index.md and the four k8s
pages; "dba-approvers, carol": replication-lag.md (CODEOWNERS gives /runbooks/db/ no owner, so the
nearest OWNERS decides; its `owners` list expands the alias: alice, bob, carol); team-backup:
backups.md (front matter).

All commits are dated 2026-10-01..2026-10-03 and the report is as of 2026-11-01: every page is fresh
except backups.md, which no person ever reviewed: stale (not unknown), with no age.
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

CONFIG = """title: Ops
base_url: https://docs.example.com/ops/
alert_rules: [monitoring/rules/]
"""

KUBE = """groups:
  - name: kubernetes
    rules:
      - alert: KubePodCrashLooping
        expr: rate(kube_pod_container_status_restarts_total[10m]) > 0
        labels:
          severity: warning
        annotations:
          summary: Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping.
      - alert: KubeNodeNotReady
        expr: kube_node_status_condition{condition="Ready",status="true"} == 0
        for: 15m
        labels: {severity: critical}
        annotations:
          runbook_url: https://docs.example.com/ops/runbooks/k8s/node-not-ready/
      - alert: KubeDiskPressure
        expr: kube_node_status_condition{condition="DiskPressure",status="true"} == 1
        labels:
          severity: warning
        annotations:
          runbook_url: "https://docs.example.com/ops/runbooks/k8s/disk-pressure/"
      - alert: KubeAPIDown
        expr: absent(up{job="apiserver"} == 1)
        labels:
          severity: critical
        annotations:
          runbook_url: https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubeapidown
      - record: cluster:up:sum
        expr: sum(up)
"""

NODE = """apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: node-rules
  namespace: monitoring
spec:
  groups:
    - name: node
      rules:
        - alert: NodeFilesystemAlmostOutOfSpace
          expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
          labels:
            severity: warning
          annotations:
            runbook_url: alerts/NodeFilesystemAlmostOutOfSpace/
        - alert: KubePodCrashLooping
          expr: increase(kube_pod_container_status_restarts_total[1h]) > 5
          labels:
            severity: critical
          annotations:
            runbook_url: https://docs.example.com/ops/alerts/KubePodCrashLooping/
"""

HELM = """apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "chart.fullname" . }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  groups:
    - name: chart
      rules:
        - alert: HelmOnlyAlert
          expr: up == 0
"""

DB = """groups:
- name: db
  rules:
  - alert: PostgresReplicationLag
    expr: pg_replication_lag_seconds > 30
    labels: {severity: critical}
    annotations:
      runbook_url: https://docs.example.com/ops/runbooks/db/replication/
  - alert: PostgresDown
    expr: pg_up == 0
    labels:
      severity: critical
"""

CRASH = """---
title: Pods restarting
---
# Pods restarting

Find the pod and read the logs of the crashed container:

```sh
$ kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} --previous
```
"""

PAGES = {
    "content/index.md": "# Ops handbook\n\nSee the [runbooks](../runbooks/index.md).\n",
    "runbooks/index.md": "# Runbooks\n\n[Backups](db/backups.md)\n",
    "runbooks/k8s/KubePodCrashLooping.md": CRASH,
    "runbooks/k8s/kubenodenotready.md": "---\ntitle: Node not ready\n---\nCordon the node.\n",
    "runbooks/k8s/disk-pressure.md": "---\ntitle: Disk pressure\n---\nFree some space.\n",
    "runbooks/k8s/certificates.md": "---\ntitle: Certificates\nalerts: [CertManagerCertExpirySoon]\n---\nRenew.\n",
    "runbooks/db/replication.md": "---\ntitle: Replication lag\nalerts: [PostgresReplicationLag]\n---\nCheck the replica.\n",
    ".github/CODEOWNERS": "*            @acme/docs\n/runbooks/   @acme/sre\n/runbooks/db/\n",
    "runbooks/db/OWNERS": "approvers:\n  - dba-approvers\n  - carol\nreviewers: [dave]\n",
    "OWNERS_ALIASES": "aliases:\n  dba-approvers: [alice, bob]\n",
    "almanac.yml": CONFIG,
    "monitoring/rules/kube.yml": KUBE,
    "monitoring/rules/operator/node.yaml": NODE,
    "monitoring/rules/chart/templates/rules.yaml": HELM,
}

HUMAN = {"GIT_AUTHOR_NAME": "Ada Writer", "GIT_AUTHOR_EMAIL": "ada@example.com"}
DEPENDABOT = {"GIT_AUTHOR_NAME": "dependabot[bot]",
              "GIT_AUTHOR_EMAIL": "49699333+dependabot[bot]@users.noreply.github.com"}
RENOVATE = {"GIT_AUTHOR_NAME": "renovate[bot]", "GIT_AUTHOR_EMAIL": "29139614+renovate[bot]@users.noreply.github.com"}

EXPECTED_CHECK = """\
{ext}/db.yml:8:20: warning[runbook-url-moved]: runbook_url 'https://docs.example.com/ops/runbooks/db/replication/' is an old address of runbooks/db/replication-lag.md (a redirect); use https://docs.example.com/ops/alerts/PostgresReplicationLag/
monitoring/rules/chart/templates/rules.yaml:1:1: warning[alert-rules-template]: this is a template (Helm '{{ }}'), not a rule file: skipped; pass the rendered rules (helm template ...) instead
monitoring/rules/kube.yml:4:16: warning[runbook-url-missing]: alert 'KubePodCrashLooping' has a runbook (runbooks/k8s/KubePodCrashLooping.md) but no runbook_url; add annotations.runbook_url: https://docs.example.com/ops/alerts/KubePodCrashLooping/
monitoring/rules/kube.yml:15:24: error[runbook-url]: runbook_url 'https://docs.example.com/ops/runbooks/k8s/node-not-ready/' leads to no page of this site; did you mean 'https://docs.example.com/ops/alerts/KubeNodeNotReady/'?
monitoring/rules/operator/node.yaml:20:26: error[runbook-url]: runbook_url 'alerts/NodeFilesystemAlmostOutOfSpace/' leads to no page of this site (alert 'NodeFilesystemAlmostOutOfSpace' has no runbook yet)
"""


class AlertsFixture(RepoTestCase):
    def setUp(self):
        super().setUp()
        self.repo_dir = tempfile.mkdtemp(prefix="almanac-alerts-")
        self._cleanup.append(self.repo_dir)
        r = self.repo_dir
        git(r, "init", "-q", "-b", "main")
        for rel, text in PAGES.items():
            write(r, rel, text)
        git(r, "add", "-A")
        git(r, "commit", "-q", "-m", "Import", date="2026-10-01T09:00:00Z", env=HUMAN)
        git(r, "mv", "runbooks/db/replication.md", "runbooks/db/replication-lag.md")
        git(r, "commit", "-q", "-m", "Rename", date="2026-10-02T09:00:00Z", env=HUMAN)
        write(r, "runbooks/db/backups.md", "---\ntitle: Backups\nowner: team-backup\n---\nRestore.\n")
        git(r, "add", "-A")
        git(r, "commit", "-q", "-m", "Bump", date="2026-10-02T10:00:00Z", env=DEPENDABOT)
        write(r, "runbooks/k8s/certificates.md", PAGES["runbooks/k8s/certificates.md"] + "\nv2\n")
        git(r, "commit", "-q", "-am", "Update", date="2026-10-03T09:00:00Z", env=RENOVATE)
        # the platform team's rules, outside the repository
        self.ext = tempfile.mkdtemp(prefix="almanac-platform-")
        self._cleanup.append(self.ext)
        write(self.ext, "platform/db.yml", DB)
        self.ext_rules = os.path.join(self.ext, "platform")

    def almanac(self, *args, **kw):
        return run(*args, "--repo", self.repo_dir, "--alert-rules", self.ext_rules, "--now", NOW, **kw)

    def report(self):
        r = self.almanac("report", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)


class CheckAndReport(AlertsFixture):
    def test_check_reports_every_rule_problem_at_its_line(self):
        r = self.almanac("check", cwd=self.repo_dir)
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = [ln for ln in r.stderr.splitlines() if not ln.startswith("almanac check:")]
        self.assertEqual("\n".join(lines) + "\n", EXPECTED_CHECK.replace("{ext}", self.ext_rules))

    def test_report_alerts_coverage_and_runbook_urls(self):
        a = self.report()["alerts"]
        self.assertEqual(a["catalog"], 7)
        self.assertEqual(a["covered"], 4)
        self.assertEqual(a["coverage_percent"], 57.1)
        self.assertEqual(a["uncovered"], ["KubeAPIDown", "NodeFilesystemAlmostOutOfSpace", "PostgresDown"])
        self.assertEqual(a["not_in_catalog"], ["CertManagerCertExpirySoon"])
        u = a["runbook_urls"]
        self.assertEqual((u["checked"], u["ok"], u["external"]), (5, 3, 1))
        self.assertEqual(u["broken"], [
            {"alert": "KubeNodeNotReady", "url": BASE + "runbooks/k8s/node-not-ready/",
             "file": "monitoring/rules/kube.yml", "line": 15, "col": 24,
             "suggestion": BASE + "alerts/KubeNodeNotReady/"},
            {"alert": "NodeFilesystemAlmostOutOfSpace", "url": "alerts/NodeFilesystemAlmostOutOfSpace/",
             "file": "monitoring/rules/operator/node.yaml", "line": 20, "col": 26, "suggestion": None}])
        self.assertEqual(u["moved"], [
            {"alert": "PostgresReplicationLag", "url": BASE + "runbooks/db/replication/",
             "file": os.path.join(self.ext_rules, "db.yml"), "line": 8, "col": 20,
             "suggestion": BASE + "alerts/PostgresReplicationLag/"}])
        self.assertEqual(u["missing"], [
            {"alert": "KubePodCrashLooping", "file": "monitoring/rules/kube.yml", "line": 4, "col": 16,
             "url": BASE + "alerts/KubePodCrashLooping/"}])

    def test_report_owners_and_bots(self):
        j = self.report()
        self.assertEqual([(g["name"], g["documents"], g["fresh_percent"]) for g in j["groups"]["owner"]], [
            ("@acme/docs", 1, 100.0), ("@acme/sre", 5, 100.0), ("dba-approvers, carol", 1, 100.0),
            ("team-backup", 1, 0.0)])
        docs = {d["path"]: d for d in j["documents"]}
        self.assertEqual({p: (d["owner_source"], d["owners"]) for p, d in docs.items()}, {
            "content/index.md": ("codeowners", ["@acme/docs"]),
            "runbooks/index.md": ("codeowners", ["@acme/sre"]),
            "runbooks/k8s/KubePodCrashLooping.md": ("codeowners", ["@acme/sre"]),
            "runbooks/k8s/certificates.md": ("codeowners", ["@acme/sre"]),
            "runbooks/k8s/disk-pressure.md": ("codeowners", ["@acme/sre"]),
            "runbooks/k8s/kubenodenotready.md": ("codeowners", ["@acme/sre"]),
            "runbooks/db/replication-lag.md": ("owners", ["alice", "bob", "carol"]),
            "runbooks/db/backups.md": ("front-matter", ["team-backup"])})
        # a page only bots ever touched was never reviewed: stale, not unknown
        b = docs["runbooks/db/backups.md"]
        self.assertEqual((b["status"], b["age_days"], b["last_commit"], b.get("unreviewed")), ("stale", None, None, True))
        self.assertEqual(j["summary"]["unknown"], 0)
        # renovate's later edit is not the review: Ada's commit is
        c = docs["runbooks/k8s/certificates.md"]["last_commit"]
        self.assertEqual((c["author"], c["time"]), ("Ada Writer", "2026-10-01T09:00:00Z"))

    def test_bots_count_when_the_config_says_so(self):
        write(self.repo_dir, "almanac.yml", CONFIG + "freshness:\n  ignore_authors: []\n")
        git(self.repo_dir, "commit", "-q", "-am", "Count bots", date="2026-10-04T09:00:00Z", env=HUMAN)
        docs = {d["path"]: d for d in self.report()["documents"]}
        self.assertEqual(docs["runbooks/db/backups.md"]["status"], "fresh")
        self.assertEqual(docs["runbooks/k8s/certificates.md"]["last_commit"]["author"], "renovate[bot]")

    def test_alerts_json_and_alert_pages(self):
        out = self.tmpdir()
        r = self.almanac("build", "--out", out, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        j = json.loads(read(os.path.join(out, "alerts.json")))
        by = {a["name"]: a for a in j["alerts"]}
        self.assertEqual(sorted(by), ["CertManagerCertExpirySoon", "KubeAPIDown", "KubeDiskPressure",
                                      "KubeNodeNotReady", "KubePodCrashLooping", "NodeFilesystemAlmostOutOfSpace",
                                      "PostgresDown", "PostgresReplicationLag"])
        k = by["KubeNodeNotReady"]
        self.assertEqual((k["url"], k["absolute_url"], k["runbook"], k["page_url"], k["owner"], k["severity"],
                          k["status"], k["in_catalog"]),
                         ("alerts/KubeNodeNotReady/", BASE + "alerts/KubeNodeNotReady/",
                          "runbooks/k8s/kubenodenotready.md", "runbooks/k8s/kubenodenotready/", "@acme/sre",
                          "critical", "fresh", True))
        self.assertEqual(k["last_commit"]["author"], "Ada Writer")
        self.assertEqual(k["rules"], [{"file": "monitoring/rules/kube.yml", "line": 10}])
        # one alert in two files: one entry, the most severe severity, both rules
        c = by["KubePodCrashLooping"]
        self.assertEqual((c["severity"], len(c["rules"])), ("critical", 2))
        self.assertEqual(by["PostgresDown"]["url"], None)
        self.assertEqual(by["CertManagerCertExpirySoon"]["in_catalog"], False)
        self.assertEqual(by["KubeDiskPressure"]["runbook"], "runbooks/k8s/disk-pressure.md")
        # every alert a page answers has its stable address, and the page lists the alert
        for name, page in [("KubePodCrashLooping", "runbooks/k8s/KubePodCrashLooping/"),
                           ("KubeNodeNotReady", "runbooks/k8s/kubenodenotready/"),
                           ("KubeDiskPressure", "runbooks/k8s/disk-pressure/")]:
            html = read(os.path.join(out, "alerts", name, "index.html"))
            self.assertIn('url=../../' + page + '"', html)
            self.assertIn("alerts/" + name + "/", read(os.path.join(out, page, "index.html")))
        self.assertFalse(os.path.exists(os.path.join(out, "alerts", "PostgresDown")))

    def test_rules_patch_applies_and_leaves_check_clean(self):
        r = self.almanac("report", "--format", "rules-patch", cwd=self.repo_dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        patch = r.stdout
        self.assertIn("#   monitoring/rules/operator/node.yaml:20:26: alert NodeFilesystemAlmostOutOfSpace", patch)
        self.assertIn("+          runbook_url: https://docs.example.com/ops/alerts/KubePodCrashLooping/\n", patch)
        self.assertIn("-          runbook_url: https://docs.example.com/ops/runbooks/k8s/node-not-ready/\n"
                      "+          runbook_url: https://docs.example.com/ops/alerts/KubeNodeNotReady/\n", patch)
        # the repository's files apply from its root; the outside file from the root of its path
        inside = patch[:patch.index("--- " + self.ext_rules)] if self.ext_rules in patch else patch
        outside = patch[len(inside):]
        p = subprocess.run(["git", "apply", "-"], cwd=self.repo_dir, input=inside, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = subprocess.run(["patch", "-p0", "-s"], cwd="/", input=outside, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        self.assertIn("      runbook_url: https://docs.example.com/ops/alerts/PostgresReplicationLag/\n",
                      read(os.path.join(self.ext_rules, "db.yml")))
        after = read(os.path.join(self.repo_dir, "monitoring/rules/kube.yml"))
        self.assertIn("          summary: Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping.\n"
                      "          runbook_url: https://docs.example.com/ops/alerts/KubePodCrashLooping/\n"
                      "      - alert: KubeNodeNotReady\n", after)
        r = self.almanac("check", cwd=self.repo_dir)
        left = [ln for ln in r.stderr.splitlines() if "runbook-url" in ln]
        self.assertEqual(left, ["monitoring/rules/operator/node.yaml:20:26: error[runbook-url]: runbook_url "
                                "'alerts/NodeFilesystemAlmostOutOfSpace/' leads to no page of this site (alert "
                                "'NodeFilesystemAlmostOutOfSpace' has no runbook yet)"])
        # a rule without annotations gets the mapping, indented like its file
        write(self.ext_rules, "db.yml", DB.replace("  - alert: PostgresDown", "  - alert: PostgresDown2"))
        write(self.repo_dir, "runbooks/db/PostgresDown2.md", "# Down\n")
        r = self.almanac("report", "--format", "rules-patch")
        self.assertIn("     labels:\n       severity: critical\n+    annotations:\n"
                      "+      runbook_url: https://docs.example.com/ops/alerts/PostgresDown2/\n", r.stdout)

    def test_deleting_a_runbook_breaks_its_alert_link_in_the_pull_request(self):
        git(self.repo_dir, "checkout", "-q", "-b", "cleanup")
        git(self.repo_dir, "rm", "-q", "runbooks/k8s/disk-pressure.md")
        git(self.repo_dir, "commit", "-q", "-m", "Remove", date="2026-10-05T09:00:00Z", env=HUMAN)
        r = self.almanac("check", "--changed-since", "main")
        self.assertEqual([ln for ln in r.stderr.splitlines() if "runbook-url]" in ln], [
            "monitoring/rules/kube.yml:21:24: error[runbook-url]: runbook_url "
            "'https://docs.example.com/ops/runbooks/k8s/disk-pressure/' leads to no page of this site "
            "(alert 'KubeDiskPressure' has no runbook yet)"])
        self.assertEqual(r.returncode, 1)

    def test_rules_patch_needs_a_base_url(self):
        write(self.repo_dir, "almanac.yml", CONFIG.replace("base_url: https://docs.example.com/ops/\n", ""))
        r = self.almanac("report", "--format", "rules-patch")
        self.assertEqual(r.returncode, 2)
        self.assertIn("needs the site's address", r.stderr)
        r = self.almanac("report", "--format", "rules-patch", "--base-url", "https://x.example/")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("for https://x.example/", r.stdout)


class CatalogBoundaries(RepoTestCase):
    def test_no_catalog_means_unknown_coverage(self):
        repo = self.repo({"runbooks/x.md": "# X\n"})
        j = json.loads(run("report", "--repo", repo, "--format", "json", "--now", NOW).stdout)
        self.assertIsNone(j["alerts"]["coverage_percent"])
        self.assertIn("no alert catalog", run("report", "--repo", repo, "--now", NOW).stdout)

    def test_config_paths_stay_inside_the_repository(self):
        outside = self.tmpdir()
        write(outside, "secret.yml", "groups: [{name: g, rules: [{alert: Leak, expr: x}]}]\n")
        repo = self.repo({"runbooks/x.md": "# X\n",
                          "almanac.yml": "alert_rules: [../x.yml, /etc/passwd, .git/config, payments:rules/, "
                                         "rules/missing.yml, 'rules/*.yml']\n"})
        os.symlink(os.path.join(outside, "secret.yml"), os.path.join(repo, "link.yml"))
        write(repo, "almanac.yml", "alert_rules: [../x.yml, /etc/passwd, .git/config, payments:rules/, "
                                   "rules/missing.yml, 'rules/*.yml', link.yml]\n")
        r = run("check", "--repo", repo)
        self.assertEqual(r.returncode, 1)
        self.assertEqual([ln for ln in r.stderr.splitlines() if "alert-rules" in ln], [
            "almanac.yml:1:15: error[alert-rules]: '../x.yml' must be a file, folder or glob inside the repository (not in .git)",
            "almanac.yml:1:25: error[alert-rules]: '/etc/passwd' must be a file, folder or glob inside the repository (not in .git)",
            "almanac.yml:1:38: error[alert-rules]: '.git/config' must be a file, folder or glob inside the repository (not in .git)",
            "almanac.yml:1:51: error[alert-rules]: 'payments:rules/' names a source ('<source>:path') that sources: "
            "does not list",
            "almanac.yml:1:68: error[alert-rules]: 'rules/missing.yml': no such file or folder",
            "almanac.yml:1:87: warning[alert-rules]: 'rules/*.yml' matches no .yml or .yaml file",
            "almanac.yml:1:102: error[alert-rules]: 'link.yml' leads outside the repository (a symbolic link) or into "
            ".git: not read; pass such paths with --alert-rules"])
        self.assertNotIn("Leak", r.stderr + r.stdout)
        # the operator may name it
        r = run("report", "--repo", repo, "--format", "json", "--alert-rules", os.path.join(outside, "secret.yml"))
        self.assertEqual(json.loads(r.stdout)["alerts"]["uncovered"], ["Leak"])

    def test_a_page_named_for_an_alert_can_opt_out(self):
        repo = self.repo({"runbooks/KubeDown.md": "---\nalerts: []\n---\n# Not the runbook\n",
                          "runbooks/kubeup.md": "# Kube up\n",
                          "alerts.yml": "alerts: [KubeDown, KubeUp]\n"})
        j = json.loads(run("report", "--repo", repo, "--format", "json", "--now", NOW).stdout)["alerts"]
        self.assertEqual((j["covered"], j["uncovered"]), (1, ["KubeDown"]))

    def test_any_prometheus_name_is_an_alert(self):
        # awesome-prometheus-alerts names alerts like MysqlTooManyConnections(>80%): in the catalog and
        # answered through its runbook_url, with no alerts/<Name>/ address of its own
        repo = self.repo({"runbooks/cpu.md": "# CPU\n",
                          "rules/r.yml": "groups: [{name: g, rules: [\n"
                                         "  {alert: 'CPUHigh(>80%)', expr: x, annotations: {runbook_url: runbooks/cpu/}},\n"
                                         "  {alert: 'CPUHigh(>80%)', expr: y}]}]\n",
                          "almanac.yml": "alert_rules: [rules/r.yml]\n"})
        j = json.loads(run("report", "--repo", repo, "--format", "json", "--now", NOW).stdout)["alerts"]
        self.assertEqual((j["catalog"], j["covered"]), (1, 1))
        self.assertEqual(j["runbook_urls"]["missing"], [{"alert": "CPUHigh(>80%)", "file": "rules/r.yml", "line": 3,
                                                         "col": 11, "url": "runbooks/cpu/"}])
        out = self.tmpdir()
        self.assertEqual(run("build", "--repo", repo, "--out", out, "--now", NOW, "--quiet").returncode, 0)
        a = json.loads(read(os.path.join(out, "alerts.json")))["alerts"][0]
        self.assertEqual((a["name"], a["url"], a["runbook"]), ("CPUHigh(>80%)", None, "runbooks/cpu.md"))
        self.assertFalse(os.path.exists(os.path.join(out, "alerts")))
        self.assertIn("<li><code>CPUHigh(&gt;80%)</code></li>", read(os.path.join(out, "runbooks/cpu/index.html")))

    def test_a_changed_rule_file_rebuilds(self):
        repo = self.repo({"runbooks/KubeDown.md": "# Kube down\n", "rules/a.yml": "groups: []\n",
                          "almanac.yml": "alert_rules: [rules]\n"})
        out = self.tmpdir()
        self.assertEqual(run("build", "--repo", repo, "--out", out, "--now", NOW).returncode, 0)
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertIn("up to date", r.stderr)
        write(repo, "rules/a.yml", "groups: [{name: g, rules: [{alert: KubeDown, expr: x}]}]\n")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertNotIn("up to date", r.stderr)
        self.assertTrue(os.path.exists(os.path.join(out, "alerts", "KubeDown", "index.html")))
        write(repo, ".github/CODEOWNERS", "* @someone\n")
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertNotIn("up to date", r.stderr)
        self.assertEqual(json.loads(read(os.path.join(out, "alerts.json")))["alerts"][0]["owner"], "@someone")


if __name__ == "__main__":
    main()
