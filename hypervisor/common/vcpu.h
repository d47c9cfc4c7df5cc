/*
 * hypervisor/common/vcpu.h - virtual CPUs: the generic part.
 *
 * Owns: struct vcpu's generic fields (id, domain, state, pause count) and
 * the rule that decides whether a vCPU may run.  The saved register
 * context and everything else the real CPU needs is the arch part,
 * reached through vcpu.arch and created/released by the hooks of
 * domain.h; this file never looks inside it.
 *
 * States (enum vcpu_state):
 *   OFFLINE  - down: created that way, or brought down (VCPUOP_down); a
 *              vCPU brought down while BLOCKED stays blocked underneath
 *              (down_blocked, as Xen keeps its blocked flag): its
 *              runstate says blocked, it comes back up BLOCKED, and an
 *              event while it is down clears that;
 *   RUNNABLE - up and wants a CPU;
 *   RUNNING  - up and on a CPU (only the scheduler sets this);
 *   BLOCKED  - up and waiting for an event (SCHEDOP_block).
 * A vCPU *may run* (vcpu_runnable) only when it is RUNNABLE or RUNNING,
 * its own pause count is 0, and its domain is alive, not shutting down
 * and has pause count 0.  Whenever that answer changes the scheduler is
 * told through the vcpu_runnable_changed hook (domain.h), which then
 * takes a RUNNING vCPU off its CPU (vcpu_set_running(v, false)).
 *
 * Locks: every field here is protected by the domain's lock (d->lock);
 * each function below takes it itself.  The hook is called with d->lock
 * held (lock order: domain lock, then the scheduler's locks).
 */
#ifndef HYPERVISOR_COMMON_VCPU_H
#define HYPERVISOR_COMMON_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/vcpu.h>

#include "mm/pv_vcpu_mm.h"

struct domain;

enum vcpu_state {
	VCPU_OFFLINE = 0,
	VCPU_RUNNABLE,
	VCPU_RUNNING,
	VCPU_BLOCKED,
};

/* Nested pauses beyond this are refused with -EOVERFLOW (as Xen caps its count). */
#define VCPU_PAUSE_MAX 255u

struct vcpu {
	unsigned int id;	  /* 0 .. domain's max_vcpus-1 (the VCPUOP_* vcpuid) */
	struct domain *domain;	  /* back-pointer; the domain outlives its vCPUs */
	enum vcpu_state state;	  /* see above */
	unsigned int pause_count; /* vcpu_pause nesting, 0 .. VCPU_PAUSE_MAX */
	bool down_blocked;	  /* OFFLINE, and was BLOCKED when brought down */
	/*
	 * vcpu_info in the domain's shared_info page for ids below
	 * XEN_LEGACY_MAX_VCPUS, else NULL until the guest registers one
	 * with VCPUOP_register_vcpu_info (vcpu_info.h), which moves it into
	 * the guest frame vcpu_info_mfn (INVALID_MFN until then).  Senders
	 * on other CPUs read the pointer without a lock (atomically).
	 */
	struct vcpu_info *vcpu_info;
	mfn_t vcpu_info_mfn;
	/*
	 * Guest virtual addresses (0: none) where Keel keeps a copy of this
	 * vCPU's runstate (VCPUOP_register_runstate_memory_area) and of its
	 * pvclock record (VCPUOP_register_vcpu_time_memory_area), written
	 * while the domain's page tables are loaded (hypercalls/vcpu_op.c).
	 */
	uint64_t runstate_guest;
	uint64_t time_area_guest;
	struct pv_vcpu_mm mm; /* its page tables (mm/pv_vcpu_mm.h) */
	/*
	 * Time spent running, runnable, blocked and offline (Xen's RUNSTATE_*;
	 * "offline" also covers paused and a domain shutting down), kept up
	 * to date by every state change here; read it with vcpu_runstate_get.
	 */
	struct vcpu_runstate_info runstate;
	void *arch; /* arch context (registers, CR3, ...): hooks only */
};

/*
 * True if v may be given a CPU now (rule above).  Caller holds
 * v->domain->lock, or accepts an answer that may be stale at once.
 */
bool vcpu_runnable(const struct vcpu *v);

/*
 * VCPUOP_up: OFFLINE -> RUNNABLE (BLOCKED if it was brought down blocked
 * and no event came since); a vCPU already up is left alone (0).
 * Returns 0, or -ESRCH if the domain is dying.  The arch layer checks
 * beforehand that the vCPU has a context to run (Xen: -EINVAL otherwise).
 */
int vcpu_up(struct vcpu *v);

/* VCPUOP_down: any state -> OFFLINE.  Returns 0. */
int vcpu_down(struct vcpu *v);

/*
 * SCHEDOP_block: RUNNABLE or RUNNING -> BLOCKED.  Returns 0, or -EINVAL
 * for an offline or already blocked vCPU.
 */
int vcpu_block(struct vcpu *v);

/*
 * An event arrived: BLOCKED -> RUNNABLE; an OFFLINE vCPU forgets it was
 * blocked; other states unchanged.  Returns 0.
 */
int vcpu_wake(struct vcpu *v);

/*
 * Nested pause of one vCPU.  Returns 0, or -EOVERFLOW past VCPU_PAUSE_MAX
 * (nothing changes).
 */
int vcpu_pause(struct vcpu *v);

/* Undoes one vcpu_pause.  Returns 0, or -EINVAL if v is not paused. */
int vcpu_unpause(struct vcpu *v);

/*
 * The scheduler puts v on a CPU (running = true: needs vcpu_runnable(v),
 * else -EINVAL) or takes it off (false: RUNNING -> RUNNABLE; a vCPU that
 * is not RUNNING is left as it is).  Returns 0 or -EINVAL.
 */
int vcpu_set_running(struct vcpu *v, bool running);

/*
 * v's runstate as VCPUOP_get_runstate_info reports it: the times include
 * the time spent so far in the current state.
 */
void vcpu_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out);

/*
 * For domain.c: after a change made under d->lock, calls the
 * vcpu_runnable_changed hook if vcpu_runnable(v) is no longer `before`.
 */
void vcpu_notify_if_changed(struct vcpu *v, bool before);

#endif /* HYPERVISOR_COMMON_VCPU_H */
