/*
 * tests/pv/kernels/grants.c - grant tables, version 1 (xen/grant_table.h):
 * setup_table, query_size, map_grant_ref (host mappings by address and by
 * PTE, read-only, device mappings, the guest-available PTE bits),
 * unmap_grant_ref, unmap_and_replace, copy (by reference and by frame,
 * both ways, partial pages), swap_grant_ref, cache_flush, the version
 * operations, and what XENMEM_add_to_physmap says to a PV guest; the
 * entries' GTF_reading / GTF_writing while in use; hostile references,
 * domains, frames, addresses, handles and pointers.
 *
 * One domain only: we grant to ourselves (the entry's domid is our own
 * id, 0: the kernel runs as dom0 on both) and map or copy our own grants,
 * which exercises the same paths as a grant between two domains.  What
 * two domains add (foreign frames, either side dying with mappings) is
 * tested on the host: tests/unit/test_grant_map.c.
 *
 * A mapping goes to a "fresh" address: one of our spare pages unmapped
 * first, because Xen does not flush an address it maps a grant over (a
 * stale translation would show the old page).
 *
 * Where Xen 4.17 does something one would not guess, a comment says
 * "Xen 4.17": Keel must do the same.  Where Keel deliberately differs
 * (version 2, transfer, dump_table: docs/pv-model.md), the test asks
 * which hypervisor it runs on and expects each one's answer.
 */
#include <stdint.h>

#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/xen.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "tests/pv/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define BAD_PTR	      ((void *)HYPERVISOR_VIRT_START)
#define SELF_ID	      0 /* our domain id (dom0) */
#define NO_SUCH_DOMID 0x1234
#define NR_FRAMES     4		  /* the table we set up */
#define PTE_KERNEL    (1UL << 52) /* Xen's mark of a kernel-only L1 entry */
#define PTE_AVAIL     (7UL << 9)
#define UNTOUCHED     0x5555 /* status before a call: the call must overwrite it */

static volatile grant_entry_v1_t *gt; /* our table, mapped by table.setup_table */
static unsigned long gt_mfn[NR_FRAMES];

static long gop(unsigned int cmd, void *arg, unsigned int count)
{
	return pv_hypercall3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

/* Keel says so in its extra version (".0-keel"); Xen 4.17's is ".0". */
static bool on_keel(void)
{
	xen_extraversion_t v;

	return hyp_xen_version(XENVER_extraversion, v) == 0 && strcmp(v, ".0-keel") == 0;
}

/* The protocol of grant_table.h: domid and frame first, then the flags. */
static void grant(grant_ref_t r, unsigned long mfn, domid_t dom, uint16_t flags)
{
	gt[r].flags = 0;
	gt[r].domid = dom;
	gt[r].frame = (uint32_t)mfn;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	gt[r].flags = flags;
}

static uint16_t flags_of(grant_ref_t r)
{
	return __atomic_load_n(&gt[r].flags, __ATOMIC_SEQ_CST);
}

/* Ends access to an unused entry (compare-exchange of its flags to 0); false if in use. */
static bool end_access(grant_ref_t r)
{
	uint16_t f = flags_of(r);

	if (f & (GTF_reading | GTF_writing))
		return false;
	return __atomic_compare_exchange_n(&gt[r].flags, &f, 0, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* A page-aligned address with an L1 entry and nothing mapped there. */
static uint8_t *fresh_va(void)
{
	uint8_t *va = mm_alloc_page();

	if (mm_set_pte(va, 0))
		pv_fatal("fresh_va: cannot unmap a spare page");
	return va;
}

/* A spare page of ours granted to ourselves as entry r, and a fresh address to map it at. */
static uint8_t *granted_page(grant_ref_t r, uint16_t flags, uint8_t **va)
{
	uint8_t *page = mm_alloc_page();

	*va = fresh_va();
	grant(r, virt_to_mfn(page), SELF_ID, flags);
	return page;
}

static unsigned long va_of(const volatile void *p)
{
	return (unsigned long)p;
}

static int16_t map(uint64_t host, uint32_t flags, grant_ref_t ref, domid_t dom,
		   struct gnttab_map_grant_ref *m)
{
	*m = (struct gnttab_map_grant_ref){.host_addr = host,
					   .flags = flags,
					   .ref = ref,
					   .dom = dom,
					   .status = UNTOUCHED,
					   .handle = 0xdeadbeef,
					   .dev_bus_addr = 0x1234};
	if (gop(GNTTABOP_map_grant_ref, m, 1))
		pv_fatal("map_grant_ref failed as a whole");
	return m->status;
}

static int16_t unmap(uint64_t host, uint64_t dev, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref u = {
	    .host_addr = host, .dev_bus_addr = dev, .handle = h, .status = UNTOUCHED};

	if (gop(GNTTABOP_unmap_grant_ref, &u, 1))
		pv_fatal("unmap_grant_ref failed as a whole");
	return u.status;
}

static int16_t replace(uint64_t host, uint64_t new_addr, grant_handle_t h)
{
	struct gnttab_unmap_and_replace r = {
	    .host_addr = host, .new_addr = new_addr, .handle = h, .status = UNTOUCHED};

	if (gop(GNTTABOP_unmap_and_replace, &r, 1))
		pv_fatal("unmap_and_replace failed as a whole");
	return r.status;
}

static int16_t copy(struct gnttab_copy *c)
{
	c->status = UNTOUCHED;
	if (gop(GNTTABOP_copy, c, 1))
		pv_fatal("copy failed as a whole");
	return c->status;
}

/* A copy by frame between two frames of ours. */
static struct gnttab_copy frame_copy(unsigned long src, uint16_t soff, unsigned long dst,
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

/* The machine frame of our L1 table that maps va (a page table of ours). */
static unsigned long l1_mfn_of(const volatile void *va)
{
	return pte_mfn(*mm_entry(va_of(va), 2));
}

static long cache_flush(uint64_t addr, uint16_t offset, uint16_t length, uint32_t op)
{
	struct gnttab_cache_flush c = {.offset = offset, .length = length, .op = op};

	c.a.dev_bus_addr = addr;
	return gop(GNTTABOP_cache_flush, &c, 1);
}

/* -------------------------------------------------------------------------- */

/* Xen 4.17: a domain starts with one frame of entries, at most 64. */
TEST(table, query_size)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF, .status = UNTOUCHED};

	EXPECT_EQ(gop(GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_okay);
	EXPECT_EQ(q.nr_frames, 1);
	EXPECT_EQ(q.max_nr_frames, 64);
	q = (struct gnttab_query_size){.dom = SELF_ID, .status = UNTOUCHED};
	EXPECT_EQ(gop(GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_okay);
	q = (struct gnttab_query_size){.dom = NO_SUCH_DOMID, .status = UNTOUCHED};
	EXPECT_EQ(gop(GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_bad_domain);
	/* Xen 4.17: exactly one operation. */
	EXPECT_EQ(gop(GNTTABOP_query_size, &q, 2), -XEN_EINVAL);
	EXPECT_EQ(gop(GNTTABOP_query_size, &q, 0), -XEN_EINVAL);
	EXPECT_EQ(gop(GNTTABOP_query_size, BAD_PTR, 1), -XEN_EFAULT);
}

/* setup_table grows the table and lists its frames; we map them to fill entries. */
TEST(table, setup_table)
{
	struct gnttab_setup_table s = {.dom = DOMID_SELF};
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	xen_pfn_t list[NR_FRAMES + 1];
	uint8_t *base;

	for (unsigned int i = 0; i <= NR_FRAMES; i++)
		list[i] = 0x77;
	set_xen_guest_handle(s.frame_list, list);
	s.status = UNTOUCHED;
	EXPECT_EQ(gop(GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	EXPECT_EQ(list[0], 0x77); /* nr_frames 0: nothing listed */
	s.nr_frames = 65;
	EXPECT_EQ(gop(GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_general_error); /* past max_nr_frames */
	s.nr_frames = 1;
	s.dom = NO_SUCH_DOMID;
	EXPECT_EQ(gop(GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_bad_domain);
	s.dom = DOMID_SELF;
	s.status = UNTOUCHED;
	EXPECT_EQ(gop(GNTTABOP_setup_table, &s, 2), -XEN_EINVAL);
	set_xen_guest_handle(s.frame_list, (xen_pfn_t *)BAD_PTR);
	EXPECT_EQ(gop(GNTTABOP_setup_table, &s, 1), -XEN_EFAULT);
	EXPECT_EQ(s.status, UNTOUCHED); /* Xen 4.17: no status when the list is bad */

	set_xen_guest_handle(s.frame_list, list);
	s.nr_frames = NR_FRAMES;
	ASSERT_EQ(gop(GNTTABOP_setup_table, &s, 1), 0);
	ASSERT_EQ(s.status, GNTST_okay);
	EXPECT_EQ(list[NR_FRAMES], 0x77);
	for (unsigned int i = 0; i < NR_FRAMES; i++) {
		gt_mfn[i] = list[i];
		/* Not frames of our pseudo-physical map: Xen 4.17's M2P has no entry. */
		EXPECT_EQ(mfn_to_pfn(list[i]), ~0UL);
		for (unsigned int j = 0; j < i; j++)
			EXPECT_NE(list[i], list[j]);
	}
	s.nr_frames = 2; /* never shrinks; the same frames first */
	list[0] = list[1] = 0;
	EXPECT_EQ(gop(GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(list[0], gt_mfn[0]);
	EXPECT_EQ(list[1], gt_mfn[1]);
	EXPECT_EQ(gop(GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.nr_frames, NR_FRAMES);

	/* A PV guest maps its table by machine frame, writable. */
	base = mm_alloc_page();
	for (unsigned int i = 1; i < NR_FRAMES; i++)
		mm_alloc_page();
	for (unsigned int i = 0; i < NR_FRAMES; i++)
		ASSERT_EQ(mm_set_pte(base + i * PV_PAGE_SIZE,
				     (gt_mfn[i] << 12) | PTE_P | PTE_RW | PTE_A | PTE_D),
			  0);
	gt = (volatile grant_entry_v1_t *)base;
	EXPECT_EQ(gt[0].flags | gt[0].domid | gt[0].frame, 0);
	EXPECT_EQ(gt[NR_FRAMES * 512 - 1].flags, 0);
}

TEST(table, get_version)
{
	struct gnttab_get_version v = {.dom = DOMID_SELF, .version = 77};

	EXPECT_EQ(gop(GNTTABOP_get_version, &v, 1), 0);
	EXPECT_EQ(v.version, 1);
	v = (struct gnttab_get_version){.dom = SELF_ID, .version = 77};
	EXPECT_EQ(gop(GNTTABOP_get_version, &v, 1), 0);
	EXPECT_EQ(v.version, 1);
	/* Xen 4.17: an errno here, not a status; the count is not looked at. */
	v.dom = NO_SUCH_DOMID;
	EXPECT_EQ(gop(GNTTABOP_get_version, &v, 1), -XEN_ESRCH);
	v.dom = DOMID_SELF;
	EXPECT_EQ(gop(GNTTABOP_get_version, &v, 2), 0);
	EXPECT_EQ(gop(GNTTABOP_get_version, BAD_PTR, 1), -XEN_EFAULT);
}

/* Xen 4.17 writes the version in force back, also when it refuses the one asked for. */
TEST(table, set_version)
{
	struct gnttab_set_version s = {.version = 1};

	EXPECT_EQ(gop(GNTTABOP_set_version, &s, 1), 0);
	EXPECT_EQ(s.version, 1);
	s.version = 0;
	EXPECT_EQ(gop(GNTTABOP_set_version, &s, 1), -XEN_EINVAL);
	EXPECT_EQ(s.version, 1);
	s.version = 3;
	EXPECT_EQ(gop(GNTTABOP_set_version, &s, 1), -XEN_EINVAL);
	EXPECT_EQ(s.version, 1);
	s.version = 1;
	EXPECT_EQ(gop(GNTTABOP_set_version, &s, 0), 0); /* the count is not looked at */
	EXPECT_EQ(gop(GNTTABOP_set_version, BAD_PTR, 1), -XEN_EFAULT);
	/* Version 2 is the last test of this kernel (Xen 4.17 switches to it). */
}

/* Version 1 has no status frames: asking for any is an error, for none is fine. */
TEST(table, get_status_frames)
{
	uint64_t list[2];
	struct gnttab_get_status_frames s = {
	    .nr_frames = 1, .dom = DOMID_SELF, .status = UNTOUCHED};

	set_xen_guest_handle(s.frame_list, list);
	EXPECT_EQ(gop(GNTTABOP_get_status_frames, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_general_error);
	s.nr_frames = 0;
	s.status = UNTOUCHED;
	EXPECT_EQ(gop(GNTTABOP_get_status_frames, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	s.dom = NO_SUCH_DOMID;
	EXPECT_EQ(gop(GNTTABOP_get_status_frames, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_bad_domain);
	EXPECT_EQ(gop(GNTTABOP_get_status_frames, &s, 2), -XEN_EINVAL);
}

/* ---- map and unmap ---- */

/*
 * The whole life of a writable grant: granted, mapped (GTF_reading and
 * GTF_writing set, end of access refused), used both ways, unmapped (the
 * marks cleared), access ended.
 */
TEST(map, writable_lifecycle)
{
	uint8_t *page, *va;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m;
	uint64_t pte;

	ASSERT_TRUE(gt);
	page = granted_page(10, GTF_permit_access, &va);
	pmfn = virt_to_mfn(page);
	page[5] = 0x42;
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map, 10, SELF_ID, &m), GNTST_okay);
	EXPECT_NE(m.handle, 0xdeadbeef);
	EXPECT_EQ(m.dev_bus_addr, pmfn << 12); /* Xen 4.17: reported for a host mapping too */
	pte = mm_pte(va_of(va));
	pv_printf("grant pte %#lx\n", pte);
	EXPECT_EQ(pte_mfn(pte), pmfn);
	EXPECT_EQ(pte & (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | PTE_PWT | PTE_PCD),
		  PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D);
	EXPECT_TRUE(pte & PTE_KERNEL); /* kernel-only: no GNTMAP_application_map */
	EXPECT_EQ(pte & PTE_AVAIL, 0);
	EXPECT_EQ(flags_of(10), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(va[5], 0x42);
	va[6] = 0x43;
	EXPECT_EQ(page[6], 0x43);
	EXPECT_TRUE(!end_access(10));
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(flags_of(10), GTF_permit_access);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_bad_handle);
	EXPECT_TRUE(end_access(10));
	EXPECT_EQ(flags_of(10), 0);
}

/* A read-only mapping sets only GTF_reading and cannot be written through. */
TEST(map, read_only)
{
	uint8_t *va;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gt);
	granted_page(11, GTF_permit_access | GTF_readonly, &va);
	/* Xen 4.17: a writable mapping of a read-only grant is a general error. */
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 11, SELF_ID, &m), GNTST_general_error);
	EXPECT_EQ(m.handle, 0xdeadbeef);
	EXPECT_EQ(flags_of(11), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map | GNTMAP_readonly, 11, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(flags_of(11), GTF_permit_access | GTF_readonly | GTF_reading);
	EXPECT_EQ(mm_pte(va_of(va)) & (PTE_P | PTE_RW), PTE_P);
	pv_trap_reset();
	EXPECT_TRUE(!pv_try_write(va, 1));
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(flags_of(11), GTF_permit_access | GTF_readonly);
	EXPECT_TRUE(end_access(11));
}

/* Two mappings of one grant: the marks stay until the last one that needs them goes. */
TEST(map, twice)
{
	uint8_t *va1, *va2;
	struct gnttab_map_grant_ref rw, ro;

	ASSERT_TRUE(gt);
	granted_page(12, GTF_permit_access, &va1);
	va2 = fresh_va();
	ASSERT_EQ(map(va_of(va1), GNTMAP_host_map, 12, SELF_ID, &rw), GNTST_okay);
	ASSERT_EQ(map(va_of(va2), GNTMAP_host_map | GNTMAP_readonly, 12, SELF_ID, &ro), GNTST_okay);
	EXPECT_NE(rw.handle, ro.handle);
	EXPECT_EQ(flags_of(12), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(unmap(va_of(va1), 0, rw.handle), GNTST_okay);
	EXPECT_EQ(flags_of(12), GTF_permit_access | GTF_reading);
	/* Xen 4.17: the wrong address is a general error and changes nothing. */
	EXPECT_EQ(unmap(va_of(va1), 0, ro.handle), GNTST_general_error);
	/* Address 0 names no host part: "done", and the mapping stays. */
	EXPECT_EQ(unmap(0, 0, ro.handle), GNTST_okay);
	EXPECT_EQ(flags_of(12), GTF_permit_access | GTF_reading);
	EXPECT_NE(mm_pte(va_of(va2)), 0);
	EXPECT_EQ(unmap(va_of(va2), 0, ro.handle), GNTST_okay);
	EXPECT_EQ(flags_of(12), GTF_permit_access);
	EXPECT_EQ(mm_pte(va_of(va2)), 0);
	EXPECT_EQ(unmap(va_of(va2), 0, 0xffffff), GNTST_bad_handle);
	EXPECT_TRUE(end_access(12));
}

/* Requests that name no usable grant; each leaves the entry as it was. */
TEST(map, bad_requests)
{
	uint8_t *page, *va;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gt);
	page = granted_page(13, GTF_permit_access, &va);
	pmfn = virt_to_mfn(page);
	/* Xen 4.17: nothing to map is "bad gntref", checked before the domain. */
	EXPECT_EQ(map(va_of(va), 0, 13, SELF_ID, &m), GNTST_bad_gntref);
	EXPECT_EQ(m.handle, 0xdeadbeef);
	EXPECT_EQ(map(va_of(va), 0, 13, NO_SUCH_DOMID, &m), GNTST_bad_gntref);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 5000, NO_SUCH_DOMID, &m), GNTST_bad_domain);
	/* Xen 4.17: DOMID_SELF names no domain for a map. */
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 13, DOMID_SELF, &m), GNTST_bad_domain);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 13, NO_SUCH_DOMID, &m), GNTST_bad_domain);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, NR_FRAMES * 512, SELF_ID, &m), GNTST_bad_gntref);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 0xffffffff, SELF_ID, &m), GNTST_bad_gntref);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 14, SELF_ID, &m), GNTST_general_error);
	grant(14, pmfn, 5, GTF_permit_access); /* for another domain */
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 14, SELF_ID, &m), GNTST_general_error);
	grant(14, pmfn, SELF_ID, GTF_accept_transfer);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 14, SELF_ID, &m), GNTST_general_error);
	grant(14, pmfn, SELF_ID, GTF_transitive);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 14, SELF_ID, &m), GNTST_general_error);
	EXPECT_EQ(flags_of(14), GTF_transitive);
	EXPECT_EQ(flags_of(13), GTF_permit_access);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	grant(14, 0, 0, 0);
	EXPECT_TRUE(end_access(13));
}

/* A grant may only name the granter's own frames, and writable only where they may be. */
TEST(map, bad_frames)
{
	uint8_t *va;
	unsigned long l1;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gt);
	va = fresh_va();
	l1 = l1_mfn_of(va);
	grant(15, mm_released_frame(), SELF_ID, GTF_permit_access);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 15, SELF_ID, &m), GNTST_bad_page);
	EXPECT_EQ(flags_of(15), GTF_permit_access);
	grant(15, 0xffffffff, SELF_ID, GTF_permit_access);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 15, SELF_ID, &m), GNTST_bad_page);
	EXPECT_EQ(flags_of(15), GTF_permit_access);
	/* One of our page tables: never writable-mapped (invariant 2), read-only is fine. */
	grant(15, l1, SELF_ID, GTF_permit_access);
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map, 15, SELF_ID, &m), GNTST_general_error);
	EXPECT_EQ(flags_of(15), GTF_permit_access);
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map | GNTMAP_readonly, 15, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), l1);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_TRUE(end_access(15));
}

/* Host addresses without a usable L1 entry are general errors; the entry stays unmarked. */
TEST(map, bad_host_addresses)
{
	uint8_t *page, *va;
	struct gnttab_map_grant_ref m;
	static const uint64_t bad[] = {0, 0x1000, HYPERVISOR_VIRT_START, 0x0000800000000000UL};

	ASSERT_TRUE(gt);
	page = granted_page(16, GTF_permit_access, &va);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(map(bad[i], GNTMAP_host_map, 16, SELF_ID, &m), GNTST_general_error);
		EXPECT_EQ(flags_of(16), GTF_permit_access);
	}
	/* An address inside the page names the page. */
	ASSERT_EQ(map(va_of(va) + 5, GNTMAP_host_map, 16, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), virt_to_mfn(page));
	EXPECT_EQ(unmap(va_of(va) + 5, 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_TRUE(end_access(16));
}

/* Device mappings (no IOMMU: the bus address is the machine address) and mixed ones. */
TEST(map, device)
{
	uint8_t *page, *va;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gt);
	page = granted_page(17, GTF_permit_access, &va);
	pmfn = virt_to_mfn(page);
	ASSERT_EQ(map(0, GNTMAP_device_map, 17, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(m.dev_bus_addr, pmfn << 12);
	EXPECT_EQ(flags_of(17), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(unmap(0, 0x999000, m.handle), GNTST_bad_dev_addr);
	EXPECT_EQ(flags_of(17), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(unmap(0, pmfn << 12, m.handle), GNTST_okay);
	EXPECT_EQ(flags_of(17), GTF_permit_access);
	EXPECT_EQ(unmap(0, pmfn << 12, m.handle), GNTST_bad_handle);
	ASSERT_EQ(map(0, GNTMAP_device_map | GNTMAP_readonly, 17, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(flags_of(17), GTF_permit_access | GTF_reading);
	EXPECT_EQ(unmap(0, pmfn << 12, m.handle), GNTST_okay);
	/* Both parts: each unmap removes the part it names; the last one ends the use. */
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map | GNTMAP_device_map, 17, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(flags_of(17), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay); /* no host part left: nothing to do */
	EXPECT_EQ(unmap(0, pmfn << 12, m.handle), GNTST_okay);
	EXPECT_EQ(flags_of(17), GTF_permit_access);
	EXPECT_TRUE(end_access(17));
}

/*
 * GNTMAP_application_map makes the entry user-accessible (no kernel-only
 * mark); GNTMAP_guest_avail bits land in PTE bits 9-11
 * (XENFEAT_gnttab_map_avail_bits); the grant's cache flags are ignored.
 * (Xen 4.17 also sets G on user entries, Keel never: not compared.)
 */
TEST(map, pte_bits)
{
	uint8_t *va;
	struct gnttab_map_grant_ref m;
	uint64_t pte;

	ASSERT_TRUE(gt);
	granted_page(18, GTF_permit_access | GTF_PCD | GTF_PWT, &va);
	ASSERT_EQ(map(va_of(va),
		      GNTMAP_host_map | GNTMAP_application_map | (5u << _GNTMAP_guest_avail0), 18,
		      SELF_ID, &m),
		  GNTST_okay);
	pte = mm_pte(va_of(va));
	pv_printf("application pte %#lx\n", pte);
	EXPECT_EQ(pte & (PTE_US | PTE_KERNEL | PTE_PWT | PTE_PCD), PTE_US);
	EXPECT_EQ(pte & PTE_AVAIL, 5UL << 9);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_TRUE(end_access(18));
}

/* GNTMAP_contains_pte: host_addr is the machine address of the L1 entry. */
TEST(map, by_pte_address)
{
	uint8_t *page, *va;
	uint64_t pte_ma;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gt);
	page = granted_page(19, GTF_permit_access, &va);
	page[9] = 0x99;
	pte_ma = mm_entry_maddr(va_of(va), 1);
	ASSERT_EQ(map(pte_ma, GNTMAP_host_map | GNTMAP_contains_pte, 19, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), virt_to_mfn(page));
	EXPECT_EQ(va[9], 0x99);
	EXPECT_EQ(flags_of(19), GTF_permit_access | GTF_reading | GTF_writing);
	/* Unmapped by the same kind of address it was mapped with. */
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_general_error);
	/* Xen 4.17: no unmap_and_replace for a mapping made by PTE address. */
	EXPECT_EQ(replace(pte_ma, va_of(mm_alloc_page()), m.handle), GNTST_general_error);
	EXPECT_EQ(unmap(pte_ma, 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(flags_of(19), GTF_permit_access);
	/* Misaligned, not in an L1 table, not a table at all, not ours. */
	EXPECT_EQ(map(pte_ma + 1, GNTMAP_host_map | GNTMAP_contains_pte, 19, SELF_ID, &m),
		  GNTST_general_error);
	EXPECT_EQ(map(mm_entry_maddr(va_of(va), 2), GNTMAP_host_map | GNTMAP_contains_pte, 19,
		      SELF_ID, &m),
		  GNTST_general_error);
	EXPECT_EQ(
	    map(virt_to_mfn(page) << 12, GNTMAP_host_map | GNTMAP_contains_pte, 19, SELF_ID, &m),
	    GNTST_general_error);
	EXPECT_EQ(
	    map(mm_released_frame() << 12, GNTMAP_host_map | GNTMAP_contains_pte, 19, SELF_ID, &m),
	    GNTST_general_error);
	EXPECT_EQ(flags_of(19), GTF_permit_access);
	EXPECT_TRUE(end_access(19));
}

/* unmap_and_replace: host_addr takes over new_addr's mapping, new_addr is cleared. */
TEST(map, unmap_and_replace)
{
	uint8_t *page, *va, *other;
	unsigned long omfn;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gt);
	page = granted_page(20, GTF_permit_access, &va);
	other = mm_alloc_page();
	omfn = virt_to_mfn(other);
	other[7] = 0x77;
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map, 20, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(replace(va_of(va), 0, 0xffffff), GNTST_bad_handle);
	/* No L1 entry at new_addr: nothing changes. */
	EXPECT_EQ(replace(va_of(va), 0x1000, m.handle), GNTST_general_error);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), virt_to_mfn(page));
	/* host_addr 0 names no host part: "done", nothing changes. */
	EXPECT_EQ(replace(0, va_of(other), m.handle), GNTST_okay);
	EXPECT_EQ(flags_of(20), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(replace(va_of(va), va_of(other), m.handle), GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), omfn);
	EXPECT_EQ(mm_pte(va_of(other)), 0);
	EXPECT_EQ(va[7], 0x77);
	EXPECT_EQ(flags_of(20), GTF_permit_access);
	EXPECT_EQ(replace(va_of(va), 0, m.handle), GNTST_bad_handle);
	/* new_addr 0: just unmapped. */
	ASSERT_EQ(mm_set_pte(va, 0), 0);
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map, 20, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(replace(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(flags_of(20), GTF_permit_access);
	EXPECT_TRUE(end_access(20));
}

/*
 * The guest may overwrite a grant's entry itself: the grant stays mapped
 * (its marks stay) and unmapping that address fails, until an entry for
 * the granted frame is there again.
 */
TEST(map, entry_changed_by_guest)
{
	uint8_t *page, *va;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gt);
	page = granted_page(21, GTF_permit_access, &va);
	pmfn = virt_to_mfn(page);
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map, 21, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(mm_set_pte(va, 0), 0);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_general_error);
	EXPECT_EQ(flags_of(21), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(mm_set_pte(va, (pmfn << 12) | PTE_P | PTE_RW), 0);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(flags_of(21), GTF_permit_access);
	EXPECT_TRUE(end_access(21));
}

/*
 * Xen 4.17: while an entry is in use its frame and grantee are the ones
 * read at the first use; the guest changing the entry then (against the
 * protocol) changes nothing for later uses.  Only a first writable use
 * looks at the entry again.
 */
TEST(map, entry_changed_while_in_use)
{
	uint8_t *page, *va, *va2;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m, m2;

	ASSERT_TRUE(gt);
	page = granted_page(22, GTF_permit_access, &va);
	va2 = fresh_va();
	pmfn = virt_to_mfn(page);
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map, 22, SELF_ID, &m), GNTST_okay);
	gt[22].domid = 7;
	gt[22].frame = (uint32_t)mm_released_frame();
	__atomic_fetch_or(&gt[22].flags, GTF_readonly, __ATOMIC_SEQ_CST);
	ASSERT_EQ(map(va_of(va2), GNTMAP_host_map, 22, SELF_ID, &m2), GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va2))), pmfn);
	EXPECT_EQ(unmap(va_of(va2), 0, m2.handle), GNTST_okay);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(flags_of(22), GTF_permit_access | GTF_readonly);
	/* Unused again: the entry as it is now counts (read-only, for domain 7). */
	EXPECT_EQ(map(va_of(va), GNTMAP_host_map | GNTMAP_readonly, 22, SELF_ID, &m),
		  GNTST_general_error);
	EXPECT_TRUE(end_access(22));
}

/* Batches: each request has its own status; bad counts and pointers fail the call. */
TEST(map, batches)
{
	uint8_t *page;
	unsigned long pmfn;
	struct gnttab_map_grant_ref b[2];

	ASSERT_TRUE(gt);
	page = mm_alloc_page();
	pmfn = virt_to_mfn(page);
	grant(23, pmfn, SELF_ID, GTF_permit_access);
	b[0] = (struct gnttab_map_grant_ref){
	    .flags = 0, .ref = 23, .dom = SELF_ID, .status = UNTOUCHED};
	b[1] = (struct gnttab_map_grant_ref){
	    .flags = GNTMAP_device_map, .ref = 23, .dom = SELF_ID, .status = UNTOUCHED};
	EXPECT_EQ(gop(GNTTABOP_map_grant_ref, b, 2), 0);
	EXPECT_EQ(b[0].status, GNTST_bad_gntref);
	ASSERT_EQ(b[1].status, GNTST_okay);
	EXPECT_EQ(unmap(0, pmfn << 12, b[1].handle), GNTST_okay);
	EXPECT_EQ(gop(GNTTABOP_map_grant_ref, b, 0), 0);
	EXPECT_EQ(gop(GNTTABOP_map_grant_ref, b, 0x80000001u), -XEN_EINVAL);
	EXPECT_EQ(gop(GNTTABOP_map_grant_ref, BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(gop(GNTTABOP_unmap_grant_ref, BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(gop(GNTTABOP_unmap_and_replace, BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(gop(GNTTABOP_copy, BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(flags_of(23), GTF_permit_access);
	EXPECT_TRUE(end_access(23));
}

/* swap_grant_ref exchanges two entries, unless one is in use (Xen 4.17: GNTST_eagain). */
TEST(map, swap_grant_ref)
{
	uint8_t *page;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m;
	struct gnttab_swap_grant_ref s = {.ref_a = 24, .ref_b = 25, .status = UNTOUCHED};

	ASSERT_TRUE(gt);
	page = mm_alloc_page();
	pmfn = virt_to_mfn(page);
	grant(24, pmfn, SELF_ID, GTF_permit_access);
	grant(25, 0x777, 3, GTF_permit_access | GTF_readonly);
	ASSERT_EQ(map(0, GNTMAP_device_map, 24, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(gop(GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_eagain);
	EXPECT_EQ(unmap(0, pmfn << 12, m.handle), GNTST_okay);
	s.status = UNTOUCHED;
	EXPECT_EQ(gop(GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	EXPECT_EQ(flags_of(24), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(gt[24].domid, 3);
	EXPECT_EQ(gt[24].frame, 0x777);
	EXPECT_EQ(flags_of(25), GTF_permit_access);
	EXPECT_EQ(gt[25].frame, (uint32_t)pmfn);
	s.ref_b = NR_FRAMES * 512;
	EXPECT_EQ(gop(GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_bad_gntref);
	s.ref_b = 24;
	EXPECT_EQ(gop(GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	EXPECT_TRUE(end_access(24));
	EXPECT_TRUE(end_access(25));
}

/* ---- copy ---- */

TEST(copy, by_frame)
{
	uint8_t *a, *b;
	unsigned long amfn, bmfn;
	struct gnttab_copy c;

	ASSERT_TRUE(gt);
	a = mm_alloc_page();
	b = mm_alloc_page();
	amfn = virt_to_mfn(a);
	bmfn = virt_to_mfn(b);
	for (unsigned int i = 0; i < PV_PAGE_SIZE; i++)
		a[i] = (uint8_t)i;
	c = frame_copy(amfn, 100, bmfn, 200, 300);
	EXPECT_EQ(copy(&c), GNTST_okay);
	EXPECT_EQ(b[199], 0);
	EXPECT_EQ(b[200], 100);
	EXPECT_EQ(b[499], (uint8_t)399);
	EXPECT_EQ(b[500], 0);
	c = frame_copy(amfn, 0, bmfn, 0, PV_PAGE_SIZE);
	EXPECT_EQ(copy(&c), GNTST_okay);
	EXPECT_EQ(memcmp(a, b, PV_PAGE_SIZE), 0);
	c = frame_copy(amfn, 0, bmfn, 0, 0);
	EXPECT_EQ(copy(&c), GNTST_okay);
	/* Bounds: offset + len up to the end of the frame. */
	c = frame_copy(amfn, 4096, bmfn, 0, 0);
	EXPECT_EQ(copy(&c), GNTST_okay);
	c = frame_copy(amfn, 4097, bmfn, 0, 0);
	EXPECT_EQ(copy(&c), GNTST_bad_copy_arg);
	c = frame_copy(amfn, 4000, bmfn, 0, 300);
	EXPECT_EQ(copy(&c), GNTST_bad_copy_arg);
	c = frame_copy(amfn, 0, bmfn, 3800, 300);
	EXPECT_EQ(copy(&c), GNTST_bad_copy_arg);
	/* Unknown flag bits are ignored. */
	c = frame_copy(amfn, 0, bmfn, 0, 8);
	c.flags = 0x8004;
	EXPECT_EQ(copy(&c), GNTST_okay);
	/* Our grant-table frames are ours too (an unused entry copied over another). */
	c = frame_copy(gt_mfn[0], 4088, bmfn, 0, 8);
	EXPECT_EQ(copy(&c), GNTST_okay);
	c = frame_copy(gt_mfn[0], 4088, gt_mfn[NR_FRAMES - 1], 4088, 8);
	EXPECT_EQ(copy(&c), GNTST_okay);
}

/*
 * Xen 4.17's order: both domains, then the source frame, the destination
 * frame, and only then the bounds.
 */
TEST(copy, by_frame_refused)
{
	uint8_t *a, *b;
	unsigned long amfn, bmfn, l1;
	struct gnttab_copy c;

	a = mm_alloc_page();
	b = mm_alloc_page();
	amfn = virt_to_mfn(a);
	bmfn = virt_to_mfn(b);
	l1 = l1_mfn_of(b);
	c = frame_copy(amfn, 0, bmfn, 0, 8);
	c.source.domid = SELF_ID; /* by frame only as DOMID_SELF, even our own id */
	EXPECT_EQ(copy(&c), GNTST_permission_denied);
	c = frame_copy(amfn, 0, bmfn, 0, 8);
	c.dest.domid = NO_SUCH_DOMID;
	EXPECT_EQ(copy(&c), GNTST_bad_domain);
	c.source.domid = NO_SUCH_DOMID;
	EXPECT_EQ(copy(&c), GNTST_bad_domain);
	c = frame_copy(amfn, 4000, bmfn, 0, 200);
	c.source.domid = NO_SUCH_DOMID;
	EXPECT_EQ(copy(&c), GNTST_bad_domain);
	c.source.domid = SELF_ID;
	EXPECT_EQ(copy(&c), GNTST_permission_denied);
	c = frame_copy(mm_released_frame(), 0, bmfn, 0, 8);
	EXPECT_EQ(copy(&c), GNTST_bad_page);
	c = frame_copy(amfn, 0, mm_released_frame(), 0, 8);
	EXPECT_EQ(copy(&c), GNTST_bad_page);
	c = frame_copy(0xffffffffffUL, 0, bmfn, 0, 8);
	EXPECT_EQ(copy(&c), GNTST_bad_page);
	c = frame_copy(mm_released_frame(), 4000, bmfn, 0, 200);
	EXPECT_EQ(copy(&c), GNTST_bad_page);
	c = frame_copy(amfn, 4000, mm_released_frame(), 0, 200);
	EXPECT_EQ(copy(&c), GNTST_bad_page);
	c = frame_copy(mm_released_frame(), 0, mm_released_frame(), 0, 0);
	EXPECT_EQ(copy(&c), GNTST_bad_page); /* checked even for no bytes */
	/* A page table: readable, never written (invariant 2). */
	c = frame_copy(amfn, 0, l1, 0, 8);
	EXPECT_EQ(copy(&c), GNTST_general_error);
	c = frame_copy(l1, 0, bmfn, 0, 8);
	EXPECT_EQ(copy(&c), GNTST_okay);
}

/*
 * Two spare pages of ours, *a granted to ourselves read-only as rs and *b
 * writable as rd, and an 8-byte copy from the one grant to the other.
 */
static struct gnttab_copy granted_pair(grant_ref_t rs, grant_ref_t rd, uint8_t **a, uint8_t **b)
{
	struct gnttab_copy c = {.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref, .len = 8};

	*a = mm_alloc_page();
	*b = mm_alloc_page();
	grant(rs, virt_to_mfn(*a), SELF_ID, GTF_permit_access | GTF_readonly);
	grant(rd, virt_to_mfn(*b), SELF_ID, GTF_permit_access);
	c.source.u.ref = rs;
	c.source.domid = SELF_ID;
	c.dest.u.ref = rd;
	c.dest.domid = SELF_ID;
	return c;
}

TEST(copy, by_grant)
{
	uint8_t *a, *b;
	struct gnttab_copy c;

	ASSERT_TRUE(gt);
	c = granted_pair(30, 31, &a, &b);
	for (unsigned int i = 0; i < PV_PAGE_SIZE; i++)
		a[i] = (uint8_t)(i * 7);
	c.source.offset = 10;
	c.dest.offset = 4000;
	c.len = 96;
	EXPECT_EQ(copy(&c), GNTST_okay);
	EXPECT_EQ(b[3999], 0);
	EXPECT_EQ(b[4000], (uint8_t)70);
	EXPECT_EQ(b[4095], (uint8_t)(105 * 7));
	/* The marks are held only while copying. */
	EXPECT_EQ(flags_of(30), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(flags_of(31), GTF_permit_access);
	/* Xen 4.17: a granting domain may be named DOMID_SELF for a copy. */
	c.source.domid = DOMID_SELF;
	c.dest.domid = DOMID_SELF;
	EXPECT_EQ(copy(&c), GNTST_okay);
	/* Grant to frame, and frame to grant. */
	c.flags = GNTCOPY_source_gref;
	c.source.offset = 0;
	c.dest.u.gmfn = virt_to_mfn(b);
	c.dest.offset = 0;
	c.len = 16;
	EXPECT_EQ(copy(&c), GNTST_okay);
	EXPECT_EQ(b[1], 7);
	c = frame_copy(virt_to_mfn(a), 0, 0, 100, 16);
	c.flags = GNTCOPY_dest_gref;
	c.dest.u.ref = 31;
	c.dest.domid = SELF_ID;
	EXPECT_EQ(copy(&c), GNTST_okay);
	EXPECT_EQ(b[101], 7);
	EXPECT_TRUE(end_access(30));
	EXPECT_TRUE(end_access(31));
}

TEST(copy, by_grant_refused)
{
	uint8_t *a, *b;
	unsigned long amfn;
	struct gnttab_copy c;

	ASSERT_TRUE(gt);
	c = granted_pair(32, 33, &a, &b);
	amfn = virt_to_mfn(a);
	c.source.domid = NO_SUCH_DOMID;
	EXPECT_EQ(copy(&c), GNTST_bad_domain);
	c.source.domid = SELF_ID;
	c.dest.domid = NO_SUCH_DOMID;
	EXPECT_EQ(copy(&c), GNTST_bad_domain);
	c.dest.domid = SELF_ID;
	c.dest.u.ref = 32; /* read-only grant as the destination */
	EXPECT_EQ(copy(&c), GNTST_general_error);
	EXPECT_EQ(flags_of(32), GTF_permit_access | GTF_readonly);
	c.dest.u.ref = 33;
	c.source.u.ref = NR_FRAMES * 512;
	EXPECT_EQ(copy(&c), GNTST_bad_gntref);
	c.source.u.ref = 34; /* not granted */
	EXPECT_EQ(copy(&c), GNTST_general_error);
	grant(34, amfn, 5, GTF_permit_access);
	EXPECT_EQ(copy(&c), GNTST_general_error);
	grant(34, mm_released_frame(), SELF_ID, GTF_permit_access);
	EXPECT_EQ(copy(&c), GNTST_bad_page);
	EXPECT_EQ(flags_of(34), GTF_permit_access);
	/* Sub-page grants are a version-2 notion: in version 1 the flag means nothing. */
	grant(34, amfn, SELF_ID, GTF_permit_access | GTF_sub_page);
	EXPECT_EQ(copy(&c), GNTST_okay);
	c.source.u.ref = 32;
	c.source.offset = 4090;
	EXPECT_EQ(copy(&c), GNTST_bad_copy_arg);
	EXPECT_EQ(flags_of(32), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(flags_of(33), GTF_permit_access);
	/* A page table as a writable grant's frame: never written. */
	c.source.offset = 0;
	grant(34, l1_mfn_of(b), SELF_ID, GTF_permit_access);
	c.dest.u.ref = 34;
	EXPECT_EQ(copy(&c), GNTST_general_error);
	EXPECT_EQ(flags_of(34), GTF_permit_access);
	EXPECT_TRUE(end_access(32));
	EXPECT_TRUE(end_access(33));
	EXPECT_TRUE(end_access(34));
}

TEST(copy, batch)
{
	uint8_t *a, *b;
	struct gnttab_copy c[3];

	a = mm_alloc_page();
	b = mm_alloc_page();
	c[0] = frame_copy(virt_to_mfn(a), 0, virt_to_mfn(b), 0, 8);
	c[1] = c[0];
	c[1].len = 5000;
	c[2] = c[0];
	c[0].status = c[1].status = c[2].status = UNTOUCHED;
	EXPECT_EQ(gop(GNTTABOP_copy, c, 3), 0);
	EXPECT_EQ(c[0].status, GNTST_okay);
	EXPECT_EQ(c[1].status, GNTST_bad_copy_arg);
	EXPECT_EQ(c[2].status, GNTST_okay);
}

/* ---- cache_flush (x86) ---- */

/*
 * Xen 4.17 on x86: writing back a range of one's own frame (or one mapped
 * from a grant) is accepted, invalidating alone is not supported, and
 * GNTTAB_CACHE_SOURCE_GREF is refused.  The first error ends a batch.
 */
TEST(cache_flush, x86)
{
	uint8_t *page, *va;
	uint64_t addr;
	struct gnttab_map_grant_ref m;
	struct gnttab_cache_flush two[2] = {{.length = 64, .op = GNTTAB_CACHE_CLEAN},
					    {.length = 64, .op = GNTTAB_CACHE_CLEAN}};

	ASSERT_TRUE(gt);
	page = mm_alloc_page();
	va = fresh_va();
	addr = virt_to_mfn(page) << 12;
	EXPECT_EQ(cache_flush(addr, 0, 64, GNTTAB_CACHE_CLEAN), 0);
	EXPECT_EQ(cache_flush(addr + 0x100, 0, 64, GNTTAB_CACHE_CLEAN), 0);
	EXPECT_EQ(cache_flush(addr, 0, 64, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL), 0);
	EXPECT_EQ(cache_flush(addr, 0, 64, 0), 0);
	EXPECT_EQ(cache_flush(addr, 0, 64, GNTTAB_CACHE_INVAL), -XEN_EOPNOTSUPP);
	EXPECT_EQ(cache_flush(addr, 0, 64, 0x100), -XEN_EINVAL);
	EXPECT_EQ(cache_flush(addr, 4000, 200, GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
	EXPECT_EQ(cache_flush(l1_mfn_of(va) << 12, 0, 64, GNTTAB_CACHE_CLEAN), 0);
	EXPECT_EQ(cache_flush(mm_released_frame() << 12, 0, 64, GNTTAB_CACHE_CLEAN), -XEN_EPERM);
	EXPECT_EQ(cache_flush(mm_released_frame() << 12, 0, 64, GNTTAB_CACHE_INVAL), -XEN_EPERM);
	EXPECT_EQ(cache_flush(mm_released_frame() << 12, 0, 0, GNTTAB_CACHE_CLEAN), 0);
	EXPECT_EQ(cache_flush(0xffffffffff000UL, 0, 64, GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
	grant(35, virt_to_mfn(page), SELF_ID, GTF_permit_access);
	ASSERT_EQ(map(va_of(va), GNTMAP_host_map, 35, SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(cache_flush(35, 0, 64, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_SOURCE_GREF),
		  -XEN_EINVAL);
	EXPECT_EQ(unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_TRUE(end_access(35));
	two[0].a.dev_bus_addr = mm_released_frame() << 12;
	two[1].a.dev_bus_addr = addr;
	EXPECT_EQ(gop(GNTTABOP_cache_flush, two, 2), -XEN_EPERM);
	EXPECT_EQ(gop(GNTTABOP_cache_flush, two, 0), 0);
	EXPECT_EQ(gop(GNTTABOP_cache_flush, BAD_PTR, 1), -XEN_EFAULT);
}

/* ---- the rest ---- */

TEST(misc, unknown_ops)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF};

	EXPECT_EQ(gop(13, &q, 1), -XEN_ENOSYS);
	EXPECT_EQ(gop(99, &q, 1), -XEN_ENOSYS);
}

/*
 * Keel deliberately differs: GNTTABOP_transfer is not offered (-ENOSYS),
 * and dump_table prints the table on the console (Xen 4.17: -ENOSYS).
 */
TEST(misc, transfer_and_dump_table)
{
	struct gnttab_transfer t = {.mfn = 0, .domid = SELF_ID, .ref = 40, .status = UNTOUCHED};
	struct gnttab_dump_table d = {.dom = DOMID_SELF, .status = UNTOUCHED};
	bool keel = on_keel();

	if (keel) {
		EXPECT_EQ(gop(GNTTABOP_transfer, &t, 1), -XEN_ENOSYS);
		EXPECT_EQ(gop(GNTTABOP_dump_table, &d, 1), 0);
		EXPECT_EQ(d.status, GNTST_okay);
		d.dom = NO_SUCH_DOMID;
		EXPECT_EQ(gop(GNTTABOP_dump_table, &d, 1), 0);
		EXPECT_EQ(d.status, GNTST_bad_domain);
	} else {
		EXPECT_EQ(gop(GNTTABOP_transfer, &t, 1), 0);
		EXPECT_EQ(t.status, GNTST_bad_page); /* frame 0 is not ours */
		EXPECT_EQ(gop(GNTTABOP_dump_table, &d, 1), -XEN_ENOSYS);
	}
}

/*
 * Xen 4.17 answers a PV guest's add_to_physmap with -EACCES, once it has
 * found the domain: a PV guest maps its grant frames (and shared_info) by
 * machine frame.
 */
TEST(misc, add_to_physmap)
{
	struct xen_add_to_physmap x = {
	    .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = 0x3000};

	EXPECT_EQ(hyp_memory_op(XENMEM_add_to_physmap, &x), -XEN_EACCES);
	x.space = XENMAPSPACE_shared_info;
	EXPECT_EQ(hyp_memory_op(XENMEM_add_to_physmap, &x), -XEN_EACCES);
	x.space = 99;
	EXPECT_EQ(hyp_memory_op(XENMEM_add_to_physmap, &x), -XEN_EACCES);
	x.domid = NO_SUCH_DOMID;
	EXPECT_EQ(hyp_memory_op(XENMEM_add_to_physmap, &x), -XEN_ESRCH);
	EXPECT_EQ(hyp_memory_op(XENMEM_add_to_physmap, BAD_PTR), -XEN_EFAULT);
}

TEST(misc, map_avail_bits_feature)
{
	struct xen_feature_info fi = {.submap_idx = 0};

	EXPECT_EQ(hyp_xen_version(XENVER_get_features, &fi), 0);
	EXPECT_TRUE(fi.submap & (1u << XENFEAT_gnttab_map_avail_bits));
}

/*
 * Last, because Xen 4.17 (v2 enabled, its default) switches us to version
 * 2.  Keel offers version 1 only and answers as Xen 4.17 booted with
 * gnttab=max-ver:1: -ENOSYS, version 1 written back.
 */
TEST(table, set_version_2)
{
	struct gnttab_set_version s = {.version = 2};
	struct gnttab_get_version v = {.dom = DOMID_SELF};
	bool keel = on_keel();

	EXPECT_EQ(gop(GNTTABOP_set_version, &s, 1), keel ? -XEN_ENOSYS : 0);
	EXPECT_EQ(s.version, keel ? 1 : 2);
	EXPECT_EQ(gop(GNTTABOP_get_version, &v, 1), 0);
	EXPECT_EQ(v.version, keel ? 1 : 2);
}
