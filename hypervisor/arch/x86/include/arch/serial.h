/*
 * arch/serial.h - the 16550 UART driver behind Keel's console.
 */
#ifndef ARCH_SERIAL_H
#define ARCH_SERIAL_H

#include "lib/types.h"

#define COM1_PORT 0x3f8
#define COM2_PORT 0x2f8

/* Programs the UART at `port` for `baud` 8n1 (baud 0: keep the firmware's). */
void serial_init(uint16_t port, uint32_t baud);
/* Writes one byte, waiting for the transmitter; '\n' becomes "\r\n". */
void serial_putc(char c);
/* Returns a received byte, or -1 when none is waiting. */
int serial_getc(void);

#endif
