/*
 * arch/time.h - the TSC as Keel's clock, calibrated at boot.
 */
#ifndef ARCH_TIME_H
#define ARCH_TIME_H

#include "lib/types.h"

/* TSC frequency in kHz, measured against the HPET or the ACPI PM timer. */
extern uint64_t tsc_khz;

/* Calibrates the TSC (needs ACPI parsed); panics if there is no reference. */
void time_init(void);
/* Nanoseconds since Keel's first instruction. */
uint64_t now_ns(void);
uint64_t tsc_to_ns(uint64_t tsc_delta);
uint64_t ns_to_tsc(uint64_t ns);
/* The scale behind tsc_to_ns(): ns = ticks * tsc_ns_mult() >> 32 (the guests' pvclock uses it). */
uint64_t tsc_ns_mult(void);
/* The TSC value of system time 0 (Keel's first instruction). */
extern uint64_t boot_tsc;
/* Busy-waits. */
void udelay(uint64_t us);

#endif
