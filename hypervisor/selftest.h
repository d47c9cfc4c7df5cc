/*
 * hypervisor/selftest.h - built-in self-tests, run after the ready line
 * when the command line says `selftest=NAME`; the machine then powers off
 * with a status a test harness can read (see shutdown.h).
 */
#ifndef HYPERVISOR_SELFTEST_H
#define HYPERVISOR_SELFTEST_H

#include "lib/compiler.h"

__noreturn void selftest_run(const char *name);

#endif
