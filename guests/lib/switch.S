/*
 * guests/lib/switch.S - the thread context switch (thread.c).
 *
 * void thread_switch(uint64_t *save_sp, uint64_t load_sp)
 *   saves the callee-saved registers on the current stack, stores its
 *   pointer in *save_sp, and resumes the stack at load_sp, which was left
 *   the same way (or prepared by thread_create to "return" to
 *   thread_trampoline with the thread in r12).
 */
	.text
	.globl thread_switch
thread_switch:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

	.globl thread_trampoline
thread_trampoline:
	mov %r12, %rdi
	call thread_run		/* does not return */
1:	ud2
	jmp 1b
