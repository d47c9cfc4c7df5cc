; hypervisor/arch/x86/guest_copy.asm - the one place Keel touches guest memory.
;
; uint64_t raw_copy_guest(void *dst, const void *src, uint64_t n)
;   Copies n bytes with SMAP's user-access window open (stac ... clac) and
;   returns how many bytes were NOT copied: 0 on success.  A fault on the
;   copy instruction (an unmapped or read-only guest page) is recovered
;   through the exception table: traps.c resumes at .fault, where RCX still
;   holds the bytes left, as `rep movsb` leaves it.  Callers check the
;   addresses first (arch/guest_access.h); this only survives the faults.

extern cpu_has_smap
global raw_copy_guest

section .text
raw_copy_guest:
	mov rcx, rdx
	cmp byte [rel cpu_has_smap], 0
	je .copy
	stac
.copy:
	rep movsb
.done:
	cmp byte [rel cpu_has_smap], 0
	je .out
	clac
.out:
	mov rax, rcx
	ret

section .ex_table progbits alloc noexec nowrite align=8
align 8
	dq .copy, .done
