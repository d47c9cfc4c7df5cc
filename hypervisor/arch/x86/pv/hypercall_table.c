/*
 * hypervisor/arch/x86/pv/hypercall_table.c - from a hypercall number to
 * its handler.  Where a student finds any hypercall: the table below
 * names the handler, and the handler's file is named after the family.
 *
 * The calling convention (xen.h): number in RAX, arguments in RDI, RSI,
 * RDX, R10, R8, result in RAX.  Handlers are typed C functions; the
 * adapters here cast the raw registers to the types the ABI defines.
 * Continuations (hypercalls/hypercall.h) rewind RIP over the 2-byte
 * `syscall` (or `int 0x82`) and rewrite the argument registers, so the
 * guest re-issues the call with the remaining work when it next runs.
 */
#include "hypervisor/arch/x86/pv/pv_hypercall.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/xen.h>

#include "arch/guest_access.h"
#include "arch/percpu.h"
#include "hypervisor/common/domain.h"
#include "hypercalls/hypercall.h"
#include "hypercalls/hypercalls.h"
#include "hypercalls/mmu.h"
#include "hypervisor/arch/x86/pv/pv_gdt.h"
#include "hypervisor/arch/x86/pv/pv_sched.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "lib/errno.h"

typedef long (*hypercall_fn)(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			     uint64_t a5);

#define ADAPT(name, call)                                                                          \
	static long hc_##name(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, \
			      uint64_t a5)                                                         \
	{                                                                                          \
		(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;                                  \
		return call;                                                                       \
	}

ADAPT(set_trap_table, do_set_trap_table(v, a1))
ADAPT(mmu_update, do_mmu_update(v, a1, (unsigned int)a2, a3, (unsigned int)a4))
ADAPT(set_callbacks, do_set_callbacks(v, a1, a2, a3))
ADAPT(set_gdt, do_set_gdt(v, a1, (unsigned int)a2))
ADAPT(update_descriptor, do_update_descriptor(v, a1, a2))
ADAPT(fpu_taskswitch, do_fpu_taskswitch(v, (int)a1))
ADAPT(set_debugreg, do_set_debugreg(v, (int)a1, a2))
ADAPT(get_debugreg, do_get_debugreg(v, (int)a1))
ADAPT(update_va_mapping, do_update_va_mapping(v, a1, a2, a3))
ADAPT(update_va_mapping_otherdomain,
      do_update_va_mapping_otherdomain(v, a1, a2, a3, (domid_t)a4))
ADAPT(multicall, do_multicall(v, a1, (unsigned int)a2))
ADAPT(memory_op, do_memory_op(v, a1, a2))
ADAPT(xen_version, do_xen_version(v, (int)a1, a2))
ADAPT(console_io, do_console_io(v, (unsigned int)a1, (unsigned int)a2, a3))
ADAPT(vm_assist, do_vm_assist(v, (unsigned int)a1, (unsigned int)a2))
ADAPT(stack_switch, do_stack_switch(v, a1, a2))
ADAPT(set_segment_base, do_set_segment_base(v, (unsigned int)a1, a2))
ADAPT(mmuext_op, do_mmuext_op(v, a1, (unsigned int)a2, a3, (domid_t)a4))
ADAPT(sched_op, do_sched_op(v, (int)a1, a2))
ADAPT(callback_op, do_callback_op(v, (int)a1, a2))
ADAPT(physdev_op, do_physdev_op(v, (int)a1, a2))
ADAPT(event_channel_op, do_event_channel_op(v, (int)a1, a2))
ADAPT(grant_table_op, do_grant_table_op(v, (unsigned int)a1, a2, (unsigned int)a3))
ADAPT(set_timer_op, do_set_timer_op(v, a1))
ADAPT(vcpu_op, do_vcpu_op(v, (int)a1, (unsigned int)a2, a3))
ADAPT(sysctl, do_sysctl(v, a1))
ADAPT(platform_op, do_platform_op(v, a1))
ADAPT(domctl, do_domctl(v, a1))

/*
 * The pre-3.2 numbers old kernels still use.  sched_op_compat passes
 * SCHEDOP_shutdown's reason as the argument itself; the other two take
 * the command and its argument in one structure.
 */
static long hc_sched_op_compat(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			       uint64_t a5)
{
	(void)a3, (void)a4, (void)a5;
	if ((int)a1 == SCHEDOP_shutdown)
		return domain_shutdown(v->domain, (unsigned int)a2);
	if ((int)a1 == SCHEDOP_yield || (int)a1 == SCHEDOP_block)
		return do_sched_op(v, (int)a1, a2);
	return -ENOSYS;
}

static long hc_event_channel_op_compat(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3,
				       uint64_t a4, uint64_t a5)
{
	struct evtchn_op op;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (copy_from_guest(&op, a1, sizeof(op)))
		return -EFAULT;
	return do_event_channel_op(v, (int)op.cmd, a1 + offsetof(struct evtchn_op, u));
}

static long hc_physdev_op_compat(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3,
				 uint64_t a4, uint64_t a5)
{
	uint32_t cmd;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (copy_from_guest(&cmd, a1, sizeof(cmd)))
		return -EFAULT;
	return do_physdev_op(v, (int)cmd, a1 + offsetof(struct physdev_op, u));
}

static const hypercall_fn hypercall_table[64] = {
	[__HYPERVISOR_sched_op_compat] = hc_sched_op_compat,
	[__HYPERVISOR_event_channel_op_compat] = hc_event_channel_op_compat,
	[__HYPERVISOR_physdev_op_compat] = hc_physdev_op_compat,
	[__HYPERVISOR_set_trap_table] = hc_set_trap_table,
	[__HYPERVISOR_mmu_update] = hc_mmu_update,
	[__HYPERVISOR_set_callbacks] = hc_set_callbacks,
	[__HYPERVISOR_set_gdt] = hc_set_gdt,
	[__HYPERVISOR_update_descriptor] = hc_update_descriptor,
	[__HYPERVISOR_fpu_taskswitch] = hc_fpu_taskswitch,
	[__HYPERVISOR_set_debugreg] = hc_set_debugreg,
	[__HYPERVISOR_get_debugreg] = hc_get_debugreg,
	[__HYPERVISOR_update_va_mapping] = hc_update_va_mapping,
	[__HYPERVISOR_multicall] = hc_multicall,
	[__HYPERVISOR_update_va_mapping_otherdomain] = hc_update_va_mapping_otherdomain,
	[__HYPERVISOR_memory_op] = hc_memory_op,
	[__HYPERVISOR_xen_version] = hc_xen_version,
	[__HYPERVISOR_console_io] = hc_console_io,
	[__HYPERVISOR_vm_assist] = hc_vm_assist,
	[__HYPERVISOR_stack_switch] = hc_stack_switch,
	[__HYPERVISOR_set_segment_base] = hc_set_segment_base,
	[__HYPERVISOR_mmuext_op] = hc_mmuext_op,
	[__HYPERVISOR_sched_op] = hc_sched_op,
	[__HYPERVISOR_callback_op] = hc_callback_op,
	[__HYPERVISOR_physdev_op] = hc_physdev_op,
	[__HYPERVISOR_event_channel_op] = hc_event_channel_op,
	[__HYPERVISOR_grant_table_op] = hc_grant_table_op,
	[__HYPERVISOR_set_timer_op] = hc_set_timer_op,
	[__HYPERVISOR_vcpu_op] = hc_vcpu_op,
	[__HYPERVISOR_sysctl] = hc_sysctl,
	[__HYPERVISOR_platform_op] = hc_platform_op,
	[__HYPERVISOR_domctl] = hc_domctl,
};

/*
 * A continuation asked for by the running handler.  Per CPU, because the
 * handler runs with interrupts on but never migrates mid-hypercall.
 */
static struct {
	bool pending;
	unsigned int op, nargs;
	uint64_t args[HYPERCALL_MAX_ARGS];
} continuation[MAX_CPUS];

long hypercall_create_continuation(unsigned int op, unsigned int nargs, const uint64_t *args)
{
	unsigned int cpu = smp_processor_id();

	continuation[cpu].pending = true;
	continuation[cpu].op = op;
	continuation[cpu].nargs = nargs;
	for (unsigned int i = 0; i < nargs && i < HYPERCALL_MAX_ARGS; i++)
		continuation[cpu].args[i] = args[i];
	return op; /* the guest never sees it: RAX is rewritten */
}

bool hypercall_preempt_check(void)
{
	return pv_sched_work_pending();
}

long pv_hypercall_call(struct vcpu *v, uint64_t nr, uint64_t args[5], bool *continued)
{
	unsigned int cpu = smp_processor_id();
	long rc;

	*continued = false;
	if (nr >= sizeof(hypercall_table) / sizeof(hypercall_table[0]) || !hypercall_table[nr])
		return -ENOSYS;
	continuation[cpu].pending = false;
	rc = hypercall_table[nr](v, args[0], args[1], args[2], args[3], args[4]);
	if (continuation[cpu].pending) {
		continuation[cpu].pending = false;
		for (unsigned int i = 0; i < continuation[cpu].nargs && i < 5; i++)
			args[i] = continuation[cpu].args[i];
		*continued = true;
	}
	return rc;
}

void pv_hypercall(struct vcpu *v, struct trap_frame *f)
{
	uint64_t args[5] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8 };
	bool continued;
	long rc;

	if (f->rax == __HYPERVISOR_iret) {
		do_iret(v, f);
		return;
	}
	rc = pv_hypercall_call(v, f->rax, args, &continued);
	if (continued) {
		f->rip -= 2; /* back over syscall / int 0x82: the guest calls again */
		f->rdi = args[0];
		f->rsi = args[1];
		f->rdx = args[2];
		f->r10 = args[3];
		f->r8 = args[4];
		return; /* RAX still holds the hypercall number */
	}
	f->rax = (uint64_t)rc;
}
