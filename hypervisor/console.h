/*
 * hypervisor/console.h - Keel's console: printk to the serial port, with
 * log levels and the `(KEEL) ` prefix.
 */
#ifndef HYPERVISOR_CONSOLE_H
#define HYPERVISOR_CONSOLE_H

#include "lib/printk.h"
#include "lib/types.h"

/* Levels, most to least severe; matches the KLOG_* prefixes "<0>".."<3>". */
enum log_level {
	LOG_ERR = 0,
	LOG_WARNING = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Messages at or above this severity are printed (loglvl=). */
extern int console_loglevel;

/* Console on the UART at `port`, `baud` (0 = leave as the firmware set it). */
void console_init(uint16_t port, uint32_t baud);
/* Parses a loglvl= value: none|error|warning|info|debug|all. */
int console_parse_loglevel(const char *val);
/* Called by panic and fatal traps: take the console even if another CPU holds it. */
void console_force_unlock(void);
/* Writes raw text to the console (with "(KEEL) " at each line start). */
void console_write(const char *s, size_t len);
/*
 * VIRQ_CON_RING to the control domain if text went into the console ring
 * since the last call.  From the exit path: no locks held, not in an
 * interrupt handler (event channels, hypercalls/evtchn.h).
 */
void console_ring_notify(void);

#endif
