/*
 * lib/elf64.h - a validating reader for ELF64 x86_64 executables held in memory.
 *
 * Owns: nothing but the caller's structs.  The image bytes belong to the
 * caller and must stay unchanged while a struct elf64_image refers to them;
 * they are never written, may sit at any alignment, and are treated as
 * hostile: every offset, size and count is checked with overflow-checked
 * arithmetic before a byte is read.
 *
 * Invariants after elf64_open() succeeds:
 *   - the file header is ELF64, little-endian, x86_64, ET_EXEC;
 *   - the program and section header tables lie inside the file;
 *   - every PT_LOAD and PT_NOTE file range, and the file range of every
 *     section with contents (elf64_section_has_data()), lies inside the file;
 *   - PT_LOAD segments have filesz <= memsz, virtual and physical ranges
 *     that do not wrap, and do not overlap one another in either space;
 *   - there is at least one non-empty PT_LOAD, and [virt_start, virt_end) /
 *     [phys_start, phys_end) cover all of them.
 *
 * Errors: 0 or a negative Xen errno, and a one-line message in the caller's
 * struct elf64_err saying what is wrong and where (header, index, offset):
 *   -ENOEXEC  not something Keel can run (not ELF, 32-bit, big-endian, wrong
 *             machine, ET_DYN, no loadable segment);
 *   -EINVAL   a malformed table, range, note or string;
 *   -E2BIG    more headers than Keel accepts (ELF64_MAX_PHDRS/SHDRS).
 *
 * The structures are the ELF specification's (System V gABI); they are
 * declared here because freestanding code cannot include <elf.h>.
 */
#ifndef LIB_ELF64_H
#define LIB_ELF64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF64_EHDR_SIZE 64
#define ELF64_PHDR_SIZE 56
#define ELF64_SHDR_SIZE 64

/* Bounds that keep the pairwise overlap check cheap; real kernels use < 20. */
#define ELF64_MAX_PHDRS 256
#define ELF64_MAX_SHDRS 4096

#define ELF64_ET_EXEC	2
#define ELF64_ET_DYN	3
#define ELF64_EM_X86_64 62

#define ELF64_PT_LOAD	 1
#define ELF64_PT_NOTE	 4
#define ELF64_SHT_NULL	 0
#define ELF64_SHT_NOTE	 7
#define ELF64_SHT_NOBITS 8

#define ELF64_ERR_MAX 160

/* One line saying why the image was refused. */
struct elf64_err {
	char msg[ELF64_ERR_MAX];
};

struct elf64_ehdr {
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf64_shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

/* A validated image: the decoded file header and the loadable extents. */
struct elf64_image {
	const uint8_t *data;
	size_t size;
	struct elf64_ehdr ehdr;
	uint64_t virt_start, virt_end; /* [lowest p_vaddr, highest p_vaddr + p_memsz) */
	uint64_t phys_start, phys_end; /* the same over p_paddr */
};

/* One note record; name and desc point into the image. */
struct elf64_note {
	uint32_t type;
	uint32_t namesz, descsz;
	const char *name; /* namesz bytes, normally NUL-terminated */
	const uint8_t *desc;
	uint64_t offset; /* file offset of the note header, for messages */
};

/* Walks the notes of one PT_NOTE segment or SHT_NOTE section. */
struct elf64_note_iter {
	uint64_t pos, end;
	uint64_t align; /* 4, or 8 when the container says so */
};

/*
 * Validates the ELF64 image data[0..size) (see the invariants above) and
 * fills *img.  Returns 0, or a negative errno with err->msg set; *img is
 * then unusable.
 */
int elf64_open(struct elf64_image *img, const void *data, size_t size, struct elf64_err *err);

/* Decodes program header i (< ehdr.phnum) of an opened image. */
void elf64_phdr_get(const struct elf64_image *img, unsigned int i, struct elf64_phdr *ph);

/* Decodes section header i (< ehdr.shnum) of an opened image. */
void elf64_shdr_get(const struct elf64_image *img, unsigned int i, struct elf64_shdr *sh);

/*
 * True when section sh has file contents: [sh->offset, + sh->size), which
 * elf64_open() checked lies in the file.  SHT_NULL and SHT_NOBITS headers
 * have none, and their offset and size are unchecked: never read them.
 */
static inline bool elf64_section_has_data(const struct elf64_shdr *sh)
{
	return sh->type != ELF64_SHT_NULL && sh->type != ELF64_SHT_NOBITS;
}

/*
 * The name of section sh from the section-name string table, or NULL when
 * there is no such table or the name does not lie NUL-terminated inside it.
 */
const char *elf64_section_name(const struct elf64_image *img, const struct elf64_shdr *sh);

/*
 * Finds the first section called name.  Returns 0 and fills *sh, or
 * -ENOENT.
 */
int elf64_find_section(const struct elf64_image *img, const char *name, struct elf64_shdr *sh);

/*
 * Starts a walk over the notes in file range [offset, offset + size) of an
 * opened image, which elf64_open() has checked lies in the file; align is
 * the container's p_align / sh_addralign (8 selects 8-byte padding, any
 * other value the usual 4).
 */
void elf64_note_iter_init(struct elf64_note_iter *it, uint64_t offset, uint64_t size,
			  uint64_t align);

/*
 * Decodes the next note.  Returns 1 with *note filled, 0 at the end, or
 * -EINVAL (message in *err) when a header, name or descriptor would run
 * past the container; the walk is then over.
 */
int elf64_note_next(const struct elf64_image *img, struct elf64_note_iter *it,
		    struct elf64_note *note, struct elf64_err *err);

/*
 * Formats a message into err->msg (truncated to ELF64_ERR_MAX) and returns
 * rc, so that a failure reads "return elf64_fail(err, -EINVAL, ...)".
 */
int elf64_fail(struct elf64_err *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads an n-byte (1..8) little-endian unsigned integer from p. */
uint64_t elf64_read_le(const uint8_t *p, unsigned int n);

#endif /* LIB_ELF64_H */
