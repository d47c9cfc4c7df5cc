/*
 * sched/credit.h - the credit scheduler's own state, kept inside the
 * generic scheduler objects of sched/policy.h (which embeds these
 * structs), and its operations table.
 *
 * Only sched/credit*.c read or write these fields; everything else goes
 * through the interface of sched/policy.h.  The algorithm is described at
 * the top of sched/credit.c and, for students, in docs/scheduler.md.
 */
#ifndef SCHED_CREDIT_H
#define SCHED_CREDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/sched_list.h"

/*
 * Run-queue priorities, best first.  A CPU with none of them to run is
 * idle (IDLE is "nothing", so it needs no list).
 */
enum credit_prio {
	CREDIT_PRIO_BOOST = 0, /* just woke with credit left: runs before all others */
	CREDIT_PRIO_UNDER,     /* has credit left this period */
	CREDIT_PRIO_OVER,      /* used more than it earned: runs when nothing better waits */
	CREDIT_NR_PRIO,
};

/*
 * Scratch of one accounting pass: what an entity (domain or vCPU) could
 * use this period (want), its weight among its peers, and what it gets.
 */
struct credit_share {
	uint32_t weight;
	uint64_t want;
	uint64_t grant;
	bool done; /* got all it wanted; out of the next water-filling round */
};

struct credit_vcpu {
	/*
	 * Credit in nanoseconds of CPU time.  Earned at each accounting,
	 * debited by the time actually run; negative when it ran more than
	 * it earned.
	 */
	int64_t balance;
	enum credit_prio prio;	/* meaningful while runnable */
	bool boosted;		/* woke with credit left; cleared at its next tick */
	bool yielded;		/* asked to let others run at its next pick */
	bool ran;		/* debited since the last accounting: it competes for credit */
	uint64_t last_debit_ns; /* up to when its running time has been debited */
	uint64_t started_ns;	/* when it last got its CPU (rate limit) */
	struct credit_share share;
};

struct credit_dom {
	struct credit_share share;
};

struct credit_cpu {
	struct sched_list runq[CREDIT_NR_PRIO]; /* FIFO per priority */
	uint64_t next_tick_ns;			/* 0: idle, no tick */
	uint64_t slice_end_ns;			/* when the current vCPU's slice ends */
};

struct credit_sched {
	uint64_t next_account_ns;
	/*
	 * The books (ns): every nanosecond issued is either consumed (debited
	 * for running), still on some vCPU's balance, or left with a vCPU
	 * that was removed (retired).  credit_check_books() verifies it.
	 */
	uint64_t issued_ns, consumed_ns;
	int64_t retired_ns;
	uint64_t periods;	  /* accounting periods done */
	unsigned int nr_parked;	  /* vCPUs held back by their cap (someone must keep accounting) */
	unsigned int steal_start; /* where the next steal scan starts (spreads the load) */
};

struct sched;
struct sched_ops;
extern const struct sched_ops credit_ops;

/*
 * issued - consumed - balances - retired, in ns: 0 unless credit leaked
 * or was counted twice (tests and the simulator check it).  A running
 * vCPU's time since its last debit is in none of the terms yet.
 */
int64_t credit_unaccounted_ns(const struct sched *s);

#endif /* SCHED_CREDIT_H */
