/*
 * hypervisor/common/dom0_iomem.c - the hardware domain's I/O memory
 * (rules in dom0_iomem.h).
 */
#include "hypervisor/common/dom0_iomem.h"

#define PAGE_BITS 12
#define FIRST_MIB 0x100000ULL

static bool same_frame(uint64_t maddr, uint64_t mfn)
{
	return (maddr >> PAGE_BITS) == mfn;
}

/* Keel's interrupt and timer hardware: never dom0's to write. */
static bool keel_interrupt_hw(const struct dom0_iomem_machine *m, uint64_t maddr, uint64_t mfn)
{
	if (same_frame(m->lapic_maddr, mfn))
		return true;
	if (maddr >= DOM0_IOMEM_MSI_START && maddr < DOM0_IOMEM_MSI_END)
		return true;
	if (m->amd && maddr >= DOM0_IOMEM_HT_START && maddr < DOM0_IOMEM_HT_END)
		return true;
	for (unsigned int i = 0; i < m->nr_ioapics && i < DOM0_IOMEM_MAX_IOAPICS; i++)
		if (same_frame(m->ioapic_maddr[i], mfn))
			return true;
	return false;
}

enum pv_io_access dom0_iomem_access(const struct dom0_iomem_machine *m, uint64_t mfn)
{
	uint64_t maddr = mfn << PAGE_BITS;
	uint32_t type;

	if (mfn >> (64 - PAGE_BITS))
		return PV_IO_DENIED;
	if (maddr < FIRST_MIB)
		return m->trampoline_maddr && same_frame(m->trampoline_maddr, mfn) ? PV_IO_DENIED
										    : PV_IO_READ_WRITE;
	if (keel_interrupt_hw(m, maddr, mfn))
		return PV_IO_DENIED;
	if (m->hpet_maddr && same_frame(m->hpet_maddr, mfn))
		return PV_IO_READ_ONLY;
	type = memmap_type_at(m->memmap, maddr);
	switch (type) {
	case BOOT_MEM_USABLE:
	case MEMMAP_IN_USE:
	case BOOT_MEM_FIRMWARE:
	case BOOT_MEM_UNUSABLE:
		return PV_IO_DENIED;
	default: /* reserved, ACPI tables and NVS, types Keel does not know, holes */
		return PV_IO_READ_WRITE;
	}
}
