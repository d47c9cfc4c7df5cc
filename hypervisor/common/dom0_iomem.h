/*
 * hypervisor/common/dom0_iomem.h - which machine memory outside the
 * frame allocator's RAM the hardware domain may map, and how.
 *
 * A 64-bit PV dom0 maps device memory (MMIO) and firmware tables with
 * ordinary L1 entries naming machine frames Keel keeps no counts on.  The
 * answer for one frame, as Xen 4.17 gives dom0 its I/O memory:
 *   - the first MiB (BIOS data, option ROMs, VGA): read-write, but for
 *     Keel's AP start-up trampoline page;
 *   - RAM Keel owns (usable RAM it did not hand out, its image, boot
 *     modules) and RAM firmware keeps for its runtime services: denied;
 *   - ranges the firmware calls unusable, above the first MiB: denied;
 *     a page holding any byte of RAM or unusable memory is denied whole;
 *   - the interrupt machinery Keel drives: every local APIC page and the
 *     MSI address window (0xfee00000-0xfeefffff), each I/O APIC's page,
 *     and on AMD the HyperTransport window (0xfd00000000-0xffffffffff):
 *     denied;
 *   - the HPET's page: read-only.  Keel reads and starts the HPET to
 *     calibrate its clock; dom0's ACPI code reads it through AML (Linux
 *     evaluates _STA methods that read the HPET registers) and must not
 *     reprogram it.  A writable mapping asked for is installed without
 *     RW, as Xen forces it (its ro_hpet default);
 *   - everything else that is not RAM (reserved ranges, ACPI tables and
 *     NVS, PCI BARs, holes): read-write.
 * Other domains map no I/O memory (no device pass-through).
 */
#ifndef KEEL_HYPERVISOR_COMMON_DOM0_IOMEM_H
#define KEEL_HYPERVISOR_COMMON_DOM0_IOMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/memmap.h"
#include "mm/page_type.h"

#define DOM0_IOMEM_MAX_IOAPICS 8
#define DOM0_IOMEM_MSI_START 0xfee00000ULL
#define DOM0_IOMEM_MSI_END 0xfef00000ULL
#define DOM0_IOMEM_HT_START 0xfd00000000ULL
#define DOM0_IOMEM_HT_END 0x10000000000ULL

/* What Keel knows of the machine, for the answers above. */
struct dom0_iomem_machine {
	const struct memmap *memmap;	/* sanitized firmware map with Keel's reservations */
	uint64_t trampoline_maddr;	/* Keel's AP trampoline page; 0: none */
	uint64_t lapic_maddr;		/* the local APICs' base */
	unsigned int nr_ioapics;
	uint64_t ioapic_maddr[DOM0_IOMEM_MAX_IOAPICS];
	uint64_t hpet_maddr;		/* 0: no HPET */
	bool amd;			/* the HyperTransport window is reserved */
};

/* A range of machine addresses, [start, end). */
struct dom0_iomem_range {
	uint64_t start, end;
};

/* At most this many ranges of Keel's interrupt hardware. */
#define DOM0_IOMEM_MAX_DENIED (3 + DOM0_IOMEM_MAX_IOAPICS)

/*
 * Keel's interrupt hardware (the local APIC page, the MSI window, the I/O
 * APICs' pages, AMD's HyperTransport window) as ranges sorted by start,
 * overlapping or touching ones merged, into out[DOM0_IOMEM_MAX_DENIED].
 * Returns how many.  XENMEM_machine_memory_map shows dom0 the parts that
 * fall in the firmware map's holes as reserved, as Xen does.
 */
unsigned int dom0_iomem_keel_ranges(const struct dom0_iomem_machine *m,
				    struct dom0_iomem_range out[DOM0_IOMEM_MAX_DENIED]);

/* How the hardware domain may map machine frame mfn as I/O memory. */
enum pv_io_access dom0_iomem_access(const struct dom0_iomem_machine *m, uint64_t mfn);

#endif
