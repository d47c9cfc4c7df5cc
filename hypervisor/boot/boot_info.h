/*
 * hypervisor/boot/boot_info.h - the one structure both boot paths converge on.
 *
 * The Multiboot path (boot/multiboot.c) and the UEFI loader
 * (boot/efi/loader.c, a separate PE binary) each fill a struct boot_info;
 * from start_keel() on, nothing in Keel knows how it was booted.
 *
 * The layout is a binary contract with the EFI loader, which is built
 * separately: fixed-size fields only, no pointers (physical addresses as
 * uint64_t), and KEEL_BOOT_INFO_VERSION bumped on any change.
 */
#ifndef HYPERVISOR_BOOT_BOOT_INFO_H
#define HYPERVISOR_BOOT_BOOT_INFO_H

#include <stdint.h>

#define KEEL_BOOT_INFO_MAGIC 0x4b45454c424f4f54ULL /* "KEELBOOT" */
#define KEEL_BOOT_INFO_VERSION 1

#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULE_CMDLINE_MAX 512
#define BOOT_MAX_MODULES 16
#define BOOT_MAX_MEM_RANGES 512

/* How the machine was booted. */
enum boot_source {
	BOOT_SOURCE_MULTIBOOT = 1,
	BOOT_SOURCE_EFI = 2,
};

/*
 * Memory range types, E820's numbering (EFI types are translated by the
 * loader): usable RAM, reserved, ACPI tables (reclaimable), ACPI NVS,
 * unusable/bad RAM.  BOOT_MEM_FIRMWARE is RAM that firmware keeps for its
 * runtime services (EFI runtime code/data): RAM, but never ours.
 */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIM = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_UNUSABLE = 5,
	BOOT_MEM_FIRMWARE = 20,
};

struct boot_mem_range {
	uint64_t base;
	uint64_t len;
	uint32_t type; /* enum boot_mem_type */
	uint32_t pad;
};

/* A boot module: physical location and its own command line. */
struct boot_module {
	uint64_t start;
	uint64_t len;
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

struct boot_info {
	uint64_t magic;   /* KEEL_BOOT_INFO_MAGIC */
	uint32_t version; /* KEEL_BOOT_INFO_VERSION */
	uint32_t source;  /* enum boot_source */
	char cmdline[BOOT_CMDLINE_MAX];
	char loader_name[64];
	/* Physical address of the ACPI RSDP, or 0: Keel then scans the BIOS area. */
	uint64_t acpi_rsdp;
	uint32_t nr_modules;
	uint32_t nr_mem_ranges;
	struct boot_module modules[BOOT_MAX_MODULES];
	struct boot_mem_range mem[BOOT_MAX_MEM_RANGES];
};

/*
 * The header the EFI loader looks for in the first 8 KiB of the loaded
 * hypervisor image, right after the Multiboot header (see
 * arch/x86/boot/head.asm).  efi_entry is the physical address of a 64-bit
 * entry point, called with paging on (identity map), interrupts off and
 * RDI = physical address of a struct boot_info below 4 GiB.
 */
#define KEEL_IMAGE_HEADER_MAGIC 0x4c45454b /* "KEEL" little-endian */

struct keel_image_header {
	uint32_t magic;
	uint32_t version;
	uint64_t efi_entry;  /* physical address of the 64-bit EFI entry */
	uint64_t load_start; /* physical range the image occupies when loaded */
	uint64_t load_end;   /* end of initialised data */
	uint64_t bss_end;    /* end of the zero-filled part */
};

#endif /* HYPERVISOR_BOOT_BOOT_INFO_H */
