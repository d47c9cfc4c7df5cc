/*
 * guests/lib/mm.c - the direct map, the page allocator and the foreign
 * window (see mm.h).
 *
 * Owns: the page bitmap (one bit per pfn, 1 = in use), the boot cursor
 * (mapped pages handed out while the direct map is still being built) and
 * the foreign window (L2 slot 511 of the kernel's 1 GiB: 512 slots).
 *
 * Layout of the kernel's gigabyte, 0xffffffff80000000 + pfn * 4 KiB:
 *   [0, builder_end)           what the domain builder put there
 *   [builder_end, map_limit)   the rest of our memory, mapped by mm_init()
 *   L2 slot 511 (last 2 MiB)   the foreign window
 */
#include "guests/lib/mm.h"

#include <xen/memory.h>

#include "guests/lib/console.h"
#include "guests/lib/hypercall.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"

#define ENTRIES		  512UL
#define WINDOW_L2_SLOT	  511UL
#define DIRECT_PFN_LIMIT  (WINDOW_L2_SLOT * ENTRIES) /* pfns below the window */
#define WINDOW_BASE	  (GUEST_VIRT_BASE + WINDOW_L2_SLOT * ENTRIES * PAGE_SIZE)
#define PAGE_FLAGS	  (PTE_P | PTE_RW | PTE_U | PTE_A | PTE_D)
#define TABLE_FLAGS	  (PTE_P | PTE_RW | PTE_U | PTE_A)
#define MMU_BATCH	  64
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

start_info_t *start_info;
struct shared_info *shared_info;

static unsigned long direct_pfns;   /* pfns [0, direct_pfns) are mapped */
static unsigned long boot_next_pfn; /* boot cursor: next page to hand out */
static uint8_t *page_bitmap;	    /* over [0, direct_pfns) */
static unsigned long alloc_hint, free_pages, managed_pages;
static uint64_t window_used[ENTRIES / 64];

unsigned long pfn_to_mfn(unsigned long pfn)
{
	return ((const unsigned long *)start_info->mfn_list)[pfn];
}

unsigned long mfn_to_pfn(unsigned long mfn)
{
	return ((const volatile unsigned long *)MACH2PHYS_VIRT_START)[mfn];
}

void *pfn_to_virt(unsigned long pfn)
{
	return (void *)(GUEST_VIRT_BASE + (pfn << PAGE_SHIFT));
}

unsigned long virt_to_pfn(const volatile void *va)
{
	return ((unsigned long)va - GUEST_VIRT_BASE) >> PAGE_SHIFT;
}

unsigned long virt_to_mfn(const volatile void *va)
{
	return pfn_to_mfn(virt_to_pfn(va));
}

void *mfn_to_virt(unsigned long mfn)
{
	return pfn_to_virt(mfn_to_pfn(mfn));
}

/* The kernel's L2 table (covering GUEST_VIRT_BASE's gigabyte), read-only. */
static const uint64_t *kernel_l2(void)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	const uint64_t *l3 = mfn_to_virt(PTE_MFN(l4[511]));

	return mfn_to_virt(PTE_MFN(l3[510]));
}

static bool pfn_mapped(unsigned long pfn)
{
	const uint64_t *l2 = kernel_l2();
	uint64_t e = l2[pfn / ENTRIES];
	const uint64_t *l1;

	if (!(e & PTE_P))
		return false;
	l1 = mfn_to_virt(PTE_MFN(e));
	return l1[pfn % ENTRIES] & PTE_P;
}

/* The first page after everything the builder put in the region. */
static unsigned long builder_end_pfn(const start_info_t *si)
{
	unsigned long end = si->pt_base + (si->nr_pt_frames + 1) * PAGE_SIZE; /* + boot stack */

	end = MAX(end, si->mfn_list + si->nr_pages * sizeof(unsigned long));
	end = MAX(end, (unsigned long)si + PAGE_SIZE);
	if (si->mod_len && !(si->flags & SIF_MOD_START_PFN))
		end = MAX(end, si->mod_start + si->mod_len);
	return virt_to_pfn((void *)ALIGN_UP(end, PAGE_SIZE));
}

static void mmu_update1(uint64_t maddr, uint64_t val)
{
	struct mmu_update u = { .ptr = maddr | MMU_NORMAL_PT_UPDATE, .val = val };
	long rc = hyp_mmu_update(&u, 1, NULL, DOMID_SELF);

	if (rc)
		panic("mm: mmu_update(0x%lx, 0x%lx) failed: %ld", (unsigned long)maddr,
		      (unsigned long)val, rc);
}

/* A zeroed page from the boot cursor, still writable. */
static void *boot_page(void)
{
	void *p;

	if (boot_next_pfn >= direct_pfns)
		panic("mm: out of mapped pages while building the direct map");
	p = pfn_to_virt(boot_next_pfn++);
	memset(p, 0, PAGE_SIZE);
	return p;
}

/* Makes @table (filled) read-only and hooks it into the kernel L2 at @slot. */
static void hook_l1(void *table, unsigned long slot)
{
	unsigned long mfn = virt_to_mfn(table);
	long rc = hyp_update_va_mapping((unsigned long)table,
					(uint64_t)mfn << PAGE_SHIFT | PTE_P | PTE_U | PTE_A | PTE_D,
					UVMF_INVLPG | UVMF_LOCAL);

	if (rc)
		panic("mm: cannot make a new L1 read-only: %ld", rc);
	mmu_update1(((uint64_t)virt_to_mfn(kernel_l2()) << PAGE_SHIFT) + slot * 8,
		    (uint64_t)mfn << PAGE_SHIFT | TABLE_FLAGS);
}

/* Maps pfns [first, last) of L2 slot @slot, which the builder left empty. */
static void map_new_slot(unsigned long slot, unsigned long first, unsigned long last)
{
	uint64_t *l1 = boot_page();

	for (unsigned long pfn = first; pfn < last; pfn++)
		l1[pfn % ENTRIES] = (uint64_t)pfn_to_mfn(pfn) << PAGE_SHIFT | PAGE_FLAGS;
	hook_l1(l1, slot);
}

/* Fills the free entries for pfns [first, last) of the builder's L1 at @slot. */
static void map_into_slot(unsigned long slot, unsigned long first, unsigned long last)
{
	uint64_t l1_maddr = PTE_MFN(kernel_l2()[slot]) << PAGE_SHIFT;
	struct mmu_update batch[MMU_BATCH];
	unsigned int n = 0;

	for (unsigned long pfn = first; pfn < last; pfn++) {
		batch[n].ptr = (l1_maddr + (pfn % ENTRIES) * 8) | MMU_NORMAL_PT_UPDATE;
		batch[n].val = (uint64_t)pfn_to_mfn(pfn) << PAGE_SHIFT | PAGE_FLAGS;
		if (++n == MMU_BATCH || pfn + 1 == last) {
			long rc = hyp_mmu_update(batch, n, NULL, DOMID_SELF);

			if (rc)
				panic("mm: mmu_update of %u entries failed: %ld", n, rc);
			n = 0;
		}
	}
}

/* Maps every pfn in [direct_pfns, limit), one L2 slot at a time. */
static void extend_direct_map(unsigned long limit)
{
	while (direct_pfns < limit) {
		unsigned long slot = direct_pfns / ENTRIES;
		unsigned long last = MIN(limit, (slot + 1) * ENTRIES);

		if (kernel_l2()[slot] & PTE_P)
			map_into_slot(slot, direct_pfns, last);
		else
			map_new_slot(slot, direct_pfns, last);
		direct_pfns = last;
	}
}

static void map_shared_info(void)
{
	void *va = boot_page();
	long rc = hyp_update_va_mapping((unsigned long)va, start_info->shared_info | PAGE_FLAGS,
					UVMF_INVLPG | UVMF_LOCAL);

	if (rc)
		panic("mm: cannot map shared_info: %ld", rc);
	shared_info = va;
}

static bool page_used(unsigned long pfn)
{
	return page_bitmap[pfn / 8] & (1u << (pfn % 8));
}

static void page_mark(unsigned long pfn, bool used)
{
	if (used)
		page_bitmap[pfn / 8] |= 1u << (pfn % 8);
	else
		page_bitmap[pfn / 8] &= ~(1u << (pfn % 8));
}

/* Keeps the allocator off a boot module given by frame (Xen puts big ones outside the map). */
static void reserve_module(unsigned long first, unsigned long n)
{
	for (unsigned long pfn = first; pfn < first + n && pfn < direct_pfns; pfn++)
		if (pfn >= boot_next_pfn && !page_used(pfn)) {
			page_mark(pfn, true);
			free_pages--;
		}
}

void mm_init(start_info_t *si)
{
	unsigned long limit = MIN(si->nr_pages, DIRECT_PFN_LIMIT);
	unsigned long bitmap_pages;

	start_info = si;
	boot_next_pfn = builder_end_pfn(si);
	for (direct_pfns = boot_next_pfn; direct_pfns < limit && pfn_mapped(direct_pfns);)
		direct_pfns++;
	map_shared_info();
	extend_direct_map(limit);
	map_new_slot(WINDOW_L2_SLOT, 0, 0); /* an empty L1 for the foreign window */

	bitmap_pages = DIV_ROUND_UP(direct_pfns / 8 + 1, PAGE_SIZE);
	page_bitmap = pfn_to_virt(boot_next_pfn);
	boot_next_pfn += bitmap_pages;
	memset(page_bitmap, 0xff, bitmap_pages * PAGE_SIZE);
	for (unsigned long pfn = boot_next_pfn; pfn < direct_pfns; pfn++)
		page_mark(pfn, false);
	managed_pages = free_pages = direct_pfns - boot_next_pfn;
	alloc_hint = boot_next_pfn;
	if (si->mod_len && (si->flags & SIF_MOD_START_PFN))
		reserve_module(si->mod_start, DIV_ROUND_UP(si->mod_len, PAGE_SIZE));
}

const void *mm_boot_module(size_t *len)
{
	*len = start_info->mod_len;
	if (!start_info->mod_len)
		return NULL;
	if (start_info->flags & SIF_MOD_START_PFN)
		return pfn_to_virt(start_info->mod_start);
	return (const void *)start_info->mod_start;
}

/* The first of @n free pfns in a row at or after @from, or 0. */
static unsigned long find_run(unsigned long from, size_t n)
{
	unsigned long run = 0;

	for (unsigned long pfn = from; pfn < direct_pfns; pfn++) {
		run = page_used(pfn) ? 0 : run + 1;
		if (run == n)
			return pfn + 1 - n;
	}
	return 0;
}

void *page_alloc(size_t n)
{
	unsigned long first;
	void *p;

	if (!n || n > free_pages)
		return NULL;
	first = find_run(alloc_hint, n);
	if (!first)
		first = find_run(boot_next_pfn, n);
	if (!first)
		return NULL;
	for (size_t i = 0; i < n; i++)
		page_mark(first + i, true);
	free_pages -= n;
	alloc_hint = first + n;
	p = pfn_to_virt(first);
	memset(p, 0, n * PAGE_SIZE);
	return p;
}

void page_free(void *p, size_t n)
{
	unsigned long first = virt_to_pfn(p);

	for (size_t i = 0; i < n; i++) {
		if (first + i < boot_next_pfn || first + i >= direct_pfns || !page_used(first + i))
			panic("page_free: %p (%zu pages) was not allocated", p, n);
		page_mark(first + i, false);
	}
	free_pages += n;
}

size_t mm_free_pages(void)
{
	return free_pages;
}

size_t mm_total_pages(void)
{
	return managed_pages;
}

void *mm_map_foreign(domid_t domid, uint64_t mfn, long *rc)
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		unsigned long va = WINDOW_BASE + i * PAGE_SIZE;

		if (window_used[i / 64] & (1ULL << (i % 64)))
			continue;
		*rc = hyp_update_va_mapping_otherdomain(va, mfn << PAGE_SHIFT | PAGE_FLAGS,
							UVMF_INVLPG | UVMF_LOCAL, domid);
		if (*rc)
			return NULL;
		window_used[i / 64] |= 1ULL << (i % 64);
		return (void *)va;
	}
	*rc = -ENOSPC;
	return NULL;
}

void mm_unmap_foreign(void *va)
{
	unsigned long i = ((unsigned long)va - WINDOW_BASE) / PAGE_SIZE;

	if (i >= ENTRIES || !(window_used[i / 64] & (1ULL << (i % 64))))
		panic("mm_unmap_foreign: %p is not a window slot", va);
	hyp_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG | UVMF_LOCAL);
	window_used[i / 64] &= ~(1ULL << (i % 64));
}
