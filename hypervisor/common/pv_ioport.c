/*
 * hypervisor/common/pv_ioport.c - the ports a PV domain reaches after its
 * virtual IOPL allowed an in/out (rules in pv_ioport.h).
 */
#include "hypervisor/common/pv_ioport.h"

bool pv_io_direct(bool privileged, uint16_t console_port, uint16_t port, unsigned int size)
{
	if (!privileged)
		return false;
	/* Keel's console UART is Keel's, even for the control domain. */
	return !(console_port && port + size > console_port &&
		 port < console_port + PV_IO_UART_PORTS);
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
