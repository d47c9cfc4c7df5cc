; hypervisor/arch/x86/trampoline.asm - where application processors start.
;
; A SIPI starts a CPU in 16-bit real mode at (vector << 12).  smp.c copies
; this code to a free page below 1 MiB, fills in the patch slots at the end
; (the page's own address goes into the far jumps and the GDT pointer),
; and sends INIT-SIPI-SIPI.  The CPU climbs real -> protected -> long mode
; on the boot page tables (which identity-map this page), then jumps to
; ap_start64 at its high address with its own stack.

%include "layout.inc"

extern ap_entry
extern boot_pml4
global trampoline_start
global trampoline_end
global tramp_patch_base
global tramp_pm32_target
global tramp_lm_target
global tramp_gdtr_base
global tramp_cr3
global tramp_stack
global tramp_efer_nx
global ap_start64

section .rodata
align 16
bits 16
trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	o32 lgdt [tramp_gdtr - trampoline_start]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	db 0x66, 0xea                        ; jmp far dword 0x08:pm32
tramp_pm32_target:
	dd 0
	dw 0x08

bits 32
tramp_pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	; ebx = the page's physical base (patched), for data references.
	db 0xbb                              ; mov ebx, imm32
tramp_patch_base:
	dd 0
	mov eax, cr4
	or eax, 1 << 5                       ; PAE
	mov cr4, eax
	mov eax, [ebx + (tramp_cr3 - trampoline_start)]
	mov cr3, eax
	mov ecx, 0xC0000080                  ; EFER: LME, and NXE if the BSP uses it
	rdmsr
	or eax, 1 << 8
	or eax, [ebx + (tramp_efer_nx - trampoline_start)]
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16)        ; PG, WP
	mov cr0, eax
	db 0xea                              ; jmp far 0x18:lm64
tramp_lm_target:
	dd 0
	dw 0x18

bits 64
tramp_lm64:
	mov ebx, ebx                         ; upper halves are undefined after the switch
	mov rsp, [rbx + (tramp_stack - trampoline_start)]
	mov rax, ap_start64
	jmp rax

align 8
tramp_gdt:
	dq 0
	dq 0x00cf9a000000ffff                ; 0x08: 32-bit code
	dq 0x00cf92000000ffff                ; 0x10: data
	dq 0x00af9a000000ffff                ; 0x18: 64-bit code
tramp_gdtr:
	dw 4 * 8 - 1
tramp_gdtr_base:
	dd 0
align 8
tramp_cr3:
	dq 0
tramp_stack:
	dq 0
tramp_efer_nx:
	dd 0
trampoline_end:

; Offsets of the code labels for smp.c's patching.
global tramp_pm32_offset
global tramp_lm64_offset
global tramp_gdt_offset
align 4
tramp_pm32_offset: dd tramp_pm32 - trampoline_start
tramp_lm64_offset: dd tramp_lm64 - trampoline_start
tramp_gdt_offset:  dd tramp_gdt - trampoline_start

section .text
bits 64
; On the high mapping, on this CPU's own stack (its cpu_info already set).
ap_start64:
	xor ebp, ebp
	call ap_entry
.hang:
	cli
	hlt
	jmp .hang
