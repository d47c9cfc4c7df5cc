/*
 * guests/dom0/bench_create.c - `bench-create CFG [N]`: how long from
 * `vmctl create CFG` to the guest's first complete console line, N times
 * (default 20), each domain destroyed before the next.  Prints each run
 * and the median as `BENCH name value` lines for scripts/bench-create.py,
 * which runs the same dom0 on Keel and on Xen 4.17 (docs/benchmarks.md).
 */
#include "guests/dom0/dom0.h"

#include "dom0-tools/vmctl/domain_table.h"

#include "guests/dom0/console_backend.h"
#include "guests/lib/console.h"
#include "guests/lib/thread.h"
#include "guests/lib/time.h"
#include "lib/format.h"

#define MAX_RUNS     100
#define WAIT_LIMIT   (10 * NSEC_PER_SEC)

/* One create; the time to the first line in ns, or 0 on failure. */
static uint64_t one_run(char *cfg)
{
	char *create[] = { "vmctl", "create", cfg, NULL };
	char id[8], *destroy[] = { "vmctl", "destroy", id, NULL };
	uint64_t start = time_now_ns(), first = 0;
	domid_t domid;

	if (dom0_vmctl(3, create) || !dom0_newest_domain(&domid))
		return 0;
	while (!(first = conback_first_line_ns(domid)) && time_now_ns() - start < WAIT_LIMIT)
		thread_sleep_ns(NSEC_PER_MSEC / 4);
	format_snprintf(id, sizeof(id), "%u", domid);
	dom0_vmctl(3, destroy);
	return first ? first - start : 0;
}

static void sort(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

int dom0_bench_create(int argc, char **argv)
{
	uint64_t runs[MAX_RUNS], n = 20;

	if (argc < 2 || argc > 3 || (argc == 3 && vmctl_parse_uint(argv[2], MAX_RUNS, &n)) || !n) {
		kprintf("usage: bench-create CFG [RUNS (1-%d, default 20)]\n", MAX_RUNS);
		return 2;
	}
	for (uint64_t i = 0; i < n; i++) {
		runs[i] = one_run(argv[1]);
		if (!runs[i]) {
			kprintf("bench-create: run %lu failed (no domain or no console line)\n",
				(unsigned long)i + 1);
			return 1;
		}
		kprintf("BENCH create_to_first_line_us.%lu %lu\n", (unsigned long)i + 1,
			(unsigned long)(runs[i] / 1000));
	}
	sort(runs, n);
	kprintf("BENCH create_to_first_line_us %lu\n", (unsigned long)(runs[n / 2] / 1000));
	kprintf("BENCH create_to_first_line_us_min %lu\n", (unsigned long)(runs[0] / 1000));
	kprintf("BENCH create_to_first_line_us_max %lu\n", (unsigned long)(runs[n - 1] / 1000));
	return 0;
}
