/*
 * hypervisor/arch/x86/pv/pv_traps.c - what happens when a PV guest traps
 * into Keel: hypercalls (syscall from guest kernel mode, int 0x82),
 * syscalls from guest user mode, software interrupts, and exceptions
 * (emulated when they are a privileged instruction a PV kernel may
 * execute, otherwise bounced to the guest's handler).
 */
#include "hypervisor/arch/x86/pv/pv_traps.h"

#include "arch/cpu.h"
#include "arch/segment.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_emul.h"
#include "hypervisor/arch/x86/pv/pv_hypercall.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"

#define PFEC_USER (1u << 2)

/* Software interrupt gates (int N) the guest may raise itself, as Xen decides it. */
static bool softint_permitted(const struct pv_vcpu *pv, unsigned int dpl)
{
	/* The guest kernel counts as ring 1, guest user as ring 3. */
	return dpl >= (pv->kernel_mode ? 1u : 3u);
}

/* syscall from guest user mode: enter the kernel's syscall callback. */
static void bounce_user_syscall(struct vcpu *v, struct trap_frame *f)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	const struct pv_callback *cb = (f->cs & 0xffff) == GUEST_CS32 && pv->syscall32_cb.address
					       ? &pv->syscall32_cb
					       : &pv->syscall_cb;

	if (!cb->address) {
		/* Xen raises #GP in the guest when no syscall callback is registered. */
		pv_bounce_exception(v, f, TRAP_GP, true, 0);
		return;
	}
	if (pv_bounce(v, f, cb->address, cb->mask_events, false, 0))
		pv_crash(v, f, "cannot deliver a syscall");
}

void pv_do_syscall(struct trap_frame *f)
{
	struct vcpu *v = current_vcpu();

	if (pv_vcpu(v)->kernel_mode)
		pv_hypercall(v, f);
	else
		bounce_user_syscall(v, f);
}

/* #GP whose error code names an IDT gate: `int N` the gate's DPL refused. */
static bool software_interrupt(struct vcpu *v, struct trap_frame *f)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	unsigned int vector = f->error_code >> 3;
	const struct trap_info *ti = &pv->trap_table[vector & 0xff];

	if ((f->error_code & 7) != 2 || !ti->address || !softint_permitted(pv, PV_TI_DPL(ti->flags)))
		return false;
	f->rip += 2; /* CD ib: the frame returns after the int */
	if (pv_bounce(v, f, ti->address, PV_TI_MASK_EVENTS(ti->flags), false, 0))
		pv_crash(v, f, "cannot deliver a software interrupt");
	return true;
}

void pv_guest_exception(struct trap_frame *f)
{
	struct vcpu *v = current_vcpu();
	unsigned int vector = f->vector;
	uint32_t ec = f->error_code;

	switch (vector) {
	case TRAP_GP:
		if (software_interrupt(v, f))
			return;
		if (ec == 0 && pv_emulate_privileged(v, f, TRAP_GP))
			return;
		pv_bounce_exception(v, f, TRAP_GP, true, ec);
		return;
	case TRAP_UD:
		if (pv_emulate_privileged(v, f, TRAP_UD))
			return;
		pv_bounce_exception(v, f, TRAP_UD, false, 0);
		return;
	case TRAP_PF: {
		uint64_t cr2 = read_cr2();

		if (v->vcpu_info)
			v->vcpu_info->arch.cr2 = cr2;
		/* The guest kernel runs in ring 3: tell it which mode really faulted. */
		ec &= ~PFEC_USER;
		if (!pv_vcpu(v)->kernel_mode)
			ec |= PFEC_USER;
		pv_bounce_exception(v, f, TRAP_PF, true, ec);
		return;
	}
	case TRAP_DF: case TRAP_TS: case TRAP_NP: case TRAP_SS: case TRAP_AC: case TRAP_CP:
		pv_bounce_exception(v, f, vector, true, ec);
		return;
	default:
		pv_bounce_exception(v, f, vector, false, 0);
		return;
	}
}

void pv_guest_int82(struct trap_frame *f)
{
	struct vcpu *v = current_vcpu();

	if (!pv_vcpu(v)->kernel_mode) {
		f->rax = (uint64_t)-EPERM; /* hypercalls are for the guest kernel */
		return;
	}
	pv_hypercall(v, f);
}
