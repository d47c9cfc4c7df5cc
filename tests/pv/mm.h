/*
 * tests/pv/mm.h - memory helpers of the PV test kernels: frame numbers,
 * page-table walks, spare pages and the shared_info mapping.
 *
 * The domain builder maps the kernel image, the p2m list (start_info's
 * mfn_list), start_info, the bootstrap page tables (read-only) and a boot
 * stack contiguously from PV_VIRT_BASE, pseudo-physical frame 0 upwards,
 * and rounds the mapping up to a 4 MiB boundary.  So in that region
 * pfn == (va - PV_VIRT_BASE) / 4096, and the pages after the boot stack are
 * ours, mapped writable and unused: mm_alloc_page() hands them out.  Frames
 * past the mapping (up to nr_pages) are ours and mapped nowhere:
 * mm_alloc_frame() hands those out.  Nothing is ever freed.
 *
 * Single vCPU, no locks.  mm_init() runs before the first test (pv_main).
 */
#ifndef TESTS_PV_MM_H
#define TESTS_PV_MM_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#define PV_VIRT_BASE 0xffffffff80000000UL
#define PV_PAGE_SIZE 4096UL

/* x86 page-table entry bits (what Xen's 64-bit PV ABI keeps of them). */
#define PTE_P	 (1UL << 0)
#define PTE_RW	 (1UL << 1)
#define PTE_US	 (1UL << 2)
#define PTE_PWT	 (1UL << 3)
#define PTE_PCD	 (1UL << 4)
#define PTE_A	 (1UL << 5)
#define PTE_D	 (1UL << 6)
#define PTE_PSE	 (1UL << 7)
#define PTE_G	 (1UL << 8)
#define PTE_NX	 (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

#define pte_mfn(pte) (((pte)&PTE_ADDR) >> 12)

/* The shared_info page, mapped by mm_init(); vCPU 0's vcpu_info in it. */
extern volatile struct shared_info *pv_shared_info;
#define pv_vcpu0 (&pv_shared_info->vcpu_info[0])

/**
 * Finds the spare pages and maps shared_info (pv_shared_info stays NULL if
 * that fails); called once by pv_main.  Returns 0 or update_va_mapping's
 * error.
 */
long mm_init(void);

/** The builder's p2m entry for @pfn (start_info's mfn_list). */
unsigned long pfn_to_mfn(unsigned long pfn);

/** Xen's read-only M2P entry for @mfn (machine_to_phys_mapping). */
unsigned long mfn_to_pfn(unsigned long mfn);

/** The pfn behind @va in the builder's linear region (no walk). */
unsigned long virt_to_pfn(const volatile void *va);

/** The address of @pfn in the builder's linear region, or NULL past it. */
void *pfn_to_virt(unsigned long pfn);

/**
 * The level-@level (1-4) entry on the way to @va in the current kernel
 * page tables (read through the builder's read-only mapping of them), or
 * NULL when an upper level is not present or a table lies outside the
 * linear region.
 */
const volatile uint64_t *mm_entry(unsigned long va, int level);

/** Machine address of the level-@level entry mapping @va (0 if none). */
uint64_t mm_entry_maddr(unsigned long va, int level);

/** The L1 entry for @va (0 if not mapped). */
uint64_t mm_pte(unsigned long va);

/** The machine frame @va maps (from its L1 entry; ~0UL if not mapped). */
unsigned long virt_to_mfn(const volatile void *va);

/** Machine frame of the current L4 (from the builder's pt_base). */
unsigned long mm_l4_mfn(void);

/** A zeroed, writable, page-aligned page of ours in the linear region. */
void *mm_alloc_page(void);

/** A frame of ours that no page table maps (its contents unknown). */
unsigned long mm_alloc_frame(void);

/**
 * A frame we gave back to Xen (XENMEM_decrease_reservation), so free and
 * owned by nobody: the model "frame that is not ours".  The same frame on
 * every call.
 */
unsigned long mm_released_frame(void);

/** update_va_mapping(@va, @pte, UVMF_INVLPG | UVMF_LOCAL). */
long mm_set_pte(const volatile void *va, uint64_t pte);

/** Remaps @va (a page of ours) read-only, or writable if @rw; 0 or -errno. */
long mm_remap(const volatile void *va, bool rw);

/** mmuext_op with one operation; returns the hypercall's result. */
long mm_mmuext1(unsigned int cmd, unsigned long arg1, unsigned long arg2);

#endif /* TESTS_PV_MM_H */
