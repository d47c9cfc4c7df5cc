/*
 * hypervisor/arch/x86/pv/pv_traps.c - what happens when a PV guest traps
 * into Keel: hypercalls (syscall from guest kernel mode, int 0x82),
 * syscalls from guest user mode, software interrupts, and exceptions
 * (emulated when they are a privileged instruction a PV kernel may
 * execute, otherwise bounced to the guest's handler).
 */
#include "hypervisor/arch/x86/pv/pv_traps.h"

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/segment.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_emul.h"
#include "hypervisor/arch/x86/pv/pv_gdt.h"
#include "hypervisor/arch/x86/pv/pv_hypercall.h"
#include "hypervisor/arch/x86/pv/pv_ptwr_fault.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"


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

/*
 * QEMU's TCG (7.2) pops the frame of an `iretq` executed in ring 3 with
 * supervisor accesses, so with CR4.SMAP on it faults (#PF, error code
 * without the user bit) on the guest's own stack; real CPUs never do this
 * (Xen 4.17 is run with -cpu max,-smap under TCG for this reason).  Keel
 * handles SMAP itself: such an iretq, same-privilege, to a flat 64-bit or
 * 32-bit guest code selector, is emulated.  Anything else is left alone.
 */
static bool emulate_smap_iretq(struct vcpu *v, struct trap_frame *f, uint32_t ec, uint64_t cr2)
{
	uint8_t insn[2];
	uint64_t w[5]; /* rip, cs, rflags, rsp, ss */
	uint16_t cs, ss;

	if ((ec & (PFEC_USER | PFEC_RSVD | PFEC_WRITE)) || cr2 < f->rsp || cr2 >= f->rsp + sizeof(w))
		return false;
	if (copy_from_guest(insn, f->rip, sizeof(insn)) || insn[0] != 0x48 || insn[1] != 0xcf)
		return false;
	if (copy_from_guest(w, f->rsp, sizeof(w)))
		return false;
	cs = (uint16_t)w[1];
	ss = (uint16_t)w[4];
	if ((cs != GUEST_CS64 && cs != GUEST_CS32) || ss != GUEST_DS || !is_canonical(w[0]))
		return false; /* the real iretq would fault differently: let the guest see #PF */
	f->rip = w[0];
	f->cs = cs;
	/* Ring 3 cannot change IOPL or IF with iretq; VM and RF are not guest business. */
	f->rflags = (w[2] & ~(RFLAGS_IOPL | RFLAGS_IF | RFLAGS_VM)) | (f->rflags & (RFLAGS_IOPL | RFLAGS_IF));
	f->rsp = w[3];
	f->ss = ss;
	(void)v;
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

		local_irq_enable(); /* the frame is the guest's: Keel may be interrupted now */
		if (pv_ldt_fault(v, f, cr2))
			return;
		if (emulate_smap_iretq(v, f, ec, cr2))
			return;
		if (pv_vcpu(v)->kernel_mode && pv_ptwr_fault(v, f, cr2, ec))
			return;
		if (v->vcpu_info)
			v->vcpu_info->arch.cr2 = cr2;
		/* The guest kernel runs in ring 3: tell it which mode really faulted. */
		ec &= ~PFEC_USER;
		if (!pv_vcpu(v)->kernel_mode)
			ec |= PFEC_USER;
		pv_bounce_exception(v, f, TRAP_PF, true, ec);
		return;
	}
	case TRAP_NM:
		/* The guest's virtual CR0.TS caused it: Xen clears it as it delivers #NM. */
		if (pv_vcpu(v)->cr0_ts)
			do_fpu_taskswitch(v, 0);
		pv_bounce_exception(v, f, TRAP_NM, false, 0);
		return;
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

/*
 * int $0x80 reaches the guest kernel's vector-0x80 handler whatever DPL
 * its trap-table entry has (Xen 4.17 does the same: the gate is DPL 3);
 * without a handler the guest gets the #GP a DPL-0 gate would give.
 */
void pv_guest_int80(struct trap_frame *f)
{
	struct vcpu *v = current_vcpu();
	const struct trap_info *ti = &pv_vcpu(v)->trap_table[PV_INT80_VECTOR];

	if (!ti->address) {
		f->rip -= 2;
		pv_bounce_exception(v, f, TRAP_GP, true, (PV_INT80_VECTOR << 3) | 2);
		return;
	}
	if (pv_bounce(v, f, ti->address, PV_TI_MASK_EVENTS(ti->flags), false, 0))
		pv_crash(v, f, "cannot deliver int $0x80");
}
