/*
 * hypervisor/shutdown.h - ending the machine: power off, reboot, panic exit.
 */
#ifndef HYPERVISOR_SHUTDOWN_H
#define HYPERVISOR_SHUTDOWN_H

#include "lib/compiler.h"
#include "lib/types.h"

/*
 * Status codes written to QEMU's isa-debug-exit device (port 0xf4), which
 * makes QEMU exit with status (code << 1) | 1.  Tests read that status.
 */
enum keel_exit_code {
	KEEL_EXIT_SUCCESS = 0x10, /* QEMU exits 33 */
	KEEL_EXIT_FAILURE = 0x11, /* 35: a self-test failed */
	KEEL_EXIT_PANIC = 0x12,   /* 37 */
};

/* Set by the `noreboot` option: on panic, stop instead of rebooting. */
extern bool opt_noreboot;

/* Powers the machine off (reporting `code` to a test harness if present). */
__noreturn void machine_power_off(enum keel_exit_code code);
/* Resets the machine. */
__noreturn void machine_restart(void);
/* Stops this CPU for good. */
__noreturn void machine_halt_cpu(void);

#endif
