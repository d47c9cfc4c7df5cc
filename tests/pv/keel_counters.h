/*
 * tests/pv/keel_counters.h - Keel's own resource counters, as the 'q'
 * debug key prints them into the console ring (hypercalls/debug_keys.c):
 * the "totals:" line's numbers, read back with XEN_SYSCTL_debug_keys and
 * XEN_SYSCTL_readconsole by a privileged test kernel.  They are the
 * evidence that a destroyed domain gave everything back.  Xen's 'q'
 * report is its own, so callers ask keel_counters_available() first.
 */
#ifndef TESTS_PV_KEEL_COUNTERS_H
#define TESTS_PV_KEEL_COUNTERS_H

#include <stdbool.h>

/* The totals, in the order the line prints them. */
enum keel_total {
	KEEL_DOMAINS,
	KEEL_DOMAIN_PAGES,
	KEEL_EVENT_CHANNELS,
	KEEL_GRANT_MAPPINGS,
	KEEL_TIMERS_QUEUED,
	KEEL_NR_TOTALS,
};

/* True when we run on Keel (XENVER_extraversion names it). */
bool keel_counters_available(void);

/*
 * Empties the console ring, presses 'q' and parses the report's totals
 * into out.  Returns false if a call failed or the line was not found.
 */
bool keel_counters_read(unsigned long out[KEEL_NR_TOTALS]);

/* Prints "what: a/b/c/d/e" for a set of totals. */
void keel_counters_print(const char *what, const unsigned long t[KEEL_NR_TOTALS]);

#endif /* TESTS_PV_KEEL_COUNTERS_H */
