/*
 * hypervisor/timer.h - hypervisor timers: run a function at a time (ns
 * since boot) on a given CPU.  Each CPU keeps its own queue
 * (common/timer_queue.c) and arms its local APIC timer for the earliest.
 */
#ifndef HYPERVISOR_TIMER_H
#define HYPERVISOR_TIMER_H

#include "hypervisor/common/timer_queue.h"

/* Sets up this CPU's queue and APIC timer (each CPU, before interrupts). */
void timer_init_local(void);
/*
 * Arms `t` (fn and data already set) to fire at `expires_ns` on this CPU.
 * Re-arming a pending timer moves it (also from another CPU's queue).
 * Callable from a timer callback.
 */
void timer_set(struct timer *t, uint64_t expires_ns);
/*
 * Disarms `t` wherever it is pending (any CPU).  A callback already
 * running on another CPU may still finish after this returns.
 */
void timer_stop(struct timer *t);
/* Timers queued on every CPU now (a counter for debug keys). */
unsigned int timer_count_queued(void);

#endif
