/*
 * tests/unit/test_grant_table.c - the grant table itself and the
 * operations that map nothing (hypercalls/grant_table.c, grant_copy.c,
 * grant_active.c): the table's frames, setup/query/versions/status
 * frames/dump for oneself and for others, swap_grant_ref, copies between
 * domains, cache_flush, and the entry protocol against a guest that
 * rewrites its entry while Keel reads it (a second thread plays that
 * guest).
 *
 * DOM (1) and OTHER (2) are unprivileged, PRIV (0) is the control
 * domain.  env_teardown() is the leak check.
 */
#include <pthread.h>
#include <time.h>

#include "tests/unit/grant_test_env.h"

static struct gnttab_query_size query(struct vcpu *v, domid_t d)
{
	struct gnttab_query_size q = {.dom = d, .status = UNTOUCHED};

	assert_int_equal(gop(v, GNTTABOP_query_size, &q, 1), 0);
	return q;
}

/*
 * The table's frames are the domain's (it maps them), Keel keeps them
 * writable-typed (never a page table), they are not in tot_pages and
 * cannot be given back; the table only grows, to max_grant_frames.
 */
static void test_table_frames(void **state)
{
	uint64_t tot = dom->tot_pages;
	xen_pfn_t list[3] = {0, 0, 0x77};
	struct gnttab_setup_table s = {.dom = DOMID_SELF, .nr_frames = 2, .status = UNTOUCHED};
	struct gnttab_query_size q = query(vcpu0(dom), DOMID_SELF);
	struct tree t = build_tree(dom);
	mfn_t g0;

	(void)state;
	assert_int_equal(q.status, GNTST_okay);
	assert_int_equal(q.nr_frames, 1);
	assert_int_equal(q.max_nr_frames, DOMAIN_DEFAULT_MAX_GRANT_FRAMES);
	set_xen_guest_handle(s.frame_list, list);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_okay);
	assert_int_equal(list[2], 0x77);
	g0 = _mfn(list[0]);
	assert_int_equal(pg(g0)->owner, DOM);
	expect_refs(g0, 1, PGT_WRITABLE, 1);
	assert_int_equal(m2p_get(g0), INVALID_M2P_ENTRY);
	assert_int_equal(dom->tot_pages, tot + 6 /* build_tree's */);
	assert_int_equal(query(vcpu0(dom), DOMID_SELF).nr_frames, 2);
	/* Mappable by the domain, writable; never a page table; not returnable. */
	set_e(t.l1, 10, g0, RW);
	tree_install(vcpu0(dom), &t);
	expect_refs(g0, 2, PGT_WRITABLE, 2);
	assert_int_equal(ext(vcpu0(dom), MMUEXT_PIN_L1_TABLE, list[1], 0, DOMID_SELF), -EINVAL);
	assert_int_equal(domain_free_frames(dom, g0, 0), -EINVAL);
	/* Not another domain's to map (invariant 1). */
	assert_int_equal(get_page(pg(g0), OTHER), -EPERM);
	s.nr_frames = DOMAIN_DEFAULT_MAX_GRANT_FRAMES + 1;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_general_error);
	assert_int_equal(query(vcpu0(dom), DOMID_SELF).nr_frames, 2);
	/* env_teardown destroys DOM with its table frame still mapped: freed all the same. */
}

/* Another domain's table: only the control domain may look at or grow it. */
static void test_other_domains_tables(void **state)
{
	xen_pfn_t list[1];
	struct gnttab_setup_table s = {.dom = OTHER, .nr_frames = 1, .status = UNTOUCHED};
	struct gnttab_get_version gv = {.dom = OTHER};
	struct gnttab_get_status_frames sf = {.nr_frames = 0, .dom = OTHER, .status = UNTOUCHED};
	struct gnttab_dump_table d = {.dom = OTHER, .status = UNTOUCHED};

	(void)state;
	set_xen_guest_handle(s.frame_list, list);
	set_xen_guest_handle(sf.frame_list, (uint64_t *)list);
	assert_int_equal(query(vcpu0(dom), OTHER).status, GNTST_permission_denied);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_permission_denied);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_get_version, &gv, 1), -EPERM);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_get_status_frames, &sf, 1), 0);
	assert_int_equal(sf.status, GNTST_permission_denied);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_dump_table, &d, 1), 0);
	assert_int_equal(d.status, GNTST_permission_denied);
	/* The control domain may. */
	assert_int_equal(query(vcpu0(priv), OTHER).status, GNTST_okay);
	assert_int_equal(gop(vcpu0(priv), GNTTABOP_setup_table, &s, 1), 0);
	assert_int_equal(s.status, GNTST_okay);
	assert_int_equal(pg(_mfn(list[0]))->owner, OTHER);
	assert_int_equal(gop(vcpu0(priv), GNTTABOP_get_version, &gv, 1), 0);
	assert_int_equal(gv.version, 1);
	grant(other, 3, frame(other), DOM, GTF_permit_access | GTF_readonly);
	host_log_reset();
	assert_int_equal(gop(vcpu0(priv), GNTTABOP_dump_table, &d, 1), 0);
	assert_int_equal(d.status, GNTST_okay);
	assert_true(host_log_contains("grant table of domain 2: 1 of 64 frames"));
	assert_true(host_log_contains("ref 3: flags 0x5 domid 1"));
	/* Nobody's table. */
	assert_int_equal(query(vcpu0(priv), 77).status, GNTST_bad_domain);
	gv.dom = 77;
	assert_int_equal(gop(vcpu0(priv), GNTTABOP_get_version, &gv, 1), -ESRCH);
}

/* Version 1 only: what Xen 4.17 booted with gnttab=max-ver:1 answers. */
static void test_versions(void **state)
{
	struct gnttab_set_version sv = {.version = 2};
	uint64_t list[1];
	struct gnttab_get_status_frames sf = {.nr_frames = 1, .dom = DOMID_SELF};

	(void)state;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_set_version, &sv, 1), -ENOSYS);
	assert_int_equal(sv.version, 1);
	sv.version = 0;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_set_version, &sv, 1), -EINVAL);
	assert_int_equal(sv.version, 1);
	sv.version = 1;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_set_version, &sv, 1), 0);
	set_xen_guest_handle(sf.frame_list, list);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_get_status_frames, &sf, 1), 0);
	assert_int_equal(sf.status, GNTST_general_error);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_transfer, &sf, 1), -ENOSYS);
	assert_int_equal(gop(vcpu0(dom), 12345, &sf, 1), -ENOSYS);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_query_size, &sf, 0x80000000u), -EINVAL);
	host_guest_fault_range(gva(&sv), sizeof(sv));
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_set_version, &sv, 1), -EFAULT);
}

static void test_swap(void **state)
{
	grant_entry_v1_t *e = table(dom, 1);
	mfn_t f = frame(dom);
	struct gnttab_swap_grant_ref s = {.ref_a = 1, .ref_b = 2, .status = UNTOUCHED};
	struct gnttab_map_grant_ref m;

	(void)state;
	grant(dom, 1, f, OTHER, GTF_permit_access);
	grant(dom, 2, _mfn(0x1234), PRIV, GTF_permit_access | GTF_readonly);
	assert_int_equal(map(vcpu0(other), 0, GNTMAP_device_map, 1, DOM, &m), GNTST_okay);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_swap_grant_ref, &s, 1), 0);
	assert_int_equal(s.status, GNTST_eagain);
	assert_int_equal(unmap(vcpu0(other), 0, mfn_x(f) << PAGE_SHIFT, m.handle), GNTST_okay);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_swap_grant_ref, &s, 1), 0);
	assert_int_equal(s.status, GNTST_okay);
	assert_int_equal(e[1].domid, PRIV);
	assert_int_equal(e[1].frame, 0x1234);
	assert_int_equal(e[2].domid, OTHER);
	assert_int_equal(e[2].frame, mfn_x(f));
	s.ref_b = 512;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_swap_grant_ref, &s, 1), 0);
	assert_int_equal(s.status, GNTST_bad_gntref);
}

/* A copy between two other domains' grants, by a third, and the marks after. */
static void test_copy_between_domains(void **state)
{
	mfn_t src = frame(dom), dst = frame(other), own = frame(priv);
	struct gnttab_copy c = {.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref, .len = 100};
	uint8_t *s = arch_mfn_to_virt(src), *d = arch_mfn_to_virt(dst);
	struct snap before;

	(void)state;
	table(dom, 1);
	table(other, 1);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		s[i] = (uint8_t)(i * 3);
	memset(d, 0, PAGE_SIZE);
	grant(dom, 4, src, PRIV, GTF_permit_access | GTF_readonly);
	grant(other, 5, dst, PRIV, GTF_permit_access);
	c.source.u.ref = 4;
	c.source.domid = DOM;
	c.source.offset = 50;
	c.dest.u.ref = 5;
	c.dest.domid = OTHER;
	c.dest.offset = 3996;
	snap_take(&before);
	assert_int_equal(copy(vcpu0(priv), &c), GNTST_okay);
	assert_int_equal(d[3995], 0);
	assert_int_equal(d[3996], 150);
	assert_int_equal(d[4095], (uint8_t)(149 * 3));
	snap_expect(&before); /* the uses ended with the copy */
	assert_int_equal(gflags(dom, 4), GTF_permit_access | GTF_readonly);
	assert_int_equal(gflags(other, 5), GTF_permit_access);
	/* The grants are PRIV's, not DOM's: DOM may not use them. */
	assert_int_equal(copy(vcpu0(dom), &c), GNTST_general_error);
	/* Frames of others never by frame number, privileged or not. */
	c = (struct gnttab_copy){.len = 8};
	c.source.u.gmfn = mfn_x(src);
	c.source.domid = DOM;
	c.dest.u.gmfn = mfn_x(own);
	c.dest.domid = DOMID_SELF;
	assert_int_equal(copy(vcpu0(priv), &c), GNTST_permission_denied);
	c.source.domid = DOMID_SELF; /* DOM's frame named as PRIV's own */
	assert_int_equal(copy(vcpu0(priv), &c), GNTST_bad_page);
	snap_expect(&before);
}

/* A copy never writes a page table or a read-only grant, and leaves no use behind. */
static void test_copy_refused(void **state)
{
	struct tree t = build_tree(other);
	mfn_t dst = frame(dom), src = frame(other);
	struct gnttab_copy c = {.flags = GNTCOPY_dest_gref, .len = 8};
	struct snap before;

	(void)state;
	tree_install(vcpu0(other), &t);
	table(other, 1);
	grant(other, 6, t.l1, DOM, GTF_permit_access); /* a page table, "writable" */
	grant(other, 7, src, DOM, GTF_permit_access | GTF_readonly);
	c.source.u.gmfn = mfn_x(dst);
	c.source.domid = DOMID_SELF;
	c.dest.u.ref = 6;
	c.dest.domid = OTHER;
	snap_take(&before);
	assert_int_equal(copy(vcpu0(dom), &c), GNTST_general_error);
	assert_int_equal(gflags(other, 6), GTF_permit_access);
	c.dest.u.ref = 7;
	assert_int_equal(copy(vcpu0(dom), &c), GNTST_general_error);
	assert_int_equal(gflags(other, 7), GTF_permit_access | GTF_readonly);
	/* Bounds are checked after both claims, which are undone. */
	c.flags = GNTCOPY_source_gref;
	c.source.u.ref = 7;
	c.source.domid = OTHER;
	c.source.offset = 4090;
	c.dest.u.gmfn = mfn_x(dst);
	c.dest.domid = DOMID_SELF;
	assert_int_equal(copy(vcpu0(dom), &c), GNTST_bad_copy_arg);
	snap_expect(&before);
	assert_int_equal(gflags(other, 7), GTF_permit_access | GTF_readonly);
}

/* cache_flush: own frames and frames mapped from grants; others' are -EPERM. */
static void test_cache_flush(void **state)
{
	mfn_t f = frame(other), own = frame(dom);
	struct gnttab_cache_flush c = {.length = 64, .op = GNTTAB_CACHE_CLEAN};
	struct gnttab_map_grant_ref m;

	(void)state;
	table(other, 1);
	c.a.dev_bus_addr = mfn_x(own) << PAGE_SHIFT;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_cache_flush, &c, 1), 0);
	c.a.dev_bus_addr = mfn_x(f) << PAGE_SHIFT;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_cache_flush, &c, 1), -EPERM);
	grant(other, 8, f, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), 0, GNTMAP_device_map, 8, OTHER, &m), GNTST_okay);
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_cache_flush, &c, 1), 0);
	c.op = GNTTAB_CACHE_INVAL;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_cache_flush, &c, 1), -EOPNOTSUPP);
	c.op = GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_SOURCE_GREF;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_cache_flush, &c, 1), -EINVAL);
	assert_int_equal(unmap(vcpu0(dom), 0, mfn_x(f) << PAGE_SHIFT, m.handle), GNTST_okay);
	c.op = GNTTAB_CACHE_CLEAN;
	assert_int_equal(gop(vcpu0(dom), GNTTABOP_cache_flush, &c, 1), -EPERM);
}

/* ---- a guest rewriting its entry while Keel reads it ---- */

static struct {
	grant_entry_v1_t *e;
	uint32_t good, bad; /* frames: OTHER's own, and PRIV's */
	volatile bool stop;
	unsigned long flips;
} hostile;

/*
 * Flips the entry between a good grant and everything a hostile guest
 * could try: another frame (not its own), another grantee, read-only,
 * another type; keeping the flags' marks as they are, as a guest that
 * raced Keel would see them.
 */
static void *flipper(void *arg)
{
	(void)arg;
	while (!hostile.stop) {
		uint32_t *word = (uint32_t *)(void *)hostile.e;
		uint32_t w = __atomic_load_n(word, __ATOMIC_RELAXED);
		uint16_t marks = (uint16_t)w & (GTF_reading | GTF_writing);
		unsigned long n = hostile.flips++;

		__atomic_store_n(&hostile.e->frame, n & 1 ? hostile.bad : hostile.good,
				 __ATOMIC_RELAXED);
		switch (n % 4) {
		case 0:
			w = (uint32_t)DOM << 16 | GTF_permit_access;
			break;
		case 1:
			w = (uint32_t)PRIV << 16 | GTF_permit_access;
			break;
		case 2:
			w = (uint32_t)DOM << 16 | GTF_permit_access | GTF_readonly;
			break;
		default:
			w = (uint32_t)DOM << 16 | GTF_accept_transfer;
			break;
		}
		__atomic_store_n(word, w | marks, __ATOMIC_RELAXED);
	}
	return NULL;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Whatever the guest does meanwhile, a map that succeeds maps the
 * granter's own frame and holds exactly its references, and the marks it
 * set are gone once it is unmapped.
 */
static void test_entry_rewritten_concurrently(void **state)
{
	mfn_t good = frame(other), bad = frame(priv);
	struct gnttab_map_grant_ref m;
	unsigned int ok = 0, refused = 0;
	struct timespec start;
	pthread_t th;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &start);
	host_log_echo(false);
	table(other, 1);
	hostile.e = entry(other, 9);
	hostile.good = (uint32_t)mfn_x(good);
	hostile.bad = (uint32_t)mfn_x(bad);
	hostile.stop = false;
	hostile.flips = 0;
	grant(other, 9, good, DOM, GTF_permit_access);
	assert_int_equal(pthread_create(&th, NULL, flipper, NULL), 0);
	/*
	 * Until both outcomes were seen often enough: on a busy machine the
	 * flipper thread may get little CPU, so the bound is time, not a count.
	 */
	for (unsigned int i = 0; (ok < 50 || refused < 50 || i < 2000) && seconds_since(&start) < 30;
	     i++) {
		int16_t st = map(vcpu0(dom), 0, GNTMAP_device_map, 9, OTHER, &m);

		if (st != GNTST_okay) {
			assert_true(st == GNTST_general_error || st == GNTST_bad_page);
			refused++;
			continue;
		}
		ok++;
		assert_int_equal(m.dev_bus_addr, mfn_x(good) << PAGE_SHIFT);
		expect_refs(good, 1, PGT_WRITABLE, 1);
		expect_refs(bad, 0, PGT_NONE, 0);
		assert_int_equal(unmap(vcpu0(dom), 0, m.dev_bus_addr, m.handle), GNTST_okay);
	}
	hostile.stop = true;
	assert_int_equal(pthread_join(th, NULL), 0);
	host_log_echo(true);
	print_message("concurrent rewrites: %u maps, %u refused, %lu rewrites\n", ok, refused,
		      hostile.flips);
	assert_true(ok > 0);
	assert_true(refused > 0);
	expect_refs(good, 0, PGT_NONE, 0);
	expect_refs(bad, 0, PGT_NONE, 0);
	/* The guest's last rewrite may have put back marks it saw: a clean use clears them. */
	grant(other, 9, good, DOM, GTF_permit_access);
	assert_int_equal(map(vcpu0(dom), 0, GNTMAP_device_map, 9, OTHER, &m), GNTST_okay);
	assert_int_equal(unmap(vcpu0(dom), 0, m.dev_bus_addr, m.handle), GNTST_okay);
	assert_int_equal(gflags(other, 9), GTF_permit_access);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_table_frames, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_other_domains_tables, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_versions, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_swap, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_copy_between_domains, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_copy_refused, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_cache_flush, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(test_entry_rewritten_concurrently, env_setup,
					    env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
