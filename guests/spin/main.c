/*
 * guests/spin/main.c - the spin domU: a CPU-bound guest that reports its
 * progress, to watch the credit scheduler share CPUs between domains.
 *
 * It never blocks: it does fixed units of arithmetic and, every `every=`
 * milliseconds of system time (default 1000), prints one line
 *
 *   spin: units=1234 +56 in 1000 ms, ran 498 ms
 *
 * units is the total done since boot, +N those since the last line, and
 * "ran" the time its vCPU spent running in that interval by its runstate
 * (VCPUOP_get_runstate_info): the units say how much work it got done,
 * the runstate what the scheduler says it gave.  Between units it yields
 * to its own threads, so the xenbus shutdown watcher still answers
 * `vmctl shutdown`.  Its command line may also say `units=N` to stop
 * (power off) after N units, for tests that want it to end by itself, and
 * `flood=version` or `flood=yield` to make each unit a burst of
 * hypercalls (xen_version, or SCHEDOP_yield) instead of arithmetic: a
 * guest that floods Keel with hypercalls must still get only its share,
 * since its time in the hypervisor is charged to it as well.
 */
#include <stdint.h>

#include <xen/vcpu.h>

#include "guests/lib/console.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"
#include "guests/lib/time.h"
#include "guests/lib/xenbus.h"
#include "lib/cmdline.h"
#include "lib/string.h"

/* Iterations per unit: tens of microseconds under TCG, so progress is fine-grained. */
#define SPIN_UNIT_ITERATIONS 20000
/* Hypercalls per unit when flooding: about as long as an arithmetic unit. */
#define SPIN_FLOOD_HYPERCALLS 64

static uint64_t report_every_ms = 1000;
static uint64_t stop_after_units; /* 0: spin until shut down */
static char flood[16];		  /* "", "version" or "yield" */

static const struct cmdline_param spin_params[] = {
    CMDLINE_PARAM_UINT("every", report_every_ms),
    CMDLINE_PARAM_UINT("units", stop_after_units),
    CMDLINE_PARAM_STRING("flood", flood),
};

/* One unit of work the compiler cannot drop: a xorshift walk. */
static uint64_t spin_unit(uint64_t x)
{
	for (unsigned int i = 0; i < SPIN_UNIT_ITERATIONS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

static uint64_t flood_unit(uint64_t x)
{
	for (unsigned int i = 0; i < SPIN_FLOOD_HYPERCALLS; i++) {
		if (flood[0] == 'y')
			hyp_sched_op(SCHEDOP_yield, NULL);
		else
			x += (uint64_t)hyp_xen_version(XENVER_version, NULL);
	}
	return x;
}

static uint64_t ran_ns(void)
{
	struct vcpu_runstate_info rs;

	if (hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &rs) < 0)
		return 0;
	return rs.time[RUNSTATE_running];
}

void app_main(void)
{
	uint64_t units = 0, last_units = 0, x = 0x9e3779b97f4a7c15ull;
	uint64_t last_ns, last_ran;
	long rc = xenbus_init();

	cmdline_parse((const char *)start_info->cmd_line, spin_params,
		      sizeof(spin_params) / sizeof(spin_params[0]), NULL);
	if (!report_every_ms)
		report_every_ms = 1000;
	if (flood[0] && strcmp(flood, "version") && strcmp(flood, "yield")) {
		kprintf("spin: flood=%s: not version or yield; spinning\n", flood);
		flood[0] = 0;
	}
	if (rc)
		kprintf("spin: no XenStore (%ld): cannot be asked to shut down\n", rc);
	else
		xenbus_start_shutdown_watcher();
	kprintf("spin: spinning%s%s, a line every %lu ms\n", flood[0] ? " with hypercalls: " : "",
		flood, (unsigned long)report_every_ms);

	last_ns = time_now_ns();
	last_ran = ran_ns();
	for (;;) {
		uint64_t now;

		x = flood[0] ? flood_unit(x) : spin_unit(x);
		units++;
		thread_yield(); /* the shutdown watcher, and events */
		if (stop_after_units && units >= stop_after_units) {
			kprintf("spin: done, units=%lu (%lx)\n", (unsigned long)units,
				(unsigned long)(x & 0xf));
			guest_shutdown(SHUTDOWN_poweroff);
		}
		now = time_now_ns();
		if (now - last_ns < report_every_ms * 1000000ull)
			continue;
		uint64_t ran = ran_ns();

		kprintf("spin: units=%lu +%lu in %lu ms, ran %lu ms\n", (unsigned long)units,
			(unsigned long)(units - last_units),
			(unsigned long)((now - last_ns) / 1000000),
			(unsigned long)((ran - last_ran) / 1000000));
		last_ns = now;
		last_ran = ran;
		last_units = units;
	}
}
