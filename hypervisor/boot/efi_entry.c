/*
 * hypervisor/boot/efi_entry.c - accepts the struct boot_info our UEFI
 * loader (boot/efi/) built, then starts Keel.
 *
 * The loader's copy lives in memory Keel will reuse, so it is copied into
 * the image before anything else runs.
 */
#include "arch/mm.h"
#include "hypervisor/boot/boot_info.h"
#include "hypervisor/setup.h"
#include "lib/string.h"

static struct boot_info efi_boot_info;

void efi_entry(uint64_t boot_info_phys);

/* Called from head.asm (efi_entry64) on the boot stack. */
void efi_entry(uint64_t boot_info_phys)
{
	const struct boot_info *src;

	if (boot_info_phys == 0 || boot_info_phys + sizeof(*src) > (4UL << 30))
		early_fatal("EFI loader passed no boot information below 4 GiB");
	src = maddr_to_virt(boot_info_phys);
	if (src->magic != KEEL_BOOT_INFO_MAGIC || src->version != KEEL_BOOT_INFO_VERSION)
		early_fatal("EFI loader's boot information has a bad magic or version");
	memcpy(&efi_boot_info, src, sizeof(efi_boot_info));
	efi_boot_info.cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
	if (efi_boot_info.nr_modules > BOOT_MAX_MODULES)
		efi_boot_info.nr_modules = BOOT_MAX_MODULES;
	if (efi_boot_info.nr_mem_ranges > BOOT_MAX_MEM_RANGES)
		efi_boot_info.nr_mem_ranges = BOOT_MAX_MEM_RANGES;
	for (uint32_t i = 0; i < efi_boot_info.nr_modules; i++)
		efi_boot_info.modules[i].cmdline[BOOT_MODULE_CMDLINE_MAX - 1] = '\0';
	start_keel_on_boot_stack(&efi_boot_info);
}
