/*
 * guests/hello/main.c - the hello domU: greets with its domain id, memory
 * and vCPUs, then idles until it is asked to shut down (control/shutdown)
 * or destroyed.
 *
 * Its command line may say `crash` (panic right after the greeting: a
 * test of on_crash) or `exit` (power off right after the greeting).
 */
#include <stdint.h>

#include <xen/vcpu.h>

#include "guests/lib/console.h"
#include "guests/lib/guest.h"
#include "guests/lib/hypercall.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"
#include "guests/lib/xenbus.h"
#include "lib/cmdline.h"

/* vCPUs the domain has: VCPUOP_is_up answers for each one it has. */
static unsigned int count_vcpus(void)
{
	unsigned int n = 0;

	while (n < 128 && hyp_vcpu_op(VCPUOP_is_up, n, NULL) >= 0)
		n++;
	return n;
}

/* Words on its command line: `crash` panics, `exit` powers off; others are not its business. */
static bool want_crash, want_exit;
static const struct cmdline_param hello_params[] = {
    CMDLINE_PARAM_BOOL("crash", want_crash),
    CMDLINE_PARAM_BOOL("exit", want_exit),
};

static void ignore_other_words(const char *name, const char *value, int err)
{
	(void)name;
	(void)value;
	(void)err;
}

void app_main(void)
{
	char domid[16] = "?", name[64] = "?";
	long rc = xenbus_init();

	if (!rc) {
		xenbus_read(XBT_NIL, "domid", domid, sizeof(domid));
		xenbus_read(XBT_NIL, "name", name, sizeof(name));
	}
	kprintf("Hello from %s, domain %s: %lu MiB, %u vCPUs, command line \"%s\"\n", name, domid,
		(unsigned long)(start_info->nr_pages >> 8), count_vcpus(),
		(const char *)start_info->cmd_line);
	cmdline_parse((const char *)start_info->cmd_line, hello_params,
		      sizeof(hello_params) / sizeof(hello_params[0]), ignore_other_words);
	if (want_crash)
		panic("hello: crashing as asked on the command line");
	if (want_exit)
		guest_shutdown(SHUTDOWN_poweroff);
	if (rc) {
		kprintf("hello: no XenStore (%ld): cannot be asked to shut down\n", rc);
		return;
	}
	xenbus_start_shutdown_watcher();
}
