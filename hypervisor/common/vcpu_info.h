/*
 * hypervisor/common/vcpu_info.h - moving a vCPU's vcpu_info into a frame
 * of the guest's choosing (VCPUOP_register_vcpu_info, xen/vcpu.h).
 *
 * A vCPU starts with its vcpu_info in the domain's shared_info page (ids
 * below XEN_LEGACY_MAX_VCPUS) or none.  Registering moves it, once and
 * for good, to an offset in one of the domain's own frames: Keel keeps a
 * general and a PGT_WRITABLE type reference on that frame, so it can
 * never become a page table or descriptor page while Keel writes event
 * bits and the pvclock into it (invariant 2), and it is not freed under
 * Keel.  The references go when the domain is destroyed.
 *
 * Locks: d->lock around the move (so two registrations cannot both
 * succeed); the PV-MMU lock around the references.  Callers hold neither.
 */
#ifndef HYPERVISOR_COMMON_VCPU_INFO_H
#define HYPERVISOR_COMMON_VCPU_INFO_H

#include "hypervisor/common/vcpu.h"
#include "lib/types.h"

/*
 * Moves v's vcpu_info to byte offset `offset` of frame mfn (the caller has
 * checked the offset: aligned, and the structure within the page).  The
 * current contents are copied (a vCPU without one gets a zeroed
 * vcpu_info with events masked), then every selector bit and the upcall
 * flag are set, so no event that raced with the move is lost (the guest
 * sees at worst a spurious upcall, as on Xen).  Returns 0; -EINVAL if v
 * already registered one, or mfn is not a frame of v's domain that may
 * be written (a page table, a descriptor page, another domain's, free).
 * Nothing changes on error.
 */
int vcpu_info_register(struct vcpu *v, mfn_t mfn, unsigned int offset);

/*
 * Domain destroy: drops the references of v's registered vcpu_info
 * frame (if any) and points v back at its shared_info slot (or none).
 * v no longer runs and no event can reach it.
 */
void vcpu_info_release(struct vcpu *v);

#endif /* HYPERVISOR_COMMON_VCPU_INFO_H */
