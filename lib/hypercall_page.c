/*
 * lib/hypercall_page.c - writes the stubs of a PV guest's hypercall page.
 *
 * Pure function of its output buffer: used by the domain builder in the
 * hypervisor (initial domain) and in dom0's toolstack, and unit-tested on
 * the host.  The encodings are plain x86_64 machine code.
 */
#include "lib/hypercall_page.h"

#include <xen/xen.h>

#include "lib/string.h"

#define OP_PUSH_RCX 0x51
#define OP_PUSH_RAX 0x50
#define OP_POP_RCX 0x59
#define OP_REX_B 0x41 /* with 0x53 / 0x5b: push / pop %r11 */
#define OP_MOV_EAX_IMM32 0xb8
#define OP_RET 0xc3
#define OP_INT3 0xcc

static unsigned int emit(uint8_t *p, unsigned int at, const uint8_t *bytes, unsigned int n)
{
	memcpy(p + at, bytes, n);
	return at + n;
}

static unsigned int emit_mov_eax(uint8_t *p, unsigned int at, uint32_t nr)
{
	p[at++] = OP_MOV_EAX_IMM32;
	memcpy(p + at, &nr, sizeof(nr)); /* little-endian imm32 */
	return at + sizeof(nr);
}

static void fill_normal(uint8_t *p, uint32_t nr)
{
	static const uint8_t save[] = { OP_PUSH_RCX, OP_REX_B, 0x53 };
	static const uint8_t call_and_restore[] = { 0x0f, 0x05, OP_REX_B, 0x5b, OP_POP_RCX,
						    OP_RET };
	unsigned int at = emit(p, 0, save, sizeof(save));

	at = emit_mov_eax(p, at, nr);
	emit(p, at, call_and_restore, sizeof(call_and_restore));
}

static void fill_iret(uint8_t *p)
{
	static const uint8_t save[] = { OP_PUSH_RCX, OP_REX_B, 0x53, OP_PUSH_RAX };
	static const uint8_t call_no_return[] = { 0x0f, 0x05, 0x0f, 0x0b }; /* syscall; ud2 */
	unsigned int at = emit(p, 0, save, sizeof(save));

	at = emit_mov_eax(p, at, __HYPERVISOR_iret);
	emit(p, at, call_no_return, sizeof(call_no_return));
}

void hypercall_page_fill(uint8_t page[HYPERCALL_PAGE_SIZE])
{
	memset(page, OP_INT3, HYPERCALL_PAGE_SIZE);
	for (uint32_t nr = 0; nr < HYPERCALL_PAGE_ENTRIES; nr++) {
		uint8_t *stub = page + nr * HYPERCALL_STUB_SIZE;

		if (nr == __HYPERVISOR_iret)
			fill_iret(stub);
		else
			fill_normal(stub, nr);
	}
}
