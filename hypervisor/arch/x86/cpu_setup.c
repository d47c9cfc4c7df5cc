/*
 * hypervisor/arch/x86/cpu_setup.c - CPU feature detection and the per-CPU
 * descriptor tables (GDT, TSS) and control-register settings.
 *
 * Each CPU runs cpu_setup_local() once, on its own stack, before enabling
 * interrupts.  cpu_features is written by the boot CPU before any other
 * CPU starts and is read-only afterwards.
 */
#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/percpu.h"
#include "arch/segment.h"
#include "arch/traps.h"
#include "lib/compiler.h"
#include "lib/string.h"

struct cpu_features cpu_features;
uint8_t cpu_has_smap;

BUILD_BUG_ON(HYPERVISOR_CS != FIRST_RESERVED_GDT_BYTE + 8);
BUILD_BUG_ON(GUEST_CS64 != GUEST_CS32 + 16 || GUEST_DS != GUEST_CS32 + 8); /* SYSRET's rule */

void cpu_features_init(void)
{
	struct cpuid_regs r = cpuid(0);
	uint32_t max_ext;

	memcpy(cpu_features.vendor + 0, &r.ebx, 4);
	memcpy(cpu_features.vendor + 4, &r.edx, 4);
	memcpy(cpu_features.vendor + 8, &r.ecx, 4);
	if (r.eax >= 7) {
		struct cpuid_regs l7 = cpuid_count(7, 0);

		cpu_features.smep = l7.ebx & (1u << 7);
		cpu_features.smap = l7.ebx & (1u << 20);
	}
	r = cpuid(1);
	cpu_features.x2apic = r.ecx & (1u << 21);
	cpu_features.tsc_deadline = r.ecx & (1u << 24);
	cpu_features.hypervisor = r.ecx & (1u << 31);
	cpu_features.pge = r.edx & (1u << 13);

	max_ext = cpuid(0x80000000).eax;
	if (max_ext >= 0x80000001) {
		r = cpuid(0x80000001);
		cpu_features.nx = r.edx & (1u << 20);
		cpu_features.page1gb = r.edx & (1u << 26);
	}
	if (max_ext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			r = cpuid(0x80000002 + i);
			memcpy(cpu_features.brand + 16 * i, &r, 16);
		}
	}
	if (max_ext >= 0x80000007)
		cpu_features.invariant_tsc = cpuid(0x80000007).edx & (1u << 8);
	cpu_has_smap = cpu_features.smap;
}

/* A 16-byte system-segment descriptor for the TSS. */
static void gdt_set_tss(uint64_t *gdt, unsigned int idx, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

	gdt[idx] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
		   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[idx + 1] = base >> 32;
}

/* Descriptor words: flat 4 GiB, granular, present, with the given DPL and kind. */
#define DESC_CODE64(dpl) (0x00af9a000000ffffUL | ((uint64_t)(dpl) << 45))
#define DESC_CODE32(dpl) (0x00cf9a000000ffffUL | ((uint64_t)(dpl) << 45))
#define DESC_DATA(dpl) (0x00cf92000000ffffUL | ((uint64_t)(dpl) << 45))

static void load_gdt_and_tss(struct percpu *p)
{
	uint64_t *gdt = p->gdt_page;
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed gdtr = { GDT_RESERVED_OFFSET + PAGE_SIZE - 1,
			    (uint64_t)gdt - GDT_RESERVED_OFFSET };

	memset(gdt, 0, PAGE_SIZE);
	gdt[GDT_RESERVED_INDEX(HYPERVISOR_CS)] = DESC_CODE64(0);
	gdt[GDT_RESERVED_INDEX(HYPERVISOR_DS)] = DESC_DATA(0);
	gdt[GDT_RESERVED_INDEX(GUEST_CS32)] = DESC_CODE32(3);
	gdt[GDT_RESERVED_INDEX(GUEST_DS)] = DESC_DATA(3);
	gdt[GDT_RESERVED_INDEX(GUEST_CS64)] = DESC_CODE64(3);
	gdt_set_tss(gdt, GDT_RESERVED_INDEX(TSS_SELECTOR), &p->tss);

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 :
			 : "m"(gdtr), "i"(HYPERVISOR_CS), "r"(HYPERVISOR_DS)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" ::"r"(TSS_SELECTOR));
}

void cpu_setup_local(struct percpu *p)
{
	uint64_t cr4 = read_cr4();

	memset(&p->tss, 0, sizeof(p->tss));
	p->tss.ist[IST_DF - 1] = (uint64_t)p->stack_block + 1 * PAGE_SIZE;
	p->tss.ist[IST_NMI - 1] = (uint64_t)p->stack_block + 2 * PAGE_SIZE;
	p->tss.ist[IST_MC - 1] = (uint64_t)p->stack_block + 3 * PAGE_SIZE;
	p->tss.iomap_base = sizeof(p->tss); /* no I/O bitmap: ring 3 gets no ports */
	load_gdt_and_tss(p);
	idt_load();

	if (cpu_features.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (cpu_features.smep)
		cr4 |= CR4_SMEP;
	if (cpu_features.smap)
		cr4 |= CR4_SMAP;
	if (cpu_features.pge)
		cr4 |= CR4_PGE;
	/* Keel itself never touches the FPU; guests use x87 and SSE (fxsave state). */
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	write_cr4(cr4);
	write_cr0((read_cr0() | CR0_WP | CR0_NE | CR0_MP) & ~CR0_EM);
	/*
	 * Xen's PAT, the one a PV guest's page-table cache bits are written
	 * for (it reads it back through rdmsr): WC at index 4 and WP at 5.
	 * Keel's own mappings use indices 0 (WB) and 3 (UC), the same in
	 * the reset value.
	 */
	wrmsr(MSR_PAT, PV_MSR_PAT);
}
