/*
 * hypervisor/arch/x86/apic.c - the local APIC.
 *
 * Owns the xAPIC mapping and the mode choice (made once by the boot CPU;
 * every CPU then uses the same mode).  Register accesses are per-CPU by
 * nature and need no lock.  In x2APIC mode register N (xAPIC offset) is
 * MSR 0x800 + N/16 and the ICR is a single 64-bit MSR.
 */
#include "arch/apic.h"

#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/paging.h"
#include "arch/time.h"
#include "lib/printk.h"

bool apic_x2apic_mode;
bool apic_timer_deadline_mode;

static volatile uint32_t *xapic_base;
static uint32_t apic_timer_ticks_per_ms;

enum {
	APIC_ID = 0x20,
	APIC_TPR = 0x80,
	APIC_EOI = 0xb0,
	APIC_SVR = 0xf0,
	APIC_ESR = 0x280,
	APIC_ICR_LO = 0x300,
	APIC_ICR_HI = 0x310,
	APIC_LVT_TIMER = 0x320,
	APIC_LVT_LINT0 = 0x350,
	APIC_LVT_LINT1 = 0x360,
	APIC_LVT_ERROR = 0x370,
	APIC_TIMER_INIT = 0x380,
	APIC_TIMER_CUR = 0x390,
	APIC_TIMER_DIV = 0x3e0,
};

#define APIC_BASE_EXTD (1UL << 10)
#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_MODE_NMI (4u << 8)
#define ICR_MODE_INIT (5u << 8)
#define ICR_MODE_SIPI (6u << 8)

static uint32_t apic_read(uint32_t reg)
{
	if (apic_x2apic_mode)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return xapic_base[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (apic_x2apic_mode)
		wrmsr(0x800 + (reg >> 4), v);
	else
		xapic_base[reg / 4] = v;
}

void apic_init_bsp(void)
{
	apic_x2apic_mode = cpu_features.x2apic;
	apic_timer_deadline_mode = cpu_features.tsc_deadline;
	if (!apic_x2apic_mode)
		xapic_base = ioremap(acpi.lapic_addr ? acpi.lapic_addr : APIC_DEFAULT_MADDR, PAGE_SIZE);
	printk(KLOG_INFO "APIC: %s mode, timer in %s mode\n", apic_x2apic_mode ? "x2APIC" : "xAPIC",
	       apic_timer_deadline_mode ? "TSC-deadline" : "one-shot");
}

void apic_setup_local(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | MSR_APIC_BASE_ENABLE;

	if (apic_x2apic_mode)
		base |= APIC_BASE_EXTD;
	wrmsr(MSR_APIC_BASE, base);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, 4u << 8); /* LINT1 delivers NMI, as on PCs */
	apic_write(APIC_LVT_ERROR, LVT_MASKED);
	apic_write(APIC_SVR, SVR_ENABLE | 0xff);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_EOI, 0);
}

uint32_t apic_read_id(void)
{
	return apic_x2apic_mode ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void apic_send(uint32_t apic_id, uint32_t low)
{
	if (apic_x2apic_mode) {
		wrmsr(0x830, ((uint64_t)apic_id << 32) | low);
		return;
	}
	apic_write(APIC_ICR_HI, apic_id << 24);
	apic_write(APIC_ICR_LO, low);
	for (int i = 0; i < 1000000 && (apic_read(APIC_ICR_LO) & ICR_DELIVERY_PENDING); i++)
		cpu_relax();
}

void apic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	apic_send(apic_id, vector);
}

void apic_send_nmi(uint32_t apic_id)
{
	apic_send(apic_id, ICR_MODE_NMI | ICR_LEVEL_ASSERT);
}

void apic_send_init(uint32_t apic_id)
{
	apic_send(apic_id, ICR_MODE_INIT | ICR_LEVEL_ASSERT);
}

void apic_send_sipi(uint32_t apic_id, uint8_t start_page)
{
	apic_send(apic_id, ICR_MODE_SIPI | start_page);
}

void apic_timer_setup(uint8_t vector)
{
	if (apic_timer_deadline_mode) {
		apic_write(APIC_LVT_TIMER, vector | LVT_TIMER_TSC_DEADLINE);
		/* SDM 10.5.4.1: order the LVT write before the first deadline write. */
		smp_mb();
	} else {
		apic_write(APIC_TIMER_DIV, 0xb); /* divide by 1 */
		apic_write(APIC_LVT_TIMER, vector);
	}
}

void apic_timer_calibrate(void)
{
	uint64_t start, end;

	if (apic_timer_deadline_mode)
		return;
	apic_write(APIC_TIMER_DIV, 0xb);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_TIMER_INIT, 0xffffffff);
	start = rdtsc();
	end = start + tsc_khz * 10; /* 10 ms */
	while (rdtsc() < end)
		cpu_relax();
	apic_timer_ticks_per_ms = (0xffffffff - apic_read(APIC_TIMER_CUR)) / 10;
	apic_write(APIC_TIMER_INIT, 0);
	printk(KLOG_INFO "APIC timer: %u kHz\n", apic_timer_ticks_per_ms);
}

void apic_timer_arm(uint64_t tsc_deadline)
{
	uint64_t now, ticks;

	if (apic_timer_deadline_mode) {
		wrmsr(MSR_TSC_DEADLINE, tsc_deadline);
		return;
	}
	if (!tsc_deadline) {
		apic_write(APIC_TIMER_INIT, 0);
		return;
	}
	now = rdtsc();
	ticks = tsc_deadline > now ? (tsc_deadline - now) * apic_timer_ticks_per_ms / tsc_khz : 0;
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffff)
		ticks = 0xffffffff; /* fires early; the handler re-arms */
	apic_write(APIC_TIMER_INIT, (uint32_t)ticks);
}
