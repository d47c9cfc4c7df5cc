/*
 * hypervisor/mm_setup.h - from the boot memory map to working allocators.
 */
#ifndef HYPERVISOR_MM_SETUP_H
#define HYPERVISOR_MM_SETUP_H

#include "hypervisor/boot/boot_info.h"
#include "lib/types.h"

/*
 * Sanitises the memory map, keeps the image, modules and low memory out of
 * the allocator, builds the idle page tables and the frame table, and
 * hands every remaining usable frame to the buddy allocator.
 */
void mm_setup(const struct boot_info *bi);
/* RAM the firmware reported (usable, ACPI, firmware-reserved), in MiB. */
uint64_t mm_ram_mib(void);

#endif
