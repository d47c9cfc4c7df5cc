/*
 * hypervisor/arch/x86/pv/pv_vcpu_context.c - a PV vCPU's whole context
 * as Xen's x86_64 struct vcpu_guest_context (hypercalls/vcpu_context.h):
 * what VCPUOP_initialise and XEN_DOMCTL_setvcpucontext load, what
 * getvcpucontext saves, and how the domain builder starts vCPU 0.
 *
 * Loading is check, take, commit:
 *   1. check every field that can be wrong on its own (what Xen 4.17
 *      refuses with -EINVAL: a non-canonical RIP, RSP, kernel stack,
 *      callback, trap handler or segment base; an LDT not page aligned,
 *      over 8192 entries or reaching Keel's range; more GDT entries than
 *      FIRST_RESERVED_GDT_ENTRY; user mode without a user L4);
 *   2. take the references the new context needs under the PV-MMU lock:
 *      each GDT frame as a descriptor page (pv_gdt.c, mm/segdesc.c), the
 *      kernel L4 (ctrlreg[3], xen_cr3_to_pfn) and user L4 (ctrlreg[1]) as
 *      PGT_L4, which validates them; any failure is -EINVAL and gives
 *      back what was taken;
 *   3. commit: nothing can fail any more; the old context's references
 *      are dropped.
 * So an error leaves the vCPU exactly as it was.
 *
 * Where Keel is stricter than Xen 4.17: CS must be Xen's flat code
 * selector and SS its flat stack selector (RPL 0 is raised to 3, as on
 * Xen), because Keel enters guests only with those (pv_iret.c); Xen
 * accepts any selector and faults the vCPU on its first instruction.
 * Data selectors are not loaded by Keel; as on Xen a non-null FS or GS
 * selector clears the matching base.  Where Keel is as lenient as Xen:
 * debug registers set_debugreg would refuse are reset to their defaults
 * (Keel does not load them into the hardware yet), unknown vm_assist
 * bits are dropped (and vm_assist counts only for vCPU 0, as on Xen),
 * the MXCSR of an FPU image keeps only the bits the CPU supports.
 *
 * Locks: the PV-MMU lock for step 2 and the reference swaps of step 3;
 * the vCPU must not run (pv_sched_sync waits until it has left its CPU).
 */
#include "hypercalls/vcpu_context.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/segment.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_gdt.h"
#include "hypervisor/arch/x86/pv/pv_hypercall.h"
#include "hypervisor/arch/x86/pv/pv_sched.h"
#include "hypervisor/arch/x86/pv/pv_emul.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/mmu_lock.h"
#include "mm/page_type.h"
#include "mm/pv_vcpu_mm.h"
#include "mm/segdesc.h"

#define LDT_MAX_ENTS 8192
/* RFLAGS bits a context may set (as HYPERVISOR_iret: never IOPL, VM; IF forced on). */
#define CTX_RFLAGS_MASK (~(RFLAGS_IOPL | RFLAGS_VM) & 0x3f7fffUL)
/* Offset of MXCSR in the FXSAVE image. */
#define FXSAVE_MXCSR 24

/* Every address of ctx that must be canonical is. */
static bool addresses_ok(const struct vcpu_guest_context *ctx)
{
	const uint64_t a[] = {
		ctx->user_regs.rip,	   ctx->user_regs.rsp,	      ctx->kernel_sp,
		ctx->event_callback_eip,   ctx->failsafe_callback_eip, ctx->syscall_callback_eip,
		ctx->fs_base,		   ctx->gs_base_kernel,	      ctx->gs_base_user,
	};

	for (unsigned int i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (!is_canonical(a[i]))
			return false;
	for (unsigned int i = 0; i < 256; i++)
		if (!is_canonical(ctx->trap_ctxt[i].address))
			return false;
	return true;
}

static bool flat_code(uint64_t cs)
{
	cs = (cs | 3) & 0xffff;
	return cs == GUEST_CS64 || cs == GUEST_CS32;
}

/* Step 1: 0 or -EINVAL, looking at ctx alone. */
static int check(const struct vcpu_guest_context *ctx)
{
	if (!addresses_ok(ctx))
		return -EINVAL;
	if ((ctx->ldt_base & (PAGE_SIZE - 1)) || ctx->ldt_ents > LDT_MAX_ENTS ||
	    (ctx->ldt_ents && !guest_range_ok(ctx->ldt_base, ctx->ldt_ents * 8)))
		return -EINVAL;
	if (ctx->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	if (!(ctx->flags & VGCF_in_kernel) && !ctx->ctrlreg[1])
		return -EINVAL;
	if (!flat_code(ctx->user_regs.cs) || ((ctx->user_regs.ss | 3) & 0xffff) != GUEST_DS)
		return -EINVAL;
	return 0;
}

/* The references a context holds, taken before it is committed. */
struct ctx_refs {
	mfn_t gdt[FIRST_RESERVED_GDT_PAGE];
	unsigned int gdt_nr;
	mfn_t old_tables[2];
};

/* Step 2 (PV-MMU lock held): 0, or -EINVAL with nothing taken. */
static int take(struct vcpu *v, const struct vcpu_guest_context *ctx, struct ctx_refs *r)
{
	mfn_t user = ctx->ctrlreg[1] ? _mfn(xen_cr3_to_pfn(ctx->ctrlreg[1])) : INVALID_MFN;
	int rc;

	r->gdt_nr = (unsigned int)((ctx->gdt_ents + SEGDESC_PER_PAGE - 1) / SEGDESC_PER_PAGE);
	rc = pv_gdt_take_frames(v->domain->domid, ctx->gdt_frames, r->gdt_nr, r->gdt);
	if (rc)
		return rc;
	rc = pv_vcpu_mm_set_tables(v, _mfn(xen_cr3_to_pfn(ctx->ctrlreg[3])), user, r->old_tables);
	if (rc) {
		for (unsigned int i = 0; i < r->gdt_nr; i++)
			put_page_and_type(mfn_to_page(r->gdt[i]));
		return -EINVAL; /* Xen's answer for any L4 it cannot use */
	}
	return 0;
}

/* The guest's registers as Keel will enter them (selectors and RFLAGS made safe). */
static void load_regs(struct trap_frame *f, const struct cpu_user_regs *u)
{
	memset(f, 0, sizeof(*f));
	f->r15 = u->r15, f->r14 = u->r14, f->r13 = u->r13, f->r12 = u->r12;
	f->rbp = u->rbp, f->rbx = u->rbx, f->r11 = u->r11, f->r10 = u->r10;
	f->r9 = u->r9, f->r8 = u->r8, f->rax = u->rax, f->rcx = u->rcx;
	f->rdx = u->rdx, f->rsi = u->rsi, f->rdi = u->rdi;
	f->rip = u->rip;
	f->cs = (u->cs | 3) & 0xffff;
	f->rflags = (u->rflags & CTX_RFLAGS_MASK) | RFLAGS_IF | 0x2;
	f->rsp = u->rsp;
	f->ss = GUEST_DS;
}

/* Debug register reg as the context gives it, or its reset value when set_debugreg would refuse it. */
static uint64_t debugreg(const struct vcpu_guest_context *ctx, int reg)
{
	uint64_t val = ctx->debugreg[reg];

	if (!pv_debugreg_check(reg, &val))
		return val;
	return reg == 6 ? PV_DR6_DEFAULT : reg == 7 ? PV_DR7_DEFAULT : 0;
}

/* The MXCSR bits this CPU accepts (FXSAVE's MXCSR_MASK; 0 there means 0xffbf). */
static uint32_t mxcsr_mask(void)
{
	static uint32_t mask;
	uint8_t img[512] __attribute__((aligned(16)));

	if (!mask) {
		uint64_t cr0 = read_cr0(); /* the running guest's virtual CR0.TS may be set */

		memset(img, 0, sizeof(img));
		__asm__ volatile("clts; fxsave64 %0" : "=m"(img));
		if (cr0 & CR0_TS)
			write_cr0(cr0);
		memcpy(&mask, img + 28, sizeof(mask));
		if (!mask)
			mask = 0xffbf;
	}
	return mask;
}

static void load_fpu(struct pv_vcpu *pv, const struct vcpu_guest_context *ctx)
{
	uint32_t mxcsr;

	if (!(ctx->flags & VGCF_i387_valid)) {
		pv_vcpu_fpu_reset(pv);
		return;
	}
	memcpy(pv->fpu, ctx->fpu_ctxt.x, sizeof(pv->fpu));
	/* fxrstor of reserved MXCSR bits would #GP inside Keel. */
	memcpy(&mxcsr, pv->fpu + FXSAVE_MXCSR, sizeof(mxcsr));
	mxcsr &= mxcsr_mask();
	memcpy(pv->fpu + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

static struct pv_callback callback(uint64_t address, bool mask)
{
	return (struct pv_callback){ address, mask };
}

/* Step 3 (PV-MMU lock held): installs ctx; nothing can fail. */
static void commit(struct vcpu *v, const struct vcpu_guest_context *ctx, struct ctx_refs *r)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	const struct cpu_user_regs *u = &ctx->user_regs;

	pv_vcpu_mm_put_table(r->old_tables[0]);
	pv_vcpu_mm_put_table(r->old_tables[1]);
	pv_gdt_replace(v, r->gdt, r->gdt_nr);
	pv_gdt_forget_ldt(v);
	v->mm.ldt_base = ctx->ldt_ents ? ctx->ldt_base : 0;
	v->mm.ldt_ents = (unsigned int)ctx->ldt_ents;

	load_regs(&pv->regs, u);
	pv->iopl = (unsigned int)((u->rflags & RFLAGS_IOPL) >> 12);
	pv->kernel_mode = ctx->flags & VGCF_in_kernel;
	memcpy(pv->trap_table, ctx->trap_ctxt, sizeof(pv->trap_table));
	pv->event_cb = callback(ctx->event_callback_eip, true);
	pv->failsafe_cb = callback(ctx->failsafe_callback_eip,
				   ctx->flags & VGCF_failsafe_disables_events);
	pv->syscall_cb = callback(ctx->syscall_callback_eip,
				  ctx->flags & VGCF_syscall_disables_events);
	pv->kernel_ss = (uint16_t)(ctx->kernel_ss | 3);
	pv->kernel_sp = ctx->kernel_sp;
	/* As Xen: a non-null selector means the base comes from the descriptor, not the context. */
	pv->fs_base = (u->fs & ~3) ? 0 : ctx->fs_base;
	pv->gs_base_user = (u->gs & ~3) ? 0 : ctx->gs_base_user;
	pv->gs_base_kernel = ctx->gs_base_kernel;
	pv->gs_sel = u->gs;
	pv->cr0_ts = ctx->ctrlreg[0] & CR0_TS;
	pv_set_guest_cr4(v, ctx->ctrlreg[4]);
	for (int i = 0; i < 8; i++)
		pv->dr[i] = i == 4 || i == 5 ? 0 : debugreg(ctx, i);
	load_fpu(pv, ctx);
	if (v->id == 0)
		__atomic_store_n(&v->domain->vm_assist, ctx->vm_assist & PV_VM_ASSIST_VALID,
				 __ATOMIC_SEQ_CST);
}

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *ctx)
{
	struct ctx_refs r;
	int rc;

	if (v->domain->state != DOMAIN_ACTIVE)
		return -ESRCH;
	if (vcpu_runnable(v))
		return -EBUSY; /* callers make sure it cannot run first (vcpu_context.h) */
	rc = check(ctx);
	if (rc)
		return rc;
	pv_sched_sync(v);
	mmu_lock();
	rc = take(v, ctx, &r);
	if (!rc)
		commit(v, ctx, &r);
	mmu_unlock();
	if (!rc)
		__atomic_store_n(&pv_vcpu(v)->has_context, true, __ATOMIC_RELEASE);
	return rc;
}

static void save_regs(struct cpu_user_regs *u, const struct trap_frame *f)
{
	u->r15 = f->r15, u->r14 = f->r14, u->r13 = f->r13, u->r12 = f->r12;
	u->rbp = f->rbp, u->rbx = f->rbx, u->r11 = f->r11, u->r10 = f->r10;
	u->r9 = f->r9, u->r8 = f->r8, u->rax = f->rax, u->rcx = f->rcx;
	u->rdx = f->rdx, u->rsi = f->rsi, u->rdi = f->rdi;
	u->rip = f->rip;
	u->cs = (uint16_t)f->cs;
	u->rflags = f->rflags;
	u->rsp = f->rsp;
	u->ss = (uint16_t)f->ss;
}

static uint64_t table_cr3(mfn_t mfn)
{
	return mfn_valid_raw(mfn) ? xen_pfn_to_cr3(mfn_x(mfn)) : 0;
}

int arch_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *ctx)
{
	const struct pv_vcpu *pv = pv_vcpu(v);

	if (vcpu_runnable(v))
		return -EBUSY;
	pv_sched_sync(v);
	memset(ctx, 0, sizeof(*ctx));
	memcpy(ctx->fpu_ctxt.x, pv->fpu, sizeof(ctx->fpu_ctxt.x));
	ctx->flags = VGCF_i387_valid | (pv->kernel_mode ? VGCF_in_kernel : 0) |
		     (pv->failsafe_cb.mask_events ? VGCF_failsafe_disables_events : 0) |
		     (pv->syscall_cb.mask_events ? VGCF_syscall_disables_events : 0) |
		     (v->state != VCPU_OFFLINE ? VGCF_online : 0);
	save_regs(&ctx->user_regs, &pv->regs);
	ctx->user_regs.gs = pv->gs_sel;
	memcpy(ctx->trap_ctxt, pv->trap_table, sizeof(ctx->trap_ctxt));
	mmu_lock();
	ctx->ldt_base = v->mm.ldt_base;
	ctx->ldt_ents = v->mm.ldt_ents;
	for (unsigned int i = 0; i < pv->gdt_nr_frames; i++)
		ctx->gdt_frames[i] = mfn_x(pv->gdt_frames[i]);
	ctx->ctrlreg[3] = table_cr3(v->mm.guest_table);
	ctx->ctrlreg[1] = table_cr3(v->mm.guest_table_user);
	mmu_unlock();
	/* Keel keeps whole GDT frames, not the entry count set_gdt was given. */
	ctx->gdt_ents = pv->gdt_nr_frames * SEGDESC_PER_PAGE;
	ctx->kernel_ss = pv->kernel_ss;
	ctx->kernel_sp = pv->kernel_sp;
	ctx->ctrlreg[0] = pv->cr0_ts ? CR0_TS : 0;
	ctx->ctrlreg[4] = pv->cr4;
	memcpy(ctx->debugreg, pv->dr, sizeof(ctx->debugreg));
	ctx->event_callback_eip = pv->event_cb.address;
	ctx->failsafe_callback_eip = pv->failsafe_cb.address;
	ctx->syscall_callback_eip = pv->syscall_cb.address;
	ctx->vm_assist = __atomic_load_n(&v->domain->vm_assist, __ATOMIC_RELAXED);
	ctx->fs_base = pv->fs_base;
	ctx->gs_base_kernel = pv->gs_base_kernel;
	ctx->gs_base_user = pv->gs_base_user;
	return 0;
}

bool arch_vcpu_has_context(const struct vcpu *v)
{
	return __atomic_load_n(&pv_vcpu(v)->has_context, __ATOMIC_ACQUIRE);
}
