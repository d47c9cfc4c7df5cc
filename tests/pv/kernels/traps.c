/*
 * tests/pv/kernels/traps.c - exceptions and their delivery to a 64-bit PV
 * kernel: the bounce frame, error codes and CR2, software interrupts and
 * their DPL checks, privileged instructions Xen emulates or refuses,
 * forced-emulation CPUID, HYPERVISOR_iret, callbacks, stack_switch,
 * fpu_taskswitch, set_segment_base, the debug registers and vm_assist.
 *
 * The trap table pv_main installed (traps.c) has a stub for every vector;
 * tests that change an entry restore the default with
 * traps_install_default().  Where Xen 4.17 does something one would not
 * guess, the comment says so: Keel must do the same.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/callback.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "tests/pv/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define EFLAGS_CF 0x1UL
#define EFLAGS_FIXED 0x2UL
#define EFLAGS_ZF 0x40UL
#define EFLAGS_IF 0x200UL
#define EFLAGS_DF 0x400UL
#define EFLAGS_IOPL 0x3000UL
#define CR0_PE 0x1UL
#define CR0_TS 0x8UL
#define CR0_PG 0x80000000UL
#define MSR_FS_BASE 0xc0000100U
#define MSR_GS_BASE 0xc0000101U
#define MSR_SHADOW_GS_BASE 0xc0000102U
#define MSR_BOGUS 0x12345678U

/* Xen's bounce frame without and with an error code (rcx, r11, [ec], rip..ss). */
#define FRAME_BYTES (7 * 8)
#define FRAME_EC_BYTES (8 * 8)

#define PFEC_PRESENT 0x1
#define PFEC_WRITE 0x2
#define PFEC_USER 0x4
#define PFEC_INSN 0x10

/* Points trap-table entry @vector at its stub with @flags (DPL, bit 2: mask events). */
static long set_vector(unsigned int vector, unsigned int flags)
{
	struct trap_info t[2] = {
		{.vector = vector, .flags = flags, .cs = FLAT_KERNEL_CS, .address = pv_trap_stub(vector)},
		{0},
	};

	return hyp_set_trap_table(t);
}

static unsigned long read_cr0(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static unsigned long read_cr2(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
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
	__asm__ volatile(XEN_CPUID : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* -------------------------------------------------------------------------- */

TEST(frame, layout_of_a_fault)
{
	unsigned long sp, at;

	pv_trap_reset();
	__asm__ volatile("mov %%rsp, %[sp]\n"
			 "lea 1f(%%rip), %[at]\n"
			 "mov $0x1111, %%rcx\n"
			 "mov $0x2222, %%r11\n"
			 "1: ud2\n2:\n" PV_FIXUP("1b", "2b")
			 : [sp] "=&r"(sp), [at] "=&r"(at)
			 :
			 : "rcx", "r11", "memory");
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 6);
	EXPECT_EQ(pv_last_trap.nr_extra, 0);
	EXPECT_EQ(pv_last_trap.frame_rcx, 0x1111);
	EXPECT_EQ(pv_last_trap.frame_r11, 0x2222);
	EXPECT_EQ(pv_last_trap.rip, at);
	/* Xen 4.17: a kernel-mode frame's cs has RPL 0 (0xe030, not 0xe033)... */
	EXPECT_EQ(pv_last_trap.cs & 0xffff, FLAT_KERNEL_CS & ~3);
	/* ...and bits 32-39 of its slot hold the saved upcall mask (events were masked). */
	EXPECT_EQ(pv_last_trap.cs >> 32, 1);
	EXPECT_EQ(pv_last_trap.rflags & (EFLAGS_IF | EFLAGS_FIXED), EFLAGS_FIXED);
	EXPECT_EQ(pv_last_trap.rsp, sp);
	EXPECT_EQ(pv_last_trap.ss, FLAT_KERNEL_SS);
	EXPECT_EQ(pv_last_trap.frame_addr, (sp & ~15UL) - FRAME_BYTES);
	EXPECT_EQ(pv_last_trap.upcall_mask, 1);
}

/* Xen aligns the bounce frame down to 16 bytes, as a 64-bit CPU would. */
TEST(frame, aligned_to_16)
{
	unsigned long sp;

	pv_trap_reset();
	__asm__ volatile("sub $8, %%rsp\n"
			 "mov %%rsp, %[sp]\n"
			 "1: ud2\n2:\n"
			 "add $8, %%rsp\n" PV_FIXUP("1b", "2b")
			 : [sp] "=&r"(sp)
			 :
			 : "memory");
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(sp & 15, 8);
	EXPECT_EQ(pv_last_trap.rsp, sp);
	EXPECT_EQ(pv_last_trap.frame_addr, (sp & ~15UL) - FRAME_BYTES);
}

TEST(frame, error_code_slot)
{
	unsigned long sp;

	pv_trap_reset();
	__asm__ volatile("mov %%rsp, %[sp]\n"
			 "1: movq $0, 0x1000\n2:\n" PV_FIXUP("1b", "2b")
			 : [sp] "=&r"(sp)
			 :
			 : "memory");
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(pv_last_trap.nr_extra, 1);
	EXPECT_EQ(pv_last_trap.frame_addr, (sp & ~15UL) - FRAME_EC_BYTES);
	EXPECT_EQ(pv_last_trap.rsp, sp);
}

/* A direct iretq (after `orb $3` on cs) returns from a kernel-mode trap too. */
TEST(frame, resume_with_iretq)
{
	pv_trap_reset();
	pv_trap_use_iretq = true;
	__asm__ volatile("1: ud2\n2:\n" PV_FIXUP("1b", "2b") ::: "memory");
	EXPECT_EQ(pv_trap_count, 1);
	pv_trap_reset();
}

/* -------------------------------------------------------------------------- */

TEST(page_fault, write_not_present)
{
	pv_trap_reset();
	__asm__ volatile("1: movq $0, 0x1000\n2:\n" PV_FIXUP("1b", "2b") ::: "memory");
	ASSERT_EQ(pv_trap_count, 1);
	/* Xen clears the U bit of the error code for a fault in kernel mode. */
	EXPECT_EQ(pv_last_trap.extra[0], PFEC_WRITE);
	EXPECT_EQ(pv_last_trap.cr2, 0x1000);
	/* mov from %cr2 is emulated: the last #PF address Xen delivered. */
	EXPECT_EQ(read_cr2(), 0x1000);
}

TEST(page_fault, read_not_present)
{
	uint64_t v;

	pv_trap_reset();
	EXPECT_TRUE(!pv_try_read((void *)0x2008, &v));
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	EXPECT_EQ(pv_last_trap.cr2, 0x2008);
	EXPECT_EQ(read_cr2(), 0x2008);
}

TEST(page_fault, write_read_only)
{
	volatile uint64_t *page = mm_alloc_page();

	ASSERT_EQ(mm_remap(page, false), 0);
	pv_trap_reset();
	EXPECT_TRUE(!pv_try_write(&page[3], 1));
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(pv_last_trap.extra[0], PFEC_PRESENT | PFEC_WRITE);
	EXPECT_EQ(pv_last_trap.cr2, (unsigned long)&page[3]);
	EXPECT_EQ(mm_remap(page, true), 0);
	EXPECT_TRUE(pv_try_write(&page[3], 1));
}

/* The read-only M2P at MACH2PHYS_VIRT_START: readable, not writable. */
TEST(page_fault, write_m2p)
{
	volatile unsigned long *m2p = (unsigned long *)MACH2PHYS_VIRT_START;
	unsigned long mfn = pfn_to_mfn(0);
	uint64_t v = 0;

	EXPECT_TRUE(pv_try_read(&m2p[mfn], &v));
	EXPECT_EQ(v, 0);
	pv_trap_reset();
	EXPECT_TRUE(!pv_try_write(&m2p[mfn], 5));
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(pv_last_trap.extra[0], PFEC_PRESENT | PFEC_WRITE);
	EXPECT_EQ(pv_last_trap.cr2, (unsigned long)&m2p[mfn]);
}

static bool return_to_caller(struct pv_trap_regs *r, struct pv_iret_frame *f)
{
	f->rip = *(uint64_t *)f->rsp;
	f->rsp += 8;
	return true;
}

/* An instruction fetch from an NX mapping: error code P | I/D. */
TEST(page_fault, execute_nx)
{
	uint8_t *page = mm_alloc_page();
	void (*fn)(void) = (void (*)(void))page;

	page[0] = 0xc3; /* ret */
	fn();
	ASSERT_EQ(mm_set_pte(page, (virt_to_mfn(page) << 12) | PTE_P | PTE_NX), 0);
	pv_trap_reset();
	pv_trap_hook = return_to_caller;
	fn();
	pv_trap_hook = NULL;
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(pv_last_trap.extra[0], PFEC_PRESENT | PFEC_INSN);
	EXPECT_EQ(pv_last_trap.cr2, (unsigned long)page);
	EXPECT_EQ(pv_last_trap.rip, (unsigned long)page);
}

/* Xen's own range faults like any supervisor-only mapping: #PF, U bit clear. */
TEST(page_fault, hypervisor_range)
{
	uint64_t v;

	pv_trap_reset();
	EXPECT_TRUE(!pv_try_read((void *)0xffff830000000000UL, &v));
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(pv_last_trap.extra[0] & (PFEC_USER | PFEC_WRITE), 0);
	EXPECT_EQ(pv_last_trap.cr2, 0xffff830000000000UL);
}

/* A non-canonical address is #GP(0), not #PF. */
TEST(general_protection, non_canonical)
{
	uint64_t v;

	pv_trap_reset();
	EXPECT_TRUE(!pv_try_read((void *)0x0000800000000000UL, &v));
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
}

/* -------------------------------------------------------------------------- */

#define TRAP_AT(insn, at, end)                                                                     \
	__asm__ volatile("lea 1f(%%rip), %[a]\n lea 2f(%%rip), %[e]\n1: " insn "\n2:\n"             \
			 PV_FIXUP("1b", "2b")                                                      \
			 : [a] "=&r"(at), [e] "=&r"(end)                                           \
			 :                                                                         \
			 : "memory")

TEST(exception, divide_error)
{
	unsigned long at;

	pv_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %[a]\n xor %%ecx, %%ecx\n mov $1, %%eax\n xor %%edx, %%edx\n"
			 "1: div %%ecx\n2:\n" PV_FIXUP("1b", "2b")
			 : [a] "=&r"(at)
			 :
			 : "rax", "rcx", "rdx", "memory");
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 0);
	EXPECT_EQ(pv_last_trap.nr_extra, 0);
	EXPECT_EQ(pv_last_trap.rip, at);
}

TEST(exception, int3_is_a_trap)
{
	unsigned long at, end;

	pv_trap_reset();
	TRAP_AT("int3", at, end);
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 3);
	EXPECT_EQ(pv_last_trap.rip, end);
}

/* int3 is injected as a hardware exception: the entry's DPL does not matter. */
TEST(exception, int3_ignores_dpl)
{
	unsigned long at, end;

	ASSERT_EQ(set_vector(3, 0), 0);
	pv_trap_reset();
	TRAP_AT("int3", at, end);
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 3);
	EXPECT_EQ(pv_last_trap.rip, end);
	EXPECT_EQ(traps_install_default(), 0);
}

/*
 * `int $N` from the guest kernel: the trap_info DPL says who may raise N;
 * Xen treats the guest kernel as privilege 1, so DPL 1-3 deliver vector N
 * (rip after the instruction) and DPL 0 gives #GP with error code
 * N << 3 | 2 (IDT) and rip at the instruction.  Only vector 0 is tested so:
 * Xen learns N from the CPU's #GP error code, which QEMU TCG gets wrong in
 * long mode (N << 4 | 2, the byte offset in the IDT), so under TCG Xen
 * delivers vector 2N instead of N for every other vector whose gate in Xen's
 * own IDT has DPL 0.
 */
static void check_int_dpl(unsigned int vector, unsigned int dpl, unsigned long at,
			  unsigned long end)
{
	EXPECT_EQ(pv_trap_count, 1);
	if (dpl == 0) {
		EXPECT_EQ(pv_last_trap.vector, 13);
		EXPECT_EQ(pv_last_trap.extra[0], vector << 3 | 2);
		EXPECT_EQ(pv_last_trap.rip, at);
	} else {
		EXPECT_EQ(pv_last_trap.vector, vector);
		EXPECT_EQ(pv_last_trap.nr_extra, 0);
		EXPECT_EQ(pv_last_trap.rip, end);
	}
}

TEST(software_interrupt, int_0_dpl)
{
	unsigned long at, end;

	for (unsigned int dpl = 0; dpl < 4; dpl++) {
		ASSERT_EQ(set_vector(0, dpl), 0);
		pv_trap_reset();
		TRAP_AT("int $0", at, end);
		check_int_dpl(0, dpl, at, end);
	}
	EXPECT_EQ(traps_install_default(), 0);
}

/*
 * Xen 4.17: `int $0x80` (whose gate in Xen's IDT has DPL 3) reaches the guest
 * kernel's vector 0x80 handler whatever DPL and flags the entry has: no #GP
 * for DPL 0, with or without the event-mask flag.
 */
TEST(software_interrupt, int_0x80_ignores_dpl)
{
	unsigned long at, end;

	for (unsigned int flags = 0; flags < 8; flags++) {
		ASSERT_EQ(set_vector(0x80, flags), 0);
		pv_trap_reset();
		TRAP_AT("int $0x80", at, end);
		EXPECT_EQ(pv_trap_count, 1);
		EXPECT_EQ(pv_last_trap.vector, 0x80);
		EXPECT_EQ(pv_last_trap.nr_extra, 0);
		EXPECT_EQ(pv_last_trap.rip, end);
	}
	EXPECT_EQ(traps_install_default(), 0);
	pv_vcpu0->evtchn_upcall_mask = 1;
}

/* The event-mask flag does not change the DPL check of `int $0`. */
TEST(software_interrupt, int_0_dpl_0_with_mask_flag)
{
	unsigned long at, end;

	ASSERT_EQ(set_vector(0, 4), 0);
	pv_trap_reset();
	TRAP_AT("int $0", at, end);
	check_int_dpl(0, 0, at, end);
	EXPECT_EQ(traps_install_default(), 0);
}

/*
 * trap_info flags bit 2: Xen masks events (vcpu_info.evtchn_upcall_mask)
 * when it delivers the trap; the frame keeps the old mask (in cs bits
 * 32-39 and as rflags.IF) and HYPERVISOR_iret restores it from rflags.IF.
 */
TEST(software_interrupt, event_mask_flag)
{
	unsigned long at, end;

	ASSERT_EQ(pv_vcpu0->evtchn_upcall_pending, 0);
	for (unsigned int mask_flag = 0; mask_flag <= 4; mask_flag += 4) {
		ASSERT_EQ(set_vector(0x80, 3 | mask_flag), 0);
		pv_trap_reset();
		pv_vcpu0->evtchn_upcall_mask = 0;
		TRAP_AT("int $0x80", at, end);
		EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 0);
		pv_vcpu0->evtchn_upcall_mask = 1;
		EXPECT_EQ(pv_trap_count, 1);
		EXPECT_EQ(pv_last_trap.upcall_mask, mask_flag ? 1 : 0);
		EXPECT_EQ(pv_last_trap.cs >> 32, 0);
		EXPECT_EQ(pv_last_trap.rflags & EFLAGS_IF, EFLAGS_IF);
	}
	EXPECT_EQ(traps_install_default(), 0);
}

/* -------------------------------------------------------------------------- */

TEST(privileged, hlt_is_gp)
{
	unsigned long at, end;

	pv_trap_reset();
	TRAP_AT("hlt", at, end);
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
	TRAP_AT("cli", at, end);
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
	TRAP_AT("wbinvd", at, end);
	EXPECT_EQ(pv_trap_count, 0);
	__asm__ volatile("1: mov %%dr7, %0\n2:\n" PV_FIXUP("1b", "2b") : "+r"(v));
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(v, 0x400);
	__asm__ volatile("1: mov %%cr4, %0\n2:\n" PV_FIXUP("1b", "2b") : "+r"(v));
	EXPECT_EQ(pv_trap_count, 0);
	__asm__ volatile("1: mov %0, %%cr4\n2:\n" PV_FIXUP("1b", "2b") : : "r"(v));
	EXPECT_EQ(pv_trap_count, 0);

	TRAP_AT("invd", at, end);
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.rip, at);
	TRAP_AT("lidt (%%rsp)", at, end);
	EXPECT_EQ(pv_trap_count, 2);
	EXPECT_EQ(pv_last_trap.rip, at);
	TRAP_AT("swapgs", at, end);
	EXPECT_EQ(pv_trap_count, 3);
	TRAP_AT("sysretq", at, end);
	EXPECT_EQ(pv_trap_count, 4);
	__asm__ volatile("1: mov %%cr8, %0\n2:\n" PV_FIXUP("1b", "2b") : "+r"(v));
	EXPECT_EQ(pv_trap_count, 5);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	/* into (0xce) does not exist in long mode. */
	TRAP_AT(".byte 0xce", at, end);
	EXPECT_EQ(pv_trap_count, 6);
	EXPECT_EQ(pv_last_trap.vector, 6);
	EXPECT_EQ(pv_last_trap.rip, at);
}

/* With the virtual IOPL at 0, port I/O is #GP(0). */
TEST(privileged, port_io_is_gp)
{
	unsigned long at, end;

	pv_trap_reset();
	TRAP_AT("inb $0x80, %%al", at, end);
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

TEST(fpu, taskswitch_and_nm)
{
	unsigned long at, end;

	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_fpu_taskswitch, 1), 0);
	EXPECT_EQ(read_cr0() & CR0_TS, CR0_TS);
	pv_trap_reset();
	TRAP_AT("fnop", at, end);
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 7);
	EXPECT_EQ(pv_last_trap.rip, at);
	/* Xen clears the virtual TS as it bounces #NM: the next use does not trap. */
	EXPECT_EQ(read_cr0() & CR0_TS, 0);
	pv_trap_reset();
	TRAP_AT("fnop", at, end);
	EXPECT_EQ(pv_trap_count, 0);
}

/* clts is emulated: it clears the virtual TS. */
TEST(fpu, clts)
{
	unsigned long at, end;

	EXPECT_EQ(pv_hypercall1(__HYPERVISOR_fpu_taskswitch, 1), 0);
	pv_trap_reset();
	TRAP_AT("clts", at, end);
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(read_cr0() & CR0_TS, 0);
	TRAP_AT("fnop", at, end);
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
	EXPECT_EQ(r[0], 1);          /* hypercall pages */
	EXPECT_EQ(r[1], 0x40000000); /* MSR base */
}

/* -------------------------------------------------------------------------- */

TEST(iret, restores_registers)
{
	struct iret_context in = {
		.rax = 0x1234,
		.r11 = 0x5678,
		.rcx = 0x9abc,
		.flags = 0,
		.cs = FLAT_KERNEL_CS & ~3,
		.rflags = EFLAGS_FIXED | EFLAGS_CF | EFLAGS_ZF | EFLAGS_IOPL,
		.ss = FLAT_KERNEL_SS,
	};
	struct iret_context out = {0};

	pv_iret_roundtrip(&in, &out);
	EXPECT_EQ(out.rax, 0x1234);
	EXPECT_EQ(out.r11, 0x5678);
	EXPECT_EQ(out.rcx, 0x9abc);
	EXPECT_EQ(out.cs, FLAT_KERNEL_CS);
	EXPECT_EQ(out.ss, FLAT_KERNEL_SS);
	/* The real IF is always set in a PV guest; the IOPL asked for is dropped. */
	EXPECT_EQ(out.rflags & 0xfff, EFLAGS_FIXED | EFLAGS_CF | EFLAGS_ZF | EFLAGS_IF);
	EXPECT_EQ(out.rflags & EFLAGS_IOPL, 0);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
}

/* rflags.IF in the iret frame becomes the inverse of the upcall mask. */
TEST(iret, if_unmasks_events)
{
	struct iret_context in = {
		.cs = FLAT_KERNEL_CS & ~3,
		.rflags = EFLAGS_FIXED | EFLAGS_IF,
		.ss = FLAT_KERNEL_SS,
	};
	struct iret_context out = {0};

	ASSERT_EQ(pv_vcpu0->evtchn_upcall_pending, 0);
	pv_iret_roundtrip(&in, &out);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 0);
	in.rflags = EFLAGS_FIXED;
	pv_iret_roundtrip(&in, &out);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
}

TEST(iret, in_syscall_flag)
{
	struct iret_context in = {
		.rax = 0x4321,
		.r11 = 0x5678,
		.rcx = 0x9abc,
		.flags = VGCF_in_syscall,
		.cs = FLAT_KERNEL_CS & ~3,
		.rflags = EFLAGS_FIXED | EFLAGS_CF,
		.ss = FLAT_KERNEL_SS,
	};
	struct iret_context out = {0};

	pv_iret_roundtrip(&in, &out);
	EXPECT_EQ(out.rax, 0x4321);
	EXPECT_EQ(out.rflags & 0xfff, EFLAGS_FIXED | EFLAGS_CF | EFLAGS_IF);
	/* r11 and rcx are not restored: Xen returns as sysret does. */
	EXPECT_EQ(out.rcx, out.rip);
	EXPECT_EQ(out.r11, out.rflags);
	EXPECT_EQ(out.cs, FLAT_KERNEL_CS);
	EXPECT_EQ(out.ss, FLAT_KERNEL_SS);
}

/* -------------------------------------------------------------------------- */

static long callback_register(unsigned int type, unsigned long address)
{
	struct callback_register cb = {.type = type, .address = address};

	return pv_hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
}

static long callback_unregister(unsigned int type)
{
	struct callback_unregister cb = {.type = type};

	return pv_hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_unregister, &cb);
}

TEST(callbacks, set_callbacks)
{
	EXPECT_EQ(pv_hypercall3(__HYPERVISOR_set_callbacks, pv_trap_stub(PV_VEC_EVENT),
				pv_trap_stub(PV_VEC_FAILSAFE), pv_trap_stub(PV_VEC_SYSCALL)),
		  0);
}

TEST(callbacks, callback_op)
{
	unsigned long a = pv_trap_stub(PV_VEC_EVENT);

	EXPECT_EQ(callback_register(CALLBACKTYPE_event, a), 0);
	EXPECT_EQ(callback_register(CALLBACKTYPE_failsafe, pv_trap_stub(PV_VEC_FAILSAFE)), 0);
	EXPECT_EQ(callback_register(CALLBACKTYPE_syscall, pv_trap_stub(PV_VEC_SYSCALL)), 0);
	EXPECT_EQ(callback_register(CALLBACKTYPE_nmi, a), 0);
	EXPECT_EQ(callback_register(CALLBACKTYPE_sysenter, a), 0);
	EXPECT_EQ(callback_register(CALLBACKTYPE_syscall32, a), 0);
	/* Xen 4.17: an unknown callback type is -ENOSYS, not -EINVAL. */
	EXPECT_EQ(callback_register(CALLBACKTYPE_sysenter_deprecated, a), -XEN_ENOSYS);
	EXPECT_EQ(callback_register(6, a), -XEN_ENOSYS);
	EXPECT_EQ(callback_register(99, a), -XEN_ENOSYS);
	/* Only the NMI callback can be unregistered. */
	EXPECT_EQ(callback_unregister(CALLBACKTYPE_event), -XEN_EINVAL);
	EXPECT_EQ(callback_unregister(CALLBACKTYPE_syscall), -XEN_EINVAL);
	EXPECT_EQ(callback_unregister(CALLBACKTYPE_nmi), 0);
	EXPECT_EQ(callback_unregister(99), -XEN_ENOSYS);
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, NULL), -XEN_EFAULT);
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register,
				HYPERVISOR_VIRT_START + 0x1000),
		  -XEN_EFAULT);
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_callback_op, 7, NULL), -XEN_ENOSYS);
	traps_init();
}

TEST(callbacks, stack_switch)
{
	unsigned long sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, sp), 0);
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_stack_switch, 0, sp), 0);
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, 0), 0);
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, sp), 0);
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

/* -------------------------------------------------------------------------- */

TEST(trap_table, bad_pointer)
{
	EXPECT_EQ(hyp_set_trap_table((void *)0x1000), -XEN_EFAULT);
	EXPECT_EQ(hyp_set_trap_table((void *)HYPERVISOR_VIRT_START), -XEN_EFAULT);
	EXPECT_EQ(traps_install_default(), 0);
}

static struct pv_iret_frame *ud_seen;

/* A NULL list clears the table: a trap then has no handler and Xen... */
TEST(trap_table, null_clears)
{
	EXPECT_EQ(hyp_set_trap_table(NULL), 0);
	EXPECT_EQ(traps_install_default(), 0);
	(void)ud_seen;
}
