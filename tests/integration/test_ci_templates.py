"""CI templates users copy: the GitLab CI template examples/gitlab-ci.yml with the format it
needs, `almanac check --format gitlab` (a GitLab Code Quality report), and the GitHub Actions
example .github/workflows/publish-example.yml.

The report must be a JSON array GitLab reads: description, check_name, fingerprint,
severity, location.path and location.lines.begin for every finding the text format prints,
errors "major" and warnings "minor"; fingerprints distinct, and stable when a finding only
moves to another line (GitLab compares a merge request's report with the target branch's by
fingerprint: a moved finding must not show as new).

The template must parse, its jobs must fit together (needs, rules, the report file, the
Pages artifact), and every almanac command in it must run as written on a repository in the
state GitLab checks it out in (a detached HEAD), with the binary under test. The same holds
for the GitHub example's almanac commands.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

import yaml

from almanac_testlib import BIN, RepoTestCase, git, main, make_repo, run, write

if "ASAN_OPTIONS" in os.environ:  # the hub example fetches a source: libgit2's remote frames in tests/lsan.supp
    os.environ["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0"  # need whole stacks (as test_hostile_sources)

SRC = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT") or
                      os.path.join(os.path.dirname(__file__), "..", ".."))
TEMPLATE = os.path.join(SRC, "examples", "gitlab-ci.yml")
GITHUB_EXAMPLE = os.path.join(SRC, ".github", "workflows", "publish-example.yml")
HUB_EXAMPLE = os.path.join(SRC, "examples", "github-hub.yml")
NOW = "2026-11-01"
TEXT_DIAG = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)"
                       r"(?:\[(?P<code>[^\]]+)\])?: (?P<msg>.*)$")

PAGES = {
    "content/index.md": "---\ntitle: Home\n---\n# Home\n\n- [Disk](../runbooks/disk.md)\n- [Odd](../runbooks/odd%20%22name%22.md)\n",
    "runbooks/disk.md": "---\ntitle: Disk full\nowenr: storage\n---\n# Disk full\n\n"
                        "See [the dashboard](dashboards.md).\n\nAnd again: [dashboards](dashboards.md).\n",
    'runbooks/odd "name".md': "---\ntitle: Odd\n---\n# Odd\n\n[gone](gone.md)\n",
}


def gitlab_report(repo):
    r = run("check", "--repo", repo, "--now", NOW, "--format", "gitlab")
    return r, json.loads(r.stdout)


def text_findings(repo):
    r = run("check", "--repo", repo, "--now", NOW)
    found = []
    for line in r.stderr.splitlines():
        m = TEXT_DIAG.match(line)
        if m:
            found.append(m.groupdict())
    return found


class GitlabFormat(RepoTestCase):
    def test_report_lists_every_finding_as_code_quality_issues(self):
        repo = self.repo(PAGES)
        r, issues = gitlab_report(repo)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIsInstance(issues, list)
        text = text_findings(repo)
        self.assertEqual(len(issues), len(text))
        self.assertGreaterEqual(len(issues), 4)
        for issue, t in zip(issues, text):
            self.assertEqual(set(issue), {"description", "check_name", "fingerprint", "severity", "location"})
            self.assertEqual(set(issue["location"]), {"path", "lines"})
            self.assertEqual((issue["location"]["path"], issue["location"]["lines"]["begin"],
                              issue["check_name"], issue["description"]),
                             (t["file"], max(int(t["line"]), 1), t["code"], t["msg"]))
            self.assertEqual(issue["severity"], {"error": "major", "warning": "minor"}[t["sev"]])
            self.assertRegex(issue["fingerprint"], r"^[0-9a-f]{40}$")
        # the file name with quotes and a space comes through intact
        self.assertIn('runbooks/odd "name".md', {i["location"]["path"] for i in issues})
        self.assertEqual({i["severity"] for i in issues}, {"major", "minor"})
        # two identical findings on different lines are two issues
        fps = [i["fingerprint"] for i in issues]
        self.assertEqual(len(set(fps)), len(fps))
        same = [i for i in issues if i["location"]["path"] == "runbooks/disk.md" and i["check_name"] == "broken-link"]
        self.assertEqual(len(same), 2)
        self.assertEqual(same[0]["description"], same[1]["description"])

    def test_fingerprints_survive_lines_moving_and_a_new_finding_gets_its_own(self):
        repo = self.repo(PAGES)
        _, before = gitlab_report(repo)
        # lines added above every finding of one page, and one new broken link
        write(repo, "runbooks/disk.md", PAGES["runbooks/disk.md"].replace(
            "# Disk full\n", "# Disk full\n\nCheck `df -h` first.\n\n[new](new-page.md)\n\n"))
        git(repo, "commit", "-q", "-am", "More steps", date="2026-10-20T09:00:00Z")
        _, after = gitlab_report(repo)
        by_fp = {i["fingerprint"]: i for i in after}
        for old in before:
            self.assertIn(old["fingerprint"], by_fp, old)
            new = by_fp[old["fingerprint"]]
            self.assertEqual((new["description"], new["location"]["path"]),
                             (old["description"], old["location"]["path"]))
        moved = [i for i in before if i["location"]["path"] == "runbooks/disk.md" and i["check_name"] == "broken-link"]
        self.assertTrue(all(by_fp[i["fingerprint"]]["location"]["lines"]["begin"] > i["location"]["lines"]["begin"]
                            for i in moved))
        added = [i for i in after if i["fingerprint"] not in {b["fingerprint"] for b in before}]
        self.assertEqual([(i["check_name"], i["description"]) for i in added],
                         [("broken-link", "link target 'new-page.md' not found")])
        # and the same repository gives the same report
        self.assertEqual(gitlab_report(repo)[1], after)

    def test_clean_repository_is_an_empty_report(self):
        repo = self.repo({"content/index.md": "---\ntitle: Home\n---\n# Home\n"})
        r, issues = gitlab_report(repo)
        self.assertEqual((r.returncode, issues), (0, []), r.stderr)

    def test_unknown_format_names_gitlab(self):
        r = run("check", "--format", "gitlabs")
        self.assertEqual(r.returncode, 2)
        self.assertIn("text, json, github or gitlab", r.stderr)


def template():
    with open(TEMPLATE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def job_lines(doc, name, key):
    """A job's `key` (script, before_script) lines, following `extends`."""
    job = doc[name]
    if key in job:
        return job[key]
    ext = job.get("extends")
    for parent in ([ext] if isinstance(ext, str) else ext or []):
        lines = job_lines(doc, parent, key)
        if lines:
            return lines
    return []


def jobs(doc):
    reserved = {"variables", "stages", "default", "workflow", "include", "image", "services", "cache",
                "before_script", "after_script"}
    return {k: v for k, v in doc.items() if k not in reserved and not k.startswith(".")}


class GitlabTemplate(unittest.TestCase):
    def setUp(self):
        self.doc = template()
        self._cleanup = []

    def tearDown(self):
        for p in self._cleanup:
            shutil.rmtree(p, ignore_errors=True)

    def test_jobs_fit_together(self):
        doc, js = self.doc, jobs(self.doc)
        self.assertEqual(set(js), {"almanac-package", "almanac-check", "pages"})
        for name, job in js.items():
            self.assertIn(job["stage"], doc["stages"], name)
            self.assertTrue(job_lines(doc, name, "script"), name)
            needs = job.get("needs") or doc.get(job.get("extends", ""), {}).get("needs") or []
            for need in needs:
                # a job runs only where what it needs runs too
                for rule in job["rules"]:
                    self.assertIn(rule, js[need]["rules"], "%s needs %s" % (name, need))
                self.assertLess(doc["stages"].index(js[need]["stage"]), doc["stages"].index(job["stage"]))
        self.assertEqual(doc["variables"]["GIT_DEPTH"], "0")   # dates need the whole history
        # the Code Quality report is the file the check writes
        check = " ".join(job_lines(doc, "almanac-check", "script"))
        report = js["almanac-check"]["artifacts"]["reports"]["codequality"]
        self.assertIn("--format gitlab > " + report, check)
        self.assertEqual(js["almanac-check"]["artifacts"]["when"], "always")   # also when errors fail the job
        # Pages publishes public/, which the build writes
        self.assertEqual(js["pages"]["artifacts"]["paths"], ["public"])
        self.assertIn("--out public", " ".join(job_lines(doc, "pages", "script")))
        self.assertEqual(js["pages"]["rules"], [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}])

    def test_package_job_uses_tools_package_as_it_is(self):
        lines = job_lines(self.doc, "almanac-package", "script")
        calls = [shlex.split(x) for x in lines if "tools/package" in x]
        self.assertEqual(len(calls), 1)
        script = os.path.join(SRC, "tools", "package")
        self.assertTrue(os.access(script, os.X_OK))
        usage = subprocess.run([script, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(usage.returncode, 0, usage.stderr)
        for opt in [a for a in calls[0][1:] if a.startswith("--")]:
            self.assertIn(opt, usage.stdout)
        clone = [shlex.split(x) for x in lines if x.startswith("git clone")]
        self.assertEqual(clone[0][-1], os.path.dirname(os.path.dirname(calls[0][0])))
        # the jobs install the file tools/package writes
        install = " ".join(job_lines(self.doc, ".almanac", "before_script"))
        out_dir = calls[0][calls[0].index("--out") + 1].replace("$CI_PROJECT_DIR/", "")
        self.assertIn("./%s/almanac_*.deb" % out_dir.strip('"'), install)

    def almanac_commands(self):
        cmds = []
        for name in jobs(self.doc):
            for key in ("before_script", "script"):
                cmds += [(name, line) for line in job_lines(self.doc, name, key) if line.startswith("almanac ")]
        return cmds

    def run_job_commands(self, repo):
        bindir = tempfile.mkdtemp(prefix="almanac-bin-")
        self._cleanup.append(bindir)
        os.symlink(BIN, os.path.join(bindir, "almanac"))
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
                   CI_PAGES_URL="https://ops.gitlab.io/handbook", CI_PROJECT_DIR=repo,
                   SOURCE_DATE_EPOCH="1793491200")
        results = {}
        for job, line in self.almanac_commands():
            r = subprocess.run(["sh", "-ec", line], cwd=repo, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
            results[(job, line)] = r
        return results

    def test_every_almanac_command_runs_as_written(self):
        cmds = self.almanac_commands()
        self.assertGreaterEqual(len(cmds), 3)
        # a clean repository, checked out as GitLab does (detached HEAD): every command succeeds
        repo = make_repo({"content/index.md": "---\ntitle: Handbook\n---\n# Handbook\n\n[Disk](../runbooks/disk.md)\n",
                          "runbooks/disk.md": "---\ntitle: Disk full\nowner: storage\n---\n# Disk full\n"})
        self._cleanup.append(repo)
        git(repo, "checkout", "-q", "--detach")
        for (job, line), r in self.run_job_commands(repo).items():
            self.assertEqual(r.returncode, 0, "%s: %s\n%s" % (job, line, r.stderr))
        with open(os.path.join(repo, "gl-code-quality-report.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f), [])
        self.assertTrue(os.path.isfile(os.path.join(repo, "public", "runbooks", "disk", "index.html")))
        with open(os.path.join(repo, "public", "sitemap.xml"), encoding="utf-8") as f:
            self.assertIn("https://ops.gitlab.io/handbook/runbooks/disk/", f.read())

    def test_a_broken_link_fails_the_check_job_with_its_report(self):
        repo = make_repo(PAGES)
        self._cleanup.append(repo)
        git(repo, "checkout", "-q", "--detach")
        results = self.run_job_commands(repo)
        checks = [r for (job, line), r in results.items() if job == "almanac-check" and "check" in line]
        self.assertEqual([r.returncode for r in checks], [1])
        with open(os.path.join(repo, "gl-code-quality-report.json"), encoding="utf-8") as f:
            issues = json.load(f)
        self.assertIn("broken-link", {i["check_name"] for i in issues})
        builds = [r for (job, line), r in results.items() if job == "pages" and " build " in line]
        self.assertEqual([r.returncode for r in builds], [1])   # --strict: nothing is published


class GithubExample(unittest.TestCase):
    def test_every_almanac_command_runs_as_written(self):
        with open(GITHUB_EXAMPLE, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        steps = doc["jobs"]["build"]["steps"]
        lines = [line.strip() for st in steps for line in st.get("run", "").splitlines()]
        cmds = [line for line in lines if line.startswith("almanac ")]
        self.assertGreaterEqual(len(cmds), 4)
        self.assertIn("tools/package", " ".join(lines))
        upload = [st for st in steps if st.get("uses", "").startswith("actions/upload-pages-artifact")]
        self.assertEqual(upload[0]["with"]["path"], "public")
        repo = make_repo({"content/index.md": "---\ntitle: Handbook\n---\n# Handbook\n"})
        bindir = tempfile.mkdtemp(prefix="almanac-bin-")
        try:
            os.symlink(BIN, os.path.join(bindir, "almanac"))
            env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
            for cmd in cmds:
                cmd = cmd.replace("${{ github.repository_owner }}", "acme").replace(
                    "${{ github.event.repository.name }}", "ops-docs")
                r = subprocess.run(["sh", "-ec", cmd], cwd=repo, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
                self.assertEqual(r.returncode, 0, "%s\n%s" % (cmd, r.stderr))
            self.assertTrue(os.path.isfile(os.path.join(repo, "public", "index.html")))
            self.assertTrue(os.path.isfile(os.path.join(repo, "public", "freshness-report.html")))
        finally:
            shutil.rmtree(bindir, ignore_errors=True)
            shutil.rmtree(repo, ignore_errors=True)


class GithubHubExample(RepoTestCase):
    """examples/github-hub.yml: a hub of several repositories published from GitHub Actions, its
    .git/almanac kept between runs, so that a source whose server is down is taken from the last run."""

    def test_hub_workflow_runs_as_written_and_survives_a_source_that_is_down(self):
        with open(HUB_EXAMPLE, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        on = doc[True]  # YAML 1.1 reads the key `on` as true
        self.assertIn("repository_dispatch", on)
        self.assertIn("schedule", on)
        steps = doc["jobs"]["build"]["steps"]
        cache = [st for st in steps if st.get("uses", "").startswith("actions/cache")]
        self.assertEqual(cache[0]["with"]["path"], ".git/almanac")
        self.assertIn("restore-keys", cache[0]["with"])
        lines = [line.strip() for st in steps for line in st.get("run", "").splitlines()]
        cmds = [line for line in lines if line.startswith("almanac ")]
        self.assertIn("almanac --version", cmds)
        self.assertTrue(any("--keep-going" in c for c in cmds), cmds)
        creds = [st for st in steps if "credential.helper" in st.get("run", "")]
        self.assertEqual(creds[0]["env"]["SOURCES_TOKEN"], "${{ secrets.SOURCES_TOKEN }}")
        base = tempfile.mkdtemp(prefix="almanac-hub-ci-")
        bindir = tempfile.mkdtemp(prefix="almanac-bin-")
        try:
            svc = os.path.join(base, "payments.git-src")
            os.makedirs(svc)
            git(svc, "init", "-q", "-b", "main")
            write(svc, "runbooks/db-down.md", "# Payments database down\n")
            git(svc, "add", "-A")
            git(svc, "commit", "-q", "-m", "runbook", date="2026-10-01T10:00:00Z")
            hub = os.path.join(base, "hub")
            os.makedirs(hub)
            git(hub, "init", "-q", "-b", "main")
            write(hub, "content/index.md", "# Handbook\n")
            write(hub, "almanac.yml", "title: Handbook\nsources:\n  - name: payments\n    repo: file://%s\n" % svc)
            git(hub, "add", "-A")
            git(hub, "commit", "-q", "-m", "hub", date="2026-10-02T10:00:00Z")
            os.symlink(BIN, os.path.join(bindir, "almanac"))
            env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], HOME=base, SOURCES_TOKEN="")

            def run_steps():
                for st in steps:
                    script = st.get("run", "")
                    if "almanac" not in script or "tools/package" in script:
                        continue  # the package is the binary under test
                    script = script.replace("${{ github.repository_owner }}", "acme").replace(
                        "${{ github.event.repository.name }}", "handbook")
                    r = subprocess.run(["sh", "-ec", script], cwd=hub, env=env, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
                    self.assertEqual(r.returncode, 0, "%s\n%s" % (script, r.stderr))
                    yield r
            list(run_steps())
            self.assertTrue(os.path.isfile(os.path.join(hub, "public", "payments", "runbooks", "db-down",
                                                        "index.html")))
            # the next run, with the source's server gone: its last complete fetch, from the kept cache
            os.rename(svc, svc + ".gone")
            out = list(run_steps())
            said = "".join(r.stderr for r in out)
            self.assertIn("source 'payments'", said)
            self.assertIn("using its last complete fetch", said)
            self.assertTrue(os.path.isfile(os.path.join(hub, "public", "payments", "runbooks", "db-down",
                                                        "index.html")))
        finally:
            shutil.rmtree(bindir, ignore_errors=True)
            shutil.rmtree(base, ignore_errors=True)

    def test_the_token_reaches_git_s_credential_helper_where_almanac_asks_it(self):
        # GitHub gives a step the env: of the workflow, of its job and of itself, nothing else: the helper
        # the credentials step configures is run by `git credential fill` in the build step, where almanac
        # fetches the private sources, so SOURCES_TOKEN must be set there too
        with open(HUB_EXAMPLE, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        job = doc["jobs"]["build"]
        steps = job["steps"]
        home = tempfile.mkdtemp(prefix="almanac-hub-home-")
        self.addCleanup(shutil.rmtree, home, True)

        def step_env(st):
            env = {"PATH": os.environ["PATH"], "HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
            for scope in (doc.get("env") or {}, job.get("env") or {}, st.get("env") or {}):
                env.update({k: str(v).replace("${{ secrets.SOURCES_TOKEN }}", "ghs_TOKEN_7777")
                            for k, v in scope.items()})
            return env
        creds = [st for st in steps if "credential.helper" in st.get("run", "")][0]
        build = [st for st in steps if st.get("run", "").lstrip().startswith("almanac build")][0]
        r = subprocess.run(["sh", "-ec", creds["run"]], env=step_env(creds), text=True, capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run(["git", "credential", "fill"], input="protocol=https\nhost=github.com\n\n",
                           env=step_env(build), text=True, capture_output=True)
        self.assertIn("password=ghs_TOKEN_7777\n", r.stdout, r.stderr)

    def test_git_and_almanac_may_read_the_checkout_in_the_container(self):
        # in a container job the steps run as root, and the work tree is the runner's user's (1001):
        # libgit2, as git, refuses a repository another user owns ("dubious ownership",
        # actions/runner#2033) unless safe.directory names it. The workflow's steps before the build, as
        # written, in such a work tree: then the build
        if os.geteuid() != 0:
            self.skipTest("needs root, to give the work tree to another user as a container job has it")
        with open(HUB_EXAMPLE, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        job = doc["jobs"]["build"]
        self.assertIn("container", job)
        base = tempfile.mkdtemp(prefix="almanac-hub-owner-")
        self.addCleanup(shutil.rmtree, base, True)
        ws, home = os.path.join(base, "ws"), os.path.join(base, "home")
        os.makedirs(home)
        os.makedirs(ws)
        git(ws, "init", "-q", "-b", "main")
        write(ws, "content/index.md", "# Handbook\n")
        git(ws, "add", "-A")
        git(ws, "commit", "-q", "-m", "hub", date="2026-10-02T10:00:00Z")
        for d, _, files in os.walk(base):
            for name in [d] + [os.path.join(d, f) for f in files]:
                if not name.startswith(home):
                    os.lchown(name, 1001, 1001)
        env = dict(os.environ, HOME=home, GITHUB_WORKSPACE=ws, GIT_CONFIG_NOSYSTEM="1", SOURCES_TOKEN="")
        for st in job["steps"]:
            run = st.get("run", "")
            if "almanac build" in run:
                break
            if run and "apt-get" not in run and "almanac" not in run:
                r = subprocess.run(["sh", "-ec", run], cwd=ws, env=env, text=True, capture_output=True)
                self.assertEqual(r.returncode, 0, "%s\n%s" % (run, r.stderr))
        r = subprocess.run([BIN, "build", "--repo", ws, "--out", os.path.join(base, "public")], env=env,
                           text=True, capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)

if __name__ == "__main__":
    main()
