/*
 * hypervisor/arch/x86/smp.c - bringing up application processors, and
 * cross-CPU calls.
 *
 * Owns the trampoline page, percpu_of[] and the call-function slot.  CPUs
 * are started one at a time by the boot CPU (the trampoline's patch slots
 * are shared).  smp_call_function() is serialised by call_lock; the
 * caller must have interrupts enabled or be the only caller (it waits).
 */
#include "arch/smp.h"

#include "hypervisor/arch/x86/pv/pv_cpu.h"
#include "hypervisor/arch/x86/pv/pv_sched.h"

#include "arch/acpi.h"
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/mm.h"
#include "arch/paging.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/traps.h"
#include "hypervisor/options.h"
#include "hypervisor/timer.h"
#include "lib/compiler.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/heap.h"

extern const uint8_t trampoline_start[], trampoline_end[];
extern const uint8_t tramp_pm32_target[], tramp_lm_target[], tramp_patch_base[];
extern const uint8_t tramp_gdtr_base[], tramp_cr3[], tramp_stack[], tramp_efer_nx[];
extern const uint32_t tramp_pm32_offset, tramp_lm64_offset, tramp_gdt_offset;
extern uint64_t boot_pml4[];

/* smp_call_function_mask() names CPUs by the bits of one word. */
BUILD_BUG_ON(MAX_CPUS > 64);

struct percpu bsp_percpu;
struct percpu *percpu_of[MAX_CPUS];
unsigned int nr_cpus_online = 1;

static uint64_t trampoline_maddr;
static volatile bool stop_requested;

static spinlock_t call_lock = SPINLOCK_INIT;
static void (*call_fn)(void *);
static void *call_arg;
static volatile unsigned int call_pending;

uint64_t smp_trampoline_maddr(void)
{
	return trampoline_maddr;
}

void smp_set_trampoline(uint64_t maddr)
{
	trampoline_maddr = maddr;
}

/* Writes a 32- or 64-bit value at the trampoline copy's offset of `label`. */
static void tramp_patch(const uint8_t *label, uint64_t value, size_t width)
{
	uint8_t *dst = (uint8_t *)maddr_to_virt(trampoline_maddr) + (label - trampoline_start);

	memcpy(dst, &value, width);
}

static void trampoline_install(void)
{
	uint64_t base = trampoline_maddr;

	memcpy(maddr_to_virt(base), trampoline_start, (size_t)(trampoline_end - trampoline_start));
	tramp_patch(tramp_pm32_target, base + tramp_pm32_offset, 4);
	tramp_patch(tramp_lm_target, base + tramp_lm64_offset, 4);
	tramp_patch(tramp_patch_base, base, 4);
	tramp_patch(tramp_gdtr_base, base + tramp_gdt_offset, 4);
	tramp_patch(tramp_cr3, virt_to_maddr(boot_pml4), 8);
	tramp_patch(tramp_efer_nx, cpu_features.nx ? EFER_NXE : 0, 4);
}

void ap_entry(void);

/* First C code on an AP, on its own stack, still on the boot page tables. */
void ap_entry(void)
{
	struct percpu *p = this_cpu();

	p->state = CPU_STARTING;
	write_cr3(idle_pml4_maddr);
	cpu_setup_local(p);
	apic_setup_local();
	timer_init_local();
	__atomic_add_fetch(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	pv_cpu_init(p);
	p->state = CPU_ONLINE;
	/* Idle in the guest exit path: this CPU runs whatever vCPUs are placed on it. */
	pv_enter_guest();
}

static struct percpu *percpu_alloc(unsigned int cpu, uint32_t apic_id)
{
	struct percpu *p = heap_zalloc(sizeof(*p));
	mfn_t stack = alloc_frames(STACK_ORDER);
	mfn_t gdt = alloc_frames(0);
	struct cpu_info *ci;

	if (!p || !mfn_valid_raw(stack) || !mfn_valid_raw(gdt)) {
		heap_free(p);
		if (mfn_valid_raw(stack))
			free_frames(stack, STACK_ORDER);
		if (mfn_valid_raw(gdt))
			free_frames(gdt, 0);
		return NULL;
	}
	p->gdt_page = arch_mfn_to_virt(gdt);
	p->cpu = cpu;
	p->apic_id = apic_id;
	p->stack_block = arch_mfn_to_virt(stack);
	ci = (struct cpu_info *)(p->stack_block + STACK_SIZE) - 1;
	ci->pcpu = p;
	return p;
}

static bool wait_for_state(struct percpu *p, int state, uint64_t us)
{
	uint64_t end = rdtsc() + ns_to_tsc(us * 1000);

	while (rdtsc() < end) {
		if (p->state == state)
			return true;
		cpu_relax();
	}
	return p->state == state;
}

/* Sends the SIPIs to a CPU already held in INIT; true once it is online. */
static bool start_cpu(struct percpu *p)
{
	tramp_patch(tramp_stack, (uint64_t)((struct cpu_info *)(p->stack_block + STACK_SIZE) - 1),
		    8);
	smp_mb();
	for (int i = 0; i < 2 && p->state == CPU_OFFLINE && p->apic_id != opt_debug_fail_cpu; i++) {
		apic_send_sipi(p->apic_id, (uint8_t)(trampoline_maddr >> PAGE_SHIFT));
		wait_for_state(p, CPU_STARTING, i == 0 ? 200 : 1000);
	}
	/* Generous: under emulation on a busy host an AP can take a while. */
	return wait_for_state(p, CPU_ONLINE, 2000000);
}

/*
 * Puts every other CPU into INIT and waits the 10 ms the architecture asks
 * for once, rather than once per CPU; the SIPIs then go one CPU at a time
 * because the trampoline's stack slot is shared.
 */
static void init_other_cpus(uint32_t my_id)
{
	for (unsigned int i = 0; i < acpi.nr_cpus; i++)
		if (acpi.cpu_apic_id[i] != my_id)
			apic_send_init(acpi.cpu_apic_id[i]);
	udelay(10000);
}

static void call_function_interrupt(struct trap_frame *f)
{
	apic_eoi();
	call_fn(call_arg);
	__atomic_sub_fetch(&call_pending, 1, __ATOMIC_SEQ_CST);
}

unsigned int smp_boot_cpus(void)
{
	uint32_t my_id = apic_read_id();
	unsigned int next = 1;

	bsp_percpu.apic_id = my_id;
	set_irq_handler(VECTOR_IPI_CALL, call_function_interrupt);
	if (acpi.nr_cpus_ignored)
		printk(KLOG_WARNING "SMP: %u CPUs in the MADT ignored (disabled or over %u)\n",
		       acpi.nr_cpus_ignored, MAX_CPUS);
	if (!trampoline_maddr && acpi.nr_cpus > 1) {
		printk(KLOG_ERR "SMP: no free page below 1 MiB for the trampoline: 1 CPU only\n");
		return nr_cpus_online;
	}
	trampoline_install();
	init_other_cpus(my_id);
	for (unsigned int i = 0; i < acpi.nr_cpus && next < MAX_CPUS; i++) {
		uint32_t id = acpi.cpu_apic_id[i];
		struct percpu *p;

		if (id == my_id)
			continue;
		p = percpu_alloc(next, id);
		if (!p) {
			printk(KLOG_ERR "SMP: out of memory for CPU with APIC id %u: skipped\n", id);
			continue;
		}
		percpu_of[next] = p;
		if (!start_cpu(p)) {
			printk(KLOG_ERR "SMP: CPU %u (APIC id %u) failed to start: skipped\n", next,
			       id);
			/*
			 * Back into INIT, so a CPU that was merely slow cannot wake up
			 * later on the trampoline stack meant for the next one.  Its
			 * memory is not freed, in case it is running regardless.
			 */
			apic_send_init(id);
			p->state = CPU_FAILED;
			percpu_of[next] = NULL;
			continue;
		}
		printk(KLOG_DEBUG "SMP: CPU %u (APIC id %u) online\n", next, id);
		next++;
	}
	return nr_cpus_online;
}

void smp_call_function_mask(uint64_t cpus, void (*fn)(void *), void *arg)
{
	unsigned int me = smp_processor_id(), n = 0;
	uint64_t targets = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if ((cpus >> c & 1) && c != me && percpu_of[c] && percpu_of[c]->state == CPU_ONLINE) {
			targets |= 1ULL << c;
			n++;
		}
	if (!n)
		return;
	spin_lock(&call_lock);
	call_fn = fn;
	call_arg = arg;
	call_pending = n;
	smp_mb();
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (targets >> c & 1)
			apic_send_ipi(percpu_of[c]->apic_id, VECTOR_IPI_CALL);
	while (call_pending)
		cpu_relax();
	spin_unlock(&call_lock);
}

void smp_call_function(void (*fn)(void *), void *arg)
{
	smp_call_function_mask(~0ULL, fn, arg);
}

void smp_stop_other_cpus(void)
{
	unsigned int me = this_cpu() ? smp_processor_id() : 0;

	if (nr_cpus_online <= 1)
		return; /* also covers panics before the APIC is set up */
	stop_requested = true;
	smp_mb();
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		if (c != me && percpu_of[c] && percpu_of[c]->state == CPU_ONLINE)
			apic_send_nmi(percpu_of[c]->apic_id);
}

bool smp_nmi_is_stop(void)
{
	if (!stop_requested)
		return false;
	this_cpu()->state = CPU_OFFLINE;
	for (;;) {
		local_irq_disable();
		halt();
	}
}
