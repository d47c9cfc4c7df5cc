/*
 * tests/pv/traps.h - exceptions, software interrupts and callbacks in the
 * PV test kernels.
 *
 * Xen bounces an exception to a 64-bit PV kernel by pushing this frame on
 * the guest kernel stack (lowest address first) and jumping to the handler
 * registered with set_trap_table:
 *
 *   rcx, r11, [error code], rip, cs, rflags, rsp, ss
 *
 * The failsafe callback's frame has ds, es, fs, gs between r11 and rip.
 * trap_entry.S has one stub per vector (and one per callback); each saves
 * the registers and calls pv_trap_dispatch(), which records the frame in
 * pv_last_trap and resumes either where a test's fixup table entry says
 * (PV_FIXUP) or where a test's hook (pv_trap_hook) puts it.  Any other trap
 * is a test-kernel failure: pv_fatal() prints it and ends the domain.
 *
 * Resuming goes through HYPERVISOR_iret (push flags, jump to the hypercall
 * page's iret stub), or through a direct iretq when pv_trap_use_iretq is set.
 *
 * Single vCPU, no locks; the handlers run with whatever event mask the trap
 * table's flags give them.
 */
#ifndef TESTS_PV_TRAPS_H
#define TESTS_PV_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

/* Pseudo vectors of the callbacks (trap_entry.S has stubs for them too). */
#define PV_VEC_EVENT	256
#define PV_VEC_FAILSAFE 257
#define PV_VEC_SYSCALL	258
#define PV_NR_STUBS	259

/*
 * The registers trap_entry.S saves, then Xen's frame.  pv_trap_dispatch()
 * replaces the saved rcx and r11 (whatever Xen left in them at entry) with
 * the interrupted values from Xen's frame before calling a hook; the stub
 * restores all of these registers on the way out.
 */
struct pv_trap_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;      /* in: the stub's vector; out: the stack pointer to resume with */
	uint64_t extra;	      /* words between Xen's r11 slot and rip (error code, segments) */
	uint64_t xen_frame[]; /* rcx, r11, [extra...], rip, cs, rflags, rsp, ss */
};

/* The resumable part of a frame: what iret pops. */
struct pv_iret_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

/* What pv_trap_dispatch() saw of the last trap. */
struct pv_trap_record {
	unsigned int vector;
	unsigned int nr_extra; /* 1 with an error code, 4 for failsafe */
	uint64_t frame_addr;   /* where Xen put the frame (its rcx slot) */
	uint64_t frame_rcx, frame_r11;
	uint64_t extra[4]; /* error code / ds, es, fs, gs */
	uint64_t rip, cs, rflags, rsp, ss;
	uint64_t cr2;			  /* vcpu_info.arch.cr2 at handler entry */
	uint8_t upcall_mask;		  /* vcpu_info.evtchn_upcall_mask at handler entry */
	uint64_t rax, rbx, rdx, rsi, rdi; /* registers at handler entry */
};

extern volatile struct pv_trap_record pv_last_trap;
extern volatile unsigned long pv_trap_count;

/* Resume with a direct iretq instead of HYPERVISOR_iret. */
extern volatile bool pv_trap_use_iretq;

/*
 * A test's own handling: called first for every trap with the saved
 * registers and the resumable frame; returns true when it has dealt with
 * the trap (it may edit @f and @r, e.g. f->rip).  Reset to NULL by
 * pv_trap_reset().
 */
extern bool (*volatile pv_trap_hook)(struct pv_trap_regs *r, struct pv_iret_frame *f);

/* trap_entry.S: the stub for vector @v is at pv_trap_stubs + 16 * v. */
extern const uint8_t pv_trap_stubs[];
#define pv_trap_stub(v) ((unsigned long)pv_trap_stubs + 16 * (v))

/*
 * A fixup table entry: a trap whose rip lies in [from, to] resumes at to.
 * Use in asm after the instruction(s) that may trap:
 *   asm volatile("1: ud2\n2:\n" PV_FIXUP("1b", "2b"));
 */
#define PV_FIXUP(from, to)                                                                         \
	".pushsection .pv_fixup, \"a\"\n.balign 8\n.quad " from ", " to "\n.popsection\n"

/*
 * Runs the asm @insn once under a fixup (a trap in it resumes after it);
 * stores the address of its first byte in @at and of the next instruction
 * in @end (a fault reports rip == at, a trap rip == end).
 */
#define PV_TRAP_AT(insn, at, end)                                                                  \
	__asm__ volatile("lea 1f(%%rip), %[a]\n lea 2f(%%rip), %[e]\n1: " insn                     \
			 "\n2:\n" PV_FIXUP("1b", "2b")                                             \
			 : [a] "=&r"(at), [e] "=&r"(end)                                           \
			 :                                                                         \
			 : "memory")

/**
 * Installs the default trap table and registers the event, failsafe and
 * syscall callbacks; called once by pv_main.  Returns 0 or the first
 * hypercall error.
 */
long traps_init(void);

/**
 * The default trap table: a stub for every vector; DPL 3 for #BP (3), #OF
 * (4) and vectors 32-255, DPL 0 for the other exceptions; flags never mask
 * events.  Returns set_trap_table's result.
 */
long traps_install_default(void);

/**
 * Fills @table (indexed by vector, as vcpu_guest_context.trap_ctxt) with
 * the default entries traps_install_default() installs.
 */
void traps_fill_default(struct trap_info table[256]);

/** Forgets the last trap, the trap count and the hook. */
void pv_trap_reset(void);

/** Reads the quadword at @p; returns false (and leaves @val) on a fault. */
bool pv_try_read(const volatile void *p, uint64_t *val);

/** Writes @val to the quadword at @p; returns false on a fault. */
bool pv_try_write(volatile void *p, uint64_t val);

/**
 * HYPERVISOR_iret with @in's rax, r11, rcx, flags, cs, rflags and ss to the
 * next instruction on the current stack (@in's rip and rsp are ignored);
 * stores in @out what arrived there: rax, r11, rcx, cs and ss (read from the
 * segment registers), rflags (pushfq), rsp and the address it returned to
 * (rip).  (trap_entry.S)
 */
void pv_iret_roundtrip(const struct iret_context *in, struct iret_context *out);

/**
 * Enters guest user mode at @rip with stack @rsp (trap_entry.S); returns the
 * value a trap hook passes to pv_trap_return_to_kernel().  The caller sets up
 * MMUEXT_NEW_USER_BASEPTR and stack_switch first.
 */
long pv_user_enter(unsigned long rip, unsigned long rsp);

/**
 * From a trap hook: makes the trap return into kernel mode, out of the
 * pv_user_enter() that entered user mode, which then returns @value.
 */
void pv_trap_return_to_kernel(struct pv_trap_regs *r, struct pv_iret_frame *f, long value);

#endif /* TESTS_PV_TRAPS_H */
