/*
 * hypervisor/setup.h - the boot sequence after the boot paths converge.
 */
#ifndef HYPERVISOR_SETUP_H
#define HYPERVISOR_SETUP_H

#include "hypervisor/boot/boot_info.h"
#include "lib/compiler.h"

/* The boot information start_keel() was given, for later stages. */
extern const struct boot_info *boot_info;
/* TSC at Keel's first instruction (head.asm). */
extern uint64_t boot_tsc;

/* Moves the boot CPU onto its per-CPU stack block and runs start_keel(). */
__noreturn void start_keel_on_boot_stack(const struct boot_info *bi);
/* Brings up everything, prints the ready line, then idles. */
__noreturn void start_keel(const struct boot_info *bi);
/* Before the console exists: print to COM1 and stop. */
__noreturn void early_fatal(const char *msg);

#endif
