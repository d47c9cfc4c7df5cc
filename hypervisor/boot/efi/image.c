/*
 * hypervisor/boot/efi/image.c - loads the hypervisor ELF at its physical
 * addresses.
 *
 * Keel is linked to run at a fixed physical address (0x200000), so its
 * segments are not relocated: the loader asks the firmware for exactly the
 * pages each PT_LOAD segment names.  If the firmware already uses them the
 * boot cannot go on; the message then shows what the firmware's memory map
 * has there.  Everything is checked (elf.c) before the first allocation.
 */
#include "hypervisor/boot/efi/image.h"
#include "hypervisor/boot/efi/memmap.h"

/*
 * Loader memory counts as usable RAM in the map given to Keel (memmap.c),
 * which reserves its own image.  LoaderCode rather than LoaderData: firmware
 * built with an NX policy for LoaderData (EDK2's PcdDxeNxMemoryProtectionPolicy)
 * would otherwise fault on Keel's first instruction, still run on the
 * firmware's page tables.
 */
#define HV_IMAGE_MEMORY EfiLoaderCode

static void print_elf_error(const char *name, const struct elf_error *e)
{
	CHAR16 where[40] = L"", value[40] = L"";

	if (e->segment >= 0)
		UnicodeSPrint(where, sizeof(where), L"program header %d: ", e->segment);
	if (e->has_value)
		UnicodeSPrint(value, sizeof(value), L" 0x%lx", e->value);
	loader_error(L"%a is not a loadable Keel image: %s%a%s", name, where, e->msg, value);
}

/* Shows the firmware's memory map descriptors that overlap [start, end). */
static void explain_range(EFI_PHYSICAL_ADDRESS start, EFI_PHYSICAL_ADDRESS end)
{
	UINTN n, key, desc_size, shown = 0;
	UINT32 desc_version;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &desc_size, &desc_version);

	if (!map)
		return;
	loader_say(L"the firmware's memory map there:");
	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * desc_size);
		EFI_PHYSICAL_ADDRESS d_end = d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE;

		if (d_end > start && d->PhysicalStart < end) {
			Print(L"    0x%lx-0x%lx %a\n", d->PhysicalStart, d_end - 1,
			      memmap_efi_type_name(d->Type));
			shown++;
		}
	}
	if (!shown)
		Print(L"    nothing: no RAM there that the firmware knows of\n");
	FreePool(map);
}

/* Pages of [*start, *end) not already taken by an earlier segment (shared edge pages). */
static void skip_allocated(const struct hv_image *img, EFI_PHYSICAL_ADDRESS *start,
			   EFI_PHYSICAL_ADDRESS *end)
{
	for (unsigned int j = 0; j < img->nr_allocs; j++) {
		EFI_PHYSICAL_ADDRESS a = img->alloc[j].base;
		EFI_PHYSICAL_ADDRESS a_end = a + img->alloc[j].pages * EFI_PAGE_SIZE;

		if (*start >= a && *start < a_end)
			*start = a_end;
		if (*end > a && *end <= a_end)
			*end = a;
	}
}

static EFI_STATUS load_segment(const char *name, const UINT8 *file, unsigned int i,
			       struct hv_image *img)
{
	const struct elf_segment *s = &img->elf.seg[i];
	EFI_PHYSICAL_ADDRESS start = s->paddr & ~(EFI_PHYSICAL_ADDRESS)EFI_PAGE_MASK;
	EFI_PHYSICAL_ADDRESS end = (s->paddr + s->memsz + EFI_PAGE_MASK) & ~(UINT64)EFI_PAGE_MASK;
	EFI_PHYSICAL_ADDRESS addr;
	EFI_STATUS st;

	skip_allocated(img, &start, &end);
	if (start < end) {
		addr = start;
		st = BS->AllocatePages(AllocateAddress, HV_IMAGE_MEMORY,
				       EFI_SIZE_TO_PAGES(end - start), &addr);
		if (EFI_ERROR(st)) {
			loader_error(L"cannot allocate 0x%lx-0x%lx for segment %d of %a "
				     L"at its physical address: %r", start, end - 1, i, name, st);
			explain_range(start, end);
			return st;
		}
		img->alloc[img->nr_allocs].base = start;
		img->alloc[img->nr_allocs++].pages = EFI_SIZE_TO_PAGES(end - start);
		ZeroMem((void *)(UINTN)start, end - start);
	}
	CopyMem((void *)(UINTN)s->paddr, file + s->offset, s->filesz);
	ZeroMem((void *)(UINTN)(s->paddr + s->filesz), s->memsz - s->filesz);
	return EFI_SUCCESS;
}

EFI_STATUS image_load(const char *name, const struct loaded_file *file, struct hv_image *img)
{
	struct elf_error err;
	const struct elf_segment *last;
	EFI_STATUS st;

	img->nr_allocs = 0;
	if (elf_check(file->data, file->size, &img->elf, &err) < 0 ||
	    elf_find_image_header(file->data, &img->elf, &img->hdr, &err) < 0) {
		print_elf_error(name, &err);
		return EFI_LOAD_ERROR;
	}
	for (unsigned int i = 0; i < img->elf.nr_segments; i++) {
		st = load_segment(name, file->data, i, img);
		if (EFI_ERROR(st)) {
			image_release(img);
			return st;
		}
	}
	last = &img->elf.seg[img->elf.nr_segments - 1];
	loader_say(L"%a: %d segment(s) at 0x%lx-0x%lx, EFI entry 0x%lx", name,
		   img->elf.nr_segments, img->elf.seg[0].paddr, last->paddr + last->memsz - 1,
		   img->hdr.efi_entry);
	return EFI_SUCCESS;
}

void image_release(struct hv_image *img)
{
	for (unsigned int j = 0; j < img->nr_allocs; j++)
		BS->FreePages(img->alloc[j].base, img->alloc[j].pages);
	img->nr_allocs = 0;
}
