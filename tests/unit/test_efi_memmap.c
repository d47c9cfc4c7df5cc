/*
 * tests/unit/test_efi_memmap.c - the UEFI loader's memory map translation
 * (hypervisor/boot/efi/memmap.c): EFI memory types -> boot_mem_range types,
 * sorting and merging of neighbours.
 *
 * Maps are built with a descriptor size larger than the structure, as
 * firmware does (OVMF: 48 bytes), with junk in every byte the translation
 * should ignore, in buffers of exactly the map's size (ASan checks reads).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/boot/efi/memmap.h"

#define DESC_SIZE 48
#define PAGE	  4096ULL
#define MAX_DESCS 1024

struct desc {
	uint32_t type;
	uint64_t base;
	uint64_t pages;
};

static uint8_t *map;
static size_t map_size;
static struct boot_mem_range *out;
static uint32_t dropped;

/* Lays out @n descriptors, @desc_size bytes apart, junk everywhere else. */
static void build_map(const struct desc *d, size_t n, size_t desc_size)
{
	free(map);
	map_size = n * desc_size;
	map = malloc(map_size ? map_size : 1);
	assert_non_null(map);
	memset(map, 0xa5, map_size);
	for (size_t i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR e = {
		    .Type = d[i].type,
		    .Pad = 0xdeadbeef,
		    .PhysicalStart = d[i].base,
		    .VirtualStart = 0xffff800000000000ULL + d[i].base,
		    .NumberOfPages = d[i].pages,
		    .Attribute = 0x800000000000000fULL,
		};

		memcpy(map + i * desc_size, &e, sizeof(e));
	}
}

/* Translates the map into a fresh array of exactly @max ranges. */
static uint32_t translate(size_t desc_size, uint32_t max)
{
	free(out);
	out = malloc((max ? max : 1) * sizeof(*out));
	assert_non_null(out);
	memset(out, 0x5a, (max ? max : 1) * sizeof(*out));
	dropped = 0x5a5a;
	return memmap_translate(map, map_size, desc_size, out, max, &dropped);
}

static uint32_t run(const struct desc *d, size_t n, uint32_t max)
{
	build_map(d, n, DESC_SIZE);
	return translate(DESC_SIZE, max);
}

static int teardown(void **state)
{
	(void)state;
	free(map);
	map = NULL;
	free(out);
	out = NULL;
	return 0;
}

static void assert_range(uint32_t i, uint64_t base, uint64_t len, uint32_t type)
{
	if (out[i].base != base || out[i].len != len || out[i].type != type)
		fail_msg("range %u: got %#llx+%#llx type %u, expected %#llx+%#llx type %u", i,
			 (unsigned long long)out[i].base, (unsigned long long)out[i].len,
			 out[i].type, (unsigned long long)base, (unsigned long long)len, type);
	assert_int_equal(out[i].pad, 0);
}

/* Sorted, non-overlapping, no mergeable neighbours. */
static void assert_well_formed(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		assert_int_not_equal(out[i].len, 0);
		if (i == 0)
			continue;
		assert_true(out[i - 1].base + out[i - 1].len <= out[i].base);
		if (out[i - 1].base + out[i - 1].len == out[i].base)
			assert_int_not_equal(out[i - 1].type, out[i].type);
	}
}

static void test_boot_types(void **state)
{
	static const struct {
		uint32_t efi, boot;
	} t[] = {
	    {EfiReservedMemoryType, BOOT_MEM_RESERVED},
	    {EfiLoaderCode, BOOT_MEM_USABLE},
	    {EfiLoaderData, BOOT_MEM_USABLE},
	    {EfiBootServicesCode, BOOT_MEM_USABLE},
	    {EfiBootServicesData, BOOT_MEM_USABLE},
	    {EfiRuntimeServicesCode, BOOT_MEM_FIRMWARE},
	    {EfiRuntimeServicesData, BOOT_MEM_FIRMWARE},
	    {EfiConventionalMemory, BOOT_MEM_USABLE},
	    {EfiUnusableMemory, BOOT_MEM_UNUSABLE},
	    {EfiACPIReclaimMemory, BOOT_MEM_ACPI_RECLAIM},
	    {EfiACPIMemoryNVS, BOOT_MEM_ACPI_NVS},
	    {EfiMemoryMappedIO, BOOT_MEM_RESERVED},
	    {EfiMemoryMappedIOPortSpace, BOOT_MEM_RESERVED},
	    {EfiPalCode, BOOT_MEM_RESERVED},
	    {14, BOOT_MEM_RESERVED},	     /* EfiPersistentMemory */
	    {15, BOOT_MEM_RESERVED},	     /* EfiUnacceptedMemoryType */
	    {0x70000000, BOOT_MEM_RESERVED}, /* OEM */
	    {0x80000000, BOOT_MEM_RESERVED}, /* OS loader */
	    {UINT32_MAX, BOOT_MEM_RESERVED},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (memmap_boot_type(t[i].efi) != t[i].boot)
			fail_msg("EFI type %#x: got %u, expected %u", t[i].efi,
				 memmap_boot_type(t[i].efi), t[i].boot);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(memmap_efi_type_name(EfiReservedMemoryType), "Reserved");
	assert_string_equal(memmap_efi_type_name(EfiLoaderCode), "LoaderCode");
	assert_string_equal(memmap_efi_type_name(EfiLoaderData), "LoaderData");
	assert_string_equal(memmap_efi_type_name(EfiBootServicesCode), "BootServicesCode");
	assert_string_equal(memmap_efi_type_name(EfiBootServicesData), "BootServicesData");
	assert_string_equal(memmap_efi_type_name(EfiRuntimeServicesCode), "RuntimeServicesCode");
	assert_string_equal(memmap_efi_type_name(EfiRuntimeServicesData), "RuntimeServicesData");
	assert_string_equal(memmap_efi_type_name(EfiConventionalMemory), "Conventional");
	assert_string_equal(memmap_efi_type_name(EfiUnusableMemory), "Unusable");
	assert_string_equal(memmap_efi_type_name(EfiACPIReclaimMemory), "ACPIReclaim");
	assert_string_equal(memmap_efi_type_name(EfiACPIMemoryNVS), "ACPIMemoryNVS");
	assert_string_equal(memmap_efi_type_name(EfiMemoryMappedIO), "MMIO");
	assert_string_equal(memmap_efi_type_name(EfiMemoryMappedIOPortSpace), "MMIOPortSpace");
	assert_string_equal(memmap_efi_type_name(EfiPalCode), "PalCode");
	assert_string_equal(memmap_efi_type_name(EfiMaxMemoryType), "Other");
	assert_string_equal(memmap_efi_type_name(0x70000000), "Other");
	assert_string_equal(memmap_efi_type_name(0x80000000), "Other");
	assert_string_equal(memmap_efi_type_name(UINT32_MAX), "Other");
}

static void test_empty_and_bad_sizes(void **state)
{
	static const struct desc one[] = {{EfiConventionalMemory, 0x100000, 16}};

	(void)state;
	build_map(NULL, 0, DESC_SIZE);
	assert_int_equal(translate(DESC_SIZE, 4), 0);
	assert_int_equal(dropped, 0);

	/* A descriptor size smaller than the structure: nothing is read. */
	build_map(one, 1, DESC_SIZE);
	assert_int_equal(translate(sizeof(EFI_MEMORY_DESCRIPTOR) - 8, 4), 0);
	assert_int_equal(dropped, 0);
	assert_int_equal(translate(0, 4), 0);
	assert_int_equal(dropped, 0);

	/* A map shorter than one descriptor. */
	map_size = DESC_SIZE - 1;
	assert_int_equal(translate(DESC_SIZE, 4), 0);

	/* The bare structure size is a valid descriptor size. */
	build_map(one, 1, sizeof(EFI_MEMORY_DESCRIPTOR));
	assert_int_equal(translate(sizeof(EFI_MEMORY_DESCRIPTOR), 4), 1);
	assert_range(0, 0x100000, 16 * PAGE, BOOT_MEM_USABLE);
}

static void test_single_and_zero_pages(void **state)
{
	static const struct desc d[] = {
	    {EfiConventionalMemory, 0x100000, 0}, /* empty: skipped */
	    {EfiACPIReclaimMemory, 0x7fe0000, 0x20},
	    {EfiMemoryMappedIO, 0xfec00000, 0},
	};

	(void)state;
	assert_int_equal(run(d, 3, 4), 1);
	assert_int_equal(dropped, 0);
	assert_range(0, 0x7fe0000, 0x20 * PAGE, BOOT_MEM_ACPI_RECLAIM);
}

/* A trailing partial descriptor is not read (ASan would see it). */
static void test_partial_descriptor(void **state)
{
	static const struct desc d[] = {
	    {EfiConventionalMemory, 0, 0xa0},
	    {EfiACPIMemoryNVS, 0x806000, 2},
	    {EfiConventionalMemory, 0x100000, 0x10},
	};

	(void)state;
	build_map(d, 3, DESC_SIZE);
	map_size = 3 * DESC_SIZE - 1; /* the last descriptor is cut short */
	assert_int_equal(translate(DESC_SIZE, 8), 2);
	assert_range(0, 0, 0xa0 * PAGE, BOOT_MEM_USABLE);
	assert_range(1, 0x806000, 2 * PAGE, BOOT_MEM_ACPI_NVS);
}

/* Strides other than 48: the structure size and a larger one. */
static void test_descriptor_sizes(void **state)
{
	static const struct desc d[] = {
	    {EfiConventionalMemory, 0x0, 0x10},
	    {EfiBootServicesData, 0x10000, 0x10},
	    {EfiRuntimeServicesData, 0x20000, 0x10},
	};
	static const size_t sizes[] = {sizeof(EFI_MEMORY_DESCRIPTOR), 48, 56, 128};

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		build_map(d, 3, sizes[i]);
		assert_int_equal(translate(sizes[i], 8), 2);
		assert_range(0, 0, 0x20 * PAGE, BOOT_MEM_USABLE);
		assert_range(1, 0x20000, 0x10 * PAGE, BOOT_MEM_FIRMWARE);
	}
}

static void test_no_merge_across_types_or_gaps(void **state)
{
	static const struct desc d[] = {
	    {EfiConventionalMemory, 0x0, 1},
	    {EfiRuntimeServicesCode, 0x1000, 1}, /* adjacent, other type */
	    {EfiRuntimeServicesData, 0x2000, 1}, /* same Keel type: merged */
	    {EfiConventionalMemory, 0x4000, 1},	 /* gap at 0x3000 */
	    {EfiBootServicesCode, 0x6000, 1},	 /* gap at 0x5000 */
	    {EfiMemoryMappedIO, 0x7000, 1},
	    {EfiReservedMemoryType, 0x8000, 1}, /* reserved + MMIO: both reserved */
	    {EfiUnusableMemory, 0x9000, 1},
	    {EfiACPIReclaimMemory, 0xa000, 1},
	    {EfiACPIMemoryNVS, 0xb000, 1},
	};

	(void)state;
	assert_int_equal(run(d, sizeof(d) / sizeof(d[0]), 16), 8);
	assert_int_equal(dropped, 0);
	assert_range(0, 0x0, PAGE, BOOT_MEM_USABLE);
	assert_range(1, 0x1000, 2 * PAGE, BOOT_MEM_FIRMWARE);
	assert_range(2, 0x4000, PAGE, BOOT_MEM_USABLE);
	assert_range(3, 0x6000, PAGE, BOOT_MEM_USABLE);
	assert_range(4, 0x7000, 2 * PAGE, BOOT_MEM_RESERVED);
	assert_range(5, 0x9000, PAGE, BOOT_MEM_UNUSABLE);
	assert_range(6, 0xa000, PAGE, BOOT_MEM_ACPI_RECLAIM);
	assert_range(7, 0xb000, PAGE, BOOT_MEM_ACPI_NVS);
	assert_well_formed(8);
}

/* A descriptor that fills the gap between two ranges joins all three. */
static void test_bridging(void **state)
{
	static const struct desc d[] = {
	    {EfiConventionalMemory, 0x0, 1},
	    {EfiConventionalMemory, 0x3000, 1},
	    {EfiRuntimeServicesData, 0x10000, 1},
	    {EfiLoaderData, 0x1000, 2},		  /* bridges 0x0 and 0x3000 */
	    {EfiRuntimeServicesCode, 0xf000, 1},  /* prepended to 0x10000 */
	    {EfiRuntimeServicesCode, 0x11000, 1}, /* appended */
	};

	(void)state;
	assert_int_equal(run(d, sizeof(d) / sizeof(d[0]), 3), 2);
	assert_int_equal(dropped, 0);
	assert_range(0, 0x0, 4 * PAGE, BOOT_MEM_USABLE);
	assert_range(1, 0xf000, 3 * PAGE, BOOT_MEM_FIRMWARE);
}

/*
 * The map of README.md's OVMF facts, a firmware-style split into many
 * descriptors, plus the usual runtime, ACPI and MMIO ranges.
 */
static const struct desc ovmf[] = {
    {EfiBootServicesCode, 0x0, 1},
    {EfiConventionalMemory, 0x1000, 0x9f},
    {EfiConventionalMemory, 0x100000, 0x100},
    {EfiLoaderCode, 0x200000, 0x4b},
    {EfiConventionalMemory, 0x24b000, 0x5bb},
    {EfiACPIMemoryNVS, 0x806000, 2},
    {EfiConventionalMemory, 0x808000, 8},
    {EfiACPIMemoryNVS, 0x810000, 0xf0},
    {EfiBootServicesData, 0x900000, 0x400},
    {EfiLoaderData, 0xd00000, 0x10},
    {EfiBootServicesData, 0xd10000, 0x7f0},
    {EfiConventionalMemory, 0x1500000, 0x6000},
    {EfiBootServicesCode, 0x7500000, 0x100},
    {EfiRuntimeServicesData, 0x7600000, 0x80},
    {EfiRuntimeServicesCode, 0x7680000, 0x80},
    {EfiACPIReclaimMemory, 0x7700000, 0x10},
    {EfiACPIMemoryNVS, 0x7710000, 0x70},
    {EfiBootServicesData, 0x7780000, 0x800},
    {EfiReservedMemoryType, 0xb0000000, 0x10000},
    {EfiMemoryMappedIO, 0xffc00000, 0x400},
};

static void assert_ovmf_result(uint32_t n)
{
	assert_int_equal(n, 12);
	assert_int_equal(dropped, 0);
	assert_range(0, 0x0, 0xa0000, BOOT_MEM_USABLE);
	assert_range(1, 0x100000, 0x706000, BOOT_MEM_USABLE);
	assert_range(2, 0x806000, 0x2000, BOOT_MEM_ACPI_NVS);
	assert_range(3, 0x808000, 0x8000, BOOT_MEM_USABLE);
	assert_range(4, 0x810000, 0xf0000, BOOT_MEM_ACPI_NVS);
	assert_range(5, 0x900000, 0x6d00000, BOOT_MEM_USABLE);
	assert_range(6, 0x7600000, 0x100000, BOOT_MEM_FIRMWARE);
	assert_range(7, 0x7700000, 0x10000, BOOT_MEM_ACPI_RECLAIM);
	assert_range(8, 0x7710000, 0x70000, BOOT_MEM_ACPI_NVS);
	assert_range(9, 0x7780000, 0x800000, BOOT_MEM_USABLE);
	/* Reserved and MMIO with a gap between: not merged. */
	assert_range(10, 0xb0000000, 0x10000000, BOOT_MEM_RESERVED);
	assert_range(11, 0xffc00000, 0x400000, BOOT_MEM_RESERVED);
	assert_well_formed(n);
}

static void test_ovmf_like_sorted(void **state)
{
	(void)state;
	assert_ovmf_result(run(ovmf, sizeof(ovmf) / sizeof(ovmf[0]), BOOT_MAX_MEM_RANGES));
}

/* The firmware need not sort its map: every order gives the same ranges. */
static void test_ovmf_like_any_order(void **state)
{
	const size_t n = sizeof(ovmf) / sizeof(ovmf[0]);
	struct desc d[sizeof(ovmf) / sizeof(ovmf[0])];
	uint32_t seed = 12345;

	(void)state;
	for (size_t i = 0; i < n; i++) /* reversed */
		d[i] = ovmf[n - 1 - i];
	assert_ovmf_result(run(d, n, BOOT_MAX_MEM_RANGES));

	for (int round = 0; round < 200; round++) {
		memcpy(d, ovmf, sizeof(d));
		for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates, fixed LCG */
			size_t j;
			struct desc t;

			seed = seed * 1103515245u + 12345u;
			j = (seed >> 16) % (i + 1);
			t = d[i];
			d[i] = d[j];
			d[j] = t;
		}
		assert_ovmf_result(run(d, n, BOOT_MAX_MEM_RANGES));
	}
}

/* Out of room: count what was dropped, never write past @max. */
static void test_full(void **state)
{
	static const struct desc d[] = {
	    {EfiConventionalMemory, 0x10000, 1}, {EfiACPIMemoryNVS, 0x20000, 1},
	    {EfiConventionalMemory, 0x30000, 1}, /* no room */
	    {EfiConventionalMemory, 0x11000, 2}, /* merges: needs no room */
	    {EfiACPIMemoryNVS, 0x1f000, 1},	 /* merges by prepending */
	    {EfiReservedMemoryType, 0x0, 1},	 /* no room */
	};

	(void)state;
	assert_int_equal(run(d, sizeof(d) / sizeof(d[0]), 2), 2);
	assert_int_equal(dropped, 2);
	assert_range(0, 0x10000, 3 * PAGE, BOOT_MEM_USABLE);
	assert_range(1, 0x1f000, 2 * PAGE, BOOT_MEM_ACPI_NVS);

	/* No room at all. */
	assert_int_equal(run(d, sizeof(d) / sizeof(d[0]), 0), 0);
	assert_int_equal(dropped, 6);
}

/* More descriptors than BOOT_MAX_MEM_RANGES: merged, or counted as dropped. */
static void test_many_descriptors(void **state)
{
	static struct desc d[MAX_DESCS];
	const uint32_t n = BOOT_MAX_MEM_RANGES + 100;
	uint32_t got;

	(void)state;
	/* Alternating types, all adjacent: nothing merges. */
	for (uint32_t i = 0; i < n; i++)
		d[i] = (struct desc){i % 2 ? EfiACPIMemoryNVS : EfiConventionalMemory,
				     0x100000 + i * PAGE, 1};
	got = run(d, n, BOOT_MAX_MEM_RANGES);
	assert_int_equal(got, BOOT_MAX_MEM_RANGES);
	assert_int_equal(dropped, 100);
	assert_well_formed(got);
	assert_range(0, 0x100000, PAGE, BOOT_MEM_USABLE);
	assert_range(BOOT_MAX_MEM_RANGES - 1, 0x100000 + (BOOT_MAX_MEM_RANGES - 1) * PAGE, PAGE,
		     BOOT_MEM_ACPI_NVS);

	/* The same descriptors as boot-services pages: one range. */
	for (uint32_t i = 0; i < n; i++)
		d[i].type = i % 2 ? EfiBootServicesData : EfiConventionalMemory;
	got = run(d, n, BOOT_MAX_MEM_RANGES);
	assert_int_equal(got, 1);
	assert_int_equal(dropped, 0);
	assert_range(0, 0x100000, n * PAGE, BOOT_MEM_USABLE);

	/* Backwards, every other page missing, then the missing pages. */
	for (uint32_t i = 0; i < MAX_DESCS / 2; i++)
		d[i] = (struct desc){EfiConventionalMemory, (MAX_DESCS - 2 - 2 * i) * PAGE, 1};
	for (uint32_t i = 0; i < MAX_DESCS / 2; i++)
		d[MAX_DESCS / 2 + i] = (struct desc){EfiLoaderCode, (2 * i + 1) * PAGE, 1};
	got = run(d, MAX_DESCS, BOOT_MAX_MEM_RANGES);
	assert_int_equal(got, 1);
	assert_int_equal(dropped, 0);
	assert_range(0, 0, MAX_DESCS * PAGE, BOOT_MEM_USABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_boot_types, teardown),
	    cmocka_unit_test_teardown(test_type_names, teardown),
	    cmocka_unit_test_teardown(test_empty_and_bad_sizes, teardown),
	    cmocka_unit_test_teardown(test_single_and_zero_pages, teardown),
	    cmocka_unit_test_teardown(test_partial_descriptor, teardown),
	    cmocka_unit_test_teardown(test_descriptor_sizes, teardown),
	    cmocka_unit_test_teardown(test_no_merge_across_types_or_gaps, teardown),
	    cmocka_unit_test_teardown(test_bridging, teardown),
	    cmocka_unit_test_teardown(test_ovmf_like_sorted, teardown),
	    cmocka_unit_test_teardown(test_ovmf_like_any_order, teardown),
	    cmocka_unit_test_teardown(test_full, teardown),
	    cmocka_unit_test_teardown(test_many_descriptors, teardown),
	};

	return cmocka_run_group_tests_name("efi_memmap", tests, NULL, NULL);
}
