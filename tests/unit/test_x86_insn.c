/*
 * tests/unit/test_x86_insn.c - the shared x86-64 decoder
 * (hypervisor/common/x86_insn.c), driven with byte sequences.
 *
 * The fake fetch hook serves bytes from a two-page code window whose pages
 * can be unmapped one by one, and logs every call, so the tests see how
 * the decoder splits its fetches.  GPR n holds GPR_VAL(n), so an effective
 * address that used the wrong register shows.  Encodings were checked
 * against GNU as (objdump -d) unless a comment says they are hand-made
 * (forms as never emits, such as a REX.B that the hardware ignores).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hypervisor/common/x86_insn.h"
#include "lib/errno.h"

#define PG	   0x1000ull
#define CODE_VA	   0x400000ull /* the window: pages 0 and 1 */
#define PFEC_FAKE  0x15u       /* what the fake reports on a fault */
#define GPR_VAL(n) (0x10000ull * ((n) + 1) + (n))

static uint8_t code[2 * PG];
static bool unmapped[2];
static struct {
	unsigned int calls, total;
	uint64_t va[8];
	unsigned int n[8];
} flog;
static struct cpu_user_regs regs;
static struct x86_insn insn;

static int fake_fetch(void *ctx, uint64_t va, void *buf, unsigned int n, uint32_t *pfec)
{
	assert_ptr_equal(ctx, &flog); /* x86_insn_init's ctx, passed through */
	assert_true(n >= 1 && n <= X86_INSN_MAX_LEN);
	assert_true(va / PG == (va + n - 1) / PG); /* never across a page */
	if (flog.calls < 8) {
		flog.va[flog.calls] = va;
		flog.n[flog.calls] = n;
	}
	flog.calls++;
	if (va < CODE_VA || va + n > CODE_VA + sizeof(code) || unmapped[(va - CODE_VA) / PG]) {
		*pfec = PFEC_FAKE;
		return -EFAULT;
	}
	flog.total += n;
	memcpy(buf, code + (va - CODE_VA), n);
	return 0;
}

static int setup(void **state)
{
	memset(code, 0x90, sizeof(code));
	memset(unmapped, 0, sizeof(unmapped));
	memset(&flog, 0, sizeof(flog));
	memset(&regs, 0x5a, sizeof(regs));
	for (unsigned int n = 0; n < 16; n++)
		x86_gpr_write(&regs, n, 8, true, GPR_VAL(n));
	return 0;
}

/* Puts bytes at va and starts decoding there, with a fresh fetch log. */
static void start_at(uint64_t va, const uint8_t *bytes, size_t n)
{
	memcpy(code + (va - CODE_VA), bytes, n);
	memset(&flog, 0, sizeof(flog));
	x86_insn_init(&insn, va, fake_fetch, &flog);
}

#define BYTES(...)  ((const uint8_t[]){__VA_ARGS__})
#define NBYTES(...) sizeof((const uint8_t[]){__VA_ARGS__})
#define START(...)  start_at(CODE_VA, BYTES(__VA_ARGS__), NBYTES(__VA_ARGS__))
#define LE32(v)	    (uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), (uint8_t)((v) >> 24)

/* Prefixes, opcode, ModRM and memory operand of the started instruction; *op gets the opcode. */
static bool decode_mem(uint8_t *op)
{
	return x86_insn_prefixes(&insn, op) && x86_insn_modrm(&insn) &&
	       x86_insn_memory(&insn, &regs);
}

/* ---------------------------------------------------------------------------
 * Prefixes and operand size.
 */

static void test_prefixes(void **state)
{
	uint8_t op = 0;

	START(0x66, 0x67, 0xf0, 0xf3, 0x64, 0x48, 0x89);
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(op, 0x89);
	assert_int_equal(insn.len, 7);
	assert_true(insn.opsize && insn.addrsize && insn.lock && insn.rep);
	assert_int_equal(insn.seg, X86_SEG_FS);
	assert_int_equal(insn.rex, 0x48);

	START(0xf2, 0x0f);
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(op, 0x0f);
	assert_true(insn.rep && !insn.opsize && !insn.addrsize && !insn.lock);
	assert_int_equal(insn.seg, X86_SEG_NONE);
	assert_int_equal(insn.rex, 0);
}

static void test_last_segment_override_wins(void **state)
{
	uint8_t op;

	START(0x64, 0x3e, 0x89); /* fs then ds: no base */
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(insn.seg, X86_SEG_NONE);
	START(0x2e, 0x65, 0x89);
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(insn.seg, X86_SEG_GS);
	START(0x65, 0x64, 0x89);
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(insn.seg, X86_SEG_FS);
}

static void test_rex_only_right_before_opcode(void **state)
{
	uint8_t op;

	START(0x48, 0x66, 0x89); /* a legacy prefix after REX voids it */
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(insn.rex, 0);
	assert_true(insn.opsize);
	assert_int_equal(x86_insn_op_size(&insn, op), 2);

	START(0x41, 0x48, 0x89); /* a later REX replaces an earlier one */
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(insn.rex, 0x48);
	assert_int_equal(op, 0x89);
	assert_int_equal(insn.len, 3);
}

static void test_op_size(void **state)
{
	uint8_t op;

	START(0x89);
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(x86_insn_op_size(&insn, 0x89), 4);
	assert_int_equal(x86_insn_op_size(&insn, 0x88), 1);
	START(0x66, 0x89);
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(x86_insn_op_size(&insn, 0x89), 2);
	assert_int_equal(x86_insn_op_size(&insn, 0x88), 1);
	START(0x66, 0x48, 0x89); /* REX.W beats 66 */
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(x86_insn_op_size(&insn, 0x89), 8);
	assert_int_equal(x86_insn_op_size(&insn, 0x88), 1);
	START(0x40, 0x89); /* REX without W */
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_int_equal(x86_insn_op_size(&insn, 0x89), 4);
}

/* ---------------------------------------------------------------------------
 * ModRM, SIB, displacement.
 */

static void test_modrm_fields_and_register_operand(void **state)
{
	uint8_t op, b;

	START(0x41, 0x0f, 0x20, 0xd9); /* mov %cr3,%r9: mod 3 */
	assert_true(x86_insn_prefixes(&insn, &op));
	assert_true(x86_insn_next_byte(&insn, &b));
	assert_int_equal(b, 0x20);
	assert_true(x86_insn_modrm(&insn));
	assert_int_equal(insn.mod, 3);
	assert_int_equal(insn.reg, 3);
	assert_int_equal(insn.rm, 9);
	assert_false(x86_insn_memory(&insn, &regs)); /* a register, not memory */
	assert_int_equal(insn.error, X86_INSN_NOT_MEMORY);
	assert_int_equal(insn.len, 4);

	START(0x44, 0x0f, 0x22, 0xc0); /* mov %rax,%cr8: REX.R */
	assert_true(x86_insn_prefixes(&insn, &op) && x86_insn_next_byte(&insn, &b));
	assert_true(x86_insn_modrm(&insn));
	assert_int_equal(insn.reg, 8);
	assert_int_equal(insn.rm, 0);

	START(0x4c, 0x89, 0x03); /* mov %r8,(%rbx) */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.reg, 8);
	assert_int_equal(insn.ea, GPR_VAL(3));
}

static void test_modrm_displacements(void **state)
{
	uint8_t op;

	START(0x89, 0x43, 0xf8); /* mov %eax,-8(%rbx): disp8 sign-extended */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.mod, 1);
	assert_int_equal(insn.ea, GPR_VAL(3) - 8);
	assert_int_equal(insn.len, 3);

	START(0x89, 0x83, 0x00, 0xf0, 0xff, 0xff); /* mov %eax,-0x1000(%rbx): disp32 */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(3) - 0x1000);
	assert_int_equal(insn.len, 6);

	START(0x41, 0x89, 0x45, 0x00); /* mov %eax,0(%r13): mod 01, rm 101 + REX.B */
	assert_true(decode_mem(&op));
	assert_false(insn.rip_rel);
	assert_int_equal(insn.ea, GPR_VAL(13));
	assert_int_equal(insn.len, 4);
}

static void test_sib_forms(void **state)
{
	uint8_t op;

	START(0x48, 0x89, 0x84, 0xcb, LE32(0x11223344)); /* 0x11223344(%rbx,%rcx,8) */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(3) + GPR_VAL(1) * 8 + 0x11223344);
	assert_int_equal(insn.len, 8);

	START(0x4a, 0x89, 0x04, 0x23); /* (%rbx,%r12,1): index 100 + REX.X is r12 */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(3) + GPR_VAL(12));

	START(0x41, 0x89, 0x04, 0x24); /* (%r12): rm 100 + REX.B still means a SIB */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(12));
	assert_int_equal(insn.len, 4);

	START(0x48, 0x89, 0x44, 0xcd, 0x08); /* 8(%rbp,%rcx,8): base 101 with mod 01 is rbp */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(5) + GPR_VAL(1) * 8 + 8);

	START(0x4b, 0x89, 0x44, 0xac, 0x10); /* 0x10(%r12,%r13,4) */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(12) + GPR_VAL(13) * 4 + 0x10);
}

static void test_sib_without_base(void **state)
{
	uint8_t op;

	START(0x89, 0x04, 0x25, LE32(0x200028)); /* mov %eax,0x200028: no base, no index */
	assert_true(decode_mem(&op));
	assert_false(insn.rip_rel);
	assert_int_equal(insn.ea, 0x200028);
	assert_int_equal(insn.len, 7);

	START(0x89, 0x04, 0x4d, LE32(0x1234)); /* 0x1234(,%rcx,2) */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(1) * 2 + 0x1234);

	START(0x42, 0x89, 0x04, 0x25, LE32(0x200028)); /* 0x200028(,%r12,1) */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(12) + 0x200028);

	/* Hand-made: REX.B on a SIB base of 101 with mod 00 is still "no base", not r13. */
	START(0x41, 0x89, 0x04, 0x25, LE32(0xfffffff0));
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, (uint64_t)-16); /* disp32 sign-extended */
}

static void test_rip_relative(void **state)
{
	uint64_t imm;
	uint8_t op;

	START(0x89, 0x05, LE32(0x1234)); /* mov %eax,0x1234(%rip) */
	assert_true(decode_mem(&op));
	assert_true(insn.rip_rel);
	assert_int_equal(insn.ea, 0x1234);
	assert_int_equal(x86_insn_linear(&insn, 0), CODE_VA + 6 + 0x1234);
	assert_int_equal(x86_insn_linear(&insn, 0x7000000000ull),
			 0x7000000000ull + CODE_VA + 6 + 0x1234);

	/* Hand-made: rm 101 with mod 00 is rip-relative even with REX.B (not r13). */
	START(0x49, 0x89, 0x05, LE32(-0x100));
	assert_true(decode_mem(&op));
	assert_true(insn.rip_rel);
	assert_int_equal(x86_insn_linear(&insn, 0), CODE_VA + 7 - 0x100);

	/* movq $0x11,0x1234(%rip): the end of the instruction is past the immediate. */
	START(0x48, 0xc7, 0x05, LE32(0x1234), LE32(0x11));
	assert_true(decode_mem(&op));
	assert_true(x86_insn_next_imm(&insn, 4, &imm));
	assert_int_equal(imm, 0x11);
	assert_int_equal(x86_insn_linear(&insn, 0), CODE_VA + 11 + 0x1234);

	/* A rip-relative operand of an instruction that starts elsewhere counts from there. */
	start_at(CODE_VA + 0x100, BYTES(0x89, 0x05, LE32(8)), 6);
	assert_true(decode_mem(&op));
	assert_int_equal(x86_insn_linear(&insn, 0), CODE_VA + 0x100 + 6 + 8);
}

static void test_addr32_wraps_before_segment_base(void **state)
{
	uint8_t op;

	regs.rbx = 0x123456789ull;
	START(0x67, 0x89, 0x03); /* mov %eax,(%ebx) */
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, 0x123456789ull); /* the wrap is x86_insn_linear's */
	assert_int_equal(x86_insn_linear(&insn, 0), 0x23456789ull);
	assert_int_equal(x86_insn_linear(&insn, 0xffffffff00000000ull), 0xffffffff23456789ull);

	/* disp32 sign-extended, then the sum wraps: 0x10 - 0x20 is 0xfffffff0. */
	regs.rbx = 0x10;
	START(0x67, 0x89, 0x83, LE32(-0x20));
	assert_true(decode_mem(&op));
	assert_int_equal(x86_insn_linear(&insn, 0x100000000ull), 0x1fffffff0ull);

	/* mov %eax,disp(%eip): rip + length + disp wraps too. */
	START(0x67, 0x89, 0x05, LE32(-0x500000));
	assert_true(decode_mem(&op));
	assert_int_equal(x86_insn_linear(&insn, 0), (uint32_t)(CODE_VA + 7 - 0x500000));

	/* Without 67 the same address does not wrap. */
	regs.rbx = 0x123456789ull;
	START(0x89, 0x03);
	assert_true(decode_mem(&op));
	assert_int_equal(x86_insn_linear(&insn, 0), 0x123456789ull);
}

/* ---------------------------------------------------------------------------
 * Immediates, length, fetching.
 */

static void test_next_imm_sign_extends(void **state)
{
	uint64_t v;

	START(0x80, 0x00, 0x80, 0xff, 0xff, 0x7f, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
	assert_true(x86_insn_next_imm(&insn, 1, &v));
	assert_int_equal(v, 0xffffffffffffff80ull);
	assert_true(x86_insn_next_imm(&insn, 2, &v));
	assert_int_equal(v, 0xffffffffffff8000ull);
	assert_true(x86_insn_next_imm(&insn, 3, &v));
	assert_int_equal(v, 0x7fffffull);
	assert_true(x86_insn_next_imm(&insn, 8, &v));
	assert_int_equal(v, 0x1122334455667788ull);
	assert_int_equal(insn.len, 14);
}

static void test_over_long(void **state)
{
	uint8_t op, b, fifteen[16];
	uint64_t v;

	/* 13 prefixes, opcode, ModRM: exactly 15 bytes is allowed. */
	memset(fifteen, 0x66, 13);
	fifteen[13] = 0x89;
	fifteen[14] = 0x03;
	start_at(CODE_VA, fifteen, 15);
	assert_true(decode_mem(&op));
	assert_int_equal(insn.len, 15);
	/* A 16th byte (here an immediate) is not. */
	assert_false(x86_insn_next_imm(&insn, 1, &v));
	assert_int_equal(insn.error, X86_INSN_TOO_LONG);
	assert_int_equal(insn.len, 15);

	/* 15 prefixes: the opcode would be the 16th byte. */
	memset(fifteen, 0x66, sizeof(fifteen));
	start_at(CODE_VA, fifteen, sizeof(fifteen));
	assert_false(x86_insn_prefixes(&insn, &op));
	assert_int_equal(insn.error, X86_INSN_TOO_LONG);

	/* The limit cuts a displacement short. */
	memset(fifteen, 0x66, 12);
	memcpy(fifteen + 12, BYTES(0x89, 0x83, 0x00, 0x10), 4);
	start_at(CODE_VA, fifteen, 16);
	assert_false(decode_mem(&op));
	assert_int_equal(insn.error, X86_INSN_TOO_LONG);
	assert_int_equal(insn.len, 15);
	assert_int_equal(flog.total, X86_INSN_MAX_LEN);

	/* Never more than 15 bytes are fetched, whatever is asked. */
	start_at(CODE_VA, fifteen, 16);
	while (x86_insn_next_byte(&insn, &b))
		;
	assert_int_equal(flog.calls, 1);
	assert_int_equal(flog.n[0], X86_INSN_MAX_LEN);
}

static void test_fetch_across_page_boundary(void **state)
{
	uint64_t va = CODE_VA + PG - 3;
	uint8_t op;

	/* 48 89 | 84 cb 44 33 22 11: the page boundary falls after the third byte. */
	start_at(va, BYTES(0x48, 0x89, 0x84, 0xcb, LE32(0x11223344)), 8);
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(3) + GPR_VAL(1) * 8 + 0x11223344);
	assert_int_equal(insn.len, 8);
	assert_int_equal(flog.calls, 2);
	assert_int_equal(flog.va[0], va);
	assert_int_equal(flog.n[0], 3); /* up to the end of the first page */
	assert_int_equal(flog.va[1], CODE_VA + PG);
	assert_int_equal(flog.n[1], 12); /* then the rest of the 15 */
	assert_int_equal(memcmp(insn.bytes, code + (va - CODE_VA), 8), 0);
}

static void test_fetch_fault_on_second_page(void **state)
{
	uint64_t va = CODE_VA + PG - 3;
	uint8_t op;

	unmapped[1] = true;
	/* An instruction that ends at the end of the page never touches the next one. */
	start_at(va, BYTES(0x48, 0x89, 0x03), 3);
	assert_true(decode_mem(&op));
	assert_int_equal(insn.ea, GPR_VAL(3));
	assert_int_equal(flog.calls, 1);

	/* One that goes on faults at the first byte of the unmapped page. */
	start_at(va, BYTES(0x48, 0x89, 0x84, 0xcb), 4);
	assert_false(decode_mem(&op));
	assert_int_equal(insn.error, X86_INSN_FETCH_FAULT);
	assert_int_equal(insn.fault_va, CODE_VA + PG);
	assert_int_equal(insn.pfec, PFEC_FAKE);
	assert_int_equal(insn.len, 3);

	/* A fault on the very first byte. */
	unmapped[0] = true;
	START(0x90);
	assert_false(x86_insn_prefixes(&insn, &op));
	assert_int_equal(insn.error, X86_INSN_FETCH_FAULT);
	assert_int_equal(insn.fault_va, CODE_VA);
	assert_int_equal(insn.len, 0);
}

/* ---------------------------------------------------------------------------
 * GPRs by number.
 */

static void test_gpr_numbers(void **state)
{
	const uint64_t *r[16] = {&regs.rax, &regs.rcx, &regs.rdx, &regs.rbx, &regs.rsp, &regs.rbp,
				 &regs.rsi, &regs.rdi, &regs.r8,  &regs.r9,  &regs.r10, &regs.r11,
				 &regs.r12, &regs.r13, &regs.r14, &regs.r15};

	for (unsigned int n = 0; n < 16; n++) {
		assert_int_equal(*r[n], GPR_VAL(n));
		assert_int_equal(x86_gpr_read(&regs, n, 8, false), GPR_VAL(n));
	}
	/* The frame beyond the GPRs is untouched by setup's writes. */
	assert_int_equal(regs.rip, 0x5a5a5a5a5a5a5a5aull);
	assert_int_equal(regs.rflags, 0x5a5a5a5a5a5a5a5aull);
}

static void test_gpr_read_sizes_and_high_bytes(void **state)
{
	regs.rax = 0x1122334455667788ull;
	regs.rsp = 0x99aabbccddeeff00ull;
	assert_int_equal(x86_gpr_read(&regs, 0, 4, false), 0x55667788);
	assert_int_equal(x86_gpr_read(&regs, 0, 2, false), 0x7788);
	assert_int_equal(x86_gpr_read(&regs, 0, 1, false), 0x88);
	assert_int_equal(x86_gpr_read(&regs, 4, 1, false), 0x77);   /* ah */
	assert_int_equal(x86_gpr_read(&regs, 4, 1, true), 0x00);    /* spl */
	assert_int_equal(x86_gpr_read(&regs, 4, 2, false), 0xff00); /* sp: no high-byte rule */
}

static void test_gpr_write_sizes_and_high_bytes(void **state)
{
	regs.rcx = 0x1122334455667788ull;
	x86_gpr_write(&regs, 1, 1, false, 0xaabb);
	assert_int_equal(regs.rcx, 0x11223344556677bbull); /* cl: the rest stays */
	x86_gpr_write(&regs, 5, 1, false, 0xcc);
	assert_int_equal(regs.rcx, 0x112233445566ccbbull); /* ch */
	assert_int_equal(regs.rbp, GPR_VAL(5));
	x86_gpr_write(&regs, 5, 1, true, 0xcc);
	assert_int_equal(regs.rbp, (GPR_VAL(5) & ~0xffull) | 0xcc); /* bpl */
	x86_gpr_write(&regs, 1, 2, false, 0x12345678);
	assert_int_equal(regs.rcx, 0x1122334455665678ull); /* cx */
	x86_gpr_write(&regs, 1, 4, false, 0xfedcba9876543210ull);
	assert_int_equal(regs.rcx, 0x76543210ull); /* ecx zero-extends */
	x86_gpr_write(&regs, 15, 8, false, 0xfedcba9876543210ull);
	assert_int_equal(regs.r15, 0xfedcba9876543210ull);
	assert_int_equal(regs.r14, GPR_VAL(14));
}

static void test_size_mask(void **state)
{
	assert_int_equal(x86_size_mask(1), 0xff);
	assert_int_equal(x86_size_mask(2), 0xffff);
	assert_int_equal(x86_size_mask(4), 0xffffffffull);
	assert_int_equal(x86_size_mask(8), ~0ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_prefixes, setup),
	    cmocka_unit_test_setup(test_last_segment_override_wins, setup),
	    cmocka_unit_test_setup(test_rex_only_right_before_opcode, setup),
	    cmocka_unit_test_setup(test_op_size, setup),
	    cmocka_unit_test_setup(test_modrm_fields_and_register_operand, setup),
	    cmocka_unit_test_setup(test_modrm_displacements, setup),
	    cmocka_unit_test_setup(test_sib_forms, setup),
	    cmocka_unit_test_setup(test_sib_without_base, setup),
	    cmocka_unit_test_setup(test_rip_relative, setup),
	    cmocka_unit_test_setup(test_addr32_wraps_before_segment_base, setup),
	    cmocka_unit_test_setup(test_next_imm_sign_extends, setup),
	    cmocka_unit_test_setup(test_over_long, setup),
	    cmocka_unit_test_setup(test_fetch_across_page_boundary, setup),
	    cmocka_unit_test_setup(test_fetch_fault_on_second_page, setup),
	    cmocka_unit_test_setup(test_gpr_numbers, setup),
	    cmocka_unit_test_setup(test_gpr_read_sizes_and_high_bytes, setup),
	    cmocka_unit_test_setup(test_gpr_write_sizes_and_high_bytes, setup),
	    cmocka_unit_test_setup(test_size_mask, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
