/*
 * guests/lib/console.h - a guest kernel's console: kprintf, panic, and
 * console input.
 *
 * Output goes to the hypervisor's console (console_io) in dom0 and in a
 * domU until its PV console ring is set up, then to the ring
 * (xen/io/console.h), which dom0's console backend serves.  Input comes
 * from CONSOLEIO_read on VIRQ_CONSOLE in dom0 and from the ring in a domU.
 */
#ifndef GUESTS_LIB_CONSOLE_H
#define GUESTS_LIB_CONSOLE_H

#include <stdint.h>
#include <stddef.h>

#include "lib/compiler.h"

/** Writes @len bytes of @buf to the console. */
void console_write(const char *buf, size_t len);

/** printf to the console (lib/format.h's formats); one write per call. */
void kprintf(const char *fmt, ...) __printf(1, 2);

/** Prints "PANIC: ..." and crashes the domain (SCHEDOP_shutdown crash). */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/**
 * Switches a domU's output to its PV console ring and binds the console
 * event channel (dom0: VIRQ_CONSOLE) for input.  Needs events and threads.
 */
void console_init(void);

/**
 * Reads at most @len typed bytes into @buf, sleeping until there is at
 * least one.  Returns the count.  Called from one thread at a time.
 */
size_t console_read(char *buf, size_t len);

/** Bytes typed and not yet read (console_read() would not sleep when non-zero). */
size_t console_pending(void);

#endif /* GUESTS_LIB_CONSOLE_H */
