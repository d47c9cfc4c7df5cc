/*
 * tests/unit/test_memmap.c - the machine memory map (mm/memmap.c).
 *
 * Firmware maps are fed in the shapes real machines produce: unsorted,
 * overlapping, duplicated, unaligned, touching, up to the top of the
 * address space; a random test checks sanitize against a per-page model.
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
#include "mm/memmap.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct memmap map; /* big (scratch space included): not on the stack */

static int setup(void **state)
{
	(void)state;
	memmap_init(&map);
	host_log_reset();
	return 0;
}

static void expect_range(unsigned int i, uint64_t base, uint64_t len, uint32_t type)
{
	assert_true(i < map.nr);
	assert_int_equal(map.range[i].base, base);
	assert_int_equal(map.range[i].len, len);
	assert_int_equal(map.range[i].type, type);
}

static void test_add_rejects_bad_ranges(void **state)
{
	(void)state;
	assert_int_equal(memmap_add(&map, 0x1000, 0, BOOT_MEM_USABLE), -EINVAL);
	assert_int_equal(memmap_add(&map, UINT64_MAX, 2, BOOT_MEM_USABLE), -EINVAL);
	assert_int_equal(memmap_add(&map, 1ULL << 63, 1ULL << 63 | 1, BOOT_MEM_USABLE), -EINVAL);
	assert_int_equal(map.nr, 0);
	/* Ending exactly at 2^64 is fine. */
	assert_int_equal(memmap_add(&map, UINT64_MAX, 1, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 1ULL << 63, 1ULL << 63, BOOT_MEM_RESERVED), 0);
	assert_int_equal(map.nr, 2);
}

static void test_add_full(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MEMMAP_MAX_RANGES; i++)
		assert_int_equal(memmap_add(&map, i * 0x2000ULL, 0x1000, BOOT_MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 1ULL << 40, 0x1000, BOOT_MEM_USABLE), -ENOSPC);
	assert_int_equal(map.nr, MEMMAP_MAX_RANGES);
	/* Non-touching ranges: sanitize keeps all 512. */
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(map.nr, MEMMAP_MAX_RANGES);
}

static void test_sanitize_sorts_and_merges(void **state)
{
	(void)state;
	memmap_add(&map, 0x300000, 0x100000, BOOT_MEM_USABLE);
	memmap_add(&map, 0x100000, 0x100000, BOOT_MEM_USABLE);
	memmap_add(&map, 0x200000, 0x100000, BOOT_MEM_USABLE); /* touches both */
	memmap_add(&map, 0x500000, 0x1000, BOOT_MEM_ACPI_RECLAIM);
	memmap_add(&map, 0x400000, 0x100000, BOOT_MEM_ACPI_NVS); /* touches, other type */
	memmap_add(&map, 0x0, 0x1000, BOOT_MEM_USABLE);
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(map.nr, 4);
	expect_range(0, 0x0, 0x1000, BOOT_MEM_USABLE);
	expect_range(1, 0x100000, 0x300000, BOOT_MEM_USABLE);
	expect_range(2, 0x400000, 0x100000, BOOT_MEM_ACPI_NVS);
	expect_range(3, 0x500000, 0x1000, BOOT_MEM_ACPI_RECLAIM);
}

static void test_sanitize_restrictive_type_wins(void **state)
{
	(void)state;
	memmap_add(&map, 0, 16 * MiB, BOOT_MEM_USABLE);
	memmap_add(&map, 1 * MiB, 1 * MiB, BOOT_MEM_RESERVED);	/* inside: splits */
	memmap_add(&map, 15 * MiB, 2 * MiB, BOOT_MEM_ACPI_NVS); /* straddles the end */
	memmap_add(&map, 4 * MiB, 0x1000, BOOT_MEM_USABLE);	/* duplicate inside */
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(map.nr, 4);
	expect_range(0, 0, 1 * MiB, BOOT_MEM_USABLE);
	expect_range(1, 1 * MiB, 1 * MiB, BOOT_MEM_RESERVED);
	expect_range(2, 2 * MiB, 13 * MiB, BOOT_MEM_USABLE);
	expect_range(3, 15 * MiB, 2 * MiB, BOOT_MEM_ACPI_NVS);
}

/* Each pair: the second type must win where both cover an address. */
static void test_sanitize_type_order(void **state)
{
	static const uint32_t order[] = {
	    BOOT_MEM_USABLE,   MEMMAP_IN_USE,	BOOT_MEM_ACPI_RECLAIM, BOOT_MEM_FIRMWARE,
	    BOOT_MEM_ACPI_NVS, 7 /* unknown */, BOOT_MEM_RESERVED,     BOOT_MEM_UNUSABLE};

	(void)state;
	for (unsigned int i = 0; i + 1 < sizeof(order) / sizeof(order[0]); i++) {
		for (unsigned int flip = 0; flip < 2; flip++) {
			memmap_init(&map);
			memmap_add(&map, 0x1000, 0x3000, order[i + flip]);
			memmap_add(&map, 0x2000, 0x3000, order[i + 1 - flip]);
			assert_int_equal(memmap_sanitize(&map), 0);
			assert_int_equal(memmap_type_at(&map, 0x2000), order[i + 1]);
			assert_int_equal(memmap_type_at(&map, 0x3fff), order[i + 1]);
		}
	}
}

/* A QEMU/SeaBIOS-like E820, shuffled, with a duplicate and an overlap. */
static void add_messy_e820(void)
{
	memmap_add(&map, 0x100000000ULL, 0x80000000ULL, BOOT_MEM_USABLE);
	memmap_add(&map, 0xfffc0000, 0x40000, BOOT_MEM_RESERVED);
	memmap_add(&map, 0x9fc00, 0x400, BOOT_MEM_RESERVED);
	memmap_add(&map, 0x100000, 0x7fee0000, BOOT_MEM_USABLE);
	memmap_add(&map, 0x0, 0x9fc00, BOOT_MEM_USABLE);
	memmap_add(&map, 0xf0000, 0x10000, BOOT_MEM_RESERVED);
	memmap_add(&map, 0x7ffe0000, 0x20000, BOOT_MEM_RESERVED);
	memmap_add(&map, 0xfeffc000, 0x4000, BOOT_MEM_RESERVED);
	memmap_add(&map, 0x100000, 0x1000, BOOT_MEM_USABLE);	 /* duplicate */
	memmap_add(&map, 0x7ffdf800, 0x1000, BOOT_MEM_ACPI_NVS); /* overlaps the edge */
}

static void test_messy_e820(void **state)
{
	mfn_t first;
	uint64_t count;
	unsigned int pos = 0;

	(void)state;
	add_messy_e820();
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(map.nr, 9);
	expect_range(0, 0x0, 0x9fc00, BOOT_MEM_USABLE);
	expect_range(2, 0xf0000, 0x10000, BOOT_MEM_RESERVED);
	expect_range(3, 0x100000, 0x7fedf800, BOOT_MEM_USABLE);
	expect_range(4, 0x7ffdf800, 0x800, BOOT_MEM_ACPI_NVS);
	expect_range(5, 0x7ffe0000, 0x20000, BOOT_MEM_RESERVED);
	assert_int_equal(memmap_total(&map, BOOT_MEM_ACPI_NVS), 0x800);
	assert_int_equal(memmap_ram_top(&map), 0x180000000ULL);

	/* Usable frames: partial pages at 0x9f000 and 0x7ffdf000 are dropped. */
	assert_true(memmap_next_usable_frames(&map, &pos, &first, &count));
	assert_int_equal(mfn_x(first), 0);
	assert_int_equal(count, 0x9f);
	assert_true(memmap_next_usable_frames(&map, &pos, &first, &count));
	assert_int_equal(mfn_x(first), 0x100);
	assert_int_equal(count, 0x7ffdf - 0x100);
	assert_true(memmap_next_usable_frames(&map, &pos, &first, &count));
	assert_int_equal(mfn_x(first), 0x100000);
	assert_int_equal(count, 0x80000);
	assert_false(memmap_next_usable_frames(&map, &pos, &first, &count));
}

static void test_usable_frames_rounding(void **state)
{
	mfn_t first;
	uint64_t count;
	unsigned int pos = 0;

	(void)state;
	memmap_add(&map, 0x1234, 0x4444, BOOT_MEM_USABLE);		/* [0x1234, 0x5678) */
	memmap_add(&map, 0x10010, 0xff0, BOOT_MEM_USABLE);		/* within one frame */
	memmap_add(&map, 0x20001, 0x1fff, BOOT_MEM_USABLE);		/* [0x20001, 0x22000) */
	memmap_add(&map, UINT64_MAX - 0x2fff, 0x3000, BOOT_MEM_USABLE); /* to 2^64 */
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_true(memmap_next_usable_frames(&map, &pos, &first, &count));
	assert_int_equal(mfn_x(first), 2);
	assert_int_equal(count, 3);
	assert_true(memmap_next_usable_frames(&map, &pos, &first, &count));
	assert_int_equal(mfn_x(first), 0x21);
	assert_int_equal(count, 1);
	assert_true(memmap_next_usable_frames(&map, &pos, &first, &count));
	assert_int_equal(mfn_x(first), (UINT64_MAX >> PAGE_SHIFT) - 2);
	assert_int_equal(count, 3);
	assert_false(memmap_next_usable_frames(&map, &pos, &first, &count));
	assert_int_equal(memmap_ram_top(&map), UINT64_MAX);
}

static void test_totals_and_ram(void **state)
{
	(void)state;
	assert_int_equal(memmap_ram_top(&map), 0);
	assert_int_equal(memmap_ram_bytes(&map), 0);
	memmap_add(&map, 0, 640 << 10, BOOT_MEM_USABLE);
	memmap_add(&map, 1 * MiB, 100 * MiB, BOOT_MEM_USABLE);
	memmap_add(&map, 101 * MiB, 1 * MiB, BOOT_MEM_ACPI_RECLAIM);
	memmap_add(&map, 102 * MiB, 1 * MiB, BOOT_MEM_ACPI_NVS);
	memmap_add(&map, 103 * MiB, 2 * MiB, BOOT_MEM_FIRMWARE);
	memmap_add(&map, 105 * MiB, 3 * MiB, BOOT_MEM_UNUSABLE);
	memmap_add(&map, 4 * GiB - 16 * MiB, 16 * MiB, BOOT_MEM_RESERVED);
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(memmap_total(&map, BOOT_MEM_USABLE), (640 << 10) + 100 * MiB);
	assert_int_equal(memmap_total(&map, BOOT_MEM_RESERVED), 16 * MiB);
	assert_int_equal(memmap_ram_bytes(&map), (640 << 10) + 104 * MiB);
	assert_int_equal(memmap_ram_top(&map), 105 * MiB); /* reserved/unusable are not RAM */
	assert_true(memmap_type_is_ram(MEMMAP_IN_USE));
	assert_false(memmap_type_is_ram(BOOT_MEM_UNUSABLE));
	assert_int_equal(memmap_type_at(&map, 700 << 10), 0); /* the hole */
}

static void test_reserve(void **state)
{
	uint64_t ram;

	(void)state;
	memmap_add(&map, 0, 0x9f000, BOOT_MEM_USABLE);
	memmap_add(&map, 1 * MiB, 63 * MiB, BOOT_MEM_USABLE);
	assert_int_equal(memmap_sanitize(&map), 0);
	ram = memmap_ram_bytes(&map);

	/* The image in the middle: usable / in use / usable. */
	assert_int_equal(memmap_reserve(&map, 2 * MiB, 3 * MiB), 0);
	assert_int_equal(map.nr, 4);
	expect_range(1, 1 * MiB, 1 * MiB, BOOT_MEM_USABLE);
	expect_range(2, 2 * MiB, 3 * MiB, MEMMAP_IN_USE);
	expect_range(3, 5 * MiB, 59 * MiB, BOOT_MEM_USABLE);
	/* A module right after it: merges with the image's range. */
	assert_int_equal(memmap_reserve(&map, 5 * MiB, 0x1234), 0);
	expect_range(2, 2 * MiB, 3 * MiB + 0x1234, MEMMAP_IN_USE);
	/* Overlapping what is already in use is fine. */
	assert_int_equal(memmap_reserve(&map, 4 * MiB, 2 * MiB), 0);
	expect_range(2, 2 * MiB, 4 * MiB, MEMMAP_IN_USE);
	assert_int_equal(memmap_ram_bytes(&map), ram);
	assert_int_equal(memmap_total(&map, MEMMAP_IN_USE), 4 * MiB);
	assert_int_equal(memmap_total(&map, BOOT_MEM_USABLE), ram - 4 * MiB);
}

static void test_reserve_refuses(void **state)
{
	struct memmap_range before[8];
	unsigned int nr;

	(void)state;
	memmap_add(&map, 0, 0x9f000, BOOT_MEM_USABLE);
	memmap_add(&map, 0x9f000, 0x1000, BOOT_MEM_RESERVED);
	memmap_add(&map, 1 * MiB, 63 * MiB, BOOT_MEM_USABLE);
	assert_int_equal(memmap_sanitize(&map), 0);
	nr = map.nr;
	memcpy(before, map.range, nr * sizeof(before[0]));

	assert_int_equal(memmap_reserve(&map, 0x9e000, 0x2000), -EBUSY);   /* into reserved */
	assert_int_equal(memmap_reserve(&map, 0xa0000, 0x1000), -EBUSY);   /* in the hole */
	assert_int_equal(memmap_reserve(&map, 63 * MiB, 2 * MiB), -EBUSY); /* past the end */
	assert_int_equal(memmap_reserve(&map, 1 * MiB, 0), -EINVAL);
	assert_int_equal(memmap_reserve(&map, UINT64_MAX, 2), -EINVAL);
	assert_int_equal(map.nr, nr);
	assert_memory_equal(map.range, before, nr * sizeof(before[0]));
}

/* 512 inputs that would sanitize into 1023 ranges: refused, map untouched. */
static void test_sanitize_overflow_leaves_map(void **state)
{
	struct memmap_range first;

	(void)state;
	memmap_add(&map, 0, 1024 * PAGE_SIZE, BOOT_MEM_USABLE);
	for (unsigned int i = 0; i < MEMMAP_MAX_RANGES - 1; i++)
		memmap_add(&map, (2 * i + 1) * PAGE_SIZE, PAGE_SIZE, BOOT_MEM_RESERVED);
	first = map.range[0];
	assert_int_equal(memmap_sanitize(&map), -ENOSPC);
	assert_int_equal(map.nr, MEMMAP_MAX_RANGES);
	assert_memory_equal(&map.range[0], &first, sizeof(first));
	/* And reserve says ENOSPC without changing the map either. */
	memmap_init(&map);
	for (unsigned int i = 0; i < MEMMAP_MAX_RANGES; i++)
		memmap_add(&map, 2 * i * PAGE_SIZE, PAGE_SIZE, BOOT_MEM_USABLE);
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(memmap_reserve(&map, 0, 0x100), -ENOSPC);
	assert_int_equal(map.nr, MEMMAP_MAX_RANGES);
	assert_int_equal(memmap_type_at(&map, 0), BOOT_MEM_USABLE);
}

/* The expected winner between two types, as memmap.h documents it. */
static unsigned int model_rank(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return 1;
	case MEMMAP_IN_USE:
		return 2;
	case BOOT_MEM_ACPI_RECLAIM:
		return 3;
	case BOOT_MEM_FIRMWARE:
		return 4;
	case BOOT_MEM_ACPI_NVS:
		return 5;
	case BOOT_MEM_RESERVED:
		return 7;
	case BOOT_MEM_UNUSABLE:
		return 8;
	default:
		return 6;
	}
}

static void check_against_model(const uint32_t *model, unsigned int pages)
{
	for (unsigned int i = 0; i < map.nr; i++) {
		const struct memmap_range *r = &map.range[i];

		assert_true(r->len > 0);
		if (i) {
			const struct memmap_range *p = &map.range[i - 1];

			assert_true(p->base + p->len <= r->base); /* sorted, disjoint */
			assert_false(p->base + p->len == r->base && p->type == r->type);
		}
	}
	for (unsigned int pg = 0; pg < pages; pg++) {
		assert_int_equal(memmap_type_at(&map, pg * PAGE_SIZE), model[pg]);
		assert_int_equal(memmap_type_at(&map, pg * PAGE_SIZE + PAGE_SIZE - 1), model[pg]);
	}
}

static void test_sanitize_random_against_model(void **state)
{
	static const uint32_t types[] = {
	    BOOT_MEM_USABLE,   BOOT_MEM_RESERVED, BOOT_MEM_ACPI_RECLAIM, BOOT_MEM_ACPI_NVS,
	    BOOT_MEM_UNUSABLE, BOOT_MEM_FIRMWARE, MEMMAP_IN_USE,	 9};
	enum { PAGES = 300 };
	uint32_t model[PAGES];

	(void)state;
	srand(1234);
	for (int round = 0; round < 200; round++) {
		memmap_init(&map);
		memset(model, 0, sizeof(model));
		for (int n = rand() % 40; n > 0; n--) {
			unsigned int base = (unsigned int)rand() % PAGES;
			unsigned int len = 1 + (unsigned int)rand() % (PAGES - base);
			uint32_t type = types[rand() % 8];

			assert_int_equal(memmap_add(&map, base * PAGE_SIZE, len * PAGE_SIZE, type),
					 0);
			for (unsigned int p = base; p < base + len; p++)
				if (!model[p] || model_rank(type) > model_rank(model[p]))
					model[p] = type;
		}
		assert_int_equal(memmap_sanitize(&map), 0);
		check_against_model(model, PAGES);
		/* Sanitizing a sanitized map changes nothing. */
		unsigned int nr = map.nr;
		assert_int_equal(memmap_sanitize(&map), 0);
		assert_int_equal(map.nr, nr);
		check_against_model(model, PAGES);
	}
}

static void test_dump_and_names(void **state)
{
	(void)state;
	add_messy_e820();
	assert_int_equal(memmap_sanitize(&map), 0);
	memmap_dump(&map);
	assert_int_equal(host_log_count(KLOG_INFO), map.nr);
	assert_true(host_log_contains("0000000000100000 - 000000007ffdf7ff usable"));
	assert_string_equal(memmap_type_name(BOOT_MEM_ACPI_NVS), "ACPI NVS");
	assert_string_equal(memmap_type_name(MEMMAP_IN_USE), "in use");
	assert_string_equal(memmap_type_name(42), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_add_rejects_bad_ranges, setup),
	    cmocka_unit_test_setup(test_add_full, setup),
	    cmocka_unit_test_setup(test_sanitize_sorts_and_merges, setup),
	    cmocka_unit_test_setup(test_sanitize_restrictive_type_wins, setup),
	    cmocka_unit_test_setup(test_sanitize_type_order, setup),
	    cmocka_unit_test_setup(test_messy_e820, setup),
	    cmocka_unit_test_setup(test_usable_frames_rounding, setup),
	    cmocka_unit_test_setup(test_totals_and_ram, setup),
	    cmocka_unit_test_setup(test_reserve, setup),
	    cmocka_unit_test_setup(test_reserve_refuses, setup),
	    cmocka_unit_test_setup(test_sanitize_overflow_leaves_map, setup),
	    cmocka_unit_test_setup(test_sanitize_random_against_model, setup),
	    cmocka_unit_test_setup(test_dump_and_names, setup),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
