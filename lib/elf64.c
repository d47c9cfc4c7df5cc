/*
 * lib/elf64.c - validating ELF64 reader (contract and invariants in elf64.h).
 *
 * Owns: no state; every function works on the caller's image and structs.
 *
 * Headers are decoded byte by byte into native structs rather than cast in
 * place: the image may be unaligned, and a decoded copy cannot change under
 * a check.  Every "offset + size" goes through range_in_file(), which uses
 * overflow-checked addition, so a hostile header cannot wrap a bound.
 */
#include "lib/elf64.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

uint64_t elf64_read_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

int elf64_fail(struct elf64_err *err, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

#define fail elf64_fail

/* True when [off, off + len) lies inside a file of size bytes. */
static bool range_in_file(uint64_t off, uint64_t len, uint64_t size)
{
	uint64_t end;

	return !__builtin_add_overflow(off, len, &end) && end <= size;
}

static void decode_ehdr(const uint8_t *p, struct elf64_ehdr *e)
{
	e->type = (uint16_t)elf64_read_le(p + 16, 2);
	e->machine = (uint16_t)elf64_read_le(p + 18, 2);
	e->version = (uint32_t)elf64_read_le(p + 20, 4);
	e->entry = elf64_read_le(p + 24, 8);
	e->phoff = elf64_read_le(p + 32, 8);
	e->shoff = elf64_read_le(p + 40, 8);
	e->flags = (uint32_t)elf64_read_le(p + 48, 4);
	e->ehsize = (uint16_t)elf64_read_le(p + 52, 2);
	e->phentsize = (uint16_t)elf64_read_le(p + 54, 2);
	e->phnum = (uint16_t)elf64_read_le(p + 56, 2);
	e->shentsize = (uint16_t)elf64_read_le(p + 58, 2);
	e->shnum = (uint16_t)elf64_read_le(p + 60, 2);
	e->shstrndx = (uint16_t)elf64_read_le(p + 62, 2);
}

void elf64_phdr_get(const struct elf64_image *img, unsigned int i, struct elf64_phdr *ph)
{
	const uint8_t *p = img->data + img->ehdr.phoff + (uint64_t)i * ELF64_PHDR_SIZE;

	ph->type = (uint32_t)elf64_read_le(p, 4);
	ph->flags = (uint32_t)elf64_read_le(p + 4, 4);
	ph->offset = elf64_read_le(p + 8, 8);
	ph->vaddr = elf64_read_le(p + 16, 8);
	ph->paddr = elf64_read_le(p + 24, 8);
	ph->filesz = elf64_read_le(p + 32, 8);
	ph->memsz = elf64_read_le(p + 40, 8);
	ph->align = elf64_read_le(p + 48, 8);
}

void elf64_shdr_get(const struct elf64_image *img, unsigned int i, struct elf64_shdr *sh)
{
	const uint8_t *p = img->data + img->ehdr.shoff + (uint64_t)i * ELF64_SHDR_SIZE;

	sh->name = (uint32_t)elf64_read_le(p, 4);
	sh->type = (uint32_t)elf64_read_le(p + 4, 4);
	sh->flags = elf64_read_le(p + 8, 8);
	sh->addr = elf64_read_le(p + 16, 8);
	sh->offset = elf64_read_le(p + 24, 8);
	sh->size = elf64_read_le(p + 32, 8);
	sh->link = (uint32_t)elf64_read_le(p + 40, 4);
	sh->info = (uint32_t)elf64_read_le(p + 44, 4);
	sh->addralign = elf64_read_le(p + 48, 8);
	sh->entsize = elf64_read_le(p + 56, 8);
}

/* e_ident: magic, class, byte order, version. */
static int check_ident(const uint8_t *p, size_t size, struct elf64_err *err)
{
	if (size < ELF64_EHDR_SIZE)
		return fail(err, -ENOEXEC, "ELF: file is %zu bytes, an ELF64 header needs %d", size,
			    ELF64_EHDR_SIZE);
	if (p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
		return fail(err, -ENOEXEC,
			    "ELF: bad magic %02x %02x %02x %02x at offset 0: not ELF", p[0], p[1],
			    p[2], p[3]);
	if (p[4] != 2)
		return fail(err, -ENOEXEC,
			    "ELF: class %u (%s) in e_ident[4]: Keel loads only ELF64", p[4],
			    p[4] == 1 ? "32-bit" : "unknown");
	if (p[5] != 1)
		return fail(err, -ENOEXEC, "ELF: data encoding %u in e_ident[5]: not little-endian",
			    p[5]);
	if (p[6] != 1)
		return fail(err, -ENOEXEC, "ELF: version %u in e_ident[6], expected 1", p[6]);
	return 0;
}

/* Type, machine, and the sizes and counts of the header tables. */
static int check_ehdr(const struct elf64_ehdr *e, size_t size, struct elf64_err *err)
{
	if (e->type == ELF64_ET_DYN)
		return fail(
		    err, -ENOEXEC,
		    "ELF: e_type ET_DYN (position-independent): Xen PV kernels are ET_EXEC");
	if (e->type != ELF64_ET_EXEC)
		return fail(err, -ENOEXEC, "ELF: e_type %u is not ET_EXEC", e->type);
	if (e->machine != ELF64_EM_X86_64)
		return fail(err, -ENOEXEC, "ELF: e_machine %u is not x86_64 (%d)", e->machine,
			    ELF64_EM_X86_64);
	if (e->version != 1)
		return fail(err, -ENOEXEC, "ELF: e_version %u, expected 1", e->version);
	if (e->ehsize < ELF64_EHDR_SIZE)
		return fail(err, -EINVAL, "ELF: e_ehsize %u < %d", e->ehsize, ELF64_EHDR_SIZE);
	if (e->phnum == 0)
		return fail(err, -ENOEXEC, "ELF: no program headers (e_phnum 0)");
	if (e->phnum > ELF64_MAX_PHDRS)
		return fail(err, -E2BIG, "ELF: e_phnum %u > %d", e->phnum, ELF64_MAX_PHDRS);
	if (e->phentsize != ELF64_PHDR_SIZE)
		return fail(err, -EINVAL, "ELF: e_phentsize %u, expected %d", e->phentsize,
			    ELF64_PHDR_SIZE);
	if (!range_in_file(e->phoff, (uint64_t)e->phnum * ELF64_PHDR_SIZE, size))
		return fail(
		    err, -EINVAL,
		    "ELF: program headers at e_phoff %#llx (%u x %d) run past the %zu-byte file",
		    (unsigned long long)e->phoff, e->phnum, ELF64_PHDR_SIZE, size);
	if (e->shnum == 0)
		return 0;
	if (e->shnum > ELF64_MAX_SHDRS)
		return fail(err, -E2BIG, "ELF: e_shnum %u > %d", e->shnum, ELF64_MAX_SHDRS);
	if (e->shentsize != ELF64_SHDR_SIZE)
		return fail(err, -EINVAL, "ELF: e_shentsize %u, expected %d", e->shentsize,
			    ELF64_SHDR_SIZE);
	if (!range_in_file(e->shoff, (uint64_t)e->shnum * ELF64_SHDR_SIZE, size))
		return fail(
		    err, -EINVAL,
		    "ELF: section headers at e_shoff %#llx (%u x %d) run past the %zu-byte file",
		    (unsigned long long)e->shoff, e->shnum, ELF64_SHDR_SIZE, size);
	if (e->shstrndx >= e->shnum)
		return fail(err, -EINVAL, "ELF: e_shstrndx %u >= e_shnum %u", e->shstrndx,
			    e->shnum);
	return 0;
}

/* [a, a + alen) and [b, b + blen) intersect; both lengths non-zero, no wrap. */
static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* One PT_LOAD or PT_NOTE on its own: file range, sizes, address wrap. */
static int check_phdr(const struct elf64_phdr *ph, unsigned int i, size_t size,
		      struct elf64_err *err)
{
	uint64_t end;

	if (ph->type != ELF64_PT_LOAD && ph->type != ELF64_PT_NOTE)
		return 0;
	if (!range_in_file(ph->offset, ph->filesz, size))
		return fail(err, -EINVAL,
			    "ELF: phdr %u: file range %#llx+%#llx runs past the %zu-byte file", i,
			    (unsigned long long)ph->offset, (unsigned long long)ph->filesz, size);
	if (ph->type == ELF64_PT_NOTE)
		return 0;
	if (ph->filesz > ph->memsz)
		return fail(err, -EINVAL, "ELF: phdr %u: p_filesz %#llx > p_memsz %#llx", i,
			    (unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
	if (__builtin_add_overflow(ph->vaddr, ph->memsz, &end))
		return fail(err, -EINVAL, "ELF: phdr %u: p_vaddr %#llx + p_memsz %#llx wraps", i,
			    (unsigned long long)ph->vaddr, (unsigned long long)ph->memsz);
	if (__builtin_add_overflow(ph->paddr, ph->memsz, &end))
		return fail(err, -EINVAL, "ELF: phdr %u: p_paddr %#llx + p_memsz %#llx wraps", i,
			    (unsigned long long)ph->paddr, (unsigned long long)ph->memsz);
	return 0;
}

/* Segment i against the non-empty PT_LOADs before it, in both address spaces. */
static int check_overlaps(const struct elf64_image *img, const struct elf64_phdr *ph,
			  unsigned int i, struct elf64_err *err)
{
	struct elf64_phdr q;

	for (unsigned int j = 0; j < i; j++) {
		elf64_phdr_get(img, j, &q);
		if (q.type != ELF64_PT_LOAD || q.memsz == 0)
			continue;
		if (ranges_overlap(ph->vaddr, ph->memsz, q.vaddr, q.memsz))
			return fail(
			    err, -EINVAL,
			    "ELF: phdr %u and phdr %u overlap in virtual memory (%#llx, %#llx)", j,
			    i, (unsigned long long)q.vaddr, (unsigned long long)ph->vaddr);
		if (ranges_overlap(ph->paddr, ph->memsz, q.paddr, q.memsz))
			return fail(
			    err, -EINVAL,
			    "ELF: phdr %u and phdr %u overlap in physical memory (%#llx, %#llx)", j,
			    i, (unsigned long long)q.paddr, (unsigned long long)ph->paddr);
	}
	return 0;
}

/* Widens the image's extents to cover PT_LOAD ph (non-empty, checked). */
static void add_extent(struct elf64_image *img, const struct elf64_phdr *ph, bool first)
{
	if (first || ph->vaddr < img->virt_start)
		img->virt_start = ph->vaddr;
	if (first || ph->vaddr + ph->memsz > img->virt_end)
		img->virt_end = ph->vaddr + ph->memsz;
	if (first || ph->paddr < img->phys_start)
		img->phys_start = ph->paddr;
	if (first || ph->paddr + ph->memsz > img->phys_end)
		img->phys_end = ph->paddr + ph->memsz;
}

static int check_segments(struct elf64_image *img, struct elf64_err *err)
{
	struct elf64_phdr ph;
	bool found = false;
	int rc;

	for (unsigned int i = 0; i < img->ehdr.phnum; i++) {
		elf64_phdr_get(img, i, &ph);
		rc = check_phdr(&ph, i, img->size, err);
		if (rc)
			return rc;
		if (ph.type != ELF64_PT_LOAD || ph.memsz == 0)
			continue;
		rc = check_overlaps(img, &ph, i, err);
		if (rc)
			return rc;
		add_extent(img, &ph, !found);
		found = true;
	}
	if (!found)
		return fail(err, -ENOEXEC, "ELF: no non-empty PT_LOAD segment");
	return 0;
}

static int check_sections(const struct elf64_image *img, struct elf64_err *err)
{
	struct elf64_shdr sh;

	for (unsigned int i = 0; i < img->ehdr.shnum; i++) {
		elf64_shdr_get(img, i, &sh);
		if (!elf64_section_has_data(&sh))
			continue;
		if (!range_in_file(sh.offset, sh.size, img->size))
			return fail(
			    err, -EINVAL,
			    "ELF: section %u: file range %#llx+%#llx runs past the %zu-byte file",
			    i, (unsigned long long)sh.offset, (unsigned long long)sh.size,
			    img->size);
	}
	return 0;
}

int elf64_open(struct elf64_image *img, const void *data, size_t size, struct elf64_err *err)
{
	int rc;

	memset(img, 0, sizeof(*img));
	err->msg[0] = '\0';
	img->data = data;
	img->size = size;
	rc = check_ident(img->data, size, err);
	if (rc)
		return rc;
	decode_ehdr(img->data, &img->ehdr);
	rc = check_ehdr(&img->ehdr, size, err);
	if (rc)
		return rc;
	rc = check_sections(img, err);
	if (rc)
		return rc;
	return check_segments(img, err);
}

const char *elf64_section_name(const struct elf64_image *img, const struct elf64_shdr *sh)
{
	struct elf64_shdr strtab;
	const char *s;

	if (img->ehdr.shnum == 0 || img->ehdr.shstrndx == 0)
		return NULL;
	elf64_shdr_get(img, img->ehdr.shstrndx, &strtab);
	if (!elf64_section_has_data(&strtab) || sh->name >= strtab.size)
		return NULL;
	s = (const char *)img->data + strtab.offset + sh->name;
	if (strnlen(s, strtab.size - sh->name) == strtab.size - sh->name)
		return NULL;
	return s;
}

int elf64_find_section(const struct elf64_image *img, const char *name, struct elf64_shdr *sh)
{
	const char *s;

	for (unsigned int i = 0; i < img->ehdr.shnum; i++) {
		elf64_shdr_get(img, i, sh);
		s = elf64_section_name(img, sh);
		if (s && !strcmp(s, name))
			return 0;
	}
	return -ENOENT;
}

void elf64_note_iter_init(struct elf64_note_iter *it, uint64_t offset, uint64_t size,
			  uint64_t align)
{
	it->pos = offset;
	it->end = offset + size;
	it->align = align == 8 ? 8 : 4;
}

int elf64_note_next(const struct elf64_image *img, struct elf64_note_iter *it,
		    struct elf64_note *note, struct elf64_err *err)
{
	const uint8_t *p;
	uint64_t room, desc_off, end_off;

	if (it->pos >= it->end || it->end > img->size)
		return 0;
	p = img->data + it->pos;
	room = it->end - it->pos;
	if (room < 12) {
		it->pos = it->end;
		return fail(err, -EINVAL,
			    "ELF: note at offset %#llx: %llu bytes left, a header needs 12",
			    (unsigned long long)(p - img->data), (unsigned long long)room);
	}
	note->namesz = (uint32_t)elf64_read_le(p, 4);
	note->descsz = (uint32_t)elf64_read_le(p + 4, 4);
	note->type = (uint32_t)elf64_read_le(p + 8, 4);
	note->offset = it->pos;
	/*
	 * Offsets from the note's start, aligned to the container's alignment
	 * (4, or 8 for an 8-aligned PT_NOTE/SHT_NOTE): the descriptor starts at
	 * align(12 + namesz), the next note at align(descriptor end).  With an
	 * 8-byte alignment a 4-byte name is not padded (12 + 4 is aligned).
	 * 32-bit sizes in 64-bit arithmetic cannot overflow.
	 */
	desc_off = ALIGN_UP(12 + (uint64_t)note->namesz, it->align);
	end_off = desc_off + note->descsz;
	if (desc_off > room || note->descsz > room - desc_off) {
		it->pos = it->end;
		return fail(err, -EINVAL,
			    "ELF: note at offset %#llx: namesz %u + descsz %u run past its "
			    "container (%llu bytes left)",
			    (unsigned long long)note->offset, note->namesz, note->descsz,
			    (unsigned long long)room);
	}
	/* The last note's padding may be cut off by the container's end. */
	end_off = MIN(ALIGN_UP(end_off, it->align), room);
	note->name = (const char *)p + 12;
	note->desc = p + desc_off;
	it->pos += end_off;
	return 1;
}
