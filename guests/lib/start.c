/*
 * guests/lib/start.c - start of day of a guest kernel: memory, events,
 * the console, then the application's main thread and the idle loop.
 */
#include "guests/lib/guest.h"

#include "guests/lib/console.h"
#include "guests/lib/events.h"
#include "guests/lib/hypercall.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"

void guest_start(start_info_t *si);

static void main_thread(void *arg)
{
	app_main();
}

void guest_start(start_info_t *si)
{
	mm_init(si);
	events_init();
	console_init();
	if (!thread_create("main", main_thread, NULL))
		panic("start: cannot create the main thread");
	sched_start();
}

bool guest_is_dom0(void)
{
	return start_info->flags & SIF_INITDOMAIN;
}

void guest_shutdown(unsigned int reason)
{
	for (;;)
		hyp_shutdown(reason);
}
