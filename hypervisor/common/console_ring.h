/*
 * hypervisor/common/console_ring.h - a ring of console text, and Keel's
 * own ring: everything Keel prints (its "(KEEL) " lines and the guests'
 * "(d<id>) " lines), which the control domain reads with
 * XEN_SYSCTL_readconsole (`xl dmesg`).
 *
 * Owns: the ring's bytes and its two free-running 32-bit indices (as in
 * Xen's sysctl.h, which hands them to the toolstack): prod, where the
 * next byte goes, and cons, the oldest byte still kept.  Byte i lives at
 * buf[i % size].
 *
 * Invariants: size is a power of two; 0 <= prod - cons <= size (modulo
 * 2^32): writing past a full ring drops its oldest bytes.  An index i "is
 * in the ring" when i - cons <= prod - cons.
 *
 * Locks: one spinlock per ring, a leaf taken with interrupts off, so
 * console_ring_put may be called from any context (printk, interrupt
 * handlers, with any other lock held).  Readers copy out in small pieces
 * under it and touch guest memory only after dropping it.
 */
#ifndef HYPERVISOR_COMMON_CONSOLE_RING_H
#define HYPERVISOR_COMMON_CONSOLE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/spinlock.h"

/* Keel's ring: 64 KiB, four times Xen's default for a small machine. */
#define CONSOLE_RING_SIZE (64u * 1024u)

struct console_ring {
	spinlock_t lock;
	char *buf;
	uint32_t size; /* a power of two */
	uint32_t prod; /* index of the next byte written */
	uint32_t cons; /* index of the oldest byte kept */
	bool news;     /* text arrived since the last console_ring_take_news */
};

/* Keel's own ring (console.c writes it, sysctl.c reads it); usable from the first printk. */
extern struct console_ring keel_conring;

/* Empties r and gives it buf of size bytes (a power of two, >= 2; BUG otherwise). */
void console_ring_init(struct console_ring *r, char *buf, uint32_t size);

/* Appends n bytes (the oldest bytes go when the ring is full); sets the news flag. */
void console_ring_put(struct console_ring *r, const char *s, size_t n);

/* The indices now: *cons the oldest byte kept, *prod the next one to be written. */
void console_ring_bounds(struct console_ring *r, uint32_t *cons, uint32_t *prod);

/*
 * Where a readconsole starts (sysctl.h): at index when incremental and
 * index lies after the oldest byte and not past prod; else at the oldest
 * byte.  cons and prod are a console_ring_bounds snapshot.
 */
uint32_t console_ring_read_start(uint32_t cons, uint32_t prod, bool incremental, uint32_t index);

/*
 * Copies up to n bytes from *idx towards end (a prod seen earlier) into
 * out and advances *idx past them.  If the writer has meanwhile dropped
 * the bytes at *idx, reading goes on from the oldest byte kept.  Returns
 * the bytes copied: 0 once *idx reaches end (or end itself was dropped).
 */
uint32_t console_ring_read(struct console_ring *r, uint32_t *idx, uint32_t end, char *out,
			   uint32_t n);

/*
 * readconsole's `clear`: forgets every byte before upto (an index a read
 * stopped at).  If the writer has meanwhile dropped bytes past upto,
 * nothing more is forgotten.
 */
void console_ring_clear(struct console_ring *r, uint32_t upto);

/* True once after text arrived (for VIRQ_CON_RING): clears the news flag. */
bool console_ring_take_news(struct console_ring *r);

#endif /* HYPERVISOR_COMMON_CONSOLE_RING_H */
