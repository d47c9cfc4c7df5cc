/* tests/host/include/host/vcpu_context_shim.h - control of tests/host/vcpu_context_shim.c. */
#ifndef HOST_VCPU_CONTEXT_SHIM_H
#define HOST_VCPU_CONTEXT_SHIM_H

/* arch_vcpu_set_context calls since the last reset. */
extern unsigned int host_vcpu_context_sets;
/* Non-zero: the next arch_vcpu_set_context fails with this errno (then it resets). */
extern int host_vcpu_context_rc;

/* Forgets every context. */
void host_vcpu_context_reset(void);

#endif
