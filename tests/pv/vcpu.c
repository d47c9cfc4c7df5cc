/*
 * tests/pv/vcpu.c - starting secondary vCPUs and taking their events
 * (see vcpu.h).
 *
 * Owns the secondary vCPUs' stacks (vCPU 0 keeps head.S's), pv_vcpu_info,
 * the event hook and the upcall counts.  Each secondary vCPU touches only
 * its own slot of those arrays; vCPU 0 sets the hook and pv_vcpu_info
 * while the vCPU concerned is down or not yet taking events.
 */
#include "tests/pv/vcpu.h"

#include "guests/lib/time.h"

#include <xen/vcpu.h>

#include "lib/pvclock.h"
#include "lib/string.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"
#include "tests/pv/traps.h"

#define VCPU_STACK_SIZE (16 * 1024)

/* stacks[i] is vCPU i + 1's. */
static uint8_t stacks[PV_MAX_VCPUS - 1][VCPU_STACK_SIZE] __attribute__((aligned(16)));

volatile struct vcpu_info *volatile pv_vcpu_info[PV_MAX_VCPUS];
void (*volatile pv_vcpu_event_hook)(unsigned int vcpu, evtchn_port_t port);
volatile unsigned long pv_vcpu_upcalls[PV_MAX_VCPUS];

extern const uint8_t pv_vcpu_start_entry[], pv_vcpu_event_entry[];

void pv_vcpu_event_dispatch(void);

unsigned int pv_vcpu_self(void)
{
	unsigned long sp;

	__asm__("mov %%rsp, %0" : "=r"(sp));
	if (sp <= (unsigned long)stacks || sp > (unsigned long)stacks + sizeof(stacks))
		return 0;
	return (unsigned int)((sp - 1 - (unsigned long)stacks) / VCPU_STACK_SIZE) + 1;
}

static volatile struct vcpu_info *info_of(unsigned int id)
{
	if (!pv_vcpu_info[id])
		pv_vcpu_info[id] = &pv_shared_info->vcpu_info[id];
	return pv_vcpu_info[id];
}

/* Hands each pending, unmasked port of the words in @sel to the hook. */
static void scan_words(unsigned int id, xen_ulong_t sel)
{
	while (sel) {
		unsigned int w = __builtin_ctzl(sel);
		xen_ulong_t bits = pv_shared_info->evtchn_pending[w] & ~pv_shared_info->evtchn_mask[w];

		sel &= sel - 1;
		while (bits) {
			unsigned int b = __builtin_ctzl(bits);

			bits &= bits - 1;
			__atomic_fetch_and(&pv_shared_info->evtchn_pending[w], ~(1UL << b),
					   __ATOMIC_SEQ_CST);
			if (pv_vcpu_event_hook)
				pv_vcpu_event_hook(id, w * 8 * sizeof(xen_ulong_t) + b);
		}
	}
}

/** From pv_vcpu_event_entry, events masked, on the vCPU's own stack. */
void pv_vcpu_event_dispatch(void)
{
	unsigned int id = pv_vcpu_self();
	volatile struct vcpu_info *vi = info_of(id);

	pv_vcpu_upcalls[id]++;
	vi->evtchn_upcall_pending = 0;
	scan_words(id, __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST));
}

void pv_vcpu_context_init(struct vcpu_guest_context *ctx, unsigned int id,
			  void (*fn)(unsigned long), unsigned long arg)
{
	unsigned long top = (unsigned long)stacks[id - 1] + VCPU_STACK_SIZE;

	info_of(id);
	memset(ctx, 0, sizeof(*ctx));
	ctx->flags = VGCF_in_kernel;
	ctx->user_regs.rip = (unsigned long)pv_vcpu_start_entry;
	ctx->user_regs.rsp = top;
	ctx->user_regs.rbx = (unsigned long)fn;
	ctx->user_regs.rdi = arg;
	ctx->user_regs.r12 = id;
	ctx->user_regs.rflags = 0x202;
	ctx->user_regs.cs = FLAT_KERNEL_CS;
	ctx->user_regs.ss = FLAT_KERNEL_SS;
	ctx->user_regs.ds = FLAT_KERNEL_DS;
	ctx->user_regs.es = FLAT_KERNEL_DS;
	traps_fill_default(ctx->trap_ctxt);
	ctx->kernel_ss = FLAT_KERNEL_SS;
	ctx->kernel_sp = top;
	ctx->ctrlreg[3] = xen_pfn_to_cr3(mm_l4_mfn());
	ctx->event_callback_eip = (unsigned long)pv_vcpu_event_entry;
	ctx->failsafe_callback_eip = pv_trap_stub(PV_VEC_FAILSAFE);
	ctx->syscall_callback_eip = pv_trap_stub(PV_VEC_SYSCALL);
}

uint64_t pv_time_ns(const volatile struct vcpu_time_info *t)
{
	return pvclock_now(t);
}

long pv_vcpu_start(unsigned int id, void (*fn)(unsigned long), unsigned long arg)
{
	static struct vcpu_guest_context ctx; /* 5 KiB: too big for the stack */
	long rc;

	pv_vcpu_context_init(&ctx, id, fn, arg);
	rc = hyp_vcpu_op(VCPUOP_initialise, id, &ctx);
	return rc ? rc : hyp_vcpu_op(VCPUOP_up, id, NULL);
}
