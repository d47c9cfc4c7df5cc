/*
 * tests/unit/test_buddy.c - the buddy frame allocator (mm/buddy.c).
 *
 * Fake RAM of NR_FRAMES frames (deliberately not a power of two), a frame
 * table over it, and the allocator seeded from parts of it.
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
#include "lib/printk.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"

#define NR_FRAMES 4000

static struct page_info table[NR_FRAMES];

static int setup(void **state)
{
	(void)state;
	fake_ram_init(NR_FRAMES);
	assert_int_equal(frame_table_init(table, NR_FRAMES), 0);
	buddy_init();
	host_log_reset();
	return 0;
}

static struct buddy_stats stats(void)
{
	struct buddy_stats st;

	buddy_get_stats(&st);
	return st;
}

static bool frame_is(mfn_t mfn, uint8_t byte)
{
	const uint8_t *p = arch_mfn_to_virt(mfn);

	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (p[i] != byte)
			return false;
	return true;
}

static void test_add_splits_into_aligned_blocks(void **state)
{
	struct buddy_stats st;

	(void)state;
	assert_int_equal(buddy_add_free_range(_mfn(3), 13), 0); /* 3 | 4-7 | 8-15 */
	st = stats();
	assert_int_equal(st.managed_frames, 13);
	assert_int_equal(st.free_frames, 13);
	assert_int_equal(st.dirty_frames, 13);
	assert_int_equal(st.free_blocks[0], 1);
	assert_int_equal(st.free_blocks[1], 0);
	assert_int_equal(st.free_blocks[2], 1);
	assert_int_equal(st.free_blocks[3], 1);
	assert_int_equal(table[8].state, FRAME_FREE_HEAD);
	assert_int_equal(table[8].order, 3);
	assert_int_equal(table[9].state, FRAME_FREE);
	assert_int_equal(table[2].state, FRAME_UNMANAGED);
}

static void test_adjacent_adds_coalesce(void **state)
{
	struct buddy_stats st;

	(void)state;
	for (uint64_t m = 16; m < 32; m++) /* one frame at a time, out of order below */
		if (m != 20)
			assert_int_equal(buddy_add_free_range(_mfn(m), 1), 0);
	assert_int_equal(stats().free_blocks[4], 0);
	assert_int_equal(buddy_add_free_range(_mfn(20), 1), 0);
	st = stats();
	assert_int_equal(st.free_blocks[4], 1);
	assert_int_equal(st.free_frames, 16);
	for (unsigned int k = 0; k < 4; k++)
		assert_int_equal(st.free_blocks[k], 0);
}

static void test_add_errors(void **state)
{
	struct buddy_stats before;

	(void)state;
	assert_int_equal(buddy_add_free_range(_mfn(100), 50), 0);
	before = stats();
	assert_int_equal(buddy_add_free_range(_mfn(NR_FRAMES), 1), -EINVAL);
	assert_int_equal(buddy_add_free_range(_mfn(NR_FRAMES - 2), 3), -EINVAL);
	assert_int_equal(buddy_add_free_range(_mfn(10), UINT64_MAX), -EINVAL); /* wraps */
	assert_int_equal(buddy_add_free_range(INVALID_MFN, 1), -EINVAL);
	assert_int_equal(buddy_add_free_range(_mfn(90), 20), -EINVAL); /* overlaps 100.. */
	assert_true(host_log_contains("mfn 0x64 added twice"));
	assert_int_equal(buddy_add_free_range(_mfn(149), 1), -EINVAL);
	assert_int_equal(buddy_add_free_range(_mfn(5), 0), 0);
	struct buddy_stats after = stats();
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(table[90].state, FRAME_UNMANAGED); /* nothing half-added */
}

static void test_alloc_basics(void **state)
{
	mfn_t a, b;

	(void)state;
	assert_false(mfn_valid_raw(alloc_frames(0))); /* nothing added yet */
	assert_int_equal(buddy_add_free_range(_mfn(64), 64), 0);
	assert_false(mfn_valid_raw(alloc_frames(BUDDY_MAX_ORDER + 1)));
	assert_false(mfn_valid_raw(alloc_frames(7))); /* bigger than anything free */
	a = alloc_frames(3);
	assert_true(mfn_valid_raw(a));
	assert_true(IS_ALIGNED(mfn_x(a), 8));
	assert_true(mfn_x(a) >= 64 && mfn_x(a) + 8 <= 128);
	assert_int_equal(table[mfn_x(a)].owner, DOMID_XEN);
	assert_int_equal(table[mfn_x(a)].state, FRAME_ALLOC_HEAD);
	assert_int_equal(table[mfn_x(a) + 1].state, FRAME_ALLOC);
	b = alloc_frames(6); /* 64 frames: cannot, 8 are taken */
	assert_false(mfn_valid_raw(b));
	assert_int_equal(stats().allocated_frames, 8);
	assert_int_equal(stats().free_frames, 56);
	assert_int_equal(free_frames(a, 3), 0);
	assert_int_equal(table[mfn_x(a)].owner, DOMID_INVALID);
	b = alloc_frames(6);
	assert_int_equal(mfn_x(b), 64);
	assert_int_equal(free_frames(b, 6), 0);
}

/* Seeds an awkward range and returns the stats it gives. */
static struct buddy_stats seed_odd_range(void)
{
	assert_int_equal(buddy_add_free_range(_mfn(1), 3000), 0);
	assert_int_equal(buddy_add_free_range(_mfn(3001), NR_FRAMES - 3001 - 7), 0);
	return stats();
}

static void test_alloc_every_frame_then_free_all(void **state)
{
	static mfn_t got[NR_FRAMES];
	static bool seen[NR_FRAMES];
	struct buddy_stats initial = seed_odd_range(), st;
	uint64_t n = 0;
	mfn_t m;

	(void)state;
	while (mfn_valid_raw(m = alloc_frames(0))) {
		assert_true(mfn_x(m) >= 1 && mfn_x(m) < NR_FRAMES - 7);
		assert_false(seen[mfn_x(m)]);
		seen[mfn_x(m)] = true;
		got[n++] = m;
	}
	assert_int_equal(n, initial.managed_frames);
	st = stats();
	assert_int_equal(st.free_frames, 0);
	assert_int_equal(st.allocated_frames, n);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(free_frames(got[i], 0), 0);
	st = stats();
	assert_int_equal(st.free_frames, initial.free_frames);
	assert_int_equal(st.allocated_frames, 0);
	assert_memory_equal(st.free_blocks, initial.free_blocks, sizeof(st.free_blocks));
}

struct block {
	mfn_t mfn;
	unsigned int order;
};

static void tag_block(const struct block *b, uint8_t tag)
{
	for (uint64_t i = 0; i < (1ULL << b->order); i++)
		memset(arch_mfn_to_virt(_mfn(mfn_x(b->mfn) + i)), tag, PAGE_SIZE);
}

static void check_and_mark(const struct block *b, uint8_t *owner, uint8_t tag)
{
	assert_true(IS_ALIGNED(mfn_x(b->mfn), 1ULL << b->order));
	for (uint64_t i = 0; i < (1ULL << b->order); i++) {
		uint64_t f = mfn_x(b->mfn) + i;

		assert_true(f < NR_FRAMES);
		assert_int_equal(owner[f], 0); /* never handed out twice */
		owner[f] = tag;
		assert_true(frame_is(_mfn(f), 0));
	}
}

static void test_random_stress(void **state)
{
	enum { SLOTS = 200 };
	static struct block live[SLOTS];
	static uint8_t owner[NR_FRAMES];
	struct buddy_stats initial = seed_odd_range(), st;

	(void)state;
	for (unsigned int s = 0; s < SLOTS; s++)
		live[s] = (struct block){INVALID_MFN, 99};
	srand(42);
	for (int step = 0; step < 20000; step++) {
		unsigned int s = (unsigned int)rand() % SLOTS;
		struct block *b = &live[s];
		uint8_t tag = (uint8_t)(s + 1);

		if (b->order != 99) {
			/* Nobody else wrote into our frames while we held them. */
			for (uint64_t i = 0; i < (1ULL << b->order); i++) {
				assert_true(frame_is(_mfn(mfn_x(b->mfn) + i), tag));
				owner[mfn_x(b->mfn) + i] = 0;
			}
			assert_int_equal(free_frames(b->mfn, b->order), 0);
			b->order = 99;
			continue;
		}
		b->order = (unsigned int)rand() % 8; /* up to 128 frames: runs out at times */
		b->mfn = alloc_frames(b->order);
		if (!mfn_valid_raw(b->mfn)) {
			b->order = 99;
			continue;
		}
		check_and_mark(b, owner, tag);
		tag_block(b, tag);
	}
	for (unsigned int s = 0; s < SLOTS; s++)
		if (live[s].order != 99)
			assert_int_equal(free_frames(live[s].mfn, live[s].order), 0);
	st = stats();
	assert_int_equal(st.allocated_frames, 0);
	assert_int_equal(st.free_frames, initial.free_frames);
	assert_memory_equal(st.free_blocks, initial.free_blocks, sizeof(st.free_blocks));
	assert_int_equal(host_log_count(KLOG_ERR), 0);
}

static void test_boot_memory_is_scrubbed(void **state)
{
	mfn_t m;

	(void)state;
	assert_true(frame_is(_mfn(40), FAKE_RAM_FILL)); /* fake RAM starts dirty */
	assert_int_equal(buddy_add_free_range(_mfn(40), 8), 0);
	m = alloc_frames(3);
	assert_int_equal(mfn_x(m), 40);
	for (unsigned int i = 0; i < 8; i++)
		assert_true(frame_is(_mfn(40 + i), 0));
	assert_int_equal(stats().scrubbed_frames, 8);
	assert_int_equal(stats().dirty_frames, 0);
}

static void test_freed_frames_are_scrubbed_before_reuse(void **state)
{
	mfn_t m, again;
	struct buddy_stats st;

	(void)state;
	assert_int_equal(buddy_add_free_range(_mfn(40), 8), 0);
	m = alloc_frames(3);
	for (unsigned int i = 0; i < 8; i++)
		memset(arch_mfn_to_virt(_mfn(mfn_x(m) + i)), 0xc3, PAGE_SIZE);
	assert_int_equal(free_frames(m, 3), 0);
	st = stats();
	assert_int_equal(st.dirty_frames, 8);
	assert_int_equal(st.scrubbed_frames, 8);
	assert_true(frame_is(m, 0xc3)); /* scrubbing is lazy: on the way out */

	again = alloc_frames(0);
	assert_true(mfn_x(again) >= 40 && mfn_x(again) < 48);
	assert_true(frame_is(again, 0));
	st = stats();
	assert_int_equal(st.dirty_frames, 7);
	assert_int_equal(st.scrubbed_frames, 9); /* only the frame handed out */
	assert_int_equal(free_frames(again, 0), 0);
	again = alloc_frames(3);
	assert_int_equal(mfn_x(again), 40);
	for (unsigned int i = 0; i < 8; i++)
		assert_true(frame_is(_mfn(40 + i), 0));
}

/* Runs a bad free and checks it is refused, logged and harmless. */
static void expect_refused(mfn_t m, unsigned int order, int err, const char *text)
{
	struct buddy_stats before = stats(), after;

	host_log_reset();
	assert_int_equal(free_frames(m, order), err);
	after = stats();
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(host_log_count(KLOG_ERR), 1);
	assert_true(host_log_contains(text));
}

static void test_bad_frees_are_refused(void **state)
{
	mfn_t a, b;

	(void)state;
	assert_int_equal(buddy_add_free_range(_mfn(64), 64), 0);
	a = alloc_frames(2);
	b = alloc_frames(0);
	assert_int_equal(mfn_x(a), 64);
	assert_int_equal(mfn_x(b), 68);

	expect_refused(_mfn(10), 0, -EINVAL, "mfn 0xa order 0: not allocator memory");
	expect_refused(_mfn(69), 0, -EINVAL, "mfn 0x45 order 0: already free");
	expect_refused(_mfn(100), 0, -EINVAL, "already free"); /* inside a free block */
	expect_refused(a, 1, -EINVAL, "different order");
	expect_refused(a, 3, -EINVAL, "different order");
	expect_refused(_mfn(65), 0, -EINVAL, "mfn 0x41 order 0: not the first frame");
	expect_refused(_mfn(66), 2, -EINVAL, "mfn 0x42 order 2: out of range or unaligned");
	expect_refused(_mfn(NR_FRAMES), 0, -EINVAL, "out of range");
	expect_refused(INVALID_MFN, 0, -EINVAL, "out of range");
	expect_refused(_mfn(3968), 7, -EINVAL, "out of range"); /* aligned, runs off the end */
	expect_refused(a, BUDDY_MAX_ORDER + 1, -EINVAL, "out of range");

	assert_int_equal(free_frames(b, 0), 0);
	expect_refused(b, 0, -EINVAL, "double free");
	assert_int_equal(free_frames(a, 2), 0);
	expect_refused(a, 2, -EINVAL, "double free");
	/* All still consistent: the whole range coalesced again. */
	assert_int_equal(stats().free_blocks[6], 1);
	assert_int_equal(stats().free_frames, 64);
}

static void test_free_of_referenced_or_heap_frame(void **state)
{
	mfn_t a;

	(void)state;
	assert_int_equal(buddy_add_free_range(_mfn(64), 64), 0);
	a = alloc_frames(1);
	table[mfn_x(a) + 1].count = 1;
	expect_refused(a, 1, -EBUSY, "still referenced");
	table[mfn_x(a) + 1].count = 0;
	table[mfn_x(a)].type_info = ((uint32_t)PGT_L1 << PGT_TYPE_SHIFT) | 1;
	expect_refused(a, 1, -EBUSY, "still referenced");
	table[mfn_x(a)].type_info = 0;
	table[mfn_x(a)].flags |= PGF_HEAP;
	expect_refused(a, 1, -EINVAL, "owned by the heap");
	table[mfn_x(a)].flags &= (uint8_t)~PGF_HEAP;
	assert_int_equal(free_frames(a, 1), 0);
}

/* Blocks never grow past BUDDY_MAX_ORDER, however much is contiguous. */
static void test_max_order_cap(void **state)
{
	uint64_t nr = 2ULL << BUDDY_MAX_ORDER;
	struct page_info *big = malloc(frame_table_bytes(nr));
	struct buddy_stats st;

	(void)state;
	assert_non_null(big);
	assert_int_equal(frame_table_init(big, nr), 0);
	buddy_init();
	assert_int_equal(buddy_add_free_range(_mfn(0), nr), 0);
	st = stats();
	assert_int_equal(st.free_blocks[BUDDY_MAX_ORDER], 2);
	assert_int_equal(st.free_frames, nr);
	frame_table_init(table, NR_FRAMES);
	free(big);
}

static void test_dump(void **state)
{
	(void)state;
	seed_odd_range();
	buddy_dump();
	assert_true(host_log_contains("buddy: 3992 frames managed, 3992 free"));
	assert_true(host_log_contains("order 10: 2 free blocks"));
	assert_int_equal(host_log_count(KLOG_ERR), 0);
}

/* XENMEMF_address_bits: a block wholly below a limit, split from a larger one if need be. */
static void test_alloc_below_a_limit(void **state)
{
	mfn_t low, high, m;

	(void)state;
	assert_int_equal(buddy_add_free_range(_mfn(8), 8), 0);	   /* 8-15 */
	assert_int_equal(buddy_add_free_range(_mfn(1024), 1024), 0); /* 1024-2047 */
	/* Below frame 16: only the low range; a block of 8 fits, 16 does not. */
	assert_int_equal(mfn_x(alloc_frames_below(4, _mfn(16))), INVALID_MFN_RAW);
	low = alloc_frames_below(1, _mfn(16));
	assert_true(mfn_x(low) >= 8 && mfn_x(low) + 2 <= 16);
	assert_int_equal(mfn_x(alloc_frames_below(0, _mfn(8))), INVALID_MFN_RAW);
	assert_int_equal(mfn_x(alloc_frames_below(0, _mfn(0))), INVALID_MFN_RAW);
	/* The limit is exclusive of the frame it names: frames 1024-1025 end at 1026. */
	m = alloc_frames_below(1, _mfn(1026));
	assert_true(mfn_x(m) + 2 <= 1026);
	/* No limit: anything. */
	high = alloc_frames_below(9, INVALID_MFN);
	assert_true(mfn_x(high) >= 1024);
	assert_int_equal(free_frames(low, 1), 0);
	assert_int_equal(free_frames(m, 1), 0);
	assert_int_equal(free_frames(high, 9), 0);
	assert_int_equal(stats().free_frames, 8 + 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_add_splits_into_aligned_blocks, setup),
	    cmocka_unit_test_setup(test_adjacent_adds_coalesce, setup),
	    cmocka_unit_test_setup(test_add_errors, setup),
	    cmocka_unit_test_setup(test_alloc_basics, setup),
	    cmocka_unit_test_setup(test_alloc_every_frame_then_free_all, setup),
	    cmocka_unit_test_setup(test_random_stress, setup),
	    cmocka_unit_test_setup(test_boot_memory_is_scrubbed, setup),
	    cmocka_unit_test_setup(test_freed_frames_are_scrubbed_before_reuse, setup),
	    cmocka_unit_test_setup(test_bad_frees_are_refused, setup),
	    cmocka_unit_test_setup(test_free_of_referenced_or_heap_frame, setup),
	    cmocka_unit_test_setup(test_max_order_cap, setup),
	    cmocka_unit_test_setup(test_alloc_below_a_limit, setup),
	    cmocka_unit_test_setup(test_dump, setup),
	};

	return cmocka_run_group_tests_name("buddy", tests, NULL, NULL);
}
