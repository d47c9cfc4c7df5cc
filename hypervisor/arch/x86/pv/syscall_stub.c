/*
 * hypervisor/arch/x86/pv/syscall_stub.c - per-CPU SYSCALL entry stubs and
 * the MSRs that route guest syscalls into Keel.
 *
 * Why stubs: SYSCALL does not switch stacks, and Keel does not use GS to
 * find per-CPU data (PV guests own GS).  So each CPU gets a few bytes of
 * code with its own addresses baked in: save the guest RAX into this
 * CPU's guest frame, load this CPU's stack pointer, push the guest SS and
 * RSP, and jump to the common entry (pv_entry.asm).  The stub page is
 * written through the direct map (RW, NX) and executed through a second,
 * read-only executable mapping at PV_STUB_VIRT + cpu * PAGE_SIZE.
 *
 * 64-bit guest code enters at offset 0 (LSTAR), 32-bit compatibility-mode
 * user code at offset 64 (CSTAR).  SYSENTER is left disabled
 * (SYSENTER_CS = 0), so it raises #GP, which is bounced to the guest.
 */
#include "hypervisor/arch/x86/pv/pv_cpu.h"

#include "arch/cpu.h"
#include "arch/mm.h"
#include "arch/paging.h"
#include "arch/segment.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_gdt.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"

#define PV_STUB_VIRT 0xffff82d0c0200000UL /* after the ioremap window */

#define MSR_STAR	     0xc0000081
#define MSR_LSTAR	     0xc0000082
#define MSR_CSTAR	     0xc0000083
#define MSR_SYSCALL_MASK     0xc0000084
#define MSR_IA32_SYSENTER_CS 0x174


extern char pv_syscall_entry[], pv_syscall_entry32[];

static unsigned int emit_bytes(uint8_t *p, unsigned int at, const void *b, unsigned int n)
{
	memcpy(p + at, b, n);
	return at + n;
}

static unsigned int emit_u64(uint8_t *p, unsigned int at, uint64_t v)
{
	return emit_bytes(p, at, &v, sizeof(v));
}

/* Writes one stub at code[at] (run at run_va) that ends in a jump to target. */
static void write_stub(uint8_t *code, unsigned int at, uint64_t run_va, struct cpu_info *ci,
		       uint64_t target)
{
	struct trap_frame *frame = (struct trap_frame *)ci - 1;
	static const uint8_t mov_moffs_rax[] = { 0x48, 0xa3 };		/* mov [moffs64], rax */
	static const uint8_t mov_rax_rsp[] = { 0x48, 0x89, 0xe0 };	/* mov rax, rsp */
	static const uint8_t mov_rsp_imm[] = { 0x48, 0xbc };		/* mov rsp, imm64 */
	static const uint8_t push_ss[] = { 0x68, GUEST_DS & 0xff, GUEST_DS >> 8, 0, 0 };
	static const uint8_t push_rax[] = { 0x50 };
	int32_t rel;

	at = emit_bytes(code, at, mov_moffs_rax, sizeof(mov_moffs_rax));
	at = emit_u64(code, at, (uint64_t)&frame->rax);
	at = emit_bytes(code, at, mov_rax_rsp, sizeof(mov_rax_rsp));
	at = emit_bytes(code, at, mov_rsp_imm, sizeof(mov_rsp_imm));
	at = emit_u64(code, at, (uint64_t)ci);
	at = emit_bytes(code, at, push_ss, sizeof(push_ss));
	at = emit_bytes(code, at, push_rax, sizeof(push_rax));
	code[at++] = 0xe9; /* jmp rel32: stubs and image share slot 261 */
	rel = (int32_t)(target - (run_va + at + 4));
	memcpy(code + at, &rel, sizeof(rel));
}

void pv_cpu_init(struct percpu *p)
{
	struct cpu_info *ci = (struct cpu_info *)(p->stack_block + STACK_SIZE) - 1;
	uint64_t stub_va = PV_STUB_VIRT + (uint64_t)p->cpu * PAGE_SIZE;
	mfn_t mfn = alloc_frames(0);
	uint8_t *code;

	if (!mfn_valid_raw(mfn))
		panic("no memory for CPU %u's syscall stubs", p->cpu);
	code = arch_mfn_to_virt(mfn);
	memset(code, 0xcc, PAGE_SIZE); /* int3 around the stubs */
	write_stub(code, 0, stub_va, ci, (uint64_t)pv_syscall_entry);
	write_stub(code, 64, stub_va + 64, ci, (uint64_t)pv_syscall_entry32);
	paging_map_page(stub_va, mfn_x(mfn) << PAGE_SHIFT, PTE_P | PTE_G);

	/* Exceptions and interrupts from ring 3 land on the guest frame. */
	p->tss.rsp[0] = (uint64_t)ci;

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL: CS 0xe008, SS 0xe010.  SYSRET: CS 0xe033 / 0xe023, SS 0xe02b. */
	wrmsr(MSR_STAR, ((uint64_t)(GUEST_CS32 & ~3u) << 48) | ((uint64_t)HYPERVISOR_CS << 32));
	wrmsr(MSR_LSTAR, stub_va);
	wrmsr(MSR_CSTAR, stub_va + 64);
	wrmsr(MSR_SYSCALL_MASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC);
	wrmsr(MSR_IA32_SYSENTER_CS, 0);
	pv_gdt_cpu_init(p);
}
