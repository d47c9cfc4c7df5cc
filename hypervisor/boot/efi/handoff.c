/*
 * hypervisor/boot/efi/handoff.c - ExitBootServices() and the jump into Keel.
 *
 * The map key dance: ExitBootServices() only succeeds with the key of the
 * current memory map, and any allocation (even one hidden inside Print())
 * changes the map.  So the buffer is allocated first, with room to spare,
 * the last message is printed, and only then is the map taken and handed
 * straight to ExitBootServices(); if the key went stale anyway (a timer
 * event allocated memory), the map is taken again into the same buffer and
 * the call repeated.  After the first ExitBootServices() attempt the spec
 * allows nothing but GetMemoryMap() and ExitBootServices().
 *
 * After success: interrupts off, no firmware calls, no printing; the map is
 * translated into boot_info (pure computation) and Keel is called.
 */
#include "hypervisor/boot/efi/handoff.h"
#include "hypervisor/boot/efi/memmap.h"

/* Descriptors' worth of spare room: allocating the buffer itself adds some. */
#define MAP_SLACK 32
#define EBS_ATTEMPTS 8

struct efi_map {
	void *buf;
	UINTN buf_size;
	UINTN size;
	UINTN key;
	UINTN desc_size;
	UINT32 desc_version;
};

/* Keel's entry takes the System V ABI whatever this file's default is. */
typedef void __attribute__((sysv_abi)) (*keel_entry_t)(UINT64 boot_info_phys);

static EFI_STATUS map_alloc(struct efi_map *m)
{
	EFI_STATUS st;

	m->size = 0;
	st = BS->GetMemoryMap(&m->size, NULL, &m->key, &m->desc_size, &m->desc_version);
	if (st != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(st) ? st : EFI_LOAD_ERROR;
	m->buf_size = m->size + MAP_SLACK * m->desc_size;
	return BS->AllocatePool(EfiLoaderData, m->buf_size, &m->buf);
}

static EFI_STATUS map_get(struct efi_map *m)
{
	m->size = m->buf_size;
	return BS->GetMemoryMap(&m->size, m->buf, &m->key, &m->desc_size, &m->desc_version);
}

/* Nothing may run between the final GetMemoryMap() and ExitBootServices(). */
static EFI_STATUS exit_boot_services(EFI_HANDLE image, struct efi_map *m)
{
	EFI_STATUS st = EFI_LOAD_ERROR;

	for (int i = 0; i < EBS_ATTEMPTS; i++) {
		st = map_get(m);
		if (EFI_ERROR(st))
			return st;
		st = BS->ExitBootServices(image, m->key);
		if (st != EFI_INVALID_PARAMETER) /* anything but a stale key is final */
			return st;
	}
	return st;
}

static void __attribute__((noreturn)) enter_keel(UINT64 efi_entry, struct boot_info *bi)
{
	((keel_entry_t)(UINTN)efi_entry)((UINT64)(UINTN)bi);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* A trial translation while printing still works: warns if the map will not fit. */
static EFI_STATUS check_map(struct efi_map *m, struct boot_info *bi)
{
	uint32_t n, dropped;
	EFI_STATUS st = map_get(m);

	if (EFI_ERROR(st)) {
		loader_error(L"GetMemoryMap failed: %r", st);
		return st;
	}
	n = memmap_translate(m->buf, m->size, m->desc_size, bi->mem, BOOT_MAX_MEM_RANGES,
			     &dropped);
	if (dropped)
		loader_error(L"the memory map has more than %d ranges; %d left out",
			     BOOT_MAX_MEM_RANGES, dropped);
	loader_say(L"memory map: %d UEFI descriptors -> %d ranges", m->size / m->desc_size, n);
	return EFI_SUCCESS;
}

EFI_STATUS handoff_to_keel(EFI_HANDLE image, struct boot_info *bi, UINT64 efi_entry)
{
	struct efi_map m = { 0 };
	uint32_t dropped;
	EFI_STATUS st;

	st = map_alloc(&m);
	if (EFI_ERROR(st)) {
		loader_error(L"cannot allocate room for the memory map: %r", st);
		return st;
	}
	st = check_map(&m, bi);
	if (EFI_ERROR(st))
		goto err_free;
	loader_say(L"entering Keel at 0x%lx, boot_info at 0x%lx", efi_entry, (UINT64)(UINTN)bi);
	st = exit_boot_services(image, &m);
	if (EFI_ERROR(st)) {
		/*
		 * Boot services may be half gone, so returning to the firmware is
		 * not safe: say so (best effort) and reset, a runtime service.
		 */
		loader_error(L"ExitBootServices failed: %r; resetting", st);
		RT->ResetSystem(EfiResetCold, st, 0, NULL);
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	__asm__ volatile("cli" ::: "memory");
	bi->nr_mem_ranges = memmap_translate(m.buf, m.size, m.desc_size, bi->mem,
					     BOOT_MAX_MEM_RANGES, &dropped);
	enter_keel(efi_entry, bi);

err_free:
	BS->FreePool(m.buf);
	return st;
}
