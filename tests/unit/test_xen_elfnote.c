/*
 * tests/unit/test_xen_elfnote.c - the Xen ELF notes, the legacy __xen_guest
 * string and the refusals (lib/xen_elfnote.c).
 *
 * Each test describes an image (the notes, where they live, the legacy
 * string, the PT_LOAD addresses), build() lays it out in a heap buffer of
 * exactly the file's size (ASan catches stray reads) and parse() runs
 * elf64_open() and xen_kernel_parse() on it.  The image:
 *   0x000 ELF header; 0x040 program headers (PT_LOAD, then PT_NOTE if the
 *   notes are in a segment); 0x200 the notes; 0x600 the __xen_guest string;
 *   0x800 .shstrtab; 0x900 section headers (NULL, .shstrtab, and .notes /
 *   __xen_guest when present); 0x1000 the PT_LOAD's 0x2000 file bytes,
 *   memsz 0x3000.
 *
 * Set KEEL_PV_KERNEL=/path/to/vmlinux to also parse and check a real PV
 * kernel (an uncompressed ELF: Debian's /boot/vmlinuz-* is a bzImage).
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/elf64.h"
#include "lib/errno.h"
#include "lib/xen_elfnote.h"

#define NOTES_OFF  0x200
#define NOTES_MAX  0x400
#define LEGACY_OFF 0x600
#define STRTAB_OFF 0x800
#define SHDR_OFF   0x900
#define LOAD_OFF   0x1000
#define FILE_SIZE  0x3000

/* A Linux-like x86_64 PV kernel: linked at 0xffffffff81000000, loaded at 16 MiB. */
#define LINUX_VIRT_BASE 0xffffffff80000000ULL
#define KSTART		0xffffffff81000000ULL
#define PSTART		0x1000000ULL
#define KEND		(KSTART + 0x3000)
#define ENTRY		(KSTART + 0x40)
#define HYPERCALL_PAGE	(KSTART + 0x1000)

#define F(x) (1U << XENFEAT_##x)
static const struct xen_kernel_caps keel_caps = {
    .features = F(writable_page_tables) | F(pae_pgdir_above_4gb) | F(mmu_pt_update_preserve_ad) |
		F(gnttab_map_avail_bits) | F(dom0),
};

static const char strtab[] = "\0.shstrtab\0.notes\0__xen_guest";

static struct {
	uint8_t notes[NOTES_MAX];
	size_t notes_size;
	bool notes_in_phdr, notes_in_shdr;
	uint64_t notes_align;
	const char *legacy;
	uint64_t vaddr, paddr, e_entry;
} spec;

static uint8_t *file;
static struct elf64_image img;
static struct xen_kernel_info info;
static struct elf64_err err;

static void add_raw_note(const char *name, uint32_t namesz, uint32_t type, const void *desc,
			 uint32_t descsz)
{
	uint32_t hdr[3] = {namesz, descsz, type};
	uint8_t *note = spec.notes + spec.notes_size, *p;
	size_t pad = spec.notes_align - 1;

	/*
	 * Offsets from the note's start are aligned to the container's
	 * alignment: with 8, "Xen\0" needs no padding (12 + 4 = 16), as in
	 * GRUB's x86_64-xen image.
	 */
	assert_true(spec.notes_size + 12 + namesz + descsz + 2 * pad <= NOTES_MAX);
	memcpy(note, hdr, 12);
	memcpy(note + 12, name, namesz);
	p = note + ((12 + namesz + pad) & ~pad);
	memcpy(p, desc, descsz);
	spec.notes_size += ((size_t)(p - note) + descsz + pad) & ~pad;
}

static void note_num(uint32_t type, uint64_t v, uint32_t size)
{
	add_raw_note("Xen", 4, type, &v, size);
}

static void note_str(uint32_t type, const char *s)
{
	add_raw_note("Xen", 4, type, s, (uint32_t)strlen(s) + 1);
}

/* The notes a current Linux PV kernel carries (values of our own). */
static void linux_notes(void)
{
	static const uint64_t l1_mfn_valid[2] = {1, 1};

	add_raw_note("GNU", 4, 3, "buildid!", 8);
	note_str(XEN_ELFNOTE_GUEST_OS, "linux");
	note_str(XEN_ELFNOTE_GUEST_VERSION, "2.6");
	note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_num(XEN_ELFNOTE_VIRT_BASE, LINUX_VIRT_BASE, 8);
	note_num(XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
	note_num(XEN_ELFNOTE_ENTRY, ENTRY, 8);
	note_num(XEN_ELFNOTE_HYPERCALL_PAGE, HYPERCALL_PAGE, 8);
	note_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
	note_num(XEN_ELFNOTE_SUPPORTED_FEATURES, F(writable_page_tables) | F(dom0), 4);
	note_str(XEN_ELFNOTE_PAE_MODE, "yes");
	add_raw_note("Xen", 4, XEN_ELFNOTE_L1_MFN_VALID, l1_mfn_valid, 16);
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_num(XEN_ELFNOTE_SUSPEND_CANCEL, 1, 4);
	note_num(XEN_ELFNOTE_MOD_START_PFN, 1, 4);
	note_num(XEN_ELFNOTE_INIT_P2M, 0x8000000000ULL, 8);
	note_num(XEN_ELFNOTE_HV_START_LOW, 0xffff800000000000ULL, 8);
	note_num(XEN_ELFNOTE_PHYS32_ENTRY, PSTART + 0x80, 4);
}

static void put_section(unsigned int i, uint32_t name, uint32_t type, uint64_t off, uint64_t len)
{
	Elf64_Shdr *s = (Elf64_Shdr *)(file + SHDR_OFF) + i;

	*s = (Elf64_Shdr){.sh_name = name,
			  .sh_type = type,
			  .sh_offset = off,
			  .sh_size = len,
			  .sh_addralign = spec.notes_align};
}

static void build_headers(unsigned int *nr_ph, unsigned int *nr_sh)
{
	Elf64_Phdr *ph = (Elf64_Phdr *)(file + 0x40);

	ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
			     .p_offset = LOAD_OFF,
			     .p_vaddr = spec.vaddr,
			     .p_paddr = spec.paddr,
			     .p_filesz = 0x2000,
			     .p_memsz = 0x3000};
	*nr_ph = 1;
	if (spec.notes_in_phdr)
		ph[(*nr_ph)++] = (Elf64_Phdr){.p_type = PT_NOTE,
					      .p_offset = NOTES_OFF,
					      .p_filesz = spec.notes_size,
					      .p_align = spec.notes_align};
	memcpy(file + STRTAB_OFF, strtab, sizeof(strtab));
	put_section(1, 1, SHT_STRTAB, STRTAB_OFF, sizeof(strtab));
	*nr_sh = 2;
	if (spec.notes_in_shdr)
		put_section((*nr_sh)++, 11, SHT_NOTE, NOTES_OFF, spec.notes_size);
	if (spec.legacy) {
		strcpy((char *)file + LEGACY_OFF, spec.legacy);
		put_section((*nr_sh)++, 18, SHT_PROGBITS, LEGACY_OFF, strlen(spec.legacy) + 1);
	}
}

static void build(void)
{
	Elf64_Ehdr *eh;
	unsigned int nr_ph, nr_sh;

	free(file);
	file = calloc(1, FILE_SIZE);
	eh = (Elf64_Ehdr *)file;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = spec.e_entry;
	memcpy(file + NOTES_OFF, spec.notes, spec.notes_size);
	build_headers(&nr_ph, &nr_sh);
	eh->e_phoff = 0x40;
	eh->e_shoff = SHDR_OFF;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)nr_ph;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = (uint16_t)nr_sh;
	eh->e_shstrndx = 1;
}

static int parse(void)
{
	build();
	assert_int_equal(elf64_open(&img, file, FILE_SIZE, &err), 0);
	return xen_kernel_parse(&img, &info, &err);
}

static int check(void)
{
	assert_int_equal(parse(), 0);
	return xen_kernel_check(&info, &keel_caps, &err);
}

static void expect_msg(const char *what)
{
	if (!strstr(err.msg, what))
		fail_msg("message '%s' lacks '%s'", err.msg, what);
}

static void assert_str(struct xen_elf_str v, const char *s)
{
	assert_non_null(v.s);
	assert_int_equal(v.len, strlen(s));
	assert_memory_equal(v.s, s, v.len);
}

static int setup(void **state)
{
	(void)state;
	memset(&spec, 0, sizeof(spec));
	spec.notes_in_phdr = spec.notes_in_shdr = true;
	spec.notes_align = 4;
	spec.vaddr = KSTART;
	spec.paddr = PSTART;
	spec.e_entry = PSTART + 0x800; /* inside the kernel when VIRT_BASE is 0 */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(file);
	file = NULL;
	return 0;
}

static void test_linux_notes(void **state)
{
	(void)state;
	linux_notes();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.source, XEN_KERNEL_NOTES_PHDR);
	assert_str(info.guest_os, "linux");
	assert_str(info.guest_version, "2.6");
	assert_str(info.xen_version, "xen-3.0");
	assert_str(info.loader, "generic");
	assert_str(info.pae_mode, "yes");
	assert_int_equal(info.virt_base, LINUX_VIRT_BASE);
	assert_int_equal(info.paddr_offset, 0);
	assert_int_equal(info.entry, ENTRY);
	assert_int_equal(info.hypercall_page, HYPERCALL_PAGE);
	assert_true(xen_kernel_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE));
	assert_int_equal(info.features_required, F(writable_page_tables));
	assert_int_equal(info.features_supported,
			 F(writable_page_tables) | F(pae_pgdir_above_4gb) | F(dom0));
	assert_null(info.unknown_required.s);
	assert_int_equal(info.nr_l1_mfn_valid, 1);
	assert_int_equal(info.l1_mfn_valid[0][0], 1);
	assert_int_equal(info.l1_mfn_valid[0][1], 1);
	assert_int_equal(info.suspend_cancel, 1);
	assert_int_equal(info.mod_start_pfn, 1);
	assert_int_equal(info.init_p2m, 0x8000000000ULL);
	assert_int_equal(info.hv_start_low, 0xffff800000000000ULL);
	assert_int_equal(info.phys32_entry, PSTART + 0x80);
	assert_false(info.wants_bsd_symtab);
	assert_int_equal(info.virt_kstart, KSTART);
	assert_int_equal(info.virt_kend, KEND);
	assert_int_equal(info.present, 0x7f7fe); /* every type 1..18 but BSD_SYMTAB */
	assert_int_equal(xen_kernel_check(&info, &keel_caps, &err), 0);
	assert_string_equal(err.msg, "");
}

static void test_defaults(void **state)
{
	(void)state;
	spec.vaddr = spec.paddr = 0x400000;
	spec.e_entry = 0x400100;
	note_str(XEN_ELFNOTE_GUEST_OS, "Mini-OS");
	note_str(XEN_ELFNOTE_LOADER, "generic");
	assert_int_equal(check(), 0);
	assert_int_equal(info.virt_base, 0);
	assert_int_equal(info.paddr_offset, 0);
	assert_int_equal(info.entry, 0x400100); /* e_entry */
	assert_false(xen_kernel_has(&info, XEN_ELFNOTE_ENTRY));
	assert_false(xen_kernel_has(&info, XEN_ELFNOTE_HYPERCALL_PAGE));
	assert_int_equal(info.suspend_cancel, 0);
	assert_int_equal(info.features_supported, 0);
	assert_int_equal(info.virt_kstart, 0x400000);
	assert_int_equal(info.virt_kend, 0x403000);
}

static void test_paddr_offset(void **state)
{
	(void)state;
	/* Old kernels wrote the virtual address into p_paddr. */
	spec.paddr = KSTART;
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_num(XEN_ELFNOTE_VIRT_BASE, LINUX_VIRT_BASE, 8);
	note_num(XEN_ELFNOTE_PADDR_OFFSET, LINUX_VIRT_BASE, 8);
	note_num(XEN_ELFNOTE_ENTRY, ENTRY, 8);
	assert_int_equal(check(), 0);
	assert_int_equal(info.virt_kstart, KSTART);
	assert_int_equal(info.virt_kend, KEND);
}

static void test_numeric_sizes(void **state)
{
	(void)state;
	note_num(XEN_ELFNOTE_SUSPEND_CANCEL, 0xab, 1);
	note_num(XEN_ELFNOTE_MOD_START_PFN, 0x1234, 2);
	note_num(XEN_ELFNOTE_HV_START_LOW, 0xffffffff12345678ULL, 4);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.suspend_cancel, 0xab);
	assert_int_equal(info.mod_start_pfn, 0x1234);
	assert_int_equal(info.hv_start_low, 0x12345678);
	setup(NULL);
	note_num(XEN_ELFNOTE_ENTRY, ENTRY, 3);
	assert_int_equal(parse(), -EINVAL);
	expect_msg("Xen note ENTRY at offset 0x200: descsz 3");
	setup(NULL);
	note_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 0, 0);
	assert_int_equal(parse(), -EINVAL);
	expect_msg("SUPPORTED_FEATURES");
}

static void test_later_note_wins_and_unknown_skipped(void **state)
{
	(void)state;
	note_num(XEN_ELFNOTE_ENTRY, ENTRY, 8);
	note_num(XEN_ELFNOTE_ENTRY, ENTRY + 4, 8);
	note_num(XEN_ELFNOTE_MAX + 1, 0, 3); /* unknown type: not even its size matters */
	note_num(XEN_ELFNOTE_CRASH_INFO, 0, 3);
	note_str(XEN_ELFNOTE_INFO, "FOO=bar");
	add_raw_note("Xenx", 5, XEN_ELFNOTE_ENTRY, "\1\2\3", 3); /* not "Xen" */
	assert_int_equal(parse(), 0);
	assert_int_equal(info.entry, ENTRY + 4);
	assert_int_equal(info.present, 1U << XEN_ELFNOTE_ENTRY);
}

static void test_section_notes(void **state)
{
	(void)state;
	linux_notes();
	spec.notes_in_phdr = false;
	assert_int_equal(parse(), 0);
	assert_int_equal(info.source, XEN_KERNEL_NOTES_SHDR);
	assert_int_equal(info.entry, ENTRY);
	assert_int_equal(check(), 0);
}

static void test_eight_byte_aligned_notes(void **state)
{
	(void)state;
	spec.notes_align = 8;
	note_str(XEN_ELFNOTE_GUEST_OS, "linux"); /* desc 6 -> padded to 8 */
	note_num(XEN_ELFNOTE_VIRT_BASE, LINUX_VIRT_BASE, 8);
	note_num(XEN_ELFNOTE_ENTRY, ENTRY, 8);
	assert_int_equal(check(), 0);
	assert_int_equal(info.entry, ENTRY);
	assert_str(info.guest_os, "linux");
}

static const char legacy_linux[] =
    "GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,"
    "ELF_PADDR_OFFSET=0x0,VIRT_ENTRY=0xffffffff81000040,HYPERCALL_PAGE=0x1001,"
    "LOADER=generic,FEATURES=writable_page_tables|!pae_pgdir_above_4gb,"
    "PAE=yes[extended-cr3],SOMETHING_NEW=1";

static void test_legacy(void **state)
{
	(void)state;
	spec.notes_in_phdr = spec.notes_in_shdr = false;
	spec.legacy = legacy_linux;
	assert_int_equal(check(), 0);
	assert_int_equal(info.source, XEN_KERNEL_LEGACY);
	assert_str(info.guest_os, "linux");
	assert_str(info.guest_version, "2.6");
	assert_str(info.xen_version, "xen-3.0");
	assert_str(info.loader, "generic");
	assert_str(info.pae_mode, "yes[extended-cr3]");
	assert_str(info.features, "writable_page_tables|!pae_pgdir_above_4gb");
	assert_int_equal(info.virt_base, LINUX_VIRT_BASE);
	assert_int_equal(info.paddr_offset, 0);
	assert_int_equal(info.entry, ENTRY);
	/* A page number counted from VIRT_BASE. */
	assert_int_equal(info.hypercall_page, HYPERCALL_PAGE);
	assert_int_equal(info.features_required, F(pae_pgdir_above_4gb));
	assert_int_equal(info.features_supported, F(writable_page_tables) | F(pae_pgdir_above_4gb));
	assert_false(info.wants_bsd_symtab);
	assert_int_equal(info.virt_kstart, KSTART);
}

static void test_legacy_defaults(void **state)
{
	(void)state;
	/* ELF_PADDR_OFFSET defaults to VIRT_BASE; BSD_SYMTAB is a bare flag. */
	spec.notes_in_phdr = spec.notes_in_shdr = false;
	spec.paddr = KSTART;
	spec.e_entry = KSTART + 0x800;
	spec.legacy = "GUEST_OS=linux,VIRT_BASE=0xffffffff80000000,BSD_SYMTAB,LOADER=generic";
	assert_int_equal(parse(), 0);
	assert_int_equal(info.paddr_offset, LINUX_VIRT_BASE);
	assert_int_equal(info.virt_kstart, KSTART);
	assert_int_equal(info.entry, KSTART + 0x800);
	assert_true(info.wants_bsd_symtab);
	assert_int_equal(xen_kernel_check(&info, &keel_caps, &err), -EOPNOTSUPP);
	expect_msg("BSD_SYMTAB");
	struct xen_kernel_caps caps = keel_caps;
	caps.bsd_symtab = true;
	assert_int_equal(xen_kernel_check(&info, &caps, &err), 0);
}

static void test_legacy_numbers(void **state)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t base;
		const char *msg;
	} cases[] = {
	    {"VIRT_BASE=0x10", 0, 0x10, ""},
	    {"VIRT_BASE=010", 0, 8, ""},
	    {"VIRT_BASE=10", 0, 10, ""},
	    {"VIRT_BASE=0", 0, 0, ""},
	    {"VIRT_BASE=0xffffffffffffffff", -ERANGE, 0, "passes 2^64"},
	    {"VIRT_BASE=0x10000000000000000", -ERANGE, 0, "is not a 64-bit number"},
	    {"VIRT_BASE=18446744073709551616", -ERANGE, 0, "is not a 64-bit number"},
	    {"VIRT_BASE=0x", -EINVAL, 0, "VIRT_BASE=0x is not a number"},
	    {"VIRT_BASE=", -EINVAL, 0, "VIRT_BASE= is not"},
	    {"VIRT_BASE", -EINVAL, 0, "is not a number"},
	    {"VIRT_BASE=08", -EINVAL, 0, "is not a number"},
	    {"VIRT_BASE=12z", -EINVAL, 0, "is not a number"},
	    {"VIRT_BASE=-1", -EINVAL, 0, "is not a number"},
	};

	(void)state;
	spec.notes_in_phdr = spec.notes_in_shdr = false;
	spec.paddr = 0x7ff000000000ULL;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char s[96];
		int rc;

		snprintf(s, sizeof(s), "%s,ELF_PADDR_OFFSET=0", cases[i].s);
		spec.legacy = s;
		rc = parse();
		if (rc != cases[i].rc)
			fail_msg("'%s': %d, expected %d (%s)", s, rc, cases[i].rc, err.msg);
		if (rc == 0)
			assert_int_equal(info.virt_base, cases[i].base);
		expect_msg(cases[i].msg);
	}
	/* A HYPERCALL_PAGE page number whose address passes 2^64. */
	spec.legacy = "VIRT_BASE=0xffffffff80000000,HYPERCALL_PAGE=0x80000";
	assert_int_equal(parse(), -ERANGE);
	expect_msg("HYPERCALL_PAGE 0x80000 pages above VIRT_BASE");
}

static void test_notes_win_over_legacy(void **state)
{
	(void)state;
	note_str(XEN_ELFNOTE_GUEST_OS, "linux");
	spec.legacy = "GUEST_OS=other";
	assert_int_equal(parse(), 0);
	assert_int_equal(info.source, XEN_KERNEL_NOTES_PHDR);
	assert_str(info.guest_os, "linux");
}

static void test_not_a_pv_kernel(void **state)
{
	(void)state;
	add_raw_note("GNU", 4, 3, "buildid!", 8);
	assert_int_equal(parse(), -ENOEXEC);
	expect_msg("not a Xen PV kernel");
	spec.notes_size = 0;
	spec.notes_in_phdr = spec.notes_in_shdr = false;
	assert_int_equal(parse(), -ENOEXEC);
	/* A __xen_guest header of type SHT_NULL or SHT_NOBITS has no string. */
	spec.legacy = "GUEST_OS=linux,LOADER=generic";
	build();
	((Elf64_Shdr *)(file + SHDR_OFF))[2].sh_type = SHT_NULL;
	((Elf64_Shdr *)(file + SHDR_OFF))[2].sh_offset = UINT64_MAX;
	assert_int_equal(elf64_open(&img, file, FILE_SIZE, &err), 0);
	assert_int_equal(xen_kernel_parse(&img, &info, &err), -ENOEXEC);
	((Elf64_Shdr *)(file + SHDR_OFF))[2].sh_type = SHT_NOBITS;
	assert_int_equal(elf64_open(&img, file, FILE_SIZE, &err), 0);
	assert_int_equal(xen_kernel_parse(&img, &info, &err), -ENOEXEC);
}

static void test_hostile_notes(void **state)
{
	uint32_t *hdr;

	(void)state;
	note_str(XEN_ELFNOTE_GUEST_OS, "linux");
	/* No NUL within descsz: the string is descsz bytes (Linux's FEATURES is so). */
	add_raw_note("Xen", 4, XEN_ELFNOTE_LOADER, "generic", 7);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.loader.len, 7);
	assert_memory_equal(info.loader.s, "generic", 7);
	setup(NULL);
	add_raw_note("Xen", 4, XEN_ELFNOTE_FEATURES, "!writable_page_tables", 21);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.features.len, 21);
	setup(NULL);
	add_raw_note("Xen", 4, XEN_ELFNOTE_GUEST_OS, "", 0);
	assert_int_equal(parse(), -EINVAL);
	expect_msg("Xen note GUEST_OS at offset 0x200: empty (descsz 0)");
	/* descsz running past the segment. */
	setup(NULL);
	note_num(XEN_ELFNOTE_ENTRY, ENTRY, 8);
	hdr = (uint32_t *)spec.notes;
	hdr[1] = 0x100;
	assert_int_equal(parse(), -EINVAL);
	expect_msg("note at offset 0x200: namesz 4 + descsz 256 run past its container");
	hdr[1] = 0xffffffff;
	assert_int_equal(parse(), -EINVAL);
	hdr[1] = 8;
	hdr[0] = 0xfffffffd; /* namesz */
	assert_int_equal(parse(), -EINVAL);
	expect_msg("namesz 4294967293");
	/* A segment too short for a note header. */
	hdr[0] = 4;
	spec.notes_size = 7;
	assert_int_equal(parse(), -EINVAL);
	expect_msg("a header needs 12");
}

static void test_l1_mfn_valid(void **state)
{
	uint64_t pairs[10] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};

	(void)state;
	add_raw_note("Xen", 4, XEN_ELFNOTE_L1_MFN_VALID, pairs, 64);
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nr_l1_mfn_valid, 4);
	assert_int_equal(info.l1_mfn_valid[3][1], 4);
	setup(NULL);
	add_raw_note("Xen", 4, XEN_ELFNOTE_L1_MFN_VALID, pairs, 80);
	assert_int_equal(parse(), -EINVAL);
	expect_msg("L1_MFN_VALID");
	setup(NULL);
	add_raw_note("Xen", 4, XEN_ELFNOTE_L1_MFN_VALID, pairs, 12);
	assert_int_equal(parse(), -EINVAL);
}

static void test_extent_ranges(void **state)
{
	(void)state;
	note_num(XEN_ELFNOTE_PADDR_OFFSET, PSTART + 1, 8);
	assert_int_equal(parse(), -ERANGE);
	expect_msg("PADDR_OFFSET 0x1000001 is above the lowest segment p_paddr 0x1000000");
	setup(NULL);
	note_num(XEN_ELFNOTE_VIRT_BASE, 0xfffffffffeffe000ULL, 8); /* + 16 MiB + 12 KiB wraps */
	assert_int_equal(parse(), -ERANGE);
	expect_msg("passes 2^64");
}

static void test_refuse_kind(void **state)
{
	(void)state;
	/* A PVH-only kernel: PHYS32_ENTRY and no ENTRY. */
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_num(XEN_ELFNOTE_PHYS32_ENTRY, PSTART, 4);
	assert_int_equal(check(), -ENOEXEC);
	expect_msg("PHYS32_ENTRY (PVH)");
	setup(NULL);
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_str(XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
	assert_int_equal(check(), -EOPNOTSUPP);
	expect_msg("XEN_VERSION 'xen-2.0'");
	setup(NULL);
	note_str(XEN_ELFNOTE_LOADER, "netbsd");
	assert_int_equal(check(), -EOPNOTSUPP);
	expect_msg("LOADER 'netbsd'");
	setup(NULL);
	note_str(XEN_ELFNOTE_LOADER, "generic-ish");
	assert_int_equal(check(), -EOPNOTSUPP);
	/* No LOADER: accepted for Linux, as Xen does, refused otherwise. */
	setup(NULL);
	note_str(XEN_ELFNOTE_GUEST_OS, "linux");
	assert_int_equal(check(), 0);
	setup(NULL);
	note_str(XEN_ELFNOTE_GUEST_OS, "Mini-OS");
	assert_int_equal(check(), -EOPNOTSUPP);
	expect_msg("no LOADER");
}

static void test_refuse_features(void **state)
{
	(void)state;
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_str(XEN_ELFNOTE_FEATURES, "writable_page_tables||frobnicate|!teleport|!bogus");
	assert_int_equal(check(), -EOPNOTSUPP);
	expect_msg("FEATURES requires 'teleport', which Keel does not know");
	assert_int_equal(info.features_supported, F(writable_page_tables));
	setup(NULL);
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_str(XEN_ELFNOTE_FEATURES, "!pae_pgdir_above_4gb|!auto_translated_physmap|"
				       "!supervisor_mode_kernel");
	assert_int_equal(check(), -EOPNOTSUPP);
	expect_msg("FEATURES requires 'auto_translated_physmap', which Keel does not provide");
	/*
	 * Linux requires writable_page_tables: the emulation of its writes to
	 * page tables, which every PV domain has even though XENVER_get_features
	 * (the caps here) does not report the bit to a PV guest.
	 */
	setup(NULL);
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables");
	assert_int_equal(parse(), 0);
	assert_int_equal(xen_kernel_check(&info, &(struct xen_kernel_caps){.features = 0}, &err), 0);
	/* A bare '!' names nothing Keel knows. */
	setup(NULL);
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_str(XEN_ELFNOTE_FEATURES, "!");
	assert_int_equal(check(), -EOPNOTSUPP);
	/* BSD_SYMTAB "yes" needs the capability; "no" does not. */
	setup(NULL);
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_str(XEN_ELFNOTE_BSD_SYMTAB, "yes");
	assert_int_equal(check(), -EOPNOTSUPP);
	setup(NULL);
	note_str(XEN_ELFNOTE_LOADER, "generic");
	note_str(XEN_ELFNOTE_BSD_SYMTAB, "no");
	assert_int_equal(check(), 0);
}

/* A Linux-like kernel with one address note replaced. */
static void linux_with(uint32_t type, uint64_t v)
{
	setup(NULL);
	linux_notes();
	note_num(type, v, 8);
}

static void test_refuse_addresses(void **state)
{
	(void)state;
	linux_with(XEN_ELFNOTE_ENTRY, KEND);
	assert_int_equal(check(), -ERANGE);
	expect_msg("entry point 0xffffffff81003000 is outside the kernel "
		   "0xffffffff81000000-0xffffffff81003000");
	linux_with(XEN_ELFNOTE_ENTRY, KSTART - 1);
	assert_int_equal(check(), -ERANGE);
	linux_with(XEN_ELFNOTE_ENTRY, KEND - 1);
	assert_int_equal(check(), 0);
	linux_with(XEN_ELFNOTE_HYPERCALL_PAGE, KEND);
	assert_int_equal(check(), -ERANGE);
	expect_msg("HYPERCALL_PAGE 0xffffffff81003000 is outside");
	linux_with(XEN_ELFNOTE_HYPERCALL_PAGE, KSTART + 0x2000);
	assert_int_equal(check(), 0);
	linux_with(XEN_ELFNOTE_HYPERCALL_PAGE, KSTART + 0x800);
	assert_int_equal(check(), -EINVAL);
	expect_msg("not page-aligned");
	linux_with(XEN_ELFNOTE_INIT_P2M, 0x8000000800ULL);
	assert_int_equal(check(), -EINVAL);
	linux_with(XEN_ELFNOTE_INIT_P2M, 0xffff800000000000ULL);
	assert_int_equal(check(), -ERANGE);
	expect_msg("INIT_P2M 0xffff800000000000");
	linux_with(XEN_ELFNOTE_INIT_P2M, 0x0000800000000000ULL);
	assert_int_equal(check(), -ERANGE);
	linux_with(XEN_ELFNOTE_INIT_P2M, KSTART);
	assert_int_equal(check(), -ERANGE);
}

/* VIRT_BASE / PADDR_OFFSET that put the kernel in Keel's hole or off the canonical map. */
static void test_refuse_hypervisor_range(void **state)
{
	static const struct {
		uint64_t virt_base;
		int rc;
	} cases[] = {
	    {0xffff800000000000ULL, -ERANGE}, /* kernel inside the hole */
	    {0xffff87fffefff000ULL, -ERANGE}, /* straddles the hole's end */
	    {0xffff880000000000ULL, 0},	      /* first slot after the hole */
	    {0x00007ffffeffd000ULL, 0},	      /* ends at the top of the low half */
	    {0x00007ffffeffe000ULL, -ERANGE}, /* crosses into the non-canonical gap */
	    {0x0000800000000000ULL, -ERANGE}, /* non-canonical */
	    {0xffff7fffff000000ULL, -ERANGE}, /* non-canonical, runs into the hole */
	    {0xffffffffff000000ULL, -ERANGE}, /* passes 2^64 (refused by parse) */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		note_str(XEN_ELFNOTE_LOADER, "generic");
		note_num(XEN_ELFNOTE_VIRT_BASE, cases[i].virt_base, 8);
		spec.e_entry = cases[i].virt_base + PSTART;
		int rc = parse();
		if (!rc)
			rc = xen_kernel_check(&info, &keel_caps, &err);
		if (rc != cases[i].rc)
			fail_msg("VIRT_BASE %#llx: %d, expected %d (%s)",
				 (unsigned long long)cases[i].virt_base, rc, cases[i].rc, err.msg);
	}
	expect_msg("passes 2^64");
}

/* A real PV kernel, when one is given (KEEL_PV_KERNEL=/path/to/vmlinux). */
static void test_real_kernel(void **state)
{
	const char *path = getenv("KEEL_PV_KERNEL");
	struct xen_kernel_caps caps = keel_caps;
	FILE *f;
	long len;
	uint8_t *buf;

	(void)state;
	if (!path || !*path)
		skip();
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	if (elf64_open(&img, buf, (size_t)len, &err) || xen_kernel_parse(&img, &info, &err))
		fail_msg("%s: %s", path, err.msg);
	caps.features = ~0U;
	if (xen_kernel_check(&info, &caps, &err))
		fail_msg("%s: %s", path, err.msg);
	printf("%s: entry %#llx hypercall page %#llx kernel %#llx-%#llx required %#x\n", path,
	       (unsigned long long)info.entry, (unsigned long long)info.hypercall_page,
	       (unsigned long long)info.virt_kstart, (unsigned long long)info.virt_kend,
	       info.features_required);
	free(buf);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(xen_feature_name(XENFEAT_dom0), "dom0");
	assert_string_equal(xen_feature_name(XENFEAT_direct_mapped), "direct_mapped");
	assert_null(xen_feature_name(31));
	assert_string_equal(xen_elfnote_name(XEN_ELFNOTE_PHYS32_ENTRY), "PHYS32_ENTRY");
	assert_string_equal(xen_elfnote_name(XEN_ELFNOTE_CRASH_INFO), "unknown");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_linux_notes),
	    T(test_defaults),
	    T(test_paddr_offset),
	    T(test_numeric_sizes),
	    T(test_later_note_wins_and_unknown_skipped),
	    T(test_section_notes),
	    T(test_eight_byte_aligned_notes),
	    T(test_legacy),
	    T(test_legacy_defaults),
	    T(test_legacy_numbers),
	    T(test_notes_win_over_legacy),
	    T(test_not_a_pv_kernel),
	    T(test_hostile_notes),
	    T(test_l1_mfn_valid),
	    T(test_extent_ranges),
	    T(test_refuse_kind),
	    T(test_refuse_features),
	    T(test_refuse_addresses),
	    T(test_refuse_hypervisor_range),
	    T(test_real_kernel),
	    T(test_names),
	};

	return cmocka_run_group_tests_name("xen_elfnote", tests, NULL, NULL);
}
