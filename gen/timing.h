/* timing.h - phase timings for profiling, printed when ALMANAC_TIMING=1 (prefix timing_). */
#ifndef ALMANAC_TIMING_H
#define ALMANAC_TIMING_H

/* Non-zero when ALMANAC_TIMING (or the older ALMANAC_SERVE_TIMING) is set to
 * something other than "" or "0". Read once. */
int timing_enabled(void);

/* End the current phase and start the next: prints "  <name>  <wall> ms wall
 * <cpu> ms cpu <n> MiB peak" to stderr for the time since the previous mark
 * (peak: the process's largest resident set so far). A NULL name
 * only restarts the clock. Does nothing unless timing_enabled(). Not
 * thread-safe: call from the main thread only. */
void timing_mark(const char *name);

#endif
