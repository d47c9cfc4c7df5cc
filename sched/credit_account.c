/*
 * sched/credit_account.c - the credit scheduler's accounting: once per
 * period, who gets how much credit.
 *
 * The pool is the CPU time the period offers, period x online CPUs.  It
 * is shared by weighted max-min fairness ("water-filling"): each domain
 * that competes gets pool x weight / (sum of competing weights), except
 * that a domain never gets more than it wants (its vCPUs can each use at
 * most one period of CPU, may not hold more than one slice of credit, and
 * the domain may not exceed its cap); what such a domain leaves is shared
 * again among the rest, by weight, until nobody is left wanting or the
 * pool is empty.  Within a domain the same is done among its competing
 * vCPUs with equal weights.
 *
 * Why not simply weight x pool: a domain with one vCPU and a huge weight
 * on a 4-CPU machine cannot use 4 CPUs; giving it the credit anyway
 * would leave the other domains short and permanently OVER, where
 * priorities no longer tell them apart.
 *
 * A vCPU competes if it is runnable now or ran during the period; one
 * that slept the whole period is issued nothing (it did not need the CPU).
 * Credit not issued is not lost: it was never created.  The books
 * (issued = consumed + balances + retired) hold exactly, in integer
 * nanoseconds.
 *
 * Late accounting.  The accounting runs from a CPU's timer, which can
 * come late by more than a period (an SMI; Keel in a VM whose host
 * descheduled it).  The time that passed was run by someone and debited,
 * so one accounting then issues the credit of every period that passed
 * (up to a second's worth): otherwise every balance would sink by the
 * missed periods, all vCPUs would end up OVER for good, and weights would
 * stop counting.  After an idle spell the same holds; wants bound what
 * is issued (a vCPU that slept throughout is issued nothing, one that ran
 * at most a slice beyond its debt).
 */
#include "lib/printk.h"
#include "sched/credit.h"
#include "sched/credit_impl.h"
#include "sched/policy.h"

/* One accounting covers at most this much time (pool <= 64 CPUs x 1 s: see waterfill). */
#define CREDIT_MAX_CATCH_UP_NS (1000ULL * 1000 * 1000)

static struct credit_share *dom_share(struct sched_list *n)
{
	return &sched_list_entry(n, struct sched_dom, link)->credit.share;
}

static struct credit_share *vcpu_share(struct sched_list *n)
{
	return &sched_list_entry(n, struct sched_vcpu, dom_link)->credit.share;
}

/*
 * Shares pool between the entities on list by weight, none getting more
 * than its want (weighted max-min fairness).  Returns what was handed out.
 * pool x weight must fit in 64 bits (pool <= 64 CPUs x 1 s, weight < 2^16).
 */
static uint64_t waterfill(struct sched_list *list,
			  struct credit_share *(*share_of)(struct sched_list *), uint64_t pool)
{
	uint64_t left = pool;
	struct sched_list *n;

	sched_list_for_each(n, list) {
		struct credit_share *sh = share_of(n);

		sh->grant = 0;
		sh->done = !sh->want || !sh->weight;
	}
	for (;;) {
		uint64_t weights = 0, given = 0;
		bool any_satisfied = false;

		sched_list_for_each(n, list)
			if (!share_of(n)->done)
				weights += share_of(n)->weight;
		if (!weights || !left)
			break;
		/* Everyone whose want fits in a fair share of what is left gets it... */
		sched_list_for_each(n, list) {
			struct credit_share *sh = share_of(n);

			if (!sh->done && sh->want <= left * sh->weight / weights) {
				sh->grant = sh->want;
				sh->done = true;
				given += sh->want;
				any_satisfied = true;
			}
		}
		left -= given;
		if (any_satisfied)
			continue; /* ...and the rest share what those left, next round */
		sched_list_for_each(n, list) {
			struct credit_share *sh = share_of(n);

			if (!sh->done) {
				sh->grant = left * sh->weight / weights;
				sh->done = true;
				given += sh->grant;
			}
		}
		left -= given;
		break;
	}
	return pool - left;
}

/* How much each vCPU and domain could use in the `periods` periods this accounting covers. */
static void compute_wants(struct sched *s, uint64_t periods)
{
	const uint64_t period = s->params.period_ns * periods;
	struct sched_list *dn, *vn;

	sched_list_for_each(dn, &s->doms) {
		struct sched_dom *sd = sched_list_entry(dn, struct sched_dom, link);
		uint64_t want = 0;

		sched_list_for_each(vn, &sd->vcpus) {
			struct sched_vcpu *sv = sched_list_entry(vn, struct sched_vcpu, dom_link);
			struct credit_share *sh = &sv->credit.share;
			int64_t room = credit_max_balance(s) - sv->credit.balance;

			sh->weight = 1;
			sh->want = 0;
			if ((sv->runnable || sv->credit.ran) && room > 0)
				sh->want = (uint64_t)room < period ? (uint64_t)room : period;
			want += sh->want;
		}
		if (sd->cap && want > period * sd->cap / 100)
			want = period * sd->cap / 100;
		sd->credit.share.weight = sd->weight;
		sd->credit.share.want = want;
	}
}

/* Issues what waterfill granted; the period starts afresh for "ran". */
static void issue(struct sched *s)
{
	struct sched_list *dn, *vn;

	sched_list_for_each(dn, &s->doms) {
		struct sched_dom *sd = sched_list_entry(dn, struct sched_dom, link);

		waterfill(&sd->vcpus, vcpu_share, sd->credit.share.grant);
		sched_list_for_each(vn, &sd->vcpus) {
			struct sched_vcpu *sv = sched_list_entry(vn, struct sched_vcpu, dom_link);

			sv->credit.balance += (int64_t)sv->credit.share.grant;
			s->credit.issued_ns += sv->credit.share.grant;
			sv->credit.ran = false;
		}
	}
}

/* Balances changed: queued vCPUs move to their new priority's queue, parked ones may go. */
static sched_cpumask_t requeue_all(struct sched *s, uint64_t now)
{
	sched_cpumask_t mask = 0;
	struct sched_list *dn, *vn;

	sched_list_for_each(dn, &s->doms) {
		struct sched_dom *sd = sched_list_entry(dn, struct sched_dom, link);

		sched_list_for_each(vn, &sd->vcpus) {
			struct sched_vcpu *sv = sched_list_entry(vn, struct sched_vcpu, dom_link);

			if (sv->where == SCHED_QUEUED && credit_prio_of(sv) != sv->credit.prio) {
				mask |= credit_requeue(s, sv, now);
			} else if (sv->where == SCHED_PARKED && !credit_must_park(sv)) {
				s->credit.nr_parked--;
				sv->where = SCHED_ASLEEP;
				mask |= credit_enqueue(s, sv, now);
			}
		}
	}
	return mask;
}

/* The periods since the last accounting (rules at the top): 1 unless its timer came late. */
static uint64_t periods_passed(const struct sched *s, uint64_t now)
{
	const uint64_t period = s->params.period_ns;
	uint64_t n;

	if (!s->credit.next_account_ns || now < s->credit.next_account_ns)
		return 1;
	n = 1 + (now - s->credit.next_account_ns) / period;
	return n < CREDIT_MAX_CATCH_UP_NS / period ? n : CREDIT_MAX_CATCH_UP_NS / period;
}

sched_cpumask_t credit_account(struct sched *s, uint64_t now)
{
	const uint64_t periods = periods_passed(s, now);
	const uint64_t pool = s->params.period_ns * periods * sched_cpumask_weight(s->online);

	/* Running vCPUs pay for their time so far: wants are computed on true balances. */
	for (unsigned int c = 0; c < s->nr_cpus; c++)
		if (s->cpu[c].curr)
			credit_debit(s, s->cpu[c].curr, now);
	compute_wants(s, periods);
	waterfill(&s->doms, dom_share, pool);
	issue(s);
	s->credit.periods++;
	s->credit.next_account_ns += s->params.period_ns * periods;
	if (s->credit.next_account_ns <= now)
		s->credit.next_account_ns =
		    now + s->params.period_ns; /* idle for over a second: start afresh */
	return requeue_all(s, now);
}

int64_t credit_unaccounted_ns(const struct sched *s)
{
	int64_t balances = 0;
	const struct sched_list *dn, *vn;

	sched_list_for_each(dn, &s->doms) {
		const struct sched_dom *sd = sched_list_entry(dn, struct sched_dom, link);

		sched_list_for_each(vn, &sd->vcpus)
			balances +=
			    sched_list_entry(vn, struct sched_vcpu, dom_link)->credit.balance;
	}
	return (int64_t)s->credit.issued_ns - (int64_t)s->credit.consumed_ns - balances -
	       s->credit.retired_ns;
}
