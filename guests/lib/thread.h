/*
 * guests/lib/thread.h - cooperative kernel threads.
 *
 * One vCPU, no preemption: a thread runs until it yields, sleeps, waits
 * or exits, so threads share data without locks.  Between threads, and
 * whenever nothing is runnable (after SCHEDOP_block with a timer at the
 * first sleeper's deadline), the scheduler polls event channels
 * (events.h); handlers wake threads with waitq_wake().
 */
#ifndef GUESTS_LIB_THREAD_H
#define GUESTS_LIB_THREAD_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

/** A list of threads waiting for something. */
struct waitq {
	struct thread *head;
};

/** Starts @fn(@arg) in a new thread with its own stack; NULL when out of memory. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);

/** The running thread. */
struct thread *thread_self(void);

/** Lets the other runnable threads run (and polls events). */
void thread_yield(void);

/** Sleeps at least @ns nanoseconds. */
void thread_sleep_ns(uint64_t ns);

/** Ends the running thread. */
void thread_exit(void) __attribute__((noreturn));

/** Sleeps on @q until waitq_wake(), or until system time @deadline_ns (0: none). */
void waitq_wait(struct waitq *q, uint64_t deadline_ns);

/** Makes every thread waiting on @q runnable. */
void waitq_wake(struct waitq *q);

/**
 * Turns the boot context into the idle loop: runs threads, polls events,
 * blocks when idle.  Never returns.
 */
void sched_start(void) __attribute__((noreturn));

#endif /* GUESTS_LIB_THREAD_H */
