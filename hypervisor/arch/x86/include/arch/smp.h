/*
 * arch/smp.h - starting the other CPUs, and talking to them with IPIs.
 */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include "lib/types.h"

struct percpu;

/* The boot CPU's per-CPU data (static: it exists before any allocator). */
extern struct percpu bsp_percpu;

/* Where the AP trampoline goes: a free page below 1 MiB (set by mm setup). */
void smp_set_trampoline(uint64_t maddr);
/* Where the AP start-up trampoline is (below 1 MiB), 0 if none. */
uint64_t smp_trampoline_maddr(void);
/*
 * Starts every CPU the MADT lists with INIT-SIPI-SIPI; a CPU that does not
 * come up within 2 s is reported and skipped.  Returns the number online.
 */
unsigned int smp_boot_cpus(void);
/* Runs fn(arg) on every other online CPU and waits until all have returned. */
void smp_call_function(void (*fn)(void *), void *arg);
/* The same on the online CPUs whose bit (1 << cpu number) is set in cpus, this one excepted. */
void smp_call_function_mask(uint64_t cpus, void (*fn)(void *), void *arg);
/* Halts every other CPU (by NMI, so a CPU spinning with interrupts off stops too). */
void smp_stop_other_cpus(void);
/* NMI hook: true if the NMI was the stop request (the CPU then never returns). */
bool smp_nmi_is_stop(void);

#endif
