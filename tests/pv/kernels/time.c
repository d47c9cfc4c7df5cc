/*
 * tests/pv/kernels/time.c - time and timers: the pvclock record in
 * vcpu_info (struct vcpu_time_info), the wall clock in shared_info,
 * set_timer_op, the VCPUOP singleshot and periodic timers, VIRQ_TIMER, and
 * SCHEDOP_block/SCHEDOP_poll waking on the timer.
 *
 * System time is computed from the record the way the public header says:
 * read version (even), the fields and rdtsc, then version again (retry if
 * it was odd or changed); delta = rdtsc - tsc_timestamp, shifted left by
 * tsc_shift (right if negative), times tsc_to_system_mul, >> 32, plus
 * system_time.
 *
 * The timer tests bind VIRQ_TIMER on vCPU 0, unmask the port and look at
 * its pending bit in shared_info rather than at upcalls: events stay masked
 * (vcpu_info.evtchn_upcall_mask = 1) except while SCHEDOP_block, which
 * unmasks them itself, so the harness's event callback only runs after a
 * block.  Before waiting, the port's pending bit, vCPU 0's pending selector
 * and evtchn_upcall_pending are cleared: Xen's 2-level set_pending only
 * marks the vCPU (and wakes it) when the selector bit goes from 0 to 1.
 * Every wait has a timeout, through SCHEDOP_poll, except the one
 * SCHEDOP_block on a set_timer_op deadline.
 *
 * Time bounds: lower bounds are exact (a timer never fires before its
 * deadline); upper bounds are 1 s or more (TCG is slow).  Where Xen 4.17
 * does something one would not guess, a comment says "Xen 4.17": Keel must
 * do the same.  run-on-xen.sh boots dom0 with one vCPU (QEMU -smp 1).
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>

#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define BAD_PTR ((void *)HYPERVISOR_VIRT_START)

#define MS  1000000ULL
#define SEC 1000000000ULL

/* 2020-01-01T00:00:00Z: QEMU's RTC follows the host clock. */
#define EPOCH_2020 1577836800U

/*
 * x86 never reorders loads with other loads, so the read protocol only
 * needs the compiler to keep its order.
 */
static inline void rmb(void)
{
	__asm__ volatile("" ::: "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* -------------------------------------------------------------------------- */
/* pvclock */

/* A consistent copy of vCPU 0's vcpu_time_info and a TSC read with it. */
struct pvclock {
	uint32_t version;
	uint64_t tsc_timestamp, system_time;
	uint32_t mul;
	int8_t shift;
	uint8_t flags;
	uint64_t tsc;	      /* rdtsc between the two version reads */
	unsigned int retries; /* reads that saw an odd or changed version */
};

static void pvclock_read(struct pvclock *c)
{
	volatile struct vcpu_time_info *t = &pv_vcpu0->time;
	uint32_t v;

	c->retries = 0;
	for (;;) {
		v = t->version;
		rmb();
		c->tsc_timestamp = t->tsc_timestamp;
		c->system_time = t->system_time;
		c->mul = t->tsc_to_system_mul;
		c->shift = t->tsc_shift;
		c->flags = t->flags;
		c->tsc = rdtsc();
		rmb();
		if (!(v & 1) && t->version == v)
			break;
		c->retries++;
	}
	c->version = v;
}

/* Nanoseconds for @delta TSC ticks at @mul and @shift. */
static uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* System time at TSC value @tsc by the record @c. */
static uint64_t pvclock_at(const struct pvclock *c, uint64_t tsc)
{
	return c->system_time + pvclock_scale(tsc - c->tsc_timestamp, c->mul, c->shift);
}

/* TSC frequency in Hz by the header's formula: ((10^9 << 32) / mul) >> shift. */
static uint64_t pvclock_tsc_hz(const struct pvclock *c)
{
	uint64_t hz = (SEC << 32) / c->mul;

	return c->shift < 0 ? hz << -c->shift : hz >> c->shift;
}

static uint64_t now_ns(void)
{
	struct pvclock c;

	pvclock_read(&c);
	return pvclock_at(&c, c.tsc);
}

/* -------------------------------------------------------------------------- */
/* VIRQ_TIMER's event channel */

static evtchn_port_t timer_port;

#define PORT_WORD(p) ((p) / (8 * sizeof(xen_ulong_t)))
#define PORT_BIT(p)  (1UL << ((p) % (8 * sizeof(xen_ulong_t))))

static bool port_pending(evtchn_port_t p)
{
	return pv_shared_info->evtchn_pending[PORT_WORD(p)] & PORT_BIT(p);
}

static void port_clear(evtchn_port_t p)
{
	__atomic_fetch_and(&pv_shared_info->evtchn_pending[PORT_WORD(p)], ~PORT_BIT(p),
			   __ATOMIC_SEQ_CST);
}

/* Forgets every trace of a timer event: port bit, selector, upcall flag. */
static void clear_events(void)
{
	port_clear(timer_port);
	__atomic_exchange_n(&pv_vcpu0->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	pv_vcpu0->evtchn_upcall_pending = 0;
}

/* Stops the periodic and the singleshot timer of vCPU 0. */
static long stop_timers(void)
{
	long a = hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	long b = hyp_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);

	return a ? a : b;
}

/* Binds VIRQ_TIMER on vCPU 0 to timer_port, unmasked and not pending. */
static bool timer_bind(void)
{
	struct evtchn_bind_virq b = {.virq = VIRQ_TIMER, .vcpu = 0};
	struct evtchn_unmask u;

	if (!EXPECT_EQ(hyp_event_channel_op(EVTCHNOP_bind_virq, &b), 0))
		return false;
	timer_port = b.port;
	clear_events();
	__atomic_fetch_and(&pv_shared_info->evtchn_mask[PORT_WORD(b.port)], ~PORT_BIT(b.port),
			   __ATOMIC_SEQ_CST);
	u.port = b.port;
	EXPECT_EQ(hyp_event_channel_op(EVTCHNOP_unmask, &u), 0);
	clear_events();
	return true;
}

/* Every timer stopped, then timer_bind(). */
static bool timer_setup(void)
{
	if (!EXPECT_EQ(stop_timers(), 0))
		return false;
	return timer_bind();
}

/* Stops the timers, masks and closes timer_port, clears what it left. */
static void timer_teardown(void)
{
	struct evtchn_close c = {.port = timer_port};

	EXPECT_EQ(stop_timers(), 0);
	__atomic_fetch_or(&pv_shared_info->evtchn_mask[PORT_WORD(timer_port)], PORT_BIT(timer_port),
			  __ATOMIC_SEQ_CST);
	EXPECT_EQ(hyp_event_channel_op(EVTCHNOP_close, &c), 0);
	clear_events();
}

/* SCHEDOP_poll on timer_port until @timeout (absolute system time; 0: none). */
static long poll_timer(uint64_t timeout)
{
	struct sched_poll p = {.nr_ports = 1, .timeout = timeout};

	set_xen_guest_handle(p.ports, &timer_port);
	return hyp_sched_op(SCHEDOP_poll, &p);
}

/*
 * SCHEDOP_block, which unmasks events; stores the upcall mask it returned
 * with in @mask_after, then masks events again.
 */
static long block(uint8_t *mask_after)
{
	long rc = hyp_sched_op(SCHEDOP_block, NULL);

	*mask_after = pv_vcpu0->evtchn_upcall_mask;
	pv_vcpu0->evtchn_upcall_mask = 1;
	return rc;
}

/*
 * Spins until timer_port has been pending @n times (clearing it each time)
 * or @limit ns have passed; stores the times of the first and the last
 * delivery seen.  Returns the number seen.
 */
static unsigned int count_ticks(unsigned int n, uint64_t limit, uint64_t *first, uint64_t *last)
{
	uint64_t t0 = now_ns(), t = t0;
	unsigned int seen = 0;

	while (seen < n && t - t0 < limit) {
		t = now_ns();
		if (port_pending(timer_port)) {
			port_clear(timer_port);
			if (!seen++)
				*first = t;
			*last = t;
		}
	}
	return seen;
}

/* -------------------------------------------------------------------------- */

/* The record: version even once read stably, a scale, a timestamp in the past. */
TEST(pvclock, record)
{
	struct pvclock c;

	pvclock_read(&c);
	pv_printf("version %u tsc_timestamp %lu system_time %lu mul %u shift %d flags %#x "
		  "(TSC_STABLE %d) retries %u\n",
		  c.version, c.tsc_timestamp, c.system_time, c.mul, c.shift, c.flags,
		  !!(c.flags & XEN_PVCLOCK_TSC_STABLE_BIT), c.retries);
	EXPECT_EQ(c.version & 1, 0);
	EXPECT_NE(c.version, 0); /* Xen has written it at least once */
	EXPECT_NE(c.mul, 0);
	EXPECT_TRUE(c.shift >= -32 && c.shift <= 32);
	EXPECT_TRUE(c.tsc >= c.tsc_timestamp);
	/* Nanoseconds since Xen booted: more than 0, less than a day. */
	EXPECT_TRUE(c.system_time > 0);
	EXPECT_TRUE(pvclock_at(&c, c.tsc) < 86400 * SEC);
	EXPECT_EQ(c.flags & ~(XEN_PVCLOCK_TSC_STABLE_BIT | XEN_PVCLOCK_GUEST_STOPPED), 0);
}

/*
 * The scale gives a plausible TSC frequency, and system time advances by
 * it: a busy loop of (at least) 20 ms of TSC ticks is as much system time
 * (+-1 ms for a record update in between), and a 20 ms SCHEDOP_poll timeout (Xen's
 * own clock) is at least 20 ms of TSC ticks.
 */
TEST(pvclock, rate)
{
	struct sched_poll p = {.nr_ports = 0};
	evtchn_port_t none = 0;
	struct pvclock c0, c1;
	uint64_t hz, ticks, ns, want;

	pvclock_read(&c0);
	hz = pvclock_tsc_hz(&c0);
	pv_printf("TSC %lu kHz by the record\n", hz / 1000);
	ASSERT_TRUE(hz > 100000000UL && hz < 20000000000UL); /* 100 MHz - 20 GHz */

	ticks = hz / 50;
	do
		pvclock_read(&c1);
	while (c1.tsc - c0.tsc < ticks);
	ns = pvclock_at(&c1, c1.tsc) - pvclock_at(&c0, c0.tsc);
	pv_printf("busy loop of %lu TSC ticks: %lu ns of system time\n", c1.tsc - c0.tsc, ns);
	/*
	 * Against the ticks that really passed: the loop's last turn may run
	 * long (an interrupt in between, a slow emulator), which says nothing
	 * about the clock's rate.
	 */
	want = (c1.tsc - c0.tsc) * SEC / hz; /* fits: well under a second of ticks */
	EXPECT_TRUE(ns + MS >= want && ns <= want + MS);

	/* SCHEDOP_poll on no ports: just the timeout. */
	set_xen_guest_handle(p.ports, &none);
	pvclock_read(&c0);
	p.timeout = pvclock_at(&c0, c0.tsc) + 20 * MS;
	EXPECT_EQ(hyp_sched_op(SCHEDOP_poll, &p), 0);
	pvclock_read(&c1);
	ns = pvclock_at(&c1, c1.tsc) - pvclock_at(&c0, c0.tsc);
	pv_printf("poll 20 ms: %lu ns, %lu TSC ticks\n", ns, c1.tsc - c0.tsc);
	EXPECT_TRUE(ns >= 20 * MS);
	EXPECT_TRUE(c1.tsc - c0.tsc >= ticks - ticks / 20);
}

/*
 * Many reads over 1.2 s never go backwards while the record stays the same.
 * Xen 4.17 rewrites the record about once a second (time calibration, the
 * version goes up by 2, tsc_to_system_mul changes a little); without
 * XEN_PVCLOCK_TSC_STABLE_BIT it promises no monotonicity across such an
 * update: the new system_time was seen 0 to ~150 us ahead of the old
 * record's extrapolation.  So across an update the step only has to be
 * within 1 ms either way.  Keel need not rewrite the record at all.
 */
TEST(pvclock, monotonic)
{
	struct pvclock c, last;
	uint64_t t0, t, prev, reads = 0, updates = 0, back = 0;
	long step, min_step = 0, max_step = 0;

	pvclock_read(&last);
	t0 = prev = pvclock_at(&last, last.tsc);
	do {
		pvclock_read(&c);
		t = pvclock_at(&c, c.tsc);
		reads++;
		if (c.version != last.version) {
			step = (long)(c.system_time - pvclock_at(&last, c.tsc_timestamp));
			if (updates < 3)
				pv_printf(
				    "record update: version %u -> %u, mul %u -> %u, step %ld ns\n",
				    last.version, c.version, last.mul, c.mul, step);
			if (!updates || step < min_step)
				min_step = step;
			if (!updates || step > max_step)
				max_step = step;
			EXPECT_EQ(c.version & 1, 0);
			updates++;
			last = c;
		} else if (t < prev) {
			back++;
		}
		prev = t;
	} while (t - t0 < 1200 * MS);
	pv_printf("%lu reads, %lu record updates (steps %ld..%ld ns), %lu steps back\n", reads,
		  updates, min_step, max_step, back);
	EXPECT_EQ(back, 0);
	EXPECT_TRUE(min_step > -(long)MS && max_step < (long)MS);
	EXPECT_TRUE(reads >= 1000);
}

/*
 * shared_info's wall clock (the Unix time at system time 0): version even,
 * seconds after 2020 (QEMU's RTC is the host clock), nanoseconds < 10^9,
 * wc_sec_hi 0.
 */
TEST(wallclock, plausible)
{
	volatile struct shared_info *s = pv_shared_info;
	uint32_t v, sec, nsec, hi;
	unsigned int retries = 0;
	uint64_t now;

	for (;;) {
		v = s->wc_version;
		rmb();
		sec = s->wc_sec;
		nsec = s->wc_nsec;
		hi = s->wc_sec_hi;
		rmb();
		if (!(v & 1) && s->wc_version == v)
			break;
		retries++;
	}
	now = now_ns();
	pv_printf("wc_version %u wc_sec %u wc_nsec %u wc_sec_hi %u retries %u; now %lu s\n", v, sec,
		  nsec, hi, retries, (unsigned long)(sec + (nsec + now) / SEC));
	EXPECT_EQ(v & 1, 0);
	EXPECT_TRUE(sec > EPOCH_2020);
	EXPECT_TRUE(nsec < SEC);
	EXPECT_EQ(hi, 0);
}

/* -------------------------------------------------------------------------- */

/*
 * Xen 4.17: dom0's vCPU 0 starts with a 10 ms periodic timer (Linux stops
 * it at boot).  It raises VIRQ_TIMER once that is bound: seen here before
 * any VCPUOP_set_periodic_timer.  Ticks are at least 10 ms apart in Xen's time:
 * 4 ticks span >= 20 ms even if the first was seen up to 10 ms late.
 */
TEST(periodic_timer, default_10ms)
{
	uint64_t first = 0, last = 0;
	unsigned int n;

	ASSERT_TRUE(timer_bind()); /* no stop_timers() here */
	n = count_ticks(4, SEC, &first, &last);
	pv_printf("default periodic timer: %u ticks in %lu ns\n", n, last - first);
	EXPECT_EQ(n, 4);
	EXPECT_TRUE(last - first >= 20 * MS);
	timer_teardown();
}

/*
 * Xen 4.17: period_ns must be in [1 ms, 2^62 - 1] (STIME_DELTA_MAX), else
 * -EINVAL; a bad pointer is -EFAULT; stop ignores its argument.
 */
TEST(periodic_timer, period_limits)
{
	static const struct {
		uint64_t period;
		long rc;
	} cases[] = {
	    {0, -XEN_EINVAL},
	    {1, -XEN_EINVAL},
	    {MS - 1, -XEN_EINVAL},
	    {MS, 0},
	    {MS + 1, 0},
	    {SEC, 0},
	    {(1ULL << 62) - 1, 0},
	    {1ULL << 62, -XEN_EINVAL},
	    {1ULL << 63, -XEN_EINVAL},
	    {~0ULL, -XEN_EINVAL},
	};
	struct vcpu_set_periodic_timer p;

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p.period_ns = cases[i].period;
		if (!EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), cases[i].rc))
			pv_printf("  period_ns %#lx\n", cases[i].period);
	}
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, 0, BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, 0, NULL), -XEN_EFAULT);
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, BAD_PTR), 0);
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
}

/*
 * A 1 ms periodic timer: 6 ticks come quickly (seen: ~11-16 in 20 ms under
 * TCG), no two closer than 1 ms in Xen's time; stopped, no more.
 */
TEST(periodic_timer, one_ms)
{
	struct vcpu_set_periodic_timer p = {.period_ns = MS};
	uint64_t first = 0, last = 0;
	unsigned int n;

	ASSERT_TRUE(timer_setup());
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
	n = count_ticks(6, SEC, &first, &last);
	pv_printf("1 ms periodic timer: %u ticks in %lu ns\n", n, last - first);
	EXPECT_EQ(n, 6);
	/* 5 periods between the first tick and the sixth, the first seen up to 2 ms late. */
	EXPECT_TRUE(last - first >= 3 * MS);

	EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	clear_events();
	n = count_ticks(1, 50 * MS, &first, &last);
	EXPECT_EQ(n, 0);
	timer_teardown();
}

/*
 * Xen 4.17: the periodic timer does not wake a blocked vCPU (it is stopped
 * while the vCPU is descheduled); the tick it missed is sent as soon as the
 * vCPU runs again.  With a 100 ms period, a SCHEDOP_poll with a 300 ms
 * timeout started right after a tick sleeps the full 300 ms and returns
 * with the port pending.  (So a SCHEDOP_poll with no timeout and only a
 * periodic timer never returns: seen hanging.)
 */
TEST(periodic_timer, not_while_blocked)
{
	struct vcpu_set_periodic_timer p = {.period_ns = 100 * MS};
	uint64_t first = 0, last = 0, t0, t1;

	ASSERT_TRUE(timer_setup());
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
	if (!EXPECT_EQ(count_ticks(1, 2 * SEC, &first, &last), 1)) {
		timer_teardown();
		return;
	}
	clear_events();
	t0 = now_ns();
	EXPECT_EQ(poll_timer(t0 + 300 * MS), 0);
	t1 = now_ns();
	pv_printf("poll 300 ms with a 100 ms periodic timer: back after %lu ns, pending %d\n",
		  t1 - t0, port_pending(timer_port));
	EXPECT_TRUE(t1 - t0 >= 300 * MS);
	EXPECT_TRUE(port_pending(timer_port));
	timer_teardown();
}

/* -------------------------------------------------------------------------- */

/*
 * set_timer_op(deadline 5 ms ahead), then SCHEDOP_block: back with the port
 * pending at or after the deadline.  Block unmasked events, so the event
 * callback ran once on the way back (the harness's handler clears
 * evtchn_upcall_pending and returns with events unmasked).
 */
TEST(set_timer_op, deadline_block)
{
	uint64_t t0, t1, deadline;
	uint8_t mask;

	ASSERT_TRUE(timer_setup());
	t0 = now_ns();
	deadline = t0 + 5 * MS;
	EXPECT_EQ(hyp_set_timer_op(deadline), 0);
	EXPECT_TRUE(!port_pending(timer_port));
	pv_trap_reset();
	EXPECT_EQ(block(&mask), 0);
	t1 = now_ns();
	pv_printf("set_timer_op +5 ms, block: back after %lu ns (%lu ns late), %lu upcalls\n",
		  t1 - t0, t1 - deadline, pv_trap_count);
	EXPECT_TRUE(port_pending(timer_port));
	EXPECT_TRUE(t1 >= deadline);
	EXPECT_EQ(mask, 0);
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, PV_VEC_EVENT);
	pv_trap_reset();
	timer_teardown();
}

/*
 * A deadline in the past fires at once: Xen 4.17 runs the timer before the
 * hypercall returns, so the port is already pending when set_timer_op
 * returns; a block then returns at once.
 */
TEST(set_timer_op, past_deadline)
{
	uint64_t t0, t1;
	uint8_t mask;

	ASSERT_TRUE(timer_setup());
	EXPECT_EQ(hyp_set_timer_op(now_ns() - MS), 0);
	EXPECT_TRUE(port_pending(timer_port));
	t0 = now_ns();
	EXPECT_EQ(block(&mask), 0);
	t1 = now_ns();
	EXPECT_TRUE(t1 - t0 < SEC);
	clear_events();
	/* 1 ns after boot: in the past too (only 0 means cancel). */
	EXPECT_EQ(hyp_set_timer_op(1), 0);
	EXPECT_TRUE(port_pending(timer_port));
	pv_trap_reset();
	timer_teardown();
}

/*
 * set_timer_op(0) cancels: a SCHEDOP_poll on the port with a 30 ms timeout
 * sleeps past the cancelled 5 ms deadline and returns 0 with the port not
 * pending.
 */
TEST(set_timer_op, cancel)
{
	uint64_t t0, t1;

	ASSERT_TRUE(timer_setup());
	t0 = now_ns();
	EXPECT_EQ(hyp_set_timer_op(t0 + 5 * MS), 0);
	EXPECT_EQ(hyp_set_timer_op(0), 0);
	EXPECT_EQ(poll_timer(t0 + 30 * MS), 0);
	t1 = now_ns();
	EXPECT_TRUE(t1 - t0 >= 30 * MS);
	EXPECT_TRUE(!port_pending(timer_port));
	/* Cancelling with no timer armed is fine too. */
	EXPECT_EQ(hyp_set_timer_op(0), 0);
	timer_teardown();
}

/*
 * Xen 4.17: a set_timer_op deadline that is negative as a signed 64-bit
 * value, or 2^50 ns (~13 days) or more ahead, is taken for a guest's
 * wrapped jiffies and replaced by "100 ms from now" (a release build says
 * nothing on the console).  Just under 2^50 ns ahead is armed as given.
 */
TEST(set_timer_op, huge_deadline)
{
	static const struct {
		const char *what;
		uint64_t offset; /* from now; bit 63: absolute */
	} cases[] = {
	    {"1 << 63", 1ULL << 63},
	    {"~0", ~0ULL},
	    {"now + 2^50 + 1 s", (1ULL << 50) + SEC},
	};
	uint64_t t0, t1;

	ASSERT_TRUE(timer_setup());
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t o = cases[i].offset;

		clear_events();
		t0 = now_ns();
		EXPECT_EQ(hyp_set_timer_op(o >> 63 ? o : t0 + o), 0);
		EXPECT_TRUE(!port_pending(timer_port));
		EXPECT_EQ(poll_timer(t0 + 2 * SEC), 0);
		t1 = now_ns();
		pv_printf("set_timer_op(%s): fired after %lu ns\n", cases[i].what, t1 - t0);
		EXPECT_TRUE(port_pending(timer_port));
		EXPECT_TRUE(t1 - t0 >= 100 * MS);
		EXPECT_TRUE(t1 - t0 < SEC + 100 * MS);
	}
	clear_events();
	t0 = now_ns();
	EXPECT_EQ(hyp_set_timer_op(t0 + (1ULL << 50) - SEC), 0);
	EXPECT_EQ(poll_timer(t0 + 300 * MS), 0);
	t1 = now_ns();
	EXPECT_TRUE(t1 - t0 >= 300 * MS);
	EXPECT_TRUE(!port_pending(timer_port));
	timer_teardown();
}

/* -------------------------------------------------------------------------- */

/*
 * VCPUOP_set_singleshot_timer 5 ms ahead (VCPU_SSHOTTMR_future), then a
 * SCHEDOP_poll on the port with a 2 s timeout: back with the port pending
 * at or after the deadline.  Poll does not unmask events: no upcall, the
 * mask is still set (the pending port did set evtchn_upcall_pending).
 */
TEST(singleshot, deadline_poll)
{
	struct vcpu_set_singleshot_timer s = {.flags = VCPU_SSHOTTMR_future};
	uint64_t t0, t1;

	ASSERT_TRUE(timer_setup());
	t0 = now_ns();
	s.timeout_abs_ns = t0 + 5 * MS;
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0);
	EXPECT_TRUE(!port_pending(timer_port));
	pv_trap_reset();
	EXPECT_EQ(poll_timer(t0 + 2 * SEC), 0);
	t1 = now_ns();
	pv_printf("singleshot +5 ms, poll: back after %lu ns (%lu ns late)\n", t1 - t0,
		  t1 - s.timeout_abs_ns);
	EXPECT_TRUE(port_pending(timer_port));
	EXPECT_TRUE(t1 >= s.timeout_abs_ns);
	EXPECT_TRUE(t1 - t0 < SEC);
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_pending, 1);
	timer_teardown();
}

/*
 * Xen 4.17 (4.17.7 as Debian ships it) ignores VCPU_SSHOTTMR_future: a past
 * deadline with the flag returns 0, not -ETIME, and fires at once, like one
 * without it (the header: "can be ignored by the hypervisor").  Unknown
 * flag bits are ignored too.
 */
TEST(singleshot, past_deadline)
{
	static const uint32_t flags[] = {0, VCPU_SSHOTTMR_future, 2, ~0U};
	struct vcpu_set_singleshot_timer s;

	ASSERT_TRUE(timer_setup());
	for (unsigned int i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		clear_events();
		s.timeout_abs_ns = now_ns() - MS;
		s.flags = flags[i];
		EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0);
		if (!EXPECT_TRUE(port_pending(timer_port)))
			pv_printf("  flags %#x\n", flags[i]);
	}
	timer_teardown();
}

/*
 * Xen 4.17: a singleshot timeout of 0 is not a cancel (unlike set_timer_op's
 * 0): it is a deadline in the past and fires at once.  The timeout is
 * signed: ~0 (and 1 << 63) is in the past too; no "100 ms" rule here.
 */
TEST(singleshot, zero_and_negative)
{
	static const uint64_t timeouts[] = {0, ~0ULL, 1ULL << 63};
	struct vcpu_set_singleshot_timer s = {.flags = 0};

	ASSERT_TRUE(timer_setup());
	for (unsigned int i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); i++) {
		clear_events();
		s.timeout_abs_ns = timeouts[i];
		EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0);
		if (!EXPECT_TRUE(port_pending(timer_port)))
			pv_printf("  timeout_abs_ns %#lx\n", timeouts[i]);
	}
	timer_teardown();
}

/*
 * VCPUOP_stop_singleshot_timer cancels (it ignores its argument), and
 * set_timer_op and VCPUOP_set_singleshot_timer drive the same timer: each
 * one's cancel stops the other's deadline.  Each case polls 30 ms past a
 * 5 ms deadline and finds the port not pending.
 */
TEST(singleshot, stop)
{
	struct vcpu_set_singleshot_timer s = {.flags = 0};
	uint64_t t0, t1;

	ASSERT_TRUE(timer_setup());
	for (unsigned int i = 0; i < 3; i++) {
		clear_events();
		t0 = now_ns();
		s.timeout_abs_ns = t0 + 5 * MS;
		if (i == 2) {
			EXPECT_EQ(hyp_set_timer_op(s.timeout_abs_ns), 0);
		} else {
			EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0);
		}
		if (i == 1)
			EXPECT_EQ(hyp_set_timer_op(0), 0);
		else
			EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_singleshot_timer, 0, BAD_PTR), 0);
		EXPECT_EQ(poll_timer(t0 + 30 * MS), 0);
		t1 = now_ns();
		EXPECT_TRUE(t1 - t0 >= 30 * MS);
		if (!EXPECT_TRUE(!port_pending(timer_port)))
			pv_printf("  case %u\n", i);
	}
	/* A second set replaces the deadline: only the later one fires. */
	clear_events();
	t0 = now_ns();
	s.timeout_abs_ns = t0 + 5 * MS;
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0);
	s.timeout_abs_ns = t0 + 50 * MS;
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0);
	EXPECT_EQ(poll_timer(t0 + 2 * SEC), 0);
	t1 = now_ns();
	EXPECT_TRUE(port_pending(timer_port));
	EXPECT_TRUE(t1 >= t0 + 50 * MS);
	timer_teardown();
}

/* A bad pointer: -EFAULT, and nothing is armed. */
TEST(singleshot, bad_pointer)
{
	uint64_t t0;

	ASSERT_TRUE(timer_setup());
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, BAD_PTR), -XEN_EFAULT);
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, NULL), -XEN_EFAULT);
	EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)0x1000), -XEN_EFAULT);
	t0 = now_ns();
	EXPECT_EQ(poll_timer(t0 + 20 * MS), 0);
	EXPECT_TRUE(!port_pending(timer_port));
	timer_teardown();
}

/*
 * vCPU ids.  run-on-xen.sh boots dom0 with one vCPU (max_vcpus 1), so every
 * id but 0 is -ENOENT, for every timer op, before the argument is looked at
 * (a bad pointer or an unknown command with such an id is -ENOENT too; an
 * unknown command on vCPU 0 is -ENOSYS).
 *
 * Xen 4.17 with more vCPUs (dom0_max_vcpus=4 on its command line): the ids
 * below max_vcpus all exist (is_up 0, down); on them the singleshot ops are
 * -EINVAL (not the calling vCPU; checked before the argument), the periodic
 * ops work (0, or -EFAULT for a bad pointer), an unknown command -ENOSYS;
 * ids from max_vcpus up are -ENOENT.  Checked here for whatever vCPUs exist.
 */
TEST(vcpu_op, vcpu_ids)
{
	static const unsigned int far_ids[] = {127, 128, 4095, 0x7fffffff, 0xffffffff};
	struct vcpu_set_singleshot_timer s = {.timeout_abs_ns = 0, .flags = 0};
	struct vcpu_set_periodic_timer p = {.period_ns = 10 * MS};
	unsigned int nr = 1, ids[2 + sizeof(far_ids) / sizeof(far_ids[0])], nr_ids = 0;

	EXPECT_EQ(hyp_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	while (nr < 64 && hyp_vcpu_op(VCPUOP_is_up, nr, NULL) >= 0)
		nr++;
	pv_printf("dom0 has %u vCPUs\n", nr);
	for (unsigned int id = 1; id < nr; id++) {
		bool ok = true;

		s.timeout_abs_ns = now_ns() + SEC;
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_is_up, id, NULL), 0);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, id, &s), -XEN_EINVAL);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, id, BAD_PTR), -XEN_EINVAL);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_singleshot_timer, id, NULL), -XEN_EINVAL);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, id, &p), 0);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, id, BAD_PTR), -XEN_EFAULT);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, id, NULL), 0);
		ok &= EXPECT_EQ(hyp_vcpu_op(99, id, NULL), -XEN_ENOSYS);
		if (!ok)
			pv_printf("  vcpu id %u (exists)\n", id);
	}
	ids[nr_ids++] = nr;
	ids[nr_ids++] = nr + 1;
	for (unsigned int i = 0; i < sizeof(far_ids) / sizeof(far_ids[0]); i++)
		if (far_ids[i] > nr + 1)
			ids[nr_ids++] = far_ids[i];
	for (unsigned int i = 0; i < nr_ids; i++) {
		unsigned int id = ids[i];
		bool ok = true;

		s.timeout_abs_ns = now_ns() + SEC;
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_is_up, id, NULL), -XEN_ENOENT);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, id, &s), -XEN_ENOENT);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_singleshot_timer, id, BAD_PTR), -XEN_ENOENT);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_singleshot_timer, id, NULL), -XEN_ENOENT);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, id, &p), -XEN_ENOENT);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_set_periodic_timer, id, BAD_PTR), -XEN_ENOENT);
		ok &= EXPECT_EQ(hyp_vcpu_op(VCPUOP_stop_periodic_timer, id, NULL), -XEN_ENOENT);
		ok &= EXPECT_EQ(hyp_vcpu_op(99, id, NULL), -XEN_ENOENT);
		if (!ok)
			pv_printf("  vcpu id %#x\n", id);
	}
	EXPECT_EQ(hyp_vcpu_op(99, 0, NULL), -XEN_ENOSYS);
	EXPECT_EQ(hyp_vcpu_op(-1, 0, NULL), -XEN_ENOSYS);
	EXPECT_EQ(stop_timers(), 0);
}

/* -------------------------------------------------------------------------- */

/*
 * SCHEDOP_poll on the timer port with a timeout already past (1 ns after
 * boot, or 1 ms ago) returns 0 at once, the port not pending.  An already
 * pending port returns at once whatever the timeout.
 */
TEST(sched_poll, past_timeout)
{
	uint64_t t0, t1;

	ASSERT_TRUE(timer_setup());
	t0 = now_ns();
	EXPECT_EQ(poll_timer(1), 0);
	EXPECT_EQ(poll_timer(t0 - MS), 0);
	t1 = now_ns();
	pv_printf("two polls with past timeouts: %lu ns\n", t1 - t0);
	EXPECT_TRUE(t1 - t0 < SEC);
	EXPECT_TRUE(!port_pending(timer_port));

	EXPECT_EQ(hyp_set_timer_op(1), 0);
	EXPECT_TRUE(port_pending(timer_port));
	t0 = now_ns();
	EXPECT_EQ(poll_timer(t0 + 10 * SEC), 0);
	t1 = now_ns();
	EXPECT_TRUE(t1 - t0 < SEC);
	EXPECT_TRUE(port_pending(timer_port));
	timer_teardown();
}
