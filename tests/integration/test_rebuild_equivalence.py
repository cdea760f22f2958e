"""Every rebuild that keeps work from the last build (rendered Markdown, page files kept by their inputs,
pages not read again, redirect and alert pages, the search index, the site's commit) publishes the site a
full build publishes, byte for byte, and says the same diagnostics with the same exit code.

A hub with its own pages and three local source repositories, each with a dated history, goes through a
seeded random sequence of changes (edits, titles, owners, alerts, pages added, removed and renamed, links
across repositories made and broken, headings other pages link to, stale and fresh commits, a source's
almanac.yml, the hub's title, an uncommitted edit, another --now, two changes at once, no change). After
each step the hub is built into the same output folder as before (its caches warm) and, with
--no-page-cache, into a new empty one; the two must be identical. ALMANAC_VERIFY_KEPT=1 is set for the
full builds and for the rebuilds of two steps in three (every page kept by its input digest is given its
context anyway and a difference is an error); every third rebuild runs without it, so that pages kept by
their inputs alone (their context never built, their HTML never loaded) are compared byte for byte too.

ALMANAC_EQUIV_SEED (default 20261207) and ALMANAC_EQUIV_STEPS (default 32) vary the sequence; the seed is
in every failure message. ALMANAC_EQUIV_KEEP=1 leaves the repositories and sites in place on a failure."""
import datetime
import difflib
import os
import random
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, git, main, read, run, write  # noqa: E402

SEED = int(os.environ.get("ALMANAC_EQUIV_SEED", "20261207"))
STEPS = int(os.environ.get("ALMANAC_EQUIV_STEPS", "32"))
KEEP = os.environ.get("ALMANAC_EQUIV_KEEP") == "1"

CATALOG = ["NodeDown", "DbDown", "InvoiceStuck", "IndexLag", "DiskFull", "QueueBacklog", "NobodyAnswers",
           "CertExpiry"]
OWNERS = ["sre", "dba", "payments-team", "nobody-role"]
WORDS = ["replica", "queue", "ledger", "shard", "backlog", "quota", "disk", "cert", "token", "cron", "batch",
         "index", "latency", "failover", "restore", "vacuum", "rollout", "canary", "drain", "throttle"]
NOWS = ["2026-11-01", "2026-11-02", "2026-12-15", "2027-03-01", "2026-10-20"]

# the repositories: where each one's pages are, and how a page's path in it becomes a site path
HUB_YML = ("title: {title}\n"
           "alerts: alerts.yml\n"
           "freshness:\n  default_interval: 90d\n"
           "sources:\n"
           "  - name: pay\n    repo: ../pay\n    path: docs/runbooks\n"
           "  - name: find\n    repo: ../search\n"
           "  - name: billing\n    repo: ../billing\n")

HUB = {
    "almanac.yml": HUB_YML.format(title="Ops hub"),
    "alerts.yml": "alerts:\n" + "".join("  - name: %s\n" % a for a in CATALOG),
    "content/index.md": "---\ntitle: Ops hub home\n---\n# Welcome\n\n"
                        "On call: [payments database](../pay/db-down.md), "
                        "[invoices](../billing/runbooks/invoice-stuck.md#triage),\n"
                        "[search](source:find/ops/index.md) and [the node](../runbooks/node.md#check).\n",
    "content/roles/sre.md": "---\ntitle: Site reliability engineer\ntype: role\n---\n# SRE\n\nKeeps things up.\n",
    "content/roles/dba.md": "---\ntitle: Database administrator\ntype: role\n---\n# DBA\n\nKeeps data.\n",
    "content/guides/onboarding.md": "---\ntitle: Onboarding\ntype: guide\ntags: [people, first-week]\n"
                                    "related: [content/roles/sre.md]\n---\n# Onboarding\n\n"
                                    "Read [the node runbook](../../runbooks/node.md#check) first.\n\n## Access\n\n"
                                    "Ask for a token.\n",
    "runbooks/node.md": "---\ntitle: Node down\nalerts: [NodeDown]\nowner: sre\ntags: [compute]\n---\n"
                        "# Node down\n\n## Check\n\nLook at the kubelet.\n\n## Fix\n\nDrain it.\n",
    "runbooks/disk.md": "---\ntitle: Disk full\nalerts: [DiskFull]\nowner: sre\n---\n# Disk full\n\n"
                        "Free space; see [replica lag](source:pay/replica.md#check).\n",
}

PAY = {
    "src/main.go": "package main\n",
    "README.md": "# Payments\n",
    "docs/runbooks/db-down.md": "---\ntitle: Payments database down\nalerts: [DbDown]\nowner: dba\n"
                                "tags: [db, payments]\nrelated: [./replica.md]\nwatches: [src/**]\n---\n# Database down\n\n"
                                "Check [the replica](replica.md#check), the hub's\n"
                                "[node](source:runbooks/node.md#check) and\n"
                                "[stuck invoices](source:billing/runbooks/invoice-stuck.md).\n",
    "docs/runbooks/replica.md": "---\ntitle: Replica lag\nowner: dba\naliases: [replication-lag.md]\n---\n"
                                "# Replica lag\n\n## Check\n\nCompare positions.\n\n## Fix\n\nRestart it.\n",
    "docs/runbooks/cache/index.md": "---\ntitle: Cache\n---\n# Cache\n\nThe cache runbooks.\n",
    "docs/runbooks/cache/warmup.md": "---\ntitle: Cache warm-up\ntags: [cache]\n---\n# Warm-up\n\n"
                                     "Back to [the database](../db-down.md).\n",
    "docs/runbooks/queue/backlog.md": "---\ntitle: Queue backlog\nalerts: [QueueBacklog]\n---\n# Backlog\n\n"
                                      "## Drain\n\nDrain it.\n",
    "docs/runbooks/queue/retry.md": "---\ntitle: Retries\n---\n# Retries\n\nSee [draining](backlog.md#drain).\n",
}

SEARCH = {
    "almanac.yml": "content: [ops]\nfreshness:\n  default_interval: 30d\n  due_window: 5d\n",
    "ops/index.md": "---\ntitle: Search operations\n---\n# Search operations\n\nStart at [lag](IndexLag.md#reindex).\n",
    "ops/IndexLag.md": "---\ntitle: Index lag\nowner: sre\n---\n# Index lag\n\n## Reindex\n\nReindex the shard.\n",
    "ops/invoice-stuck.md": "---\ntitle: Invoice stuck\nalerts: [InvoiceStuck]\n---\n# Invoice stuck\n\n"
                            "The search side: [billing's](source:billing/runbooks/invoice-stuck.md#triage).\n",
    "ops/tuning/shards.md": "---\ntitle: Shards\ntags: [tuning]\nowenr: sre\n---\n# Shards\n\nSplit them.\n",
    "ops/tuning/merges.md": "---\ntitle: Merges\n---\n# Merges\n\nSee [shards](shards.md).\n",
}

BILLING = {
    "CODEOWNERS": "runbooks/ @acme/billing-oncall\nrunbooks/ledger/ @acme/ledger\n",
    "runbooks/invoices.md": "---\ntitle: Invoice stuck\nalerts: [InvoiceStuck]\n---\n# Invoice stuck\n\n"
                            "## Triage\n\nFind the run.\n",
    "runbooks/refunds.md": "---\ntitle: Refunds\ntags: [money]\n---\n# Refunds\n\n"
                           "If the database is down: [db](source:pay/db-down.md).\n\n"
                           "<div onclick=\"refund()\">Refund</div>\n",
    "runbooks/ledger/index.md": "---\ntitle: Ledger\n---\n# Ledger\n\nMonth end.\n",
    "runbooks/ledger/close.md": "---\ntitle: Closing the month\n---\n# Close\n\n[Refunds](../refunds.md) first.\n",
}

EXTRA = {  # a fourth source, added to the hub's sources: and taken out again by the sequence
    "runbooks/cert-expiry.md": "---\ntitle: Certificate expiry\nalerts: [CertExpiry]\nowner: sre\n---\n"
                               "# Certificate expiry\n\n## Renew\n\nSee [the node](source:runbooks/node.md).\n",
    "runbooks/dns.md": "---\ntitle: DNS\n---\n# DNS\n\n[Payments](source:pay/db-down.md) and "
                       "[renewing](cert-expiry.md#renew).\n",
}
EXTRA_ENTRY = "  - name: extra\n    repo: ../extra\n"

# name: (files, the folders holding its pages, the date of its first commit)
REPOS = {
    "hub": (HUB, ["content", "runbooks"], "2026-07-01T10:00:00Z"),
    "pay": (PAY, ["docs/runbooks"], "2026-03-10T10:00:00Z"),
    "search": (SEARCH, ["ops"], "2026-09-20T10:00:00Z"),
    "billing": (BILLING, ["runbooks"], "2026-05-05T10:00:00Z"),
    "extra": (EXTRA, ["runbooks"], "2026-08-01T10:00:00Z"),
}

SUMMARY = re.compile(r"^almanac: (built \d+ pages? into OUT|"
                     r"OUT is up to date \(nothing changed since it was built\))")


def site_path(repo, rel):
    """The path of `rel` (a path in repository `repo`) as `source:` links name it."""
    if repo == "hub":
        return rel
    if repo == "pay":
        return "pay/" + os.path.relpath(rel, "docs/runbooks")
    return {"search": "find"}.get(repo, repo) + "/" + rel


class Hub:
    """The four repositories beside each other under `base`, and what the sequence changes in them."""

    def __init__(self, base, rng):
        self.base, self.rng = base, rng
        self.paths = {}
        self.out = None  # the site the rebuilds write (set by the test)
        self.restore = None  # what puts a change back after its step, when it is to be undone
        self.deck = []  # the kinds of change still to be drawn in this round (change())
        self.clock = datetime.datetime(2026, 10, 21, 8, 0, 0)
        for name, (files, _, date) in REPOS.items():
            path = os.path.join(base, name)
            os.makedirs(path)
            git(path, "init", "-q", "-b", "main")
            for rel, text in files.items():
                write(path, rel, text)
            git(path, "add", "-A")
            git(path, "commit", "-q", "-m", "import " + name, date=date)
            self.paths[name] = path
        # a history: a rename (its old address a redirect), an older edit, a later one
        git(self.paths["billing"], "mv", "runbooks/invoices.md", "runbooks/invoice-stuck.md")
        git(self.paths["billing"], "commit", "-q", "-m", "rename", date="2026-06-01T10:00:00Z")
        self.edit("pay", "docs/runbooks/replica.md", lambda t: t + "\nWatch the lag graph.\n")
        git(self.paths["pay"], "commit", "-qam", "replica: graph", date="2026-08-15T10:00:00Z")
        self.edit("search", "ops/tuning/shards.md", lambda t: t + "\nNever more than 40.\n")
        git(self.paths["search"], "commit", "-qam", "shards: limit", date="2026-10-25T10:00:00Z")
        self.edit("hub", "runbooks/node.md", lambda t: t + "\nCordon first.\n")
        git(self.paths["hub"], "commit", "-qam", "node: cordon", date="2026-10-10T10:00:00Z")

    # ---- reading and writing the repositories

    def edit(self, repo, rel, fn):
        p = os.path.join(self.paths[repo], rel)
        write(self.paths[repo], rel, fn(read(p)))

    def pages(self, repo):
        """The Markdown files of `repo`'s pages (tracked or not), sorted."""
        out = []
        for top in REPOS[repo][1]:
            for d, dirs, files in os.walk(os.path.join(self.paths[repo], top)):
                dirs.sort()
                out += [os.path.relpath(os.path.join(d, f), self.paths[repo]) for f in sorted(files)
                        if f.endswith(".md")]
        return out

    def untracked(self, repo):
        """The pages of `repo` Git does not track, as (repo, rel) pairs."""
        listed = set(git(self.paths[repo], "ls-files", "-z").split("\0"))
        return {(repo, p) for p in self.pages(repo) if p not in listed}

    def page(self, repo=None, exclude=()):
        """(repo, rel) of a random page (of `repo`, else of any repository)."""
        repos = [repo] if repo else ["hub"] + self.active()
        choices = [(r, p) for r in repos for p in self.pages(r) if (r, p) not in exclude]
        return self.rng.choice(choices) if choices else (None, None)

    def commit(self, repo, message, date=None):
        if date is None:
            self.clock += datetime.timedelta(hours=7)
            date = self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")
        git(self.paths[repo], "add", "-A")
        git(self.paths[repo], "commit", "-q", "--allow-empty", "-m", message, date=date)

    @staticmethod
    def set_key(text, key, value):
        """`text` with front matter key `key` set to `value` (None: removed)."""
        m = re.match(r"---\n(.*?\n)---\n", text, re.S)
        if not m:
            text, m = "---\n---\n" + text, re.match(r"---\n()---\n", "---\n---\n" + text, re.S)
        lines = [line for line in m.group(1).splitlines(True) if not line.startswith(key + ":")]
        if value is not None:
            lines.append("%s: %s\n" % (key, value))
        return "---\n" + "".join(lines) + "---\n" + text[m.end():]

    @staticmethod
    def get_key(text, key):
        m = re.search(r"^%s: (.*)$" % key, text.split("\n---\n", 1)[0], re.M)
        return m.group(1) if m else None

    def link(self, src_repo, src_rel, dst_repo, dst_rel, anchor=""):
        """A link from page src_rel of src_repo to dst_rel of dst_repo, in one of the forms that reach it."""
        if src_repo == dst_repo:
            return os.path.relpath(dst_rel, os.path.dirname(src_rel)) + anchor
        if src_repo == "hub" and dst_repo != "hub" and self.rng.random() < 0.5:
            up = os.path.relpath(".", os.path.dirname(src_rel))
            return up + "/" + site_path(dst_repo, dst_rel) + anchor  # ../pay/x.md from the hub
        return "source:" + site_path(dst_repo, dst_rel) + anchor

    def headings(self, repo, rel):
        return re.findall(r"^## (.+)$", read(os.path.join(self.paths[repo], rel)), re.M)

    # ---- the changes: each returns what it did (for the failure message); `commit` False leaves it in
    # the work tree

    def word(self):
        return self.rng.choice(WORDS)

    def c_edit_body(self, repo, commit=True):
        _, rel = self.page(repo)
        text = read(os.path.join(self.paths[repo], rel))
        body = text.split("\n---\n", 1)[-1].splitlines()
        lines = [i for i, line in enumerate(body) if line and not line.startswith("#")]
        if lines and self.rng.random() < 0.5:
            i = self.rng.choice(lines)
            old = body[i]
            body[i] = "Then check the %s %s." % (self.word(), self.word())
            what = "replace line %r" % old
        else:
            body.append("")
            body.append("Also the %s." % self.word())
            what = "append a line"
        head = text.split("\n---\n", 1)[0] + "\n---\n" if "\n---\n" in text else ""
        write(self.paths[repo], rel, head + "\n".join(body) + "\n")
        if commit:
            self.commit(repo, "edit " + rel)
        return "%s %s:%s: %s" % ("commit" if commit else "uncommitted edit in", repo, rel, what)

    def c_same_size(self, repo, keep_mtime):
        """One letter of a page changed, the file's size the same; with keep_mtime its modification time is
        put back as it was (cp -p, rsync -a, touch -r, an editor that keeps it): left uncommitted."""
        word = re.compile(r"\n[A-Z][a-z]+ ([a-z])")  # a body line's second word: its first letter
        pages = [p for p in self.pages(repo) if word.search(read(os.path.join(self.paths[repo], p)))]
        if not pages:
            return self.c_edit_body(repo)
        rel = self.rng.choice(pages)
        path = os.path.join(self.paths[repo], rel)
        st = os.stat(path)
        text = read(path)
        m = self.rng.choice(list(word.finditer(text)))
        letter = self.rng.choice([c for c in "xyzq" if c != m.group(1)])
        with open(path, "w", encoding="utf-8") as f:
            f.write(text[:m.start(1)] + letter + text[m.end(1):])
        if keep_mtime:
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        return "uncommitted edit in %s:%s: a letter changed to %r, same size%s" % (
            repo, rel, letter, ", same modification time" if keep_mtime else "")

    def c_title(self, repo):
        _, rel = self.page(repo)
        title = "%s %s" % (self.word().capitalize(), self.word())
        self.edit(repo, rel, lambda t: self.set_key(t, "title", title))
        self.commit(repo, "title")
        return "%s:%s: title %r" % (repo, rel, title)

    def c_owner(self, repo):
        _, rel = self.page(repo)
        owner = self.rng.choice(OWNERS + [None])
        self.edit(repo, rel, lambda t: self.set_key(t, "owner", owner))
        self.commit(repo, "owner")
        return "%s:%s: owner %s" % (repo, rel, owner)

    def c_alert(self, repo):
        _, rel = self.page(repo)
        text = read(os.path.join(self.paths[repo], rel))
        cur = self.get_key(text, "alerts")
        names = [a.strip() for a in cur.strip("[]").split(",") if a.strip()] if cur else []
        if names and self.rng.random() < 0.5:
            gone = self.rng.choice(names)
            names.remove(gone)
            what = "remove alert " + gone
        else:
            new = self.rng.choice(CATALOG + ["NotInCatalog"])
            if new not in names:
                names.append(new)
            what = "add alert " + new
        self.edit(repo, rel, lambda t: self.set_key(t, "alerts", "[%s]" % ", ".join(names) if names else None))
        self.commit(repo, "alerts")
        return "%s:%s: %s" % (repo, rel, what)

    def c_add_page(self, repo):
        folders = sorted({os.path.dirname(p) for p in self.pages(repo)} | set(REPOS[repo][1]))
        folder = self.rng.choice(folders)
        if self.rng.random() < 0.25:
            folder = os.path.join(folder, "new-" + self.word())  # a new folder, without an index page
        rel = os.path.join(folder, "%s-%d.md" % (self.word(), self.rng.randrange(1000)))
        if os.path.exists(os.path.join(self.paths[repo], rel)):
            return self.c_edit_body(repo)
        dst_repo, dst = self.page()
        heads = self.headings(dst_repo, dst)
        anchor = "#" + heads[0].lower().replace(" ", "-") if heads and self.rng.random() < 0.5 else ""
        fm = "title: %s %s\n" % (self.word().capitalize(), self.word())
        if self.rng.random() < 0.4:
            fm += "alerts: [%s]\n" % self.rng.choice(CATALOG)
        if self.rng.random() < 0.4:
            fm += "owner: %s\n" % self.rng.choice(OWNERS)
        if self.rng.random() < 0.3:
            fm += "tags: [%s]\n" % self.word()
        write(self.paths[repo], rel, "---\n%s---\n# New page\n\nSee [there](%s).\n\n## Steps\n\nDo it.\n"
              % (fm, self.link(repo, rel, dst_repo, dst, anchor)))
        self.commit(repo, "add " + rel)
        return "add page %s:%s" % (repo, rel)

    def c_remove_page(self, repo):
        _, rel = self.page(repo, exclude={("hub", "content/index.md")} | self.untracked(repo))
        if rel is None:
            return self.c_add_page(repo)
        git(self.paths[repo], "rm", "-q", "-f", rel)
        self.commit(repo, "remove " + rel)
        return "remove page %s:%s" % (repo, rel)

    def c_rename(self, repo):
        _, rel = self.page(repo, exclude={("hub", "content/index.md")} | self.untracked(repo))
        if rel is None:
            return self.c_add_page(repo)
        folders = sorted({os.path.dirname(p) for p in self.pages(repo)})
        new = os.path.join(self.rng.choice(folders), "%s-%s.md" % (self.word(), self.word()))
        if os.path.exists(os.path.join(self.paths[repo], new)):
            return self.c_edit_body(repo)
        os.makedirs(os.path.dirname(os.path.join(self.paths[repo], new)), exist_ok=True)
        git(self.paths[repo], "mv", rel, new)
        self.commit(repo, "rename %s to %s" % (rel, new))
        return "rename %s:%s -> %s" % (repo, rel, new)

    def c_cross_link(self, repo, broken=False):
        _, rel = self.page(repo)
        others = [r for r in ["hub"] + self.active() if r != repo]
        dst_repo, dst = self.page(self.rng.choice(others))
        if dst is None:
            return self.c_edit_body(repo)
        heads = self.headings(dst_repo, dst)
        anchor = "#" + heads[-1].lower().replace(" ", "-") if heads and self.rng.random() < 0.5 else ""
        if broken:
            if self.rng.random() < 0.5:
                dst = os.path.join(os.path.dirname(dst), "no-such-%s.md" % self.word())
            else:
                anchor = "#no-such-" + self.word()
        target = self.link(repo, rel, dst_repo, dst, anchor)
        self.edit(repo, rel, lambda t: t + "\nAlso see [%s](%s).\n" % (self.word(), target))
        self.commit(repo, "link")
        return "%s link %s:%s -> %s" % ("broken" if broken else "cross", repo, rel, target)

    def anchors(self):
        """The anchors links of any page name (#check), as a set."""
        return {a for r in self.paths for p in self.pages(r)
                for a in re.findall(r"\.md#([\w-]+)\)", read(os.path.join(self.paths[r], p)))}

    def c_heading(self, repo):
        """A heading renamed: one another page links to by its anchor when there is one."""
        anchors = self.anchors()
        found = [(p, h) for p in self.pages(repo) for h in self.headings(repo, p)]
        linked = [(p, h) for p, h in found if h.lower().replace(" ", "-") in anchors]
        if not found:
            return self.c_edit_body(repo)
        rel, old = self.rng.choice(linked or found)
        new = "%s %s" % (self.word().capitalize(), self.word())
        self.edit(repo, rel, lambda t: t.replace("## %s\n" % old, "## %s\n" % new, 1))
        self.commit(repo, "heading")
        return "%s:%s: heading %r -> %r" % (repo, rel, old, new)

    def c_age(self, repo):
        _, rel = self.page(repo)
        stale = self.rng.random() < 0.5
        date = "2025-0%d-15T10:00:00Z" % self.rng.randrange(1, 10) if stale else \
            self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.edit(repo, rel, lambda t: t + "\nReviewed: %s.\n" % date[:10])
        self.commit(repo, "review", date=date)
        return "%s:%s: commit dated %s (%s)" % (repo, rel, date, "stale" if stale else "fresh")

    def c_source_config(self, repo):
        if repo == "search":
            interval = self.rng.choice(["7d", "30d", "90d", "1y"])
            write(self.paths[repo], "almanac.yml",
                  "content: [ops]\nfreshness:\n  default_interval: %s\n  due_window: 5d\n" % interval)
            what = "default_interval " + interval
        elif repo == "billing" and os.path.exists(os.path.join(self.paths[repo], "almanac.yml")):
            git(self.paths[repo], "rm", "-q", "almanac.yml")
            what = "almanac.yml removed"
        else:
            interval = self.rng.choice(["14d", "60d", "6m"])
            write(self.paths[repo], "almanac.yml",
                  "content: [%s]\nfreshness:\n  default_interval: %s\n" % (", ".join(REPOS[repo][1]), interval)
                  if repo != "pay" else "freshness:\n  default_interval: %s\n" % interval)
            what = "almanac.yml default_interval " + interval
        self.commit(repo, "config")
        return "%s: %s" % (repo, what)

    def c_alias(self, repo):
        _, rel = self.page(repo)
        text = read(os.path.join(self.paths[repo], rel))
        if self.get_key(text, "aliases") and self.rng.random() < 0.5:
            alias = None
        else:
            alias = "[old-%s.md]" % self.word()  # an old address (a redirect page), or a conflict
        self.edit(repo, rel, lambda t: self.set_key(t, "aliases", alias))
        self.commit(repo, "aliases")
        return "%s:%s: aliases %s" % (repo, rel, alias)

    def c_codeowners(self):
        team = self.rng.choice(["@acme/billing-oncall", "@acme/finance", "@acme/ledger"])
        write(self.paths["billing"], "CODEOWNERS", "runbooks/ %s\nrunbooks/ledger/ @acme/ledger\n" % team)
        self.commit("billing", "codeowners")
        return "billing: CODEOWNERS runbooks/ %s" % team

    def c_front_matter(self, repo):
        """Another value of a key the site shows elsewhere (lists, navigation, search facets, badges)."""
        _, rel = self.page(repo)
        key = self.rng.choice(["tags", "description", "weight", "draft", "criticality", "review_interval",
                               "reviewed", "type"])
        value = self.rng.choice({
            "tags": ["[%s]" % self.word(), "[%s, %s]" % (self.word(), self.word()), None],
            "description": ["The %s of the %s." % (self.word(), self.word()), None],
            "weight": [str(self.rng.randrange(1, 30)), None],
            "draft": ["true", None],
            "criticality": ["critical", "low", None],
            "review_interval": ["10d", "1y", None],
            "reviewed": ["2026-10-2%d" % self.rng.randrange(10), None],
            "type": ["runbook", "guide", "role", None],
        }[key])
        self.edit(repo, rel, lambda t: self.set_key(t, key, value))
        self.commit(repo, key)
        return "%s:%s: %s %s" % (repo, rel, key, value)

    def c_catalog(self):
        """An alert added to or taken out of the hub's catalog (alerts.yml)."""
        path = os.path.join(self.paths["hub"], "alerts.yml")
        names = re.findall(r"name: (\w+)", read(path))
        if len(names) > 3 and self.rng.random() < 0.5:
            name = self.rng.choice(names)
            names.remove(name)
            what = "removed from"
        else:
            name = "Spare%s" % self.word().capitalize() if self.rng.random() < 0.5 else "QueueBacklog"
            names = names + [name] if name not in names else names
            what = "added to"
        write(self.paths["hub"], "alerts.yml", "alerts:\n" + "".join("  - name: %s\n" % a for a in names))
        self.commit("hub", "catalog")
        return "alert %s %s the hub's catalog" % (name, what)

    def c_toggle_source(self):
        """The fourth source (extra) added to the hub's sources:, or taken out: its pages come or go."""
        yml = read(os.path.join(self.paths["hub"], "almanac.yml"))
        if EXTRA_ENTRY in yml:
            yml, what = yml.replace(EXTRA_ENTRY, ""), "source extra taken out of the hub"
        else:
            billing = "  - name: billing\n    repo: ../billing\n"
            yml, what = yml.replace(billing, billing + EXTRA_ENTRY), "source extra added to the hub"
        write(self.paths["hub"], "almanac.yml", yml)
        self.commit("hub", what)
        return what

    def c_broken_config(self):
        """The hub's almanac.yml made unreadable in its work tree (both builds fail, the site stays as it
        was); put back as committed once the step is checked (self.restore)."""
        path = os.path.join(self.paths["hub"], "almanac.yml")
        write(self.paths["hub"], "almanac.yml", read(path) + "  - name: [broken\n")
        self.restore = lambda: git(self.paths["hub"], "checkout", "-q", "--", "almanac.yml")
        return "the hub's almanac.yml broken (uncommitted; put back after this step)"

    def active(self):
        """The sources the hub has now."""
        has_extra = EXTRA_ENTRY in read(os.path.join(self.paths["hub"], "almanac.yml"))
        return ["pay", "search", "billing"] + (["extra"] if has_extra else [])

    def c_untracked(self, repo):
        """A page Git does not track in a source's work tree (not published: a note says so)."""
        folder = self.rng.choice(sorted({os.path.dirname(p) for p in self.pages(repo)}))
        rel = os.path.join(folder, "scratch-%s.md" % self.word())
        write(self.paths[repo], rel, "# Scratch\n\nNot yet.\n")
        return "untracked %s:%s (added by the next commit there)" % (repo, rel)

    def c_tamper(self):
        """The last build's site changed by someone else (a file edited, removed, or one added): the rebuild
        must give the full build's site all the same."""
        files = sorted(os.path.relpath(os.path.join(d, f), self.out) for d, _, fs in os.walk(self.out) for f in fs)
        how = self.rng.choice(["edit", "remove", "add"])
        if how == "add":
            rel = os.path.join(self.rng.choice(sorted({os.path.dirname(f) for f in files})),
                               "stray-%s.html" % self.word())
            write(self.out, rel, "<p>not the site's</p>\n")
            return "a file added to the last build's site: " + rel
        rel = self.rng.choice([f for f in files if f.endswith(".html")] if how == "edit" else files)
        if how == "edit":
            with open(os.path.join(self.out, rel), "a") as f:
                f.write("<!-- edited by hand -->\n")
            return "a file of the last build's site edited: " + rel
        os.remove(os.path.join(self.out, rel))
        return "a file of the last build's site removed: " + rel

    def c_mute(self):
        """A kind of warning or note turned off or on again in the hub's almanac.yml."""
        path = os.path.join(self.paths["hub"], "almanac.yml")
        yml = read(path)
        m = re.search(r"^warnings: \{(.*)\}\n", yml, re.M)
        muted = [k.split(":")[0].strip() for k in m.group(1).split(",") if k.strip()] if m else []
        kind = self.rng.choice(["raw-html", "alert-claimed-twice", "source-untracked", "front-matter"])
        muted = [k for k in muted if k != kind] if kind in muted else muted + [kind]
        yml = re.sub(r"^warnings: .*\n", "", yml, flags=re.M)
        if muted:
            yml += "warnings: {%s}\n" % ", ".join("%s: false" % k for k in muted)
        write(self.paths["hub"], "almanac.yml", yml)
        self.commit("hub", "warnings")
        return "hub: warnings muted: %s" % (", ".join(muted) or "none")

    CODE = {"hub": "tools/notes.txt", "pay": "src/main.go", "search": "src/indexer.go", "billing": "Makefile",
            "extra": "deploy/values.yaml"}

    def c_code(self, repo):
        """A commit to a file that is no page (the service's code): the repository's HEAD moves, no page
        changes; pay's db-down.md watches src/** (drifted once the grace days passed)."""
        rel = self.CODE[repo]
        path = os.path.join(self.paths[repo], rel)
        write(self.paths[repo], rel, (read(path) if os.path.exists(path) else "") + "// %s\n" % self.word())
        self.commit(repo, "code")
        return "%s: a commit to %s (no page)" % (repo, rel)

    def c_hub_title(self):
        title = "%s handbook" % self.word().capitalize()
        yml = read(os.path.join(self.paths["hub"], "almanac.yml"))
        write(self.paths["hub"], "almanac.yml", re.sub(r"^title: .*$", "title: " + title, yml, flags=re.M))
        self.commit("hub", "title")
        return "hub title %r" % title

    # the changes a step draws: each kind once in every round of the deck, in a shuffled order, so that a
    # run of 32 steps makes every kind of change at least once whatever the seed
    ANY = ["edit", "title", "owner", "alert", "add", "remove", "rename", "link", "break", "heading", "age",
           "uncommitted", "samesize", "alias", "frontmatter", "code"]  # in any repository
    HUB_ONLY = ["hubtitle", "mute", "catalog", "sources"]  # the hub's almanac.yml and alerts.yml
    SOURCE_ONLY = ["config", "codeowners", "untracked"]  # a source's almanac.yml, CODEOWNERS, work tree
    STEP = ["none", "now", "two", "tamper", "broken"]

    def change(self, now):
        """The next change of the deck; returns (description, the new --now or None)."""
        if not self.deck:
            self.deck = self.ANY + self.HUB_ONLY + self.SOURCE_ONLY + self.STEP
            self.rng.shuffle(self.deck)
        kind = self.deck.pop()
        if kind == "none":
            return "no change", None
        if kind == "now":
            return "--now", self.rng.choice([n for n in NOWS if n != now])
        if kind == "broken":
            return self.c_broken_config(), None
        if kind == "two":  # in two repositories
            a, b = self.rng.sample(["hub"] + self.active(), 2)
            return "two changes: %s; %s" % (self.one(a, self.rng.choice(self.ANY)),
                                            self.one(b, self.rng.choice(self.ANY))), None
        if kind == "tamper":
            # with a change of the inputs: a build whose inputs did not change stops at once ('is up to date'),
            # leaving its output folder as it is (the output is not one of its inputs: commands.md)
            repo = self.rng.choice(["hub"] + self.active())
            return "%s; %s" % (self.c_tamper(), self.one(repo, self.rng.choice(self.ANY))), None
        if kind in self.HUB_ONLY:
            repo = "hub"
        elif kind == "codeowners":
            repo = "billing"
        else:
            repo = self.rng.choice(self.active() + ([] if kind in self.SOURCE_ONLY else ["hub"]))
        return self.one(repo, kind), None

    def one(self, repo, kind):
        """Change `kind` made in `repo`; returns what it did."""
        if kind in ("link", "break"):
            return self.c_cross_link(repo, broken=kind == "break")
        if kind == "samesize":
            return self.c_same_size(repo, keep_mtime=self.rng.random() < 0.5)
        if kind == "uncommitted":
            return self.c_edit_body(repo, commit=False)
        return {
            "edit": self.c_edit_body, "title": self.c_title, "owner": self.c_owner, "alert": self.c_alert,
            "add": self.c_add_page, "remove": self.c_remove_page, "rename": self.c_rename,
            "heading": self.c_heading, "age": self.c_age, "alias": self.c_alias, "frontmatter": self.c_front_matter,
            "config": self.c_source_config, "untracked": self.c_untracked,
            "hubtitle": lambda _: self.c_hub_title(), "mute": lambda _: self.c_mute(),
            "catalog": lambda _: self.c_catalog(), "sources": lambda _: self.c_toggle_source(),
            "codeowners": lambda _: self.c_codeowners(), "code": self.c_code,
        }[kind](repo)


def tree(root):
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            p = os.path.join(d, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


def first_difference(a, b):
    """Where bytes a and b first differ: a short unified diff of their lines, or for long lines (JSON on
    one line, minified files) the line and column and the text around it in each."""
    la = a.decode("utf-8", "replace").splitlines()
    lb = b.decode("utf-8", "replace").splitlines()
    n = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
    if n < len(la) and n < len(lb) and max(len(la[n]), len(lb[n])) > 200:
        col = next((i for i, (x, y) in enumerate(zip(la[n], lb[n])) if x != y), min(len(la[n]), len(lb[n])))
        start = max(0, col - 80)
        return "line %d, column %d:\n  rebuild:    ...%s...\n  full build: ...%s..." % (
            n + 1, col + 1, la[n][start:col + 120], lb[n][start:col + 120])
    diff = list(difflib.unified_diff(la, lb, "rebuild", "full build", n=1, lineterm=""))
    text = "\n".join(line[:300] for line in diff[:16])
    return text or "(same lines, different bytes: line ends or a final newline)"


KEPT = {  # what a warm build's ALMANAC_TIMING lines say it took from the last build
    "markdown": re.compile(r"^  rendered Markdown: (\d+) of \d+ pages from the last build", re.M),
    "page files": re.compile(r"; (\d+) pages not rendered again", re.M),
    "page files by their inputs": re.compile(r"pages not rendered again \((\d+) by their inputs alone\)", re.M),
    "search words": re.compile(r"^  search words: (\d+) of \d+ pages from the last build", re.M),
    "search term shards": re.compile(r"^  search term shards: (\d+) of \d+ as the last build wrote them", re.M),
}
COLD_EVERY = 5  # steps between builds of copies of the repositories without any cache (.git/almanac)


class RebuildEquivalence(RepoTestCase):
    def build(self, hub, out, now, *extra, timing=False, verify=True):
        env = {"ALMANAC_VERIFY_KEPT": "1" if verify else "0"}
        if timing:
            env["ALMANAC_TIMING"] = "1"
        return run("build", "--repo", hub, "--out", out, "--now", now, "--verbose", *extra, env=env)

    @staticmethod
    def said(r, out):
        """A build's stderr lines (diagnostics and the counts of its summary), sorted, without ALMANAC_TIMING's
        (indented). The summary's start says whether the site was written ('built N pages into OUT', 'OUT is
        up to date'): not compared."""
        return sorted(SUMMARY.sub("almanac: (summary)", line.replace(out, "OUT")) for line in r.stderr.splitlines()
                      if not line.startswith("  "))

    def compare(self, where, warm, warm_out, full, full_out, marker=True, before=None):
        """The site in warm_out and what `warm` said are those of `full` into full_out; `marker` False: the
        .almanac-site files (their fingerprint names the repositories' paths) are left out. When the full
        build wrote no site (it failed), the rebuild must have left warm_out as it was (`before`)."""
        if warm.returncode != full.returncode:
            self.fail("%s: the rebuild exited %d, a full build %d\nrebuild stderr:\n%s\nfull build stderr:\n%s"
                      % (where, warm.returncode, full.returncode, warm.stderr[-3000:], full.stderr[-3000:]))
        a, b = self.said(warm, warm_out), self.said(full, full_out)
        if a != b:
            diff = "\n".join(difflib.unified_diff(a, b, "rebuild", "full build", n=0, lineterm=""))
            self.fail("%s: the rebuild's diagnostics differ from a full build's:\n%s" % (where, diff[:4000]))
        ta = tree(warm_out)
        if not os.path.isdir(full_out):
            self.assertIsNotNone(before, "%s: the full build wrote no site:\n%s" % (where, full.stderr[-3000:]))
            changed = sorted(k for k in set(ta) | set(before) if ta.get(k) != before.get(k))
            self.assertEqual(changed, [], "%s: the build failed (exit %d) but changed the site"
                             % (where, full.returncode))
            return
        tb = tree(full_out)
        if not marker:
            ta.pop(".almanac-site", None), tb.pop(".almanac-site", None)
        only_a, only_b = sorted(set(ta) - set(tb)), sorted(set(tb) - set(ta))
        differ = [k for k in sorted(set(ta) & set(tb)) if ta[k] != tb[k]]
        if only_a or only_b:
            self.fail("%s: files only in the rebuild's site: %s; only in the full build's: %s%s"
                      % (where, only_a[:10], only_b[:10], "; and %d differ, the first %s:\n%s"
                         % (len(differ), differ[0], first_difference(ta[differ[0]], tb[differ[0]])) if differ else ""))
        if differ:
            self.fail("%s: %s differs from a full build's (%d files differ: %s):\n%s"
                      % (where, differ[0], len(differ), ", ".join(differ[:8]),
                         first_difference(ta[differ[0]], tb[differ[0]])))

    def cold(self, hub, step, now):
        """A copy of the four repositories (work trees and uncommitted changes included) without .git/almanac
        (no history cache, no page cache, no record of a site) built into a new folder."""
        base = os.path.join(hub.base, "cold-%d" % step)
        for name, path in hub.paths.items():
            shutil.copytree(path, os.path.join(base, name), symlinks=True,
                            ignore=lambda d, names: ["almanac"] if d.endswith(os.sep + ".git") else [])
        out = os.path.join(base, "site")
        return base, out, self.build(os.path.join(base, "hub"), out, now, "--no-page-cache")

    def test_every_rebuild_is_a_full_build(self):
        rng = random.Random(SEED)
        base = self.tmpdir()
        hub = Hub(base, rng)
        out = hub.out = os.path.join(base, "site")
        now = NOWS[0]
        first = self.build(hub.paths["hub"], out, now)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertTrue(os.path.isfile(os.path.join(out, "pay/db-down/index.html")), first.stderr)
        kept = dict.fromkeys(KEPT, 0)
        failed = True
        try:
            for step in range(1, STEPS + 1):
                what, new_now = hub.change(now)
                if new_now:
                    now = new_now
                    what = "--now " + now
                if step % 6 == 4:
                    time.sleep(1.1)  # the files this step changed are older than the build's second: not racy
                    what += ", built a second later"
                where = "seed %d, step %d (%s)" % (SEED, step, what)
                verify = step % 3 != 0
                before = tree(out)
                warm = self.build(hub.paths["hub"], out, now, timing=True, verify=verify)
                took = {k: sum(int(n) for n in rx.findall(warm.stderr)) for k, rx in KEPT.items()}
                for k in kept:
                    kept[k] += took[k]
                where += "" if verify else ", the rebuild without ALMANAC_VERIFY_KEPT"
                print("step %d: %s (exit %d; %s; from the last build: %s)"
                      % (step, what, warm.returncode, "verified" if verify else "not verified",
                         ", ".join("%s %d" % kv for kv in took.items())), flush=True)
                full_out = os.path.join(base, "full-%d" % step)
                full = self.build(hub.paths["hub"], full_out, now, "--no-page-cache")
                self.compare(where, warm, out, full, full_out, before=before)
                shutil.rmtree(full_out, ignore_errors=True)
                if step % COLD_EVERY == 0 or step == STEPS:
                    cold_base, cold_out, cold = self.cold(hub, step, now)
                    self.compare(where + ", against a build of copies without .git/almanac", warm, out, cold,
                                 cold_out, marker=False, before=before)
                    shutil.rmtree(cold_base, ignore_errors=True)
                if hub.restore:
                    hub.restore()
                    hub.restore = None
            failed = False
        finally:
            if failed and KEEP:
                self._cleanup.remove(base)
                print("ALMANAC_EQUIV_KEEP: repositories and sites left in " + base, file=sys.stderr)
        # the rebuilds did keep work (else this test compared full builds with full builds)
        if STEPS >= 10:
            for k, n in kept.items():
                self.assertGreater(n, 0, "no rebuild took any %s from the last build (seed %d): the test "
                                   "exercised nothing kept, or ALMANAC_TIMING's lines changed" % (k, SEED))


if __name__ == "__main__":
    main()
