/*
 * hypercalls/mmu_common.c - the batch loop, domain naming, vCPU masks,
 * address checks and stale-TLB rule shared by the PV-MMU hypercalls
 * (contracts in mmu_common.h).
 */
#include "hypercalls/mmu_common.h"

#include "arch/guest_access.h"
#include "arch/mm.h"
#include "hypercalls/hypercall.h"
#include "hypercalls/mmu.h"
#include "hypercalls/pv_mm_arch.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/hv_range.h"
#include "lib/printk.h"
#include "mm/mmu_lock.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"

BUILD_BUG_ON(sizeof(struct mmu_update) > MMU_BATCH_ITEM_MAX);
BUILD_BUG_ON(sizeof(struct mmuext_op) > MMU_BATCH_ITEM_MAX);

/* Re-issue b for the `left` requests starting at guest address `next`. */
static long continue_batch(const struct mmu_batch *b, uint64_t next, unsigned int left)
{
	const uint64_t args[4] = {next, left | MMU_UPDATE_PREEMPTED, b->pdone, b->foreigndom};

	return hypercall_create_continuation(b->op, 4, args);
}

long mmu_batch_run(const struct mmu_batch *b)
{
	unsigned int count = b->count & ~MMU_UPDATE_PREEMPTED;
	unsigned int done = 0, i;
	uint64_t item[MMU_BATCH_ITEM_MAX / sizeof(uint64_t)];
	long rc = 0;

	BUG_ON(b->item_size > sizeof(item));
	/* A continuation: *pdone holds what earlier runs did (lost if unreadable, as Xen). */
	if ((b->count & MMU_UPDATE_PREEMPTED) && b->pdone)
		(void)copy_from_guest(&done, b->pdone, sizeof(done));
	for (i = 0; i < count; i++) {
		uint64_t at = b->items + (uint64_t)i * b->item_size;

		/* Never before the first request: every run makes progress. */
		if (i && hypercall_preempt_check()) {
			rc = continue_batch(b, at, count - i);
			break;
		}
		if (at < b->items || copy_from_guest(item, at, b->item_size)) {
			rc = -EFAULT;
			break;
		}
		rc = b->do_item(b->ctx, item);
		if (rc)
			break;
	}
	if (b->pdone) {
		done += i;
		(void)copy_to_guest(b->pdone, &done, sizeof(done));
	}
	return rc;
}

int mmu_domain_get(struct vcpu *v, domid_t domid, struct domain **d)
{
	int rc;

	if (domid == DOMID_SELF) {
		*d = v->domain;
		return 0;
	}
	if (domid == v->domain->domid)
		return -ESRCH; /* Xen: a domain may not name itself as foreign */
	if (!v->domain->is_privileged)
		return -EPERM; /* invariant 6 */
	if (domid == DOMID_IO) {
		/*
		 * The hardware domain mapping I/O memory "on behalf of DOMID_IO"
		 * (Xen's convention): the frames are checked as I/O memory of the
		 * caller (page_type.h's io_frame_access), so the caller is the owner.
		 */
		*d = v->domain;
		return 0;
	}
	*d = domain_lookup(domid, &rc);
	return rc;
}

void mmu_domain_put(struct vcpu *v, struct domain *d)
{
	if (d && d != v->domain)
		domain_put(d);
}

int mmu_vcpumask_read(const struct domain *d, uint64_t guest_va, uint64_t mask[MMU_VCPUMASK_WORDS])
{
	unsigned int words = (d->max_vcpus + 63) / 64;
	unsigned int tail = d->max_vcpus % 64;

	BUG_ON(words > MMU_VCPUMASK_WORDS); /* max_vcpus <= DOMAIN_MAX_VCPUS */
	for (unsigned int i = 0; i < MMU_VCPUMASK_WORDS; i++)
		mask[i] = 0;
	if (copy_from_guest(mask, guest_va, words * sizeof(uint64_t)))
		return -EFAULT;
	if (tail)
		mask[words - 1] &= (1ULL << tail) - 1;
	return 0;
}

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

bool mmu_guest_range_ok(uint64_t va, uint64_t len)
{
	uint64_t last = va + len - 1;

	if (len == 0 || last < va || !canonical(va) || !canonical(last))
		return false;
	if ((va >> 63) != (last >> 63)) /* spans the non-canonical hole */
		return false;
	return last < HV_RANGE_START || va >= HV_RANGE_END;
}

int mmu_find_l1(struct vcpu *v, uint64_t va, struct page_info **l1)
{
	mfn_t table = v->mm.guest_table;

	ASSERT(mmu_lock_held());
	if (!mfn_valid_raw(table))
		return -EINVAL;
	/* Entries of validated tables always name frames in the frame table;
	 * the checks are for the walk's shape. */
	for (unsigned int level = 4; level > 1; level--) {
		const uint64_t *entries = arch_mfn_to_virt(table);
		uint64_t e = __atomic_load_n(&entries[mmu_va_index(va, level)], __ATOMIC_RELAXED);

		if (!pv_pte_present(e) || (level < 4 && (e & PV_PTE_PSE)))
			return -EINVAL;
		table = pv_pte_mfn(e);
		if (!mfn_in_table(table))
			return -EINVAL;
	}
	*l1 = mfn_to_page(table);
	if (page_get_type(*l1) != PGT_L1 || !page_type_count(*l1))
		return -EINVAL;
	return 0;
}

void mmu_flush_if_table_dropped(struct domain *d, const struct page_info *pg)
{
	ASSERT(mmu_lock_held());
	if (page_type_level(page_get_type(pg)) && page_type_count(pg) == 0)
		pv_mm_flush_tlb_domain(d);
}
