/*
 * hypervisor/options.h - Keel's command-line options (Xen's names where
 * Xen has them).  docs/cmdline.md lists every option.
 */
#ifndef HYPERVISOR_OPTIONS_H
#define HYPERVISOR_OPTIONS_H

#include "lib/types.h"

extern uint16_t opt_console_port; /* 0: no console */
extern uint32_t opt_console_baud; /* 0: keep the firmware's setting */
extern char opt_selftest[32];
/*
 * Fault injection for tests: the CPU with this APIC id is never sent its
 * startup IPIs, so it never comes up (UINT32_MAX: none).
 */
extern uint32_t opt_debug_fail_cpu;
extern uint64_t opt_dom0_mem, opt_dom0_mem_max;
/* dom0_max_vcpus=: dom0 gets the number of CPUs, at least min and at most max (default 1-1). */
extern unsigned int opt_dom0_vcpus_min, opt_dom0_vcpus_max;

/*
 * sched=credit (the only scheduler), sched_credit_tslice_ms=,
 * sched_ratelimit_us= (UINT32_MAX: not given, the defaults of
 * sched/policy.h).
 */
extern uint32_t opt_sched_tslice_ms, opt_sched_ratelimit_us;

/* Parses the hypervisor command line (before the console exists). */
void options_parse(const char *cmdline);
/* Prints the warnings parsing collected (once the console is up). */
void options_report_unknown(void);

#endif
