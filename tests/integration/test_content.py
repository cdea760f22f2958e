#!/usr/bin/env python3
"""Checks on the project's own documentation content (content/, runbooks/, alerts.yml).

What a reader of the published handbook would notice if it broke:
  - mojibake or advertising text left over from the role blueprints;
  - a role page without its twenty numbered sections, or a table whose rows do not line up;
  - a runbook without the front matter or sections on-call engineers rely on;
  - a relative link or #anchor that leads nowhere;
  - an alert catalog whose coverage cannot be measured;
  - committed role pages that tools/import-role would no longer produce (hand edits, stale
    output), or a conversion that dropped blueprint text.

Environment: ALMANAC_SOURCE_ROOT (the repository; default: two levels up from this file),
ALMANAC_SHARED (folder holding role-blueprints/; optional: those checks skip when absent),
ALMANAC_BIN (optional: runs `almanac check` on the repository when set).
Exit code 77 when every test was skipped (meson's "skipped").
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT")
                       or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHARED = os.environ.get("ALMANAC_SHARED") or os.path.join(ROOT, "..", "shared")
BLUEPRINTS = os.path.join(SHARED, "role-blueprints")
CONTENT = os.path.join(ROOT, "content")
RUNBOOKS = os.path.join(ROOT, "runbooks")
ROLES = os.path.join(CONTENT, "roles")
TOOL = os.path.join(ROOT, "tools", "import-role")
CATALOG = os.path.join(ROOT, "alerts.yml")

# Characters that only appear in these documents as mojibake (UTF-8 read as cp874/cp1252).
MOJIBAKE = ["โ", "€", "à¸", "Ã", "Â", "œ", "™", "†", "‰", "\ufffd"]
THAI_BLOCK = re.compile(r"[\u0E00-\u0E7F]")
ROLE_SLUGS = ["associate-cloud-native-engineer", "cloud-native-engineer", "senior-cloud-native-engineer",
              "staff-cloud-native-engineer", "kubernetes-engineer"]
RUNBOOK_KEYS = ["title", "owner", "criticality", "review_interval", "alerts", "tags"]
RUNBOOK_SECTIONS = ["Symptoms", "Impact", "Diagnosis", "Mitigation", "Rollback", "Escalation", "Related"]
INTERVAL = re.compile(r"^[1-9][0-9]*[dwmy]$")


def md_files(*roots):
    out = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for f in sorted(filenames):
                if f.endswith(".md"):
                    out.append(os.path.join(dirpath, f))
    return out


def rel(path):
    return os.path.relpath(path, ROOT)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def split_front_matter(text):
    """Return (front matter dict, body, body's first line number)."""
    if not text.startswith("---\n"):
        return {}, text, 1
    end = text.find("\n---\n", 4)
    if end < 0:
        return None, text, 1
    fm = parse_yaml_subset(text[4:end])
    body = text[end + 5:]
    return fm, body, text[:end + 5].count("\n") + 1


def _scalar(v):
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1].replace('\\"', '"')
    return v


def parse_yaml_subset(text):
    """The YAML the pages use: `key: scalar`, `key: [a, b]`, `key:` + `  - item` lines."""
    data, key = {}, None
    for line in text.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*):(?:\s+(.*))?$", line)
        if m:
            key, val = m.group(1), (m.group(2) or "").strip()
            if val.startswith("[") and val.endswith("]"):
                data[key] = [_scalar(x) for x in val[1:-1].split(",") if x.strip()]
            elif val == "":
                data[key] = []
            else:
                data[key] = _scalar(val)
            continue
        m = re.match(r"^\s+-\s+(.*)$", line)
        if m and key is not None and isinstance(data.get(key), list):
            data[key].append(_scalar(m.group(1)))
            continue
        raise ValueError("unsupported front matter line: %r" % line)
    return data


def strip_code(body):
    """Blank out fenced code blocks and inline code, keeping line numbers."""
    out, fence = [], None
    for line in body.split("\n"):
        m = re.match(r"^\s*(```+|~~~+)", line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append("")
            continue
        if m:
            fence = m.group(1)
            out.append("")
            continue
        out.append(re.sub(r"`[^`]*`", "``", line))
    return out


def github_slug(heading):
    """GitHub's heading anchors: lower case, punctuation removed except - and _, spaces -> -."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # links -> their text
    text = re.sub(r"[*`]", "", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(path, cache={}):
    if path not in cache:
        _, body, _ = split_front_matter(read(path))
        seen, anchors = {}, set()
        # fenced code blanked out, but inline code kept: GitHub keeps its text in the anchor
        # ("Performance of `serve`" -> performance-of-serve)
        for line, raw in zip(strip_code(body), body.split("\n")):
            m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", raw if line else line)
            if not m:
                continue
            slug = github_slug(m.group(2))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            anchors.add(slug if n == 0 else "%s-%d" % (slug, n))
        cache[path] = anchors
    return cache[path]


def table_rows(lines):
    """Yield (line number, [cells]) lists, one list per GFM table (outside code)."""
    table = []
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if s.startswith("|"):
            cells = re.split(r"(?<!\\)\|", s.strip("|"))
            table.append((n, [c.strip() for c in cells]))
        elif table:
            yield table
            table = []
    if table:
        yield table


def load_catalog():
    """alert names of alerts.yml, in order (a YAML subset: list of maps under 'alerts:')."""
    names = []
    for line in read(CATALOG).split("\n"):
        m = re.match(r"^\s*-\s+name:\s*(\S+)\s*$", line)
        if m:
            names.append(m.group(1))
    return names


def load_tool():
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("import_role", TOOL)
    spec = importlib.util.spec_from_loader("import_role", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


class ContentTest(unittest.TestCase):
    def setUp(self):
        if not os.path.isdir(CONTENT) or not os.path.isdir(RUNBOOKS):
            self.skipTest("no content/ or runbooks/ in %s" % ROOT)

    def pages(self):
        return md_files(CONTENT, RUNBOOKS)

    def runbooks(self):
        return [p for p in md_files(RUNBOOKS) if os.path.basename(p) != "index.md"]

    def test_no_mojibake(self):
        for path in self.pages() + [CATALOG]:
            text = read(path)
            for n, line in enumerate(text.split("\n"), 1):
                bad = [c for c in MOJIBAKE if c in line] + THAI_BLOCK.findall(line)
                self.assertFalse(bad, "%s:%d: mojibake %r in: %s" % (rel(path), n, bad, line[:80]))

    def test_no_hospital_adverts(self):
        for path in self.pages():
            for n, line in enumerate(read(path).split("\n"), 1):
                # "cosmetic" alone is a word of the manual now (freshness.count: content, cosmetic
                # edits); the imported adverts were for cosmetic surgery and hospitals
                self.assertNotRegex(line.lower(), r"hospital|devopsschool|cosmetic (surgery|clinic|treatment|procedure)",
                                    "%s:%d: advertising text" % (rel(path), n))

    def test_role_pages_have_twenty_numbered_sections(self):
        for slug in ROLE_SLUGS:
            path = os.path.join(ROLES, slug + ".md")
            self.assertTrue(os.path.isfile(path), "missing role page %s" % rel(path))
            fm, body, _ = split_front_matter(read(path))
            nums = [int(m.group(1)) for m in re.finditer(r"(?m)^## (\d+)\) \S", "\n".join(strip_code(body)))]
            self.assertEqual(nums, list(range(1, 21)), "%s: ## sections are %s" % (rel(path), nums))
            self.assertEqual(len(re.findall(r"(?m)^## ", body)), 20, "%s: extra ## headings" % rel(path))
            for key in ("title", "type", "owner", "review_interval", "tags", "level"):
                self.assertIn(key, fm, "%s: front matter lacks %s" % (rel(path), key))
            self.assertEqual(fm["type"], "role")
            self.assertRegex(fm["review_interval"], INTERVAL)
            self.assertIn(fm["level"], ("associate", "mid", "senior", "staff", "specialist"))
            # every role page has its KPI, tools and scorecard tables
            tables = list(table_rows(strip_code(body)))
            self.assertGreaterEqual(len(tables), 4, "%s: expected at least 4 tables" % rel(path))

    def test_tables_are_well_formed(self):
        count = 0
        for path in self.pages():
            _, body, first = split_front_matter(read(path))
            for table in table_rows(strip_code(body)):
                count += 1
                (hline, header), rest = table[0], table[1:]
                where = "%s:%d" % (rel(path), first + hline - 1)
                self.assertTrue(rest and all(re.fullmatch(r":?-{3,}:?", c) for c in rest[0][1]),
                                "%s: table without a separator row" % where)
                for n, cells in rest:
                    self.assertEqual(len(cells), len(header), "%s:%d: %d cells, header has %d" % (
                        rel(path), first + n - 1, len(cells), len(header)))
                    self.assertTrue(all(cells), "%s:%d: empty cell" % (rel(path), first + n - 1))
        self.assertGreater(count, 20)

    def test_runbooks_front_matter_and_sections(self):
        runbooks = self.runbooks()
        self.assertGreaterEqual(len(runbooks), 15, "only %d runbooks" % len(runbooks))
        for path in runbooks:
            fm, body, _ = split_front_matter(read(path))
            self.assertIsNotNone(fm, "%s: unterminated front matter" % rel(path))
            for key in RUNBOOK_KEYS:
                self.assertIn(key, fm, "%s: front matter lacks %s" % (rel(path), key))
            self.assertIn(fm["owner"], ROLE_SLUGS, "%s: owner %r is not a role page slug" % (rel(path), fm["owner"]))
            self.assertIn(fm["criticality"], ("critical", "high", "medium", "low"))
            self.assertRegex(fm["review_interval"], INTERVAL)
            self.assertIsInstance(fm["alerts"], list)
            self.assertTrue(fm["alerts"], "%s: no alerts" % rel(path))
            for a in fm["alerts"]:
                self.assertRegex(a, r"^[A-Za-z_:][A-Za-z0-9_:]*$")
            for r in fm.get("related", []):
                self.assertTrue(os.path.isfile(os.path.join(ROOT, r)), "%s: related page %s missing" % (rel(path), r))
            headings = re.findall(r"(?m)^## (.+)$", "\n".join(strip_code(body)))
            self.assertEqual(headings, RUNBOOK_SECTIONS, "%s: sections %s" % (rel(path), headings))
            diagnosis = body.split("## Diagnosis", 1)[1].split("\n## ", 1)[0]
            self.assertRegex(diagnosis, r"(?m)^\s*1\. ", "%s: Diagnosis has no numbered steps" % rel(path))
            self.assertRegex(diagnosis, r"```sh\n\s*(kubectl|[a-z])", "%s: Diagnosis has no command block" % rel(path))
            related = body.split("## Related", 1)[1]
            escalation = body.split("## Escalation", 1)[1]
            owner_link = "content/roles/%s.md" % fm["owner"]
            self.assertIn(owner_link, escalation + related, "%s: no link to the owning role page" % rel(path))
            self.assertRegex(related, r"\]\([^)]*\.md", "%s: Related has no links" % rel(path))
            lines = body.count("\n")
            self.assertTrue(60 <= lines <= 160, "%s: %d lines" % (rel(path), lines))
        # every runbook folder has an index
        for d in sorted({os.path.dirname(p) for p in runbooks}):
            self.assertTrue(os.path.isfile(os.path.join(d, "index.md")), "%s has no index.md" % rel(d))

    def test_links_and_anchors_resolve(self):
        checked = 0
        link = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
        for path in self.pages():
            _, body, first = split_front_matter(read(path))
            for n, line in enumerate(strip_code(body), first):
                for target in link.findall(line):
                    if re.match(r"^[a-z][a-z0-9+.-]*:", target):      # http:, mailto:, ...
                        continue
                    where = "%s:%d: %s" % (rel(path), n, target)
                    file_part, _, frag = target.partition("#")
                    dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
                    self.assertFalse(file_part.startswith("/"), where + ": absolute link")
                    self.assertTrue(dest.endswith(".md"), where + ": link to a non-Markdown target or folder")
                    self.assertTrue(os.path.isfile(dest), where + ": no such file")
                    self.assertTrue(dest.startswith(ROOT + os.sep), where + ": outside the repository")
                    if frag:
                        self.assertIn(frag, anchors_of(dest), where + ": no such heading")
                    checked += 1
        self.assertGreater(checked, 100)

    def test_alert_catalog_coverage(self):
        names = load_catalog()
        self.assertGreaterEqual(len(names), 20)
        self.assertEqual(len(names), len(set(names)), "duplicate alert in alerts.yml")
        named = set()
        for path in self.pages():
            fm, _, _ = split_front_matter(read(path))
            named.update(fm.get("alerts", []) if fm else [])
        covered = [a for a in names if a in named]
        uncovered = [a for a in names if a not in named]
        # some alerts deliberately have no runbook yet, so the report has something to show
        self.assertTrue(3 <= len(uncovered) <= 5, "uncovered: %s" % uncovered)
        self.assertGreaterEqual(len(covered) * 100 // len(names), 75)
        for a in uncovered:
            self.assertIn(a, read(CATALOG).split("\nalerts:\n", 1)[0], "%s: uncovered but not explained" % a)

    def test_import_role_reproduces_committed_pages(self):
        if not os.path.isdir(BLUEPRINTS):
            self.skipTest("%s is absent: cannot regenerate the role pages" % BLUEPRINTS)
        tmp = tempfile.mkdtemp(prefix="import-role-")
        try:
            proc = subprocess.run([sys.executable, TOOL, "--all", BLUEPRINTS, tmp],
                                  capture_output=True, text=True, timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            produced = sorted(os.listdir(tmp))
            self.assertEqual(produced, sorted(s + ".md" for s in ROLE_SLUGS))
            for name in produced:
                with open(os.path.join(tmp, name), "rb") as a, open(os.path.join(ROLES, name), "rb") as b:
                    self.assertTrue(a.read() == b.read(),
                                    "content/roles/%s differs from tools/import-role output" % name)
            # deterministic: a second run gives the same bytes
            tmp2 = os.path.join(tmp, "again")
            subprocess.run([sys.executable, TOOL, "--all", BLUEPRINTS, tmp2], check=True,
                           capture_output=True, timeout=120)
            for name in produced:
                with open(os.path.join(tmp, name), "rb") as a, open(os.path.join(tmp2, name), "rb") as b:
                    self.assertEqual(a.read(), b.read())
        finally:
            shutil.rmtree(tmp)

    def test_role_pages_keep_all_blueprint_text(self):
        """Every word of a cleaned blueprint is on its page, in order (nothing dropped or invented)."""
        if not os.path.isdir(BLUEPRINTS):
            self.skipTest("%s is absent: cannot compare with the blueprints" % BLUEPRINTS)
        tool = load_tool()

        def words(text):
            text = re.sub(r"(?m)^\s*(\d{1,2}\)|\d{1,2}\.|[•\-–])(?=\s|$)", " ", text)
            text = text.replace(" – ", " ").replace(" -\n", "\n")
            return [w for w in text.replace("|", " ").split() if w not in ("---", "–", "-")]

        for name in sorted(os.listdir(BLUEPRINTS)):
            if not name.endswith(".txt"):
                continue
            src = tool.repair_mojibake(read(os.path.join(BLUEPRINTS, name)))
            for bad, good in tool.TEXT_FIXUPS:
                src = src.replace(bad, good)
            lines = tool.strip_noise([(i, l) for i, l in enumerate(src.split("\n"))])
            src = "\n".join(l for _, l in lines)
            src = tool.GLUED_LABELS.sub(r" \1", src)
            title, _ = tool.convert(os.path.join(BLUEPRINTS, name))
            page = read(os.path.join(ROLES, tool.ROLES[title]["slug"] + ".md"))
            page = page.split("\n---\n", 1)[1]
            page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
            page = re.sub(r"### Related role pages\n.*?(?=\n## )", " ", page, flags=re.S)
            page = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", page)
            page = re.sub(r"(?m)^#+ ", " ", page).replace("**", " ").replace("\\", "")
            self.assertEqual(words(src), words(page), "%s: page text differs from the blueprint" % name)
            self.assertNotIn("Role Blueprint, Responsibilities", page)

    def test_almanac_check_passes(self):
        binary = os.environ.get("ALMANAC_BIN")
        if not binary or not os.access(binary, os.X_OK):
            self.skipTest("ALMANAC_BIN not set: not running almanac check")
        if not os.path.isdir(os.path.join(ROOT, ".git")) and not os.path.isfile(os.path.join(ROOT, ".git")):
            self.skipTest("%s is not a Git work tree" % ROOT)
        proc = subprocess.run([binary, "check", "--repo", ROOT], capture_output=True, text=True, timeout=300)
        mine = [l for l in proc.stderr.splitlines()
                if re.match(r"^(content|runbooks)/|^alerts\.yml", l) and ": error:" in l]
        self.assertEqual(mine, [], "\n".join(mine))


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(ContentTest)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if not result.wasSuccessful():
        return 1
    if result.testsRun and len(result.skipped) == result.testsRun:
        print("all content tests skipped")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
