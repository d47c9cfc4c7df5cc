/*
 * hypervisor/arch/x86/serial.c - the 16550 UART behind Keel's console.
 *
 * Owns the console UART's I/O port.  Output is polled, never interrupt
 * driven, so it works from the first C instruction and from inside a fatal
 * trap handler.  Callers serialise (hypervisor/console.c holds its lock).
 * Input raises the UART's receive interrupt once serial_rx_interrupt_enable()
 * turned it on (hypervisor/serial_input.c routes and handles it); its
 * handler is then the only caller of serial_getc().
 */
#include "arch/serial.h"

#include "arch/cpu.h"

enum {
	UART_THR = 0, /* transmit holding (DLAB=0) */
	UART_RBR = 0, /* receive buffer (DLAB=0) */
	UART_DLL = 0, /* divisor low (DLAB=1) */
	UART_IER = 1,
	UART_DLM = 1, /* divisor high (DLAB=1) */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
};

#define IER_RX_DATA 0x01
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define MCR_DTR_RTS 0x03
#define MCR_OUT2 0x08 /* on PCs, gates the UART's interrupt line to the interrupt controller */
#define UART_CLOCK_HZ 115200

static uint16_t serial_port;

/*
 * The FIFO control register is left as the firmware set it: turning the
 * FIFOs on or off empties the receive side, and a byte typed (or piped
 * into QEMU) during boot would be lost in a race no driver can close
 * (the UART may take the next byte between the last read and the write).
 * With the FIFOs off the UART holds one byte and a sender that honours
 * that (QEMU) waits; real hardware then needs the receive interrupt
 * served within a character time (87 us at 115200 baud) not to overrun.
 */
void serial_init(uint16_t port, uint32_t baud)
{
	serial_port = port;
	outb(port + UART_IER, 0); /* no UART interrupts until serial_rx_interrupt_enable() */
	if (baud) {
		uint16_t div = (uint16_t)(UART_CLOCK_HZ / baud);

		outb(port + UART_LCR, LCR_DLAB);
		outb(port + UART_DLL, div & 0xff);
		outb(port + UART_DLM, div >> 8);
	}
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_MCR, MCR_DTR_RTS);
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

int serial_isa_irq(void)
{
	switch (serial_port) {
	case COM1_PORT:
		return 4;
	case COM2_PORT:
		return 3;
	default:
		return -1;
	}
}

void serial_rx_interrupt_enable(void)
{
	if (!serial_port)
		return;
	outb(serial_port + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(serial_port + UART_IER, IER_RX_DATA);
}
