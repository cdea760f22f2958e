"""A rebuild's search index costs what changed: each repository's share of it (gen/searchpart.h) is kept
in .git/almanac/search-index*, and a rebuild makes again only the shares of the repositories whose pages
changed, then merges them. The index it writes is the one a build from nothing writes, byte for byte,
whatever changed: a page edited, added or removed in one repository (the site's page numbers shift), a
source removed, a damaged share. A rebuild reads from the page cache the section texts of the pages it
needs only (those it tokenizes, those of the metadata chunks it makes): the others are known by their
sections' digest.

The term shards (search/t/N.bin) cost what changed too: .git/almanac/search-files records, per term, the key of
its postings' inputs (its shares' postings, its page counts, the site's page count, rounded average field
lengths and scale) and their length, and per page its place, status and field lengths; a rebuild makes only
the shards with a term whose postings differ and keeps the others as the last build wrote them."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from almanac_testlib import RepoTestCase, git, main, make_repo, tree_bytes, write, run  # noqa: E402

SHARES_LINE = re.compile(r"search shares: (\d+) of (\d+) repositories' from the last build")
SECTIONS_LINE = re.compile(r"search sections: (\d+) of (\d+) pages read from the page cache")
TSHARDS_LINE = re.compile(r"search term shards: (\d+) of (\d+) as the last build wrote them, (\d+) patched")
WORDS = ["etcd", "certificate", "rotate", "replica", "lag", "disk", "pressure", "kafka", "consumer", "quota",
         "ingress", "latency", "memory", "leak", "deadlock", "rollback", "canary", "dns", "timeout", "vault"]


def page(title, i, words=8):
    body = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(words))
    return ("---\ntitle: %s\nowner: team-%d\n---\n# %s\n\n%s first section, page %d.\n\n## Check %d\n\n%s.\n\n"
            "## Fix\n\nRestart the %s and watch the %s.\n" % (title, i % 3, title, body, i, i, body.upper(),
                                                               WORDS[i % len(WORDS)], WORDS[(i + 3) % len(WORDS)]))


class SearchRebuildBase(RepoTestCase):
    def source(self, name, n):
        files = {"docs/%s-%02d.md" % (name, i): page("%s %s %d" % (name.capitalize(), WORDS[i], i), i)
                 for i in range(n)}
        return self.repo(files)

    def build(self, hub, out, *extra, now="2026-11-22"):
        return run("build", "--repo", hub, "--out", out, "--now", now, *extra, env={"ALMANAC_TIMING": "1"})

    def shares(self, r):
        m = SHARES_LINE.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return int(m.group(1)), int(m.group(2))

    def term_shards(self, r):
        """(kept, all) term shards of a build's ALMANAC_TIMING output."""
        return self.term_shards_patched(r)[:2]

    def term_shards_patched(self, r):
        """(kept, all, patched)."""
        m = TSHARDS_LINE.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return int(m.group(1)), int(m.group(2)), int(m.group(3))

    def sections_read(self, r):
        m = SECTIONS_LINE.search(r.stderr)
        self.assertIsNotNone(m, r.stderr)
        return int(m.group(1)), int(m.group(2))

    def assert_index_fresh(self, hub, out, now="2026-11-22"):
        """search/ in `out` is what a build that prepares every page writes."""
        fresh = os.path.join(self.tmpdir(), "fresh")
        r = self.build(hub, fresh, "--no-page-cache", now=now)
        self.assertEqual(r.returncode, 0, r.stderr)
        a = {k: v for k, v in tree_bytes(out).items() if k.startswith("search/")}
        b = {k: v for k, v in tree_bytes(fresh).items() if k.startswith("search/")}
        self.assertGreater(len(b), 10)
        self.assertEqual(sorted(a), sorted(b))
        for k in a:
            self.assertEqual(a[k], b[k], k)

    def rebuild_with(self, path, damaged, alpha, hub, out, day):
        """Rebuild after writing `damaged` to the cache file `path` and editing a page of `alpha` (a build
        must run)."""
        with open(path, "wb") as f:
            f.write(damaged)
        write(alpha, "docs/alpha-01.md", page("Alpha round %d" % day, day))
        self.commit(alpha, "round %d" % day, day)
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def commit(self, repo, msg, day):
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", msg, date="2026-11-%02dT10:00:00Z" % day)



class SearchRebuildTest(SearchRebuildBase):
    def test_a_rebuild_merges_the_kept_shares_into_the_index_a_full_build_writes(self):
        srcs = {name: self.source(name, n) for name, n in [("alpha", 7), ("beta", 9), ("gamma", 5)]}
        cfg = "title: Hub\nsources:\n" + "".join("  - name: %s\n    repo: %s\n    path: docs\n" % (n, p)
                                                 for n, p in srcs.items())
        # the hub's pages sort between the sources' (its share's pages interleave with theirs)
        hub_files = {"almanac.yml": cfg, "content/index.md": "---\ntitle: Handbook\n---\nStart here.\n"}
        hub_files.update({"content/%s.md" % w: page("Hub %s" % w, i) for i, w in enumerate(["apple", "beacon", "delta"])})
        hub = self.repo(hub_files)
        out = os.path.join(self.tmpdir(), "site")
        cache = os.path.join(hub, ".git", "almanac")
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.shares(r), (0, 4))
        self.assertEqual(sorted(n for n in os.listdir(cache) if n.startswith("search-index")),
                         ["search-index", "search-index.alpha", "search-index.beta", "search-index.gamma"])
        self.assert_index_fresh(hub, out)
        # one page of one source edited (its excerpt and its words): only that source's share made again
        kept = {n: os.stat(os.path.join(cache, n)).st_ino for n in os.listdir(cache) if n.startswith("search-index")}
        write(srcs["beta"], "docs/beta-03.md", page("Beta rewritten", 3).replace("first section", "zebra section")
              + "\nA new paragraph about xylophone tuning.\n")
        self.commit(srcs["beta"], "beta: edit", 1)
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.shares(r), (3, 4))
        self.assert_index_fresh(hub, out)
        self.assertNotEqual(os.stat(os.path.join(cache, "search-index.beta")).st_ino, kept["search-index.beta"])
        for n in ["search-index", "search-index.alpha", "search-index.gamma"]:
            self.assertEqual(os.stat(os.path.join(cache, n)).st_ino, kept[n], n)
        # a page added to the first source: the pages after it move one place
        write(srcs["alpha"], "docs/alpha-00a.md", page("Alpha inserted", 11))
        self.commit(srcs["alpha"], "alpha: add", 2)
        r = self.build(hub, out)
        self.assertEqual(self.shares(r), (3, 4))
        self.assert_index_fresh(hub, out)
        # a page removed from the hub and one from a source
        os.remove(os.path.join(hub, "content", "apple.md"))
        self.commit(hub, "hub: remove", 3)
        os.remove(os.path.join(srcs["gamma"], "docs", "gamma-02.md"))
        self.commit(srcs["gamma"], "gamma: remove", 3)
        r = self.build(hub, out)
        self.assertEqual(self.shares(r), (2, 4))
        self.assert_index_fresh(hub, out)
        # a source removed from the site: its share goes with it
        write(hub, "almanac.yml", cfg.split("  - name: gamma")[0])
        self.commit(hub, "hub: no more gamma", 4)
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.shares(r), (3, 3))
        self.assert_index_fresh(hub, out)
        self.assertFalse(os.path.exists(os.path.join(cache, "search-index.gamma")))

    def test_a_rebuild_reads_the_section_texts_of_the_pages_it_needs_only(self):
        srcs = {name: self.source(name, 12) for name in ["alpha", "beta", "gamma"]}
        cfg = "sources:\n" + "".join("  - name: %s\n    repo: %s\n    path: docs\n" % (n, p) for n, p in srcs.items())
        hub = self.repo({"almanac.yml": cfg, "content/index.md": page("Home", 1)})
        out = os.path.join(self.tmpdir(), "site")
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.sections_read(r), (0, 37))  # every page rendered: its texts in memory
        # one page edited: its repository's other pages are replayed from their kept words, and only the
        # pages sharing the edited page's metadata chunk (4 pages a chunk) have their texts read for
        # its excerpts (before, every kept page's sections were read, keyed and cut: 36 of 37)
        write(srcs["beta"], "docs/beta-05.md", page("Beta five rewritten", 5) + "\nNew words: zeppelin harbour.\n")
        self.commit(srcs["beta"], "beta: edit", 1)
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.shares(r), (3, 4))
        read, pages = self.sections_read(r)
        self.assertEqual(pages, 37)
        self.assertGreaterEqual(read, 1)
        self.assertLessEqual(read, 3)
        self.assert_index_fresh(hub, out)
        # a heading renamed on one page (its anchor and words change): that repository's share made again
        write(srcs["gamma"], "docs/gamma-02.md", page("Gamma two", 2).replace("## Fix", "## Repair quickly"))
        self.commit(srcs["gamma"], "gamma: heading", 2)
        r = self.build(hub, out)
        self.assertEqual(self.shares(r), (3, 4))
        self.assertLessEqual(self.sections_read(r)[0], 3)
        self.assert_index_fresh(hub, out)
        # every page's status changes (a later --now): no page tokenized again, but every metadata chunk
        # is made again, from the texts read from the page cache
        r = self.build(hub, out, now="2028-06-01")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.shares(r), (4, 4))
        self.assertEqual(self.sections_read(r), (37, 37))
        self.assert_index_fresh(hub, out, now="2028-06-01")

    def test_a_damaged_share_is_made_again(self):
        srcs = {name: self.source(name, 6) for name in ["alpha", "beta"]}
        cfg = "sources:\n" + "".join("  - name: %s\n    repo: %s\n    path: docs\n" % (n, p) for n, p in srcs.items())
        hub = self.repo({"almanac.yml": cfg, "content/index.md": page("Home", 1)})
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(hub, out).returncode, 0)
        share = os.path.join(hub, ".git", "almanac", "search-index.beta")
        good = open(share, "rb").read()
        day = 0
        for damaged in [good[:len(good) // 2], good[:60] + bytes([good[60] ^ 1]) + good[61:], b"\0" * 64, b""]:
            day += 1
            r = self.rebuild_with(share, damaged, srcs["alpha"], hub, out, day)
            self.assertEqual(self.shares(r), (1, 3))  # beta's made again (from its pages' kept words)
            self.assertEqual(open(share, "rb").read(), good)
            self.assert_index_fresh(hub, out)
        # a folder where the file belongs: not used, the index still written
        os.remove(share)
        os.mkdir(share)
        write(srcs["alpha"], "docs/alpha-01.md", page("Alpha with a folder", 9))
        self.commit(srcs["alpha"], "folder", 9)
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.shares(r), (1, 3))
        self.assert_index_fresh(hub, out)



def rare_words(i, n=160):
    """`n` made-up words of page `i`, most of them on no other page (many terms: many term shards)."""
    letters = "bcdfghjklmnprstvz"
    out = []
    for k in range(n):
        v = (i * 7919 + k * 104729) % 83521 if k % 4 else (k * 31) % 300  # a quarter shared by many pages
        w = ""
        for _ in range(4):
            w += letters[v % len(letters)] + "aeiou"[v % 5]
            v //= len(letters)
        out.append(w)
    return " ".join(out)


class SearchTermShardsTest(SearchRebuildBase):
    """A rebuild makes only the term shards that changed, and they are the shards a full build writes."""

    def site(self):
        srcs = {name: self.repo({"docs/%s-%02d.md" % (name, i): page("%s %s %d" % (name.capitalize(), WORDS[i % 20], i), i)
                                 + "\n## Notes\n\n" + rare_words(i + 100 * k) + "\n" for i in range(30)})
                for k, name in enumerate(["alpha", "beta", "gamma"])}
        cfg = "sources:\n" + "".join("  - name: %s\n    repo: %s\n    path: docs\n" % (n, p) for n, p in srcs.items())
        hub = self.repo({"almanac.yml": cfg, "content/index.md": page("Home", 1),
                         "content/short.md": "---\ntitle: Short\n---\nEtcd quota.\n"})
        return srcs, hub

    def test_a_rebuild_keeps_the_term_shards_whose_terms_did_not_change(self):
        srcs, hub = self.site()
        out = os.path.join(self.tmpdir(), "site")
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        kept, total = self.term_shards(r)
        self.assertEqual(kept, 0)
        self.assertGreaterEqual(total, 12)
        # a paragraph of a new word appended to a short page: the shards from the new word's on are made, those
        # of its other words (whose impact on that page, longer now, no longer rounds as it did) patched;
        # the site's averages do not move
        write(hub, "content/short.md", "---\ntitle: Short\n---\nEtcd quota.\n\nZyzzyva, zyzzyva, zyzzyva.\n")
        self.commit(hub, "hub: a paragraph", 1)
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_index_fresh(hub, out)
        kept, total, patched = self.term_shards_patched(r)
        self.assertGreaterEqual(kept, total // 2, r.stderr)
        self.assertLess(kept, total)
        self.assertGreater(patched, 0)
        # a word of a page replaced by another (its field lengths stay): the shards of the two words (one
        # on one page less, one new), and those after the new word's until a cut falls where it fell
        f = os.path.join(srcs["alpha"], "docs", "alpha-05.md")
        write(srcs["alpha"], "docs/alpha-05.md", open(f).read().replace("Restart the", "Reboot the"))
        self.commit(srcs["alpha"], "alpha: reboot", 2)
        r = self.build(hub, out)
        kept, total = self.term_shards(r)
        self.assertGreaterEqual(kept, total // 2)
        self.assertLess(kept, total)
        self.assert_index_fresh(hub, out)
        # one page's status changes (its review is due sooner): the shards of its terms only
        f = os.path.join(srcs["gamma"], "docs", "gamma-07.md")
        write(srcs["gamma"], "docs/gamma-07.md", open(f).read().replace("owner:", "review_interval: 7d\nowner:", 1))
        self.commit(srcs["gamma"], "gamma: reviewed weekly", 20)
        r = self.build(hub, out, now="2026-11-22")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_index_fresh(hub, out, now="2026-11-22")
        r = self.build(hub, out, now="2026-12-05")  # gamma-07 is due, the others still fresh: its postings'
        self.assertEqual(r.returncode, 0, r.stderr)  # status patched
        kept, total, patched = self.term_shards_patched(r)
        self.assertGreater(kept, 0)
        self.assertEqual(kept + patched, total)
        self.assert_index_fresh(hub, out, now="2026-12-05")

    def test_a_change_of_the_sites_numbers_makes_every_term_shard(self):
        srcs, hub = self.site()
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(hub, out).returncode, 0)
        # a page added: the page count (every idf) and the page numbers after it change
        write(srcs["alpha"], "docs/alpha-00a.md", page("Alpha inserted", 3))
        self.commit(srcs["alpha"], "alpha: add", 1)
        r = self.build(hub, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.term_shards(r)[0], 0)
        self.assert_index_fresh(hub, out)
        # a page removed
        os.remove(os.path.join(srcs["beta"], "docs", "beta-11.md"))
        self.commit(srcs["beta"], "beta: remove", 2)
        r = self.build(hub, out)
        self.assertEqual(self.term_shards(r)[0], 0)
        self.assert_index_fresh(hub, out)
        # every page's status changes
        r = self.build(hub, out, now="2028-06-01")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.term_shards(r)[0], 0)
        self.assert_index_fresh(hub, out, now="2028-06-01")

    def test_a_damaged_record_is_not_used(self):
        srcs, hub = self.site()
        out = os.path.join(self.tmpdir(), "site")
        self.assertEqual(self.build(hub, out).returncode, 0)
        rec = os.path.join(hub, ".git", "almanac", "search-files")
        good = open(rec, "rb").read()
        day = 0
        for damaged in [good[:len(good) // 2], good[:len(good) - 40] + bytes([good[-40] ^ 1]) + good[-39:],
                        good[:8] + b"\x09" + good[9:], b"\0" * 64, b""]:
            day += 1
            r = self.rebuild_with(rec, damaged, srcs["alpha"], hub, out, day)
            self.assertEqual(self.term_shards(r)[0], 0)  # nothing known: every shard made
            self.assert_index_fresh(hub, out)
        # recorded again: a rebuild that changes no term keeps every shard
        write(srcs["alpha"], "docs/alpha-01.md", page("Alpha round %d" % day, day) + "\n")
        self.commit(srcs["alpha"], "no new words", day + 1)
        r = self.build(hub, out)
        kept, total = self.term_shards(r)
        self.assertEqual(kept, total)
        self.assert_index_fresh(hub, out)


if __name__ == "__main__":
    main()
