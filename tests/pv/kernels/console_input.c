/*
 * tests/pv/kernels/console_input.c - console input for the control
 * domain: HYPERVISOR_console_io(CONSOLEIO_read) and VIRQ_CONSOLE, the
 * way a dom0 console driver uses them (bind the VIRQ, wait for it, read
 * until nothing is left: the read itself never waits).
 *
 * Someone has to type.  With `input` on the kernel's command line the
 * kernel asks for each round of bytes by printing a line
 *
 *     INPUT-WANTED: <the bytes in hex>
 *
 * and the harness that booted it types exactly those bytes on the serial
 * port (tests/system/keel_qemu.py's serial_input, used by
 * tests/system/test_console_input.py; scripts/run-on-xen.sh --type, used
 * by `make test-xen`).  Without `input` nobody types (test_pv_kernels.py,
 * make test-xen's loop over every kernel): the typing tests say so and
 * pass, and only the tests that need no input run.
 *
 * Rounds stay under 48 bytes: the hex must fit one console line, and Xen
 * keeps only 128 bytes of input for dom0 (Keel 1024) while the guest has
 * not read them.  Each round is still longer than the UART's 16-byte
 * FIFO, so one round takes several receive interrupts.
 *
 * On Xen the input reaches dom0 as on Keel: Xen switches serial input to
 * dom0 when it boots it, and CTRL-a three times switches it to Xen's debug
 * keys and back (Keel does the same, with its own debug keys).
 *
 * Where Xen 4.17 does something one would not guess, a comment says
 * "Xen 4.17": Keel must do the same.
 */
#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/xen.h>

#include "lib/string.h"
#include "tests/pv/events.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/vcpu.h"

#define BAD_PTR	 ((void *)HYPERVISOR_VIRT_START)
#define NONCANON ((void *)0x0000800000000000UL)
#define CTRL_A	 "\x01"
/* Per round: long enough for a loaded TCG host, short enough to fail rather than hang. */
#define ROUND_NS (30ULL * 1000 * 1000 * 1000)
#define ROUND_MAX 48

static long console_read(unsigned long count, void *buf)
{
	return pv_hypercall3(__HYPERVISOR_console_io, CONSOLEIO_read, count, buf);
}

static uint64_t now(void)
{
	return pv_time_ns(&pv_shared_info->vcpu_info[0].time);
}

/* True if `word` is one of the space-separated words of our command line. */
static bool cmdline_has(const char *word)
{
	const char *p = (const char *)pv_start_info->cmd_line;
	const char *end = p + sizeof(pv_start_info->cmd_line);
	size_t n = strlen(word);

	while (p < end && *p) {
		size_t len = 0;

		while (p + len < end && p[len] && p[len] != ' ')
			len++;
		if (len == n && !memcmp(p, word, n))
			return true;
		p += len;
		while (p < end && *p == ' ')
			p++;
	}
	return false;
}

static bool typing_skipped(void)
{
	if (cmdline_has("input"))
		return false;
	pv_printf("skipped: nobody types (no `input` on the kernel's command line)\n");
	return true;
}

/* Asks the harness to type n bytes (see the top of this file). */
static void want_typed(const char *bytes, size_t n)
{
	char hex[2 * ROUND_MAX + 1];
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n && i < ROUND_MAX; i++) {
		hex[2 * i] = digits[(uint8_t)bytes[i] >> 4];
		hex[2 * i + 1] = digits[(uint8_t)bytes[i] & 0xf];
	}
	hex[2 * (n < ROUND_MAX ? n : ROUND_MAX)] = '\0';
	pv_printf("INPUT-WANTED: %s\n", hex);
}

/* The VIRQ_CONSOLE port, bound on vCPU 0 once, its pending bit clear. */
static evtchn_port_t console_port(void)
{
	static long port;

	if (!port) {
		port = bind_virq(VIRQ_CONSOLE, 0);
		pv_printf("bind_virq(VIRQ_CONSOLE, 0): %ld\n", port);
		if (port <= 0)
			pv_fatal("cannot bind VIRQ_CONSOLE");
	}
	return (evtchn_port_t)port;
}

/*
 * As a console driver: wait for VIRQ_CONSOLE, then read until a read
 * gives 0, with counts cycling 1..7 (partial reads keep the rest, in
 * order); again until n bytes came or the round's time is up.  Returns
 * the bytes read; *virqs counts the VIRQs that woke us.
 */
static size_t read_typed(char *out, size_t n, unsigned int *virqs)
{
	uint64_t deadline = now() + ROUND_NS;
	size_t have = 0;
	unsigned long step = 0;

	*virqs = 0;
	while (have < n) {
		uint64_t t = now();
		long r;

		if (t >= deadline || !ev_wait(console_port(), deadline - t))
			break;
		(*virqs)++;
		do {
			step = step % 7 + 1;
			r = console_read(step < n - have ? step : n - have, out + have);
			if (r > 0)
				have += (size_t)r;
		} while (r > 0 && have < n);
		if (r < 0) {
			pv_printf("CONSOLEIO_read: %ld\n", r);
			break;
		}
	}
	return have;
}

/* One round: ask for `typed`, expect exactly `expect` (typed minus what Xen/Keel kept). */
static void round_trip(const char *typed, size_t typed_len, const char *expect, size_t expect_len)
{
	char got[ROUND_MAX];
	unsigned int virqs;
	size_t n;

	port_clear(console_port());
	want_typed(typed, typed_len);
	n = read_typed(got, expect_len, &virqs);
	pv_printf("read %lu of %lu bytes after %u VIRQ_CONSOLE\n", n, expect_len, virqs);
	EXPECT_TRUE(virqs >= 1);
	ASSERT_EQ(n, expect_len);
	if (!EXPECT_EQ(memcmp(got, expect, n), 0)) {
		for (size_t i = 0; i < n; i++)
			if (got[i] != expect[i])
				pv_printf("byte %lu: got %#x, typed %#x\n", i, (uint8_t)got[i],
					  (uint8_t)expect[i]);
	}
	/* Everything was taken: the next read finds nothing. */
	EXPECT_EQ(console_read(ROUND_MAX, got), 0);
}

/* -------------------------------------------------------------------------- */

/*
 * With `early` on the command line the harness typed EARLY_TYPED the
 * moment QEMU started, before the hypervisor had even set up its UART, as
 * `printf '...' | make run` does: not a byte may be lost, and they wait
 * for us although VIRQ_CONSOLE came before we bound it (so we read before
 * waiting, as a console driver does when it starts).  Keel only: Xen
 * takes what is typed during its boot as its own debug keys.
 * tests/system/test_console_input.py types the same string.
 */
#define EARLY_TYPED "typed before boot, 28 bytes\n"

TEST(console_input, typed_before_boot)
{
	static const char typed[] = EARLY_TYPED;
	const size_t len = sizeof(typed) - 1;
	uint64_t deadline = now() + ROUND_NS;
	char got[sizeof(typed)];
	size_t n = 0;

	if (!cmdline_has("early")) {
		pv_printf("skipped: nothing typed before boot (no `early` on the command line)\n");
		return;
	}
	while (n < len && now() < deadline) {
		long r = console_read(len - n, got + n);

		ASSERT_TRUE(r >= 0);
		n += (size_t)r;
		if (n < len) /* not all there yet (QEMU feeds the UART as it drains) */
			ev_wait(console_port(), 10ULL * 1000 * 1000);
	}
	pv_printf("read %lu of %lu bytes typed before boot\n", n, len);
	if (n != len || memcmp(got, typed, len)) {
		for (size_t i = 0; i < n; i++)
			pv_printf("byte %lu: %#x\n", i, (uint8_t)got[i]);
	}
	ASSERT_EQ(n, len);
	EXPECT_EQ(memcmp(got, typed, len), 0);
}

/* Nothing typed yet: 0 bytes, and the buffer is not touched (even a bad one). */
TEST(console_read, nothing_typed)
{
	char buf[16];

	memset(buf, 0x5a, sizeof(buf));
	EXPECT_EQ(console_read(sizeof(buf), buf), 0);
	EXPECT_EQ(buf[0], 0x5a);
	EXPECT_EQ(console_read(0, buf), 0);
	EXPECT_EQ(console_read(sizeof(buf), BAD_PTR), 0);
	EXPECT_EQ(console_read(sizeof(buf), NONCANON), 0);
	EXPECT_EQ(console_read(0x7fffffff, buf), 0);
}

/*
 * Xen 4.17: the result is a count or a negative errno, so a count past
 * INT_MAX, which could not be told apart from an error, is refused.
 */
TEST(console_read, count_past_int_max)
{
	char buf[16];

	EXPECT_EQ(console_read(0x80000000UL, buf), -XEN_E2BIG);
	EXPECT_EQ(console_read(0xffffffffUL, buf), -XEN_E2BIG);
	/* The count is 32 bits wide: the upper half of the register is not looked at. */
	EXPECT_EQ(console_read(0x100000000UL, buf), 0);
}

/* VIRQ_CONSOLE is global: bound on vCPU 0 only (Xen 4.17: -EINVAL elsewhere). */
TEST(virq_console, binds_on_vcpu0)
{
	struct evtchn_status s;
	evtchn_port_t p = console_port();

	EXPECT_EQ(ev_status(DOMID_SELF, p, &s), 0);
	EXPECT_EQ(s.status, EVTCHNSTAT_virq);
	EXPECT_EQ(s.u.virq, VIRQ_CONSOLE);
	EXPECT_EQ(bind_virq(VIRQ_CONSOLE, 0), -XEN_EEXIST);
}

/* True on Keel (XENVER_extraversion names it), for its deliberate differences. */
static bool on_keel(void)
{
	xen_extraversion_t v;

	if (hyp_xen_version(XENVER_extraversion, v))
		return false;
	for (size_t i = 0; i + 4 <= sizeof(v) && v[i]; i++)
		if (!memcmp(v + i, "keel", 4))
			return true;
	return false;
}

/*
 * Every byte value but CTRL-a (the switch character, next test), in
 * rounds.  Xen 4.17 hands dom0 only the low 7 bits of each byte (its UART
 * layer keeps the top bit to choose between two receivers of one port), so
 * 0x80-0xff arrive as 0x00-0x7f.  Keel deliberately passes all 8 bits
 * (UTF-8 typed on the console reaches dom0 intact; docs/pv-model.md).
 */
TEST(console_input, every_byte_value)
{
	char typed[ROUND_MAX], expect[ROUND_MAX];
	bool eight_bits = on_keel();
	unsigned int v = 0;

	if (typing_skipped())
		return;
	pv_printf("expecting %s bytes\n", eight_bits ? "8-bit (Keel)" : "7-bit (Xen)");
	while (v < 256) {
		size_t n = 0;

		for (; v < 256 && n < ROUND_MAX; v++) {
			if (v == 0x01)
				continue;
			typed[n] = (char)v;
			expect[n++] = (char)(eight_bits ? v : v & 0x7f);
		}
		round_trip(typed, n, expect, n);
	}
}

/* One or two CTRL-a followed by another byte are ordinary input, delivered in order. */
TEST(console_input, lone_ctrl_a)
{
	static const char typed[] = CTRL_A "x" CTRL_A CTRL_A "yafter\n";

	if (typing_skipped())
		return;
	round_trip(typed, sizeof(typed) - 1, typed, sizeof(typed) - 1);
}

/*
 * CTRL-a three times: input goes to the hypervisor (its debug keys: 'q'
 * prints the domains, on Keel and on Xen), CTRL-a three times again: back
 * to us.  None of it reaches dom0, only what follows.
 */
TEST(console_input, switch_to_hypervisor_and_back)
{
	static const char typed[] = CTRL_A CTRL_A CTRL_A "q" CTRL_A CTRL_A CTRL_A "back\n";
	static const char expect[] = "back\n";

	if (typing_skipped())
		return;
	round_trip(typed, sizeof(typed) - 1, expect, sizeof(expect) - 1);
}

/* A buffer we cannot write: -EFAULT, and the bytes stay for the next read. */
TEST(console_input, bad_buffer_keeps_bytes)
{
	static const char typed[] = "kept";
	const size_t len = sizeof(typed) - 1;
	char got[8];
	unsigned int virqs;
	long first;
	size_t n;

	if (typing_skipped())
		return;
	port_clear(console_port());
	want_typed(typed, len);
	ASSERT_TRUE(ev_wait(console_port(), ROUND_NS)); /* at least one byte is there now */
	EXPECT_EQ(console_read(sizeof(got), BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(console_read(sizeof(got), NONCANON), -XEN_EFAULT);
	/* The VIRQ for the bytes already there has come and gone: read before waiting again. */
	first = console_read(len, got);
	ASSERT_TRUE(first >= 1);
	n = (size_t)first;
	if (n < len)
		n += read_typed(got + n, len - n, &virqs);
	ASSERT_EQ(n, len);
	EXPECT_EQ(memcmp(got, typed, n), 0);
}
