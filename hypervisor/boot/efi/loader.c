/*
 * hypervisor/boot/efi/loader.c - the UEFI loader's main flow (efi_main).
 *
 *   1. read \EFI\BOOT\KEEL.CFG from our own volume and parse it (config.c);
 *   2. allocate the struct boot_info below 4 GiB and fill in the command
 *      line, loader name and ACPI RSDP;
 *   3. load the hypervisor ELF at its physical addresses (image.c) and take
 *      efi_entry from its struct keel_image_header;
 *   4. load the boot modules anywhere, page-aligned (file.c);
 *   5. exit boot services and call Keel (handoff.c).
 *
 * Any failure before step 5 prints a message naming the file, line or
 * address at fault, frees what was allocated and returns the error to the
 * firmware, which then tries its next boot option.
 */
#include "hypervisor/boot/efi/config.h"
#include "hypervisor/boot/efi/file.h"
#include "hypervisor/boot/efi/handoff.h"
#include "hypervisor/boot/efi/image.h"

/* Seconds an error stays on screen before the firmware takes over again. */
#define ERROR_PAUSE_SECONDS 2

/* What the loader holds; released on failure. */
struct loader_state {
	EFI_FILE_HANDLE dir;
	struct loaded_file cfg_file;
	struct keel_cfg cfg;
	struct boot_info *bi;
	struct hv_image hv;
	struct loaded_file modules[BOOT_MAX_MODULES];
	unsigned int nr_modules;
};

void loader_say(const CHAR16 *fmt, ...)
{
	va_list ap;

	Print(L"%a: ", LOADER_NAME);
	va_start(ap, fmt);
	VPrint(fmt, ap);
	va_end(ap);
	Print(L"\n");
}

void loader_error(const CHAR16 *fmt, ...)
{
	va_list ap;

	Print(L"%a: error: ", LOADER_NAME);
	va_start(ap, fmt);
	VPrint(fmt, ap);
	va_end(ap);
	Print(L"\n");
}

static void copy_string(char *dst, const char *src, UINTN size)
{
	UINTN i;

	for (i = 0; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static EFI_STATUS read_config(struct loader_state *s)
{
	struct cfg_error err;
	EFI_STATUS st;

	loader_say(L"reading %a%a", LOADER_DIR_TEXT, LOADER_CFG);
	st = file_read(s->dir, LOADER_CFG, FILE_IN_POOL, &s->cfg_file);
	if (EFI_ERROR(st))
		return st;
	if (cfg_parse(s->cfg_file.data, s->cfg_file.size, &s->cfg, &err) == 0)
		return EFI_SUCCESS;
	if (err.line)
		loader_error(L"%a%a line %d: %a", LOADER_DIR_TEXT, LOADER_CFG, err.line, err.msg);
	else
		loader_error(L"%a%a: %a", LOADER_DIR_TEXT, LOADER_CFG, err.msg);
	return EFI_INVALID_PARAMETER;
}

/* The ACPI 2.0+ RSDP if the firmware publishes one, else the ACPI 1.0 one, else 0. */
static UINT64 find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	UINT64 rsdp1 = 0;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

		if (CompareGuid(&t->VendorGuid, &acpi20) == 0)
			return (UINT64)(UINTN)t->VendorTable;
		if (CompareGuid(&t->VendorGuid, &acpi10) == 0)
			rsdp1 = (UINT64)(UINTN)t->VendorTable;
	}
	return rsdp1;
}

static EFI_STATUS alloc_boot_info(struct loader_state *s)
{
	EFI_PHYSICAL_ADDRESS addr = 0xFFFFFFFF;
	UINTN pages = EFI_SIZE_TO_PAGES(sizeof(struct boot_info));
	EFI_STATUS st;

	st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, pages, &addr);
	if (EFI_ERROR(st)) {
		loader_error(L"no memory below 4 GiB for the boot information: %r", st);
		return st;
	}
	s->bi = (struct boot_info *)(UINTN)addr;
	ZeroMem(s->bi, pages * EFI_PAGE_SIZE);
	s->bi->magic = KEEL_BOOT_INFO_MAGIC;
	s->bi->version = KEEL_BOOT_INFO_VERSION;
	s->bi->source = BOOT_SOURCE_EFI;
	copy_string(s->bi->cmdline, s->cfg.options, sizeof(s->bi->cmdline));
	copy_string(s->bi->loader_name, LOADER_NAME, sizeof(s->bi->loader_name));
	s->bi->acpi_rsdp = find_rsdp();
	if (s->bi->acpi_rsdp)
		loader_say(L"ACPI RSDP at 0x%lx", s->bi->acpi_rsdp);
	else
		loader_say(L"the firmware publishes no ACPI RSDP");
	return EFI_SUCCESS;
}

static EFI_STATUS load_hypervisor(struct loader_state *s)
{
	struct loaded_file file;
	EFI_STATUS st;

	loader_say(L"loading %a", s->cfg.hypervisor);
	st = file_read(s->dir, s->cfg.hypervisor, FILE_IN_POOL, &file);
	if (EFI_ERROR(st))
		return st;
	st = image_load(s->cfg.hypervisor, &file, &s->hv);
	file_release(&file);
	return st;
}

static EFI_STATUS load_modules(struct loader_state *s)
{
	for (unsigned int i = 0; i < s->cfg.nr_modules; i++) {
		const struct cfg_module *cm = &s->cfg.modules[i];
		struct loaded_file *f = &s->modules[i];
		struct boot_module *m = &s->bi->modules[i];
		EFI_STATUS st;

		st = file_read(s->dir, cm->file, FILE_IN_PAGES, f);
		if (EFI_ERROR(st))
			return st;
		s->nr_modules++;
		m->start = (UINT64)(UINTN)f->data;
		m->len = f->size;
		copy_string(m->cmdline, cm->args, sizeof(m->cmdline));
		s->bi->nr_modules++;
		loader_say(L"module %d: %a, %ld bytes at 0x%lx, command line \"%a\"", i + 1,
			   cm->file, m->len, m->start, m->cmdline);
	}
	return EFI_SUCCESS;
}

static void release(struct loader_state *s)
{
	for (unsigned int i = 0; i < s->nr_modules; i++)
		file_release(&s->modules[i]);
	image_release(&s->hv);
	if (s->bi)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(UINTN)s->bi,
			      EFI_SIZE_TO_PAGES(sizeof(struct boot_info)));
	file_release(&s->cfg_file);
	if (s->dir)
		s->dir->Close(s->dir);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* Called by GNU-EFI's crt0 (System V ABI) after relocating the image. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static struct loader_state state;
	struct loader_state *s = &state;
	EFI_STATUS st;

	InitializeLib(image, systab);
	loader_say(L"starting");
	st = file_open_boot_dir(image, &s->dir);
	if (!EFI_ERROR(st))
		st = read_config(s);
	if (!EFI_ERROR(st))
		st = alloc_boot_info(s);
	if (!EFI_ERROR(st))
		st = load_hypervisor(s);
	if (!EFI_ERROR(st))
		st = load_modules(s);
	if (!EFI_ERROR(st)) {
		s->dir->Close(s->dir);
		s->dir = NULL;
		st = handoff_to_keel(image, s->bi, s->hv.hdr.efi_entry);
	}
	loader_error(L"cannot boot Keel (%r); returning to the firmware", st);
	release(s);
	BS->Stall(ERROR_PAUSE_SECONDS * 1000 * 1000);
	return st;
}
