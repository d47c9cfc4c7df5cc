/*
 * tests/host/include/host/control_shim.h - knobs and records of
 * tests/host/control_shim.c, the unit tests' machine behind
 * hypercalls/control.h.
 */
#ifndef HOST_CONTROL_SHIM_H
#define HOST_CONTROL_SHIM_H

#include <stdint.h>

#include "hypercalls/control.h"

/* What arch_control_machine / arch_control_paddr_bits / _timers_queued report. */
extern struct control_machine host_control_machine;
/*
 * arch_control_pcpu's answers: CPUs below host_control_machine.nr_cpus,
 * CPU n with APIC id 2n and ACPI id n+1, an AMD family 0x19 model 0x21
 * stepping 2; online but host_control_offline_cpu.
 */
extern unsigned int host_control_offline_cpu;
extern unsigned int host_control_paddr_bits;
extern unsigned int host_control_timers;

/* The last arch_control_set_time_offset call. */
extern struct domain *host_control_offset_domain;
extern int64_t host_control_offset_seconds;

/* Back to the defaults: 2 CPUs online of 4, 2 GHz, 40 address bits, no timers, no call seen. */
void host_control_reset(void);

#endif
