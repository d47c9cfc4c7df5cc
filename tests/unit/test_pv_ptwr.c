/*
 * tests/unit/test_pv_ptwr.c - writable-page-table write emulation
 * (hypervisor/common/pv_ptwr.c), driven with byte sequences.
 *
 * The fake ops serve instruction bytes from a two-page code window whose
 * pages can be unmapped one by one, and page-table entries from pt[], one
 * 512-entry table at PT_VA; write_pte acts as the compare-and-exchange the
 * contract asks for.  Encodings were checked against GNU as (objdump -d).
 * Each test compares the whole register frame with the frame it expects,
 * so an emulator that touches a register it should not fails.  The
 * arithmetic flags are also checked against the host CPU running the
 * same instructions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hypervisor/common/pv_ptwr.h"
#include "lib/errno.h"

#define PG	0x1000ull
#define CODE_VA 0x400000ull
#define PT_VA	0x200000ull
#define E(i)	(PT_VA + 8 * (i)) /* linear address of entry i */

#define CF    (1ull << 0)
#define PF    (1ull << 2)
#define AF    (1ull << 4)
#define ZF    (1ull << 6)
#define SF    (1ull << 7)
#define OF    (1ull << 11)
#define TF    (1ull << 8)
#define RF    (1ull << 16)
#define ARITH (CF | PF | AF | ZF | SF | OF)

static struct fake {
	unsigned int reads, writes;
	unsigned int writes_before; /* f.writes when the last run started */
	int write_rc;		    /* what write_pte returns (after checking) */
	bool read_fails;
	bool race; /* the entry changes between read_pte and write_pte */
	uint64_t fs_base, gs_base;
	unsigned int seg_calls;
} f;

static uint8_t code[2 * PG];
static uint64_t code_base; /* linear address of code[0] */
static bool unmapped[2];
static uint64_t pt[512];
static struct cpu_user_regs regs, want;

static int fake_fetch(void *ctx, uint64_t va, void *buf, unsigned int n)
{
	assert_true(n > 0 && n <= 15);
	assert_true(va / PG == (va + n - 1) / PG); /* never across a page */
	if (va < code_base || va + n > code_base + sizeof(code) || unmapped[(va - code_base) / PG])
		return -EFAULT;
	memcpy(buf, code + (va - code_base), n);
	return 0;
}

static int fake_read_pte(void *ctx, uint64_t va, uint64_t *old)
{
	f.reads++;
	assert_true(va % 8 == 0 && va >= PT_VA && va < PT_VA + PG);
	if (f.read_fails)
		return -EFAULT;
	*old = pt[(va - PT_VA) / 8];
	return 0;
}

static int fake_write_pte(void *ctx, uint64_t va, uint64_t old, uint64_t new)
{
	uint64_t *e = &pt[(va - PT_VA) / 8];

	f.writes++;
	assert_true(va % 8 == 0 && va >= PT_VA && va < PT_VA + PG);
	if (f.race)
		*e ^= 1ull << 62; /* another vCPU got there first */
	if (*e != old)
		return -EAGAIN;
	if (f.write_rc)
		return f.write_rc;
	*e = new;
	return 0;
}

static int fake_seg_base(void *ctx, enum pv_emul_seg seg, uint64_t *base)
{
	f.seg_calls++;
	*base = seg == PV_EMUL_SEG_FS ? f.fs_base : f.gs_base;
	return 0;
}

static const struct pv_ptwr_ops ops = {
    .fetch = fake_fetch,
    .read_pte = fake_read_pte,
    .write_pte = fake_write_pte,
    .seg_base = fake_seg_base,
};

static const struct pv_ptwr_ops *cur_ops = &ops;

static int setup(void **state)
{
	uint64_t *r[] = {&regs.rax, &regs.rcx, &regs.rdx, &regs.rbx, &regs.rsp, &regs.rbp,
			 &regs.rsi, &regs.rdi, &regs.r8,  &regs.r9,  &regs.r10, &regs.r11,
			 &regs.r12, &regs.r13, &regs.r14, &regs.r15};

	memset(&f, 0, sizeof(f));
	memset(code, 0x90, sizeof(code));
	memset(unmapped, 0, sizeof(unmapped));
	code_base = CODE_VA;
	for (unsigned int i = 0; i < 512; i++)
		pt[i] = 0x8000000000000067ull | ((0x1000ull + i) << 12);
	memset(&regs, 0x5a, sizeof(regs)); /* es..gs and padding: must stay as they are */
	for (unsigned int i = 0; i < 16; i++)
		*r[i] = 0xa5a5a5a500000000ull | (0x1111u * i);
	regs.rflags = RF | 0x202; /* RF set, so clearing it shows */
	cur_ops = &ops;
	return 0;
}

/* Puts code at va, points rip at it and emulates the fault at fault_addr; want = the frame before.
 */
static enum pv_ptwr_result run_at(uint64_t va, uint64_t fault_addr, const uint8_t *bytes, size_t n)
{
	memcpy(code + (va - code_base), bytes, n);
	regs.rip = va;
	want = regs;
	f.writes_before = f.writes;
	return pv_ptwr_emulate(&regs, fault_addr, cur_ops, NULL);
}

#define BYTES(...)	((const uint8_t[]){__VA_ARGS__})
#define NBYTES(...)	sizeof((const uint8_t[]){__VA_ARGS__})
#define RUN(fault, ...) run_at(CODE_VA, fault, BYTES(__VA_ARGS__), NBYTES(__VA_ARGS__))
#define LE32(x)		(uint8_t)(x), (uint8_t)((x) >> 8), (uint8_t)((x) >> 16), (uint8_t)((x) >> 24)
#define LE64(x)		LE32(x), LE32((uint64_t)(x) >> 32)

static void check_regs(void)
{
	assert_memory_equal(&regs, &want, sizeof(regs));
}

/* Done: rip advanced by len, RF cleared, nothing else beyond what the test set in want. */
static void check_done(unsigned int len)
{
	want.rip += len;
	want.rflags &= ~RF;
	check_regs();
}

/* Not emulated: regs as they were, no entry written by the last run. */
static void check_untouched(void)
{
	check_regs();
	assert_int_equal(f.writes, f.writes_before);
}

/* ---------------------------------------------------------------------------
 * mov: sizes, halves and bytes of an entry.
 */

static void test_mov_reg_64(void **state)
{
	regs.rbx = E(5);
	regs.rax = 0x80000000beef1067ull;
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x03), PV_PTWR_DONE); /* mov %rax,(%rbx) */
	assert_int_equal(pt[5], 0x80000000beef1067ull);
	assert_int_equal(pt[4], 0x8000000001004067ull); /* neighbours untouched */
	assert_int_equal(pt[6], 0x8000000001006067ull);
	assert_int_equal(f.writes, 1);
	check_done(3); /* flags untouched but RF */
}

static void test_mov_reg_32_low_and_high_halves(void **state)
{
	regs.rbx = E(5);
	regs.rax = 0xffffffff12345067ull;
	assert_int_equal(RUN(E(5), 0x89, 0x03), PV_PTWR_DONE); /* mov %eax,(%rbx) */
	assert_int_equal(pt[5], 0x8000000012345067ull);
	check_done(2);

	regs.rcx = 0xdddddddd00000001ull;
	assert_int_equal(RUN(E(5) + 4, 0x89, 0x4b, 0x04), PV_PTWR_DONE); /* mov %ecx,4(%rbx) */
	assert_int_equal(pt[5], 0x0000000112345067ull);
	check_done(3);
}

static void test_mov_reg_16_and_8(void **state)
{
	regs.rbx = E(5);
	regs.rdx = 0x1234;
	assert_int_equal(RUN(E(5), 0x66, 0x89, 0x53, 0x06), PV_PTWR_DONE); /* mov %dx,6(%rbx) */
	assert_int_equal(pt[5], 0x1234000001005067ull);
	check_done(4);

	regs.rax = 0xabcd;
	assert_int_equal(RUN(E(5), 0x88, 0x43, 0x03), PV_PTWR_DONE); /* mov %al,3(%rbx) */
	assert_int_equal(pt[5], 0x12340000cd005067ull);
	check_done(3);

	/* Without REX, byte register 4 is ah; with any REX it is spl. */
	assert_int_equal(RUN(E(5), 0x88, 0x23), PV_PTWR_DONE); /* mov %ah,(%rbx) */
	assert_int_equal(pt[5] & 0xff, 0xab);
	check_done(2);
	regs.rsp = 0x77;
	assert_int_equal(RUN(E(5), 0x40, 0x88, 0x23), PV_PTWR_DONE); /* mov %spl,(%rbx) */
	assert_int_equal(pt[5] & 0xff, 0x77);
	check_done(3);
	regs.r9 = 0x66;
	assert_int_equal(RUN(E(5), 0x44, 0x88, 0x4b, 0x02), PV_PTWR_DONE); /* mov %r9b,2(%rbx) */
	assert_int_equal(pt[5], 0x12340000cd665077ull);
	check_done(4);
}

static void test_mov_unaligned_inside_entry(void **state)
{
	regs.rbx = E(5);
	regs.rax = 0xbeef;
	/* 66 89 43 01: mov %ax,1(%rbx) - crosses no entry, so it is spliced. */
	assert_int_equal(RUN(E(5) + 1, 0x66, 0x89, 0x43, 0x01), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x8000000001beef67ull);
	check_done(4);
}

static void test_mov_imm(void **state)
{
	regs.rbx = E(5);
	assert_int_equal(RUN(E(5), 0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0xfffffffffffffffeull); /* movq $-2: imm32 sign-extended */
	check_done(7);

	assert_int_equal(RUN(E(5), 0xc7, 0x43, 0x04, 0x78, 0x56, 0x34, 0x12), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x12345678fffffffeull); /* movl $0x12345678,4(%rbx) */
	check_done(7);

	assert_int_equal(RUN(E(5), 0x66, 0xc7, 0x03, 0xef, 0xbe), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x12345678ffffbeefull); /* movw $0xbeef,(%rbx) */
	check_done(5);

	assert_int_equal(RUN(E(5), 0xc6, 0x43, 0x07, 0x7f), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x7f345678ffffbeefull); /* movb $0x7f,7(%rbx) */
	check_done(4);

	/* c7 /1 is not a mov. */
	assert_int_equal(RUN(E(5), 0xc7, 0x0b, 0, 0, 0, 0), PV_PTWR_UNHANDLED);
	check_untouched();
}

static void test_movnti(void **state)
{
	regs.rbx = E(5);
	regs.rax = 0x1111222233334444ull;
	assert_int_equal(RUN(E(5), 0x48, 0x0f, 0xc3, 0x03), PV_PTWR_DONE); /* movnti %rax,(%rbx) */
	assert_int_equal(pt[5], 0x1111222233334444ull);
	check_done(4);
	assert_int_equal(RUN(E(5), 0x0f, 0xc3, 0x43, 0x04), PV_PTWR_DONE); /* movnti %eax,4(%rbx) */
	assert_int_equal(pt[5], 0x3333444433334444ull);
	check_done(4);
	/* There is no 16-bit movnti. */
	assert_int_equal(RUN(E(5), 0x66, 0x0f, 0xc3, 0x03), PV_PTWR_UNHANDLED);
	check_untouched();
}

static void test_mov_moffs(void **state)
{
	regs.rax = 0x80000000cafe0067ull;
	/* movabs %rax,0x200028 */
	assert_int_equal(RUN(E(5), 0x48, 0xa3, LE64(E(5))), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x80000000cafe0067ull);
	check_done(10);
	/* movabs %al,0x20002f */
	assert_int_equal(RUN(E(5), 0xa2, LE64(E(5) + 7)), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x67000000cafe0067ull);
	check_done(9);
	/* addr32 mov %eax,0x200028: a 4-byte offset */
	regs.rax = 0x1005067;
	assert_int_equal(RUN(E(5), 0x67, 0xa3, LE32(E(5))), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x6700000001005067ull);
	check_done(6);
	/* %gs:moffs */
	f.gs_base = 0x100000;
	assert_int_equal(RUN(E(5), 0x65, 0x48, 0xa3, LE64(E(5) - 0x100000)), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x1005067);
	check_done(11);
}

/* ---------------------------------------------------------------------------
 * Addressing.
 */

/* Runs an 8-byte mov of rax that must land in entry i, length len. */
static void expect_mov(unsigned int i, unsigned int len)
{
	assert_int_equal(pt[i], regs.rax);
	assert_int_equal(f.writes, 1);
	check_done(len);
	setup(NULL);
	regs.rax = 0x8000000077777067ull;
}

static void test_modrm_addressing(void **state)
{
	regs.rax = 0x8000000077777067ull;
	regs.rbx = E(6);
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x43, 0xf8), PV_PTWR_DONE); /* -8(%rbx) */
	expect_mov(5, 4);
	regs.rbx = E(5) - 0x1000;
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x83, LE32(0x1000)),
			 PV_PTWR_DONE); /* 0x1000(%rbx) */
	expect_mov(5, 7);
	regs.rsp = E(9);
	assert_int_equal(RUN(E(9), 0x48, 0x89, 0x04, 0x24), PV_PTWR_DONE); /* (%rsp) */
	expect_mov(9, 4);
	regs.r13 = E(3);
	assert_int_equal(RUN(E(3), 0x49, 0x89, 0x45, 0x00), PV_PTWR_DONE); /* 0(%r13) */
	expect_mov(3, 4);
	regs.r11 = E(7);
	assert_int_equal(RUN(E(7), 0x49, 0x89, 0x03), PV_PTWR_DONE); /* (%r11) */
	expect_mov(7, 3);
}

static void test_sib_addressing(void **state)
{
	regs.rax = 0x8000000077777067ull;
	regs.rbx = PT_VA;
	regs.rcx = 4;
	assert_int_equal(RUN(E(4), 0x48, 0x89, 0x04, 0xcb), PV_PTWR_DONE); /* (%rbx,%rcx,8) */
	expect_mov(4, 4);
	/* REX.X and REX.B: 0x10(%r12,%r13,4) */
	regs.r12 = PT_VA;
	regs.r13 = 2;
	assert_int_equal(RUN(E(3), 0x4b, 0x89, 0x44, 0xac, 0x10), PV_PTWR_DONE);
	expect_mov(3, 5);
	/* r12 as an index needs REX.X: mov %r10,(%rbx,%r12,2) */
	regs.rbx = PT_VA;
	regs.r12 = 20;
	regs.r10 = 0x123;
	assert_int_equal(RUN(E(5), 0x4e, 0x89, 0x14, 0x63), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x123);
	check_done(4);
	setup(NULL);
	regs.rax = 0x8000000077777067ull;
	/* No base: 0x200000(,%rcx,8) */
	regs.rcx = 6;
	assert_int_equal(RUN(E(6), 0x48, 0x89, 0x04, 0xcd, LE32(PT_VA)), PV_PTWR_DONE);
	expect_mov(6, 8);
	/* Index 100 without REX.X is none, so rsp's value must not count. */
	regs.rbx = E(2);
	assert_int_equal(RUN(E(2), 0x48, 0x89, 0x04, 0x23), PV_PTWR_DONE); /* (%rbx) via SIB */
	expect_mov(2, 4);
	/* SIB base 101 with mod 01 is a real base: 8(%rbp,%rcx,8) and 0(%r13,%rcx,1). */
	regs.rbp = PT_VA - 8;
	regs.rcx = 4;
	assert_int_equal(RUN(E(4), 0x48, 0x89, 0x44, 0xcd, 0x08), PV_PTWR_DONE);
	expect_mov(4, 5);
	regs.r13 = E(2) - 0x10;
	regs.rcx = 0x10;
	assert_int_equal(RUN(E(2), 0x49, 0x89, 0x44, 0x0d, 0x00), PV_PTWR_DONE);
	expect_mov(2, 5);
	/* SIB base 101, mod 00 with REX.B is still "no base", not r13. */
	regs.r13 = 0x1000;
	assert_int_equal(RUN(E(5), 0x49, 0x89, 0x04, 0x25, LE32(E(5))), PV_PTWR_DONE);
	expect_mov(5, 8);
}

static void test_rip_relative(void **state)
{
	uint32_t disp;

	regs.rax = 0x8000000077777067ull;
	/* 48 89 05 disp32: relative to the end of the 7-byte instruction */
	disp = (uint32_t)(E(5) - (CODE_VA + 7));
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x05, LE32(disp)), PV_PTWR_DONE);
	expect_mov(5, 7);
	/* With REX.B it is still rip-relative (not r13). */
	regs.r13 = 0x1000;
	assert_int_equal(RUN(E(5), 0x49, 0x89, 0x05, LE32(disp)), PV_PTWR_DONE);
	expect_mov(5, 7);
	/* An immediate after the displacement is part of the instruction: movq $0x11,d(%rip) */
	disp = (uint32_t)(E(5) - (CODE_VA + 11));
	assert_int_equal(RUN(E(5), 0x48, 0xc7, 0x05, LE32(disp), LE32(0x11)), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x11);
	check_done(11);
}

static void test_addr32(void **state)
{
	regs.rax = 0x8000000077777067ull;
	/* mov %eax,(%ebx): the upper half of rbx is ignored. */
	regs.rbx = 0xffffffff00000000ull | E(5);
	assert_int_equal(RUN(E(5), 0x67, 0x89, 0x03), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x8000000077777067ull);
	check_done(3);
	setup(NULL);
	regs.rax = 0x8000000077777067ull;
	/* mov %rax,disp32(%ebx): the sum wraps at 4 GiB. */
	regs.rbx = 0xffffff00;
	assert_int_equal(RUN(E(5), 0x67, 0x48, 0x89, 0x83, LE32(E(5) + 0x100)), PV_PTWR_DONE);
	expect_mov(5, 8);
	/* eip-relative wraps too: code above 4 GiB, movq $0x11,d(%eip). */
	code_base = 0x100400000ull;
	assert_int_equal(
	    run_at(code_base, E(5),
		   BYTES(0x67, 0x48, 0xc7, 0x05, LE32(E(5) - CODE_VA - 12), LE32(0x11)), 12),
	    PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x11);
	check_done(12);
}

static void test_segment_overrides(void **state)
{
	regs.rax = 0x8000000077777067ull;
	f.fs_base = 0x180000;
	regs.rbx = E(5) - 8 - 0x180000;
	assert_int_equal(RUN(E(5), 0x64, 0x48, 0x89, 0x43, 0x08), PV_PTWR_DONE); /* %fs:8(%rbx) */
	assert_int_equal(f.seg_calls, 1);
	expect_mov(5, 5);
	f.gs_base = 0x1000;
	regs.rbx = E(5) - 8 - 0x1000;
	assert_int_equal(RUN(E(5), 0x65, 0x48, 0x89, 0x43, 0x08), PV_PTWR_DONE); /* %gs:8(%rbx) */
	expect_mov(5, 5);
	/* ds (and es/cs/ss) add nothing; a later override replaces an earlier one. */
	f.fs_base = 0x1000;
	regs.rbx = E(5) - 8;
	assert_int_equal(RUN(E(5), 0x64, 0x3e, 0x48, 0x89, 0x43, 0x08), PV_PTWR_DONE);
	assert_int_equal(f.seg_calls, 0);
	expect_mov(5, 6);
}

static void test_segment_override_without_seg_base(void **state)
{
	static const struct pv_ptwr_ops no_seg = {
	    .fetch = fake_fetch, .read_pte = fake_read_pte, .write_pte = fake_write_pte};

	cur_ops = &no_seg;
	regs.rbx = E(5) - 8;
	assert_int_equal(RUN(E(5), 0x64, 0x48, 0x89, 0x43, 0x08), PV_PTWR_UNHANDLED);
	check_untouched();
	/* Without an override it is not needed. */
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x43, 0x08), PV_PTWR_DONE);
}

static void test_rex_voided_by_later_prefix(void **state)
{
	/* 48 66 89 03: the REX is not last, so this is mov %ax,(%rbx). */
	regs.rbx = E(5);
	regs.rax = 0x1234567890abcdefull;
	assert_int_equal(RUN(E(5), 0x48, 0x66, 0x89, 0x03), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x800000000100cdefull);
	check_done(4);
}

/* ---------------------------------------------------------------------------
 * xchg and cmpxchg.
 */

static void test_xchg(void **state)
{
	regs.rbx = E(5);
	regs.rcx = 0x8000000012345067ull;
	assert_int_equal(RUN(E(5), 0x48, 0x87, 0x0b), PV_PTWR_DONE); /* xchg %rcx,(%rbx) */
	assert_int_equal(pt[5], 0x8000000012345067ull);
	want.rcx = 0x8000000001005067ull;
	check_done(3);

	/* 32-bit: the old high half, zero-extended into rdx. */
	regs.rdx = 0xffffffff00000001ull;
	assert_int_equal(RUN(E(5), 0xf0, 0x87, 0x53, 0x04),
			 PV_PTWR_DONE); /* lock xchg %edx,4(%rbx) */
	assert_int_equal(pt[5], 0x0000000112345067ull);
	want.rdx = 0x80000000;
	check_done(4);

	/* Byte: xchg %ah,1(%rbx) swaps with bits 15:8 of rax only. */
	regs.rax = 0x11223344556677aaull;
	assert_int_equal(RUN(E(5), 0x86, 0x63, 0x01), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x0000000112347767ull);
	want.rax = 0x11223344556650aaull;
	check_done(3);
}

static void test_cmpxchg_success(void **state)
{
	regs.rbx = E(5);
	regs.rax = pt[5];
	regs.rcx = 0x8000000012345067ull;
	regs.rflags |= CF | SF | OF;
	/* lock cmpxchg %rcx,(%rbx) */
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0x0f, 0xb1, 0x0b), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x8000000012345067ull);
	want.rflags = (want.rflags & ~ARITH) | ZF | PF; /* rax - dest = 0 */
	check_done(5);

	/* 32-bit success leaves the upper half of rax alone. */
	regs.rax = 0xdeadbeef80000000ull;
	regs.rcx = 0x7fffffff;
	assert_int_equal(RUN(E(5), 0x0f, 0xb1, 0x4b, 0x04),
			 PV_PTWR_DONE); /* cmpxchg %ecx,4(%rbx) */
	assert_int_equal(pt[5], 0x7fffffff12345067ull);
	check_done(4);
}

static void test_cmpxchg_failure(void **state)
{
	regs.rbx = E(5);
	regs.rax = 0x8000000001005066ull; /* one less than the entry */
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0x0f, 0xb1, 0x0b), PV_PTWR_DONE);
	assert_int_equal(f.writes, 0); /* nothing to install */
	assert_int_equal(pt[5], 0x8000000001005067ull);
	want.rax = 0x8000000001005067ull;
	/* ...066 - ...067 = all ones: borrow, sign, even parity, borrow from bit 4 */
	want.rflags = (want.rflags & ~ARITH) | CF | SF | PF | AF;
	check_done(5);

	/* 32-bit failure zero-extends into rax. */
	regs.rax = 0xffffffff00000000ull;
	assert_int_equal(RUN(E(5), 0x0f, 0xb1, 0x4b, 0x04), PV_PTWR_DONE);
	want.rax = 0x80000000;
	want.rflags = (want.rflags & ~ARITH) | CF | SF | OF | PF; /* 0 - 0x80000000 */
	check_done(4);

	/* 8-bit failure replaces only al. */
	regs.rax = 0x1111111111111100ull;
	assert_int_equal(RUN(E(5), 0x0f, 0xb0, 0x0b), PV_PTWR_DONE); /* cmpxchg %cl,(%rbx) */
	want.rax = 0x1111111111111167ull;
	want.rflags = (want.rflags & ~ARITH) | CF | SF | AF | PF; /* 0 - 0x67 = 0x99 */
	check_done(3);
}

/* ---------------------------------------------------------------------------
 * Arithmetic.
 */

static void test_alu_reg_forms(void **state)
{
	regs.rbx = E(5);
	pt[5] = 0xffffffffffffffffull;
	regs.rcx = 1;
	assert_int_equal(RUN(E(5), 0x48, 0x01, 0x0b), PV_PTWR_DONE); /* add %rcx,(%rbx) */
	assert_int_equal(pt[5], 0);
	want.rflags = (want.rflags & ~ARITH) | CF | ZF | PF | AF;
	check_done(3);

	pt[5] = 0x000000007fffffffull;
	assert_int_equal(RUN(E(5), 0x01, 0x0b), PV_PTWR_DONE); /* add %ecx,(%rbx) */
	assert_int_equal(pt[5], 0x80000000);
	want.rflags = (want.rflags & ~ARITH) | OF | SF | AF | PF;
	check_done(2);

	assert_int_equal(RUN(E(5), 0x29, 0x4b, 0x04), PV_PTWR_DONE); /* sub %ecx,4(%rbx) */
	assert_int_equal(pt[5], 0xffffffff80000000ull);
	want.rflags = (want.rflags & ~ARITH) | CF | SF | AF | PF;
	check_done(3);

	regs.rax = 0xffffffff80000001ull;
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0x31, 0x03),
			 PV_PTWR_DONE); /* lock xor %rax,(%rbx) */
	assert_int_equal(pt[5], 1);
	want.rflags &= ~ARITH; /* 1: odd parity, CF/OF/AF clear */
	check_done(4);

	regs.rax = 0x40;
	assert_int_equal(RUN(E(5), 0x08, 0x03), PV_PTWR_DONE); /* or %al,(%rbx) */
	assert_int_equal(pt[5], 0x41);
	want.rflags = (want.rflags & ~ARITH) | PF;
	check_done(2);

	regs.rflags |= CF;
	regs.rcx = 0x10;
	assert_int_equal(RUN(E(5), 0x48, 0x19, 0x0b), PV_PTWR_DONE); /* sbb %rcx,(%rbx) */
	assert_int_equal(pt[5], 0x30);				     /* 0x41 - 0x10 - CF */
	want.rflags = (want.rflags & ~ARITH) | PF;
	check_done(3);
}

static void test_alu_imm_forms(void **state)
{
	regs.rbx = E(5);
	pt[5] = 0x8000000001005027ull;
	/* lock orq $0x40,(%rbx): imm8 form */
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0x83, 0x0b, 0x40), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x8000000001005067ull);
	want.rflags = (want.rflags & ~ARITH) | SF;
	check_done(5);
	/* andl $-2,(%rbx): imm8 sign-extended to 32 bits */
	assert_int_equal(RUN(E(5), 0x83, 0x23, 0xfe), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x8000000001005066ull);
	want.rflags = (want.rflags & ~ARITH) | PF;
	check_done(3);
	/* andq $-0x1000,(%rbx) with imm32 (81): sign-extended to 64 bits */
	assert_int_equal(RUN(E(5), 0x48, 0x81, 0x23, LE32(0xfffff000)), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x8000000001005000ull);
	want.rflags = (want.rflags & ~ARITH) | SF | PF;
	check_done(7);
	/* addw $0x1234,(%rbx) */
	assert_int_equal(RUN(E(5), 0x66, 0x81, 0x03, 0x34, 0x12), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x8000000001006234ull);
	want.rflags &= ~ARITH;
	check_done(5);
	/* subb $0x35,(%rbx) */
	assert_int_equal(RUN(E(5), 0x80, 0x2b, 0x35), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x80000000010062ffull);
	want.rflags = (want.rflags & ~ARITH) | CF | SF | PF | AF;
	check_done(3);
	/* cmp (83 /7) writes nothing, so it is not ours. */
	assert_int_equal(RUN(E(5), 0x83, 0x3b, 0x01), PV_PTWR_UNHANDLED);
	check_untouched();
}

/*
 * The host CPU running `op %rcx-part,(mem)` with the flags fl (only the
 * arithmetic ones and bit 1 are ever set, never TF).  The pointer and
 * registers are operands, so nothing the asm does is rsp-relative; rsp
 * steps over the red zone before the push.
 */
#define HOST_RMW(insn, mod)                                                                        \
	asm volatile("lea -128(%%rsp), %%rsp\n\tpush %[fl]\n\tpopf\n\t" insn " %" mod              \
		     "[s], (%[p])\n\t"                                                             \
		     "pushf\n\tpop %[fl]\n\tlea 128(%%rsp), %%rsp"                                 \
		     : [fl] "+r"(fl), "+a"(acc)                                                    \
		     : [s] "r"(src), [p] "r"(mem)                                                  \
		     : "cc", "memory")
#define HOST_SIZES(m)                                                                              \
	do {                                                                                       \
		if (size == 1)                                                                     \
			HOST_RMW(m "b", "b");                                                      \
		else if (size == 2)                                                                \
			HOST_RMW(m "w", "w");                                                      \
		else if (size == 4)                                                                \
			HOST_RMW(m "l", "k");                                                      \
		else                                                                               \
			HOST_RMW(m "q", "q");                                                      \
	} while (0)

/* op 0-6 as in the 00-3f opcodes, 8 = cmpxchg (accumulator *a). */
static uint64_t host_op(unsigned int op, unsigned int size, uint64_t *mem, uint64_t src,
			uint64_t fl, uint64_t *a)
{
	uint64_t acc = *a;

	switch (op) {
	case 0:
		HOST_SIZES("add");
		break;
	case 1:
		HOST_SIZES("or");
		break;
	case 2:
		HOST_SIZES("adc");
		break;
	case 3:
		HOST_SIZES("sbb");
		break;
	case 4:
		HOST_SIZES("and");
		break;
	case 5:
		HOST_SIZES("sub");
		break;
	case 6:
		HOST_SIZES("xor");
		break;
	default:
		HOST_SIZES("lock cmpxchg");
		break;
	}
	*a = acc;
	return fl;
}

static void test_flags_match_host_cpu(void **state)
{
	static const uint64_t vals[] = {
	    0,
	    1,
	    2,
	    0xf,
	    0x10,
	    0x7f,
	    0x80,
	    0xff,
	    0x7fff,
	    0x8000,
	    0xffff,
	    0x7fffffff,
	    0x80000000,
	    0xffffffff,
	    0x7fffffffffffffffull,
	    0x8000000000000000ull,
	    ~0ull,
	    0x0123456789abcdefull,
	};
	static const unsigned int sizes[] = {1, 2, 4, 8};
	unsigned int n = sizeof(vals) / sizeof(vals[0]), checked = 0;

	for (unsigned int op = 0; op <= 8; op++) {
		if (op == 7)
			continue; /* cmp */
		for (unsigned int s = 0; s < 4; s++)
			for (unsigned int i = 0; i < n * n * 2; i++) {
				uint64_t a = vals[i % n], b = vals[(i / n) % n], cf = i / (n * n);
				bool equal =
				    op == 8 && ((i / n) & 1); /* cmpxchg: accumulator = dest */
				uint64_t hmem = a, hacc = equal ? a : b, hfl;
				uint64_t mask =
				    (op == 1 || op == 4 || op == 6) ? ARITH & ~AF : ARITH;
				uint8_t bytes[5], len = 0;

				setup(NULL);
				hfl = host_op(op, sizes[s], &hmem, b, 0x2 | cf, &hacc);
				if (sizes[s] == 2)
					bytes[len++] = 0x66;
				if (sizes[s] == 8)
					bytes[len++] = 0x48;
				if (op == 8)
					bytes[len++] = 0x0f;
				bytes[len++] = (op == 8 ? 0xb0 : op << 3) | (sizes[s] > 1);
				bytes[len++] = 0x0b; /* (%rbx), %cl/%cx/%ecx/%rcx */
				pt[0] = a;
				regs.rbx = PT_VA;
				regs.rcx = b;
				regs.rax = equal ? a : b;
				regs.rflags = 0x2 | cf;
				assert_int_equal(run_at(CODE_VA, PT_VA, bytes, len), PV_PTWR_DONE);
				assert_int_equal(pt[0], hmem);
				assert_int_equal(regs.rax, hacc);
				assert_int_equal(regs.rflags & mask, hfl & mask);
				assert_int_equal(regs.rflags & ~ARITH,
						 0x2); /* host IF is not ours */
				checked++;
			}
	}
	assert_int_equal(checked, 8 * 4 * n * n * 2);
}

/* ---------------------------------------------------------------------------
 * What is refused or not handled.
 */

static void test_straddling_write_unhandled(void **state)
{
	regs.rbx = E(5);
	assert_int_equal(RUN(E(5) + 6, 0x89, 0x43, 0x06), PV_PTWR_UNHANDLED); /* 4 bytes at +6 */
	assert_int_equal(RUN(E(6), 0x89, 0x43, 0x06), PV_PTWR_UNHANDLED);
	assert_int_equal(RUN(E(5) + 4, 0x48, 0x89, 0x43, 0x04), PV_PTWR_UNHANDLED); /* 8 at +4 */
	assert_int_equal(RUN(E(5) + 7, 0x66, 0x89, 0x43, 0x07), PV_PTWR_UNHANDLED); /* 2 at +7 */
	assert_int_equal(f.reads, 0);
	check_untouched();
}

static void test_address_mismatch_unhandled(void **state)
{
	regs.rbx = E(5);
	assert_int_equal(RUN(E(6), 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED);
	assert_int_equal(RUN(E(4) + 7, 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED);
	assert_int_equal(RUN(E(5) + PG, 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED);
	assert_int_equal(f.reads, 0);
	check_untouched();
	/* Anywhere inside the entry is this write. */
	assert_int_equal(RUN(E(5) + 7, 0x48, 0x89, 0x03), PV_PTWR_DONE);
}

static void test_write_refused(void **state)
{
	f.write_rc = -EINVAL;
	regs.rbx = E(5);
	regs.rflags |= TF;
	assert_int_equal(RUN(E(5), 0x48, 0x87, 0x0b), PV_PTWR_REFUSED); /* xchg %rcx,(%rbx) */
	regs.rax = pt[5];
	assert_int_equal(RUN(E(5), 0x48, 0x0f, 0xb1, 0x0b), PV_PTWR_REFUSED); /* cmpxchg */
	assert_int_equal(RUN(E(5), 0x48, 0x01, 0x0b), PV_PTWR_REFUSED);	      /* add */
	assert_int_equal(f.writes, 3);
	assert_int_equal(pt[5], 0x8000000001005067ull);
	check_regs();
}

static void test_entry_changed_is_retry(void **state)
{
	f.race = true;
	regs.rbx = E(5);
	assert_int_equal(RUN(E(5), 0x48, 0x87, 0x0b), PV_PTWR_RETRY); /* xchg %rcx,(%rbx) */
	check_regs();
}

static void test_read_pte_failure_unhandled(void **state)
{
	f.read_fails = true;
	regs.rbx = E(5);
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED);
	check_untouched();
}

static void test_fetch(void **state)
{
	/* An instruction across a page boundary is fetched in two pieces. */
	regs.rbx = E(5);
	regs.rax = 0x42;
	assert_int_equal(run_at(CODE_VA + PG - 2, E(5), BYTES(0x48, 0x89, 0x03), 3), PV_PTWR_DONE);
	assert_int_equal(pt[5], 0x42);
	check_done(3);
	/* ...and is not emulated when its second page is not there. */
	unmapped[1] = true;
	assert_int_equal(run_at(CODE_VA + PG - 2, E(5), BYTES(0x48, 0x89, 0x03), 3),
			 PV_PTWR_UNHANDLED);
	check_untouched();
	unmapped[0] = true;
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED);
	check_untouched();
}

static void test_fifteen_bytes_ok_sixteen_not(void **state)
{
	uint8_t bytes[16];

	memset(bytes, 0x3e, sizeof(bytes));
	memcpy(bytes + 12, BYTES(0x48, 0x89, 0x03), 3);
	regs.rbx = E(5);
	assert_int_equal(run_at(CODE_VA, E(5), bytes, 15), PV_PTWR_DONE);
	check_done(15);
	memset(bytes, 0x3e, sizeof(bytes));
	memcpy(bytes + 13, BYTES(0x48, 0x89, 0x03), 3);
	assert_int_equal(run_at(CODE_VA, E(5), bytes, 16), PV_PTWR_UNHANDLED);
	check_untouched();
}

static void test_unhandled_instructions(void **state)
{
	regs.rbx = E(5);
	regs.rsp = E(6);
	assert_int_equal(RUN(E(5), 0x90), PV_PTWR_UNHANDLED);		  /* nop */
	assert_int_equal(RUN(E(5), 0x50), PV_PTWR_UNHANDLED);		  /* push %rax */
	assert_int_equal(RUN(E(5), 0x48, 0xa5), PV_PTWR_UNHANDLED);	  /* movsq */
	assert_int_equal(RUN(E(5), 0xf3, 0x48, 0xab), PV_PTWR_UNHANDLED); /* rep stosq */
	assert_int_equal(RUN(E(5), 0x48, 0x39, 0x0b), PV_PTWR_UNHANDLED); /* cmp %rcx,(%rbx) */
	assert_int_equal(RUN(E(5), 0x48, 0x03, 0x0b), PV_PTWR_UNHANDLED); /* add (%rbx),%rcx */
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0xd8), PV_PTWR_UNHANDLED); /* mov %rbx,%rax */
	assert_int_equal(RUN(E(5), 0x48, 0x11, 0xd8), PV_PTWR_UNHANDLED); /* adc %rbx,%rax */
	assert_int_equal(RUN(E(5), 0x82, 0x03, 0x01), PV_PTWR_UNHANDLED); /* invalid in 64-bit */
	assert_int_equal(RUN(E(5), 0x0f, 0x0b), PV_PTWR_UNHANDLED);	  /* ud2 */
	assert_int_equal(RUN(E(5), 0xf3, 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED); /* xrelease mov */
	assert_int_equal(RUN(E(5), 0x48, 0xff, 0x03), PV_PTWR_UNHANDLED);	/* incq (%rbx) */
	check_untouched();
}

static void test_lock_only_on_rmw(void **state)
{
	regs.rbx = E(5);
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED); /* lock mov */
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0xc7, 0x03, LE32(1)), PV_PTWR_UNHANDLED);
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0x0f, 0xc3, 0x03), PV_PTWR_UNHANDLED);
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0xa3, LE64(E(5))), PV_PTWR_UNHANDLED);
	check_untouched();
	assert_int_equal(RUN(E(5), 0xf0, 0x48, 0x21, 0x0b), PV_PTWR_DONE); /* lock and */
}

static void test_flags_tf_kept_rf_cleared(void **state)
{
	regs.rbx = E(5);
	regs.rflags = RF | TF | 0x202 | ARITH;
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x03), PV_PTWR_DONE); /* mov: flags unchanged */
	assert_int_equal(regs.rflags, TF | 0x202 | ARITH);
	check_done(3);
}

static void test_missing_op_unhandled(void **state)
{
	static const struct pv_ptwr_ops no_write = {.fetch = fake_fetch, .read_pte = fake_read_pte};
	static const struct pv_ptwr_ops no_read = {.fetch = fake_fetch,
						   .write_pte = fake_write_pte};
	static const struct pv_ptwr_ops no_fetch = {.read_pte = fake_read_pte,
						    .write_pte = fake_write_pte};

	regs.rbx = E(5);
	cur_ops = &no_write;
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED);
	cur_ops = &no_read;
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED);
	cur_ops = &no_fetch;
	assert_int_equal(RUN(E(5), 0x48, 0x89, 0x03), PV_PTWR_UNHANDLED);
	check_untouched();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_mov_reg_64, setup),
	    cmocka_unit_test_setup(test_mov_reg_32_low_and_high_halves, setup),
	    cmocka_unit_test_setup(test_mov_reg_16_and_8, setup),
	    cmocka_unit_test_setup(test_mov_unaligned_inside_entry, setup),
	    cmocka_unit_test_setup(test_mov_imm, setup),
	    cmocka_unit_test_setup(test_movnti, setup),
	    cmocka_unit_test_setup(test_mov_moffs, setup),
	    cmocka_unit_test_setup(test_modrm_addressing, setup),
	    cmocka_unit_test_setup(test_sib_addressing, setup),
	    cmocka_unit_test_setup(test_rip_relative, setup),
	    cmocka_unit_test_setup(test_addr32, setup),
	    cmocka_unit_test_setup(test_segment_overrides, setup),
	    cmocka_unit_test_setup(test_segment_override_without_seg_base, setup),
	    cmocka_unit_test_setup(test_rex_voided_by_later_prefix, setup),
	    cmocka_unit_test_setup(test_xchg, setup),
	    cmocka_unit_test_setup(test_cmpxchg_success, setup),
	    cmocka_unit_test_setup(test_cmpxchg_failure, setup),
	    cmocka_unit_test_setup(test_alu_reg_forms, setup),
	    cmocka_unit_test_setup(test_alu_imm_forms, setup),
	    cmocka_unit_test_setup(test_flags_match_host_cpu, setup),
	    cmocka_unit_test_setup(test_straddling_write_unhandled, setup),
	    cmocka_unit_test_setup(test_address_mismatch_unhandled, setup),
	    cmocka_unit_test_setup(test_write_refused, setup),
	    cmocka_unit_test_setup(test_entry_changed_is_retry, setup),
	    cmocka_unit_test_setup(test_read_pte_failure_unhandled, setup),
	    cmocka_unit_test_setup(test_fetch, setup),
	    cmocka_unit_test_setup(test_fifteen_bytes_ok_sixteen_not, setup),
	    cmocka_unit_test_setup(test_unhandled_instructions, setup),
	    cmocka_unit_test_setup(test_lock_only_on_rmw, setup),
	    cmocka_unit_test_setup(test_flags_tf_kept_rf_cleared, setup),
	    cmocka_unit_test_setup(test_missing_op_unhandled, setup),
	};

	return cmocka_run_group_tests_name("pv_ptwr", tests, NULL, NULL);
}
