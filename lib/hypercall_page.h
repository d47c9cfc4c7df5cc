/*
 * lib/hypercall_page.h - the hypercall page a 64-bit PV kernel calls into.
 *
 * A PV kernel names one of its pages in its HYPERCALL_PAGE ELF note; the
 * domain builder fills it before the kernel starts.  Hypercall N is made
 * by calling hypercall_page + N * 32 (Xen's ABI: 32 bytes per entry).
 */
#ifndef LIB_HYPERCALL_PAGE_H
#define LIB_HYPERCALL_PAGE_H

#include <stdint.h>

#define HYPERCALL_STUB_SIZE 32
#define HYPERCALL_PAGE_SIZE 4096
#define HYPERCALL_PAGE_ENTRIES (HYPERCALL_PAGE_SIZE / HYPERCALL_STUB_SIZE)

/*
 * Fills a 4 KiB page with one stub per hypercall number:
 *
 *   push %rcx; push %r11; mov $N, %eax; syscall; pop %r11; pop %rcx; ret
 *
 * The kernel's hypercall macros treat RCX and R11 as preserved, but
 * `syscall` overwrites them, so the stub saves them.  __HYPERVISOR_iret's
 * stub is entered by a jump with an iret frame on the stack and never
 * returns: it pushes RCX, R11 and RAX to complete struct iret_context
 * (xen/arch-x86/xen-x86_64.h) and makes the hypercall.  Unused bytes are
 * int3, so a stray jump into the padding traps.
 */
void hypercall_page_fill(uint8_t page[HYPERCALL_PAGE_SIZE]);

#endif /* LIB_HYPERCALL_PAGE_H */
