/*
 * tests/host/sched_shim.c - sched/sched.h and the guest console line for
 * unit tests: yields and kicks are counted, console lines kept, weights,
 * caps and affinities remembered with the scheduler's checks.
 */
#include "host/sched_shim.h"

#include <stdlib.h>
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

const struct dom0_iomem_machine *host_dom0_iomem;

const struct dom0_iomem_machine *hypercall_dom0_iomem(void)
{
	return host_dom0_iomem;
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

/*
 * Affinities by vCPU (a few in tests), every CPU until set; the CPUs
 * online are host_sched_online's (the policy's check: a hard mask must
 * name one).
 */
uint64_t host_sched_online = 3;
unsigned int host_sched_affinity_sets;

static struct {
	const struct vcpu *v;
	struct sched_affinity a;
} host_affinity[16];

void host_sched_reset(void)
{
	memset(host_affinity, 0, sizeof(host_affinity));
	host_sched_online = 3;
	host_sched_affinity_sets = 0;
}

/* v's entry, made on first use (the table is small: tests use few vCPUs). */
static struct sched_affinity *affinity_of(const struct vcpu *v)
{
	for (unsigned int i = 0; i < sizeof(host_affinity) / sizeof(host_affinity[0]); i++) {
		if (host_affinity[i].v == v)
			return &host_affinity[i].a;
		if (!host_affinity[i].v) {
			host_affinity[i].v = v;
			host_affinity[i].a = (struct sched_affinity){~0ULL, ~0ULL};
			return &host_affinity[i].a;
		}
	}
	abort();
}

void sched_vcpu_affinity_get(struct vcpu *v, struct sched_affinity *a)
{
	*a = *affinity_of(v);
}

int sched_vcpu_affinity_set(struct vcpu *v, struct sched_affinity *a)
{
	if (!(a->hard & host_sched_online))
		return -EINVAL;
	*affinity_of(v) = *a;
	host_sched_affinity_sets++;
	a->hard &= host_sched_online;
	a->soft &= a->hard;
	return 0;
}
