/*
 * hypervisor/setup.c - the boot sequence, from the converged boot
 * information to the ready line.
 *
 * Runs on the boot CPU only, with interrupts off until the platform is up.
 * Order matters: the console before anything can complain; the CPU's own
 * tables before anything can fault; memory before anything allocates;
 * ACPI before the timers and CPUs it describes.
 */
#include "hypervisor/setup.h"

#include "arch/acpi.h"
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/percpu.h"
#include "arch/serial.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "arch/traps.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/arch/x86/pv/pv_cpu.h"
#include "hypervisor/arch/x86/pv/pv_domain.h"
#include "hypervisor/arch/x86/pv/pv_mm.h"
#include "hypervisor/arch/x86/pv/pv_sched.h"
#include "hypervisor/arch/x86/pv/pv_time.h"
#include "hypervisor/console.h"
#include "hypervisor/dom0_build.h"
#include "hypervisor/mm_setup.h"
#include "hypervisor/options.h"
#include "hypervisor/selftest.h"
#include "hypervisor/serial_input.h"
#include "hypervisor/shutdown.h"
#include "hypervisor/timer.h"
#include "lib/string.h"

const struct boot_info *boot_info;

/*
 * Room for the boot CPU's stack block, which must be STACK_SIZE-aligned for
 * get_cpu_info().  Aligned at run time: a 32 KiB-aligned object would push
 * the image's first byte (the Multiboot header) past the 8 KiB of the file
 * that Multiboot loaders search.
 */
static uint8_t bsp_stack_room[2 * STACK_SIZE] __attribute__((aligned(PAGE_SIZE)));
/* The boot CPU's GDT page (the other CPUs' come from the allocator). */
static uint64_t bsp_gdt_page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));

void early_fatal(const char *msg)
{
	serial_init(COM1_PORT, 115200);
	for (const char *p = "(KEEL) fatal early boot error: "; *p; p++)
		serial_putc(*p);
	for (; *msg; msg++)
		serial_putc(*msg);
	serial_putc('\n');
	for (;;)
		halt();
}

void start_keel_on_boot_stack(const struct boot_info *bi)
{
	uint8_t *bsp_stack_block = (uint8_t *)ALIGN_UP((uint64_t)bsp_stack_room, STACK_SIZE);
	struct cpu_info *ci = (struct cpu_info *)(bsp_stack_block + STACK_SIZE) - 1;

	ci->pcpu = &bsp_percpu;
	bsp_percpu.stack_block = bsp_stack_block;
	bsp_percpu.gdt_page = bsp_gdt_page;
	bsp_percpu.state = CPU_ONLINE;
	percpu_of[0] = &bsp_percpu;
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "call start_keel\n\t"
			 "ud2" ::"r"(ci),
			 "D"(bi)
			 : "memory");
	__builtin_unreachable();
}

static void banner(const struct boot_info *bi)
{
	printk("Keel hypervisor, Xen 4.17 PV ABI, booted by %s\n",
	       bi->source == BOOT_SOURCE_EFI ? "UEFI" : "Multiboot");
	printk(KLOG_INFO "Command line: %s\n", bi->cmdline);
	if (bi->loader_name[0])
		printk(KLOG_INFO "Boot loader: %s\n", bi->loader_name);
	printk(KLOG_INFO "CPU: %s %s\n", cpu_features.vendor, cpu_features.brand);
	printk(KLOG_INFO "CPU features: NX %s, SMEP %s, SMAP %s, x2APIC %s, TSC-deadline %s\n",
	       cpu_features.nx ? "on" : "no", cpu_features.smep ? "on" : "no",
	       cpu_features.smap ? "on" : "no", cpu_features.x2apic ? "yes" : "no",
	       cpu_features.tsc_deadline ? "yes" : "no");
	for (uint32_t i = 0; i < bi->nr_modules; i++)
		printk(KLOG_INFO "module %u: %#lx-%#lx %lu bytes \"%s\"\n", i + 1,
		       bi->modules[i].start, bi->modules[i].start + bi->modules[i].len,
		       bi->modules[i].len, bi->modules[i].cmdline);
}

/* Boot-phase timestamps, printed with loglvl=debug once the TSC is calibrated. */
static struct {
	const char *what;
	uint64_t tsc;
} boot_marks[12];
static unsigned int nr_boot_marks;

static void boot_mark(const char *what)
{
	if (nr_boot_marks < ARRAY_SIZE(boot_marks))
		boot_marks[nr_boot_marks++] = (typeof(boot_marks[0])){ what, rdtsc() };
}

static void boot_marks_report(void)
{
	for (unsigned int i = 0; i < nr_boot_marks; i++)
		printk(KLOG_DEBUG "boot: %-24s done at %6lu us\n", boot_marks[i].what,
		       tsc_to_ns(boot_marks[i].tsc - boot_tsc) / 1000);
}

static void disable_legacy_pic(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

static void platform_init(const struct boot_info *bi)
{
	if (acpi_init(bi->acpi_rsdp))
		printk(KLOG_WARNING "no ACPI: assuming one CPU and no timers\n");
	boot_mark("ACPI tables");
	time_init();
	boot_mark("TSC calibration");
	disable_legacy_pic();
	apic_init_bsp();
	apic_setup_local();
	bsp_percpu.apic_id = apic_read_id();
	apic_timer_calibrate();
	ioapic_init();
	serial_input_init();
	timer_init_local();
	boot_mark("APIC, I/O APIC, timers");
}

static void report_ready(void)
{
	unsigned int first, last;
	uint64_t ms = now_ns() / 1000000;

	paging_slots_in_use(&first, &last);
	printk(KLOG_INFO "address space: PML4 slots %u-%u in use (Keel's range: %u-%u)\n", first,
	       last, KEEL_FIRST_PML4_SLOT, KEEL_LAST_PML4_SLOT);
	printk("ready: %u CPUs, %lu MiB, booted in %lu ms\n", nr_cpus_online, mm_ram_mib(), ms);
}

void start_keel(const struct boot_info *bi)
{
	boot_info = bi;
	options_parse(bi->cmdline);
	console_init(opt_console_port, opt_console_baud);
	cpu_features_init();
	idt_init();
	cpu_setup_local(&bsp_percpu);
	banner(bi);
	options_report_unknown();
	boot_mark("console and CPU tables");

	mm_setup(bi);
	pv_mm_init();
	pv_domain_setup();
	pv_cpu_init(&bsp_percpu);
	xen_version_set_cmdline(bi->cmdline);
	boot_mark("memory");
	platform_init(bi);
	pv_time_init();
	pv_mm_iomem_init();
	smp_boot_cpus();
	boot_mark("secondary CPUs");
	local_irq_enable();
	boot_marks_report();
	report_ready();

	if (opt_selftest[0])
		selftest_run(opt_selftest);
	if (!bi->nr_modules) {
		printk("no initial domain given (boot module 1): idling\n");
		for (;;) {
			/* No guest exit path runs: debug keys typed on the console are handled here. */
			local_irq_disable();
			serial_input_deferred_work();
			__asm__ volatile("sti; hlt" ::: "memory"); /* atomic: no key slips in between */
		}
	}
	if (dom0_build(bi))
		panic("could not set up the initial domain from module 1");
	pv_enter_guest();
}
