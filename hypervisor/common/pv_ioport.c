/*
 * hypervisor/common/pv_ioport.c - the ports a PV domain reaches after its
 * virtual IOPL allowed an in/out (rules in pv_ioport.h).
 */
#include "hypervisor/common/pv_ioport.h"

/* Whether [port, port + size) and [first, first + count) share a port. */
static bool overlaps(uint16_t port, unsigned int size, uint16_t first, unsigned int count)
{
	return (uint32_t)port + size > first && port < (uint32_t)first + count;
}

/* The ports Keel keeps whatever the machine: legacy PIC, PIT, PIT gate. */
static const struct {
	uint16_t first;
	uint8_t count;
} keel_fixed_ports[] = {
	{0x20, 2}, /* master interrupt controller */
	{0xa0, 2}, /* slave interrupt controller */
	{0x40, 4}, /* interval timer */
	{0x61, 1}, /* interval timer channel 2 gate, speaker */
};

bool pv_io_direct(const struct pv_io_keel_ports *keel, bool privileged, uint16_t port,
		  unsigned int size)
{
	if (!privileged)
		return false;
	for (unsigned int i = 0; i < sizeof(keel_fixed_ports) / sizeof(keel_fixed_ports[0]); i++)
		if (overlaps(port, size, keel_fixed_ports[i].first, keel_fixed_ports[i].count))
			return false;
	if (keel->console_uart && overlaps(port, size, keel->console_uart, PV_IO_UART_PORTS))
		return false;
	if (keel->pm_timer && overlaps(port, size, keel->pm_timer, 4))
		return false;
	return true;
}

/* One byte-wide register of the virtual device: all ones but the CMOS index. */
static uint8_t virtual_read_byte(const struct pv_io_latches *l, uint16_t port)
{
	return port == PV_IO_CMOS_INDEX ? l->cmos_index : 0xff;
}

uint32_t pv_io_virtual_read(const struct pv_io_latches *l, uint16_t port, unsigned int size)
{
	uint32_t val = 0;

	/* CONFIG_ADDRESS answers dword accesses only; narrower ones fall through to bytes. */
	if (port == PV_IO_PCI_CONFIG_ADDRESS && size == 4)
		return l->pci_config_address;
	/* A word or dword spans consecutive ports, least significant byte first; port wraps at 64 Ki. */
	for (unsigned int i = 0; i < size; i++)
		val |= (uint32_t)virtual_read_byte(l, (uint16_t)(port + i)) << (8 * i);
	return val;
}

void pv_io_virtual_write(struct pv_io_latches *l, uint16_t port, unsigned int size, uint32_t val)
{
	if (port == PV_IO_PCI_CONFIG_ADDRESS && size == 4) {
		l->pci_config_address = val;
		return;
	}
	for (unsigned int i = 0; i < size; i++)
		if ((uint16_t)(port + i) == PV_IO_CMOS_INDEX)
			l->cmos_index = (uint8_t)(val >> (8 * i));
}
