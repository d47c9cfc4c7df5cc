/*
 * tests/host/include/host/test_shim.h - what unit tests see of the host shim.
 *
 * Owns nothing itself: declares the hooks of tests/host/host_printk.c (a log
 * that tests can inspect, and a way to expect a panic) and of
 * tests/host/fake_ram.c (fake machine memory, see arch/mm.h).
 *
 * Single-threaded: unit tests run one test at a time on one thread.
 */
#ifndef HOST_TEST_SHIM_H
#define HOST_TEST_SHIM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/mm.h"

/* Forgets every message logged so far. */
void host_log_reset(void);
/* Messages logged since the last reset that start with the KLOG_* prefix level. */
unsigned int host_log_count(const char *level);
/* True if some message since the last reset contains needle. */
bool host_log_contains(const char *needle);
/* Echo printk output to stderr (default on); returns the previous setting. */
bool host_log_echo(bool on);

/* Used by HOST_PANICS; tests call the macro, not these. */
void host_panic_arm(jmp_buf *target);
void host_panic_disarm(void);

/*
 * HOST_PANICS(stmt): runs stmt and evaluates to true if it called panic()
 * (a BUG_ON or ASSERT fired), false if it returned normally.  A panic
 * longjmps out of stmt, so locks it held stay held: reinitialise the
 * module under test afterwards.  Outside HOST_PANICS, a panic fails the
 * running test.
 */
#define HOST_PANICS(stmt)                                                                          \
	({                                                                                         \
		jmp_buf host_jb_;                                                                  \
		volatile bool host_panicked_ = false;                                              \
		host_panic_arm(&host_jb_);                                                         \
		if (setjmp(host_jb_) == 0) {                                                       \
			stmt;                                                                      \
		} else {                                                                           \
			host_panicked_ = true;                                                     \
		}                                                                                  \
		host_panic_disarm();                                                               \
		(bool)host_panicked_;                                                              \
	})

/* Number of frames fake_ram_init() set up. */
uint64_t fake_ram_nr_frames(void);

/* Byte that fake_ram_init() fills fresh memory with ("unknown contents"). */
#define FAKE_RAM_FILL 0xa5

#endif /* HOST_TEST_SHIM_H */
