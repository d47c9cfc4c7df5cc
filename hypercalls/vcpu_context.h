/*
 * hypercalls/vcpu_context.h - a vCPU's whole register context in Xen's
 * x86_64 `struct vcpu_guest_context` (xen/arch-x86/xen-x86_64.h and
 * arch-x86/xen.h), loaded and saved by the arch layer.
 *
 * Used by VCPUOP_initialise (hypercalls/vcpu_op.c, a domain starting its
 * own secondary vCPUs) and XEN_DOMCTL_setvcpucontext/getvcpucontext
 * (hypercalls/domctl.c, the toolstack starting a new domain).  The
 * hypervisor implements it in hypervisor/arch/x86/pv/pv_vcpu_context.c;
 * host unit tests get tests/host/vcpu_context_shim.c, which records the
 * calls.
 *
 * Semantics (Xen's arch_set_info_guest for PV):
 *   - v must not be running (offline, or its domain paused);
 *   - ctx->flags VGCF_in_kernel|VGCF_online; selectors, callbacks,
 *     trap table, kernel stack, GDT frames (validated as descriptor pages),
 *     LDT, debug registers, FS/GS bases and ctrlreg[3] (the L4's frame,
 *     xen_cr3_to_pfn; it takes a PGT_L4 type reference, as a pin would not)
 *     are all checked and installed, or nothing changes;
 *   - the references the old context held (CR3, GDT frames) are dropped;
 *   - v is left with a context (vcpu_up may then bring it online);
 *     ctx->flags & VGCF_online is for the caller to act on (vcpu_op.c's
 *     VCPUOP_initialise brings the vCPU up; setvcpucontext decides its own);
 *   - Keel's own limits and leniencies (flat CS/SS only; debug registers
 *     and vm_assist bits Xen accepts are accepted, bad ones reset):
 *     pv_vcpu_context.c's header.
 * Errors: -EINVAL (bad selector, non-canonical address, bad GDT count,
 * a CR3 frame that is not the domain's or does not validate as an L4),
 * -EFAULT, -ESRCH (dying domain), -EBUSY? never: callers pause first.
 */
#ifndef HYPERCALLS_VCPU_CONTEXT_H
#define HYPERCALLS_VCPU_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

struct vcpu;

/* Loads ctx into v (rules above).  0 or a negative Xen errno; nothing changes on error. */
int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *ctx);

/* Saves v's context (as Xen's arch_get_info_guest for PV).  v not running.  0 or -errno. */
int arch_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *ctx);

/* True once v has a context to run (set by arch_vcpu_set_context or the domain builder). */
bool arch_vcpu_has_context(const struct vcpu *v);

#endif /* HYPERCALLS_VCPU_CONTEXT_H */
