/*
 * tests/unit/grant_test_env.h - the machine of mmu_test_env.h with grant
 * tables (gnttab_domain_init/destroy as the domain hooks, as the
 * hypervisor installs them), and helpers that call HYPERVISOR_grant_table_op
 * as a guest does: set up a table, fill entries, map, unmap, copy.
 * Used by test_grant_table.c and test_grant_map.c.
 *
 * A guest's table is reached the way a PV guest reaches it: the frames
 * setup_table lists, here through the fake RAM's direct view.
 */
#ifndef TESTS_UNIT_GRANT_TEST_ENV_H
#define TESTS_UNIT_GRANT_TEST_ENV_H

#include "hypercalls/gnttab.h"

#define ENV_DOMAIN_INIT	    gnttab_domain_init
#define ENV_DOMAIN_TEARDOWN gnttab_domain_destroy
#include "tests/unit/mmu_test_env.h"

#include <xen/grant_table.h>

#include "hypercalls/hypercalls.h"

#define UNTOUCHED ((int16_t)0x5555) /* a status the call must overwrite */

static inline long gop(struct vcpu *v, unsigned int cmd, void *arg, unsigned int count)
{
	return do_grant_table_op(v, cmd, gva(arg), count);
}

/* d's table grown to nr_frames frames; the first frame's entries, as d maps them. */
static inline grant_entry_v1_t *table(struct domain *d, unsigned int nr_frames)
{
	xen_pfn_t list[8];
	struct gnttab_setup_table s = {.dom = DOMID_SELF, .nr_frames = nr_frames};

	assert_true(nr_frames >= 1 && nr_frames <= 8);
	set_xen_guest_handle(s.frame_list, list);
	assert_int_equal(gop(vcpu0(d), GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_okay);
	return arch_mfn_to_virt(_mfn(list[0]));
}

/* Entry r of d's table (any frame): d's table must have the frame already. */
static inline grant_entry_v1_t *entry(struct domain *d, grant_ref_t r)
{
	xen_pfn_t list[64];
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	struct gnttab_setup_table s = {.dom = DOMID_SELF};

	assert_int_equal(gop(vcpu0(d), GNTTABOP_query_size, &q, 1), 0);
	assert_true(r / 512 < q.nr_frames);
	s.nr_frames = q.nr_frames;
	set_xen_guest_handle(s.frame_list, list);
	assert_int_equal(gop(vcpu0(d), GNTTABOP_setup_table, &s, 1), 0);
	return (grant_entry_v1_t *)arch_mfn_to_virt(_mfn(list[r / 512])) + r % 512;
}

/* d grants frame m to domain `to` as entry r (the order grant_table.h asks for). */
static inline void grant(struct domain *d, grant_ref_t r, mfn_t m, domid_t to, uint16_t flags)
{
	grant_entry_v1_t *e = entry(d, r);

	e->flags = 0;
	e->domid = to;
	e->frame = (uint32_t)mfn_x(m);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	e->flags = flags;
}

static inline uint16_t gflags(struct domain *d, grant_ref_t r)
{
	return __atomic_load_n(&entry(d, r)->flags, __ATOMIC_SEQ_CST);
}

/* One map request by v; returns its status (handle and bus address in *m). */
static inline int16_t map(struct vcpu *v, uint64_t host, uint32_t flags, grant_ref_t r,
			  domid_t granter, struct gnttab_map_grant_ref *m)
{
	*m = (struct gnttab_map_grant_ref){.host_addr = host,
					   .flags = flags,
					   .ref = r,
					   .dom = granter,
					   .status = UNTOUCHED,
					   .handle = 0xdead};
	assert_int_equal(gop(v, GNTTABOP_map_grant_ref, m, 1), 0);
	return m->status;
}

static inline int16_t unmap(struct vcpu *v, uint64_t host, uint64_t dev, grant_handle_t h)
{
	struct gnttab_unmap_grant_ref u = {
	    .host_addr = host, .dev_bus_addr = dev, .handle = h, .status = UNTOUCHED};

	assert_int_equal(gop(v, GNTTABOP_unmap_grant_ref, &u, 1), 0);
	return u.status;
}

/* One copy request by v; returns its status. */
static inline int16_t copy(struct vcpu *v, struct gnttab_copy *c)
{
	c->status = UNTOUCHED;
	assert_int_equal(gop(v, GNTTABOP_copy, c, 1), 0);
	return c->status;
}

/* The L1 entry of build_tree()'s L1 at slot i. */
static inline uint64_t l1e(const struct tree *t, unsigned int i)
{
	return entries(t->l1)[i];
}

#endif /* TESTS_UNIT_GRANT_TEST_ENV_H */
