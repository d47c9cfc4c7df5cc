/*
 * tests/unit/test_pv_ioport.c - where a PV guest's port I/O goes once its
 * virtual IOPL let it run (hypervisor/common/pv_ioport.c): the machine's
 * port for the control domain, a virtual device otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hypervisor/common/pv_ioport.h"

#define COM1 0x3f8

/* Only a privileged domain reaches the machine, and never Keel's UART. */
static void test_direct_only_for_the_control_domain(void **state)
{
	(void)state;
	assert_true(pv_io_direct(true, COM1, 0x80, 1));
	assert_true(pv_io_direct(true, COM1, PV_IO_PCI_CONFIG_ADDRESS, 4));
	assert_false(pv_io_direct(false, COM1, 0x80, 1));
	assert_false(pv_io_direct(false, 0, 0x80, 1));
	/* Every register of the UART, and accesses that only overlap it. */
	for (uint16_t p = COM1; p < COM1 + 8; p++)
		assert_false(pv_io_direct(true, COM1, p, 1));
	assert_false(pv_io_direct(true, COM1, COM1 - 1, 2));
	assert_false(pv_io_direct(true, COM1, COM1 - 3, 4));
	assert_false(pv_io_direct(true, COM1, COM1 + 7, 2));
	assert_true(pv_io_direct(true, COM1, COM1 - 4, 4));
	assert_true(pv_io_direct(true, COM1, COM1 + 8, 1));
	/* No UART console: nothing held back. */
	assert_true(pv_io_direct(true, 0, COM1, 1));
}

/* A port nobody drives: all ones at every width, and writes change nothing. */
static void test_unbacked_ports_read_all_ones(void **state)
{
	struct pv_io_latches l = {0};

	(void)state;
	assert_int_equal(pv_io_virtual_read(&l, 0x80, 1), 0xff);
	assert_int_equal(pv_io_virtual_read(&l, 0x3f8, 2), 0xffff);
	assert_int_equal(pv_io_virtual_read(&l, 0x1000, 4), 0xffffffffu);
	pv_io_virtual_write(&l, 0x80, 1, 0x12);
	pv_io_virtual_write(&l, 0x1000, 4, 0x12345678);
	assert_int_equal(pv_io_virtual_read(&l, 0x80, 1), 0xff);
	assert_int_equal(l.pci_config_address, 0);
	assert_int_equal(l.cmos_index, 0);
}

/* CONFIG_ADDRESS is a private latch for dword accesses; the data port reads all ones. */
static void test_pci_config_address_latch(void **state)
{
	struct pv_io_latches l = {0};

	(void)state;
	pv_io_virtual_write(&l, PV_IO_PCI_CONFIG_ADDRESS, 4, 0x8000c068);
	assert_int_equal(l.pci_config_address, 0x8000c068);
	assert_int_equal(pv_io_virtual_read(&l, PV_IO_PCI_CONFIG_ADDRESS, 4), 0x8000c068);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(pv_io_virtual_read(&l, PV_IO_PCI_CONFIG_DATA + i, 1), 0xff);
	assert_int_equal(pv_io_virtual_read(&l, PV_IO_PCI_CONFIG_DATA, 4), 0xffffffffu);
	/* Narrower accesses at 0xcf8 are other registers: they neither read nor move the latch. */
	pv_io_virtual_write(&l, PV_IO_PCI_CONFIG_ADDRESS, 2, 0x1234);
	pv_io_virtual_write(&l, PV_IO_PCI_CONFIG_ADDRESS, 1, 0x56);
	assert_int_equal(l.pci_config_address, 0x8000c068);
	assert_int_equal(pv_io_virtual_read(&l, PV_IO_PCI_CONFIG_ADDRESS, 2), 0xffff);
	assert_int_equal(pv_io_virtual_read(&l, PV_IO_PCI_CONFIG_ADDRESS, 1), 0xff);
}

/* The CMOS index is latched from any access that covers port 0x70; 0x71 reads all ones. */
static void test_cmos_index_latch(void **state)
{
	struct pv_io_latches l = {0};

	(void)state;
	pv_io_virtual_write(&l, PV_IO_CMOS_INDEX, 1, 0x8b);
	assert_int_equal(pv_io_virtual_read(&l, PV_IO_CMOS_INDEX, 1), 0x8b);
	assert_int_equal(pv_io_virtual_read(&l, PV_IO_CMOS_DATA, 1), 0xff);
	/* A word at 0x70: index in the low byte, data port above it. */
	assert_int_equal(pv_io_virtual_read(&l, PV_IO_CMOS_INDEX, 2), 0xff8b);
	/* A word write at 0x6f puts its high byte into the index. */
	pv_io_virtual_write(&l, PV_IO_CMOS_INDEX - 1, 2, 0x0a55);
	assert_int_equal(l.cmos_index, 0x0a);
	/* A dword read from 0x6e: bytes 0x6e, 0x6f, 0x70 (the index), 0x71. */
	assert_int_equal(pv_io_virtual_read(&l, PV_IO_CMOS_INDEX - 2, 4), 0xff0affffu);
}

/* Port numbers wrap at 64 Ki, as the hardware's do: no out-of-range byte. */
static void test_port_wraps(void **state)
{
	struct pv_io_latches l = {0};

	(void)state;
	assert_int_equal(pv_io_virtual_read(&l, 0xfffe, 4), 0xffffffffu);
	pv_io_virtual_write(&l, 0xffff, 4, 0x11223344);
	assert_int_equal(l.cmos_index, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_direct_only_for_the_control_domain),
	    cmocka_unit_test(test_unbacked_ports_read_all_ones),
	    cmocka_unit_test(test_pci_config_address_latch),
	    cmocka_unit_test(test_cmos_index_latch),
	    cmocka_unit_test(test_port_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
