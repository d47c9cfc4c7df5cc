/*
 * guests/lib/head.S - entry point, Xen ELF notes, hypercall page and boot
 * stack of every Keel guest kernel (the domU apps and dom0).
 *
 * The domain builder enters _start in ring 3 with rsi = the virtual address
 * of start_info and event delivery masked (xen.h's "start of day" comment).
 * We switch to our own stack in .bss and call guest_start(start_info),
 * which never returns: it ends in the thread scheduler's idle loop.
 */
#include <xen/elfnote.h>
#include <xen/features.h>

#define VIRT_BASE 0xffffffff80000000
#define STACK_SIZE (16 * 1024)

	.section .text.head, "ax"
	.globl _start
_start:
	lea boot_stack_top(%rip), %rsp	/* 16-byte aligned; call pushes 8 */
	mov %rsi, %rdi
	call guest_start
1:	ud2				/* guest_start does not return */
	jmp 1b

/* Filled by the domain builder: hypercall N is at hypercall_page + N * 32. */
	.section .text.hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc
	.size hypercall_page, 4096

	.bss
	.balign 16
	.globl boot_stack
boot_stack:
	.skip STACK_SIZE
boot_stack_top:

/* One ELF note: name "Xen", a type, then the descriptor between 1: and 2:. */
#define NOTE(type, desc...)		\
	.balign 4;			\
	.long 4, 2f - 1f, type;		\
	.asciz "Xen";			\
1:	desc;				\
2:	.balign 4

	.section .note.Xen, "a", @note
	NOTE(XEN_ELFNOTE_GUEST_OS, .asciz "Keel")
	NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "0.1")
	NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
	NOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
	NOTE(XEN_ELFNOTE_VIRT_BASE, .quad VIRT_BASE)
	NOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad VIRT_BASE)
	NOTE(XEN_ELFNOTE_ENTRY, .quad _start)
	NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
	/* XENFEAT_dom0: the same library boots as the initial domain. */
	NOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0))
