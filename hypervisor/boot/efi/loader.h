/*
 * hypervisor/boot/efi/loader.h - what the UEFI-facing parts of the loader
 * share: the console helpers and where files are found.
 *
 * The loader is a GNU-EFI application built on its own (efi.mk), not part
 * of the hypervisor; its one contract with Keel is hypervisor/boot/boot_info.h.
 * Firmware services are called directly: GNU_EFI_USE_MS_ABI gives every
 * EFIAPI function pointer the ms_abi calling convention.
 */
#ifndef HYPERVISOR_BOOT_EFI_LOADER_H
#define HYPERVISOR_BOOT_EFI_LOADER_H

#include <efi.h>
#include <efilib.h>

#define LOADER_NAME "Keel EFI loader"
/* The configuration file and every file it names live in this directory. */
#define LOADER_DIR L"\\EFI\\BOOT"
#define LOADER_DIR_TEXT "\\EFI\\BOOT\\"
#define LOADER_CFG "KEEL.CFG"

/* Prints "Keel EFI loader: <message>" and a newline. Boot services only. */
void loader_say(const CHAR16 *fmt, ...);

/* Prints "Keel EFI loader: error: <message>" and a newline. Boot services only. */
void loader_error(const CHAR16 *fmt, ...);

#endif /* HYPERVISOR_BOOT_EFI_LOADER_H */
