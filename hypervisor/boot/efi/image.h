/*
 * hypervisor/boot/efi/image.h - placing the hypervisor's ELF segments at
 * their physical addresses.
 */
#ifndef HYPERVISOR_BOOT_EFI_IMAGE_H
#define HYPERVISOR_BOOT_EFI_IMAGE_H

#include "hypervisor/boot/efi/elf.h"
#include "hypervisor/boot/efi/file.h"

/* A loaded hypervisor: its segments, its header and the pages it holds. */
struct hv_image {
	struct elf_info elf;
	struct keel_image_header hdr;
	unsigned int nr_allocs;
	struct {
		EFI_PHYSICAL_ADDRESS base;
		UINTN pages;
	} alloc[ELF_MAX_SEGMENTS];
};

/**
 * image_load() - check the hypervisor ELF in @file and load its segments.
 * @name: the file's name, for messages
 * @file: the whole file, read by file_read()
 * @img:  receives the segments, the keel_image_header and the allocations
 *
 * Each PT_LOAD segment gets the pages at its p_paddr (AllocateAddress),
 * p_filesz bytes copied and the rest up to p_memsz zeroed.  Prints a
 * message naming @name and the failed check or address range on failure,
 * and then frees whatever it had allocated.
 * Return: EFI_SUCCESS, or an error.
 */
EFI_STATUS image_load(const char *name, const struct loaded_file *file, struct hv_image *img);

/* Frees the pages image_load() allocated. */
void image_release(struct hv_image *img);

#endif /* HYPERVISOR_BOOT_EFI_IMAGE_H */
