/* hugepages.h - run large builds with transparent huge pages for malloc (prefix hp_).
 *
 * On this kind of machine (a VM where a page fault costs several
 * microseconds), a 2,000-page build spends a fifth of its CPU faulting in
 * fresh heap memory 4 KiB at a time. glibc (2.35+) can back its heap with
 * transparent huge pages, but only when the GLIBC_TUNABLES variable says so
 * at process start; so almanac sets it and executes itself again, once, when
 * that pays (see hp_reexec). */
#ifndef ALMANAC_HUGEPAGES_H
#define ALMANAC_HUGEPAGES_H

/* Re-execute /proc/self/exe with the same `argv` and GLIBC_TUNABLES extended
 * by glibc.malloc.hugetlb=1 when all of these hold: not a sanitizer build, not
 * under valgrind, ALMANAC_HUGEPAGES is not "0", GLIBC_TUNABLES does not mention
 * glibc.malloc.hugetlb yet (so it happens at most once), the kernel's THP mode
 * is "madvise" (with "always" malloc gets them anyway, with "never" it cannot),
 * and the Git repository containing `repo_dir` has an index of 128 KiB or more
 * (about 1,000 files: below that the second start-up costs more than it saves).
 * Returns only when it did not re-execute (or exec failed): then nothing changed.
 * With ALMANAC_TIMING set, the process that runs with the tunable says so
 * on stderr ("  malloc: GLIBC_TUNABLES=..."). */
void hp_reexec(char **argv, const char *repo_dir);

#endif
