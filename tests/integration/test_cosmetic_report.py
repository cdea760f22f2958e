#!/usr/bin/env python3
"""freshness.count: content through the binary: a bulk formatting commit stops
resetting freshness without an ignore list, the report says how many commits
were passed over, and the default (`commit`) keeps today's answers."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, git, main, read, run, write  # noqa: E402

NOW = "2026-11-01"

PAGES = {
    "runbooks/db.md": "---\ntitle: DB restart\nowner: data\n---\n# DB restart\n\nDrain the consumers,\n"
                      "then restart the workers.\n\n* check the lag\n* page the on-call\n",
    "runbooks/cache.md": "---\ntitle: Cache flush\nowner: web\n---\n# Cache flush\n\n1. Flush.\n2. Warm up.\n",
    "runbooks/dns.md": "---\ntitle: DNS\nowner: net\n---\n# DNS\n\nSee [the cache](cache.md).\n",
}


def reformat(text):
    """What a formatter does: CRLF, `-` list markers, setext headings, one line per paragraph,
    links spelled as folders, front matter keys reordered."""
    head, body = text.split("---\n# ", 1)[0], "# " + text.split("---\n# ", 1)[1]
    fm = head.strip("-\n").split("\n")
    head = "---\n" + "\n".join(reversed(fm)) + "\n---\n"
    title, rest = body[2:].split("\n", 1)
    body = title + "\n" + "=" * len(title) + "\n" + rest.replace("* ", "- ").replace(",\nthen", ", then")
    body = body.replace("(cache.md)", "(./cache/)")
    return (head + body).replace("\n", "\r\n")


class CosmeticEdits(RepoTestCase):
    def make(self, count):
        repo = self.repo(dict(PAGES, **({"almanac.yml": "freshness:\n  count: %s\n" % count} if count else {})),
                         date="2025-01-10T09:00:00Z")
        write(repo, "runbooks/cache.md", PAGES["runbooks/cache.md"].replace("Warm up.", "Warm up the edge."))
        git(repo, "commit", "-qam", "cache: warm the edge", date="2026-09-01T09:00:00Z")
        for rel, text in PAGES.items():
            cur = read(os.path.join(repo, rel))
            with open(os.path.join(repo, rel), "w", newline="") as f:
                f.write(reformat(cur))
        git(repo, "commit", "-qam", "Run the formatter on every page", date="2026-10-15T09:00:00Z")
        return repo

    def report(self, repo):
        r = run("report", "--repo", repo, "--format", "json", "--now", NOW)
        self.assertIn(r.returncode, (0, 3), r.stderr)
        return json.loads(r.stdout)

    def test_formatting_commit_is_not_a_review(self):
        repo = self.make("content")
        doc = self.report(repo)
        self.assertEqual(doc["repository"]["cosmetic_commits"], 1)
        last = {d["path"]: d["last_commit"]["summary"] for d in doc["documents"]}
        self.assertEqual(last["runbooks/cache.md"], "cache: warm the edge")
        self.assertEqual(last["runbooks/db.md"], "Initial import")
        self.assertEqual(last["runbooks/dns.md"], "Initial import")
        status = {d["path"]: d["status"] for d in doc["documents"]}
        self.assertEqual(status["runbooks/db.md"], "stale")  # 2025-01-10 + 180 days: stale, as before the formatter
        # the text report says it too
        r = run("report", "--repo", repo, "--now", NOW)
        self.assertIn("Cosmetic edits are not reviews (freshness.count: content): 1 commit passed over", r.stdout)
        # the site publishes the same report
        out = self.tmpdir()
        r = run("build", "--repo", repo, "--out", out, "--now", NOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(read(os.path.join(out, "freshness.json"))), doc)

    def test_default_counts_every_commit(self):
        repo = self.make(None)
        doc = self.report(repo)
        self.assertNotIn("cosmetic_commits", doc["repository"])  # the default report is unchanged
        last = {d["path"]: d["last_commit"]["summary"] for d in doc["documents"]}
        self.assertEqual(set(last.values()), {"Run the formatter on every page"})
        repo = self.make("commit")
        self.assertEqual({d["last_commit"]["summary"] for d in self.report(repo)["documents"]},
                         {"Run the formatter on every page"})

    def test_real_change_in_a_formatting_commit_counts(self):
        repo = self.make("content")
        write(repo, "runbooks/dns.md", read(os.path.join(repo, "runbooks/dns.md")).replace("the cache", "the CDN cache"))
        git(repo, "commit", "-qam", "Format and fix a word", date="2026-10-20T09:00:00Z")
        doc = self.report(repo)
        last = {d["path"]: d["last_commit"]["summary"] for d in doc["documents"]}
        self.assertEqual(last["runbooks/dns.md"], "Format and fix a word")
        self.assertEqual(doc["repository"]["cosmetic_commits"], 1)

    def test_trend_skips_cosmetic_commits_too(self):
        # a page reviewed every 30 days: the formatter's commit in July must not make July's
        # month end look fresh in the 12-month trend, even though a real edit came later
        page = "---\ntitle: DB\nreview_interval: 30d\n---\n# DB\n\nDrain the consumers, then restart.\n"
        points = {}
        for count in ("content", "commit"):
            repo = self.repo({"runbooks/db.md": page, "almanac.yml": "freshness:\n  count: %s\n" % count},
                             date="2025-01-10T09:00:00Z")
            write(repo, "runbooks/db.md", page.replace("restart.", "restart the workers."))
            git(repo, "commit", "-qam", "real edit", date="2026-06-10T09:00:00Z")
            with open(os.path.join(repo, "runbooks/db.md"), "w", newline="") as f:
                f.write(page.replace("restart.", "restart the workers.").replace("\n", "\r\n"))
            git(repo, "commit", "-qam", "formatter", date="2026-07-15T09:00:00Z")
            write(repo, "runbooks/db.md", page.replace("restart.", "restart the workers, then check."))
            git(repo, "commit", "-qam", "second real edit", date="2026-10-20T09:00:00Z")
            doc = self.report(repo)
            self.assertEqual(doc["documents"][0]["last_commit"]["summary"], "second real edit")
            points[count] = {p["date"]: p["fresh_percent"] for p in doc["trend"]}
        self.assertEqual(points["commit"]["2026-07-31"], 100.0)  # 16 days after the formatter: due, counted fresh
        self.assertEqual(points["content"]["2026-07-31"], 0.0)   # 51 days after the real edit: stale
        self.assertEqual(points["content"]["2026-06-30"], 100.0)  # 20 days after the real edit
        self.assertEqual(points["content"]["2026-10-31"], 100.0)

    def test_bad_value(self):
        repo = self.repo(dict(PAGES, **{"almanac.yml": "freshness:\n  count: words\n"}))
        r = run("check", "--repo", repo)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("almanac.yml:2:", r.stderr)
        self.assertIn("'freshness.count' must be 'commit' or 'content'", r.stderr)


if __name__ == "__main__":
    main()
