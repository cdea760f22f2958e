/* procmem.h - how the almanac process uses memory (prefix pm_).
 *
 * A build is a short process that allocates a few hundred thousand blocks
 * and then exits. On this kind of machine (a VM where a page fault costs
 * several microseconds) a fifth of a 2,000-page build's CPU went to faulting
 * in fresh heap memory and to glibc growing its heaps a page at a time.
 * This module holds the three policies that follow from that: transparent
 * huge pages for malloc in large repositories (a re-execution, because glibc
 * reads that tunable only at start-up), heaps grown in large steps, and no
 * freeing of the whole site just before exit. None of them changes output. */
#ifndef ALMANAC_PROCMEM_H
#define ALMANAC_PROCMEM_H

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
void pm_reexec_hugepages(char **argv, const char *repo_dir);

/* For a one-shot command (build, check, report; not serve, which lives on):
 * asks malloc to grow its heaps 8 MiB at a time (M_TOP_PAD) instead of a
 * page at a time: far fewer brk/mprotect calls and faults, for a few MiB of
 * peak memory. Does nothing in sanitizer builds (their allocator ignores it). */
void pm_tune_malloc_for_batch(void);

/* 1 when a finishing command should free its data before returning: in
 * sanitizer builds and under valgrind (leak checks must see every block
 * freed), or when ALMANAC_FREE_AT_EXIT=1. 0 otherwise: the kernel takes the
 * whole address space back at exit at no cost, while walking 20,000 pages'
 * structures to free them one by one takes a third of a second. */
int pm_free_at_exit(void);

#endif
