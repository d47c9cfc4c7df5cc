/*
 * Host shim: spinlocks for generic code in unit tests (single-threaded, so
 * they only track that lock/unlock pair up).
 */
#ifndef HOST_ARCH_SPINLOCK_H
#define HOST_ARCH_SPINLOCK_H

#include "lib/printk.h"

typedef struct {
	int held;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	l->held = 0;
}
static inline void spin_lock(spinlock_t *l)
{
	BUG_ON(l->held);
	l->held = 1;
}
static inline void spin_unlock(spinlock_t *l)
{
	BUG_ON(!l->held);
	l->held = 0;
}
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	spin_lock(l);
	return 0;
}
static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	(void)flags;
	spin_unlock(l);
}

#endif
