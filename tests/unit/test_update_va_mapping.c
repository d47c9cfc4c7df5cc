/*
 * tests/unit/test_update_va_mapping.c - __HYPERVISOR_update_va_mapping and
 * _otherdomain (hypercalls/update_va_mapping.c).
 *
 * Tries to break: addresses outside the guest's half or in Keel's range
 * (invariant 3), walks that find no L1 or end in an upper table through a
 * linear entry, writable mappings of page tables (invariant 2), other
 * domains' frames (invariants 1 and 6), unreadable vCPU masks (invariant
 * 4); and checks each flush flag reaches the arch layer.  Counts are
 * compared with snapshots; env_teardown() is the leak check.
 */
#include "mmu_test_env.h"

static struct tree installed_tree(struct domain *d)
{
	struct tree t = build_tree(d);

	tree_install(vcpu0(d), &t);
	return t;
}

static void test_maps_and_flushes(void **state)
{
	struct tree t = installed_tree(dom);
	mfn_t data = frame(dom);
	uint64_t mask[2] = {~0ULL, 5};
	struct snap s;

	(void)state;
	snap_take(&s);
	host_pv_mm_reset();
	assert_int_equal(
	    do_update_va_mapping(vcpu0(dom), tree_va(5), e_of(data, RW), UVMF_INVLPG | UVMF_LOCAL),
	    0);
	assert_int_equal(entries(t.l1)[5], e_of(data, RW | PV_PTE_US | PV_PTE_GUEST_KERNEL));
	expect_refs(data, 1, PGT_WRITABLE, 1);
	assert_int_equal(host_pv_mm.invlpg_local, 1);
	assert_int_equal(host_pv_mm.va, tree_va(5));
	/* Replacing an existing mapping moves the references. */
	assert_int_equal(
	    do_update_va_mapping(vcpu0(dom), tree_va(3), e_of(data, RO), UVMF_TLB_FLUSH | UVMF_ALL),
	    0);
	expect_refs(t.rw_data, 0, PGT_WRITABLE, 0);
	expect_refs(data, 2, PGT_WRITABLE, 1);
	assert_int_equal(host_pv_mm.flush_domain, 1);
	assert_ptr_equal(host_pv_mm.domain, dom);
	/* A vCPU bitmap, cut to the domain's 2 vCPUs. */
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(3), e_of(t.rw_data, RW),
					      UVMF_TLB_FLUSH | gva(mask)),
			 0);
	assert_int_equal(host_pv_mm.flush_vcpus, 1);
	assert_int_equal(host_pv_mm.mask[0], 3);
	assert_int_equal(host_pv_mm.mask[1], 0);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(5), 0, UVMF_INVLPG | gva(mask)),
			 0);
	assert_int_equal(host_pv_mm.invlpg_vcpus, 1);
	assert_int_equal(host_pv_mm.va, tree_va(5));
	/* UVMF_NONE (and the unused type 3) flush nothing and read no bitmap. */
	host_pv_mm_reset();
	host_guest_fault_range(gva(mask), sizeof(mask));
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(6), 0, UVMF_NONE | gva(mask)), 0);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(6), 0, 3 | gva(mask)), 0);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(6), 0, 3 | UVMF_ALL), 0);
	struct host_pv_mm_calls none = {0};
	assert_memory_equal(&host_pv_mm, &none, sizeof(none));
	snap_expect(&s);
}

static void test_bad_addresses(void **state)
{
	struct tree t = installed_tree(dom);
	struct snap s;
	uint64_t e = e_of(t.ro_data, RO);

	(void)state;
	snap_take(&s);
	/* Not canonical; Keel's range (and its M2P window); just below and above the hole. */
	assert_int_equal(do_update_va_mapping(vcpu0(dom), 0x0000800000000000ULL, e, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), 0x8000000000000000ULL, e, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), HV_RANGE_START, e, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), MACH2PHYS_VIRT_START + 0x1000, e, 0),
			 -EINVAL);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), HV_RANGE_END - PAGE_SIZE, e, 0), -EINVAL);
	/* Addresses that alias a mapped one in the walk's indices must still be refused. */
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(5) | (1ULL << 48), e, 0),
			 -EINVAL);
	entries(t.l4)[PV_KEEL_L4_FIRST] = e_of(t.l3, PT); /* as if Keel's slot led to an L1 */
	assert_int_equal(do_update_va_mapping(vcpu0(dom), HV_RANGE_START | tree_va(5), e, 0),
			 -EINVAL);
	assert_int_equal(entries(t.l1)[5], 0);
	/* No L3 / L2 / L1 on the way. */
	assert_int_equal(do_update_va_mapping(vcpu0(dom), 1ULL << 39, e, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), 0, e, 0), -EINVAL);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), (1ULL << 30) | (3ULL << 21), e, 0),
			 -EINVAL);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), HV_RANGE_END, e, 0), -EINVAL);
	/* A vCPU without page tables at all. */
	assert_int_equal(do_update_va_mapping(dom->vcpus[1], tree_va(5), e, 0), -EINVAL);
	snap_expect(&s);
}

static void test_refuses_what_mmu_update_refuses(void **state)
{
	struct tree t = installed_tree(dom);
	mfn_t theirs = frame(other);
	struct snap s;

	(void)state;
	snap_take(&s);
	/* A table writable (invariant 2), another domain's frame (invariant 1), bad bits. */
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(5), e_of(t.l1, RW), 0), -EBUSY);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(5), e_of(t.l4, RW), 0), -EBUSY);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(5), e_of(theirs, RO), 0), -EPERM);
	assert_int_equal(
	    do_update_va_mapping(vcpu0(dom), tree_va(5), e_of(t.ro_data, RO) | (1ULL << 60), 0),
	    -EINVAL);
	assert_int_equal(entries(t.l1)[5], 0);
	snap_expect(&s);
}

static void test_bad_mask_changes_nothing(void **state)
{
	struct tree t = installed_tree(dom);
	uint64_t mask[2] = {1, 0};
	struct snap s;

	(void)state;
	snap_take(&s);
	host_pv_mm_reset();
	host_guest_fault_range(gva(mask), sizeof(mask));
	host_guest_fault_range(8, 16); /* unmapped, as low pages of a guest are */
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(5), e_of(t.ro_data, RO),
					      UVMF_INVLPG | gva(mask)),
			 -EFAULT);
	assert_int_equal(
	    do_update_va_mapping(vcpu0(dom), tree_va(5), e_of(t.ro_data, RO), UVMF_TLB_FLUSH | 8),
	    -EFAULT);
	assert_int_equal(entries(t.l1)[5], 0);
	assert_int_equal(host_pv_mm.invlpg_vcpus + host_pv_mm.flush_vcpus, 0);
	snap_expect(&s);
}

static void test_linear_walk_refused(void **state)
{
	struct tree t = build_tree(dom);
	uint64_t through_self = (5ULL << 39) | (1ULL << 21) | (2ULL << 12);
	struct snap s;

	(void)state;
	/* L4[5] maps the L4 itself (read-only): a window onto the page tables. */
	set_e(t.l4, 5, t.l4, RO);
	tree_install(vcpu0(dom), &t);
	snap_take(&s);
	/* Through the window the walk ends at the L2: not an L1, refused as on Xen. */
	assert_int_equal(do_update_va_mapping(vcpu0(dom), through_self, e_of(t.rw_data, RO), 0),
			 -EINVAL);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), through_self, 0, 0), -EINVAL);
	assert_int_equal(entries(t.l2)[2], e_of(t.l1, PT));
	snap_expect(&s);
}

static void test_otherdomain(void **state)
{
	struct tree mine = installed_tree(priv), d_tree = installed_tree(dom);
	mfn_t theirs = frame(other);
	struct snap s;

	(void)state;
	snap_take(&s);
	/* A domU may not name another domain (invariant 6), nor itself by id. */
	assert_int_equal(
	    do_update_va_mapping_otherdomain(vcpu0(dom), tree_va(5), e_of(theirs, RO), 0, OTHER),
	    -EPERM);
	assert_int_equal(do_update_va_mapping_otherdomain(vcpu0(dom), tree_va(5),
							  e_of(d_tree.ro_data, RO), 0, DOM),
			 -ESRCH);
	/* DOMID_SELF is the plain hypercall. */
	assert_int_equal(do_update_va_mapping_otherdomain(vcpu0(dom), tree_va(5),
							  e_of(d_tree.ro_data, RO), 0, DOMID_SELF),
			 0);
	assert_int_equal(do_update_va_mapping(vcpu0(dom), tree_va(5), 0, 0), 0);
	/* The control domain maps OTHER's frame into its own tables ... */
	assert_int_equal(do_update_va_mapping_otherdomain(vcpu0(priv), tree_va(5), e_of(theirs, RW),
							  UVMF_INVLPG, OTHER),
			 0);
	expect_refs(theirs, 1, PGT_WRITABLE, 1);
	/* ... but only OTHER's, and only of a domain that exists. */
	assert_int_equal(do_update_va_mapping_otherdomain(vcpu0(priv), tree_va(6),
							  e_of(mine.ro_data, RO), 0, OTHER),
			 -EPERM);
	assert_int_equal(
	    do_update_va_mapping_otherdomain(vcpu0(priv), tree_va(6), e_of(theirs, RO), 0, 4321),
	    -ESRCH);
	assert_int_equal(do_update_va_mapping(vcpu0(priv), tree_va(5), 0, 0), 0);
	snap_expect(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_maps_and_flushes, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_addresses, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_what_mmu_update_refuses, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_mask_changes_nothing, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_linear_walk_refused, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_otherdomain, env_setup, env_teardown),
	};

	return cmocka_run_group_tests_name("update_va_mapping", tests, NULL, NULL);
}
