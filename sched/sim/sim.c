/*
 * sched/sim/sim.c - the simulator's engine: discrete events in simulated
 * nanoseconds.
 *
 * Each step jumps to the earliest thing that happens next (a CPU's
 * scheduler timer, a vCPU finishing its burst or waking, an I/O event, a
 * scripted event, a sample boundary), charges the running vCPUs for the
 * time in between (our own record, not the policy's), then tells the
 * policy what happened in the order a machine would see it and lets every
 * CPU it names pick again, at once: the simulated machine has no
 * interrupt latency and context switches cost nothing, so what is
 * measured is the policy's behaviour alone.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/credit.h"
#include "sched/sim/sim.h"

/* Picks that keep naming CPUs for this long in one instant mean a policy bug. */
#define SETTLE_MAX_ROUNDS 1000

static uint64_t rng_next(struct sim *sim)
{
	/* xorshift64: reproducible from the workload's seed, good enough for jitter. */
	sim->rng ^= sim->rng << 13;
	sim->rng ^= sim->rng >> 7;
	sim->rng ^= sim->rng << 17;
	return sim->rng;
}

/* t varied uniformly by +-jitter. */
static uint64_t jittered(struct sim *sim, uint64_t t, double jitter)
{
	double u;

	if (jitter <= 0)
		return t;
	u = (double)(rng_next(sim) >> 11) / (double)(1ULL << 53); /* [0, 1) */
	return (uint64_t)((double)t * (1.0 - jitter + 2.0 * jitter * u));
}

static struct sim_vcpu *vcpu_of(struct sched_vcpu *sv)
{
	return sv ? sched_list_entry(sv, struct sim_vcpu, sv) : NULL;
}

static void trace_switch(const struct sim *sim, unsigned int cpu, const struct sim_vcpu *from,
			 const struct sim_vcpu *to)
{
	const struct sim_vcpu *v[2] = {from, to};

	if (sim->now < sim->trace_from || sim->now >= sim->trace_to)
		return;
	printf("%12.3f ms cpu%u:", sim->now / 1e6, cpu);
	for (int i = 0; i < 2; i++) {
		if (v[i])
			printf(" %s.%u (credit %+.3f ms)", v[i]->dom->spec.name,
			       (unsigned int)(v[i] - v[i]->dom->vcpus),
			       v[i]->sv.credit.balance / 1e6);
		else
			printf(" idle");
		printf("%s", i ? "\n" : " ->");
	}
}

/* Makes every CPU in mask pick again, and the ones they name in turn. */
static void settle(struct sim *sim, sched_cpumask_t mask)
{
	for (unsigned int round = 0; mask; round++) {
		unsigned int cpu = (unsigned int)__builtin_ctzll(mask);
		struct sim_cpu *pc = &sim->cpus[cpu];
		struct sched_choice ch;
		struct sim_vcpu *next;

		if (round > SETTLE_MAX_ROUNDS) {
			fprintf(stderr, "schedsim: CPUs keep rescheduling at %llu ns\n",
				(unsigned long long)sim->now);
			abort();
		}
		mask &= ~sched_cpu_bit(cpu);
		ch = sched_pick_next(&sim->s, cpu, sim->now);
		sim->picks++;
		mask |= ch.tickle;
		pc->timer_ns = ch.timer_ns;
		next = vcpu_of(ch.next);
		if (next == pc->cur)
			continue;
		trace_switch(sim, cpu, pc->cur, next);
		if (pc->cur)
			pc->cur->running_on = -1;
		pc->cur = next;
		if (!next)
			continue;
		if (next->running_on >= 0 || next->blocked || next->dom->paused) {
			fprintf(stderr, "schedsim: policy ran a vCPU of %s that %s\n",
				next->dom->spec.name,
				next->running_on >= 0 ? "runs elsewhere" : "cannot run");
			abort();
		}
		next->running_on = (int)cpu;
		next->ran_since = sim->now;
		if (next->woke_at) {
			struct sim_dom *d = next->dom;

			if (d->nr_lat == d->lat_cap) {
				d->lat_cap = d->lat_cap ? 2 * d->lat_cap : 1024;
				d->lat = realloc(d->lat, d->lat_cap * sizeof(*d->lat));
				if (!d->lat)
					abort();
			}
			d->lat[d->nr_lat++] = sim->now - next->woke_at;
			next->woke_at = 0;
		}
	}
}

static void wake(struct sim *sim, struct sim_vcpu *v, uint64_t since)
{
	v->blocked = false;
	v->work_left = v->dom->spec.behaviour == SIM_CPU ? UINT64_MAX : v->dom->spec.run_ns;
	v->woke_at = since;
	if (!v->dom->paused)
		settle(sim, sched_vcpu_wake(&sim->s, &v->sv, sim->now));
}

/* v finished its burst: blocks until its next event or the end of its think time. */
static void block(struct sim *sim, struct sim_vcpu *v)
{
	const struct sim_dom_spec *spec = &v->dom->spec;

	if (spec->every_ns && v->pending) {
		v->pending--;
		v->work_left = spec->run_ns; /* events queued meanwhile: straight on */
		return;
	}
	v->blocked = true;
	v->wake_at = spec->every_ns ? 0 : sim->now + jittered(sim, spec->think_ns, spec->jitter);
	settle(sim, sched_vcpu_sleep(&sim->s, &v->sv, sim->now));
}

static void dom_create(struct sim *sim, struct sim_dom *d)
{
	const struct sim_dom_spec *spec = &d->spec;
	sched_cpumask_t tickle = 0;

	d->vcpus = calloc(spec->vcpus, sizeof(*d->vcpus));
	d->series = calloc((size_t)(sim->duration_ns / sim->sample_ns) + 2, sizeof(*d->series));
	if (!d->vcpus || !d->series)
		abort();
	d->present = true;
	d->added_ns = sim->now;
	d->removed_ns = sim->duration_ns;
	sched_dom_add(&sim->s, &d->sd, d);
	for (unsigned int i = 0; i < spec->vcpus; i++) {
		struct sim_vcpu *v = &d->vcpus[i];

		v->dom = d;
		v->running_on = -1;
		sched_vcpu_add(&sim->s, &v->sv, &d->sd, v,
			       (unsigned int)(d - sim->doms + i) % sim->nr_cpus);
		if (spec->affinity &&
		    sched_vcpu_set_affinity(&sim->s, &v->sv, spec->affinity, sim->now, &tickle))
			abort(); /* the parser checked the list */
	}
	if (sched_dom_set(&sim->s, &d->sd, spec->weight, spec->cap, sim->now, &tickle))
		abort();
	settle(sim, tickle);
	for (unsigned int i = 0; i < spec->vcpus; i++) {
		struct sim_vcpu *v = &d->vcpus[i];

		if (spec->every_ns) {
			v->blocked = true;
			v->next_event = sim->now + jittered(sim, spec->every_ns, spec->jitter);
		} else {
			wake(sim, v, 0);
		}
	}
}

static void dom_pause(struct sim *sim, struct sim_dom *d, bool pause)
{
	sched_cpumask_t mask = 0;

	if (d->paused == pause)
		return;
	d->paused = pause;
	/* All vCPUs first, then the picks: a machine pauses a domain as a whole. */
	for (unsigned int i = 0; i < d->spec.vcpus; i++) {
		struct sim_vcpu *v = &d->vcpus[i];

		v->woke_at = 0; /* a pause is not wake-up latency */
		if (pause)
			mask |= sched_vcpu_sleep(&sim->s, &v->sv, sim->now);
		else if (!v->blocked)
			mask |= sched_vcpu_wake(&sim->s, &v->sv, sim->now);
	}
	settle(sim, mask);
}

static void dom_remove(struct sim *sim, struct sim_dom *d)
{
	dom_pause(sim, d, true); /* every vCPU off its CPU first, as a machine would */
	for (unsigned int i = 0; i < d->spec.vcpus; i++)
		sched_vcpu_remove(&sim->s, &d->vcpus[i].sv);
	sched_dom_remove(&sim->s, &d->sd);
	d->present = false;
	d->removed_ns = sim->now;
}

static void dom_set(struct sim *sim, struct sim_dom *d, const struct sim_dom_spec *change)
{
	sched_cpumask_t tickle = 0;
	unsigned int weight = change->weight ? change->weight : d->sd.weight;
	unsigned int cap = change->cap != UINT_MAX ? change->cap : d->sd.cap;

	if (sched_dom_set(&sim->s, &d->sd, weight, cap, sim->now, &tickle))
		fprintf(stderr, "schedsim: %s: weight %u cap %u refused\n", d->spec.name, weight,
			cap);
	for (unsigned int i = 0; change->affinity && i < d->spec.vcpus; i++)
		sched_vcpu_set_affinity(&sim->s, &d->vcpus[i].sv, change->affinity, sim->now,
					&tickle);
	settle(sim, tickle);
}

static int run_event(struct sim *sim, struct sim_event *e, char *err, size_t err_len)
{
	struct sim_dom *d = sim_find(sim, e->spec.name);

	e->done = true;
	if (e->kind == SIM_EV_ADD) {
		dom_create(sim, d);
		return 0;
	}
	if (!d->present) {
		snprintf(err, err_len, "event at %llu ns: domain '%s' is not running",
			 (unsigned long long)e->at_ns, e->spec.name);
		return -1;
	}
	if (e->kind == SIM_EV_REMOVE)
		dom_remove(sim, d);
	else if (e->kind == SIM_EV_SET)
		dom_set(sim, d, &e->spec);
	else
		dom_pause(sim, d, e->kind == SIM_EV_PAUSE);
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* When anything next happens. */
static uint64_t next_time(struct sim *sim)
{
	uint64_t t = min_u64(sim->duration_ns, sim->next_sample);

	for (unsigned int c = 0; c < sim->nr_cpus; c++)
		if (sim->cpus[c].timer_ns)
			t = min_u64(t, sim->cpus[c].timer_ns);
	for (unsigned int i = 0; i < sim->nr_events; i++)
		if (!sim->events[i].done)
			t = min_u64(t, sim->events[i].at_ns);
	for (unsigned int i = 0; i < sim->nr_doms; i++) {
		struct sim_dom *d = &sim->doms[i];

		for (unsigned int j = 0; d->present && j < d->spec.vcpus; j++) {
			struct sim_vcpu *v = &d->vcpus[j];

			if (v->running_on >= 0 && v->work_left != UINT64_MAX)
				t = min_u64(t, v->ran_since + v->work_left);
			if (v->blocked && v->wake_at)
				t = min_u64(t, v->wake_at);
			if (d->spec.every_ns)
				t = min_u64(t, v->next_event);
		}
	}
	return t < sim->now ? sim->now : t;
}

/* Charges the running vCPUs (our record) up to t. */
static void advance(struct sim *sim, uint64_t t)
{
	for (unsigned int c = 0; c < sim->nr_cpus; c++) {
		struct sim_vcpu *v = sim->cpus[c].cur;
		uint64_t ran;

		if (!v)
			continue;
		ran = t - v->ran_since;
		v->ran_ns += ran;
		v->dom->ran_ns += ran;
		if (v->work_left != UINT64_MAX)
			v->work_left -= ran;
		v->ran_since = t;
	}
	sim->now = t;
}

static void sample(struct sim *sim)
{
	double machine = (double)sim->sample_ns * sim->nr_cpus;

	for (unsigned int i = 0; i < sim->nr_doms; i++) {
		struct sim_dom *d = &sim->doms[i];

		if (d->series)
			d->series[sim->nr_samples] = (double)(d->ran_ns - d->sampled_ns) / machine;
		d->sampled_ns = d->ran_ns;
	}
	sim->nr_samples++;
	sim->next_sample += sim->sample_ns;
}

/* Everything due at sim->now, in the order a machine would notice it. */
static int step(struct sim *sim, char *err, size_t err_len)
{
	if (sim->now >= sim->next_sample)
		sample(sim);
	for (unsigned int i = 0; i < sim->nr_events; i++)
		if (!sim->events[i].done && sim->events[i].at_ns <= sim->now &&
		    run_event(sim, &sim->events[i], err, err_len))
			return -1;
	for (unsigned int i = 0; i < sim->nr_doms; i++) {
		struct sim_dom *d = &sim->doms[i];

		for (unsigned int j = 0; d->present && j < d->spec.vcpus; j++) {
			struct sim_vcpu *v = &d->vcpus[j];

			if (v->running_on >= 0 && !v->work_left)
				block(sim, v);
			if (v->blocked && v->wake_at && v->wake_at <= sim->now) {
				v->wake_at = 0;
				wake(sim, v, sim->now);
			}
			if (d->spec.every_ns && v->next_event <= sim->now) {
				uint64_t at = v->next_event;

				v->next_event += jittered(sim, d->spec.every_ns, d->spec.jitter);
				if (v->blocked)
					wake(sim, v, at);
				else
					v->pending++;
			}
		}
	}
	for (unsigned int c = 0; c < sim->nr_cpus; c++) {
		struct sim_cpu *pc = &sim->cpus[c];

		if (pc->timer_ns && pc->timer_ns <= sim->now) {
			pc->timer_ns = 0;
			sim->ticks++;
			settle(sim, sched_tick(&sim->s, c, sim->now, &pc->timer_ns));
		}
	}
	return 0;
}

int sim_run(struct sim *sim, char *err, size_t err_len)
{
	sched_init(&sim->s, &credit_ops, &sim->params, sim->nr_cpus);
	sim->rng = sim->seed * 2654435761ULL + 1;
	sim->now = 0;
	sim->next_sample = sim->sample_ns;
	for (unsigned int i = 0; i < sim->nr_doms; i++)
		if (sim->doms[i].present)
			dom_create(sim, &sim->doms[i]);
	while (sim->now < sim->duration_ns) {
		int64_t off;

		advance(sim, next_time(sim));
		if (step(sim, err, err_len))
			return -1;
		off = credit_unaccounted_ns(&sim->s);
		if (off != 0 && (off > sim->worst_unaccounted || -off > sim->worst_unaccounted))
			sim->worst_unaccounted = off < 0 ? -off : off;
	}
	return 0;
}

void sim_free(struct sim *sim)
{
	for (unsigned int i = 0; i < sim->nr_doms; i++) {
		free(sim->doms[i].vcpus);
		free(sim->doms[i].lat);
		free(sim->doms[i].series);
		sim->doms[i].vcpus = NULL;
		sim->doms[i].lat = NULL;
		sim->doms[i].series = NULL;
	}
}
