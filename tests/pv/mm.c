/*
 * tests/pv/mm.c - memory helpers of the PV test kernels (see mm.h).
 *
 * Owns the spare-page cursors (next_page/end_page in the linear region,
 * next_frame counting down from nr_pages) and the shared_info mapping.
 * Single vCPU, no locks.
 */
#include "tests/pv/mm.h"

#include <xen/memory.h>

#include "lib/compiler.h"
#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"

volatile struct shared_info *pv_shared_info;

static unsigned long next_page, end_page; /* spare pages: [next_page, end_page) */
static unsigned long linear_pfns;	  /* pfns mapped by the builder */
static unsigned long next_frame;	  /* spare unmapped frames: below it */

unsigned long pfn_to_mfn(unsigned long pfn)
{
	return ((const unsigned long *)pv_start_info->mfn_list)[pfn];
}

unsigned long mfn_to_pfn(unsigned long mfn)
{
	return ((const volatile unsigned long *)MACH2PHYS_VIRT_START)[mfn];
}

unsigned long virt_to_pfn(const volatile void *va)
{
	return ((unsigned long)va - PV_VIRT_BASE) >> 12;
}

void *pfn_to_virt(unsigned long pfn)
{
	if (linear_pfns && pfn >= linear_pfns)
		return NULL;
	return (void *)(PV_VIRT_BASE + (pfn << 12));
}

unsigned long mm_l4_mfn(void)
{
	return pfn_to_mfn(virt_to_pfn((void *)pv_start_info->pt_base));
}

/* Index of @va in a level-@level table. */
static unsigned int entry_index(unsigned long va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The table at @level on the way to @va, or NULL. */
static const volatile uint64_t *table_at(unsigned long va, int level)
{
	const volatile uint64_t *t = (const uint64_t *)pv_start_info->pt_base;

	for (int l = 4; l > level; l--) {
		uint64_t e = t[entry_index(va, l)];

		if (!(e & PTE_P) || (e & PTE_PSE))
			return NULL;
		t = pfn_to_virt(mfn_to_pfn(pte_mfn(e)));
		if (!t)
			return NULL;
	}
	return t;
}

const volatile uint64_t *mm_entry(unsigned long va, int level)
{
	const volatile uint64_t *t = table_at(va, level);

	return t ? &t[entry_index(va, level)] : NULL;
}

uint64_t mm_entry_maddr(unsigned long va, int level)
{
	const volatile uint64_t *e = mm_entry(va, level);

	if (!e)
		return 0;
	return (virt_to_mfn(e) << 12) | ((unsigned long)e & 0xfff);
}

uint64_t mm_pte(unsigned long va)
{
	const volatile uint64_t *e = mm_entry(va, 1);

	return e ? *e : 0;
}

unsigned long virt_to_mfn(const volatile void *va)
{
	uint64_t pte = mm_pte((unsigned long)va);

	return pte & PTE_P ? pte_mfn(pte) : ~0UL;
}

long mm_set_pte(const volatile void *va, uint64_t pte)
{
	return hyp_update_va_mapping((unsigned long)va & ~0xfffUL, pte, UVMF_INVLPG | UVMF_LOCAL);
}

long mm_remap(const volatile void *va, bool rw)
{
	unsigned long mfn = virt_to_mfn(va);

	return mm_set_pte(va, (mfn << 12) | PTE_P | PTE_A | PTE_D | (rw ? PTE_RW : 0));
}

long mm_mmuext1(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
	struct mmuext_op op = {.cmd = cmd};

	op.arg1.mfn = arg1;
	op.arg2.src_mfn = arg2;
	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void *mm_alloc_page(void)
{
	void *p;

	if (next_page >= end_page)
		pv_fatal("mm_alloc_page: out of spare pages");
	p = (void *)next_page;
	next_page += PV_PAGE_SIZE;
	memset(p, 0, PV_PAGE_SIZE);
	return p;
}

unsigned long mm_alloc_frame(void)
{
	if (next_frame <= linear_pfns)
		pv_fatal("mm_alloc_frame: out of spare frames");
	return pfn_to_mfn(--next_frame);
}

unsigned long mm_released_frame(void)
{
	static unsigned long mfn;
	xen_pfn_t extent;
	struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};

	if (mfn)
		return mfn;
	extent = mm_alloc_frame();
	set_xen_guest_handle(r.extent_start, &extent);
	if (hyp_memory_op(XENMEM_decrease_reservation, &r) != 1)
		pv_fatal("mm_released_frame: decrease_reservation failed");
	mfn = extent;
	return mfn;
}

/* The first address after everything the builder put in the linear region. */
static unsigned long builder_end(const start_info_t *si)
{
	unsigned long end = si->pt_base + (si->nr_pt_frames + 1) * PV_PAGE_SIZE; /* + boot stack */

	end = MAX(end, si->mfn_list + si->nr_pages * sizeof(unsigned long));
	end = MAX(end, (unsigned long)si + PV_PAGE_SIZE);
	if (!(si->flags & SIF_MOD_START_PFN))
		end = MAX(end, si->mod_start + si->mod_len);
	return ALIGN_UP(end, PV_PAGE_SIZE);
}

long mm_init(void)
{
	const start_info_t *si = pv_start_info;
	unsigned long va;
	void *shinfo_va;
	long rc;

	next_page = builder_end(si);
	for (va = next_page; mm_pte(va) & PTE_P; va += PV_PAGE_SIZE)
		;
	end_page = va;
	linear_pfns = virt_to_pfn((void *)end_page);
	next_frame = si->nr_pages;

	shinfo_va = mm_alloc_page();
	rc = mm_set_pte(shinfo_va, si->shared_info | PTE_P | PTE_RW | PTE_A | PTE_D);
	if (!rc)
		pv_shared_info = shinfo_va;
	return rc;
}
