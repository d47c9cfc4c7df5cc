/*
 * tests/pv/traps.c - the C side of trap handling in the PV test kernels
 * (see traps.h): the default trap table and callbacks, the dispatcher that
 * records each trap and picks where to resume, and fault-tolerant accesses.
 *
 * Owns pv_last_trap, pv_trap_count, pv_trap_hook and the default table.
 * Single vCPU, no locks: a trap handler runs to completion before the test
 * that caused it continues.
 */
#include "tests/pv/traps.h"

#include <xen/callback.h>

#include "lib/compiler.h"
#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"
#include "tests/pv/mm.h"

volatile struct pv_trap_record pv_last_trap;
volatile unsigned long pv_trap_count;
volatile bool pv_trap_use_iretq;
bool (*volatile pv_trap_hook)(struct pv_trap_regs *r, struct pv_iret_frame *f);

struct pv_fixup {
	unsigned long from, to;
};
extern const struct pv_fixup __pv_fixup_start[], __pv_fixup_end[];

/* A fixup that keeps resuming at a faulting instruction would loop. */
#define MAX_TRAPS_AT_ONE_RIP 100
static unsigned long last_rip, traps_at_last_rip;

static struct trap_info default_table[257];

void pv_trap_dispatch(struct pv_trap_regs *r);

static void record(const struct pv_trap_regs *r, const struct pv_iret_frame *f)
{
	volatile struct pv_trap_record *t = &pv_last_trap;

	t->vector = r->vector;
	t->nr_extra = r->extra;
	t->frame_addr = (uint64_t)r->xen_frame;
	t->frame_rcx = r->xen_frame[0];
	t->frame_r11 = r->xen_frame[1];
	for (unsigned int i = 0; i < 4; i++)
		t->extra[i] = i < r->extra ? r->xen_frame[2 + i] : 0;
	t->rip = f->rip;
	t->cs = f->cs;
	t->rflags = f->rflags;
	t->rsp = f->rsp;
	t->ss = f->ss;
	t->cr2 = pv_shared_info ? pv_vcpu0->arch.cr2 : 0;
	t->upcall_mask = pv_shared_info ? pv_vcpu0->evtchn_upcall_mask : 0;
	t->rax = r->rax;
	t->rbx = r->rbx;
	t->rdx = r->rdx;
	t->rsi = r->rsi;
	t->rdi = r->rdi;
	pv_trap_count++;
}

static const struct pv_fixup *find_fixup(unsigned long rip)
{
	for (const struct pv_fixup *x = __pv_fixup_start; x < __pv_fixup_end; x++)
		if (rip >= x->from && rip <= x->to)
			return x;
	return NULL;
}

/** Called by trap_entry.S; leaves in r->vector the iret frame to resume with. */
void pv_trap_dispatch(struct pv_trap_regs *r)
{
	struct pv_iret_frame *f = (void *)&r->xen_frame[2 + r->extra];
	unsigned int vector = r->vector;
	const struct pv_fixup *x;

	record(r, f);
	/* At entry rcx and r11 hold whatever Xen left (it may return by sysret): take the frame's.
	 */
	r->rcx = r->xen_frame[0];
	r->r11 = r->xen_frame[1];
	r->vector = (uint64_t)f;
	if (pv_trap_hook && pv_trap_hook(r, f))
		return;
	if (vector == PV_VEC_EVENT) {
		pv_vcpu0->evtchn_upcall_pending = 0;
		return;
	}
	x = find_fixup(f->rip);
	if (x) {
		traps_at_last_rip = f->rip == last_rip ? traps_at_last_rip + 1 : 0;
		last_rip = f->rip;
		if (traps_at_last_rip < MAX_TRAPS_AT_ONE_RIP) {
			f->rip = x->to;
			return;
		}
	}
	pv_printf("unexpected trap: vector %u error %#lx rip %#lx cs %#lx rflags %#lx rsp %#lx "
		  "cr2 %#lx\n",
		  vector, r->extra == 1 ? r->xen_frame[2] : 0UL, f->rip, f->cs, f->rflags, f->rsp,
		  pv_last_trap.cr2);
	pv_fatal("unexpected trap");
}

extern const uint8_t pv_user_exit[];
extern unsigned long pv_user_kernel_sp;

void pv_trap_return_to_kernel(struct pv_trap_regs *r, struct pv_iret_frame *f, long value)
{
	f->rip = (unsigned long)pv_user_exit;
	f->cs = FLAT_KERNEL_CS & ~3; /* RPL 0: back to kernel mode */
	f->rflags = 0x2;	     /* events stay masked */
	f->rsp = pv_user_kernel_sp;
	f->ss = FLAT_KERNEL_SS;
	r->rax = value;
}

void traps_fill_default(struct trap_info table[256])
{
	for (unsigned int v = 0; v < 256; v++) {
		struct trap_info *t = &table[v];

		t->vector = v;
		t->flags = (v == 3 || v == 4 || v >= 32) ? 3 : 0;
		t->cs = FLAT_KERNEL_CS;
		t->address = pv_trap_stub(v);
	}
}

long traps_install_default(void)
{
	traps_fill_default(default_table);
	default_table[256].address = 0;
	return hyp_set_trap_table(default_table);
}

static long register_callback(unsigned int type, unsigned int vector)
{
	struct callback_register cb = {.type = type, .address = pv_trap_stub(vector)};

	return pv_hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
}

long traps_init(void)
{
	long rc = traps_install_default();

	if (!rc)
		rc = register_callback(CALLBACKTYPE_event, PV_VEC_EVENT);
	if (!rc)
		rc = register_callback(CALLBACKTYPE_failsafe, PV_VEC_FAILSAFE);
	if (!rc)
		rc = register_callback(CALLBACKTYPE_syscall, PV_VEC_SYSCALL);
	return rc;
}

void pv_trap_reset(void)
{
	memset((void *)&pv_last_trap, 0, sizeof(pv_last_trap));
	pv_trap_count = 0;
	pv_trap_hook = NULL;
	pv_trap_use_iretq = false;
}

bool pv_try_read(const volatile void *p, uint64_t *val)
{
	unsigned long before = pv_trap_count;
	uint64_t v = 0;

	__asm__ volatile("1: mov (%[p]), %[v]\n2:\n" PV_FIXUP("1b", "2b")
			 : [v] "+r"(v)
			 : [p] "r"(p)
			 : "memory");
	if (pv_trap_count != before)
		return false;
	*val = v;
	return true;
}

bool pv_try_write(volatile void *p, uint64_t val)
{
	unsigned long before = pv_trap_count;

	__asm__ volatile("1: mov %[v], (%[p])\n2:\n" PV_FIXUP("1b", "2b")
			 :
			 : [v] "r"(val), [p] "r"(p)
			 : "memory");
	return pv_trap_count == before;
}
