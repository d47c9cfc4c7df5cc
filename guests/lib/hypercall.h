/*
 * guests/lib/hypercall.h - hypercalls from a 64-bit PV kernel: our guest
 * kernels (guests/) and the PV test kernels (tests/pv/).
 *
 * Xen's 64-bit PV ABI: hypercall N is a call to hypercall_page + N * 32,
 * arguments in rdi, rsi, rdx, r10, r8, the result (a negative Xen errno on
 * failure) in rax.  The hypervisor may clobber every argument register (a
 * debug Xen does so on purpose), so each is an in/out operand here; the
 * page's stubs preserve rcx and r11 themselves.
 */
#ifndef GUESTS_LIB_HYPERCALL_H
#define GUESTS_LIB_HYPERCALL_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/version.h>

extern uint8_t hypercall_page[4096];

/** Makes hypercall @nr (0-127) with five arguments; returns rax. */
static inline long pv_hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
				 unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long rdi __asm__("rdi") = a1;
	register unsigned long rsi __asm__("rsi") = a2;
	register unsigned long rdx __asm__("rdx") = a3;
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	void *stub = hypercall_page + nr * 32;
	long ret;

	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
			 : [stub] "r"(stub)
			 : "memory", "cc");
	return ret;
}

#define pv_hypercall0(nr)     pv_hypercall5(nr, 0, 0, 0, 0, 0)
#define pv_hypercall1(nr, a1) pv_hypercall5(nr, (unsigned long)(a1), 0, 0, 0, 0)
#define pv_hypercall2(nr, a1, a2)                                                                  \
	pv_hypercall5(nr, (unsigned long)(a1), (unsigned long)(a2), 0, 0, 0)
#define pv_hypercall3(nr, a1, a2, a3)                                                              \
	pv_hypercall5(nr, (unsigned long)(a1), (unsigned long)(a2), (unsigned long)(a3), 0, 0)
#define pv_hypercall4(nr, a1, a2, a3, a4)                                                          \
	pv_hypercall5(nr, (unsigned long)(a1), (unsigned long)(a2), (unsigned long)(a3),           \
		      (unsigned long)(a4), 0)

/** console_io(CONSOLEIO_write): @len bytes of @buf to Xen's console. */
static inline long hyp_console_write(const char *buf, unsigned long len)
{
	return pv_hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len, buf);
}

/** xen_version(@cmd, @arg); XENVER_version returns major << 16 | minor. */
static inline long hyp_xen_version(int cmd, void *arg)
{
	return pv_hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

/** sched_op(SCHEDOP_shutdown, {@reason}); returns only on failure. */
static inline long hyp_shutdown(unsigned int reason)
{
	struct sched_shutdown s = {.reason = reason};

	return pv_hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &s);
}

/** mmu_update(@reqs, @count, @pdone, @foreigndom). */
static inline long hyp_mmu_update(const struct mmu_update *reqs, unsigned int count,
				  unsigned int *pdone, unsigned int foreigndom)
{
	return pv_hypercall4(__HYPERVISOR_mmu_update, reqs, count, pdone, foreigndom);
}

/** mmuext_op(@ops, @count, @pdone, @foreigndom). */
static inline long hyp_mmuext_op(const struct mmuext_op *ops, unsigned int count,
				 unsigned int *pdone, unsigned int foreigndom)
{
	return pv_hypercall4(__HYPERVISOR_mmuext_op, ops, count, pdone, foreigndom);
}

/** update_va_mapping(@va, @pte, @flags): the L1 entry mapping @va becomes @pte. */
static inline long hyp_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
	return pv_hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

/** memory_op(@cmd, @arg). */
static inline long hyp_memory_op(unsigned int cmd, void *arg)
{
	return pv_hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

/** sched_op(@cmd, @arg). */
static inline long hyp_sched_op(int cmd, void *arg)
{
	return pv_hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

/** vm_assist(@cmd, @type). */
static inline long hyp_vm_assist(unsigned int cmd, unsigned int type)
{
	return pv_hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

/** set_timer_op(@timeout): singleshot timer at absolute system time @timeout (0: cancel). */
static inline long hyp_set_timer_op(uint64_t timeout)
{
	return pv_hypercall1(__HYPERVISOR_set_timer_op, timeout);
}

/** vcpu_op(@cmd, @vcpuid, @arg) (xen/vcpu.h: VCPUOP_*). */
static inline long hyp_vcpu_op(int cmd, unsigned int vcpuid, void *arg)
{
	return pv_hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpuid, arg);
}

/** event_channel_op(@cmd, @arg) (xen/event_channel.h: EVTCHNOP_*). */
static inline long hyp_event_channel_op(int cmd, void *arg)
{
	return pv_hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

/** console_io(CONSOLEIO_read): up to @len bytes typed on Xen's console (dom0 only). */
static inline long hyp_console_read(char *buf, unsigned long len)
{
	return pv_hypercall3(__HYPERVISOR_console_io, CONSOLEIO_read, len, buf);
}

/** set_trap_table(@table): a list ended by an entry whose address is 0 (NULL: none). */
static inline long hyp_set_trap_table(const void *table)
{
	return pv_hypercall1(__HYPERVISOR_set_trap_table, table);
}

/** callback_op(@cmd, @arg) (xen/callback.h: CALLBACKOP_register). */
static inline long hyp_callback_op(int cmd, const void *arg)
{
	return pv_hypercall2(__HYPERVISOR_callback_op, cmd, arg);
}

/** grant_table_op(@cmd, @uop, @count). */
static inline long hyp_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
	return pv_hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

/** update_va_mapping_otherdomain: maps @pte's frame, owned by @domid, at @va. */
static inline long hyp_update_va_mapping_otherdomain(unsigned long va, uint64_t pte,
						     unsigned long flags, domid_t domid)
{
	return pv_hypercall4(__HYPERVISOR_update_va_mapping_otherdomain, va, pte, flags, domid);
}

#endif /* GUESTS_LIB_HYPERCALL_H */
