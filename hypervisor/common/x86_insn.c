/*
 * hypervisor/common/x86_insn.c - fetching and decoding the generic parts
 * of one x86-64 instruction (contract in x86_insn.h).
 *
 * Owns: nothing beyond the caller's `struct x86_insn`.  The order of calls
 * is the order of the encoding: prefixes, opcode (the caller's), ModRM,
 * SIB and displacement, immediates (the caller's, through next_imm), and
 * only then the linear address, because rip-relative addressing counts
 * from the end of the instruction.
 */
#include "hypervisor/common/x86_insn.h"

#include "lib/compiler.h"
#include "lib/types.h"

#define REX_W 0x8
#define REX_R 0x4
#define REX_X 0x2
#define REX_B 0x1

void x86_insn_init(struct x86_insn *insn, uint64_t start, x86_insn_fetch_fn fetch, void *ctx)
{
	*insn = (struct x86_insn){.fetch = fetch, .ctx = ctx, .start = start};
}

/*
 * Fetches the next run of instruction bytes: up to the 15-byte limit, but
 * not past the end of the page holding the first missing byte, so bytes
 * the instruction may never need cannot fault.
 */
static bool fetch_more(struct x86_insn *insn)
{
	uint64_t va = insn->start + insn->fetched;
	unsigned int n = MIN(X86_INSN_MAX_LEN - insn->fetched, PAGE_SIZE - (va & ~PAGE_MASK));
	uint32_t pfec = 0;

	if (insn->fetch(insn->ctx, va, insn->bytes + insn->fetched, n, &pfec)) {
		insn->error = X86_INSN_FETCH_FAULT;
		insn->fault_va = va;
		insn->pfec = pfec;
		return false;
	}
	insn->fetched += n;
	return true;
}

bool x86_insn_next_byte(struct x86_insn *insn, uint8_t *b)
{
	if (insn->len == X86_INSN_MAX_LEN) {
		insn->error = X86_INSN_TOO_LONG;
		return false;
	}
	if (insn->len == insn->fetched && !fetch_more(insn))
		return false;
	*b = insn->bytes[insn->len++];
	return true;
}

bool x86_insn_next_imm(struct x86_insn *insn, unsigned int n, uint64_t *val)
{
	uint64_t v = 0;
	unsigned int i;
	uint8_t b;

	for (i = 0; i < n; i++) {
		if (!x86_insn_next_byte(insn, &b))
			return false;
		v |= (uint64_t)b << (8 * i);
	}
	if (n < 8)
		v = (uint64_t)((int64_t)(v << (64 - 8 * n)) >> (64 - 8 * n));
	*val = v;
	return true;
}

/* Records legacy prefix b; false if b is not one. */
static bool legacy_prefix(struct x86_insn *insn, uint8_t b)
{
	switch (b) {
	case 0x66:
		insn->opsize = true;
		return true;
	case 0x67:
		insn->addrsize = true;
		return true;
	case 0xf0:
		insn->lock = true;
		return true;
	case 0xf2:
	case 0xf3:
		insn->rep = true;
		return true;
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e:
		insn->seg = X86_SEG_NONE; /* the last override wins, even one without a base */
		return true;
	case 0x64:
		insn->seg = X86_SEG_FS;
		return true;
	case 0x65:
		insn->seg = X86_SEG_GS;
		return true;
	default:
		return false;
	}
}

bool x86_insn_prefixes(struct x86_insn *insn, uint8_t *op)
{
	uint8_t b;

	for (;;) {
		if (!x86_insn_next_byte(insn, &b))
			return false;
		if (legacy_prefix(insn, b)) {
			insn->rex = 0; /* REX counts only right before the opcode */
		} else if ((b & 0xf0) == 0x40) {
			insn->rex = b; /* a later REX replaces it */
		} else {
			*op = b;
			return true;
		}
	}
}

unsigned int x86_insn_op_size(const struct x86_insn *insn, uint8_t op)
{
	if (!(op & 1))
		return 1;
	if (insn->rex & REX_W)
		return 8;
	return insn->opsize ? 2 : 4;
}

bool x86_insn_modrm(struct x86_insn *insn)
{
	uint8_t modrm;

	if (!x86_insn_next_byte(insn, &modrm))
		return false;
	insn->mod = modrm >> 6;
	insn->reg = ((modrm >> 3) & 7) | (insn->rex & REX_R ? 8 : 0);
	insn->rm = (modrm & 7) | (insn->rex & REX_B ? 8 : 0);
	return true;
}

/*
 * The special encodings look at the 3-bit fields before REX extends them:
 * rm 100 means a SIB follows even for r12, rm 101 with mod 00 is rip-
 * relative even for r13, and a SIB base of 101 with mod 00 is "disp32, no
 * base" for r13 too.  A SIB index of 100 is "no index" only without REX.X
 * (r12 may be an index).  The displacement is 8 bits with mod 01 and 32
 * with mod 10, sign-extended.
 */
bool x86_insn_memory(struct x86_insn *insn, const struct cpu_user_regs *regs)
{
	unsigned int index, disp_bytes = 0;
	uint64_t ea = 0, disp = 0;
	uint8_t sib;

	if (insn->mod == 3) {
		insn->error = X86_INSN_NOT_MEMORY;
		return false;
	}
	if ((insn->rm & 7) == 4) {
		if (!x86_insn_next_byte(insn, &sib))
			return false;
		index = ((sib >> 3) & 7) | (insn->rex & REX_X ? 8 : 0);
		if (index != 4)
			ea = x86_gpr_read(regs, index, 8, true) << (sib >> 6);
		if ((sib & 7) == 5 && insn->mod == 0)
			disp_bytes = 4;
		else
			ea += x86_gpr_read(regs, (sib & 7) | (insn->rex & REX_B ? 8 : 0), 8, true);
	} else if ((insn->rm & 7) == 5 && insn->mod == 0) {
		insn->rip_rel = true;
		disp_bytes = 4;
	} else {
		ea = x86_gpr_read(regs, insn->rm, 8, true);
	}
	if (insn->mod == 1)
		disp_bytes = 1;
	else if (insn->mod == 2)
		disp_bytes = 4;
	if (disp_bytes && !x86_insn_next_imm(insn, disp_bytes, &disp))
		return false;
	insn->ea = ea + disp;
	return true;
}

/* With 67 the effective address wraps at 4 GiB before the base is added (SDM vol. 1, 3.3.7). */
uint64_t x86_insn_linear(const struct x86_insn *insn, uint64_t seg_base)
{
	uint64_t ea = insn->ea;

	if (insn->rip_rel)
		ea += insn->start + insn->len;
	if (insn->addrsize)
		ea = (uint32_t)ea;
	return seg_base + ea;
}

uint64_t x86_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* Byte offset of GPR n (0-15) in the frame, in encoding order. */
static size_t gpr_offset(unsigned int n)
{
#define GPR(r) offsetof(struct cpu_user_regs, r)
	static const size_t offset[16] = {
	    GPR(rax), GPR(rcx), GPR(rdx), GPR(rbx), GPR(rsp), GPR(rbp), GPR(rsi), GPR(rdi),
	    GPR(r8),  GPR(r9),	GPR(r10), GPR(r11), GPR(r12), GPR(r13), GPR(r14), GPR(r15),
	};
#undef GPR

	return offset[n & 15];
}

/* Byte registers 4-7 without REX are the second bytes of registers 0-3. */
static bool high_byte(unsigned int n, unsigned int size, bool rex)
{
	return size == 1 && !rex && n >= 4 && n < 8;
}

uint64_t x86_gpr_read(const struct cpu_user_regs *regs, unsigned int n, unsigned int size, bool rex)
{
	const uint64_t *r;

	if (high_byte(n, size, rex)) {
		r = (const uint64_t *)((const char *)regs + gpr_offset(n - 4));
		return (*r >> 8) & 0xff;
	}
	r = (const uint64_t *)((const char *)regs + gpr_offset(n));
	return *r & x86_size_mask(size);
}

void x86_gpr_write(struct cpu_user_regs *regs, unsigned int n, unsigned int size, bool rex,
		   uint64_t val)
{
	bool high = high_byte(n, size, rex);
	uint64_t *r = (uint64_t *)((char *)regs + gpr_offset(high ? n - 4 : n));
	uint64_t mask = x86_size_mask(size);

	if (high)
		*r = (*r & ~0xff00ull) | ((val & 0xff) << 8);
	else if (size >= 4)
		*r = val & mask;
	else
		*r = (*r & ~mask) | (val & mask);
}
