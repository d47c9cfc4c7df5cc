/*
 * hypervisor/common/console_ring.c - rings of console text (contracts in
 * console_ring.h) and Keel's own one.
 *
 * Indices run freely over 2^32 and are reduced modulo the size only to
 * address buf, so the distance prod - cons is always the number of bytes
 * kept, across wrap-around too.  The lock is taken with interrupts off
 * because printk writes from interrupt handlers; nothing is called while
 * it is held.
 */
#include "hypervisor/common/console_ring.h"

#include "lib/printk.h"

static char keel_conring_buf[CONSOLE_RING_SIZE];

struct console_ring keel_conring = {
    .lock = SPINLOCK_INIT,
    .buf = keel_conring_buf,
    .size = CONSOLE_RING_SIZE,
};

void console_ring_init(struct console_ring *r, char *buf, uint32_t size)
{
	BUG_ON(size < 2 || (size & (size - 1)));
	spin_lock_init(&r->lock);
	r->buf = buf;
	r->size = size;
	r->prod = r->cons = 0;
	r->news = false;
}

/* True if index i is in [cons, prod] (see console_ring.h).  Lock held. */
static bool in_ring(const struct console_ring *r, uint32_t i)
{
	return i - r->cons <= r->prod - r->cons;
}

void console_ring_put(struct console_ring *r, const char *s, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);

	/* Only the last `size` bytes of a longer write can survive it. */
	if (n > r->size) {
		r->prod += (uint32_t)(n - r->size);
		s += n - r->size;
		n = r->size;
	}
	for (size_t i = 0; i < n; i++)
		r->buf[r->prod++ & (r->size - 1)] = s[i];
	if (r->prod - r->cons > r->size)
		r->cons = r->prod - r->size;
	if (n)
		r->news = true;
	spin_unlock_irqrestore(&r->lock, flags);
}

void console_ring_bounds(struct console_ring *r, uint32_t *cons, uint32_t *prod)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);

	*cons = r->cons;
	*prod = r->prod;
	spin_unlock_irqrestore(&r->lock, flags);
}

uint32_t console_ring_read_start(uint32_t cons, uint32_t prod, bool incremental, uint32_t index)
{
	uint32_t after = index - cons;

	if (incremental && after != 0 && after <= prod - cons)
		return index;
	return cons;
}

uint32_t console_ring_read(struct console_ring *r, uint32_t *idx, uint32_t end, char *out,
			   uint32_t n)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);
	uint32_t i = *idx, got = 0;

	if (!in_ring(r, i))
		i = r->cons; /* overwritten while the reader copied: the oldest byte left */
	if (in_ring(r, end) && end - r->cons >= i - r->cons) {
		while (got < n && i != end)
			out[got++] = r->buf[i++ & (r->size - 1)];
	}
	*idx = i;
	spin_unlock_irqrestore(&r->lock, flags);
	return got;
}

void console_ring_clear(struct console_ring *r, uint32_t upto)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);

	if (in_ring(r, upto))
		r->cons = upto;
	spin_unlock_irqrestore(&r->lock, flags);
}

bool console_ring_take_news(struct console_ring *r)
{
	unsigned long flags;
	bool news;

	/* The common case, on every return to a guest: no lock. */
	if (!__atomic_load_n(&r->news, __ATOMIC_RELAXED))
		return false;
	flags = spin_lock_irqsave(&r->lock);
	news = r->news;
	r->news = false;
	spin_unlock_irqrestore(&r->lock, flags);
	return news;
}
