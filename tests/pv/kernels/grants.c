/*
 * tests/pv/kernels/grants.c - grant tables, version 1 (xen/grant_table.h),
 * the table and mappings: setup_table, query_size, the version operations,
 * get_status_frames, map_grant_ref (host mappings by address and by PTE,
 * read-only, device mappings, the application and guest-available PTE
 * bits), unmap_grant_ref, unmap_and_replace, swap_grant_ref; the entries'
 * GTF_reading / GTF_writing while in use; hostile references, domains,
 * frames, addresses, handles and pointers, and entries changed while in
 * use.  Copies, cache_flush and the rest: kernels/grant_copy.c.
 *
 * One domain only: we grant to ourselves (the entry's domid is our own
 * id: the kernel runs as dom0 on both) and map our own grants, which
 * exercises the same paths as a grant between two domains.  What two
 * domains add (foreign frames, either side dying with mappings) is tested
 * on the host: tests/unit/test_grant_map.c.
 *
 * A mapping goes to a "fresh" address (gnt_fresh_va: a spare page
 * unmapped first), because Xen does not flush an address it maps a grant
 * over (a stale translation would show the old page).
 *
 * Where Xen 4.17 does something one would not guess, a comment says
 * "Xen 4.17": Keel must do the same.
 */
#include <stdint.h>

#include <xen/grant_table.h>
#include <xen/xen.h>

#include "tests/pv/gnttab.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define BAD_PTR	      ((void *)HYPERVISOR_VIRT_START)
#define NO_SUCH_DOMID 0x1234
#define PTE_KERNEL    (1UL << 52) /* Xen's mark of a kernel-only L1 entry */
#define PTE_AVAIL     (7UL << 9)

static unsigned long va_of(const volatile void *p)
{
	return (unsigned long)p;
}

/* Xen 4.17: a domain starts with one frame of entries, at most 64. */
TEST(table, query_size)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF, .status = GNT_UNTOUCHED};

	EXPECT_EQ(gnt_op(GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_okay);
	EXPECT_EQ(q.nr_frames, 1);
	EXPECT_EQ(q.max_nr_frames, 64);
	q = (struct gnttab_query_size){.dom = GNT_SELF_ID, .status = GNT_UNTOUCHED};
	EXPECT_EQ(gnt_op(GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_okay);
	q = (struct gnttab_query_size){.dom = NO_SUCH_DOMID, .status = GNT_UNTOUCHED};
	EXPECT_EQ(gnt_op(GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.status, GNTST_bad_domain);
	/* Xen 4.17: exactly one operation. */
	EXPECT_EQ(gnt_op(GNTTABOP_query_size, &q, 2), -XEN_EINVAL);
	EXPECT_EQ(gnt_op(GNTTABOP_query_size, &q, 0), -XEN_EINVAL);
	EXPECT_EQ(gnt_op(GNTTABOP_query_size, BAD_PTR, 1), -XEN_EFAULT);
}

/* setup_table grows the table and lists its frames (gnt_setup maps them). */
TEST(table, setup_table)
{
	struct gnttab_setup_table s = {.dom = DOMID_SELF};
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	xen_pfn_t list[GNT_FRAMES + 1];

	for (unsigned int i = 0; i <= GNT_FRAMES; i++)
		list[i] = 0x77;
	set_xen_guest_handle(s.frame_list, list);
	s.status = GNT_UNTOUCHED;
	EXPECT_EQ(gnt_op(GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	EXPECT_EQ(list[0], 0x77); /* nr_frames 0: nothing listed */
	s.nr_frames = 65;
	EXPECT_EQ(gnt_op(GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_general_error); /* past max_nr_frames */
	s.nr_frames = 1;
	s.dom = NO_SUCH_DOMID;
	EXPECT_EQ(gnt_op(GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_bad_domain);
	s.dom = DOMID_SELF;
	s.status = GNT_UNTOUCHED;
	EXPECT_EQ(gnt_op(GNTTABOP_setup_table, &s, 2), -XEN_EINVAL);
	set_xen_guest_handle(s.frame_list, (xen_pfn_t *)BAD_PTR);
	EXPECT_EQ(gnt_op(GNTTABOP_setup_table, &s, 1), -XEN_EFAULT);
	EXPECT_EQ(s.status, GNT_UNTOUCHED); /* Xen 4.17: no status when the list is bad */

	ASSERT_EQ(gnt_setup(), 0); /* GNT_FRAMES frames, mapped */
	for (unsigned int i = 0; i < GNT_FRAMES; i++) {
		/* Not frames of our pseudo-physical map: Xen 4.17's M2P has no entry. */
		EXPECT_EQ(mfn_to_pfn(gnt_table_mfn[i]), ~0UL);
		for (unsigned int j = 0; j < i; j++)
			EXPECT_NE(gnt_table_mfn[i], gnt_table_mfn[j]);
	}
	set_xen_guest_handle(s.frame_list, list);
	s.nr_frames = 2; /* never shrinks; the same frames first */
	EXPECT_EQ(gnt_op(GNTTABOP_setup_table, &s, 1), 0);
	EXPECT_EQ(list[0], gnt_table_mfn[0]);
	EXPECT_EQ(list[1], gnt_table_mfn[1]);
	EXPECT_EQ(list[2], 0x77);
	EXPECT_EQ(gnt_op(GNTTABOP_query_size, &q, 1), 0);
	EXPECT_EQ(q.nr_frames, GNT_FRAMES);
	EXPECT_EQ(gnt_table[0].flags | gnt_table[0].domid | gnt_table[0].frame, 0);
	EXPECT_EQ(gnt_table[GNT_FRAMES * 512 - 1].flags, 0);
}

TEST(table, get_version)
{
	struct gnttab_get_version v = {.dom = DOMID_SELF, .version = 77};

	EXPECT_EQ(gnt_op(GNTTABOP_get_version, &v, 1), 0);
	EXPECT_EQ(v.version, 1);
	v = (struct gnttab_get_version){.dom = GNT_SELF_ID, .version = 77};
	EXPECT_EQ(gnt_op(GNTTABOP_get_version, &v, 1), 0);
	EXPECT_EQ(v.version, 1);
	/* Xen 4.17: an errno here, not a status; the count is not looked at. */
	v.dom = NO_SUCH_DOMID;
	EXPECT_EQ(gnt_op(GNTTABOP_get_version, &v, 1), -XEN_ESRCH);
	v.dom = DOMID_SELF;
	EXPECT_EQ(gnt_op(GNTTABOP_get_version, &v, 2), 0);
	EXPECT_EQ(gnt_op(GNTTABOP_get_version, BAD_PTR, 1), -XEN_EFAULT);
}

/* Xen 4.17 writes the version in force back, also when it refuses the one asked for. */
TEST(table, set_version)
{
	struct gnttab_set_version s = {.version = 1};

	EXPECT_EQ(gnt_op(GNTTABOP_set_version, &s, 1), 0);
	EXPECT_EQ(s.version, 1);
	s.version = 0;
	EXPECT_EQ(gnt_op(GNTTABOP_set_version, &s, 1), -XEN_EINVAL);
	EXPECT_EQ(s.version, 1);
	s.version = 3;
	EXPECT_EQ(gnt_op(GNTTABOP_set_version, &s, 1), -XEN_EINVAL);
	EXPECT_EQ(s.version, 1);
	s.version = 1;
	EXPECT_EQ(gnt_op(GNTTABOP_set_version, &s, 0), 0); /* the count is not looked at */
	EXPECT_EQ(gnt_op(GNTTABOP_set_version, BAD_PTR, 1), -XEN_EFAULT);
	/* Version 2 is the last test of this kernel (Xen 4.17 switches to it). */
}

/* Version 1 has no status frames: asking for any is an error, for none is fine. */
TEST(table, get_status_frames)
{
	uint64_t list[2];
	struct gnttab_get_status_frames s = {
	    .nr_frames = 1, .dom = DOMID_SELF, .status = GNT_UNTOUCHED};

	set_xen_guest_handle(s.frame_list, list);
	EXPECT_EQ(gnt_op(GNTTABOP_get_status_frames, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_general_error);
	s.nr_frames = 0;
	s.status = GNT_UNTOUCHED;
	EXPECT_EQ(gnt_op(GNTTABOP_get_status_frames, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	s.dom = NO_SUCH_DOMID;
	EXPECT_EQ(gnt_op(GNTTABOP_get_status_frames, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_bad_domain);
	EXPECT_EQ(gnt_op(GNTTABOP_get_status_frames, &s, 2), -XEN_EINVAL);
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

	ASSERT_TRUE(gnt_table);
	page = gnt_granted_page(10, GTF_permit_access, &va);
	pmfn = virt_to_mfn(page);
	page[5] = 0x42;
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 10, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_NE(m.handle, 0xdeadbeef);
	EXPECT_EQ(m.dev_bus_addr, pmfn << 12); /* Xen 4.17: reported for a host mapping too */
	pte = mm_pte(va_of(va));
	pv_printf("grant pte %#lx\n", pte);
	EXPECT_EQ(pte_mfn(pte), pmfn);
	EXPECT_EQ(pte & (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | PTE_PWT | PTE_PCD),
		  PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D);
	EXPECT_TRUE(pte & PTE_KERNEL); /* kernel-only: no GNTMAP_application_map */
	EXPECT_EQ(pte & PTE_AVAIL, 0);
	EXPECT_EQ(gnt_flags(10), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(va[5], 0x42);
	va[6] = 0x43;
	EXPECT_EQ(page[6], 0x43);
	EXPECT_TRUE(!gnt_end_access(10));
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(gnt_flags(10), GTF_permit_access);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_bad_handle);
	EXPECT_TRUE(gnt_end_access(10));
	EXPECT_EQ(gnt_flags(10), 0);
}

/* A read-only mapping sets only GTF_reading and cannot be written through. */
TEST(map, read_only)
{
	uint8_t *va;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gnt_table);
	gnt_granted_page(11, GTF_permit_access | GTF_readonly, &va);
	/* Xen 4.17: a writable mapping of a read-only grant is a general error. */
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 11, GNT_SELF_ID, &m), GNTST_general_error);
	EXPECT_EQ(m.handle, 0xdeadbeef);
	EXPECT_EQ(gnt_flags(11), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map | GNTMAP_readonly, 11, GNT_SELF_ID, &m),
		  GNTST_okay);
	EXPECT_EQ(gnt_flags(11), GTF_permit_access | GTF_readonly | GTF_reading);
	EXPECT_EQ(mm_pte(va_of(va)) & (PTE_P | PTE_RW), PTE_P);
	pv_trap_reset();
	EXPECT_TRUE(!pv_try_write(va, 1));
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(gnt_flags(11), GTF_permit_access | GTF_readonly);
	EXPECT_TRUE(gnt_end_access(11));
}

/* Two mappings of one grant: the marks stay until the last one that needs them goes. */
TEST(map, twice)
{
	uint8_t *va1, *va2;
	struct gnttab_map_grant_ref rw, ro;

	ASSERT_TRUE(gnt_table);
	gnt_granted_page(12, GTF_permit_access, &va1);
	va2 = gnt_fresh_va();
	ASSERT_EQ(gnt_map(va_of(va1), GNTMAP_host_map, 12, GNT_SELF_ID, &rw), GNTST_okay);
	ASSERT_EQ(gnt_map(va_of(va2), GNTMAP_host_map | GNTMAP_readonly, 12, GNT_SELF_ID, &ro),
		  GNTST_okay);
	EXPECT_NE(rw.handle, ro.handle);
	EXPECT_EQ(gnt_flags(12), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(gnt_unmap(va_of(va1), 0, rw.handle), GNTST_okay);
	EXPECT_EQ(gnt_flags(12), GTF_permit_access | GTF_reading);
	/* Xen 4.17: the wrong address is a general error and changes nothing. */
	EXPECT_EQ(gnt_unmap(va_of(va1), 0, ro.handle), GNTST_general_error);
	/* Address 0 names no host part: "done", and the mapping stays. */
	EXPECT_EQ(gnt_unmap(0, 0, ro.handle), GNTST_okay);
	EXPECT_EQ(gnt_flags(12), GTF_permit_access | GTF_reading);
	EXPECT_NE(mm_pte(va_of(va2)), 0);
	EXPECT_EQ(gnt_unmap(va_of(va2), 0, ro.handle), GNTST_okay);
	EXPECT_EQ(gnt_flags(12), GTF_permit_access);
	EXPECT_EQ(mm_pte(va_of(va2)), 0);
	EXPECT_EQ(gnt_unmap(va_of(va2), 0, 0xffffff), GNTST_bad_handle);
	EXPECT_TRUE(gnt_end_access(12));
}

/* Requests that name no usable grant; each leaves the entry as it was. */
TEST(map, bad_requests)
{
	uint8_t *page, *va;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gnt_table);
	page = gnt_granted_page(13, GTF_permit_access, &va);
	pmfn = virt_to_mfn(page);
	/* Xen 4.17: nothing to map is "bad gntref", checked before the domain. */
	EXPECT_EQ(gnt_map(va_of(va), 0, 13, GNT_SELF_ID, &m), GNTST_bad_gntref);
	EXPECT_EQ(m.handle, 0xdeadbeef);
	EXPECT_EQ(gnt_map(va_of(va), 0, 13, NO_SUCH_DOMID, &m), GNTST_bad_gntref);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 5000, NO_SUCH_DOMID, &m), GNTST_bad_domain);
	/* Xen 4.17: DOMID_SELF names no domain for a map. */
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 13, DOMID_SELF, &m), GNTST_bad_domain);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 13, NO_SUCH_DOMID, &m), GNTST_bad_domain);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, GNT_FRAMES * 512, GNT_SELF_ID, &m),
		  GNTST_bad_gntref);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 0xffffffff, GNT_SELF_ID, &m),
		  GNTST_bad_gntref);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 14, GNT_SELF_ID, &m), GNTST_general_error);
	gnt_grant(14, pmfn, 5, GTF_permit_access); /* for another domain */
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 14, GNT_SELF_ID, &m), GNTST_general_error);
	gnt_grant(14, pmfn, GNT_SELF_ID, GTF_accept_transfer);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 14, GNT_SELF_ID, &m), GNTST_general_error);
	gnt_grant(14, pmfn, GNT_SELF_ID, GTF_transitive);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 14, GNT_SELF_ID, &m), GNTST_general_error);
	EXPECT_EQ(gnt_flags(14), GTF_transitive);
	EXPECT_EQ(gnt_flags(13), GTF_permit_access);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	gnt_grant(14, 0, 0, 0);
	EXPECT_TRUE(gnt_end_access(13));
}

/* A grant may only name the granter's own frames, and writable only where they may be. */
TEST(map, bad_frames)
{
	uint8_t *va;
	unsigned long l1;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gnt_table);
	va = gnt_fresh_va();
	l1 = gnt_l1_mfn_of(va);
	gnt_grant(15, mm_released_frame(), GNT_SELF_ID, GTF_permit_access);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 15, GNT_SELF_ID, &m), GNTST_bad_page);
	EXPECT_EQ(gnt_flags(15), GTF_permit_access);
	gnt_grant(15, 0xffffffff, GNT_SELF_ID, GTF_permit_access);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 15, GNT_SELF_ID, &m), GNTST_bad_page);
	EXPECT_EQ(gnt_flags(15), GTF_permit_access);
	/* One of our page tables: never writable-mapped (invariant 2), read-only is fine. */
	gnt_grant(15, l1, GNT_SELF_ID, GTF_permit_access);
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 15, GNT_SELF_ID, &m), GNTST_general_error);
	EXPECT_EQ(gnt_flags(15), GTF_permit_access);
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map | GNTMAP_readonly, 15, GNT_SELF_ID, &m),
		  GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), l1);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_TRUE(gnt_end_access(15));
}

/* Host addresses without a usable L1 entry are general errors; the entry stays unmarked. */
TEST(map, bad_host_addresses)
{
	uint8_t *page, *va;
	struct gnttab_map_grant_ref m;
	static const uint64_t bad[] = {0, 0x1000, HYPERVISOR_VIRT_START, 0x0000800000000000UL};

	ASSERT_TRUE(gnt_table);
	page = gnt_granted_page(16, GTF_permit_access, &va);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(gnt_map(bad[i], GNTMAP_host_map, 16, GNT_SELF_ID, &m),
			  GNTST_general_error);
		EXPECT_EQ(gnt_flags(16), GTF_permit_access);
	}
	/* An address inside the page names the page. */
	ASSERT_EQ(gnt_map(va_of(va) + 5, GNTMAP_host_map, 16, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), virt_to_mfn(page));
	EXPECT_EQ(gnt_unmap(va_of(va) + 5, 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_TRUE(gnt_end_access(16));
}

/* Device mappings (no IOMMU: the bus address is the machine address) and mixed ones. */
TEST(map, device)
{
	uint8_t *page, *va;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gnt_table);
	page = gnt_granted_page(17, GTF_permit_access, &va);
	pmfn = virt_to_mfn(page);
	ASSERT_EQ(gnt_map(0, GNTMAP_device_map, 17, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(m.dev_bus_addr, pmfn << 12);
	EXPECT_EQ(gnt_flags(17), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(gnt_unmap(0, 0x999000, m.handle), GNTST_bad_dev_addr);
	EXPECT_EQ(gnt_flags(17), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(gnt_unmap(0, pmfn << 12, m.handle), GNTST_okay);
	EXPECT_EQ(gnt_flags(17), GTF_permit_access);
	EXPECT_EQ(gnt_unmap(0, pmfn << 12, m.handle), GNTST_bad_handle);
	ASSERT_EQ(gnt_map(0, GNTMAP_device_map | GNTMAP_readonly, 17, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(gnt_flags(17), GTF_permit_access | GTF_reading);
	EXPECT_EQ(gnt_unmap(0, pmfn << 12, m.handle), GNTST_okay);
	/* Both parts: each unmap removes the part it names; the last one ends the use. */
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map | GNTMAP_device_map, 17, GNT_SELF_ID, &m),
		  GNTST_okay);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(gnt_flags(17), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle),
		  GNTST_okay); /* no host part left: nothing to do */
	EXPECT_EQ(gnt_unmap(0, pmfn << 12, m.handle), GNTST_okay);
	EXPECT_EQ(gnt_flags(17), GTF_permit_access);
	EXPECT_TRUE(gnt_end_access(17));
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

	ASSERT_TRUE(gnt_table);
	gnt_granted_page(18, GTF_permit_access | GTF_PCD | GTF_PWT, &va);
	ASSERT_EQ(gnt_map(va_of(va),
			  GNTMAP_host_map | GNTMAP_application_map | (5u << _GNTMAP_guest_avail0),
			  18, GNT_SELF_ID, &m),
		  GNTST_okay);
	pte = mm_pte(va_of(va));
	pv_printf("application pte %#lx\n", pte);
	EXPECT_EQ(pte & (PTE_US | PTE_KERNEL | PTE_PWT | PTE_PCD), PTE_US);
	EXPECT_EQ(pte & PTE_AVAIL, 5UL << 9);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_TRUE(gnt_end_access(18));
}

/* GNTMAP_contains_pte: host_addr is the machine address of the L1 entry. */
TEST(map, by_pte_address)
{
	uint8_t *page, *va;
	uint64_t pte_ma;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gnt_table);
	page = gnt_granted_page(19, GTF_permit_access, &va);
	page[9] = 0x99;
	pte_ma = mm_entry_maddr(va_of(va), 1);
	ASSERT_EQ(gnt_map(pte_ma, GNTMAP_host_map | GNTMAP_contains_pte, 19, GNT_SELF_ID, &m),
		  GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), virt_to_mfn(page));
	EXPECT_EQ(va[9], 0x99);
	EXPECT_EQ(gnt_flags(19), GTF_permit_access | GTF_reading | GTF_writing);
	/* Unmapped by the same kind of address it was mapped with. */
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_general_error);
	/* Xen 4.17: no unmap_and_replace for a mapping made by PTE address. */
	EXPECT_EQ(gnt_replace(pte_ma, va_of(mm_alloc_page()), m.handle), GNTST_general_error);
	EXPECT_EQ(gnt_unmap(pte_ma, 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(gnt_flags(19), GTF_permit_access);
	/* Misaligned, not in an L1 table, not a table at all, not ours. */
	EXPECT_EQ(gnt_map(pte_ma + 1, GNTMAP_host_map | GNTMAP_contains_pte, 19, GNT_SELF_ID, &m),
		  GNTST_general_error);
	EXPECT_EQ(gnt_map(mm_entry_maddr(va_of(va), 2), GNTMAP_host_map | GNTMAP_contains_pte, 19,
			  GNT_SELF_ID, &m),
		  GNTST_general_error);
	EXPECT_EQ(gnt_map(virt_to_mfn(page) << 12, GNTMAP_host_map | GNTMAP_contains_pte, 19,
			  GNT_SELF_ID, &m),
		  GNTST_general_error);
	EXPECT_EQ(gnt_map(mm_released_frame() << 12, GNTMAP_host_map | GNTMAP_contains_pte, 19,
			  GNT_SELF_ID, &m),
		  GNTST_general_error);
	EXPECT_EQ(gnt_flags(19), GTF_permit_access);
	EXPECT_TRUE(gnt_end_access(19));
}

/* unmap_and_replace: host_addr takes over new_addr's mapping, new_addr is cleared. */
TEST(map, unmap_and_replace)
{
	uint8_t *page, *va, *other;
	unsigned long omfn;
	struct gnttab_map_grant_ref m;

	ASSERT_TRUE(gnt_table);
	page = gnt_granted_page(20, GTF_permit_access, &va);
	other = mm_alloc_page();
	omfn = virt_to_mfn(other);
	other[7] = 0x77;
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 20, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(gnt_replace(va_of(va), 0, 0xffffff), GNTST_bad_handle);
	/* No L1 entry at new_addr: nothing changes. */
	EXPECT_EQ(gnt_replace(va_of(va), 0x1000, m.handle), GNTST_general_error);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), virt_to_mfn(page));
	/* host_addr 0 names no host part: "done", nothing changes. */
	EXPECT_EQ(gnt_replace(0, va_of(other), m.handle), GNTST_okay);
	EXPECT_EQ(gnt_flags(20), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(gnt_replace(va_of(va), va_of(other), m.handle), GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va))), omfn);
	EXPECT_EQ(mm_pte(va_of(other)), 0);
	EXPECT_EQ(va[7], 0x77);
	EXPECT_EQ(gnt_flags(20), GTF_permit_access);
	EXPECT_EQ(gnt_replace(va_of(va), 0, m.handle), GNTST_bad_handle);
	/* new_addr 0: just unmapped. */
	ASSERT_EQ(mm_set_pte(va, 0), 0);
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 20, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(gnt_replace(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(gnt_flags(20), GTF_permit_access);
	EXPECT_TRUE(gnt_end_access(20));
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

	ASSERT_TRUE(gnt_table);
	page = gnt_granted_page(21, GTF_permit_access, &va);
	pmfn = virt_to_mfn(page);
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 21, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(mm_set_pte(va, 0), 0);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_general_error);
	EXPECT_EQ(gnt_flags(21), GTF_permit_access | GTF_reading | GTF_writing);
	EXPECT_EQ(mm_set_pte(va, (pmfn << 12) | PTE_P | PTE_RW), 0);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(mm_pte(va_of(va)), 0);
	EXPECT_EQ(gnt_flags(21), GTF_permit_access);
	EXPECT_TRUE(gnt_end_access(21));
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

	ASSERT_TRUE(gnt_table);
	page = gnt_granted_page(22, GTF_permit_access, &va);
	va2 = gnt_fresh_va();
	pmfn = virt_to_mfn(page);
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 22, GNT_SELF_ID, &m), GNTST_okay);
	gnt_table[22].domid = 7;
	gnt_table[22].frame = (uint32_t)mm_released_frame();
	__atomic_fetch_or(&gnt_table[22].flags, GTF_readonly, __ATOMIC_SEQ_CST);
	ASSERT_EQ(gnt_map(va_of(va2), GNTMAP_host_map, 22, GNT_SELF_ID, &m2), GNTST_okay);
	EXPECT_EQ(pte_mfn(mm_pte(va_of(va2))), pmfn);
	EXPECT_EQ(gnt_unmap(va_of(va2), 0, m2.handle), GNTST_okay);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_EQ(gnt_flags(22), GTF_permit_access | GTF_readonly);
	/* Unused again: the entry as it is now counts (read-only, for domain 7). */
	EXPECT_EQ(gnt_map(va_of(va), GNTMAP_host_map | GNTMAP_readonly, 22, GNT_SELF_ID, &m),
		  GNTST_general_error);
	EXPECT_TRUE(gnt_end_access(22));
}

/* Batches: each request has its own status; bad counts and pointers fail the call. */
TEST(map, batches)
{
	uint8_t *page;
	unsigned long pmfn;
	struct gnttab_map_grant_ref b[2];

	ASSERT_TRUE(gnt_table);
	page = mm_alloc_page();
	pmfn = virt_to_mfn(page);
	gnt_grant(23, pmfn, GNT_SELF_ID, GTF_permit_access);
	b[0] = (struct gnttab_map_grant_ref){
	    .flags = 0, .ref = 23, .dom = GNT_SELF_ID, .status = GNT_UNTOUCHED};
	b[1] = (struct gnttab_map_grant_ref){
	    .flags = GNTMAP_device_map, .ref = 23, .dom = GNT_SELF_ID, .status = GNT_UNTOUCHED};
	EXPECT_EQ(gnt_op(GNTTABOP_map_grant_ref, b, 2), 0);
	EXPECT_EQ(b[0].status, GNTST_bad_gntref);
	ASSERT_EQ(b[1].status, GNTST_okay);
	EXPECT_EQ(gnt_unmap(0, pmfn << 12, b[1].handle), GNTST_okay);
	EXPECT_EQ(gnt_op(GNTTABOP_map_grant_ref, b, 0), 0);
	EXPECT_EQ(gnt_op(GNTTABOP_map_grant_ref, b, 0x80000001u), -XEN_EINVAL);
	EXPECT_EQ(gnt_op(GNTTABOP_map_grant_ref, BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(gnt_op(GNTTABOP_unmap_grant_ref, BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(gnt_op(GNTTABOP_unmap_and_replace, BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(gnt_op(GNTTABOP_copy, BAD_PTR, 1), -XEN_EFAULT);
	EXPECT_EQ(gnt_flags(23), GTF_permit_access);
	EXPECT_TRUE(gnt_end_access(23));
}

/* swap_grant_ref exchanges two entries, unless one is in use (Xen 4.17: GNTST_eagain). */
TEST(map, swap_grant_ref)
{
	uint8_t *page;
	unsigned long pmfn;
	struct gnttab_map_grant_ref m;
	struct gnttab_swap_grant_ref s = {.ref_a = 24, .ref_b = 25, .status = GNT_UNTOUCHED};

	ASSERT_TRUE(gnt_table);
	page = mm_alloc_page();
	pmfn = virt_to_mfn(page);
	gnt_grant(24, pmfn, GNT_SELF_ID, GTF_permit_access);
	gnt_grant(25, 0x777, 3, GTF_permit_access | GTF_readonly);
	ASSERT_EQ(gnt_map(0, GNTMAP_device_map, 24, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(gnt_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_eagain);
	EXPECT_EQ(gnt_unmap(0, pmfn << 12, m.handle), GNTST_okay);
	s.status = GNT_UNTOUCHED;
	EXPECT_EQ(gnt_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	EXPECT_EQ(gnt_flags(24), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(gnt_table[24].domid, 3);
	EXPECT_EQ(gnt_table[24].frame, 0x777);
	EXPECT_EQ(gnt_flags(25), GTF_permit_access);
	EXPECT_EQ(gnt_table[25].frame, (uint32_t)pmfn);
	s.ref_b = GNT_FRAMES * 512;
	EXPECT_EQ(gnt_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_bad_gntref);
	s.ref_b = 24;
	EXPECT_EQ(gnt_op(GNTTABOP_swap_grant_ref, &s, 1), 0);
	EXPECT_EQ(s.status, GNTST_okay);
	EXPECT_TRUE(gnt_end_access(24));
	EXPECT_TRUE(gnt_end_access(25));
}
