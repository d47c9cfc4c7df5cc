/*
 * hypercalls/mmu_common.h - what the PV-MMU hypercall files
 * (mmu_update.c, mmuext_op.c, update_va_mapping.c) share: the batch loop
 * with its continuation, naming the domain a request acts for, guest vCPU
 * masks and guest address checks, and the stale-TLB rule.
 *
 * The stale-TLB rule: when a page table loses its last type reference it
 * may become an ordinary writable page at once; if a CPU still caches a
 * path through it (a TLB entry or a paging-structure cache entry loaded
 * before the upper entry pointing at it was removed), guest writes to it
 * would become live translations.  So whoever drops a table's last type
 * reference flushes the TLBs of the table owner's vCPUs before releasing
 * the PV-MMU lock.  (Retyping a writable page is covered by page_type's
 * writable_retyped hook.)
 *
 * Locks: the batch loop and the domain lookups run without the PV-MMU
 * lock (guest copies and domain references happen outside it); the
 * helpers marked "lock held" need it.
 */
#ifndef HYPERCALLS_MMU_COMMON_H
#define HYPERCALLS_MMU_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "hypervisor/common/domain.h"
#include "mm/frame_table.h"

/* One batch hypercall in flight. */
struct mmu_batch {
	unsigned int op;     /* __HYPERVISOR_mmu_update or __HYPERVISOR_mmuext_op */
	uint64_t items;	     /* guest address of the request array */
	size_t item_size;    /* bytes per request, at most MMU_BATCH_ITEM_MAX */
	unsigned int count;  /* as the guest passed it, maybe with MMU_UPDATE_PREEMPTED */
	uint64_t pdone;	     /* guest address of an unsigned int, 0 for none */
	uint64_t foreigndom; /* handed back unchanged in a continuation */
	int (*do_item)(void *ctx, const void *item); /* 0 or a negative errno */
	void *ctx;
};

#define MMU_BATCH_ITEM_MAX 32

/*
 * Runs b->do_item on each request in turn (copied in first), stopping at
 * the first error (-EFAULT if a request cannot be read), and writes the
 * total done to *pdone.  Yields between requests when
 * hypercall_preempt_check() says so, returning the continuation (see
 * hypercalls/mmu.h).  Returns 0, the first error, or the continuation's
 * value.
 */
long mmu_batch_run(const struct mmu_batch *b);

/*
 * The domain v's request acts for: v's own for DOMID_SELF, else (v's
 * domain privileged only) the domain with that id, with a reference.
 * Returns 0; -ESRCH for v's own id or a domain that does not exist (or is
 * dying); -EPERM if v's domain is not privileged.  Without the lock.
 */
int mmu_domain_get(struct vcpu *v, domid_t domid, struct domain **d);

/* Drops what mmu_domain_get() took.  Without the lock (the last put frees d). */
void mmu_domain_put(struct vcpu *v, struct domain *d);

/*
 * Whether references may still be taken in d's name: false once d is
 * dying, because teardown (domain_destroy) drops only the references it
 * knows of.  Checked under the lock, after which teardown cannot pass us.
 */
static inline bool mmu_domain_alive(const struct domain *d)
{
	return __atomic_load_n(&d->state, __ATOMIC_RELAXED) == DOMAIN_ACTIVE;
}

/* Words of a vCPU mask big enough for any domain. */
#define MMU_VCPUMASK_WORDS ((DOMAIN_MAX_VCPUS + 63) / 64)

/*
 * Copies the guest's bitmap of d's vCPUs (d->max_vcpus bits, in 64-bit
 * words) from guest_va into mask and clears every other bit.  Returns 0
 * or -EFAULT.
 */
int mmu_vcpumask_read(const struct domain *d, uint64_t guest_va, uint64_t mask[MMU_VCPUMASK_WORDS]);

/* True if [va, va + len) (len >= 1) is canonical and outside Keel's range (PML4 slots 256-271). */
bool mmu_guest_range_ok(uint64_t va, uint64_t len);

/* Index of va in its page table of `level` (1..4). */
static inline unsigned int mmu_va_index(uint64_t va, unsigned int level)
{
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/*
 * The L1 table that maps va in v's kernel page tables (v->mm.guest_table),
 * found by walking them the way the CPU would; it must be an L1 in use (a
 * walk through a linear entry that ends in an upper table is refused, as
 * on Xen).  Returns 0 with *l1, or -EINVAL (no kernel L4, a non-present
 * or superpage entry on the way).  Lock held.
 */
int mmu_find_l1(struct vcpu *v, uint64_t va, struct page_info **l1);

/*
 * The stale-TLB rule above: if pg is a page table whose type count just
 * reached 0, flushes the TLBs of d's vCPUs.  Lock held.
 */
void mmu_flush_if_table_dropped(struct domain *d, const struct page_info *pg);

#endif /* HYPERCALLS_MMU_COMMON_H */
