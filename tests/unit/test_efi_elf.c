/*
 * tests/unit/test_efi_elf.c - the UEFI loader's ELF64 checks and the search
 * for struct keel_image_header (hypervisor/boot/efi/elf.c).
 *
 * Each test builds a small valid Keel-like image in a heap buffer of exactly
 * the file's size (so ASan catches any read past its end), corrupts one
 * thing and checks the verdict and its message.
 *
 * The image: ELF header, 4 program headers at 64 (PT_LOAD, PT_NOTE, an empty
 * PT_LOAD, PT_LOAD), then
 *   segment 0: file 0x1000-0x4000 -> 0x200000, memsz 0x4000 (0x1000 of bss),
 *              the image header at 0x200040, efi_entry 0x200100;
 *   segment 1: file 0x4000-0x5000 -> 0x300000, memsz 0x2000.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/boot/efi/elf.h"

#define FILE_SIZE   0x5000
#define SEG0_OFF    0x1000
#define SEG0_PADDR  0x200000
#define SEG0_FILESZ 0x3000
#define SEG0_MEMSZ  0x4000
#define SEG1_OFF    0x4000
#define SEG1_PADDR  0x300000
#define SEG1_FILESZ 0x1000
#define SEG1_MEMSZ  0x2000
#define HDR_OFF	    0x40 /* within segment 0 */
#define ENTRY	    (SEG0_PADDR + 0x100)
#define NR_PHDRS    4

static uint8_t *file;
static uint64_t size;
static struct elf_info info;
static struct elf_error err;
static struct keel_image_header hdr;

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)file;
}

static Elf64_Phdr *ph(unsigned int i)
{
	return (Elf64_Phdr *)(file + eh()->e_phoff) + i;
}

/* Writes a keel_image_header at @off in the file. */
static void put_header(uint64_t off, uint32_t version, uint64_t efi_entry)
{
	struct keel_image_header h = {
	    .magic = KEEL_IMAGE_HEADER_MAGIC,
	    .version = version,
	    .efi_entry = efi_entry,
	    .load_start = SEG0_PADDR,
	    .load_end = SEG1_PADDR + SEG1_FILESZ,
	    .bss_end = SEG1_PADDR + SEG1_MEMSZ,
	};

	assert_true(off + sizeof(h) <= size);
	memcpy(file + off, &h, sizeof(h));
}

/* (Re)allocates the file buffer at exactly @n bytes, zeroed. */
static void new_file(uint64_t n)
{
	free(file);
	file = calloc(1, n);
	assert_non_null(file);
	size = n;
}

static void build(void)
{
	Elf64_Ehdr *e;

	new_file(FILE_SIZE);
	e = eh();
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = 0x200030;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = NR_PHDRS;

	*ph(0) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_flags = PF_R | PF_X,
			      .p_offset = SEG0_OFF,
			      .p_vaddr = SEG0_PADDR,
			      .p_paddr = SEG0_PADDR,
			      .p_filesz = SEG0_FILESZ,
			      .p_memsz = SEG0_MEMSZ,
			      .p_align = 0x1000};
	*ph(1) = (Elf64_Phdr){.p_type = PT_NOTE,
			      .p_offset = 0x1f00,
			      .p_paddr = 0x100000,
			      .p_filesz = 0x10000,
			      .p_memsz = 0x10000}; /* ignored */
	*ph(2) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_offset = 0x7fffffff,
			      .p_paddr = SEG0_PADDR,
			      .p_filesz = 0,
			      .p_memsz = 0}; /* empty: ignored */
	*ph(3) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_flags = PF_R | PF_W,
			      .p_offset = SEG1_OFF,
			      .p_vaddr = SEG1_PADDR,
			      .p_paddr = SEG1_PADDR,
			      .p_filesz = SEG1_FILESZ,
			      .p_memsz = SEG1_MEMSZ,
			      .p_align = 0x1000};
	/* Some code bytes, then the header. */
	memset(file + SEG0_OFF, 0x90, 0x40);
	put_header(SEG0_OFF + HDR_OFF, 1, ENTRY);
}

static int setup(void **state)
{
	(void)state;
	build();
	memset(&info, 0x5a, sizeof(info));
	memset(&err, 0x5a, sizeof(err));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(file);
	file = NULL;
	return 0;
}

static int check(void)
{
	return elf_check(file, size, &info, &err);
}

/* elf_check() must refuse the file with a message containing @needle. */
static void expect_refused(const char *needle, int segment)
{
	memset(&err, 0x5a, sizeof(err));
	if (check() != -1)
		fail_msg("elf_check accepted a bad file (expected '%s')", needle);
	assert_non_null(err.msg);
	if (!strstr(err.msg, needle))
		fail_msg("got '%s', expected '...%s...'", err.msg, needle);
	assert_int_equal(err.segment, segment);
}

static void expect_refused_value(const char *needle, int segment, uint64_t value)
{
	expect_refused(needle, segment);
	assert_int_equal(err.has_value, 1);
	assert_int_equal(err.value, value);
}

/* elf_check() must accept; then the header search must fail with @needle. */
static void expect_no_header(const char *needle)
{
	if (check() != 0)
		fail_msg("elf_check refused: %s", err.msg);
	memset(&err, 0x5a, sizeof(err));
	if (elf_find_image_header(file, &info, &hdr, &err) != -1)
		fail_msg("header found (expected '%s')", needle);
	if (!strstr(err.msg, needle))
		fail_msg("got '%s', expected '...%s...'", err.msg, needle);
	assert_int_equal(err.segment, -1);
}

static void expect_header(void)
{
	if (check() != 0)
		fail_msg("elf_check refused: %s", err.msg);
	memset(&hdr, 0, sizeof(hdr));
	if (elf_find_image_header(file, &info, &hdr, &err) != 0)
		fail_msg("no header: %s", err.msg);
	assert_int_equal(hdr.magic, KEEL_IMAGE_HEADER_MAGIC);
}

static void test_valid(void **state)
{
	(void)state;
	assert_int_equal(check(), 0);
	/* The PT_NOTE and the empty PT_LOAD are left out. */
	assert_int_equal(info.nr_segments, 2);
	assert_int_equal(info.seg[0].paddr, SEG0_PADDR);
	assert_int_equal(info.seg[0].memsz, SEG0_MEMSZ);
	assert_int_equal(info.seg[0].filesz, SEG0_FILESZ);
	assert_int_equal(info.seg[0].offset, SEG0_OFF);
	assert_int_equal(info.seg[1].paddr, SEG1_PADDR);
	assert_int_equal(info.seg[1].memsz, SEG1_MEMSZ);
	assert_int_equal(info.seg[1].filesz, SEG1_FILESZ);
	assert_int_equal(info.seg[1].offset, SEG1_OFF);

	memset(&hdr, 0, sizeof(hdr));
	assert_int_equal(elf_find_image_header(file, &info, &hdr, &err), 0);
	assert_int_equal(hdr.magic, KEEL_IMAGE_HEADER_MAGIC);
	assert_int_equal(hdr.version, 1);
	assert_int_equal(hdr.efi_entry, ENTRY);
	assert_int_equal(hdr.load_start, SEG0_PADDR);
	assert_int_equal(hdr.load_end, SEG1_PADDR + SEG1_FILESZ);
	assert_int_equal(hdr.bss_end, SEG1_PADDR + SEG1_MEMSZ);
}

/* Segments exactly touching, a segment ending exactly at 4 GiB, data to EOF. */
static void test_valid_edges(void **state)
{
	(void)state;
	ph(3)->p_paddr = SEG0_PADDR + SEG0_MEMSZ; /* right after segment 0's bss */
	assert_int_equal(check(), 0);
	ph(3)->p_paddr = SEG0_PADDR - SEG1_MEMSZ; /* right before segment 0 */
	assert_int_equal(check(), 0);
	ph(3)->p_paddr = ELF_LOAD_LIMIT - SEG1_MEMSZ;
	assert_int_equal(check(), 0);
	assert_int_equal(info.seg[1].paddr, ELF_LOAD_LIMIT - SEG1_MEMSZ);
	/* filesz == memsz; the data runs to the last byte of the file. */
	ph(3)->p_filesz = SEG1_MEMSZ;
	ph(3)->p_offset = FILE_SIZE - SEG1_MEMSZ;
	assert_int_equal(check(), 0);
	/* A segment at physical address 0 is allowed. */
	ph(3)->p_paddr = 0;
	assert_int_equal(check(), 0);
	/* Program headers that end exactly at the end of the file. */
	memcpy(file + FILE_SIZE - NR_PHDRS * sizeof(Elf64_Phdr), file + eh()->e_phoff,
	       NR_PHDRS * sizeof(Elf64_Phdr));
	eh()->e_phoff = FILE_SIZE - NR_PHDRS * sizeof(Elf64_Phdr);
	ph(3)->p_filesz = SEG1_FILESZ;
	assert_int_equal(check(), 0);
	assert_int_equal(info.nr_segments, 2);
}

static void test_too_small(void **state)
{
	(void)state;
	size = sizeof(Elf64_Ehdr) - 1;
	expect_refused_value("file too small", -1, sizeof(Elf64_Ehdr) - 1);
	size = 0;
	expect_refused_value("file too small", -1, 0);
	/* A header alone is not enough: no room for the program headers. */
	size = sizeof(Elf64_Ehdr);
	expect_refused("program headers extend past the end of the file", -1);
}

static void test_bad_magic(void **state)
{
	(void)state;
	for (int i = 0; i < SELFMAG; i++) {
		build();
		file[i] ^= 0x20;
		expect_refused("not an ELF file (bad magic number)", -1);
	}
	build();
	memcpy(file, "MZ\x90\0", 4); /* a PE file */
	expect_refused("bad magic", -1);
}

static void test_bad_ident(void **state)
{
	(void)state;
	file[EI_CLASS] = ELFCLASS32;
	expect_refused_value("not a 64-bit ELF file", -1, ELFCLASS32);
	file[EI_CLASS] = ELFCLASSNONE;
	expect_refused_value("not a 64-bit ELF file", -1, ELFCLASSNONE);

	build();
	file[EI_DATA] = ELFDATA2MSB;
	expect_refused("not a little-endian ELF file", -1);

	build();
	file[EI_VERSION] = 2;
	expect_refused("unknown ELF version", -1);
	build();
	eh()->e_version = EV_NONE;
	expect_refused("unknown ELF version", -1);
}

static void test_wrong_machine(void **state)
{
	(void)state;
	eh()->e_machine = EM_386;
	expect_refused_value("not built for x86_64", -1, EM_386);
	eh()->e_machine = EM_AARCH64;
	expect_refused_value("not built for x86_64", -1, EM_AARCH64);
}

static void test_wrong_type(void **state)
{
	(void)state;
	eh()->e_type = ET_DYN;
	expect_refused_value("not an executable (ET_EXEC = 2) ELF file", -1, ET_DYN);
	eh()->e_type = ET_REL;
	expect_refused_value("not an executable", -1, ET_REL);
	eh()->e_type = ET_CORE;
	expect_refused_value("not an executable", -1, ET_CORE);
}

static void test_bad_program_headers(void **state)
{
	(void)state;
	eh()->e_phnum = 0;
	expect_refused("no program headers", -1);

	build();
	eh()->e_phentsize = 32;
	expect_refused_value("program header entry size is not 56", -1, 32);
	eh()->e_phentsize = 64; /* larger entries are not read as 56-byte ones either */
	expect_refused_value("program header entry size is not 56", -1, 64);

	build();
	eh()->e_phoff = FILE_SIZE;
	expect_refused("program headers extend past the end of the file", -1);
	eh()->e_phoff = FILE_SIZE - NR_PHDRS * sizeof(Elf64_Phdr) + 8; /* 8 bytes too far */
	expect_refused("program headers extend past the end of the file", -1);
	eh()->e_phoff = UINT64_MAX - 8; /* phoff + phnum * 56 wraps */
	expect_refused("program headers extend past the end of the file", -1);
	eh()->e_phoff = UINT64_MAX;
	expect_refused("program headers extend past the end of the file", -1);

	build();
	eh()->e_phnum = 0xffff; /* 3.5 MiB of program headers in a 20 KiB file */
	expect_refused("program headers extend past the end of the file", -1);
}

/* Program headers at an odd offset are read without misaligned accesses. */
static void test_unaligned_program_headers(void **state)
{
	uint64_t off = FILE_SIZE - NR_PHDRS * sizeof(Elf64_Phdr) - 3;

	(void)state;
	memmove(file + off, file + eh()->e_phoff, NR_PHDRS * sizeof(Elf64_Phdr));
	eh()->e_phoff = off;
	/* Change segment 1 there only: the old copy at 64 must not be read. */
	{
		Elf64_Phdr p3;

		memcpy(&p3, file + off + 3 * sizeof(Elf64_Phdr), sizeof(p3));
		p3.p_filesz = 0x100;
		memcpy(file + off + 3 * sizeof(Elf64_Phdr), &p3, sizeof(p3));
	}
	assert_int_equal(check(), 0);
	assert_int_equal(info.nr_segments, 2);
	assert_int_equal(info.seg[1].filesz, 0x100);
	assert_int_equal(info.seg[1].paddr, SEG1_PADDR);
}

static void test_no_loadable_segments(void **state)
{
	(void)state;
	ph(0)->p_type = PT_NULL;
	ph(3)->p_type = PT_GNU_STACK;
	expect_refused("no loadable (PT_LOAD) segments", -1);
	/* PT_LOADs with nothing in memory do not count. */
	build();
	ph(0)->p_memsz = 0;
	ph(0)->p_filesz = 0;
	ph(3)->p_memsz = 0;
	ph(3)->p_filesz = 0;
	expect_refused("no loadable (PT_LOAD) segments", -1);
}

static void test_filesz_beyond_memsz(void **state)
{
	(void)state;
	ph(3)->p_filesz = SEG1_MEMSZ + 1;
	ph(3)->p_offset = 0x1000; /* the data itself is in the file */
	expect_refused("file size larger than memory size", 3);
	assert_int_equal(err.has_value, 0);
	/* memsz 0 with file bytes: not an empty segment to skip. */
	build();
	ph(3)->p_memsz = 0;
	if (check() == 0) {
		/* Skipping it would also be defensible, but then it must be gone. */
		assert_int_equal(info.nr_segments, 1);
	} else {
		assert_string_equal(err.msg, "file size larger than memory size");
		assert_int_equal(err.segment, 3);
	}
}

static void test_segment_data_outside_file(void **state)
{
	(void)state;
	ph(3)->p_offset = FILE_SIZE - SEG1_FILESZ + 1;
	expect_refused("data extends past the end of the file", 3);
	ph(3)->p_offset = FILE_SIZE + 0x1000;
	expect_refused("data extends past the end of the file", 3);
	/* offset + filesz wraps around to a small number. */
	ph(3)->p_offset = UINT64_MAX - 0xff;
	expect_refused("data extends past the end of the file", 3);
	build();
	ph(0)->p_filesz = FILE_SIZE;
	ph(0)->p_memsz = FILE_SIZE;
	expect_refused("data extends past the end of the file", 0);
	/* An offset past the file is fine when no bytes come from the file. */
	build();
	ph(3)->p_offset = FILE_SIZE;
	ph(3)->p_filesz = 0;
	assert_int_equal(check(), 0);
}

static void test_above_4gib(void **state)
{
	(void)state;
	ph(3)->p_paddr = ELF_LOAD_LIMIT - SEG1_MEMSZ + 1;
	expect_refused_value("does not fit below 4 GiB", 3, ELF_LOAD_LIMIT - SEG1_MEMSZ + 1);
	ph(3)->p_paddr = ELF_LOAD_LIMIT;
	expect_refused_value("does not fit below 4 GiB", 3, ELF_LOAD_LIMIT);
	ph(3)->p_paddr = 0xffffffff80000000ULL; /* a higher-half link address */
	expect_refused_value("does not fit below 4 GiB", 3, 0xffffffff80000000ULL);
	/* paddr + memsz wraps around 2^64. */
	ph(3)->p_paddr = UINT64_MAX - 0xfff;
	expect_refused_value("does not fit below 4 GiB", 3, UINT64_MAX - 0xfff);
	ph(3)->p_paddr = 0x1000;
	ph(3)->p_memsz = UINT64_MAX - 0x800;
	expect_refused_value("does not fit below 4 GiB", 3, 0x1000);
	ph(3)->p_memsz = ELF_LOAD_LIMIT;
	expect_refused_value("does not fit below 4 GiB", 3, 0x1000);
}

static void test_overlap(void **state)
{
	(void)state;
	/* Segment 1 starts in segment 0's bss. */
	ph(3)->p_paddr = SEG0_PADDR + SEG0_MEMSZ - 1;
	expect_refused_value("overlaps an earlier segment", 3, SEG0_PADDR);
	/* Ends one byte into segment 0. */
	ph(3)->p_paddr = SEG0_PADDR - SEG1_MEMSZ + 1;
	expect_refused_value("overlaps an earlier segment", 3, SEG0_PADDR);
	/* Same start. */
	ph(3)->p_paddr = SEG0_PADDR;
	expect_refused_value("overlaps an earlier segment", 3, SEG0_PADDR);
	/* Segment 1 inside segment 0, and segment 0 inside segment 1. */
	ph(3)->p_paddr = SEG0_PADDR + 0x1000;
	expect_refused_value("overlaps an earlier segment", 3, SEG0_PADDR);
	ph(3)->p_paddr = SEG0_PADDR - 0x1000;
	ph(3)->p_memsz = SEG0_MEMSZ + 0x2000;
	expect_refused_value("overlaps an earlier segment", 3, SEG0_PADDR);
	/* The empty PT_LOAD at SEG0_PADDR is no overlap (setup() checked that). */
}

static void test_overlap_third_segment(void **state)
{
	(void)state;
	/* Turn the PT_NOTE into a third PT_LOAD, just below segment 1. */
	*ph(1) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_offset = SEG1_OFF,
			      .p_paddr = SEG1_PADDR - 0x10,
			      .p_filesz = 0x10,
			      .p_memsz = 0x10};
	assert_int_equal(check(), 0);
	assert_int_equal(info.nr_segments, 3);
	ph(1)->p_memsz = 0x11;
	expect_refused_value("overlaps an earlier segment", 3, SEG1_PADDR - 0x10);
	/* Last, it is compared with every earlier segment, not just the first. */
	ph(1)->p_memsz = 0x10;
	{
		Elf64_Phdr t = *ph(1);

		*ph(1) = *ph(3);
		*ph(3) = t;
	}
	assert_int_equal(check(), 0);
	ph(3)->p_memsz = 0x11;
	expect_refused_value("overlaps an earlier segment", 3, SEG1_PADDR);
}

static void test_too_many_segments(void **state)
{
	unsigned int n = ELF_MAX_SEGMENTS + 1;

	(void)state;
	new_file(sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr) + 0x100);
	memcpy(eh()->e_ident, ELFMAG, SELFMAG);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_phoff = sizeof(Elf64_Ehdr);
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = ELF_MAX_SEGMENTS;
	for (unsigned int i = 0; i < n; i++)
		*ph(i) = (Elf64_Phdr){
		    .p_type = PT_LOAD, .p_paddr = 0x100000 + i * 0x1000, .p_memsz = 0x1000};
	assert_int_equal(check(), 0);
	assert_int_equal(info.nr_segments, ELF_MAX_SEGMENTS);
	assert_int_equal(info.seg[ELF_MAX_SEGMENTS - 1].paddr,
			 0x100000 + (ELF_MAX_SEGMENTS - 1) * 0x1000);
	eh()->e_phnum = n;
	expect_refused("too many PT_LOAD segments (at most 16)", ELF_MAX_SEGMENTS);
	/* Non-PT_LOAD and empty headers do not count toward the limit. */
	ph(3)->p_type = PT_NOTE;
	assert_int_equal(check(), 0);
	ph(3)->p_type = PT_LOAD;
	ph(5)->p_memsz = 0;
	assert_int_equal(check(), 0);
}

/* The header is found at any 8-aligned place within the first 8 KiB. */
static void test_header_positions(void **state)
{
	uint64_t last = ELF_IMAGE_HEADER_WINDOW - sizeof(struct keel_image_header);

	(void)state;
	memset(file + SEG0_OFF + HDR_OFF, 0, sizeof(hdr));
	put_header(SEG0_OFF, 1, ENTRY); /* at the very start */
	expect_header();

	memset(file + SEG0_OFF, 0, sizeof(hdr));
	assert_int_equal(last % 8, 0);
	put_header(SEG0_OFF + last, 1, ENTRY); /* its last byte is byte 8191 */
	expect_header();
	assert_int_equal(hdr.efi_entry, ENTRY);

	/* All four magic bytes count: a near miss before it is skipped. */
	put_header(SEG0_OFF + 0x20, 1, ENTRY + 16);
	file[SEG0_OFF + 0x23] = 'X';
	expect_header();
	assert_int_equal(hdr.efi_entry, ENTRY);
	file[SEG0_OFF + 0x23] = 'L';
	file[SEG0_OFF + 0x20] = 'k';
	expect_header();
	assert_int_equal(hdr.efi_entry, ENTRY);

	/* The first of two headers wins. */
	put_header(SEG0_OFF + 0x100, 1, ENTRY + 8);
	expect_header();
	assert_int_equal(hdr.efi_entry, ENTRY + 8);
}

static void test_header_missing(void **state)
{
	(void)state;
	memset(file + SEG0_OFF + HDR_OFF, 0, sizeof(hdr));
	expect_no_header("no keel_image_header (magic \"KEEL\") in the first 8 KiB");
	/* Only in the second segment. */
	put_header(SEG1_OFF, 1, ENTRY);
	expect_no_header("no keel_image_header");
	/* Only before the first segment's data (e.g. in the ELF header's page). */
	put_header(SEG0_OFF - 0x100, 1, ENTRY);
	expect_no_header("no keel_image_header");
	/* The magic in the wrong byte order. */
	file[SEG0_OFF + 0x200] = 'L';
	file[SEG0_OFF + 0x201] = 'E';
	file[SEG0_OFF + 0x202] = 'E';
	file[SEG0_OFF + 0x203] = 'K';
	file[SEG0_OFF + 0x204] = 1;
	expect_no_header("no keel_image_header");
	/* In file order "KEEL" it is the magic: then the version is checked. */
	file[SEG0_OFF + 0x200] = 'K';
	file[SEG0_OFF + 0x203] = 'L';
	file[SEG0_OFF + 0x204] = 0;
	expect_no_header("unknown version");
}

static void test_header_unaligned(void **state)
{
	(void)state;
	memset(file + SEG0_OFF + HDR_OFF, 0, sizeof(hdr));
	put_header(SEG0_OFF + 0x44, 1, ENTRY);
	expect_no_header("no keel_image_header");
	memset(file + SEG0_OFF + 0x44, 0, sizeof(hdr));
	put_header(SEG0_OFF + 0x41, 1, ENTRY);
	expect_no_header("no keel_image_header");

	/*
	 * Alignment is of the physical address: with the segment at
	 * 0x200004, file offset 4 in it is address 0x200008.
	 */
	memset(file + SEG0_OFF + 0x41, 0, sizeof(hdr));
	ph(0)->p_paddr = ph(0)->p_vaddr = SEG0_PADDR + 4;
	put_header(SEG0_OFF + 4, 1, ENTRY);
	expect_header();
	memset(file + SEG0_OFF + 4, 0, sizeof(hdr));
	put_header(SEG0_OFF + 8, 1, ENTRY);
	expect_no_header("no keel_image_header");
}

static void test_header_beyond_window(void **state)
{
	(void)state;
	memset(file + SEG0_OFF + HDR_OFF, 0, sizeof(hdr));
	/* Straddling the 8 KiB boundary. */
	put_header(SEG0_OFF + ELF_IMAGE_HEADER_WINDOW - sizeof(hdr) + 8, 1, ENTRY);
	expect_no_header("no keel_image_header");
	/* Just past it, though still in the segment (filesz 0x3000). */
	put_header(SEG0_OFF + ELF_IMAGE_HEADER_WINDOW, 1, ENTRY);
	expect_no_header("no keel_image_header");
	put_header(SEG0_OFF + SEG0_FILESZ - sizeof(hdr), 1, ENTRY);
	expect_no_header("in the first 8 KiB of the first segment");
}

/* The search never reads beyond the first segment's file bytes. */
static void test_header_in_short_segment(void **state)
{
	(void)state;
	/* Segment 0 holds 0x60 bytes: the header at 0x40 (40 bytes) sticks out. */
	put_header(SEG0_OFF + HDR_OFF, 1, SEG0_PADDR + 0x10);
	ph(0)->p_filesz = 0x60;
	expect_no_header("no keel_image_header");
	ph(0)->p_filesz = HDR_OFF + sizeof(hdr);
	expect_header();

	/* The first segment's data ends the file: ASan checks for overreads. */
	build();
	ph(0)->p_offset = FILE_SIZE - 0x30;
	ph(0)->p_filesz = 0x30;
	ph(0)->p_memsz = 0x30;
	expect_no_header("no keel_image_header");
	put_header(FILE_SIZE - sizeof(hdr), 1, SEG0_PADDR + 0x8);
	ph(0)->p_offset = FILE_SIZE - sizeof(hdr);
	ph(0)->p_filesz = sizeof(hdr);
	ph(0)->p_memsz = sizeof(hdr);
	expect_header();
	assert_int_equal(hdr.efi_entry, SEG0_PADDR + 0x8);

	/* A first segment that is all bss. */
	build();
	ph(0)->p_filesz = 0;
	expect_no_header("no keel_image_header");
}

static void test_header_bad_version(void **state)
{
	(void)state;
	put_header(SEG0_OFF + HDR_OFF, 2, ENTRY);
	expect_no_header("keel_image_header has an unknown version");
	assert_int_equal(err.has_value, 1);
	assert_int_equal(err.value, 2);
	put_header(SEG0_OFF + HDR_OFF, 0, ENTRY);
	expect_no_header("unknown version");
	assert_int_equal(err.value, 0);
}

static void test_header_bad_entry(void **state)
{
	static const uint64_t bad[] = {
	    0,
	    SEG0_PADDR - 1,
	    SEG0_PADDR + SEG0_FILESZ,	 /* first byte of segment 0's bss */
	    SEG0_PADDR + SEG0_MEMSZ - 1, /* last byte of its bss */
	    SEG1_PADDR + SEG1_FILESZ,	 /* segment 1's bss */
	    SEG1_PADDR + SEG1_MEMSZ,
	    UINT64_MAX,
	};
	static const uint64_t good[] = {
	    SEG0_PADDR,
	    SEG0_PADDR + SEG0_FILESZ - 1,
	    SEG1_PADDR,
	    SEG1_PADDR + SEG1_FILESZ - 1,
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_header(SEG0_OFF + HDR_OFF, 1, bad[i]);
		expect_no_header("efi_entry lies outside the loaded segments");
		assert_int_equal(err.has_value, 1);
		assert_int_equal(err.value, bad[i]);
	}
	for (unsigned int i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		put_header(SEG0_OFF + HDR_OFF, 1, good[i]);
		expect_header();
		assert_int_equal(hdr.efi_entry, good[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_valid_edges, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_small, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_magic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_ident, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_machine, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_type, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_program_headers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unaligned_program_headers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_loadable_segments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_filesz_beyond_memsz, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_segment_data_outside_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_above_4gib, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlap_third_segment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_many_segments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_positions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_unaligned, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_beyond_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_in_short_segment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_bad_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header_bad_entry, setup, teardown),
	};

	return cmocka_run_group_tests_name("efi_elf", tests, NULL, NULL);
}
