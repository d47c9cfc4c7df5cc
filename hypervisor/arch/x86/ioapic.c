/*
 * hypervisor/arch/x86/ioapic.c - the I/O APICs found in the MADT.
 *
 * Keel routes no device interrupts yet (dom0 will own devices), so every
 * redirection entry is masked: nothing can interrupt the hypervisor behind
 * its back.  Registers are reached through the IOREGSEL/IOWIN pair.
 */
#include "arch/acpi.h"
#include "arch/apic.h"
#include "arch/paging.h"
#include "lib/printk.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))
#define REDIR_MASKED (1u << 16)

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

		for (unsigned int pin = 0; pin < pins; pin++) {
			ioapic_write(base, IOAPIC_REDTBL(pin), REDIR_MASKED);
			ioapic_write(base, IOAPIC_REDTBL(pin) + 1, 0);
		}
		printk(KLOG_INFO "IOAPIC %u: id %u at %#x, GSIs %u-%u, all masked\n", i,
		       acpi.ioapic[i].id, acpi.ioapic[i].addr, acpi.ioapic[i].gsi_base,
		       acpi.ioapic[i].gsi_base + pins - 1);
	}
}
