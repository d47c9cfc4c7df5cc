/*
 * arch/serial.h - the 16550 UART driver behind Keel's console.
 */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#include "lib/types.h"

#define COM1_PORT 0x3f8
#define COM2_PORT 0x2f8

/*
 * Programs the UART at `port` for `baud` 8n1 (baud 0: keep the firmware's),
 * its interrupts off; bytes already received stay for serial_getc().
 */
void serial_init(uint16_t port, uint32_t baud);
/* Writes one byte, waiting for the transmitter; '\n' becomes "\r\n". */
void serial_putc(char c);
/* Returns a received byte, or -1 when none is waiting. */
int serial_getc(void);
/* The ISA IRQ of the console UART (COM1: 4, COM2: 3), or -1 for no port or another one. */
int serial_isa_irq(void);
/*
 * Turns the UART's "received data" interrupt on: the UART raises its IRQ
 * line while bytes wait, so its handler must read them all.
 */
void serial_rx_interrupt_enable(void);

#endif
