/*
 * hypervisor/boot/efi/memmap.c - UEFI memory map -> struct boot_mem_range.
 *
 * OVMF's map has one descriptor per allocation (well over a hundred), most
 * of them boot-services memory that becomes plain RAM for Keel; merging
 * neighbours of the same translated type keeps the result far below
 * BOOT_MAX_MEM_RANGES.  The firmware need not sort its map, so each range is
 * inserted in address order and merged with its neighbours as it goes.
 *
 * Runs after ExitBootServices(): no UEFI calls, no allocation, no printing.
 */
#include "hypervisor/boot/efi/memmap.h"

uint32_t memmap_boot_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EfiConventionalMemory:
	case EfiLoaderCode:
	case EfiLoaderData:
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return BOOT_MEM_USABLE;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
		return BOOT_MEM_FIRMWARE;
	case EfiACPIReclaimMemory:
		return BOOT_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:
		return BOOT_MEM_ACPI_NVS;
	case EfiUnusableMemory:
		return BOOT_MEM_UNUSABLE;
	default: /* reserved, MMIO, port space, PAL code, persistent, ... */
		return BOOT_MEM_RESERVED;
	}
}

const char *memmap_efi_type_name(uint32_t efi_type)
{
	static const char *const names[] = {
		[EfiReservedMemoryType] = "Reserved",
		[EfiLoaderCode] = "LoaderCode",
		[EfiLoaderData] = "LoaderData",
		[EfiBootServicesCode] = "BootServicesCode",
		[EfiBootServicesData] = "BootServicesData",
		[EfiRuntimeServicesCode] = "RuntimeServicesCode",
		[EfiRuntimeServicesData] = "RuntimeServicesData",
		[EfiConventionalMemory] = "Conventional",
		[EfiUnusableMemory] = "Unusable",
		[EfiACPIReclaimMemory] = "ACPIReclaim",
		[EfiACPIMemoryNVS] = "ACPIMemoryNVS",
		[EfiMemoryMappedIO] = "MMIO",
		[EfiMemoryMappedIOPortSpace] = "MMIOPortSpace",
		[EfiPalCode] = "PalCode",
	};

	if (efi_type < sizeof(names) / sizeof(names[0]) && names[efi_type])
		return names[efi_type];
	return "Other";
}

static void remove_at(struct boot_mem_range *out, uint32_t *n, uint32_t i)
{
	for (; i + 1 < *n; i++)
		out[i] = out[i + 1];
	(*n)--;
}

/* Inserts @r into the sorted array @out of *@n ranges; 0 if there was no room. */
static int insert_range(struct boot_mem_range *out, uint32_t *n, uint32_t max,
			struct boot_mem_range r)
{
	uint32_t i = 0;

	while (i < *n && out[i].base <= r.base)
		i++;
	/* Extend the range before it, then maybe swallow the one after. */
	if (i > 0 && out[i - 1].type == r.type && out[i - 1].base + out[i - 1].len == r.base) {
		out[i - 1].len += r.len;
		if (i < *n && out[i].type == r.type && r.base + r.len == out[i].base) {
			out[i - 1].len += out[i].len;
			remove_at(out, n, i);
		}
		return 1;
	}
	if (i < *n && out[i].type == r.type && r.base + r.len == out[i].base) {
		out[i].base = r.base;
		out[i].len += r.len;
		return 1;
	}
	if (*n == max)
		return 0;
	for (uint32_t j = *n; j > i; j--)
		out[j] = out[j - 1];
	out[i] = r;
	(*n)++;
	return 1;
}

uint32_t memmap_translate(const void *map, UINTN map_size, UINTN desc_size,
			  struct boot_mem_range *out, uint32_t max, uint32_t *dropped)
{
	uint32_t n = 0;

	*dropped = 0;
	if (desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
		return 0;
	for (UINTN off = 0; off + desc_size <= map_size; off += desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d =
			(const EFI_MEMORY_DESCRIPTOR *)((const char *)map + off);
		struct boot_mem_range r = {
			.base = d->PhysicalStart,
			.len = d->NumberOfPages * EFI_PAGE_SIZE,
			.type = memmap_boot_type(d->Type),
		};

		if (r.len && !insert_range(out, &n, max, r))
			(*dropped)++;
	}
	return n;
}
