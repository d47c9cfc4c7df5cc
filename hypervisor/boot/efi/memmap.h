/*
 * hypervisor/boot/efi/memmap.h - the UEFI memory map in Keel's terms.
 *
 * Translating the map makes no UEFI call, so it can run after
 * ExitBootServices() on the final map.  No UEFI calls here at all: memmap.c
 * also builds for the host.
 */
#ifndef HYPERVISOR_BOOT_EFI_MEMMAP_H
#define HYPERVISOR_BOOT_EFI_MEMMAP_H

#include <efi.h>

#include "hypervisor/boot/boot_info.h"

/**
 * memmap_boot_type() - Keel's range type (enum boot_mem_type) for a UEFI
 * memory type.
 *
 * Loader and boot-services memory is usable once boot services have exited
 * (Keel itself reserves its image, the boot_info page and the modules, all
 * of which are loader memory); runtime-services memory is RAM the firmware
 * keeps; types this loader does not know are reserved.
 */
uint32_t memmap_boot_type(uint32_t efi_type);

/* A short name for a UEFI memory type, for messages ("LoaderData"). */
const char *memmap_efi_type_name(uint32_t efi_type);

/**
 * memmap_translate() - turn a UEFI memory map into sorted, merged ranges.
 * @map:       the descriptors as GetMemoryMap() returned them
 * @map_size:  bytes in @map
 * @desc_size: bytes per descriptor (GetMemoryMap()'s DescriptorSize)
 * @out:       receives the ranges, sorted by base; adjacent ranges of the
 *             same type are merged into one
 * @max:       room in @out
 * @dropped:   set to the number of descriptors that did not fit
 *
 * Return: the number of ranges written to @out.
 */
uint32_t memmap_translate(const void *map, UINTN map_size, UINTN desc_size,
			  struct boot_mem_range *out, uint32_t max, uint32_t *dropped);

#endif /* HYPERVISOR_BOOT_EFI_MEMMAP_H */
