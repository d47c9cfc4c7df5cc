/*
 * hypervisor/arch/x86/pv/pv_vcpu.h - the x86 part of a 64-bit PV vCPU.
 *
 * Owns: everything the real CPU needs to run a PV vCPU that generic code
 * does not see (struct vcpu.arch points here): its saved registers while
 * it is off the CPU, guest kernel/user mode, the trap table and callbacks
 * it registered, its kernel stack (stack_switch), segment bases, virtual
 * control/debug registers and the virtual IOPL.  (vm_assist is the
 * domain's, as on Xen: struct domain.)
 *
 * Where the registers live: while a vCPU runs on a CPU, its registers are
 * in the struct trap_frame at the top of that CPU's stack (guest_regs()),
 * where every entry from the guest (syscall, exception, interrupt) saves
 * them and every return to the guest restores them.  When the vCPU is
 * switched out they are copied to pv_vcpu.regs, and back on switch in.
 *
 * Locks: only the vCPU itself (running on its CPU) and the context-switch
 * code touch this; whoever loads or saves a whole context
 * (pv_vcpu_context.c) first makes sure the vCPU cannot run and waits for
 * it to leave its CPU (pv_sched_sync).
 */
#ifndef ARCH_PV_PV_VCPU_H
#define ARCH_PV_PV_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/percpu.h"
#include "arch/traps.h"
#include "hypervisor/common/domain.h"
#include "hypervisor/common/timer_queue.h"
#include "hypervisor/common/vcpu.h"
#include "sched/policy.h"
#include "sched/sched.h"

/* trap_frame.vector of a frame saved by the syscall entry (not a real vector). */
#define PV_ENTRY_SYSCALL 0x100

/* trap_info.flags: bits 0-1 DPL, bit 2 "mask events on entry" (xen.h TI_*). */
#define PV_TI_DPL(flags)	 ((flags) & 3)
#define PV_TI_MASK_EVENTS(flags) ((flags) & 4)

struct pv_callback {
	uint64_t address; /* 0: none registered */
	bool mask_events; /* CALLBACKF_mask_events */
};

/* Machine-check banks a PV vCPU sees, as Xen's vMCE offers (GUEST_MC_BANK_NUM). */
#define PV_MC_BANKS 2

struct pv_vcpu {
	struct trap_frame regs; /* saved guest registers while off the CPU */
	bool kernel_mode;	/* guest kernel (true) or guest user mode */

	struct trap_info trap_table[256]; /* address 0: no handler for that vector */
	struct pv_callback event_cb, failsafe_cb, syscall_cb, syscall32_cb, sysenter_cb, nmi_cb;

	uint64_t kernel_sp;	/* HYPERVISOR_stack_switch: stack on user->kernel bounces */
	uint16_t kernel_ss;

	uint64_t fs_base, gs_base_kernel, gs_base_user;
	uint16_t gs_sel; /* the user %gs selector (SEGBASE_GS_USER_SEL) */

	uint64_t cr0_ts;	/* virtual CR0.TS (fpu_taskswitch) */
	uint64_t cr4;		/* the guest's view of CR4 (pv_set_guest_cr4) */
	/* Virtual machine-check registers (pv_emul.c): MCG_STATUS, then each bank's STATUS/ADDR/MISC. */
	uint64_t mcg_status;
	uint64_t mc_bank[PV_MC_BANKS][3];
	uint64_t dr[8];		/* set_debugreg */
	unsigned int iopl;	/* virtual IOPL, 0..3 (PHYSDEVOP_set_iopl) */


	/* set_gdt frames (PGT_SEGDESC references held) and used LDT pages (pv_gdt.c). */
	mfn_t gdt_frames[FIRST_RESERVED_GDT_PAGE];
	unsigned int gdt_nr_frames;
	mfn_t ldt_frames[16];

	/* x87/SSE state while off the CPU (FXSAVE format), 16-byte aligned. */
	uint8_t fpu[512] __attribute__((aligned(16)));

	/* SCHEDOP_poll's timeout (pv_timers.c); wake_pending: it fired, wake v outside the interrupt. */
	struct timer wakeup_timer;
	volatile bool wake_pending;
	/* The guest's own timers (pv_time.c): VIRQ_TIMER due when virq_timer_pending. */
	struct timer oneshot_timer, periodic_timer;
	uint64_t period_ns, periodic_next; /* periodic_next 0: not started */
	volatile bool virq_timer_pending;

	bool has_context; /* registers loaded: may be brought up (pv_vcpu_context.c) */
	/*
	 * Scheduling (pv_schedule.c): the policy's view, the affinities as the
	 * toolstack last set them (sv.affinity is the effective hard one),
	 * where it runs or last ran, its home.
	 */
	struct sched_vcpu sv;
	struct sched_affinity affinity;
	unsigned int processor;
	unsigned int home;
	struct vcpu *rq_next; /* ring of the home CPU's vCPUs (deferred wake-ups) */
};

static inline struct pv_vcpu *pv_vcpu(const struct vcpu *v)
{
	return (struct pv_vcpu *)v->arch;
}

/* Debug registers 6 and 7 at reset (their always-one bits). */
#define PV_DR6_DEFAULT 0xffff0ff0UL
#define PV_DR7_DEFAULT 0x400UL

/* The x87/SSE state FNINIT and a reset MXCSR give: FCW 0x37f, MXCSR 0x1f80, the rest 0. */
static inline void pv_vcpu_fpu_reset(struct pv_vcpu *pv)
{
	for (unsigned int i = 0; i < sizeof(pv->fpu); i++)
		pv->fpu[i] = 0;
	pv->fpu[0] = 0x7f;
	pv->fpu[1] = 0x03;
	pv->fpu[24] = 0x80;
	pv->fpu[25] = 0x1f;
}

/* vm_assist types a 64-bit PV guest may switch (xen.h VMASST_TYPE_*). */
#define PV_VM_ASSIST_VALID                                                                         \
	((1UL << VMASST_TYPE_4gb_segments) | (1UL << VMASST_TYPE_4gb_segments_notify) |            \
	 (1UL << VMASST_TYPE_writable_pagetables) | (1UL << VMASST_TYPE_pae_extended_cr3) |        \
	 (1UL << VMASST_TYPE_architectural_iopl) | (1UL << VMASST_TYPE_runstate_update_flag) |     \
	 (1UL << VMASST_TYPE_m2p_strict))

/* True if v's domain enabled vm_assist VMASST_TYPE_<type>. */
static inline bool pv_vm_assist(const struct vcpu *v, unsigned int type)
{
	return (__atomic_load_n(&v->domain->vm_assist, __ATOMIC_RELAXED) >> type) & 1;
}

/* The running guest's registers on this CPU: the frame at the top of its stack. */
static inline struct trap_frame *guest_regs(void)
{
	return (struct trap_frame *)get_cpu_info() - 1;
}

/* The vCPU running on this CPU, or NULL when the CPU is idle. */
static inline struct vcpu *current_vcpu(void)
{
	return this_cpu()->curr_vcpu;
}

#endif /* ARCH_PV_PV_VCPU_H */
