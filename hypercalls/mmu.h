/*
 * hypercalls/mmu.h - the PV-MMU hypercalls of Xen's xen/xen.h: how a 64-bit
 * PV guest edits its page tables (mmu_update), manages them (mmuext_op:
 * pin, switch, flush, LDT, page clear/copy) and changes one mapping by
 * address (update_va_mapping).
 *
 * Each handler takes the calling vCPU (the one running on this CPU) and
 * the guest's arguments as Xen's ABI defines them; it returns what the
 * guest sees in RAX: 0 or a negative Xen errno, or the value of
 * hypercall_create_continuation() when it yields.
 *
 * Batches (mmu_update, mmuext_op), as on Xen: requests run in order and
 * the first failing one stops the batch; requests before it stay done and
 * *pdone (if pdone is not 0) says how many completed.  A failing request
 * changes nothing.  A long batch yields between requests
 * (hypercall_preempt_check()) and continues itself with the rest:
 * (reqs + done, (count - done) | MMU_UPDATE_PREEMPTED, pdone, foreigndom);
 * with that bit set the handler first reads back the count already in
 * *pdone, so the guest finally sees the total.
 *
 * foreigndom: DOMID_SELF (the caller) or, for a privileged caller only, the
 * id of an existing domain to act on (-EPERM for others, -ESRCH if there
 * is none; naming oneself by id is -ESRCH, as on Xen).  mmu_update splits
 * it as Xen does: bits 0-15 name the owner of the frames L1 entries map
 * and of M2P entries (FD), bits 16-31 the owner of the page tables
 * (0: the caller, x: domain x - 1).
 *
 * Files: mmu_update.c, mmuext_op.c, update_va_mapping.c, mmu_common.c;
 * docs/pv-page-types.md ("The MMU hypercalls") tells the story.
 */
#ifndef HYPERCALLS_MMU_H
#define HYPERCALLS_MMU_H

#include <stdint.h>

#include <xen/xen.h>

struct vcpu;

/*
 * Set in `count` by a continuation (Xen's value; not in the public
 * headers because guests never pass it themselves).
 */
#define MMU_UPDATE_PREEMPTED (1u << 31)

/* __HYPERVISOR_mmu_update: ureqs is an array of count struct mmu_update. */
long do_mmu_update(struct vcpu *v, uint64_t ureqs, unsigned int count, uint64_t pdone,
		   unsigned int foreigndom);

/* __HYPERVISOR_mmuext_op: uops is an array of count struct mmuext_op. */
long do_mmuext_op(struct vcpu *v, uint64_t uops, unsigned int count, uint64_t pdone,
		  domid_t foreigndom);

/* __HYPERVISOR_update_va_mapping: the L1 entry mapping va in v's kernel tables := val. */
long do_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags);

/* The same, mapping a frame of domain domid (privileged callers). */
long do_update_va_mapping_otherdomain(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags,
				      domid_t domid);

#endif /* HYPERCALLS_MMU_H */
