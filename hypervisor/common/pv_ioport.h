/*
 * hypervisor/common/pv_ioport.h - what a PV guest's port I/O reaches once
 * its virtual IOPL has let the instruction run.
 *
 * Two questions decide an in/out, as on Xen:
 *   1. May the guest execute I/O instructions at all?  Its virtual IOPL
 *      (PHYSDEVOP_set_iopl) against its mode; no gives #GP.  That check is
 *      the caller's (hypervisor/arch/x86/pv/pv_emul.c).
 *   2. May the domain touch this port of the machine?  Only the control
 *      domain, and never the ports Keel drives (its console UART, its
 *      timers, the legacy PIC: see pv_io_direct).  If not, the access
 *      still completes, against a virtual device: a read gives all ones
 *      (a port nobody drives) and a write is dropped, except for two index
 *      registers the domain gets a private copy of: PCI CONFIG_ADDRESS
 *      (0xcf8, dword accesses) and the CMOS/RTC index (0x70).  Data reads
 *      through them (0xcfc-0xcff, 0x71) still give all ones.
 *
 * Linux built for Xen relies on (2): a domU kernel raises its IOPL to 1
 * and probes the PCI configuration ports early in boot; on Xen it reads
 * all ones and carries on, and a #GP there is an oops.
 */
#ifndef KEEL_HYPERVISOR_COMMON_PV_IOPORT_H
#define KEEL_HYPERVISOR_COMMON_PV_IOPORT_H

#include <stdbool.h>
#include <stdint.h>

#define PV_IO_PCI_CONFIG_ADDRESS 0xcf8
#define PV_IO_PCI_CONFIG_DATA 0xcfc
#define PV_IO_CMOS_INDEX 0x70
#define PV_IO_CMOS_DATA 0x71
#define PV_IO_UART_PORTS 8

/* A domain's private copies of the index registers (zero at creation). */
struct pv_io_latches {
	uint32_t pci_config_address;
	uint8_t cmos_index;
};

/* The ports of the machine Keel drives itself, beyond the fixed ones (see pv_io_direct). */
struct pv_io_keel_ports {
	uint16_t console_uart; /* its 8 registers; 0: Keel has no UART console */
	uint16_t pm_timer;     /* the ACPI PM timer's 4 ports; 0: none */
};

/*
 * Whether the machine's ports [port, port + size) are the domain's to use
 * directly: a privileged domain's, except the ones Keel keeps for itself,
 * as Xen keeps them from its hardware domain: the legacy interrupt
 * controllers (0x20-0x21, 0xa0-0xa1), the interval timer (0x40-0x43) and
 * its gate (0x61), the ACPI PM timer, and Keel's console UART.  An access
 * that touches any of them is not direct.
 */
bool pv_io_direct(const struct pv_io_keel_ports *keel, bool privileged, uint16_t port,
		  unsigned int size);

/* An access of `size` (1, 2 or 4) bytes at `port` that pv_io_direct refused. */
uint32_t pv_io_virtual_read(const struct pv_io_latches *l, uint16_t port, unsigned int size);
void pv_io_virtual_write(struct pv_io_latches *l, uint16_t port, unsigned int size, uint32_t val);

#endif
