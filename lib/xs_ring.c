/*
 * lib/xs_ring.c - the XenStore ring byte copies (see xs_ring.h).
 *
 * Ordering: the producer reads the consumer's index, a full barrier keeps
 * its data stores after that read (it must not overwrite unread bytes),
 * and a second barrier makes the data visible before the new producer
 * index.  The consumer mirrors it: index read, barrier, data reads,
 * barrier, index store.  Each index is read once into a local, so a
 * changing value cannot pass the check and then be used differently.
 */
#include "lib/xs_ring.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"

long xs_ring_put(char *ring, volatile XENSTORE_RING_IDX *cons, volatile XENSTORE_RING_IDX *prod,
		 const void *data, size_t len)
{
	XENSTORE_RING_IDX c = *cons, p = *prod;
	size_t room, done = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (p - c > XENSTORE_RING_SIZE)
		return -EIO;
	room = XENSTORE_RING_SIZE - (p - c);
	len = MIN(len, room);
	while (done < len) {
		size_t off = MASK_XENSTORE_IDX(p + done);
		size_t n = MIN(len - done, XENSTORE_RING_SIZE - off);

		memcpy(ring + off, (const char *)data + done, n);
		done += n;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*prod = p + (XENSTORE_RING_IDX)len;
	return (long)len;
}

long xs_ring_get(const char *ring, volatile XENSTORE_RING_IDX *cons,
		 volatile XENSTORE_RING_IDX *prod, void *buf, size_t len)
{
	XENSTORE_RING_IDX c = *cons, p = *prod;
	size_t done = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (p - c > XENSTORE_RING_SIZE)
		return -EIO;
	len = MIN(len, (size_t)(p - c));
	while (done < len) {
		size_t off = MASK_XENSTORE_IDX(c + done);
		size_t n = MIN(len - done, XENSTORE_RING_SIZE - off);

		memcpy((char *)buf + done, ring + off, n);
		done += n;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*cons = c + (XENSTORE_RING_IDX)len;
	return (long)len;
}
