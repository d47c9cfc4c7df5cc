/*
 * tests/fuzz/seed_pv.S - a tiny 64-bit PV "kernel" for the fuzzer's seed
 * corpus: real assembler and linker output, so the seeds have the layout
 * a toolchain produces (PT_NOTE from .note sections, section headers,
 * string tables).  It never runs.  Linked with p_paddr == p_vaddr at
 * 0xffffffff81000000, so it exercises PADDR_OFFSET; `ld -n` keeps the file
 * offsets unaligned, so a seed is under 1 KiB and the fuzzer runs fast.
 *
 * Default: Xen ELF notes.  -DLEGACY: the old __xen_guest string instead.
 */
#define XEN_ELFNOTE_ENTRY 1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE 3
#define XEN_ELFNOTE_PADDR_OFFSET 4
#define XEN_ELFNOTE_XEN_VERSION 5
#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_LOADER 8
#define XEN_ELFNOTE_FEATURES 10
#define XEN_ELFNOTE_L1_MFN_VALID 13
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17

	.text
	.globl _start
_start:
	hlt
	jmp _start

	/* In .bss (page-aligned by seed_pv.lds): memory without file bytes. */
	.bss
hypercall_page:
	.skip 4096

#ifndef LEGACY
/* One note: name "Xen", type, then the descriptor between 1: and 2:. */
#define NOTE(type, desc...)				\
	.balign 4;					\
	.long 4, 2f - 1f, type;				\
	.asciz "Xen";					\
1:	desc;						\
2:	.balign 4

	.section .note.Xen, "a", @note
	NOTE(XEN_ELFNOTE_GUEST_OS, .asciz "seed")
	NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
	NOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
	NOTE(XEN_ELFNOTE_VIRT_BASE, .quad 0xffffffff80000000)
	NOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad 0xffffffff80000000)
	NOTE(XEN_ELFNOTE_ENTRY, .quad _start)
	NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
	NOTE(XEN_ELFNOTE_FEATURES, .asciz "!writable_page_tables|pae_pgdir_above_4gb")
	NOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long 0x801)
	NOTE(XEN_ELFNOTE_L1_MFN_VALID, .quad 1; .quad 1)
#else
	.section __xen_guest, ""
	.ascii "GUEST_OS=seed,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,"
	.ascii "VIRT_ENTRY=0xffffffff81000000,HYPERCALL_PAGE=0x1001,"
	.asciz "LOADER=generic,FEATURES=writable_page_tables|!pae_pgdir_above_4gb,PAE=yes"
#endif
