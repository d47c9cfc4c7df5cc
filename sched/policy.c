/*
 * sched/policy.c - the generic half of the scheduling interface
 * (sched/policy.h): argument checks, domain and vCPU membership, and the
 * statistics every policy gets for free (run time, switches, migrations,
 * wake-ups), around calls to the policy's operations.
 *
 * Keeping run time here, measured from the picks alone, gives the tests
 * a yardstick the policy does not control: the credit scheduler's own
 * debits must add up to the same total.
 *
 * Locks: none here; the caller serialises every call (policy.h).
 */
#include "sched/policy.h"

#include "lib/errno.h"
#include "lib/printk.h"

void sched_params_default(struct sched_params *p)
{
	p->tslice_ns = SCHED_DEFAULT_TSLICE_NS;
	p->ratelimit_ns = SCHED_DEFAULT_RATELIMIT_NS;
	p->tick_ns = SCHED_DEFAULT_TICK_NS;
	p->period_ns = SCHED_DEFAULT_PERIOD_NS;
	p->boost = true;
}

int sched_params_check(const struct sched_params *p)
{
	const uint64_t ms = 1000ULL * 1000;

	if (p->tslice_ns < SCHED_MIN_TSLICE_NS || p->tslice_ns > SCHED_MAX_TSLICE_NS)
		return -EINVAL;
	if (p->ratelimit_ns &&
	    (p->ratelimit_ns < SCHED_MIN_RATELIMIT_NS || p->ratelimit_ns > SCHED_MAX_RATELIMIT_NS ||
	     p->ratelimit_ns > p->tslice_ns))
		return -EINVAL;
	if (p->tick_ns < ms || p->period_ns < ms || p->tick_ns > 1000 * ms ||
	    p->period_ns > 1000 * ms)
		return -EINVAL;
	return 0;
}

void sched_init(struct sched *s, const struct sched_ops *ops, const struct sched_params *p,
		unsigned int nr_cpus)
{
	BUG_ON(nr_cpus == 0 || nr_cpus > SCHED_MAX_CPUS);
	*s = (struct sched){.ops = ops, .nr_cpus = nr_cpus};
	if (p)
		s->params = *p;
	else
		sched_params_default(&s->params);
	BUG_ON(sched_params_check(&s->params));
	s->online = nr_cpus == SCHED_MAX_CPUS ? ~(sched_cpumask_t)0 : sched_cpu_bit(nr_cpus) - 1;
	for (unsigned int c = 0; c < nr_cpus; c++)
		s->cpu[c].online = true;
	sched_list_init(&s->doms);
	ops->init(s);
}

void sched_cpu_offline(struct sched *s, unsigned int cpu)
{
	BUG_ON(cpu >= s->nr_cpus || !sched_list_empty(&s->doms));
	s->online &= ~sched_cpu_bit(cpu);
	s->cpu[cpu].online = false;
	BUG_ON(!s->online);
}

void sched_dom_add(struct sched *s, struct sched_dom *sd, void *owner)
{
	*sd = (struct sched_dom){.owner = owner, .weight = SCHED_DEFAULT_WEIGHT};
	sched_list_init(&sd->vcpus);
	sched_list_add_tail(&s->doms, &sd->link);
	s->ops->dom_init(s, sd);
}

void sched_dom_remove(struct sched *s, struct sched_dom *sd)
{
	(void)s;
	BUG_ON(!sched_list_empty(&sd->vcpus));
	sched_list_del(&sd->link);
}

int sched_dom_set(struct sched *s, struct sched_dom *sd, unsigned int weight, unsigned int cap,
		  uint64_t now, sched_cpumask_t *tickle)
{
	if (weight < 1 || weight > 65535 || cap > 100 * sd->nr_vcpus)
		return -EINVAL;
	sd->weight = (uint16_t)weight;
	sd->cap = (uint16_t)cap;
	*tickle |= s->ops->dom_changed(s, sd, now);
	return 0;
}

void sched_vcpu_add(struct sched *s, struct sched_vcpu *sv, struct sched_dom *sd, void *owner,
		    unsigned int cpu)
{
	BUG_ON(!sched_cpu_online(s, cpu));
	*sv = (struct sched_vcpu){.owner = owner, .dom = sd, .cpu = cpu, .move_to = -1};
	sv->affinity = s->online;
	sched_list_init(&sv->rq_link);
	sched_list_add_tail(&sd->vcpus, &sv->dom_link);
	sd->nr_vcpus++;
	s->ops->vcpu_init(s, sv);
}

void sched_vcpu_remove(struct sched *s, struct sched_vcpu *sv)
{
	BUG_ON(sv->runnable || sv->where != SCHED_ASLEEP);
	BUG_ON(s->cpu[sv->cpu].curr == sv);
	s->ops->vcpu_remove(s, sv);
	sched_list_del(&sv->dom_link);
	sv->dom->nr_vcpus--;
	/* A cap a smaller domain could never reach is no cap at all: keep it meaningful. */
	if (sv->dom->cap > 100 * sv->dom->nr_vcpus)
		sv->dom->cap = (uint16_t)(100 * sv->dom->nr_vcpus);
}

sched_cpumask_t sched_vcpu_wake(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	if (sv->runnable)
		return 0;
	sv->runnable = true;
	sv->wakeups++;
	return s->ops->wake(s, sv, now);
}

sched_cpumask_t sched_vcpu_sleep(struct sched *s, struct sched_vcpu *sv, uint64_t now)
{
	if (!sv->runnable)
		return 0;
	sv->runnable = false;
	return s->ops->sleep(s, sv, now);
}

sched_cpumask_t sched_vcpu_yield(struct sched *s, struct sched_vcpu *sv)
{
	return sv->runnable ? s->ops->yield(s, sv) : 0;
}

sched_cpumask_t sched_vcpu_migrate(struct sched *s, struct sched_vcpu *sv, unsigned int cpu,
				   uint64_t now)
{
	if (!sched_cpu_online(s, cpu) || !(sv->affinity & sched_cpu_bit(cpu)))
		return 0;
	return s->ops->move(s, sv, cpu, now);
}

int sched_vcpu_set_affinity(struct sched *s, struct sched_vcpu *sv, sched_cpumask_t mask,
			    uint64_t now, sched_cpumask_t *tickle)
{
	mask &= s->online;
	if (!mask)
		return -EINVAL;
	sv->affinity = mask;
	*tickle |= s->ops->affinity_changed(s, sv, now);
	return 0;
}

void sched_set_cpu(struct sched *s, struct sched_vcpu *sv, unsigned int cpu)
{
	if (sv->cpu == cpu)
		return;
	sv->cpu = cpu;
	sv->migrations++;
	s->migrations++;
}

struct sched_choice sched_pick_next(struct sched *s, unsigned int cpu, uint64_t now)
{
	struct sched_cpu *pc = &s->cpu[cpu];
	struct sched_vcpu *prev = pc->curr;
	struct sched_choice ch;

	BUG_ON(!sched_cpu_online(s, cpu));
	if (prev) {
		prev->run_ns += now - prev->run_start_ns;
		prev->dom->run_ns += now - prev->run_start_ns;
		prev->run_start_ns = now;
	}
	ch = s->ops->pick_next(s, cpu, now);
	BUG_ON(ch.next != pc->curr);
	BUG_ON(ch.next && (!ch.next->runnable || ch.next->where != SCHED_RUNNING ||
			   ch.next->cpu != cpu || !(ch.next->affinity & sched_cpu_bit(cpu))));
	if (ch.next != prev) {
		pc->switches++;
		if (ch.next)
			ch.next->run_start_ns = now;
	}
	return ch;
}

sched_cpumask_t sched_tick(struct sched *s, unsigned int cpu, uint64_t now, uint64_t *timer)
{
	BUG_ON(!sched_cpu_online(s, cpu));
	return s->ops->tick(s, cpu, now, timer);
}
