/*
 * tests/unit/test_domain.c - domain and vCPU objects and their lifecycle
 * (hypervisor/common/domain.c, hypervisor/common/vcpu.c).
 *
 * Every test ends with the leak check expect_no_leak(): the buddy
 * allocator's free count is back to the figure before the test created
 * anything (domains, vCPUs and their heap objects live in buddy frames,
 * so this covers the heap too) and no domain is left in the id table.
 * Page-table trees are built in domain frames as a guest would write
 * them, then validated and pinned with the page_type API, so destroy has
 * to drop every pin and type reference before it can free them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/sched.h>

#include "host/test_shim.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/heap.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"
#include "mm/pv_pte_write.h"

#define NR_FRAMES 4096
#define PT	  (PV_PTE_P | PV_PTE_RW | PV_PTE_US)

static struct page_info table[NR_FRAMES];
static uint64_t free_at_start;

/* What the hooks saw. */
static struct {
	unsigned int runnable_on, runnable_off, shutdowns;
	unsigned int arch_init, arch_release, arch_free, fail_arch_at;
	unsigned int dom_init, dom_teardown;
	int fail_dom_init;	    /* domain_init returns this */
	bool share_in_init;	    /* domain_init takes a shared frame first */
	bool teardown_saw_dying; /* domain_teardown ran on a DYING domain with its vCPUs */
	int mmu_depth;
	struct domain *last_shutdown;
} seen;

static int arch_init(struct vcpu *v)
{
	if (seen.fail_arch_at && v->id + 1 == seen.fail_arch_at)
		return -EOPNOTSUPP;
	seen.arch_init++;
	v->arch = &seen; /* any non-NULL marker */
	return 0;
}

static void arch_release(struct vcpu *v)
{
	assert_ptr_equal(v->arch, &seen);
	seen.arch_release++;
}

static void arch_free(struct vcpu *v)
{
	assert_ptr_equal(v->arch, &seen);
	seen.arch_free++;
}

static void runnable_changed(struct vcpu *v, bool runnable)
{
	assert_true(runnable == vcpu_runnable(v)); /* told only the truth */
	if (runnable)
		seen.runnable_on++;
	else
		seen.runnable_off++;
}

static void shutdown_notify(struct domain *d)
{
	seen.shutdowns++;
	seen.last_shutdown = d;
}

static void mmu_lock(void)
{
	assert_int_equal(seen.mmu_depth, 0); /* not nested */
	seen.mmu_depth++;
}

static void mmu_unlock(void)
{
	assert_int_equal(seen.mmu_depth, 1);
	seen.mmu_depth--;
}

static int dom_init(struct domain *d)
{
	seen.dom_init++;
	if (seen.share_in_init)
		assert_true(mfn_valid_raw(domain_alloc_shared_frame(d, NULL)));
	return seen.fail_dom_init;
}

static void dom_teardown(struct domain *d)
{
	seen.dom_teardown++;
	seen.teardown_saw_dying = d->state == DOMAIN_DYING && d->vcpus[0] && d->shared_info;
}

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static const struct domain_hooks hooks = {
    .clock_ns = fake_clock,
    .domain_init = dom_init,
    .domain_teardown = dom_teardown,
    .vcpu_arch_init = arch_init,
    .vcpu_arch_release = arch_release,
    .vcpu_arch_free = arch_free,
    .vcpu_runnable_changed = runnable_changed,
    .domain_shutdown_notify = shutdown_notify,
    .mmu_lock = mmu_lock,
    .mmu_unlock = mmu_unlock,
};

static uint64_t buddy_free(void)
{
	struct buddy_stats st;

	buddy_get_stats(&st);
	return st.free_frames;
}

static int setup(void **state)
{
	struct page_type_config c = {.maxphysaddr = 40};

	fake_ram_init(NR_FRAMES);
	assert_int_equal(frame_table_init(table, NR_FRAMES), 0);
	buddy_init();
	assert_int_equal(buddy_add_free_range(_mfn(1), NR_FRAMES - 1), 0);
	heap_init();
	assert_int_equal(page_type_init(&c), 0);
	memset(&seen, 0, sizeof(seen));
	domain_init(&hooks);
	host_log_reset();
	free_at_start = buddy_free();
	return 0;
}

static void expect_no_leak(void)
{
	struct heap_stats hs;

	assert_int_equal(domain_count(), 0);
	assert_int_equal(buddy_free(), free_at_start);
	heap_get_stats(&hs);
	assert_int_equal(hs.bytes_in_use, 0);
	assert_int_equal(seen.arch_free, seen.arch_init);
	assert_int_equal(seen.mmu_depth, 0);
}

static struct domain *new_dom(domid_t id, unsigned int vcpus)
{
	int err = 1;
	struct domain *d = domain_create(id, 0, vcpus, &err);

	assert_non_null(d);
	assert_int_equal(err, 0);
	return d;
}

/* domain_create() fails with want (and *err is set even so). */
static void create_fails(domid_t id, unsigned int flags, unsigned int vcpus, int want)
{
	int err = 0;

	assert_null(domain_create(id, flags, vcpus, &err));
	assert_int_equal(err, want);
}

/* domain_alloc_frames() fails with want. */
static void alloc_fails(struct domain *d, unsigned int order, int want)
{
	int err = 0;

	assert_false(mfn_valid_raw(domain_alloc_frames(d, order, &err)));
	assert_int_equal(err, want);
}

/* domain_lookup() finds nothing. */
static void lookup_fails(domid_t id)
{
	int err = 0;

	assert_null(domain_lookup(id, &err));
	assert_int_equal(err, -ESRCH);
}

static mfn_t alloc(struct domain *d, unsigned int order)
{
	int err = 1;
	mfn_t m = domain_alloc_frames(d, order, &err);

	assert_int_equal(err, 0);
	assert_true(mfn_valid_raw(m));
	return m;
}

static struct page_info *pg(mfn_t m)
{
	return mfn_to_page(m);
}

static void set_e(mfn_t t, unsigned int i, mfn_t target, uint64_t flags)
{
	((uint64_t *)arch_mfn_to_virt(t))[i] = (mfn_x(target) << PAGE_SHIFT) | flags;
}

/* A pinned 4-level tree in d's frames, with one writable and one read-only data frame. */
static mfn_t pinned_tree(struct domain *d)
{
	mfn_t l4 = alloc(d, 0), l3 = alloc(d, 0), l2 = alloc(d, 0), l1 = alloc(d, 0);
	mfn_t data = alloc(d, 1); /* two frames: [0] writable, [1] read-only */

	set_e(l4, 0, l3, PT);
	set_e(l4, 511, l4, PV_PTE_P); /* a self-map too */
	set_e(l3, 1, l2, PT);
	set_e(l2, 2, l1, PT);
	set_e(l1, 3, data, PV_PTE_P | PV_PTE_RW);
	set_e(l1, 4, _mfn(mfn_x(data) + 1), PV_PTE_P);
	assert_int_equal(page_type_pin(pg(l4), PGT_L4, d->domid), 0);
	assert_int_equal(page_get_type(pg(data)), PGT_WRITABLE);
	assert_int_equal(page_type_count(pg(data)), 1);
	assert_int_equal(page_get_type(pg(l1)), PGT_L1);
	return l4;
}

static void destroy(struct domain *d)
{
	assert_int_equal(domain_destroy(d), 0);
}

static void test_create_lookup_destroy(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 2), *l;
	int err = 0;

	assert_int_equal(d->domid, 1);
	assert_int_equal(d->state, DOMAIN_ACTIVE);
	assert_int_equal(d->pause_count, 1); /* created paused */
	assert_false(d->is_privileged);
	assert_int_equal(d->max_pages, 0);
	assert_int_equal(d->tot_pages, 0);
	assert_int_equal(d->shutdown_code, DOMAIN_SHUTDOWN_CODE_NONE);
	assert_int_equal(d->max_vcpus, 2);
	for (unsigned int i = 0; i < 2; i++) {
		assert_ptr_equal(domain_vcpu(d, i)->domain, d);
		assert_int_equal(domain_vcpu(d, i)->id, i);
		assert_int_equal(domain_vcpu(d, i)->state, VCPU_OFFLINE);
		assert_false(vcpu_runnable(domain_vcpu(d, i)));
	}
	assert_null(domain_vcpu(d, 2));
	assert_null(domain_vcpu(d, UINT32_MAX));
	assert_int_equal(seen.arch_init, 2);
	assert_int_equal(domain_count(), 1);
	l = domain_lookup(1, &err);
	assert_ptr_equal(l, d);
	assert_int_equal(err, 0);
	domain_put(l);
	lookup_fails(2);
	assert_null(domain_lookup(DOMID_SELF, NULL));
	destroy(d);
	assert_int_equal(seen.arch_release, 2);
	lookup_fails(1);
	expect_no_leak();
}

static void test_create_bad_arguments(void **state)
{
	create_fails(DOMID_FIRST_RESERVED, 0, 1, -EINVAL);
	create_fails(DOMID_XEN, 0, 1, -EINVAL);
	create_fails(0xffff, 0, 1, -EINVAL);
	create_fails(DOMID_AUTO, 0x80, 1, -EINVAL);
	create_fails(DOMID_AUTO, 0, 0, -EINVAL);
	create_fails(DOMID_AUTO, 0, DOMAIN_MAX_VCPUS + 1, -EINVAL);
	create_fails(DOMID_AUTO, 0, UINT32_MAX, -EINVAL);

	struct domain *d = new_dom(7, DOMAIN_MAX_VCPUS);

	create_fails(7, 0, 1, -EEXIST);
	assert_int_equal(domain_count(), 1);
	destroy(d);
	expect_no_leak();
}

static void test_dom0_only_explicit(void **state)
{
	int err;
	struct domain *a = new_dom(DOMID_AUTO, 1), *d0, *b;

	assert_int_equal(a->domid, 1); /* auto never gives 0 */
	d0 = domain_create(0, DOMAIN_CF_PRIVILEGED, 1, &err);
	assert_non_null(d0);
	assert_int_equal(d0->domid, 0);
	assert_true(d0->is_privileged);
	b = new_dom(DOMID_AUTO, 1);
	assert_int_equal(b->domid, 2);
	assert_false(b->is_privileged);
	create_fails(0, 0, 1, -EEXIST);
	destroy(a);
	destroy(b);
	destroy(d0);
	expect_no_leak();
}

static void test_id_reused_only_after_last_put(void **state)
{
	struct domain *d = new_dom(5, 1);

	assert_int_equal(domain_get(d), 0);
	destroy(d);
	assert_int_equal(d->state, DOMAIN_DEAD); /* still readable: we hold a reference */
	lookup_fails(5);
	create_fails(5, 0, 1, -EEXIST);
	assert_int_equal(domain_count(), 1);
	domain_put(d);
	assert_int_equal(domain_count(), 0);
	d = new_dom(5, 1);
	destroy(d);
	expect_no_leak();
}

static void test_auto_ids_rotate_and_wrap(void **state)
{
	struct domain *hi = new_dom(DOMID_FIRST_RESERVED - 2, 1);
	struct domain *top = new_dom(DOMID_AUTO, 1), *one, *two, *three;

	assert_int_equal(top->domid, DOMID_FIRST_RESERVED - 1);
	one = new_dom(DOMID_AUTO, 1);
	assert_int_equal(one->domid, 1); /* wrapped, skipping 0 */
	two = new_dom(DOMID_AUTO, 1);
	assert_int_equal(two->domid, 2);
	destroy(one);
	three = new_dom(DOMID_AUTO, 1);
	assert_int_equal(three->domid, 3); /* a freed id is not handed out at once */
	destroy(hi);
	destroy(top);
	destroy(two);
	destroy(three);
	expect_no_leak();
}

static void test_failed_create_leaves_nothing(void **state)
{
	seen.fail_arch_at = 3; /* vcpu_arch_init fails for vCPU 2 */
	create_fails(9, 0, 4, -EOPNOTSUPP);
	assert_int_equal(seen.arch_init, 2);
	assert_int_equal(seen.arch_free, 2); /* only those that were set up */
	assert_null(domain_lookup(9, NULL));
	seen.fail_arch_at = 0;
	destroy(new_dom(9, 4)); /* the id is free again */
	expect_no_leak();
}

static void test_max_pages_enforced(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);
	mfn_t a, b;

	alloc_fails(d, 0, -ENOMEM); /* max_pages 0 */
	assert_int_equal(domain_set_max_pages(d, 4), 0);
	a = alloc(d, 1);
	alloc_fails(d, 2, -ENOMEM);
	b = alloc(d, 1);
	alloc_fails(d, 0, -ENOMEM);
	assert_int_equal(d->tot_pages, 4);
	/* Below tot_pages: nothing is taken away, new allocations fail. */
	assert_int_equal(domain_set_max_pages(d, 1), 0);
	assert_int_equal(domain_free_frames(d, a, 1), 0);
	assert_int_equal(d->tot_pages, 2);
	alloc_fails(d, 0, -ENOMEM);
	assert_int_equal(domain_free_frames(d, b, 1), 0);
	a = alloc(d, 0);
	assert_int_equal(d->tot_pages, 1);
	assert_int_equal(pg(a)->owner, d->domid);
	destroy(d);
	expect_no_leak();
}

static void test_tot_pages_ownership_and_contents(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);
	uint64_t before = buddy_free(), expect = 0;
	mfn_t m[4];

	assert_int_equal(domain_set_max_pages(d, UINT64_MAX), 0);
	for (unsigned int k = 0; k < 4; k++) {
		m[k] = alloc(d, k);
		expect += 1ULL << k;
		assert_int_equal(d->tot_pages, expect);
		for (uint64_t i = 0; i < (1ULL << k); i++) {
			const uint8_t *p = arch_mfn_to_virt(_mfn(mfn_x(m[k]) + i));

			assert_int_equal(pg(_mfn(mfn_x(m[k]) + i))->owner, d->domid);
			for (unsigned int j = 0; j < PAGE_SIZE; j++)
				assert_int_equal(p[j], 0); /* never FAKE_RAM_FILL */
		}
	}
	assert_int_equal(before - buddy_free(), expect);
	alloc_fails(d, BUDDY_MAX_ORDER + 1, -EINVAL);
	alloc_fails(d, UINT32_MAX, -EINVAL);
	assert_int_equal(domain_free_frames(d, m[2], 2), 0);
	assert_int_equal(d->tot_pages, expect - 4);
	assert_int_equal(pg(m[2])->owner, DOMID_INVALID);
	destroy(d);
	expect_no_leak();
}

static void test_out_of_memory(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);
	uint64_t n = 0;
	int err = 0;

	domain_set_max_pages(d, UINT64_MAX);
	while (mfn_valid_raw(domain_alloc_frames(d, 3, &err)))
		n += 8;
	assert_int_equal(err, -ENOMEM);
	assert_int_equal(d->tot_pages, n);
	assert_true(n > NR_FRAMES / 2);
	destroy(d);
	expect_no_leak();
}

static void test_shared_info(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, XEN_LEGACY_MAX_VCPUS + 2);
	struct page_info *si = pg(d->shared_info_mfn);
	mfn_t l1;

	assert_int_equal(si->owner, d->domid); /* the guest may map it ... */
	assert_int_equal(d->tot_pages, 0);     /* ... but it is not counted (as Xen) */
	assert_ptr_equal(d->shared_info, arch_mfn_to_virt(d->shared_info_mfn));
	for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++) {
		assert_ptr_equal(domain_vcpu(d, i)->vcpu_info, &d->shared_info->vcpu_info[i]);
		assert_int_equal(d->shared_info->vcpu_info[i].evtchn_upcall_mask, 1);
		assert_int_equal(d->shared_info->vcpu_info[i].evtchn_upcall_pending, 0);
	}
	assert_null(domain_vcpu(d, XEN_LEGACY_MAX_VCPUS)->vcpu_info);
	assert_int_equal(d->shared_info->evtchn_pending[0], 0);
	/* Never a page table: Keel writes into it at any time. */
	assert_int_equal(page_type_pin(si, PGT_L1, d->domid), -EINVAL);
	assert_int_equal(domain_free_frames(d, d->shared_info_mfn, 0), -EINVAL);
	/* The guest maps it writable from its own L1, and still holds that at destroy. */
	domain_set_max_pages(d, 1);
	l1 = alloc(d, 0);
	set_e(l1, 0, d->shared_info_mfn, PV_PTE_P | PV_PTE_RW);
	assert_int_equal(page_type_pin(pg(l1), PGT_L1, d->domid), 0);
	assert_int_equal(page_type_count(si), 2);
	destroy(d);
	expect_no_leak();
}

static void test_free_refused(void **state)
{
	struct domain *a = new_dom(1, 1), *b = new_dom(2, 1);
	mfn_t ma, mb, keel = alloc_frames(0);

	domain_set_max_pages(a, 16);
	domain_set_max_pages(b, 16);
	ma = alloc(a, 2);
	mb = alloc(b, 0);
	assert_int_equal(domain_free_frames(a, mb, 0), -EPERM);			  /* b's frame */
	assert_int_equal(domain_free_frames(a, keel, 0), -EPERM);		  /* Keel's own */
	assert_int_equal(domain_free_frames(a, ma, 1), -EINVAL);		  /* wrong order */
	assert_int_equal(domain_free_frames(a, _mfn(mfn_x(ma) + 1), 0), -EINVAL); /* not a head */
	assert_int_equal(domain_free_frames(a, ma, BUDDY_MAX_ORDER + 1), -EINVAL);
	assert_int_equal(domain_free_frames(a, _mfn(NR_FRAMES), 0), -EINVAL);
	assert_int_equal(domain_free_frames(a, INVALID_MFN, 0), -EINVAL);
	assert_int_equal(domain_free_frames(a, _mfn(0), 0), -EINVAL); /* never managed */
	/* Referenced or typed frames stay until the references go. */
	assert_int_equal(get_page(pg(_mfn(mfn_x(ma) + 3)), 1), 0);
	assert_int_equal(domain_free_frames(a, ma, 2), -EBUSY);
	put_page(pg(_mfn(mfn_x(ma) + 3)));
	assert_int_equal(get_page_and_type(pg(ma), PGT_WRITABLE, 1), 0);
	assert_int_equal(domain_free_frames(a, ma, 2), -EBUSY);
	assert_int_equal(a->tot_pages, 4);
	put_page_and_type(pg(ma));
	assert_int_equal(domain_free_frames(a, ma, 2), 0);
	assert_int_equal(domain_free_frames(a, ma, 2), -EINVAL); /* already free */
	assert_int_equal(a->tot_pages, 0);
	assert_int_equal(free_frames(keel, 0), 0);
	destroy(a);
	destroy(b);
	expect_no_leak();
}

/* A block split into single frames gives them back one by one (decrease_reservation). */
/*
 * Frames Keel shares with a domain (its grant table's): the domain's to
 * map, never a table, outside tot_pages and max_pages, not for it to
 * give back, and freed with the domain once nobody holds them.
 */
static void test_shared_frames(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);
	const uint64_t *p;
	int err = 1;
	mfn_t m = domain_alloc_shared_frame(d, &err); /* max_pages is 0: not counted against it */

	assert_int_equal(err, 0);
	assert_int_equal(pg(m)->owner, d->domid);
	assert_int_equal(pg(m)->count, 1);
	assert_int_equal(page_get_type(pg(m)), PGT_WRITABLE);
	assert_int_equal(page_type_count(pg(m)), 1);
	assert_int_equal(d->tot_pages, 0);
	p = arch_mfn_to_virt(m);
	for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(page_type_pin(pg(m), PGT_L1, d->domid), -EINVAL);
	assert_int_equal(domain_free_frames(d, m, 0), -EINVAL);
	/* Someone else's reference keeps it (and the domain) after destroy. */
	assert_int_equal(get_page(pg(m), d->domid), 0);
	assert_int_equal(domain_get(d), 0);
	assert_int_equal(domain_destroy(d), -EBUSY);
	assert_false(mfn_valid_raw(domain_alloc_shared_frame(d, &err)));
	assert_int_equal(err, -ESRCH);
	put_page(pg(m));
	assert_int_equal(domain_relinquish_memory(d), 0);
	domain_put(d);
	/* A create that fails after its init hook took one leaves nothing either. */
	seen.share_in_init = true;
	seen.fail_dom_init = -ENOMEM;
	create_fails(5, 0, 1, -ENOMEM);
	seen.share_in_init = false;
	seen.fail_dom_init = 0;
	expect_no_leak();
}

static void test_split_block(void **state)
{
	struct domain *a = new_dom(1, 1), *b = new_dom(2, 1);
	mfn_t ma, mb;

	domain_set_max_pages(a, 16);
	domain_set_max_pages(b, 16);
	ma = alloc(a, 3);
	mb = alloc(b, 1);
	assert_int_equal(domain_split_block(a, mb), -EINVAL);			/* b's block */
	assert_int_equal(domain_split_block(a, _mfn(mfn_x(ma) + 1)), -EINVAL); /* not a head */
	assert_int_equal(domain_split_block(a, a->shared_info_mfn), -EINVAL);
	assert_int_equal(domain_free_frames(a, _mfn(mfn_x(ma) + 5), 0), -EINVAL); /* not yet split */
	assert_int_equal(domain_split_block(a, ma), 0);
	assert_int_equal(a->tot_pages, 8);
	assert_int_equal(domain_free_frames(a, ma, 3), -EINVAL); /* no longer one block */
	assert_int_equal(domain_free_frames(a, _mfn(mfn_x(ma) + 5), 0), 0);
	assert_int_equal(domain_free_frames(a, _mfn(mfn_x(ma) + 5), 0), -EINVAL); /* double free */
	assert_int_equal(a->tot_pages, 7);
	assert_int_equal(domain_split_block(a, ma), 0); /* a single frame now: nothing to do */
	/* The rest goes back at destroy, one frame at a time. */
	destroy(a);
	destroy(b);
	expect_no_leak();
}

/* The domain_init hook ends creation (its error fails it); domain_teardown starts destruction. */
static void test_init_and_teardown_hooks(void **state)
{
	struct domain *d;
	int err;

	(void)state;
	seen.fail_dom_init = -ENOSPC;
	assert_null(domain_create(DOMID_AUTO, 0, 2, &err));
	assert_int_equal(err, -ENOSPC);
	assert_int_equal(domain_count(), 0);
	assert_int_equal(seen.dom_teardown, 0);
	seen.fail_dom_init = 0;
	d = new_dom(DOMID_AUTO, 2);
	assert_int_equal(seen.dom_init, 2);
	destroy(d);
	assert_int_equal(seen.dom_teardown, 1);
	assert_true(seen.teardown_saw_dying);
	expect_no_leak();
}

/* Runstate times: every state change closes the old state's time; the sum is the vCPU's age. */
static void test_runstate_times(void **state)
{
	struct domain *d;
	struct vcpu *v;
	struct vcpu_runstate_info r;
	int err;

	(void)state;
	fake_now = 100;
	d = domain_create(DOMID_AUTO, 0, 1, &err);
	assert_non_null(d);
	v = domain_vcpu(d, 0);
	assert_int_equal(v->runstate.state, RUNSTATE_offline);
	fake_now = 150;
	assert_int_equal(vcpu_up(v), 0); /* up, but the domain is still paused: offline */
	fake_now = 200;
	assert_int_equal(domain_unpause(d), 0);
	assert_int_equal(v->runstate.state, RUNSTATE_runnable);
	fake_now = 260;
	assert_int_equal(vcpu_set_running(v, true), 0);
	fake_now = 300;
	assert_int_equal(vcpu_block(v), 0);
	fake_now = 400;
	vcpu_runstate_get(v, &r);
	assert_int_equal(r.state, RUNSTATE_blocked);
	assert_int_equal(r.state_entry_time, 300);
	assert_int_equal(r.time[RUNSTATE_offline], 100);
	assert_int_equal(r.time[RUNSTATE_runnable], 60);
	assert_int_equal(r.time[RUNSTATE_running], 40);
	assert_int_equal(r.time[RUNSTATE_blocked], 100); /* the current state so far */
	assert_int_equal(v->runstate.time[RUNSTATE_blocked], 0); /* the stored copy is not touched */
	fake_now = 450;
	assert_int_equal(vcpu_wake(v), 0);
	assert_int_equal(domain_pause(d), 0); /* paused: offline again */
	assert_int_equal(v->runstate.state, RUNSTATE_offline);
	assert_int_equal(v->runstate.time[RUNSTATE_blocked], 150);
	fake_now = 0;
	destroy(d);
	expect_no_leak();
}

/* SCHEDOP_shutdown_code declares the reason a later shutdown reports. */
static void test_declared_shutdown_code(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);

	assert_int_equal(domain_set_shutdown_code(d, SHUTDOWN_MAX + 1), -EINVAL);
	assert_int_equal(domain_set_shutdown_code(d, SHUTDOWN_crash), 0);
	assert_int_equal(domain_set_shutdown_code(d, SHUTDOWN_reboot), 0); /* the first sticks */
	assert_false(d->is_shutting_down);
	assert_int_equal(domain_shutdown(d, SHUTDOWN_poweroff), 0);
	assert_true(d->is_shutting_down);
	assert_int_equal(d->shutdown_code, SHUTDOWN_crash);
	destroy(d);
	expect_no_leak();
}

static void test_destroy_returns_page_tables(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);
	mfn_t l4, lone, wr;

	domain_set_max_pages(d, 64);
	l4 = pinned_tree(d);
	/* A lone pinned L1 holding a writable type on another frame. */
	lone = alloc(d, 0);
	wr = alloc(d, 0);
	set_e(lone, 0, wr, PV_PTE_P | PV_PTE_RW);
	assert_int_equal(page_type_pin(pg(lone), PGT_L1, d->domid), 0);
	assert_int_equal(page_get_type(pg(wr)), PGT_WRITABLE);
	assert_int_equal(page_type_count(pg(wr)), 1);
	assert_true(page_type_pinned(pg(l4)));
	assert_int_equal(d->tot_pages, 8);
	destroy(d);
	expect_no_leak();
}

/*
 * Domain 2 (b) maps a frame of domain 1 (a) in a pinned L1 table of its
 * own, the way Keel installs a grant mapping (hypercalls/grant_map.c): b's
 * table, a's frame.  Returns that L1 table; unpinning it drops the mapping.
 */
static mfn_t map_as_grant(struct domain *a, struct domain *b)
{
	const struct pv_pte_write grant = {.table_owner = 2, .frame_owner = 1};
	mfn_t shared, l1;

	domain_set_max_pages(a, 4);
	domain_set_max_pages(b, 4);
	shared = alloc(a, 0);
	l1 = alloc(b, 0);
	assert_int_equal(page_type_pin(pg(l1), PGT_L1, 2), 0);
	assert_int_equal(pv_pte_write(pg(l1), 7, (mfn_x(shared) << PAGE_SHIFT) | PV_PTE_P | PV_PTE_RW,
				      &grant, NULL),
			 0);
	return l1;
}

static void test_destroy_waits_for_foreign_mappings(void **state)
{
	struct domain *a = new_dom(1, 1), *b = new_dom(2, 1);
	mfn_t l1 = map_as_grant(a, b);

	assert_int_equal(domain_get(a), 0);
	assert_int_equal(domain_destroy(a), -EBUSY);
	assert_true(host_log_contains("still referenced"));
	assert_int_equal(a->state, DOMAIN_DYING);
	lookup_fails(1);
	assert_int_equal(a->tot_pages, 1);
	assert_int_equal(domain_destroy(a), -ESRCH); /* destroy is once only */
	assert_int_equal(domain_relinquish_memory(a), -EBUSY);
	/* b lets go: now a can finish. */
	assert_int_equal(page_type_unpin(pg(l1), 2), 0);
	assert_int_equal(domain_relinquish_memory(a), 0);
	assert_int_equal(a->state, DOMAIN_DEAD);
	assert_int_equal(domain_relinquish_memory(a), -EINVAL);
	domain_put(a);
	destroy(b);
	expect_no_leak();
}

static void test_lookup_any_finds_dying_domains(void **state)
{
	struct domain *a = new_dom(1, 1), *b = new_dom(2, 1);
	mfn_t l1 = map_as_grant(a, b);
	int err = 0;

	assert_int_equal(domain_destroy(a), -EBUSY); /* no reference of ours: the table's keeps a */
	lookup_fails(1);
	assert_ptr_equal(domain_lookup_any(1, &err), a); /* a reference we keep to the end */
	assert_int_equal(err, 0);
	/* domain_next walks ACTIVE and DYING domains in id order. */
	assert_ptr_equal(domain_next(0), a);
	domain_put(a);
	assert_ptr_equal(domain_next(2), b);
	domain_put(b);
	assert_null(domain_next(3));
	assert_int_equal(page_type_unpin(pg(l1), 2), 0);
	assert_int_equal(domain_relinquish_memory(a), 0); /* DEAD, the table's reference gone */
	assert_int_equal(a->state, DOMAIN_DEAD);
	assert_null(domain_lookup_any(1, &err));
	assert_int_equal(err, -ESRCH);
	assert_ptr_equal(domain_next(0), b); /* a DEAD domain is skipped */
	domain_put(b);
	domain_put(a); /* ours: frees a */
	destroy(b);
	expect_no_leak();
}

static unsigned int stop_calls, stop_after;

/* Says "stop" on its stop_after-th call. */
static bool stop_soon(void)
{
	return ++stop_calls == stop_after;
}

static void test_relinquish_preemptible(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);
	unsigned int restarts = 0;
	int rc;

	domain_set_max_pages(d, 16);
	for (unsigned int i = 0; i < 6; i++)
		alloc(d, 0);
	pinned_tree(d);
	assert_int_equal(domain_get(d), 0);
	assert_int_equal(domain_kill(d), 0);
	assert_int_equal(d->state, DOMAIN_DYING);
	assert_int_equal(domain_kill(d), -ESRCH);
	/* Stopped after every second block freed: progress each time, then done. */
	do {
		uint64_t before = d->tot_pages;

		stop_calls = 0;
		stop_after = 2;
		rc = domain_relinquish_memory_preemptible(d, stop_soon);
		if (rc == -ERESTART) {
			restarts++;
			assert_true(d->tot_pages < before);
			assert_int_equal(d->state, DOMAIN_DYING);
		}
	} while (rc == -ERESTART);
	assert_int_equal(rc, 0);
	assert_true(restarts >= 2);
	assert_int_equal(d->state, DOMAIN_DEAD);
	assert_int_equal(d->tot_pages, 0);
	domain_put(d);
	expect_no_leak();
}

static void test_dead_domain_refuses_everything(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);

	assert_int_equal(domain_relinquish_memory(d), -EINVAL); /* not dying */
	assert_int_equal(domain_get(d), 0);
	destroy(d);
	assert_int_equal(domain_destroy(d), -ESRCH);
	assert_int_equal(domain_pause(d), -ESRCH);
	assert_int_equal(domain_unpause(d), -ESRCH);
	assert_int_equal(domain_shutdown(d, SHUTDOWN_poweroff), -ESRCH);
	alloc_fails(d, 0, -ESRCH);
	assert_int_equal(vcpu_up(domain_vcpu(d, 0)), -ESRCH);
	domain_crash(d); /* logs, changes nothing that matters */
	assert_int_equal(d->shutdown_code, DOMAIN_SHUTDOWN_CODE_NONE);
	domain_put(d);
	expect_no_leak();
}

static void test_pause_nesting(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);

	assert_int_equal(domain_unpause(d), 0);
	assert_int_equal(d->pause_count, 0);
	assert_int_equal(domain_unpause(d), -EINVAL);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(domain_pause(d), 0);
	assert_int_equal(domain_unpause(d), 0);
	assert_int_equal(d->pause_count, 2);
	while (d->pause_count < DOMAIN_PAUSE_MAX)
		assert_int_equal(domain_pause(d), 0);
	assert_int_equal(domain_pause(d), -EOVERFLOW);
	assert_int_equal(d->pause_count, DOMAIN_PAUSE_MAX);
	destroy(d);
	expect_no_leak();
}

static void test_vcpu_pause_and_running(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 2);
	struct vcpu *v = domain_vcpu(d, 0), *w = domain_vcpu(d, 1);

	assert_int_equal(vcpu_up(v), 0);
	assert_false(vcpu_runnable(v)); /* domain still paused */
	assert_int_equal(domain_unpause(d), 0);
	assert_true(vcpu_runnable(v));
	assert_false(vcpu_runnable(w));	 /* offline */
	assert_int_equal(vcpu_up(v), 0); /* already up: no change */
	assert_int_equal(seen.runnable_on, 1);
	assert_int_equal(vcpu_set_running(w, true), -EINVAL);
	assert_int_equal(vcpu_set_running(v, true), 0);
	assert_int_equal(v->state, VCPU_RUNNING);
	/* Pausing the domain or the vCPU takes it off. */
	assert_int_equal(domain_pause(d), 0);
	assert_false(vcpu_runnable(v));
	assert_int_equal(seen.runnable_off, 1);
	assert_int_equal(vcpu_set_running(v, false), 0);
	assert_int_equal(v->state, VCPU_RUNNABLE);
	assert_int_equal(domain_unpause(d), 0);
	assert_int_equal(vcpu_pause(v), 0);
	assert_int_equal(vcpu_pause(v), 0);
	assert_int_equal(vcpu_unpause(v), 0);
	assert_false(vcpu_runnable(v));
	assert_int_equal(vcpu_unpause(v), 0);
	assert_true(vcpu_runnable(v));
	assert_int_equal(vcpu_unpause(v), -EINVAL);
	for (unsigned int i = 0; i < VCPU_PAUSE_MAX; i++)
		assert_int_equal(vcpu_pause(w), 0);
	assert_int_equal(vcpu_pause(w), -EOVERFLOW);
	assert_int_equal(seen.runnable_on, 3);
	assert_int_equal(seen.runnable_off, 2);
	destroy(d); /* takes the runnable vCPU off too */
	assert_int_equal(seen.runnable_off, 3);
	expect_no_leak();
}

/* A domain with vcpus vCPUs, unpaused and all up. */
static struct domain *running_dom(domid_t id, unsigned int vcpus)
{
	struct domain *d = new_dom(id, vcpus);

	assert_int_equal(domain_unpause(d), 0);
	for (unsigned int i = 0; i < vcpus; i++)
		assert_int_equal(vcpu_up(domain_vcpu(d, i)), 0);
	assert_int_equal(seen.runnable_on, vcpus);
	return d;
}

static void test_vcpu_block_wake_down(void **state)
{
	struct domain *d = running_dom(DOMID_AUTO, 1);
	struct vcpu *v = domain_vcpu(d, 0);

	assert_int_equal(vcpu_block(v), 0);
	assert_false(vcpu_runnable(v));
	assert_int_equal(vcpu_block(v), -EINVAL);
	assert_int_equal(vcpu_wake(v), 0);
	assert_true(vcpu_runnable(v));
	assert_int_equal(vcpu_down(v), 0);
	assert_int_equal(vcpu_block(v), -EINVAL); /* offline */
	assert_int_equal(vcpu_wake(v), 0);
	assert_int_equal(v->state, VCPU_OFFLINE); /* waking does not bring a vCPU up */
	assert_int_equal(vcpu_up(v), 0);
	assert_true(vcpu_runnable(v));
	/* Shutdown stops it for good. */
	assert_int_equal(domain_shutdown(d, SHUTDOWN_poweroff), 0);
	assert_false(vcpu_runnable(v));
	assert_int_equal(vcpu_set_running(v, true), -EINVAL);
	assert_int_equal(seen.runnable_on, 3);
	assert_int_equal(seen.runnable_off, 3);
	destroy(d);
	expect_no_leak();
}

static void test_shutdown_reason_sticks(void **state)
{
	struct domain *d = new_dom(DOMID_AUTO, 1);

	assert_int_equal(domain_shutdown(d, SHUTDOWN_MAX + 1), -EINVAL);
	assert_int_equal(domain_shutdown(d, UINT32_MAX), -EINVAL);
	assert_false(d->is_shutting_down);
	assert_int_equal(domain_shutdown(d, SHUTDOWN_reboot), 0);
	assert_true(d->is_shutting_down);
	assert_int_equal(d->shutdown_code, SHUTDOWN_reboot);
	assert_int_equal(seen.shutdowns, 1);
	assert_ptr_equal(seen.last_shutdown, d);
	assert_int_equal(domain_shutdown(d, SHUTDOWN_poweroff), 0);
	assert_int_equal(domain_shutdown(d, SHUTDOWN_soft_reset), 0);
	assert_int_equal(d->shutdown_code, SHUTDOWN_reboot);
	assert_int_equal(seen.shutdowns, 1);
	domain_crash(d);
	assert_true(d->is_crashed);
	assert_int_equal(d->shutdown_code, SHUTDOWN_reboot);
	destroy(d);
	expect_no_leak();
}

static void test_crash(void **state)
{
	struct domain *d = running_dom(4, 1);

	domain_crash(d);
	assert_true(host_log_contains("domain 4 crashed"));
	assert_true(d->is_crashed);
	assert_true(d->is_shutting_down);
	assert_int_equal(d->shutdown_code, SHUTDOWN_crash);
	assert_false(vcpu_runnable(domain_vcpu(d, 0)));
	assert_int_equal(seen.shutdowns, 1);
	destroy(d);
	expect_no_leak();
}

#define STRESS_LIVE 8

/* What the stress test did, so it can check it covered the interesting cases. */
static struct {
	unsigned int trees, l1_pins, enomem, frees, kept_refs;
} stress;

/* Random memory for d: blocks, some made into pinned tables or writable-typed. */
static void random_memory(struct domain *d)
{
	mfn_t l1 = INVALID_MFN;
	unsigned int slot = 0;
	int err;

	domain_set_max_pages(d, (uint64_t)(rand() % 96));
	for (unsigned int i = 0, n = (unsigned int)(rand() % 24); i < n; i++) {
		unsigned int order = (unsigned int)(rand() % 3);
		mfn_t m = domain_alloc_frames(d, order, &err);

		if (!mfn_valid_raw(m)) {
			assert_int_equal(err, -ENOMEM);
			stress.enomem++;
			continue;
		}
		if (rand() % 4 == 0 && !mfn_valid_raw(l1)) {
			l1 = m; /* becomes an L1 once it maps a few others */
		} else if (mfn_valid_raw(l1) && slot < 512) {
			set_e(l1, slot++, m, PV_PTE_P | (rand() % 2 ? PV_PTE_RW : 0));
		} else if (rand() % 5 == 0) {
			assert_int_equal(domain_free_frames(d, m, order), 0);
			stress.frees++;
		}
	}
	if (mfn_valid_raw(l1) && rand() % 2) {
		assert_int_equal(page_type_pin(pg(l1), PGT_L1, d->domid), 0);
		stress.l1_pins++;
	}
	if (rand() % 3 == 0 && d->tot_pages + 6 <= d->max_pages) {
		pinned_tree(d);
		stress.trees++;
	}
}

static void test_stress_200_domains(void **state)
{
	struct domain *live[STRESS_LIVE] = {0};

	memset(&stress, 0, sizeof(stress));
	srand(12345);
	host_log_echo(false);
	for (unsigned int made = 0; made < 200;) {
		unsigned int k = (unsigned int)rand() % STRESS_LIVE;

		if (!live[k]) {
			live[k] = new_dom(DOMID_AUTO, 1 + (unsigned int)rand() % 4);
			random_memory(live[k]);
			made++;
			continue;
		}
		if (rand() % 3 == 0)
			domain_crash(live[k]);
		if (rand() % 2 == 0) {
			assert_int_equal(domain_get(live[k]), 0);
			destroy(live[k]);
			assert_int_equal(live[k]->state, DOMAIN_DEAD);
			domain_put(live[k]);
			stress.kept_refs++;
		} else {
			destroy(live[k]);
		}
		live[k] = NULL;
	}
	for (unsigned int k = 0; k < STRESS_LIVE; k++)
		if (live[k])
			destroy(live[k]);
	host_log_echo(true);
	expect_no_leak();
	assert_true(stress.trees > 10 && stress.l1_pins > 10 && stress.enomem > 10);
	assert_true(stress.frees > 10 && stress.kept_refs > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_create_lookup_destroy, setup),
	    cmocka_unit_test_setup(test_create_bad_arguments, setup),
	    cmocka_unit_test_setup(test_dom0_only_explicit, setup),
	    cmocka_unit_test_setup(test_id_reused_only_after_last_put, setup),
	    cmocka_unit_test_setup(test_auto_ids_rotate_and_wrap, setup),
	    cmocka_unit_test_setup(test_failed_create_leaves_nothing, setup),
	    cmocka_unit_test_setup(test_max_pages_enforced, setup),
	    cmocka_unit_test_setup(test_tot_pages_ownership_and_contents, setup),
	    cmocka_unit_test_setup(test_out_of_memory, setup),
	    cmocka_unit_test_setup(test_shared_info, setup),
	    cmocka_unit_test_setup(test_free_refused, setup),
	    cmocka_unit_test_setup(test_shared_frames, setup),
	    cmocka_unit_test_setup(test_split_block, setup),
	    cmocka_unit_test_setup(test_declared_shutdown_code, setup),
	    cmocka_unit_test_setup(test_init_and_teardown_hooks, setup),
	    cmocka_unit_test_setup(test_runstate_times, setup),
	    cmocka_unit_test_setup(test_destroy_returns_page_tables, setup),
	    cmocka_unit_test_setup(test_destroy_waits_for_foreign_mappings, setup),
	    cmocka_unit_test_setup(test_lookup_any_finds_dying_domains, setup),
	    cmocka_unit_test_setup(test_relinquish_preemptible, setup),
	    cmocka_unit_test_setup(test_dead_domain_refuses_everything, setup),
	    cmocka_unit_test_setup(test_pause_nesting, setup),
	    cmocka_unit_test_setup(test_vcpu_pause_and_running, setup),
	    cmocka_unit_test_setup(test_vcpu_block_wake_down, setup),
	    cmocka_unit_test_setup(test_shutdown_reason_sticks, setup),
	    cmocka_unit_test_setup(test_crash, setup),
	    cmocka_unit_test_setup(test_stress_200_domains, setup),
	};

	return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
