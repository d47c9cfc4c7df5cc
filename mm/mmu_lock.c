/*
 * mm/mmu_lock.c - the PV-MMU lock (contract in mmu_lock.h).
 *
 * Owns: the spinlock and a "held" flag for mmu_lock_held().  The flag is
 * written only by the holder, just after taking and just before
 * releasing the lock, so readers see it set for (at most) the time the
 * lock is held.
 */
#include "mm/mmu_lock.h"

#include "arch/spinlock.h"
#include "lib/printk.h"

static spinlock_t lock = SPINLOCK_INIT;
static volatile bool held;

void mmu_lock(void)
{
	spin_lock(&lock);
	held = true;
}

void mmu_unlock(void)
{
	BUG_ON(!held);
	held = false;
	spin_unlock(&lock);
}

bool mmu_lock_held(void)
{
	return held;
}
