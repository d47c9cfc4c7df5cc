/*
 * hypervisor/common/dom0_iomem.c - the hardware domain's I/O memory
 * (rules in dom0_iomem.h).
 */
#include "hypervisor/common/dom0_iomem.h"

#define PAGE_BITS 12
#define PAGE_SIZE_4K (1ULL << PAGE_BITS)
#define FIRST_MIB 0x100000ULL

static bool same_frame(uint64_t maddr, uint64_t mfn)
{
	return (maddr >> PAGE_BITS) == mfn;
}

/* Appends [start, end) to the sorted list out[0..n), merging; returns the new count. */
static unsigned int add_range(struct dom0_iomem_range *out, unsigned int n, uint64_t start,
			      uint64_t end)
{
	unsigned int i = n, j;

	while (i > 0 && out[i - 1].start > start)
		i--;
	for (j = n; j > i; j--)
		out[j] = out[j - 1];
	out[i] = (struct dom0_iomem_range){start, end};
	n++;
	/* Merge every neighbour that overlaps or touches, until none does. */
	for (i = 0; i + 1 < n;) {
		if (out[i + 1].start > out[i].end) {
			i++;
			continue;
		}
		if (out[i + 1].end > out[i].end)
			out[i].end = out[i + 1].end;
		for (j = i + 1; j + 1 < n; j++)
			out[j] = out[j + 1];
		n--;
	}
	return n;
}

static uint64_t page_start(uint64_t maddr)
{
	return maddr & ~((1ULL << PAGE_BITS) - 1);
}

unsigned int dom0_iomem_keel_ranges(const struct dom0_iomem_machine *m,
				    struct dom0_iomem_range out[DOM0_IOMEM_MAX_DENIED])
{
	unsigned int n = 0;

	n = add_range(out, n, page_start(m->lapic_maddr), page_start(m->lapic_maddr) + PAGE_SIZE_4K);
	n = add_range(out, n, DOM0_IOMEM_MSI_START, DOM0_IOMEM_MSI_END);
	if (m->amd)
		n = add_range(out, n, DOM0_IOMEM_HT_START, DOM0_IOMEM_HT_END);
	for (unsigned int i = 0; i < m->nr_ioapics && i < DOM0_IOMEM_MAX_IOAPICS; i++)
		n = add_range(out, n, page_start(m->ioapic_maddr[i]),
			      page_start(m->ioapic_maddr[i]) + PAGE_SIZE_4K);
	return n;
}

/* Keel's interrupt hardware: never dom0's to map. */
static bool keel_interrupt_hw(const struct dom0_iomem_machine *m, uint64_t maddr)
{
	struct dom0_iomem_range r[DOM0_IOMEM_MAX_DENIED];
	unsigned int n = dom0_iomem_keel_ranges(m, r);

	for (unsigned int i = 0; i < n; i++)
		if (maddr >= r[i].start && maddr < r[i].end)
			return true;
	return false;
}

/* RAM (Keel's, the allocator's, firmware's runtime memory) or bad RAM: never I/O memory. */
static bool denied_type(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == MEMMAP_IN_USE || type == BOOT_MEM_FIRMWARE ||
	       type == BOOT_MEM_UNUSABLE;
}

/* Whether any byte of the page at maddr lies in a range of a denied type. */
static bool page_has_denied_memory(const struct memmap *map, uint64_t maddr)
{
	uint64_t end = maddr + PAGE_SIZE_4K;

	for (unsigned int i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];

		if (r->base < end && r->base + r->len > maddr && denied_type(r->type))
			return true;
	}
	return false;
}

enum pv_io_access dom0_iomem_access(const struct dom0_iomem_machine *m, uint64_t mfn)
{
	uint64_t maddr = mfn << PAGE_BITS;

	if (mfn >> (64 - PAGE_BITS))
		return PV_IO_DENIED;
	if (maddr < FIRST_MIB)
		return m->trampoline_maddr && same_frame(m->trampoline_maddr, mfn) ? PV_IO_DENIED
										    : PV_IO_READ_WRITE;
	/* Before the HPET: a firmware table that puts the HPET in RAM gets no RAM for dom0. */
	if (keel_interrupt_hw(m, maddr) || page_has_denied_memory(m->memmap, maddr))
		return PV_IO_DENIED;
	if (m->hpet_maddr && same_frame(m->hpet_maddr, mfn))
		return PV_IO_READ_ONLY;
	/* Reserved, ACPI tables and NVS, types Keel does not know, holes. */
	return PV_IO_READ_WRITE;
}
