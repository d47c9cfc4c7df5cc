/*
 * hypervisor/arch/x86/ioapic.c - the I/O APICs found in the MADT.
 *
 * Device interrupts belong to dom0 in the end; Keel itself takes only
 * the console UART's (hypervisor/serial_input.c).  So at boot every
 * redirection entry is masked, and an entry is unmasked only when Keel
 * routes that interrupt to itself: nothing can interrupt the hypervisor
 * behind its back.  Registers are reached through the IOREGSEL/IOWIN pair.
 *
 * Boot CPU only, at boot (interrupts off): the register pair needs no lock.
 */
#include "arch/acpi.h"
#include "arch/apic.h"
#include "arch/paging.h"
#include "lib/errno.h"
#include "lib/printk.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))
#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_LEVEL (1u << 15)
#define REDIR_MASKED (1u << 16)
#define REDIR_DEST_SHIFT 24 /* physical destination: the local APIC id, high word */

/* MADT interrupt source override flags (MPS INTI): 00 in a field means "as the bus says". */
#define INTI_POLARITY_MASK 0x3
#define INTI_ACTIVE_LOW 0x3
#define INTI_TRIGGER_MASK 0xc
#define INTI_LEVEL 0xc

static volatile uint32_t *ioapic_base[ACPI_MAX_IOAPICS];
static unsigned int ioapic_pins[ACPI_MAX_IOAPICS];

static uint32_t ioapic_read(volatile uint32_t *base, uint32_t reg)
{
	base[IOREGSEL / 4] = reg;
	return base[IOWIN / 4];
}

static void ioapic_write(volatile uint32_t *base, uint32_t reg, uint32_t v)
{
	base[IOREGSEL / 4] = reg;
	base[IOWIN / 4] = v;
}

void ioapic_init(void)
{
	for (unsigned int i = 0; i < acpi.nr_ioapics; i++) {
		volatile uint32_t *base = ioremap(acpi.ioapic[i].addr, PAGE_SIZE);
		unsigned int pins = ((ioapic_read(base, IOAPIC_VER) >> 16) & 0xff) + 1;

		ioapic_base[i] = base;
		ioapic_pins[i] = pins;
		for (unsigned int pin = 0; pin < pins; pin++) {
			ioapic_write(base, IOAPIC_REDTBL(pin), REDIR_MASKED);
			ioapic_write(base, IOAPIC_REDTBL(pin) + 1, 0);
		}
		printk(KLOG_INFO "IOAPIC %u: id %u at %#x, GSIs %u-%u, all masked\n", i,
		       acpi.ioapic[i].id, acpi.ioapic[i].addr, acpi.ioapic[i].gsi_base,
		       acpi.ioapic[i].gsi_base + pins - 1);
	}
}

/* ISA's convention (edge, active high) unless the MADT overrides this IRQ. */
static uint32_t isa_irq_gsi(unsigned int isa_irq, uint32_t *redir_flags)
{
	*redir_flags = 0;
	for (unsigned int i = 0; i < acpi.nr_overrides; i++) {
		const struct acpi_irq_override *o = &acpi.overrides[i];

		if (o->isa_irq != isa_irq)
			continue;
		if ((o->flags & INTI_POLARITY_MASK) == INTI_ACTIVE_LOW)
			*redir_flags |= REDIR_ACTIVE_LOW;
		if ((o->flags & INTI_TRIGGER_MASK) == INTI_LEVEL)
			*redir_flags |= REDIR_LEVEL;
		return o->gsi;
	}
	return isa_irq;
}

int ioapic_route_isa_irq(unsigned int isa_irq, uint8_t vector, uint32_t apic_id)
{
	uint32_t flags;
	uint32_t gsi = isa_irq_gsi(isa_irq, &flags);

	for (unsigned int i = 0; i < acpi.nr_ioapics; i++) {
		uint32_t pin = gsi - acpi.ioapic[i].gsi_base;

		if (gsi < acpi.ioapic[i].gsi_base || pin >= ioapic_pins[i])
			continue;
		/* Destination first, then the low word that unmasks: never live half-written. */
		ioapic_write(ioapic_base[i], IOAPIC_REDTBL(pin) + 1, apic_id << REDIR_DEST_SHIFT);
		ioapic_write(ioapic_base[i], IOAPIC_REDTBL(pin), vector | flags);
		printk(KLOG_INFO "IOAPIC %u: ISA IRQ %u = GSI %u (%s, active %s) -> vector %#x, "
				 "APIC id %u\n",
		       i, isa_irq, gsi, flags & REDIR_LEVEL ? "level" : "edge",
		       flags & REDIR_ACTIVE_LOW ? "low" : "high", vector, apic_id);
		return (int)gsi;
	}
	return -ENOENT;
}
