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
#define PM_TIMER 0x608 /* where q35 has it */

static const struct pv_io_keel_ports keel = {.console_uart = COM1, .pm_timer = PM_TIMER};
static const struct pv_io_keel_ports no_uart = {.pm_timer = PM_TIMER};

/* Only a privileged domain reaches the machine, and never Keel's UART. */
static void test_direct_only_for_the_control_domain(void **state)
{
	(void)state;
	assert_true(pv_io_direct(&keel, true, 0x80, 1));
	assert_true(pv_io_direct(&keel, true, PV_IO_PCI_CONFIG_ADDRESS, 4));
	assert_true(pv_io_direct(&keel, true, PV_IO_PCI_CONFIG_DATA, 4));
	assert_true(pv_io_direct(&keel, true, PV_IO_CMOS_INDEX, 1));
	assert_false(pv_io_direct(&keel, false, 0x80, 1));
	assert_false(pv_io_direct(&no_uart, false, 0x80, 1));
	/* Every register of the UART, and accesses that only overlap it. */
	for (uint16_t p = COM1; p < COM1 + 8; p++)
		assert_false(pv_io_direct(&keel, true, p, 1));
	assert_false(pv_io_direct(&keel, true, COM1 - 1, 2));
	assert_false(pv_io_direct(&keel, true, COM1 - 3, 4));
	assert_false(pv_io_direct(&keel, true, COM1 + 7, 2));
	assert_true(pv_io_direct(&keel, true, COM1 - 4, 4));
	assert_true(pv_io_direct(&keel, true, COM1 + 8, 1));
	/* No UART console: nothing held back there. */
	assert_true(pv_io_direct(&no_uart, true, COM1, 1));
}

/* The timers and interrupt controllers Keel drives stay Keel's, even for dom0 (as on Xen). */
static void test_keels_timers_and_pic(void **state)
{
	static const uint16_t kept[] = {0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61};
	static const uint16_t free_beside[] = {0x1f, 0x22, 0x9f, 0xa2, 0x3f, 0x44, 0x60, 0x62};
	const struct pv_io_keel_ports no_pm = {.console_uart = COM1};

	(void)state;
	for (unsigned int i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		assert_false(pv_io_direct(&keel, true, kept[i], 1));
		assert_false(pv_io_direct(&no_uart, true, kept[i], 1));
	}
	for (unsigned int i = 0; i < sizeof(free_beside) / sizeof(free_beside[0]); i++)
		assert_true(pv_io_direct(&keel, true, free_beside[i], 1));
	/* A wide access that reaches into them. */
	assert_false(pv_io_direct(&keel, true, 0x1e, 4));
	assert_false(pv_io_direct(&keel, true, 0x60, 2));
	assert_false(pv_io_direct(&keel, true, 0x3d, 4));
	/* The PM timer's four ports, where ACPI put it. */
	for (uint16_t p = PM_TIMER; p < PM_TIMER + 4; p++)
		assert_false(pv_io_direct(&keel, true, p, 1));
	assert_false(pv_io_direct(&keel, true, PM_TIMER, 4));
	assert_false(pv_io_direct(&keel, true, PM_TIMER - 2, 4));
	assert_true(pv_io_direct(&keel, true, PM_TIMER + 4, 4));
	assert_true(pv_io_direct(&keel, true, PM_TIMER - 4, 4));
	assert_true(pv_io_direct(&no_pm, true, PM_TIMER, 4));
	/* The top of the port space does not wrap into port 0. */
	assert_true(pv_io_direct(&keel, true, 0xfffe, 2));
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
	    cmocka_unit_test(test_keels_timers_and_pic),
	    cmocka_unit_test(test_unbacked_ports_read_all_ones),
	    cmocka_unit_test(test_pci_config_address_latch),
	    cmocka_unit_test(test_cmos_index_latch),
	    cmocka_unit_test(test_port_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
