/*
 * tests/pv/keel_counters.c - Keel's 'q' totals read back through sysctl
 * (tests/pv/keel_counters.h).
 *
 * sysctl.h is a toolstack header, which gets the latest interface
 * (xen-compat.h); nothing used here differs from the Makefile's version.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1

#include "tests/pv/keel_counters.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/sysctl.h>
#include <xen/version.h>
#include <xen/xen.h>

#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"

/* The ring is read whole; Keel's is 64 KiB, a report a few hundred bytes. */
static char ring[16384];

/* The first occurrence of needle in the NUL-terminated hay, or NULL. */
static const char *find(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!memcmp(hay, needle, n))
			return hay;
	return NULL;
}

static long sysctl(struct xen_sysctl *op)
{
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return pv_hypercall1(__HYPERVISOR_sysctl, op);
}

static long readconsole(bool clear, uint32_t *index, uint32_t *count)
{
	struct xen_sysctl op = { .cmd = XEN_SYSCTL_readconsole };
	long rc;

	op.u.readconsole.clear = clear;
	op.u.readconsole.incremental = 1;
	op.u.readconsole.index = *index;
	op.u.readconsole.count = sizeof(ring) - 1;
	set_xen_guest_handle(op.u.readconsole.buffer, ring);
	rc = sysctl(&op);
	if (!rc) {
		*index = op.u.readconsole.index;
		*count = op.u.readconsole.count;
	}
	return rc;
}

bool keel_counters_available(void)
{
	xen_extraversion_t ev;

	return hyp_xen_version(XENVER_extraversion, ev) == 0 && find(ev, "keel") != NULL;
}

bool keel_counters_read(unsigned long out[KEEL_NR_TOTALS])
{
	struct xen_sysctl keys = { .cmd = XEN_SYSCTL_debug_keys };
	uint32_t index = 0, count = 0;
	const char *t = NULL;

	/* Read (and clear) whatever is there, so only the report is new. */
	do {
		if (readconsole(true, &index, &count))
			return false;
	} while (count == sizeof(ring) - 1);
	set_xen_guest_handle(keys.u.debug_keys.keys, "q");
	keys.u.debug_keys.nr_keys = 1;
	if (sysctl(&keys) || readconsole(false, &index, &count))
		return false;
	ring[count] = '\0';
	t = find(ring, "totals: ");
	for (unsigned int n = 0; n < KEEL_NR_TOTALS; n++) {
		if (!t)
			return false;
		while (*t && (*t < '0' || *t > '9'))
			t++;
		if (!*t)
			return false;
		for (out[n] = 0; *t >= '0' && *t <= '9'; t++)
			out[n] = out[n] * 10 + (unsigned long)(*t - '0');
	}
	return true;
}

void keel_counters_print(const char *what, const unsigned long t[KEEL_NR_TOTALS])
{
	pv_printf("%s: %lu domains, %lu domain pages, %lu event channels, %lu grant mappings, "
		  "%lu timers queued\n",
		  what, t[KEEL_DOMAINS], t[KEEL_DOMAIN_PAGES], t[KEEL_EVENT_CHANNELS],
		  t[KEEL_GRANT_MAPPINGS], t[KEEL_TIMERS_QUEUED]);
}
