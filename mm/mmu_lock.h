/*
 * mm/mmu_lock.h - the PV-MMU lock: one lock for the whole machine that
 * serialises every call of page_ref.h, page_type.h, pv_pte.h,
 * pv_pte_write.h and pv_vcpu_mm.h (the contract at the top of page_type.h).
 *
 * Owns: the lock, and the PV-MMU state it protects: every frame's
 * count/type_info/pt_linear, every vCPU's pv_vcpu_mm, the M2P entries
 * written on a guest's behalf.
 *
 * Why one lock and not one per domain: a grant mapping or a privileged
 * domain's foreign mapping takes references on another domain's frames,
 * so two domains' operations can touch the same page_info.  One lock is
 * simple and obviously right; finer locking can come when a benchmark
 * asks for it.
 *
 * Locks: order (domain.h): d->lock -> PV-MMU lock -> domain-list lock ->
 * heap lock -> buddy lock.  Not recursive.  Taken with interrupts
 * enabled and never from an interrupt handler, so a CPU spinning on it
 * still answers IPIs: a holder may send TLB-flush IPIs and wait for them
 * (the MMU hypercalls do).  Never call domain_put() while holding it (the
 * last put frees the domain, which takes this lock).
 */
#ifndef MM_MMU_LOCK_H
#define MM_MMU_LOCK_H

#include <stdbool.h>

/* Takes the PV-MMU lock (spins until it is free). */
void mmu_lock(void);

/* Releases it; the caller must hold it (BUG otherwise). */
void mmu_unlock(void);

/*
 * True while some CPU holds the lock.  For ASSERTs in code whose
 * contract says "PV-MMU lock held": it cannot tell which CPU holds it.
 */
bool mmu_lock_held(void);

#endif /* MM_MMU_LOCK_H */
