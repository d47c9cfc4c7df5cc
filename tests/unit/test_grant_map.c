/*
 * tests/unit/test_grant_map.c - grant mappings between domains
 * (hypercalls/grant_map.c, grant_pte.c, grant_active.c) through
 * HYPERVISOR_grant_table_op as guests call it: DOM (1) maps frames OTHER
 * (2) grants it, into page tables DOM built and pinned.
 *
 * What is checked besides statuses: the entries Keel writes into DOM's
 * L1, the references on the granted frame (the grant's use and the
 * entry each hold a general reference, plus PGT_WRITABLE when writable,
 * all in the granter's name), the GTF_reading/GTF_writing marks, the TLB
 * flushes asked for, and that nothing is left behind: hostile requests
 * change no reference (snapshots), and env_teardown() destroys every
 * domain with no frame, heap byte or reference left.
 */
#include "tests/unit/grant_test_env.h"

#include "hypercalls/gnttab_private.h" /* GNTTAB_MAPS_PER_FRAME */

#define VA(i) tree_va(i) /* DOM's address of L1 slot i (slots 3, 4 are build_tree's) */

/* DOM with its tree installed, and OTHER's one-frame table. */
static struct tree dom_ready(void)
{
	struct tree t = build_tree(dom);

	tree_install(vcpu0(dom), &t);
	table(other, 1);
	return t;
}

static void test_foreign_writable_lifecycle(void **state)
{
	struct tree t = dom_ready();
	mfn_t f = frame(other);
	struct gnttab_map_grant_ref m;

	(void)state;
	grant(other, 5, f, DOM, GTF_permit_access);
	/* Invariant 1: DOM never writes an entry for OTHER's frame itself, granted or not. */
	assert_int_equal(
	    mmu1(vcpu0(dom), pte_ptr(t.l1, 10, MMU_NORMAL_PT_UPDATE), e_of(f, RW), DOMID_SELF),
	    -EPERM);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 5, OTHER, &m), GNTST_okay);
	assert_int_equal(m.dev_bus_addr, mfn_x(f) << PAGE_SHIFT);
	assert_int_equal(mfn_x(pv_pte_mfn(l1e(&t, 10))), mfn_x(f));
	assert_int_equal(l1e(&t, 10) & (PV_PTE_P | PV_PTE_RW | PV_PTE_US | PV_PTE_A | PV_PTE_D),
			 PV_PTE_P | PV_PTE_RW | PV_PTE_US | PV_PTE_A | PV_PTE_D);
	assert_true(l1e(&t, 10) & PV_PTE_GUEST_KERNEL);
	assert_true(l1e(&t, 10) & PV_PTE_NX);
	expect_refs(f, 2, PGT_WRITABLE, 2); /* the grant's use and the entry */
	assert_int_equal(gflags(other, 5), GTF_permit_access | GTF_reading | GTF_writing);
	/* The granter can neither retype nor free the frame while it is mapped. */
	assert_int_equal(page_type_pin(pg(f), PGT_L1, OTHER), -EINVAL);
	assert_int_equal(domain_free_frames(other, f, 0), -EBUSY);
	/* Nor can the mapper copy the entry elsewhere. */
	assert_int_equal(
	    mmu1(vcpu0(dom), pte_ptr(t.l1, 11, MMU_NORMAL_PT_UPDATE), l1e(&t, 10), DOMID_SELF),
	    -EPERM);
	host_pv_mm_reset();
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m.handle), GNTST_okay);
	assert_int_equal(host_pv_mm.invlpg_domain, 1);
	assert_int_equal(host_pv_mm.va, VA(10));
	assert_ptr_equal(host_pv_mm.domain, dom);
	assert_int_equal(l1e(&t, 10), 0);
	expect_refs(f, 0, PGT_NONE, 0);
	assert_int_equal(gflags(other, 5), GTF_permit_access);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m.handle), GNTST_bad_handle);
	assert_int_equal(domain_free_frames(other, f, 0), 0);
}

static void test_read_only(void **state)
{
	struct tree t = dom_ready();
	mfn_t f = frame(other);
	struct gnttab_map_grant_ref m, w;
	struct snap s;

	(void)state;
	grant(other, 6, f, DOM, GTF_permit_access | GTF_readonly);
	snap_take(&s);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 6, OTHER, &m),
			 GNTST_general_error);
	assert_int_equal(m.handle, 0xdead);
	snap_expect(&s);
	assert_int_equal(gflags(other, 6), GTF_permit_access | GTF_readonly);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map | GNTMAP_readonly, 6, OTHER, &m),
			 GNTST_okay);
	assert_int_equal(l1e(&t, 10) & (PV_PTE_P | PV_PTE_RW), PV_PTE_P);
	expect_refs(f, 2, PGT_NONE, 0); /* no writable type: f may still become a table */
	assert_int_equal(gflags(other, 6), GTF_permit_access | GTF_readonly | GTF_reading);
	/* A read-only mapping of a page table is fine; a writable one never (invariant 2). */
	assert_int_equal(page_type_pin(pg(f), PGT_L1, OTHER), 0);
	grant(other, 7, f, DOM, GTF_permit_access);
	snap_take(&s);
	assert_int_equal(map(vcpu0(dom), VA(11), GNTMAP_host_map, 7, OTHER, &w),
			 GNTST_general_error);
	snap_expect(&s);
	assert_int_equal(gflags(other, 7), GTF_permit_access);
	assert_int_equal(page_type_unpin(pg(f), OTHER), 0);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m.handle), GNTST_okay);
	expect_refs(f, 0, PGT_NONE, 0);
	assert_int_equal(gflags(other, 6), GTF_permit_access | GTF_readonly);
}

/* Grants that do not grant: each is refused and no reference anywhere changes. */
static void test_hostile_grants(void **state)
{
	struct tree t = dom_ready();
	mfn_t f = frame(other), theirs = frame(priv);
	struct gnttab_map_grant_ref m;
	struct snap s;
	static const struct {
		uint16_t flags;
		domid_t to;
	} bad[] = {
	    {0, DOM},
	    {GTF_accept_transfer, DOM},
	    {GTF_transitive, DOM},
	    {GTF_permit_access, PRIV}, /* for another domain */
	    {GTF_permit_access, DOMID_SELF},
	};

	(void)state;
	(void)t;
	snap_take(&s);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		grant(other, 8, f, bad[i].to, bad[i].flags);
		assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 8, OTHER, &m),
				 GNTST_general_error);
		assert_int_equal(gflags(other, 8), bad[i].flags);
	}
	/* A grant of a frame that is not the granter's: a third domain's, Keel's, none. */
	grant(other, 8, theirs, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 8, OTHER, &m), GNTST_bad_page);
	grant(other, 8, _mfn(0), DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 8, OTHER, &m), GNTST_bad_page);
	grant(other, 8, _mfn(NR_FRAMES + 5), DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 8, OTHER, &m), GNTST_bad_page);
	assert_int_equal(gflags(other, 8), GTF_permit_access);
	/* References out of range, domains that are not there, nothing to map. */
	grant(other, 8, f, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 512, OTHER, &m),
			 GNTST_bad_gntref);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 0xffffffff, OTHER, &m),
			 GNTST_bad_gntref);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 8, 77, &m), GNTST_bad_domain);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 8, DOMID_SELF, &m),
			 GNTST_bad_domain);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 8, DOMID_XEN, &m),
			 GNTST_bad_domain);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_readonly, 8, OTHER, &m), GNTST_bad_gntref);
	snap_expect(&s);
	assert_int_equal(l1e(&t, 10), 0);
}

/* Addresses that are no L1 entry of the mapper's. */
static void test_hostile_addresses(void **state)
{
	struct tree t = dom_ready(), o = build_tree(other);
	mfn_t f = frame(other);
	struct gnttab_map_grant_ref m;
	struct snap s;
	uint64_t dom_l1e = (mfn_x(t.l1) << PAGE_SHIFT) + 10 * 8;
	const struct {
		uint64_t addr;
		uint32_t flags;
	} bad[] = {
	    {0, 0},
	    {1ULL << 39, 0},					      /* no L3 there */
	    {HV_RANGE_START, 0},				      /* Keel's */
	    {0x0000800000000000ULL, 0},				      /* not canonical */
	    {dom_l1e + 1, GNTMAP_contains_pte},			      /* misaligned */
	    {(mfn_x(t.l2) << PAGE_SHIFT) + 8, GNTMAP_contains_pte},   /* an L2 */
	    {(mfn_x(o.l1) << PAGE_SHIFT) + 8, GNTMAP_contains_pte},   /* OTHER's L1 */
	    {mfn_x(t.rw_data) << PAGE_SHIFT, GNTMAP_contains_pte},    /* not a table */
	    {(uint64_t)NR_FRAMES << PAGE_SHIFT, GNTMAP_contains_pte}, /* no frame */
	};

	(void)state;
	tree_install(vcpu0(other), &o);
	grant(other, 9, f, DOM, GTF_permit_access);
	snap_take(&s);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    map(vcpu0(dom), bad[i].addr, GNTMAP_host_map | bad[i].flags, 9, OTHER, &m),
		    GNTST_general_error);
		assert_int_equal(gflags(other, 9), GTF_permit_access);
	}
	snap_expect(&s);
	/* The good PTE address, unmapped by the same kind of address, flushing everything. */
	assert_int_equal(
	    map(vcpu0(dom), dom_l1e, GNTMAP_host_map | GNTMAP_contains_pte, 9, OTHER, &m),
	    GNTST_okay);
	assert_int_equal(mfn_x(pv_pte_mfn(l1e(&t, 10))), mfn_x(f));
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m.handle), GNTST_general_error);
	host_pv_mm_reset();
	assert_int_equal(unmap(vcpu0(dom), dom_l1e, 0, m.handle), GNTST_okay);
	assert_int_equal(host_pv_mm.flush_domain, 1);
	assert_ptr_equal(host_pv_mm.domain, dom);
	snap_expect(&s);
}

/* Handles: per mapper, per mapping, once. */
static void test_handles(void **state)
{
	struct tree t = dom_ready();
	mfn_t f1 = frame(other), f2 = frame(other);
	struct gnttab_map_grant_ref m1, m2;

	(void)state;
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, 0), GNTST_bad_handle); /* none yet */
	grant(other, 1, f1, DOM, GTF_permit_access);
	grant(other, 2, f2, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 1, OTHER, &m1), GNTST_okay);
	assert_int_equal(map(vcpu0(dom), VA(11), GNTMAP_host_map, 2, OTHER, &m2), GNTST_okay);
	assert_int_not_equal(m1.handle, m2.handle);
	/* Another domain's handles mean nothing to OTHER. */
	assert_int_equal(unmap(vcpu0(other), VA(10), 0, m1.handle), GNTST_bad_handle);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, 0xffffffff), GNTST_bad_handle);
	/* The wrong handle for an address, the wrong address, the wrong bus address. */
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m2.handle), GNTST_general_error);
	assert_int_equal(unmap(vcpu0(dom), VA(12), 0, m1.handle), GNTST_general_error);
	assert_int_equal(unmap(vcpu0(dom), 0, mfn_x(f2) << PAGE_SHIFT, m1.handle),
			 GNTST_bad_dev_addr);
	expect_refs(f1, 2, PGT_WRITABLE, 2);
	expect_refs(f2, 2, PGT_WRITABLE, 2);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m1.handle), GNTST_okay);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m1.handle), GNTST_bad_handle);
	assert_int_equal(unmap(vcpu0(dom), VA(11), 0, m2.handle), GNTST_okay);
	expect_refs(f1, 0, PGT_NONE, 0);
	expect_refs(f2, 0, PGT_NONE, 0);
	assert_int_equal(l1e(&t, 10) | l1e(&t, 11), 0);
}

/*
 * The mapper overwrites the grant's entry itself: the entry's references
 * go with it, the grant's use stays (the frame stays put) until the
 * mapper dies; it cannot make a new entry for the frame.
 */
static void test_mapper_zaps_entry(void **state)
{
	struct tree t = dom_ready();
	mfn_t f = frame(other);
	struct gnttab_map_grant_ref m;

	(void)state;
	grant(other, 3, f, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 3, OTHER, &m), GNTST_okay);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 10, MMU_NORMAL_PT_UPDATE), 0, DOMID_SELF),
			 0);
	expect_refs(f, 1, PGT_WRITABLE, 1);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m.handle), GNTST_general_error);
	assert_int_equal(
	    mmu1(vcpu0(dom), pte_ptr(t.l1, 10, MMU_NORMAL_PT_UPDATE), e_of(f, RW), DOMID_SELF),
	    -EPERM);
	assert_int_equal(domain_free_frames(other, f, 0), -EBUSY);
	assert_int_equal(gflags(other, 3), GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(domain_destroy(dom), 0);
	dom = NULL;
	expect_refs(f, 0, PGT_NONE, 0);
	assert_int_equal(gflags(other, 3), GTF_permit_access);
	assert_int_equal(domain_free_frames(other, f, 0), 0);
}

/* A grant mapped over a present entry: the old entry's references go, its address is flushed. */
static void test_map_over_present_entry(void **state)
{
	struct tree t = dom_ready();
	mfn_t f = frame(other);
	struct gnttab_map_grant_ref m;

	(void)state;
	expect_refs(t.rw_data, 1, PGT_WRITABLE, 1);
	grant(other, 4, f, DOM, GTF_permit_access);
	host_pv_mm_reset();
	assert_int_equal(map(vcpu0(dom), VA(3), GNTMAP_host_map | GNTMAP_readonly, 4, OTHER, &m),
			 GNTST_okay);
	assert_int_equal(host_pv_mm.invlpg_domain, 1);
	assert_int_equal(host_pv_mm.va, VA(3));
	expect_refs(t.rw_data, 0, PGT_NONE, 0);
	assert_int_equal(unmap(vcpu0(dom), VA(3), 0, m.handle), GNTST_okay);
	assert_int_equal(l1e(&t, 3), 0);
}

/* Device mappings hold the frame without an entry; a mapping's parts go one by one. */
static void test_device_and_parts(void **state)
{
	struct tree t = dom_ready();
	mfn_t f = frame(other);
	uint64_t bus = mfn_x(f) << PAGE_SHIFT;
	struct gnttab_map_grant_ref m;

	(void)state;
	grant(other, 11, f, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), 0, GNTMAP_device_map | GNTMAP_readonly, 11, OTHER, &m),
			 GNTST_okay);
	assert_int_equal(m.dev_bus_addr, bus);
	expect_refs(f, 1, PGT_NONE, 0);
	assert_int_equal(gflags(other, 11), GTF_permit_access | GTF_reading);
	assert_int_equal(unmap(vcpu0(dom), 0, bus, m.handle), GNTST_okay);
	assert_int_equal(
	    map(vcpu0(dom), VA(10), GNTMAP_host_map | GNTMAP_device_map, 11, OTHER, &m),
	    GNTST_okay);
	expect_refs(f, 2, PGT_WRITABLE, 2);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m.handle), GNTST_okay); /* the host part */
	assert_int_equal(l1e(&t, 10), 0);
	expect_refs(f, 1, PGT_WRITABLE, 1);
	assert_int_equal(gflags(other, 11), GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(unmap(vcpu0(dom), 0, bus, m.handle), GNTST_okay); /* the last part */
	expect_refs(f, 0, PGT_NONE, 0);
	assert_int_equal(gflags(other, 11), GTF_permit_access);
}

/*
 * unmap_and_replace moves new_addr's entry, references and all, even when
 * that is itself a grant mapping of another frame.
 */
static void test_unmap_and_replace(void **state)
{
	struct tree t = dom_ready();
	mfn_t f1 = frame(other), f2 = frame(other);
	struct gnttab_map_grant_ref m1, m2;
	struct gnttab_unmap_and_replace r;

	(void)state;
	grant(other, 12, f1, DOM, GTF_permit_access);
	grant(other, 13, f2, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 12, OTHER, &m1), GNTST_okay);
	assert_int_equal(map(vcpu0(dom), VA(11), GNTMAP_host_map, 13, OTHER, &m2), GNTST_okay);
	/* The grant's own entry as the replacement: refused, nothing moves. */
	r = (struct gnttab_unmap_and_replace){
	    .host_addr = VA(10), .new_addr = VA(10), .handle = m1.handle};
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_unmap_and_replace, &r, 1), 0);
	assert_int_equal(r.status, GNTST_general_error);
	assert_int_equal(mfn_x(pv_pte_mfn(l1e(&t, 10))), mfn_x(f1));
	r.new_addr = VA(11);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_unmap_and_replace, &r, 1), 0);
	assert_int_equal(r.status, GNTST_okay);
	assert_int_equal(mfn_x(pv_pte_mfn(l1e(&t, 10))), mfn_x(f2));
	assert_int_equal(l1e(&t, 11), 0);
	expect_refs(f1, 0, PGT_NONE, 0);
	expect_refs(f2, 2, PGT_WRITABLE, 2);
	assert_int_equal(gflags(other, 12), GTF_permit_access);
	/* The second grant's entry now lives at VA(10). */
	assert_int_equal(unmap(vcpu0(dom), VA(11), 0, m2.handle), GNTST_general_error);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m2.handle), GNTST_okay);
	expect_refs(f2, 0, PGT_NONE, 0);
	/* Replacing with one of DOM's own pages. */
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 12, OTHER, &m1), GNTST_okay);
	r = (struct gnttab_unmap_and_replace){
	    .host_addr = VA(10), .new_addr = VA(4), .handle = m1.handle};
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_unmap_and_replace, &r, 1), 0);
	assert_int_equal(r.status, GNTST_okay);
	assert_int_equal(mfn_x(pv_pte_mfn(l1e(&t, 10))), mfn_x(t.ro_data));
	assert_int_equal(l1e(&t, 4), 0);
	expect_refs(t.ro_data, 1, PGT_NONE, 0);
	expect_refs(f1, 0, PGT_NONE, 0);
}

/* The mapper dies holding mappings: the granter gets its frames and entries back. */
static void test_mapper_dies(void **state)
{
	mfn_t f1 = frame(other), f2 = frame(other), own = frame(dom);
	struct gnttab_map_grant_ref m;

	(void)state;
	dom_ready();
	table(dom, 1);
	grant(other, 14, f1, DOM, GTF_permit_access);
	grant(other, 15, f2, DOM, GTF_permit_access | GTF_readonly);
	grant(dom, 16, own, DOM, GTF_permit_access); /* and a grant to itself */
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 14, OTHER, &m), GNTST_okay);
	assert_int_equal(map(vcpu0(dom), 0, GNTMAP_device_map | GNTMAP_readonly, 15, OTHER, &m),
			 GNTST_okay);
	assert_int_equal(map(vcpu0(dom), VA(11), GNTMAP_host_map, 16, DOM, &m), GNTST_okay);
	assert_int_equal(domain_destroy(dom), 0);
	dom = NULL;
	expect_refs(f1, 0, PGT_NONE, 0);
	expect_refs(f2, 0, PGT_NONE, 0);
	assert_int_equal(gflags(other, 14), GTF_permit_access);
	assert_int_equal(gflags(other, 15), GTF_permit_access | GTF_readonly);
	assert_int_equal(domain_free_frames(other, f1, 0), 0);
	assert_int_equal(domain_free_frames(other, f2, 0), 0);
}

/*
 * The granter dies while its frame is mapped: its memory waits (-EBUSY)
 * until the mapper unmaps, which then only has references to drop.
 */
static void test_granter_dies(void **state)
{
	struct tree t = dom_ready();
	mfn_t f = frame(other);
	struct gnttab_map_grant_ref m, m2;
	struct gnttab_copy c = {.flags = GNTCOPY_source_gref, .len = 8};

	(void)state;
	grant(other, 17, f, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 17, OTHER, &m), GNTST_okay);
	assert_int_equal(domain_get(other), 0);
	assert_int_equal(domain_destroy(other), -EBUSY);
	assert_int_equal(other->state, DOMAIN_DYING);
	/* Its grants are gone for new users... */
	assert_int_equal(map(vcpu0(dom), VA(11), GNTMAP_host_map, 17, OTHER, &m2),
			 GNTST_bad_domain);
	c.source.u.ref = 17;
	c.source.domid = OTHER;
	c.dest.u.gmfn = mfn_x(t.rw_data);
	c.dest.domid = DOMID_SELF;
	assert_int_equal(copy(vcpu0(dom), &c), GNTST_bad_domain);
	/* ...the existing mapping still holds the frame. */
	expect_refs(f, 2, PGT_WRITABLE, 2);
	assert_int_equal(domain_relinquish_memory(other), -EBUSY);
	assert_int_equal(unmap(vcpu0(dom), VA(10), 0, m.handle), GNTST_okay);
	assert_int_equal(l1e(&t, 10), 0);
	assert_int_equal(domain_relinquish_memory(other), 0);
	domain_put(other);
	other = NULL;
}

/* Each maps the other's frame, then both die: whichever goes first waits for the other. */
static void test_both_die(void **state)
{
	struct tree td = dom_ready(), to = build_tree(other);
	mfn_t fo = frame(other), fd = frame(dom);
	struct gnttab_map_grant_ref m;

	(void)state;
	(void)td;
	(void)to;
	tree_install(vcpu0(other), &to);
	table(dom, 1);
	grant(other, 18, fo, DOM, GTF_permit_access);
	grant(dom, 18, fd, OTHER, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), VA(10), GNTMAP_host_map, 18, OTHER, &m), GNTST_okay);
	assert_int_equal(map(vcpu0(other), VA(10), GNTMAP_host_map, 18, DOM, &m), GNTST_okay);
	assert_int_equal(domain_get(dom), 0);
	assert_int_equal(domain_destroy(dom), -EBUSY); /* OTHER still maps fd */
	assert_int_equal(domain_destroy(other), 0); /* DOM's mapping of fo went with DOM's tables */
	other = NULL;
	assert_int_equal(domain_relinquish_memory(dom), 0);
	domain_put(dom);
	dom = NULL;
}

/* A mapper's handles are limited by its max_maptrack_frames; the granter's table by
 * max_grant_frames. */
static void test_limits(void **state)
{
	const struct domain_limits lim = {
	    .max_evtchn_port = 1023, .max_grant_frames = 1, .max_maptrack_frames = 1};
	struct gnttab_setup_table s = {.dom = DOMID_SELF, .nr_frames = 2};
	xen_pfn_t list[2];
	mfn_t f = frame(other);
	struct gnttab_map_grant_ref m;
	grant_handle_t first = 0;
	struct domain *small;
	int err;

	(void)state;
	table(other, 1);
	small = domain_create_limited(3, 0, 1, &lim, &err);
	assert_non_null(small);
	set_xen_guest_handle(s.frame_list, list);
	assert_int_equal(gop(vcpu0(small), GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_general_error);
	grant(other, 19, f, 3, GTF_permit_access);
	for (unsigned int i = 0; i < GNTTAB_MAPS_PER_FRAME; i++) {
		assert_int_equal(map(vcpu0(small), 0, GNTMAP_device_map, 19, OTHER, &m),
				 GNTST_okay);
		if (i == 0)
			first = m.handle;
	}
	assert_int_equal(map(vcpu0(small), 0, GNTMAP_device_map, 19, OTHER, &m), GNTST_no_space);
	assert_int_equal(m.handle, 0xdead);
	assert_int_equal(unmap(vcpu0(small), 0, mfn_x(f) << PAGE_SHIFT, first), GNTST_okay);
	assert_int_equal(map(vcpu0(small), 0, GNTMAP_device_map, 19, OTHER, &m), GNTST_okay);
	expect_refs(f, GNTTAB_MAPS_PER_FRAME, PGT_WRITABLE, GNTTAB_MAPS_PER_FRAME);
	/* It dies holding them all. */
	assert_int_equal(domain_destroy(small), 0);
	expect_refs(f, 0, PGT_NONE, 0);
	assert_int_equal(gflags(other, 19), GTF_permit_access);
}

/* A long batch yields and continues with the rest. */
static void test_batch_continuation(void **state)
{
	mfn_t f = frame(other);
	struct gnttab_map_grant_ref b[3];
	uint64_t rest;

	(void)state;
	table(other, 1);
	grant(other, 20, f, DOM, GTF_permit_access);
	for (unsigned int i = 0; i < 3; i++)
		b[i] = (struct gnttab_map_grant_ref){
		    .flags = GNTMAP_device_map, .ref = 20, .dom = OTHER, .status = UNTOUCHED};
	host_hypercall_preempt_after(1);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_map_grant_ref, b, 3), HOST_CONTINUATION_RC);
	assert_true(host_last_continuation.valid);
	assert_int_equal(host_last_continuation.op, __HYPERVISOR_grant_table_op);
	assert_int_equal(host_last_continuation.args[0], GNTTABOP_map_grant_ref);
	assert_int_equal(host_last_continuation.args[1], gva(&b[2]));
	assert_int_equal(host_last_continuation.args[2], 1);
	assert_int_equal(b[1].status, GNTST_okay);
	assert_int_equal(b[2].status, UNTOUCHED);
	rest = host_last_continuation.args[1];
	host_hypercall_preempt_after(-1); /* (forgets the continuation) */
	assert_int_equal(do_grant_table_op(vcpu0(dom), GNTTABOP_map_grant_ref, rest, 1), 0);
	assert_int_equal(b[2].status, GNTST_okay);
	expect_refs(f, 3, PGT_WRITABLE, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(unmap(vcpu0(dom), 0, mfn_x(f) << PAGE_SHIFT, b[i].handle),
				 GNTST_okay);
	expect_refs(f, 0, PGT_NONE, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_foreign_writable_lifecycle, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_read_only, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_grants, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_addresses, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_handles, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_mapper_zaps_entry, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_map_over_present_entry, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_device_and_parts, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_unmap_and_replace, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_mapper_dies, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_granter_dies, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_both_die, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_limits, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_batch_continuation, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
