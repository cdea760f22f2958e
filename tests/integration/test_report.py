"""almanac report: the documentation-freshness report in every format, the
site's freshness page and freshness.json, the --fail-under gate, and check
--changed-since.

Every number asserted here was computed BY HAND from the fixture below (see
the comments), not by re-implementing the algorithm.

THE FIXTURE (now = 2026-11-22T00:00:00Z; no almanac.yml, so the defaults:
target 80%, critical pages 90 days, other pages 180 days, due window 30
days capped at half the interval):

  page                               owner   type     criticality  interval
  P1 runbooks/k8s/node-not-ready.md  team-a  runbook  critical     90  (fresh <= 60, due 61..90)
  P2 runbooks/k8s/pod-crashloop.md   team-a  runbook  high         180 (fresh <= 150, due 151..180)
  P3 runbooks/db/replication-lag.md  team-b  runbook  critical     90  (watches db/config/**)
  P4 runbooks/db/backup.md           team-b  runbook  medium       30  (review_interval: 30d:
                                                                        window 15: fresh <= 15, due 16..30)
  P5 content/guides/onboarding.md    team-c  guide    (none)       180
  P6 content/guides/style.md         team-c  guide    low          draft: excluded everywhere
  P7 runbooks/db/failover.md         team-b  runbook  high         180 (modified, not committed, at report time)

Commits (author and committer date identical):
  C1  2025-09-15T12:00:00Z Alice  add alerts.yml, P1, P2, P3
  C2  2025-10-20T12:00:00Z Bob    add P4
  C3  2025-12-10T12:00:00Z Carol  add P5, edit P1
  C4  2026-02-05T12:00:00Z Alice  edit P2, add P7
  C5  2026-04-15T12:00:00Z Bob    edit P3
  C6  2026-06-05T12:00:00Z Carol  edit P5
  C7  2026-06-30T23:59:59Z Dave   edit P4   (exactly at the June month end: counts for June)
  C8  2026-07-01T00:00:00Z Alice  edit P1   (one second after it: does not count for June)
  C9  2026-08-20T12:00:00Z Bob    add P6 (draft)
  C10 2026-09-25T12:00:00Z Carol  edit P4, edit P7
  C11 2026-10-30T12:00:00Z Dave   edit P3
  C12 2026-11-05T12:00:00Z Eve    add db/config/replication.conf (watched by P3)
  then P7 is edited in the work tree and not committed.

Day numbers (N = day of year in 2025; 365 + day of year in 2026):
  2025-09-15 258   2025-10-20 293   2025-12-10 344   2026-02-05 401
  2026-04-15 470   2026-06-05 521   2026-06-30 546   2026-07-01 547
  2026-09-25 633   2026-10-30 668   2026-11-05 674   2026-11-22 691

NOW (2026-11-22T00:00:00Z; a 12:00 commit is half a day less old, ages are floored):
  P1 last C8  (00:00) age 691-547 = 144 > 90       stale  due_in -54   Alice
  P2 last C4          age 290 - 0.5 -> 289 > 180   stale  due_in -109  Alice
  P3 last C11         age 23 - 0.5 -> 22 <= 60     fresh  due_in 68    Dave, DRIFTED (C12, 11 business days ago)
  P4 last C10         age 58 - 0.5 -> 57 > 30      stale  due_in -27   Carol
  P5 last C6          age 170 - 0.5 -> 169 in 151..180  due  due_in 11  Carol
  P7 uncommitted (last C10, age 57, due_in 123)
  documents 6 (P6 is a draft): fresh 1, due 1, stale 3, uncommitted 1, unknown 0, drifted 1
  fresh percent = (1 + 1) / 6 = 33.3 %, below the 80 % target
  attention (stale, due or drifted; most overdue first): P2 (-109), P1 (-54), P4 (-27), P5 (11), P3 (68)

GROUPS (fresh or due / documents):
  owner:       team-a P1 P2 -> 0/2 = 0.0;  team-b P3 P4 P7 -> 1/3 = 33.3;  team-c P5 -> 1/1 = 100.0
  type:        guide P5 -> 100.0;  runbook P1 P2 P3 P4 P7 -> 1/5 = 20.0
  criticality: (none) P5 -> 100.0;  critical P1 P3 -> 1/2 = 50.0;  high P2 P7 -> 0/2 = 0.0;  medium P4 -> 0.0
  section:     guides P5 -> 100.0;  runbooks -> 1/5 = 20.0

TREND: month ends before now at 23:59:59Z; age at T = N(T) - N(last commit) (whole days, as a
12:00 or 00:00 commit is less than a day older than 23:59:59 of its day).
  T                N    P1           P2          P3          P4           P5          P7          fresh/docs
  2025-11-30 334   76 due       76 fresh    76 due      41 stale     -           -           3/4 = 75.0
  2025-12-31 365   21 fresh     107 fresh   107 stale   72 stale     21 fresh    -           3/5 = 60.0
  2026-01-31 396   52 fresh     138 fresh   138 stale   103 stale    52 fresh    -           3/5 = 60.0
  2026-02-28 424   80 due       23 fresh    166 stale   131 stale    80 fresh    23 fresh    4/6 = 66.7
  2026-03-31 455   111 stale    54 fresh    197 stale   162 stale    111 fresh   54 fresh    3/6 = 50.0
  2026-04-30 485   141 stale    84 fresh    15 fresh    192 stale    141 fresh   84 fresh    4/6 = 66.7
  2026-05-31 516   172 stale    115 fresh   46 fresh    223 stale    172 due     115 fresh   4/6 = 66.7
  2026-06-30 546   202 stale    145 fresh   76 due      0 fresh(C7)  25 fresh    145 fresh   5/6 = 83.3
  2026-07-31 577   30 fresh     176 due     107 stale   31 stale     56 fresh    176 due     4/6 = 66.7
  2026-08-31 608   61 due       207 stale   138 stale   62 stale     87 fresh    207 stale   2/6 = 33.3
  2026-09-30 638   91 stale     237 stale   168 stale   5 fresh      117 fresh   5 fresh     3/6 = 50.0
  2026-10-31 669   122 stale    268 stale   1 fresh     36 stale     148 fresh   36 fresh    3/6 = 50.0
  (P6 is a draft and never counted; P7's uncommitted edit does not change its past.)

ALERTS: catalog CertExpiry, DiskFull, KubeNodeNotReady, KubePodCrashLooping, PostgresReplicationLag;
  P1 answers KubeNodeNotReady, P2 KubePodCrashLooping, P3 PostgresReplicationLag and GhostAlert, the
  draft P6 CertExpiry (drafts do not count). covered 3 of 5 = 60.0 %; uncovered CertExpiry, DiskFull;
  named by runbooks but not in the catalog: GhostAlert.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import BIN, RepoTestCase, main, read, run, write, git  # noqa: E402

NOW = "2026-11-22"

CATALOG = """alerts:
  - name: KubeNodeNotReady
    severity: critical
  - name: KubePodCrashLooping
    severity: warning
  - name: PostgresReplicationLag
    severity: critical
  - name: DiskFull
    severity: warning
  - name: CertExpiry
    severity: warning
"""


def page(title, body="", **fm):
    lines = ["---", f"title: {title}"]
    for k, v in fm.items():
        lines.append(f"{k}: {v}")
    lines.append("---")
    return "\n".join(lines) + f"\n# {title}\n\n{body}\n"


P1 = "runbooks/k8s/node-not-ready.md"
P2 = "runbooks/k8s/pod-crashloop.md"
P3 = "runbooks/db/replication-lag.md"
P4 = "runbooks/db/backup.md"
P5 = "content/guides/onboarding.md"
P6 = "content/guides/style.md"
P7 = "runbooks/db/failover.md"


def p1(v):
    return page("Node not ready", f"Version {v}.", owner="team-a", criticality="critical",
                alerts="[KubeNodeNotReady]")


def p2(v):
    return page("Pod crash loop", f"Version {v}.", owner="team-a", criticality="high",
                alerts="[KubePodCrashLooping]")


def p3(v):
    return page("Replication lag", f"Version {v}.", owner="team-b", criticality="critical",
                alerts="[PostgresReplicationLag, GhostAlert]", watches='["db/config/**"]')


def p4(v):
    return page("Backups", f"Version {v}.", owner="team-b", criticality="medium", review_interval="30d")


def p5(v):
    return page("Onboarding", f"Version {v}.", type="guide", owner="team-c")


def p6(v):
    return page("Style", f"Version {v}.", type="guide", owner="team-c", criticality="low", draft="true",
                alerts="[CertExpiry]")


def p7(v):
    return page("Failover", f"Version {v}.", owner="team-b", criticality="high")


COMMITS = [
    ("2025-09-15T12:00:00Z", "Alice", "C1 import", {"alerts.yml": CATALOG, P1: p1(1), P2: p2(1), P3: p3(1)}),
    ("2025-10-20T12:00:00Z", "Bob", "C2 backups", {P4: p4(1)}),
    ("2025-12-10T12:00:00Z", "Carol", "C3 onboarding", {P5: p5(1), P1: p1(2)}),
    ("2026-02-05T12:00:00Z", "Alice", "C4 crash loop and failover", {P2: p2(2), P7: p7(1)}),
    ("2026-04-15T12:00:00Z", "Bob", "C5 replication lag", {P3: p3(2)}),
    ("2026-06-05T12:00:00Z", "Carol", "C6 onboarding", {P5: p5(2)}),
    ("2026-06-30T23:59:59Z", "Dave", "C7 backups at the month end", {P4: p4(2)}),
    ("2026-07-01T00:00:00Z", "Alice", "C8 node not ready", {P1: p1(3)}),
    ("2026-08-20T12:00:00Z", "Bob", "C9 style draft", {P6: p6(1)}),
    ("2026-09-25T12:00:00Z", "Carol", "C10 backups and failover", {P4: p4(3), P7: p7(2)}),
    ("2026-10-30T12:00:00Z", "Dave", "C11 replication lag", {P3: p3(3)}),
    ("2026-11-05T12:00:00Z", "Eve", "C12 replication config", {"db/config/replication.conf": "lag = 10s\n"}),
]


def make_fixture(repo, upto=None):
    git(repo, "init", "-q", "-b", "main")
    for date, author, msg, files in COMMITS[:upto]:
        for rel, text in files.items():
            write(repo, rel, text)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", msg, date=date,
            env={"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": author.lower() + "@example.com"})
    if upto is None:
        write(repo, P7, p7(3))  # uncommitted edit



# ---- expected values, from the hand computation in the module docstring ----

SUMMARY = {"documents": 6, "fresh": 1, "due": 1, "stale": 3, "uncommitted": 1, "unknown": 0,
           "drifted": 1, "fresh_percent": 33.3, "meets_target": False}
GROUPS = {
    "owner": [("team-a", 2, 0.0), ("team-b", 3, 33.3), ("team-c", 1, 100.0)],
    "type": [("guide", 1, 100.0), ("runbook", 5, 20.0)],
    "criticality": [("(none)", 1, 100.0), ("critical", 2, 50.0), ("high", 2, 0.0), ("medium", 1, 0.0)],
    "section": [("guides", 1, 100.0), ("runbooks", 5, 20.0)],
}
TREND = [("2025-11-30", 4, 75.0), ("2025-12-31", 5, 60.0), ("2026-01-31", 5, 60.0),
         ("2026-02-28", 6, 66.7), ("2026-03-31", 6, 50.0), ("2026-04-30", 6, 66.7),
         ("2026-05-31", 6, 66.7), ("2026-06-30", 6, 83.3), ("2026-07-31", 6, 66.7),
         ("2026-08-31", 6, 33.3), ("2026-09-30", 6, 50.0), ("2026-10-31", 6, 50.0)]
ALERTS = {"catalog": 5, "covered": 3, "coverage_percent": 60.0, "uncovered": ["CertExpiry", "DiskFull"],
          "not_in_catalog": ["GhostAlert"],
          "runbook_urls": {"checked": 0, "ok": 0, "broken": [], "moved": [], "missing": [], "forge": [],
                           "external": 0}}
# path -> (interval, age, due_in, status, drifted, last author, last commit time)
DOCS = {
    P5: (180, 169, 11, "due", False, "Carol", "2026-06-05T12:00:00Z"),
    P4: (30, 57, -27, "stale", False, "Carol", "2026-09-25T12:00:00Z"),
    P7: (180, 57, 123, "uncommitted", False, "Carol", "2026-09-25T12:00:00Z"),
    P3: (90, 22, 68, "fresh", True, "Dave", "2026-10-30T12:00:00Z"),
    P1: (90, 144, -54, "stale", False, "Alice", "2026-07-01T00:00:00Z"),
    P2: (180, 289, -109, "stale", False, "Alice", "2026-02-05T12:00:00Z"),
}
ATTENTION = [P2, P1, P4, P5, P3]


class ReportTest(RepoTestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.fx = tempfile.mkdtemp(prefix="almanac-report-")
        make_fixture(cls.fx)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.fx, ignore_errors=True)

    def new_repo(self, prefix):
        """An empty repository (branch main) of this test's, removed after it."""
        import tempfile
        repo = tempfile.mkdtemp(prefix=prefix)
        self._cleanup.append(repo)
        git(repo, "init", "-q", "-b", "main")
        return repo

    def report(self, *args, repo=None, env=None, code=0):
        r = run("report", "--repo", repo or self.fx, "--now", NOW, *args, env=env)
        self.assertEqual(r.returncode, code, r.stderr)
        return r

    def json_report(self, *args, repo=None):
        return json.loads(self.report("--format", "json", *args, repo=repo).stdout)

    # -- JSON: every number of the schema --

    def test_json_summary_groups_trend_alerts(self):
        j = self.json_report()
        self.assertEqual(j["schema"], "almanac.report/1")
        self.assertEqual(j["generated_at"], "2026-11-22T00:00:00Z")
        self.assertEqual(j["target_percent"], 80)
        self.assertEqual(j["repository"]["branch"], "main")
        self.assertFalse(j["repository"]["shallow"])
        self.assertEqual(j["repository"]["head"], git(self.fx, "rev-parse", "HEAD").strip())
        self.assertEqual(j["summary"], SUMMARY)
        for kind, expected in GROUPS.items():
            got = [(g["name"], g["documents"], g["fresh_percent"]) for g in j["groups"][kind]]
            self.assertEqual(got, expected, kind)
            for g in j["groups"][kind]:
                self.assertEqual(g["meets_target"], g["fresh_percent"] >= 80, (kind, g))
        self.assertEqual([(t["date"], t["documents"], t["fresh_percent"]) for t in j["trend"]], TREND)
        self.assertEqual([t["unknown"] for t in j["trend"]], [0] * 12)
        self.assertEqual(j["alerts"], ALERTS)

    def test_json_documents(self):
        j = self.json_report()
        docs = j["documents"]
        self.assertEqual([d["path"] for d in docs], sorted(DOCS))  # sorted by path, no draft
        keys = ["path", "url", "title", "type", "owner", "criticality", "review_interval_days", "last_commit",
                "age_days", "due_in_days", "status", "drifted"]
        for d in docs:
            self.assertEqual(list(d)[:len(keys)], keys)
            interval, age, due_in, status, drifted, author, time = DOCS[d["path"]]
            self.assertEqual((d["review_interval_days"], d["age_days"], d["due_in_days"], d["status"],
                              d["drifted"]), (interval, age, due_in, status, drifted), d["path"])
            self.assertEqual((d["last_commit"]["author"], d["last_commit"]["time"]), (author, time))
            self.assertRegex(d["last_commit"]["id"], "^[0-9a-f]{40}$")
        by = {d["path"]: d for d in docs}
        self.assertEqual(by[P3]["drift_path"], "db/config/replication.conf")
        self.assertEqual(by[P1]["url"], "runbooks/k8s/node-not-ready/")
        self.assertEqual((by[P5]["type"], by[P5]["owner"], by[P5]["criticality"]), ("guide", "team-c", ""))
        self.assertEqual(by[P1]["last_commit"]["summary"], "C8 node not ready")

    def test_json_is_deterministic_and_output_file(self):
        a = self.report("--format", "json").stdout
        out = os.path.join(self.tmpdir(), "r.json")
        r = self.report("--format", "json", "--output", out)
        self.assertEqual(r.stdout, "")
        self.assertEqual(read(out), a)

    def test_no_trend(self):
        j = self.json_report("--no-trend")
        self.assertEqual(j["trend"], [])
        self.assertEqual(j["summary"], SUMMARY)

    # -- text --

    def test_text_summary_and_attention(self):
        out = self.report().stdout
        self.assertNotIn("\033[", out)  # piped: no colour
        self.assertIn("33.3% fresh   target 80%   FAIL", out)
        self.assertIn("6 pages: 1 fresh, 1 due, 3 stale, 1 uncommitted, 0 unknown; 1 drifted", out)
        rows = re.findall(r"^  (stale|due|drifted)\s+(.+?)\s{2,}(\S+)\s+(team-\w)\s+(\w+)", out, re.M)
        self.assertEqual([r[2] for r in rows], ATTENTION)  # most overdue first
        self.assertEqual(rows[0], ("stale", "overdue 109 days", P2, "team-a", "Alice"))
        self.assertEqual(rows[3], ("due", "due in 11 days", P5, "team-c", "Carol"))
        self.assertEqual(rows[4], ("drifted", "due in 68 days", P3, "team-b", "Dave"))
        # attention comes right after the summary, before the groups
        self.assertLess(out.index("Needs attention (5)"), out.index("By owner"))
        self.assertRegex(out, r"\n  team-a\s+2\s+0\.0%  below target\n")
        self.assertRegex(out, r"\n  team-c\s+1\s+100\.0%\n")
        self.assertRegex(out, r"\n  2026-06-30\s+83\.3%  6 pages\n")
        self.assertRegex(out, r"\n  2025-11-30\s+75\.0%  4 pages\n")
        self.assertIn("Alert coverage: 60.0% (3 of 5 catalog alerts have a runbook)", out)
        self.assertIn("without a runbook: CertExpiry, DiskFull", out)
        self.assertIn("not in the catalog: GhostAlert", out)

    def run_on_tty(self, env):
        import pty
        import select
        master, slave = pty.openpty()
        e = dict(os.environ)
        e.pop("NO_COLOR", None)
        e.update(env)
        p = subprocess.Popen([BIN, "report", "--repo", self.fx, "--now", NOW],
                             stdout=slave, stderr=subprocess.PIPE, env=e)
        os.close(slave)
        data = b""
        while True:
            r, _, _ = select.select([master], [], [], 30)
            if not r:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        p.wait(timeout=30)
        p.stderr.close()
        os.close(master)
        return data.decode()

    def test_text_colour_on_a_terminal_only(self):
        coloured = self.run_on_tty({})
        self.assertIn("\033[31m", coloured)  # FAIL and stale pages in red
        self.assertIn("FAIL", coloured)
        plain = self.run_on_tty({"NO_COLOR": "1"})
        self.assertNotIn("\033[", plain)
        self.assertIn("33.3% fresh", plain)

    # -- CSV --

    def test_csv_one_row_per_document(self):
        out = self.report("--format", "csv").stdout
        self.assertTrue(out.startswith("path,url,title,type,owner,criticality,review_interval_days,"
                                       "last_commit_id,last_commit_time,last_commit_author,last_commit_summary,"
                                       "age_days,due_in_days,status,drifted"))
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual([r["path"] for r in rows], sorted(DOCS))
        for r in rows:
            interval, age, due_in, status, drifted, author, time = DOCS[r["path"]]
            self.assertEqual((int(r["review_interval_days"]), int(r["age_days"]), int(r["due_in_days"]),
                              r["status"], r["drifted"], r["last_commit_author"], r["last_commit_time"]),
                             (interval, age, due_in, status, "true" if drifted else "false", author, time))
        # and the same as the JSON documents, field by field
        docs = {d["path"]: d for d in self.json_report()["documents"]}
        for r in rows:
            d = docs[r["path"]]
            for k in ("url", "title", "type", "owner", "criticality", "status", "owner_source"):
                self.assertEqual(r[k], d[k])
            self.assertEqual(r["last_commit_id"], d["last_commit"]["id"])
            self.assertEqual(r["last_commit_summary"], d["last_commit"]["summary"])

    def test_csv_quotes_commas_and_quotes(self):
        repo = self.repo({"runbooks/a.md": page('Disk "full", again', owner="ops")},
                         date="2026-11-01T00:00:00Z", message='fix: "quoted", with comma')
        out = self.report("--format", "csv", repo=repo).stdout
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(rows[0]["title"], 'Disk "full", again')
        self.assertEqual(rows[0]["last_commit_summary"], 'fix: "quoted", with comma')
        self.assertIn('"Disk ""full"", again"', out)
        raw = subprocess.run([BIN, "report", "--repo", repo, "--now", NOW, "--format", "csv"],
                             stdout=subprocess.PIPE, check=True).stdout
        self.assertEqual(raw.count(b"\r\n"), 2)  # RFC 4180 line ends: header and one row
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))

    def test_untracked_page_and_markup_in_names(self):
        """A page never committed (HEAD unborn) counts today as uncommitted, but did not exist at any
        month end; an owner name with markup is escaped in the charts and tables."""
        repo = self.new_repo("almanac-report-new-")
        write(repo, "runbooks/a.md", page("A", owner='"R&D <ops>"'))
        j = self.json_report(repo=repo)
        self.assertEqual((j["summary"]["documents"], j["summary"]["uncommitted"]), (1, 1))
        self.assertEqual([(t["documents"], t["unknown"]) for t in j["trend"]], [(0, 0)] * 12)
        self.assertEqual(j["groups"]["section"], [{"name": "runbooks", "documents": 1, "fresh_percent": 0.0,
                                                   "meets_target": False}])
        html = self.report("--format", "html", repo=repo).stdout
        self.assertIn('data-label="R&amp;D &lt;ops&gt;"', html)
        self.assertNotIn("<ops>", html)

    def test_text_tables_shorten_long_owner_lists(self):
        """OWNERS files list a folder's approvers one by one: the text report shows the names that fit and
        how many it leaves out, instead of a column as wide as the longest list; JSON keeps them all."""
        repo = self.new_repo("almanac-report-owners-")
        names = ["sre-%02d" % i for i in range(11)]
        write(repo, "runbooks/OWNERS", "approvers:\n" + "".join("  - %s\n" % n for n in names))
        write(repo, "runbooks/a.md", page("A"))
        write(repo, "runbooks/team/b.md", page("B", owner='"@acme/platform-reliability-engineering-reviewers"'))
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "pages", date="2025-01-01T00:00:00Z")
        text = self.report(repo=repo).stdout
        listed = "sre-00, sre-01, sre-02, sre-03 +7"  # 40 columns at most
        self.assertIn("  %s  " % listed, text)  # in the attention list and the By owner table
        self.assertIn("@acme/platform-reliability-engineering-reviewers", text)  # one team: never cut
        self.assertLessEqual(max(len(l) for l in text.splitlines()), 120, text)
        owners = {g["name"] for g in self.json_report(repo=repo)["groups"]["owner"]}
        self.assertIn(", ".join(names), owners)

    def test_text_lists_the_most_overdue_pages_and_says_how_many_more(self):
        """A handbook of thousands of stale pages printed every one of them before the tables a lead reads:
        the text report lists the 50 most overdue and says where the rest are."""
        repo = self.new_repo("almanac-report-many-")
        for i in range(53):
            write(repo, "runbooks/r%02d.md" % i, page("R%02d" % i, owner="team-a"))
            git(repo, "add", "-A")
            git(repo, "commit", "-qm", "r%02d" % i, date="2024-01-%02dT00:00:00Z" % (1 + i % 28))
        text = self.report(repo=repo).stdout
        rows = re.findall(r"^  stale\s+overdue \d+ days\s+(\S+)", text, re.M)
        self.assertEqual(len(rows), 50)
        self.assertIn("\n  ... and 3 more (almanac report --verbose lists them all; --format csv or html, one row "
                      "each)\n", text)
        self.assertLess(text.index("... and 3 more"), text.index("By owner"))
        self.assertIn("runbooks/r00.md", rows)  # the oldest first (January 1st)
        every = self.report("--verbose", repo=repo).stdout
        self.assertEqual(len(re.findall(r"^  stale\s+overdue", every, re.M)), 53)
        self.assertNotIn("more (almanac report --verbose", every)

    def test_text_wraps_a_long_list_of_alerts_without_runbooks(self):
        """A catalog read from a monitoring stack's rule files has hundreds of alerts: their names wrap at
        100 columns instead of one line of thousands of characters."""
        repo = self.new_repo("almanac-report-alerts-")
        names = ["KubePersistentVolumeFillingUp%02d" % i for i in range(40)]
        write(repo, "alerts.yml", "alerts:\n" + "".join("  - name: %s\n" % n for n in names))
        write(repo, "runbooks/a.md", page("A"))
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "catalog", date="2026-06-01T00:00:00Z")
        text = self.report(repo=repo).stdout
        start = text.index("  without a runbook: ")
        block = text[start:text.index("\n\n", start) if "\n\n" in text[start:] else len(text)]
        lines = [l for l in block.split("\n") if l]
        self.assertGreater(len(lines), 10)
        self.assertTrue(all(len(l) <= 100 for l in lines), lines)
        self.assertTrue(all(l.startswith("    ") for l in lines[1:]), lines)
        self.assertEqual(re.findall(r"KubePersistentVolumeFillingUp\d\d", block), names)

    def test_text_counts_wide_characters_as_two_columns(self):
        """Owners (and authors, titles) in Japanese or Chinese take two columns a character on a terminal:
        the tables' columns stay aligned as they show."""
        import unicodedata

        def cols(line):
            return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        repo = self.new_repo("almanac-report-wide-")
        write(repo, "runbooks/a.md", page("A", owner="運用チーム"))
        write(repo, "runbooks/b.md", page("B", owner="ops"))
        write(repo, "runbooks/c.md", page("C", owner="数据库团队🔥"))
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "owners", date="2026-06-01T00:00:00Z")
        text = self.report(repo=repo).stdout
        table = text[text.index("By owner"):]
        rows = table[:table.index("\n\n")].split("\n")
        self.assertEqual(len(rows), 4, rows)
        # every row's numbers end at the same column as the header's
        self.assertEqual(len({cols(r.rstrip()) for r in rows}), 1, rows)
        self.assertEqual(len({cols(r[:r.index("%") + 1]) for r in rows[1:]}), 1, rows)

    # -- HTML --

    def test_html_standalone(self):
        html = self.report("--format", "html").stdout
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertIn('data-fresh-percent="33.3">33.3%</p>', html)
        self.assertIn("Below the target of 80%", html)
        self.assertEqual(len(re.findall(r"<svg\b", html)), 2)
        self.assertIn('data-chart="trend"', html)
        self.assertIn('data-chart="bars"', html)
        # the trend's 12 points and the owners' bars carry the JSON's numbers
        pts = re.findall(r'class="chart-point \w+" data-label="([\d-]+)" data-value="([\d.]+)"', html)
        self.assertEqual([(d, float(v)) for d, v in pts], [(d, p) for d, _, p in TREND])
        bars = re.findall(r'class="chart-bar \w+" data-label="([^"]+)" data-value="([\d.]+)"', html)
        self.assertEqual(sorted((n, float(v)) for n, v in bars), [(n, p) for n, _, p in GROUPS["owner"]])
        self.assertEqual([n for n, _ in bars], ["team-a", "team-b", "team-c"])  # furthest behind first
        for path in ATTENTION:
            self.assertIn(f"<code>{path}</code>", html)
        self.assertIn("<code>GhostAlert</code>", html)
        self.assertIn("60.0%</strong>", html)
        # standalone: no script, nothing fetched
        self.assertNotIn("<script", html)
        self.assertNotRegex(html, r'(src|href)="(https?:)?//')
        # without base_url pages are named by path, not linked; dark mode and a phone's width are styled
        self.assertNotIn("<a ", html)
        self.assertIn("prefers-color-scheme:dark", html)
        self.assertIn('<meta name="color-scheme" content="light dark">', html)
        self.assertIn('<meta name="viewport" content="width=device-width, initial-scale=1">', html)

    def test_html_links_pages_at_base_url(self):
        html = self.report("--format", "html", "--base-url", "https://docs.example.com/ops").stdout
        links = re.findall(r'<a href="([^"]+)">', html)
        self.assertEqual(len(links), len(ATTENTION))
        for url in links:
            self.assertRegex(url, r"^https://docs\.example\.com/ops/[^/].*/$")

    # -- the CI gate --

    def test_fail_under(self):
        self.report("--fail-under", "33", code=0)      # 33.33 >= 33
        r = self.report("--fail-under", "34", code=3)  # 33.33 < 34
        self.assertIn("33.3%", r.stderr)
        self.assertIn("33.3% fresh", r.stdout)         # the report is still printed
        self.report("--fail-under", "33.4", code=3)
        self.report("--format", "json", "--fail-under", "0", code=0)
        self.report("--fail-under", "abc", code=2)
        self.report("--format", "xml", code=2)

    # -- configuration: target, intervals, ignore-revs --

    def test_config_target_interval_and_ignored_commit(self):
        """With freshness.target 30, critical pages every 150 days (window 30: fresh <= 120, due
        121..150) and C11 in .git-blame-ignore-revs (P3's last counting commit becomes C5,
        2026-04-15, N 470):
          P1 critical 150: age 144 -> due;  P2 289 stale;  P3 age 221 - 0.5 -> 220 > 150 stale (and
          still drifted: C12 is newer than C5);  P4 stale;  P5 due;  P7 uncommitted.
          fresh 0, due 2 -> 2/6 = 33.3 >= 30: meets the target.
          owner team-a: P1 due, P2 stale -> 50.0 (meets);  team-b 0.0;  team-c 100.0.
          criticality critical: P1 due, P3 stale -> 50.0.
        Trend:
          2025-11-30 (334): P1 76 fresh, P2 76 fresh, P3 76 fresh, P4 41 stale -> 3/4 = 75.0
          2026-06-30 (546): P1 202 stale, P2 145 fresh, P3 76 fresh, P4 0 fresh, P5 25 fresh,
                            P7 145 fresh -> 5/6 = 83.3
          2026-08-31 (608): P1 61 fresh, P2 207 stale, P3 138 due, P4 62 stale, P5 87 fresh,
                            P7 207 stale -> 3/6 = 50.0
          2026-10-31 (669): P1 122 due, P2 268 stale, P3 (C11 ignored) 199 stale, P4 36 stale,
                            P5 148 fresh, P7 36 fresh -> 3/6 = 50.0"""
        import shutil
        import tempfile
        repo = tempfile.mkdtemp(prefix="almanac-report-cfg-")
        self._cleanup.append(repo)
        shutil.rmtree(repo)
        shutil.copytree(self.fx, repo, symlinks=True)
        c11 = git(repo, "log", "--format=%H", "--grep=^C11 ").strip()
        self.assertRegex(c11, "^[0-9a-f]{40}$")
        write(repo, ".git-blame-ignore-revs", f"# formatting\n{c11}\n")
        write(repo, "almanac.yml", "freshness:\n  target: 30\n  intervals:\n    criticality:\n"
                                   "      critical: 150d\n")
        j = self.json_report(repo=repo)
        self.assertEqual(j["target_percent"], 30)
        self.assertEqual({k: j["summary"][k] for k in ("fresh", "due", "stale", "uncommitted", "drifted")},
                         {"fresh": 0, "due": 2, "stale": 3, "uncommitted": 1, "drifted": 1})
        self.assertEqual((j["summary"]["fresh_percent"], j["summary"]["meets_target"]), (33.3, True))
        self.assertEqual(j["repository"]["ignored_commits"]["ignore_revs"], 1)
        by = {d["path"]: d for d in j["documents"]}
        self.assertEqual((by[P1]["review_interval_days"], by[P1]["status"]), (150, "due"))
        self.assertEqual((by[P3]["age_days"], by[P3]["status"], by[P3]["drifted"]), (220, "stale", True))
        self.assertEqual([(g["name"], g["fresh_percent"], g["meets_target"]) for g in j["groups"]["owner"]],
                         [("team-a", 50.0, True), ("team-b", 0.0, False), ("team-c", 100.0, True)])
        crit = {g["name"]: g["fresh_percent"] for g in j["groups"]["criticality"]}
        self.assertEqual(crit["critical"], 50.0)
        trend = {t["date"]: (t["documents"], t["fresh_percent"]) for t in j["trend"]}
        self.assertEqual(trend["2025-11-30"], (4, 75.0))
        self.assertEqual(trend["2026-06-30"], (6, 83.3))
        self.assertEqual(trend["2026-08-31"], (6, 50.0))
        self.assertEqual(trend["2026-10-31"], (6, 50.0))
        self.report("--fail-under", "30", repo=repo, code=0)

    def test_trend_point_equals_the_report_of_that_day(self):
        """A cross-check independent of the trend code: check out the history as it was at a month
        end and run the report at that instant; it prints the trend point's figures."""
        import tempfile
        clone = tempfile.mkdtemp(prefix="almanac-report-past-")
        self._cleanup.append(clone)
        subprocess.run(["git", "clone", "-q", self.fx, clone], check=True, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
        trend = {t["date"]: t for t in self.json_report()["trend"]}
        for day in ("2025-11-30", "2026-02-28", "2026-06-30", "2026-08-31"):
            at = day + "T23:59:59Z"
            rev = git(clone, "rev-list", "-1", "--before=" + at, "main").strip()
            git(clone, "checkout", "-q", rev)
            r = run("report", "--repo", clone, "--now", at, "--format", "json", "--no-trend")
            self.assertEqual(r.returncode, 0, r.stderr)
            s = json.loads(r.stdout)["summary"]
            self.assertEqual((s["documents"], s["fresh_percent"]),
                             (trend[day]["documents"], trend[day]["fresh_percent"]), day)

    # -- shallow clones: unknown, never guessed --

    def test_shallow_clone(self):
        """A clone of the 4 newest commits (C12, C11, C10, C9; C9 is the boundary, its parent is
        missing, so it cannot tell what it changed). The clone has no uncommitted edit.
          P3 last C11 (age 22, fresh, drifted);  P4 and P7 last C10 (age 57: P4 stale, P7 fresh);
          P1, P2, P5 changed last before the boundary: unknown.
          documents 6, fresh 2 (P3, P7), stale 1, unknown 3 -> 2/6 = 33.3.
        Trend: every page whose state is unknown at T counts as a document that is not fresh.
          2025-11-30 .. 2026-08-31: no page has a known state (the first known change is C10):
            6 documents, 6 unknown, 0.0
          2026-09-30 (638): P4 5 fresh, P7 5 fresh; P3 (C11 is later) and P1 P2 P5 unknown -> 2/6 = 33.3
          2026-10-31 (669): P3 1 fresh, P4 36 stale, P7 36 fresh; P1 P2 P5 unknown -> 2/6 = 33.3"""
        import tempfile
        clone = tempfile.mkdtemp(prefix="almanac-report-shallow-")
        self._cleanup.append(clone)
        subprocess.run(["git", "clone", "-q", "--depth", "4", "file://" + self.fx, clone], check=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        j = self.json_report(repo=clone)
        self.assertTrue(j["repository"]["shallow"])
        s = j["summary"]
        self.assertEqual((s["documents"], s["fresh"], s["due"], s["stale"], s["uncommitted"], s["unknown"],
                          s["fresh_percent"]), (6, 2, 0, 1, 0, 3, 33.3))
        by = {d["path"]: d for d in j["documents"]}
        for p in (P1, P2, P5):
            self.assertEqual((by[p]["status"], by[p]["last_commit"], by[p]["age_days"]), ("unknown", None, None))
        got = [(t["date"], t["documents"], t["unknown"], t["fresh_percent"]) for t in j["trend"]]
        self.assertEqual(got, [(d, 6, 6, 0.0) for d, _, _ in TREND[:10]] +
                         [("2026-09-30", 6, 4, 33.3), ("2026-10-31", 6, 3, 33.3)])
        text = self.report(repo=clone).stdout
        self.assertIn("Shallow clone", text)
        self.assertIn("2026-09-30   33.3%  6 pages (4 unknown)", text)

    # -- the site: freshness/ and freshness.json --

    def test_build_publishes_the_same_report(self):
        if not os.path.isdir(os.path.join(os.environ.get("ALMANAC_SOURCE_ROOT", "."), "themes", "default",
                                          "templates")):
            self.skipTest("theme templates not present")
        out = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", self.fx, "--now", NOW, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read(os.path.join(out, "freshness.json")), self.report("--format", "json").stdout)
        page_html = read(os.path.join(out, "freshness", "index.html"))
        self.assertEqual(len(re.findall(r"<svg\b[^>]*data-chart=", page_html)), 2)
        self.assertIn('data-chart="trend"', page_html)
        self.assertIn('data-chart="bars"', page_html)
        pts = re.findall(r'class="chart-point \w+" data-label="([\d-]+)" data-value="([\d.]+)"', page_html)
        self.assertEqual([(d, float(v)) for d, v in pts], [(d, p) for d, _, p in TREND])
        self.assertRegex(page_html, r"33\.3")
        # the attention list links to each page, relative to freshness/
        for path in ATTENTION:
            url = "../" + path[:-3] + "/"
            self.assertIn(f'href="{url}"', page_html)
        # every page links to the report from its freshness line
        node = read(os.path.join(out, "runbooks", "k8s", "node-not-ready", "index.html"))
        self.assertIn('href="../../../freshness/"', node)


SRC = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT") or
                      os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER_DIR = os.path.join(SRC, "tests", "browser")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def browser_missing():
    import shutil
    node = shutil.which("node")
    if not node:
        return "node is not installed"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    probe = ("const {createRequire}=require('module');const path=require('path');"
             "for(const b of process.argv.slice(1)){if(!b)continue;"
             "try{createRequire(path.join(b,'x.js')).resolve('playwright-core');process.exit(0)}catch(e){}}"
             "process.exit(1)")
    paths = [BROWSER_DIR, os.environ.get("PLAYWRIGHT_CORE_DIR", ""), "/tmp/search-bench"]
    if subprocess.run([node, "-e", probe, *paths]).returncode != 0:
        return "playwright-core is not installed (npm install --prefix tests/browser)"
    return None


class BrowserReportTest(RepoTestCase):
    """The site's freshness/ page in Debian's chromium (tests/browser/report.test.mjs): the big
    number equals freshness.json's summary.fresh_percent, both SVG charts drawn with the JSON's
    values, links, print media, offline; screenshots in tests/browser/artifacts/ (or
    $ALMANAC_ARTIFACTS)."""

    def test_report_page_in_browser(self):
        why = browser_missing()
        if why:
            print(f"skipping the browser check: {why}")
            self.skipTest(why)
        repo = self.tmpdir()
        make_fixture(repo)
        site = os.path.join(self.tmpdir(), "site")
        r = run("build", "--repo", repo, "--now", NOW, "--out", site, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        artifacts = os.environ.get("ALMANAC_ARTIFACTS") or os.path.join(BROWSER_DIR, "artifacts")
        p = subprocess.run(["node", os.path.join(BROWSER_DIR, "report.test.mjs"), "--site", site,
                            "--artifacts", artifacts],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        print(p.stdout)
        if p.returncode == 77:
            self.skipTest(p.stdout.strip())
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("0 failed", p.stdout)
        self.assertTrue(os.path.getsize(os.path.join(artifacts, "freshness-report.png")) > 10000)


class ChangedSinceTest(RepoTestCase):
    """almanac check --changed-since REV keeps the findings the changes since REV are responsible for."""

    def test_only_findings_of_changed_pages(self):
        repo = self.repo({
            "runbooks/a.md": page("A", "[b](b.md#sec) [old](missing.md) [c](c.md)"),
            "runbooks/b.md": page("B", "## Sec\n\nText. [a](a.md)"),
            "runbooks/c.md": page("C", "[a](a.md) [z](gone.md)"),
            "runbooks/index.md": page("Runbooks", "[a](a.md) [b](b.md) [c](c.md)"),
        }, date="2026-10-01T09:00:00Z")
        git(repo, "checkout", "-q", "-b", "feature")
        # on the branch: B's heading is renamed (breaks A's anchor), C is deleted (breaks A's link),
        # and a new page D with a broken link is added but not committed
        write(repo, "runbooks/b.md", page("B", "## Other\n\nText. [a](a.md)"))
        git(repo, "rm", "-q", "runbooks/c.md")
        git(repo, "commit", "-q", "-am", "rename heading, drop C", date="2026-10-02T09:00:00Z")
        write(repo, "runbooks/d.md", page("D", "[q](nowhere.md)"))
        full = run("check", "--repo", repo)
        self.assertEqual(full.returncode, 1)
        self.assertIn("missing.md", full.stderr)  # an old problem, not from this branch
        r = run("check", "--repo", repo, "--changed-since", "main", "--format", "json")
        self.assertEqual(r.returncode, 1, r.stderr)
        found = sorted((d["file"], d["code"], d["message"].split("'")[1]) for d in json.loads(r.stdout)["diagnostics"]
                       if d["severity"] == "error")
        self.assertEqual(found, [("runbooks/a.md", "broken-anchor", "#sec"),
                                 ("runbooks/a.md", "broken-link", "c.md"),
                                 ("runbooks/d.md", "broken-link", "nowhere.md"),
                                 ("runbooks/index.md", "broken-link", "c.md")])
        # nothing changed since HEAD but the untracked page
        write(repo, "runbooks/d.md", page("D", "fine"))
        git(repo, "add", "runbooks/d.md")
        git(repo, "commit", "-q", "-m", "d", date="2026-10-03T09:00:00Z")
        r = run("check", "--repo", repo, "--changed-since", "HEAD")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("error", r.stderr.replace("0 errors", ""))

    def changed_since_errors(self, repo):
        r = run("check", "--repo", repo, "--changed-since", "main", "--format", "json")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return sorted(d["message"].split("'")[1] for d in json.loads(r.stdout)["diagnostics"]
                      if d["severity"] == "error")

    def test_deleted_pages_by_every_page_name(self):
        """A link broken because the branch deleted its page is kept whatever the page file was called
        in its layout: Tech Docs' x.html.md.erb, x.html.md, x.md.erb and x.md (linked as x.html),
        Hugo's _index.md and bundle index.md (linked by folder, URLs lower-cased), plain README.md.
        A link that was already broken (missing.html, gone/) is still dropped."""
        techdocs = self.repo({
            "config/tech-docs.yml": "host: https://handbook.example\nservice_name: Handbook\n",
            "source/index.html.md.erb": "---\ntitle: Home\n---\n[m](/manual/)\n",
            "source/manual/index.html.md": "---\ntitle: Manual\n---\n[a](a.html) [b](b.html) [c](c.html) "
                                           "[d](d.html) [e](e.html.md) [f](/guides/) [old](missing.html)\n",
            "source/manual/a.html.md.erb": "---\ntitle: A\n---\nA\n",
            "source/manual/b.html.md": "---\ntitle: B\n---\nB\n",
            "source/manual/c.md.erb": "---\ntitle: C\n---\nC\n",
            "source/manual/d.md": "---\ntitle: D\n---\nD\n",
            "source/manual/e.html.md": "---\ntitle: E\n---\nE\n",
            "source/guides/index.html.md.erb": "---\ntitle: Guides\n---\nG\n",
        })
        git(techdocs, "checkout", "-q", "-b", "feature")
        for f in ("a.html.md.erb", "b.html.md", "c.md.erb", "d.md", "e.html.md"):
            git(techdocs, "rm", "-q", "source/manual/" + f)
        git(techdocs, "rm", "-q", "source/guides/index.html.md.erb")
        git(techdocs, "commit", "-q", "-m", "drop pages", date="2026-10-02T09:00:00Z")
        self.assertEqual(self.changed_since_errors(techdocs),
                         ["/guides/", "a.html", "b.html", "c.html", "d.html", "e.html.md"])

        hugo = self.repo({
            "hugo.toml": 'title = "Ops"\nbaseURL = "https://ops.example/"\n',
            "content/_index.md": "---\ntitle: Home\n---\n[ops](/ops/) [nd](/ops/node-down/) [disk](/ops/disk/) "
                                "[gone](/gone/)\n",
            "content/ops/_index.md": "---\ntitle: Ops\n---\nOps\n",
            "content/ops/Node-Down.md": "---\ntitle: Node down\n---\nx\n",
            "content/ops/Disk/index.md": "---\ntitle: Disk\n---\nx\n",
        })
        git(hugo, "checkout", "-q", "-b", "feature")
        git(hugo, "rm", "-q", "-r", "content/ops")
        git(hugo, "commit", "-q", "-m", "drop ops", date="2026-10-02T09:00:00Z")
        self.assertEqual(self.changed_since_errors(hugo), ["/ops/", "/ops/disk/", "/ops/node-down/"])

        plain = self.repo({
            "runbooks/index.md": page("Runbooks", "[db](db/) [old](gone/)"),
            "runbooks/db/README.md": page("DB", "x"),
        })
        git(plain, "checkout", "-q", "-b", "feature")
        git(plain, "rm", "-q", "runbooks/db/README.md")
        git(plain, "commit", "-q", "-m", "drop db", date="2026-10-02T09:00:00Z")
        self.assertEqual(self.changed_since_errors(plain), ["db/"])

    def test_freshness_findings(self):
        """A pull request that changes code a runbook watches, and edits a page without updating its
        `reviewed:` date (freshness.basis: reviewed), gets a warning for each; untouched pages whose
        watches did not change get none, and warnings do not fail the check."""
        repo = self.repo({
            "almanac.yml": "freshness:\n  basis: reviewed\n",
            "runbooks/deploy.md": page("Deploy", "How to deploy.", watches='["charts/app/**"]',
                                       reviewed="2026-09-20"),
            "runbooks/db.md": page("DB", "Databases.", watches='["db/**"]', reviewed="2026-09-20"),
            "runbooks/old.md": page("Old", "Old page.", reviewed="2025-01-01"),
            "runbooks/index.md": page("Runbooks", "[d](deploy.md) [db](db.md) [o](old.md)", reviewed="2026-09-20"),
            "charts/app/values.yaml": "replicas: 2\n",
            "db/schema.sql": "create table t(id int);\n",
        }, date="2026-10-01T09:00:00Z")
        git(repo, "checkout", "-q", "-b", "feature")
        write(repo, "charts/app/values.yaml", "replicas: 3\n")
        write(repo, "runbooks/old.md", page("Old", "Old page, edited.", reviewed="2025-01-01"))
        git(repo, "commit", "-q", "-am", "scale up; touch old page", date="2026-10-02T09:00:00Z")
        r = run("check", "--repo", repo, "--changed-since", "main", "--now", "2026-10-03", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        found = sorted((d["file"], d["line"], d["code"]) for d in json.loads(r.stdout)["diagnostics"])
        self.assertEqual(found, [("runbooks/deploy.md", 3, "watch-changed"),
                                 ("runbooks/old.md", 1, "stale-changed")])
        msgs = {d["code"]: d["message"] for d in json.loads(r.stdout)["diagnostics"]}
        self.assertIn("charts/app/values.yaml", msgs["watch-changed"])
        self.assertIn("reviewed", msgs["stale-changed"])

    def test_unknown_revision_is_a_usage_error(self):
        repo = self.repo({"runbooks/a.md": page("A")})
        r = run("check", "--repo", repo, "--changed-since", "no-such-branch")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no-such-branch", r.stderr)


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--make-fixture":
    make_fixture(sys.argv[2])
    sys.exit(0)

if __name__ == "__main__":
    main()
