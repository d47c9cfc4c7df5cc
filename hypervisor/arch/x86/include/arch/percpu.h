/*
 * arch/percpu.h - per-CPU data and the per-CPU stack block.
 *
 * Each CPU owns one STACK_SIZE block, aligned to STACK_SIZE:
 *
 *   +0K  .. +4K   IST stack for #DF
 *   +4K  .. +8K   IST stack for NMI
 *   +8K  .. +12K  IST stack for #MC
 *   +12K .. +32K  the primary stack; struct cpu_info sits at its very top
 *
 * Whatever stack a CPU is on, rounding RSP up to the block's end finds its
 * cpu_info, and from it the CPU's struct percpu.  Keel does not use the GS
 * base for this because 64-bit PV guests own GS (as in Xen).
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include "arch/spinlock.h"
#include "hypervisor/common/timer_queue.h"
#include "lib/types.h"

struct vcpu;

#define MAX_CPUS 64
#define STACK_ORDER 3
#define STACK_SIZE (PAGE_SIZE << STACK_ORDER)
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3

/* The 64-bit TSS (Intel SDM vol. 3, 8.7). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed, aligned(16)));

enum cpu_state {
	CPU_OFFLINE = 0,
	CPU_STARTING,
	CPU_ONLINE,
	CPU_FAILED,
};

struct percpu {
	unsigned int cpu;   /* logical CPU number, 0 = the boot CPU */
	uint32_t apic_id;   /* from the MADT */
	uint8_t *stack_block;
	volatile int state; /* enum cpu_state */
	struct tss64 tss;
	/* Keel's GDT page (arch/segment.h): the GDT from offset 0xe000 on. */
	uint64_t *gdt_page;
	/* Hypervisor timers due on this CPU; timer_lock guards them. */
	spinlock_t timer_lock;
	struct timer_queue timers;
	uint64_t armed_deadline_ns; /* what the LAPIC timer is set for */
	/*
	 * PV guests (hypervisor/arch/x86/pv/): the vCPU whose registers are in
	 * this CPU's guest frame (NULL: idle), the vCPUs whose deferred
	 * wake-ups this CPU handles (their home: a ring through
	 * pv_vcpu.rq_next, under rq_lock), and a request to choose again
	 * before returning to a guest.
	 */
	struct vcpu *curr_vcpu;
	spinlock_t rq_lock;
	struct vcpu *rq_head;
	volatile bool need_resched;
	/* Some vCPU of the ring has wake_pending set (pv_timers.c looks only then). */
	volatile bool wakeups_pending;
};

struct cpu_info {
	struct percpu *pcpu;
	uint64_t guard; /* keeps the top of the stack 16-byte aligned */
};

extern struct percpu *percpu_of[MAX_CPUS];
extern unsigned int nr_cpus_online;

static inline struct cpu_info *get_cpu_info(void)
{
	uint64_t sp;

	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - sizeof(struct cpu_info));
}

static inline struct percpu *this_cpu(void)
{
	return get_cpu_info()->pcpu;
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

#endif /* ARCH_PERCPU_H */
