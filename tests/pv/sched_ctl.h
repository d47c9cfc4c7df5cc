/*
 * tests/pv/sched_ctl.h - XEN_DOMCTL_scheduler_op with the credit
 * scheduler's parameters, for the PV kernels that look at the scheduler
 * (kernels/credit.c, tests/bench/sched_bench.c).  The caller must be the
 * control domain.
 */
#ifndef TESTS_PV_SCHED_CTL_H
#define TESTS_PV_SCHED_CTL_H

#include <stdint.h>

/*
 * Scheduler op `cmd` (XEN_DOMCTL_SCHEDOP_*) for domain domid, naming
 * scheduler sched_id (XEN_SCHEDULER_*); *weight and *cap go in, and come
 * back as the hypervisor left them.  Returns what the hypercall returned.
 */
long pv_sched_credit_op(uint32_t sched_id, uint32_t cmd, uint16_t domid, uint16_t *weight,
			uint16_t *cap);

#endif /* TESTS_PV_SCHED_CTL_H */
