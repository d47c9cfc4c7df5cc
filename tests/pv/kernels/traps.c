/*
 * tests/pv/kernels/traps.c - exceptions and their delivery to a 64-bit PV
 * kernel: the bounce frame, error codes and CR2, software interrupts and
 * their DPL checks, HYPERVISOR_iret, set_trap_table, the callbacks (event
 * upcall, syscall from user mode), stack_switch and guest user mode.
 * Emulated privileged instructions and the per-vCPU state hypercalls are
 * in cpu.c.
 *
 * The trap table pv_main installed (traps.c) has a stub for every vector;
 * tests that change an entry restore the default with
 * traps_install_default().  Where Xen 4.17 does something one would not
 * guess, the comment says so: Keel must do the same.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/event_channel.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define EFLAGS_CF    0x1UL
#define EFLAGS_FIXED 0x2UL
#define EFLAGS_ZF    0x40UL
#define EFLAGS_IF    0x200UL
#define EFLAGS_IOPL  0x3000UL

/* Xen's bounce frame without and with an error code (rcx, r11, [ec], rip..ss). */
#define FRAME_BYTES    (7 * 8)
#define FRAME_EC_BYTES (8 * 8)

#define PFEC_PRESENT 0x1
#define PFEC_WRITE   0x2
#define PFEC_USER    0x4
#define PFEC_INSN    0x10

/* Points trap-table entry @vector at its stub with @flags (DPL, bit 2: mask events). */
static long set_vector(unsigned int vector, unsigned int flags)
{
	struct trap_info t[2] = {
	    {.vector = vector,
	     .flags = flags,
	     .cs = FLAT_KERNEL_CS,
	     .address = pv_trap_stub(vector)},
	    {0},
	};

	return hyp_set_trap_table(t);
}

static unsigned long read_cr2(void)
{
	unsigned long v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
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
	__asm__ volatile("1: ud2\n2:\n" PV_FIXUP("1b", "2b")::: "memory");
	EXPECT_EQ(pv_trap_count, 1);
	pv_trap_reset();
}

/* -------------------------------------------------------------------------- */

TEST(page_fault, write_not_present)
{
	pv_trap_reset();
	__asm__ volatile("1: movq $0, 0x1000\n2:\n" PV_FIXUP("1b", "2b")::: "memory");
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

TEST(exception, divide_error)
{
	unsigned long at;

	pv_trap_reset();
	__asm__ volatile(
	    "lea 1f(%%rip), %[a]\n xor %%ecx, %%ecx\n mov $1, %%eax\n xor %%edx, %%edx\n"
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
	PV_TRAP_AT("int3", at, end);
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
	PV_TRAP_AT("int3", at, end);
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
		PV_TRAP_AT("int $0", at, end);
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
		PV_TRAP_AT("int $0x80", at, end);
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
	PV_TRAP_AT("int $0", at, end);
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
		PV_TRAP_AT("int $0x80", at, end);
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

static bool recover_at_iret_recover(struct pv_trap_regs *r, struct pv_iret_frame *f);

__asm__(".pushsection .text\n"
	"iret_to_non_canonical:\n"
	"  mov %rsp, %rax\n"
	"  pushq $0xe02b\n" /* FLAT_KERNEL_SS */
	"  push %rax\n"
	"  pushq $2\n"
	"  pushq $0xe030\n" /* FLAT_KERNEL_CS, RPL 0 */
	"  mov $0x0000800000000000, %rax\n"
	"  push %rax\n"
	"  pushq $0\n"
	"  jmp hypercall_page + 23 * 32\n"
	"iret_recover: ret\n"
	".popsection");
extern const uint8_t iret_recover[];
void iret_to_non_canonical(void);

static bool recover_at_iret_recover(struct pv_trap_regs *r, struct pv_iret_frame *f)
{
	f->rip = (unsigned long)iret_recover;
	return true;
}

/*
 * HYPERVISOR_iret to a non-canonical rip is not fatal: Xen 4.17 delivers
 * #GP(0) with that rip (and the frame's rsp) in the exception frame.
 */
TEST(iret, non_canonical_rip_is_gp)
{
	pv_trap_reset();
	pv_trap_hook = recover_at_iret_recover;
	iret_to_non_canonical();
	pv_trap_hook = NULL;
	ASSERT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	EXPECT_EQ(pv_last_trap.rip, 0x0000800000000000UL);
	EXPECT_EQ(pv_last_trap.cs & 0xffff, FLAT_KERNEL_CS & ~3);
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
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
	EXPECT_EQ(traps_init(), 0);
}

static long evtchn_op(unsigned int cmd, void *arg)
{
	return pv_hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

/*
 * The event callback: with an event pending and the upcall mask clear, Xen
 * enters the callback on the next exit to the guest (here the return from a
 * hypercall), with events masked and a frame like an exception's without an
 * error code: rip is the hypercall stub's instruction after syscall, the
 * saved mask (cs bits 32-39) 0 and rflags.IF set.
 */
TEST(callbacks, event_upcall)
{
	struct evtchn_bind_ipi bind = {.vcpu = 0};
	struct evtchn_send send;
	struct evtchn_close close;
	unsigned long stub = (unsigned long)hypercall_page + __HYPERVISOR_xen_version * 32;
	volatile xen_ulong_t *mask = pv_shared_info->evtchn_mask;
	volatile xen_ulong_t *pending = pv_shared_info->evtchn_pending;
	bool at_stub = false;

	ASSERT_EQ(evtchn_op(EVTCHNOP_bind_ipi, &bind), 0);
	mask[bind.port / 64] &= ~(1UL << (bind.port % 64));
	send.port = bind.port;
	/*
	 * The upcall comes on the first way back to the guest once it unmasks:
	 * the hypercall's return, unless an interrupt (Keel's scheduler tick)
	 * lands between the unmask and the hypercall, which delivers it there,
	 * just as rightly.  So a few tries, and one must find it at the stub.
	 */
	for (unsigned int attempt = 0; attempt < 5 && !at_stub; attempt++) {
		pv_trap_reset();
		ASSERT_EQ(evtchn_op(EVTCHNOP_send, &send), 0);
		EXPECT_EQ(pv_trap_count, 0);
		EXPECT_EQ(pv_vcpu0->evtchn_upcall_pending, 1);
		EXPECT_TRUE(pending[bind.port / 64] & (1UL << (bind.port % 64)));
		pv_vcpu0->evtchn_upcall_mask = 0;
		EXPECT_EQ(hyp_xen_version(XENVER_version, NULL), 4 << 16 | 17);
		pv_vcpu0->evtchn_upcall_mask = 1;
		ASSERT_EQ(pv_trap_count, 1);
		EXPECT_EQ(pv_last_trap.vector, PV_VEC_EVENT);
		EXPECT_EQ(pv_last_trap.upcall_mask, 1);
		EXPECT_EQ(pv_last_trap.cs, FLAT_KERNEL_CS & ~3);
		EXPECT_EQ(pv_last_trap.rflags & EFLAGS_IF, EFLAGS_IF);
		EXPECT_EQ(pv_last_trap.ss, FLAT_KERNEL_SS);
		at_stub = pv_last_trap.rip > stub && pv_last_trap.rip < stub + 32;
		pending[bind.port / 64] &= ~(1UL << (bind.port % 64));
		pv_vcpu0->evtchn_upcall_pending = 0;
	}
	EXPECT_TRUE(at_stub);
	close.port = bind.port;
	EXPECT_EQ(evtchn_op(EVTCHNOP_close, &close), 0);
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

/*
 * Guest user mode.  The user page table is our kernel's L4 itself (every
 * mapping of a 64-bit PV guest is user-accessible in the real page tables),
 * so user code can be ordinary text: the snippets below.  A trap from user
 * mode lands on the stack given to stack_switch; the hook records it and
 * returns into kernel mode.
 */
__asm__(".pushsection .text\n"
	"user_syscall: mov $0x1234, %eax\n mov $0x5678, %r11\n syscall\n"
	"user_syscall_ret: ud2\n"
	"user_int80: int $0x80\n ud2\n"
	"user_int0: int $0\n ud2\n"
	"user_ud2: ud2\n"
	"user_write_0x1000: movq $0, 0x1000\n"
	"user_read_cr3: mov %cr3, %rax\n ud2\n"
	"user_cli: cli\n ud2\n"
	".popsection");
extern const uint8_t user_syscall[], user_syscall_ret[], user_int80[], user_int0[], user_ud2[],
    user_write_0x1000[], user_read_cr3[], user_cli[];

static uint8_t *user_kstack, *user_stack;

static bool back_from_user(struct pv_trap_regs *r, struct pv_iret_frame *f)
{
	if ((f->cs & 3) != 3)
		return false;
	pv_trap_return_to_kernel(r, f, 0x600d);
	return true;
}

/* Runs @rip in user mode until its first trap; returns false if that failed. */
static bool run_user(const uint8_t *rip)
{
	if (!user_kstack) {
		user_kstack = mm_alloc_page();
		user_stack = mm_alloc_page();
	}
	if (mm_mmuext1(MMUEXT_NEW_USER_BASEPTR, mm_l4_mfn(), 0) ||
	    pv_hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, user_kstack + PV_PAGE_SIZE))
		return false;
	pv_trap_reset();
	pv_trap_hook = back_from_user;
	if (pv_user_enter((unsigned long)rip, (unsigned long)user_stack + PV_PAGE_SIZE - 8) !=
	    0x600d)
		return false;
	pv_trap_hook = NULL;
	return pv_trap_count == 1;
}

/* Checks the parts of a frame every trap from user mode shares. */
static void check_user_frame(unsigned int vector, unsigned long rip, unsigned int nr_extra)
{
	EXPECT_EQ(pv_last_trap.vector, vector);
	EXPECT_EQ(pv_last_trap.nr_extra, nr_extra);
	EXPECT_EQ(pv_last_trap.rip, rip);
	/* User mode: cs with RPL 3; events were masked (saved mask 1, IF clear). */
	EXPECT_EQ(pv_last_trap.cs, FLAT_USER_CS | 1UL << 32);
	EXPECT_EQ(pv_last_trap.ss, FLAT_USER_SS);
	EXPECT_EQ(pv_last_trap.rsp, (unsigned long)user_stack + PV_PAGE_SIZE - 8);
	EXPECT_EQ(pv_last_trap.rflags & EFLAGS_IF, 0);
	/* On the stack_switch stack, 16-byte aligned. */
	EXPECT_EQ(pv_last_trap.frame_addr, (unsigned long)user_kstack + PV_PAGE_SIZE -
					       (nr_extra ? FRAME_EC_BYTES : FRAME_BYTES));
	EXPECT_EQ(pv_vcpu0->evtchn_upcall_mask, 1);
}

/*
 * syscall in user mode enters the syscall callback in kernel mode: rcx and
 * r11 in the frame are what the syscall instruction left in them (the
 * return rip and the real rflags, whose IF is always set), while the frame's
 * rflags has the virtual IF (clear: events were masked); rax is untouched.
 */
TEST(user_mode, syscall_callback)
{
	ASSERT_TRUE(run_user(user_syscall));
	check_user_frame(PV_VEC_SYSCALL, (unsigned long)user_syscall_ret, 0);
	EXPECT_EQ(pv_last_trap.rax, 0x1234);
	EXPECT_EQ(pv_last_trap.frame_rcx, (unsigned long)user_syscall_ret);
	EXPECT_EQ(pv_last_trap.frame_r11, pv_last_trap.rflags | EFLAGS_IF);
}

TEST(user_mode, exceptions)
{
	ASSERT_TRUE(run_user(user_ud2));
	check_user_frame(6, (unsigned long)user_ud2, 0);
	/* A user-mode #PF has the U bit in its error code. */
	ASSERT_TRUE(run_user(user_write_0x1000));
	check_user_frame(14, (unsigned long)user_write_0x1000, 1);
	EXPECT_EQ(pv_last_trap.extra[0], PFEC_USER | PFEC_WRITE);
	EXPECT_EQ(pv_last_trap.cr2, 0x1000);
	/* Nothing is emulated for user mode: mov from %cr3 and cli are #GP(0). */
	ASSERT_TRUE(run_user(user_read_cr3));
	check_user_frame(13, (unsigned long)user_read_cr3, 1);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	ASSERT_TRUE(run_user(user_cli));
	check_user_frame(13, (unsigned long)user_cli, 1);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
}

/*
 * From user mode `int $0` needs DPL 3 (else #GP(0 << 3 | 2)); Xen 4.17
 * delivers `int $0x80` whatever its DPL, from user mode too.
 */
TEST(user_mode, software_interrupt_dpl)
{
	for (unsigned int dpl = 0; dpl < 4; dpl++) {
		ASSERT_EQ(set_vector(0, dpl), 0);
		ASSERT_EQ(set_vector(0x80, dpl), 0);
		ASSERT_TRUE(run_user(user_int0));
		if (dpl == 3) {
			check_user_frame(0, (unsigned long)user_int0 + 2, 0);
		} else {
			check_user_frame(13, (unsigned long)user_int0, 1);
			EXPECT_EQ(pv_last_trap.extra[0], 0 << 3 | 2);
		}
		ASSERT_TRUE(run_user(user_int80));
		check_user_frame(0x80, (unsigned long)user_int80 + 2, 0);
	}
	EXPECT_EQ(traps_install_default(), 0);
}

/* -------------------------------------------------------------------------- */

TEST(trap_table, bad_pointer)
{
	EXPECT_EQ(hyp_set_trap_table((void *)0x1000), -XEN_EFAULT);
	EXPECT_EQ(hyp_set_trap_table((void *)HYPERVISOR_VIRT_START), -XEN_EFAULT);
	EXPECT_EQ(traps_install_default(), 0);
}

/* A NULL list clears the table (crash_no_handler.c shows what a trap then does). */
TEST(trap_table, null_clears)
{
	EXPECT_EQ(hyp_set_trap_table(NULL), 0);
	EXPECT_EQ(traps_install_default(), 0);
}
