/*
 * tests/unit/test_frame_table.c - the frame table and page lists
 * (mm/frame_table.c).
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
#include "mm/frame_table.h"

#define NR_FRAMES 64

static struct page_info table[NR_FRAMES];

static int setup(void **state)
{
	(void)state;
	memset(table, 0x5a, sizeof(table)); /* garbage init must clear */
	assert_int_equal(frame_table_init(table, NR_FRAMES), 0);
	host_log_reset();
	return 0;
}

static void test_entry_is_small(void **state)
{
	(void)state;
	assert_true(sizeof(struct page_info) <= 32);
	assert_int_equal(frame_table_bytes(10), 10 * sizeof(struct page_info));
}

static void test_init_rejects_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(frame_table_init(NULL, 10), -EINVAL);
	assert_int_equal(frame_table_init(table, 0), -EINVAL);
	/* Too many frames for 32-bit indices: refused before touching storage. */
	assert_int_equal(frame_table_init(table, FRAME_TABLE_MAX_FRAMES + 1), -EINVAL);
	/* The table set up by setup() is still in force. */
	assert_int_equal(frame_table_nr_frames(), NR_FRAMES);
}

static void test_init_resets_entries(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < NR_FRAMES; i++) {
		const struct page_info *pg = &table[i];

		assert_int_equal(pg->owner, DOMID_INVALID);
		assert_int_equal(pg->count, 0);
		assert_int_equal(pg->type_info, 0);
		assert_int_equal(pg->state, FRAME_UNMANAGED);
		assert_int_equal(pg->flags, 0);
		assert_int_equal(pg->next, PAGE_LIST_NONE);
		assert_int_equal(pg->prev, PAGE_LIST_NONE);
		assert_int_equal(page_get_type(pg), PGT_NONE);
	}
}

static void test_mfn_page_round_trip(void **state)
{
	(void)state;
	assert_true(mfn_in_table(_mfn(0)));
	assert_true(mfn_in_table(_mfn(NR_FRAMES - 1)));
	assert_false(mfn_in_table(_mfn(NR_FRAMES)));
	assert_false(mfn_in_table(INVALID_MFN));
	for (uint64_t m = 0; m < NR_FRAMES; m++) {
		assert_ptr_equal(mfn_to_page(_mfn(m)), &table[m]);
		assert_int_equal(mfn_x(page_to_mfn(&table[m])), m);
	}
}

static void test_out_of_table_is_a_bug(void **state)
{
	struct page_info outside;

	(void)state;
	assert_true(HOST_PANICS(mfn_to_page(_mfn(NR_FRAMES))));
	assert_true(host_log_contains("BUG"));
	assert_true(HOST_PANICS(page_to_mfn(&outside)));
	assert_true(HOST_PANICS(page_to_mfn(table + NR_FRAMES)));
	assert_false(HOST_PANICS(page_to_mfn(table + NR_FRAMES - 1)));
}

static void test_type_info_fields(void **state)
{
	struct page_info *pg = mfn_to_page(_mfn(3));

	(void)state;
	pg->type_info = ((uint32_t)PGT_L2 << PGT_TYPE_SHIFT) | PGT_VALIDATED | 5;
	assert_int_equal(page_get_type(pg), PGT_L2);
	assert_int_equal(page_type_count(pg), 5);
	assert_true(page_type_validated(pg));
	pg->type_info = ((uint32_t)PGT_SHARED << PGT_TYPE_SHIFT) | PGT_COUNT_MASK;
	assert_int_equal(page_get_type(pg), PGT_SHARED);
	assert_int_equal(page_type_count(pg), PGT_COUNT_MASK);
	assert_false(page_type_validated(pg));
}

/* Checks l holds exactly mfns[0..n-1] in order, both ways. */
static void expect_list(const struct page_list *l, const uint64_t *mfns, unsigned int n)
{
	const struct page_info *pg = page_list_first(l);
	unsigned int i = 0;

	for (; pg; pg = page_list_next(pg), i++) {
		assert_true(i < n);
		assert_int_equal(mfn_x(page_to_mfn(pg)), mfns[i]);
	}
	assert_int_equal(i, n);
	if (n) {
		assert_int_equal(l->tail, mfns[n - 1]);
		for (i = n - 1, pg = &table[l->tail]; i > 0; i--) {
			pg = &table[pg->prev];
			assert_int_equal(mfn_x(page_to_mfn(pg)), mfns[i - 1]);
		}
		assert_int_equal(pg->prev, PAGE_LIST_NONE);
	}
	assert_int_equal(page_list_empty(l), n == 0);
}

static void test_page_list(void **state)
{
	struct page_list l = PAGE_LIST_INIT;

	(void)state;
	expect_list(&l, NULL, 0);
	page_list_add(&l, &table[5]);
	page_list_add(&l, &table[7]);
	page_list_add_tail(&l, &table[0]);
	page_list_add_tail(&l, &table[NR_FRAMES - 1]);
	expect_list(&l, (uint64_t[]){7, 5, 0, NR_FRAMES - 1}, 4);
	page_list_del(&l, &table[0]); /* middle */
	expect_list(&l, (uint64_t[]){7, 5, NR_FRAMES - 1}, 3);
	page_list_del(&l, &table[7]); /* head */
	expect_list(&l, (uint64_t[]){5, NR_FRAMES - 1}, 2);
	page_list_del(&l, &table[NR_FRAMES - 1]); /* tail */
	expect_list(&l, (uint64_t[]){5}, 1);
	page_list_del(&l, &table[5]);
	expect_list(&l, NULL, 0);
	assert_int_equal(table[5].next, PAGE_LIST_NONE);
	assert_int_equal(table[5].prev, PAGE_LIST_NONE);
	page_list_init(&l);
	assert_true(page_list_empty(&l));
}

static void test_page_list_del_of_stranger_is_a_bug(void **state)
{
	struct page_list a = PAGE_LIST_INIT, b = PAGE_LIST_INIT;

	(void)state;
	page_list_add(&a, &table[1]);
	page_list_add(&b, &table[2]);
	assert_true(HOST_PANICS(page_list_del(&a, &table[2])));
	assert_true(HOST_PANICS(page_list_del(&a, &table[9]))); /* on no list */
	expect_list(&a, (uint64_t[]){1}, 1);
	expect_list(&b, (uint64_t[]){2}, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_entry_is_small, setup),
	    cmocka_unit_test_setup(test_init_rejects_bad_arguments, setup),
	    cmocka_unit_test_setup(test_init_resets_entries, setup),
	    cmocka_unit_test_setup(test_mfn_page_round_trip, setup),
	    cmocka_unit_test_setup(test_out_of_table_is_a_bug, setup),
	    cmocka_unit_test_setup(test_type_info_fields, setup),
	    cmocka_unit_test_setup(test_page_list, setup),
	    cmocka_unit_test_setup(test_page_list_del_of_stranger_is_a_bug, setup),
	};

	return cmocka_run_group_tests_name("frame_table", tests, NULL, NULL);
}
