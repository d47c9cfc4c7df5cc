/*
 * hypercalls/pv_mm_arch.h - what the PV-MMU hypercalls (mmu_update.c,
 * mmuext_op.c, update_va_mapping.c) need from the CPU: TLB and cache
 * flushes, and "this vCPU's page tables or LDT changed".
 *
 * Implemented by the hypervisor (hypervisor/arch/x86/) and, for unit
 * tests, by tests/host/pv_mm_arch_shim.c, which records every call.
 *
 * vCPU masks: bit i of word i / 64 stands for vCPU i of the domain; only
 * the first d->max_vcpus bits may be set (the handlers clear the rest).
 * A flush "of a vCPU" means: if it is running on some CPU, that CPU's
 * TLB; if it is not running, nothing (it will reload CR3, which flushes,
 * before it runs again).  Flushes of other CPUs wait until those CPUs
 * have flushed.
 *
 * Locks: the PV-MMU lock may be held on entry to any of these (marked
 * "lock held" where it always is): none may take it.  Callers hold no
 * other lock, and the PV-MMU lock is never taken with interrupts off, so
 * waiting for other CPUs to answer a flush IPI cannot deadlock.
 */
#ifndef HYPERCALLS_PV_MM_ARCH_H
#define HYPERCALLS_PV_MM_ARCH_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;

/* Flushes this CPU's TLB of guest (non-global) translations. */
void pv_mm_flush_tlb_local(void);

/* Invalidates the translation of guest address va on this CPU. */
void pv_mm_invlpg_local(uint64_t va);

/* Flushes the TLBs of the vCPUs of d set in mask (the calling one included, if set). */
void pv_mm_flush_tlb_vcpus(struct domain *d, const uint64_t *mask);

/* Invalidates va in the TLBs of the vCPUs of d set in mask. */
void pv_mm_invlpg_vcpus(struct domain *d, const uint64_t *mask, uint64_t va);

/*
 * Flushes the TLBs (and paging-structure caches) of every vCPU of d.  Also
 * used, with the lock held, when a page table of d lost its last type
 * reference: no CPU may keep a cached path through it once it can become
 * writable.
 */
void pv_mm_flush_tlb_domain(struct domain *d);

/* Invalidates va in the TLBs of every vCPU of d. */
void pv_mm_invlpg_domain(struct domain *d, uint64_t va);

/*
 * v->mm.guest_table (user = false) or guest_table_user (user = true) has
 * just changed, and v is the vCPU running on this CPU: if v currently runs
 * in that mode, load the new table into CR3 now.  The old table still
 * holds its references while this runs.  Lock held.
 */
void pv_mm_new_baseptr(struct vcpu *v, bool user);

/*
 * v->mm.ldt_base / ldt_ents of v, the vCPU running on this CPU, have just
 * changed: forget the old LDT's mappings (dropping any page-type
 * references they hold) and load the new one.  Lock held.
 */
void pv_mm_ldt_changed(struct vcpu *v);

/* Writes back and invalidates this CPU's caches (MMUEXT_FLUSH_CACHE). */
void pv_mm_flush_cache_local(void);

/* The same on every CPU of the machine (MMUEXT_FLUSH_CACHE_GLOBAL). */
void pv_mm_flush_cache_all(void);

#endif /* HYPERCALLS_PV_MM_ARCH_H */
