/*
 * hypervisor/arch/x86/pv/pv_mm.h - PV MMU setup on the machine (pv_mm.c).
 */
#ifndef ARCH_PV_PV_MM_H
#define ARCH_PV_PV_MM_H

/* Page-type configuration and the M2P (boot CPU, memory up, before any guest). */
void pv_mm_init(void);

#endif
