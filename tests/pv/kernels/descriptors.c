/*
 * tests/pv/kernels/descriptors.c - descriptor tables of a 64-bit PV guest:
 * set_gdt, update_descriptor, mmuext set_ldt, and loading selectors from
 * the tables the guest installed.
 *
 * Xen checks every descriptor the guest installs and keeps its own flat
 * selectors (FLAT_KERNEL_CS etc., GDT entries from 7168 on) whatever GDT
 * the guest has, so our %cs and %ss never change here.  Where Xen 4.17
 * does something one would not guess, the comment says so: Keel must do
 * the same.
 */
#include <stdint.h>

#include <xen/xen.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

/* Descriptors: base 0, limit 4 GiB, present, DPL 3 unless said. */
#define DESC_DATA	 0x00cff3000000ffffUL /* data, writable, accessed */
#define DESC_DATA_NA	 0x00cff2000000ffffUL /* data, writable, not accessed */
#define DESC_CODE64	 0x00affb000000ffffUL /* 64-bit code, DPL 3 */
#define DESC_CODE64_DPL0 0x00af9b000000ffffUL
#define DESC_DATA_DPL0	 0x00cf93000000ffffUL
#define DESC_DATA_NP	 0x00cf73000000ffffUL /* data, not present */
#define DESC_TSS64	 0x0000e90000000067UL /* available 64-bit TSS, DPL 3 */
#define DESC_LDT	 0x0000e20000000fffUL /* LDT, DPL 3 */

#define SEL(index)     ((index) << 3 | 3)
#define LDT_SEL(index) ((index) << 3 | 4 | 3)

static long set_gdt(const unsigned long *frames, unsigned int entries)
{
	return pv_hypercall2(__HYPERVISOR_set_gdt, frames, entries);
}

static long update_descriptor(uint64_t maddr, uint64_t desc)
{
	return pv_hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

/* A spare page with @n descriptors from @descs, mapped read-only. */
static uint64_t *desc_page(const uint64_t *descs, unsigned int n)
{
	uint64_t *p = mm_alloc_page();

	memcpy(p, descs, n * sizeof(*descs));
	if (mm_remap(p, false))
		pv_fatal("desc_page: cannot remap read-only");
	return p;
}

/* mov @sel to %ds, then back to 0; returns the traps it caused. */
static unsigned long load_ds(unsigned int sel)
{
	unsigned long before = pv_trap_count;

	__asm__ volatile("1: mov %0, %%ds\n2:\n" PV_FIXUP("1b", "2b") : : "r"(sel) : "memory");
	__asm__ volatile("mov %0, %%ds" : : "r"(0) : "memory");
	return pv_trap_count - before;
}

static const uint64_t basic_gdt[] = {0, DESC_DATA, DESC_CODE64, DESC_DATA_NP};

/* -------------------------------------------------------------------------- */

/*
 * HYPERVISOR_iret may return to the guest's own selectors, not only Xen's
 * flat ones: Linux leaves to user space on __USER_CS/__USER_DS from its
 * GDT.  Here in kernel mode (RPL 0), to a 64-bit DPL 3 code descriptor and
 * a data one; then back to the flat selectors.
 */
TEST(set_gdt, iret_to_own_selectors)
{
	uint64_t *gdt = desc_page(basic_gdt, ARRAY_SIZE(basic_gdt));
	unsigned long frame = virt_to_mfn(gdt);
	struct iret_context in = {
	    .rax = 0x1234, .cs = SEL(2) & ~3UL, .rflags = 0x2, .ss = SEL(1) & ~3UL};
	struct iret_context out = {0};

	ASSERT_EQ(set_gdt(&frame, 4), 0);
	pv_iret_roundtrip(&in, &out);
	EXPECT_EQ(out.rax, 0x1234);
	EXPECT_EQ(out.cs, SEL(2));
	EXPECT_EQ(out.ss, SEL(1));
	in.cs = FLAT_KERNEL_CS & ~3UL;
	in.ss = FLAT_KERNEL_SS;
	pv_iret_roundtrip(&in, &out);
	EXPECT_EQ(out.cs, FLAT_KERNEL_CS);
	EXPECT_EQ(out.ss, FLAT_KERNEL_SS);
	EXPECT_EQ(set_gdt(&frame, 0), 0);
	EXPECT_EQ(mm_remap(gdt, true), 0);
	pv_vcpu0->evtchn_upcall_mask = 1;
}

TEST(set_gdt, install_and_load)
{
	uint64_t *gdt = desc_page(basic_gdt, ARRAY_SIZE(basic_gdt));
	unsigned long frame = virt_to_mfn(gdt);
	unsigned long sel = SEL(1);
	volatile uint64_t probe = 42;
	uint64_t v = 0;

	ASSERT_EQ(set_gdt(&frame, 4), 0);
	pv_trap_reset();
	__asm__ volatile("mov %[s], %%ds\n"
			 "mov %%ds:(%[p]), %[v]\n"
			 "mov %%ds, %[s]\n"
			 "mov %[z], %%ds\n"
			 : [s] "+r"(sel), [v] "=&r"(v)
			 : [p] "r"(&probe), [z] "r"(0)
			 : "memory");
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(v, 42);
	EXPECT_EQ(sel, SEL(1));
	EXPECT_EQ(gdt[1], DESC_DATA);
	/* Not present: #NP with the selector as error code. */
	EXPECT_EQ(load_ds(SEL(3)), 1);
	EXPECT_EQ(pv_last_trap.vector, 11);
	EXPECT_EQ(pv_last_trap.extra[0], SEL(3) & ~3);
	/* Past the entries given to set_gdt, in the frame or past it: #GP(selector). */
	EXPECT_EQ(load_ds(SEL(4)), 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], SEL(4) & ~3);
	EXPECT_EQ(load_ds(SEL(600)), 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], SEL(600) & ~3);
	/* In use, the frame cannot be mapped writable. */
	EXPECT_EQ(mm_remap(gdt, true), -XEN_EBUSY);
	/* An empty GDT: nothing below Xen's reserved entries. */
	EXPECT_EQ(set_gdt(&frame, 0), 0);
	EXPECT_EQ(load_ds(SEL(1)), 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], SEL(1) & ~3);
	EXPECT_EQ(mm_remap(gdt, true), 0);
}

/*
 * %fs from the guest's GDT: in long mode the load sets the FS base to the
 * descriptor's 32-bit base; set_segment_base puts a 64-bit base back.
 */
TEST(set_gdt, fs_from_gdt)
{
	static const uint64_t d[2] = {0, 0x00cff3001000ffffUL}; /* data, base 0x1000 */
	uint64_t *gdt = desc_page(d, 2);
	unsigned long frame = virt_to_mfn(gdt), sel = SEL(1);
	static volatile uint64_t probe = 0x600d;
	uint64_t v = 0;

	ASSERT_EQ(set_gdt(&frame, 2), 0);
	pv_trap_reset();
	__asm__ volatile("mov %[s], %%fs\n"
			 "mov %%fs:(%[p]), %[v]\n"
			 "mov %%fs, %[s]\n"
			 : [s] "+r"(sel), [v] "=&r"(v)
			 : [p] "r"((unsigned long)&probe - 0x1000)
			 : "memory");
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(v, 0x600d);
	EXPECT_EQ(sel, SEL(1));
	EXPECT_EQ(pv_hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0), 0);
	__asm__ volatile("mov %0, %%fs" : : "r"(0UL));
	EXPECT_EQ(set_gdt(&frame, 0), 0);
}

/*
 * A descriptor without the accessed bit is stored as given; loading it sets
 * the bit in the guest's (read-only to it) GDT frame.
 */
TEST(set_gdt, accessed_bit)
{
	static const uint64_t d[2] = {0, DESC_DATA_NA};
	uint64_t *gdt = desc_page(d, 2);
	unsigned long frame = virt_to_mfn(gdt);

	ASSERT_EQ(set_gdt(&frame, 2), 0);
	EXPECT_EQ(gdt[1], DESC_DATA_NA);
	pv_trap_reset();
	EXPECT_EQ(load_ds(SEL(1)), 0);
	EXPECT_EQ(gdt[1], DESC_DATA);
	EXPECT_EQ(set_gdt(&frame, 0), 0);
}

TEST(set_gdt, refused_frames)
{
	uint64_t *rw = mm_alloc_page();
	unsigned long frame = virt_to_mfn(rw);

	memcpy(rw, basic_gdt, sizeof(basic_gdt));
	/* A frame still mapped writable. */
	EXPECT_EQ(set_gdt(&frame, 4), -XEN_EINVAL);
	/* A page table. */
	frame = mm_l4_mfn();
	EXPECT_EQ(set_gdt(&frame, 4), -XEN_EINVAL);
	/* Too many entries: the GDT stops where Xen's reserved entries start. */
	frame = virt_to_mfn(desc_page(basic_gdt, 4));
	EXPECT_EQ(set_gdt(&frame, FIRST_RESERVED_GDT_ENTRY + 1), -XEN_EINVAL);
	/* A frame that is not ours. */
	frame = mm_released_frame();
	EXPECT_EQ(set_gdt(&frame, 4), -XEN_EINVAL);
	/* Bad list pointers. */
	EXPECT_EQ(set_gdt((void *)0x1000, 4), -XEN_EFAULT);
	EXPECT_EQ(set_gdt((void *)HYPERVISOR_VIRT_START, 4), -XEN_EFAULT);
	EXPECT_EQ(set_gdt(&frame, 0), 0);
}

/*
 * Xen 4.17 checks each descriptor of a new GDT: code and data descriptors
 * with a DPL below 3 are accepted and silently rewritten to DPL 3 (the guest
 * kernel runs in ring 3); system descriptors (TSS, LDT) are -EINVAL.
 */
static void check_set_gdt(uint64_t desc, long expect_rc, uint64_t expect_stored)
{
	uint64_t d[2] = {0, desc};
	uint64_t *gdt = desc_page(d, 2);
	unsigned long frame = virt_to_mfn(gdt);

	EXPECT_EQ(set_gdt(&frame, 2), expect_rc);
	EXPECT_EQ(gdt[1], expect_stored);
	EXPECT_EQ(set_gdt(&frame, 0), 0);
}

TEST(set_gdt, descriptor_checks)
{
	check_set_gdt(DESC_CODE64_DPL0, 0, DESC_CODE64);
	check_set_gdt(DESC_DATA_DPL0, 0, DESC_DATA);
	check_set_gdt(DESC_TSS64, -XEN_EINVAL, DESC_TSS64);
	check_set_gdt(DESC_LDT, -XEN_EINVAL, DESC_LDT);
}

/* -------------------------------------------------------------------------- */

TEST(update_descriptor, in_a_gdt_frame)
{
	uint64_t *gdt = desc_page(basic_gdt, ARRAY_SIZE(basic_gdt));
	unsigned long frame = virt_to_mfn(gdt);
	uint64_t maddr = frame << 12;

	ASSERT_EQ(set_gdt(&frame, 8), 0);
	EXPECT_EQ(update_descriptor(maddr + 8 * 5, DESC_DATA), 0);
	EXPECT_EQ(gdt[5], DESC_DATA);
	pv_trap_reset();
	EXPECT_EQ(load_ds(SEL(5)), 0);
	/* DPL 0 is raised to 3, as in set_gdt. */
	EXPECT_EQ(update_descriptor(maddr + 8 * 6, DESC_CODE64_DPL0), 0);
	EXPECT_EQ(gdt[6], DESC_CODE64);
	EXPECT_EQ(update_descriptor(maddr + 8 * 6, DESC_DATA_DPL0), 0);
	EXPECT_EQ(gdt[6], DESC_DATA);
	/* System descriptors are refused and leave the entry alone. */
	EXPECT_EQ(update_descriptor(maddr + 8 * 6, DESC_TSS64), -XEN_EINVAL);
	EXPECT_EQ(update_descriptor(maddr + 8 * 6, DESC_LDT), -XEN_EINVAL);
	EXPECT_EQ(gdt[6], DESC_DATA);
	/*
	 * A call gate (DPL 3, to Xen's flat kernel code selector) is accepted
	 * with its DPL lowered to 0: Xen 4.17 emulates far calls through gates
	 * itself, so the CPU must fault on them.
	 */
	EXPECT_EQ(update_descriptor(maddr + 8 * 6, 0x0000ec00e0330000UL), 0);
	EXPECT_EQ(gdt[6], 0x00008c00e0330000UL);
	EXPECT_EQ(update_descriptor(maddr + 8 * 5 + 4, DESC_DATA), -XEN_EINVAL);
	EXPECT_EQ(update_descriptor(maddr + 8 * 5 + 1, DESC_DATA), -XEN_EINVAL);
	EXPECT_EQ(set_gdt(&frame, 0), 0);
	EXPECT_EQ(mm_remap(gdt, true), 0);
}

TEST(update_descriptor, other_frames)
{
	uint64_t *page = mm_alloc_page();

	/* A plain writable page of ours: the descriptor is checked, then written. */
	EXPECT_EQ(update_descriptor((virt_to_mfn(page) << 12) + 16, DESC_DATA_DPL0), 0);
	EXPECT_EQ(page[2], DESC_DATA);
	EXPECT_EQ(update_descriptor((virt_to_mfn(page) << 12) + 16, DESC_TSS64), -XEN_EINVAL);
	EXPECT_EQ(page[2], DESC_DATA);
	/* A page table, a frame not ours, I/O frame 0, a frame past RAM: -EINVAL. */
	EXPECT_EQ(update_descriptor(mm_l4_mfn() << 12, DESC_DATA), -XEN_EINVAL);
	EXPECT_EQ(update_descriptor(mm_released_frame() << 12, DESC_DATA), -XEN_EINVAL);
	EXPECT_EQ(update_descriptor(0, DESC_DATA), -XEN_EINVAL);
	EXPECT_EQ(update_descriptor(0x1000000UL << 12, DESC_DATA), -XEN_EINVAL);
}

/* -------------------------------------------------------------------------- */

static long set_ldt(unsigned long va, unsigned int nr_ents)
{
	struct mmuext_op op = {.cmd = MMUEXT_SET_LDT};

	op.arg1.linear_addr = va;
	op.arg2.nr_ents = nr_ents;
	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

TEST(set_ldt, install_and_load)
{
	uint64_t *ldt = desc_page(basic_gdt, ARRAY_SIZE(basic_gdt));

	ASSERT_EQ(set_ldt((unsigned long)ldt, 4), 0);
	pv_trap_reset();
	EXPECT_EQ(load_ds(LDT_SEL(1)), 0);
	EXPECT_EQ(load_ds(LDT_SEL(3)), 1);
	EXPECT_EQ(pv_last_trap.vector, 11);
	EXPECT_EQ(pv_last_trap.extra[0], LDT_SEL(3) & ~3);
	EXPECT_EQ(load_ds(LDT_SEL(4)), 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], LDT_SEL(4) & ~3);
	EXPECT_EQ(set_ldt(0, 0), 0);
	EXPECT_EQ(load_ds(LDT_SEL(1)), 1);
	EXPECT_EQ(pv_last_trap.vector, 13);
	EXPECT_EQ(pv_last_trap.extra[0], LDT_SEL(1) & ~3);
}

/*
 * set_ldt does not look at the pages; the first use does.  An LDT page that
 * is still mapped writable cannot become a descriptor page, and Xen 4.17
 * reports a #PF (error code 0) at the descriptor's address.
 */
TEST(set_ldt, writable_ldt_page)
{
	uint64_t *ldt = mm_alloc_page();

	memcpy(ldt, basic_gdt, sizeof(basic_gdt));
	EXPECT_EQ(set_ldt((unsigned long)ldt, 4), 0);
	pv_trap_reset();
	EXPECT_EQ(load_ds(LDT_SEL(1)), 1);
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(pv_last_trap.extra[0], 0);
	EXPECT_EQ(pv_last_trap.cr2, (unsigned long)&ldt[1]);
	EXPECT_EQ(set_ldt(0, 0), 0);
}

TEST(set_ldt, bad_arguments)
{
	uint64_t *ldt = desc_page(basic_gdt, 4);

	EXPECT_EQ(set_ldt((unsigned long)ldt + 8, 4), -XEN_EINVAL);
	EXPECT_EQ(set_ldt((unsigned long)ldt, 8193), -XEN_EINVAL);
	EXPECT_EQ(set_ldt(HYPERVISOR_VIRT_START, 4), -XEN_EINVAL);
	EXPECT_EQ(set_ldt(0x0000800000000000UL, 4), -XEN_EINVAL);
	/* The LDT's pages are only checked when used. */
	EXPECT_EQ(set_ldt((unsigned long)ldt, 8192), 0);
	EXPECT_EQ(set_ldt(0, 0), 0);
}
