/* freshness.h - the freshness policy: dates, intervals, statuses, drift, trend (prefix fresh_).
 *
 * Pure functions over numbers (no I/O, no globals, thread-safe); the history
 * walk (history.h) supplies the dates. All times are UTC seconds since the
 * epoch (int64_t); "days" are 86,400-second periods. Rules (PRODUCT.md
 * "Freshness"):
 *
 *   basis     the last counting commit's time (default), or with
 *             `freshness.basis: reviewed` the front-matter `reviewed` date
 *             (a page without one is stale).
 *   age       floor((now - basis) / 86400) days; 0 when the basis lies in the
 *             future (clock skew).
 *   window    the due window: the configured one (default 30 days), but at
 *             most half the interval, so that a page is fresh for at least
 *             half of its interval (fresh_due_window).
 *   status    uncommitted (the file has uncommitted changes or is untracked)
 *             comes first; then unknown when there is no basis (no history,
 *             or history truncated by a shallow clone) — except that a page
 *             without a `reviewed` date under basis reviewed is stale; then
 *             stale when age > interval, due when age > interval - window,
 *             fresh otherwise. due_in_days = interval - age (negative when
 *             stale).
 *   intervals "90d", "12w", "6m", "1y": d = 1, w = 7, m = 30, y = 365 days
 *             (calendar-independent); a bare number means days.
 *   drift     a watched path changed in a commit newer than the page's own
 *             last commit BY MORE THAN the grace period: more than `grace`
 *             business days (Mon-Fri, UTC calendar days) lie between the
 *             page's last commit and the watched change (fresh_drifted).
 *   trend     one point per month end for the last 12 months: the status each
 *             page had at 23:59:59 UTC on the last day of the month, from the
 *             history (fresh_month_ends, fresh_status_at). */
#ifndef ALMANAC_FRESHNESS_H
#define ALMANAC_FRESHNESS_H

#include <stddef.h>
#include <stdint.h>

#include "history.h"

/* Statuses. The first five have the same values as site.h's site_status_t
 * (FRESH_FRESH ... FRESH_UNKNOWN), so a cast converts between them. */
typedef enum {
	FRESH_STATUS_FRESH = 0,
	FRESH_STATUS_DUE = 1,
	FRESH_STATUS_STALE = 2,
	FRESH_STATUS_UNCOMMITTED = 3,
	FRESH_STATUS_UNKNOWN = 4,
	FRESH_STATUS_ABSENT = 5   /* trend only: the page did not exist at that instant */
} fresh_status_t;

#define FRESH_DEFAULT_INTERVAL 180   /* days */
#define FRESH_DEFAULT_WINDOW 30      /* days */
#define FRESH_DEFAULT_GRACE 5        /* business days */

/* Business days (Monday to Friday, by UTC calendar day) after the day of t0
 * up to and including the day of t1: Friday -> next Monday is 1, Monday ->
 * Monday a week later is 5. 0 when t1 is on or before t0's day. */
int64_t fresh_business_days_between(int64_t t0, int64_t t1);

/* The effective due window for an interval: min(window, interval / 2);
 * window < 0 means the default (30). */
int fresh_due_window(int interval_days, int window_days);

typedef struct {
	int64_t now;             /* the instant statuses are computed against */
	int interval_days;       /* the page's review interval (> 0; <= 0 means the default 180) */
	int window_days;         /* configured due window (< 0 = default 30) */
	int basis_reviewed;      /* freshness.basis: reviewed */
	int64_t last_commit;     /* last counting commit time (date source); 0 = none */
	int truncated;           /* history cut by a shallow clone before a commit was found */
	int64_t reviewed;        /* front-matter `reviewed` (UTC midnight), 0 = absent */
	int uncommitted;         /* uncommitted changes or untracked (HIST_MODIFIED/HIST_UNTRACKED) */
} fresh_input_t;

typedef struct {
	fresh_status_t status;
	int64_t basis_time;      /* the time the age counts from; 0 when none */
	int has_age;             /* 0 when there is no basis (age and due_in are then 0) */
	int age_days;
	int due_in_days;         /* interval - age; negative when stale */
	int interval_days;       /* as used (default applied) */
	int window_days;         /* effective due window */
} fresh_result_t;

/* Compute a page's status (rules above). `in` and `out` must not be NULL. */
void fresh_status(const fresh_input_t *in, fresh_result_t *out);

/* "fresh", "due", "stale", "uncommitted", "unknown", "absent". */
const char *fresh_status_name(fresh_status_t st);

/* 1 when a watched change at `watch_time` makes a page last committed at
 * `page_time` drifted: watch_time > page_time and more than `grace` business
 * days lie between them (grace < 0 = default 5). 0 when either time is 0. */
int fresh_drifted(int64_t page_time, int64_t watch_time, int grace);

/* The last `n` month ends at or before `now`, oldest first: out[i] is
 * 23:59:59 UTC of a month's last day. Returns n. For the 12-month trend pass
 * out[0] as hist_opts_t.since. */
int fresh_month_ends(int64_t now, int n, int64_t *out);

/* The status a page had at instant `t` (a month end), from its history entry:
 * FRESH_STATUS_ABSENT when it did not exist then, FRESH_STATUS_UNKNOWN when
 * the history cannot tell (shallow clone, walk window) or it had no counting
 * commit yet, else fresh/due/stale with the age at `t`. With basis_reviewed
 * the current `reviewed` date counts when it is on or before `t` (earlier
 * review dates are not in the walk), otherwise the page counts as stale.
 * `e` NULL means no history (FRESH_STATUS_ABSENT). */
fresh_status_t fresh_status_at(const hist_entry_t *e, int64_t t, int interval_days, int window_days,
			       int basis_reviewed, int64_t reviewed);

#endif
