/*
 * hypervisor/common/x86_insn.h - the parts of x86-64 instruction decoding
 * that every instruction emulator in this folder needs.
 *
 * Owns: `struct x86_insn`, the decoder's view of one 64-bit-mode
 * instruction: its bytes (fetched lazily through a caller's hook), its
 * prefixes, its ModRM fields and its memory operand.  It owns no other
 * state and knows no instruction: the opcode is the caller's to interpret
 * (pv_emulate.c for privileged instructions, pv_ptwr.c for page-table
 * stores).  Also: reading and writing a GPR by its encoding number.
 *
 * Why it exists: both emulators decode the same way up to the opcode and
 * the memory operand; one decoder means one place that knows the 15-byte
 * limit, the REX rules and the special ModRM/SIB encodings.
 *
 * Instruction bytes are fetched lazily, never past the 15-byte limit and
 * never across a page boundary in one hook call, so an instruction that
 * ends just before an unmapped page does not fault on bytes it does not
 * have.
 *
 * Every function that consumes bytes returns true, or false with
 * insn->error saying why (and, for a fetch fault, where).  What a failure
 * means to the guest (#GP, #PF, or "not ours") is the caller's choice.
 *
 * Locks: none; one x86_insn belongs to one caller for one instruction.
 */
#ifndef HYPERVISOR_COMMON_X86_INSN_H
#define HYPERVISOR_COMMON_X86_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#define X86_INSN_MAX_LEN 15 /* SDM vol. 2, 2.3.11: a longer instruction is #GP(0) */

/*
 * Reads n (1-15) instruction bytes at linear address va into buf; the
 * range never crosses a page.  0, or nonzero with *pfec set to the
 * page-fault error code the guest would see (a hook with no such notion
 * may leave it alone: it starts as 0).  ctx is x86_insn_init's.
 */
typedef int (*x86_insn_fetch_fn)(void *ctx, uint64_t va, void *buf, unsigned int n, uint32_t *pfec);

/* Why a decoding function returned false. */
enum x86_insn_error {
	X86_INSN_OK = 0,
	X86_INSN_TOO_LONG,    /* it would need a 16th byte: #GP(0) on the hardware */
	X86_INSN_FETCH_FAULT, /* the hook failed: fault_va and pfec say where and how */
	X86_INSN_NOT_MEMORY,  /* x86_insn_memory() on a ModRM with mod 3 (a register) */
};

/* The segment override that counts in 64-bit mode (es/cs/ss/ds have no base there). */
enum x86_seg {
	X86_SEG_NONE,
	X86_SEG_FS,
	X86_SEG_GS,
};

struct x86_insn {
	/* Where the bytes come from (x86_insn_init), and what the decoder has of them. */
	x86_insn_fetch_fn fetch;
	void *ctx;
	uint64_t start; /* linear address of the first byte */
	uint8_t bytes[X86_INSN_MAX_LEN];
	unsigned int fetched;	   /* valid bytes in bytes[] */
	unsigned int len;	   /* bytes consumed: the length once decoded */
	enum x86_insn_error error; /* why the last call returned false */
	uint64_t fault_va;	   /* FETCH_FAULT: first byte of the failed fetch */
	uint32_t pfec;		   /* FETCH_FAULT: the hook's error code */

	/* Prefixes (x86_insn_prefixes). */
	bool opsize;	  /* 66 */
	bool addrsize;	  /* 67 */
	bool lock;	  /* f0 */
	bool rep;	  /* f2 or f3 */
	enum x86_seg seg; /* the last segment override */
	uint8_t rex;	  /* 0 or 0x40-0x4f, only when it directly precedes the opcode */

	/* ModRM (x86_insn_modrm): reg and rm already extended by REX.R and REX.B. */
	unsigned int mod, reg, rm;

	/* The memory operand (x86_insn_memory, or set by the caller, e.g. for moffs). */
	uint64_t ea;  /* base + index * scale + disp, before the rip term and the 67 wrap */
	bool rip_rel; /* ea counts from the end of the instruction */
};

/* Starts decoding the instruction at linear address start, fetching through fetch(ctx, ...). */
void x86_insn_init(struct x86_insn *insn, uint64_t start, x86_insn_fetch_fn fetch, void *ctx);

/* The next instruction byte; false (TOO_LONG or FETCH_FAULT) if there is none. */
bool x86_insn_next_byte(struct x86_insn *insn, uint8_t *b);

/* The next n (1-8) bytes as a little-endian value, sign-extended to 64 bits. */
bool x86_insn_next_imm(struct x86_insn *insn, unsigned int n, uint64_t *val);

/*
 * Legacy and REX prefixes, up to the opcode byte (returned in *op): 66,
 * 67, f0, f2/f3, the six segment overrides and 40-4f.  A REX followed by
 * a legacy prefix is void; of several, the last REX and the last segment
 * override win.  The first byte that is none of these is the opcode.
 */
bool x86_insn_prefixes(struct x86_insn *insn, uint8_t *op);

/*
 * The operand size of an opcode whose bit 0 is the "w" bit (byte form
 * when clear): 1; otherwise 8 with REX.W, 2 with 66, else 4.
 */
unsigned int x86_insn_op_size(const struct x86_insn *insn, uint8_t op);

/* The ModRM byte into insn->mod, ->reg (+REX.R) and ->rm (+REX.B); no SIB, no displacement. */
bool x86_insn_modrm(struct x86_insn *insn);

/*
 * After x86_insn_modrm: the SIB and displacement of a memory operand, and
 * insn->ea from the registers in regs (SDM vol. 2, tables 2-2 and 2-3,
 * 2.2.1).  false with NOT_MEMORY if mod is 3: what a register operand
 * means is the caller's business.
 */
bool x86_insn_memory(struct x86_insn *insn, const struct cpu_user_regs *regs);

/*
 * The linear address of the memory operand, once the whole instruction is
 * decoded (a rip-relative operand counts from its end): ea, plus the end
 * of the instruction if rip-relative, wrapped at 4 GiB with 67, plus
 * seg_base (the caller's lookup of insn->seg; 0 for X86_SEG_NONE).
 */
uint64_t x86_insn_linear(const struct x86_insn *insn, uint64_t seg_base);

/* All ones in the low `size` (1, 2, 4 or 8) bytes. */
uint64_t x86_size_mask(unsigned int size);

/*
 * GPR number n (0-15, the ModRM/REX encoding) at `size` bytes, zero-
 * extended.  With size 1 and no REX prefix (`rex` false), 4-7 are ah, ch,
 * dh and bh, not spl..dil (SDM vol. 1, 3.4.1.1).
 */
uint64_t x86_gpr_read(const struct cpu_user_regs *regs, unsigned int n, unsigned int size,
		      bool rex);

/*
 * Writes GPR n at `size` bytes as the hardware does: 1- and 2-byte writes
 * keep the rest of the register, 4-byte writes zero-extend (SDM vol. 1,
 * 3.4.1.1).  `rex` as for x86_gpr_read.
 */
void x86_gpr_write(struct cpu_user_regs *regs, unsigned int n, unsigned int size, bool rex,
		   uint64_t val);

#endif /* HYPERVISOR_COMMON_X86_INSN_H */
