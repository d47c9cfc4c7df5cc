/*
 * tests/pv/vcpu.h - secondary vCPUs in the PV test kernels.
 *
 * A test kernel starts on vCPU 0; the others exist (dom0_max_vcpus=N) but
 * are down and have no register state.  pv_vcpu_context_init() builds the
 * vcpu_guest_context a PV kernel gives VCPUOP_initialise: flat selectors,
 * the current kernel page tables (ctrlreg[3]), the harness's trap table
 * and callbacks, no GDT or LDT, and a stack of its own; the vCPU starts in
 * guest kernel mode calling fn(arg) on that stack and, should fn return,
 * takes itself down (VCPUOP_down) for good.
 *
 * Events on a secondary vCPU reach pv_vcpu_event_entry (vcpu_entry.S),
 * not the harness's dispatcher: it clears the vCPU's upcall flag, takes
 * its pending selector and hands every pending, unmasked port of those
 * words to pv_vcpu_event_hook (after clearing the port's pending bit),
 * then returns through HYPERVISOR_iret.  Only vCPU 0 runs the harness
 * (EXPECT_*, the trap records): secondary vCPUs report through shared
 * variables that vCPU 0 checks.
 */
#ifndef TESTS_PV_VCPU_H
#define TESTS_PV_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>

/* Secondary vCPUs the harness has stacks for (ids 1 .. PV_MAX_VCPUS - 1). */
#define PV_MAX_VCPUS 4

/**
 * Fills @ctx so that vCPU @id, once initialised and up, runs fn(arg) on
 * its own stack in guest kernel mode (see above).  @id 1 .. PV_MAX_VCPUS-1.
 */
void pv_vcpu_context_init(struct vcpu_guest_context *ctx, unsigned int id,
			  void (*fn)(unsigned long), unsigned long arg);

/** VCPUOP_initialise with pv_vcpu_context_init's context, then VCPUOP_up; 0 or the error. */
long pv_vcpu_start(unsigned int id, void (*fn)(unsigned long), unsigned long arg);

/**
 * System time in ns from the pvclock record @t (a vcpu_info's time, or a
 * registered time area), by the version protocol; read on the vCPU it
 * belongs to (its TSC is the one the record was made for).
 */
uint64_t pv_time_ns(const volatile struct vcpu_time_info *t);

/** The id of the vCPU running this code (found from the stack it is on). */
unsigned int pv_vcpu_self(void);

/**
 * The vcpu_info the event entry of vCPU @id uses: shared_info's slot
 * unless a test moved it with VCPUOP_register_vcpu_info and said so here.
 */
extern volatile struct vcpu_info *volatile pv_vcpu_info[PV_MAX_VCPUS];

/* Called on secondary vCPU @vcpu for each port its event entry found pending. */
extern void (*volatile pv_vcpu_event_hook)(unsigned int vcpu, evtchn_port_t port);

/* Event upcalls taken by each vCPU's event entry (secondary vCPUs only). */
extern volatile unsigned long pv_vcpu_upcalls[PV_MAX_VCPUS];

#endif /* TESTS_PV_VCPU_H */
