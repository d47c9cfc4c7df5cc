/*
 * sched/sim/report.c - what a simulation run measured: shares against
 * the ideal, wake-up latency percentiles, migrations, the policy's books;
 * as text and as JSON.
 *
 * The ideal is computed here with floating point and knows nothing of
 * the policy's code, so it is a yardstick, not a restatement.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sched/credit.h"
#include "sched/sim/sim.h"

double sim_share(const struct sim *sim, const struct sim_dom *d)
{
	uint64_t lived = d->removed_ns - d->added_ns;

	return lived ? (double)d->ran_ns / ((double)lived * sim->nr_cpus) : 0.0;
}

/* How many CPUs d's vCPUs would use if nothing stood in their way. */
static double demand_of(const struct sim *sim, const struct sim_dom *d)
{
	const struct sim_dom_spec *s = &d->spec;
	double per_vcpu = 1.0, cpus = sim->nr_cpus;

	if (s->behaviour != SIM_CPU) {
		double busy = (double)s->run_ns;

		per_vcpu =
		    s->every_ns ? busy / (double)s->every_ns : busy / (busy + (double)s->think_ns);
		if (per_vcpu > 1.0)
			per_vcpu = 1.0;
	}
	if (s->affinity)
		cpus = __builtin_popcountll(s->affinity);
	per_vcpu *= s->vcpus;
	if (per_vcpu > cpus)
		per_vcpu = cpus;
	if (s->cap && per_vcpu > s->cap / 100.0)
		per_vcpu = s->cap / 100.0;
	return per_vcpu;
}

double sim_ideal_share(const struct sim *sim, const struct sim_dom *d)
{
	double demand[SIM_MAX_DOMS], grant[SIM_MAX_DOMS], left = sim->nr_cpus;
	bool done[SIM_MAX_DOMS] = {false};

	if (sim->nr_events)
		return -1.0; /* the ideal of a changing workload is not one number */
	for (unsigned int i = 0; i < sim->nr_doms; i++) {
		demand[i] = demand_of(sim, &sim->doms[i]);
		grant[i] = 0;
	}
	/* Weighted max-min: satisfy whoever wants less than a fair share, repeat. */
	for (bool again = true; again && left > 1e-12;) {
		double weights = 0;

		again = false;
		for (unsigned int i = 0; i < sim->nr_doms; i++)
			if (!done[i])
				weights += sim->doms[i].spec.weight;
		if (weights == 0)
			break;
		for (unsigned int i = 0; i < sim->nr_doms; i++) {
			double fair = left * sim->doms[i].spec.weight / weights;

			if (!done[i] && demand[i] - grant[i] <= fair) {
				done[i] = again = true;
				left -= demand[i] - grant[i];
				grant[i] = demand[i];
			}
		}
		if (again)
			continue;
		for (unsigned int i = 0; i < sim->nr_doms; i++)
			if (!done[i])
				grant[i] += left * sim->doms[i].spec.weight / weights;
		left = 0;
	}
	return grant[d - sim->doms] / sim->nr_cpus;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t sim_latency_pct(struct sim_dom *d, double p)
{
	size_t rank;

	if (!d->nr_lat)
		return 0;
	qsort(d->lat, d->nr_lat, sizeof(*d->lat), cmp_u64);
	rank = (size_t)ceil(p / 100.0 * (double)d->nr_lat);
	return d->lat[rank ? rank - 1 : 0];
}

uint64_t sim_migrations(const struct sim_dom *d)
{
	uint64_t n = 0;

	for (unsigned int i = 0; d->vcpus && i < d->spec.vcpus; i++)
		n += d->vcpus[i].sv.migrations;
	return n;
}

static const char *behaviour_name(const struct sim_dom_spec *s)
{
	return s->behaviour == SIM_CPU ? "cpu" : s->behaviour == SIM_IO ? "io" : "bursty";
}

void sim_report_text(struct sim *sim)
{
	const struct sched_params *p = &sim->params;

	printf(
	    "schedsim: %u CPU%s, %.3f s, credit (slice %.1f ms, rate limit %.2f ms, tick %.1f ms, "
	    "period %.1f ms, boost %s)\n",
	    sim->nr_cpus, sim->nr_cpus > 1 ? "s" : "", sim->duration_ns / 1e9, p->tslice_ns / 1e6,
	    p->ratelimit_ns / 1e6, p->tick_ns / 1e6, p->period_ns / 1e6, p->boost ? "on" : "off");
	printf("%-12s %6s %4s %5s %-6s %7s %7s %6s %6s %7s %9s %9s %9s\n", "domain", "weight",
	       "cap", "vcpus", "kind", "share%", "ideal%", "diff", "migr", "wakeups", "p50(us)",
	       "p99(us)", "max(us)");
	for (unsigned int i = 0; i < sim->nr_doms; i++) {
		struct sim_dom *d = &sim->doms[i];
		double share = 100 * sim_share(sim, d), ideal = 100 * sim_ideal_share(sim, d);
		char ideal_s[16] = "-", diff_s[16] = "-";

		if (ideal >= 0) {
			snprintf(ideal_s, sizeof(ideal_s), "%.2f", ideal);
			snprintf(diff_s, sizeof(diff_s), "%+.2f", share - ideal);
		}
		printf("%-12s %6u %4u %5u %-6s %7.2f %7s %6s %6llu %7zu %9.1f %9.1f %9.1f\n",
		       d->spec.name, d->spec.weight, d->spec.cap, d->spec.vcpus,
		       behaviour_name(&d->spec), share, ideal_s, diff_s,
		       (unsigned long long)sim_migrations(d), d->nr_lat,
		       sim_latency_pct(d, 50) / 1e3, sim_latency_pct(d, 99) / 1e3,
		       sim_latency_pct(d, 100) / 1e3);
	}
	printf("migrations %llu, picks %llu, timer events %llu, periods %llu\n",
	       (unsigned long long)sim->s.migrations, (unsigned long long)sim->picks,
	       (unsigned long long)sim->ticks, (unsigned long long)sim->s.credit.periods);
	printf(
	    "credit books: issued %.3f ms, consumed %.3f ms, retired %.3f ms, unaccounted %lld ns "
	    "(worst during the run %lld ns)\n",
	    sim->s.credit.issued_ns / 1e6, sim->s.credit.consumed_ns / 1e6,
	    sim->s.credit.retired_ns / 1e6, (long long)credit_unaccounted_ns(&sim->s),
	    (long long)sim->worst_unaccounted);
}

int sim_report_json(struct sim *sim, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "{\n  \"cpus\": %u,\n  \"duration_s\": %.3f,\n  \"boost\": %s,\n", sim->nr_cpus,
		sim->duration_ns / 1e9, sim->params.boost ? "true" : "false");
	fprintf(f, "  \"migrations\": %llu,\n  \"unaccounted_ns\": %lld,\n  \"domains\": [\n",
		(unsigned long long)sim->s.migrations, (long long)sim->worst_unaccounted);
	for (unsigned int i = 0; i < sim->nr_doms; i++) {
		struct sim_dom *d = &sim->doms[i];
		double ideal = sim_ideal_share(sim, d);

		fprintf(f,
			"    {\"name\": \"%s\", \"weight\": %u, \"cap\": %u, \"vcpus\": %u, "
			"\"share\": %.5f, \"ideal\": %.5f, \"migrations\": %llu, \"wakeups\": %zu, "
			"\"lat_p50_us\": %.2f, \"lat_p99_us\": %.2f, \"lat_max_us\": %.2f}%s\n",
			d->spec.name, d->spec.weight, d->spec.cap, d->spec.vcpus, sim_share(sim, d),
			ideal < 0 ? -1.0 : ideal, (unsigned long long)sim_migrations(d), d->nr_lat,
			sim_latency_pct(d, 50) / 1e3, sim_latency_pct(d, 99) / 1e3,
			sim_latency_pct(d, 100) / 1e3, i + 1 < sim->nr_doms ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) ? -1 : 0;
}
