/*
 * hypervisor/mm_setup.c - memory bring-up on the boot CPU.
 *
 * Owns the sanitised machine memory map and the boot-time frame allocator
 * (a bump allocator over one reserved chunk below 4 GiB, used only for the
 * idle page tables before the buddy allocator exists).
 *
 * What never reaches the buddy allocator: the first MiB (BIOS data, the
 * AP trampoline page), the hypervisor image, the boot modules, the boot
 * chunk and the frame table.
 */
#include "hypervisor/mm_setup.h"

#include "arch/layout.h"
#include "arch/mm.h"
#include "arch/paging.h"
#include "arch/smp.h"
#include "lib/compiler.h"
#include "hypercalls/hypercall.h"
#include "lib/printk.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"
#include "mm/heap.h"
#include "mm/memmap.h"

extern char __image_start[], __image_end[];

static struct memmap memmap;
static uint64_t boot_chunk_next, boot_chunk_end;

#define BOOT_CHUNK_SIZE (2UL << 20)
#define LOW_MEMORY_END 0x100000UL
#define FOUR_GIB (4UL << 30)

/* Finds and reserves `len` bytes of usable RAM below `limit`, highest first. */
static uint64_t reserve_high(uint64_t len, uint64_t limit)
{
	for (int i = (int)memmap.nr - 1; i >= 0; i--) {
		const struct memmap_range *r = &memmap.range[i];
		uint64_t end = MIN(r->base + r->len, limit), base;

		if (r->type != BOOT_MEM_USABLE || end <= r->base)
			continue;
		end = ALIGN_DOWN(end, PAGE_SIZE);
		if (end < len || end - len < ALIGN_UP(r->base, PAGE_SIZE) || end - len < LOW_MEMORY_END)
			continue;
		base = end - len;
		if (memmap_reserve(&memmap, base, len) == 0)
			return base;
	}
	return 0;
}

/* After boot, page-table frames come from the buddy allocator (zeroed). */
static mfn_t alloc_page_table_frame(void)
{
	return alloc_frames(0);
}

static mfn_t boot_alloc_frame(void)
{
	if (boot_chunk_next >= boot_chunk_end)
		return INVALID_MFN;
	boot_chunk_next += PAGE_SIZE;
	return maddr_to_mfn(_maddr(boot_chunk_next - PAGE_SIZE));
}

/* The trampoline takes the highest usable page below the EBDA's usual start. */
static void reserve_low_memory(void)
{
	uint64_t tramp = 0;

	for (uint64_t a = 0x9e000; a >= 0x1000; a -= PAGE_SIZE) {
		if (memmap_type_at(&memmap, a) == BOOT_MEM_USABLE &&
		    memmap_type_at(&memmap, a + PAGE_SIZE - 1) == BOOT_MEM_USABLE) {
			tramp = a;
			break;
		}
	}
	smp_set_trampoline(tramp);
	/* Every usable byte below 1 MiB stays out of the allocator. */
	for (unsigned int i = 0; i < memmap.nr; i++) {
		struct memmap_range r = memmap.range[i];

		if (r.type == BOOT_MEM_USABLE && r.base < LOW_MEMORY_END)
			memmap_reserve(&memmap, r.base, MIN(r.base + r.len, LOW_MEMORY_END) - r.base);
	}
}

static void reserve_or_die(uint64_t base, uint64_t len, const char *what)
{
	int rc = memmap_reserve(&memmap, base, len);

	if (rc)
		panic("%s at %#lx-%#lx is not in usable RAM (error %d)", what, base, base + len,
		      rc);
}

static void build_memmap(const struct boot_info *bi)
{
	memmap_init(&memmap);
	for (uint32_t i = 0; i < bi->nr_mem_ranges; i++)
		if (memmap_add(&memmap, bi->mem[i].base, bi->mem[i].len, bi->mem[i].type))
			printk(KLOG_WARNING "memory map entry %u (%#lx+%#lx) ignored\n", i,
			       bi->mem[i].base, bi->mem[i].len);
	if (memmap_sanitize(&memmap))
		panic("the firmware's memory map is too fragmented");
	memmap_dump(&memmap);
	reserve_low_memory();
	reserve_or_die(virt_to_maddr(__image_start), (uint64_t)(__image_end - __image_start),
		       "the hypervisor image");
	for (uint32_t i = 0; i < bi->nr_modules; i++)
		if (bi->modules[i].len)
			reserve_or_die(ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
				       ALIGN_UP(bi->modules[i].start + bi->modules[i].len,
						PAGE_SIZE) -
					       ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
				       "a boot module");
}

static void setup_frame_table(uint64_t ram_top)
{
	uint64_t nr = ram_top >> PAGE_SHIFT;
	uint64_t bytes = ALIGN_UP(frame_table_bytes(nr), PAGE_SIZE);
	uint64_t ft = reserve_high(bytes, UINT64_MAX);

	if (!ft)
		panic("no room for the frame table (%lu KiB)", bytes >> 10);
	if (frame_table_init(maddr_to_virt(ft), nr))
		panic("frame table for %lu frames refused", nr);
	buddy_init();
	printk(KLOG_INFO "frame table: %lu frames, %lu KiB at %#lx\n", nr, bytes >> 10, ft);
}

void mm_setup(const struct boot_info *bi)
{
	uint64_t ram_top, frames = 0;
	unsigned int pos = 0;
	mfn_t first;
	uint64_t count;

	build_memmap(bi);
	ram_top = memmap_ram_top(&memmap);
	boot_chunk_next = reserve_high(BOOT_CHUNK_SIZE, FOUR_GIB);
	if (!boot_chunk_next)
		panic("no 2 MiB of free RAM below 4 GiB for the boot page tables");
	boot_chunk_end = boot_chunk_next + BOOT_CHUNK_SIZE;
	paging_init(ram_top, boot_alloc_frame);
	setup_frame_table(ram_top);

	while (memmap_next_usable_frames(&memmap, &pos, &first, &count)) {
		buddy_add_free_range(first, count);
		frames += count;
	}
	/* The rest of the boot chunk goes to the allocator too. */
	if (boot_chunk_next < boot_chunk_end) {
		buddy_add_free_range(maddr_to_mfn(_maddr(boot_chunk_next)),
				     (boot_chunk_end - boot_chunk_next) >> PAGE_SHIFT);
		frames += (boot_chunk_end - boot_chunk_next) >> PAGE_SHIFT;
		boot_chunk_end = boot_chunk_next; /* the boot allocator is closed */
	}
	heap_init();
	paging_set_frame_allocator(alloc_page_table_frame);
	printk(KLOG_INFO "memory: %lu MiB RAM, %lu MiB free for allocation\n", mm_ram_mib(),
	       frames >> 8);
}

uint64_t mm_ram_mib(void)
{
	return (memmap_ram_bytes(&memmap) + (1UL << 19)) >> 20;
}

const struct memmap *hypercall_machine_memmap(void)
{
	return &memmap;
}
