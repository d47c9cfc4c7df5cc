/*
 * sched/sim/sim.h - the scheduler simulator: Keel's scheduling policy
 * (sched/credit.c, unchanged) driven by simulated time on N simulated
 * CPUs, replaying a workload description (README.md gives the format).
 *
 * The simulator keeps its own record of who ran when (struct sim_vcpu
 * .ran_ns), independent of the policy's books, so shares, latencies and
 * the policy's accounting can be checked against each other.
 *
 * Host-only code (it uses the C library); built into the schedsim program
 * and the unit tests.  Single-threaded.
 */
#ifndef SCHED_SIM_SIM_H
#define SCHED_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/policy.h"

#define SIM_MAX_DOMS   32
#define SIM_MAX_VCPUS  64 /* per domain */
#define SIM_MAX_EVENTS 128
#define SIM_NAME_LEN   24

enum sim_behaviour {
	SIM_CPU = 0, /* always wants the CPU */
	SIM_IO,	     /* runs `run` of CPU, then sleeps `think`; or gets an event every `every` */
	SIM_BURSTY,  /* the same model as SIM_IO with long runs and pauses */
};

/* What a domain is, as the workload file says it (also the argument of a later "set"). */
struct sim_dom_spec {
	char name[SIM_NAME_LEN];
	unsigned int weight, cap, vcpus;
	sched_cpumask_t affinity; /* 0: all CPUs */
	enum sim_behaviour behaviour;
	uint64_t run_ns, think_ns, every_ns; /* every_ns != 0: open loop (events every every_ns) */
	double jitter;			     /* think/every vary uniformly by +-jitter (0..1) */
};

enum sim_event_kind { SIM_EV_ADD, SIM_EV_REMOVE, SIM_EV_SET, SIM_EV_PAUSE, SIM_EV_UNPAUSE };

struct sim_event {
	uint64_t at_ns;
	enum sim_event_kind kind;
	struct sim_dom_spec
	    spec; /* ADD: all of it; SET: name, weight, cap, affinity; others: name */
	bool done;
};

struct sim_vcpu {
	struct sched_vcpu sv;
	struct sim_dom *dom;
	bool blocked;	     /* no work: asleep as far as the policy knows */
	uint64_t work_left;  /* CPU time before it blocks (a CPU hog: never) */
	uint64_t wake_at;    /* closed loop, blocked: when its think time ends */
	uint64_t next_event; /* open loop: when its next event arrives */
	uint64_t pending;    /* open loop: events not yet served */
	uint64_t woke_at;    /* when it last woke (for the latency), 0: measured */
	int running_on;	     /* the CPU it runs on, -1: none */
	uint64_t ran_since;  /* simulated time up to which ran_ns counts */
	uint64_t ran_ns;     /* the simulator's own record of its CPU time */
};

struct sim_dom {
	struct sim_dom_spec spec;
	struct sched_dom sd;
	struct sim_vcpu *vcpus;
	bool present, paused;
	uint64_t added_ns, removed_ns; /* lifetime in the run */
	uint64_t ran_ns;
	uint64_t sampled_ns; /* ran_ns at the last sample */
	uint64_t *lat;	     /* wake-up latencies (ns) */
	size_t nr_lat, lat_cap;
	double *series; /* share of the machine per sample interval, 0..1 */
};

struct sim {
	struct sched s;
	struct sched_params params;
	unsigned int nr_cpus;
	uint64_t duration_ns, sample_ns, seed;
	uint64_t trace_from, trace_to; /* print every switch in [from, to) to stdout */
	struct sim_dom doms[SIM_MAX_DOMS];
	unsigned int nr_doms; /* ever declared, including those added later */
	struct sim_event events[SIM_MAX_EVENTS];
	unsigned int nr_events;
	/* Running state. */
	uint64_t now;
	uint64_t rng;
	struct sim_cpu {
		struct sim_vcpu *cur;
		uint64_t timer_ns; /* 0: none */
	} cpus[SCHED_MAX_CPUS];
	unsigned int nr_samples;
	uint64_t next_sample;
	uint64_t picks, ticks;
	int64_t worst_unaccounted; /* the books, checked after every step */
};

/*
 * Parses a workload description into sim (which it first resets).
 * Returns 0, or -1 with a message "LINE: what is wrong" in err.
 */
int sim_parse(struct sim *sim, const char *text, char *err, size_t err_len);

/*
 * Replays the workload to its end.  Returns 0, or -1 with a message in
 * err (a domain named by an event does not exist, out of memory).
 */
int sim_run(struct sim *sim, char *err, size_t err_len);

/* Frees what sim_run allocated. */
void sim_free(struct sim *sim);

/* The domain called name, or NULL. */
struct sim_dom *sim_find(struct sim *sim, const char *name);

/* d's share of the machine over its lifetime in the run (0..1). */
double sim_share(const struct sim *sim, const struct sim_dom *d);

/*
 * What d's share would be under ideal weighted max-min sharing of the
 * machine (its vCPUs each use at most one CPU, I/O vCPUs what they ask
 * for, caps respected; affinity ignored), computed here independently of
 * the policy; negative when the domain did not live the whole run.
 */
double sim_ideal_share(const struct sim *sim, const struct sim_dom *d);

/* The p-th percentile (0..100) of d's wake-up latencies, in ns (0 if none). */
uint64_t sim_latency_pct(struct sim_dom *d, double p);

/* Migrations of d's vCPUs. */
uint64_t sim_migrations(const struct sim_dom *d);

/* Text report on stdout; JSON to path (NULL: none). Returns 0 or -1. */
void sim_report_text(struct sim *sim);
int sim_report_json(struct sim *sim, const char *path);

/* Shares over time as a PNG plot.  Returns 0, or -1 if path cannot be written. */
int sim_plot_png(const struct sim *sim, const char *path, const char *title);

#endif /* SCHED_SIM_SIM_H */
