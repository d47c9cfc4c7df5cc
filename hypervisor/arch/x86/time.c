/*
 * hypervisor/arch/x86/time.c - TSC calibration and the monotonic clock.
 *
 * The TSC is measured once, on the boot CPU, against a timer of known
 * frequency: the HPET when the ACPI tables list one, else the ACPI PM timer
 * (3.579545 MHz).  Conversion factors are written before any other CPU
 * starts and are read-only afterwards.  Time 0 is the TSC value read by
 * the first instruction of head.asm, so now_ns() also measures boot time.
 */
#include "arch/time.h"

#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/paging.h"
#include "hypervisor/setup.h"
#include "lib/printk.h"

uint64_t tsc_khz;
/* ns = tsc * ns_mult >> 32 (and the inverse). */
static uint64_t ns_mult, tsc_mult;

#define CALIBRATE_MS 10
#define PM_TIMER_HZ 3579545
#define HPET_CAPS 0x000
#define HPET_CONFIG 0x010
#define HPET_COUNTER 0x0f0

/* Counts TSC ticks over CALIBRATE_MS of HPET time; returns kHz or 0. */
static uint64_t calibrate_hpet(void)
{
	volatile uint64_t *hpet = ioremap(acpi.hpet_addr, 1024);
	uint64_t period_fs = hpet[HPET_CAPS / 8] >> 32;
	uint64_t ticks, start, t0, t1;

	if (period_fs == 0 || period_fs > 100000000) /* the spec's bound: 100 ns */
		return 0;
	hpet[HPET_CONFIG / 8] |= 1; /* ENABLE_CNF: start the main counter */
	ticks = (uint64_t)CALIBRATE_MS * 1000000000000ULL / period_fs;
	start = hpet[HPET_COUNTER / 8];
	t0 = rdtsc();
	while (hpet[HPET_COUNTER / 8] - start < ticks)
		cpu_relax();
	t1 = rdtsc();
	return (t1 - t0) / CALIBRATE_MS;
}

static uint32_t pm_timer_read(void)
{
	return inl(acpi.pm_tmr_port) & (acpi.pm_tmr_32bit ? 0xffffffffu : 0xffffffu);
}

static uint64_t calibrate_pm_timer(void)
{
	uint32_t mask = acpi.pm_tmr_32bit ? 0xffffffffu : 0xffffffu;
	uint32_t ticks = (uint32_t)((uint64_t)PM_TIMER_HZ * CALIBRATE_MS / 1000);
	uint32_t start = pm_timer_read();
	uint64_t t0 = rdtsc(), t1;

	while (((pm_timer_read() - start) & mask) < ticks)
		cpu_relax();
	t1 = rdtsc();
	return (t1 - t0) / CALIBRATE_MS;
}

void time_init(void)
{
	const char *source = "HPET";

	if (acpi.hpet_addr)
		tsc_khz = calibrate_hpet();
	if (!tsc_khz && acpi.pm_tmr_port) {
		source = "ACPI PM timer";
		tsc_khz = calibrate_pm_timer();
	}
	if (!tsc_khz)
		panic("no HPET or ACPI PM timer to calibrate the TSC against");
	ns_mult = (1000000ULL << 32) / tsc_khz;
	tsc_mult = (tsc_khz << 32) / 1000000ULL;
	printk(KLOG_INFO "TSC: %lu.%03lu MHz (calibrated against the %s)\n", tsc_khz / 1000,
	       tsc_khz % 1000, source);
}

uint64_t tsc_to_ns(uint64_t tsc_delta)
{
	return (uint64_t)(((unsigned __int128)tsc_delta * ns_mult) >> 32);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * tsc_mult) >> 32);
}

uint64_t tsc_ns_mult(void)
{
	return ns_mult;
}

uint64_t now_ns(void)
{
	return tsc_to_ns(rdtsc() - boot_tsc);
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + ns_to_tsc(us * 1000);

	while (rdtsc() < end)
		cpu_relax();
}
