/*
 * hypercalls/hypercalls.h - the generic hypercall handlers (one file of
 * this folder each).  Every handler takes the calling vCPU first, then
 * the guest's arguments as Xen's public headers define them, and returns
 * what the guest sees in RAX: >= 0, or a negative Xen errno.
 */
#ifndef HYPERCALLS_HYPERCALLS_H
#define HYPERCALLS_HYPERCALLS_H

#include <stdint.h>

struct vcpu;
struct domain;

/* console_io.c */
long do_console_io(struct vcpu *v, unsigned int cmd, unsigned int count, uint64_t buffer);

/* xen_version.c */
long do_xen_version(struct vcpu *v, int cmd, uint64_t arg);
/* The XENFEAT_* bits of submap `submap` that Keel gives domain d. */
uint32_t xen_version_features(const struct domain *d, unsigned int submap);
/* What XENVER_commandline reports (Keel's own command line); kept, not copied. */
void xen_version_set_cmdline(const char *cmdline);

/* memory_op.c */
long do_memory_op(struct vcpu *v, unsigned long cmd, uint64_t arg);

/* vcpu_op.c */
long do_vcpu_op(struct vcpu *v, int cmd, unsigned int vcpuid, uint64_t arg);
long do_set_timer_op(struct vcpu *v, uint64_t timeout);
/*
 * Rewrite v's registered runstate area (its runstate now) and time area
 * (a copy of its vcpu_info's pvclock record), if it has them.  The
 * machine calls these when v is switched in or out and when it
 * republishes v's pvclock, with v's domain's kernel page tables loaded
 * (the areas are guest virtual addresses); a fault drops the write.
 */
void vcpu_runstate_area_update(struct vcpu *v);
void vcpu_time_area_update(struct vcpu *v);

/* sched_op.c */
long do_sched_op(struct vcpu *v, int cmd, uint64_t arg);
/* A watchdog of d may have expired (the machine calls this, outside interrupts). */
void sched_op_watchdog_expired(struct domain *d);

/* event_channel.c (the interface the rest of Keel uses: evtchn.h) */
long do_event_channel_op(struct vcpu *v, int cmd, uint64_t arg);

/* domctl.c, sysctl.c: the control domain's interface (what they share: control.h) */
long do_domctl(struct vcpu *v, uint64_t arg);
long do_sysctl(struct vcpu *v, uint64_t arg);
long do_platform_op(struct vcpu *v, uint64_t arg);

/* grant_table.c (and grant_*.c; the interface the rest of Keel uses: gnttab.h) */
long do_grant_table_op(struct vcpu *v, unsigned int cmd, uint64_t uop, unsigned int count);

#endif
