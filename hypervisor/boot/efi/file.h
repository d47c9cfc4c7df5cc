/*
 * hypervisor/boot/efi/file.h - reading whole files from \EFI\BOOT\ on the
 * volume the loader itself was loaded from.
 */
#ifndef HYPERVISOR_BOOT_EFI_FILE_H
#define HYPERVISOR_BOOT_EFI_FILE_H

#include "hypervisor/boot/efi/loader.h"

/* Where file_read() puts a file. */
enum file_dest {
	FILE_IN_POOL,  /* pool memory with one spare byte, freed after use */
	FILE_IN_PAGES, /* whole LoaderData pages, below 4 GiB when possible */
};

struct loaded_file {
	void *data;
	UINT64 size;
	UINTN pages; /* 0 for FILE_IN_POOL */
};

/**
 * file_open_boot_dir() - open \EFI\BOOT on the loader's own volume.
 * @image: the loader's image handle (efi_main()'s first argument)
 * @dir:   receives the open directory; the caller closes it
 *
 * Prints what went wrong on failure.
 * Return: EFI_SUCCESS or the firmware's error.
 */
EFI_STATUS file_open_boot_dir(EFI_HANDLE image, EFI_FILE_HANDLE *dir);

/**
 * file_read() - read a whole file into newly allocated memory.
 * @dir:  from file_open_boot_dir()
 * @name: ASCII path relative to @dir; '/' and '\' both separate
 * @dest: pool or pages
 * @out:  the file's memory and size; release with file_release()
 *
 * Prints an error naming the file on failure and then frees what it
 * allocated.  The bytes after the file up to the end of its last page are
 * zero for FILE_IN_PAGES; for FILE_IN_POOL one spare byte follows the data.
 * Return: EFI_SUCCESS or an error.
 */
EFI_STATUS file_read(EFI_FILE_HANDLE dir, const char *name, enum file_dest dest,
		     struct loaded_file *out);

/* Frees what file_read() allocated; harmless on a zeroed struct. */
void file_release(struct loaded_file *f);

#endif /* HYPERVISOR_BOOT_EFI_FILE_H */
