/*
 * tests/pv/kernels/mmu.c - the PV MMU: mmu_update, update_va_mapping,
 * mmuext_op, the read-only M2P and the memory_op queries.
 *
 * Good cases change mappings of spare pages (mm_alloc_page) and build page
 * tables from them; hostile ones try to break the invariants of DESIGN.md
 * section 5 (map a frame that is not ours, map a page table writable, reach
 * Xen's L4 slots, pass bad pointers) and check Xen's exact refusal.  Where
 * Xen 4.17 does something one would not guess, the comment says so: Keel
 * must do the same.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define PTE_KERNEL     (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PTE_KERNEL_RO  (PTE_P | PTE_A | PTE_D)
#define XEN_FIRST_SLOT 256
#define XEN_LAST_SLOT  271

/* An E820 entry as XENMEM_*memory_map return them: 20 bytes, packed. */
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __packed;

/* One mmu_update request; returns the hypercall's result. */
static long mmu_update1(uint64_t ptr, uint64_t val)
{
	struct mmu_update u = {.ptr = ptr, .val = val};

	return hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
}

/* The machine address of the L1 entry that maps @va. */
static uint64_t l1e_maddr(const volatile void *va)
{
	return mm_entry_maddr((unsigned long)va, 1);
}

/* A spare page, zeroed, then mapped read-only: ready to become a page table. */
static void *alloc_table(void)
{
	void *t = mm_alloc_page();

	if (mm_remap(t, false))
		pv_fatal("alloc_table: cannot remap read-only");
	return t;
}

/* -------------------------------------------------------------------------- */

TEST(m2p, matches_p2m)
{
	const start_info_t *si = pv_start_info;
	unsigned long pfns[] = {0, 1, 7, 100, si->nr_pages / 2, si->nr_pages - 1};

	for (unsigned int i = 0; i < ARRAY_SIZE(pfns); i++)
		EXPECT_EQ(mfn_to_pfn(pfn_to_mfn(pfns[i])), pfns[i]);
}

TEST(memory_op, machphys_mapping)
{
	struct xen_machphys_mapping m = {0};

	ASSERT_EQ(hyp_memory_op(XENMEM_machphys_mapping, &m), 0);
	pv_printf("machphys: %#lx-%#lx max_mfn %#lx\n", m.v_start, m.v_end, m.max_mfn);
	EXPECT_EQ(m.v_start, MACH2PHYS_VIRT_START);
	EXPECT_TRUE(m.v_end > m.v_start && m.v_end <= MACH2PHYS_VIRT_END);
	/* Xen 4.17: max_mfn is the last RAM frame (maximum_ram_page - 1), not the M2P's size. */
	EXPECT_EQ(m.max_mfn, hyp_memory_op(XENMEM_maximum_ram_page, NULL) - 1);
	EXPECT_TRUE(m.max_mfn >= pfn_to_mfn(0));
	EXPECT_EQ(hyp_memory_op(XENMEM_machphys_mapping, (void *)HYPERVISOR_VIRT_START),
		  -XEN_EFAULT);
}

TEST(memory_op, maximum_ram_page)
{
	long max = hyp_memory_op(XENMEM_maximum_ram_page, NULL);

	pv_printf("maximum_ram_page %#lx\n", max);
	EXPECT_TRUE(max > 0);
	EXPECT_TRUE((unsigned long)max > pfn_to_mfn(pv_start_info->nr_pages - 1));
}

TEST(memory_op, reservations)
{
	struct xen_memory_domain d = {.domid = DOMID_SELF};
	long cur = hyp_memory_op(XENMEM_current_reservation, &d);
	long max = hyp_memory_op(XENMEM_maximum_reservation, &d);

	pv_printf("current %ld maximum %ld\n", cur, max);
	EXPECT_EQ(cur, pv_start_info->nr_pages);
	/* dom0 booted with dom0_mem=64M and no max: its maximum is unlimited (~0U). */
	EXPECT_EQ(max, 0xffffffffL);
	d.domid = 0;
	EXPECT_EQ(hyp_memory_op(XENMEM_current_reservation, &d), cur);
	d.domid = 77;
	EXPECT_EQ(hyp_memory_op(XENMEM_current_reservation, &d), -XEN_ESRCH);
	EXPECT_EQ(hyp_memory_op(XENMEM_current_reservation, NULL), -XEN_EFAULT);
}

/* Xen 4.17: a PV dom0 has no pseudo-physical memory map of its own: -ENOSYS. */
TEST(memory_op, memory_map_is_enosys_for_dom0)
{
	struct e820_entry e820[8];
	struct xen_memory_map m = {.nr_entries = 8};

	set_xen_guest_handle(m.buffer, e820);
	EXPECT_EQ(hyp_memory_op(XENMEM_memory_map, &m), -XEN_ENOSYS);
	EXPECT_EQ(m.nr_entries, 8);
}

/* The host's E820 (dom0 only): RAM at 0, and our frames inside a RAM entry. */
TEST(memory_op, machine_memory_map)
{
	struct e820_entry e820[32];
	struct xen_memory_map m = {.nr_entries = 32};
	uint64_t mine = pfn_to_mfn(0) << 12;
	bool found = false, apic_reserved = false;

	set_xen_guest_handle(m.buffer, e820);
	ASSERT_EQ(hyp_memory_op(XENMEM_machine_memory_map, &m), 0);
	ASSERT_TRUE(m.nr_entries > 0 && m.nr_entries <= 32);
	for (unsigned int i = 0; i < m.nr_entries; i++) {
		pv_printf("  %#lx +%#lx type %u\n", e820[i].addr, e820[i].size, e820[i].type);
		if (e820[i].type == 1 && mine >= e820[i].addr && mine < e820[i].addr + e820[i].size)
			found = true;
		/* The local APIC, which the initial domain may not map: shown reserved, not a hole. */
		if (e820[i].type == 2 && 0xfee00000 >= e820[i].addr &&
		    0xfee00000 < e820[i].addr + e820[i].size)
			apic_reserved = true;
	}
	EXPECT_EQ(e820[0].addr, 0);
	EXPECT_EQ(e820[0].type, 1);
	EXPECT_TRUE(found);
	EXPECT_TRUE(apic_reserved);
	m.nr_entries = 32;
	set_xen_guest_handle(m.buffer, (void *)HYPERVISOR_VIRT_START);
	EXPECT_EQ(hyp_memory_op(XENMEM_machine_memory_map, &m), -XEN_EFAULT);
}

TEST(memory_op, machphys_mfn_list)
{
	xen_pfn_t mfns[8] = {0};
	struct xen_machphys_mfn_list l = {.max_extents = 8};

	set_xen_guest_handle(l.extent_start, mfns);
	EXPECT_EQ(hyp_memory_op(XENMEM_machphys_mfn_list, &l), 0);
	pv_printf("machphys_mfn_list: %u extents, first %#lx\n", l.nr_extents, mfns[0]);
	EXPECT_TRUE(l.nr_extents > 0);
	/* Each extent is a 2 MiB-aligned run of the M2P: its first frame maps the first entries. */
	EXPECT_EQ(mfns[0] & 511, 0);
}

TEST(memory_op, unknown_is_enosys)
{
	EXPECT_EQ(hyp_memory_op(99, NULL), -XEN_ENOSYS);
}

/* -------------------------------------------------------------------------- */

TEST(mmu_update, remap_a_page)
{
	volatile uint64_t *a = mm_alloc_page(), *b = mm_alloc_page();
	unsigned long mfn_a = virt_to_mfn(a), mfn_b = virt_to_mfn(b);

	a[0] = 0xaaaa;
	b[0] = 0xbbbb;
	ASSERT_EQ(mmu_update1(l1e_maddr(a) | MMU_NORMAL_PT_UPDATE, (mfn_b << 12) | PTE_KERNEL), 0);
	/* mmu_update does not flush: flush the stale entry ourselves. */
	EXPECT_EQ(mm_mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)a, 0), 0);
	EXPECT_EQ(a[0], 0xbbbb);
	EXPECT_EQ(virt_to_mfn(a), mfn_b);
	EXPECT_EQ(mmu_update1(l1e_maddr(a), (mfn_a << 12) | PTE_KERNEL), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	EXPECT_EQ(a[0], 0xaaaa);
}

TEST(mmu_update, pdone_counts_completed)
{
	volatile uint64_t *a = mm_alloc_page(), *b = mm_alloc_page();
	struct mmu_update u[3] = {
	    {l1e_maddr(a), (virt_to_mfn(a) << 12) | PTE_KERNEL_RO},
	    {l1e_maddr(b), (virt_to_mfn(b) << 12) | PTE_KERNEL_RO},
	    {l1e_maddr(b), (mm_l4_mfn() << 12) | PTE_KERNEL}, /* the L4, writable */
	};
	unsigned int done = 99;

	EXPECT_EQ(hyp_mmu_update(u, 2, &done, DOMID_SELF), 0);
	EXPECT_EQ(done, 2);
	done = 99;
	EXPECT_EQ(hyp_mmu_update(u, 3, &done, DOMID_SELF), -XEN_EBUSY);
	EXPECT_EQ(done, 2);
	done = 99;
	EXPECT_EQ(hyp_mmu_update(u, 0, &done, DOMID_SELF), 0);
	EXPECT_EQ(done, 0);
	EXPECT_EQ(mm_remap(a, true), 0);
	EXPECT_EQ(mm_remap(b, true), 0);
}

TEST(mmu_update, preserve_ad)
{
	volatile uint64_t *a = mm_alloc_page();
	uint64_t base = (virt_to_mfn(a) << 12) | PTE_P | PTE_RW;

	ASSERT_EQ(mmu_update1(l1e_maddr(a), base | PTE_A | PTE_D), 0);
	EXPECT_EQ(mm_pte((unsigned long)a) & (PTE_A | PTE_D), PTE_A | PTE_D);
	EXPECT_EQ(mmu_update1(l1e_maddr(a) | MMU_PT_UPDATE_PRESERVE_AD, base), 0);
	EXPECT_EQ(mm_pte((unsigned long)a) & (PTE_A | PTE_D), PTE_A | PTE_D);
	EXPECT_EQ(mmu_update1(l1e_maddr(a) | MMU_NORMAL_PT_UPDATE, base), 0);
	EXPECT_EQ(mm_pte((unsigned long)a) & (PTE_A | PTE_D), 0);
	EXPECT_EQ(mm_remap(a, true), 0);
}

TEST(mmu_update, machphys_update)
{
	void *a = mm_alloc_page();
	unsigned long mfn = virt_to_mfn(a), pfn = virt_to_pfn(a);

	EXPECT_EQ(mfn_to_pfn(mfn), pfn);
	EXPECT_EQ(mmu_update1((mfn << 12) | MMU_MACHPHYS_UPDATE, 0x12345), 0);
	EXPECT_EQ(mfn_to_pfn(mfn), 0x12345);
	EXPECT_EQ(mmu_update1((mfn << 12) | 0x800 | MMU_MACHPHYS_UPDATE, pfn), 0);
	EXPECT_EQ(mfn_to_pfn(mfn), pfn);
	/* A frame that is not ours. */
	EXPECT_EQ(mmu_update1((mm_released_frame() << 12) | MMU_MACHPHYS_UPDATE, 1), -XEN_EINVAL);
}

/*
 * A long batch (Xen preempts and continues it internally): every request is
 * done and pdone counts them all.
 */
TEST(mmu_update, long_batch)
{
	static struct mmu_update u[1024];
	volatile uint64_t *a = mm_alloc_page(), *b = mm_alloc_page();
	uint64_t pa = (virt_to_mfn(a) << 12) | PTE_KERNEL, pb = (virt_to_mfn(b) << 12) | PTE_KERNEL;
	unsigned int done = 0;

	b[0] = 0xb;
	for (unsigned int i = 0; i < ARRAY_SIZE(u); i++) {
		u[i].ptr = l1e_maddr(a);
		u[i].val = i % 2 ? pa : pb;
	}
	u[ARRAY_SIZE(u) - 1].val = pb;
	EXPECT_EQ(hyp_mmu_update(u, ARRAY_SIZE(u), &done, DOMID_SELF), 0);
	EXPECT_EQ(done, ARRAY_SIZE(u));
	EXPECT_EQ(mm_mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)a, 0), 0);
	EXPECT_EQ(a[0], 0xb);
	EXPECT_EQ(mm_set_pte(a, pa), 0);
}

/* ptr[2:0] is the command, so an address that is not 8-byte aligned is one of 4-7: unknown. */
TEST(mmu_update, unknown_command)
{
	void *a = mm_alloc_page();
	uint64_t val = (virt_to_mfn(a) << 12) | PTE_KERNEL;

	EXPECT_EQ(mmu_update1(l1e_maddr(a) | 4, val), -XEN_ENOSYS);
	EXPECT_EQ(mmu_update1(l1e_maddr(a) | 7, val), -XEN_ENOSYS);
	/* For a PV guest NO_TRANSLATE is a normal update. */
	EXPECT_EQ(mmu_update1(l1e_maddr(a) | MMU_PT_UPDATE_NO_TRANSLATE, val), 0);
}

TEST(mmu_update, bad_pointers)
{
	unsigned int done = 0;

	EXPECT_EQ(hyp_mmu_update((void *)0x1000, 1, NULL, DOMID_SELF), -XEN_EFAULT);
	EXPECT_EQ(hyp_mmu_update((void *)0x1000, 0x7fffffff, NULL, DOMID_SELF), -XEN_EFAULT);
	EXPECT_EQ(hyp_mmu_update((void *)HYPERVISOR_VIRT_START, 1, NULL, DOMID_SELF), -XEN_EFAULT);
	EXPECT_EQ(hyp_mmu_update((void *)0x1000, 1, &done, DOMID_SELF), -XEN_EFAULT);
	EXPECT_EQ(done, 0);
}

/*
 * Xen 4.17: ptr may name a frame of ours that is no page table: the update
 * is then a plain (checked) write of val, whatever val is.  A frame that is
 * not ours (free, or Xen's I/O frame 0) is -EINVAL.
 */
TEST(mmu_update, ptr_not_a_page_table)
{
	volatile uint64_t *a = mm_alloc_page();
	uint64_t val = (mm_released_frame() << 12) | PTE_KERNEL;

	EXPECT_EQ(mmu_update1((virt_to_mfn(a) << 12) + 16, val), 0);
	EXPECT_EQ(a[2], val);
	EXPECT_EQ(mmu_update1(mm_released_frame() << 12, val), -XEN_EINVAL);
	EXPECT_EQ(mmu_update1(0, val), -XEN_EINVAL);
}

TEST(mmu_update, bad_foreigndom)
{
	void *a = mm_alloc_page();
	struct mmu_update u = {l1e_maddr(a), (virt_to_mfn(a) << 12) | PTE_KERNEL};

	EXPECT_EQ(hyp_mmu_update(&u, 1, NULL, 77), -XEN_ESRCH);
	/* Xen 4.17: naming oneself by id rather than DOMID_SELF is -ESRCH. */
	EXPECT_EQ(hyp_mmu_update(&u, 1, NULL, 0), -XEN_ESRCH);
	EXPECT_EQ(hyp_mmu_update(&u, 1, NULL, DOMID_SELF), 0);
	EXPECT_EQ(hyp_mmu_update(&u, 1, NULL, DOMID_IO), 0);
}

/* -------------------------------------------------------------------------- */

/*
 * Invariant 2: no page-table frame is writable-mapped.  Xen 4.17 refuses a
 * writable mapping of a frame typed as a page table with -EBUSY.
 */
TEST(hostile, map_l4_writable)
{
	void *a = mm_alloc_page();
	unsigned long l4 = mm_l4_mfn();

	EXPECT_EQ(mm_set_pte(a, (l4 << 12) | PTE_KERNEL), -XEN_EBUSY);
	EXPECT_EQ(mmu_update1(l1e_maddr(a), (l4 << 12) | PTE_KERNEL), -XEN_EBUSY);
	/* Read-only is fine, and shows the L4's own contents. */
	EXPECT_EQ(mm_set_pte(a, (l4 << 12) | PTE_KERNEL_RO), 0);
	EXPECT_EQ(((volatile uint64_t *)a)[511], ((const uint64_t *)pv_start_info->pt_base)[511]);
	EXPECT_EQ(mm_set_pte(a, (pfn_to_mfn(virt_to_pfn(a)) << 12) | PTE_KERNEL), 0);
}

TEST(hostile, map_l1_writable)
{
	void *a = mm_alloc_page();
	unsigned long l1 = pte_mfn(*mm_entry((unsigned long)a, 2));

	EXPECT_EQ(mm_set_pte(a, (l1 << 12) | PTE_KERNEL), -XEN_EBUSY);
	EXPECT_EQ(mm_set_pte(a, (l1 << 12) | PTE_KERNEL_RO), 0);
	EXPECT_EQ(mm_set_pte(a, (pfn_to_mfn(virt_to_pfn(a)) << 12) | PTE_KERNEL), 0);
}

/*
 * Invariant 1: only frames we own.  A RAM frame owned by nobody (one we gave
 * back) is -EBUSY, writable or not.  dom0 may map I/O memory: frame 0 (owned
 * by DOMID_IO), frames past the end of RAM (maximum_ram_page and far beyond,
 * here 64 GiB), the VGA hole; but not the local APIC Xen keeps for itself,
 * nor a frame beyond the CPU's physical address width (-EPERM).
 */
TEST(hostile, map_foreign_frames)
{
	void *a = mm_alloc_page();
	unsigned long mine = virt_to_mfn(a);
	long max = hyp_memory_op(XENMEM_maximum_ram_page, NULL);

	EXPECT_EQ(mm_set_pte(a, (mm_released_frame() << 12) | PTE_KERNEL), -XEN_EBUSY);
	EXPECT_EQ(mm_set_pte(a, (mm_released_frame() << 12) | PTE_KERNEL_RO), -XEN_EBUSY);
	EXPECT_EQ(mm_set_pte(a, 0 | PTE_KERNEL), 0);
	EXPECT_EQ(mm_set_pte(a, (0xb8UL << 12) | PTE_KERNEL), 0);
	EXPECT_EQ(mm_set_pte(a, ((unsigned long)max << 12) | PTE_KERNEL), 0);
	EXPECT_EQ(mm_set_pte(a, (0x1000000UL << 12) | PTE_KERNEL), 0);
	EXPECT_EQ(mm_set_pte(a, (0xfee00UL << 12) | PTE_KERNEL), -XEN_EPERM);
	EXPECT_EQ(mm_set_pte(a, (0xfffffffffUL << 12) | PTE_KERNEL), -XEN_EPERM);
	EXPECT_EQ(mm_set_pte(a, pv_start_info->shared_info | PTE_KERNEL), 0);
	EXPECT_EQ(mm_set_pte(a, (mine << 12) | PTE_KERNEL), 0);
}

/* Invariant 3: L4 slots 256-271 belong to Xen. */
TEST(hostile, l4_xen_slots)
{
	const volatile uint64_t *l4 = (const uint64_t *)pv_start_info->pt_base;
	uint64_t l4_maddr = mm_l4_mfn() << 12;
	void *l3 = alloc_table();
	uint64_t l3e = (virt_to_mfn(l3) << 12) | PTE_P | PTE_RW | PTE_US | PTE_A;

	/* Slot 256 holds Xen's read-only M2P (present, user, NX). */
	EXPECT_EQ(l4[256] & (PTE_P | PTE_RW | PTE_US | PTE_NX), PTE_P | PTE_US | PTE_NX);
	for (unsigned int slot = XEN_FIRST_SLOT; slot <= XEN_LAST_SLOT; slot += 5)
		EXPECT_EQ(mmu_update1(l4_maddr + 8 * slot, l3e), -XEN_EINVAL);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * XEN_LAST_SLOT, l3e), -XEN_EINVAL);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * XEN_FIRST_SLOT, 0), -XEN_EINVAL);
	/* Slot 272 is the guest's again. */
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 272, l3e), 0);
	EXPECT_EQ(l4[272], l3e);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 272, 0), 0);
}

/* A PV guest cannot use superpages: PSE in an L2 (or L3) entry is refused. */
TEST(hostile, superpage_refused)
{
	void *l2 = alloc_table();
	uint64_t l2_maddr = virt_to_mfn(l2) << 12;
	unsigned long mfn = pfn_to_mfn(512);

	EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L2_TABLE, virt_to_mfn(l2), 0), 0);
	EXPECT_EQ(mmu_update1(l2_maddr, (mfn << 12) | PTE_KERNEL | PTE_PSE), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(l2), 0), 0);
}

/* update_va_mapping must refuse Xen's range and addresses with no L1. */
TEST(hostile, update_va_mapping_bad_va)
{
	void *a = mm_alloc_page();
	uint64_t pte = (virt_to_mfn(a) << 12) | PTE_KERNEL;

	EXPECT_EQ(hyp_update_va_mapping(HYPERVISOR_VIRT_START, pte, 0), -XEN_EINVAL);
	EXPECT_EQ(hyp_update_va_mapping(0xffff830000000000UL, pte, 0), -XEN_EINVAL);
	EXPECT_EQ(hyp_update_va_mapping(0x0000800000000000UL, pte, 0), -XEN_EINVAL);
	EXPECT_EQ(hyp_update_va_mapping(0x1000, pte, 0), -XEN_EINVAL);
}

TEST(update_va_mapping, flush_flags)
{
	volatile uint64_t *a = mm_alloc_page(), *b = mm_alloc_page();
	uint64_t pa = (virt_to_mfn(a) << 12) | PTE_KERNEL, pb = (virt_to_mfn(b) << 12) | PTE_KERNEL;
	unsigned long mask = 1;

	a[0] = 1;
	b[0] = 2;
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)a, pb, UVMF_INVLPG | UVMF_LOCAL), 0);
	EXPECT_EQ(a[0], 2);
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)a, pa, UVMF_TLB_FLUSH | UVMF_LOCAL), 0);
	EXPECT_EQ(a[0], 1);
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)a, pb, UVMF_INVLPG | UVMF_ALL), 0);
	EXPECT_EQ(a[0], 2);
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)a, pa, UVMF_TLB_FLUSH | UVMF_ALL), 0);
	EXPECT_EQ(a[0], 1);
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)a, pb,
					UVMF_INVLPG | UVMF_MULTI | (unsigned long)&mask),
		  0);
	EXPECT_EQ(a[0], 2);
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)a, pa, UVMF_NONE), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)a, 0), 0);
	EXPECT_EQ(a[0], 1);
	/* A bad vCPU mask pointer. */
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)a, pa, UVMF_INVLPG | 0x1000), -XEN_EFAULT);
	/* Both flush types at once: accepted. */
	EXPECT_EQ(hyp_update_va_mapping((unsigned long)a, pa, 3), 0);
}

/* -------------------------------------------------------------------------- */

TEST(mmuext, pin_unpin_each_level)
{
	for (unsigned int level = 1; level <= 4; level++) {
		void *t = alloc_table();
		unsigned long mfn = virt_to_mfn(t);

		EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L1_TABLE + level - 1, mfn, 0), 0);
		/* A pinned table cannot be mapped writable any more... */
		EXPECT_EQ(mm_remap(t, true), -XEN_EBUSY);
		/* ...nor pinned again, nor pinned as another level. */
		EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L1_TABLE + level - 1, mfn, 0), -XEN_EINVAL);
		EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L1_TABLE + level % 4, mfn, 0), -XEN_EINVAL);
		EXPECT_EQ(mm_mmuext1(MMUEXT_UNPIN_TABLE, mfn, 0), 0);
		EXPECT_EQ(mm_mmuext1(MMUEXT_UNPIN_TABLE, mfn, 0), -XEN_EINVAL);
		EXPECT_EQ(mm_remap(t, true), 0);
	}
}

TEST(mmuext, pin_writable_mapped_frame)
{
	void *t = mm_alloc_page();

	EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t), 0), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(t), 0), -XEN_EINVAL);
}

TEST(mmuext, pin_bootstrap_tables)
{
	/* The builder pinned the L4; unpinning the running L4 is refused? */
	EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L4_TABLE, mm_l4_mfn(), 0), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_UNPIN_TABLE, mm_released_frame(), 0), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_PIN_L1_TABLE, mm_released_frame(), 0), -XEN_EINVAL);
}

TEST(mmuext, new_baseptr)
{
	const volatile uint64_t *boot = (const uint64_t *)pv_start_info->pt_base;
	uint64_t *l4 = mm_alloc_page();
	unsigned long mfn = virt_to_mfn(l4), boot_mfn = mm_l4_mfn(), cr3;

	for (unsigned int i = 0; i < 512; i++)
		if (i < XEN_FIRST_SLOT || i > XEN_LAST_SLOT)
			l4[i] = boot[i];
	ASSERT_EQ(mm_remap(l4, false), 0);
	/* new_baseptr of an unpinned L4 works too (Xen types it); of a non-L4 fails. */
	ASSERT_EQ(mm_mmuext1(MMUEXT_PIN_L4_TABLE, mfn, 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_NEW_BASEPTR, mfn, 0), 0);
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	EXPECT_EQ(cr3, mfn << 12);
	/* Unpinning the running L4 is allowed: it stays in use through cr3's reference. */
	EXPECT_EQ(mm_mmuext1(MMUEXT_NEW_BASEPTR, boot_mfn, 0), 0);
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	EXPECT_EQ(cr3, boot_mfn << 12);
	EXPECT_EQ(mm_mmuext1(MMUEXT_UNPIN_TABLE, mfn, 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(mm_alloc_page()), 0), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_NEW_BASEPTR, mm_released_frame(), 0), -XEN_EINVAL);
}

TEST(mmuext, new_user_baseptr)
{
	EXPECT_EQ(mm_mmuext1(MMUEXT_NEW_USER_BASEPTR, mm_l4_mfn(), 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_NEW_USER_BASEPTR, virt_to_mfn(mm_alloc_page()), 0),
		  -XEN_EINVAL);
}

TEST(mmuext, tlb_flushes)
{
	volatile uint64_t *a = mm_alloc_page();
	unsigned long mask = 1;
	struct mmuext_op op = {.cmd = MMUEXT_TLB_FLUSH_MULTI};

	EXPECT_EQ(mm_mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)a, 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_INVLPG_ALL, (unsigned long)a, 0), 0);
	set_xen_guest_handle(op.arg2.vcpumask, &mask);
	EXPECT_EQ(hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	op.cmd = MMUEXT_INVLPG_MULTI;
	op.arg1.linear_addr = (unsigned long)a;
	EXPECT_EQ(hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	/* Xen 4.17: an unreadable vCPU mask is -EINVAL here (update_va_mapping says -EFAULT). */
	set_xen_guest_handle(op.arg2.vcpumask, (void *)0x1000);
	EXPECT_EQ(hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
	op.cmd = MMUEXT_TLB_FLUSH_MULTI;
	EXPECT_EQ(hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
	/* invlpg of a non-canonical address is silently ignored. */
	EXPECT_EQ(mm_mmuext1(MMUEXT_INVLPG_LOCAL, 0x0000800000000000UL, 0), 0);
	/* dom0 may flush caches. */
	EXPECT_EQ(mm_mmuext1(MMUEXT_FLUSH_CACHE, 0, 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0), 0);
}

TEST(mmuext, copy_and_clear_page)
{
	uint8_t *src = mm_alloc_page(), *dst = mm_alloc_page();

	for (unsigned int i = 0; i < PV_PAGE_SIZE; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	EXPECT_EQ(mm_mmuext1(MMUEXT_COPY_PAGE, virt_to_mfn(dst), virt_to_mfn(src)), 0);
	EXPECT_EQ(memcmp(src, dst, PV_PAGE_SIZE), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_CLEAR_PAGE, virt_to_mfn(dst), 0), 0);
	EXPECT_EQ(dst[0] | dst[100] | dst[4095], 0);
	/* Not onto a page table, nor from/to a frame that is not ours. */
	EXPECT_EQ(mm_mmuext1(MMUEXT_CLEAR_PAGE, mm_l4_mfn(), 0), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_COPY_PAGE, mm_l4_mfn(), virt_to_mfn(src)), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_CLEAR_PAGE, mm_released_frame(), 0), -XEN_EINVAL);
	EXPECT_EQ(mm_mmuext1(MMUEXT_COPY_PAGE, virt_to_mfn(dst), mm_released_frame()), -XEN_EINVAL);
	/* Copying from a page table is fine. */
	EXPECT_EQ(mm_mmuext1(MMUEXT_COPY_PAGE, virt_to_mfn(dst), mm_l4_mfn()), 0);
}

/* Xen 4.17 dropped PV superpages: [un]mark_super is -EOPNOTSUPP. */
TEST(mmuext, mark_super_and_unknown)
{
	EXPECT_EQ(mm_mmuext1(MMUEXT_MARK_SUPER, pfn_to_mfn(512), 0), -XEN_EOPNOTSUPP);
	EXPECT_EQ(mm_mmuext1(MMUEXT_UNMARK_SUPER, pfn_to_mfn(512), 0), -XEN_EOPNOTSUPP);
	EXPECT_EQ(mm_mmuext1(14, 0, 0), -XEN_ENOSYS);
	EXPECT_EQ(mm_mmuext1(21, 0, 0), -XEN_ENOSYS);
	EXPECT_EQ(mm_mmuext1(~0U, 0, 0), -XEN_ENOSYS);
}

TEST(mmuext, long_batch)
{
	static struct mmuext_op ops[1024];
	unsigned int done = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		ops[i].cmd = i % 2 ? MMUEXT_TLB_FLUSH_LOCAL : MMUEXT_INVLPG_LOCAL;
		ops[i].arg1.linear_addr = PV_VIRT_BASE;
	}
	EXPECT_EQ(hyp_mmuext_op(ops, ARRAY_SIZE(ops), &done, DOMID_SELF), 0);
	EXPECT_EQ(done, ARRAY_SIZE(ops));
}

TEST(mmuext, pdone_and_bad_pointers)
{
	struct mmuext_op ops[3] = {
	    {.cmd = MMUEXT_TLB_FLUSH_LOCAL},
	    {.cmd = MMUEXT_TLB_FLUSH_LOCAL},
	    {.cmd = MMUEXT_UNPIN_TABLE},
	};
	unsigned int done = 99;

	ops[2].arg1.mfn = mm_released_frame();
	EXPECT_EQ(hyp_mmuext_op(ops, 3, &done, DOMID_SELF), -XEN_EINVAL);
	EXPECT_EQ(done, 2);
	EXPECT_EQ(hyp_mmuext_op((void *)0x1000, 1, NULL, DOMID_SELF), -XEN_EFAULT);
	EXPECT_EQ(hyp_mmuext_op((void *)HYPERVISOR_VIRT_START, 0x7fffffff, NULL, DOMID_SELF),
		  -XEN_EFAULT);
}

/* -------------------------------------------------------------------------- */

/* Xen keeps the M2P's frames to itself: no mapping of them, even read-only. */
TEST(hostile, map_m2p_frame)
{
	xen_pfn_t mfns[1] = {0};
	struct xen_machphys_mfn_list l = {.max_extents = 1};
	void *a = mm_alloc_page();
	unsigned long mine = virt_to_mfn(a);

	set_xen_guest_handle(l.extent_start, mfns);
	ASSERT_EQ(hyp_memory_op(XENMEM_machphys_mfn_list, &l), 0);
	EXPECT_EQ(mm_set_pte(a, (mfns[0] << 12) | PTE_KERNEL), -XEN_EBUSY);
	EXPECT_EQ(mm_set_pte(a, (mfns[0] << 12) | PTE_KERNEL_RO), -XEN_EBUSY);
	EXPECT_EQ(mm_set_pte(a, (mine << 12) | PTE_KERNEL), 0);
}

/*
 * What a guest reads back from an L1 entry: Xen 4.17 sets _PAGE_USER on a
 * kernel-only entry of a 64-bit PV guest (its kernel runs in ring 3) and
 * marks it with software bit 52 (kernel-only); it adds _PAGE_GLOBAL to an
 * entry the guest made user-accessible; it keeps G, PAT and the available
 * bits 9-11; a not-present entry is stored verbatim.
 *
 * G is not compared: Keel drops it from every guest L1 entry, because a
 * global translation would outlive the switch to the guest's user page
 * tables (Xen keeps it and flushes globally on those switches).
 */
TEST(l1_entry, bits_as_stored)
{
	void *a = mm_alloc_page();
	unsigned long va = (unsigned long)a;
	uint64_t base = (virt_to_mfn(a) << 12) | PTE_KERNEL;

	EXPECT_EQ(mm_set_pte(a, base), 0);
	EXPECT_EQ(mm_pte(va) & ~PTE_G, ~PTE_G & (base | PTE_US | (1UL << 52)));
	EXPECT_EQ(mm_set_pte(a, base | PTE_US), 0);
	EXPECT_EQ(mm_pte(va) & ~PTE_G, ~PTE_G & (base | PTE_US | PTE_G));
	EXPECT_EQ(mm_set_pte(a, base | PTE_G | (7UL << 9)), 0);
	EXPECT_EQ(mm_pte(va) & ~PTE_G, ~PTE_G & (base | PTE_US | (1UL << 52) | PTE_G | (7UL << 9)));
	EXPECT_EQ(mm_set_pte(a, base | PTE_PSE), 0); /* PAT in an L1 entry */
	EXPECT_EQ(mm_pte(va) & ~PTE_G, ~PTE_G & (base | PTE_US | (1UL << 52) | PTE_PSE));
	EXPECT_EQ(mm_set_pte(a, 0xdeadbeef000UL), 0);
	EXPECT_EQ(mm_pte(va) & ~PTE_G, ~PTE_G & (0xdeadbeef000UL));
	EXPECT_EQ(mm_set_pte(a, base), 0);
}

/*
 * Xen 4.17 emulates a guest write to an L1 entry through a read-only mapping
 * of its table (writable page tables) whether or not the guest enabled
 * VMASST_TYPE_writable_pagetables; an entry it would refuse through
 * mmu_update makes the write fault (#PF, P|W) instead.  Writes to higher
 * levels are never emulated.
 */
TEST(writable_pagetables, l1_writes_emulated)
{
	volatile uint64_t *b = mm_alloc_page();
	volatile uint64_t *l1e = (volatile uint64_t *)mm_entry((unsigned long)b, 1);
	uint64_t old = *l1e;

	b[0] = 77;
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0);
	pv_trap_reset();
	EXPECT_TRUE(pv_try_write(l1e, old & ~PTE_RW));
	EXPECT_EQ(pv_trap_count, 0);
	EXPECT_EQ(*l1e & PTE_RW, 0);
	EXPECT_EQ(hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
	EXPECT_TRUE(pv_try_write(l1e, old));
	EXPECT_EQ(*l1e, old);
	EXPECT_TRUE(!pv_try_write(l1e, (mm_l4_mfn() << 12) | PTE_KERNEL));
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.vector, 14);
	EXPECT_EQ(pv_last_trap.extra[0], 3);
	EXPECT_EQ(pv_last_trap.cr2, (unsigned long)l1e);
	EXPECT_EQ(*l1e, old);
	EXPECT_EQ(mm_mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)b, 0), 0);
	EXPECT_EQ(b[0], 77);
	pv_trap_reset();
	EXPECT_TRUE(!pv_try_write((volatile uint64_t *)pv_start_info->pt_base + 300, 0));
	EXPECT_EQ(pv_trap_count, 1);
	EXPECT_EQ(pv_last_trap.extra[0], 3);
}

/* An L2 entry may only point at an L1 that has no writable mapping (-EINVAL). */
TEST(hostile, l2_entry_to_writable_l1)
{
	void *l2 = alloc_table(), *l1 = mm_alloc_page();
	uint64_t l2_maddr = virt_to_mfn(l2) << 12;
	uint64_t l2e = (virt_to_mfn(l1) << 12) | PTE_P | PTE_RW | PTE_US | PTE_A;

	ASSERT_EQ(mm_mmuext1(MMUEXT_PIN_L2_TABLE, virt_to_mfn(l2), 0), 0);
	EXPECT_EQ(mmu_update1(l2_maddr, l2e), -XEN_EINVAL);
	ASSERT_EQ(mm_remap(l1, false), 0);
	EXPECT_EQ(mmu_update1(l2_maddr, l2e), 0);
	/* Now an L1 table: no writable mapping until nothing references it. */
	EXPECT_EQ(mm_remap(l1, true), -XEN_EBUSY);
	EXPECT_EQ(mmu_update1(l2_maddr, 0), 0);
	EXPECT_EQ(mm_remap(l1, true), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(l2), 0), 0);
}

/*
 * Linear (self-referencing) page tables: Xen 4.17 accepts a read-only entry
 * pointing at a table of its own level (L2 -> L2, L4 -> L4), refuses a
 * writable one, and refuses an entry pointing at a table of another level.
 */
TEST(hostile, linear_page_tables)
{
	void *l2 = alloc_table();
	uint64_t l2_maddr = virt_to_mfn(l2) << 12, l4_maddr = mm_l4_mfn() << 12;
	const uint64_t ro = PTE_P | PTE_US | PTE_A;

	ASSERT_EQ(mm_mmuext1(MMUEXT_PIN_L2_TABLE, virt_to_mfn(l2), 0), 0);
	EXPECT_EQ(mmu_update1(l2_maddr + 8, l2_maddr | ro), 0);
	EXPECT_EQ(mmu_update1(l2_maddr + 16, l4_maddr | ro), -XEN_EINVAL);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 300, l4_maddr | ro), 0);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 300, 0), 0);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 301, l4_maddr | ro | PTE_RW), -XEN_EINVAL);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 300, l2_maddr | ro), -XEN_EINVAL);
	/* An L4 entry to a writable data page or a frame not ours. */
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 300, (virt_to_mfn(mm_alloc_page()) << 12) | ro),
		  -XEN_EINVAL);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 300, (mm_released_frame() << 12) | ro), -XEN_EINVAL);
	/* A not-present entry may hold anything. */
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 300, 0xdeadbeef000UL), 0);
	EXPECT_EQ(mmu_update1(l4_maddr + 8 * 300, 0), 0);
	EXPECT_EQ(mmu_update1(l2_maddr + 8, 0), 0);
	EXPECT_EQ(mm_mmuext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(l2), 0), 0);
}
