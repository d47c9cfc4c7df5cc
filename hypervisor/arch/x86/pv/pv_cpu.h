/*
 * hypervisor/arch/x86/pv/pv_cpu.h - per-CPU setup for running PV guests.
 */
#ifndef ARCH_PV_PV_CPU_H
#define ARCH_PV_PV_CPU_H

#include "arch/percpu.h"

/*
 * Prepares CPU p (running on it, memory up) to run PV guests: its SYSCALL
 * stubs and MSRs, and TSS.RSP0 pointing at its guest frame.
 */
void pv_cpu_init(struct percpu *p);

#endif
