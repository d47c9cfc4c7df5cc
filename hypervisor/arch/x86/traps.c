/*
 * hypervisor/arch/x86/traps.c - the IDT, trap dispatch and the fatal-trap
 * report.
 *
 * Owns the (single, shared) IDT and the table of interrupt handlers.  An
 * exception taken in the hypervisor is either fixed up through the
 * exception table (the guest-copy helpers' faults, later) or fatal: the
 * report names the vector, error code, every register, CR0-CR4 and a
 * symbolised backtrace, then panics.
 */
#include "arch/traps.h"

#include "arch/cpu.h"
#include "arch/layout.h"
#include "arch/percpu.h"
#include "arch/segment.h"
#include "arch/smp.h"
#include "hypervisor/console.h"
#include "hypervisor/symbols.h"
#include "hypervisor/arch/x86/pv/pv_traps.h"
#include "lib/printk.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __packed;

#define GATE_INTERRUPT_DPL0 0x8e
#define GATE_INTERRUPT_DPL3 0xee

/* An exception-table entry: a faulting instruction and where to resume. */
struct ex_entry {
	uint64_t insn;
	uint64_t fixup;
};

extern const uint64_t idt_stub_table[256];
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static struct idt_gate idt[256] __aligned(16);
static irq_handler_t irq_handlers[256];

static const char *const trap_names[32] = {
	[TRAP_DE] = "#DE", [TRAP_DB] = "#DB", [TRAP_NMI] = "NMI", [TRAP_BP] = "#BP",
	[TRAP_OF] = "#OF", [TRAP_BR] = "#BR", [TRAP_UD] = "#UD", [TRAP_NM] = "#NM",
	[TRAP_DF] = "#DF", [9] = "#CSO",    [TRAP_TS] = "#TS", [TRAP_NP] = "#NP",
	[TRAP_SS] = "#SS", [TRAP_GP] = "#GP", [TRAP_PF] = "#PF", [TRAP_MF] = "#MF",
	[TRAP_AC] = "#AC", [TRAP_MC] = "#MC", [TRAP_XM] = "#XM", [TRAP_VE] = "#VE",
	[TRAP_CP] = "#CP",
};

static void idt_set_gate(unsigned int vec, uint64_t handler, uint8_t ist)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = (uint16_t)handler,
		.selector = HYPERVISOR_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT_DPL0,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
	};
}

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		idt_set_gate(v, idt_stub_table[v], 0);
	/* These can arrive on a broken stack: give them their own. */
	idt[TRAP_DF].ist = IST_DF;
	idt[TRAP_NMI].ist = IST_NMI;
	idt[TRAP_MC].ist = IST_MC;
	/* What a PV guest may raise itself with int3, into and int 0x82 (hypercall). */
	idt[TRAP_BP].type_attr = GATE_INTERRUPT_DPL3;
	idt[TRAP_OF].type_attr = GATE_INTERRUPT_DPL3;
	idt[PV_HYPERCALL_VECTOR].type_attr = GATE_INTERRUPT_DPL3;
	idt[PV_INT80_VECTOR].type_attr = GATE_INTERRUPT_DPL3;
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" ::"m"(idtr));
}

void set_irq_handler(uint8_t vector, irq_handler_t fn)
{
	irq_handlers[vector] = fn;
}

static bool search_ex_table(struct trap_frame *f)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static void print_symbolised(const char *indent, uint64_t addr)
{
	uint64_t off, size;
	const char *name = symbol_lookup(addr, &off, &size);

	if (name)
		printk("%s[<%016lx>] %s+0x%lx/0x%lx\n", indent, addr, name, off, size);
	else
		printk("%s[<%016lx>] ?\n", indent, addr);
}

/*
 * Walks the frame-pointer chain, trusting only frames inside the current
 * CPU's stack block, so a corrupt RBP cannot cause a second fault.
 */
static void backtrace_from(uint64_t rip, uint64_t rbp)
{
	uint64_t lo = (uint64_t)get_cpu_info() + sizeof(struct cpu_info) - STACK_SIZE;
	uint64_t hi = lo + STACK_SIZE;

	printk("Backtrace:\n");
	print_symbolised("  ", rip);
	for (int depth = 0; depth < 32; depth++) {
		if (rbp < lo || rbp + 16 > hi || (rbp & 7))
			break;
		rip = ((uint64_t *)rbp)[1];
		rbp = ((uint64_t *)rbp)[0];
		if (rip < KEEL_IMAGE_VIRT || rip >= KEEL_IMAGE_VIRT_END)
			break;
		print_symbolised("  ", rip);
	}
}

void show_backtrace_here(void)
{
	uint64_t *fp = __builtin_frame_address(0);

	backtrace_from(fp[1], fp[0]);
}

void show_trap_frame(const struct trap_frame *f)
{
	uint64_t off, size;
	const char *name = symbol_lookup(f->rip, &off, &size);

	printk("RIP: %016lx <%s+0x%lx>\n", f->rip, name ? name : "?", name ? off : 0);
	printk("RFLAGS: %016lx CS: %04lx SS: %04lx\n", f->rflags, f->cs, f->ss);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", f->rax, f->rbx, f->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", f->rdx, f->rsi, f->rdi);
	printk("RBP: %016lx RSP: %016lx R8: %016lx\n", f->rbp, f->rsp, f->r8);
	printk("R9: %016lx R10: %016lx R11: %016lx\n", f->r9, f->r10, f->r11);
	printk("R12: %016lx R13: %016lx R14: %016lx\n", f->r12, f->r13, f->r14);
	printk("R15: %016lx\n", f->r15);
	printk("CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n", read_cr0(), read_cr2(),
	       read_cr3(), read_cr4());
	backtrace_from(f->rip, f->rbp);
}

void fatal_trap(const struct trap_frame *f)
{
	const char *name = f->vector < 32 && trap_names[f->vector] ? trap_names[f->vector] : "IRQ";
	unsigned int cpu = this_cpu() ? this_cpu()->cpu : 0;

	console_force_unlock();
	printk("*** FATAL TRAP %u (%s) on CPU %u, error code 0x%04x\n", f->vector, name, cpu,
	       f->error_code);
	show_trap_frame(f);
	panic("fatal trap %u (%s)", f->vector, name);
}

void trap_dispatch(struct trap_frame *f)
{
	bool from_guest = f->cs & 3;

	if (from_guest && f->vector == PV_INT80_VECTOR) {
		pv_guest_int80(f);
		return;
	}
	if (from_guest && f->vector == PV_HYPERCALL_VECTOR) {
		local_irq_enable(); /* as the syscall path: hypercalls run with interrupts on */
		pv_guest_int82(f);
		return;
	}
	if (from_guest && f->vector < VECTOR_FIRST_IRQ && f->vector != TRAP_NMI &&
	    f->vector != TRAP_MC) {
		pv_guest_exception(f);
		return;
	}
	if (f->vector >= VECTOR_FIRST_IRQ) {
		if (irq_handlers[f->vector]) {
			irq_handlers[f->vector](f);
			return;
		}
		if (f->vector == VECTOR_SPURIOUS)
			return;
		printk(KLOG_WARNING "unexpected interrupt vector 0x%x on CPU %u\n", f->vector,
		       this_cpu()->cpu);
		return;
	}
	if (f->vector == TRAP_NMI && smp_nmi_is_stop())
		return;
	if ((f->vector == TRAP_PF || f->vector == TRAP_GP) && search_ex_table(f))
		return;
	fatal_trap(f);
}
