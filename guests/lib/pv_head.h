/*
 * guests/lib/pv_head.h - the start of every 64-bit PV kernel of ours (the
 * guest kernels in guests/ and the PV test kernels in tests/pv/), for
 * assembly files:
 *
 *     #include "guests/lib/pv_head.h"
 *     PV_HEAD guest_start, "Keel"
 *
 * gives _start (entered in ring 3 with rsi = start_info and events
 * masked, xen.h's "start of day": it switches to a 16 KiB stack in .bss
 * and calls ENTRY(start_info), which must not return), the hypercall page
 * (a page of .text the domain builder fills: hypercall N at
 * hypercall_page + N * 32) and the Xen ELF notes, GUEST_OS the given name.
 * The kernel is linked at VIRT_BASE with p_paddr == p_vaddr.
 */
#ifndef GUESTS_LIB_PV_HEAD_H
#define GUESTS_LIB_PV_HEAD_H

#include <xen/elfnote.h>
#include <xen/features.h>

#define PV_HEAD_VIRT_BASE  0xffffffff80000000
#define PV_HEAD_STACK_SIZE (16 * 1024)

/* One ELF note: name "Xen", a type, then the descriptor between 1: and 2:. */
#define PV_NOTE(type, desc...)		\
	.balign 4;			\
	.long 4, 2f - 1f, type;		\
	.asciz "Xen";			\
1:	desc;				\
2:	.balign 4

.macro PV_HEAD entry, guest_os
	.section .text.head, "ax"
	.globl _start
_start:
	lea pv_boot_stack_top(%rip), %rsp	/* 16-byte aligned; call pushes 8 */
	mov %rsi, %rdi
	call \entry
1:	ud2					/* \entry does not return */
	jmp 1b

	.section .text.hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc
	.size hypercall_page, 4096

	.bss
	.balign 16
pv_boot_stack:
	.skip PV_HEAD_STACK_SIZE
pv_boot_stack_top:

	.section .note.Xen, "a", @note
	PV_NOTE(XEN_ELFNOTE_GUEST_OS, .asciz "\guest_os")
	PV_NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
	PV_NOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
	PV_NOTE(XEN_ELFNOTE_VIRT_BASE, .quad PV_HEAD_VIRT_BASE)
	PV_NOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad PV_HEAD_VIRT_BASE)
	PV_NOTE(XEN_ELFNOTE_ENTRY, .quad _start)
	PV_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
	/* XENFEAT_dom0: we may be booted as the initial domain (Xen refuses a dom0 without it). */
	PV_NOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0))
.endm

#endif /* GUESTS_LIB_PV_HEAD_H */
