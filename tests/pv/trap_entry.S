/*
 * tests/pv/trap_entry.S - the entry stubs of traps and callbacks, and the
 * way back through HYPERVISOR_iret (see traps.h for the frame).
 *
 * pv_trap_stubs holds one 16-byte stub per vector (0-255), then one each
 * for the event, failsafe and syscall callbacks (256-258).  A stub pushes
 * the number of words Xen put between r11 and rip (1 for the exceptions
 * with an error code, 4 for failsafe's ds/es/fs/gs, else 0) and its vector,
 * then jumps to pv_trap_common, which saves the general registers, calls
 * pv_trap_dispatch(regs) on a 16-byte aligned stack and resumes on the stack
 * pointer the dispatcher left in regs->vector (the address of an iret frame:
 * rip, cs, rflags, rsp, ss), either by HYPERVISOR_iret or by iretq.
 */
#define __ASSEMBLY__ 1
#include <xen/xen.h>

#define HYPERCALL(n) (hypercall_page + (n) * 32)

	.text
	.balign 16
	.globl pv_trap_stubs
pv_trap_stubs:
	.set vec, 0
	.rept 259
	.balign 16
	.if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	pushq $1
	.elseif vec == 257
	pushq $4
	.else
	pushq $0
	.endif
	pushq $vec
	jmp pv_trap_common
	.set vec, vec + 1
	.endr

pv_trap_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	mov %rsp, %rbx
	and $-16, %rsp
	cld
	call pv_trap_dispatch
	mov %rbx, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	mov (%rsp), %rsp		/* the iret frame the dispatcher chose */
	cmpb $0, pv_trap_use_iretq(%rip)
	jne 1f
	pushq $0			/* iret_context.flags */
	jmp HYPERCALL(__HYPERVISOR_iret)
1:	orb $3, 8(%rsp)			/* the frame's cs may have RPL 0 */
	iretq

/*
 * void pv_iret_roundtrip(const struct iret_context *in, struct iret_context *out)
 *
 * HYPERVISOR_iret with in's rax, r11, rcx, flags, cs, rflags and ss, to the
 * instruction after the jump on the current stack; there stores what
 * arrived in out (rax, r11, rcx, cs and ss as read from the segment
 * registers, rflags from pushfq, rsp) and the address it arrived at (rip).
 */
	.globl pv_iret_roundtrip
pv_iret_roundtrip:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsi, %r12			/* out: callee-saved, survives the iret */
	mov %rsp, %r13
	pushq 64(%rdi)			/* ss */
	push %r13			/* rsp */
	pushq 48(%rdi)			/* rflags */
	pushq 40(%rdi)			/* cs */
	lea 2f(%rip), %rax
	push %rax			/* rip */
	pushq 24(%rdi)			/* flags */
	mov 0(%rdi), %rax
	mov 8(%rdi), %r11
	mov 16(%rdi), %rcx
	jmp HYPERCALL(__HYPERVISOR_iret)
2:	mov %rax, 0(%r12)
	lea 2b(%rip), %rax
	mov %rax, 32(%r12)
	mov %r11, 8(%r12)
	mov %rcx, 16(%r12)
	mov %rsp, 56(%r12)
	pushfq
	popq 48(%r12)
	xor %eax, %eax
	mov %cs, %ax
	mov %rax, 40(%r12)
	mov %ss, %ax
	mov %rax, 64(%r12)
	mov %r13, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

/*
 * long pv_user_enter(unsigned long rip, unsigned long rsp)
 *
 * Enters guest user mode at rip on stack rsp by HYPERVISOR_iret (cs
 * FLAT_USER_CS with RPL 3, ss FLAT_USER_SS, rflags 0x2: events stay
 * masked).  Needs a user page table (MMUEXT_NEW_USER_BASEPTR) and a kernel
 * stack (stack_switch) for the way back, which is a trap hook calling
 * pv_trap_return_to_kernel(): that resumes at pv_user_exit on the stack
 * saved here, and pv_user_enter returns the hook's value.
 */
	.globl pv_user_enter
pv_user_enter:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, pv_user_kernel_sp(%rip)
	pushq $FLAT_USER_SS
	push %rsi			/* rsp */
	pushq $0x2			/* rflags */
	pushq $FLAT_USER_CS
	push %rdi			/* rip */
	pushq $0			/* flags */
	jmp HYPERCALL(__HYPERVISOR_iret)

	.globl pv_user_exit
pv_user_exit:
	mov pv_user_kernel_sp(%rip), %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

	.bss
	.balign 8
	.globl pv_user_kernel_sp
pv_user_kernel_sp:
	.quad 0
