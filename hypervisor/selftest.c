/*
 * hypervisor/selftest.c - the self-tests behind `selftest=NAME`.
 *
 * Each test prints "selftest NAME: PASS" or "selftest NAME: FAIL <why>"
 * and the machine powers off with KEEL_EXIT_SUCCESS or KEEL_EXIT_FAILURE.
 * The fault-* tests deliberately crash the hypervisor to show the trap
 * report; they end in a panic (KEEL_EXIT_PANIC with `noreboot`).
 */
#include "hypervisor/selftest.h"

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/paging.h"
#include "arch/mm.h"
#include "arch/cpufeature.h"
#include "arch/layout.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "hypervisor/shutdown.h"
#include "hypervisor/timer.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"

static char why[160];

static uint64_t buddy_free_frames(void)
{
	struct buddy_stats st;

	buddy_get_stats(&st);
	return st.free_frames;
}

/*
 * Allocates every free frame one at a time, chaining them through their
 * first word, then frees them all: the allocator must end where it began.
 */
static const char *selftest_alloc_all(void)
{
	uint64_t before = buddy_free_frames(), count = 0, after;
	uint64_t head = INVALID_MFN_RAW;
	mfn_t m;

	while (mfn_valid_raw(m = alloc_frames(0))) {
		uint64_t *page = arch_mfn_to_virt(m);

		if (page[0] != 0 || page[511] != 0)
			return "a frame was handed out without being scrubbed";
		page[0] = head;
		head = mfn_x(m);
		count++;
	}
	if (buddy_free_frames() != 0)
		return "allocation failed while frames were still free";
	while (head != INVALID_MFN_RAW) {
		uint64_t next = *(uint64_t *)arch_mfn_to_virt(_mfn(head));

		if (free_frames(_mfn(head), 0))
			return "freeing an allocated frame failed";
		head = next;
	}
	after = buddy_free_frames();
	printk("selftest alloc-all: %lu frames allocated and freed; free before %lu, after %lu\n",
	       count, before, after);
	if (count != before || after != before) {
		format_snprintf(why, sizeof(why), "allocated %lu, free before %lu, after %lu", count,
				before, after);
		return why;
	}
	return NULL;
}

/* Timers: each CPU arms TIMERS_PER_CPU timers in scrambled order; they must fire sorted. */
#define TIMERS_PER_CPU 8

struct timer_check {
	struct timer t[TIMERS_PER_CPU];
	volatile unsigned int fired;
	unsigned int order[TIMERS_PER_CPU];
	uint64_t late_ns; /* fired before their deadline: must stay 0 */
	unsigned int early;
};

static struct timer_check timer_checks[MAX_CPUS];

static void timer_check_fired(struct timer *t, void *data)
{
	struct timer_check *c = data;
	unsigned int idx = (unsigned int)(t - c->t);

	if (now_ns() < t->expires)
		c->early++;
	c->order[c->fired] = idx;
	__atomic_add_fetch(&c->fired, 1, __ATOMIC_SEQ_CST);
}

static void timer_check_arm(void *unused)
{
	struct timer_check *c = &timer_checks[smp_processor_id()];
	uint64_t now = now_ns();

	for (unsigned int i = 0; i < TIMERS_PER_CPU; i++) {
		/* Index i fires at slot (i * 5) % 8: armed out of order. */
		unsigned int slot = (i * 5) % TIMERS_PER_CPU;

		c->t[i].fn = timer_check_fired;
		c->t[i].data = c;
		timer_set(&c->t[i], now + 2000000 + slot * 1000000);
	}
}

static const char *selftest_timers(void)
{
	uint64_t deadline;

	timer_check_arm(NULL);
	smp_call_function(timer_check_arm, NULL);
	deadline = now_ns() + 1000000000ULL;
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		if (!percpu_of[c] || percpu_of[c]->state != CPU_ONLINE)
			continue;
		/* Spin, not halt: the timers of other CPUs interrupt only them. */
		while (timer_checks[c].fired < TIMERS_PER_CPU && now_ns() < deadline)
			cpu_relax();
		if (timer_checks[c].fired < TIMERS_PER_CPU) {
			format_snprintf(why, sizeof(why), "CPU %u: only %u of %u timers fired", c,
					timer_checks[c].fired, TIMERS_PER_CPU);
			return why;
		}
		for (unsigned int k = 0; k < TIMERS_PER_CPU; k++) {
			if ((timer_checks[c].order[k] * 5) % TIMERS_PER_CPU != k) {
				format_snprintf(why, sizeof(why), "CPU %u: timers fired out of order",
						c);
				return why;
			}
		}
		if (timer_checks[c].early) {
			format_snprintf(why, sizeof(why), "CPU %u: %u timers fired early", c,
					timer_checks[c].early);
			return why;
		}
		printk("selftest timers: CPU %u: %u timers fired in deadline order\n", c,
		       TIMERS_PER_CPU);
	}
	return NULL;
}

#define IPI_ROUNDS 100
static volatile unsigned int ipi_hits[MAX_CPUS];

static void ipi_count(void *unused)
{
	__atomic_add_fetch(&ipi_hits[smp_processor_id()], 1, __ATOMIC_SEQ_CST);
}

static const char *selftest_ipi(void)
{
	unsigned int answered = 0;

	for (int i = 0; i < IPI_ROUNDS; i++)
		smp_call_function(ipi_count, NULL);
	for (unsigned int c = 1; c < MAX_CPUS; c++) {
		if (!percpu_of[c] || percpu_of[c]->state != CPU_ONLINE)
			continue;
		if (ipi_hits[c] != IPI_ROUNDS) {
			format_snprintf(why, sizeof(why), "CPU %u answered %u of %u IPIs", c,
					ipi_hits[c], IPI_ROUNDS);
			return why;
		}
		answered++;
	}
	printk("selftest ipi: %u other CPUs each answered %u IPIs\n", answered, IPI_ROUNDS);
	return NULL;
}

/* The fault tests: each raises one exception inside the hypervisor. */
static const char *selftest_fault_ud(void)
{
	__asm__ volatile("ud2");
	return "no #UD";
}

static const char *selftest_fault_pf(void)
{
	uint64_t addr = 0xbad, val;

	/* In asm: the compiler may not reason about (or refuse) a wild read. */
	__asm__ volatile("mov (%1), %0" : "=r"(val) : "r"(addr) : "memory");
	return "no #PF";
}

static const char *selftest_fault_gp(void)
{
	uint64_t addr = 0x8000000000000000UL, val; /* non-canonical */

	__asm__ volatile("mov (%1), %0" : "=r"(val) : "r"(addr) : "memory");
	return "no #GP";
}

static const char *selftest_fault_de(void)
{
	uint64_t zero = 0;

	__asm__ volatile("xor %%edx, %%edx\n\tdivq %0" ::"r"(zero), "a"(1UL) : "rdx");
	return "no #DE";
}

/* Page permissions: read-only data must not be writable... */
static const uint64_t selftest_readonly_word = 0x5eadbeef;

static const char *selftest_fault_ro(void)
{
	const uint64_t *p = &selftest_readonly_word;

	__asm__ volatile("movq $1, (%0)" ::"r"(p) : "memory");
	return "a write to read-only data succeeded";
}

/* ...and data must not be executable (NX). */
static uint8_t selftest_data_code[16] = { 0xc3 }; /* ret */

static const char *selftest_fault_nx(void)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)selftest_data_code;

	fn();
	return "code in a data page ran";
}

/*
 * Guest-memory access (security invariant 4) with a stand-in guest: two
 * user pages at GUEST_VA (writable) and GUEST_VA + 4 KiB (read-only) in
 * the idle tables, nothing mapped after them.
 */
#define GUEST_VA 0x400000UL

static mfn_t guest_pages[2];

static bool map_stand_in_guest(void)
{
	for (int i = 0; i < 2; i++) {
		guest_pages[i] = alloc_frames(0);
		if (!mfn_valid_raw(guest_pages[i]))
			return false;
		memset(arch_mfn_to_virt(guest_pages[i]), 0x40 + i, PAGE_SIZE);
	}
	paging_map_page(GUEST_VA, mfn_x(guest_pages[0]) << PAGE_SHIFT, PTE_W | PTE_U | PTE_NX);
	paging_map_page(GUEST_VA + PAGE_SIZE, mfn_x(guest_pages[1]) << PAGE_SHIFT,
			PTE_U | PTE_NX);
	return true;
}

static void unmap_stand_in_guest(void)
{
	paging_unmap_page(GUEST_VA);
	paging_unmap_page(GUEST_VA + PAGE_SIZE);
	free_frames(guest_pages[0], 0);
	free_frames(guest_pages[1], 0);
}

/* Each bad pointer must give -EFAULT; the hypervisor must still be here after. */
static const char *check_bad_guest_pointers(uint8_t *buf)
{
	static const struct {
		uint64_t va;
		size_t n;
		const char *what;
	} bad[] = {
		{ GUEST_VA + 2 * PAGE_SIZE, 8, "an unmapped page" },
		{ GUEST_VA + 2 * PAGE_SIZE - 8, 16, "a copy running into an unmapped page" },
		{ DIRECTMAP_VIRT_START, 8, "Keel's direct map" },
		{ KEEL_VIRT_START - 8, 16, "a range running into Keel's slots" },
		{ 0x0000800000000000UL, 8, "a non-canonical address" },
		{ 0x00007ffffffffff8UL, 16, "a range crossing the non-canonical hole" },
		{ UINT64_MAX - 3, 8, "a range wrapping past 2^64" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (copy_from_guest(buf, bad[i].va, bad[i].n) != -EFAULT) {
			format_snprintf(why, sizeof(why), "reading %s was not refused", bad[i].what);
			return why;
		}
	}
	if (copy_to_guest(GUEST_VA + PAGE_SIZE, buf, 8) != -EFAULT)
		return "writing a read-only guest page was not refused";
	return NULL;
}

static const char *selftest_guest_copy(void)
{
	uint8_t buf[64];
	const char *fail = NULL;

	if (!map_stand_in_guest())
		return "no memory for the stand-in guest";
	if (copy_from_guest(buf, GUEST_VA + PAGE_SIZE - 32, sizeof(buf)) || buf[0] != 0x40 ||
	    buf[63] != 0x41)
		fail = "a good read across two guest pages failed";
	memset(buf, 0x5a, sizeof(buf));
	if (!fail && (copy_to_guest(GUEST_VA + 16, buf, 8) ||
		      ((uint8_t *)arch_mfn_to_virt(guest_pages[0]))[16] != 0x5a))
		fail = "a good write to a guest page failed";
	if (!fail)
		fail = check_bad_guest_pointers(buf);
	unmap_stand_in_guest();
	if (!fail)
		printk("selftest guest-copy: good copies work; 8 bad guest pointers gave -EFAULT\n");
	return fail;
}

/* SMAP: touching a user page without the copy helpers must fault. */
static const char *selftest_fault_smap(void)
{
	uint64_t val;

	if (!cpu_features.smap)
		return "this CPU has no SMAP";
	if (!map_stand_in_guest())
		return "no memory for the stand-in guest";
	__asm__ volatile("mov (%1), %0" : "=r"(val) : "r"(GUEST_VA) : "memory");
	return "a supervisor read of a user page did not fault";
}

/*
 * memset and memcpy take whole quadwords when they can and bytes
 * otherwise (lib/string.c): every alignment of destination and source,
 * lengths around 8 and a page, against a byte loop, with guard bytes on
 * both sides that must stay untouched.
 */
static uint8_t string_buf[2][PAGE_SIZE + 64];

static const char *selftest_string(void)
{
	static const size_t lengths[] = {0, 1, 7, 8, 9, 15, 16, 63, 64, 65, PAGE_SIZE};
	unsigned int cases = 0;

	for (unsigned int dst_off = 0; dst_off < 16; dst_off++)
		for (unsigned int src_off = 0; src_off < 16; src_off++)
			for (unsigned int l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
				uint8_t *dst = string_buf[0] + 16 + dst_off;
				const uint8_t *src = string_buf[1] + 16 + src_off;
				size_t n = lengths[l];

				for (size_t i = 0; i < sizeof(string_buf[0]); i++) {
					string_buf[0][i] = 0xee;
					string_buf[1][i] = (uint8_t)(i * 7 + 1);
				}
				memcpy(dst, src, n);
				for (size_t i = 0; i < n; i++)
					if (dst[i] != src[i])
						return "memcpy copied a wrong byte";
				if (dst[-1] != 0xee || dst[n] != 0xee)
					return "memcpy wrote outside its destination";
				memset(dst, (int)(0x100 + src_off), n); /* only the low byte counts */
				for (size_t i = 0; i < n; i++)
					if (dst[i] != (uint8_t)src_off)
						return "memset wrote a wrong byte";
				if (dst[-1] != 0xee || dst[n] != 0xee)
					return "memset wrote outside its destination";
				cases++;
			}
	printk("selftest string: memcpy and memset right in %u cases\n", cases);
	return NULL;
}

static const char *selftest_ready(void)
{
	return NULL;
}

static const struct {
	const char *name;
	const char *(*fn)(void);
} selftests[] = {
	{ "ready", selftest_ready },	       { "alloc-all", selftest_alloc_all },
	{ "timers", selftest_timers },	       { "ipi", selftest_ipi },
	{ "fault-ud", selftest_fault_ud },     { "fault-pf", selftest_fault_pf },
	{ "fault-gp", selftest_fault_gp },     { "fault-de", selftest_fault_de },
	{ "fault-ro", selftest_fault_ro },     { "fault-nx", selftest_fault_nx },
	{ "guest-copy", selftest_guest_copy }, { "fault-smap", selftest_fault_smap },
	{ "string", selftest_string },
};

void selftest_run(const char *name)
{
	const char *fail = "unknown self-test";

	for (size_t i = 0; i < ARRAY_SIZE(selftests); i++)
		if (!strcmp(selftests[i].name, name))
			fail = selftests[i].fn();
	if (fail) {
		printk("selftest %s: FAIL %s\n", name, fail);
		machine_power_off(KEEL_EXIT_FAILURE);
	}
	printk("selftest %s: PASS\n", name);
	machine_power_off(KEEL_EXIT_SUCCESS);
}
