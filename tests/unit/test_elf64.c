/*
 * tests/unit/test_elf64.c - the validating ELF64 reader (lib/elf64.c).
 *
 * Each test assembles a small x86_64 ET_EXEC image in a heap buffer of
 * exactly the file's size (so ASan catches any read past its end), breaks
 * one thing and checks the errno and the message.  The image:
 *   0x000 ELF header;  0x040 three program headers:
 *         PT_LOAD  file 0x1000+0x1000 -> vaddr 0xffffffff81000000,
 *                  paddr 0x1000000, memsz 0x2000
 *         PT_NOTE  file 0x200+NOTES_SIZE (align 4)
 *         PT_LOAD  file 0x2000+0x800 -> vaddr 0xffffffff81004000,
 *                  paddr 0x1004000, memsz 0x1000
 *   0x200 notes: "GNU" type 3 (desc 8 bytes), "Xen" type 6 "linux"
 *   0x300 .shstrtab;  0x400 four section headers (NULL, .shstrtab,
 *         .notes, .bss NOBITS);  0x2800 end of file.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/elf64.h"
#include "lib/errno.h"

#define FILE_SIZE  0x2800
#define NOTES_OFF  0x200
#define STRTAB_OFF 0x300
#define SHDR_OFF   0x400
#define NR_PHDRS   3
#define NR_SHDRS   4
#define VBASE	   0xffffffff81000000ULL
#define PBASE	   0x1000000ULL

static const char strtab[] = "\0.shstrtab\0.notes\0.bss";
static uint8_t *file;
static size_t size;
static size_t notes_size;
static struct elf64_image img;
static struct elf64_err err;

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)file;
}

static Elf64_Phdr *ph(unsigned int i)
{
	return (Elf64_Phdr *)(file + 0x40) + i;
}

static Elf64_Shdr *sh(unsigned int i)
{
	return (Elf64_Shdr *)(file + SHDR_OFF) + i;
}

static size_t put_note(uint8_t *p, const char *name, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1, hdr[3] = {namesz, descsz, type};
	size_t name_pad = (namesz + 3) & ~3u;

	memcpy(p, hdr, 12);
	memcpy(p + 12, name, namesz);
	memcpy(p + 12 + name_pad, desc, descsz);
	return 12 + name_pad + ((descsz + 3) & ~3u);
}

static void set_load(Elf64_Phdr *p, uint64_t off, uint64_t filesz, uint64_t va, uint64_t pa,
		     uint64_t memsz)
{
	*p = (Elf64_Phdr){.p_type = PT_LOAD,
			  .p_flags = PF_R | PF_X,
			  .p_offset = off,
			  .p_vaddr = va,
			  .p_paddr = pa,
			  .p_filesz = filesz,
			  .p_memsz = memsz,
			  .p_align = 0x1000};
}

static void set_section(unsigned int i, uint32_t name, uint32_t type, uint64_t off, uint64_t len)
{
	*sh(i) = (Elf64_Shdr){
	    .sh_name = name, .sh_type = type, .sh_offset = off, .sh_size = len, .sh_addralign = 4};
}

static int setup(void **state)
{
	(void)state;
	size = FILE_SIZE;
	file = calloc(1, size);
	memcpy(eh()->e_ident, ELFMAG, SELFMAG);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_entry = VBASE + 0x40;
	eh()->e_phoff = 0x40;
	eh()->e_shoff = SHDR_OFF;
	eh()->e_ehsize = sizeof(Elf64_Ehdr);
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = NR_PHDRS;
	eh()->e_shentsize = sizeof(Elf64_Shdr);
	eh()->e_shnum = NR_SHDRS;
	eh()->e_shstrndx = 1;
	notes_size = put_note(file + NOTES_OFF, "GNU", 3, "buildid!", 8);
	notes_size += put_note(file + NOTES_OFF + notes_size, "Xen", 6, "linux", 6);
	set_load(ph(0), 0x1000, 0x1000, VBASE, PBASE, 0x2000);
	*ph(1) = (Elf64_Phdr){
	    .p_type = PT_NOTE, .p_offset = NOTES_OFF, .p_filesz = notes_size, .p_align = 4};
	set_load(ph(2), 0x2000, 0x800, VBASE + 0x4000, PBASE + 0x4000, 0x1000);
	memcpy(file + STRTAB_OFF, strtab, sizeof(strtab));
	set_section(1, 1, SHT_STRTAB, STRTAB_OFF, sizeof(strtab));
	set_section(2, 11, SHT_NOTE, NOTES_OFF, notes_size);
	set_section(3, 18, SHT_NOBITS, 0xffffffffff000000ULL, 0x100000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(file);
	return 0;
}

static int open_file(void)
{
	return elf64_open(&img, file, size, &err);
}

/* elf64_open() fails with rc and a message containing what. */
static void expect_fail(int rc, const char *what)
{
	assert_int_equal(open_file(), rc);
	if (!strstr(err.msg, what))
		fail_msg("message '%s' lacks '%s'", err.msg, what);
}

static void test_valid(void **state)
{
	struct elf64_phdr p;
	struct elf64_shdr s;

	(void)state;
	assert_int_equal(open_file(), 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(img.ehdr.phnum, NR_PHDRS);
	assert_int_equal(img.ehdr.entry, VBASE + 0x40);
	assert_int_equal(img.virt_start, VBASE);
	assert_int_equal(img.virt_end, VBASE + 0x5000);
	assert_int_equal(img.phys_start, PBASE);
	assert_int_equal(img.phys_end, PBASE + 0x5000);
	elf64_phdr_get(&img, 2, &p);
	assert_int_equal(p.type, PT_LOAD);
	assert_int_equal(p.offset, 0x2000);
	assert_int_equal(p.memsz, 0x1000);
	assert_int_equal(elf64_find_section(&img, ".notes", &s), 0);
	assert_int_equal(s.type, SHT_NOTE);
	assert_int_equal(s.offset, NOTES_OFF);
	assert_string_equal(elf64_section_name(&img, &s), ".notes");
	assert_int_equal(elf64_find_section(&img, "__xen_guest", &s), -ENOENT);
}

static void test_notes_walk(void **state)
{
	struct elf64_note_iter it;
	struct elf64_note n;

	(void)state;
	assert_int_equal(open_file(), 0);
	elf64_note_iter_init(&it, NOTES_OFF, notes_size, 4);
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), 1);
	assert_int_equal(n.type, 3);
	assert_int_equal(n.namesz, 4);
	assert_memory_equal(n.name, "GNU", 4);
	assert_int_equal(n.descsz, 8);
	assert_memory_equal(n.desc, "buildid!", 8);
	assert_int_equal(n.offset, NOTES_OFF);
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), 1);
	assert_int_equal(n.type, 6);
	assert_string_equal((const char *)n.desc, "linux");
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), 0);
	/* The last note's padding (6 -> 8) may be cut off by the container. */
	elf64_note_iter_init(&it, NOTES_OFF, notes_size - 2, 4);
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), 1);
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), 1);
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), 0);
}

static void expect_note_fail(uint64_t len, const char *what)
{
	struct elf64_note_iter it;
	struct elf64_note n;

	assert_int_equal(open_file(), 0);
	elf64_note_iter_init(&it, NOTES_OFF, len, 4);
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), 1);
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), -EINVAL);
	if (!strstr(err.msg, what))
		fail_msg("message '%s' lacks '%s'", err.msg, what);
	/* The walk is over after an error. */
	assert_int_equal(elf64_note_next(&img, &it, &n, &err), 0);
}

static void test_notes_hostile(void **state)
{
	uint32_t *second = (uint32_t *)(file + NOTES_OFF + 24);

	(void)state;
	expect_note_fail(24 + 11, "a header needs 12");
	expect_note_fail(notes_size - 3, "run past its container");
	second[1] = 0xfffffff0; /* descsz */
	expect_note_fail(notes_size, "descsz 4294967280");
	second[1] = 6;
	second[0] = 0xffffffff; /* namesz: padding it must not wrap */
	expect_note_fail(notes_size, "namesz 4294967295");
	second[0] = 17; /* namesz fits the header but not the name */
	expect_note_fail(notes_size, "run past");
}

static void test_truncated_header(void **state)
{
	(void)state;
	size = 63;
	expect_fail(-ENOEXEC, "63 bytes");
	size = 0;
	expect_fail(-ENOEXEC, "0 bytes");
}

static void test_ident(void **state)
{
	(void)state;
	file[1] = 'e';
	expect_fail(-ENOEXEC, "bad magic");
	file[1] = 'E';
	file[EI_CLASS] = ELFCLASS32;
	expect_fail(-ENOEXEC, "32-bit");
	file[EI_CLASS] = ELFCLASS64;
	file[EI_DATA] = ELFDATA2MSB;
	expect_fail(-ENOEXEC, "not little-endian");
	file[EI_DATA] = ELFDATA2LSB;
	file[EI_VERSION] = 0;
	expect_fail(-ENOEXEC, "version 0");
}

static void test_type_and_machine(void **state)
{
	(void)state;
	eh()->e_type = ET_DYN;
	expect_fail(-ENOEXEC, "ET_DYN");
	eh()->e_type = ET_REL;
	expect_fail(-ENOEXEC, "e_type 1");
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_386;
	expect_fail(-ENOEXEC, "e_machine 3");
	eh()->e_machine = EM_AARCH64;
	expect_fail(-ENOEXEC, "not x86_64");
}

static void test_program_header_table(void **state)
{
	(void)state;
	eh()->e_phoff = UINT64_MAX - 10;
	expect_fail(-EINVAL, "program headers at e_phoff 0xfffffffffffffff5");
	eh()->e_phoff = FILE_SIZE - 2 * sizeof(Elf64_Phdr);
	expect_fail(-EINVAL, "run past the 10240-byte file");
	eh()->e_phoff = 0x40;
	eh()->e_phnum = 0xffff; /* PN_XNUM and beyond the file */
	expect_fail(-E2BIG, "e_phnum 65535");
	eh()->e_phnum = 0;
	expect_fail(-ENOEXEC, "no program headers");
	eh()->e_phnum = NR_PHDRS;
	eh()->e_phentsize = 32;
	expect_fail(-EINVAL, "e_phentsize 32");
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_ehsize = 52;
	expect_fail(-EINVAL, "e_ehsize 52");
}

static void test_section_header_table(void **state)
{
	(void)state;
	eh()->e_shoff = UINT64_MAX - 0x3f;
	expect_fail(-EINVAL, "section headers");
	eh()->e_shoff = SHDR_OFF;
	eh()->e_shnum = 0xffff;
	expect_fail(-E2BIG, "e_shnum 65535");
	eh()->e_shnum = NR_SHDRS;
	eh()->e_shstrndx = NR_SHDRS;
	expect_fail(-EINVAL, "e_shstrndx 4 >= e_shnum 4");
	eh()->e_shstrndx = 1;
	eh()->e_shentsize = 40;
	expect_fail(-EINVAL, "e_shentsize 40");
	eh()->e_shentsize = sizeof(Elf64_Shdr);
	sh(2)->sh_offset = UINT64_MAX;
	expect_fail(-EINVAL, "section 2");
	sh(2)->sh_offset = NOTES_OFF;
	sh(2)->sh_size = FILE_SIZE;
	expect_fail(-EINVAL, "section 2: file range 0x200+0x2800");
	/* No section headers at all is fine. */
	eh()->e_shnum = 0;
	eh()->e_shoff = UINT64_MAX;
	assert_int_equal(open_file(), 0);
}

static void test_section_names(void **state)
{
	struct elf64_shdr s;

	(void)state;
	sh(2)->sh_name = sizeof(strtab); /* just past the table */
	assert_int_equal(open_file(), 0);
	elf64_shdr_get(&img, 2, &s);
	assert_null(elf64_section_name(&img, &s));
	assert_int_equal(elf64_find_section(&img, ".notes", &s), -ENOENT);
	/* A table whose last name is cut off before its NUL. */
	sh(1)->sh_size = sizeof(strtab) - 1;
	sh(3)->sh_name = 18;
	assert_int_equal(open_file(), 0);
	elf64_shdr_get(&img, 3, &s);
	assert_null(elf64_section_name(&img, &s));
	/* A string table of type SHT_NULL has no checked contents: no names. */
	sh(1)->sh_type = SHT_NULL;
	sh(1)->sh_offset = UINT64_MAX - 4;
	assert_int_equal(open_file(), 0);
	elf64_shdr_get(&img, 2, &s);
	assert_null(elf64_section_name(&img, &s));
	/* No string table. */
	eh()->e_shstrndx = 0;
	assert_int_equal(open_file(), 0);
	assert_null(elf64_section_name(&img, &s));
}

static void test_segment_ranges(void **state)
{
	(void)state;
	ph(0)->p_memsz = 0x800;
	expect_fail(-EINVAL, "phdr 0: p_filesz 0x1000 > p_memsz 0x800");
	ph(0)->p_memsz = 0x2000;
	ph(0)->p_offset = UINT64_MAX - 0xfff;
	expect_fail(-EINVAL, "phdr 0: file range");
	ph(0)->p_offset = 0x1000;
	ph(1)->p_filesz = FILE_SIZE;
	expect_fail(-EINVAL, "phdr 1: file range 0x200+0x2800");
	ph(1)->p_filesz = notes_size;
	ph(2)->p_vaddr = UINT64_MAX - 0x7ff;
	expect_fail(-EINVAL, "phdr 2: p_vaddr 0xfffffffffffff800 + p_memsz 0x1000 wraps");
	ph(2)->p_vaddr = VBASE + 0x4000;
	ph(2)->p_paddr = UINT64_MAX;
	expect_fail(-EINVAL, "p_paddr 0xffffffffffffffff + p_memsz 0x1000 wraps");
}

static void test_overlap(void **state)
{
	(void)state;
	ph(2)->p_vaddr = VBASE + 0x1fff;
	expect_fail(-EINVAL, "phdr 0 and phdr 2 overlap in virtual memory");
	ph(2)->p_vaddr = VBASE - 0x1000 + 1;
	expect_fail(-EINVAL, "overlap in virtual memory");
	ph(2)->p_vaddr = VBASE + 0x2000; /* adjacent is fine */
	assert_int_equal(open_file(), 0);
	ph(2)->p_paddr = PBASE + 0x1000;
	expect_fail(-EINVAL, "phdr 0 and phdr 2 overlap in physical memory");
	/* An empty PT_LOAD overlaps nothing and extends nothing. */
	ph(2)->p_paddr = PBASE;
	ph(2)->p_vaddr = VBASE;
	ph(2)->p_memsz = ph(2)->p_filesz = 0;
	assert_int_equal(open_file(), 0);
	assert_int_equal(img.virt_end, VBASE + 0x2000);
}

static void test_no_load(void **state)
{
	(void)state;
	ph(0)->p_type = PT_NULL;
	ph(2)->p_memsz = ph(2)->p_filesz = 0;
	expect_fail(-ENOEXEC, "no non-empty PT_LOAD");
}

/* Every truncation of a valid image is refused without a stray read. */
static void test_every_truncation(void **state)
{
	uint8_t *copy;

	(void)state;
	for (size_t n = 0; n < FILE_SIZE; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, file, n);
		assert_int_not_equal(elf64_open(&img, copy, n, &err), 0);
		assert_true(err.msg[0] != '\0');
		free(copy);
	}
}

static void test_read_le(void **state)
{
	static const uint8_t b[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88};

	(void)state;
	assert_int_equal(elf64_read_le(b, 1), 0x01);
	assert_int_equal(elf64_read_le(b, 2), 0x0201);
	assert_int_equal(elf64_read_le(b, 4), 0x04030201);
	assert_int_equal(elf64_read_le(b, 8), 0x8807060504030201ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notes_walk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notes_hostile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_header, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ident, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_type_and_machine, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_program_header_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_section_header_table, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_section_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_segment_ranges, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overlap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_load, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_truncation, setup, teardown),
	    cmocka_unit_test(test_read_le),
	};

	return cmocka_run_group_tests_name("elf64", tests, NULL, NULL);
}
