"""Search in a real browser: builds this repository's own site and a small
fixture site with known page statuses, serves them on 127.0.0.1 and runs
tests/browser/search.test.mjs (Debian's /usr/bin/chromium through playwright-core):
alert names first, typos and prefixes, filters, '/' focus, keyboard navigation,
stale pages below fresh ones, a relevance list of 46 queries, and a screenshot of
the results kept in tests/browser/artifacts/ (or $ALMANAC_ARTIFACTS).

Skips (exit 77) when node, /usr/bin/chromium or playwright-core is missing;
install playwright-core with `npm install --prefix tests/browser`."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, main, run, git, write  # noqa: E402

SRC = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT") or
                      os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER_DIR = os.path.join(SRC, "tests", "browser")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

DISK = """---
title: Disk pressure on worker nodes
owner: team-storage
review_interval: 90d
---
# Disk pressure on worker nodes

## Symptoms

The kubelet reports disk pressure and evicts pods from the node.

## Mitigation

Clean up unused images and grow the volume.
"""


def missing_prerequisite():
    node = shutil.which("node")
    if not node:
        return "node is not installed"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    paths = [BROWSER_DIR, os.environ.get("PLAYWRIGHT_CORE_DIR", ""), "/tmp/search-bench"]
    probe = ("const {createRequire}=require('module');const path=require('path');"
             "for(const b of process.argv.slice(1)){if(!b)continue;"
             "try{createRequire(path.join(b,'x.js')).resolve('playwright-core');process.exit(0)}catch(e){}}"
             "process.exit(1)")
    if subprocess.run([node, "-e", probe, *paths]).returncode != 0:
        return "playwright-core is not installed (npm install --prefix tests/browser)"
    return None


class BrowserSearchTest(RepoTestCase):
    def test_search_in_browser(self):
        work = self.tmpdir()
        site = os.path.join(work, "site")
        r = run("build", "--repo", SRC, "--out", site, "--now", "2026-11-01", "--quiet", timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)

        # two pages of equal relevance: a-... committed long ago (stale), b-... last week
        repo = self.repo({"runbooks/a-disk-pressure.md": DISK})
        git(repo, "commit", "-q", "--amend", "-m", "Old disk runbook", date="2025-01-06T09:00:00Z")
        write(repo, "runbooks/b-disk-pressure.md", DISK)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Fresh disk runbook", date="2026-10-26T09:00:00Z")
        fixture = os.path.join(work, "fixture")
        r = run("build", "--repo", repo, "--out", fixture, "--now", "2026-11-01", "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)

        artifacts = os.environ.get("ALMANAC_ARTIFACTS") or os.path.join(BROWSER_DIR, "artifacts")
        p = subprocess.run(["node", os.path.join(BROWSER_DIR, "search.test.mjs"),
                            "--site", site, "--fixture-site", fixture,
                            "--relevance", os.path.join(BROWSER_DIR, "relevance.json"),
                            "--artifacts", artifacts],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        print(p.stdout)
        if p.returncode == 77:
            self.skipTest(p.stdout.strip())
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertTrue(os.path.exists(os.path.join(artifacts, "search-results.png")))


if __name__ == "__main__":
    why = missing_prerequisite()
    if why:
        print(f"skipping: {why}")
        sys.exit(77)
    main()
