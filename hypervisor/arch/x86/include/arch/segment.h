/*
 * arch/segment.h - Keel's segment selectors, at Xen's positions.
 *
 * 64-bit PV guests load Xen's flat ring-3 selectors (FLAT_RING3_CS64 =
 * 0xe033 and friends, xen/arch-x86/xen-x86_64.h), and the guest's own GDT
 * may use every entry below FIRST_RESERVED_GDT_ENTRY.  So Keel's descriptors
 * live in one "reserved" page whose first byte is GDT offset 0xe000:
 * each CPU's GDTR base is that page's address minus 0xe000.  The layout also
 * makes SYSRET work: STAR's user base 0xe023 gives CS 0xe033, SS 0xe02b.
 */
#ifndef ARCH_SEGMENT_H
#define ARCH_SEGMENT_H

#include <xen/xen.h>

#define GDT_RESERVED_OFFSET FIRST_RESERVED_GDT_BYTE /* 0xe000 */

#define HYPERVISOR_CS 0xe008 /* ring 0, 64-bit code */
#define HYPERVISOR_DS 0xe010 /* ring 0, data (also SS) */
#define GUEST_CS32 FLAT_RING3_CS32 /* 0xe023: ring 3, 32-bit code */
#define GUEST_DS FLAT_RING3_DS32   /* 0xe02b: ring 3, data (also SS) */
#define GUEST_CS64 FLAT_RING3_CS64 /* 0xe033: ring 3, 64-bit code */
#define TSS_SELECTOR 0xe040	   /* 16-byte system descriptor */
#define LDT_SELECTOR 0xe050	   /* 16-byte system descriptor: the running guest's LDT */

/* Index of a selector's descriptor within the reserved page. */
#define GDT_RESERVED_INDEX(sel) ((((sel) & ~7u) - GDT_RESERVED_OFFSET) / 8)

#endif
