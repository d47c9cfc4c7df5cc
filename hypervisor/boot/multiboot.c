/*
 * hypervisor/boot/multiboot.c - turns Multiboot (v1) information into the
 * common struct boot_info, then starts Keel.
 *
 * Runs on the boot CPU with the boot page tables, which map the first
 * 4 GiB in the direct map, where Multiboot data always lives.
 */
#include "arch/mm.h"
#include "hypervisor/boot/boot_info.h"
#include "hypervisor/setup.h"
#include "lib/string.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

#define MBI_MEMORY (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __attribute__((packed));

struct multiboot_mod {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

struct multiboot_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t base;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

static struct boot_info mb_boot_info;

/* Skips the first word: loaders put the image's own path there (as Xen does). */
static const char *skip_first_word(const char *s)
{
	while (*s == ' ')
		s++;
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static void copy_modules(struct boot_info *bi, const struct multiboot_info *mbi)
{
	const struct multiboot_mod *mods = maddr_to_virt(mbi->mods_addr);

	for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES; i++) {
		struct boot_module *m;

		if (mods[i].mod_end < mods[i].mod_start)
			continue; /* nonsense from the loader: not a module */
		m = &bi->modules[bi->nr_modules++];
		m->start = mods[i].mod_start;
		m->len = mods[i].mod_end - mods[i].mod_start;
		if (mods[i].string)
			strlcpy(m->cmdline, skip_first_word(maddr_to_virt(mods[i].string)),
				sizeof(m->cmdline));
	}
}

static void copy_memory_map(struct boot_info *bi, const struct multiboot_info *mbi)
{
	uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

	while (p + sizeof(struct multiboot_mmap_entry) <= end &&
	       bi->nr_mem_ranges < BOOT_MAX_MEM_RANGES) {
		const struct multiboot_mmap_entry *e = maddr_to_virt(p);
		struct boot_mem_range *r = &bi->mem[bi->nr_mem_ranges++];

		r->base = e->base;
		r->len = e->len;
		/* E820 types 1-5 are ours; anything newer is treated as reserved. */
		r->type = (e->type >= 1 && e->type <= 5) ? e->type : BOOT_MEM_RESERVED;
		p += e->size + sizeof(e->size);
	}
}

/* Without a memory map, the two basic figures describe low and upper RAM. */
static void basic_memory(struct boot_info *bi, const struct multiboot_info *mbi)
{
	bi->mem[0] = (struct boot_mem_range){ 0, (uint64_t)mbi->mem_lower << 10, BOOT_MEM_USABLE, 0 };
	bi->mem[1] = (struct boot_mem_range){ 0x100000, (uint64_t)mbi->mem_upper << 10,
					      BOOT_MEM_USABLE, 0 };
	bi->nr_mem_ranges = 2;
}

void multiboot_entry(uint32_t magic, uint32_t mbi_phys);

/* Called from head.asm on the boot stack. */
void multiboot_entry(uint32_t magic, uint32_t mbi_phys)
{
	struct boot_info *bi = &mb_boot_info;
	const struct multiboot_info *mbi = maddr_to_virt(mbi_phys);

	bi->magic = KEEL_BOOT_INFO_MAGIC;
	bi->version = KEEL_BOOT_INFO_VERSION;
	bi->source = BOOT_SOURCE_MULTIBOOT;
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		early_fatal("not booted by a Multiboot loader (bad magic in EAX)");
	if (mbi->flags & MBI_CMDLINE)
		strlcpy(bi->cmdline, skip_first_word(maddr_to_virt(mbi->cmdline)),
			sizeof(bi->cmdline));
	if (mbi->flags & MBI_LOADER_NAME)
		strlcpy(bi->loader_name, maddr_to_virt(mbi->boot_loader_name),
			sizeof(bi->loader_name));
	if (mbi->flags & MBI_MODS)
		copy_modules(bi, mbi);
	if (mbi->flags & MBI_MMAP)
		copy_memory_map(bi, mbi);
	else if (mbi->flags & MBI_MEMORY)
		basic_memory(bi, mbi);
	else
		early_fatal("the boot loader gave no memory map");
	start_keel_on_boot_stack(bi);
}
