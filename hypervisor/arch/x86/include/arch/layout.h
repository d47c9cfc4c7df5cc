/*
 * arch/layout.h - Keel's virtual address map (x86_64).
 *
 * Keel lives only in PML4 slots 256-271 (0xffff800000000000 to
 * 0xffff87ffffffffff), the range Xen reserves for itself in every 64-bit
 * PV address space; every other slot belongs to guests.  Inside it we use
 * Xen's own positions so that PV kernels find what they expect where they
 * expect it (the read-only M2P at the very start, for instance):
 *
 *   0xffff800000000000  slot 256      read-only M2P table for guests (later)
 *   0xffff82d080000000  slot 261      the hypervisor image (text, data, bss)
 *   0xffff82e000000000  slot 261      the frame table (struct page_info[])
 *   0xffff830000000000  slots 262-271 direct map of all RAM (5 TiB)
 *
 * The image is linked to run at KEEL_IMAGE_VIRT + its physical address:
 * Multiboot and the EFI loader both put it at KEEL_IMAGE_PHYS.
 * This header is shared with assembly via layout.inc (keep them in step).
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#include "lib/hv_range.h"

/* Xen's reserved range (lib/hv_range.h), which Keel lives in. */
#define KEEL_VIRT_START HV_RANGE_START
#define KEEL_VIRT_END HV_RANGE_END
#define KEEL_FIRST_PML4_SLOT HV_RANGE_FIRST_L4_SLOT
#define KEEL_LAST_PML4_SLOT HV_RANGE_LAST_L4_SLOT

#define RO_MPT_VIRT_START 0xffff800000000000UL
#define RO_MPT_VIRT_END 0xffff808000000000UL

/* Virtual address of physical address 0 in the image mapping. */
#define KEEL_IMAGE_VIRT 0xffff82d080000000UL
#define KEEL_IMAGE_PHYS 0x200000UL
/* The image mapping spans 1 GiB; the image must fit below that. */
#define KEEL_IMAGE_VIRT_END 0xffff82d0c0000000UL

#define FRAMETABLE_VIRT_START 0xffff82e000000000UL
#define FRAMETABLE_VIRT_END 0xffff82f000000000UL

#define DIRECTMAP_VIRT_START 0xffff830000000000UL
#define DIRECTMAP_VIRT_END 0xffff880000000000UL

#endif /* ARCH_LAYOUT_H */
