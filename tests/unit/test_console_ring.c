/*
 * tests/unit/test_console_ring.c - rings of console text
 * (hypervisor/common/console_ring.c): writing past a full ring, reading
 * from where readconsole says (incremental or not), readers that the
 * writer laps, clearing, free-running indices across 2^32, the news flag
 * behind VIRQ_CON_RING, and Keel's own ring.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "hypervisor/common/console_ring.h"

#define SIZE 16u

static struct console_ring r;
static char buf[SIZE];

static int setup(void **state)
{
	(void)state;
	memset(buf, 0, sizeof(buf));
	console_ring_init(&r, buf, SIZE);
	host_log_reset();
	return 0;
}

static void put(const char *s)
{
	console_ring_put(&r, s, strlen(s));
}

/* Reads everything from idx to the current prod (n bytes a step) into out, NUL-terminated. */
static uint32_t read_all(uint32_t idx, uint32_t step, char *out, uint32_t *end_idx)
{
	uint32_t cons, prod, total = 0, got;

	console_ring_bounds(&r, &cons, &prod);
	while ((got = console_ring_read(&r, &idx, prod, out + total, step)))
		total += got;
	out[total] = '\0';
	if (end_idx)
		*end_idx = idx;
	return total;
}

static void test_empty(void **state)
{
	uint32_t cons = 1, prod = 1, idx = 0;
	char out[4];

	(void)state;
	console_ring_bounds(&r, &cons, &prod);
	assert_int_equal(cons, 0);
	assert_int_equal(prod, 0);
	assert_int_equal(console_ring_read(&r, &idx, 0, out, sizeof(out)), 0);
	assert_int_equal(idx, 0);
	assert_false(console_ring_take_news(&r));
}

static void test_put_and_read(void **state)
{
	char out[SIZE + 1];
	uint32_t end;

	(void)state;
	put("hello ");
	put("world");
	assert_int_equal(read_all(0, 4, out, &end), 11);
	assert_string_equal(out, "hello world");
	assert_int_equal(end, 11);
	/* Reading does not consume: a second reader sees the same. */
	assert_int_equal(read_all(0, SIZE, out, NULL), 11);
	assert_string_equal(out, "hello world");
}

static void test_full_ring_drops_the_oldest(void **state)
{
	uint32_t cons, prod;
	char out[SIZE + 1];

	(void)state;
	put("0123456789");
	put("abcdefghij"); /* 20 bytes in a 16-byte ring */
	console_ring_bounds(&r, &cons, &prod);
	assert_int_equal(prod, 20);
	assert_int_equal(cons, 4);
	assert_int_equal(read_all(cons, 3, out, NULL), 16);
	assert_string_equal(out, "456789abcdefghij");
	/* One write longer than the ring keeps its own last bytes. */
	put("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	console_ring_bounds(&r, &cons, &prod);
	assert_int_equal(prod, 46);
	assert_int_equal(cons, 30);
	assert_int_equal(read_all(cons, SIZE, out, NULL), 16);
	assert_string_equal(out, "KLMNOPQRSTUVWXYZ");
}

static void test_read_start(void **state)
{
	(void)state;
	/* Not incremental: always the oldest byte. */
	assert_int_equal(console_ring_read_start(4, 20, false, 10), 4);
	/* Incremental: index when it lies after cons and not past prod. */
	assert_int_equal(console_ring_read_start(4, 20, true, 10), 10);
	assert_int_equal(console_ring_read_start(4, 20, true, 20), 20);
	assert_int_equal(console_ring_read_start(4, 20, true, 4), 4);
	/* Ahead of the writer, or already dropped: from the oldest byte. */
	assert_int_equal(console_ring_read_start(4, 20, true, 21), 4);
	assert_int_equal(console_ring_read_start(4, 20, true, 3), 4);
	assert_int_equal(console_ring_read_start(4, 20, true, 0x80000000u), 4);
	/* Across 2^32. */
	assert_int_equal(console_ring_read_start(0xfffffff8u, 8, true, 2), 2);
	assert_int_equal(console_ring_read_start(0xfffffff8u, 8, true, 0xfffffffcu), 0xfffffffcu);
	assert_int_equal(console_ring_read_start(0xfffffff8u, 8, true, 9), 0xfffffff8u);
}

static void test_indices_wrap_around_2_32(void **state)
{
	char out[SIZE + 1];
	uint32_t cons, prod, end;

	(void)state;
	r.prod = r.cons = 0xfffffffau;
	put("abcdefghij");
	console_ring_bounds(&r, &cons, &prod);
	assert_int_equal(prod, 4);
	assert_int_equal(prod - cons, 10);
	assert_int_equal(read_all(cons, 3, out, &end), 10);
	assert_string_equal(out, "abcdefghij");
	assert_int_equal(end, 4);
	assert_int_equal(read_all(0xfffffffeu, SIZE, out, NULL), 6);
	assert_string_equal(out, "efghij");
}

static void test_reader_lapped_by_the_writer(void **state)
{
	char out[SIZE + 1];
	uint32_t idx = 0, cons, prod, got;

	(void)state;
	put("0123456789");
	console_ring_bounds(&r, &cons, &prod);
	got = console_ring_read(&r, &idx, prod, out, 4);
	assert_int_equal(got, 4);
	assert_int_equal(idx, 4);
	/* The writer overruns both where the reader is and where it meant to stop. */
	put("abcdefghijklmnop");
	got = console_ring_read(&r, &idx, prod, out, 4);
	assert_int_equal(got, 0);
	assert_int_equal(idx, 10); /* moved to the oldest byte kept */
	/* A reader whose end survived goes on from the oldest byte. */
	idx = 2;
	console_ring_bounds(&r, &cons, &prod);
	got = console_ring_read(&r, &idx, prod, out, SIZE);
	out[got] = '\0';
	assert_int_equal(got, 16);
	assert_string_equal(out, "abcdefghijklmnop");
	assert_int_equal(idx, prod);
}

static void test_clear(void **state)
{
	char out[SIZE + 1];
	uint32_t cons, prod;

	(void)state;
	put("0123456789");
	console_ring_clear(&r, 6);
	console_ring_bounds(&r, &cons, &prod);
	assert_int_equal(cons, 6);
	assert_int_equal(read_all(cons, SIZE, out, NULL), 4);
	assert_string_equal(out, "6789");
	/* Clearing to an index the ring no longer has changes nothing. */
	console_ring_clear(&r, 2);
	console_ring_clear(&r, 11);
	console_ring_bounds(&r, &cons, &prod);
	assert_int_equal(cons, 6);
	/* Clearing everything. */
	console_ring_clear(&r, prod);
	console_ring_bounds(&r, &cons, &prod);
	assert_int_equal(cons, prod);
	assert_int_equal(read_all(cons, SIZE, out, NULL), 0);
}

static void test_news_flag(void **state)
{
	(void)state;
	assert_false(console_ring_take_news(&r));
	console_ring_put(&r, "x", 0);
	assert_false(console_ring_take_news(&r));
	put("line\n");
	assert_true(console_ring_take_news(&r));
	assert_false(console_ring_take_news(&r)); /* once per batch of text */
	put("a");
	put("b");
	assert_true(console_ring_take_news(&r));
	assert_false(console_ring_take_news(&r));
}

static void test_bad_size_is_a_bug(void **state)
{
	char small[24];

	(void)state;
	assert_true(HOST_PANICS(console_ring_init(&r, small, 24)));
	assert_true(HOST_PANICS(console_ring_init(&r, small, 1)));
	assert_false(HOST_PANICS(console_ring_init(&r, small, 16)));
}

static void test_keel_ring(void **state)
{
	uint32_t cons, prod, idx;
	char out[8];

	(void)state;
	assert_int_equal(keel_conring.size, CONSOLE_RING_SIZE);
	console_ring_bounds(&keel_conring, &cons, &prod);
	console_ring_put(&keel_conring, "(KEEL) x\n", 9);
	idx = prod;
	assert_int_equal(console_ring_read(&keel_conring, &idx, prod + 9, out, sizeof(out)), 8);
	assert_memory_equal(out, "(KEEL) x", 8);
	assert_true(console_ring_take_news(&keel_conring));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_empty, setup),
	    cmocka_unit_test_setup(test_put_and_read, setup),
	    cmocka_unit_test_setup(test_full_ring_drops_the_oldest, setup),
	    cmocka_unit_test_setup(test_read_start, setup),
	    cmocka_unit_test_setup(test_indices_wrap_around_2_32, setup),
	    cmocka_unit_test_setup(test_reader_lapped_by_the_writer, setup),
	    cmocka_unit_test_setup(test_clear, setup),
	    cmocka_unit_test_setup(test_news_flag, setup),
	    cmocka_unit_test_setup(test_bad_size_is_a_bug, setup),
	    cmocka_unit_test_setup(test_keel_ring, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
