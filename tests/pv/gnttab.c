/*
 * tests/pv/gnttab.c - grant-table helpers of the PV test kernels (see
 * gnttab.h).  Owns our table's mapping (gnt_table, gnt_table_mfn).
 * Single vCPU, no locks.
 */
#include "tests/pv/gnttab.h"

#include <xen/version.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"

volatile grant_entry_v1_t *gnt_table;
unsigned long gnt_table_mfn[GNT_FRAMES];

long gnt_op(unsigned int cmd, void *arg, unsigned int count)
{
	return pv_hypercall3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

long gnt_setup(void)
{
	xen_pfn_t list[GNT_FRAMES];
	struct gnttab_setup_table s = {.dom = DOMID_SELF, .nr_frames = GNT_FRAMES};
	uint8_t *base;
	long rc;

	set_xen_guest_handle(s.frame_list, list);
	rc = gnt_op(GNTTABOP_setup_table, &s, 1);
	if (rc || s.status)
		return rc ? rc : s.status;
	/* A PV guest maps its table by machine frame, writable. */
	base = mm_alloc_page();
	for (unsigned int i = 1; i < GNT_FRAMES; i++)
		mm_alloc_page();
	for (unsigned int i = 0; i < GNT_FRAMES; i++) {
		gnt_table_mfn[i] = list[i];
		rc = mm_set_pte(base + i * PV_PAGE_SIZE,
				(list[i] << 12) | PTE_P | PTE_RW | PTE_A | PTE_D);
		if (rc)
			return rc;
	}
	gnt_table = (volatile grant_entry_v1_t *)base;
	return 0;
}

void gnt_grant(grant_ref_t r, unsigned long mfn, domid_t dom, uint16_t flags)
{
	gnt_table[r].flags = 0;
	gnt_table[r].domid = dom;
	gnt_table[r].frame = (uint32_t)mfn;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	gnt_table[r].flags = flags;
}

uint16_t gnt_flags(grant_ref_t r)
{
	return __atomic_load_n(&gnt_table[r].flags, __ATOMIC_SEQ_CST);
}

bool gnt_end_access(grant_ref_t r)
{
	uint16_t f = gnt_flags(r);

	if (f & (GTF_reading | GTF_writing))
		return false;
	return __atomic_compare_exchange_n(&gnt_table[r].flags, &f, 0, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

uint8_t *gnt_fresh_va(void)
{
	uint8_t *va = mm_alloc_page();

	if (mm_set_pte(va, 0))
		pv_fatal("gnt_fresh_va: cannot unmap a spare page");
	return va;
}

uint8_t *gnt_granted_page(grant_ref_t r, uint16_t flags, uint8_t **va)
{
	uint8_t *page = mm_alloc_page();

	*va = gnt_fresh_va();
	gnt_grant(r, virt_to_mfn(page), GNT_SELF_ID, flags);
	return page;
}

unsigned long gnt_l1_mfn_of(const volatile void *va)
{
	return pte_mfn(*mm_entry((unsigned long)va, 2));
}

int16_t gnt_map(uint64_t host, uint32_t flags, grant_ref_t ref, domid_t dom,
		struct gnttab_map_grant_ref *m)
{
	*m = (struct gnttab_map_grant_ref){.host_addr = host,
					   .flags = flags,
					   .ref = ref,
					   .dom = dom,
					   .status = GNT_UNTOUCHED,
					   .handle = 0xdeadbeef,
					   .dev_bus_addr = 0x1234};
	if (gnt_op(GNTTABOP_map_grant_ref, m, 1))
		pv_fatal("map_grant_ref failed as a whole");
	return m->status;
}

int16_t gnt_unmap(uint64_t host, uint64_t dev, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref u = {
	    .host_addr = host, .dev_bus_addr = dev, .handle = h, .status = GNT_UNTOUCHED};

	if (gnt_op(GNTTABOP_unmap_grant_ref, &u, 1))
		pv_fatal("unmap_grant_ref failed as a whole");
	return u.status;
}

int16_t gnt_replace(uint64_t host, uint64_t new_addr, grant_handle_t h)
{
	struct gnttab_unmap_and_replace r = {
	    .host_addr = host, .new_addr = new_addr, .handle = h, .status = GNT_UNTOUCHED};

	if (gnt_op(GNTTABOP_unmap_and_replace, &r, 1))
		pv_fatal("unmap_and_replace failed as a whole");
	return r.status;
}

int16_t gnt_copy(struct gnttab_copy *c)
{
	c->status = GNT_UNTOUCHED;
	if (gnt_op(GNTTABOP_copy, c, 1))
		pv_fatal("copy failed as a whole");
	return c->status;
}

struct gnttab_copy gnt_frame_copy(unsigned long src, uint16_t soff, unsigned long dst,
				  uint16_t doff, uint16_t len)
{
	struct gnttab_copy c = {.len = len};

	c.source.u.gmfn = src;
	c.source.domid = DOMID_SELF;
	c.source.offset = soff;
	c.dest.u.gmfn = dst;
	c.dest.domid = DOMID_SELF;
	c.dest.offset = doff;
	return c;
}

/* Keel's extra version is ".0-keel"; Xen 4.17's is ".0". */
bool gnt_on_keel(void)
{
	xen_extraversion_t v;

	return hyp_xen_version(XENVER_extraversion, v) == 0 && strcmp(v, ".0-keel") == 0;
}
