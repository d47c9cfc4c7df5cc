; hypervisor/arch/x86/boot/head.asm - the first instructions Keel runs.
;
; Two ways in, one way on:
;   start32       Multiboot (v1) entry: 32-bit protected mode, paging off,
;                 EAX = 0x2BADB002, EBX = physical address of multiboot_info.
;   efi_entry64   called by our UEFI loader in 64-bit mode on the firmware's
;                 identity map, RDI = physical address of a struct boot_info.
; Both read the TSC first (boot time is measured from here), switch to the
; static boot page tables below, jump to the image's high virtual address
; and call C: multiboot_entry() or efi_entry() in hypervisor/boot/.
;
; The boot page tables map the first 4 GiB three times, with 2 MiB pages:
; identity (slot 0, only so that the code running at its physical address
; survives turning paging on, and for the APs' trampoline), the direct map
; (slot 262) and the image mapping (slot 261).  mm/paging replaces them
; with the final tables, which have no slot 0.

%include "layout.inc"

MB_MAGIC        equ 0x1BADB002
MB_FLAGS        equ 0x00010003  ; page-align modules, memory map, address fields
MB_BOOT_MAGIC   equ 0x2BADB002

extern __load_end
extern __bss_start
extern __bss_end
extern multiboot_entry
extern efi_entry

global start32
global efi_entry64
global boot_tsc
global boot_pml4
global boot_gdtr
global boot_stack_top

section .multiboot
align 8
mb_header:
	dd MB_MAGIC
	dd MB_FLAGS
	dd (-(MB_MAGIC + MB_FLAGS)) & 0xffffffff
	dd PHYS(mb_header)          ; header_addr
	dd KEEL_IMAGE_PHYS          ; load_addr
	dd PHYS(__load_end)         ; load_end_addr
	dd PHYS(__bss_end)          ; bss_end_addr
	dd PHYS(start32)            ; entry_addr

; struct keel_image_header (hypervisor/boot/boot_info.h), for the EFI loader.
align 8
keel_image_header:
	dd 0x4c45454b               ; "KEEL"
	dd 1
	dq PHYS(efi_entry64)
	dq KEEL_IMAGE_PHYS
	dq PHYS(__load_end)
	dq PHYS(__bss_end)

section .text.boot
bits 32
start32:
	cli
	cld
	mov edi, eax                ; keep the Multiboot magic and info pointer
	mov esi, ebx
	rdtsc
	mov ebx, PHYS(boot_tsc)
	mov [ebx], eax
	mov [ebx + 4], edx
	mov esp, PHYS(boot_stack_top)

	; Long mode is required: say so on COM1 rather than triple-fault.
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode

	mov eax, cr4
	or eax, 1 << 5              ; PAE
	mov cr4, eax
	mov eax, PHYS(boot_pml4)
	mov cr3, eax
	mov ecx, 0xC0000080         ; EFER
	rdmsr
	or eax, 1 << 8              ; LME
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1   ; PG, WP, PE
	mov cr0, eax
	mov eax, PHYS(boot_gdtr)
	lgdt [eax]
	db 0xea                     ; jmp far BOOT_CS64:.long_mode (physical)
	dd PHYS(.long_mode)
	dw BOOT_CS64

.no_long_mode:
	mov esi, PHYS(no_lm_msg)
.print:
	lodsb
	test al, al
	jz .halt
	mov dx, 0x3f8
	out dx, al
	jmp .print
.halt:
	hlt
	jmp .halt

bits 64
.long_mode:
	mov rax, .high
	jmp rax
.high:
	mov r12d, edi               ; Multiboot magic
	mov r13d, esi               ; multiboot_info physical address
	call common_high_setup
	mov edi, r12d
	mov esi, r13d
	call multiboot_entry
	jmp halt_forever

; 64-bit UEFI entry: RDI = boot_info physical address; running at physical
; addresses on the firmware's page tables, so only RIP-relative references.
efi_entry64:
	cli
	cld
	mov r12, rdi
	rdtsc
	mov [rel boot_tsc], eax
	mov [rel boot_tsc + 4], edx
	lea rax, [rel boot_pml4]
	mov cr3, rax
	lgdt [rel boot_gdtr64_phys]
	lea rax, [rel .reload_cs]
	push BOOT_CS64
	push rax
	retfq
.reload_cs:
	mov rax, .efi_high
	jmp rax
.efi_high:
	call common_high_setup
	mov rdi, r12
	call efi_entry
	jmp halt_forever

; Runs at the high address: flat data segments, a zeroed BSS, the boot
; stack, and a zero frame pointer that ends every backtrace.
common_high_setup:
	pop r14                     ; return address (the stack is about to move)
	lgdt [rel boot_gdtr64]
	mov ax, BOOT_DS
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	lea rdi, [rel __bss_start]
	lea rcx, [rel __bss_end]
	sub rcx, rdi
	rep stosb
	lea rsp, [rel boot_stack_top]
	xor ebp, ebp
	jmp r14

halt_forever:
	cli
	hlt
	jmp halt_forever

section .rodata
no_lm_msg:
	db "Keel: this CPU has no 64-bit long mode; cannot boot.", 13, 10, 0

section .data
align 8
boot_tsc:
	dq 0

; Boot GDT: null, 64-bit ring-0 code, ring-0 data.
align 16
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff
	dq 0x00cf92000000ffff
boot_gdt_end:

; lgdt operands: 32-bit form (for start32) and 64-bit forms.
align 8
boot_gdtr:
	dw boot_gdt_end - boot_gdt - 1
	dd PHYS(boot_gdt)
align 8
boot_gdtr64_phys:
	dw boot_gdt_end - boot_gdt - 1
	dq PHYS(boot_gdt)
align 8
boot_gdtr64:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt

PTE_P   equ 1
PTE_W   equ 2
PTE_PS  equ 0x80

section .data.page_aligned
align 4096
boot_pml4:
	dq PHYS(boot_pdpt_low) + PTE_P + PTE_W
	times 260 dq 0
	dq PHYS(boot_pdpt_image) + PTE_P + PTE_W     ; slot 261
	dq PHYS(boot_pdpt_low) + PTE_P + PTE_W       ; slot 262: direct map
	times 249 dq 0

boot_pdpt_low:
	dq PHYS(boot_pd) + 0x0000 + PTE_P + PTE_W
	dq PHYS(boot_pd) + 0x1000 + PTE_P + PTE_W
	dq PHYS(boot_pd) + 0x2000 + PTE_P + PTE_W
	dq PHYS(boot_pd) + 0x3000 + PTE_P + PTE_W
	times 508 dq 0

boot_pdpt_image:
	times 322 dq 0
	dq PHYS(boot_pd) + PTE_P + PTE_W              ; 0xffff82d080000000
	times 189 dq 0

; 2048 2 MiB pages: physical 0 to 4 GiB.
boot_pd:
%assign i 0
%rep 2048
	dq (i << 21) + PTE_P + PTE_W + PTE_PS
%assign i i + 1
%endrep

section .bss.page_aligned nobits
align 4096
boot_stack:
	resb 16384
boot_stack_top:
