/*
 * hypervisor/arch/x86/pv/bounce.h - delivering events to a PV guest kernel
 * ("bouncing"): switching guest modes and building Xen's exception frame
 * on the guest kernel's stack.
 */
#ifndef ARCH_PV_BOUNCE_H
#define ARCH_PV_BOUNCE_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/traps.h"
#include "hypervisor/common/vcpu.h"

#define RFLAGS_TF (1UL << 8)
#define RFLAGS_IF (1UL << 9)
#define RFLAGS_DF (1UL << 10)
#define RFLAGS_IOPL (3UL << 12)
#define RFLAGS_NT (1UL << 14)
#define RFLAGS_RF (1UL << 16)
#define RFLAGS_VM (1UL << 17)
#define RFLAGS_AC (1UL << 18)

/*
 * Switches the running vCPU v between guest kernel and guest user mode on
 * this CPU: its page tables (CR3) and GS bases (the inactive one is kept
 * in MSR_KERNEL_GS_BASE, swapped with SWAPGS).
 */
void pv_toggle_guest_mode(struct vcpu *v);

/*
 * Makes the running vCPU v (registers in f) enter its guest kernel at
 * handler, as Xen does: in kernel mode on the stack it was on, from user
 * mode on the kernel stack of stack_switch (switching to kernel mode).
 * The frame, from the new RSP up: RCX, R11, [error code], RIP, CS (with
 * the saved event mask in bits 32-39 and RPL 0 for kernel mode), RFLAGS
 * (IF = events were unmasked), RSP, SS, 16-byte aligned.  Events are then
 * masked if mask_events.  Returns 0, or -EFAULT when the frame cannot be
 * written (the caller crashes the domain).
 */
int pv_bounce(struct vcpu *v, struct trap_frame *f, uint64_t handler, bool mask_events,
	      bool has_error_code, uint32_t error_code);

/*
 * Bounces exception `vector` to the handler the guest registered with
 * set_trap_table; crashes the domain (with a register dump) when there is
 * none or the frame cannot be written.
 */
void pv_bounce_exception(struct vcpu *v, struct trap_frame *f, unsigned int vector,
			 bool has_error_code, uint32_t error_code);

/* Crashes v's domain after printing the guest's registers and why. */
void pv_crash(struct vcpu *v, const struct trap_frame *f, const char *why);

/* True if va is canonical (bits 63..47 all equal). */
static inline bool is_canonical(uint64_t va)
{
	return (uint64_t)(((int64_t)va << 16) >> 16) == va;
}

#endif
