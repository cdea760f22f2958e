#!/usr/bin/env python3
"""The fuzz targets' inputs run in every test build, without clang or libFuzzer.

fuzz/run fuzzes with libFuzzer (clang) outside the suite; this test replays
what must keep passing between fuzzing runs: for each target, the seeds
fuzz/run gathers from the project's fixtures (`fuzz/run --seeds-to`) and the
committed inputs that once crashed (fuzz/regressions/TARGET), through the
same LLVMFuzzerTestOneInput and its oracles (no injected tag or script, no
sanitizer report), linked with fuzz/replay_main.c by tests/meson.build. In
the sanitizer build the replays run under ASan and UBSan."""
import os
import subprocess
import tempfile
import unittest

from almanac_testlib import BIN, main

SOURCE_ROOT = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT") or
                              os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

TARGETS = ["fuzz_frontmatter", "fuzz_config", "fuzz_mustache", "fuzz_links", "fuzz_page", "fuzz_rules",
           "fuzz_history"]
REPLAYS = os.path.join(os.path.dirname(BIN), "tests")


class FuzzReplay(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="almanac-fuzz-seeds-")
        r = subprocess.run([os.path.join(SOURCE_ROOT, "fuzz", "run"), "--seeds-to", cls.tmp.name],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise AssertionError("fuzz/run --seeds-to failed: %s" % r.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_seed_and_regression_passes(self):
        for t in TARGETS:
            with self.subTest(target=t):
                seeds = os.path.join(self.tmp.name, t)
                regressions = os.path.join(SOURCE_ROOT, "fuzz", "regressions", t)
                n_inputs = len(os.listdir(seeds)) + (len(os.listdir(regressions)) if os.path.isdir(regressions) else 0)
                self.assertGreater(len(os.listdir(seeds)), 0, "%s: no seeds gathered" % t)
                args = [os.path.join(REPLAYS, "replay_" + t), seeds]
                if os.path.isdir(regressions):
                    args.append(regressions)
                r = subprocess.run(args, capture_output=True, text=True, timeout=600)
                self.assertEqual(r.returncode, 0, "%s: %s" % (t, r.stderr[-3000:]))
                self.assertIn("%d inputs replayed, 0 unreadable" % n_inputs, r.stdout)
                for mark in ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer"):
                    self.assertNotIn(mark, r.stderr, t)


if __name__ == "__main__":
    main()
