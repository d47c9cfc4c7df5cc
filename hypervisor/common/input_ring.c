/*
 * hypervisor/common/input_ring.c - rings of typed bytes (contracts in
 * input_ring.h).
 *
 * Indices run freely over 2^32 and are reduced modulo the (power-of-two)
 * size only to address buf, so prod - cons is the number of bytes held
 * across wrap-around too.  The lock is taken with interrupts off because
 * the producer is an interrupt handler.
 */
#include "hypervisor/common/input_ring.h"

#include "lib/printk.h"

_Static_assert((INPUT_RING_SIZE & (INPUT_RING_SIZE - 1)) == 0, "a power of two");

void input_ring_init(struct input_ring *r)
{
	spin_lock_init(&r->lock);
	r->prod = r->cons = 0;
	r->dropped = 0;
	r->news = false;
}

bool input_ring_put(struct input_ring *r, char c)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);
	bool kept = r->prod - r->cons < INPUT_RING_SIZE;

	if (kept) {
		r->buf[r->prod++ & (INPUT_RING_SIZE - 1)] = c;
		__atomic_store_n(&r->news, true, __ATOMIC_RELEASE);
	} else {
		r->dropped++;
	}
	spin_unlock_irqrestore(&r->lock, flags);
	return kept;
}

size_t input_ring_peek(struct input_ring *r, char *out, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);
	size_t got = 0;

	for (uint32_t i = r->cons; got < n && i != r->prod; i++)
		out[got++] = r->buf[i & (INPUT_RING_SIZE - 1)];
	spin_unlock_irqrestore(&r->lock, flags);
	return got;
}

void input_ring_consume(struct input_ring *r, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);

	BUG_ON(n > r->prod - r->cons);
	r->cons += (uint32_t)n;
	spin_unlock_irqrestore(&r->lock, flags);
}

size_t input_ring_get(struct input_ring *r, char *out, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);
	size_t got = 0;

	while (got < n && r->cons != r->prod)
		out[got++] = r->buf[r->cons++ & (INPUT_RING_SIZE - 1)];
	spin_unlock_irqrestore(&r->lock, flags);
	return got;
}

uint32_t input_ring_count(struct input_ring *r)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);
	uint32_t n = r->prod - r->cons;

	spin_unlock_irqrestore(&r->lock, flags);
	return n;
}

uint64_t input_ring_dropped(struct input_ring *r)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);
	uint64_t n = r->dropped;

	spin_unlock_irqrestore(&r->lock, flags);
	return n;
}

bool input_ring_take_news(struct input_ring *r)
{
	/*
	 * No lock: the flag only says "look again", the bytes are read under
	 * the lock.  A byte put after the exchange sets it anew for next time.
	 * The load first keeps the common case (every exit to a guest) a read.
	 */
	return __atomic_load_n(&r->news, __ATOMIC_RELAXED) &&
	       __atomic_exchange_n(&r->news, false, __ATOMIC_ACQ_REL);
}
