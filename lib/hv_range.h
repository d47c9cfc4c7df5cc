/*
 * lib/hv_range.h - the hypervisor's reserved virtual range in every 64-bit
 * PV address space, from Xen's public ABI (__HYPERVISOR_VIRT_START/END in
 * xen/arch-x86/xen-x86_64.h): 0xffff800000000000-0xffff87ffffffffff, PML4
 * slots 256-271.  Keel lives there; guests may map nothing there.  The one
 * definition every layer uses (lib/ is the bottom layer).
 */
#ifndef LIB_HV_RANGE_H
#define LIB_HV_RANGE_H

#include <stdint.h>

#include <xen/xen.h>

#define HV_RANGE_START ((unsigned long long)__HYPERVISOR_VIRT_START)
#define HV_RANGE_END ((unsigned long long)__HYPERVISOR_VIRT_END) /* exclusive */
#define HV_RANGE_FIRST_L4_SLOT ((unsigned int)((HV_RANGE_START >> 39) & 511))  /* 256 */
#define HV_RANGE_LAST_L4_SLOT ((unsigned int)(((HV_RANGE_END - 1) >> 39) & 511)) /* 271 */

#endif /* LIB_HV_RANGE_H */
