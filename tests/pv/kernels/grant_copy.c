/*
 * tests/pv/kernels/grant_copy.c - grant tables, version 1: GNTTABOP_copy
 * (by reference and by frame, both ways, partial pages, bounds, hostile
 * domains, frames and references, batches), cache_flush as x86 Xen
 * answers it, unknown operations, and what XENMEM_add_to_physmap and
 * XENVER_get_features say about grants to a PV guest.  Table and mappings:
 * kernels/grants.c.
 *
 * One domain only, granting to itself (see grants.c).  Where Xen 4.17
 * does something one would not guess, a comment says "Xen 4.17": Keel
 * must do the same.  Where Keel deliberately differs (version 2,
 * transfer, dump_table: docs/pv-model.md), the test asks which hypervisor
 * it runs on and expects each one's answer.
 */
#include <stdint.h>

#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/xen.h>

#include "lib/string.h"
#include "tests/pv/gnttab.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"

#define BAD_PTR	      ((void *)HYPERVISOR_VIRT_START)
#define NO_SUCH_DOMID 0x1234

static long cache_flush(uint64_t addr, uint16_t offset, uint16_t length, uint32_t op)
{
	struct gnttab_cache_flush c = {.offset = offset, .length = length, .op = op};

	c.a.dev_bus_addr = addr;
	return gnt_op(GNTTABOP_cache_flush, &c, 1);
}

static unsigned long va_of(const volatile void *p)
{
	return (unsigned long)p;
}

/* Our table first: the copies by reference need entries. */
TEST(table, setup)
{
	ASSERT_EQ(gnt_setup(), 0);
}

/* ---- copy ---- */

TEST(copy, by_frame)
{
	uint8_t *a, *b;
	unsigned long amfn, bmfn;
	struct gnttab_copy c;

	ASSERT_TRUE(gnt_table);
	a = mm_alloc_page();
	b = mm_alloc_page();
	amfn = virt_to_mfn(a);
	bmfn = virt_to_mfn(b);
	for (unsigned int i = 0; i < PV_PAGE_SIZE; i++)
		a[i] = (uint8_t)i;
	c = gnt_frame_copy(amfn, 100, bmfn, 200, 300);
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	EXPECT_EQ(b[199], 0);
	EXPECT_EQ(b[200], 100);
	EXPECT_EQ(b[499], (uint8_t)399);
	EXPECT_EQ(b[500], 0);
	c = gnt_frame_copy(amfn, 0, bmfn, 0, PV_PAGE_SIZE);
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	EXPECT_EQ(memcmp(a, b, PV_PAGE_SIZE), 0);
	c = gnt_frame_copy(amfn, 0, bmfn, 0, 0);
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	/* Bounds: offset + len up to the end of the frame. */
	c = gnt_frame_copy(amfn, 4096, bmfn, 0, 0);
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	c = gnt_frame_copy(amfn, 4097, bmfn, 0, 0);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_copy_arg);
	c = gnt_frame_copy(amfn, 4000, bmfn, 0, 300);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_copy_arg);
	c = gnt_frame_copy(amfn, 0, bmfn, 3800, 300);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_copy_arg);
	/* Unknown flag bits are ignored. */
	c = gnt_frame_copy(amfn, 0, bmfn, 0, 8);
	c.flags = 0x8004;
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	/* Our grant-table frames are ours too (an unused entry copied over another). */
	c = gnt_frame_copy(gnt_table_mfn[0], 4088, bmfn, 0, 8);
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	c = gnt_frame_copy(gnt_table_mfn[0], 4088, gnt_table_mfn[GNT_FRAMES - 1], 4088, 8);
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
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
	l1 = gnt_l1_mfn_of(b);
	c = gnt_frame_copy(amfn, 0, bmfn, 0, 8);
	c.source.domid = GNT_SELF_ID; /* by frame only as DOMID_SELF, even our own id */
	EXPECT_EQ(gnt_copy(&c), GNTST_permission_denied);
	c = gnt_frame_copy(amfn, 0, bmfn, 0, 8);
	c.dest.domid = NO_SUCH_DOMID;
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_domain);
	c.source.domid = NO_SUCH_DOMID;
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_domain);
	c = gnt_frame_copy(amfn, 4000, bmfn, 0, 200);
	c.source.domid = NO_SUCH_DOMID;
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_domain);
	c.source.domid = GNT_SELF_ID;
	EXPECT_EQ(gnt_copy(&c), GNTST_permission_denied);
	c = gnt_frame_copy(mm_released_frame(), 0, bmfn, 0, 8);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_page);
	c = gnt_frame_copy(amfn, 0, mm_released_frame(), 0, 8);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_page);
	c = gnt_frame_copy(0xffffffffffUL, 0, bmfn, 0, 8);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_page);
	c = gnt_frame_copy(mm_released_frame(), 4000, bmfn, 0, 200);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_page);
	c = gnt_frame_copy(amfn, 4000, mm_released_frame(), 0, 200);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_page);
	c = gnt_frame_copy(mm_released_frame(), 0, mm_released_frame(), 0, 0);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_page); /* checked even for no bytes */
	/* A page table: readable, never written (invariant 2). */
	c = gnt_frame_copy(amfn, 0, l1, 0, 8);
	EXPECT_EQ(gnt_copy(&c), GNTST_general_error);
	c = gnt_frame_copy(l1, 0, bmfn, 0, 8);
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
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
	gnt_grant(rs, virt_to_mfn(*a), GNT_SELF_ID, GTF_permit_access | GTF_readonly);
	gnt_grant(rd, virt_to_mfn(*b), GNT_SELF_ID, GTF_permit_access);
	c.source.u.ref = rs;
	c.source.domid = GNT_SELF_ID;
	c.dest.u.ref = rd;
	c.dest.domid = GNT_SELF_ID;
	return c;
}

TEST(copy, by_grant)
{
	uint8_t *a, *b;
	struct gnttab_copy c;

	ASSERT_TRUE(gnt_table);
	c = granted_pair(30, 31, &a, &b);
	for (unsigned int i = 0; i < PV_PAGE_SIZE; i++)
		a[i] = (uint8_t)(i * 7);
	c.source.offset = 10;
	c.dest.offset = 4000;
	c.len = 96;
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	EXPECT_EQ(b[3999], 0);
	EXPECT_EQ(b[4000], (uint8_t)70);
	EXPECT_EQ(b[4095], (uint8_t)(105 * 7));
	/* The marks are held only while copying. */
	EXPECT_EQ(gnt_flags(30), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(gnt_flags(31), GTF_permit_access);
	/* Xen 4.17: a granting domain may be named DOMID_SELF for a copy. */
	c.source.domid = DOMID_SELF;
	c.dest.domid = DOMID_SELF;
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	/* Grant to frame, and frame to grant. */
	c.flags = GNTCOPY_source_gref;
	c.source.offset = 0;
	c.dest.u.gmfn = virt_to_mfn(b);
	c.dest.offset = 0;
	c.len = 16;
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	EXPECT_EQ(b[1], 7);
	c = gnt_frame_copy(virt_to_mfn(a), 0, 0, 100, 16);
	c.flags = GNTCOPY_dest_gref;
	c.dest.u.ref = 31;
	c.dest.domid = GNT_SELF_ID;
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	EXPECT_EQ(b[101], 7);
	EXPECT_TRUE(gnt_end_access(30));
	EXPECT_TRUE(gnt_end_access(31));
}

TEST(copy, by_grant_refused)
{
	uint8_t *a, *b;
	unsigned long amfn;
	struct gnttab_copy c;

	ASSERT_TRUE(gnt_table);
	c = granted_pair(32, 33, &a, &b);
	amfn = virt_to_mfn(a);
	c.source.domid = NO_SUCH_DOMID;
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_domain);
	c.source.domid = GNT_SELF_ID;
	c.dest.domid = NO_SUCH_DOMID;
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_domain);
	c.dest.domid = GNT_SELF_ID;
	c.dest.u.ref = 32; /* read-only grant as the destination */
	EXPECT_EQ(gnt_copy(&c), GNTST_general_error);
	EXPECT_EQ(gnt_flags(32), GTF_permit_access | GTF_readonly);
	c.dest.u.ref = 33;
	c.source.u.ref = GNT_FRAMES * 512;
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_gntref);
	c.source.u.ref = 34; /* not granted */
	EXPECT_EQ(gnt_copy(&c), GNTST_general_error);
	gnt_grant(34, amfn, 5, GTF_permit_access);
	EXPECT_EQ(gnt_copy(&c), GNTST_general_error);
	gnt_grant(34, mm_released_frame(), GNT_SELF_ID, GTF_permit_access);
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_page);
	EXPECT_EQ(gnt_flags(34), GTF_permit_access);
	/* Sub-page grants are a version-2 notion: in version 1 the flag means nothing. */
	gnt_grant(34, amfn, GNT_SELF_ID, GTF_permit_access | GTF_sub_page);
	EXPECT_EQ(gnt_copy(&c), GNTST_okay);
	c.source.u.ref = 32;
	c.source.offset = 4090;
	EXPECT_EQ(gnt_copy(&c), GNTST_bad_copy_arg);
	EXPECT_EQ(gnt_flags(32), GTF_permit_access | GTF_readonly);
	EXPECT_EQ(gnt_flags(33), GTF_permit_access);
	/* A page table as a writable grant's frame: never written. */
	c.source.offset = 0;
	gnt_grant(34, gnt_l1_mfn_of(b), GNT_SELF_ID, GTF_permit_access);
	c.dest.u.ref = 34;
	EXPECT_EQ(gnt_copy(&c), GNTST_general_error);
	EXPECT_EQ(gnt_flags(34), GTF_permit_access);
	EXPECT_TRUE(gnt_end_access(32));
	EXPECT_TRUE(gnt_end_access(33));
	EXPECT_TRUE(gnt_end_access(34));
}

TEST(copy, batch)
{
	uint8_t *a, *b;
	struct gnttab_copy c[3];

	a = mm_alloc_page();
	b = mm_alloc_page();
	c[0] = gnt_frame_copy(virt_to_mfn(a), 0, virt_to_mfn(b), 0, 8);
	c[1] = c[0];
	c[1].len = 5000;
	c[2] = c[0];
	c[0].status = c[1].status = c[2].status = GNT_UNTOUCHED;
	EXPECT_EQ(gnt_op(GNTTABOP_copy, c, 3), 0);
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

	ASSERT_TRUE(gnt_table);
	page = mm_alloc_page();
	va = gnt_fresh_va();
	addr = virt_to_mfn(page) << 12;
	EXPECT_EQ(cache_flush(addr, 0, 64, GNTTAB_CACHE_CLEAN), 0);
	EXPECT_EQ(cache_flush(addr + 0x100, 0, 64, GNTTAB_CACHE_CLEAN), 0);
	EXPECT_EQ(cache_flush(addr, 0, 64, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL), 0);
	EXPECT_EQ(cache_flush(addr, 0, 64, 0), 0);
	EXPECT_EQ(cache_flush(addr, 0, 64, GNTTAB_CACHE_INVAL), -XEN_EOPNOTSUPP);
	EXPECT_EQ(cache_flush(addr, 0, 64, 0x100), -XEN_EINVAL);
	EXPECT_EQ(cache_flush(addr, 4000, 200, GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
	EXPECT_EQ(cache_flush(gnt_l1_mfn_of(va) << 12, 0, 64, GNTTAB_CACHE_CLEAN), 0);
	EXPECT_EQ(cache_flush(mm_released_frame() << 12, 0, 64, GNTTAB_CACHE_CLEAN), -XEN_EPERM);
	EXPECT_EQ(cache_flush(mm_released_frame() << 12, 0, 64, GNTTAB_CACHE_INVAL), -XEN_EPERM);
	EXPECT_EQ(cache_flush(mm_released_frame() << 12, 0, 0, GNTTAB_CACHE_CLEAN), 0);
	EXPECT_EQ(cache_flush(0xffffffffff000UL, 0, 64, GNTTAB_CACHE_CLEAN), -XEN_EINVAL);
	gnt_grant(35, virt_to_mfn(page), GNT_SELF_ID, GTF_permit_access);
	ASSERT_EQ(gnt_map(va_of(va), GNTMAP_host_map, 35, GNT_SELF_ID, &m), GNTST_okay);
	EXPECT_EQ(cache_flush(35, 0, 64, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_SOURCE_GREF),
		  -XEN_EINVAL);
	EXPECT_EQ(gnt_unmap(va_of(va), 0, m.handle), GNTST_okay);
	EXPECT_TRUE(gnt_end_access(35));
	two[0].a.dev_bus_addr = mm_released_frame() << 12;
	two[1].a.dev_bus_addr = addr;
	EXPECT_EQ(gnt_op(GNTTABOP_cache_flush, two, 2), -XEN_EPERM);
	EXPECT_EQ(gnt_op(GNTTABOP_cache_flush, two, 0), 0);
	EXPECT_EQ(gnt_op(GNTTABOP_cache_flush, BAD_PTR, 1), -XEN_EFAULT);
}

/* ---- the rest ---- */

TEST(misc, unknown_ops)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF};

	EXPECT_EQ(gnt_op(13, &q, 1), -XEN_ENOSYS);
	EXPECT_EQ(gnt_op(99, &q, 1), -XEN_ENOSYS);
}

/*
 * Keel deliberately differs: GNTTABOP_transfer is not offered (-ENOSYS),
 * and dump_table prints the table on the console (Xen 4.17: -ENOSYS).
 */
TEST(misc, transfer_and_dump_table)
{
	struct gnttab_transfer t = {
	    .mfn = 0, .domid = GNT_SELF_ID, .ref = 40, .status = GNT_UNTOUCHED};
	struct gnttab_dump_table d = {.dom = DOMID_SELF, .status = GNT_UNTOUCHED};
	bool keel = gnt_on_keel();

	if (keel) {
		EXPECT_EQ(gnt_op(GNTTABOP_transfer, &t, 1), -XEN_ENOSYS);
		EXPECT_EQ(gnt_op(GNTTABOP_dump_table, &d, 1), 0);
		EXPECT_EQ(d.status, GNTST_okay);
		d.dom = NO_SUCH_DOMID;
		EXPECT_EQ(gnt_op(GNTTABOP_dump_table, &d, 1), 0);
		EXPECT_EQ(d.status, GNTST_bad_domain);
	} else {
		EXPECT_EQ(gnt_op(GNTTABOP_transfer, &t, 1), 0);
		EXPECT_EQ(t.status, GNTST_bad_page); /* frame 0 is not ours */
		EXPECT_EQ(gnt_op(GNTTABOP_dump_table, &d, 1), -XEN_ENOSYS);
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
	bool keel = gnt_on_keel();

	EXPECT_EQ(gnt_op(GNTTABOP_set_version, &s, 1), keel ? -XEN_ENOSYS : 0);
	EXPECT_EQ(s.version, keel ? 1 : 2);
	EXPECT_EQ(gnt_op(GNTTABOP_get_version, &v, 1), 0);
	EXPECT_EQ(v.version, keel ? 1 : 2);
}
