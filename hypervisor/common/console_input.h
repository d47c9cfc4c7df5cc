/*
 * hypervisor/common/console_input.h - where bytes typed on Keel's serial
 * console go: to the control domain (read with CONSOLEIO_read, announced
 * by VIRQ_CONSOLE) or to Keel itself (debug keys), switched as on Xen by
 * typing CTRL-a three times in a row.
 *
 * Owns: the switch (who has the input, how many CTRL-a are held back),
 * the control domain's ring and the ring of keys for Keel.
 *
 * Input starts with the control domain, as on Xen once it has booted, so
 * bytes piped in before dom0 runs wait in its ring.  A CTRL-a is held
 * back until the next byte shows whether it is part of a switch: the
 * third in a row switches (none of the three is delivered); any other
 * byte first releases the held ones to the current owner.
 *
 * Context: console_input_receive is called by one producer at a time
 * (the UART's receive interrupt handler, interrupts off); the rings have
 * their own locks (input_ring.h) for the readers on other CPUs.
 */
#ifndef HYPERVISOR_COMMON_CONSOLE_INPUT_H
#define HYPERVISOR_COMMON_CONSOLE_INPUT_H

#include <stdbool.h>

#include "hypervisor/common/input_ring.h"

/* The switch character: CTRL-a, typed three times in a row. */
#define CONSOLE_INPUT_SWITCH_CHAR 0x01
#define CONSOLE_INPUT_SWITCH_COUNT 3

/* Bytes for the control domain's CONSOLEIO_read. */
extern struct input_ring console_input_dom0;
/* Bytes for Keel's debug keys (hypercalls/debug_keys.c), run from the exit path. */
extern struct input_ring console_input_keys;

/* One received byte: switches, or goes (after any CTRL-a held back) to the current owner. */
void console_input_receive(char c);

/* True while input goes to Keel's debug keys rather than the control domain. */
bool console_input_to_keel(void);

/* Back to the start state: input to the control domain, both rings empty (unit tests). */
void console_input_reset(void);

#endif /* HYPERVISOR_COMMON_CONSOLE_INPUT_H */
