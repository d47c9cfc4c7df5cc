/*
 * hypervisor/arch/x86/pv/bounce.c - mode switches and exception frames
 * for PV guest kernels (see bounce.h and docs/pv-model.md).
 */
#include "hypervisor/arch/x86/pv/bounce.h"

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/segment.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/printk.h"

static void load_guest_cr3(const struct vcpu *v, bool kernel)
{
	mfn_t l4 = kernel ? v->mm.guest_table : v->mm.guest_table_user;

	/* A guest without user page tables runs user code on the kernel's (Xen does too). */
	if (!mfn_valid_raw(l4))
		l4 = v->mm.guest_table;
	write_cr3(mfn_x(l4) << PAGE_SHIFT);
}

void pv_toggle_guest_mode(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	pv->kernel_mode = !pv->kernel_mode;
	__asm__ volatile("swapgs" ::: "memory");
	load_guest_cr3(v, pv->kernel_mode);
}

int pv_bounce(struct vcpu *v, struct trap_frame *f, uint64_t handler, bool mask_events,
	      bool has_error_code, uint32_t error_code)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	struct vcpu_info *vi = v->vcpu_info;
	uint8_t saved_mask = vi->evtchn_upcall_mask;
	uint64_t words[8], sp, cs = f->cs & 0xffff;
	unsigned int n = 0;

	if (pv->kernel_mode) {
		cs &= ~3ULL; /* the guest kernel sees itself in ring 0 */
		sp = f->rsp;
	} else {
		pv_toggle_guest_mode(v);
		sp = pv->kernel_sp;
	}
	sp &= ~0xfULL;

	words[n++] = f->rcx;
	words[n++] = f->r11;
	if (has_error_code)
		words[n++] = error_code;
	words[n++] = f->rip;
	words[n++] = cs | ((uint64_t)saved_mask << 32);
	words[n++] = (f->rflags & ~(RFLAGS_IF | RFLAGS_IOPL)) | (saved_mask ? 0 : RFLAGS_IF) |
		     /* vm_assist architectural_iopl: the frame reports the virtual IOPL */
		     (pv_vm_assist(v, VMASST_TYPE_architectural_iopl) ? (uint64_t)pv->iopl << 12 : 0);
	words[n++] = f->rsp;
	words[n++] = f->ss & 0xffff;
	sp -= n * sizeof(words[0]);
	if (!is_canonical(handler) || copy_to_guest(sp, words, n * sizeof(words[0])))
		return -EFAULT;

	if (mask_events)
		vi->evtchn_upcall_mask = 1;
	f->rsp = sp;
	f->rip = handler;
	f->cs = GUEST_CS64;
	f->ss = GUEST_DS;
	f->rflags &= ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM | RFLAGS_AC);
	f->rflags |= RFLAGS_IF;
	return 0;
}

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
	"#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void pv_bounce_exception(struct vcpu *v, struct trap_frame *f, unsigned int vector,
			 bool has_error_code, uint32_t error_code)
{
	const struct trap_info *ti = &pv_vcpu(v)->trap_table[vector & 0xff];
	char why[80];

	if (ti->address &&
	    !pv_bounce(v, f, ti->address, PV_TI_MASK_EVENTS(ti->flags), has_error_code, error_code))
		return;
	format_snprintf(why, sizeof(why), "%s %s [vector %u, error code %#x]",
			ti->address ? "cannot deliver" : "no handler for",
			vector < 32 && exception_names[vector] ? exception_names[vector] : "interrupt",
			vector, error_code);
	pv_crash(v, f, why);
}

void pv_crash(struct vcpu *v, const struct trap_frame *f, const char *why)
{
	struct domain *d = v->domain;

	printk(KLOG_ERR "d%u v%u: %s in guest %s mode\n", d->domid, v->id, why,
	       pv_vcpu(v)->kernel_mode ? "kernel" : "user");
	printk(KLOG_ERR "  RIP %04lx:%016lx RFLAGS %016lx RSP %04lx:%016lx\n", f->cs, f->rip,
	       f->rflags, f->ss, f->rsp);
	printk(KLOG_ERR "  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax, f->rbx, f->rcx,
	       f->rdx);
	printk(KLOG_ERR "  RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", f->rsi, f->rdi, f->rbp,
	       f->r8);
	printk(KLOG_ERR "  R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", f->r9, f->r10, f->r11,
	       f->r12);
	printk(KLOG_ERR "  R13 %016lx R14 %016lx R15 %016lx CR2 %016lx\n", f->r13, f->r14, f->r15,
	       v->vcpu_info ? v->vcpu_info->arch.cr2 : 0);
	domain_crash(d);
}
