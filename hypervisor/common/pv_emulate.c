/*
 * hypervisor/common/pv_emulate.c - decode and emulate the privileged
 * instructions of a 64-bit PV guest (contract in pv_emulate.h).
 *
 * Owns: nothing beyond one call.  A `struct emul` lives on the stack for
 * the duration of pv_emulate(): the decoder's state (x86_insn.h: the
 * instruction bytes fetched so far, the prefixes seen), and the caller's
 * frame, ops and outcome.
 *
 * The flow is dispatch, decode, work:
 *   pv_emulate()    - picks the path by trap (#UD: forced-emulation prefix
 *                     first; #GP: straight to decoding), then commits rip;
 *   decode_and_run()- prefixes, opcode, and a flat switch of one-line
 *                     calls, one per instruction family;
 *   emul_*()        - each does one family against the ops table.
 *
 * Instruction bytes come through x86_insn.c, which fetches them lazily,
 * never past the 15-byte limit and never across a page boundary in one
 * op call, so an instruction that ends just before an unmapped page does
 * not fault on bytes it does not have.  Here a failed fetch becomes #PF
 * and a 16th byte #GP(0) (insn_fault()).
 *
 * Inside this file the workers return PV_EMUL_DONE to mean "carry on";
 * only pv_emulate() turns it into the "emulated" answer.
 */
#include "hypervisor/common/pv_emulate.h"

#include "hypervisor/common/x86_insn.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/types.h"

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_RF (1ull << 16)

/* ud2a, then the bytes "xen": what Xen guests put before a cpuid to have it emulated. */
static const uint8_t forced_prefix[] = {0x0f, 0x0b, 'x', 'e', 'n'};

struct emul {
	struct cpu_user_regs *regs;
	const struct pv_emul_ops *ops;
	void *ctx;
	struct pv_emul_outcome *out;
	bool kernel; /* guest in kernel mode */
	bool forced; /* reached through the forced-emulation prefix */
	bool cut;    /* a rep stopped at PV_EMUL_REP_BUDGET: do not advance rip */

	struct x86_insn insn; /* from the instruction's first byte (past a forced prefix) */
};

/* ---------------------------------------------------------------------------
 * Instruction bytes and guest memory.
 */

/*
 * What a failed x86_insn_* call owes the guest: #PF where the fetch
 * failed, or #GP(0) for an instruction longer than 15 bytes.
 */
static enum pv_emul_result insn_fault(struct emul *e)
{
	if (e->insn.error != X86_INSN_FETCH_FAULT)
		return PV_EMUL_RAISE_GP;
	e->out->cr2 = e->insn.fault_va;
	e->out->error_code = e->insn.pfec;
	return PV_EMUL_RAISE_PF;
}

/* The next instruction byte, or the fault fetching it raised. */
static enum pv_emul_result next_byte(struct emul *e, uint8_t *b)
{
	return x86_insn_next_byte(&e->insn, b) ? PV_EMUL_DONE : insn_fault(e);
}

/* True if va is canonical for 48-bit linear addresses (bits 63:47 all equal). */
static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/*
 * Reads or writes n bytes of guest memory at va for a string I/O
 * instruction.  A range that is not canonical is #GP(0); a failed access
 * is #PF at the first byte of the page piece that failed (pieces never
 * cross a page, so that address is exact).  A write that crosses into a
 * faulting page has stored its first piece: harmless, as the guest
 * re-executes the instruction after handling the fault.
 */
static enum pv_emul_result guest_access(struct emul *e, uint64_t va, uint8_t *buf, unsigned int n,
					bool write)
{
	uint64_t last = va + n - 1;

	if (last < va || !canonical(va) || !canonical(last))
		return PV_EMUL_RAISE_GP;
	while (n) {
		unsigned int piece = MIN(n, PAGE_SIZE - (va & ~PAGE_MASK));
		uint32_t pfec = 0;
		int rc = write ? e->ops->write_guest(e->ctx, va, buf, piece, &pfec)
			       : e->ops->read_guest(e->ctx, va, buf, piece, &pfec);

		if (rc) {
			e->out->cr2 = va;
			e->out->error_code = pfec;
			return PV_EMUL_RAISE_PF;
		}
		va += piece;
		buf += piece;
		n -= piece;
	}
	return PV_EMUL_DONE;
}

/* ---------------------------------------------------------------------------
 * Registers and op results.
 */

/* A 64-bit value into EDX:EAX (32-bit writes zero the upper halves). */
static void set_edx_eax(struct cpu_user_regs *regs, uint64_t val)
{
	regs->rax = (uint32_t)val;
	regs->rdx = val >> 32;
}

/* An op's return value as a result (the convention of pv_emulate.h). */
static enum pv_emul_result op_result(int rc)
{
	if (rc == 0)
		return PV_EMUL_DONE;
	return rc == -EOPNOTSUPP ? PV_EMUL_RAISE_UD : PV_EMUL_RAISE_GP;
}

/*
 * The checks every handled instruction makes before running: lock is #UD
 * (none of them takes it), and ring-0-only instructions are #GP(0) from
 * the guest's user mode, whatever its ops would say.
 */
static enum pv_emul_result check_common(const struct emul *e, bool kernel_only)
{
	if (e->insn.lock)
		return PV_EMUL_RAISE_UD;
	if (kernel_only && !e->kernel)
		return PV_EMUL_RAISE_GP;
	return PV_EMUL_DONE;
}

/* ---------------------------------------------------------------------------
 * The instruction families.
 */

static enum pv_emul_result emul_cpuid(struct emul *e)
{
	struct cpu_user_regs *regs = e->regs;
	uint32_t a, b, c, d;

	if (!e->ops->cpuid)
		return PV_EMUL_UNHANDLED;
	if (e->insn.lock)
		return PV_EMUL_RAISE_UD;
	e->ops->cpuid(e->ctx, (uint32_t)regs->rax, (uint32_t)regs->rcx, e->forced, &a, &b, &c, &d);
	regs->rax = a;
	regs->rbx = b;
	regs->rcx = c;
	regs->rdx = d;
	return PV_EMUL_DONE;
}

/*
 * 0f 20 / 0f 22: mov from / to CRn.  ModRM.reg (+ REX.R) is the CR,
 * ModRM.rm (+ REX.B) the GPR; the mod bits are ignored and the operand is
 * always 64 bits in 64-bit mode (SDM vol. 2, MOV-Move to/from Control
 * Registers).
 */
static enum pv_emul_result emul_mov_cr(struct emul *e, bool to_cr)
{
	const struct pv_emul_ops *ops = e->ops;
	unsigned int cr, reg;
	enum pv_emul_result r;
	uint64_t val;

	if (to_cr ? !ops->write_cr : !ops->read_cr)
		return PV_EMUL_UNHANDLED;
	if (!x86_insn_modrm(&e->insn))
		return insn_fault(e);
	cr = e->insn.reg;
	reg = e->insn.rm;
	if (cr != 0 && cr != 2 && cr != 3 && cr != 4 && cr != 8)
		return PV_EMUL_RAISE_UD;
	r = check_common(e, true);
	if (r != PV_EMUL_DONE)
		return r;
	if (to_cr)
		return op_result(ops->write_cr(e->ctx, cr, x86_gpr_read(e->regs, reg, 8, true)));
	r = op_result(ops->read_cr(e->ctx, cr, &val));
	if (r == PV_EMUL_DONE)
		x86_gpr_write(e->regs, reg, 8, true, val);
	return r;
}

/* 0f 21 / 0f 23: mov from / to DRn, encoded like the CR moves; DR8-15 do not exist. */
static enum pv_emul_result emul_mov_dr(struct emul *e, bool to_dr)
{
	const struct pv_emul_ops *ops = e->ops;
	unsigned int dr, reg;
	enum pv_emul_result r;
	uint64_t val;

	if (to_dr ? !ops->write_dr : !ops->read_dr)
		return PV_EMUL_UNHANDLED;
	if (!x86_insn_modrm(&e->insn))
		return insn_fault(e);
	dr = e->insn.reg;
	reg = e->insn.rm;
	if (dr > 7) /* REX.R */
		return PV_EMUL_RAISE_UD;
	r = check_common(e, true);
	if (r != PV_EMUL_DONE)
		return r;
	if (to_dr)
		return op_result(ops->write_dr(e->ctx, dr, x86_gpr_read(e->regs, reg, 8, true)));
	r = op_result(ops->read_dr(e->ctx, dr, &val));
	if (r == PV_EMUL_DONE)
		x86_gpr_write(e->regs, reg, 8, true, val);
	return r;
}

/* 0f 32 rdmsr / 0f 30 wrmsr: index in ECX, value in EDX:EAX. */
static enum pv_emul_result emul_msr(struct emul *e, bool write)
{
	struct cpu_user_regs *regs = e->regs;
	uint32_t index = (uint32_t)regs->rcx;
	enum pv_emul_result r;
	uint64_t val;

	if (write ? !e->ops->write_msr : !e->ops->read_msr)
		return PV_EMUL_UNHANDLED;
	r = check_common(e, true);
	if (r != PV_EMUL_DONE)
		return r;
	if (write) {
		val = ((uint64_t)(uint32_t)regs->rdx << 32) | (uint32_t)regs->rax;
		return op_result(e->ops->write_msr(e->ctx, index, val));
	}
	r = op_result(e->ops->read_msr(e->ctx, index, &val));
	if (r == PV_EMUL_DONE)
		set_edx_eax(regs, val);
	return r;
}

/* 0f 31 rdtsc and 0f 01 f9 rdtscp (which also loads ECX with TSC_AUX). */
static enum pv_emul_result emul_rdtsc(struct emul *e, bool tscp)
{
	enum pv_emul_result r;
	uint32_t aux = 0;
	uint64_t tsc;

	if (!e->ops->rdtsc)
		return PV_EMUL_UNHANDLED;
	r = check_common(e, false);
	if (r != PV_EMUL_DONE)
		return r;
	r = op_result(e->ops->rdtsc(e->ctx, &tsc, tscp ? &aux : NULL));
	if (r != PV_EMUL_DONE)
		return r;
	set_edx_eax(e->regs, tsc);
	if (tscp)
		e->regs->rcx = aux;
	return PV_EMUL_DONE;
}

/* 0f 33 rdpmc: counter index in ECX, value to EDX:EAX. */
static enum pv_emul_result emul_rdpmc(struct emul *e)
{
	enum pv_emul_result r;
	uint64_t val;

	if (!e->ops->rdpmc)
		return PV_EMUL_UNHANDLED;
	r = check_common(e, false);
	if (r != PV_EMUL_DONE)
		return r;
	r = op_result(e->ops->rdpmc(e->ctx, (uint32_t)e->regs->rcx, &val));
	if (r == PV_EMUL_DONE)
		set_edx_eax(e->regs, val);
	return r;
}

/* 0f 06 clts, f4 hlt, 0f 08 invd, 0f 09 wbinvd: no operands, kernel only. */
enum simple_op {
	OP_CLTS,
	OP_HLT,
	OP_INVD,
	OP_WBINVD,
};

static enum pv_emul_result emul_simple(struct emul *e, enum simple_op op)
{
	const struct pv_emul_ops *ops = e->ops;
	bool have = op == OP_CLTS  ? ops->clts != NULL
		    : op == OP_HLT ? ops->hlt != NULL
				   : ops->cache_flush != NULL;
	enum pv_emul_result r;

	if (!have)
		return PV_EMUL_UNHANDLED;
	r = check_common(e, true);
	if (r != PV_EMUL_DONE)
		return r;
	switch (op) {
	case OP_CLTS:
		return op_result(ops->clts(e->ctx));
	case OP_HLT:
		return op_result(ops->hlt(e->ctx));
	case OP_INVD:
		return op_result(ops->cache_flush(e->ctx, false));
	default:
		return op_result(ops->cache_flush(e->ctx, true));
	}
}

/* fa cli / fb sti: the op maps them to the event mask (or refuses: #GP). */
static enum pv_emul_result emul_cli_sti(struct emul *e, bool enable)
{
	enum pv_emul_result r;

	if (!e->ops->set_interrupt_flag)
		return PV_EMUL_UNHANDLED;
	r = check_common(e, false);
	if (r != PV_EMUL_DONE)
		return r;
	return op_result(e->ops->set_interrupt_flag(e->ctx, enable));
}

/*
 * Operand size of the I/O opcodes: 1 for the even ones, else 4, or 2 with
 * 66.  There is no 64-bit I/O: REX.W, which would override 66, makes it 4.
 */
static unsigned int io_size(const struct emul *e, uint8_t op)
{
	return MIN(x86_insn_op_size(&e->insn, op), 4u);
}

/*
 * e4/e5 in al/eax,imm8; e6/e7 out imm8,al/eax; ec/ed in al/eax,dx;
 * ee/ef out dx,al/eax.  A byte or word read replaces only AL or AX; a
 * dword read zero-extends into RAX, as any 32-bit register write does.
 */
static enum pv_emul_result emul_io(struct emul *e, uint8_t op)
{
	const struct pv_emul_ops *ops = e->ops;
	struct cpu_user_regs *regs = e->regs;
	unsigned int size = io_size(e, op);
	bool in = !(op & 2);
	enum pv_emul_result r;
	uint16_t port;
	uint8_t imm;

	if (!ops->io_allowed || (in ? !ops->io_read : !ops->io_write))
		return PV_EMUL_UNHANDLED;
	if (op < 0xe8) {
		r = next_byte(e, &imm);
		if (r != PV_EMUL_DONE)
			return r;
		port = imm;
	} else {
		port = (uint16_t)regs->rdx;
	}
	r = check_common(e, false);
	if (r != PV_EMUL_DONE)
		return r;
	if (!ops->io_allowed(e->ctx, port, size))
		return PV_EMUL_RAISE_GP;
	if (in)
		x86_gpr_write(regs, 0, size, false, ops->io_read(e->ctx, port, size));
	else
		ops->io_write(e->ctx, port, size, (uint32_t)x86_gpr_read(regs, 0, size, false));
	return PV_EMUL_DONE;
}

/* One ins (to ES:rDI, no override possible) or outs (from seg:rSI) element. */
static enum pv_emul_result string_io_one(struct emul *e, bool in, uint16_t port, unsigned int size,
					 uint64_t va)
{
	uint8_t buf[4];
	uint32_t val = 0;
	enum pv_emul_result r;
	unsigned int i;

	if (in) {
		val = e->ops->io_read(e->ctx, port, size);
		for (i = 0; i < size; i++)
			buf[i] = (uint8_t)(val >> (8 * i));
		return guest_access(e, va, buf, size, true);
	}
	r = guest_access(e, va, buf, size, false);
	if (r != PV_EMUL_DONE)
		return r;
	for (i = 0; i < size; i++)
		val |= (uint32_t)buf[i] << (8 * i);
	e->ops->io_write(e->ctx, port, size, val);
	return PV_EMUL_DONE;
}

/*
 * The base an outs source gets from a fs/gs override; ins always writes
 * through ES, whose base is 0 in 64-bit mode.
 */
static enum pv_emul_result string_base(struct emul *e, bool in, uint64_t *base)
{
	*base = 0;
	if (in || e->insn.seg == X86_SEG_NONE)
		return PV_EMUL_DONE;
	if (!e->ops->seg_base)
		return PV_EMUL_UNHANDLED;
	return op_result(e->ops->seg_base(
	    e->ctx, e->insn.seg == X86_SEG_FS ? PV_EMUL_SEG_FS : PV_EMUL_SEG_GS, base));
}

/*
 * 6c/6d ins, 6e/6f outs, with or without rep (f2 and f3 both act as rep
 * here).  The index register moves by the element size, down when
 * RFLAGS.DF is set; with 67 the index and count registers are 32 bits and
 * their updates zero-extend.  Permission is checked once, before any
 * access; each completed element is committed to rCX/rSI/rDI at once, so
 * a fault or the budget leaves them where the hardware would.  An ins
 * whose store faults has already read the port (we cannot probe the store
 * without making it), so a port read with side effects is consumed and
 * the guest's retry reads again.
 */
static enum pv_emul_result emul_string_io(struct emul *e, uint8_t op)
{
	const struct pv_emul_ops *ops = e->ops;
	struct cpu_user_regs *regs = e->regs;
	bool in = op < 0x6e;
	unsigned int size = io_size(e, op), done;
	uint64_t amask = e->insn.addrsize ? 0xffffffffull : ~0ull;
	uint64_t *index = in ? &regs->rdi : &regs->rsi;
	uint64_t step = regs->rflags & RFLAGS_DF ? -(uint64_t)size : size;
	uint16_t port = (uint16_t)regs->rdx;
	enum pv_emul_result r;
	uint64_t base;

	if (!ops->io_allowed ||
	    (in ? !ops->io_read || !ops->write_guest : !ops->io_write || !ops->read_guest))
		return PV_EMUL_UNHANDLED;
	r = check_common(e, false);
	if (r != PV_EMUL_DONE)
		return r;
	r = string_base(e, in, &base);
	if (r != PV_EMUL_DONE)
		return r;
	if (!ops->io_allowed(e->ctx, port, size))
		return PV_EMUL_RAISE_GP;
	for (done = 0; !e->insn.rep || (regs->rcx & amask) != 0; done++) {
		if (done == PV_EMUL_REP_BUDGET) {
			e->cut = true;
			return PV_EMUL_DONE;
		}
		r = string_io_one(e, in, port, size, base + (*index & amask));
		if (r != PV_EMUL_DONE)
			return r;
		*index = (*index + step) & amask;
		if (!e->insn.rep)
			break;
		regs->rcx = (regs->rcx - 1) & amask;
	}
	return PV_EMUL_DONE;
}

/* ---------------------------------------------------------------------------
 * Decoding.
 */

/* 0f 01: only rdtscp (0f 01 f9) is ours; the rest of the group is not. */
static enum pv_emul_result decode_0f01(struct emul *e)
{
	enum pv_emul_result r;
	uint8_t modrm;

	r = next_byte(e, &modrm);
	if (r != PV_EMUL_DONE)
		return r;
	return modrm == 0xf9 ? emul_rdtsc(e, true) : PV_EMUL_UNHANDLED;
}

/* Two-byte opcodes (after 0f). */
static enum pv_emul_result run_0f(struct emul *e)
{
	enum pv_emul_result r;
	uint8_t op;

	r = next_byte(e, &op);
	if (r != PV_EMUL_DONE)
		return r;
	switch (op) {
	case 0x01:
		return decode_0f01(e);
	case 0x06:
		return emul_simple(e, OP_CLTS);
	case 0x08:
		return emul_simple(e, OP_INVD);
	case 0x09:
		return emul_simple(e, OP_WBINVD); /* f3 0f 09 (wbnoinvd) too: stronger */
	case 0x20:
		return emul_mov_cr(e, false);
	case 0x21:
		return emul_mov_dr(e, false);
	case 0x22:
		return emul_mov_cr(e, true);
	case 0x23:
		return emul_mov_dr(e, true);
	case 0x30:
		return emul_msr(e, true);
	case 0x31:
		return emul_rdtsc(e, false);
	case 0x32:
		return emul_msr(e, false);
	case 0x33:
		return emul_rdpmc(e);
	case 0xa2:
		return emul_cpuid(e);
	default:
		return PV_EMUL_UNHANDLED;
	}
}

/* Decodes the instruction at e->insn.start and runs it; rip is left to the caller. */
static enum pv_emul_result decode_and_run(struct emul *e)
{
	enum pv_emul_result r;
	uint8_t op;

	if (!x86_insn_prefixes(&e->insn, &op))
		return insn_fault(e);
	if (e->forced) {
		/* After the prefix only cpuid may follow. */
		uint8_t op2;

		if (op != 0x0f)
			return PV_EMUL_RAISE_UD;
		r = next_byte(e, &op2);
		if (r != PV_EMUL_DONE)
			return r;
		return op2 == 0xa2 ? emul_cpuid(e) : PV_EMUL_RAISE_UD;
	}
	switch (op) {
	case 0x0f:
		return run_0f(e);
	case 0x6c:
	case 0x6d:
	case 0x6e:
	case 0x6f:
		return emul_string_io(e, op);
	case 0xe4:
	case 0xe5:
	case 0xe6:
	case 0xe7:
	case 0xec:
	case 0xed:
	case 0xee:
	case 0xef:
		return emul_io(e, op);
	case 0xf4:
		return emul_simple(e, OP_HLT);
	case 0xfa:
		return emul_cli_sti(e, false);
	case 0xfb:
		return emul_cli_sti(e, true);
	default:
		return PV_EMUL_UNHANDLED;
	}
}

/*
 * #UD: is the forced-emulation prefix at rip?  If so, restarts decoding
 * past it and returns true.  A fetch that fails here means "no" (a plain ud2 may
 * well sit at the end of a page with nothing mapped after it), so the
 * guest gets its own #UD.
 */
static bool skip_forced_prefix(struct emul *e)
{
	unsigned int i;
	uint8_t b;

	for (i = 0; i < sizeof(forced_prefix); i++)
		if (next_byte(e, &b) != PV_EMUL_DONE || b != forced_prefix[i])
			return false;
	x86_insn_init(&e->insn, e->insn.start + sizeof(forced_prefix), e->ops->fetch, e->ctx);
	e->forced = true;
	return true;
}

enum pv_emul_result pv_emulate(struct cpu_user_regs *regs, unsigned int trap, bool guest_kernel,
			       const struct pv_emul_ops *ops, void *ctx,
			       struct pv_emul_outcome *out)
{
	struct emul e = {
	    .regs = regs,
	    .ops = ops,
	    .ctx = ctx,
	    .out = out,
	    .kernel = guest_kernel,
	};
	enum pv_emul_result r;
	uint64_t length;

	*out = (struct pv_emul_outcome){0};
	if (!ops->fetch || (trap != PV_EMUL_TRAP_UD && trap != PV_EMUL_TRAP_GP))
		return PV_EMUL_UNHANDLED;
	x86_insn_init(&e.insn, regs->rip, ops->fetch, ctx);
	if (trap == PV_EMUL_TRAP_UD && !skip_forced_prefix(&e))
		return PV_EMUL_UNHANDLED;

	r = decode_and_run(&e);
	if (r != PV_EMUL_DONE)
		return r;
	if (e.cut)
		return PV_EMUL_DONE; /* re-executed by the guest: rip stays */

	length = e.insn.start + e.insn.len - regs->rip;
	regs->rip += length;
	out->length = (unsigned int)length;
	out->single_step = (regs->rflags & RFLAGS_TF) != 0;
	regs->rflags &= ~RFLAGS_RF;
	return PV_EMUL_DONE;
}
