/*
 * tests/unit/test_mmuext_op.c - __HYPERVISOR_mmuext_op
 * (hypercalls/mmuext_op.c) and the vCPU base tables (mm/pv_vcpu_mm.c).
 *
 * Tries to break: pins of frames that cannot be tables or are not ours,
 * unpinning a table still in use (must stay validated), switching to a
 * base table that is not an L4 (must keep the old one), dropping the old
 * L4 before CR3 leaves it, clearing or copying onto a page table
 * (invariant 2), operations on the calling vCPU with a foreign domain,
 * cache flushes from a domU, bad LDTs; plus batches and continuations.
 * Counts are compared with snapshots; env_teardown() is the leak check.
 */
#include "mmu_test_env.h"

static long ext_ldt(struct vcpu *v, uint64_t base, unsigned int ents)
{
	struct mmuext_op op = {.cmd = MMUEXT_SET_LDT};

	op.arg1.linear_addr = base;
	op.arg2.nr_ents = ents;
	return do_mmuext_op(v, gva(&op), 1, 0, DOMID_SELF);
}

static void test_pin_unpin(void **state)
{
	struct tree t = build_tree(dom);
	mfn_t theirs = frame(other);
	struct snap s;

	(void)state;
	snap_take(&s);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L4_TABLE, mfn_x(t.l4), 0, DOMID_SELF), 0);
	expect_refs(t.l4, 1, PGT_L4, 1);
	assert_true(page_type_pinned(pg(t.l4)));
	expect_refs(t.l1, 1, PGT_L1, 1);
	expect_refs(t.rw_data, 1, PGT_WRITABLE, 1);
	/* Twice; as another level; a frame that is not a table; not ours; not a frame. */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L4_TABLE, mfn_x(t.l4), 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L2_TABLE, mfn_x(t.l1), 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, mfn_x(t.rw_data), 0, DOMID_SELF),
			 -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, mfn_x(theirs), 0, DOMID_SELF),
			 -EPERM);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, NR_FRAMES + 3, 0, DOMID_SELF),
			 -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, UINT64_MAX, 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNPIN_TABLE, mfn_x(theirs), 0, DOMID_SELF), -EPERM);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNPIN_TABLE, mfn_x(t.l1), 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNPIN_TABLE, UINT64_MAX, 0, DOMID_SELF), -EINVAL);
	/* Unpinning the top untypes the whole tree: the stale-TLB flush fires. */
	host_pv_mm_reset();
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNPIN_TABLE, mfn_x(t.l4), 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.flush_domain, 1);
	assert_true(host_pv_mm.lock_held_flush_domain);
	snap_expect(&s);
}

static void test_unpin_still_referenced_stays_validated(void **state)
{
	struct tree t = build_tree(dom);
	struct snap s;

	(void)state;
	snap_take(&s);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, mfn_x(t.l1), 0, DOMID_SELF), 0);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L4_TABLE, mfn_x(t.l4), 0, DOMID_SELF), 0);
	expect_refs(t.l1, 2, PGT_L1, 2);
	/* The L2 still points at the L1: unpinning leaves it a validated L1, no flush. */
	host_pv_mm_reset();
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNPIN_TABLE, mfn_x(t.l1), 0, DOMID_SELF), 0);
	expect_refs(t.l1, 1, PGT_L1, 1);
	assert_true(page_type_validated(pg(t.l1)));
	assert_false(page_type_pinned(pg(t.l1)));
	assert_int_equal(host_pv_mm.flush_domain, 0);
	/* ... so it still cannot be mapped writable. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 9, 0), e_of(t.l1, RW), DOMID_SELF),
			 -EBUSY);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_CLEAR_PAGE, mfn_x(t.l1), 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNPIN_TABLE, mfn_x(t.l4), 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.flush_domain, 1);
	snap_expect(&s);
}

/* What pv_mm_new_baseptr() saw: the old L4 must still be alive when CR3 moves. */
static mfn_t expect_alive_at_switch;
static unsigned int alive_checks;

static void check_old_alive(struct vcpu *v, bool user)
{
	(void)v;
	(void)user;
	if (!mfn_valid_raw(expect_alive_at_switch))
		return;
	alive_checks++;
	assert_true(page_type_validated(pg(expect_alive_at_switch)));
	assert_int_equal(entries(expect_alive_at_switch)[PV_KEEL_L4_FIRST] & PV_PTE_ADDR_MASK,
			 KEEL_MARK);
}

static void test_new_baseptr(void **state)
{
	struct tree a = build_tree(dom), b = build_tree(dom);
	struct vcpu *v = vcpu0(dom);
	struct snap s;

	(void)state;
	snap_take(&s);
	/* An unpinned L4 is validated by the switch itself. */
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, mfn_x(a.l4), 0, DOMID_SELF), 0);
	assert_true(mfn_eq(v->mm.guest_table, a.l4));
	expect_refs(a.l4, 1, PGT_L4, 1);
	assert_int_equal(host_pv_mm.new_baseptr, 1);
	assert_ptr_equal(host_pv_mm.vcpu, v);
	assert_true(host_pv_mm.lock_held_baseptr);
	/* Switch to b: a (held only by CR3) may devalidate, but only after CR3 left it. */
	expect_alive_at_switch = a.l4;
	alive_checks = 0;
	host_pv_mm_on_new_baseptr = check_old_alive;
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, mfn_x(b.l4), 0, DOMID_SELF), 0);
	assert_int_equal(alive_checks, 1);
	assert_true(mfn_eq(v->mm.guest_table, b.l4));
	expect_refs(a.l4, 0, PGT_L4, 0);
	assert_int_equal(entries(a.l4)[PV_KEEL_L4_FIRST], 0);
	assert_int_equal(host_pv_mm.flush_domain, 1); /* a's tree lost its types */
	host_pv_mm_on_new_baseptr = NULL;
	/* Not an L4 (an L1 in use, a writable-mapped frame, someone else's, none): b stays. */
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, mfn_x(b.l1), 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, mfn_x(b.rw_data), 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, mfn_x(frame(other)), 0, DOMID_SELF), -EPERM);
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, 0, 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, UINT64_MAX, 0, DOMID_SELF), -EINVAL);
	/* An L4 whose validation fails (an entry in Keel's slots). */
	set_e(a.l4, PV_KEEL_L4_FIRST + 3, a.l3, PT);
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, mfn_x(a.l4), 0, DOMID_SELF), -EINVAL);
	entries(a.l4)[PV_KEEL_L4_FIRST + 3] = 0;
	assert_true(mfn_eq(v->mm.guest_table, b.l4));
	expect_refs(b.l4, 1, PGT_L4, 1);
	/* The same table again changes nothing. */
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, mfn_x(b.l4), 0, DOMID_SELF), 0);
	expect_refs(b.l4, 1, PGT_L4, 1);
	/* Release (domain teardown's hook) puts everything back. */
	pv_vcpu_mm_release(v);
	assert_false(mfn_valid_raw(v->mm.guest_table));
	snap_expect(&s);
	expect_alive_at_switch = INVALID_MFN;
}

static void test_new_user_baseptr(void **state)
{
	struct tree k = build_tree(dom), u = build_tree(dom);
	struct vcpu *v = vcpu0(dom);
	struct snap s;

	(void)state;
	snap_take(&s);
	tree_install(v, &k);
	assert_int_equal(ext(v, MMUEXT_NEW_USER_BASEPTR, mfn_x(u.l4), 0, DOMID_SELF), 0);
	assert_true(mfn_eq(v->mm.guest_table_user, u.l4));
	assert_int_equal(host_pv_mm.new_user_baseptr, 1);
	expect_refs(u.l4, 1, PGT_L4, 1);
	/* The kernel's L4 may double as the user's. */
	assert_int_equal(ext(v, MMUEXT_NEW_USER_BASEPTR, mfn_x(k.l4), 0, DOMID_SELF), 0);
	expect_refs(k.l4, 3, PGT_L4, 3); /* pin, kernel, user */
	expect_refs(u.l4, 0, PGT_L4, 0);
	/* A bad one keeps the old; 0 means none. */
	assert_int_equal(ext(v, MMUEXT_NEW_USER_BASEPTR, mfn_x(k.l1), 0, DOMID_SELF), -EINVAL);
	assert_true(mfn_eq(v->mm.guest_table_user, k.l4));
	assert_int_equal(ext(v, MMUEXT_NEW_USER_BASEPTR, 0, 0, DOMID_SELF), 0);
	assert_false(mfn_valid_raw(v->mm.guest_table_user));
	assert_int_equal(ext(v, MMUEXT_NEW_USER_BASEPTR, 0, 0, DOMID_SELF), 0);
	expect_refs(k.l4, 2, PGT_L4, 2);
	assert_int_equal(ext(v, MMUEXT_NEW_USER_BASEPTR, mfn_x(u.l4), 0, DOMID_SELF), 0);
	/* Teardown: both tables dropped, the pin stays (domain_destroy unpins it). */
	pv_vcpu_mm_release(v);
	expect_refs(k.l4, 1, PGT_L4, 1);
	expect_refs(u.l4, 0, PGT_L4, 0);
	assert_int_equal(ext(v, MMUEXT_UNPIN_TABLE, mfn_x(k.l4), 0, DOMID_SELF), 0);
	snap_expect(&s);
}

/* domain_destroy() drops the base tables through the vcpu_arch_release hook. */
static void test_release_on_destroy(void **state)
{
	struct tree a = build_tree(dom), b = build_tree(dom);

	(void)state;
	assert_int_equal(ext(vcpu0(dom), MMUEXT_NEW_BASEPTR, mfn_x(a.l4), 0, DOMID_SELF), 0);
	assert_int_equal(ext(dom->vcpus[1], MMUEXT_NEW_BASEPTR, mfn_x(a.l4), 0, DOMID_SELF), 0);
	assert_int_equal(ext(dom->vcpus[1], MMUEXT_NEW_USER_BASEPTR, mfn_x(b.l4), 0, DOMID_SELF),
			 0);
	expect_refs(a.l4, 2, PGT_L4, 2);
	/* env_teardown() destroys dom: it must free every frame (-EBUSY otherwise). */
}

static void test_foreign_domain(void **state)
{
	struct tree theirs = build_tree(other);
	struct snap s;

	(void)state;
	snap_take(&s);
	/* A domU may not act for another domain (invariant 6). */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L4_TABLE, mfn_x(theirs.l4), 0, OTHER), -EPERM);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_TLB_FLUSH_LOCAL, 0, 0, OTHER), -EPERM);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L4_TABLE, mfn_x(theirs.l4), 0, DOM), -ESRCH);
	/* The control domain pins and unpins another domain's table. */
	assert_int_equal(ext(vcpu0(priv), MMUEXT_PIN_L4_TABLE, mfn_x(theirs.l4), 0, OTHER), 0);
	assert_true(page_type_pinned(pg(theirs.l4)));
	assert_int_equal(ext(vcpu0(priv), MMUEXT_PIN_L4_TABLE, mfn_x(theirs.l4), 0, 1234), -ESRCH);
	/* ... but never switches its own vCPU, flushes or LDT through a foreign domain. */
	assert_int_equal(ext(vcpu0(priv), MMUEXT_NEW_BASEPTR, mfn_x(theirs.l4), 0, OTHER), -EPERM);
	assert_int_equal(ext(vcpu0(priv), MMUEXT_NEW_USER_BASEPTR, 0, 0, OTHER), -EPERM);
	assert_int_equal(ext(vcpu0(priv), MMUEXT_TLB_FLUSH_ALL, 0, 0, OTHER), -EPERM);
	assert_int_equal(ext(vcpu0(priv), MMUEXT_FLUSH_CACHE, 0, 0, OTHER), -EPERM);
	assert_int_equal(ext(vcpu0(priv), MMUEXT_SET_LDT, 0, 0, OTHER), -EPERM);
	assert_int_equal(ext(vcpu0(priv), MMUEXT_UNPIN_TABLE, mfn_x(theirs.l4), 0, OTHER), 0);
	snap_expect(&s);
	/* A dying domain takes no new pins. */
	other->state = DOMAIN_DYING;
	assert_int_equal(ext(vcpu0(other), MMUEXT_PIN_L4_TABLE, mfn_x(theirs.l4), 0, DOMID_SELF),
			 -ESRCH);
	other->state = DOMAIN_ACTIVE;
	snap_expect(&s);
}

static void test_tlb_flushes(void **state)
{
	struct mmuext_op op = {.cmd = MMUEXT_TLB_FLUSH_MULTI};
	uint64_t mask[2] = {~0ULL, ~0ULL};

	(void)state;
	host_pv_mm_reset();
	assert_int_equal(ext(vcpu0(dom), MMUEXT_TLB_FLUSH_LOCAL, 0, 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.flush_local, 1);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_INVLPG_LOCAL, 0x7000, 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.invlpg_local, 1);
	assert_int_equal(host_pv_mm.va, 0x7000);
	/* Addresses outside the guest's half are silently not flushed (as on Xen). */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_INVLPG_LOCAL, 0x0000900000000000ULL, 0, DOMID_SELF),
			 0);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_INVLPG_ALL, 0xffff800000001000ULL, 0, DOMID_SELF),
			 0);
	assert_int_equal(host_pv_mm.invlpg_local + host_pv_mm.invlpg_domain, 1);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_TLB_FLUSH_ALL, 0, 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.flush_domain, 1);
	assert_ptr_equal(host_pv_mm.domain, dom);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_INVLPG_ALL, 0xffff900000002000ULL, 0, DOMID_SELF),
			 0);
	assert_int_equal(host_pv_mm.invlpg_domain, 1);
	/* MULTI: the mask is cut to the domain's 2 vCPUs. */
	op.arg2.vcpumask.p = mask;
	assert_int_equal(do_mmuext_op(vcpu0(dom), gva(&op), 1, 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.flush_vcpus, 1);
	assert_int_equal(host_pv_mm.mask[0], 3);
	assert_int_equal(host_pv_mm.mask[1], 0);
	op.cmd = MMUEXT_INVLPG_MULTI;
	op.arg1.linear_addr = 0x5000;
	mask[0] = 2;
	assert_int_equal(do_mmuext_op(vcpu0(dom), gva(&op), 1, 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.invlpg_vcpus, 1);
	assert_int_equal(host_pv_mm.mask[0], 2);
	assert_int_equal(host_pv_mm.va, 0x5000);
	/* An unreadable mask: -EINVAL, as on Xen; nothing flushed. */
	host_guest_fault_range(gva(mask), sizeof(mask));
	assert_int_equal(do_mmuext_op(vcpu0(dom), gva(&op), 1, 0, DOMID_SELF), -EINVAL);
	op.arg2.vcpumask.p = NULL;
	assert_int_equal(do_mmuext_op(vcpu0(dom), gva(&op), 1, 0, DOMID_SELF), -EINVAL);
	assert_int_equal(host_pv_mm.invlpg_vcpus, 1);
}

static void test_cache_flush_needs_privilege(void **state)
{
	(void)state;
	host_pv_mm_reset();
	/* Xen's errno values, odd as they are. */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_FLUSH_CACHE, 0, 0, DOMID_SELF), -EACCES);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0, DOMID_SELF), -EINVAL);
	assert_int_equal(host_pv_mm.cache_local + host_pv_mm.cache_all, 0);
	assert_int_equal(ext(vcpu0(priv), MMUEXT_FLUSH_CACHE, 0, 0, DOMID_SELF), 0);
	assert_int_equal(ext(vcpu0(priv), MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.cache_local, 1);
	assert_int_equal(host_pv_mm.cache_all, 1);
}

static void test_set_ldt(void **state)
{
	struct vcpu *v = vcpu0(dom);

	(void)state;
	host_pv_mm_reset();
	assert_int_equal(ext_ldt(v, 0x10000, 8192), 0);
	assert_int_equal(v->mm.ldt_base, 0x10000);
	assert_int_equal(v->mm.ldt_ents, 8192);
	assert_int_equal(host_pv_mm.ldt_changed, 1);
	assert_true(host_pv_mm.lock_held_ldt);
	/* The same LDT again: nothing to reload. */
	assert_int_equal(ext_ldt(v, 0x10000, 8192), 0);
	assert_int_equal(host_pv_mm.ldt_changed, 1);
	/* Refused: too many entries, unaligned, in Keel's range, non-canonical, wrapping. */
	assert_int_equal(ext_ldt(v, 0x10000, 8193), -EINVAL);
	assert_int_equal(ext_ldt(v, 0x10008, 1), -EINVAL);
	assert_int_equal(ext_ldt(v, 0xffff800000000000ULL, 1), -EINVAL);
	assert_int_equal(ext_ldt(v, 0xffff7ffffffff000ULL, 8192), -EINVAL); /* runs into Keel */
	assert_int_equal(ext_ldt(v, 0x00007ffffffff000ULL, 8192), -EINVAL); /* runs off the half */
	assert_int_equal(ext_ldt(v, 0x0000900000000000ULL, 1), -EINVAL);
	assert_int_equal(ext_ldt(v, 0xfffffffffffff000ULL, 1000), -EINVAL);
	assert_int_equal(v->mm.ldt_base, 0x10000);
	assert_int_equal(host_pv_mm.ldt_changed, 1);
	/* No entries: no LDT, whatever the address (as on Xen). */
	assert_int_equal(ext_ldt(v, 0x1234, 0), 0);
	assert_int_equal(v->mm.ldt_base, 0);
	assert_int_equal(v->mm.ldt_ents, 0);
	assert_int_equal(ext_ldt(v, 0xffff880000000000ULL, 16), 0); /* just above Keel's range */
	pv_vcpu_mm_release(v);
	assert_int_equal(v->mm.ldt_ents, 0);
}

static void test_clear_and_copy_page(void **state)
{
	struct tree t = build_tree(dom);
	mfn_t a = frame(dom), b = frame(dom), theirs = frame(other);
	struct snap s;

	(void)state;
	tree_install(vcpu0(dom), &t);
	memset(entries(a), 0x3c, PAGE_SIZE);
	snap_take(&s);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_COPY_PAGE, mfn_x(b), mfn_x(a), DOMID_SELF), 0);
	assert_memory_equal(entries(a), entries(b), PAGE_SIZE);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_CLEAR_PAGE, mfn_x(a), 0, DOMID_SELF), 0);
	assert_int_equal(entries(a)[17], 0);
	/* A page table's contents may be read ... */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_COPY_PAGE, mfn_x(a), mfn_x(t.l1), DOMID_SELF), 0);
	assert_memory_equal(entries(a), entries(t.l1), PAGE_SIZE);
	/* ... never written (invariant 2), and no frame of another domain is touched. */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_CLEAR_PAGE, mfn_x(t.l2), 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_COPY_PAGE, mfn_x(t.l1), mfn_x(b), DOMID_SELF),
			 -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_COPY_PAGE, mfn_x(t.l4), mfn_x(t.l4), DOMID_SELF),
			 -EINVAL);
	assert_int_equal(entries(t.l1)[3], e_of(t.rw_data, RW | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	assert_int_equal(entries(t.l2)[2], e_of(t.l1, PT));
	assert_int_equal(ext(vcpu0(dom), MMUEXT_CLEAR_PAGE, mfn_x(theirs), 0, DOMID_SELF), -EPERM);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_COPY_PAGE, mfn_x(theirs), mfn_x(b), DOMID_SELF),
			 -EPERM);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_COPY_PAGE, mfn_x(b), mfn_x(theirs), DOMID_SELF),
			 -EPERM);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_CLEAR_PAGE, NR_FRAMES, 0, DOMID_SELF), -EINVAL);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_COPY_PAGE, mfn_x(b), UINT64_MAX, DOMID_SELF),
			 -EINVAL);
	assert_int_equal(entries(b)[0], 0x3c3c3c3c3c3c3c3cULL);
	/* A writable-mapped frame may be cleared: its type is the one we take. */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_CLEAR_PAGE, mfn_x(t.rw_data), 0, DOMID_SELF), 0);
	/* The control domain clears a guest's frame on its behalf. */
	assert_int_equal(ext(vcpu0(priv), MMUEXT_CLEAR_PAGE, mfn_x(theirs), 0, OTHER), 0);
	snap_expect(&s);
}

static void test_unknown_and_super(void **state)
{
	(void)state;
	assert_int_equal(ext(vcpu0(dom), MMUEXT_MARK_SUPER, 512, 0, DOMID_SELF), -EOPNOTSUPP);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNMARK_SUPER, 512, 0, DOMID_SELF), -EOPNOTSUPP);
	assert_int_equal(ext(vcpu0(dom), 14, 0, 0, DOMID_SELF), -ENOSYS);
	assert_int_equal(ext(vcpu0(dom), 21, 0, 0, DOMID_SELF), -ENOSYS);
	assert_int_equal(ext(vcpu0(dom), UINT32_MAX, 0, 0, DOMID_SELF), -ENOSYS);
}

static void test_batch_and_continuation(void **state)
{
	struct tree t = build_tree(dom);
	struct mmuext_op ops[4] = {
	    {.cmd = MMUEXT_PIN_L4_TABLE},
	    {.cmd = MMUEXT_NEW_BASEPTR},
	    {.cmd = MMUEXT_TLB_FLUSH_LOCAL},
	    {.cmd = MMUEXT_UNPIN_TABLE},
	};
	struct host_continuation k;
	unsigned int done = 99;
	struct snap s;

	(void)state;
	ops[0].arg1.mfn = ops[1].arg1.mfn = ops[3].arg1.mfn = mfn_x(t.l4);
	snap_take(&s);
	host_pv_mm_reset();
	host_hypercall_preempt_after(1);
	assert_int_equal(do_mmuext_op(vcpu0(dom), gva(ops), 4, gva(&done), DOMID_SELF),
			 HOST_CONTINUATION_RC);
	k = host_last_continuation;
	assert_int_equal(done, 2);
	assert_int_equal(k.op, __HYPERVISOR_mmuext_op);
	assert_int_equal(k.nargs, 4);
	assert_int_equal(k.args[0], gva(&ops[2]));
	assert_int_equal(k.args[1], 2 | MMU_UPDATE_PREEMPTED);
	assert_int_equal(k.args[2], gva(&done));
	assert_int_equal(k.args[3], DOMID_SELF);
	assert_int_equal(host_pv_mm.flush_local, 0);
	host_hypercall_preempt_after(-1);
	assert_int_equal(do_mmuext_op(vcpu0(dom), k.args[0], (unsigned int)k.args[1], k.args[2],
				      (domid_t)k.args[3]),
			 0);
	assert_int_equal(done, 4);
	assert_int_equal(host_pv_mm.flush_local, 1);
	expect_refs(t.l4, 1, PGT_L4, 1); /* in CR3 only now */
	/* A failing op stops the batch; those before it stay done. */
	ops[0].cmd = MMUEXT_TLB_FLUSH_ALL;
	ops[1].cmd = MMUEXT_UNPIN_TABLE; /* not pinned: -EINVAL */
	assert_int_equal(do_mmuext_op(vcpu0(dom), gva(ops), 4, gva(&done), DOMID_SELF), -EINVAL);
	assert_int_equal(done, 1);
	/* Faulting arrays and huge counts. */
	host_guest_fault_range(gva(ops), sizeof(ops));
	assert_int_equal(do_mmuext_op(vcpu0(dom), gva(ops), UINT32_MAX, gva(&done), DOMID_SELF),
			 -EFAULT);
	assert_int_equal(
	    do_mmuext_op(vcpu0(dom), gva(ops), UINT32_MAX >> 1, gva(&done), DOMID_SELF), -EFAULT);
	assert_int_equal(done, 0);
	host_guest_fault_range(0, 0);
	pv_vcpu_mm_release(vcpu0(dom));
	snap_expect(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pin_unpin, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_unpin_still_referenced_stays_validated, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_new_baseptr, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_new_user_baseptr, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_release_on_destroy, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_domain, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_tlb_flushes, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_cache_flush_needs_privilege, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_set_ldt, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_clear_and_copy_page, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_and_super, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_batch_and_continuation, env_setup, env_teardown),
	};

	expect_alive_at_switch = INVALID_MFN;
	return cmocka_run_group_tests_name("mmuext_op", tests, NULL, NULL);
}
