/*
 * guests/lib/traps.c - the trap table and the fatal-exception report.
 *
 * Our kernels take no exception on purpose: any exception (or the
 * failsafe callback, a bad segment on the way back to us) prints the
 * registers and Xen's frame and crashes the domain, so dom0's
 * on_crash action applies.
 */
#include <stdint.h>

#include <xen/callback.h>
#include <xen/xen.h>

#include "guests/lib/console.h"
#include "guests/lib/events.h"
#include "guests/lib/hypercall.h"
#include "guests/lib/mm.h"
#include "guests/lib/traps.h"

/* What trap_common (entry.S) leaves on the stack, lowest address first. */
struct guest_trap_frame {
	uint64_t r15, r14, r13, r12, r10, r9, r8, rbp, rdi, rsi, rdx, rbx, rax;
	uint64_t vector;
	uint64_t rcx, r11;
	uint64_t xen[7]; /* [error code,] rip, cs, rflags, rsp, ss (failsafe: ds es fs gs first) */
};

extern char guest_trap_stubs[], guest_event_callback[], guest_failsafe_callback[];

static bool has_error_code(uint64_t vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
	       vector == 29 || vector == 30;
}

void guest_trap_fatal(const struct guest_trap_frame *f);
void guest_trap_fatal(const struct guest_trap_frame *f)
{
	const uint64_t *x = f->xen;
	uint64_t err = 0;

	if (has_error_code(f->vector))
		err = *x++;
	if (f->vector == 256)
		x += 4; /* ds, es, fs, gs */
	kprintf("FATAL: vector %lu error 0x%lx at rip 0x%lx rsp 0x%lx rflags 0x%lx cr2 0x%lx\n",
		(unsigned long)f->vector, (unsigned long)err, (unsigned long)x[0],
		(unsigned long)x[3], (unsigned long)x[2],
		(unsigned long)shared_info->vcpu_info[0].arch.cr2);
	kprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	kprintf("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	panic("unexpected exception");
}

void traps_init(void)
{
	static struct trap_info table[33];
	struct callback_register event = {
		.type = CALLBACKTYPE_event,
		.address = (unsigned long)guest_event_callback,
	};
	struct callback_register failsafe = {
		.type = CALLBACKTYPE_failsafe,
		.address = (unsigned long)guest_failsafe_callback,
	};

	for (unsigned int v = 0; v < 32; v++) {
		table[v].vector = v;
		table[v].flags = v == 3 ? 3 : 0; /* int3 may be used by the kernel */
		table[v].cs = FLAT_KERNEL_CS;
		table[v].address = (unsigned long)guest_trap_stubs + v * 16;
	}
	if (hyp_set_trap_table(table) || hyp_callback_op(CALLBACKOP_register, &event) ||
	    hyp_callback_op(CALLBACKOP_register, &failsafe))
		panic("traps: cannot install the trap table and callbacks");
}
