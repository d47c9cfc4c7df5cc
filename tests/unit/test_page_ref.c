/*
 * tests/unit/test_page_ref.c - general frame references (mm/page_ref.c):
 * ownership (invariant 1), free and unmanaged frames, overflow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "lib/errno.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/page_ref.h"

#define NR_FRAMES 32
#define DOM	  1
#define OTHER	  2

static struct page_info table[NR_FRAMES];

static int setup(void **state)
{
	(void)state;
	fake_ram_init(NR_FRAMES);
	assert_int_equal(frame_table_init(table, NR_FRAMES), 0);
	buddy_init();
	/* Frame 0 stays unmanaged (like the hypervisor image). */
	assert_int_equal(buddy_add_free_range(_mfn(1), NR_FRAMES - 1), 0);
	host_log_reset();
	return 0;
}

static struct page_info *dom_frame(domid_t d)
{
	mfn_t m = alloc_frames(0);

	assert_true(mfn_valid_raw(m));
	mfn_to_page(m)->owner = d;
	return mfn_to_page(m);
}

static void test_own_frame(void **state)
{
	struct page_info *pg = dom_frame(DOM), *got = NULL;

	(void)state;
	assert_int_equal(get_page(pg, DOM), 0);
	assert_int_equal(get_page_mfn(page_to_mfn(pg), DOM, &got), 0);
	assert_ptr_equal(got, pg);
	assert_int_equal(pg->count, 2);
	/* A referenced frame cannot be freed. */
	assert_int_equal(free_frames(page_to_mfn(pg), 0), -EBUSY);
	put_page(pg);
	put_page(pg);
	assert_int_equal(pg->count, 0);
	assert_int_equal(free_frames(page_to_mfn(pg), 0), 0);
}

static void test_foreign_free_unmanaged_refused(void **state)
{
	struct page_info *pg = dom_frame(OTHER), *got = NULL;
	mfn_t free_mfn = alloc_frames(0);

	(void)state;
	assert_int_equal(get_page(pg, DOM), -EPERM);
	assert_int_equal(pg->count, 0);
	assert_int_equal(free_frames(free_mfn, 0), 0);
	assert_int_equal(get_page(mfn_to_page(free_mfn), DOM), -EINVAL);
	assert_int_equal(get_page(mfn_to_page(_mfn(0)), DOM), -EINVAL);
	assert_int_equal(get_page_mfn(_mfn(NR_FRAMES), DOM, &got), -EINVAL);
	assert_int_equal(get_page_mfn(INVALID_MFN, DOM, &got), -EINVAL);
	assert_null(got);
	/* An allocated frame nobody owns (DOMID_INVALID) is nobody's to map. */
	pg = dom_frame(DOMID_INVALID);
	assert_int_equal(get_page(pg, DOMID_INVALID), -EINVAL);
	assert_int_equal(page_ref_check_owner(dom_frame(DOM), DOM), 0);
}

static void test_overflow_refused(void **state)
{
	struct page_info *pg = dom_frame(DOM);

	(void)state;
	pg->count = PAGE_REF_MAX - 1;
	assert_int_equal(get_page(pg, DOM), 0);
	assert_int_equal(get_page(pg, DOM), -EOVERFLOW);
	assert_int_equal(pg->count, PAGE_REF_MAX);
	pg->count = 0;
}

static void test_put_unreferenced_is_a_bug(void **state)
{
	struct page_info *pg = dom_frame(DOM);

	(void)state;
	assert_true(HOST_PANICS(put_page(pg)));
	assert_int_equal(pg->count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_own_frame, setup),
	    cmocka_unit_test_setup(test_foreign_free_unmanaged_refused, setup),
	    cmocka_unit_test_setup(test_overflow_refused, setup),
	    cmocka_unit_test_setup(test_put_unreferenced_is_a_bug, setup),
	};

	return cmocka_run_group_tests_name("page_ref", tests, NULL, NULL);
}
