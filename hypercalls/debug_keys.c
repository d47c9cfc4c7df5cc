/*
 * hypercalls/debug_keys.c - debug keys (XEN_SYSCTL_debug_keys, `xl
 * debug-keys`): one letter makes Keel print a report on its console,
 * which then lands in the console ring for `xl dmesg` (readconsole).
 *
 * The reports are Keel's own counters, the evidence that destroying a
 * domain gives everything back: 'q' lists every domain (state, pages,
 * vCPUs, open event channels) with totals, the hypervisor timers queued
 * and the console input dom0 has not read (or lost), 'm' the buddy
 * allocator and the heap.  Xen's letters where Xen has the same report
 * ('h', 'q', 'm'); the text is Keel's.
 *
 * Reports are printed whatever loglvl= says (no level prefix): someone
 * asked for them.
 *
 * Locks: none of its own; each counter is read under its owner's lock,
 * one at a time, so a report is a series of snapshots.
 */
#include "hypercalls/control.h"

#include <xen/xen.h>

#include "hypercalls/evtchn.h"
#include "hypercalls/gnttab.h"
#include "hypervisor/common/console_input.h"
#include "hypervisor/common/domain.h"
#include "lib/printk.h"
#include "mm/buddy.h"
#include "mm/heap.h"

static const char *const vcpu_state_names[] = {
    [VCPU_OFFLINE] = "offline",
    [VCPU_RUNNABLE] = "runnable",
    [VCPU_RUNNING] = "running",
    [VCPU_BLOCKED] = "blocked",
};

static void show_help(void)
{
	printk(" 'h' this list\n");
	printk(" 'm' memory: buddy allocator and heap counters\n");
	printk(" 'q' domains: state, pages, vCPUs, event channels, grant mappings; totals; "
	       "console input\n");
}

/* What the totals line adds up over every domain. */
struct totals {
	unsigned int domains, ports, grant_maps;
	uint64_t pages;
};

/* One domain's lines; adds its open event channels, grant mappings and pages to t. */
static void show_domain(struct domain *d, struct totals *t)
{
	unsigned int ports = evtchn_ports_in_use(d);
	unsigned int maps = gnttab_mappings_held(d);

	spin_lock(&d->lock);
	t->domains++;
	t->ports += ports;
	t->grant_maps += maps;
	t->pages += d->tot_pages;
	printk(" domain %u: %s%s, pause count %u, tot_pages %lu, max_pages %lu, "
	       "%u vCPUs, %u event channels, %u grant mappings held\n",
	       d->domid, d->state == DOMAIN_ACTIVE ? "active" : "dying",
	       d->is_shutting_down ? " (shut down)" : "", d->pause_count,
	       (unsigned long)d->tot_pages, (unsigned long)d->max_pages, d->max_vcpus, ports, maps);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		printk("   vCPU %u: %s, pause count %u\n", i, vcpu_state_names[d->vcpus[i]->state],
		       d->vcpus[i]->pause_count);
	spin_unlock(&d->lock);
}

static void show_domains(void)
{
	struct totals t = { 0 };
	domid_t next = 0;
	struct domain *d;

	while ((d = domain_next(next))) {
		show_domain(d, &t);
		next = (domid_t)(d->domid + 1);
		domain_put(d);
		if (!next)
			break;
	}
	printk(" totals: %u domains, %lu domain pages, %u event channels, %u grant mappings, "
	       "%u hypervisor timers queued\n",
	       t.domains, (unsigned long)t.pages, t.ports, t.grant_maps,
	       arch_control_timers_queued());
	/* Typing that seems to go nowhere: is dom0 reading its console input? */
	printk(" console input: %u bytes waiting for dom0, %lu dropped (dom0 did not read)\n",
	       input_ring_count(&console_input_dom0),
	       (unsigned long)input_ring_dropped(&console_input_dom0));
}

static void show_memory(void)
{
	struct buddy_stats b;
	struct heap_stats h;

	buddy_get_stats(&b);
	heap_get_stats(&h);
	printk(" frames: %lu managed, %lu free (%lu not yet scrubbed), %lu allocated\n",
	       (unsigned long)b.managed_frames, (unsigned long)b.free_frames,
	       (unsigned long)b.dirty_frames, (unsigned long)b.allocated_frames);
	printk(" heap: %lu bytes in use, %lu large blocks (%lu frames)\n",
	       (unsigned long)h.bytes_in_use, (unsigned long)h.large_blocks,
	       (unsigned long)h.large_frames);
}

void control_debug_key(char key)
{
	switch (key) {
	case 'h':
		printk("'h' pressed -> showing the debug keys\n");
		show_help();
		break;
	case 'm':
		printk("'m' pressed -> memory counters\n");
		show_memory();
		break;
	case 'q':
		printk("'q' pressed -> domains\n");
		show_domains();
		break;
	default:
		printk("'%c' (%#x) pressed -> no such debug key ('h' lists them)\n",
		       key >= ' ' && key < 0x7f ? key : '?', (unsigned char)key);
		break;
	}
}
