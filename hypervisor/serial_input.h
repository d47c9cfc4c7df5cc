/*
 * hypervisor/serial_input.h - typing on Keel's serial console: the
 * UART's receive interrupt and what the guest exit path does with the
 * bytes (hypervisor/serial_input.c).
 */
#ifndef HYPERVISOR_SERIAL_INPUT_H
#define HYPERVISOR_SERIAL_INPUT_H

/*
 * Routes the console UART's IRQ to the boot CPU and turns its receive
 * interrupt on.  Boot CPU, after ioapic_init, interrupts still off.  No
 * console UART, or no I/O APIC for its IRQ: input is off (a warning says
 * why) and Keel runs on.
 */
void serial_input_init(void);

/*
 * VIRQ_CONSOLE to the control domain if bytes for it arrived since the
 * last call, then Keel's debug keys typed while input was switched to
 * Keel (hypercalls/debug_keys.c).  From the exit path only: interrupts
 * off, no locks held, not in an interrupt handler (event channels and the
 * debug-key reports take locks that are not interrupt-safe).
 */
void serial_input_deferred_work(void);

#endif /* HYPERVISOR_SERIAL_INPUT_H */
