/*
 * hypervisor/common/pv_ptwr.c - decode and emulate a PV guest's write to
 * one of its L1 page tables (contract in pv_ptwr.h).
 *
 * Owns: nothing beyond one call.  A `struct ptwr` lives on the stack for
 * the duration of pv_ptwr_emulate(): the instruction bytes, the prefixes,
 * what was decoded, and the one register write the instruction owes.
 *
 * The flow is decode, locate, execute, commit:
 *   decode()          - prefixes, then a flat switch on the opcode; each
 *                       decode_* fills in the operation, the operand size,
 *                       the source value and the memory operand;
 *   linear_address()  - rip-relative term, 67 wrap, fs/gs base;
 *   execute()         - read_pte, compute the entry, write_pte;
 *   commit()          - only now are regs written, so every other result
 *                       leaves them as they were.
 *
 * All decode failures mean the same thing (PV_PTWR_UNHANDLED: the guest
 * gets its #PF), so the decoders simply return false.
 *
 * Every write, whatever the instruction, becomes read_pte(old) then
 * write_pte(old, new) with write_pte acting as a compare-and-exchange.
 * That makes locked and unlocked read-modify-write instructions alike
 * atomic against other vCPUs, and a narrow write cannot lose a concurrent
 * update to the rest of the entry.
 */
#include "hypervisor/common/pv_ptwr.h"

#include <stdbool.h>

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/types.h"

#define MAX_INSN_LEN 15 /* SDM vol. 2, 2.3.11 */
#define PTE_SIZE     8ull

#define RFLAGS_CF    (1ull << 0)
#define RFLAGS_PF    (1ull << 2)
#define RFLAGS_AF    (1ull << 4)
#define RFLAGS_ZF    (1ull << 6)
#define RFLAGS_SF    (1ull << 7)
#define RFLAGS_OF    (1ull << 11)
#define RFLAGS_RF    (1ull << 16)
#define RFLAGS_ARITH (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)

#define REX_W 0x8
#define REX_R 0x4
#define REX_X 0x2
#define REX_B 0x1

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

/* Which base a segment override adds; es/cs/ss/ds have none in 64-bit mode. */
enum seg_override {
	SEG_NONE,
	SEG_FS,
	SEG_GS,
};

struct ptwr {
	struct cpu_user_regs *regs;
	const struct pv_ptwr_ops *ops;
	void *ctx;

	uint8_t bytes[MAX_INSN_LEN]; /* fetched from regs->rip on */
	unsigned int fetched;	     /* valid bytes in bytes[] */
	unsigned int len;	     /* bytes consumed by the decoder */

	bool opsize;   /* 66 */
	bool addrsize; /* 67 */
	bool lock;     /* f0 */
	bool rep;      /* f2 or f3 */
	enum seg_override seg;
	uint8_t rex; /* 0 or 0x40-0x4f, only when it directly precedes the opcode */

	enum kind kind;
	enum alu_op alu;   /* K_ALU */
	unsigned int size; /* operand size in bytes: 1, 2, 4 or 8 */
	unsigned int reg;  /* the register operand (ModRM.reg + REX.R; 0 for moffs) */
	uint64_t src;	   /* the register or immediate source, masked to size */
	uint64_t ea;	   /* effective address, before the rip term and the 67 wrap */
	bool rip_rel;	   /* ea is relative to the end of the instruction */

	/* The register write the instruction owes, made by commit(). */
	bool wb;
	unsigned int wb_reg;
	uint64_t wb_val;
};

/* ---------------------------------------------------------------------------
 * Instruction bytes.
 */

/* Fetches up to the 15-byte limit, but not past the end of the page holding the next byte. */
static bool fetch_more(struct ptwr *p)
{
	uint64_t va = p->regs->rip + p->fetched;
	unsigned int n = MIN(MAX_INSN_LEN - p->fetched, PAGE_SIZE - (va & ~PAGE_MASK));

	if (p->ops->fetch(p->ctx, va, p->bytes + p->fetched, n))
		return false;
	p->fetched += n;
	return true;
}

/* The next instruction byte; false past 15 bytes or if it cannot be fetched. */
static bool next_byte(struct ptwr *p, uint8_t *b)
{
	if (p->len == MAX_INSN_LEN)
		return false;
	if (p->len == p->fetched && !fetch_more(p))
		return false;
	*b = p->bytes[p->len++];
	return true;
}

/* An n-byte little-endian immediate or displacement, sign-extended to 64 bits. */
static bool next_imm(struct ptwr *p, unsigned int n, uint64_t *val)
{
	uint64_t v = 0;
	unsigned int i;
	uint8_t b;

	for (i = 0; i < n; i++) {
		if (!next_byte(p, &b))
			return false;
		v |= (uint64_t)b << (8 * i);
	}
	if (n < 8)
		v = (uint64_t)((int64_t)(v << (64 - 8 * n)) >> (64 - 8 * n));
	*val = v;
	return true;
}

/* ---------------------------------------------------------------------------
 * Registers.
 */

static uint64_t size_mask(unsigned int size)
{
	return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* GPR number n (0-15, the ModRM/REX encoding) in the frame. */
static uint64_t *gpr(struct cpu_user_regs *regs, unsigned int n)
{
#define GPR(r) offsetof(struct cpu_user_regs, r)
	static const size_t offset[16] = {
	    GPR(rax), GPR(rcx), GPR(rdx), GPR(rbx), GPR(rsp), GPR(rbp), GPR(rsi), GPR(rdi),
	    GPR(r8),  GPR(r9),	GPR(r10), GPR(r11), GPR(r12), GPR(r13), GPR(r14), GPR(r15),
	};
#undef GPR

	return (uint64_t *)((char *)regs + offset[n & 15]);
}

/*
 * Byte registers 4-7 are ah/ch/dh/bh unless the instruction has a REX
 * prefix, which turns them into spl/bpl/sil/dil (SDM vol. 1, 3.4.1.1).
 */
static bool high_byte(const struct ptwr *p, unsigned int n)
{
	return p->size == 1 && !p->rex && n >= 4 && n < 8;
}

/* Register n at the operand size. */
static uint64_t read_reg(const struct ptwr *p, unsigned int n)
{
	if (high_byte(p, n))
		return (*gpr(p->regs, n - 4) >> 8) & 0xff;
	return *gpr(p->regs, n) & size_mask(p->size);
}

/*
 * Writes register n at the operand size: 8- and 16-bit writes keep the
 * rest of the register, 32-bit writes zero-extend (SDM vol. 1, 3.4.1.1).
 */
static void write_reg(struct ptwr *p, unsigned int n, uint64_t val)
{
	uint64_t *r = gpr(p->regs, high_byte(p, n) ? n - 4 : n);
	uint64_t mask = size_mask(p->size);

	if (high_byte(p, n))
		*r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
	else if (p->size >= 4)
		*r = val & mask;
	else
		*r = (*r & ~mask) | (val & mask);
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
		r = (a + b + c) & size_mask(size);
		carries = (a & b) | ((a | b) & ~r);
		overflow = (a ^ r) & (b ^ r);
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
		r = (a - b - c) & size_mask(size);
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

/* Legacy and REX prefixes, up to the opcode byte (returned in *op). */
static bool decode_prefixes(struct ptwr *p, uint8_t *op)
{
	uint8_t b;

	for (;;) {
		if (!next_byte(p, &b))
			return false;
		switch (b) {
		case 0x66:
			p->opsize = true;
			break;
		case 0x67:
			p->addrsize = true;
			break;
		case 0xf0:
			p->lock = true;
			break;
		case 0xf2:
		case 0xf3:
			p->rep = true;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			p->seg = SEG_NONE; /* the last override wins */
			break;
		case 0x64:
			p->seg = SEG_FS;
			break;
		case 0x65:
			p->seg = SEG_GS;
			break;
		default:
			if ((b & 0xf0) == 0x40) {
				p->rex = b; /* a later REX replaces it */
				continue;
			}
			*op = b;
			return true;
		}
		/* REX counts only right before the opcode: a legacy prefix after it voids it. */
		p->rex = 0;
	}
}

/* Operand size: even opcodes are byte forms; otherwise REX.W beats 66 beats the default 4. */
static unsigned int op_size(const struct ptwr *p, uint8_t op)
{
	if (!(op & 1))
		return 1;
	if (p->rex & REX_W)
		return 8;
	return p->opsize ? 2 : 4;
}

/*
 * ModRM, then SIB and displacement (SDM vol. 2, tables 2-2 and 2-3, and
 * 2.2.1 for 64-bit mode): fills p->reg and the memory operand.  A register
 * destination (mod 3) writes no memory, so it cannot be the faulting write.
 * The special encodings look at the 3-bit fields before REX.B: rm 100 is a
 * SIB even for r12, rm 101 with mod 00 is rip-relative even with REX.B,
 * and a SIB base of 101 with mod 00 means "disp32, no base" for r13 too.
 * An index of 100 is "none" only without REX.X (r12 may be an index).
 */
static bool decode_modrm(struct ptwr *p)
{
	unsigned int mod, rm, index, disp_bytes = 0;
	uint64_t ea = 0, disp = 0;
	uint8_t modrm, sib;

	if (!next_byte(p, &modrm))
		return false;
	mod = modrm >> 6;
	rm = modrm & 7;
	p->reg = ((modrm >> 3) & 7) | (p->rex & REX_R ? 8 : 0);
	if (mod == 3)
		return false;

	if (rm == 4) {
		if (!next_byte(p, &sib))
			return false;
		index = ((sib >> 3) & 7) | (p->rex & REX_X ? 8 : 0);
		if (index != 4)
			ea = *gpr(p->regs, index) << (sib >> 6);
		if ((sib & 7) == 5 && mod == 0)
			disp_bytes = 4;
		else
			ea += *gpr(p->regs, (sib & 7) | (p->rex & REX_B ? 8 : 0));
	} else if (rm == 5 && mod == 0) {
		p->rip_rel = true;
		disp_bytes = 4;
	} else {
		ea = *gpr(p->regs, rm | (p->rex & REX_B ? 8 : 0));
	}
	if (mod == 1)
		disp_bytes = 1;
	else if (mod == 2)
		disp_bytes = 4;
	if (disp_bytes && !next_imm(p, disp_bytes, &disp))
		return false;
	p->ea = ea + disp;
	return true;
}

/* 88/89 mov, 86/87 xchg, 0f b0/b1 cmpxchg, 00-31 ALU: r/m destination, register source. */
static bool decode_reg_form(struct ptwr *p, uint8_t op, enum kind kind)
{
	p->kind = kind;
	p->size = op_size(p, op);
	if (!decode_modrm(p))
		return false;
	p->src = read_reg(p, p->reg);
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
	p->size = op_size(p, op);
	if (!decode_modrm(p))
		return false;
	p->alu = (enum alu_op)(p->reg & 7);
	if (p->alu == ALU_CMP)
		return false;
	imm_bytes = op == 0x81 ? MIN(p->size, 4u) : 1;
	if (!next_imm(p, imm_bytes, &p->src))
		return false;
	p->src &= size_mask(p->size);
	return true;
}

/* c6 /0 ib, c7 /0 iw/id: mov r/m, imm (imm32 sign-extended for 64 bits); /1-/7 are not movs. */
static bool decode_mov_imm(struct ptwr *p, uint8_t op)
{
	p->kind = K_MOV;
	p->size = op_size(p, op);
	if (!decode_modrm(p) || (p->reg & 7) != 0)
		return false;
	if (!next_imm(p, MIN(p->size, 4u), &p->src))
		return false;
	p->src &= size_mask(p->size);
	return true;
}

/*
 * a2/a3: mov moffs, al/ax/eax/rax.  The offset is 8 bytes, or 4 with 67
 * (SDM vol. 2, 2.2.1.4); there is no ModRM.
 */
static bool decode_moffs(struct ptwr *p, uint8_t op)
{
	p->kind = K_MOV;
	p->size = op_size(p, op);
	p->reg = 0;
	if (!next_imm(p, p->addrsize ? 4 : 8, &p->ea))
		return false;
	p->src = read_reg(p, 0);
	return true;
}

/* Two-byte opcodes: cmpxchg, and movnti (0f c3, 32 or 64 bits; 66 is #UD for it). */
static bool decode_0f(struct ptwr *p)
{
	uint8_t op;

	if (!next_byte(p, &op))
		return false;
	switch (op) {
	case 0xb0:
	case 0xb1:
		return decode_reg_form(p, op, K_CMPXCHG);
	case 0xc3:
		/* 66 is excluded, so op_size() gives 4 or (REX.W) 8. */
		return !p->opsize && decode_reg_form(p, op, K_MOV);
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

	if (!decode_prefixes(p, &op) || p->rep)
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
	return ok && (!p->lock || p->kind != K_MOV);
}

/*
 * The linear address of the memory operand.  rip-relative addressing
 * counts from the end of the instruction, so this runs after decoding.
 * With 67 the effective address wraps at 4 GiB before the fs/gs base is
 * added (SDM vol. 1, 3.3.7).
 */
static bool linear_address(struct ptwr *p, uint64_t *la)
{
	uint64_t ea = p->ea, base = 0;

	if (p->rip_rel)
		ea += p->regs->rip + p->len;
	if (p->addrsize)
		ea = (uint32_t)ea;
	if (p->seg != SEG_NONE &&
	    (!p->ops->seg_base ||
	     p->ops->seg_base(p->ctx, p->seg == SEG_FS ? PV_EMUL_SEG_FS : PV_EMUL_SEG_GS, &base)))
		return false;
	*la = base + ea;
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
	uint64_t pte_va = la & ~(PTE_SIZE - 1), mask = size_mask(p->size);
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
		p->wb_reg = p->reg;
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
	p->regs->rip += p->len;
}

enum pv_ptwr_result pv_ptwr_emulate(struct cpu_user_regs *regs, uint64_t fault_addr,
				    const struct pv_ptwr_ops *ops, void *ctx)
{
	struct ptwr p = {.regs = regs, .ops = ops, .ctx = ctx};
	uint64_t la, rflags = regs->rflags;
	enum pv_ptwr_result r;

	if (!ops->fetch || !ops->read_pte || !ops->write_pte)
		return PV_PTWR_UNHANDLED;
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
