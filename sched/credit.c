/*
 * sched/credit.c - the credit scheduler (modelled on Xen's credit1, from
 * its documentation): proportional sharing of CPU time between domains
 * by weight, with caps, a wake-up boost for I/O-bound vCPUs and per-CPU
 * run queues that idle CPUs steal from.
 *
 * Credit.  A vCPU's credit is a balance in nanoseconds of CPU time.  Once
 * per accounting period (30 ms) the scheduler issues a pool of
 * period x online CPUs nanoseconds (credit_account.c): shared between the
 * domains that compete for CPU time in proportion to their weights, no
 * domain getting more than its vCPUs could use or its cap allows (the
 * rest going to the others), and within a domain equally between its
 * competing vCPUs.  Whenever a vCPU leaves its CPU, and at every tick
 * (10 ms) while it runs, it is debited exactly the time it ran, measured
 * with the clock the caller passes in: a vCPU that gives up its CPU just
 * before a tick does not run for free, as it would if ticks sampled who
 * is running.  A balance never exceeds one time slice of credit (savings
 * beyond that are simply not issued), so a vCPU idle for an hour cannot
 * then monopolise a CPU.  Nothing else changes balances, which gives the
 * books: issued = consumed + balances + what removed vCPUs took away.
 *
 * Priorities.  A runnable vCPU is BOOST (it woke up from blocking with
 * credit left), UNDER (credit left) or OVER (none); each CPU keeps one
 * FIFO queue per priority and always runs the best it has.  So domains
 * over their share run only when nothing under its share wants the CPU
 * (the scheduler is work-conserving without caps), and a vCPU that
 * blocks often (I/O) jumps ahead of CPU hogs when it wakes: the boost
 * lasts until its first tick, so it cannot be abused to hog the CPU.
 *
 * Caps.  A capped domain is issued at most cap% of one CPU per period; a
 * capped vCPU without credit is parked (runs nowhere, even on an idle
 * CPU) until the next period gives it credit, and a capped vCPU's slice
 * ends when its credit does, so the cap holds to within a slice's
 * rounding.
 *
 * When to switch.  A CPU picks again (the caller calls credit_pick) when
 * its vCPU blocks or yields, when a better vCPU arrives on its queue, and
 * when its timer passes (credit_tick): at each tick, when its slice ends
 * (30 ms, if another vCPU of the same priority waits), or when the rate
 * limit (1 ms) lets a waiting better vCPU in.  The rate limit keeps a
 * vCPU on its CPU for at least that long, so a storm of wake-ups cannot
 * turn a CPU into a context-switching machine.
 *
 * Many CPUs.  A waking vCPU goes to its own CPU if that is idle, else
 * to another idle CPU of its hard affinity, else stays where it was; if
 * it is better than what runs there, that CPU is told to pick again,
 * otherwise a CPU running something worse is told so it steals it.  A
 * CPU whose own best is OVER or nothing looks at the other CPUs' queues
 * and steals the best waiting vCPU (of its affinity) that is better: so
 * idle CPUs take work from busy ones and credit, not the placement,
 * decides who runs.  A vCPU is only ever taken from a queue, never from
 * another CPU while it runs there (the caller makes sure it has been
 * saved there before it runs here: see pv_schedule.c).
 *
 * Locks: none; the caller serialises every call (sched/policy.h).
 */
#include "sched/credit.h"

#include "lib/printk.h"
#include "sched/credit_impl.h"
#include "sched/policy.h"

/* A capped vCPU with almost no credit still runs this long: timers are not free. */
#define CREDIT_MIN_SLICE_NS (100ULL * 1000)

static struct credit_cpu *ccpu(struct sched *s, unsigned int cpu)
{
	return &s->cpu[cpu].credit;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void credit_debit(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	struct credit_vcpu *cv = &sv->credit;
	uint64_t used;

	if (now <= cv->last_debit_ns)
		return;
	used = now - cv->last_debit_ns;
	cv->balance -= (int64_t)used;
	cv->last_debit_ns = now;
	cv->ran = true;
	s->credit.consumed_ns += used;
}

/* The priority of a running vCPU counting the time it ran since its last debit. */
static enum credit_prio live_prio(const struct sched_vcpu *sv, uint64_t now)
{
	int64_t balance = sv->credit.balance;

	if (sv->where == SCHED_RUNNING && now > sv->credit.last_debit_ns)
		balance -= (int64_t)(now - sv->credit.last_debit_ns);
	if (balance <= 0)
		return CREDIT_PRIO_OVER;
	return sv->credit.boosted ? CREDIT_PRIO_BOOST : CREDIT_PRIO_UNDER;
}

void credit_runq_insert(struct sched *s, struct sched_vcpu *sv, unsigned int cpu)
{
	BUG_ON(!(sv->affinity & sched_cpu_bit(cpu)) || sched_list_linked(&sv->rq_link));
	sv->credit.prio = credit_prio_of(sv);
	sched_set_cpu(s, sv, cpu);
	sv->where = SCHED_QUEUED;
	sched_list_add_tail(&ccpu(s, cpu)->runq[sv->credit.prio], &sv->rq_link);
}

void credit_runq_remove(struct sched_vcpu *sv)
{
	sched_list_del(&sv->rq_link);
}

static void park(struct sched *s, struct sched_vcpu *sv)
{
	sv->where = SCHED_PARKED;
	s->credit.nr_parked++;
}

static void unpark(struct sched *s, struct sched_vcpu *sv, enum sched_where to)
{
	s->credit.nr_parked--;
	sv->where = to;
}

/*
 * The first vCPU queued on cpu with a priority better than `worse` that
 * may run on CPU `on`, skipping `except`; NULL if none.
 */
static struct sched_vcpu *runq_best(struct sched *s, unsigned int cpu, enum credit_prio worse,
				    unsigned int on, const struct sched_vcpu *except)
{
	for (unsigned int p = 0; p < (unsigned int)worse; p++) {
		struct sched_list *n;

		sched_list_for_each(n, &ccpu(s, cpu)->runq[p]) {
			struct sched_vcpu *sv = sched_list_entry(n, struct sched_vcpu, rq_link);

			if (sv != except && (sv->affinity & sched_cpu_bit(on)))
				return sv;
		}
	}
	return NULL;
}

/* cpu runs nothing that wants to go on, and nothing waits there. */
static bool cpu_idle(struct sched *s, unsigned int cpu)
{
	const struct sched_vcpu *cur = s->cpu[cpu].curr;

	if (cur && cur->runnable)
		return false;
	for (unsigned int p = 0; p < CREDIT_NR_PRIO; p++)
		if (!sched_list_empty(&ccpu(s, cpu)->runq[p]))
			return false;
	return true;
}

/* Where runnable sv should wait (rules at the top). */
static unsigned int place(struct sched *s, struct sched_vcpu *sv)
{
	sched_cpumask_t allowed = sv->affinity & s->online;
	unsigned int cpu;

	if (sv->move_to >= 0) {
		cpu = (unsigned int)sv->move_to;
		sv->move_to = -1;
		if (allowed & sched_cpu_bit(cpu))
			return cpu;
	}
	if ((allowed & sched_cpu_bit(sv->cpu)) && cpu_idle(s, sv->cpu))
		return sv->cpu;
	for (unsigned int i = 1; i < s->nr_cpus; i++) {
		cpu = (sv->cpu + i) % s->nr_cpus;
		if ((allowed & sched_cpu_bit(cpu)) && cpu_idle(s, cpu))
			return cpu;
	}
	if (allowed & sched_cpu_bit(sv->cpu))
		return sv->cpu;
	for (cpu = 0; !(allowed & sched_cpu_bit(cpu)); cpu++)
		;
	return cpu;
}

/*
 * Whether a CPU running cur at this moment would take a vCPU of priority
 * prio from another CPU's queue (it steals only when its own best is OVER
 * or nothing).
 */
static bool would_steal(const struct sched_vcpu *cur, enum credit_prio prio, uint64_t now)
{
	enum credit_prio here;

	if (!cur || !cur->runnable)
		return true;
	here = live_prio(cur, now);
	return here >= CREDIT_PRIO_OVER && prio < here;
}

/* Queued sv arrived: which CPUs must pick again so it runs as soon as it should. */
static sched_cpumask_t tickle(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	const struct sched_vcpu *cur = s->cpu[sv->cpu].curr;

	if (!cur || !cur->runnable || sv->credit.prio < live_prio(cur, now))
		return sched_cpu_bit(sv->cpu);
	for (unsigned int i = 1; i < s->nr_cpus; i++) {
		unsigned int cpu = (sv->cpu + i) % s->nr_cpus;

		if ((sv->affinity & s->online & sched_cpu_bit(cpu)) &&
		    would_steal(s->cpu[cpu].curr, sv->credit.prio, now))
			return sched_cpu_bit(cpu);
	}
	return 0;
}

sched_cpumask_t credit_enqueue(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	credit_runq_insert(s, sv, place(s, sv));
	return tickle(s, sv, now);
}

sched_cpumask_t credit_requeue(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	credit_runq_remove(sv);
	credit_runq_insert(s, sv, sv->cpu);
	return tickle(s, sv, now);
}

static void credit_init(struct sched *s)
{
	for (unsigned int c = 0; c < SCHED_MAX_CPUS; c++) {
		s->cpu[c].credit = (struct credit_cpu){0};
		for (unsigned int p = 0; p < CREDIT_NR_PRIO; p++)
			sched_list_init(&s->cpu[c].credit.runq[p]);
	}
	/* The first tick accounts, so a fresh system has credit after 10 ms, not 30. */
	s->credit = (struct credit_sched){0};
}

static void credit_dom_init(struct sched *s, struct sched_dom *sd)
{
	(void)s;
	sd->credit = (struct credit_dom){0};
}

static void credit_vcpu_init(struct sched *s, struct sched_vcpu *sv)
{
	(void)s;
	sv->credit = (struct credit_vcpu){.prio = CREDIT_PRIO_OVER};
}

static void credit_vcpu_remove(struct sched *s, struct sched_vcpu *sv)
{
	s->credit.retired_ns += sv->credit.balance;
	sv->credit.balance = 0;
}

static sched_cpumask_t credit_wake(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	if (sv->where == SCHED_RUNNING)
		return 0; /* woke before its CPU took it off: it simply goes on */
	sv->credit.boosted = s->params.boost && sv->credit.balance > 0;
	if (credit_must_park(sv)) {
		park(s, sv);
		/* An idle CPU there must keep the accounting going. */
		return sched_cpu_bit(sv->cpu);
	}
	return credit_enqueue(s, sv, now);
}

static sched_cpumask_t credit_sleep(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	(void)now;
	sv->credit.boosted = false;
	switch (sv->where) {
	case SCHED_QUEUED:
		credit_runq_remove(sv);
		sv->where = SCHED_ASLEEP;
		return 0;
	case SCHED_PARKED:
		unpark(s, sv, SCHED_ASLEEP);
		return 0;
	case SCHED_RUNNING:
		return sched_cpu_bit(sv->cpu); /* its CPU's next pick lets it go */
	default:
		return 0;
	}
}

static sched_cpumask_t credit_yield(struct sched *s, struct sched_vcpu *sv)
{
	(void)s;
	if (sv->where != SCHED_RUNNING)
		return 0;
	sv->credit.yielded = true;
	return sched_cpu_bit(sv->cpu);
}

static sched_cpumask_t credit_move(struct sched *s, struct sched_vcpu *sv, unsigned int cpu,
				   uint64_t now)
{
	switch (sv->where) {
	case SCHED_RUNNING:
		if (sv->cpu == cpu)
			return 0;
		sv->move_to = (int)cpu;
		return sched_cpu_bit(sv->cpu);
	case SCHED_QUEUED:
		credit_runq_remove(sv);
		credit_runq_insert(s, sv, cpu);
		return tickle(s, sv, now);
	default:
		sched_set_cpu(s, sv, cpu);
		return 0;
	}
}

static sched_cpumask_t credit_affinity_changed(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	bool allowed_here = sv->affinity & sched_cpu_bit(sv->cpu);

	switch (sv->where) {
	case SCHED_RUNNING:
		return allowed_here ? 0 : sched_cpu_bit(sv->cpu); /* its pick queues it elsewhere */
	case SCHED_QUEUED:
		/* Where it waits may have become wrong, or a newly allowed CPU may be idle. */
		credit_runq_remove(sv);
		return credit_enqueue(s, sv, now);
	default:
		if (!allowed_here)
			sched_set_cpu(s, sv, (unsigned int)__builtin_ctzll(sv->affinity));
		return 0;
	}
}

static sched_cpumask_t credit_dom_changed(struct sched *s, struct sched_dom *sd, uint64_t now)
{
	sched_cpumask_t mask = 0;
	struct sched_list *n;

	sched_list_for_each(n, &sd->vcpus) {
		struct sched_vcpu *sv = sched_list_entry(n, struct sched_vcpu, dom_link);

		if (sv->where == SCHED_PARKED && !credit_must_park(sv)) {
			unpark(s, sv, SCHED_ASLEEP);
			mask |= credit_enqueue(s, sv, now);
		} else if (sv->where == SCHED_RUNNING && sd->cap) {
			mask |= sched_cpu_bit(sv->cpu); /* its pick parks it if it has no credit */
		}
	}
	return mask;
}

/* The rate limit: prev has not run long enough to be preempted (a yield or block ends it). */
static bool keep_prev(struct sched *s, struct sched_vcpu *prev, unsigned int cpu, uint64_t now)
{
	const struct credit_vcpu *cv = &prev->credit;

	return s->params.ratelimit_ns && prev->runnable && !cv->yielded && prev->move_to < 0 &&
	       !credit_must_park(prev) && (prev->affinity & sched_cpu_bit(cpu)) &&
	       now - cv->started_ns < s->params.ratelimit_ns && now < ccpu(s, cpu)->slice_end_ns;
}

/* prev leaves cpu: back on a queue if it may still run. */
static void requeue_prev(struct sched *s, struct sched_vcpu *prev, unsigned int cpu, uint64_t now,
			 sched_cpumask_t *tickled)
{
	s->cpu[cpu].curr = NULL;
	if (!prev->runnable)
		prev->where = SCHED_ASLEEP;
	else if (credit_must_park(prev))
		park(s, prev);
	else if ((prev->affinity & sched_cpu_bit(cpu)) && prev->move_to < 0)
		credit_runq_insert(s, prev, cpu);
	else
		*tickled |= credit_enqueue(s, prev, now);
}

/*
 * The best waiting vCPU (of cpu's affinity) on the other CPUs that is
 * better than floor, but not `except` (one this CPU just sent elsewhere).
 */
static struct sched_vcpu *steal(struct sched *s, unsigned int cpu, enum credit_prio floor,
				const struct sched_vcpu *except)
{
	struct sched_vcpu *best = NULL;
	unsigned int start = s->credit.steal_start++ % s->nr_cpus;

	for (unsigned int i = 0; i < s->nr_cpus && floor > CREDIT_PRIO_BOOST; i++) {
		unsigned int peer = (start + i) % s->nr_cpus;
		struct sched_vcpu *sv;

		if (peer == cpu || !sched_cpu_online(s, peer))
			continue;
		sv = runq_best(s, peer, floor, cpu, except);
		if (sv) {
			best = sv;
			floor = sv->credit.prio;
		}
	}
	return best;
}

/* How long next may run before the others get a turn (a capped vCPU: until its credit is gone). */
static uint64_t slice_of(const struct sched *s, const struct sched_vcpu *next)
{
	int64_t balance = next->credit.balance;

	if (next->dom->cap && balance < (int64_t)s->params.tslice_ns)
		return balance > (int64_t)CREDIT_MIN_SLICE_NS ? (uint64_t)balance
							      : CREDIT_MIN_SLICE_NS;
	return s->params.tslice_ns;
}

/* next runs on cpu from now; it was already running there if `stays` (its rate limit runs on). */
static void start(struct sched *s, struct sched_vcpu *next, unsigned int cpu, uint64_t now,
		  bool stays)
{
	struct credit_cpu *cc = ccpu(s, cpu);

	credit_runq_remove(next);
	sched_set_cpu(s, next, cpu);
	next->where = SCHED_RUNNING;
	if (!stays)
		next->credit.started_ns = now;
	next->credit.last_debit_ns = now;
	next->credit.ran = true;
	s->cpu[cpu].curr = next;
	cc->slice_end_ns = now + slice_of(s, next);
	if (!cc->next_tick_ns)
		cc->next_tick_ns = now + s->params.tick_ns;
}

/*
 * When cpu, running cur (debited up to now), must look again: its next
 * tick, the end of its slice, or the moment its credit runs out and it
 * drops from UNDER to OVER.  Waiting for the tick instead would let a
 * vCPU with a sliver of credit keep priority over the others for up to a
 * whole tick, which ruins proportions when many vCPUs hover around zero.
 */
static uint64_t next_timer(struct sched *s, unsigned int cpu, const struct sched_vcpu *cur)
{
	const struct credit_cpu *cc = ccpu(s, cpu);
	uint64_t t = min_u64(cc->next_tick_ns, cc->slice_end_ns);

	if (cur->credit.balance > 0)
		t = min_u64(t, cur->credit.last_debit_ns + (uint64_t)cur->credit.balance);
	return t;
}

/* The timer an idle CPU needs: parked vCPUs are let out only by an accounting. */
static uint64_t idle_timer(const struct sched *s)
{
	if (!s->credit.nr_parked)
		return 0;
	return s->credit.next_account_ns ? s->credit.next_account_ns : 1; /* 1: at once */
}

/* The local choice: the best queued, but a vCPU that yielded lets any other go first. */
static struct sched_vcpu *local_best(struct sched *s, unsigned int cpu, struct sched_vcpu *yielder)
{
	struct sched_vcpu *next = runq_best(s, cpu, CREDIT_NR_PRIO, cpu, NULL);

	if (yielder && next == yielder) {
		struct sched_vcpu *other = runq_best(s, cpu, CREDIT_NR_PRIO, cpu, yielder);

		if (other)
			next = other;
	}
	return next;
}

static struct sched_choice credit_pick(struct sched *s, unsigned int cpu, uint64_t now)
{
	struct credit_cpu *cc = ccpu(s, cpu);
	struct sched_vcpu *prev = s->cpu[cpu].curr, *next, *yielder = NULL;
	struct sched_choice ch = {0};
	enum credit_prio floor;

	if (prev) {
		credit_debit(s, prev, now);
		if (keep_prev(s, prev, cpu, now)) {
			ch.next = prev;
			ch.timer_ns = min_u64(prev->credit.started_ns + s->params.ratelimit_ns,
					      next_timer(s, cpu, prev));
			return ch;
		}
		if (prev->credit.yielded)
			yielder = prev;
		prev->credit.yielded = false;
		requeue_prev(s, prev, cpu, now, &ch.tickle);
	}
	next = local_best(s, cpu, yielder);
	floor = next ? next->credit.prio : CREDIT_NR_PRIO;
	if (floor >= CREDIT_PRIO_OVER) {
		struct sched_vcpu *stolen = steal(s, cpu, floor, prev);

		if (stolen)
			next = stolen;
	}
	ch.tickle &= ~sched_cpu_bit(cpu);
	if (!next) {
		cc->next_tick_ns = 0;
		ch.timer_ns = idle_timer(s);
		return ch;
	}
	start(s, next, cpu, now, next == prev);
	ch.next = next;
	ch.timer_ns = next_timer(s, cpu, next);
	return ch;
}

/* Must cpu, running cur (debited up to now), pick again? */
static bool should_preempt(struct sched *s, unsigned int cpu, struct sched_vcpu *cur, uint64_t now)
{
	enum credit_prio prio = credit_prio_of(cur);
	bool slice_over = now >= ccpu(s, cpu)->slice_end_ns;

	if (!cur->runnable || cur->move_to >= 0 || credit_must_park(cur))
		return true;
	/* At the end of its slice, an equal waits no longer. */
	if (runq_best(s, cpu, slice_over ? prio + 1 : prio, cpu, NULL))
		return true;
	if (prio < CREDIT_PRIO_OVER)
		return false;
	for (unsigned int peer = 0; peer < s->nr_cpus; peer++)
		if (peer != cpu && sched_cpu_online(s, peer) && runq_best(s, peer, prio, cpu, NULL))
			return true;
	return false;
}

static sched_cpumask_t credit_tick(struct sched *s, unsigned int cpu, uint64_t now, uint64_t *timer)
{
	struct credit_cpu *cc = ccpu(s, cpu);
	struct sched_vcpu *cur = s->cpu[cpu].curr;
	sched_cpumask_t mask = 0;

	if (now >= s->credit.next_account_ns)
		mask |= credit_account(s, now);
	if (!cur) {
		*timer = idle_timer(s);
		return mask;
	}
	credit_debit(s, cur, now);
	if (now >= cc->next_tick_ns) {
		cur->credit.boosted = false; /* a boost lasts until the first tick */
		cc->next_tick_ns += s->params.tick_ns;
		if (cc->next_tick_ns <= now)
			cc->next_tick_ns = now + s->params.tick_ns;
	}
	if (should_preempt(s, cpu, cur, now))
		mask |= sched_cpu_bit(cpu);
	else if (now >= cc->slice_end_ns)
		cc->slice_end_ns = now + slice_of(s, cur); /* nobody to hand over to: a new slice */
	*timer = next_timer(s, cpu, cur);
	return mask;
}

const struct sched_ops credit_ops = {
    .name = "credit",
    .init = credit_init,
    .dom_init = credit_dom_init,
    .dom_changed = credit_dom_changed,
    .vcpu_init = credit_vcpu_init,
    .vcpu_remove = credit_vcpu_remove,
    .wake = credit_wake,
    .sleep = credit_sleep,
    .yield = credit_yield,
    .move = credit_move,
    .affinity_changed = credit_affinity_changed,
    .pick_next = credit_pick,
    .tick = credit_tick,
};
