/*
 * hypervisor/arch/x86/paging.c - Keel's idle page tables.
 *
 * Owns the idle PML4 and the ioremap window.  The tables are built once by
 * the boot CPU; afterwards only ioremap() adds entries (under ioremap_lock,
 * within slot 261, whose PML4 entry already exists, so other CPUs see the
 * new mappings without any TLB shootdown of the top level).
 */
#include "arch/paging.h"

#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/layout.h"
#include "arch/mm.h"
#include "arch/spinlock.h"
#include "lib/compiler.h"
#include "lib/printk.h"
#include "lib/string.h"

extern char __image_start[], __text_end[], __rodata_start[], __rodata_end[], __image_end[];

uint64_t idle_pml4_maddr;
static uint64_t *idle_pml4;
static mfn_t (*pt_alloc_frame)(void);
static uint64_t nx_bit;

static spinlock_t ioremap_lock = SPINLOCK_INIT;
static uint64_t ioremap_next = IOREMAP_VIRT_START;

uint64_t virt_to_maddr(const void *va)
{
	uint64_t v = (uint64_t)va;

	if (v >= DIRECTMAP_VIRT_START && v < DIRECTMAP_VIRT_END)
		return v - DIRECTMAP_VIRT_START;
	BUG_ON(v < KEEL_IMAGE_VIRT || v >= KEEL_IMAGE_VIRT_END);
	return v - KEEL_IMAGE_VIRT;
}

static uint64_t *new_table(void)
{
	mfn_t m = pt_alloc_frame();
	uint64_t *t;

	BUG_ON(!mfn_valid_raw(m));
	t = arch_mfn_to_virt(m);
	memset(t, 0, PAGE_SIZE);
	return t;
}

/*
 * Returns the table one level down from entry `idx` of `table`, creating
 * it.  `user` also opens the upper levels to ring 3 (the leaf decides).
 */
static uint64_t *next_table(uint64_t *table, unsigned int idx, bool user)
{
	if (!(table[idx] & PTE_P))
		table[idx] = virt_to_maddr(new_table()) | PTE_P | PTE_W;
	if (user)
		table[idx] |= PTE_U;
	BUG_ON(table[idx] & PTE_PS);
	return maddr_to_virt(table[idx] & PTE_ADDR_MASK);
}

/* The level-1 table entry for va, creating the tables on the way. */
static uint64_t *walk_create(uint64_t va, int level, bool user)
{
	uint64_t *t = idle_pml4;

	for (int l = 4; l > level; l--)
		t = next_table(t, (va >> (12 + 9 * (l - 1))) & 511, user);
	return &t[(va >> (12 + 9 * (level - 1))) & 511];
}

/* Maps one page of size 4 KiB (level 1), 2 MiB (level 2) or 1 GiB (level 3). */
static void map_one(uint64_t va, uint64_t pa, uint64_t flags, int level)
{
	*walk_create(va, level, flags & PTE_U) = pa | flags | (level > 1 ? PTE_PS : 0);
}

void paging_set_frame_allocator(mfn_t (*alloc_frame)(void))
{
	pt_alloc_frame = alloc_frame;
}

void paging_map_page(uint64_t va, uint64_t maddr, uint64_t flags)
{
	map_one(va & PAGE_MASK, maddr & PAGE_MASK, flags | PTE_P, 1);
}

void paging_unmap_page(uint64_t va)
{
	*walk_create(va & PAGE_MASK, 1, false) = 0;
	invlpg((void *)va);
}

static void map_direct(uint64_t end)
{
	const uint64_t flags = PTE_P | PTE_W | PTE_G | PTE_A | PTE_D | nx_bit;
	const uint64_t gib = 1UL << 30, mib2 = 2UL << 20;

	for (uint64_t pa = 0; pa < end;) {
		if (cpu_features.page1gb && IS_ALIGNED(pa, gib) && end - pa >= gib) {
			map_one(DIRECTMAP_VIRT_START + pa, pa, flags, 3);
			pa += gib;
		} else {
			map_one(DIRECTMAP_VIRT_START + pa, pa, flags, 2);
			pa += mib2;
		}
	}
}

static void map_image(void)
{
	for (char *va = __image_start; va < __image_end; va += PAGE_SIZE) {
		uint64_t flags = PTE_P | PTE_G | PTE_A; /* text: read and execute */

		if (va >= __rodata_start && va < __rodata_end)
			flags |= nx_bit;
		else if (va >= __text_end)
			flags |= PTE_W | PTE_D | nx_bit;
		map_one((uint64_t)va, virt_to_maddr(va), flags, 1);
	}
}

void paging_init(uint64_t ram_end, mfn_t (*alloc_frame)(void))
{
	uint64_t end = MAX(ALIGN_UP(ram_end, 2UL << 20), 4UL << 30);

	BUG_ON(end > DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START);
	pt_alloc_frame = alloc_frame;
	nx_bit = cpu_features.nx ? PTE_NX : 0;
	idle_pml4 = new_table();
	idle_pml4_maddr = virt_to_maddr(idle_pml4);
	map_direct(end);
	map_image();
	/*
	 * The ioremap window's tables all exist from the start, so ioremap()
	 * never needs a frame (the boot allocator is gone by then).
	 */
	(void)walk_create(IOREMAP_VIRT_START, 1, false);
	if (cpu_features.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3(idle_pml4_maddr);
	printk(KLOG_INFO "paging: direct map of %lu MiB, %s pages, NX %s\n", end >> 20,
	       cpu_features.page1gb ? "1 GiB" : "2 MiB", nx_bit ? "on" : "unavailable");
}

void *ioremap(uint64_t maddr, size_t len)
{
	uint64_t off = maddr & (PAGE_SIZE - 1), va;
	uint64_t pages = ALIGN_UP(off + len, PAGE_SIZE) / PAGE_SIZE;
	unsigned long flags = spin_lock_irqsave(&ioremap_lock);

	va = ioremap_next;
	BUG_ON(va + pages * PAGE_SIZE > IOREMAP_VIRT_END);
	ioremap_next += pages * PAGE_SIZE;
	for (uint64_t i = 0; i < pages; i++)
		map_one(va + i * PAGE_SIZE, (maddr & PAGE_MASK) + i * PAGE_SIZE,
			PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_G | nx_bit, 1);
	spin_unlock_irqrestore(&ioremap_lock, flags);
	return (void *)(va + off);
}

void paging_slots_in_use(unsigned int *first, unsigned int *last)
{
	*first = 512;
	*last = 0;
	for (unsigned int i = 0; i < 512; i++) {
		if (!(idle_pml4[i] & PTE_P))
			continue;
		*first = MIN(*first, i);
		*last = MAX(*last, i);
	}
}
