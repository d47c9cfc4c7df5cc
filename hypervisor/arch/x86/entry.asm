; hypervisor/arch/x86/entry.asm - exception and interrupt entry stubs.
;
; Every vector has a small stub that makes the frame uniform (an error-code
; slot whose upper half holds the vector number) and jumps to trap_common,
; which saves the registers as struct trap_frame (arch/traps.h) and calls
; trap_dispatch(frame) in traps.c.

extern trap_dispatch
extern pv_return_to_guest
extern cpu_has_smap
global idt_stub_table

; Vectors where the CPU pushes an error code.
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%include "frame.inc"

section .text
align 16
trap_common:
	PUSH_GPRS all
	cld
	; An interrupt does not clear EFLAGS.AC: if it was set (a guest, later,
	; or an open copy window), close SMAP's window.  Testing first keeps
	; clac off the common path (and off hosts whose emulators lack it).
	test dword [rsp + 18 * 8], 1 << 18  ; saved RFLAGS.AC
	jz .ac_clear
	cmp byte [rel cpu_has_smap], 0
	je .ac_clear
	clac
.ac_clear:
	mov rdi, rsp
	; Link the frame into the frame-pointer chain so backtraces continue
	; past the trap into the interrupted code; 8 bytes of padding keep
	; the stack 16-byte aligned at the call.
	sub rsp, 8
	push qword [rdi + 16 * 8]          ; interrupted RIP
	push rbp
	mov rbp, rsp
	call trap_dispatch
	add rsp, 24
	; A frame from guest context at the top of the stack (not an IST frame)
	; leaves through the guest exit path: scheduling and event upcalls.
	test byte [rsp + 17 * 8], 3         ; saved CS.RPL
	jz .to_keel
	mov rax, rsp
	or rax, STACK_SIZE - 1
	lea rax, [rax + 1 - CPU_INFO_SIZE - FRAME_SIZE]
	cmp rax, rsp
	je pv_return_to_guest
.to_keel:
	POP_GPRS_AND_CODE
	iretq

; One 16-byte-aligned stub per vector.
%macro STUB 1
align 16
stub_%1:
%if HAS_ERR(%1)
	mov dword [rsp + 4], %1
%else
	push 0
	mov dword [rsp + 4], %1
%endif
	jmp trap_common
%endmacro

%assign v 0
%rep 256
	STUB v
%assign v v + 1
%endrep

section .rodata
align 8
idt_stub_table:
%assign v 0
%rep 256
	dq stub_ %+ v
%assign v v + 1
%endrep
