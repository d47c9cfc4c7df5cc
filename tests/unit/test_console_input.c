/*
 * tests/unit/test_console_input.c - what is typed on Keel's console:
 * the ring (hypervisor/common/input_ring.c: order, a full ring keeping
 * its oldest bytes and counting the dropped ones, peek/consume, indices
 * across 2^32, the news flag behind VIRQ_CONSOLE), the CTRL-a switch
 * between dom0 and Keel's debug keys (common/console_input.c), and
 * CONSOLEIO_read (hypercalls/console_io.c) as a guest calls it: dom0
 * only, never waiting, partial reads, bad buffers, Xen's count limit;
 * and CONSOLEIO_write's rate limit for unprivileged domains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/guest_access.h"
#include "host/sched_shim.h"
#include "host/test_shim.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/common/console_input.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"

static struct input_ring r;

static int setup(void **state)
{
	(void)state;
	input_ring_init(&r);
	console_input_reset();
	host_guest_fault_range(0, 0);
	host_log_reset();
	return 0;
}

static void put_all(struct input_ring *ring, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_true(input_ring_put(ring, s[i]));
}

static void type(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_input_receive(s[i]);
}

/* ---- the ring ---- */

static void test_ring_empty(void **state)
{
	char out[4] = "zzz";

	(void)state;
	assert_int_equal(input_ring_get(&r, out, sizeof(out)), 0);
	assert_int_equal(input_ring_peek(&r, out, sizeof(out)), 0);
	assert_int_equal(input_ring_count(&r), 0);
	assert_false(input_ring_take_news(&r));
	assert_string_equal(out, "zzz");
}

static void test_ring_order_and_partial_gets(void **state)
{
	char out[8];

	(void)state;
	put_all(&r, "abcdef", 6);
	assert_int_equal(input_ring_get(&r, out, 2), 2);
	assert_memory_equal(out, "ab", 2);
	assert_int_equal(input_ring_get(&r, out, 3), 3);
	assert_memory_equal(out, "cde", 3);
	assert_int_equal(input_ring_get(&r, out, sizeof(out)), 1);
	assert_memory_equal(out, "f", 1);
	assert_int_equal(input_ring_get(&r, out, sizeof(out)), 0);
}

static void test_ring_every_byte_value(void **state)
{
	char in[256], out[256];

	(void)state;
	for (int i = 0; i < 256; i++)
		in[i] = (char)i;
	put_all(&r, in, sizeof(in));
	assert_int_equal(input_ring_get(&r, out, sizeof(out)), 256);
	assert_memory_equal(out, in, sizeof(in));
}

/* A full ring refuses new bytes and keeps the old: the reader sees a gap-free prefix. */
static void test_ring_full_drops_newest_and_counts(void **state)
{
	static char out[INPUT_RING_SIZE + 8];

	(void)state;
	for (unsigned int i = 0; i < INPUT_RING_SIZE; i++)
		assert_true(input_ring_put(&r, (char)(i % 251)));
	assert_false(input_ring_put(&r, 'X'));
	assert_false(input_ring_put(&r, 'Y'));
	assert_int_equal(input_ring_dropped(&r), 2);
	assert_int_equal(input_ring_count(&r), INPUT_RING_SIZE);
	assert_int_equal(input_ring_get(&r, out, sizeof(out)), INPUT_RING_SIZE);
	for (unsigned int i = 0; i < INPUT_RING_SIZE; i++)
		assert_int_equal((unsigned char)out[i], i % 251);
	/* Room again: a new byte is kept, the drop count stays. */
	assert_true(input_ring_put(&r, 'Z'));
	assert_int_equal(input_ring_get(&r, out, sizeof(out)), 1);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(input_ring_dropped(&r), 2);
}

static void test_ring_peek_then_consume(void **state)
{
	char out[8];

	(void)state;
	put_all(&r, "hello", 5);
	assert_int_equal(input_ring_peek(&r, out, 3), 3);
	assert_memory_equal(out, "hel", 3);
	assert_int_equal(input_ring_peek(&r, out, 8), 5); /* nothing was taken */
	input_ring_consume(&r, 3);
	assert_int_equal(input_ring_get(&r, out, 8), 2);
	assert_memory_equal(out, "lo", 2);
	/* Taking more than is there is Keel's bug, not the guest's. */
	assert_true(HOST_PANICS(input_ring_consume(&r, 1)));
}

/* Free-running indices: prod - cons counts the bytes across 2^32 too. */
static void test_ring_indices_wrap(void **state)
{
	char out[16];

	(void)state;
	r.prod = r.cons = UINT32_MAX - 3;
	put_all(&r, "0123456789", 10);
	assert_int_equal(input_ring_count(&r), 10);
	assert_true(r.prod < r.cons); /* wrapped */
	assert_int_equal(input_ring_get(&r, out, sizeof(out)), 10);
	assert_memory_equal(out, "0123456789", 10);
	for (unsigned int i = 0; i < INPUT_RING_SIZE; i++)
		assert_true(input_ring_put(&r, 'f'));
	assert_false(input_ring_put(&r, 'g'));
}

static void test_ring_news_once(void **state)
{
	char c;

	(void)state;
	assert_true(input_ring_put(&r, 'a'));
	assert_true(input_ring_put(&r, 'b'));
	assert_true(input_ring_take_news(&r));
	assert_false(input_ring_take_news(&r));
	/* Taking bytes is no news; a dropped byte is none either. */
	assert_int_equal(input_ring_get(&r, &c, 1), 1);
	assert_false(input_ring_take_news(&r));
	for (unsigned int i = 0; i < INPUT_RING_SIZE - 1; i++)
		assert_true(input_ring_put(&r, 'x'));
	assert_true(input_ring_take_news(&r));
	assert_false(input_ring_put(&r, 'y'));
	assert_false(input_ring_take_news(&r));
}

/* ---- the switch ---- */

static size_t take(struct input_ring *ring, char *out, size_t n)
{
	return input_ring_get(ring, out, n);
}

static void test_switch_input_goes_to_dom0(void **state)
{
	char out[16];

	(void)state;
	assert_false(console_input_to_keel());
	type("ls\r", 3);
	assert_int_equal(take(&console_input_dom0, out, sizeof(out)), 3);
	assert_memory_equal(out, "ls\r", 3);
	assert_int_equal(take(&console_input_keys, out, sizeof(out)), 0);
}

static void test_switch_three_ctrl_a_and_back(void **state)
{
	char out[16];

	(void)state;
	type("a\1\1\1qm\1\1\1b", 10);
	assert_false(console_input_to_keel());
	assert_int_equal(take(&console_input_dom0, out, sizeof(out)), 2);
	assert_memory_equal(out, "ab", 2); /* none of the CTRL-a */
	assert_int_equal(take(&console_input_keys, out, sizeof(out)), 2);
	assert_memory_equal(out, "qm", 2);
	assert_true(host_log_contains("serial input to Keel"));
	assert_true(host_log_contains("serial input to dom0"));
}

/* One or two CTRL-a are ordinary input: held back, then delivered before the next byte. */
static void test_switch_lone_ctrl_a_delivered(void **state)
{
	char out[16];

	(void)state;
	type("\1x\1\1y", 5);
	assert_false(console_input_to_keel());
	assert_int_equal(take(&console_input_dom0, out, sizeof(out)), 5);
	assert_memory_equal(out, "\1x\1\1y", 5);
	/* Still held: a CTRL-a with nothing after it yet. */
	type("\1", 1);
	assert_int_equal(take(&console_input_dom0, out, sizeof(out)), 0);
	type("z", 1);
	assert_int_equal(take(&console_input_dom0, out, sizeof(out)), 2);
	assert_memory_equal(out, "\1z", 2);
}

/* Four in a row: three switch, the fourth goes (with the next byte) to the new owner. */
static void test_switch_four_ctrl_a(void **state)
{
	char out[16];

	(void)state;
	type("\1\1\1\1h", 5);
	assert_true(console_input_to_keel());
	assert_int_equal(take(&console_input_dom0, out, sizeof(out)), 0);
	assert_int_equal(take(&console_input_keys, out, sizeof(out)), 2);
	assert_memory_equal(out, "\1h", 2);
}

/* A dom0 that never reads: its ring fills and drops, Keel's keys still work. */
static void test_switch_full_dom0_ring_does_not_block_keel(void **state)
{
	char out[4];

	(void)state;
	for (unsigned int i = 0; i < INPUT_RING_SIZE + 10; i++)
		console_input_receive('x');
	assert_int_equal(input_ring_dropped(&console_input_dom0), 10);
	type("\1\1\1q", 4);
	assert_int_equal(take(&console_input_keys, out, sizeof(out)), 1);
	assert_int_equal(out[0], 'q');
}

/* ---- CONSOLEIO_read ---- */

static struct domain dom0 = {.domid = 0, .is_privileged = true};
static struct domain domu = {.domid = 1};
static struct vcpu v_dom0 = {.domain = &dom0};
static struct vcpu v_domu = {.domain = &domu};

static long read_into(struct vcpu *v, unsigned int count, void *buf)
{
	return do_console_io(v, CONSOLEIO_read, count, (uint64_t)(uintptr_t)buf);
}

static void test_read_nothing_typed(void **state)
{
	char buf[8] = "zzzzzzz";

	(void)state;
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), 0);
	assert_string_equal(buf, "zzzzzzz"); /* not touched */
	assert_int_equal(read_into(&v_dom0, 0, buf), 0);
	/* Nothing to copy: even a bad buffer is fine (Xen 4.17 the same). */
	host_guest_fault_range((uint64_t)(uintptr_t)buf, sizeof(buf));
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), 0);
}

static void test_read_typed_bytes(void **state)
{
	char buf[8];

	(void)state;
	type("hello\n", 6);
	assert_int_equal(read_into(&v_dom0, 2, buf), 2);
	assert_memory_equal(buf, "he", 2);
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), 4);
	assert_memory_equal(buf, "llo\n", 4);
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), 0);
}

/* Longer than one copy step: one call returns all of it. */
static void test_read_many_bytes(void **state)
{
	static char typed[INPUT_RING_SIZE], buf[INPUT_RING_SIZE + 1];

	(void)state;
	for (unsigned int i = 0; i < sizeof(typed); i++)
		typed[i] = (char)(i * 7 + 3);
	type(typed, sizeof(typed));
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), INPUT_RING_SIZE);
	assert_memory_equal(buf, typed, sizeof(typed));
}

static void test_read_domu_refused(void **state)
{
	char buf[8];

	(void)state;
	type("secret", 6);
	assert_int_equal(read_into(&v_domu, sizeof(buf), buf), -EPERM);
	assert_int_equal(read_into(&v_domu, 0, buf), -EPERM);
	/* dom0 still gets every byte. */
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), 6);
	assert_memory_equal(buf, "secret", 6);
}

/* Xen 4.17: a count past INT_MAX could not be told from an errno: -E2BIG. */
static void test_read_count_past_int_max(void **state)
{
	char buf[8];

	(void)state;
	type("k", 1);
	assert_int_equal(read_into(&v_dom0, 0x80000000u, buf), -E2BIG);
	assert_int_equal(read_into(&v_dom0, 0xffffffffu, buf), -E2BIG);
	assert_int_equal(read_into(&v_dom0, 0x7fffffffu, buf), 1);
	assert_int_equal(buf[0], 'k');
}

/* A buffer the guest cannot write: -EFAULT, and the bytes stay for the next read. */
static void test_read_bad_buffer_keeps_bytes(void **state)
{
	char buf[8];

	(void)state;
	type("kept", 4);
	host_guest_fault_range((uint64_t)(uintptr_t)buf, sizeof(buf));
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), -EFAULT);
	host_guest_fault_range(0, 0);
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), 4);
	assert_memory_equal(buf, "kept", 4);
}

/* A fault after the first copy step: what was copied is taken, the rest stays (as Xen). */
static void test_read_fault_midway(void **state)
{
	static char typed[300], buf[300];

	(void)state;
	memset(typed, 'a', sizeof(typed));
	type(typed, sizeof(typed));
	host_guest_fault_range((uint64_t)(uintptr_t)(buf + 200), 1);
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), -EFAULT);
	host_guest_fault_range(0, 0);
	/* The first step (128 bytes) went out; the guest can still read the rest. */
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), 300 - 128);
}

/* What was typed for Keel's debug keys never reaches dom0. */
static void test_read_never_sees_keys(void **state)
{
	char buf[8];

	(void)state;
	type("\1\1\1q\1\1\1", 7);
	assert_int_equal(read_into(&v_dom0, sizeof(buf), buf), 0);
}

/* ---- CONSOLEIO_write's rate limit for unprivileged domains ---- */

static uint64_t fake_clock_ns;

static uint64_t fake_clock(void)
{
	return fake_clock_ns;
}

/* Writes n lines "x\n" as v's domain, one hypercall each. */
static void write_lines(struct vcpu *v, unsigned int n, const char *line)
{
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(do_console_io(v, CONSOLEIO_write, (unsigned int)strlen(line),
					       (uint64_t)(uintptr_t)line),
				 0);
}

static unsigned int count_of(const char *text, const char *what)
{
	unsigned int n = 0;

	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static void test_write_rate_limited_for_domu(void **state)
{
	static const struct domain_hooks hooks = {.clock_ns = fake_clock};
	struct domain d = {.domid = 7};
	struct vcpu v = {.domain = &d};

	(void)state;
	domain_init(&hooks);
	fake_clock_ns = 5000000000ULL;
	host_console_text[0] = '\0';
	write_lines(&v, 250, "x\n");
	assert_int_equal(count_of(host_console_text, "(d7) x\n"), 200); /* a second's worth */
	fake_clock_ns += 1000000000ULL;
	host_console_text[0] = '\0';
	write_lines(&v, 1, "y\n");
	assert_string_equal(host_console_text, "(d7) [50 lines dropped: rate limit]\n(d7) y\n");
	domain_init(NULL);
}

static void test_write_not_limited_for_dom0(void **state)
{
	static const struct domain_hooks hooks = {.clock_ns = fake_clock};
	struct domain d = {.domid = 0, .is_privileged = true};
	struct vcpu v = {.domain = &d};

	(void)state;
	domain_init(&hooks);
	host_console_text[0] = '\0';
	write_lines(&v, 250, "x\n");
	assert_int_equal(count_of(host_console_text, "(d0) x\n"), 250);
	domain_init(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
	    T(test_ring_empty),
	    T(test_ring_order_and_partial_gets),
	    T(test_ring_every_byte_value),
	    T(test_ring_full_drops_newest_and_counts),
	    T(test_ring_peek_then_consume),
	    T(test_ring_indices_wrap),
	    T(test_ring_news_once),
	    T(test_switch_input_goes_to_dom0),
	    T(test_switch_three_ctrl_a_and_back),
	    T(test_switch_lone_ctrl_a_delivered),
	    T(test_switch_four_ctrl_a),
	    T(test_switch_full_dom0_ring_does_not_block_keel),
	    T(test_read_nothing_typed),
	    T(test_read_typed_bytes),
	    T(test_read_many_bytes),
	    T(test_read_domu_refused),
	    T(test_read_count_past_int_max),
	    T(test_read_bad_buffer_keeps_bytes),
	    T(test_read_fault_midway),
	    T(test_read_never_sees_keys),
	    T(test_write_rate_limited_for_domu),
	    T(test_write_not_limited_for_dom0),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
