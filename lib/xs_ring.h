/*
 * lib/xs_ring.h - byte copies into and out of one of the two rings of a
 * xenstore_domain_interface (xen/io/xs_wire.h), with the barriers the
 * shared-memory protocol needs.  The client writes req and reads rsp
 * (guests/common/xs_client.c); the daemon does the opposite
 * (dom0-tools/xenstored/xsd_conn.c).
 *
 * Indices are free-running 32-bit counters; a byte lives at
 * MASK_XENSTORE_IDX(idx).  The other side is hostile: indices more than a
 * ring apart are refused (-EIO), never trusted.
 */
#ifndef LIB_XS_RING_H
#define LIB_XS_RING_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

/**
 * Producer side: copies up to @len bytes of @data into @ring after *@prod,
 * as far as the consumer's *@cons leaves room, then publishes the new
 * *@prod (data first, index after).  Returns the bytes copied (0 when the
 * ring is full) or -EIO when the indices are more than a ring apart.
 */
long xs_ring_put(char *ring, volatile XENSTORE_RING_IDX *cons, volatile XENSTORE_RING_IDX *prod,
		 const void *data, size_t len);

/**
 * Consumer side: copies up to @len available bytes from @ring at *@cons
 * into @buf, then publishes the new *@cons (reads first, index after).
 * Returns the bytes copied (0 when empty) or -EIO for corrupt indices.
 */
long xs_ring_get(const char *ring, volatile XENSTORE_RING_IDX *cons,
		 volatile XENSTORE_RING_IDX *prod, void *buf, size_t len);

#endif /* LIB_XS_RING_H */
