/*
 * hypervisor/arch/x86/serial.c - polled 16550 UART.
 *
 * Owns the console UART's I/O port.  Output is polled, never interrupt
 * driven, so it works from the first C instruction and from inside a fatal
 * trap handler.  Callers serialise (hypervisor/console.c holds its lock).
 */
#include "arch/serial.h"

#include "arch/cpu.h"

enum {
	UART_THR = 0, /* transmit holding (DLAB=0) */
	UART_RBR = 0, /* receive buffer (DLAB=0) */
	UART_DLL = 0, /* divisor low (DLAB=1) */
	UART_IER = 1,
	UART_DLM = 1, /* divisor high (DLAB=1) */
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
};

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define UART_CLOCK_HZ 115200

static uint16_t serial_port;

void serial_init(uint16_t port, uint32_t baud)
{
	serial_port = port;
	outb(port + UART_IER, 0); /* polled: no UART interrupts */
	if (baud) {
		uint16_t div = (uint16_t)(UART_CLOCK_HZ / baud);

		outb(port + UART_LCR, LCR_DLAB);
		outb(port + UART_DLL, div & 0xff);
		outb(port + UART_DLM, div >> 8);
	}
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, 0x07); /* enable and clear FIFOs */
	outb(port + UART_MCR, 0x03); /* DTR, RTS */
}

static void serial_put_raw(char c)
{
	/* Bounded wait: a missing UART must not hang the hypervisor. */
	for (int i = 0; i < 100000; i++) {
		if (inb(serial_port + UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	outb(serial_port + UART_THR, (uint8_t)c);
}

void serial_putc(char c)
{
	if (!serial_port)
		return;
	if (c == '\n')
		serial_put_raw('\r');
	serial_put_raw(c);
}

int serial_getc(void)
{
	if (!serial_port || !(inb(serial_port + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(serial_port + UART_RBR);
}
