"""A Hugo hub with two source repositories, in a real browser (Debian's chromium through
playwright-core, tests/browser/sources.test.mjs):

  - the freshness page has a "By source" table: (hub) and each source, with freshness.json's
    groups.source counts;
  - a source's _index.md, published at the source's address by the hub's Hugo rules, is that
    section's page: the sidebar folder carries its title, its children follow in weight order, and
    it is not listed as a child of itself;
  - links across repositories lead to pages; alerts/<Name>/?labels opens the source's runbook;
  - the search page's filters share one row at 1280 px, even with a long owner (an OWNERS approvers list);
  - a search result's place is its page's breadcrumbs (a source's title, not its name made readable);
  - no page is wider than a 390 px phone, light and dark (screenshots in the artifacts folder).

Skips (77) without node, chromium or playwright-core."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, main, run, write  # noqa: E402
from test_browser_search import BROWSER_DIR, missing_prerequisite  # noqa: E402

PAYMENTS = {
    "docs/runbooks/_index.md": "---\ntitle: Payments runbooks\n---\nRunbooks of the payments service.\n",
    "docs/runbooks/PaymentsQueueBacklog.md": (
        "---\ntitle: Payments queue backlog\nowner: payments-team\nweight: 2\n---\n## Symptoms\n"
        "The queue grows. See [the DB runbook](db-down.md) and the hub's [node runbook](source:k8s/node.md).\n"),
    "docs/runbooks/db-down.md": (
        "---\ntitle: Payments database down\nowner: payments-team\nalerts: [PaymentsDBDown]\nweight: 1\n---\n"
        "Run `pg_isready`. Back to [the backlog](PaymentsQueueBacklog.md).\n"),
    "deploy/rules.yml": (
        "groups:\n  - name: payments\n    rules:\n      - alert: PaymentsQueueBacklog\n        expr: q > 1000\n"
        "        annotations: {runbook_url: alerts/PaymentsQueueBacklog/}\n"
        "      - alert: PaymentsDBDown\n        expr: up == 0\n        annotations: {runbook_url: alerts/PaymentsDBDown/}\n"),
    "almanac.yml": "alert_rules: [deploy/rules.yml]\n",
}
SEARCH = {
    "docs/reindex.md": ("---\ntitle: Reindex the search cluster\nowner: search-team\ntype: runbook\n---\n"
                        "See the [payments backlog](source:payments/PaymentsQueueBacklog.md).\n"),
    "docs/slow-queries.md": "---\ntitle: Slow search queries\ntype: runbook\n---\nRead the slow log.\n",
    # a long approvers list names the owner of slow-queries.md (as in openshift/runbooks' OWNERS files)
    "docs/OWNERS": ("approvers:\n  - alice-search-oncall\n  - bob-search-platform\n  - carol-relevance\n"
                    "  - dave-indexing-pipeline\n  - erin-cluster-operations\n  - frank-query-latency\n"),
}
HUB = {
    "hugo.toml": 'title = "Ops Hub"\n',
    "content/_index.md": ("---\ntitle: Ops Hub\n---\nStart at [payments](../payments/PaymentsQueueBacklog.md) "
                          "or [search](source:search-api/reindex.md).\n"),
    "content/k8s/_index.md": "---\ntitle: Kubernetes\nweight: 1\n---\n",
    "content/k8s/node.md": "---\ntitle: Node NotReady\nowner: platform\ntype: runbook\n---\nThe node is gone.\n",
    "almanac.yml": ("title: Ops Hub\nsources:\n  - name: payments\n    repo: ../payments\n    path: docs/runbooks\n"
                    "  - name: search-api\n    repo: ../search-api\n    path: docs\n"),
}


class BrowserSourcesTest(RepoTestCase):
    def test_hub_with_sources_in_browser(self):
        work = self.tmpdir()
        for name, files, date in (("payments", PAYMENTS, "2026-01-10T10:00:00Z"),
                                  ("search-api", SEARCH, "2026-11-20T10:00:00Z"),
                                  ("hub", HUB, "2026-06-01T10:00:00Z")):
            repo = self.repo(files, date=date)
            os.rename(repo, os.path.join(work, name))
        site = os.path.join(work, "site")
        r = run("build", "--repo", os.path.join(work, "hub"), "--out", site, "--now", "2026-12-06", "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        artifacts = os.environ.get("ALMANAC_ARTIFACTS") or os.path.join(BROWSER_DIR, "artifacts")
        p = subprocess.run(["node", os.path.join(BROWSER_DIR, "sources.test.mjs"), "--site", site,
                            "--artifacts", os.path.join(artifacts, "sources")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        print(p.stdout)
        if p.returncode == 77:
            self.skipTest(p.stdout.strip())
        self.assertEqual(p.returncode, 0, p.stdout)


if __name__ == "__main__":
    why = missing_prerequisite()
    if why:
        print(f"skipping: {why}")
        sys.exit(77)
    main()
