/*
 * arch/cpufeature.h - what the boot CPU can do, read once from CPUID.
 */
#ifndef ARCH_CPUFEATURE_H
#define ARCH_CPUFEATURE_H

#include "lib/types.h"

struct cpu_features {
	bool nx;
	bool smep;
	bool smap;
	bool x2apic;
	bool tsc_deadline;
	bool page1gb;
	bool invariant_tsc;
	bool hypervisor; /* running under a hypervisor (CPUID.1:ECX[31]) */
	bool pge;
	char vendor[13];
	char brand[49];
};

extern struct cpu_features cpu_features;
/* Read by entry.asm: whether `clac` may be executed. */
extern uint8_t cpu_has_smap;

/* Fills cpu_features from CPUID on the boot CPU. */
void cpu_features_init(void);

struct percpu;
/*
 * Loads this CPU's GDT, TSS (with IST stacks from its stack block) and the
 * IDT, and turns on NX, SMEP, SMAP and write protection where present.
 */
void cpu_setup_local(struct percpu *p);

#endif
