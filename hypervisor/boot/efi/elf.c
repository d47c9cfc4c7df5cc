/*
 * hypervisor/boot/efi/elf.c - validation of the hypervisor's ELF64 file.
 *
 * Every check a malformed or foreign file could fail is made here, before
 * a single page is allocated, and each failure has its own message: the
 * user sees "not a 64-bit ELF file", not a triple fault.  All arithmetic on
 * file-controlled offsets and sizes is checked for overflow.
 */
#include <elf.h>

#include "hypervisor/boot/efi/elf.h"

static int elf_fail(struct elf_error *err, const char *msg, int segment)
{
	*err = (struct elf_error){ .msg = msg, .segment = segment };
	return -1;
}

static int elf_fail_value(struct elf_error *err, const char *msg, int segment, uint64_t value)
{
	*err = (struct elf_error){ .msg = msg, .segment = segment, .has_value = 1, .value = value };
	return -1;
}

/* True if [off, off + len) lies within a file of @size bytes. */
static int in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int check_header(const Elf64_Ehdr *eh, uint64_t size, struct elf_error *err)
{
	if (size < sizeof(*eh))
		return elf_fail_value(err, "file too small to be an ELF image: size", -1, size);
	if (eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[EI_MAG1] != ELFMAG1 ||
	    eh->e_ident[EI_MAG2] != ELFMAG2 || eh->e_ident[EI_MAG3] != ELFMAG3)
		return elf_fail(err, "not an ELF file (bad magic number)", -1);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return elf_fail_value(err, "not a 64-bit ELF file (ELFCLASS64 expected); class",
				      -1, eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return elf_fail(err, "not a little-endian ELF file", -1);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return elf_fail(err, "unknown ELF version", -1);
	if (eh->e_machine != EM_X86_64)
		return elf_fail_value(err, "not built for x86_64 (EM_X86_64 = 62); e_machine", -1,
				      eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return elf_fail_value(err, "not an executable (ET_EXEC = 2) ELF file; e_type", -1,
				      eh->e_type);
	if (eh->e_phnum == 0)
		return elf_fail(err, "no program headers", -1);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return elf_fail_value(err, "program header entry size is not 56; e_phentsize", -1,
				      eh->e_phentsize);
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size))
		return elf_fail(err, "program headers extend past the end of the file", -1);
	return 0;
}

static int overlaps(const struct elf_segment *a, const struct elf_segment *b)
{
	return a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz;
}

static int check_segment(const Elf64_Phdr *ph, int i, uint64_t size, struct elf_info *info,
			 struct elf_error *err)
{
	struct elf_segment *s = &info->seg[info->nr_segments];

	if (ph->p_filesz > ph->p_memsz)
		return elf_fail(err, "file size larger than memory size", i);
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return elf_fail(err, "data extends past the end of the file", i);
	if (ph->p_paddr > ELF_LOAD_LIMIT || ph->p_memsz > ELF_LOAD_LIMIT - ph->p_paddr)
		return elf_fail_value(err, "does not fit below 4 GiB; p_paddr", i, ph->p_paddr);
	if (info->nr_segments == ELF_MAX_SEGMENTS)
		return elf_fail(err, "too many PT_LOAD segments (at most 16)", i);
	*s = (struct elf_segment){ ph->p_paddr, ph->p_memsz, ph->p_filesz, ph->p_offset };
	for (unsigned int j = 0; j < info->nr_segments; j++)
		if (overlaps(s, &info->seg[j]))
			return elf_fail_value(err, "overlaps an earlier segment at p_paddr", i,
					      info->seg[j].paddr);
	info->nr_segments++;
	return 0;
}

int elf_check(const void *file, uint64_t size, struct elf_info *info, struct elf_error *err)
{
	const Elf64_Ehdr *eh = file;
	const char *phdrs;
	Elf64_Phdr ph;

	info->nr_segments = 0;
	if (check_header(eh, size, err) < 0)
		return -1;
	phdrs = (const char *)file + eh->e_phoff;
	for (int i = 0; i < eh->e_phnum; i++) {
		/* Copied: e_phoff need not be aligned. */
		__builtin_memcpy(&ph, phdrs + (uint64_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (check_segment(&ph, i, size, info, err) < 0)
			return -1;
	}
	if (info->nr_segments == 0)
		return elf_fail(err, "no loadable (PT_LOAD) segments", -1);
	return 0;
}

/* True if [addr, addr + len) lies in the file-backed part of some segment. */
static int in_loaded_bytes(const struct elf_info *info, uint64_t addr, uint64_t len)
{
	for (unsigned int i = 0; i < info->nr_segments; i++) {
		const struct elf_segment *s = &info->seg[i];

		if (addr >= s->paddr && addr - s->paddr < s->filesz &&
		    len <= s->filesz - (addr - s->paddr))
			return 1;
	}
	return 0;
}

int elf_find_image_header(const void *file, const struct elf_info *info,
			  struct keel_image_header *hdr, struct elf_error *err)
{
	const struct elf_segment *s = &info->seg[0];
	const unsigned char *base = (const unsigned char *)file + s->offset;
	uint64_t window = s->filesz < ELF_IMAGE_HEADER_WINDOW ? s->filesz : ELF_IMAGE_HEADER_WINDOW;
	uint64_t off = (8 - (s->paddr & 7)) & 7; /* first 8-byte aligned address */

	for (; off + sizeof(*hdr) <= window; off += 8) {
		__builtin_memcpy(hdr, base + off, sizeof(*hdr));
		if (hdr->magic != KEEL_IMAGE_HEADER_MAGIC)
			continue;
		if (hdr->version != 1)
			return elf_fail_value(err, "keel_image_header has an unknown version", -1,
					      hdr->version);
		if (!in_loaded_bytes(info, hdr->efi_entry, 1))
			return elf_fail_value(err, "efi_entry lies outside the loaded segments",
					      -1, hdr->efi_entry);
		return 0;
	}
	return elf_fail(err, "no keel_image_header (magic \"KEEL\") in the first 8 KiB "
			"of the first segment: is this a Keel hypervisor image?", -1);
}
