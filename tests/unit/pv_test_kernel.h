/*
 * tests/unit/pv_test_kernel.h - a tiny 64-bit PV kernel image for the
 * domain-builder tests (test_domain_layout.c, test_domain_build.c).
 *
 * Included by one test file each, so its state is per test binary:
 * set `spec`, call make_kernel(), then use `img` and `info` as the real
 * builder would (elf64_open() and xen_kernel_parse() have run on it).
 */
#ifndef TESTS_UNIT_PV_TEST_KERNEL_H
#define TESTS_UNIT_PV_TEST_KERNEL_H

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf64.h"
#include "lib/xen_elfnote.h"

/* A tiny PV kernel: 0x000 ELF header, 0x040 PT_LOAD + PT_NOTE, 0x100 the
 * notes, 0x1000 0x3000 file bytes (byte i = i * 7 + 1), memsz 0x5000. */
#define IMG_NOTES  0x100
#define IMG_LOAD   0x1000
#define IMG_FILESZ 0x3000
#define IMG_MEMSZ  0x5000
#define IMG_SIZE   (IMG_LOAD + IMG_FILESZ)

static struct {
	uint64_t virt_base, paddr, init_p2m; /* init_p2m 0: no note */
} spec;

static uint8_t *file;
static size_t notes_len;
static struct elf64_image img;
static struct xen_kernel_info info;
static struct elf64_err err;

static void add_note(uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t hdr[3] = {4, descsz, type};
	uint8_t *p = file + IMG_NOTES + notes_len;

	memcpy(p, hdr, 12);
	memcpy(p + 12, "Xen", 4);
	memcpy(p + 16, desc, descsz);
	notes_len += 16 + ((descsz + 3) & ~3U);
	assert_true(notes_len < IMG_LOAD - IMG_NOTES);
}

static void add_num(uint32_t type, uint64_t v)
{
	add_note(type, &v, 8);
}

static void add_str(uint32_t type, const char *s)
{
	add_note(type, s, (uint32_t)strlen(s) + 1);
}

/* Builds, opens and parses the image spec describes. */
static void make_kernel(void)
{
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	uint64_t vaddr = spec.virt_base + spec.paddr;

	free(file);
	file = calloc(1, IMG_SIZE);
	notes_len = 0;
	eh = (Elf64_Ehdr *)file;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = vaddr + 0x40;
	eh->e_phoff = 0x40;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 2;
	add_str(XEN_ELFNOTE_GUEST_OS, "linux");
	add_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	add_str(XEN_ELFNOTE_LOADER, "generic");
	add_num(XEN_ELFNOTE_VIRT_BASE, spec.virt_base);
	add_num(XEN_ELFNOTE_PADDR_OFFSET, 0);
	add_num(XEN_ELFNOTE_ENTRY, vaddr + 0x40);
	add_num(XEN_ELFNOTE_HYPERCALL_PAGE, vaddr + 0x1000);
	if (spec.init_p2m)
		add_num(XEN_ELFNOTE_INIT_P2M, spec.init_p2m);
	for (size_t i = 0; i < IMG_FILESZ; i++)
		file[IMG_LOAD + i] = (uint8_t)(i * 7 + 1);
	ph = (Elf64_Phdr *)(file + 0x40);
	ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
			     .p_offset = IMG_LOAD,
			     .p_vaddr = vaddr,
			     .p_paddr = spec.paddr,
			     .p_filesz = IMG_FILESZ,
			     .p_memsz = IMG_MEMSZ};
	ph[1] = (Elf64_Phdr){
	    .p_type = PT_NOTE, .p_offset = IMG_NOTES, .p_filesz = notes_len, .p_align = 4};
	assert_int_equal(elf64_open(&img, file, IMG_SIZE, &err), 0);
	assert_int_equal(xen_kernel_parse(&img, &info, &err), 0);
}

static struct domain_layout lay;

#endif /* TESTS_UNIT_PV_TEST_KERNEL_H */
