/*
 * hypervisor/arch/x86/pv/pv_ptwr_fault.h - emulated stores to a guest's L1
 * page tables (pv_ptwr_fault.c).
 */
#ifndef ARCH_PV_PV_PTWR_FAULT_H
#define ARCH_PV_PV_PTWR_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/traps.h"
#include "hypervisor/common/vcpu.h"

/*
 * A #PF (error code ec at cr2) in guest context: if it is a store into one
 * of the guest's own L1 tables, emulate it (or deliver Xen's #PF for a
 * refused entry) and return true; false if it is some other fault.
 */
bool pv_ptwr_fault(struct vcpu *v, struct trap_frame *f, uint64_t cr2, uint32_t ec);

#endif
