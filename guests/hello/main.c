/*
 * guests/hello/main.c - the hello domU: prints its domain id, memory and
 * vCPUs, then waits until asked to shut down.
 */
#include "guests/lib/console.h"
#include "guests/lib/guest.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"
#include "guests/lib/time.h"

void app_main(void)
{
	kprintf("Hello from Keel's hello guest: %lu MiB, %lu free pages\n",
		(unsigned long)(start_info->nr_pages >> 8), (unsigned long)mm_free_pages());
	for (int i = 0; i < 3; i++) {
		thread_sleep_ns(100 * NSEC_PER_MSEC);
		kprintf("tick %d at %lu ms\n", i, (unsigned long)(time_now_ns() / NSEC_PER_MSEC));
	}
	guest_shutdown(SHUTDOWN_poweroff);
}
