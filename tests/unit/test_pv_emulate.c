/*
 * tests/unit/test_pv_emulate.c - PV privileged-instruction emulation
 * (hypervisor/common/pv_emulate.c), driven with byte sequences.
 *
 * The fake ops table records every call in a text log and serves guest
 * memory from a four-page window at MEM_VA whose pages can be unmapped one
 * by one.  Encodings were checked against GNU as (objdump -d).  Each test
 * compares the whole register frame with the frame it expects, so an
 * emulator that touches a register it should not fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hypervisor/common/pv_emulate.h"
#include "lib/errno.h"

#define PG	  4096ull
#define MEM_VA	  0x400000ull /* the guest window: pages 0..3 */
#define MEM_PAGES 4
#define CODE_VA	  MEM_VA
#define DATA_VA	  (MEM_VA + PG)
#define PFEC_FAKE 0x15u /* what the fake reports on a fault (P|U|I, arbitrary) */

#define TF (1ull << 8)
#define DF (1ull << 10)
#define RF (1ull << 16)

#define GP PV_EMUL_TRAP_GP
#define UD PV_EMUL_TRAP_UD

static struct fake {
	char log[512];
	int rc;		   /* what every int-returning op returns */
	bool io_ok;	   /* io_allowed's answer */
	uint32_t io_value; /* io_read returns io_value + number of reads so far */
	unsigned int io_reads;
	unsigned int io_writes;
	uint32_t out_vals[2048];
	uint64_t val; /* read_cr/dr/msr, rdtsc, rdpmc produce this */
	uint32_t aux;
	uint64_t fs_base, gs_base;
	unsigned int fetches;
	uint64_t fetch_va[8];
	unsigned int fetch_len[8];
	unsigned int reads, writes;
} f;

static uint8_t mem[MEM_PAGES * PG];
static bool unmapped[MEM_PAGES];
static struct cpu_user_regs regs, want;
static struct pv_emul_outcome out;

static void note(const char *fmt, ...)
{
	size_t used = strlen(f.log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f.log + used, sizeof(f.log) - used, fmt, ap);
	va_end(ap);
}

/* The window access every memory op shares; the emulator must never cross a page. */
static int window(uint64_t va, unsigned int n, uint32_t *pfec, uint8_t **p)
{
	assert_true(n > 0);
	assert_true(va / PG == (va + n - 1) / PG);
	if (va < MEM_VA || va + n > MEM_VA + sizeof(mem) || unmapped[(va - MEM_VA) / PG]) {
		*pfec = PFEC_FAKE;
		return -EFAULT;
	}
	*p = mem + (va - MEM_VA);
	return 0;
}

static int fake_fetch(void *ctx, uint64_t va, void *buf, unsigned int n, uint32_t *pfec)
{
	uint8_t *p;

	if (f.fetches < 8) {
		f.fetch_va[f.fetches] = va;
		f.fetch_len[f.fetches] = n;
	}
	f.fetches++;
	assert_true(n <= 15);
	if (window(va, n, pfec, &p))
		return -EFAULT;
	memcpy(buf, p, n);
	return 0;
}

static int fake_read(void *ctx, uint64_t va, void *buf, unsigned int n, uint32_t *pfec)
{
	uint8_t *p;

	f.reads++;
	if (window(va, n, pfec, &p))
		return -EFAULT;
	memcpy(buf, p, n);
	return 0;
}

static int fake_write(void *ctx, uint64_t va, const void *buf, unsigned int n, uint32_t *pfec)
{
	uint8_t *p;

	f.writes++;
	if (window(va, n, pfec, &p))
		return -EFAULT;
	memcpy(p, buf, n);
	return 0;
}

static int fake_seg_base(void *ctx, enum pv_emul_seg seg, uint64_t *base)
{
	note("seg_base(%s)", seg == PV_EMUL_SEG_FS ? "fs" : "gs");
	*base = seg == PV_EMUL_SEG_FS ? f.fs_base : f.gs_base;
	return 0;
}

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, bool forced, uint32_t *a,
		       uint32_t *b, uint32_t *c, uint32_t *d)
{
	note("cpuid(%#x,%u,%s)", leaf, subleaf, forced ? "forced" : "plain");
	*a = leaf ^ 1;
	*b = 0x756e6547;
	*c = subleaf + 1;
	*d = 0x49656e69;
}

static int fake_read_cr(void *ctx, unsigned int cr, uint64_t *val)
{
	note("read_cr(%u)", cr);
	*val = f.val;
	return f.rc;
}

static int fake_write_cr(void *ctx, unsigned int cr, uint64_t val)
{
	note("write_cr(%u,%#llx)", cr, (unsigned long long)val);
	return f.rc;
}

static int fake_read_dr(void *ctx, unsigned int dr, uint64_t *val)
{
	note("read_dr(%u)", dr);
	*val = f.val;
	return f.rc;
}

static int fake_write_dr(void *ctx, unsigned int dr, uint64_t val)
{
	note("write_dr(%u,%#llx)", dr, (unsigned long long)val);
	return f.rc;
}

static int fake_clts(void *ctx)
{
	note("clts");
	return f.rc;
}

static int fake_read_msr(void *ctx, uint32_t index, uint64_t *val)
{
	note("read_msr(%#x)", index);
	*val = f.val;
	return f.rc;
}

static int fake_write_msr(void *ctx, uint32_t index, uint64_t val)
{
	note("write_msr(%#x,%#llx)", index, (unsigned long long)val);
	return f.rc;
}

static bool fake_io_allowed(void *ctx, uint16_t port, unsigned int size)
{
	note("allowed(%#x,%u)", port, size);
	return f.io_ok;
}

static uint32_t fake_io_read(void *ctx, uint16_t port, unsigned int size)
{
	if (f.io_reads < 4)
		note(" in(%#x,%u)", port, size);
	return f.io_value + f.io_reads++;
}

static void fake_io_write(void *ctx, uint16_t port, unsigned int size, uint32_t val)
{
	if (f.io_writes < 4)
		note(" out(%#x,%u,%#x)", port, size, val);
	if (f.io_writes < 2048)
		f.out_vals[f.io_writes] = val;
	f.io_writes++;
}

static int fake_set_if(void *ctx, bool enable)
{
	note(enable ? "sti" : "cli");
	return f.rc;
}

static int fake_hlt(void *ctx)
{
	note("hlt");
	return f.rc;
}

static int fake_cache_flush(void *ctx, bool writeback)
{
	note(writeback ? "wbinvd" : "invd");
	return f.rc;
}

static int fake_rdtsc(void *ctx, uint64_t *tsc, uint32_t *aux)
{
	note(aux ? "rdtscp" : "rdtsc");
	*tsc = f.val;
	if (aux)
		*aux = f.aux;
	return f.rc;
}

static int fake_rdpmc(void *ctx, uint32_t index, uint64_t *val)
{
	note("rdpmc(%#x)", index);
	*val = f.val;
	return f.rc;
}

static const struct pv_emul_ops ops = {
    .fetch = fake_fetch,
    .read_guest = fake_read,
    .write_guest = fake_write,
    .seg_base = fake_seg_base,
    .cpuid = fake_cpuid,
    .read_cr = fake_read_cr,
    .write_cr = fake_write_cr,
    .read_dr = fake_read_dr,
    .write_dr = fake_write_dr,
    .clts = fake_clts,
    .read_msr = fake_read_msr,
    .write_msr = fake_write_msr,
    .io_allowed = fake_io_allowed,
    .io_read = fake_io_read,
    .io_write = fake_io_write,
    .set_interrupt_flag = fake_set_if,
    .hlt = fake_hlt,
    .cache_flush = fake_cache_flush,
    .rdtsc = fake_rdtsc,
    .rdpmc = fake_rdpmc,
};

static const struct pv_emul_ops *cur_ops = &ops;

static int setup(void **state)
{
	uint64_t *r[] = {&regs.rax, &regs.rcx, &regs.rdx, &regs.rbx, &regs.rsp, &regs.rbp,
			 &regs.rsi, &regs.rdi, &regs.r8,  &regs.r9,  &regs.r10, &regs.r11,
			 &regs.r12, &regs.r13, &regs.r14, &regs.r15};

	memset(&f, 0, sizeof(f));
	memset(mem, 0x90, sizeof(mem));
	memset(unmapped, 0, sizeof(unmapped));
	memset(&regs, 0x5a, sizeof(regs)); /* es..gs and padding: must stay as they are */
	for (unsigned int i = 0; i < 16; i++)
		*r[i] = 0xa5a5a5a500000000ull | (0x1111u * i);
	regs.rflags = RF | 0x202; /* RF set, so clearing it shows */
	f.io_ok = true;
	cur_ops = &ops;
	return 0;
}

/* Puts code at va, points rip at it and emulates; want = the frame before. */
static enum pv_emul_result run_at(uint64_t va, const uint8_t *code, size_t n, unsigned int trap,
				  bool kernel)
{
	memcpy(mem + (va - MEM_VA), code, n);
	regs.rip = va;
	want = regs;
	return pv_emulate(&regs, trap, kernel, cur_ops, NULL, &out);
}

#define BYTES(...)  ((const uint8_t[]){__VA_ARGS__})
#define NBYTES(...) sizeof((const uint8_t[]){__VA_ARGS__})
/* Kernel-mode run of the bytes at CODE_VA after `trap`. */
#define RUN(trap, ...)	    run_at(CODE_VA, BYTES(__VA_ARGS__), NBYTES(__VA_ARGS__), trap, true)
#define RUN_USER(trap, ...) run_at(CODE_VA, BYTES(__VA_ARGS__), NBYTES(__VA_ARGS__), trap, false)

/* The frame must be exactly `want`. */
static void check_regs(void)
{
	assert_memory_equal(&regs, &want, sizeof(regs));
}

/* Done: rip advanced by len, RF cleared, nothing else beyond what the test set in want. */
static void check_done(unsigned int len)
{
	want.rip += len;
	want.rflags &= ~RF;
	assert_int_equal(out.length, len);
	check_regs();
}

/* ---------------------------------------------------------------------------
 * cpuid, plain and forced.
 */

static void test_cpuid_faulting(void **state)
{
	regs.rax = 0xffffffff40000000ull;
	regs.rcx = 0xffffffff00000005ull;
	assert_int_equal(RUN(GP, 0x0f, 0xa2), PV_EMUL_DONE);
	assert_string_equal(f.log, "cpuid(0x40000000,5,plain)");
	want.rax = 0x40000001;
	want.rbx = 0x756e6547;
	want.rcx = 6;
	want.rdx = 0x49656e69;
	check_done(2);
	assert_false(out.single_step);
}

static void test_forced_cpuid(void **state)
{
	regs.rax = 1;
	regs.rcx = 0;
	assert_int_equal(RUN(UD, 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2), PV_EMUL_DONE);
	assert_string_equal(f.log, "cpuid(0x1,0,forced)");
	want.rax = 0;
	want.rbx = 0x756e6547;
	want.rcx = 1;
	want.rdx = 0x49656e69;
	check_done(7);
}

static void test_forced_prefix_then_other_is_ud(void **state)
{
	assert_int_equal(RUN(UD, 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0x32), PV_EMUL_RAISE_UD);
	assert_int_equal(RUN(UD, 0x0f, 0x0b, 'x', 'e', 'n', 0x90), PV_EMUL_RAISE_UD);
	/* A second prefix is not a cpuid either. */
	assert_int_equal(RUN(UD, 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2),
			 PV_EMUL_RAISE_UD);
	assert_string_equal(f.log, "");
	check_regs();
}

static void test_ud_without_prefix_is_unhandled(void **state)
{
	assert_int_equal(RUN(UD, 0x0f, 0x0b, 0x90, 0x90), PV_EMUL_UNHANDLED);
	assert_int_equal(RUN(UD, 0x0f, 0x0b, 'x', 'e', 'o', 0x0f, 0xa2), PV_EMUL_UNHANDLED);
	/* cpuid arriving as #UD without the prefix is not ours either. */
	assert_int_equal(RUN(UD, 0x0f, 0xa2), PV_EMUL_UNHANDLED);
	assert_string_equal(f.log, "");
	check_regs();
}

static void test_ud2_at_page_end_is_guests_own_ud(void **state)
{
	/* ud2 in the last two bytes of page 0, page 1 unmapped: not a #PF. */
	unmapped[1] = true;
	assert_int_equal(run_at(MEM_VA + PG - 2, BYTES(0x0f, 0x0b), 2, UD, true),
			 PV_EMUL_UNHANDLED);
	check_regs();
}

static void test_forced_cpuid_on_unmapped_page_is_pf(void **state)
{
	unmapped[1] = true;
	assert_int_equal(run_at(MEM_VA + PG - 5, BYTES(0x0f, 0x0b, 'x', 'e', 'n'), 5, UD, true),
			 PV_EMUL_RAISE_PF);
	assert_int_equal(out.cr2, MEM_VA + PG);
	assert_int_equal(out.error_code, PFEC_FAKE);
	check_regs();
}

static void test_forced_cpuid_with_lock_is_ud(void **state)
{
	assert_int_equal(RUN(UD, 0x0f, 0x0b, 'x', 'e', 'n', 0xf0, 0x0f, 0xa2), PV_EMUL_RAISE_UD);
	assert_string_equal(f.log, "");
}

/* ---------------------------------------------------------------------------
 * Control and debug registers.
 */

static void test_mov_from_cr3_to_r9(void **state)
{
	f.val = 0x123456789000ull;
	assert_int_equal(RUN(GP, 0x41, 0x0f, 0x20, 0xd9), PV_EMUL_DONE);
	assert_string_equal(f.log, "read_cr(3)");
	want.r9 = 0x123456789000ull;
	check_done(4);
}

static void test_mov_to_cr3_from_rax(void **state)
{
	regs.rax = 0xabcdef000ull;
	assert_int_equal(RUN(GP, 0x0f, 0x22, 0xd8), PV_EMUL_DONE);
	assert_string_equal(f.log, "write_cr(3,0xabcdef000)");
	check_done(3);
}

static void test_mov_cr8_with_rex_r(void **state)
{
	f.val = 0xf;
	assert_int_equal(RUN(GP, 0x44, 0x0f, 0x20, 0xc0), PV_EMUL_DONE); /* mov %cr8,%rax */
	assert_string_equal(f.log, "read_cr(8)");
	want.rax = 0xf;
	check_done(4);

	setup(NULL);
	regs.r15 = 2;
	assert_int_equal(RUN(GP, 0x45, 0x0f, 0x22, 0xc7), PV_EMUL_DONE); /* mov %r15,%cr8 */
	assert_string_equal(f.log, "write_cr(8,0x2)");
	check_done(4);
}

static void test_mov_cr_other_registers(void **state)
{
	regs.rdi = 0x6f0;
	assert_int_equal(RUN(GP, 0x0f, 0x22, 0xe7), PV_EMUL_DONE); /* mov %rdi,%cr4 */
	assert_string_equal(f.log, "write_cr(4,0x6f0)");
	check_done(3);

	setup(NULL);
	f.val = 0xdead0000;
	assert_int_equal(RUN(GP, 0x0f, 0x20, 0xd2), PV_EMUL_DONE); /* mov %cr2,%rdx */
	assert_string_equal(f.log, "read_cr(2)");
	want.rdx = 0xdead0000;
	check_done(3);

	setup(NULL);
	f.val = 0x80050033;
	assert_int_equal(RUN(GP, 0x0f, 0x20, 0xc1), PV_EMUL_DONE); /* mov %cr0,%rcx */
	want.rcx = 0x80050033;
	check_done(3);
}

static void test_mov_cr_ignores_mod_bits(void **state)
{
	/* ModRM 0x18 = mod 00, reg 3, rm 0: still mov %cr3,%rax, no memory operand. */
	f.val = 0x5000;
	assert_int_equal(RUN(GP, 0x0f, 0x20, 0x18), PV_EMUL_DONE);
	assert_string_equal(f.log, "read_cr(3)");
	want.rax = 0x5000;
	check_done(3);
	assert_int_equal(f.reads, 0);
}

static void test_mov_cr_undefined_is_ud(void **state)
{
	assert_int_equal(RUN(GP, 0x0f, 0x20, 0xc8), PV_EMUL_RAISE_UD);	     /* cr1 */
	assert_int_equal(RUN(GP, 0x0f, 0x22, 0xe8), PV_EMUL_RAISE_UD);	     /* cr5 */
	assert_int_equal(RUN(GP, 0x44, 0x0f, 0x20, 0xc8), PV_EMUL_RAISE_UD); /* cr9 */
	assert_string_equal(f.log, "");
	check_regs();
}

static void test_mov_cr_from_user_mode_is_gp(void **state)
{
	assert_int_equal(RUN_USER(GP, 0x0f, 0x22, 0xd8), PV_EMUL_RAISE_GP);
	assert_int_equal(out.error_code, 0);
	assert_string_equal(f.log, "");
	check_regs();
}

static void test_mov_cr_op_errors(void **state)
{
	f.rc = -EPERM;
	f.val = 77;
	assert_int_equal(RUN(GP, 0x0f, 0x20, 0xd8), PV_EMUL_RAISE_GP);
	assert_int_equal(out.error_code, 0);
	check_regs(); /* rax not written on failure */
	f.rc = -EOPNOTSUPP;
	assert_int_equal(RUN(GP, 0x0f, 0x22, 0xd8), PV_EMUL_RAISE_UD);
	check_regs();
}

static void test_mov_dr(void **state)
{
	f.val = 0x400;
	assert_int_equal(RUN(GP, 0x0f, 0x21, 0xf8), PV_EMUL_DONE); /* mov %db7,%rax */
	assert_string_equal(f.log, "read_dr(7)");
	want.rax = 0x400;
	check_done(3);

	setup(NULL);
	regs.r9 = 0xffff800000001000ull;
	assert_int_equal(RUN(GP, 0x41, 0x0f, 0x23, 0xc1), PV_EMUL_DONE); /* mov %r9,%db0 */
	assert_string_equal(f.log, "write_dr(0,0xffff800000001000)");
	check_done(4);
}

static void test_mov_dr_rex_r_is_ud_and_user_is_gp(void **state)
{
	assert_int_equal(RUN(GP, 0x44, 0x0f, 0x21, 0xc0), PV_EMUL_RAISE_UD);
	assert_int_equal(RUN_USER(GP, 0x0f, 0x21, 0xf8), PV_EMUL_RAISE_GP);
	assert_string_equal(f.log, "");
	check_regs();
}

static void test_clts(void **state)
{
	assert_int_equal(RUN(GP, 0x0f, 0x06), PV_EMUL_DONE);
	assert_string_equal(f.log, "clts");
	check_done(2);
	assert_int_equal(RUN_USER(GP, 0x0f, 0x06), PV_EMUL_RAISE_GP);
	assert_string_equal(f.log, "clts"); /* not called again */
}

/* ---------------------------------------------------------------------------
 * MSRs, TSC, PMCs.
 */

static void test_rdmsr(void **state)
{
	regs.rcx = 0xffffffffc0000080ull; /* only ECX is the index */
	f.val = 0x1122334455667788ull;
	assert_int_equal(RUN(GP, 0x0f, 0x32), PV_EMUL_DONE);
	assert_string_equal(f.log, "read_msr(0xc0000080)");
	want.rax = 0x55667788;
	want.rdx = 0x11223344;
	check_done(2);
}

static void test_rdmsr_failure_is_gp0(void **state)
{
	f.rc = -EINVAL;
	assert_int_equal(RUN(GP, 0x0f, 0x32), PV_EMUL_RAISE_GP);
	assert_int_equal(out.error_code, 0);
	check_regs();
	assert_int_equal(RUN_USER(GP, 0x0f, 0x32), PV_EMUL_RAISE_GP);
	assert_string_equal(f.log, "read_msr(0x1111)"); /* once: user mode never reaches the op */
}

static void test_wrmsr(void **state)
{
	regs.rcx = 0x1b;
	regs.rdx = 0xdead000000000001ull;
	regs.rax = 0xbeef0000fee00900ull;
	assert_int_equal(RUN(GP, 0x0f, 0x30), PV_EMUL_DONE);
	assert_string_equal(f.log, "write_msr(0x1b,0x1fee00900)");
	check_done(2);
	f.rc = -EPERM;
	assert_int_equal(RUN(GP, 0x0f, 0x30), PV_EMUL_RAISE_GP);
	check_regs();
}

static void test_rdtsc_rdtscp_rdpmc(void **state)
{
	f.val = 0x0000000500000007ull;
	f.aux = 3;
	assert_int_equal(RUN_USER(GP, 0x0f, 0x31), PV_EMUL_DONE); /* user mode: the op decides */
	want.rax = 7;
	want.rdx = 5;
	check_done(2);

	setup(NULL);
	f.val = 0x0000000500000007ull;
	f.aux = 3;
	assert_int_equal(RUN(GP, 0x0f, 0x01, 0xf9), PV_EMUL_DONE);
	want.rax = 7;
	want.rdx = 5;
	want.rcx = 3;
	check_done(3);

	setup(NULL);
	regs.rcx = 0x40000001;
	f.val = 0x1234;
	assert_int_equal(RUN(GP, 0x0f, 0x33), PV_EMUL_DONE);
	assert_string_equal(f.log, "rdpmc(0x40000001)");
	want.rax = 0x1234;
	want.rdx = 0;
	check_done(2);
}

static void test_rdtsc_faults_from_op(void **state)
{
	f.rc = -EPERM; /* CR4.TSD */
	assert_int_equal(RUN_USER(GP, 0x0f, 0x31), PV_EMUL_RAISE_GP);
	check_regs();
	f.rc = -EOPNOTSUPP; /* no RDTSCP for this guest */
	assert_int_equal(RUN(GP, 0x0f, 0x01, 0xf9), PV_EMUL_RAISE_UD);
	check_regs();
	assert_string_equal(f.log, "rdtscrdtscp");
}

/* ---------------------------------------------------------------------------
 * Port I/O.
 */

static void test_in_imm8_byte_word_dword(void **state)
{
	f.io_value = 0xcafe125a;
	assert_int_equal(RUN(GP, 0xe4, 0x71), PV_EMUL_DONE); /* in $0x71,%al */
	assert_string_equal(f.log, "allowed(0x71,1) in(0x71,1)");
	want.rax = (want.rax & ~0xffull) | 0x5a;
	check_done(2);

	setup(NULL);
	f.io_value = 0xcafe125a;
	assert_int_equal(RUN(GP, 0x66, 0xe5, 0x71), PV_EMUL_DONE); /* in $0x71,%ax */
	assert_string_equal(f.log, "allowed(0x71,2) in(0x71,2)");
	want.rax = (want.rax & ~0xffffull) | 0x125a;
	check_done(3);

	setup(NULL);
	f.io_value = 0xcafe125a;
	regs.rax = ~0ull;
	assert_int_equal(RUN(GP, 0xe5, 0x71), PV_EMUL_DONE); /* in $0x71,%eax */
	want.rax = 0xcafe125a;				     /* replaces EAX and zero-extends */
	check_done(2);
}

static void test_out_imm8_and_dx(void **state)
{
	regs.rax = 0x12345678;
	assert_int_equal(RUN(GP, 0xe6, 0x80), PV_EMUL_DONE); /* out %al,$0x80 */
	assert_string_equal(f.log, "allowed(0x80,1) out(0x80,1,0x78)");
	check_done(2);

	setup(NULL);
	regs.rax = 0x12345678;
	regs.rdx = 0xffff03f8;				     /* only DX is the port */
	assert_int_equal(RUN(GP, 0x66, 0xef), PV_EMUL_DONE); /* out %ax,(%dx) */
	assert_string_equal(f.log, "allowed(0x3f8,2) out(0x3f8,2,0x5678)");
	check_done(2);

	setup(NULL);
	regs.rax = 0x12345678;
	regs.rdx = 0xcf8;
	assert_int_equal(RUN(GP, 0xef), PV_EMUL_DONE); /* out %eax,(%dx) */
	assert_string_equal(f.log, "allowed(0xcf8,4) out(0xcf8,4,0x12345678)");
	check_done(1);
}

static void test_in_dx(void **state)
{
	regs.rdx = 0x60;
	f.io_value = 0xab;
	assert_int_equal(RUN(GP, 0xec), PV_EMUL_DONE); /* in (%dx),%al */
	assert_string_equal(f.log, "allowed(0x60,1) in(0x60,1)");
	want.rax = (want.rax & ~0xffull) | 0xab;
	check_done(1);

	setup(NULL);
	regs.rdx = 0xcfc;
	f.io_value = 0x80001234;
	assert_int_equal(RUN(GP, 0x66, 0x48, 0xed), PV_EMUL_DONE); /* REX.W beats 66: dword */
	assert_string_equal(f.log, "allowed(0xcfc,4) in(0xcfc,4)");
	want.rax = 0x80001234;
	check_done(3);
}

static void test_io_refused_is_gp(void **state)
{
	f.io_ok = false;
	assert_int_equal(RUN(GP, 0xe4, 0x71), PV_EMUL_RAISE_GP);
	assert_int_equal(out.error_code, 0);
	assert_int_equal(RUN_USER(GP, 0xee), PV_EMUL_RAISE_GP);
	assert_int_equal(f.io_reads + f.io_writes, 0);
	check_regs();
}

/* ---------------------------------------------------------------------------
 * String I/O.
 */

static void test_outsb_single(void **state)
{
	mem[PG] = 0x41;
	regs.rsi = DATA_VA;
	regs.rdx = 0x3f8;
	assert_int_equal(RUN(GP, 0x6e), PV_EMUL_DONE);
	assert_string_equal(f.log, "allowed(0x3f8,1) out(0x3f8,1,0x41)");
	want.rsi = DATA_VA + 1;
	check_done(1); /* rcx untouched without rep */
}

static void test_rep_outsl(void **state)
{
	const uint32_t data[3] = {0x11111111, 0x22222222, 0x33333333};

	memcpy(mem + PG, data, sizeof(data));
	regs.rsi = DATA_VA;
	regs.rdx = 0x1f0;
	regs.rcx = 3;
	assert_int_equal(RUN(GP, 0xf3, 0x6f), PV_EMUL_DONE);
	assert_int_equal(f.io_writes, 3);
	assert_memory_equal(f.out_vals, data, sizeof(data));
	want.rsi = DATA_VA + 12;
	want.rcx = 0;
	check_done(2);
}

static void test_rep_outsb_with_df_goes_down(void **state)
{
	memcpy(mem + PG + 10, "abc", 3);
	regs.rflags |= DF;
	regs.rsi = DATA_VA + 12;
	regs.rdx = 0xe9;
	regs.rcx = 3;
	assert_int_equal(RUN(GP, 0xf3, 0x6e), PV_EMUL_DONE);
	assert_int_equal(f.io_writes, 3);
	assert_int_equal(f.out_vals[0], 'c');
	assert_int_equal(f.out_vals[1], 'b');
	assert_int_equal(f.out_vals[2], 'a');
	want.rsi = DATA_VA + 9;
	want.rcx = 0;
	check_done(2);
}

static void test_rep_insw(void **state)
{
	f.io_value = 0xbeef0100; /* reads give ...0100, ...0101, ...0102: words 0x0100.. */
	regs.rdi = DATA_VA + 2;
	regs.rdx = 0x1f0;
	regs.rcx = 3;
	assert_int_equal(RUN(GP, 0x66, 0xf3, 0x6d), PV_EMUL_DONE);
	assert_memory_equal(mem + PG + 2, BYTES(0x00, 0x01, 0x01, 0x01, 0x02, 0x01), 6);
	assert_int_equal(mem[PG + 8], 0x90); /* nothing past the last word */
	want.rdi = DATA_VA + 8;
	want.rcx = 0;
	check_done(3);
}

static void test_rep_count_zero_touches_nothing(void **state)
{
	regs.rcx = 0;
	regs.rsi = 0x8000000000000000ull; /* non-canonical: never used */
	assert_int_equal(RUN(GP, 0xf3, 0x6e), PV_EMUL_DONE);
	assert_int_equal(f.reads + f.io_writes, 0);
	check_done(2);
}

static void test_string_io_addr32(void **state)
{
	/* 67: ESI/ECX, upper halves ignored and cleared by the update. */
	memcpy(mem + PG, "xy", 2);
	regs.rsi = 0xffffffff00000000ull | DATA_VA;
	regs.rcx = 0xffffffff00000002ull;
	regs.rdx = 0x80;
	assert_int_equal(RUN(GP, 0x67, 0xf3, 0x6e), PV_EMUL_DONE);
	assert_int_equal(f.io_writes, 2);
	assert_int_equal(f.out_vals[1], 'y');
	want.rsi = DATA_VA + 2;
	want.rcx = 0;
	check_done(3);
}

static void test_outs_fs_override_and_ins_ignores_it(void **state)
{
	mem[PG + 0x10] = 0x99;
	f.fs_base = DATA_VA;
	regs.rsi = 0x10;
	regs.rdx = 0x80;
	assert_int_equal(RUN(GP, 0x64, 0x6e), PV_EMUL_DONE);
	assert_string_equal(f.log, "seg_base(fs)allowed(0x80,1) out(0x80,1,0x99)");
	want.rsi = 0x11;
	check_done(2);

	setup(NULL);
	regs.rdi = DATA_VA;
	regs.rdx = 0x80;
	f.io_value = 0x42;
	assert_int_equal(RUN(GP, 0x65, 0x6c), PV_EMUL_DONE); /* gs ignored: ES is fixed */
	assert_string_equal(f.log, "allowed(0x80,1) in(0x80,1)");
	assert_int_equal(mem[PG], 0x42);
	want.rdi = DATA_VA + 1;
	check_done(2);

	setup(NULL);
	mem[PG] = 0x17;
	regs.rsi = DATA_VA;
	regs.rdx = 0x80;
	assert_int_equal(RUN(GP, 0x2e, 0x6e), PV_EMUL_DONE); /* cs: no base in 64-bit mode */
	assert_string_equal(f.log, "allowed(0x80,1) out(0x80,1,0x17)");
	want.rsi = DATA_VA + 1;
	check_done(2);
}

static void test_outsl_across_page_boundary(void **state)
{
	memcpy(mem + 2 * PG - 2, BYTES(0x01, 0x02, 0x03, 0x04), 4);
	regs.rsi = MEM_VA + 2 * PG - 2;
	regs.rdx = 0x80;
	assert_int_equal(RUN(GP, 0x6f), PV_EMUL_DONE);
	assert_int_equal(f.reads, 2); /* split at the page */
	assert_int_equal(f.out_vals[0], 0x04030201);
	want.rsi += 4;
	check_done(1);
}

static void test_rep_outsb_faults_midway(void **state)
{
	unmapped[2] = true;
	regs.rsi = MEM_VA + 2 * PG - 4;
	regs.rcx = 10;
	regs.rdx = 0x80;
	assert_int_equal(RUN(GP, 0xf3, 0x6e), PV_EMUL_RAISE_PF);
	assert_int_equal(out.cr2, MEM_VA + 2 * PG);
	assert_int_equal(out.error_code, PFEC_FAKE);
	assert_int_equal(f.io_writes, 4);
	/* Four elements done and committed; rip stays for the restart. */
	want.rsi = MEM_VA + 2 * PG;
	want.rcx = 6;
	check_regs();
}

static void test_ins_write_fault_is_pf(void **state)
{
	unmapped[1] = true;
	regs.rdi = DATA_VA + 8;
	regs.rdx = 0x80;
	assert_int_equal(RUN(GP, 0x6c), PV_EMUL_RAISE_PF);
	assert_int_equal(out.cr2, DATA_VA + 8);
	assert_int_equal(out.error_code, PFEC_FAKE);
	check_regs();
}

static void test_string_io_noncanonical_is_gp(void **state)
{
	regs.rsi = 0x0000800000000000ull;
	assert_int_equal(RUN(GP, 0x6e), PV_EMUL_RAISE_GP);
	assert_int_equal(out.error_code, 0);
	/* A dword whose last byte leaves the canonical range. */
	regs.rsi = 0x00007ffffffffffeull;
	assert_int_equal(RUN(GP, 0x6f), PV_EMUL_RAISE_GP);
	assert_int_equal(f.reads + f.io_writes, 0);
	check_regs();
}

static void test_string_io_refused_before_memory(void **state)
{
	f.io_ok = false;
	regs.rsi = DATA_VA;
	regs.rcx = 5;
	assert_int_equal(RUN(GP, 0xf3, 0x6e), PV_EMUL_RAISE_GP);
	assert_int_equal(f.reads + f.io_writes, 0);
	check_regs();
}

static void test_rep_budget_restarts(void **state)
{
	unsigned int n = PV_EMUL_REP_BUDGET + 5;

	regs.rsi = DATA_VA;
	regs.rcx = n;
	regs.rdx = 0x80;
	assert_int_equal(RUN(GP, 0xf3, 0x6e), PV_EMUL_DONE);
	assert_int_equal(out.length, 0);
	assert_int_equal(f.io_writes, PV_EMUL_REP_BUDGET);
	want.rsi = DATA_VA + PV_EMUL_REP_BUDGET;
	want.rcx = 5;
	check_regs(); /* rip (and RF) unchanged: the guest re-executes */

	/* The re-execution finishes the job. */
	want = regs;
	assert_int_equal(pv_emulate(&regs, GP, true, &ops, NULL, &out), PV_EMUL_DONE);
	assert_int_equal(f.io_writes, n);
	want.rsi = DATA_VA + n;
	want.rcx = 0;
	check_done(2);
}

static void test_lock_on_io_is_ud(void **state)
{
	assert_int_equal(RUN(GP, 0xf0, 0xee), PV_EMUL_RAISE_UD);
	assert_int_equal(RUN(GP, 0xf0, 0xf3, 0x6e), PV_EMUL_RAISE_UD);
	assert_int_equal(f.io_writes, 0);
}

/* ---------------------------------------------------------------------------
 * cli/sti, hlt, caches.
 */

static void test_cli_sti(void **state)
{
	assert_int_equal(RUN_USER(GP, 0xfa), PV_EMUL_DONE); /* the op decides, even for user mode */
	check_done(1);
	assert_int_equal(RUN(GP, 0xfb), PV_EMUL_DONE);
	check_done(1);
	assert_string_equal(f.log, "clisti");
	f.rc = -EPERM;
	assert_int_equal(RUN(GP, 0xfa), PV_EMUL_RAISE_GP);
	check_regs();
}

static void test_hlt(void **state)
{
	assert_int_equal(RUN(GP, 0xf4), PV_EMUL_DONE);
	check_done(1);
	assert_int_equal(RUN_USER(GP, 0xf4), PV_EMUL_RAISE_GP);
	assert_string_equal(f.log, "hlt");
}

static void test_wbinvd_invd(void **state)
{
	assert_int_equal(RUN(GP, 0x0f, 0x09), PV_EMUL_DONE);
	check_done(2);
	assert_int_equal(RUN(GP, 0x0f, 0x08), PV_EMUL_DONE);
	check_done(2);
	assert_int_equal(RUN(GP, 0xf3, 0x0f, 0x09), PV_EMUL_DONE); /* wbnoinvd: done as wbinvd */
	check_done(3);
	assert_int_equal(RUN_USER(GP, 0x0f, 0x09), PV_EMUL_RAISE_GP);
	assert_string_equal(f.log, "wbinvdinvdwbinvd");
}

/* ---------------------------------------------------------------------------
 * Prefixes, length, fetching, flags, dispatch.
 */

static void test_legacy_prefix_after_rex_voids_it(void **state)
{
	/* 41 66 0f 20 d9: the REX is not last, so rm = 1 is rcx, not r9. */
	f.val = 0x7000;
	assert_int_equal(RUN(GP, 0x41, 0x66, 0x0f, 0x20, 0xd9), PV_EMUL_DONE);
	want.rcx = 0x7000;
	check_done(5);
}

static void test_fifteen_bytes_ok_sixteen_gp(void **state)
{
	uint8_t code[16];

	memset(code, 0x66, sizeof(code));
	code[13] = 0x0f;
	code[14] = 0xa2;
	assert_int_equal(run_at(CODE_VA, code, 15, GP, true), PV_EMUL_DONE);
	want.rax = 1; /* what the fake cpuid gives for the setup pattern */
	want.rbx = 0x756e6547;
	want.rcx = 0x1112;
	want.rdx = 0x49656e69;
	check_done(15);

	setup(NULL);
	memset(code, 0x66, sizeof(code));
	code[14] = 0x0f;
	code[15] = 0xa2;
	assert_int_equal(run_at(CODE_VA, code, 16, GP, true), PV_EMUL_RAISE_GP);
	assert_int_equal(out.error_code, 0);
	assert_string_equal(f.log, "");
	check_regs();
	for (unsigned int i = 0; i < f.fetches && i < 8; i++)
		assert_true(f.fetch_va[i] + f.fetch_len[i] <= CODE_VA + 15);
}

static void test_fetch_failure_is_pf(void **state)
{
	unmapped[0] = true;
	assert_int_equal(RUN(GP, 0x0f, 0xa2), PV_EMUL_RAISE_PF);
	assert_int_equal(out.cr2, CODE_VA);
	assert_int_equal(out.error_code, PFEC_FAKE);
	check_regs();
}

static void test_instruction_straddles_pages(void **state)
{
	/* 0f in the last byte of page 0, a2 first on page 1: two fetches, split at the page. */
	assert_int_equal(run_at(MEM_VA + PG - 1, BYTES(0x0f, 0xa2), 2, GP, true), PV_EMUL_DONE);
	assert_int_equal(f.fetches, 2);
	assert_int_equal(f.fetch_va[0], MEM_VA + PG - 1);
	assert_int_equal(f.fetch_len[0], 1);
	assert_int_equal(f.fetch_va[1], MEM_VA + PG);
	assert_int_equal(f.fetch_len[1], 14);
	want.rax = 1; /* leaf 0 (EAX of the pattern) ^ 1 */
	want.rbx = 0x756e6547;
	want.rcx = 0x1112; /* subleaf 0x1111 + 1 */
	want.rdx = 0x49656e69;
	check_done(2);

	/* Second half unmapped: #PF at the start of page 1. */
	setup(NULL);
	unmapped[1] = true;
	assert_int_equal(run_at(MEM_VA + PG - 1, BYTES(0x0f), 1, GP, true), PV_EMUL_RAISE_PF);
	assert_int_equal(out.cr2, MEM_VA + PG);
}

static void test_single_step_and_rf(void **state)
{
	regs.rflags |= TF | DF;
	assert_int_equal(RUN(GP, 0xfb), PV_EMUL_DONE);
	assert_true(out.single_step);
	assert_int_equal(regs.rflags, (0x202 | TF | DF)); /* only RF cleared */
	check_done(1);

	setup(NULL);
	assert_int_equal(RUN(GP, 0xfb), PV_EMUL_DONE);
	assert_false(out.single_step);
}

static void test_unhandled_instructions(void **state)
{
	assert_int_equal(RUN(GP, 0x90), PV_EMUL_UNHANDLED);		/* nop */
	assert_int_equal(RUN(GP, 0x0f, 0x01, 0xf8), PV_EMUL_UNHANDLED); /* swapgs */
	assert_int_equal(RUN(GP, 0x0f, 0x0b), PV_EMUL_UNHANDLED);	/* ud2 */
	assert_int_equal(RUN(GP, 0x0f, 0x00, 0xd0), PV_EMUL_UNHANDLED); /* lldt %ax */
	assert_int_equal(RUN(GP, 0xcf), PV_EMUL_UNHANDLED);		/* iret */
	assert_string_equal(f.log, "");
	check_regs();
}

static void test_other_trap_vectors_unhandled(void **state)
{
	assert_int_equal(RUN(14, 0x0f, 0xa2), PV_EMUL_UNHANDLED);
	assert_int_equal(RUN(3, 0x0f, 0xa2), PV_EMUL_UNHANDLED);
	assert_string_equal(f.log, "");
	assert_int_equal(f.fetches, 0);
}

static void test_missing_op_is_unhandled(void **state)
{
	static const struct pv_emul_ops sparse = {.fetch = fake_fetch, .read_guest = fake_read};
	static const struct pv_emul_ops no_fetch = {.cpuid = fake_cpuid};

	cur_ops = &sparse;
	assert_int_equal(RUN(GP, 0x0f, 0xa2), PV_EMUL_UNHANDLED);
	assert_int_equal(RUN(UD, 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2), PV_EMUL_UNHANDLED);
	assert_int_equal(RUN(GP, 0x0f, 0x20, 0xd8), PV_EMUL_UNHANDLED);
	assert_int_equal(RUN(GP, 0xee), PV_EMUL_UNHANDLED);
	assert_int_equal(RUN(GP, 0xf3, 0x6e), PV_EMUL_UNHANDLED);
	assert_int_equal(RUN(GP, 0xfa), PV_EMUL_UNHANDLED);
	assert_int_equal(RUN(GP, 0x0f, 0x31), PV_EMUL_UNHANDLED);
	check_regs();

	cur_ops = &no_fetch; /* nothing works without fetch */
	assert_int_equal(RUN(GP, 0x0f, 0xa2), PV_EMUL_UNHANDLED);
	assert_string_equal(f.log, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_cpuid_faulting, setup),
	    cmocka_unit_test_setup(test_forced_cpuid, setup),
	    cmocka_unit_test_setup(test_forced_prefix_then_other_is_ud, setup),
	    cmocka_unit_test_setup(test_ud_without_prefix_is_unhandled, setup),
	    cmocka_unit_test_setup(test_ud2_at_page_end_is_guests_own_ud, setup),
	    cmocka_unit_test_setup(test_forced_cpuid_on_unmapped_page_is_pf, setup),
	    cmocka_unit_test_setup(test_forced_cpuid_with_lock_is_ud, setup),
	    cmocka_unit_test_setup(test_mov_from_cr3_to_r9, setup),
	    cmocka_unit_test_setup(test_mov_to_cr3_from_rax, setup),
	    cmocka_unit_test_setup(test_mov_cr8_with_rex_r, setup),
	    cmocka_unit_test_setup(test_mov_cr_other_registers, setup),
	    cmocka_unit_test_setup(test_mov_cr_ignores_mod_bits, setup),
	    cmocka_unit_test_setup(test_mov_cr_undefined_is_ud, setup),
	    cmocka_unit_test_setup(test_mov_cr_from_user_mode_is_gp, setup),
	    cmocka_unit_test_setup(test_mov_cr_op_errors, setup),
	    cmocka_unit_test_setup(test_mov_dr, setup),
	    cmocka_unit_test_setup(test_mov_dr_rex_r_is_ud_and_user_is_gp, setup),
	    cmocka_unit_test_setup(test_clts, setup),
	    cmocka_unit_test_setup(test_rdmsr, setup),
	    cmocka_unit_test_setup(test_rdmsr_failure_is_gp0, setup),
	    cmocka_unit_test_setup(test_wrmsr, setup),
	    cmocka_unit_test_setup(test_rdtsc_rdtscp_rdpmc, setup),
	    cmocka_unit_test_setup(test_rdtsc_faults_from_op, setup),
	    cmocka_unit_test_setup(test_in_imm8_byte_word_dword, setup),
	    cmocka_unit_test_setup(test_out_imm8_and_dx, setup),
	    cmocka_unit_test_setup(test_in_dx, setup),
	    cmocka_unit_test_setup(test_io_refused_is_gp, setup),
	    cmocka_unit_test_setup(test_outsb_single, setup),
	    cmocka_unit_test_setup(test_rep_outsl, setup),
	    cmocka_unit_test_setup(test_rep_outsb_with_df_goes_down, setup),
	    cmocka_unit_test_setup(test_rep_insw, setup),
	    cmocka_unit_test_setup(test_rep_count_zero_touches_nothing, setup),
	    cmocka_unit_test_setup(test_string_io_addr32, setup),
	    cmocka_unit_test_setup(test_outs_fs_override_and_ins_ignores_it, setup),
	    cmocka_unit_test_setup(test_outsl_across_page_boundary, setup),
	    cmocka_unit_test_setup(test_rep_outsb_faults_midway, setup),
	    cmocka_unit_test_setup(test_ins_write_fault_is_pf, setup),
	    cmocka_unit_test_setup(test_string_io_noncanonical_is_gp, setup),
	    cmocka_unit_test_setup(test_string_io_refused_before_memory, setup),
	    cmocka_unit_test_setup(test_rep_budget_restarts, setup),
	    cmocka_unit_test_setup(test_lock_on_io_is_ud, setup),
	    cmocka_unit_test_setup(test_cli_sti, setup),
	    cmocka_unit_test_setup(test_hlt, setup),
	    cmocka_unit_test_setup(test_wbinvd_invd, setup),
	    cmocka_unit_test_setup(test_legacy_prefix_after_rex_voids_it, setup),
	    cmocka_unit_test_setup(test_fifteen_bytes_ok_sixteen_gp, setup),
	    cmocka_unit_test_setup(test_fetch_failure_is_pf, setup),
	    cmocka_unit_test_setup(test_instruction_straddles_pages, setup),
	    cmocka_unit_test_setup(test_single_step_and_rf, setup),
	    cmocka_unit_test_setup(test_unhandled_instructions, setup),
	    cmocka_unit_test_setup(test_other_trap_vectors_unhandled, setup),
	    cmocka_unit_test_setup(test_missing_op_is_unhandled, setup),
	};

	return cmocka_run_group_tests_name("pv_emulate", tests, NULL, NULL);
}
