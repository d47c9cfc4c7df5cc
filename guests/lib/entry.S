/*
 * guests/lib/entry.S - the guest kernel's callbacks and exception stubs.
 *
 * Xen bounces to us with rcx and r11 on top of an iret frame (rip, cs,
 * rflags, rsp, ss), an error code between them for some exceptions.
 *
 * The event callback only clears vCPU 0's evtchn_upcall_pending and
 * returns with iretq, leaving the upcall mask set (Xen set it when it
 * bounced): events are handled by polling (events.h), so there is
 * nothing to do here.  Xen hands us the kernel's cs and ss with RPL 0;
 * iretq from ring 3 needs RPL 3.
 *
 * An exception is always fatal in our kernels: each stub pushes its
 * vector and calls guest_trap_fatal() with the saved registers, which
 * prints them and crashes the domain.
 */
#define __ASSEMBLY__ 1
#include <xen/xen.h>

	.text
	.globl guest_event_callback
guest_event_callback:
	pop %rcx
	pop %r11
	push %rax
	mov shared_info(%rip), %rax
	movb $0, (%rax)			/* vcpu_info[0].evtchn_upcall_pending */
	pop %rax
	orb $3, 8(%rsp)			/* cs */
	orb $3, 32(%rsp)		/* ss */
	iretq

	.globl guest_failsafe_callback
guest_failsafe_callback:
	pushq $256			/* "vector" 256: the failsafe callback */
	jmp trap_common

	.balign 16
	.globl guest_trap_stubs
guest_trap_stubs:
	.set vec, 0
	.rept 32
	.balign 16
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

/* Stack: vector, then Xen's frame (struct guest_trap_frame in traps.c). */
trap_common:
	push %rax
	push %rbx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	and $-16, %rsp
	cld
	call guest_trap_fatal
1:	ud2
	jmp 1b
