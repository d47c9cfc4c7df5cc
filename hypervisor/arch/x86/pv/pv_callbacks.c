/*
 * hypervisor/arch/x86/pv/pv_callbacks.c - the hypercalls with which a PV
 * guest kernel describes itself to Keel: its trap table, its event,
 * failsafe and syscall callbacks, its kernel stack, segment bases, the
 * virtual CR0.TS, debug registers, vm_assist and the virtual IOPL.
 */
#include "hypervisor/arch/x86/pv/pv_hypercall.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/callback.h>
#include <xen/physdev.h>
#include <xen/xen.h>

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "hypercalls/hypercall.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "lib/errno.h"
#include "lib/hv_range.h"
#include "lib/string.h"

/* Trap-table entries copied between preemption checks. */
#define TRAPS_PER_CHECK 32

long do_set_trap_table(struct vcpu *v, uint64_t traps)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	if (!traps) {
		memset(pv->trap_table, 0, sizeof(pv->trap_table));
		return 0;
	}
	for (unsigned int i = 0;; i++) {
		struct trap_info ti;

		if (i && i % TRAPS_PER_CHECK == 0 && hypercall_preempt_check())
			return hypercall_create_continuation(__HYPERVISOR_set_trap_table, 1,
							     &traps);
		if (copy_from_guest(&ti, traps, sizeof(ti)))
			return -EFAULT;
		if (!ti.address)
			return 0;
		if (!is_canonical(ti.address))
			return -EINVAL;
		pv->trap_table[ti.vector] = ti;
		traps += sizeof(ti);
	}
}

static long register_callback(struct vcpu *v, const struct callback_register *reg)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	struct pv_callback cb = { reg->address, reg->flags & CALLBACKF_mask_events };

	if (!is_canonical(reg->address))
		return -EINVAL;
	switch (reg->type) {
	case CALLBACKTYPE_event:
		pv->event_cb = cb;
		return 0;
	case CALLBACKTYPE_failsafe:
		pv->failsafe_cb = cb;
		return 0;
	case CALLBACKTYPE_syscall:
		pv->syscall_cb = cb;
		return 0;
	case CALLBACKTYPE_syscall32:
		pv->syscall32_cb = cb;
		return 0;
	case CALLBACKTYPE_sysenter:
		pv->sysenter_cb = cb;
		return 0;
	case CALLBACKTYPE_nmi:
		pv->nmi_cb = cb;
		return 0;
	default:
		return -ENOSYS;
	}
}

long do_set_callbacks(struct vcpu *v, uint64_t event, uint64_t failsafe, uint64_t syscall)
{
	const struct callback_register regs[] = {
		{ .type = CALLBACKTYPE_event, .address = event },
		{ .type = CALLBACKTYPE_failsafe, .address = failsafe },
		{ .type = CALLBACKTYPE_syscall, .address = syscall },
	};

	for (unsigned int i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		long rc = register_callback(v, &regs[i]);

		if (rc)
			return rc;
	}
	return 0;
}

long do_callback_op(struct vcpu *v, int cmd, uint64_t arg)
{
	switch (cmd) {
	case CALLBACKOP_register: {
		struct callback_register reg;

		if (copy_from_guest(&reg, arg, sizeof(reg)))
			return -EFAULT;
		return register_callback(v, &reg);
	}
	case CALLBACKOP_unregister: {
		struct callback_unregister unreg;

		if (copy_from_guest(&unreg, arg, sizeof(unreg)))
			return -EFAULT;
		switch (unreg.type) {
		case CALLBACKTYPE_nmi:
			pv_vcpu(v)->nmi_cb = (struct pv_callback){ 0, false };
			return 0;
		case CALLBACKTYPE_event:
		case CALLBACKTYPE_failsafe:
		case CALLBACKTYPE_syscall:
		case CALLBACKTYPE_sysenter:
		case CALLBACKTYPE_syscall32:
			return -EINVAL; /* only the NMI callback may be withdrawn (Xen's rule) */
		default:
			return -ENOSYS;
		}
	}
	default:
		return -ENOSYS;
	}
}

long do_stack_switch(struct vcpu *v, uint64_t ss, uint64_t esp)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	pv->kernel_ss = (uint16_t)(ss | 3);
	pv->kernel_sp = esp;
	return 0;
}

/* Loads the user %gs selector (in user GS context); false if the selector faults. */
static bool load_user_gs(uint16_t sel)
{
	bool ok = true;

	__asm__ volatile("swapgs\n\t"
			 "1: mov %w1, %%gs\n\t"
			 "jmp 3f\n\t"
			 "2: xor %k1, %k1\n\t"
			 "mov %w1, %%gs\n\t"
			 "movb $0, %0\n\t"
			 "3: swapgs\n\t"
			 ".pushsection .ex_table, \"a\"\n\t"
			 ".balign 8\n\t"
			 ".quad 1b, 2b\n\t"
			 ".popsection"
			 : "+qm"(ok), "+r"(sel)
			 :
			 : "memory");
	return ok;
}

long do_set_segment_base(struct vcpu *v, unsigned int which, uint64_t base)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	switch (which) {
	case SEGBASE_FS:
		if (!is_canonical(base))
			return -EINVAL;
		wrmsr(MSR_FS_BASE, base);
		pv->fs_base = base;
		return 0;
	case SEGBASE_GS_USER: /* only callable in kernel mode: the user base is the shadow one */
		if (!is_canonical(base))
			return -EINVAL;
		wrmsr(MSR_KERNEL_GS_BASE, base);
		pv->gs_base_user = base;
		return 0;
	case SEGBASE_GS_KERNEL:
		if (!is_canonical(base))
			return -EINVAL;
		wrmsr(MSR_GS_BASE, base);
		pv->gs_base_kernel = base;
		return 0;
	case SEGBASE_GS_USER_SEL:
		if (!load_user_gs((uint16_t)base))
			return -EFAULT;
		pv->gs_sel = (uint16_t)base;
		return 0;
	default:
		return -EINVAL;
	}
}

long do_fpu_taskswitch(struct vcpu *v, int set)
{
	pv_vcpu(v)->cr0_ts = set ? 1 : 0;
	if (set)
		write_cr0(read_cr0() | CR0_TS);
	else
		__asm__ volatile("clts");
	return 0;
}

/* Domain-wide, as on Xen: one vCPU's call changes what every vCPU gets. */
long do_vm_assist(struct vcpu *v, unsigned int cmd, unsigned int type)
{
	unsigned long *va = &v->domain->vm_assist;

	if (type >= 64 || !(PV_VM_ASSIST_VALID & (1UL << type)))
		return -EINVAL;
	switch (cmd) {
	case VMASST_CMD_enable:
		__atomic_fetch_or(va, 1UL << type, __ATOMIC_SEQ_CST);
		return 0;
	case VMASST_CMD_disable:
		__atomic_fetch_and(va, ~(1UL << type), __ATOMIC_SEQ_CST);
		return 0;
	default:
		return -ENOSYS;
	}
}

/*
 * Debug registers, with Xen 4.17's rules: DR4/DR5 alias DR6/DR7 (CR4.DE is
 * clear); numbers outside 0-7 are -ENODEV; bits 32-63 of DR6/DR7 are
 * -EINVAL; DR6 keeps its always-one bits (0xffff0ff0) and drops bit 12;
 * DR7 keeps bit 10, drops reserved bits 11, 12, 14 and 15, and refuses
 * general detect and enabled I/O breakpoints (-EPERM); DR0-3 may not
 * point at Keel (-EPERM).
 *
 * The values are kept and read back; they are not loaded into the real
 * debug registers yet (a breakpoint on a guest address would also fire
 * inside Keel's copies from that guest).
 */
#define DR6_ALWAYS_ONE PV_DR6_DEFAULT
#define DR6_RESERVED   0x1000UL
#define DR7_ALWAYS_ONE PV_DR7_DEFAULT
#define DR7_RESERVED   0xd800UL /* bits 11, 12, 14, 15 */
#define DR7_GD	       (1UL << 13)

static int dr_alias(int reg)
{
	return reg == 4 || reg == 5 ? reg + 2 : reg;
}

/* An enabled breakpoint (L or G bit) whose R/W field is 10b: an I/O breakpoint. */
static bool dr7_enables_io_breakpoint(uint64_t dr7)
{
	for (unsigned int i = 0; i < 4; i++)
		if ((dr7 & (3UL << (2 * i))) && ((dr7 >> (16 + 4 * i)) & 3) == 2)
			return true;
	return false;
}

int pv_debugreg_check(int reg, uint64_t *value)
{
	uint64_t val = *value;

	switch (reg) {
	case 6:
		if (val >> 32)
			return -EINVAL;
		*value = (val | DR6_ALWAYS_ONE) & ~DR6_RESERVED;
		return 0;
	case 7:
		if (val >> 32)
			return -EINVAL;
		if ((val & DR7_GD) || dr7_enables_io_breakpoint(val))
			return -EPERM;
		*value = (val & ~DR7_RESERVED) | DR7_ALWAYS_ONE;
		return 0;
	default:
		/* A breakpoint may not watch Keel's range. */
		if (!is_canonical(val) || (val >= HV_RANGE_START && val < HV_RANGE_END))
			return -EPERM;
		return 0;
	}
}

long do_set_debugreg(struct vcpu *v, int reg, uint64_t value)
{
	long rc;

	if (reg < 0 || reg > 7)
		return -ENODEV;
	reg = dr_alias(reg);
	rc = pv_debugreg_check(reg, &value);
	if (!rc)
		pv_vcpu(v)->dr[reg] = value;
	return rc;
}

long do_get_debugreg(struct vcpu *v, int reg)
{
	if (reg < 0 || reg > 7)
		return -ENODEV;
	return (long)pv_vcpu(v)->dr[dr_alias(reg)];
}

long do_physdev_op(struct vcpu *v, int cmd, uint64_t arg)
{
	switch (cmd) {
	case PHYSDEVOP_set_iopl: {
		struct physdev_set_iopl s;

		if (copy_from_guest(&s, arg, sizeof(s)))
			return -EFAULT;
		if (s.iopl > 3)
			return -EINVAL;
		pv_vcpu(v)->iopl = s.iopl;
		return 0;
	}
	default:
		return -ENOSYS;
	}
}
