/*
 * sched/policy.h - the scheduling-policy interface: which vCPU runs on
 * which CPU, and for how long.
 *
 * A policy (the credit scheduler, sched/credit.c) implements struct
 * sched_ops; the machine (hypervisor/arch/x86/pv/pv_schedule.c) and the
 * host simulator (sched/sim/) drive it through the sched_* functions
 * below and never look inside a policy.  The policy knows nothing about
 * PV guests: it works on struct sched_vcpu and struct sched_dom, which
 * its user embeds in (or points at from) its own objects, using `owner`
 * to get back; time is always passed in (nanoseconds, monotonic), so the
 * same code runs against the TSC in the hypervisor and against simulated
 * time on the host.
 *
 * What the user promises:
 *   - every call is serialised (the hypervisor holds one scheduler lock
 *     around each; the simulator is single-threaded);
 *   - `now` never goes backwards;
 *   - it runs on CPU c exactly the vCPU the last sched_pick_next(c)
 *     returned, until it calls sched_pick_next(c) again, which it does
 *     soon (the next return to a guest) whenever a call gives back a
 *     mask with bit c set, and when the timer the policy asked for
 *     passes (it then calls sched_tick(c) first);
 *   - a vCPU is removed only while asleep and no CPU runs it.
 * What the policy promises:
 *   - a vCPU is the current one of at most one CPU, and only while it is
 *     runnable or has just stopped being so (the next pick drops it);
 *   - it only ever puts a vCPU on a CPU of its hard affinity;
 *   - masks returned name the CPUs that must pick again.
 */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/credit.h"
#include "sched/sched_list.h"

#define SCHED_MAX_CPUS 64

/* A set of CPUs: bit c is CPU c. */
typedef uint64_t sched_cpumask_t;

static inline sched_cpumask_t sched_cpu_bit(unsigned int cpu)
{
	return (sched_cpumask_t)1 << cpu;
}

/* How many CPUs mask names (no libgcc in the hypervisor: no __builtin_popcount). */
static inline unsigned int sched_cpumask_weight(sched_cpumask_t mask)
{
	unsigned int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

/* Xen's credit1 defaults (Xen command line sched_credit_tslice_ms=, sched_ratelimit_us=). */
#define SCHED_DEFAULT_TSLICE_NS	   (30ULL * 1000 * 1000)
#define SCHED_DEFAULT_RATELIMIT_NS (1000ULL * 1000)
#define SCHED_DEFAULT_TICK_NS	   (10ULL * 1000 * 1000)
#define SCHED_DEFAULT_PERIOD_NS	   (30ULL * 1000 * 1000)
#define SCHED_DEFAULT_WEIGHT	   256u

/* Accepted ranges (as Xen's): slice 1 ms - 1 s; rate limit 0 (off) or 100 us - 500 ms. */
#define SCHED_MIN_TSLICE_NS    (1000ULL * 1000)
#define SCHED_MAX_TSLICE_NS    (1000ULL * 1000 * 1000)
#define SCHED_MIN_RATELIMIT_NS (100ULL * 1000)
#define SCHED_MAX_RATELIMIT_NS (500ULL * 1000 * 1000)

struct sched_params {
	uint64_t tslice_ns;    /* longest run while others of the same priority wait */
	uint64_t ratelimit_ns; /* shortest run before a preemption (0: none) */
	uint64_t tick_ns;      /* accounting tick of a busy CPU */
	uint64_t period_ns;    /* credit is issued once per period */
	bool boost;	       /* wake-up boost (on by default; off only to measure it) */
};

/* Where a vCPU is, as far as the policy is concerned. */
enum sched_where {
	SCHED_ASLEEP = 0, /* not runnable: blocked, down or paused */
	SCHED_QUEUED,	  /* runnable, waiting on cpu's run queue */
	SCHED_RUNNING,	  /* the current vCPU of cpu */
	SCHED_PARKED,	  /* runnable but held back by the policy (over its cap) */
};

struct sched_dom {
	void *owner;	 /* the user's domain */
	uint16_t weight; /* 1..65535: share relative to other domains */
	uint16_t cap;	 /* percent of one CPU the domain may use, 0: no cap */
	unsigned int nr_vcpus;
	struct sched_list vcpus; /* its struct sched_vcpu.dom_link */
	struct sched_list link;	 /* on struct sched.doms */
	uint64_t run_ns;	 /* time its vCPUs ran (statistics) */
	struct credit_dom credit;
};

struct sched_vcpu {
	void *owner; /* the user's vCPU */
	struct sched_dom *dom;
	struct sched_list dom_link;
	struct sched_list rq_link; /* on a policy's run queue */
	sched_cpumask_t affinity;  /* hard affinity: CPUs it may run on */
	unsigned int cpu;	   /* the CPU it waits on, runs on or last ran on */
	int move_to;		   /* a CPU it must move to at its next pick, or -1 */
	enum sched_where where;
	bool runnable; /* what the user last said (wake/sleep) */
	/* Statistics, kept by sched_* whatever the policy. */
	uint64_t run_ns;       /* time it ran */
	uint64_t run_start_ns; /* when it last got its CPU */
	uint64_t migrations;   /* times it changed CPU */
	uint64_t wakeups;
	struct credit_vcpu credit;
};

struct sched_cpu {
	struct sched_vcpu *curr; /* what the user runs there now (NULL: idle) */
	bool online;
	uint64_t switches; /* times curr changed (statistics) */
	struct credit_cpu credit;
};

struct sched {
	const struct sched_ops *ops;
	struct sched_params params;
	unsigned int nr_cpus;	/* CPUs 0 .. nr_cpus-1 exist */
	sched_cpumask_t online; /* those that run vCPUs */
	struct sched_cpu cpu[SCHED_MAX_CPUS];
	struct sched_list doms;
	uint64_t migrations;
	struct credit_sched credit;
};

/* What a CPU runs next. */
struct sched_choice {
	struct sched_vcpu *next; /* NULL: idle until a mask names this CPU */
	uint64_t timer_ns;	 /* call sched_tick at this time (0: no timer needed) */
	sched_cpumask_t tickle;	 /* other CPUs that must pick again */
};

/* A policy.  Each operation is described with its sched_* wrapper below. */
struct sched_ops {
	const char *name;
	void (*init)(struct sched *s);
	void (*dom_init)(struct sched *s, struct sched_dom *sd);
	sched_cpumask_t (*dom_changed)(struct sched *s, struct sched_dom *sd, uint64_t now);
	void (*vcpu_init)(struct sched *s, struct sched_vcpu *sv);
	void (*vcpu_remove)(struct sched *s, struct sched_vcpu *sv);
	sched_cpumask_t (*wake)(struct sched *s, struct sched_vcpu *sv, uint64_t now);
	sched_cpumask_t (*sleep)(struct sched *s, struct sched_vcpu *sv, uint64_t now);
	sched_cpumask_t (*yield)(struct sched *s, struct sched_vcpu *sv);
	sched_cpumask_t (*move)(struct sched *s, struct sched_vcpu *sv, unsigned int cpu,
				uint64_t now);
	sched_cpumask_t (*affinity_changed)(struct sched *s, struct sched_vcpu *sv, uint64_t now);
	struct sched_choice (*pick_next)(struct sched *s, unsigned int cpu, uint64_t now);
	sched_cpumask_t (*tick)(struct sched *s, unsigned int cpu, uint64_t now, uint64_t *timer);
};

/* Fills p with the defaults above (boost on). */
void sched_params_default(struct sched_params *p);

/*
 * 0 if p is within the accepted ranges (rate limit no longer than the
 * slice; tick and period at least 1 ms), else -EINVAL.
 */
int sched_params_check(const struct sched_params *p);

/*
 * Sets up s for policy ops on CPUs 0 .. nr_cpus-1 (1..SCHED_MAX_CPUS),
 * all online, with parameters p (NULL: defaults; p must pass
 * sched_params_check).  No domains yet.
 */
void sched_init(struct sched *s, const struct sched_ops *ops, const struct sched_params *p,
		unsigned int nr_cpus);

/* Takes cpu out of the CPUs that run vCPUs (one that failed to start); before any vCPU is added. */
void sched_cpu_offline(struct sched *s, unsigned int cpu);

/* Adds domain sd (weight 256, no cap, no vCPUs). */
void sched_dom_add(struct sched *s, struct sched_dom *sd, void *owner);

/* Removes sd, which has no vCPUs left. */
void sched_dom_remove(struct sched *s, struct sched_dom *sd);

/*
 * Sets sd's weight (1..65535) and cap (0, or 1..100 per vCPU of the
 * domain: a cap above what its vCPUs could use is refused).  Returns 0
 * and ORs into *tickle the CPUs that must pick again, or -EINVAL (nothing
 * changes).
 */
int sched_dom_set(struct sched *s, struct sched_dom *sd, unsigned int weight, unsigned int cap,
		  uint64_t now, sched_cpumask_t *tickle);

/*
 * Adds vCPU sv of domain sd, asleep, placed on cpu (online), allowed on
 * every CPU.
 */
void sched_vcpu_add(struct sched *s, struct sched_vcpu *sv, struct sched_dom *sd, void *owner,
		    unsigned int cpu);

/* Removes sv: it must be asleep and not the current vCPU of any CPU. */
void sched_vcpu_remove(struct sched *s, struct sched_vcpu *sv);

/* sv became runnable (idempotent).  Returns the CPUs that must pick again. */
sched_cpumask_t sched_vcpu_wake(struct sched *s, struct sched_vcpu *sv, uint64_t now);

/*
 * sv stopped being runnable (idempotent).  Returns the CPUs that must
 * pick again (its own, if it is running there).
 */
sched_cpumask_t sched_vcpu_sleep(struct sched *s, struct sched_vcpu *sv, uint64_t now);

/* sv (running) lets others run before it.  Returns the CPUs that must pick again. */
sched_cpumask_t sched_vcpu_yield(struct sched *s, struct sched_vcpu *sv);

/*
 * Sets sv's hard affinity to mask (CPUs outside the online ones are
 * ignored): the policy moves it if its CPU is no longer allowed, and lets
 * newly allowed CPUs take it.  Returns 0 and ORs
 * into *tickle the CPUs that must pick again, or -EINVAL if mask names no
 * online CPU (nothing changes).
 */
int sched_vcpu_set_affinity(struct sched *s, struct sched_vcpu *sv, sched_cpumask_t mask,
			    uint64_t now, sched_cpumask_t *tickle);

/*
 * Moves sv to cpu (online, in its affinity): at once if it is not
 * running, else when its current CPU next picks.  Returns the CPUs that
 * must pick again, or 0 if cpu is not allowed.
 */
sched_cpumask_t sched_vcpu_migrate(struct sched *s, struct sched_vcpu *sv, unsigned int cpu,
				   uint64_t now);

/*
 * CPU cpu chooses what to run from now on (its current vCPU may stay).
 * The user then runs choice.next, arms a timer for choice.timer_ns, and
 * makes the CPUs of choice.tickle pick again.
 */
struct sched_choice sched_pick_next(struct sched *s, unsigned int cpu, uint64_t now);

/*
 * cpu's timer passed: accounting, slices, preemption.  Sets *timer to the
 * next time the policy wants (0: none) and returns the CPUs that must pick
 * again (cpu itself included when it must).
 */
sched_cpumask_t sched_tick(struct sched *s, unsigned int cpu, uint64_t now, uint64_t *timer);

/* Records that sv moved to cpu (policies call this; counts migrations). */
void sched_set_cpu(struct sched *s, struct sched_vcpu *sv, unsigned int cpu);

/* True if cpu exists and runs vCPUs. */
static inline bool sched_cpu_online(const struct sched *s, unsigned int cpu)
{
	return cpu < s->nr_cpus && (s->online & sched_cpu_bit(cpu));
}

#endif /* SCHED_POLICY_H */
