/*
 * lib/printk.h - logging and fatal-error hooks visible to every layer.
 *
 * The hypervisor implements these on the serial console
 * (hypervisor/common/printk.c); host unit tests implement them in the
 * host shim (tests/host/), where panic() fails the running test.
 *
 * A message starts with one of the KLOG_* level prefixes (as Xen's
 * XENLOG_*): the `loglvl=` command-line option decides which are printed.
 */
#ifndef LIB_PRINTK_H
#define LIB_PRINTK_H

#include "lib/compiler.h"

#define KLOG_ERR "<0>"
#define KLOG_WARNING "<1>"
#define KLOG_INFO "<2>"
#define KLOG_DEBUG "<3>"

void printk(const char *fmt, ...) __printf(1, 2);
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* Keel's own invariants; never use these on guest-controlled input. */
#define BUG_ON(cond)                                                                   \
	do {                                                                           \
		if (unlikely(cond))                                                    \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);          \
	} while (0)
#define ASSERT(cond) BUG_ON(!(cond))

#endif /* LIB_PRINTK_H */
