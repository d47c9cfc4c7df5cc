/*
 * arch/apic.h - the local APIC (xAPIC through MMIO, or x2APIC through MSRs
 * when the CPU has it) and the I/O APICs.
 */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include "lib/types.h"

extern bool apic_x2apic_mode;

/* On the boot CPU: chooses x2APIC or xAPIC, maps the xAPIC page. */
void apic_init_bsp(void);
/* On every CPU: enables its local APIC (x2APIC mode if chosen), masks LVTs. */
void apic_setup_local(void);
uint32_t apic_read_id(void);
void apic_eoi(void);

/* Sends a fixed-delivery interrupt `vector` to the CPU with `apic_id`. */
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
/* Sends an NMI to the CPU with `apic_id`. */
void apic_send_nmi(uint32_t apic_id);
/* The INIT-SIPI-SIPI steps of starting an application processor. */
void apic_send_init(uint32_t apic_id);
void apic_send_sipi(uint32_t apic_id, uint8_t start_page);

/*
 * One-shot timer: fires `vector` once at TSC value `tsc_deadline` (TSC-deadline
 * mode when available, else a count-down programmed from the calibrated
 * APIC timer rate).  0 disarms.
 */
void apic_timer_setup(uint8_t vector);
void apic_timer_arm(uint64_t tsc_deadline);
/* Measures the APIC timer against the TSC (needs the TSC calibrated). */
void apic_timer_calibrate(void);
extern bool apic_timer_deadline_mode;

/* Masks every pin of every I/O APIC: only what Keel routes to itself is unmasked. */
void ioapic_init(void);
/*
 * Routes ISA IRQ isa_irq to `vector` on the CPU with local APIC id apic_id
 * (fixed delivery, physical destination) and unmasks it: the GSI, polarity
 * and trigger mode of the MADT's interrupt source override when it has
 * one, else GSI = IRQ, edge-triggered, active high.  After ioapic_init,
 * on the boot CPU.  Returns the GSI, or -ENOENT when no I/O APIC has it.
 */
int ioapic_route_isa_irq(unsigned int isa_irq, uint8_t vector, uint32_t apic_id);

#endif
