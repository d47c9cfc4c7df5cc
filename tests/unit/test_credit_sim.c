/*
 * tests/unit/test_credit_sim.c - the credit scheduler over simulated time
 * (sched/sim/): proportional shares, caps, the wake-up boost, work
 * stealing, affinity, domains added, removed, paused and re-weighted
 * mid-run, and the credit books over a long mixed run.  Bands are
 * generous (the benchmark, `make sched-bench`, reports the real figures);
 * each asserts behaviour that a broken scheduler would miss by far.
 * Also: the workload reader's errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "sched/credit.h"
#include "sched/sim/sim.h"

static struct sim sim;

static void run(const char *workload)
{
	char err[256] = "";

	if (sim_parse(&sim, workload, err, sizeof(err)) || sim_run(&sim, err, sizeof(err)))
		fail_msg("workload: %s", err);
	assert_int_equal(sim.worst_unaccounted, 0); /* the books balance after every step */
}

static int teardown(void **state)
{
	(void)state;
	sim_free(&sim);
	return 0;
}

static double share(const char *name)
{
	struct sim_dom *d = sim_find(&sim, name);

	assert_non_null(d);
	return 100 * sim_share(&sim, d);
}

/* d's mean share (percent of the machine) over the samples in [from_s, to_s). */
static double share_between(const char *name, double from_s, double to_s)
{
	struct sim_dom *d = sim_find(&sim, name);
	unsigned int a = (unsigned int)(from_s * 1e9 / sim.sample_ns);
	unsigned int b = (unsigned int)(to_s * 1e9 / sim.sample_ns);
	double sum = 0;

	assert_non_null(d);
	assert_true(a < b && b <= sim.nr_samples);
	for (unsigned int i = a; i < b; i++)
		sum += d->series[i];
	return 100 * sum / (b - a);
}

static void assert_near(double got, double want, double band)
{
	if (got < want - band || got > want + band)
		fail_msg("%.2f is not within %.2f of %.2f", got, band, want);
}

struct want {
	const char *domain;
	double share; /* percent of the machine */
};

/* Runs workload; each domain's share must be within band points of what it should be. */
static void run_expect(const char *workload, const struct want *w, unsigned int n, double band)
{
	run(workload);
	for (unsigned int i = 0; i < n; i++)
		assert_near(share(w[i].domain), w[i].share, band);
}

static void test_weights_1_2_4_on_one_cpu(void **state)
{
	static const struct want w[] = {{"w1", 100.0 / 7}, {"w2", 200.0 / 7}, {"w4", 400.0 / 7}};

	(void)state;
	run_expect("cpus 1\nduration 10s\n"
		   "domain w1 weight=1 cpu\ndomain w2 weight=2 cpu\ndomain w4 weight=4 cpu\n",
		   w, 3, 2);
}

static void test_weights_1_2_4_on_two_cpus(void **state)
{
	/* w4 cannot use more than one CPU: w1 and w2 split the other 1:2. */
	static const struct want w[] = {{"w1", 100.0 / 6}, {"w2", 200.0 / 6}, {"w4", 50}};

	(void)state;
	run_expect("cpus 2\nduration 10s\n"
		   "domain w1 weight=1 cpu\ndomain w2 weight=2 cpu\ndomain w4 weight=4 cpu\n",
		   w, 3, 2);
}

static void test_weights_with_many_vcpus(void **state)
{
	/* Equal weights: each domain a third of the machine however many vCPUs it has. */
	static const struct want w[] = {{"a", 100.0 / 3}, {"b", 100.0 / 3}, {"c", 100.0 / 3}};

	(void)state;
	run_expect("cpus 2\nduration 10s\n"
		   "domain a vcpus=1 cpu\ndomain b vcpus=2 cpu\ndomain c vcpus=3 cpu\n",
		   w, 3, 3);
}

static void test_caps_10_25_50(void **state)
{
	static const struct want w[] = {{"c10", 10}, {"c25", 25}, {"c50", 50}, {"hog", 15}};

	(void)state;
	run_expect("cpus 1\nduration 10s\n"
		   "domain c10 cap=10 cpu\ndomain c25 cap=25 cpu\ndomain c50 cap=50 cpu\n"
		   "domain hog weight=1 cpu\n",
		   w, 4, 2);
}

static void test_cap_holds_on_an_idle_machine(void **state)
{
	(void)state;
	/* 30 % of one CPU for two vCPUs on two otherwise idle CPUs: 15 % of the machine. */
	run("cpus 2\nduration 10s\ndomain c vcpus=2 cap=30 cpu\n");
	assert_near(share("c"), 15, 1);
}

static const char latency_workload[] =
    "cpus 1\nduration 10s\n"
    "domain io io run=100us every=5ms\n"
    "domain h1 cpu\ndomain h2 cpu\ndomain h3 cpu\ndomain h4 cpu\n"
    "domain h5 cpu\ndomain h6 cpu\ndomain h7 cpu\n";

static void test_boost_cuts_wakeup_latency(void **state)
{
	char text[sizeof(latency_workload) + 16];
	uint64_t p50_boost, p99_boost, p50_plain, p99_plain;

	(void)state;
	run(latency_workload);
	p50_boost = sim_latency_pct(sim_find(&sim, "io"), 50);
	p99_boost = sim_latency_pct(sim_find(&sim, "io"), 99);
	assert_true(sim_find(&sim, "io")->nr_lat > 1000);
	sim_free(&sim);
	snprintf(text, sizeof(text), "%sboost off\n", latency_workload);
	run(text);
	p50_plain = sim_latency_pct(sim_find(&sim, "io"), 50);
	p99_plain = sim_latency_pct(sim_find(&sim, "io"), 99);
	/*
	 * With the boost it runs within the rate limit.  Without, it still
	 * preempts hogs that are OVER (most of the time), but waits behind
	 * the ones that have just been issued credit: the tail is long.
	 */
	assert_true(p50_boost <= p50_plain);
	assert_true(p99_boost <= 1000 * 1000);
	assert_true(p99_plain > 5 * 1000 * 1000 && p99_plain > 5 * p99_boost);
	/* Either way the I/O domain gets the little CPU it asks for. */
	assert_near(share("io"), 2, 0.5);
}

static void test_idle_cpus_steal_work(void **state)
{
	(void)state;
	/* Four hogs start pinned to CPU 0; unpinned at 1 s, the idle CPUs take them. */
	run("cpus 4\nduration 6s\n"
	    "domain a affinity=0 cpu\ndomain b affinity=0 cpu\n"
	    "domain c affinity=0 cpu\ndomain d affinity=0 cpu\n"
	    "at 1s set a affinity=0-3\nat 1s set b affinity=0-3\n"
	    "at 1s set c affinity=0-3\nat 1s set d affinity=0-3\n");
	assert_near(share_between("a", 0, 1), 6.25, 1);
	assert_near(share_between("a", 2, 6), 25, 1);
	assert_near(share_between("b", 2, 6), 25, 1);
	assert_near(share_between("c", 2, 6), 25, 1);
	assert_near(share_between("d", 2, 6), 25, 1);
	assert_true(sim.s.migrations >= 3);
}

static void test_hard_affinity_beats_weight(void **state)
{
	(void)state;
	/* a and b may only use CPU 0; c, weight 1, has CPU 1 to itself. */
	run("cpus 2\nduration 10s\n"
	    "domain a weight=1000 affinity=0 cpu\ndomain b weight=1000 affinity=0 cpu\n"
	    "domain c weight=1 cpu\n");
	assert_true(share("a") + share("b") <= 50.0 + 1e-9);
	assert_near(share("a"), 25, 1);
	assert_near(share("c"), 50, 1);
}

static void test_domains_come_and_go(void **state)
{
	(void)state;
	run("cpus 1\nduration 10s\n"
	    "domain a cpu\ndomain b cpu\n"
	    "at 2s domain c cpu\nat 6s remove c\n");
	assert_near(share_between("a", 0, 2), 50, 2);
	assert_near(share_between("a", 3, 6), 33.3, 2);
	assert_near(share_between("c", 3, 6), 33.3, 2);
	assert_near(share_between("a", 7, 10), 50, 2);
	assert_near(share_between("b", 7, 10), 50, 2);
	assert_near(share_between("c", 7, 10), 0, 0);
	assert_true(sim.s.credit.retired_ns != 0 || sim_find(&sim, "c")->ran_ns > 0);
}

static void test_pause_and_reweight(void **state)
{
	(void)state;
	run("cpus 1\nduration 9s\n"
	    "domain a cpu\ndomain b cpu\n"
	    "at 3s pause b\nat 5s unpause b\nat 6s set a weight=768\n");
	assert_near(share_between("a", 0, 3), 50, 2);
	assert_near(share_between("b", 3.1, 5), 0, 0);
	assert_near(share_between("a", 3.1, 5), 100, 0.5);
	assert_near(share_between("a", 7, 9), 75, 2);
}

/* Everything at once for 10 simulated minutes: the books never drift by a nanosecond. */
static void test_no_credit_leak_over_a_long_run(void **state)
{
	uint64_t measured = 0, undebited = 0;
	int64_t balances = 0;

	(void)state;
	run("cpus 3\nduration 600s\nsample 1s\n"
	    "domain a weight=512 vcpus=2 cpu\n"
	    "domain b cap=40 vcpus=2 cpu\n"
	    "domain io1 io run=200us think=3ms jitter=0.5\n"
	    "domain io2 vcpus=3 io run=1ms every=7ms jitter=0.3\n"
	    "domain burst bursty run=40ms think=150ms jitter=0.8\n"
	    "domain late weight=64 vcpus=2 cpu\n"
	    "at 60s pause a\nat 90s unpause a\nat 120s set b cap=150 weight=1000\n"
	    "at 200s set io2 affinity=1-2\nat 300s remove late\nat 400s domain new vcpus=4 cpu\n"
	    "at 500s set new cap=50\n");
	for (unsigned int i = 0; i < sim.nr_doms; i++) {
		struct sim_dom *d = &sim.doms[i];

		measured += d->ran_ns;
		for (unsigned int j = 0; d->present && j < d->spec.vcpus; j++) {
			balances += d->vcpus[j].sv.credit.balance;
			if (d->vcpus[j].running_on >= 0)
				undebited += sim.now - d->vcpus[j].sv.credit.last_debit_ns;
		}
	}
	assert_int_equal(credit_unaccounted_ns(&sim.s), 0);
	assert_int_equal((int64_t)sim.s.credit.issued_ns,
			 (int64_t)sim.s.credit.consumed_ns + balances + sim.s.credit.retired_ns);
	/* The policy charged exactly the time the simulator saw vCPUs run. */
	assert_int_equal(sim.s.credit.consumed_ns + undebited, measured);
	assert_true(sim.s.credit.periods > 19000);
}

static void expect_error(const char *text, const char *needle)
{
	char err[256] = "";

	assert_int_equal(sim_parse(&sim, text, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void test_workload_errors_name_the_line(void **state)
{
	(void)state;
	expect_error("duration 1s\ndomain a\n", "line 2: domain 'a' needs a behaviour");
	expect_error("duration 1s\ndomain a weight=0 cpu\n",
		     "line 2: '0' is not a number in 1..65535");
	expect_error("duration 1s\ndomain a cap=150 cpu\n", "more than 1 vCPUs can use");
	expect_error("duration 1s\ndomain a io run=1ms\n", "needs run= and think=");
	expect_error("duration 1s\ndomain a cpu\ndomain a cpu\n",
		     "line 3: domain 'a' declared twice");
	expect_error("duration 5\n", "needs a unit");
	expect_error("duration 1s\nat 2s remove a\n", "no domain 'a'");
	expect_error("cpus 2\nduration 1s\ndomain a affinity=3 cpu\n", "outside 0-1");
	expect_error("duration 1s\nfrobnicate 3\n", "unknown statement 'frobnicate'");
	expect_error("domain a cpu\n", "no duration");
	expect_error("duration 1s\ntslice 10us\n", "out of range");
	expect_error("duration 1s\ndomain a cpu\nat 1s pause a\n", "at or after the end");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_weights_1_2_4_on_one_cpu, teardown),
	    cmocka_unit_test_teardown(test_weights_1_2_4_on_two_cpus, teardown),
	    cmocka_unit_test_teardown(test_weights_with_many_vcpus, teardown),
	    cmocka_unit_test_teardown(test_caps_10_25_50, teardown),
	    cmocka_unit_test_teardown(test_cap_holds_on_an_idle_machine, teardown),
	    cmocka_unit_test_teardown(test_boost_cuts_wakeup_latency, teardown),
	    cmocka_unit_test_teardown(test_idle_cpus_steal_work, teardown),
	    cmocka_unit_test_teardown(test_hard_affinity_beats_weight, teardown),
	    cmocka_unit_test_teardown(test_domains_come_and_go, teardown),
	    cmocka_unit_test_teardown(test_pause_and_reweight, teardown),
	    cmocka_unit_test_teardown(test_no_credit_leak_over_a_long_run, teardown),
	    cmocka_unit_test_teardown(test_workload_errors_name_the_line, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
