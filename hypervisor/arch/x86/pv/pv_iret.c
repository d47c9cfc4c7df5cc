/*
 * hypervisor/arch/x86/pv/pv_iret.c - HYPERVISOR_iret and HYPERVISOR_multicall.
 *
 * iret: a 64-bit PV kernel cannot use the iretq instruction to leave its
 * exception handlers (it runs in ring 3 and would need to switch page
 * tables for user mode), so it pushes `flags` and jumps to the iret stub
 * of its hypercall page, which pushes RCX, R11 and RAX and syscalls.  At
 * that moment RSP points at struct iret_context (xen.h): RAX, R11, RCX,
 * flags, RIP, CS, RFLAGS, RSP, SS.  A CS with RPL 3 returns to guest user
 * mode (switching page tables and GS bases), RPL 0 stays in kernel mode;
 * RFLAGS.IF becomes the event mask (IF set = events unmasked).
 *
 * multicall: runs a batch of hypercalls, writing each result into its
 * entry.  A multicall inside a multicall is refused (-EINVAL in the
 * entry), an iret ends the batch (it replaces every register).
 */
#include "hypervisor/arch/x86/pv/pv_hypercall.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/guest_access.h"
#include "arch/segment.h"
#include "hypercalls/hypercall.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_gdt.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "lib/errno.h"

/* RFLAGS bits a guest may choose on iret (never IOPL or VM; IF is forced on). */
#define IRET_RFLAGS_MASK (~(RFLAGS_IOPL | RFLAGS_VM) & 0x3f7fffUL)


void do_iret(struct vcpu *v, struct trap_frame *f)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	struct iret_context ctx;
	bool to_user;

	if (copy_from_guest(&ctx, f->rsp, sizeof(ctx))) {
		pv_crash(v, f, "HYPERVISOR_iret: frame not readable");
		return;
	}
	/*
	 * Xen's flat selectors or the guest's own from its GDT (Linux returns
	 * to user space on __USER_CS/__USER_DS), checked here because a
	 * descriptor Keel's own iretq cannot load would fault inside Keel.
	 */
	if (!pv_gdt_selector_ok(ctx.cs | 3, true) || !pv_gdt_selector_ok(ctx.ss | 3, false)) {
		pv_crash(v, f, "HYPERVISOR_iret: code or stack selector not usable");
		return;
	}
	to_user = (ctx.cs & 3) == 3;
	if (to_user && pv->kernel_mode)
		pv_toggle_guest_mode(v);

	f->rax = ctx.rax;
	f->rip = ctx.rip;
	f->cs = (ctx.cs | 3) & 0xffff;
	f->rflags = (ctx.rflags & IRET_RFLAGS_MASK) | RFLAGS_IF;
	/* vm_assist architectural_iopl: the virtual IOPL follows the frame's. */
	if (pv_vm_assist(v, VMASST_TYPE_architectural_iopl))
		pv->iopl = (unsigned int)((ctx.rflags & RFLAGS_IOPL) >> 12);
	f->rsp = ctx.rsp;
	f->ss = (ctx.ss | 3) & 0xffff;
	if (ctx.flags & VGCF_in_syscall) {
		f->rcx = f->rip; /* as SYSRET leaves them */
		f->r11 = f->rflags;
	} else {
		f->rcx = ctx.rcx;
		f->r11 = ctx.r11;
	}
	if (v->vcpu_info)
		v->vcpu_info->evtchn_upcall_mask = !(ctx.rflags & RFLAGS_IF);
	/*
	 * A real iretq to a non-canonical address faults with #GP(0) at the
	 * target; Xen 4.17 gives the guest exactly that, with the frame it
	 * asked for, and so does Keel.
	 */
	if (!is_canonical(f->rip) || !is_canonical(f->rsp))
		pv_bounce_exception(v, f, TRAP_GP, true, 0);
}

/* Per CPU: a multicall is running (nested ones are refused). */
static bool in_multicall[MAX_CPUS];

long do_multicall(struct vcpu *v, uint64_t calls, unsigned int nr_calls)
{
	unsigned int cpu = smp_processor_id();
	long rc = 0;

	if (in_multicall[cpu])
		return -EINVAL;
	in_multicall[cpu] = true;
	for (unsigned int i = 0; i < nr_calls; i++) {
		struct multicall_entry e;
		uint64_t args[5];
		bool continued;

		if (i && hypercall_preempt_check()) {
			uint64_t cargs[2] = { calls, nr_calls - i };

			rc = hypercall_create_continuation(__HYPERVISOR_multicall, 2, cargs);
			break;
		}
		if (copy_from_guest(&e, calls, sizeof(e))) {
			rc = -EFAULT;
			break;
		}
		if (e.op == __HYPERVISOR_iret) {
			/* As Xen 4.17: the iret frame is the one on the stack at the multicall. */
			do_iret(v, guest_regs());
			e.result = guest_regs()->rax;
			copy_to_guest(calls + offsetof(struct multicall_entry, result), &e.result,
				      sizeof(e.result));
			in_multicall[cpu] = false;
			return (long)guest_regs()->rax; /* the frame is the iret's now */
		}
		for (unsigned int a = 0; a < 5; a++)
			args[a] = e.args[a];
		e.result = (uint64_t)(e.op == __HYPERVISOR_multicall
					      ? -EINVAL
					      : pv_hypercall_call(v, e.op, args, &continued));
		if (e.op != __HYPERVISOR_multicall && continued) {
			/* Re-issue this entry with the rest of its work, then the rest of the batch. */
			uint64_t cargs[2] = { calls, nr_calls - i };

			for (unsigned int a = 0; a < 5; a++)
				e.args[a] = args[a];
			if (copy_to_guest(calls, &e, sizeof(e))) {
				rc = -EFAULT;
				break;
			}
			rc = hypercall_create_continuation(__HYPERVISOR_multicall, 2, cargs);
			break;
		}
		if (copy_to_guest(calls + offsetof(struct multicall_entry, result), &e.result,
				  sizeof(e.result))) {
			rc = -EFAULT;
			break;
		}
		calls += sizeof(e);
	}
	in_multicall[cpu] = false;
	return rc;
}
