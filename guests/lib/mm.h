/*
 * guests/lib/mm.h - a guest kernel's memory: frame numbers, the direct
 * map, the page allocator and the foreign-mapping window.
 *
 * The direct map: pseudo-physical frame pfn is at GUEST_VIRT_BASE +
 * pfn * 4096 for every pfn below mm_direct_pfns() (the builder maps the
 * image; mm_init() maps the rest of the domain's memory, up to 1 GiB).
 * Page tables hold machine frames, changed only by hypercall: new tables
 * are filled while still writable, made read-only, then hooked in with
 * mmu_update, which validates them (Xen's PV rule: no writable mapping of
 * a page table).
 *
 * Single vCPU, cooperative threads: no locks.
 */
#ifndef GUESTS_LIB_MM_H
#define GUESTS_LIB_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#define GUEST_VIRT_BASE 0xffffffff80000000UL
#define PAGE_SIZE	4096UL
#define PAGE_SHIFT	12

#define PTE_P	0x001ULL
#define PTE_RW	0x002ULL
#define PTE_U	0x004ULL
#define PTE_A	0x020ULL
#define PTE_D	0x040ULL
#define PTE_PSE 0x080ULL
#define PTE_MFN(e) (((e) & 0x000ffffffffff000ULL) >> PAGE_SHIFT)

extern start_info_t *start_info;
extern struct shared_info *shared_info;

/** The P2M and M2P: machine frame of pseudo-physical frame @pfn, and back. */
unsigned long pfn_to_mfn(unsigned long pfn);
unsigned long mfn_to_pfn(unsigned long mfn);

/** The direct map: @pfn's address, and the frame of a direct-map address. */
void *pfn_to_virt(unsigned long pfn);
unsigned long virt_to_pfn(const volatile void *va);
unsigned long virt_to_mfn(const volatile void *va);

/** A machine frame of ours (an MFN from start_info, say) in the direct map. */
void *mfn_to_virt(unsigned long mfn);

/**
 * Sets up the direct map over all our memory, the page allocator and
 * shared_info.  Called once by guest_start() before anything else but
 * the early console; fatal on failure.
 */
void mm_init(start_info_t *si);

/** The boot module (dom0's root filesystem) and its length; NULL when there is none. */
const void *mm_boot_module(size_t *len);

/** @n contiguous zeroed pages of the direct map, or NULL. */
void *page_alloc(size_t n);

/** Gives back @n pages from page_alloc(). */
void page_free(void *p, size_t n);

/** Pages page_alloc() can still hand out, and all it manages. */
size_t mm_free_pages(void);
size_t mm_total_pages(void);

/**
 * Maps machine frame @mfn of domain @domid (a privileged guest may map
 * any domain's frames) writable in the foreign window; NULL when the
 * window is full or the hypervisor refuses (*rc then holds its errno).
 */
void *mm_map_foreign(domid_t domid, uint64_t mfn, long *rc);

/** Unmaps a page from mm_map_foreign(). */
void mm_unmap_foreign(void *va);

#endif /* GUESTS_LIB_MM_H */
