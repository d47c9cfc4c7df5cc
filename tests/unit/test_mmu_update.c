/*
 * tests/unit/test_mmu_update.c - __HYPERVISOR_mmu_update
 * (hypercalls/mmu_update.c, mm/pv_pte_write.c, mm/m2p.c, mm/mmu_lock.c).
 *
 * Every test tries to break one rule: a frame mapped writable while it is
 * a page table (invariant 2), a mapping of another domain's frame
 * (invariant 1), an entry in Keel's L4 slots (invariant 3), guest
 * pointers that fault (invariant 4), foreign domains from a domU
 * (invariant 6); and batch semantics (partial batches, continuations).
 * Each checks that a refused request changed nothing, with a snapshot of
 * every frame's counts; env_teardown() destroys the domains as the leak
 * check.
 */
#include "mmu_test_env.h"

/* A pinned tree, installed as DOM's vCPU 0 kernel table. */
static struct tree pinned_tree(void)
{
	struct tree t = build_tree(dom);

	tree_install(vcpu0(dom), &t);
	return t;
}

static void test_update_moves_refs(void **state)
{
	struct tree t = pinned_tree();
	mfn_t data = frame(dom);
	struct snap s;

	(void)state;
	snap_take(&s);
	assert_int_equal(
	    mmu1(vcpu0(dom), pte_ptr(t.l1, 5, MMU_NORMAL_PT_UPDATE), e_of(data, RW), DOMID_SELF),
	    0);
	/* US added: the guest kernel runs in ring 3. */
	assert_int_equal(entries(t.l1)[5], e_of(data, RW | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	expect_refs(data, 1, PGT_WRITABLE, 1);
	/* Replace with a read-only mapping of the same frame: the writable type goes. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(data, RO), DOMID_SELF), 0);
	expect_refs(data, 1, PGT_WRITABLE, 0);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), 0, DOMID_SELF), 0);
	snap_expect(&s);
}

static void test_writable_map_of_table_refused(void **state)
{
	struct tree t = pinned_tree();
	mfn_t l1 = frame(dom);
	struct snap s;

	(void)state;
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, mfn_x(l1), 0, DOMID_SELF), 0);
	snap_take(&s);
	/*
	 * A pinned L1, and every table of the live tree: never writable
	 * (invariant 2).  Xen 4.17 says -EBUSY for these.
	 */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(l1, RW), DOMID_SELF), -EBUSY);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(t.l4, RW), DOMID_SELF),
			 -EBUSY);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(t.l1, RW), DOMID_SELF),
			 -EBUSY);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, MMU_PT_UPDATE_PRESERVE_AD),
			      e_of(t.l2, RW), DOMID_SELF),
			 -EBUSY);
	assert_int_equal(entries(t.l1)[5], 0);
	snap_expect(&s);
	/* Read-only is fine. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(l1, RO), DOMID_SELF), 0);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), 0, DOMID_SELF), 0);
	snap_expect(&s);
}

static void test_foreign_frame_refused(void **state)
{
	struct tree t = pinned_tree();
	mfn_t theirs = frame(other);
	struct tree their_tree = build_tree(other);
	struct snap s;

	(void)state;
	tree_install(vcpu0(other), &their_tree);
	snap_take(&s);
	/* Mapping OTHER's frame, read-only or writable (invariant 1). */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(theirs, RO), DOMID_SELF),
			 -EPERM);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(theirs, RW), DOMID_SELF),
			 -EPERM);
	/* Pointing an upper entry at OTHER's table. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l2, 7, 0), e_of(their_tree.l1, PT), DOMID_SELF),
			 -EPERM);
	/* Writing into OTHER's page table or into OTHER's plain frame. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(their_tree.l1, 5, 0), 0, DOMID_SELF), -EPERM);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(theirs, 0, 0), 0x1234, DOMID_SELF), -EPERM);
	assert_int_equal(entries(theirs)[0], 0);
	/* Frames that are not RAM of anybody: I/O memory nobody allowed (Xen: -EPERM). */
	assert_int_equal(
	    mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(_mfn(NR_FRAMES + 5), RO), DOMID_SELF),
	    -EPERM);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(_mfn(NR_FRAMES + 5), 0, 0), 0, DOMID_SELF),
			 -EINVAL);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(_mfn(0), 0, 0), 0, DOMID_SELF), -EINVAL);
	snap_expect(&s);
}

static void test_keel_slots_refused(void **state)
{
	struct tree t = pinned_tree();
	mfn_t l3 = frame(dom);
	struct snap s;

	(void)state;
	snap_take(&s);
	/* Slots 256-271 are Keel's: no value at all may be written there (invariant 3). */
	for (unsigned int slot = PV_KEEL_L4_FIRST; slot <= PV_KEEL_L4_LAST; slot++) {
		assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l4, slot, 0), e_of(l3, PT), DOMID_SELF),
				 -EINVAL);
		assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l4, slot, 0), 0, DOMID_SELF), -EINVAL);
		assert_int_equal(entries(t.l4)[slot] & PV_PTE_ADDR_MASK, KEEL_MARK);
	}
	snap_expect(&s);
	/* Its neighbours are the guest's. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l4, 255, 0), e_of(l3, PT), DOMID_SELF), 0);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l4, 272, 0), 0, DOMID_SELF), 0);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l4, 255, 0), 0, DOMID_SELF), 0);
	snap_expect(&s);
}

static void test_bad_ptr_and_commands(void **state)
{
	struct tree t = pinned_tree();
	mfn_t data = frame(dom);
	struct snap s;

	(void)state;
	snap_take(&s);
	/*
	 * The command is ptr's low 3 bits (an entry is 8 bytes, 8-aligned):
	 * 4-7, i.e. ptr bit 2 set, are no command at all (Xen 4.17: -ENOSYS).
	 */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0) + 4, e_of(data, RW), DOMID_SELF),
			 -ENOSYS);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, MMU_PT_UPDATE_PRESERVE_AD) + 4,
			      e_of(data, RW), DOMID_SELF),
			 -ENOSYS);
	snap_expect(&s);
	/* MMU_PT_UPDATE_NO_TRANSLATE is a normal update for a PV guest, as on Xen. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, MMU_PT_UPDATE_NO_TRANSLATE),
			      e_of(data, RW), DOMID_SELF),
			 0);
	assert_int_equal(entries(t.l1)[5], e_of(data, RW | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), 0, DOMID_SELF), 0);
	/* Reserved bits, superpages. */
	assert_int_equal(
	    mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(data, RW) | (1ULL << 55), DOMID_SELF),
	    -EINVAL);
	assert_int_equal(
	    mmu1(vcpu0(dom), pte_ptr(t.l2, 5, 0), e_of(data, PT | PV_PTE_PSE), DOMID_SELF),
	    -EINVAL);
	assert_int_equal(entries(t.l1)[5], 0);
	snap_expect(&s);
}

static void test_batch_stops_at_first_error(void **state)
{
	struct tree t = pinned_tree();
	mfn_t a = frame(dom), b = frame(dom);
	struct mmu_update reqs[3] = {
	    {pte_ptr(t.l1, 5, 0), e_of(a, RW)},
	    {pte_ptr(t.l1, 6, 0), e_of(t.l1, RW)}, /* the L1 itself, writable: -EBUSY */
	    {pte_ptr(t.l1, 7, 0), e_of(b, RW)},
	};
	unsigned int done = 99;

	(void)state;
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(reqs), 3, gva(&done), DOMID_SELF), -EBUSY);
	assert_int_equal(done, 1);
	assert_int_equal(entries(t.l1)[5], e_of(a, RW | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	assert_int_equal(entries(t.l1)[6], 0);
	assert_int_equal(entries(t.l1)[7], 0);
	expect_refs(a, 1, PGT_WRITABLE, 1);
	expect_refs(b, 0, PGT_NONE, 0);
	/* No pdone: nothing written anywhere, same result. */
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(&reqs[1]), 2, 0, DOMID_SELF), -EBUSY);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), 0, DOMID_SELF), 0);
	/* An empty batch does nothing, successfully. */
	done = 99;
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(reqs), 0, gva(&done), DOMID_SELF), 0);
	assert_int_equal(done, 0);
}

static void test_faulting_guest_pointers(void **state)
{
	struct tree t = pinned_tree();
	mfn_t a = frame(dom);
	struct mmu_update reqs[4];
	unsigned int done = 99;
	struct snap s;

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		reqs[i] = (struct mmu_update){pte_ptr(t.l1, 5 + i, 0), e_of(a, RO)};
	snap_take(&s);
	/* The whole array faults: nothing done. */
	host_guest_fault_range(gva(reqs), sizeof(reqs));
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(reqs), 4, gva(&done), DOMID_SELF), -EFAULT);
	assert_int_equal(done, 0);
	snap_expect(&s);
	/* A NULL array, and huge counts, with or without the continuation bit. */
	assert_int_equal(do_mmu_update(vcpu0(dom), 0, 4, gva(&done), DOMID_SELF), -EFAULT);
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(reqs), UINT32_MAX, gva(&done), DOMID_SELF),
			 -EFAULT);
	assert_int_equal(done, 0);
	assert_int_equal(
	    do_mmu_update(vcpu0(dom), gva(reqs), UINT32_MAX >> 1, gva(&done), DOMID_SELF), -EFAULT);
	assert_int_equal(done, 0);
	/* An array whose end wraps around the address space. */
	assert_int_equal(do_mmu_update(vcpu0(dom), UINT64_MAX - 7, 2, 0, DOMID_SELF), -EFAULT);
	snap_expect(&s);
	/* Only the third request faults: two stay done. */
	host_guest_fault_range(0, 0);
	host_guest_fault_range(gva(&reqs[2]), sizeof(reqs[2]));
	assert_int_equal(
	    do_mmu_update(vcpu0(dom), gva(reqs), UINT32_MAX >> 1, gva(&done), DOMID_SELF), -EFAULT);
	assert_int_equal(done, 2);
	expect_refs(a, 2, PGT_NONE, 0);
	/* A faulting pdone only loses the count (as on Xen). */
	host_guest_fault_range(0, 0);
	host_guest_fault_range(gva(&done), sizeof(done));
	done = 42;
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(&reqs[2]), 2, gva(&done), DOMID_SELF), 0);
	assert_int_equal(done, 42);
	expect_refs(a, 4, PGT_NONE, 0);
	host_guest_fault_range(0, 0);
	for (unsigned int i = 0; i < 4; i++)
		reqs[i].val = 0;
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(reqs), 4, 0, DOMID_SELF), 0);
	snap_expect(&s);
}

static void test_preempted_batch_continues(void **state)
{
	struct tree t = pinned_tree();
	mfn_t a = frame(dom);
	struct mmu_update reqs[5];
	unsigned int done = 99;
	const struct host_continuation *k = &host_last_continuation;
	struct host_continuation again;
	long rc;

	(void)state;
	for (unsigned int i = 0; i < 5; i++)
		reqs[i] = (struct mmu_update){pte_ptr(t.l1, 10 + i, 0), e_of(a, RO)};
	/* Checks before requests 1 and 2 pass, the one before request 3 yields. */
	host_hypercall_preempt_after(2);
	rc = do_mmu_update(vcpu0(dom), gva(reqs), 5, gva(&done), DOMID_SELF);
	assert_int_equal(rc, HOST_CONTINUATION_RC);
	assert_int_equal(done, 3);
	assert_true(k->valid);
	assert_int_equal(k->op, __HYPERVISOR_mmu_update);
	assert_int_equal(k->nargs, 4);
	assert_int_equal(k->args[0], gva(&reqs[3]));
	assert_int_equal(k->args[1], 2 | MMU_UPDATE_PREEMPTED);
	assert_int_equal(k->args[2], gva(&done));
	assert_int_equal(k->args[3], DOMID_SELF);
	assert_int_equal(entries(t.l1)[12], e_of(a, RO | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	assert_int_equal(entries(t.l1)[13], 0);
	/* Re-issued as the arch layer would: pdone ends with the total. */
	again = *k; /* the next preempt_after() forgets it */
	host_hypercall_preempt_after(-1);
	rc = do_mmu_update(vcpu0(dom), again.args[0], (unsigned int)again.args[1], again.args[2],
			   (unsigned int)again.args[3]);
	assert_int_equal(rc, 0);
	assert_int_equal(done, 5);
	assert_int_equal(entries(t.l1)[14], e_of(a, RO | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	expect_refs(a, 5, PGT_NONE, 0);
	/* Preemption always lets the first request through: progress is guaranteed. */
	host_hypercall_preempt_after(0);
	for (unsigned int i = 0; i < 5; i++)
		reqs[i].val = 0;
	rc = do_mmu_update(vcpu0(dom), gva(reqs), 5, gva(&done), DOMID_SELF);
	assert_int_equal(rc, HOST_CONTINUATION_RC);
	assert_int_equal(done, 1);
	assert_int_equal(k->args[1], 4 | MMU_UPDATE_PREEMPTED);
	host_hypercall_preempt_after(-1);
	done = 1;
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(&reqs[1]), 4 | MMU_UPDATE_PREEMPTED,
				       gva(&done), DOMID_SELF),
			 0);
	assert_int_equal(done, 5);
	expect_refs(a, 0, PGT_NONE, 0);
}

static void test_preserve_ad(void **state)
{
	struct tree t = pinned_tree();
	uint64_t *slot = &entries(t.l1)[3];

	(void)state;
	/* The CPU sets Accessed and Dirty in the live entry. */
	*slot |= PV_PTE_A | PV_PTE_D;
	/* mprotect-style: same frame, now read-only, keeping A/D. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 3, MMU_PT_UPDATE_PRESERVE_AD),
			      e_of(t.rw_data, RO), DOMID_SELF),
			 0);
	assert_int_equal(*slot, e_of(t.rw_data, RO | PV_PTE_US | PV_PTE_GUEST_KERNEL | PV_PTE_A | PV_PTE_D));
	expect_refs(t.rw_data, 1, PGT_WRITABLE, 0);
	/* A normal update takes A/D from the new value only. */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 3, MMU_NORMAL_PT_UPDATE),
			      e_of(t.rw_data, RW), DOMID_SELF),
			 0);
	assert_int_equal(*slot, e_of(t.rw_data, RW | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	expect_refs(t.rw_data, 1, PGT_WRITABLE, 1);
}

static void test_plain_frame_write(void **state)
{
	struct tree t = pinned_tree();
	mfn_t plain = frame(dom), seg = frame(dom);
	struct snap s;

	(void)state;
	snap_take(&s);
	/* A frame that is not a page table in use: a checked plain write (as on Xen). */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(plain, 9, 0), 0x1234567, DOMID_SELF), 0);
	assert_int_equal(entries(plain)[9], 0x1234567);
	snap_expect(&s);
	/* Not into a frame of another type in use (a descriptor page here). */
	pg(seg)->count = 1;
	pg(seg)->type_info = ((uint32_t)PGT_SEGDESC << PGT_TYPE_SHIFT) | PGT_VALIDATED | 1;
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(seg, 0, 0), 0x99, DOMID_SELF), -EINVAL);
	assert_int_equal(entries(seg)[0], 0);
	pg(seg)->count = 0;
	pg(seg)->type_info = 0;
	(void)t;
	snap_expect(&s);
}

/* The io_frame_access hook for test_io_memory: frame IO_RO read-only, IO_RW read-write, for DOM only. */
#define IO_RO (NR_FRAMES + 0x10)
#define IO_RW (NR_FRAMES + 0x11)

static enum pv_io_access io_hook(uint64_t mfn, domid_t domid)
{
	if (domid != DOM)
		return PV_IO_DENIED;
	return mfn == IO_RO ? PV_IO_READ_ONLY : mfn == IO_RW ? PV_IO_READ_WRITE : PV_IO_DENIED;
}

/*
 * I/O memory through mmu_update (mm/pv_pte_write.c), with and without
 * MMU_PT_UPDATE_PRESERVE_AD: read-only I/O memory is installed without RW
 * whatever the guest asked; the rest as asked; other frames -EPERM.
 */
static void test_io_memory(void **state)
{
	struct page_type_config cfg = *page_type_get_config();
	struct tree t = pinned_tree();
	uint64_t *slot = &entries(t.l1)[7];
	struct snap s;

	(void)state;
	cfg.hooks.io_frame_access = io_hook;
	assert_int_equal(page_type_init(&cfg), 0);
	snap_take(&s);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 7, MMU_NORMAL_PT_UPDATE),
			      e_of(_mfn(IO_RO), RW), DOMID_SELF),
			 0);
	assert_int_equal(*slot, e_of(_mfn(IO_RO), RO | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	*slot |= PV_PTE_A;
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 7, MMU_PT_UPDATE_PRESERVE_AD),
			      e_of(_mfn(IO_RO), RW | PV_PTE_US), DOMID_SELF),
			 0);
	assert_int_equal(*slot, e_of(_mfn(IO_RO), RO | PV_PTE_US | PV_PTE_A));
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 7, MMU_NORMAL_PT_UPDATE),
			      e_of(_mfn(IO_RW), RW), DOMID_SELF),
			 0);
	assert_int_equal(*slot, e_of(_mfn(IO_RW), RW | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 8, MMU_NORMAL_PT_UPDATE),
			      e_of(_mfn(IO_RW + 1), RO), DOMID_SELF),
			 -EPERM);
	assert_int_equal(entries(t.l1)[8], 0);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 7, 0), 0, DOMID_SELF), 0);
	snap_expect(&s);
	cfg.hooks.io_frame_access = NULL;
	assert_int_equal(page_type_init(&cfg), 0);
}

static void test_upper_entry_drop_flushes(void **state)
{
	struct tree t = pinned_tree();
	mfn_t l1b = frame(dom);

	(void)state;
	/* L2[2] -> L1 (held only by that entry): dropping it untypes the L1, so flush. */
	host_pv_mm_reset();
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l2, 2, 0), 0, DOMID_SELF), 0);
	assert_int_equal(page_type_count(pg(t.l1)), 0);
	assert_int_equal(host_pv_mm.flush_domain, 1);
	assert_ptr_equal(host_pv_mm.domain, dom);
	assert_true(host_pv_mm.lock_held_flush_domain);
	/* A pinned L1 keeps its type when an entry pointing at it goes: no flush. */
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, mfn_x(l1b), 0, DOMID_SELF), 0);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l2, 3, 0), e_of(l1b, PT), DOMID_SELF), 0);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l2, 3, 0), 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.flush_domain, 1);
	/* L1 entries never flush here (writable_retyped covers them). */
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(l1b, 0, 0), e_of(t.rw_data, RW), DOMID_SELF), 0);
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(l1b, 0, 0), 0, DOMID_SELF), 0);
	assert_int_equal(host_pv_mm.flush_domain, 1);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_UNPIN_TABLE, mfn_x(l1b), 0, DOMID_SELF), 0);
}

static void test_foreigndom_needs_privilege(void **state)
{
	struct tree t = pinned_tree();
	mfn_t theirs = frame(other);
	unsigned int done = 99;
	struct mmu_update req = {pte_ptr(t.l1, 5, 0), e_of(theirs, RO)};
	struct snap s;

	(void)state;
	snap_take(&s);
	/* A domU names another domain as FD or as PFD: -EPERM (invariant 6). */
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(&req), 1, gva(&done), OTHER), -EPERM);
	assert_int_equal(
	    do_mmu_update(vcpu0(dom), gva(&req), 1, gva(&done), ((OTHER + 1) << 16) | DOMID_SELF),
	    -EPERM);
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(&req), 1, gva(&done), 1234), -EPERM);
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(&req), 1, gva(&done), DOMID_XEN), -EPERM);
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(&req), 1, gva(&done), DOMID_IO), -EPERM);
	/* Naming itself as FD is refused as on Xen; as PFD it means "self". */
	assert_int_equal(do_mmu_update(vcpu0(dom), gva(&req), 1, gva(&done), DOM), -ESRCH);
	assert_int_equal(done, 99);
	snap_expect(&s);
	req.val = 0;
	assert_int_equal(
	    do_mmu_update(vcpu0(dom), gva(&req), 1, gva(&done), ((DOM + 1) << 16) | DOMID_SELF), 0);
	/* DOMID_IO (I/O memory of the caller) is for privileged domains only: -EPERM above. */
	/* A privileged domain naming nobody. */
	assert_int_equal(do_mmu_update(vcpu0(priv), gva(&req), 1, gva(&done), 1234), -ESRCH);
	assert_int_equal(do_mmu_update(vcpu0(priv), gva(&req), 1, gva(&done), 1235 << 16), -ESRCH);
}

static void test_privileged_foreign_updates(void **state)
{
	struct tree mine = build_tree(priv), theirs = build_tree(other);
	mfn_t data = frame(other), pdata = frame(priv);
	struct snap s;

	(void)state;
	tree_install(vcpu0(priv), &mine);
	tree_install(vcpu0(other), &theirs);
	snap_take(&s);
	/* FD = OTHER: PRIV maps OTHER's frame in its own table (how a toolstack maps guests). */
	assert_int_equal(mmu1(vcpu0(priv), pte_ptr(mine.l1, 5, 0), e_of(data, RW), OTHER), 0);
	expect_refs(data, 1, PGT_WRITABLE, 1);
	/* ... but then its own frames are not the FD's. */
	assert_int_equal(mmu1(vcpu0(priv), pte_ptr(mine.l1, 6, 0), e_of(pdata, RW), OTHER), -EPERM);
	/* PFD = FD = OTHER: PRIV edits OTHER's table on its behalf. */
	assert_int_equal(mmu1(vcpu0(priv), pte_ptr(theirs.l1, 5, 0), e_of(data, RO),
			      ((OTHER + 1) << 16) | OTHER),
			 0);
	expect_refs(data, 2, PGT_WRITABLE, 1);
	/* PFD = OTHER, FD = self: the mapped frame must then be PRIV's own ... */
	assert_int_equal(mmu1(vcpu0(priv), pte_ptr(theirs.l1, 6, 0), e_of(data, RO),
			      ((OTHER + 1) << 16) | DOMID_SELF),
			 -EPERM);
	/* ... which PRIV may give OTHER that way (Xen's semantics, privileged only). */
	assert_int_equal(mmu1(vcpu0(priv), pte_ptr(theirs.l1, 6, 0), e_of(pdata, RO),
			      ((OTHER + 1) << 16) | DOMID_SELF),
			 0);
	expect_refs(pdata, 1, PGT_NONE, 0);
	assert_int_equal(
	    mmu1(vcpu0(priv), pte_ptr(theirs.l1, 6, 0), 0, ((OTHER + 1) << 16) | DOMID_SELF), 0);
	/* Nor may PRIV write OTHER's table with PFD = self. */
	assert_int_equal(mmu1(vcpu0(priv), pte_ptr(theirs.l1, 6, 0), e_of(data, RO), OTHER),
			 -EPERM);
	/* M2P on OTHER's behalf (FD); with a foreign PFD: -EPERM as on Xen. */
	assert_int_equal(
	    mmu1(vcpu0(priv), (mfn_x(data) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 0x55, OTHER), 0);
	assert_int_equal(m2p_get(data), 0x55);
	assert_int_equal(mmu1(vcpu0(priv), (mfn_x(data) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 0x66,
			      ((OTHER + 1) << 16) | OTHER),
			 -EPERM);
	assert_int_equal(m2p_get(data), 0x55);
	/* Undo: every count back. */
	assert_int_equal(mmu1(vcpu0(priv), pte_ptr(mine.l1, 5, 0), 0, DOMID_SELF), 0);
	assert_int_equal(
	    mmu1(vcpu0(priv), pte_ptr(theirs.l1, 5, 0), 0, ((OTHER + 1) << 16) | DOMID_SELF), 0);
	snap_expect(&s);
}

static void test_dying_domain_refused(void **state)
{
	struct tree t = pinned_tree();
	struct snap s;

	(void)state;
	snap_take(&s);
	/* Teardown started (another CPU): no new references in its name. */
	dom->state = DOMAIN_DYING;
	assert_int_equal(mmu1(vcpu0(dom), pte_ptr(t.l1, 5, 0), e_of(t.ro_data, RO), DOMID_SELF),
			 -ESRCH);
	assert_int_equal(mmu1(vcpu0(dom), (mfn_x(t.ro_data) << PAGE_SHIFT) | 1, 5, DOMID_SELF),
			 -ESRCH);
	dom->state = DOMAIN_ACTIVE;
	snap_expect(&s);
}

static void test_machphys_update(void **state)
{
	mfn_t mine = frame(dom), theirs = frame(other);
	uint64_t cmd = MMU_MACHPHYS_UPDATE;
	struct snap s;

	(void)state;
	snap_take(&s);
	/* Any address within the frame names it. */
	assert_int_equal(
	    mmu1(vcpu0(dom), (mfn_x(mine) << PAGE_SHIFT) + 0x7f0 + cmd, 0x1000, DOMID_SELF), 0);
	assert_int_equal(m2p_get(mine), 0x1000);
	assert_int_equal(
	    mmu1(vcpu0(dom), (mfn_x(mine) << PAGE_SHIFT) + cmd, INVALID_M2P_ENTRY, DOMID_SELF), 0);
	assert_int_equal(m2p_get(mine), INVALID_M2P_ENTRY);
	/* Values that are not gfns, and Keel's own marker. */
	assert_int_equal(
	    mmu1(vcpu0(dom), (mfn_x(mine) << PAGE_SHIFT) + cmd, M2P_PFN_LIMIT, DOMID_SELF),
	    -EINVAL);
	assert_int_equal(
	    mmu1(vcpu0(dom), (mfn_x(mine) << PAGE_SHIFT) + cmd, SHARED_M2P_ENTRY, DOMID_SELF),
	    -EINVAL);
	/* Another domain's frame, a free frame, no frame at all. */
	assert_int_equal(mmu1(vcpu0(dom), (mfn_x(theirs) << PAGE_SHIFT) + cmd, 3, DOMID_SELF),
			 -EPERM);
	assert_int_equal(mmu1(vcpu0(dom), ((NR_FRAMES - 1ULL) << PAGE_SHIFT) + cmd, 3, DOMID_SELF),
			 -EINVAL);
	assert_int_equal(mmu1(vcpu0(dom), ((NR_FRAMES + 1ULL) << PAGE_SHIFT) + cmd, 3, DOMID_SELF),
			 -EINVAL);
	assert_int_equal(m2p_get(theirs), INVALID_M2P_ENTRY);
	/* A shared frame's entry is Keel's. */
	pg(mine)->type_info = ((uint32_t)PGT_SHARED << PGT_TYPE_SHIFT) | PGT_VALIDATED | 1;
	pg(mine)->count = 1;
	assert_int_equal(mmu1(vcpu0(dom), (mfn_x(mine) << PAGE_SHIFT) + cmd, 7, DOMID_SELF),
			 -EINVAL);
	pg(mine)->type_info = 0;
	pg(mine)->count = 0;
	snap_expect(&s);
}

static void test_mmu_lock(void **state)
{
	(void)state;
	assert_false(mmu_lock_held());
	mmu_lock();
	assert_true(mmu_lock_held());
	mmu_unlock();
	assert_false(mmu_lock_held());
	assert_true(HOST_PANICS(mmu_unlock()));
	assert_false(mmu_lock_held());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_update_moves_refs, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_writable_map_of_table_refused, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_frame_refused, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_keel_slots_refused, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_ptr_and_commands, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_batch_stops_at_first_error, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_faulting_guest_pointers, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_preempted_batch_continues, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_preserve_ad, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_io_memory, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_plain_frame_write, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_upper_entry_drop_flushes, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_foreigndom_needs_privilege, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_privileged_foreign_updates, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_dying_domain_refused, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_machphys_update, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_mmu_lock, env_setup, env_teardown),
	};

	return cmocka_run_group_tests_name("mmu_update", tests, NULL, NULL);
}
