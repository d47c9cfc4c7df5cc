/*
 * tests/unit/test_heap.c - the hypervisor heap (mm/heap.c) over the buddy
 * allocator and fake RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "lib/printk.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/heap.h"

#define NR_FRAMES 1024

static struct page_info table[NR_FRAMES];

static void start(uint64_t first, uint64_t frames)
{
	fake_ram_init(NR_FRAMES);
	assert_int_equal(frame_table_init(table, NR_FRAMES), 0);
	buddy_init();
	assert_int_equal(buddy_add_free_range(_mfn(first), frames), 0);
	heap_init();
	host_log_reset();
}

static int setup(void **state)
{
	(void)state;
	start(1, NR_FRAMES - 1);
	return 0;
}

static struct heap_stats hstats(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

static uint64_t frames_allocated(void)
{
	struct buddy_stats st;

	buddy_get_stats(&st);
	return st.allocated_frames;
}

static void test_zero_and_null(void **state)
{
	(void)state;
	assert_null(heap_alloc(0));
	assert_null(heap_zalloc(0));
	heap_free(NULL);
	assert_int_equal(host_log_count(KLOG_ERR), 0);
	assert_int_equal(hstats().bad_frees, 0);
	assert_null(heap_alloc(SIZE_MAX));
	assert_null(heap_alloc((PAGE_SIZE << BUDDY_MAX_ORDER) + 1));
}

static void test_size_classes(void **state)
{
	static const struct {
		size_t size, rounded;
	} cases[] = {{1, 16},	   {16, 16},	 {17, 32},     {100, 128},   {1000, 1024},
		     {2047, 2048}, {2048, 2048}, {2049, 4096}, {4097, 8192}, {12288, 16384}};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *p = heap_alloc(cases[i].size);

		assert_non_null(p);
		assert_true(IS_ALIGNED((uintptr_t)p, HEAP_ALIGN));
		if (cases[i].size > HEAP_MAX_SMALL)
			assert_true(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
		assert_int_equal(hstats().bytes_in_use, cases[i].rounded);
		memset(p, 0x77, cases[i].size);
		heap_free(p);
		assert_int_equal(hstats().bytes_in_use, 0);
	}
	assert_int_equal(frames_allocated(), 0);
	assert_int_equal(host_log_count(KLOG_ERR), 0);
}

static void test_slab_packing(void **state)
{
	void *small[PAGE_SIZE / 16 + 1], *big[3];

	(void)state;
	for (unsigned int i = 0; i < PAGE_SIZE / 16; i++)
		small[i] = heap_alloc(16);
	assert_int_equal(hstats().slabs[0], 1);
	assert_int_equal(frames_allocated(), 1);
	small[PAGE_SIZE / 16] = heap_alloc(10);
	assert_int_equal(hstats().slabs[0], 2);
	assert_int_equal(hstats().objects[0], PAGE_SIZE / 16 + 1);
	/* No header in the frame: two 2048-byte objects share one. */
	for (unsigned int i = 0; i < 3; i++)
		big[i] = heap_alloc(2048);
	assert_int_equal(hstats().slabs[HEAP_NR_CLASSES - 1], 2);
	for (unsigned int i = 0; i <= PAGE_SIZE / 16; i++)
		heap_free(small[i]);
	for (unsigned int i = 0; i < 3; i++)
		heap_free(big[i]);
	/* Empty slabs go back to the buddy allocator. */
	assert_int_equal(hstats().slabs[0], 0);
	assert_int_equal(frames_allocated(), 0);
}

struct obj {
	uint8_t *p;
	size_t size;
	uint8_t tag;
};

static void check_obj(const struct obj *o)
{
	for (size_t i = 0; i < o->size; i++)
		assert_int_equal(o->p[i], o->tag);
}

static void test_random_objects_do_not_overlap(void **state)
{
	enum { N = 600 };
	static struct obj objs[N];
	struct heap_stats st;

	(void)state;
	srand(7);
	for (unsigned int i = 0; i < N; i++) {
		unsigned int r = (unsigned int)rand();

		objs[i].size = r % 8 ? 1 + r % 2048 : 2049 + r % 9000;
		objs[i].tag = (uint8_t)(i * 7 + 1);
		objs[i].p = heap_alloc(objs[i].size);
		assert_non_null(objs[i].p);
		memset(objs[i].p, objs[i].tag, objs[i].size);
	}
	for (unsigned int i = 0; i < N; i++)
		check_obj(&objs[i]);
	for (unsigned int i = 0; i < N; i++) { /* free in a shuffled order */
		unsigned int j = i + (unsigned int)rand() % (N - i);
		struct obj tmp = objs[i];

		objs[i] = objs[j];
		objs[j] = tmp;
		check_obj(&objs[i]);
		heap_free(objs[i].p);
	}
	st = hstats();
	assert_int_equal(st.bytes_in_use, 0);
	assert_int_equal(st.large_blocks, 0);
	for (unsigned int c = 0; c < HEAP_NR_CLASSES; c++) {
		assert_int_equal(st.objects[c], 0);
		assert_int_equal(st.slabs[c], 0);
	}
	assert_int_equal(frames_allocated(), 0);
	assert_int_equal(host_log_count(KLOG_ERR), 0);
}

static void test_zalloc_zeroes(void **state)
{
	uint8_t *p, *q;

	(void)state;
	p = heap_alloc(64);
	memset(p, 0xff, 64);
	heap_free(heap_alloc(16)); /* keep the slab alive across the free */
	q = heap_alloc(16);
	heap_free(p);
	p = heap_zalloc(64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	heap_free(p);
	heap_free(q);
	p = heap_zalloc(3 * PAGE_SIZE);
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		assert_int_equal(p[i], 0);
	heap_free(p);
}

static void test_large_blocks(void **state)
{
	uint8_t *a, *b;

	(void)state;
	a = heap_alloc(PAGE_SIZE + 1);
	b = heap_alloc(3 * PAGE_SIZE);
	assert_true(IS_ALIGNED((uintptr_t)a, PAGE_SIZE));
	assert_int_equal(hstats().large_blocks, 2);
	assert_int_equal(hstats().large_frames, 2 + 4);
	assert_int_equal(frames_allocated(), 6);
	memset(a, 1, PAGE_SIZE + 1);
	memset(b, 2, 3 * PAGE_SIZE);
	heap_free(a);
	heap_free(b);
	assert_int_equal(hstats().large_frames, 0);
	assert_int_equal(frames_allocated(), 0);
}

/* A bad free is refused, logged once, counted, and changes nothing else. */
static void expect_refused(void *p, const char *why)
{
	struct heap_stats before = hstats(), after;
	uint64_t frames = frames_allocated();

	host_log_reset();
	heap_free(p);
	after = hstats();
	assert_int_equal(after.bad_frees, before.bad_frees + 1);
	after.bad_frees = before.bad_frees;
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(frames_allocated(), frames);
	assert_int_equal(host_log_count(KLOG_ERR), 1);
	assert_true(host_log_contains(why));
}

static void test_bad_frees(void **state)
{
	uint8_t *obj = heap_alloc(32), *other = heap_alloc(32), *large = heap_alloc(2 * PAGE_SIZE);
	int on_stack;
	mfn_t raw = alloc_frames(0);

	(void)state;
	expect_refused(&on_stack, "not a heap pointer");
	expect_refused(arch_mfn_to_virt(raw), "not a heap pointer");	 /* buddy's, not ours */
	expect_refused(arch_mfn_to_virt(_mfn(0)), "not a heap pointer"); /* never managed */
	expect_refused(obj + 1, "not the start of an object");
	expect_refused(obj + 16, "not the start of an object");
	expect_refused(large + 8, "not the start of a block");
	expect_refused(large + PAGE_SIZE, "not a heap pointer"); /* second frame */

	heap_free(obj);
	expect_refused(obj, "double free");
	heap_free(large);
	expect_refused(large, "not a heap pointer"); /* its frames went back to buddy */
	heap_free(other);			     /* slab now empty: returned to buddy */
	expect_refused(other, "not a heap pointer");
	assert_int_equal(free_frames(raw, 0), 0);
	assert_int_equal(frames_allocated(), 0);

	/* Everything still works. */
	obj = heap_alloc(32);
	assert_non_null(obj);
	heap_free(obj);
	assert_int_equal(hstats().objects[1], 0);
}

/* Live data that looks like a free slot's stamp must not block a free. */
static void test_free_slot_lookalike(void **state)
{
	uint64_t *a = heap_alloc(16), *b = heap_alloc(16);

	(void)state;
	a[0] = 0x6b65656c66726565ULL ^ (uint64_t)(uintptr_t)a; /* mm/heap.c's FREE_MAGIC */
	heap_free(a);
	assert_int_equal(hstats().bad_frees, 0);
	assert_int_equal(hstats().objects[0], 1);
	heap_free(b);
	assert_int_equal(frames_allocated(), 0);
}

static void test_out_of_memory(void **state)
{
	void *p[2 * PAGE_SIZE / 1024 + 1];
	unsigned int n = 0;

	(void)state;
	start(2, 2); /* two frames (one order-1 block) for everything */
	assert_null(heap_alloc(3 * PAGE_SIZE));
	while (n < sizeof(p) / sizeof(p[0]) && (p[n] = heap_alloc(1024)))
		n++;
	assert_int_equal(n, 2 * PAGE_SIZE / 1024);
	assert_null(heap_alloc(16)); /* no frame left for a new slab */
	while (n)
		heap_free(p[--n]);
	assert_int_equal(frames_allocated(), 0);
	assert_non_null(p[0] = heap_alloc(2 * PAGE_SIZE));
	heap_free(p[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_zero_and_null, setup),
	    cmocka_unit_test_setup(test_size_classes, setup),
	    cmocka_unit_test_setup(test_slab_packing, setup),
	    cmocka_unit_test_setup(test_random_objects_do_not_overlap, setup),
	    cmocka_unit_test_setup(test_zalloc_zeroes, setup),
	    cmocka_unit_test_setup(test_large_blocks, setup),
	    cmocka_unit_test_setup(test_bad_frees, setup),
	    cmocka_unit_test_setup(test_free_slot_lookalike, setup),
	    cmocka_unit_test_setup(test_out_of_memory, setup),
	};

	return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
