/*
 * hypervisor/arch/x86/pv/pv_timers.h - vCPU wake-up and watchdog timers (pv_timers.c).
 */
#ifndef ARCH_PV_PV_TIMERS_H
#define ARCH_PV_PV_TIMERS_H

struct vcpu;

/* Runs what timer callbacks left for later: on the exit path, interrupts off. */
void pv_timers_deferred_work(void);
/* v is going away: its wake-up timer must not fire (called on v's CPU). */
void pv_timers_vcpu_release(struct vcpu *v);

#endif
