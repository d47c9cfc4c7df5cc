/*
 * tests/unit/mmu_test_env.h - a small machine for the PV-MMU hypercall
 * tests (test_mmu_update.c, test_mmuext_op.c, test_update_va_mapping.c):
 * fake RAM, frame table, buddy, heap, M2P, the page-type rules with a
 * Keel-slot install hook, and three domains:
 *   DOM   (1) unprivileged, 2 vCPUs - the guest under test
 *   OTHER (2) unprivileged, 1 vCPU  - whose frames DOM must not touch
 *   PRIV  (0) privileged,   1 vCPU  - the control domain
 * Domain teardown uses the real hooks (pv_vcpu_mm_release, the PV-MMU
 * lock), so env_teardown() is the leak check: every domain must destroy
 * cleanly (no reference left anywhere), and the buddy allocator and heap
 * must be back where they started.  A test that destroys one of the three
 * itself sets its pointer to NULL.  A file may define ENV_DOMAIN_INIT /
 * ENV_DOMAIN_TEARDOWN before including this to install those domain hooks
 * (the grant-table tests do).
 *
 * Included by one test file each (state is per test binary); every
 * helper is static inline so each file uses what it needs.
 */
#ifndef TESTS_UNIT_MMU_TEST_ENV_H
#define TESTS_UNIT_MMU_TEST_ENV_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/hypercall_shim.h"
#include "host/pv_mm_arch_shim.h"
#include "host/test_shim.h"
#include "arch/guest_access.h"
#include "hypercalls/mmu.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/heap.h"
#include "mm/m2p.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"
#include "mm/pv_vcpu_mm.h"

#define NR_FRAMES 1024
#define DOM	  1
#define OTHER	  2
#define PRIV	  0
#define PT	  (PV_PTE_P | PV_PTE_RW | PV_PTE_US) /* an ordinary table entry */
#define RW	  (PV_PTE_P | PV_PTE_RW)
#define RO	  PV_PTE_P
#define KEEL_MARK 0x5a5a000ULL /* what the fake install hook writes in slots 256-271 */

static struct page_info env_frames[NR_FRAMES];
static uint64_t env_m2p[NR_FRAMES];
static uint64_t env_free_at_start;
static unsigned int env_retyped;
static struct domain *dom, *other, *priv;

#ifndef ENV_DOMAIN_INIT
#define ENV_DOMAIN_INIT NULL
#endif
#ifndef ENV_DOMAIN_TEARDOWN
#define ENV_DOMAIN_TEARDOWN NULL
#endif

static inline void env_install_keel(uint64_t *l4, domid_t domid)
{
	(void)domid;
	for (unsigned int i = PV_KEEL_L4_FIRST; i <= PV_KEEL_L4_LAST; i++)
		l4[i] = KEEL_MARK | PV_PTE_P | PV_PTE_RW;
}

static inline void env_count_retyped(struct page_info *pg)
{
	(void)pg;
	env_retyped++;
}

static inline uint64_t env_buddy_free(void)
{
	struct buddy_stats st;

	buddy_get_stats(&st);
	return st.free_frames;
}

static inline struct domain *env_new_domain(domid_t id, unsigned int flags, unsigned int vcpus)
{
	int err = 1;
	struct domain *d = domain_create(id, flags, vcpus, &err);

	assert_non_null(d);
	assert_int_equal(err, 0);
	assert_int_equal(domain_set_max_pages(d, 256), 0);
	return d;
}

static inline int env_setup(void **state)
{
	static const struct page_type_config cfg = {
	    .maxphysaddr = 40,
	    .nx = true,
	    .hooks = {.writable_retyped = env_count_retyped,
		      .l4_install_keel_slots = env_install_keel},
	};
	static const struct domain_hooks hooks = {
	    .vcpu_arch_release = pv_vcpu_mm_release,
	    .domain_init = ENV_DOMAIN_INIT,
	    .domain_teardown = ENV_DOMAIN_TEARDOWN,
	    .mmu_lock = mmu_lock,
	    .mmu_unlock = mmu_unlock,
	};

	(void)state;
	fake_ram_init(NR_FRAMES);
	assert_int_equal(frame_table_init(env_frames, NR_FRAMES), 0);
	buddy_init();
	assert_int_equal(buddy_add_free_range(_mfn(1), NR_FRAMES - 1), 0);
	heap_init();
	assert_int_equal(page_type_init(&cfg), 0);
	assert_int_equal(m2p_init(env_m2p, NR_FRAMES), 0);
	domain_init(&hooks);
	host_pv_mm_reset();
	host_hypercall_preempt_after(-1);
	host_guest_fault_range(0, 0);
	host_log_reset();
	env_retyped = 0;
	env_free_at_start = env_buddy_free();
	dom = env_new_domain(DOM, 0, 2);
	other = env_new_domain(OTHER, 0, 1);
	priv = env_new_domain(PRIV, DOMAIN_CF_PRIVILEGED, 1);
	return 0;
}

/* The leak check: nothing may still hold a reference when the domains go. */
static inline int env_teardown(void **state)
{
	struct heap_stats hs;

	(void)state;
	assert_false(mmu_lock_held());
	if (dom)
		assert_int_equal(domain_destroy(dom), 0);
	if (other)
		assert_int_equal(domain_destroy(other), 0);
	if (priv)
		assert_int_equal(domain_destroy(priv), 0);
	assert_int_equal(domain_count(), 0);
	assert_int_equal(env_buddy_free(), env_free_at_start);
	heap_get_stats(&hs);
	assert_int_equal(hs.bytes_in_use, 0);
	host_guest_fault_range(0, 0);
	host_hypercall_preempt_after(-1);
	return 0;
}

/* A zeroed frame of d. */
static inline mfn_t frame(struct domain *d)
{
	int err = 1;
	mfn_t m = domain_alloc_frames(d, 0, &err);

	assert_int_equal(err, 0);
	return m;
}

static inline struct page_info *pg(mfn_t m)
{
	return mfn_to_page(m);
}

static inline uint64_t *entries(mfn_t m)
{
	return arch_mfn_to_virt(m);
}

static inline uint64_t e_of(mfn_t target, uint64_t flags)
{
	return (mfn_x(target) << PAGE_SHIFT) | flags;
}

/* What the guest writes while a frame is still plain memory. */
static inline void set_e(mfn_t t, unsigned int i, mfn_t target, uint64_t flags)
{
	entries(t)[i] = e_of(target, flags);
}

/* mmu_update's ptr: machine address of entry i of table t, with the command. */
static inline uint64_t pte_ptr(mfn_t t, unsigned int i, unsigned int cmd)
{
	return (mfn_x(t) << PAGE_SHIFT) + i * sizeof(uint64_t) + cmd;
}

static inline uint64_t gva(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static inline struct vcpu *vcpu0(struct domain *d)
{
	return d->vcpus[0];
}

/* ---- reference snapshots: "every count back where it started" ---- */

struct snap {
	uint32_t count[NR_FRAMES], type_info[NR_FRAMES];
	int16_t linear[NR_FRAMES];
};

/* type_info as it matters: a frame at type count 0 keeps its last type, which means nothing. */
static inline uint32_t snap_type_info(const struct page_info *p)
{
	return page_type_count(p) ? p->type_info : 0;
}

static inline void snap_take(struct snap *s)
{
	for (unsigned int i = 0; i < NR_FRAMES; i++) {
		s->count[i] = env_frames[i].count;
		s->type_info[i] = snap_type_info(&env_frames[i]);
		s->linear[i] = env_frames[i].pt_linear;
	}
}

static inline void snap_expect(const struct snap *s)
{
	for (unsigned int i = 0; i < NR_FRAMES; i++) {
		const struct page_info *p = &env_frames[i];

		if (p->count != s->count[i] || snap_type_info(p) != s->type_info[i] ||
		    p->pt_linear != s->linear[i])
			fail_msg("frame %u: count %u type_info %#x linear %d, expected %u %#x %d",
				 i, p->count, snap_type_info(p), p->pt_linear, s->count[i],
				 s->type_info[i], s->linear[i]);
	}
}

static inline void expect_refs(mfn_t m, uint32_t count, enum page_type type, uint32_t type_count)
{
	assert_int_equal(pg(m)->count, count);
	assert_int_equal(page_type_count(pg(m)), type_count);
	if (type_count)
		assert_int_equal(page_get_type(pg(m)), type);
}

/* ---- a small tree, as a guest builds it ---- */

struct tree {
	mfn_t l4, l3, l2, l1, rw_data, ro_data;
};

/* L4[0] -> L3[1] -> L2[2] -> L1: [3] = rw_data writable, [4] = ro_data read-only. */
static inline struct tree build_tree(struct domain *d)
{
	struct tree t = {frame(d), frame(d), frame(d), frame(d), frame(d), frame(d)};

	set_e(t.l4, 0, t.l3, PT);
	set_e(t.l3, 1, t.l2, PT);
	set_e(t.l2, 2, t.l1, PT);
	set_e(t.l1, 3, t.rw_data, RW);
	set_e(t.l1, 4, t.ro_data, RO);
	return t;
}

/* The guest virtual address that L1 slot i of build_tree() maps. */
static inline uint64_t tree_va(unsigned int i)
{
	return (1ULL << 30) | (2ULL << 21) | ((uint64_t)i << PAGE_SHIFT);
}

/* ---- one-request hypercalls ---- */

static inline long mmu1(struct vcpu *v, uint64_t ptr, uint64_t val, unsigned int foreigndom)
{
	struct mmu_update req = {.ptr = ptr, .val = val};
	unsigned int done = 77;
	long rc = do_mmu_update(v, gva(&req), 1, gva(&done), foreigndom);

	if (rc == 0)
		assert_int_equal(done, 1);
	return rc;
}

static inline long ext(struct vcpu *v, unsigned int cmd, uint64_t arg1, uint64_t arg2,
		       domid_t foreigndom)
{
	struct mmuext_op op = {.cmd = cmd};
	unsigned int done = 77;
	long rc;

	op.arg1.mfn = arg1;
	op.arg2.src_mfn = arg2;
	rc = do_mmuext_op(v, gva(&op), 1, gva(&done), foreigndom);
	if (rc == 0)
		assert_int_equal(done, 1);
	return rc;
}

/* Pins t.l4 and makes it v's kernel L4 (both through mmuext_op). */
static inline void tree_install(struct vcpu *v, const struct tree *t)
{
	assert_int_equal(ext(v, MMUEXT_PIN_L4_TABLE, mfn_x(t->l4), 0, DOMID_SELF), 0);
	assert_int_equal(ext(v, MMUEXT_NEW_BASEPTR, mfn_x(t->l4), 0, DOMID_SELF), 0);
}

#endif /* TESTS_UNIT_MMU_TEST_ENV_H */
