/*
 * hypervisor/common/pv_ptwr.h - emulation of a 64-bit PV guest's ordinary
 * write to one of its own L1 page tables ("writable page tables", ptwr).
 *
 * Owns: decoding the one instruction at the guest's rip whose write
 * faulted, working out the linear address and the bytes it writes, and
 * handing the resulting 8-byte entry to the caller.  It owns no state:
 * the guest's memory and page tables are reached only through
 * `struct pv_ptwr_ops`, and all it changes is the register frame passed in.
 *
 * Why it exists: a PV guest maps its L1 tables read-only, so a plain store
 * to one raises #PF (present, write).  Xen 4.17 then emulates that store,
 * validating the new entry as if the guest had asked with mmu_update; this
 * file is the instruction half of that, the caller the validation half.
 *
 * Instructions (64-bit mode, memory destination only):
 *   mov r/m,reg (88/89), mov r/m,imm (c6/c7 /0; imm32 sign-extended for
 *   64 bits), mov moffs,acc (a2/a3), movnti (0f c3),
 *   xchg r/m,reg (86/87), cmpxchg r/m,reg (0f b0/b1),
 *   add/or/adc/sbb/and/sub/xor r/m,reg (00-31, the r/m-destination forms)
 *   and r/m,imm (80/81/83 /0-/6).
 * Operand sizes 1, 2 (66), 4 and 8 (REX.W); all ModRM/SIB forms, rip-
 * relative, REX.R/X/B, 67 (32-bit addressing: the effective address wraps
 * at 4 GiB) and fs/gs overrides (their base through ops->seg_base; es, cs,
 * ss and ds have none).  lock is accepted where the SDM allows it (the ALU
 * ops, xchg, cmpxchg); all of them are carried out as one compare-and-
 * exchange of the entry through write_pte, so they are atomic either way.
 * f2/f3 (rep, xacquire/xrelease) are not accepted.
 *
 * The write must lie inside the 8-byte entry that holds the faulting
 * address: a write to another entry (the fault came from something else,
 * e.g. a push or a string instruction) or across two entries is not
 * emulated.  A write narrower than 8 bytes is spliced into the current
 * entry.  cmpxchg whose comparison fails writes nothing.
 *
 * The register frame: only the GPRs, rip and rflags of `regs` are read or
 * written.  On PV_PTWR_DONE, rip is past the instruction, RFLAGS.RF is
 * clear, the arithmetic flags are set as the instruction defines (for and/
 * or/xor the SDM leaves AF undefined: it is cleared), and xchg/cmpxchg
 * have updated their register.  None of these instructions changes TF: if
 * it is set after DONE, the caller owes the guest a single-step #DB.  On
 * any other result `regs` is untouched.
 *
 * Locks: none; runs on the faulting vCPU, in its context.  Any lock that
 * protects the page table is the caller's, taken inside write_pte.
 */
#ifndef HYPERVISOR_COMMON_PV_PTWR_H
#define HYPERVISOR_COMMON_PV_PTWR_H

#include <stdint.h>

#include <xen/xen.h>

#include "hypervisor/common/pv_emulate.h" /* enum pv_emul_seg: one seg_base hook serves both */

enum pv_ptwr_result {
	/* Emulated: the entry was installed (or a cmpxchg failed its comparison). */
	PV_PTWR_DONE = 0,
	/*
	 * write_pte refused the new entry.  Xen then delivers #PF at the
	 * faulting address with error code P|W (plus U as the guest's mode
	 * says).
	 */
	PV_PTWR_REFUSED,
	/*
	 * The entry changed between read_pte and write_pte (write_pte said
	 * -EAGAIN).  Nothing was written: return to the guest, which
	 * re-executes the instruction and faults again.
	 */
	PV_PTWR_RETRY,
	/*
	 * Not a write emulated here (unknown or malformed instruction, fetch
	 * or read_pte failure, a write outside the faulting entry or across
	 * two entries, lock where it is not allowed, a missing op): the
	 * caller delivers the original #PF unchanged.
	 */
	PV_PTWR_UNHANDLED,
};

/*
 * What the emulator needs from the hypervisor.  `ctx` is pv_ptwr_emulate's
 * ctx argument, passed through unchanged (typically the vCPU).  fetch,
 * read_pte and write_pte are required; without seg_base an fs/gs override
 * is PV_PTWR_UNHANDLED.
 */
struct pv_ptwr_ops {
	/*
	 * n instruction bytes at linear address va, never crossing a page (the
	 * emulator splits).  0 or -EFAULT.  Must use the checked copy helpers.
	 */
	int (*fetch)(void *ctx, uint64_t va, void *buf, unsigned int n);
	/* The current 8-byte entry at the 8-byte-aligned linear address pte_va: 0 or -EFAULT. */
	int (*read_pte)(void *ctx, uint64_t pte_va, uint64_t *old);
	/*
	 * Validate `new` and install it in place of `old`, the value read_pte
	 * gave (the emulator built `new` from it).  Returns 0 once installed;
	 * -EAGAIN if the entry no longer holds `old` (nothing written: the
	 * install must be a compare-and-exchange, or run under a lock that
	 * excludes every other writer of the entry); any other negative errno
	 * if `new` is refused.
	 */
	int (*write_pte)(void *ctx, uint64_t pte_va, uint64_t old, uint64_t new);
	/* The fs or gs base, for an instruction with that override: 0 or negative errno. */
	int (*seg_base)(void *ctx, enum pv_emul_seg seg, uint64_t *base);
};

/*
 * Emulates the instruction at regs->rip, whose write to a read-only L1
 * page table raised #PF at linear address `fault_addr` (CR2).  Call it
 * only for a write fault on a present entry (error code P|W, no RSVD, not
 * I/D) that hit a page the caller knows to be one of the guest's L1
 * tables.  Returns the result (see enum pv_ptwr_result).
 */
enum pv_ptwr_result pv_ptwr_emulate(struct cpu_user_regs *regs, uint64_t fault_addr,
				    const struct pv_ptwr_ops *ops, void *ctx);

#endif /* HYPERVISOR_COMMON_PV_PTWR_H */
