/*
 * arch/paging.h - Keel's own page tables ("idle" tables every CPU runs on
 * when no guest is loaded) and MMIO mappings.
 */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include "lib/types.h"

#define PTE_P (1UL << 0)
#define PTE_W (1UL << 1)
#define PTE_U (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_PS (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_NX (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* MMIO mappings (uncached) live here, after the image's 1 GiB: 2 MiB, one page table. */
#define IOREMAP_VIRT_START 0xffff82d0c0000000UL
#define IOREMAP_VIRT_END 0xffff82d0c0200000UL

/* Machine address of the idle PML4, loaded into CR3 by every CPU. */
extern uint64_t idle_pml4_maddr;

/*
 * Builds the idle page tables: the direct map of [0, max(4 GiB, ram_end)),
 * the image with per-section permissions (text RX, rodata R, data RW, NX
 * wherever the CPU has it), nothing outside PML4 slots 256-271; then
 * switches this CPU to them.  Page-table frames come from alloc_frame,
 * which must return frames below 4 GiB (the boot map's reach).
 */
void paging_init(uint64_t ram_end, mfn_t (*alloc_frame)(void));

/* Page-table frames come from here once the boot allocator is closed. */
void paging_set_frame_allocator(mfn_t (*alloc_frame)(void));
/*
 * Maps (or unmaps) one 4 KiB page in the idle tables, creating tables as
 * needed.  For Keel's own use and the self-tests; guests' page tables are
 * theirs, changed only through validated hypercalls.
 */
void paging_map_page(uint64_t va, uint64_t maddr, uint64_t flags);
void paging_unmap_page(uint64_t va);

/* Maps `len` bytes of MMIO at machine address `maddr`, uncached. */
void *ioremap(uint64_t maddr, size_t len);

/* Lowest and highest PML4 slots in use in the idle tables. */
void paging_slots_in_use(unsigned int *first, unsigned int *last);

#endif
