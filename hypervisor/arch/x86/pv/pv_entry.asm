; hypervisor/arch/x86/pv/pv_entry.asm - the guest side of entry and exit.
;
; Every way into Keel from a PV guest leaves the guest's registers in one
; place: the struct trap_frame at the very top of the CPU's stack, just
; below struct cpu_info (guest_regs() in pv_vcpu.h).  Exceptions and
; interrupts get there by themselves (TSS.RSP0 points at cpu_info, and
; entry.asm's trap_common pushes the rest); `syscall` does not switch
; stacks, so a per-CPU stub (syscall_stub.c) saves RAX into the frame,
; loads RSP, pushes SS and the guest RSP, and jumps to pv_syscall_entry.
;
; Every way out goes through pv_return_to_guest: with interrupts off it
; runs pv_exit_work() (scheduling, event upcalls) and then restores the
; frame with iretq.

%include "layout.inc"

extern pv_do_syscall
extern pv_exit_work

global pv_syscall_entry
global pv_syscall_entry32
global pv_return_to_guest
global pv_enter_guest

%include "frame.inc"
%define PV_ENTRY_SYSCALL 0x100
%define GUEST_CS64     0xe033
%define GUEST_CS32     0xe023

section .text

; From the stub: RSP = this CPU's cpu_info - 16, holding SS and the guest
; RSP; the frame's RAX slot already holds the guest's RAX; RCX = guest RIP,
; R11 = guest RFLAGS (SYSCALL put them there); interrupts are off (FMASK).
align 16
pv_syscall_entry:
	push r11                        ; RFLAGS
	push qword GUEST_CS64           ; CS: SYSCALL came from 64-bit ring 3
	jmp pv_syscall_common

; The same from 32-bit compatibility-mode code (CSTAR).
align 16
pv_syscall_entry32:
	push r11
	push qword GUEST_CS32
pv_syscall_common:
	push rcx                        ; RIP
	push qword 0
	mov dword [rsp + 4], PV_ENTRY_SYSCALL
	PUSH_GPRS skip_rax              ; RAX: saved by the stub
	cld
	mov rdi, rsp
	sub rsp, 8                      ; 16-byte alignment at the call
	sti                             ; hypercalls run with interrupts on
	call pv_do_syscall
	; fall through

; Leaves for the guest of this CPU through its frame.  Any stack depth,
; any interrupt state: the stack is reset to the frame.
align 16
pv_return_to_guest:
	cli
	mov rax, rsp
	or rax, STACK_SIZE - 1
	lea rsp, [rax + 1 - CPU_INFO_SIZE - FRAME_SIZE - 8]
	call pv_exit_work               ; returns with interrupts off
	add rsp, 8
	POP_GPRS_AND_CODE
	iretq

; void pv_enter_guest(void): the first entry of a CPU into guest context.
; Throws away the caller's stack (it never returns).
pv_enter_guest:
	jmp pv_return_to_guest
