/*
 * hypervisor/common/vcpu.c - the vCPU state machine (rules in vcpu.h).
 *
 * Owns: state and pause_count of every vCPU.  Each operation computes
 * vcpu_runnable() before and after its change under d->lock and tells the
 * scheduler (vcpu_runnable_changed hook) only when the answer flipped, so
 * the scheduler sees every transition exactly once.
 *
 * Locks: d->lock, taken here around each operation; the hook runs under it.
 */
#include "hypervisor/common/vcpu.h"

#include "hypervisor/common/domain.h"
#include "lib/errno.h"

bool vcpu_runnable(const struct vcpu *v)
{
	const struct domain *d = v->domain;

	return (v->state == VCPU_RUNNABLE || v->state == VCPU_RUNNING) && v->pause_count == 0 &&
	       d->state == DOMAIN_ACTIVE && d->pause_count == 0 && !d->is_shutting_down;
}

static uint64_t clock_ns(void)
{
	const struct domain_hooks *h = domain_get_hooks();

	return h->clock_ns ? h->clock_ns() : 0;
}

/* The RUNSTATE_* v is in now. */
static int runstate_of(const struct vcpu *v)
{
	switch (v->state) {
	case VCPU_RUNNING:
		return RUNSTATE_running;
	case VCPU_BLOCKED:
		return RUNSTATE_blocked;
	case VCPU_RUNNABLE:
		return vcpu_runnable(v) ? RUNSTATE_runnable : RUNSTATE_offline;
	default:
		return v->down_blocked ? RUNSTATE_blocked : RUNSTATE_offline;
	}
}

/* Closes the time of the old runstate if it changed.  d->lock held. */
static void runstate_update(struct vcpu *v)
{
	int to = runstate_of(v);
	uint64_t now;

	if (to == v->runstate.state)
		return;
	now = clock_ns();
	v->runstate.time[v->runstate.state] += now - v->runstate.state_entry_time;
	v->runstate.state_entry_time = now;
	v->runstate.state = to;
}

void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
	struct domain *d = v->domain;

	spin_lock(&d->lock);
	*out = v->runstate;
	out->time[out->state] += clock_ns() - out->state_entry_time;
	spin_unlock(&d->lock);
}

/* Tells the scheduler if vcpu_runnable(v) is no longer `before`.  d->lock held. */
void vcpu_notify_if_changed(struct vcpu *v, bool before)
{
	const struct domain_hooks *h = domain_get_hooks();
	bool now = vcpu_runnable(v);

	runstate_update(v);
	if (now != before && h->vcpu_runnable_changed)
		h->vcpu_runnable_changed(v, now);
}

/* Moves v to state `to` under d->lock and notifies. */
static void set_state(struct vcpu *v, enum vcpu_state to)
{
	bool before = vcpu_runnable(v);

	v->state = to;
	vcpu_notify_if_changed(v, before);
}

int vcpu_up(struct vcpu *v)
{
	struct domain *d = v->domain;
	int rc = 0;

	spin_lock(&d->lock);
	if (d->state != DOMAIN_ACTIVE) {
		rc = -ESRCH;
	} else if (v->state == VCPU_OFFLINE) {
		enum vcpu_state to = v->down_blocked ? VCPU_BLOCKED : VCPU_RUNNABLE;

		v->down_blocked = false;
		set_state(v, to);
	}
	spin_unlock(&d->lock);
	return rc;
}

int vcpu_down(struct vcpu *v)
{
	struct domain *d = v->domain;

	spin_lock(&d->lock);
	if (v->state != VCPU_OFFLINE)
		v->down_blocked = v->state == VCPU_BLOCKED;
	set_state(v, VCPU_OFFLINE);
	spin_unlock(&d->lock);
	return 0;
}

int vcpu_block(struct vcpu *v)
{
	struct domain *d = v->domain;
	int rc = 0;

	spin_lock(&d->lock);
	if (v->state == VCPU_RUNNABLE || v->state == VCPU_RUNNING)
		set_state(v, VCPU_BLOCKED);
	else
		rc = -EINVAL;
	spin_unlock(&d->lock);
	return rc;
}

int vcpu_wake(struct vcpu *v)
{
	struct domain *d = v->domain;

	spin_lock(&d->lock);
	if (v->state == VCPU_BLOCKED) {
		set_state(v, VCPU_RUNNABLE);
	} else if (v->down_blocked) {
		v->down_blocked = false;
		runstate_update(v); /* blocked -> offline */
	}
	spin_unlock(&d->lock);
	return 0;
}

int vcpu_pause(struct vcpu *v)
{
	struct domain *d = v->domain;
	int rc = 0;

	spin_lock(&d->lock);
	if (v->pause_count >= VCPU_PAUSE_MAX) {
		rc = -EOVERFLOW;
	} else {
		bool before = vcpu_runnable(v);

		v->pause_count++;
		vcpu_notify_if_changed(v, before);
	}
	spin_unlock(&d->lock);
	return rc;
}

int vcpu_unpause(struct vcpu *v)
{
	struct domain *d = v->domain;
	int rc = 0;

	spin_lock(&d->lock);
	if (v->pause_count == 0) {
		rc = -EINVAL;
	} else {
		bool before = vcpu_runnable(v);

		v->pause_count--;
		vcpu_notify_if_changed(v, before);
	}
	spin_unlock(&d->lock);
	return rc;
}

int vcpu_set_running(struct vcpu *v, bool running)
{
	struct domain *d = v->domain;
	int rc = 0;

	spin_lock(&d->lock);
	if (running && !vcpu_runnable(v))
		rc = -EINVAL;
	else if (running)
		v->state = VCPU_RUNNING;
	else if (v->state == VCPU_RUNNING)
		v->state = VCPU_RUNNABLE;
	runstate_update(v);
	spin_unlock(&d->lock);
	return rc;
}
