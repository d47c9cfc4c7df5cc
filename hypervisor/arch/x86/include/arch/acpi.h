/*
 * arch/acpi.h - what Keel learns from the ACPI tables: CPUs and interrupt
 * controllers (MADT), timers (HPET, the FADT's PM timer) and how to power
 * off and reset (FADT, the DSDT's \_S5 object).
 */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include "lib/types.h"

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

/* An ISA IRQ routed to a different global system interrupt (MADT type 2). */
struct acpi_irq_override {
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_info {
	uint64_t rsdp;
	uint64_t lapic_addr;
	unsigned int nr_cpus;
	uint32_t cpu_apic_id[ACPI_MAX_CPUS]; /* enabled CPUs, in MADT order */
	uint32_t cpu_acpi_id[ACPI_MAX_CPUS]; /* their ACPI processor UIDs */
	unsigned int nr_cpus_ignored;        /* beyond ACPI_MAX_CPUS, or disabled */
	unsigned int nr_ioapics;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	uint64_t hpet_addr;   /* 0: no HPET */
	uint16_t pm_tmr_port; /* 0: no PM timer */
	bool pm_tmr_32bit;
	uint16_t pm1a_cnt, pm1b_cnt;
	bool have_s5;
	uint8_t slp_typ_a, slp_typ_b;
	uint8_t reset_space; /* GAS address space of the reset register */
	uint64_t reset_addr;
	uint8_t reset_value;
	bool have_reset;
};

extern struct acpi_info acpi;

/*
 * Finds the RSDP (given by the EFI loader, or scanned for in the BIOS
 * areas) and parses the tables.  Returns 0, or -ENOENT without ACPI.
 */
int acpi_init(uint64_t rsdp_hint);
/* S5 through PM1 control; returns only if that was impossible. */
void acpi_power_off(void);
/* The FADT reset register; returns only if that was impossible. */
void acpi_reset(void);

#endif
