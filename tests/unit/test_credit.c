/*
 * tests/unit/test_credit.c - the credit scheduler (sched/credit*.c)
 * driven directly through sched/policy.h, one decision at a time:
 * parameters, priorities and boost, the rate limit, yield, parking,
 * debits of measured time, stealing and affinity, water-filled issue,
 * removal, and a random stress test of the invariants a machine relies
 * on (a vCPU runs on one CPU at most, only where it may, books balance).
 * Whole workloads over simulated time are in test_credit_sim.c.
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
#include "sched/credit.h"
#include "sched/policy.h"

#define MS (1000ULL * 1000)
#define US 1000ULL

static struct sched s;
static struct sched_dom dom[4];
static struct sched_vcpu vc[16];
static uint64_t timer[SCHED_MAX_CPUS];

/* Lets the CPUs in mask pick, as a machine would; returns what cpu `watch` runs after. */
static void settle(sched_cpumask_t mask, uint64_t now)
{
	for (unsigned int rounds = 0; mask; rounds++) {
		unsigned int cpu = (unsigned int)__builtin_ctzll(mask);
		struct sched_choice ch = sched_pick_next(&s, cpu, now);

		assert_true(rounds < 100);
		mask &= ~sched_cpu_bit(cpu);
		mask |= ch.tickle;
		timer[cpu] = ch.timer_ns;
	}
}

static void tick(unsigned int cpu, uint64_t now)
{
	settle(sched_tick(&s, cpu, now, &timer[cpu]), now);
}

static struct sched_vcpu *curr(unsigned int cpu)
{
	return s.cpu[cpu].curr;
}

static int setup_n(unsigned int nr_cpus)
{
	sched_init(&s, &credit_ops, NULL, nr_cpus);
	memset(timer, 0, sizeof(timer));
	for (unsigned int d = 0; d < 4; d++)
		sched_dom_add(&s, &dom[d], NULL);
	return 0;
}

static int setup1(void **state)
{
	(void)state;
	return setup_n(1);
}

static int setup2(void **state)
{
	(void)state;
	return setup_n(2);
}

static int setup4(void **state)
{
	(void)state;
	return setup_n(4);
}

static void add(unsigned int v, unsigned int d, unsigned int cpu)
{
	sched_vcpu_add(&s, &vc[v], &dom[d], NULL, cpu);
}

static void test_params_ranges(void **state)
{
	struct sched_params p;

	(void)state;
	sched_params_default(&p);
	assert_int_equal(p.tslice_ns, 30 * MS);
	assert_int_equal(p.ratelimit_ns, 1 * MS);
	assert_int_equal(p.tick_ns, 10 * MS);
	assert_int_equal(p.period_ns, 30 * MS);
	assert_true(p.boost);
	assert_int_equal(sched_params_check(&p), 0);
	p.ratelimit_ns = 0; /* off is allowed */
	assert_int_equal(sched_params_check(&p), 0);
	p.ratelimit_ns = 50 * US;
	assert_int_equal(sched_params_check(&p), -EINVAL);
	p.ratelimit_ns = 31 * MS; /* longer than the slice */
	assert_int_equal(sched_params_check(&p), -EINVAL);
	p.ratelimit_ns = MS;
	p.tslice_ns = 500 * US;
	assert_int_equal(sched_params_check(&p), -EINVAL);
	p.tslice_ns = 2000 * MS;
	assert_int_equal(sched_params_check(&p), -EINVAL);
}

static void test_weight_and_cap_checked(void **state)
{
	sched_cpumask_t t = 0;

	(void)state;
	add(0, 0, 0);
	add(1, 0, 0);
	assert_int_equal(dom[0].weight, SCHED_DEFAULT_WEIGHT);
	assert_int_equal(dom[0].cap, 0);
	assert_int_equal(sched_dom_set(&s, &dom[0], 0, 0, 0, &t), -EINVAL);
	assert_int_equal(sched_dom_set(&s, &dom[0], 65536, 0, 0, &t), -EINVAL);
	assert_int_equal(sched_dom_set(&s, &dom[0], 100, 201, 0, &t), -EINVAL); /* 2 vCPUs: 200 % */
	assert_int_equal(dom[0].weight, SCHED_DEFAULT_WEIGHT);
	assert_int_equal(sched_dom_set(&s, &dom[0], 65535, 200, 0, &t), 0);
	assert_int_equal(dom[0].weight, 65535);
	assert_int_equal(dom[0].cap, 200);
	/* A vCPU fewer: the cap shrinks to what is left. */
	sched_vcpu_remove(&s, &vc[1]);
	assert_int_equal(dom[0].cap, 100);
}

static void test_wake_on_idle_cpu_runs_at_once(void **state)
{
	sched_cpumask_t mask;

	(void)state;
	add(0, 0, 0);
	mask = sched_vcpu_wake(&s, &vc[0], 0);
	assert_int_equal(mask, sched_cpu_bit(0));
	settle(mask, 0);
	assert_ptr_equal(curr(0), &vc[0]);
	assert_int_equal(vc[0].where, SCHED_RUNNING);
	assert_true(timer[0] > 0 && timer[0] <= 10 * MS); /* at least its tick */
	/* Waking it again changes nothing. */
	assert_int_equal(sched_vcpu_wake(&s, &vc[0], 1 * MS), 0);
}

static void test_debit_is_time_actually_run(void **state)
{
	(void)state;
	add(0, 0, 0);
	settle(sched_vcpu_wake(&s, &vc[0], 0), 0);
	tick(0, 10 * MS); /* first tick: issues a period and debits 10 ms */
	assert_int_equal(s.credit.consumed_ns, 10 * MS);
	/* It blocks 3.3 ms later, before any tick: it still pays exactly 3.3 ms. */
	settle(sched_vcpu_sleep(&s, &vc[0], 13 * MS + 300 * US), 13 * MS + 300 * US);
	assert_null(curr(0));
	assert_int_equal(s.credit.consumed_ns, 13 * MS + 300 * US);
	assert_int_equal(vc[0].run_ns, 13 * MS + 300 * US);
	assert_int_equal(credit_unaccounted_ns(&s), 0);
}

/* Two hogs on one CPU until both have had a period's credit. */
static void two_hogs(void)
{
	add(0, 0, 0);
	add(1, 1, 0);
	settle(sched_vcpu_wake(&s, &vc[0], 0) | sched_vcpu_wake(&s, &vc[1], 0), 0);
	assert_ptr_equal(curr(0), &vc[0]);
}

static void test_boost_preempts_a_hog(void **state)
{
	uint64_t now;

	(void)state;
	two_hogs();
	add(2, 2, 0); /* an I/O vCPU: blocked, but it ran and earned */
	settle(sched_vcpu_wake(&s, &vc[2], 0), 0);
	tick(0, 10 * MS);
	settle(sched_vcpu_sleep(&s, &vc[2], 10 * MS), 10 * MS);
	now = 10 * MS;
	for (unsigned int i = 0; i < 6; i++)
		tick(0, now += 10 * MS);
	assert_true(vc[2].credit.balance > 0);
	/* It wakes with credit while a hog has run for a while: BOOST, preempts at once. */
	now += 5 * MS;
	assert_true(sched_vcpu_wake(&s, &vc[2], now) & sched_cpu_bit(0));
	assert_int_equal(vc[2].credit.prio, CREDIT_PRIO_BOOST);
	settle(sched_cpu_bit(0), now);
	assert_ptr_equal(curr(0), &vc[2]);
	/* The boost ends at its first tick. */
	tick(0, timer[0] > now + 10 * MS ? now + 10 * MS : timer[0]);
	assert_false(vc[2].credit.boosted);
}

static void test_no_boost_when_switched_off(void **state)
{
	struct sched_params p;

	(void)state;
	sched_params_default(&p);
	p.boost = false;
	sched_init(&s, &credit_ops, &p, 1);
	sched_dom_add(&s, &dom[0], NULL);
	add(0, 0, 0);
	vc[0].credit.balance = 5 * MS; /* as if earned */
	s.credit.issued_ns = 5 * MS;
	sched_vcpu_wake(&s, &vc[0], 0);
	assert_int_equal(vc[0].credit.prio, CREDIT_PRIO_UNDER);
	assert_false(vc[0].credit.boosted);
}

static void test_rate_limit_keeps_the_runner_1ms(void **state)
{
	uint64_t start;

	(void)state;
	two_hogs();
	add(2, 2, 0);
	vc[2].credit.balance = 5 * MS;
	s.credit.issued_ns = 5 * MS;
	start = vc[0].credit.started_ns;
	/* vc[2] wakes boosted 0.4 ms after vc[0] got the CPU: vc[0] keeps it until 1 ms. */
	settle(sched_vcpu_wake(&s, &vc[2], start + 400 * US), start + 400 * US);
	assert_ptr_equal(curr(0), &vc[0]);
	assert_int_equal(timer[0], start + 1 * MS);
	tick(0, start + 1 * MS);
	assert_ptr_equal(curr(0), &vc[2]);
}

static void test_yield_lets_the_other_run(void **state)
{
	(void)state;
	two_hogs();
	settle(sched_vcpu_yield(&s, &vc[0]),
	       100 * US); /* inside the rate limit: a yield is not a preemption */
	assert_ptr_equal(curr(0), &vc[1]);
	/* Alone, a yield changes nothing. */
	settle(sched_vcpu_sleep(&s, &vc[0], 200 * US), 200 * US);
	settle(sched_vcpu_yield(&s, &vc[1]), 300 * US);
	assert_ptr_equal(curr(0), &vc[1]);
}

static void test_capped_vcpu_parks_on_an_idle_cpu(void **state)
{
	sched_cpumask_t t = 0;
	uint64_t now = 0;

	(void)state;
	add(0, 0, 0);
	assert_int_equal(sched_dom_set(&s, &dom[0], 256, 10, 0, &t), 0);
	/* No credit yet: runnable, but parked, and the idle CPU keeps a timer for the accounting.
	 */
	settle(sched_vcpu_wake(&s, &vc[0], 0), 0);
	assert_int_equal(vc[0].where, SCHED_PARKED);
	assert_null(curr(0));
	/* Over 3 s it runs 10 % of the time, though nothing else wants the CPU. */
	for (unsigned int i = 0; i < 100000 && now < 3000 * MS; i++) {
		uint64_t next = timer[0] ? timer[0] : now + MS;

		tick(0, now = next);
	}
	settle(sched_vcpu_sleep(&s, &vc[0], now), now);
	assert_true(vc[0].run_ns > 290 * MS && vc[0].run_ns < 310 * MS);
	assert_int_equal(credit_unaccounted_ns(&s), 0);
}

static void test_uncapping_unparks(void **state)
{
	sched_cpumask_t t = 0;

	(void)state;
	add(0, 0, 0);
	sched_dom_set(&s, &dom[0], 256, 50, 0, &t);
	settle(sched_vcpu_wake(&s, &vc[0], 0), 0);
	assert_int_equal(vc[0].where, SCHED_PARKED);
	t = 0;
	assert_int_equal(sched_dom_set(&s, &dom[0], 256, 0, 1 * MS, &t), 0);
	settle(t, 1 * MS);
	assert_ptr_equal(curr(0), &vc[0]);
}

static void test_idle_cpu_steals_queued_work(void **state)
{
	(void)state;
	add(0, 0, 0);
	add(1, 1, 0);
	/* Both placed on CPU 0 while CPU 1 looks busy (pinned for a moment). */
	sched_vcpu_set_affinity(&s, &vc[1], sched_cpu_bit(0), 0, &(sched_cpumask_t){0});
	settle(sched_vcpu_wake(&s, &vc[0], 0) | sched_vcpu_wake(&s, &vc[1], 0), 0);
	assert_ptr_equal(curr(0), &vc[0]);
	assert_int_equal(vc[1].where, SCHED_QUEUED);
	assert_null(curr(1));
	/* Allowed everywhere again: the idle CPU takes it. */
	sched_vcpu_set_affinity(&s, &vc[1], 3, 0, &(sched_cpumask_t){0});
	settle(sched_cpu_bit(1), 1 * MS);
	assert_ptr_equal(curr(1), &vc[1]);
	assert_int_equal(vc[1].migrations, 1);
	assert_int_equal(s.migrations, 1);
}

static void test_wake_prefers_an_idle_cpu(void **state)
{
	sched_cpumask_t mask;

	(void)state;
	add(0, 0, 0);
	add(1, 1, 0);
	settle(sched_vcpu_wake(&s, &vc[0], 0), 0);
	mask = sched_vcpu_wake(&s, &vc[1], 0);
	assert_int_equal(mask, sched_cpu_bit(1));
	settle(mask, 0);
	assert_ptr_equal(curr(0), &vc[0]);
	assert_ptr_equal(curr(1), &vc[1]);
}

static void test_affinity_is_never_broken(void **state)
{
	sched_cpumask_t t = 0;

	(void)state;
	add(0, 0, 0);
	add(1, 1, 0);
	add(2, 2, 0);
	assert_int_equal(sched_vcpu_set_affinity(&s, &vc[0], sched_cpu_bit(0), 0, &t), 0);
	assert_int_equal(sched_vcpu_set_affinity(&s, &vc[1], sched_cpu_bit(0), 0, &t), 0);
	assert_int_equal(sched_vcpu_set_affinity(&s, &vc[2], 0, 0, &t), -EINVAL);
	assert_int_equal(sched_vcpu_set_affinity(&s, &vc[2], sched_cpu_bit(7), 0, &t), -EINVAL);
	settle(sched_vcpu_wake(&s, &vc[0], 0) | sched_vcpu_wake(&s, &vc[1], 0), 0);
	/* CPU 1 has nothing, yet never takes vc[1]. */
	for (uint64_t now = 1 * MS; now < 500 * MS; now += 1 * MS) {
		tick(0, now);
		settle(sched_cpu_bit(1), now);
		assert_null(curr(1));
		assert_int_equal(vc[1].cpu, 0);
	}
	/* Moving a pinned vCPU elsewhere is refused; within its affinity it is done. */
	assert_int_equal(sched_vcpu_migrate(&s, &vc[1], 1, 500 * MS), 0);
	assert_int_equal(sched_vcpu_set_affinity(&s, &vc[1], sched_cpu_bit(1), 500 * MS, &t), 0);
	settle(t | 3, 500 * MS);
	assert_ptr_equal(curr(1), &vc[1]);
}

/*
 * What XEN_DOMCTL_setvcpuaffinity relies on: a vCPU running on a CPU its
 * new affinity leaves out is off that CPU at its next pick, rate limit or
 * not, and runs where it may; a sleeping one is moved at once.
 */
static void test_running_vcpu_leaves_a_cpu_it_may_no_longer_use(void **state)
{
	sched_cpumask_t t = 0;

	(void)state;
	add(0, 0, 0);
	add(1, 1, 0);
	settle(sched_vcpu_wake(&s, &vc[0], 0), 0);
	assert_ptr_equal(curr(0), &vc[0]);
	/* Well inside its 1 ms rate limit. */
	assert_int_equal(sched_vcpu_set_affinity(&s, &vc[0], sched_cpu_bit(1), 100 * US, &t), 0);
	assert_int_equal(t, sched_cpu_bit(0));
	settle(t, 100 * US);
	assert_null(curr(0));
	assert_ptr_equal(curr(1), &vc[0]);
	assert_int_equal(vc[0].cpu, 1);
	/* Asleep: its CPU changes at once, and it wakes there. */
	t = 0;
	assert_int_equal(sched_vcpu_set_affinity(&s, &vc[1], sched_cpu_bit(1), 200 * US, &t), 0);
	assert_int_equal(vc[1].cpu, 1);
	settle(sched_vcpu_sleep(&s, &vc[0], 300 * US), 300 * US);
	settle(sched_vcpu_wake(&s, &vc[1], 400 * US), 400 * US);
	assert_ptr_equal(curr(1), &vc[1]);
	assert_null(curr(0));
}

static void test_running_vcpu_moves_at_its_next_pick(void **state)
{
	sched_cpumask_t mask;

	(void)state;
	add(0, 0, 0);
	settle(sched_vcpu_wake(&s, &vc[0], 0), 0);
	mask = sched_vcpu_migrate(&s, &vc[0], 1, 2 * MS);
	assert_int_equal(mask, sched_cpu_bit(0)); /* it runs on 0: 0 lets it go first */
	assert_ptr_equal(curr(0), &vc[0]);
	settle(mask, 2 * MS);
	assert_null(curr(0));
	assert_ptr_equal(curr(1), &vc[0]);
}

static void test_big_weight_one_vcpu_leaves_the_rest(void **state)
{
	sched_cpumask_t t = 0;
	uint64_t now = 0;

	(void)state;
	add(0, 0, 0);
	add(1, 1, 1);
	sched_dom_set(&s, &dom[0], 65535, 0, 0, &t);
	sched_dom_set(&s, &dom[1], 1, 0, 0, &t);
	settle(sched_vcpu_wake(&s, &vc[0], 0) | sched_vcpu_wake(&s, &vc[1], 0), 0);
	for (unsigned int i = 0; i < 300; i++) {
		now += 10 * MS;
		tick(0, now);
		tick(1, now);
	}
	/*
	 * dom 0 cannot use more than one CPU, so the weight-1 domain is issued
	 * the other CPU's credit: it is not left OVER for ever.
	 */
	assert_true(vc[1].credit.balance > -10 * (int64_t)MS);
	assert_true(vc[0].credit.balance <= 30 * (int64_t)MS);
	assert_int_equal(credit_unaccounted_ns(&s), 0);
}

/*
 * A machine whose timer is sometimes late by more than a period (an SMI,
 * or Keel itself in a VM whose host descheduled it: 35-95 ms, one timer
 * in 24 here, a fifth of the time).  The time passed was run by someone
 * and debited; the accounting must issue credit for all of it, or every
 * vCPU sinks into debt (seconds of it here), all are OVER for good, and
 * the shares drift towards 1:1.  Not quite 1:2 even so: a stall counts as
 * time run by whoever had the CPU.
 */
static void test_late_timers_keep_weights(void **state)
{
	sched_cpumask_t t = 0;
	uint64_t now = 0;
	unsigned int seed = 1;

	(void)state;
	add(0, 0, 0);
	add(1, 1, 0);
	sched_dom_set(&s, &dom[1], 512, 0, 0, &t);
	settle(sched_vcpu_wake(&s, &vc[0], 0) | sched_vcpu_wake(&s, &vc[1], 0), 0);
	while (now < 20000 * MS) {
		unsigned int r = (unsigned int)rand_r(&seed);

		now = timer[0] + (r % 24 ? 0 : 35 * MS + (r >> 8) % (60 * MS));
		tick(0, now);
	}
	settle(sched_cpu_bit(0), now); /* the running one's time counted in run_ns */
	double ratio = (double)dom[1].run_ns / (double)dom[0].run_ns;

	assert_true(ratio > 1.75 && ratio < 2.2);
	/* Their debts stay within a few slices, not growing with every late timer. */
	assert_true(vc[0].credit.balance + vc[1].credit.balance > -90 * (int64_t)MS);
	assert_int_equal(credit_unaccounted_ns(&s), 0);
}

static void test_remove_retires_balance(void **state)
{
	(void)state;
	add(0, 0, 0);
	add(1, 0, 0);
	settle(sched_vcpu_wake(&s, &vc[0], 0) | sched_vcpu_wake(&s, &vc[1], 0), 0);
	for (uint64_t now = 10 * MS; now <= 100 * MS; now += 10 * MS)
		tick(0, now);
	settle(sched_vcpu_sleep(&s, &vc[0], 105 * MS) | sched_vcpu_sleep(&s, &vc[1], 105 * MS),
	       105 * MS);
	assert_true(HOST_PANICS(sched_dom_remove(&s, &dom[0]))); /* it still has vCPUs */
	sched_vcpu_remove(&s, &vc[0]);
	sched_vcpu_remove(&s, &vc[1]);
	sched_dom_remove(&s, &dom[0]);
	assert_int_equal(credit_unaccounted_ns(&s), 0);
	assert_int_equal((int64_t)s.credit.issued_ns - (int64_t)s.credit.consumed_ns,
			 s.credit.retired_ns);
}

static void test_remove_of_a_running_vcpu_is_a_bug(void **state)
{
	(void)state;
	add(0, 0, 0);
	settle(sched_vcpu_wake(&s, &vc[0], 0), 0);
	sched_vcpu_sleep(&s, &vc[0], 1 * MS); /* asleep, but its CPU has not picked yet */
	assert_true(HOST_PANICS(sched_vcpu_remove(&s, &vc[0])));
}

/* Random operations on 4 CPUs; after each, what a machine relies on must hold. */
static void check_invariants(void)
{
	for (unsigned int c = 0; c < s.nr_cpus; c++) {
		struct sched_vcpu *cur = curr(c);

		for (unsigned int d = c + 1; cur && d < s.nr_cpus; d++)
			assert_ptr_not_equal(cur, curr(d));
		if (cur) {
			assert_int_equal(cur->cpu, c);
			assert_true(cur->affinity & sched_cpu_bit(c));
		}
	}
	for (unsigned int v = 0; v < 16; v++) {
		bool linked = sched_list_linked(&vc[v].rq_link);

		assert_int_equal(linked, vc[v].where == SCHED_QUEUED);
		if (vc[v].where == SCHED_QUEUED)
			assert_true(vc[v].runnable && (vc[v].affinity & sched_cpu_bit(vc[v].cpu)));
		if (vc[v].where == SCHED_RUNNING)
			assert_ptr_equal(curr(vc[v].cpu), &vc[v]);
	}
	assert_int_equal(credit_unaccounted_ns(&s), 0);
}

static void test_random_operations_keep_invariants(void **state)
{
	uint64_t now = 0;
	unsigned int seed = 12345;

	(void)state;
	for (unsigned int v = 0; v < 16; v++)
		add(v, v % 4, v % 4);
	for (unsigned int i = 0; i < 200000; i++) {
		unsigned int r = (unsigned int)rand_r(&seed), v = r % 16, cpu = (r >> 8) % 4;
		sched_cpumask_t t = 0;

		now += (r >> 12) % (2 * MS);
		switch ((r >> 4) % 8) {
		case 0:
		case 1:
			t = sched_vcpu_wake(&s, &vc[v], now);
			break;
		case 2:
			t = sched_vcpu_sleep(&s, &vc[v], now);
			break;
		case 3:
			t = sched_vcpu_yield(&s, &vc[v]);
			break;
		case 4:
			sched_vcpu_set_affinity(&s, &vc[v], ((r >> 16) & 15) | sched_cpu_bit(cpu),
						now, &t);
			break;
		case 5:
			sched_dom_set(&s, &dom[v % 4], 1 + (r >> 16) % 1000, (r >> 20) % 3 ? 0 : 20,
				      now, &t);
			break;
		case 6:
			t = sched_vcpu_migrate(&s, &vc[v], cpu, now);
			break;
		default:
			break;
		}
		settle(t, now);
		for (unsigned int c = 0; c < 4; c++)
			if (timer[c] && timer[c] <= now)
				tick(c, now);
		check_invariants();
	}
	assert_true(s.credit.periods > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_params_ranges, setup1),
	    cmocka_unit_test_setup(test_weight_and_cap_checked, setup1),
	    cmocka_unit_test_setup(test_wake_on_idle_cpu_runs_at_once, setup1),
	    cmocka_unit_test_setup(test_debit_is_time_actually_run, setup1),
	    cmocka_unit_test_setup(test_boost_preempts_a_hog, setup1),
	    cmocka_unit_test_setup(test_no_boost_when_switched_off, setup1),
	    cmocka_unit_test_setup(test_rate_limit_keeps_the_runner_1ms, setup1),
	    cmocka_unit_test_setup(test_yield_lets_the_other_run, setup1),
	    cmocka_unit_test_setup(test_capped_vcpu_parks_on_an_idle_cpu, setup1),
	    cmocka_unit_test_setup(test_uncapping_unparks, setup1),
	    cmocka_unit_test_setup(test_idle_cpu_steals_queued_work, setup2),
	    cmocka_unit_test_setup(test_wake_prefers_an_idle_cpu, setup2),
	    cmocka_unit_test_setup(test_affinity_is_never_broken, setup2),
	    cmocka_unit_test_setup(test_running_vcpu_leaves_a_cpu_it_may_no_longer_use, setup2),
	    cmocka_unit_test_setup(test_running_vcpu_moves_at_its_next_pick, setup2),
	    cmocka_unit_test_setup(test_big_weight_one_vcpu_leaves_the_rest, setup2),
	    cmocka_unit_test_setup(test_late_timers_keep_weights, setup1),
	    cmocka_unit_test_setup(test_remove_retires_balance, setup1),
	    cmocka_unit_test_setup(test_remove_of_a_running_vcpu_is_a_bug, setup1),
	    cmocka_unit_test_setup(test_random_operations_keep_invariants, setup4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
