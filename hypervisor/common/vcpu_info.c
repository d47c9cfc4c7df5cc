/*
 * hypervisor/common/vcpu_info.c - a vCPU's vcpu_info moved into a guest
 * frame (contracts in vcpu_info.h).
 *
 * Owns: v->vcpu_info_mfn and the references on that frame.  The frame is
 * reached through the direct map (arch_mfn_to_virt), never through the
 * guest's mappings, so Keel can update it from any CPU at any time.
 *
 * Ordering: event senders on other CPUs read v->vcpu_info without a lock
 * (hypercalls/event_channel.c: pending bit in shared_info first, then
 * the selector in vcpu_info).  The new pointer is published before every
 * selector bit is set in the new place: a sender that still used the old
 * place set its shared_info pending bit before reading the pointer, so
 * the guest's scan of all words (selector ~0) finds that port.
 */
#include "hypervisor/common/vcpu_info.h"

#include <xen/xen.h>

#include "arch/mm.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"

/* A general and a writable-type reference on mfn for domid: 0 or -EINVAL. */
static int take_frame(mfn_t mfn, domid_t domid)
{
	int rc;

	if (!mfn_in_table(mfn))
		return -EINVAL;
	mmu_lock();
	rc = get_page_and_type(mfn_to_page(mfn), PGT_WRITABLE, domid);
	mmu_unlock();
	return rc ? -EINVAL : 0;
}

static void drop_frame(mfn_t mfn)
{
	mmu_lock();
	put_page_and_type(mfn_to_page(mfn));
	mmu_unlock();
}

/* Moves v's vcpu_info to new_info.  d->lock held. */
static void move(struct vcpu *v, struct vcpu_info *new_info)
{
	if (v->vcpu_info) {
		memcpy(new_info, v->vcpu_info, sizeof(*new_info));
	} else {
		memset(new_info, 0, sizeof(*new_info));
		new_info->evtchn_upcall_mask = 1;
	}
	__atomic_store_n(&v->vcpu_info, new_info, __ATOMIC_SEQ_CST);
	__atomic_store_n(&new_info->evtchn_pending_sel, ~(xen_ulong_t)0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&new_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

int vcpu_info_register(struct vcpu *v, mfn_t mfn, unsigned int offset)
{
	struct domain *d = v->domain;
	int rc = take_frame(mfn, d->domid);

	if (rc)
		return rc;
	spin_lock(&d->lock);
	if (d->state != DOMAIN_ACTIVE) {
		rc = -ESRCH; /* being destroyed: its vCPUs' frames are being let go */
	} else if (mfn_valid_raw(v->vcpu_info_mfn)) {
		rc = -EINVAL; /* only once per vCPU (xen/vcpu.h) */
	} else {
		v->vcpu_info_mfn = mfn;
		move(v, (struct vcpu_info *)((char *)arch_mfn_to_virt(mfn) + offset));
	}
	spin_unlock(&d->lock);
	if (rc)
		drop_frame(mfn);
	return rc;
}

void vcpu_info_release(struct vcpu *v)
{
	struct domain *d = v->domain;
	mfn_t mfn;

	spin_lock(&d->lock);
	mfn = v->vcpu_info_mfn;
	v->vcpu_info_mfn = INVALID_MFN;
	if (mfn_valid_raw(mfn))
		v->vcpu_info = v->id < XEN_LEGACY_MAX_VCPUS && d->shared_info
				       ? &d->shared_info->vcpu_info[v->id]
				       : NULL;
	spin_unlock(&d->lock);
	if (mfn_valid_raw(mfn))
		drop_frame(mfn);
}
