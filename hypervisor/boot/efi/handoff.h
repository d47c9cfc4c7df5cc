/*
 * hypervisor/boot/efi/handoff.h - leaving UEFI and entering Keel.
 */
#ifndef HYPERVISOR_BOOT_EFI_HANDOFF_H
#define HYPERVISOR_BOOT_EFI_HANDOFF_H

#include "hypervisor/boot/boot_info.h"
#include "hypervisor/boot/efi/loader.h"

/**
 * handoff_to_keel() - exit boot services and jump to the hypervisor.
 * @image:     the loader's image handle
 * @bi:        the filled boot_info (all but the memory map), below 4 GiB
 * @efi_entry: physical address of Keel's 64-bit EFI entry
 *
 * Takes the final memory map, calls ExitBootServices() (retrying with a
 * fresh map if the map changed), disables interrupts, translates the map
 * into @bi->mem and calls @efi_entry with RDI = @bi, on the firmware's
 * identity-mapped page tables.
 *
 * Return: only on failure before ExitBootServices() was called, with the
 * error; if ExitBootServices() itself keeps failing the machine is reset.
 */
EFI_STATUS handoff_to_keel(EFI_HANDLE image, struct boot_info *bi, UINT64 efi_entry);

#endif /* HYPERVISOR_BOOT_EFI_HANDOFF_H */
