/*
 * hypervisor/arch/x86/pv/pv_mm.c - the machine's side of the PV MMU:
 * the page-type configuration (machine address width, NX), Keel's L4
 * slots in every guest L4, and the read-only M2P table every guest sees
 * at MACH2PHYS_VIRT_START.
 *
 * Keel's slots: a validated guest L4 gets a copy of the idle page table's
 * entries for slots 256-271 (Keel's image, the direct map, the stubs, the
 * M2P), so Keel keeps running on the guest's CR3 after a trap.  All of
 * them are supervisor-only except the M2P's slot, which is user-readable
 * (the guest kernel runs in ring 3) and read-only.  The slots' lower
 * tables are shared, so a mapping Keel adds later under an existing slot
 * appears in every guest at once; every slot is created at boot.
 */
#include "hypervisor/arch/x86/pv/pv_mm.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/mm.h"
#include "arch/paging.h"
#include "arch/smp.h"
#include "hypercalls/hypercall.h"
#include "hypervisor/common/dom0_iomem.h"
#include "lib/string.h"
#include "lib/hv_range.h"
#include "lib/printk.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/m2p.h"
#include "mm/memmap.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "mm/segdesc.h"

#define M2P_L4_SLOT ((unsigned int)((MACH2PHYS_VIRT_START >> 39) & 511))

static void install_keel_slots(uint64_t *l4, domid_t domid)
{
	const uint64_t *idle = maddr_to_virt(idle_pml4_maddr);

	(void)domid;
	for (unsigned int s = HV_RANGE_FIRST_L4_SLOT; s <= HV_RANGE_LAST_L4_SLOT; s++)
		l4[s] = idle[s];
	/* The M2P's slot: read-only and not executable from the top, as Xen shows it. */
	l4[M2P_L4_SLOT] = (l4[M2P_L4_SLOT] & ~PTE_W) | (cpu_features.nx ? PTE_NX : 0);
}

static void flush_after_retype(struct page_info *pg)
{
	(void)pg;
	/* One guest vCPU per CPU so far: the local flush covers every stale entry. */
	write_cr3(read_cr3());
}

static int check_descriptor_page(struct page_info *pg, domid_t domid)
{
	(void)domid;
	return segdesc_fixup_page(arch_mfn_to_virt(page_to_mfn(pg)));
}

/* What dom0_iomem_access() needs to know of this machine; filled once at boot. */
static struct dom0_iomem_machine dom0_iomem;

void pv_mm_iomem_init(void)
{
	dom0_iomem.memmap = hypercall_machine_memmap();
	dom0_iomem.trampoline_maddr = smp_trampoline_maddr();
	dom0_iomem.lapic_maddr = acpi.lapic_addr ? acpi.lapic_addr : APIC_DEFAULT_MADDR;
	for (unsigned int i = 0; i < acpi.nr_ioapics && i < DOM0_IOMEM_MAX_IOAPICS; i++)
		dom0_iomem.ioapic_maddr[dom0_iomem.nr_ioapics++] = acpi.ioapic[i].addr;
	dom0_iomem.hpet_maddr = acpi.hpet_addr;
	dom0_iomem.amd = !strcmp(cpu_features.vendor, "AuthenticAMD");
}

const struct dom0_iomem_machine *hypercall_dom0_iomem(void)
{
	return dom0_iomem.memmap ? &dom0_iomem : NULL;
}

/*
 * I/O memory: the hardware domain's, as hypervisor/common/dom0_iomem.h
 * lays out (HPET read-only, Keel's interrupt controllers denied).  Other
 * domains map none (device pass-through is not supported).
 */
static enum pv_io_access io_frame_access(uint64_t mfn, domid_t domid)
{
	if (domid != 0 || !dom0_iomem.memmap)
		return PV_IO_DENIED;
	return dom0_iomem_access(&dom0_iomem, mfn);
}

unsigned int pv_mm_machine_address_bits(void)
{
	if (cpuid(0x80000000).eax >= 0x80000008)
		return cpuid(0x80000008).eax & 0xff;
	return 36;
}

/* Allocates the M2P table and maps it read-only for guests at MACH2PHYS_VIRT_START. */
static void m2p_setup(void)
{
	uint64_t nr_frames = frame_table_nr_frames();
	uint64_t bytes = m2p_bytes(nr_frames), pages = (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned int order = 9; /* 2 MiB-aligned: XENMEM_machphys_mfn_list reports 2 MiB chunks */
	mfn_t base;

	while ((1ULL << order) < pages)
		order++;
	if (bytes > MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START)
		panic("M2P of %lu frames does not fit its virtual range", nr_frames);
	base = alloc_frames(order);
	if (!mfn_valid_raw(base))
		panic("no memory for the M2P table (%lu KiB)", bytes >> 10);
	if (m2p_init(arch_mfn_to_virt(base), nr_frames))
		panic("m2p_init failed");
	for (uint64_t i = 0; i < pages; i++)
		paging_map_page(MACH2PHYS_VIRT_START + i * PAGE_SIZE,
				(mfn_x(base) + i) << PAGE_SHIFT,
				PTE_U | (cpu_features.nx ? PTE_NX : 0));
	printk(KLOG_INFO "M2P: %lu KiB for %lu frames at %#lx (read-only for guests)\n",
	       bytes >> 10, nr_frames, (uint64_t)MACH2PHYS_VIRT_START);
}

mfn_t pv_guest_va_to_mfn(uint64_t va)
{
	uint64_t e = read_cr3() & PV_PTE_ADDR_MASK;

	/* Keel's slots hold its own (super)pages, not guest tables: never walk them. */
	if (!is_canonical(va) || pv_l4_slot_is_keel((unsigned int)((va >> 39) & 511)))
		return INVALID_MFN;
	for (int level = 4; level >= 1; level--) {
		const uint64_t *t = maddr_to_virt(e & PV_PTE_ADDR_MASK);

		e = t[(va >> (12 + 9 * (level - 1))) & 511];
		if (!(e & PV_PTE_P))
			return INVALID_MFN;
	}
	return pv_pte_mfn(e);
}

void pv_mm_init(void)
{
	struct page_type_config cfg = {
		.maxphysaddr = pv_mm_machine_address_bits(),
		.nx = cpu_features.nx,
		.hooks = {
			.l4_install_keel_slots = install_keel_slots,
			.writable_retyped = flush_after_retype,
			.segdesc_check = check_descriptor_page,
			.io_frame_access = io_frame_access,
		},
	};

	if (cfg.maxphysaddr < 32 || cfg.maxphysaddr > 52)
		cfg.maxphysaddr = 36;
	if (page_type_init(&cfg))
		panic("page_type_init refused %u address bits", cfg.maxphysaddr);
	m2p_setup();
}
