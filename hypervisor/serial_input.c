/*
 * hypervisor/serial_input.c - typing on Keel's serial console.
 *
 * The UART raises its receive interrupt (ISA IRQ 4 for COM1, routed by
 * the I/O APIC to the boot CPU); the handler reads every waiting byte
 * into the input switch (common/console_input.c), which queues it for
 * the control domain or, after CTRL-a three times, for Keel's debug keys.
 * Nothing more happens in the handler: sending VIRQ_CONSOLE and printing
 * a debug-key report take locks that an interrupt must never spin on, so
 * they wait for serial_input_deferred_work on the next guest exit path
 * (the same way console_ring_notify sends VIRQ_CON_RING).
 *
 * Locks: none of its own; the rings' leaf locks (input_ring.h).
 */
#include "hypervisor/serial_input.h"

#include <stdint.h>

#include <xen/xen.h>

#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/serial.h"
#include "arch/traps.h"
#include "hypercalls/control.h"
#include "hypercalls/evtchn.h"
#include "hypervisor/common/console_input.h"
#include "lib/printk.h"

/*
 * A UART hands out at most its FIFO's worth per interrupt; far more means
 * the port reads as "always data ready" (nothing there), and the handler
 * must not spin on it for ever.
 */
#define MAX_BYTES_PER_INTERRUPT 4096

static void serial_input_interrupt(struct trap_frame *f)
{
	int c, n = 0;

	(void)f;
	while (n++ < MAX_BYTES_PER_INTERRUPT && (c = serial_getc()) >= 0)
		console_input_receive((char)c);
	apic_eoi();
}

void serial_input_init(void)
{
	int irq = serial_isa_irq();
	int gsi;

	if (irq < 0)
		return; /* console=none or a port Keel does not know the IRQ of */
	gsi = ioapic_route_isa_irq((unsigned int)irq, VECTOR_SERIAL, this_cpu()->apic_id);
	if (gsi < 0) {
		printk(KLOG_WARNING "serial input off: no I/O APIC serves ISA IRQ %d\n", irq);
		return;
	}
	set_irq_handler(VECTOR_SERIAL, serial_input_interrupt);
	serial_rx_interrupt_enable();
	printk(KLOG_INFO "serial input to dom0 (CTRL-a three times for Keel's debug keys)\n");
}

void serial_input_deferred_work(void)
{
	char key;

	for (;;) {
		if (input_ring_take_news(&console_input_dom0))
			evtchn_send_control_virq(VIRQ_CONSOLE);
		/* The common case, on every return to a guest: nothing typed for Keel, no lock. */
		if (!input_ring_take_news(&console_input_keys))
			return;
		while (input_ring_get(&console_input_keys, &key, 1)) {
			/* A report is long: let timers and more input in while it prints. */
			local_irq_enable();
			control_debug_key(key);
			local_irq_disable();
		}
		/* Bytes for dom0 typed during a report: their VIRQ must not wait. */
	}
}
