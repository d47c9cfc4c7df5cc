/*
 * hypervisor/arch/x86/pv/pv_traps.h - entries from PV guest context
 * (pv_traps.c), called from entry code with the guest frame.
 */
#ifndef ARCH_PV_PV_TRAPS_H
#define ARCH_PV_PV_TRAPS_H

#include "arch/traps.h"

/* The hypercall vector (int 0x82, DPL 3), as Xen's. */
#define PV_HYPERCALL_VECTOR 0x82

/* int $0x80 (DPL 3): goes straight to the guest kernel's vector 0x80, as Xen's. */
#define PV_INT80_VECTOR 0x80

/* SYSCALL from the guest (pv_entry.asm), interrupts on. */
void pv_do_syscall(struct trap_frame *f);
/* An exception (vector < 32) raised in guest context. */
void pv_guest_exception(struct trap_frame *f);
/* int $0x80 from the guest. */
void pv_guest_int80(struct trap_frame *f);
/* int 0x82 from the guest. */
void pv_guest_int82(struct trap_frame *f);

#endif
