/*
 * hypervisor/shutdown.c - powering off, rebooting and panicking.
 *
 * Power-off tries, in order: QEMU's isa-debug-exit port (only when running
 * under a hypervisor, where that port is otherwise unused), ACPI S5 through
 * the FADT's PM1 control registers, then halting.  panic() reboots unless
 * `noreboot` was given, as Xen does; with it, the CPU halts (after telling
 * isa-debug-exit, so a test under QEMU ends with a distinct status).
 */
#include "hypervisor/shutdown.h"

#include <stdarg.h>

#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/percpu.h"
#include "arch/smp.h"
#include "hypervisor/console.h"
#include "lib/format.h"

#define ISA_DEBUG_EXIT_PORT 0xf4

bool opt_noreboot;

void machine_halt_cpu(void)
{
	for (;;) {
		local_irq_disable();
		halt();
	}
}

/* Tells QEMU's isa-debug-exit device (if any) how we ended; QEMU then exits. */
static void report_exit_code(enum keel_exit_code code)
{
	if (cpu_features.hypervisor)
		outl(ISA_DEBUG_EXIT_PORT, code);
}

void machine_power_off(enum keel_exit_code code)
{
	local_irq_disable();
	smp_stop_other_cpus();
	report_exit_code(code);
	acpi_power_off();
	printk("Power off failed: halting.\n");
	machine_halt_cpu();
}

void machine_restart(void)
{
	local_irq_disable();
	smp_stop_other_cpus();
	acpi_reset();
	outb(0xcf9, 0x02); /* PCI reset control: request a hard reset */
	outb(0xcf9, 0x06);
	outb(0x64, 0xfe); /* keyboard controller: pulse the reset line */
	machine_halt_cpu();
}

void panic(const char *fmt, ...)
{
	static volatile int panicking;
	char buf[256];
	va_list ap;

	local_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		machine_halt_cpu(); /* another CPU is already reporting */
	va_start(ap, fmt);
	format_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_force_unlock();
	printk("PANIC on CPU %u: %s\n", this_cpu() ? this_cpu()->cpu : 0, buf);
	if (opt_noreboot) {
		printk("noreboot given: halting.\n");
		smp_stop_other_cpus();
		report_exit_code(KEEL_EXIT_PANIC);
		machine_halt_cpu();
	}
	printk("Rebooting.\n");
	machine_restart();
}
