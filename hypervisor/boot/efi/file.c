/*
 * hypervisor/boot/efi/file.c - whole-file reads through the Simple File
 * System protocol of the loader's own volume.
 *
 * The device comes from the Loaded Image protocol of our image handle, so
 * the configuration and the files it names are read from the ESP the
 * firmware booted us from, whatever other disks exist.  Errors are printed
 * here, each naming the file, because only this code knows the path.
 */
#include "hypervisor/boot/efi/file.h"

#define FILE_PATH_MAX 256
#define FILE_READ_CHUNK (16UL << 20)

EFI_STATUS file_open_boot_dir(EFI_HANDLE image, EFI_FILE_HANDLE *dir)
{
	EFI_LOADED_IMAGE *li;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_HANDLE root;
	EFI_STATUS st;

	st = BS->HandleProtocol(image, &gEfiLoadedImageProtocolGuid, (void **)&li);
	if (EFI_ERROR(st)) {
		loader_error(L"no Loaded Image protocol on our own handle: %r", st);
		return st;
	}
	st = BS->HandleProtocol(li->DeviceHandle, &gEfiSimpleFileSystemProtocolGuid, (void **)&fs);
	if (EFI_ERROR(st)) {
		loader_error(L"the device we were loaded from has no file system: %r", st);
		return st;
	}
	st = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(st)) {
		loader_error(L"cannot open the boot volume: %r", st);
		return st;
	}
	st = root->Open(root, dir, LOADER_DIR, EFI_FILE_MODE_READ, 0);
	root->Close(root);
	if (EFI_ERROR(st))
		loader_error(L"cannot open directory %s on the boot volume: %r", LOADER_DIR, st);
	return st;
}

/* "dom0.elf" -> L"dom0.elf" with '/' turned into '\'; 0 if not plain ASCII or too long. */
static int to_path(const char *name, CHAR16 *path)
{
	unsigned int i;

	for (i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (i + 1 == FILE_PATH_MAX || c < 0x20 || c >= 0x7f)
			return 0;
		path[i] = c == '/' ? L'\\' : c;
	}
	path[i] = 0;
	return i > 0;
}

static EFI_STATUS file_size(EFI_FILE_HANDLE f, UINT64 *size)
{
	EFI_STATUS st;

	/* Seeking to the largest position goes to the end of a file (UEFI spec). */
	st = f->SetPosition(f, 0xFFFFFFFFFFFFFFFFULL);
	if (!EFI_ERROR(st))
		st = f->GetPosition(f, size);
	if (!EFI_ERROR(st))
		st = f->SetPosition(f, 0);
	return st;
}

static EFI_STATUS allocate_for(struct loaded_file *out, enum file_dest dest)
{
	EFI_PHYSICAL_ADDRESS addr = 0xFFFFFFFF;
	EFI_STATUS st;

	if (dest == FILE_IN_POOL)
		return BS->AllocatePool(EfiLoaderData, out->size + 1, &out->data);
	out->pages = out->size ? EFI_SIZE_TO_PAGES(out->size) : 1;
	/* Below 4 GiB like Multiboot modules, so the boot page tables reach them. */
	st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, out->pages, &addr);
	if (EFI_ERROR(st))
		st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, out->pages, &addr);
	if (EFI_ERROR(st)) {
		out->pages = 0;
		return st;
	}
	out->data = (void *)(UINTN)addr;
	ZeroMem((UINT8 *)out->data + out->size, out->pages * EFI_PAGE_SIZE - out->size);
	return EFI_SUCCESS;
}

static EFI_STATUS read_all(EFI_FILE_HANDLE f, struct loaded_file *out)
{
	UINT64 done = 0;

	while (done < out->size) {
		UINTN chunk = out->size - done;
		EFI_STATUS st;

		if (chunk > FILE_READ_CHUNK)
			chunk = FILE_READ_CHUNK;
		st = f->Read(f, &chunk, (UINT8 *)out->data + done);
		if (EFI_ERROR(st))
			return st;
		if (chunk == 0)
			return EFI_END_OF_FILE;
		done += chunk;
	}
	if (!out->pages)
		((UINT8 *)out->data)[out->size] = 0;
	return EFI_SUCCESS;
}

EFI_STATUS file_read(EFI_FILE_HANDLE dir, const char *name, enum file_dest dest,
		     struct loaded_file *out)
{
	CHAR16 path[FILE_PATH_MAX];
	EFI_FILE_HANDLE f;
	EFI_STATUS st;

	*out = (struct loaded_file){ 0 };
	if (!to_path(name, path)) {
		loader_error(L"file name '%a' is empty, too long or not plain ASCII", name);
		return EFI_INVALID_PARAMETER;
	}
	st = dir->Open(dir, &f, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		loader_error(L"cannot open %a%a: %r", LOADER_DIR_TEXT, name, st);
		return st;
	}
	st = file_size(f, &out->size);
	if (EFI_ERROR(st)) {
		loader_error(L"cannot find the size of %a%a (a directory?): %r", LOADER_DIR_TEXT,
			     name, st);
		goto out_close;
	}
	st = allocate_for(out, dest);
	if (EFI_ERROR(st)) {
		loader_error(L"no memory for %a (%ld bytes): %r", name, out->size, st);
		goto out_close;
	}
	st = read_all(f, out);
	if (EFI_ERROR(st)) {
		loader_error(L"cannot read %a%a: %r", LOADER_DIR_TEXT, name, st);
		file_release(out);
	}
out_close:
	f->Close(f);
	return st;
}

void file_release(struct loaded_file *f)
{
	if (f->data && f->pages)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(UINTN)f->data, f->pages);
	else if (f->data)
		BS->FreePool(f->data);
	*f = (struct loaded_file){ 0 };
}
