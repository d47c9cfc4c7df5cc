/*
 * arch/cpu.h - thin wrappers for x86 instructions: port I/O, MSRs, CPUID,
 * TSC, control registers, interrupt flag.  No state.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include "lib/types.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}
static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	return cpuid_count(leaf, 0);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                                                \
	static inline uint64_t read_cr##n(void)                                               \
	{                                                                                     \
		uint64_t v;                                                                   \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                             \
		return v;                                                                     \
	}                                                                                     \
	static inline void write_cr##n(uint64_t v)                                            \
	{                                                                                     \
		__asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                      \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_rflags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}
static inline void local_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}
static inline void local_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}
static inline unsigned long local_irq_save(void)
{
	unsigned long f = read_rflags();

	local_irq_disable();
	return f;
}
static inline void local_irq_restore(unsigned long flags)
{
	if (flags & (1UL << 9))
		local_irq_enable();
}
static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}
static inline void halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}
static inline void invlpg(const void *va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}
/* The SMAP window: only the guest-copy helpers may open it. */
static inline void stac(void)
{
	__asm__ volatile(".byte 0x0f,0x01,0xcb" ::: "memory");
}
static inline void clac(void)
{
	__asm__ volatile(".byte 0x0f,0x01,0xca" ::: "memory");
}

#define barrier() __asm__ volatile("" ::: "memory")
#define smp_mb() __asm__ volatile("mfence" ::: "memory")

/* Architectural MSRs and bits Keel touches. */
#define MSR_EFER 0xc0000080
#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_NXE (1UL << 11)
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE 0x1b
#define MSR_APIC_BASE_BSP (1UL << 8)
#define MSR_APIC_BASE_ENABLE (1UL << 11)
#define APIC_DEFAULT_MADDR 0xfee00000UL /* the local APIC's base at reset */
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_PAT 0x277
/* The PAT Keel runs with and PV guests read, Xen's: WB WT UC- UC WC WP UC UC. */
#define PV_MSR_PAT 0x0000050100070406ULL

#define CR0_PE (1UL << 0)
#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR0_NE (1UL << 5)
#define CR0_WP (1UL << 16)
#define CR0_PG (1UL << 31)
#define CR4_PAE (1UL << 5)
#define CR4_PGE (1UL << 7)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_SMEP (1UL << 20)
#define CR4_SMAP (1UL << 21)

#endif /* ARCH_CPU_H */
