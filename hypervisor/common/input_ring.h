/*
 * hypervisor/common/input_ring.h - a ring of bytes typed on Keel's
 * serial console, waiting for whoever they are meant for (the control
 * domain's CONSOLEIO_read, or Keel's debug keys): see console_input.h.
 *
 * Owns: the ring's bytes, its two free-running 32-bit indices (prod,
 * where the next byte goes; cons, the oldest byte not yet taken; byte i
 * lives at buf[i % INPUT_RING_SIZE]), the count of bytes dropped, and a
 * news flag.
 *
 * Invariants: 0 <= prod - cons <= INPUT_RING_SIZE (modulo 2^32).  A full
 * ring refuses new bytes (they are dropped and counted) and keeps the old
 * ones: a reader always sees a gap-free prefix of what was typed, as from
 * Xen's serial receive ring.
 *
 * Locks: one spinlock per ring, a leaf taken with interrupts off, so
 * input_ring_put may be called from the UART's interrupt handler.
 * Nothing else is called while it is held.  The news flag is set under
 * it and taken without it (an atomic exchange).  Readers that copy into guest
 * memory peek, copy, then consume, and must serialise among themselves
 * (a peek and its consume are two critical sections).
 */
#ifndef HYPERVISOR_COMMON_INPUT_RING_H
#define HYPERVISOR_COMMON_INPUT_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/spinlock.h"

/* Xen's serial receive ring is 128 bytes; a pasted command line should fit in ours. */
#define INPUT_RING_SIZE 1024u

struct input_ring {
	spinlock_t lock;
	uint32_t prod;	  /* index of the next byte written */
	uint32_t cons;	  /* index of the oldest byte not yet taken */
	uint64_t dropped; /* bytes refused because the ring was full */
	bool news;	  /* bytes arrived since the last input_ring_take_news */
	char buf[INPUT_RING_SIZE];
};

/* A static ring, empty. */
#define INPUT_RING_INIT {.lock = SPINLOCK_INIT}

/* Empties r and forgets its drop count and news. */
void input_ring_init(struct input_ring *r);

/* Appends c and sets the news flag; returns false (c dropped and counted) when r is full. */
bool input_ring_put(struct input_ring *r, char c);

/* Copies up to n of the oldest bytes into out without taking them; returns how many. */
size_t input_ring_peek(struct input_ring *r, char *out, size_t n);

/* Takes the n oldest bytes (n no more than a peek just returned: BUG otherwise). */
void input_ring_consume(struct input_ring *r, size_t n);

/* input_ring_peek, then input_ring_consume of what it copied. */
size_t input_ring_get(struct input_ring *r, char *out, size_t n);

/* Bytes waiting now. */
uint32_t input_ring_count(struct input_ring *r);

/* Bytes dropped on a full ring since input_ring_init. */
uint64_t input_ring_dropped(struct input_ring *r);

/* True once after bytes arrived (for VIRQ_CONSOLE): clears the news flag. */
bool input_ring_take_news(struct input_ring *r);

#endif /* HYPERVISOR_COMMON_INPUT_RING_H */
