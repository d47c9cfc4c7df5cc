/*
 * hypervisor/arch/x86/pv/pv_time.h - guest time and timers (pv_time.c).
 */
#ifndef ARCH_PV_PV_TIME_H
#define ARCH_PV_PV_TIME_H

#include <stdint.h>

struct vcpu;
struct domain;

/* Reads the RTC once: the wall clock at system time 0 (boot CPU, after time_init). */
void pv_time_init(void);
/* A new domain's shared_info gets the wall clock. */
void pv_time_domain_init(struct domain *d);
/* XEN_DOMCTL_settimeoffset: d's wall clock becomes Keel's plus seconds (d has shared_info). */
void pv_time_set_offset(struct domain *d, int64_t seconds);
/* v is switched in on this CPU: republish its pvclock record. */
void pv_time_publish(struct vcpu *v);
/* v is switched in / out on this CPU: pvclock, and its periodic timer (exit path). */
void pv_time_switch_in(struct vcpu *v);
void pv_time_switch_out(struct vcpu *v);
/* Every vCPU's periodic timer period until the guest sets one (Xen's default). */
#define PV_DEFAULT_PERIOD_NS 10000000ULL
/* On v's CPU's exit path: send the VIRQ_TIMER its timers asked for. */
void pv_time_deferred(struct vcpu *v);
/* v goes away: its guest timers must not fire (called on v's CPU). */
void pv_time_vcpu_release(struct vcpu *v);

#endif
