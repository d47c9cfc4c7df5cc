/*
 * tests/pv/vcpu_entry.S - where a secondary vCPU starts, and its event
 * callback (see vcpu.h).
 */
#define __ASSEMBLY__ 1
#include <xen/xen.h>
#define VCPUOP_down 2 /* xen/vcpu.h (no assembly guard): take this vCPU down */

#define HYPERCALL(n) (hypercall_page + (n) * 32)

	.text
/*
 * The context of pv_vcpu_context_init() enters here: rbx = fn, rdi = arg,
 * r12 = this vCPU's id, rsp = the top of its stack (16-byte aligned, so
 * fn sees the alignment a call gives).  If fn returns, the vCPU goes down;
 * were it brought up again without a new context, it would go down again.
 */
	.globl pv_vcpu_start_entry
pv_vcpu_start_entry:
	call *%rbx
1:	mov $VCPUOP_down, %edi
	mov %r12, %rsi
	xor %edx, %edx
	call HYPERCALL(__HYPERVISOR_vcpu_op)
	jmp 1b

/*
 * The event callback of secondary vCPUs.  Xen's frame (rcx, r11, rip, cs,
 * rflags, rsp, ss) starts 16-byte aligned; events are masked.  rcx and r11
 * hold whatever Xen left: the frame has the interrupted values.  Returns
 * by HYPERVISOR_iret, whose RFLAGS.IF (set: events were unmasked when the
 * upcall came) unmasks events again.
 */
	.globl pv_vcpu_event_entry
pv_vcpu_event_entry:
	push %rax
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %rbx			/* eight pushes keep the alignment */
	cld
	call pv_vcpu_event_dispatch
	pop %rbx
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rax
	pop %rcx
	pop %r11
	pushq $0			/* iret_context.flags */
	jmp HYPERCALL(__HYPERVISOR_iret)
