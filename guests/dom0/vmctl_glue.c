/*
 * guests/dom0/vmctl_glue.c - vmctl inside our dom0: its environment
 * (dom0-tools/vmctl/vmctl.h) on the kernel's services, the reaper thread
 * that applies on_poweroff/on_reboot/on_crash when VIRQ_DOM_EXC says a
 * domain stopped, and keeping the console backend in step with the
 * domains vmctl knows.
 *
 * Owns the toolstack's state (domain table, scratch) and the toolstack
 * lock: the shell's commands and the reaper take turns, because vmctl
 * may sleep inside a command (shutdown -w) and the scratch is shared.
 */
#include "guests/dom0/dom0.h"

#include "dom0-tools/vmctl/vmctl.h"
#include "guests/dom0/console_backend.h"
#include "guests/lib/console.h"
#include "guests/lib/events.h"
#include "guests/lib/thread.h"
#include "guests/lib/time.h"
#include "lib/errno.h"
#include "lib/string.h"

#define GUEST_MAX_PAGES (2048 * 256) /* the largest guest vmctl builds: 2 GiB */

static struct vmctl_domain_table domains;
static struct vmctl_scratch scratch;
static uint64_t guest_p2m[GUEST_MAX_PAGES];
static bool toolstack_busy;
static struct waitq toolstack_wait, reaper_wait;
static bool dom_exc_pending;

static const void *load_file(void *ctx, const char *path, size_t *len)
{
	const uint8_t *data;

	if (ramfs_read(&dom0_root, path, &data, len))
		return NULL;
	return data;
}

/* Whole: kprintf would cut at 511 bytes, and dmesg writes 4 KiB at a time. */
static void out(void *ctx, const char *s)
{
	console_write(s, strlen(s));
}

static void console_sync(void);

static int attach_console(void *ctx, domid_t domid, uint32_t port, uint64_t mfn)
{
	long rc;

	console_sync(); /* `create -c`: the new domain's console is not served yet */
	rc = conback_attach(domid);

	return rc == -ENOENT ? (int)rc : 0;
}

static uint64_t random64(void *ctx)
{
	static uint64_t state;
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	state ^= ((uint64_t)hi << 32 | lo) * 0x9e3779b97f4a7c15ULL;
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static uint64_t now_ns(void *ctx)
{
	return time_now_ns();
}

static struct vmctl_env env = {
	.hv = &dom0_hv,
	.store = &dom0_store,
	.domains = &domains,
	.scratch = &scratch,
	.load_file = load_file,
	.out = out,
	.console = attach_console,
	.random64 = random64,
	.now_ns = now_ns,
	.hostname = "keel",
	.release = "keel-dom0",
};

/*
 * Serves the console of every domain vmctl knows.  A console stops being
 * served when its domain is released (dom0_console_release), before the
 * domain is destroyed.
 */
static void console_sync(void)
{
	for (int i = 0; i < VMCTL_MAX_DOMAINS; i++) {
		struct vmctl_domain *d = &domains.dom[i];
		long rc;

		if (!d->used || !d->console_mfn || conback_serves(d->domid))
			continue;
		rc = conback_connect(d->domid, d->config.name, d->console_mfn, d->console_port);
		if (rc)
			kprintf("dom0: cannot serve %s's console: %ld\n", d->config.name, rc);
	}
}

bool dom0_newest_domain(domid_t *domid)
{
	bool found = false;

	for (int i = 0; i < VMCTL_MAX_DOMAINS; i++)
		if (domains.dom[i].used && (!found || domains.dom[i].domid > *domid)) {
			*domid = domains.dom[i].domid;
			found = true;
		}
	return found;
}

void dom0_console_release(domid_t domid)
{
	conback_disconnect(domid);
}

static void toolstack_lock(void)
{
	while (toolstack_busy)
		waitq_wait(&toolstack_wait, 0);
	toolstack_busy = true;
}

static void toolstack_unlock(void)
{
	toolstack_busy = false;
	waitq_wake(&toolstack_wait);
}

/*
 * vmctl top [-i ITERATIONS] [-d SECONDS]: xentop's live table, redrawn
 * every SECONDS (default 1) until a key is pressed; with -i, ITERATIONS
 * frames one after the other and no key is looked for (input typed ahead
 * is the shell's).  The loop lives here because it waits on dom0's console.
 */
static bool key_pressed(bool interactive)
{
	char key;

	if (!interactive || !console_pending())
		return false;
	console_read(&key, 1);
	return true;
}

static int top(int argc, char **argv)
{
	static struct vmctl_top_sample samples[2];
	long iterations = -1, delay = 1;
	int i = 0;

	for (int a = 2; a < argc; a += 2) {
		uint64_t v;

		if (a + 1 == argc || vmctl_parse_uint(argv[a + 1], 1000000, &v) || !v ||
		    (strcmp(argv[a], "-i") && strcmp(argv[a], "-d"))) {
			kprintf("usage: vmctl top [-i ITERATIONS] [-d SECONDS]\n");
			return 2;
		}
		*(strcmp(argv[a], "-i") ? &delay : &iterations) = (long)v;
	}
	if (vmctl_top_sample(&env, &samples[0]))
		return 1;
	for (;;) {
		for (long t = 0; t < delay * 10 && !(iterations < 0 && console_pending()); t++)
			thread_sleep_ns(100 * NSEC_PER_MSEC);
		if (key_pressed(iterations < 0))
			return 0;
		if (vmctl_top_sample(&env, &samples[(i + 1) % 2]))
			return 1;
		if (iterations < 0)
			kprintf("\x1b[H\x1b[2J");
		vmctl_top_frame(&env, &samples[i % 2], &samples[(i + 1) % 2]);
		if (++i == iterations)
			return 0;
	}
}

int dom0_vmctl(int argc, char **argv)
{
	int rc;

	if (argc > 1 && !strcmp(argv[1], "top")) {
		toolstack_lock();
		rc = top(argc, argv);
		toolstack_unlock();
		return rc;
	}
	toolstack_lock();
	rc = vmctl_main(&env, argc, argv);
	console_sync();
	toolstack_unlock();
	return rc;
}

static void dom_exc_event(evtchn_port_t port, void *data)
{
	dom_exc_pending = true;
	waitq_wake(&reaper_wait);
}

static void reaper_thread(void *arg)
{
	for (;;) {
		while (!dom_exc_pending)
			waitq_wait(&reaper_wait, 0);
		dom_exc_pending = false;
		toolstack_lock();
		shell_async_begin();
		vmctl_lifecycle(&env);
		console_sync();
		shell_async_end();
		toolstack_unlock();
	}
}

void dom0_services_start(void)
{
	long rc;

	scratch.create.p2m = guest_p2m;
	scratch.create.p2m_max = GUEST_MAX_PAGES;
	dom0_store_init();
	rc = evtchn_bind_virq(VIRQ_DOM_EXC, dom_exc_event, NULL);
	if (rc < 0)
		kprintf("dom0: cannot bind VIRQ_DOM_EXC (%ld): stopped domains stay\n", rc);
	if (!thread_create("reaper", reaper_thread, NULL))
		panic("dom0: cannot start the reaper");
}
