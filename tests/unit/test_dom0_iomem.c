/*
 * tests/unit/test_dom0_iomem.c - the hardware domain's I/O memory
 * (hypervisor/common/dom0_iomem.c): what it may map read-write, what only
 * read-only, and what never, on a machine laid out like QEMU's q35.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hypervisor/common/dom0_iomem.h"

#define MFN(maddr) ((uint64_t)(maddr) >> 12)

static struct memmap map;
static struct dom0_iomem_machine machine;

/* q35 with 1 GiB: RAM, the firmware's reserved top of low RAM, PCI holes; Keel's image in RAM. */
static int setup(void **state)
{
	(void)state;
	memmap_init(&map);
	assert_int_equal(memmap_add(&map, 0, 0x9fc00, BOOT_MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x9fc00, 0x400, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0xf0000, 0x10000, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0x100000, 0x3fee0000, BOOT_MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x3ffe0000, 0x20000, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0xb0000000, 0x10000000, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0x7f000000, 0x100000, BOOT_MEM_ACPI_NVS), 0);
	assert_int_equal(memmap_add(&map, 0x7f100000, 0x100000, BOOT_MEM_ACPI_RECLAIM), 0);
	assert_int_equal(memmap_add(&map, 0x7f200000, 0x100000, BOOT_MEM_FIRMWARE), 0);
	assert_int_equal(memmap_add(&map, 0x7f300000, 0x100000, BOOT_MEM_UNUSABLE), 0);
	assert_int_equal(memmap_add(&map, 0x100000000ULL, 0x40000000, BOOT_MEM_USABLE), 0);
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(memmap_reserve(&map, 0x200000, 0x400000), 0); /* Keel's image */
	machine = (struct dom0_iomem_machine){
		.memmap = &map,
		.trampoline_maddr = 0x8000,
		.lapic_maddr = 0xfee00000,
		.nr_ioapics = 2,
		.ioapic_maddr = {0xfec00000, 0xfec01000},
		.hpet_maddr = 0xfed00000,
	};
	return 0;
}

static enum pv_io_access access(uint64_t maddr)
{
	return dom0_iomem_access(&machine, MFN(maddr));
}

/* Device memory and firmware tables: dom0's to map as it asks. */
static void test_device_memory_is_dom0s(void **state)
{
	(void)state;
	assert_int_equal(access(0xb0000000), PV_IO_READ_WRITE);  /* PCIe MMCONFIG, reserved */
	assert_int_equal(access(0xfebf0000), PV_IO_READ_WRITE);  /* a PCI BAR in a hole */
	assert_int_equal(access(0x3ffe0000), PV_IO_READ_WRITE);  /* ACPI tables (SeaBIOS: reserved) */
	assert_int_equal(access(0x7f000000), PV_IO_READ_WRITE);  /* ACPI NVS */
	assert_int_equal(access(0x7f1ff000), PV_IO_READ_WRITE);  /* ACPI tables */
	assert_int_equal(access(0xfed1c000), PV_IO_READ_WRITE);  /* the chipset's RCBA, beside the HPET */
	assert_int_equal(access(0xfec02000), PV_IO_READ_WRITE);  /* past the last I/O APIC */
	assert_int_equal(access(0xfedff000), PV_IO_READ_WRITE);  /* just below the MSI window */
	assert_int_equal(access(0xfef00000), PV_IO_READ_WRITE);  /* just above it */
	assert_int_equal(access(0xfd00000000ULL), PV_IO_READ_WRITE); /* not AMD: no HT window */
	/* The first MiB: VGA, BIOS, even low RAM, but Keel's trampoline page. */
	assert_int_equal(access(0xb8000), PV_IO_READ_WRITE);
	assert_int_equal(access(0x1000), PV_IO_READ_WRITE);
	assert_int_equal(access(0xff000), PV_IO_READ_WRITE);
	assert_int_equal(access(0x8000), PV_IO_DENIED);
	assert_int_equal(access(0x8fff), PV_IO_DENIED);
	machine.trampoline_maddr = 0;
	assert_int_equal(access(0x0), PV_IO_READ_WRITE);
}

/* The HPET Keel calibrates with: read-only, and only its own page. */
static void test_hpet_is_read_only(void **state)
{
	(void)state;
	assert_int_equal(access(0xfed00000), PV_IO_READ_ONLY);
	assert_int_equal(access(0xfed003ff), PV_IO_READ_ONLY);
	assert_int_equal(access(0xfed01000), PV_IO_READ_WRITE);
	assert_int_equal(access(0xfecff000), PV_IO_READ_WRITE);
	machine.hpet_maddr = 0;
	assert_int_equal(access(0xfed00000), PV_IO_READ_WRITE);
}

/* Keel's interrupt machinery is never dom0's. */
static void test_interrupt_controllers_are_keels(void **state)
{
	(void)state;
	assert_int_equal(access(0xfee00000), PV_IO_DENIED);
	assert_int_equal(access(0xfec00000), PV_IO_DENIED);
	assert_int_equal(access(0xfec01000), PV_IO_DENIED);
	/* The whole MSI window, wherever the local APIC was moved. */
	machine.lapic_maddr = 0xfe000000;
	assert_int_equal(access(0xfe000000), PV_IO_DENIED);
	assert_int_equal(access(0xfee00000), PV_IO_DENIED);
	assert_int_equal(access(0xfeeff000), PV_IO_DENIED);
	/* Only as many I/O APICs as ACPI listed. */
	machine.nr_ioapics = 1;
	assert_int_equal(access(0xfec01000), PV_IO_READ_WRITE);
	/* AMD: the HyperTransport window, both ends. */
	machine.amd = true;
	assert_int_equal(access(0xfd00000000ULL), PV_IO_DENIED);
	assert_int_equal(access(0xfffffff000ULL), PV_IO_DENIED);
	assert_int_equal(access(0x10000000000ULL), PV_IO_READ_WRITE);
	assert_int_equal(access(0xfcfffff000ULL), PV_IO_READ_WRITE);
}

/* RAM: Keel's, the allocator's, the firmware's runtime memory; and bad RAM. */
static void test_ram_is_not_io_memory(void **state)
{
	(void)state;
	assert_int_equal(access(0x100000), PV_IO_DENIED);   /* usable */
	assert_int_equal(access(0x200000), PV_IO_DENIED);   /* Keel's image */
	assert_int_equal(access(0x5ff000), PV_IO_DENIED);
	assert_int_equal(access(0x100000000ULL), PV_IO_DENIED);
	assert_int_equal(access(0x7f200000), PV_IO_DENIED); /* EFI runtime memory */
	assert_int_equal(access(0x7f300000), PV_IO_DENIED); /* unusable above 1 MiB */
	/* A page that starts in a reserved range but ends in RAM: denied whole. */
	memmap_init(&map);
	assert_int_equal(memmap_add(&map, 0x100000, 0x800, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0x100800, 0x100000, BOOT_MEM_USABLE), 0);
	assert_int_equal(memmap_add(&map, 0x300000, 0x10000, BOOT_MEM_RESERVED), 0);
	assert_int_equal(memmap_add(&map, 0x3ff800, 0x800, BOOT_MEM_UNUSABLE), 0);
	assert_int_equal(memmap_sanitize(&map), 0);
	assert_int_equal(access(0x100000), PV_IO_DENIED);
	assert_int_equal(access(0x300000), PV_IO_READ_WRITE);
	assert_int_equal(access(0x3ff000), PV_IO_DENIED);
	/* An HPET the firmware put in RAM does not open that RAM to dom0. */
	machine.hpet_maddr = 0x101000;
	assert_int_equal(access(0x101000), PV_IO_DENIED);
	/* A frame number whose address does not fit 64 bits. */
	assert_int_equal(dom0_iomem_access(&machine, UINT64_MAX), PV_IO_DENIED);
	assert_int_equal(dom0_iomem_access(&machine, 1ULL << 52), PV_IO_DENIED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_device_memory_is_dom0s, setup),
	    cmocka_unit_test_setup(test_hpet_is_read_only, setup),
	    cmocka_unit_test_setup(test_interrupt_controllers_are_keels, setup),
	    cmocka_unit_test_setup(test_ram_is_not_io_memory, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
