/*
 * tests/host/sched_shim.c - sched/sched.h and the guest console line for
 * unit tests: yields and kicks are counted, console lines kept.
 */
#include "host/sched_shim.h"

#include <string.h>

#include "hypercalls/hypercall.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "mm/memmap.h"
#include "sched/sched.h"

unsigned int host_sched_yields, host_sched_kicks;
char host_console_text[4096];

void sched_yield(struct vcpu *v)
{
	(void)v;
	host_sched_yields++;
}

void sched_kick(struct vcpu *v)
{
	(void)v;
	host_sched_kicks++;
}

void hypercall_console_line(domid_t domid, const char *line, size_t len)
{
	size_t at = strlen(host_console_text);
	char prefix[16];
	int n = snprintf(prefix, sizeof(prefix), "(d%u) ", domid);

	if (at + (size_t)n + len + 2 > sizeof(host_console_text))
		return;
	memcpy(host_console_text + at, prefix, (size_t)n);
	memcpy(host_console_text + at + n, line, len);
	host_console_text[at + n + len] = '\n';
	host_console_text[at + n + len + 1] = '\0';
}

void hypercall_console_text(domid_t domid, const char *s, size_t len)
{
	size_t at = strlen(host_console_text);
	bool line_start = !at || host_console_text[at - 1] == '\n';

	for (size_t i = 0; i < len && at + 16 < sizeof(host_console_text); i++) {
		if (line_start)
			at += (size_t)snprintf(host_console_text + at, 16, "(d%u) ", domid);
		host_console_text[at++] = s[i];
		line_start = s[i] == '\n';
	}
	host_console_text[at] = '\0';
}

struct memmap host_machine_memmap;

const struct memmap *hypercall_machine_memmap(void)
{
	return &host_machine_memmap;
}

uint64_t host_now_ns;
uint64_t host_wakeup_deadline;
uint64_t host_watchdog_deadline;

uint64_t sched_now_ns(void)
{
	return host_now_ns;
}

void sched_set_wakeup(struct vcpu *v, uint64_t deadline_ns)
{
	(void)v;
	host_wakeup_deadline = deadline_ns;
}

void sched_watchdog_arm(struct domain *d, uint64_t deadline_ns)
{
	(void)d;
	host_watchdog_deadline = deadline_ns;
}

const void *hypercall_build_id(unsigned int *len)
{
	static const unsigned char id[20] = { 0x4b, 0x65, 0x65, 0x6c };

	*len = sizeof(id);
	return id;
}

uint64_t host_guest_timer, host_guest_period;

void sched_set_guest_timer(struct vcpu *v, uint64_t deadline_ns)
{
	(void)v;
	host_guest_timer = deadline_ns;
}

void sched_set_guest_periodic(struct vcpu *v, uint64_t period_ns)
{
	(void)v;
	host_guest_period = period_ns;
}

unsigned int host_guest_timer_fired;

void sched_guest_timer_fire(struct vcpu *v)
{
	(void)v;
	host_guest_timer_fired++;
}

/*
 * Weights and caps by domain id (a few domains in tests), with the
 * credit scheduler's defaults and checks.
 */
static struct {
	bool set;
	unsigned int weight, cap;
} host_credit[64];

void sched_credit_get(struct domain *d, unsigned int *weight, unsigned int *cap)
{
	unsigned int i = d->domid % 64;

	*weight = host_credit[i].set ? host_credit[i].weight : 256;
	*cap = host_credit[i].set ? host_credit[i].cap : 0;
}

int sched_credit_set(struct domain *d, unsigned int weight, unsigned int cap)
{
	unsigned int i = d->domid % 64;

	if (weight < 1 || weight > 65535 || cap > 100 * d->max_vcpus)
		return -EINVAL;
	host_credit[i].set = true;
	host_credit[i].weight = weight;
	host_credit[i].cap = cap;
	return 0;
}
