"""The man page (man/almanac.1, installed by meson and shipped in the Debian package) says
what `almanac --help` and `almanac COMMAND --help` say: the same commands, each command's
options in its synopsis and its section, the exit codes; and groff formats it without a
warning."""
import os
import re
import shutil
import subprocess
import unittest

from almanac_testlib import main, run

SRC = os.path.abspath(os.environ.get("ALMANAC_SOURCE_ROOT") or
                      os.path.join(os.path.dirname(__file__), "..", ".."))
MAN = os.path.join(SRC, "man", "almanac.1")
OPTION = re.compile(r"--[a-z][a-z-]*[a-z]")


def man_source():
    with open(MAN, encoding="utf-8") as f:
        return f.read().replace("\\-", "-")


def section(text, start, ends=(".SS ", ".SH ")):
    """The lines after the line `start` up to the next line starting with one of `ends`."""
    lines = text.splitlines()
    i = lines.index(start)
    out = []
    for line in lines[i + 1:]:
        if line.startswith(ends):
            break
        out.append(line)
    return "\n".join(out)


def synopsis_of(text, cmd):
    """The synopsis lines of `almanac CMD` (from `.B almanac CMD` to the next .br)."""
    syn = section(text, ".SH SYNOPSIS", ends=(".SH ",))
    m = re.search(r"^\.B almanac %s\n(.*?)^\.br$" % cmd, syn, re.S | re.M)
    return m.group(1) if m else ""


def commands():
    r = run("--help")
    block = r.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


class ManPage(unittest.TestCase):
    def setUp(self):
        self.man = man_source()

    def test_every_command_has_its_section_and_synopsis(self):
        cmds = commands()
        self.assertEqual(cmds, ["build", "serve", "check", "report", "new"])
        documented = re.findall(r"^\.SS almanac (\S+)$", self.man, re.M)
        self.assertEqual(documented, cmds)
        for cmd in cmds:
            self.assertIn(".B almanac %s\n" % cmd, self.man, cmd)

    def test_each_command_s_options_match_its_help(self):
        for cmd in commands():
            helped = set(OPTION.findall(run(cmd, "--help").stdout))
            manned = set(OPTION.findall(section(self.man, ".SS almanac " + cmd)))
            synopsis = set(OPTION.findall(synopsis_of(self.man, cmd)))
            self.assertEqual(manned, helped, "almanac %s: man page section vs --help" % cmd)
            self.assertEqual(synopsis, helped, "almanac %s: man page synopsis vs --help" % cmd)
        # the values --format takes
        for cmd in ("check", "report"):
            values = re.search(r"--format ([a-z|-]+)\]", run(cmd, "--help").stdout).group(1)
            flat = re.sub(r"\s+|\.[BI]R?\b|\.RB\b", "", synopsis_of(self.man, cmd))
            self.assertIn("[--format%s]" % values, flat, cmd)

    def test_each_option_s_value_has_the_same_name(self):
        # what a synopsis calls an option's value (--jobs N, --source NAME=PATH) is what the man page
        # calls it: --help once said `--fetch-limit S` where the man page and the manual say SECONDS
        for cmd in commands():
            helped = dict(re.findall(r"\[(--[a-z-]+) ([A-Z][A-Z=]*)\]", run(cmd, "--help").stdout))
            manned = {opt: re.sub(r"\s|\]|\.\.\.", "", value) for opt, value in
                      re.findall(r"^\.RB \[ (--[a-z-]+)\n\.IR ([^\n]*)$", synopsis_of(self.man, cmd), re.M)}
            self.assertEqual(helped, manned, "almanac %s: the values' names in --help vs the man page" % cmd)

    def test_global_options_and_exit_codes(self):
        top = run("--help").stdout
        options = top.split("Options:\n", 1)[1].split("\n\n", 1)[0]
        self.assertEqual(sorted(set(OPTION.findall(options))), ["--help", "--version"])
        for opt in OPTION.findall(options):
            self.assertIn(opt, section(self.man, ".SS Global options", ends=(".SH ",)))
        codes = re.findall(r"(\d) [a-z]", top.split("Exit codes:", 1)[1])
        exit_status = section(self.man, ".SH EXIT STATUS", ends=(".SH ",))
        self.assertEqual(re.findall(r"^\.B (\d)$", exit_status, re.M), codes)
        self.assertIn("unknown commit", self.man)   # what --version prints without Git

    @unittest.skipUnless(shutil.which("groff"), "groff is not installed (apt-get install groff-base)")
    def test_groff_formats_it_without_warnings(self):
        r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", MAN],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        r = subprocess.run(["groff", "-man", "-Tutf8", MAN], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=dict(os.environ, GROFF_NO_SGR="1"))
        plain = re.sub(r".\x08", "", r.stdout)
        self.assertIn("almanac check --format gitlab", re.sub(r"\s+", " ", plain))


if __name__ == "__main__":
    main()
