/*
 * hypervisor/common/pv_ptwr.c - decode and emulate a PV guest's write to
 * one of its L1 page tables (contract in pv_ptwr.h).
 *
 * Owns: nothing beyond one call.  A `struct ptwr` lives on the stack for
 * the duration of pv_ptwr_emulate(): the decoder's state (x86_insn.h: the
 * instruction bytes, the prefixes, ModRM and the memory operand), what
 * the opcode means, and the one register write the instruction owes.
 *
 * The flow is decode, locate, execute, commit:
 *   decode()          - prefixes, then a flat switch on the opcode; each
 *                       decode_* fills in the operation, the operand size,
 *                       the source value and the memory operand;
 *   linear_address()  - the fs/gs base, then x86_insn_linear();
 *   execute()         - read_pte, compute the entry, write_pte;
 *   commit()          - only now are regs written, so every other result
 *                       leaves them as they were.
 *
 * All decode failures mean the same thing (PV_PTWR_UNHANDLED: the guest
 * gets its #PF), so the decoders simply return false, whatever
 * x86_insn.c's reason.
 *
 * Every write, whatever the instruction, becomes read_pte(old) then
 * write_pte(old, new) with write_pte acting as a compare-and-exchange.
 * That makes locked and unlocked read-modify-write instructions alike
 * atomic against other vCPUs, and a narrow write cannot lose a concurrent
 * update to the rest of the entry.
 */
#include "hypervisor/common/pv_ptwr.h"

#include <stdbool.h>

#include "hypervisor/common/x86_insn.h"
#include "lib/compiler.h"
#include "lib/errno.h"

#define PTE_SIZE 8ull

#define RFLAGS_CF    (1ull << 0)
#define RFLAGS_PF    (1ull << 2)
#define RFLAGS_AF    (1ull << 4)
#define RFLAGS_ZF    (1ull << 6)
#define RFLAGS_SF    (1ull << 7)
#define RFLAGS_OF    (1ull << 11)
#define RFLAGS_RF    (1ull << 16)
#define RFLAGS_ARITH (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)

/* The ALU operations, numbered as opcode bits 5:3 (00-3f) and as ModRM.reg of 80/81/83. */
enum alu_op {
	ALU_ADD,
	ALU_OR,
	ALU_ADC,
	ALU_SBB,
	ALU_AND,
	ALU_SUB,
	ALU_XOR,
	ALU_CMP, /* writes nothing: never a ptwr fault */
};

/* What the instruction does with its memory operand. */
enum kind {
	K_MOV,	   /* mov, movnti: store src */
	K_XCHG,	   /* store src, old value to the register */
	K_CMPXCHG, /* compare with the accumulator, then store src or load the accumulator */
	K_ALU,	   /* store (old op src), set the arithmetic flags */
};

struct ptwr {
	struct cpu_user_regs *regs;
	const struct pv_ptwr_ops *ops;
	void *ctx;

	/* From regs->rip; insn.reg is the register operand (0, the accumulator, for moffs). */
	struct x86_insn insn;

	enum kind kind;
	enum alu_op alu;   /* K_ALU */
	unsigned int size; /* operand size in bytes: 1, 2, 4 or 8 */
	uint64_t src;	   /* the register or immediate source, masked to size */

	/* The register write the instruction owes, made by commit(). */
	bool wb;
	unsigned int wb_reg;
	uint64_t wb_val;
};

/* ---------------------------------------------------------------------------
 * Instruction bytes and registers.
 */

/* x86_insn's fetch hook over ours, which has no error code (a failure is never the guest's #PF). */
static int fetch_insn(void *ctx, uint64_t va, void *buf, unsigned int n, uint32_t *pfec)
{
	const struct ptwr *p = ctx;

	return p->ops->fetch(p->ctx, va, buf, n);
}

/* Register n at the operand size. */
static uint64_t read_reg(const struct ptwr *p, unsigned int n)
{
	return x86_gpr_read(p->regs, n, p->size, p->insn.rex != 0);
}

/* Writes register n at the operand size, as the hardware would. */
static void write_reg(struct ptwr *p, unsigned int n, uint64_t val)
{
	x86_gpr_write(p->regs, n, p->size, p->insn.rex != 0, val);
}

/* ---------------------------------------------------------------------------
 * Arithmetic: results and flags as the SDM defines them for each opcode.
 */

static bool msb(uint64_t x, unsigned int size)
{
	return (x >> (8 * size - 1)) & 1;
}

/* PF: set when the low byte of the result has an even number of ones. */
static bool even_parity(uint8_t v)
{
	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return !(v & 1);
}

/*
 * a op b at `size` bytes (a and b already masked); sets CF, PF, AF, ZF, SF
 * and OF in *rflags.  The carry out of the top bit (CF) and of bit 3 (AF)
 * are read off the per-bit carry (borrow) vector, which for r = a + b + c
 * is (a & b) | ((a | b) & ~r), and for r = a - b - c is
 * (~a & b) | ((~a | b) & r); AF's is simply bit 4 of a ^ b ^ r.  Overflow
 * is a sign change the operands' signs do not allow.  and/or/xor clear CF
 * and OF; AF is undefined for them and cleared here.
 */
static uint64_t alu(enum alu_op op, uint64_t a, uint64_t b, unsigned int size, uint64_t *rflags)
{
	uint64_t c = (op == ALU_ADC || op == ALU_SBB) ? (*rflags & RFLAGS_CF) : 0;
	uint64_t r, carries = 0, overflow = 0, fl = 0;
	bool arith = true;

	switch (op) {
	case ALU_ADD:
	case ALU_ADC:
		r = (a + b + c) & x86_size_mask(size);
		carries = (a & b) | ((a | b) & ~r);
		overflow = (a ^ r) & (b ^ r);
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
		r = (a - b - c) & x86_size_mask(size);
		carries = (~a & b) | ((~a | b) & r);
		overflow = (a ^ b) & (a ^ r);
		break;
	case ALU_OR:
		r = a | b;
		arith = false;
		break;
	case ALU_AND:
		r = a & b;
		arith = false;
		break;
	default: /* ALU_XOR */
		r = a ^ b;
		arith = false;
		break;
	}
	if (msb(carries, size))
		fl |= RFLAGS_CF;
	if (msb(overflow, size))
		fl |= RFLAGS_OF;
	if (arith && ((a ^ b ^ r) & 0x10))
		fl |= RFLAGS_AF;
	if (r == 0)
		fl |= RFLAGS_ZF;
	if (msb(r, size))
		fl |= RFLAGS_SF;
	if (even_parity((uint8_t)r))
		fl |= RFLAGS_PF;
	*rflags = (*rflags & ~RFLAGS_ARITH) | fl;
	return r;
}

/* ---------------------------------------------------------------------------
 * Decoding.
 */

/*
 * ModRM and its memory operand.  A register destination (mod 3) writes no
 * memory, so it cannot be the faulting write.
 */
static bool decode_modrm(struct ptwr *p)
{
	return x86_insn_modrm(&p->insn) && x86_insn_memory(&p->insn, p->regs);
}

/* 88/89 mov, 86/87 xchg, 0f b0/b1 cmpxchg, 00-31 ALU: r/m destination, register source. */
static bool decode_reg_form(struct ptwr *p, uint8_t op, enum kind kind)
{
	p->kind = kind;
	p->size = x86_insn_op_size(&p->insn, op);
	if (!decode_modrm(p))
		return false;
	p->src = read_reg(p, p->insn.reg);
	return true;
}

/*
 * 80 /n ib, 81 /n iw/id, 83 /n ib: ALU r/m, imm.  The immediate is sign-
 * extended to the operand size (81's imm32 too, for 64 bits).  REX.R does
 * not extend an opcode-extension field.
 */
static bool decode_alu_imm(struct ptwr *p, uint8_t op)
{
	unsigned int imm_bytes;

	p->kind = K_ALU;
	p->size = x86_insn_op_size(&p->insn, op);
	if (!decode_modrm(p))
		return false;
	p->alu = (enum alu_op)(p->insn.reg & 7);
	if (p->alu == ALU_CMP)
		return false;
	imm_bytes = op == 0x81 ? MIN(p->size, 4u) : 1;
	if (!x86_insn_next_imm(&p->insn, imm_bytes, &p->src))
		return false;
	p->src &= x86_size_mask(p->size);
	return true;
}

/* c6 /0 ib, c7 /0 iw/id: mov r/m, imm (imm32 sign-extended for 64 bits); /1-/7 are not movs. */
static bool decode_mov_imm(struct ptwr *p, uint8_t op)
{
	p->kind = K_MOV;
	p->size = x86_insn_op_size(&p->insn, op);
	if (!decode_modrm(p) || (p->insn.reg & 7) != 0)
		return false;
	if (!x86_insn_next_imm(&p->insn, MIN(p->size, 4u), &p->src))
		return false;
	p->src &= x86_size_mask(p->size);
	return true;
}

/*
 * a2/a3: mov moffs, al/ax/eax/rax.  The offset is 8 bytes, or 4 with 67
 * (SDM vol. 2, 2.2.1.4); there is no ModRM.
 */
static bool decode_moffs(struct ptwr *p, uint8_t op)
{
	p->kind = K_MOV;
	p->size = x86_insn_op_size(&p->insn, op);
	p->insn.reg = 0;
	if (!x86_insn_next_imm(&p->insn, p->insn.addrsize ? 4 : 8, &p->insn.ea))
		return false;
	p->src = read_reg(p, 0);
	return true;
}

/* Two-byte opcodes: cmpxchg, and movnti (0f c3, 32 or 64 bits; 66 is #UD for it). */
static bool decode_0f(struct ptwr *p)
{
	uint8_t op;

	if (!x86_insn_next_byte(&p->insn, &op))
		return false;
	switch (op) {
	case 0xb0:
	case 0xb1:
		return decode_reg_form(p, op, K_CMPXCHG);
	case 0xc3:
		/* 66 is excluded, so x86_insn_op_size() gives 4 or (REX.W) 8. */
		return !p->insn.opsize && decode_reg_form(p, op, K_MOV);
	default:
		return false;
	}
}

/*
 * The whole instruction.  lock is valid only on the read-modify-write
 * instructions with a memory destination (SDM vol. 2, LOCK); on a mov it
 * would have been #UD, not this #PF.
 */
static bool decode(struct ptwr *p)
{
	uint8_t op;
	bool ok;

	if (!x86_insn_prefixes(&p->insn, &op) || p->insn.rep)
		return false;
	switch (op) {
	case 0x0f:
		ok = decode_0f(p);
		break;
	case 0x80:
	case 0x81:
	case 0x83:
		ok = decode_alu_imm(p, op);
		break;
	case 0x86:
	case 0x87:
		ok = decode_reg_form(p, op, K_XCHG);
		break;
	case 0x88:
	case 0x89:
		ok = decode_reg_form(p, op, K_MOV);
		break;
	case 0xa2:
	case 0xa3:
		ok = decode_moffs(p, op);
		break;
	case 0xc6:
	case 0xc7:
		ok = decode_mov_imm(p, op);
		break;
	default:
		/* 00/01, 08/09, ... 30/31: ALU r/m, reg; the 38/39 cmp writes nothing. */
		if (op >= 0x40 || (op & 6) || (op >> 3) == ALU_CMP)
			return false;
		p->alu = (enum alu_op)(op >> 3);
		ok = decode_reg_form(p, op, K_ALU);
		break;
	}
	return ok && (!p->insn.lock || p->kind != K_MOV);
}

/*
 * The linear address of the memory operand, once the whole instruction is
 * decoded (rip-relative addressing counts from its end).  An fs/gs
 * override needs seg_base; without it, or if it fails, not ours.
 */
static bool linear_address(struct ptwr *p, uint64_t *la)
{
	enum x86_seg seg = p->insn.seg;
	uint64_t base = 0;

	if (seg != X86_SEG_NONE &&
	    (!p->ops->seg_base ||
	     p->ops->seg_base(p->ctx, seg == X86_SEG_FS ? PV_EMUL_SEG_FS : PV_EMUL_SEG_GS, &base)))
		return false;
	*la = x86_insn_linear(&p->insn, base);
	return true;
}

/* ---------------------------------------------------------------------------
 * Execution.
 */

/*
 * Carries out the decoded write at linear address la, inside one entry.
 * The instruction's view of memory is the `size` bytes of the entry at
 * la; the entry written back is the old one with those bytes replaced.
 * Register and flag results are only recorded here (p->wb, *rflags).
 */
static enum pv_ptwr_result execute(struct ptwr *p, uint64_t la, uint64_t *rflags)
{
	uint64_t pte_va = la & ~(PTE_SIZE - 1), mask = x86_size_mask(p->size);
	unsigned int shift = 8 * (unsigned int)(la & (PTE_SIZE - 1));
	uint64_t old, cur, val, acc;
	int rc;

	if (p->ops->read_pte(p->ctx, pte_va, &old))
		return PV_PTWR_UNHANDLED;
	cur = (old >> shift) & mask;

	switch (p->kind) {
	case K_MOV:
		val = p->src;
		break;
	case K_XCHG:
		val = p->src;
		p->wb = true;
		p->wb_reg = p->insn.reg;
		p->wb_val = cur;
		break;
	case K_CMPXCHG:
		/* Flags as for cmp accumulator, destination (SDM vol. 2, CMPXCHG). */
		acc = read_reg(p, 0);
		alu(ALU_CMP, acc, cur, p->size, rflags);
		if (acc != cur) {
			/* Failure loads the accumulator; the entry is left as it is. */
			p->wb = true;
			p->wb_reg = 0;
			p->wb_val = cur;
			return PV_PTWR_DONE;
		}
		val = p->src;
		break;
	default: /* K_ALU */
		val = alu(p->alu, cur, p->src, p->size, rflags);
		break;
	}

	rc = p->ops->write_pte(p->ctx, pte_va, old, (old & ~(mask << shift)) | (val << shift));
	if (rc == -EAGAIN)
		return PV_PTWR_RETRY;
	return rc ? PV_PTWR_REFUSED : PV_PTWR_DONE;
}

/* The instruction retired: its register write, its flags, rip past it, RF clear. */
static void commit(struct ptwr *p, uint64_t rflags)
{
	if (p->wb)
		write_reg(p, p->wb_reg, p->wb_val);
	p->regs->rflags = rflags & ~RFLAGS_RF;
	p->regs->rip += p->insn.len;
}

enum pv_ptwr_result pv_ptwr_emulate(struct cpu_user_regs *regs, uint64_t fault_addr,
				    const struct pv_ptwr_ops *ops, void *ctx)
{
	struct ptwr p = {.regs = regs, .ops = ops, .ctx = ctx};
	uint64_t la, rflags = regs->rflags;
	enum pv_ptwr_result r;

	if (!ops->fetch || !ops->read_pte || !ops->write_pte)
		return PV_PTWR_UNHANDLED;
	x86_insn_init(&p.insn, regs->rip, fetch_insn, &p);
	if (!decode(&p) || !linear_address(&p, &la))
		return PV_PTWR_UNHANDLED;
	/* Across two entries, or not the entry that faulted: not this write. */
	if ((la & (PTE_SIZE - 1)) + p.size > PTE_SIZE || ((la ^ fault_addr) & ~(PTE_SIZE - 1)))
		return PV_PTWR_UNHANDLED;

	r = execute(&p, la, &rflags);
	if (r == PV_PTWR_DONE)
		commit(&p, rflags);
	return r;
}
