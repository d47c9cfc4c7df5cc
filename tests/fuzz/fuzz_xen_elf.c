/*
 * tests/fuzz/fuzz_xen_elf.c - libFuzzer target for the PV kernel loader's
 * front end: lib/elf64.c and lib/xen_elfnote.c on arbitrary bytes.
 *
 * Runs the whole path the domain builder will run (open, every header and
 * note walked, notes or legacy string parsed, the kernel checked against
 * two capability sets) and traps on any broken promise of the API:
 * a failure without a message, a message not terminated, an extent that
 * is empty or backwards, a string view outside the image.  ASan and UBSan
 * catch the rest (out-of-bounds reads, overflow, misaligned loads).
 * Build and run with `make fuzz` (tests/fuzz/README.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/elf64.h"
#include "lib/xen_elfnote.h"
#include "tests/fuzz/fuzz_promise.h"

static const uint8_t *lo, *hi;

static void check_msg(int rc, const struct elf64_err *err)
{
	PROMISE(rc <= 0);
	PROMISE(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	if (rc)
		PROMISE(err->msg[0] != '\0');
}

static void check_view(struct xen_elf_str v)
{
	if (!v.s)
		return;
	PROMISE((const uint8_t *)v.s >= lo && (const uint8_t *)v.s + v.len <= hi);
}

/* Everything elf64.h lets a caller read from an opened image. */
static void walk(const struct elf64_image *img)
{
	struct elf64_phdr ph;
	struct elf64_shdr sh;
	struct elf64_note_iter it;
	struct elf64_note n;
	struct elf64_err err;

	PROMISE(img->virt_start < img->virt_end && img->phys_start < img->phys_end);
	for (unsigned int i = 0; i < img->ehdr.phnum; i++) {
		elf64_phdr_get(img, i, &ph);
		if (ph.type != ELF64_PT_NOTE)
			continue;
		elf64_note_iter_init(&it, ph.offset, ph.filesz, ph.align);
		while (elf64_note_next(img, &it, &n, &err) > 0)
			PROMISE(n.desc + n.descsz <= hi && (const uint8_t *)n.name >= lo);
	}
	for (unsigned int i = 0; i < img->ehdr.shnum; i++) {
		elf64_shdr_get(img, i, &sh);
		const char *name = elf64_section_name(img, &sh);
		if (name)
			PROMISE((const uint8_t *)name + strlen(name) < hi);
	}
}

static void check_info(const struct xen_kernel_info *info)
{
	check_view(info->xen_version);
	check_view(info->guest_os);
	check_view(info->guest_version);
	check_view(info->loader);
	check_view(info->pae_mode);
	check_view(info->bsd_symtab);
	check_view(info->features);
	check_view(info->unknown_required);
	PROMISE(info->virt_kstart < info->virt_kend);
	PROMISE(info->nr_l1_mfn_valid <= XEN_KERNEL_L1_MFN_VALID_MAX);
	PROMISE((info->features_required & ~info->features_supported) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct xen_kernel_caps none = {0, false};
	static const struct xen_kernel_caps all = {~0U, true};
	struct elf64_image img;
	struct xen_kernel_info info;
	struct elf64_err err;
	int rc;

	lo = data;
	hi = data + size;
	rc = elf64_open(&img, data, size, &err);
	check_msg(rc, &err);
	if (rc)
		return 0;
	walk(&img);
	rc = xen_kernel_parse(&img, &info, &err);
	check_msg(rc, &err);
	if (rc)
		return 0;
	check_info(&info);
	rc = xen_kernel_check(&info, &none, &err);
	check_msg(rc, &err);
	rc = xen_kernel_check(&info, &all, &err);
	check_msg(rc, &err);
	if (rc == 0) {
		PROMISE(info.entry >= info.virt_kstart && info.entry < info.virt_kend);
		PROMISE(info.virt_kend <= XEN_KERNEL_HV_START ||
			info.virt_base >= XEN_KERNEL_HV_END);
	}
	return 0;
}
