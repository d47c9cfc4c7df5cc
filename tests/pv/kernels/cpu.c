/*
 * tests/pv/kernels/cpu.c - the CPU as a 64-bit PV kernel sees it: which
 * privileged instructions Xen emulates (control and debug registers, clts,
 * wbinvd, MSRs) and which it bounces as #GP, forced-emulation CPUID, and
 * the hypercalls for per-vCPU state: fpu_taskswitch, set_segment_base,
 * set_debugreg/get_debugreg and vm_assist.
 *
 * Where Xen 4.17 does something one would not guess, the comment says so:
 * Keel must do the same.
 */
#include <stdint.h>

#include <xen/xen.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define CR0_PE		   0x1UL
#define CR0_TS		   0x8UL
#define CR0_PG		   0x80000000UL
#define MSR_FS_BASE	   0xc0000100U
#define MSR_GS_BASE	   0xc0000101U
#define MSR_SHADOW_GS_BASE 0xc0000102U
#define MSR_BOGUS	   0x12345678U

static unsigned long read_cr0(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static unsigned long read_cr3(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* rdmsr with a fixup; returns false if it trapped. */
static bool try_rdmsr(uint32_t msr, uint64_t *val)
{
	unsigned long before = pv_trap_count;
	uint32_t lo = 0, hi = 0;

	__asm__ volatile("1: rdmsr\n2:\n" PV_FIXUP("1b", "2b")
			 : "+a"(lo), "+d"(hi)
			 : "c"(msr)
			 : "memory");
	*val = (uint64_t)hi << 32 | lo;
	return pv_trap_count == before;
}

static bool try_wrmsr(uint32_t msr, uint64_t val)
{
	unsigned long before = pv_trap_count;

	__asm__ volatile("1: wrmsr\n2:\n" PV_FIXUP("1b", "2b")
			 :
			 : "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(msr)
			 : "memory");
	return pv_trap_count == before;
}

/* Xen's forced-emulation prefix (ud2; "xen") before cpuid. */
static void xen_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile(XEN_CPUID
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

/* -------------------------------------------------------------------------- */

TEST(privileged, hlt_is_gp)
{
	unsigned long at, end;

	pv_trap_reset();
	PV_TRAP_AT("hlt", at, end);
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	EXPECT_EQ(pv_last_trap.rip, at);
}

/* With the virtual IOPL at 0 (start of day) cli is not emulated: #GP(0). */
TEST(privileged, cli_is_gp)
{
	unsigned long at, end;

	pv_trap_reset();
	PV_TRAP_AT("cli", at, end);
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	EXPECT_EQ(pv_last_trap.rip, at);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
}

TEST(privileged, unknown_msr_is_gp)
{
	uint64_t v;

	pv_trap_reset();
	EXPECT_TRUE(!try_rdmsr(MSR_BOGUS, &v));
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	pv_trap_reset();
	EXPECT_TRUE(!try_wrmsr(MSR_BOGUS, 0));
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
}

TEST(privileged, control_registers)
{
	unsigned long cr0 = read_cr0();

	pv_printf("cr0 %#lx cr3 %#lx\n", cr0, read_cr3());
	EXPECT_EQ(cr0 & (CR0_PE | CR0_PG | CR0_TS), CR0_PE | CR0_PG);
	/* mov from %cr3: the machine address of the current L4. */
	EXPECT_EQ(read_cr3(), mm_l4_mfn() << 12);
}

/* Emulated: wbinvd, mov from %dr7, mov to/from %cr4.  #GP(0): invd, lidt, swapgs, sysret, %cr8. */
TEST(privileged, emulated_or_not)
{
	unsigned long at, end, v = 0;

	pv_trap_reset();
	PV_TRAP_AT("wbinvd", at, end);
	EXPECT_EQ(pv_trap_count, 0);
	__asm__ volatile("1: mov %%dr7, %0\n2:\n" PV_FIXUP("1b", "2b") : "+r"(v));
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(v, 0x400);
	__asm__ volatile("1: mov %%cr4, %0\n2:\n" PV_FIXUP("1b", "2b") : "+r"(v));
	EXPECT_EQ(pv_trap_count, 0);
	__asm__ volatile("1: mov %0, %%cr4\n2:\n" PV_FIXUP("1b", "2b") : : "r"(v));
	EXPECT_EQ(pv_trap_count, 0);

	PV_TRAP_AT("invd", at, end);
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.rip, at);
	PV_TRAP_AT("lidt (%%rsp)", at, end);
	EXPECT_EQ(pv_trap_count, 2);
	EXPECT_EQ(pv_last_trap.rip, at);
	PV_TRAP_AT("swapgs", at, end);
	EXPECT_EQ(pv_trap_count, 3);
	PV_TRAP_AT("sysretq", at, end);
	EXPECT_EQ(pv_trap_count, 4);
	__asm__ volatile("1: mov %%cr8, %0\n2:\n" PV_FIXUP("1b", "2b") : "+r"(v));
	EXPECT_EQ(pv_trap_count, 5);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	/* into (0xce) does not exist in long mode. */
	PV_TRAP_AT(".byte 0xce", at, end);
	EXPECT_EQ(pv_trap_count, 6);
	EXPECT_EQ(pv_last_trap.vector, 6);
	EXPECT_EQ(pv_last_trap.rip, at);
}

/* With the virtual IOPL at 0, port I/O is #GP(0). */
TEST(privileged, port_io_is_gp)
{
	unsigned long at, end;

	pv_trap_reset();
	PV_TRAP_AT("inb $0x80, %%al", at, end);
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	EXPECT_EQ(pv_last_trap.rip, at);
}

TEST(privileged, write_cr3_same)
{
	unsigned long cr3 = read_cr3();

	pv_trap_reset();
	__asm__ volatile("1: mov %0, %%cr3\n2:\n" PV_FIXUP("1b", "2b") : : "r"(cr3) : "memory");
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(read_cr3(), cr3);
}

/* -------------------------------------------------------------------------- */

#define CR4_TSD		  (1UL << 2)
#define CR4_DE		  (1UL << 3)
#define CR4_PAE		  (1UL << 5)
#define CR4_MCE		  (1UL << 6)
#define CR4_PGE		  (1UL << 7)
#define CR4_OSFXSR	  (1UL << 9)
#define CR4_OSXMMEXCPT	  (1UL << 10)
#define CR4_FSGSBASE	  (1UL << 16)
#define CR4_OSXSAVE	  (1UL << 18)
#define CR4_SMEP	  (1UL << 20)
#define CR4_SMAP	  (1UL << 21)
#define CR4_GUEST_CHOICE  (CR4_TSD | CR4_DE | CR4_FSGSBASE | CR4_OSXSAVE)
#define CR4_HOST_VISIBLE  (CR4_PAE | CR4_MCE | CR4_OSFXSR | CR4_OSXMMEXCPT)

static unsigned long read_cr4(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* mov to %cr4 with a fixup; returns false if it trapped. */
static bool try_write_cr4(unsigned long v)
{
	unsigned long before = pv_trap_count;

	__asm__ volatile("1: mov %0, %%cr4\n2:\n" PV_FIXUP("1b", "2b") : : "r"(v) : "memory");
	return pv_trap_count == before;
}

/*
 * The guest's CR4 is its own view: the hypervisor's PAE/MCE/OSFXSR/
 * OSXMMEXCPT and its own TSD/DE/FSGSBASE/OSXSAVE, nothing else.  Linux
 * writes back what it read with bits changed; Xen drops what a guest may
 * not set instead of refusing the write (Linux 6.1 oopses on a #GP there).
 */
TEST(privileged, cr4_is_a_view)
{
	unsigned long cr4 = read_cr4();

	pv_printf("cr4 %#lx\n", cr4);
	EXPECT_EQ(cr4 & ~(CR4_GUEST_CHOICE | CR4_HOST_VISIBLE), 0);
	EXPECT_EQ(cr4 & (CR4_PAE | CR4_OSFXSR), CR4_PAE | CR4_OSFXSR);
	pv_trap_reset();
	EXPECT_TRUE(try_write_cr4(cr4 | CR4_PGE | CR4_SMEP | CR4_SMAP | (1UL << 12)));
	EXPECT_EQ(read_cr4(), cr4);
	EXPECT_TRUE(try_write_cr4(cr4 & ~(CR4_PAE | CR4_OSFXSR)));
	EXPECT_EQ(read_cr4(), cr4);
	EXPECT_EQ(pv_trap_count, 0);
}

static unsigned long rdfsbase(void)
{
	unsigned long v = 0;

	__asm__ volatile("1: rdfsbase %0\n2:\n" PV_FIXUP("1b", "2b") : "+r"(v) : : "memory");
	return v;
}

/*
 * CR4.FSGSBASE is the guest's to set when its CPUID offers the feature:
 * then rdfsbase/wrfsbase run natively (the guest kernel is in ring 3, as
 * its user space is); cleared again, they are #UD.
 */
TEST(privileged, cr4_fsgsbase)
{
	unsigned long cr4 = read_cr4(), at, end;
	uint64_t msr = 0;
	uint32_t r[4];

	xen_cpuid(7, r);
	if (!(r[1] & 1)) {
		pv_printf("no FSGSBASE in CPUID: the bit must not stick\n");
		EXPECT_TRUE(try_write_cr4(cr4 | CR4_FSGSBASE));
		EXPECT_EQ(read_cr4() & CR4_FSGSBASE, 0);
		return;
	}
	pv_trap_reset();
	EXPECT_TRUE(try_write_cr4(cr4 | CR4_FSGSBASE));
	EXPECT_EQ(read_cr4(), cr4 | CR4_FSGSBASE);
	__asm__ volatile("1: wrfsbase %0\n2:\n" PV_FIXUP("1b", "2b") : : "r"(0x12345000UL) : "memory");
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(rdfsbase(), 0x12345000UL);
	EXPECT_TRUE(try_rdmsr(MSR_FS_BASE, &msr));
	EXPECT_EQ(msr, 0x12345000UL);
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0), 0);
	EXPECT_EQ(rdfsbase(), 0);
	EXPECT_TRUE(try_write_cr4(cr4 & ~CR4_FSGSBASE));
	EXPECT_EQ(read_cr4() & CR4_FSGSBASE, 0);
	PV_TRAP_AT("rdfsbase %%rax", at, end);
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 6);
	EXPECT_EQ(pv_last_trap.rip, at);
}

#define MSR_APIC_BASE 0x1bU
#define MSR_PAT	      0x277U

/*
 * Xen's answers: PAT is Xen's own (WB WT UC- UC WC WP UC UC), which page
 * table cache bits are written for, and is not the guest's to change;
 * the APIC base is a made-up enabled xAPIC at 0xfee00000, BSP on vCPU 0.
 */
TEST(privileged, pat_and_apic_base)
{
	uint64_t v = 0;

	pv_trap_reset();
	EXPECT_TRUE(try_rdmsr(MSR_PAT, &v));
	EXPECT_EQ(v, 0x0000050100070406ULL);
	EXPECT_TRUE(!try_wrmsr(MSR_PAT, 0x0007040600070406ULL));
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_TRUE(try_rdmsr(MSR_PAT, &v));
	EXPECT_EQ(v, 0x0000050100070406ULL);
	EXPECT_TRUE(try_rdmsr(MSR_APIC_BASE, &v));
	EXPECT_EQ(v, 0xfee00000ULL | 0x800 | 0x100);
}

#define MSR_MCG_CAP    0x179U
#define MSR_MCG_STATUS 0x17aU
#define MSR_MC_CTL(b)  (0x400U + 4 * (b))

/*
 * With MCE and MCA in CPUID, the machine-check registers are Xen's vMCE:
 * two banks that report nothing (Linux reads them all as it starts).
 */
TEST(privileged, machine_check_registers)
{
	uint64_t v = 1;
	uint32_t r[4];

	xen_cpuid(1, r);
	if ((r[3] & (1u << 7 | 1u << 14)) != (1u << 7 | 1u << 14)) {
		pv_printf("no MCE/MCA in CPUID\n");
		return;
	}
	pv_trap_reset();
	EXPECT_TRUE(try_rdmsr(MSR_MCG_CAP, &v));
	EXPECT_EQ(v & 0xff, 2);
	EXPECT_TRUE(try_rdmsr(MSR_MCG_STATUS, &v));
	EXPECT_EQ(v, 0);
	for (unsigned int b = 0; b < 2; b++) {
		EXPECT_TRUE(try_rdmsr(MSR_MC_CTL(b), &v));
		EXPECT_EQ(v, ~0ULL);
		EXPECT_TRUE(try_wrmsr(MSR_MC_CTL(b), 0));
		EXPECT_TRUE(try_rdmsr(MSR_MC_CTL(b), &v));
		EXPECT_EQ(v, ~0ULL);
		EXPECT_TRUE(try_rdmsr(MSR_MC_CTL(b) + 1, &v)); /* STATUS */
		EXPECT_EQ(v, 0);
		EXPECT_TRUE(try_wrmsr(MSR_MC_CTL(b) + 1, 0));
	}
	EXPECT_EQ(pv_trap_count, 0);
	/* The rest of the 32 architectural banks read 0; past them, #GP. */
	EXPECT_TRUE(try_rdmsr(MSR_MC_CTL(2), &v));
	EXPECT_EQ(v, 0);
	EXPECT_TRUE(try_rdmsr(MSR_MC_CTL(31) + 1, &v));
	EXPECT_EQ(v, 0);
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_TRUE(!try_rdmsr(MSR_MC_CTL(32), &v));
	EXPECT_EQ(pv_last_trap.vector, 13);
}

/* -------------------------------------------------------------------------- */

TEST(fpu, taskswitch_and_nm)
{
	unsigned long at, end;

	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_fpu_taskswitch, 1), 0);
	EXPECT_EQ(read_cr0() & CR0_TS, CR0_TS);
	pv_trap_reset();
	PV_TRAP_AT("fnop", at, end);
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 7);
	EXPECT_EQ(pv_last_trap.rip, at);
	/* Xen clears the virtual TS as it bounces #NM: the next use does not trap. */
	EXPECT_EQ(read_cr0() & CR0_TS, 0);
	pv_trap_reset();
	PV_TRAP_AT("fnop", at, end);
	EXPECT_EQ(pv_trap_count, 0);
}

/* clts is emulated: it clears the virtual TS. */
TEST(fpu, clts)
{
	unsigned long at, end;

	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_fpu_taskswitch, 1), 0);
	pv_trap_reset();
	PV_TRAP_AT("clts", at, end);
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(read_cr0() & CR0_TS, 0);
	PV_TRAP_AT("fnop", at, end);
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_fpu_taskswitch, 0), 0);
	EXPECT_EQ(read_cr0() & CR0_TS, 0);
}

/* mov to %cr0 is emulated for TS only; changing any other bit is #GP(0). */
TEST(fpu, write_cr0)
{
	unsigned long cr0 = read_cr0();

	pv_trap_reset();
	__asm__ volatile("1: mov %0, %%cr0\n2:\n" PV_FIXUP("1b", "2b") : : "r"(cr0 | CR0_TS));
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(read_cr0(), cr0 | CR0_TS);
	__asm__ volatile("1: mov %0, %%cr0\n2:\n" PV_FIXUP("1b", "2b") : : "r"(cr0));
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(read_cr0(), cr0);
	__asm__ volatile("1: mov %0, %%cr0\n2:\n" PV_FIXUP("1b", "2b") : : "r"(cr0 | 0x40000000));
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	EXPECT_EQ(read_cr0(), cr0);
}

/* -------------------------------------------------------------------------- */

TEST(cpuid, forced_emulation_xen_leaves)
{
	uint32_t r[4];
	char sig[13];

	xen_cpuid(0x40000000, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = 0;
	pv_printf("0x40000000: eax %#x \"%s\"\n", r[0], sig);
	EXPECT_EQ(strcmp(sig, "XenVMMXenVMM"), 0);
	EXPECT_EQ(r[0], 0x40000005);
	xen_cpuid(0x40000001, r);
	EXPECT_EQ(r[0], 4 << 16 | 17);
	xen_cpuid(0x40000002, r);
	EXPECT_EQ(r[0], 1);	     /* hypercall pages */
	EXPECT_EQ(r[1], 0x40000000); /* MSR base */
}

/* -------------------------------------------------------------------------- */

static long set_segment_base(unsigned int which, unsigned long base)
{
	return pv_hypercall2(__HYPERVISOR_set_segment_base, which, base);
}

static uint64_t segbase_data[2] = {0x1122334455667788UL, 0x99aabbccddeeff00UL};

TEST(segment_base, fs)
{
	uint64_t v = 0, msr = 0;

	ASSERT_EQ(set_segment_base(SEGBASE_FS, (unsigned long)segbase_data), 0);
	__asm__ volatile("mov %%fs:8, %0" : "=r"(v));
	EXPECT_EQ(v, segbase_data[1]);
	EXPECT_TRUE(try_rdmsr(MSR_FS_BASE, &msr));
	EXPECT_EQ(msr, (unsigned long)segbase_data);
	EXPECT_EQ(set_segment_base(SEGBASE_FS, 0), 0);
	EXPECT_TRUE(try_rdmsr(MSR_FS_BASE, &msr));
	EXPECT_EQ(msr, 0);
}

TEST(segment_base, gs_kernel_and_user)
{
	uint64_t v = 0, msr = 0;

	ASSERT_EQ(set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)segbase_data), 0);
	__asm__ volatile("mov %%gs:0, %0" : "=r"(v));
	EXPECT_EQ(v, segbase_data[0]);
	EXPECT_TRUE(try_rdmsr(MSR_GS_BASE, &msr));
	EXPECT_EQ(msr, (unsigned long)segbase_data);
	EXPECT_EQ(set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
	EXPECT_EQ(set_segment_base(SEGBASE_GS_USER, 0x12345000), 0);
	EXPECT_TRUE(try_rdmsr(MSR_SHADOW_GS_BASE, &msr));
	EXPECT_EQ(msr, 0x12345000);
	EXPECT_EQ(set_segment_base(SEGBASE_GS_USER, 0), 0);
	EXPECT_EQ(set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
}

TEST(segment_base, bad_arguments)
{
	EXPECT_EQ(set_segment_base(4, 0), -XEN_EINVAL);
	EXPECT_EQ(set_segment_base(~0U, 0), -XEN_EINVAL);
	EXPECT_EQ(set_segment_base(SEGBASE_FS, 0x0000800000000000UL), -XEN_EINVAL);
	EXPECT_EQ(set_segment_base(SEGBASE_GS_KERNEL, 0x8000000000000000UL), -XEN_EINVAL);
	EXPECT_EQ(set_segment_base(SEGBASE_GS_USER, 0x0000800000000000UL), -XEN_EINVAL);
}

/* -------------------------------------------------------------------------- */

static long set_debugreg(int reg, unsigned long value)
{
	return pv_hypercall2(__HYPERVISOR_set_debugreg, reg, value);
}

static long get_debugreg(int reg)
{
	return pv_hypercall1(__HYPERVISOR_get_debugreg, reg);
}

TEST(debugreg, address_registers)
{
	unsigned long a = (unsigned long)segbase_data;

	for (int r = 0; r < 4; r++) {
		EXPECT_EQ(set_debugreg(r, a + r), 0);
		EXPECT_EQ(get_debugreg(r), a + r);
	}
	/* Addresses in Xen's range or non-canonical are refused. */
	EXPECT_EQ(set_debugreg(0, HYPERVISOR_VIRT_START), -XEN_EPERM);
	EXPECT_EQ(set_debugreg(0, 0x0000800000000000UL), -XEN_EPERM);
	EXPECT_EQ(get_debugreg(0), a);
	for (int r = 0; r < 4; r++)
		EXPECT_EQ(set_debugreg(r, 0), 0);
}

/*
 * DR7: bit 10 reads as 1; reserved bits 11, 12, 14, 15 are dropped; bits
 * 32-63 are -EINVAL; general detect (bit 13) and an enabled I/O breakpoint
 * (R/W = 10, needs CR4.DE) are -EPERM.  A breakpoint's R/W and LEN bits are
 * kept even while it is disabled.
 */
TEST(debugreg, dr7)
{
	EXPECT_EQ(get_debugreg(7), 0x400);
	EXPECT_EQ(set_debugreg(7, 0), 0);
	EXPECT_EQ(get_debugreg(7), 0x400);
	EXPECT_EQ(set_debugreg(7, 0x1), 0);
	EXPECT_EQ(get_debugreg(7), 0x401);
	EXPECT_EQ(set_debugreg(7, 0x300), 0);
	EXPECT_EQ(get_debugreg(7), 0x700);
	EXPECT_EQ(set_debugreg(7, 0xd800), 0);
	EXPECT_EQ(get_debugreg(7), 0x400);
	EXPECT_EQ(set_debugreg(7, 0x30001), 0);
	EXPECT_EQ(get_debugreg(7), 0x30401);
	EXPECT_EQ(set_debugreg(7, 0x2000), -XEN_EPERM);
	EXPECT_EQ(set_debugreg(7, 0x20001), -XEN_EPERM);
	EXPECT_EQ(get_debugreg(7), 0x30401);
	EXPECT_EQ(set_debugreg(7, 0xffff0000), 0);
	EXPECT_EQ(get_debugreg(7), 0xffff0400);
	EXPECT_EQ(set_debugreg(7, 0x1UL << 32), -XEN_EINVAL);
	EXPECT_EQ(get_debugreg(7), 0xffff0400);
	EXPECT_EQ(set_debugreg(7, 0), 0);
}

/* DR6: the always-one bits (0xffff0ff0) are forced on, bit 12 dropped, 32-63 -EINVAL. */
TEST(debugreg, dr6)
{
	EXPECT_EQ(get_debugreg(6), 0xffff0ff0);
	EXPECT_EQ(set_debugreg(6, 0), 0);
	EXPECT_EQ(get_debugreg(6), 0xffff0ff0);
	EXPECT_EQ(set_debugreg(6, 0xf), 0);
	EXPECT_EQ(get_debugreg(6), 0xffff0fff);
	EXPECT_EQ(set_debugreg(6, 0x4000), 0);
	EXPECT_EQ(get_debugreg(6), 0xffff4ff0);
	EXPECT_EQ(set_debugreg(6, 0x1000), 0);
	EXPECT_EQ(get_debugreg(6), 0xffff0ff0);
	EXPECT_EQ(set_debugreg(6, 0x1UL << 32), -XEN_EINVAL);
	EXPECT_EQ(set_debugreg(6, 0), 0);
}

/*
 * Xen 4.17: a register number outside 0-7 is -ENODEV (the header promises
 * -EINVAL).  DR4 and DR5 alias DR6 and DR7 (CR4.DE is clear).
 */
TEST(debugreg, bad_register)
{
	EXPECT_EQ(set_debugreg(8, 0), -XEN_ENODEV);
	EXPECT_EQ(set_debugreg(-1, 0), -XEN_ENODEV);
	EXPECT_EQ(get_debugreg(8), -XEN_ENODEV);
	EXPECT_EQ(get_debugreg(-1), -XEN_ENODEV);
	EXPECT_EQ(set_debugreg(4, 0xf), 0);
	EXPECT_EQ(get_debugreg(6), 0xffff0fff);
	EXPECT_EQ(get_debugreg(4), 0xffff0fff);
	EXPECT_EQ(set_debugreg(5, 0x1), 0);
	EXPECT_EQ(get_debugreg(7), 0x401);
	EXPECT_EQ(get_debugreg(5), 0x401);
	EXPECT_EQ(set_debugreg(6, 0), 0);
	EXPECT_EQ(set_debugreg(7, 0), 0);
}

/* -------------------------------------------------------------------------- */

/* Xen 4.17 accepts types 0-5 and 32 from a 64-bit PV guest, even the 32-bit-only ones. */
TEST(vm_assist, types)
{
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_m2p_strict), 0);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_disable, VMASST_TYPE_m2p_strict), 0);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag), 0);
	for (unsigned int t = 0; t <= 5; t++) {
		EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, t), 0);
		EXPECT_EQ(hyp_vm_assist(VMASST_CMD_disable, t), 0);
	}
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, 6), -XEN_EINVAL);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, 31), -XEN_EINVAL);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, 33), -XEN_EINVAL);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, 64), -XEN_EINVAL);
	EXPECT_EQ(hyp_vm_assist(2, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS);
}
