/*
 * hypercalls/vcpu_op.c - HYPERVISOR_vcpu_op (xen/vcpu.h): bringing vCPUs
 * up and down, their shared areas, their timers; and
 * HYPERVISOR_set_timer_op.
 *
 * Bringing vCPUs up, as Xen 4.17 behaves (tests/pv/kernels/smp.c):
 *   - initialise: the vCPU's first register context (vcpu_context.h),
 *     once per vCPU: -EEXIST afterwards (also for vCPU 0, which the
 *     domain builder started); the context is read first (-EFAULT beats
 *     -EEXIST); a vCPU without a vcpu_info (ids from XEN_LEGACY_MAX_VCPUS
 *     up, before register_vcpu_info) is -EINVAL.  The new vCPU stays down
 *     unless the context has VGCF_online.
 *   - up: -EINVAL without a context; a vCPU already up is left alone.
 *   - down: may be any vCPU, itself included (it then stops before the
 *     call returns, and the call returns 0 once it is brought up again);
 *     taking down the last vCPU that is up powers the domain off.
 *   - is_up: 1 or 0.  get_physid: -EINVAL (Keel never pins vCPUs).
 *
 * Shared areas (each vCPU's own; "current" is the calling vCPU):
 *   - register_vcpu_info: once per vCPU (-EINVAL after), for the caller
 *     itself or a vCPU that is down (-EINVAL otherwise); the offset must
 *     be 8-byte aligned and leave the whole vcpu_info in the page (Xen
 *     4.17: -ENXIO); the frame must be the domain's and writable (-EINVAL;
 *     hypervisor/common/vcpu_info.c does the move).
 *   - register_runstate_memory_area and register_vcpu_time_memory_area: a
 *     guest virtual address (0 unregisters; a range reaching Keel's is
 *     -EFAULT; an unmapped one is accepted, writes to it are dropped).
 *     Written at once, then by the machine whenever the vCPU is switched
 *     in or out (runstate) or its pvclock is republished (time), always
 *     with that domain's page tables loaded: vcpu_runstate_area_update()
 *     and vcpu_time_area_update() below.
 *
 * Timers (tests/pv/kernels/time.c): deadlines are absolute system time
 * (the pvclock's nanoseconds); when one passes, VIRQ_TIMER is sent to the
 * vCPU.  set_timer_op and the singleshot ops share one timer; a deadline
 * already past fires before the call returns (the singleshot's is signed,
 * and VCPU_SSHOTTMR_future is ignored, as the header allows);
 * set_timer_op(0) cancels, and a set_timer_op deadline that is negative
 * or 2^50 ns or more ahead becomes "in 100 ms" (Xen's guard against
 * guests' overflowed deadlines).  The periodic timer (1 ms to 2^62-1 ns)
 * may be set for any vCPU of the domain; the singleshot one only by the
 * vCPU itself (-EINVAL).
 *
 * A vCPU id the domain does not have is -ENOENT, checked first.
 *
 * Locks: init_lock makes "no context yet? then set one" atomic against a
 * second initialise of the same vCPU (it is held across the arch call,
 * which takes the PV-MMU lock: init_lock comes first).
 */
#include "hypercalls/hypercalls.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "arch/spinlock.h"
#include "hypercalls/vcpu_context.h"
#include "hypervisor/common/domain.h"
#include "hypervisor/common/vcpu_info.h"
#include "lib/errno.h"
#include "mm/heap.h"
#include "sched/sched.h"

/* Xen's shortest and longest periodic timer. */
#define MIN_PERIOD_NS 1000000ULL
#define MAX_PERIOD_NS ((1ULL << 62) - 1)
/* set_timer_op deadlines this far ahead (or negative) are taken as overflowed. */
#define FAR_FUTURE_NS (1ULL << 50)
#define OVERFLOW_DELAY_NS 100000000ULL

static spinlock_t init_lock = SPINLOCK_INIT;

/* ---- timers ---- */

/* Arms v's one-shot timer, or fires it now when the deadline has passed. */
static void arm_or_fire(struct vcpu *v, int64_t deadline)
{
	if (deadline <= (int64_t)sched_now_ns()) {
		sched_set_guest_timer(v, 0);
		sched_guest_timer_fire(v);
		return;
	}
	sched_set_guest_timer(v, (uint64_t)deadline);
}

long do_set_timer_op(struct vcpu *v, uint64_t timeout)
{
	uint64_t now = sched_now_ns();

	if (!timeout) {
		sched_set_guest_timer(v, 0);
		return 0;
	}
	if ((int64_t)timeout < 0 || (timeout > now && timeout - now >= FAR_FUTURE_NS))
		timeout = now + OVERFLOW_DELAY_NS;
	arm_or_fire(v, (int64_t)timeout);
	return 0;
}

static long singleshot(struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_singleshot_timer t;

	if (copy_from_guest(&t, arg, sizeof(t)))
		return -EFAULT;
	arm_or_fire(v, (int64_t)t.timeout_abs_ns);
	return 0;
}

static long periodic(struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_periodic_timer t;

	if (copy_from_guest(&t, arg, sizeof(t)))
		return -EFAULT;
	if (t.period_ns < MIN_PERIOD_NS || t.period_ns > MAX_PERIOD_NS)
		return -EINVAL;
	sched_set_guest_periodic(v, t.period_ns);
	return 0;
}

/* ---- up and down ---- */

static long initialise(struct vcpu *target, uint64_t arg)
{
	struct vcpu_guest_context *ctx;
	long rc;

	if (!target->vcpu_info)
		return -EINVAL;
	ctx = heap_alloc(sizeof(*ctx)); /* 5 KiB: too big for a hypervisor stack */
	if (!ctx)
		return -ENOMEM;
	rc = copy_from_guest(ctx, arg, sizeof(*ctx)) ? -EFAULT : 0;
	if (!rc) {
		spin_lock(&init_lock);
		rc = arch_vcpu_has_context(target) ? -EEXIST : arch_vcpu_set_context(target, ctx);
		spin_unlock(&init_lock);
	}
	/*
	 * Xen 4.17 reports such a vCPU up at once but does not run it until
	 * the domain is next unpaused; Keel runs it, as the flag asks.
	 */
	if (!rc && (ctx->flags & VGCF_online))
		rc = vcpu_up(target);
	heap_free(ctx);
	return rc;
}

static long up(struct vcpu *target)
{
	if (!arch_vcpu_has_context(target))
		return -EINVAL;
	return vcpu_up(target);
}

/* True if a vCPU of d other than v is up. */
static bool others_up(const struct vcpu *v)
{
	const struct domain *d = v->domain;

	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpus[i] != v &&
		    __atomic_load_n(&d->vcpus[i]->state, __ATOMIC_SEQ_CST) != VCPU_OFFLINE)
			return true;
	return false;
}

static long down(struct vcpu *target)
{
	if (!others_up(target))
		return domain_shutdown(target->domain, SHUTDOWN_poweroff);
	return vcpu_down(target);
}

/* ---- shared areas ---- */

static long register_vcpu_info(struct vcpu *caller, struct vcpu *target, uint64_t arg)
{
	struct vcpu_register_vcpu_info r;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -EFAULT;
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
	    r.offset % __alignof__(struct vcpu_info))
		return -ENXIO;
	if (mfn_valid_raw(target->vcpu_info_mfn))
		return -EINVAL;
	if (target != caller && target->state != VCPU_OFFLINE)
		return -EINVAL; /* it could be using the old one this very moment */
	return vcpu_info_register(target, _mfn(r.mfn), r.offset);
}

/* Copies n bytes of src to the guest at va + off; a fault drops the write (as Xen). */
static void area_write(uint64_t va, size_t off, const void *src, size_t n)
{
	(void)copy_to_guest(va + off, src, n);
}

void vcpu_runstate_area_update(struct vcpu *v)
{
	uint64_t va = __atomic_load_n(&v->runstate_guest, __ATOMIC_RELAXED);
	const size_t at = offsetof(struct vcpu_runstate_info, state_entry_time);
	struct vcpu_runstate_info r;

	if (!va)
		return;
	vcpu_runstate_get(v, &r);
	if (!(__atomic_load_n(&v->domain->vm_assist, __ATOMIC_RELAXED) &
	      (1UL << VMASST_TYPE_runstate_update_flag))) {
		area_write(va, 0, &r, sizeof(r));
		return;
	}
	/* The flag tells a reader on another vCPU that the copy is half written. */
	r.state_entry_time |= XEN_RUNSTATE_UPDATE;
	area_write(va, at, &r.state_entry_time, sizeof(r.state_entry_time));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	area_write(va, 0, &r, sizeof(r));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r.state_entry_time &= ~XEN_RUNSTATE_UPDATE;
	area_write(va, at, &r.state_entry_time, sizeof(r.state_entry_time));
}

void vcpu_time_area_update(struct vcpu *v)
{
	uint64_t va = __atomic_load_n(&v->time_area_guest, __ATOMIC_RELAXED);
	struct vcpu_time_info t;
	uint32_t version;

	if (!va || !v->vcpu_info)
		return;
	t = v->vcpu_info->time;
	/* The pvclock protocol: odd while the body is written, then the record's own. */
	version = t.version;
	t.version = version - 1;
	area_write(va, 0, &t.version, sizeof(t.version));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	area_write(va, 0, &t, sizeof(t));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	area_write(va, 0, &version, sizeof(version));
}

/*
 * register_runstate_memory_area / register_vcpu_time_memory_area: the
 * argument is one guest address, of an area of `size` bytes, kept in
 * *slot and written at once by update.
 */
static long register_area(struct vcpu *target, uint64_t arg, size_t size, uint64_t *slot,
			  void (*update)(struct vcpu *))
{
	uint64_t va;

	if (copy_from_guest(&va, arg, sizeof(va)))
		return -EFAULT;
	if (va && !guest_range_ok(va, size))
		return -EFAULT;
	__atomic_store_n(slot, va, __ATOMIC_RELAXED);
	update(target);
	return 0;
}

long do_vcpu_op(struct vcpu *v, int cmd, unsigned int vcpuid, uint64_t arg)
{
	struct vcpu *target = domain_vcpu(v->domain, vcpuid);

	if (!target)
		return -ENOENT;
	switch (cmd) {
	case VCPUOP_initialise:
		return initialise(target, arg);
	case VCPUOP_up:
		return up(target);
	case VCPUOP_down:
		return down(target);
	case VCPUOP_is_up:
		return target->state != VCPU_OFFLINE;
	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info r;

		vcpu_runstate_get(target, &r);
		return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;
	}
	case VCPUOP_register_runstate_memory_area:
		return register_area(target, arg, sizeof(struct vcpu_runstate_info),
				     &target->runstate_guest, vcpu_runstate_area_update);
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(v, target, arg);
	case VCPUOP_register_vcpu_time_memory_area:
		return register_area(target, arg, sizeof(struct vcpu_time_info),
				     &target->time_area_guest, vcpu_time_area_update);
	case VCPUOP_get_physid:
		return -EINVAL;
	case VCPUOP_set_singleshot_timer:
		return target == v ? singleshot(v, arg) : -EINVAL;
	case VCPUOP_stop_singleshot_timer:
		if (target != v)
			return -EINVAL;
		sched_set_guest_timer(v, 0);
		return 0;
	case VCPUOP_set_periodic_timer:
		return periodic(target, arg);
	case VCPUOP_stop_periodic_timer:
		sched_set_guest_periodic(target, 0);
		return 0;
	default:
		return -ENOSYS;
	}
}
