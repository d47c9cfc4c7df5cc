/*
 * hypervisor/boot/efi/elf.h - checks the hypervisor's ELF64 file and finds
 * its struct keel_image_header, before anything is loaded.
 *
 * No UEFI calls: elf.c also builds for the host.  Loading the checked
 * segments into memory is image.c's job.
 */
#ifndef HYPERVISOR_BOOT_EFI_ELF_H
#define HYPERVISOR_BOOT_EFI_ELF_H

#include <stdint.h>

#include "hypervisor/boot/boot_info.h"

#define ELF_MAX_SEGMENTS 16
/* The image header must lie in the first 8 KiB of the first segment. */
#define ELF_IMAGE_HEADER_WINDOW 8192
/* Keel's boot page tables map the first 4 GiB: the image must lie below. */
#define ELF_LOAD_LIMIT (4ULL << 30)

/* One PT_LOAD segment, in program-header order. */
struct elf_segment {
	uint64_t paddr;
	uint64_t memsz;
	uint64_t filesz;
	uint64_t offset; /* of its bytes in the file */
};

struct elf_info {
	unsigned int nr_segments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Why a file was refused: "segment 2: data extends past the end of the file". */
struct elf_error {
	const char *msg; /* static text */
	int segment;     /* index into the program headers, or -1 */
	int has_value;
	uint64_t value; /* printed after the message when has_value */
};

/**
 * elf_check() - validate an ELF64 x86_64 executable held in memory.
 * @file: the whole file
 * @size: its size in bytes
 * @info: on success, its PT_LOAD segments (empty ones left out)
 * @err:  on failure, why
 *
 * Checks the header (magic, class, byte order, machine, type), that the
 * program headers and every segment's bytes lie within the file, that no
 * segment overflows, overlaps another or reaches past ELF_LOAD_LIMIT.
 *
 * Return: 0 if the file can be loaded, -1 otherwise.
 */
int elf_check(const void *file, uint64_t size, struct elf_info *info, struct elf_error *err);

/**
 * elf_find_image_header() - find struct keel_image_header in a checked file.
 * @file: the file elf_check() accepted
 * @info: what elf_check() returned
 * @hdr:  on success, a copy of the header
 * @err:  on failure, why
 *
 * Looks at every 8-byte aligned physical address in the first
 * ELF_IMAGE_HEADER_WINDOW bytes of the first segment for
 * KEEL_IMAGE_HEADER_MAGIC, then checks the header's version and that
 * efi_entry lies in a segment's initialised bytes.
 *
 * Return: 0 on success, -1 otherwise.
 */
int elf_find_image_header(const void *file, const struct elf_info *info,
			  struct keel_image_header *hdr, struct elf_error *err);

#endif /* HYPERVISOR_BOOT_EFI_ELF_H */
