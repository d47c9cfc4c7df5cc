/*
 * sched/credit_impl.h - what sched/credit.c (events, picking, stealing)
 * and sched/credit_account.c (issuing credit) share.  Private to the
 * credit scheduler.
 */
#ifndef SCHED_CREDIT_IMPL_H
#define SCHED_CREDIT_IMPL_H

#include "sched/policy.h"

/* The most credit a vCPU may hold: one time slice (Xen's bound too). */
static inline int64_t credit_max_balance(const struct sched *s)
{
	return (int64_t)s->params.tslice_ns;
}

/* A capped vCPU that has used up its credit may not run at all. */
static inline bool credit_must_park(const struct sched_vcpu *sv)
{
	return sv->dom->cap && sv->credit.balance <= 0;
}

/* The priority sv's balance and boost give it. */
static inline enum credit_prio credit_prio_of(const struct sched_vcpu *sv)
{
	if (sv->credit.balance <= 0)
		return CREDIT_PRIO_OVER;
	return sv->credit.boosted ? CREDIT_PRIO_BOOST : CREDIT_PRIO_UNDER;
}

/* Charges the running sv for its time since the last debit. */
void credit_debit(struct sched *s, struct sched_vcpu *sv, uint64_t now);

/* Puts runnable sv at the tail of cpu's queue for its priority. */
void credit_runq_insert(struct sched *s, struct sched_vcpu *sv, unsigned int cpu);

/* Takes queued sv off its run queue (it stays where = QUEUED until the caller says). */
void credit_runq_remove(struct sched_vcpu *sv);

/*
 * Queues runnable sv on a CPU of its affinity (an idle one if it can) and
 * returns the CPUs that must pick again to run it soon.
 */
sched_cpumask_t credit_enqueue(struct sched *s, struct sched_vcpu *sv, uint64_t now);

/*
 * Queued sv's priority changed: to the tail of its new queue on the same
 * CPU.  Returns the CPUs that must pick again.
 */
sched_cpumask_t credit_requeue(struct sched *s, struct sched_vcpu *sv, uint64_t now);

/*
 * Issues the credit of the period that ended (of all that passed, if the
 * timer came late) to the vCPUs that compete for CPU time and re-sorts
 * queues, unparks and preempts accordingly.  Returns the CPUs
 * that must pick again.
 */
sched_cpumask_t credit_account(struct sched *s, uint64_t now);

#endif /* SCHED_CREDIT_IMPL_H */
