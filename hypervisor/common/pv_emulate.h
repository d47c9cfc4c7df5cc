/*
 * hypervisor/common/pv_emulate.h - emulation of the privileged instructions
 * a 64-bit PV guest may execute.
 *
 * Owns: decoding one x86-64 instruction at the guest's rip and carrying it
 * out against an ops table.  It owns no state: everything it learns about
 * the vCPU or the machine comes through `struct pv_emul_ops`, and all it
 * changes is the register frame passed in.
 *
 * Why it exists: in Xen's 64-bit PV model the guest kernel runs in ring 3,
 * so privileged instructions fault into the hypervisor, which performs the
 * few a PV kernel may use:
 *   - #UD with the forced-emulation prefix `ud2a; .ascii "xen"`
 *     (0f 0b 78 65 6e) followed by `cpuid`: the "enlightened" CPUID;
 *   - #GP for cpuid (CPUID faulting), mov to/from CR0/2/3/4/8 and DR0-7,
 *     clts, rdmsr/wrmsr, in/out/ins/outs (imm8 port or DX, byte, word,
 *     dword; rep; DF; 67 prefix = 32-bit addressing), cli/sti, hlt,
 *     wbinvd/invd, rdtsc/rdtscp/rdpmc.
 * Everything else is PV_EMUL_UNHANDLED: the caller delivers the original
 * fault to the guest unchanged.
 *
 * Prefixes: 66 (operand size: word I/O), 67 (address size of string I/O),
 * f2/f3 (rep, for ins/outs), the six segment overrides (in 64-bit mode only
 * fs/gs matter: they add ops->seg_base to the outs source address), REX
 * (R and B extend the CR/DR/GPR fields).  lock on any handled instruction
 * is #UD; an instruction longer than 15 bytes is #GP(0).  Other legacy
 * prefixes are ignored where the hardware ignores them.
 *
 * The register frame: only the GPRs, rip and rflags of `regs` are read or
 * written (the caller's frame need not be valid past ss).  The guest is in
 * 64-bit mode.
 *
 * Locks: none; runs on the faulting vCPU, in its context.
 */
#ifndef HYPERVISOR_COMMON_PV_EMULATE_H
#define HYPERVISOR_COMMON_PV_EMULATE_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

/* The exception vectors that bring a PV guest here (Intel SDM vol. 3, 6.15). */
#define PV_EMUL_TRAP_UD 6u
#define PV_EMUL_TRAP_GP 13u

/*
 * At most this many iterations of a rep ins/outs run per call.  When the
 * budget runs out with count left, pv_emulate returns PV_EMUL_DONE with
 * rip unchanged and rcx/rsi/rdi advanced: the guest re-executes the
 * instruction, faults again and continues where it stopped, just as the
 * hardware resumes an interrupted rep.  This bounds the time one guest
 * instruction spends in the hypervisor.
 */
#define PV_EMUL_REP_BUDGET 1024u

enum pv_emul_result {
	/*
	 * Emulated.  rip points past the instruction (and past the 5-byte
	 * prefix for a forced cpuid), RFLAGS.RF is clear, and
	 * outcome->single_step says whether a single-step #DB is due.
	 * (Also returned, with rip unchanged, for a rep cut by the budget.)
	 */
	PV_EMUL_DONE = 0,
	/* Deliver #GP with outcome->error_code (always 0 today). */
	PV_EMUL_RAISE_GP,
	/* Deliver #UD (bad forced-emulation sequence, lock prefix, bad CR/DR, op said so). */
	PV_EMUL_RAISE_UD,
	/*
	 * Deliver #PF at outcome->cr2 with outcome->error_code: an instruction
	 * fetch or a string-I/O memory access failed.  The error code is the
	 * one the failing op reported.
	 */
	PV_EMUL_RAISE_PF,
	/* Not an instruction emulated here: deliver the original fault unchanged. */
	PV_EMUL_UNHANDLED,
};

/*
 * Results beyond the enum.  On every result but DONE, rip and rflags are
 * unchanged; so are all GPRs except for rep ins/outs, where completed
 * iterations stay committed in rcx/rsi/rdi (as on the hardware, so that
 * re-executing the instruction after the fault is handled resumes it).
 */
struct pv_emul_outcome {
	uint32_t error_code; /* RAISE_GP, RAISE_PF */
	uint64_t cr2;	     /* RAISE_PF: the linear address that faulted */
	bool single_step;    /* DONE and rip advanced: TF was set; deliver #DB (DR6.BS) */
	unsigned int length; /* DONE: bytes rip advanced (0 for a cut rep) */
};

/* The segment registers whose base may apply in 64-bit mode. */
enum pv_emul_seg {
	PV_EMUL_SEG_FS,
	PV_EMUL_SEG_GS,
};

/*
 * What the emulator needs from the hypervisor.  `ctx` is pv_emulate's ctx
 * argument, passed through unchanged (typically the vCPU).
 *
 * Return values: ops returning int give 0 on success; -EOPNOTSUPP makes
 * the instruction raise #UD (it does not exist for this guest, e.g.
 * rdtscp without the feature, or DR4/5 with CR4.DE set); any other
 * negative value raises #GP(0).  The memory ops instead return -EFAULT and
 * set *pfec, which becomes a #PF.
 *
 * A NULL op makes the instructions that need it PV_EMUL_UNHANDLED, so the
 * hypervisor can wire them up one at a time.
 *
 * Privilege: CR/DR/MSR access, clts, hlt and wbinvd/invd are refused with
 * #GP(0) by the emulator itself when the guest is in user mode; their ops
 * are only called for the guest kernel.  For the others the op decides
 * (I/O and cli/sti by the virtual IOPL and I/O bitmap, rdtsc/rdtscp by the
 * guest's CR4.TSD, rdpmc by CR4.PCE).
 */
struct pv_emul_ops {
	/*
	 * Guest memory at linear address va, n bytes, never crossing a page
	 * (the emulator splits accesses).  0, or -EFAULT with *pfec set to the
	 * page-fault error code the guest must see (P, W, U, I/D bits as the
	 * walk found them).  These are the only way guest memory is touched:
	 * they must use the checked copy helpers (DESIGN.md invariant 4).
	 * fetch reads instruction bytes with instruction-fetch permission
	 * checks; without it nothing is emulated.
	 */
	int (*fetch)(void *ctx, uint64_t va, void *buf, unsigned int n, uint32_t *pfec);
	int (*read_guest)(void *ctx, uint64_t va, void *buf, unsigned int n, uint32_t *pfec);
	int (*write_guest)(void *ctx, uint64_t va, const void *buf, unsigned int n, uint32_t *pfec);
	/* The fs or gs base (for an outs with a segment override). */
	int (*seg_base)(void *ctx, enum pv_emul_seg seg, uint64_t *base);

	/*
	 * cpuid: fill *eax..*edx for leaf/subleaf.  `forced` is true when the
	 * guest asked through the forced-emulation prefix (the enlightened
	 * path, pv_cpuid.h's "enlightened" parameter), false for a faulting
	 * plain cpuid.  Cannot fail.
	 */
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, bool forced, uint32_t *eax,
		      uint32_t *ebx, uint32_t *ecx, uint32_t *edx);

	/* mov from/to CRn (n = 0, 2, 3, 4 or 8) and DRn (n = 0..7, DR4/5 unaliased). */
	int (*read_cr)(void *ctx, unsigned int cr, uint64_t *val);
	int (*write_cr)(void *ctx, unsigned int cr, uint64_t val);
	int (*read_dr)(void *ctx, unsigned int dr, uint64_t *val);
	int (*write_dr)(void *ctx, unsigned int dr, uint64_t val);
	/* clts: clear the guest's virtual CR0.TS. */
	int (*clts)(void *ctx);

	/* rdmsr/wrmsr of MSR `index` (ECX); the value is EDX:EAX. */
	int (*read_msr)(void *ctx, uint32_t index, uint64_t *val);
	int (*write_msr)(void *ctx, uint32_t index, uint64_t val);

	/*
	 * May the guest access `size` (1, 2 or 4) bytes of I/O space at
	 * `port` now?  false raises #GP(0) before any access is made.
	 */
	bool (*io_allowed)(void *ctx, uint16_t port, unsigned int size);
	/* Port access, only after io_allowed said yes; cannot fail. */
	uint32_t (*io_read)(void *ctx, uint16_t port, unsigned int size);
	void (*io_write)(void *ctx, uint16_t port, unsigned int size, uint32_t val);

	/* cli (enable = false) / sti (true): the event mask, if the virtual IOPL allows. */
	int (*set_interrupt_flag)(void *ctx, bool enable);
	/* hlt: typically blocks the vCPU until an event is pending. */
	int (*hlt)(void *ctx);
	/* wbinvd (writeback = true) or invd (false; may well be done as wbinvd). */
	int (*cache_flush)(void *ctx, bool writeback);
	/* rdtsc (aux == NULL) or rdtscp (*aux = TSC_AUX). */
	int (*rdtsc)(void *ctx, uint64_t *tsc, uint32_t *aux);
	/* rdpmc of counter `index` (ECX). */
	int (*rdpmc)(void *ctx, uint32_t index, uint64_t *val);
};

/*
 * Emulates the instruction at regs->rip after the guest raised `trap`
 * (PV_EMUL_TRAP_UD or PV_EMUL_TRAP_GP; any other vector is
 * PV_EMUL_UNHANDLED).  For #UD only the forced-emulation prefix is
 * recognised; call it for #GP only when the error code is 0 (a selector
 * error code means a segment problem, not a privileged instruction).
 * `guest_kernel` says whether the guest was in its kernel mode.
 *
 * Returns the result (see enum pv_emul_result) and fills *out.
 */
enum pv_emul_result pv_emulate(struct cpu_user_regs *regs, unsigned int trap, bool guest_kernel,
			       const struct pv_emul_ops *ops, void *ctx,
			       struct pv_emul_outcome *out);

#endif /* HYPERVISOR_COMMON_PV_EMULATE_H */
