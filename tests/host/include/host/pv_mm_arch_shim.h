/*
 * tests/host/include/host/pv_mm_arch_shim.h - the unit tests' side of
 * hypercalls/pv_mm_arch.h (tests/host/pv_mm_arch_shim.c): every call is
 * counted and its arguments kept, so tests can check which flushes a
 * hypercall asked for.
 */
#ifndef HOST_PV_MM_ARCH_SHIM_H
#define HOST_PV_MM_ARCH_SHIM_H

#include <stdbool.h>
#include <stdint.h>

#include "hypercalls/mmu_common.h"
#include "hypercalls/pv_mm_arch.h"

struct host_pv_mm_calls {
	unsigned int flush_local, invlpg_local;
	unsigned int flush_vcpus, invlpg_vcpus;
	unsigned int flush_domain, invlpg_domain;
	unsigned int new_baseptr, new_user_baseptr, ldt_changed;
	unsigned int cache_local, cache_all;
	/* Arguments of the most recent call that had them. */
	uint64_t va;
	uint64_t mask[MMU_VCPUMASK_WORDS];
	struct domain *domain;
	struct vcpu *vcpu;
	/* mmu_lock_held() at the last new_baseptr / ldt_changed / flush_domain call. */
	bool lock_held_baseptr, lock_held_ldt, lock_held_flush_domain;
};
extern struct host_pv_mm_calls host_pv_mm;

/* Called from pv_mm_new_baseptr() if set, to look at the state at that moment. */
extern void (*host_pv_mm_on_new_baseptr)(struct vcpu *v, bool user);

/* Forgets every call recorded and the callback. */
void host_pv_mm_reset(void);

#endif /* HOST_PV_MM_ARCH_SHIM_H */
