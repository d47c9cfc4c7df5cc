/*
 * hypervisor/arch/x86/pv/pv_mm.h - PV MMU setup on the machine (pv_mm.c).
 */
#ifndef ARCH_PV_PV_MM_H
#define ARCH_PV_PV_MM_H

#include <stdint.h>

#include "lib/types.h"

/* The machine's physical address width (CPUID 0x80000008; 36 without it). */
unsigned int pv_mm_machine_address_bits(void);

/* Page-type configuration and the M2P (boot CPU, memory up, before any guest). */
void pv_mm_init(void);

/*
 * Records what the hardware domain's I/O memory rules need (ACPI's
 * interrupt controllers and HPET, the AP trampoline): boot CPU, after the
 * ACPI tables are read, before any guest.  Until then dom0 maps no I/O.
 */
void pv_mm_iomem_init(void);

/*
 * The machine frame behind guest address va in the page tables loaded on
 * this CPU (every level validated, so no superpages), or INVALID_MFN when
 * va is not mapped or lies in Keel's range.
 */
mfn_t pv_guest_va_to_mfn(uint64_t va);

#endif
