/*
 * hypercalls/grant_map.c - GNTTABOP_map_grant_ref, unmap_grant_ref and
 * unmap_and_replace, and the maptrack that remembers each mapping
 * (contracts in gnttab_private.h; the story in docs/grant-tables.md).
 *
 * A mapping is one handle of the mapper's maptrack.  It holds one use of
 * the granter's entry (grant_active.c: the count that keeps GTF_reading
 * / GTF_writing set, and the frame references), a reference on the
 * granter's struct domain (so its grant lock is still there to take when
 * it is unmapped after the granter died), and up to two parts: the host
 * part (an entry in the mapper's page tables, grant_pte.c) and the
 * device part (for PV without an IOMMU, just "the frame stays put": its
 * bus address is its machine address).  Unmapping removes the parts the
 * request names (host_addr / dev_bus_addr not 0); the handle, its use and
 * its references go with the last part, as on Xen 4.17.
 *
 * Statuses, in the order Xen 4.17 checks them (tests/pv/kernels/grants.c
 * checks the same answers on both): map: neither host_map nor device_map
 * -> GNTST_bad_gntref; no such domain (DOMID_SELF is none here) ->
 * bad_domain; no free handle -> no_space; then grant_active.c's; then
 * the host entry -> general_error.  Unmap: a handle not in use ->
 * bad_handle; a dev_bus_addr that is not the frame's -> bad_dev_addr; a
 * host entry that no longer maps the frame -> general_error (the mapping
 * stays: the guest broke it, it lives until the mapper dies).
 *
 * Locks: the mapper's maptrack_lock is held for a whole operation (so a
 * handle never changes under it, and the mapper's teardown waits for it);
 * the granter's grant_lock and the PV-MMU lock are taken inside it, one
 * at a time (order in grant_table.c).  Domain references are dropped
 * after every lock is released.
 */
#include "hypercalls/gnttab.h"
#include "hypercalls/gnttab_private.h"

#include "arch/guest_access.h"
#include "arch/spinlock.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/heap.h"

BUILD_BUG_ON(sizeof(struct gnttab_mapping) != 32);

/* The parts a mapping can have. */
#define PARTS (GNTMAP_host_map | GNTMAP_device_map)

/* ---- the maptrack (m->maptrack_lock held) ---- */

static struct gnttab_mapping *mapping(const struct gnttab_maptrack *mt, grant_handle_t h)
{
	if (h >= mt->nr_frames * GNTTAB_MAPS_PER_FRAME)
		return NULL;
	return &mt->frames[h / GNTTAB_MAPS_PER_FRAME][h % GNTTAB_MAPS_PER_FRAME];
}

/* Another frame of handles, all free, lowest first; false at the limit or without memory. */
static bool maptrack_grow(struct gnttab_maptrack *mt)
{
	struct gnttab_mapping *page;
	uint32_t base = mt->nr_frames * GNTTAB_MAPS_PER_FRAME;

	if (mt->nr_frames >= mt->max_frames)
		return false;
	if (!mt->frames && !(mt->frames = heap_zalloc(mt->max_frames * sizeof(*mt->frames))))
		return false;
	page = heap_zalloc(PAGE_SIZE);
	if (!page)
		return false;
	for (uint32_t i = 0; i < GNTTAB_MAPS_PER_FRAME; i++)
		page[i].next_free = i + 1 < GNTTAB_MAPS_PER_FRAME ? base + i + 1 : mt->free_head;
	mt->frames[mt->nr_frames++] = page;
	mt->free_head = base;
	return true;
}

static grant_handle_t handle_get(struct gnttab_maptrack *mt)
{
	grant_handle_t h;

	if (mt->free_head == GNTTAB_NO_HANDLE && !maptrack_grow(mt))
		return GNTTAB_NO_HANDLE;
	h = mt->free_head;
	mt->free_head = mapping(mt, h)->next_free;
	return h;
}

static void handle_put(struct gnttab_maptrack *mt, grant_handle_t h)
{
	struct gnttab_mapping *m = mapping(mt, h);

	m->granter = NULL;
	m->flags = 0;
	m->next_free = mt->free_head;
	mt->free_head = h;
}

int gnttab_maptrack_init(struct domain *m)
{
	struct gnttab_maptrack *mt = heap_zalloc(sizeof(*mt));

	if (!mt)
		return -ENOMEM;
	mt->max_frames = m->limits.max_maptrack_frames;
	mt->free_head = GNTTAB_NO_HANDLE;
	m->maptrack = mt;
	return 0;
}

void gnttab_maptrack_destroy(struct domain *m)
{
	struct gnttab_maptrack *mt;

	/* Detached first: nobody can reach the handles afterwards, so no lock is needed. */
	spin_lock(&m->maptrack_lock);
	mt = m->maptrack;
	m->maptrack = NULL;
	spin_unlock(&m->maptrack_lock);
	if (!mt)
		return;
	for (grant_handle_t h = 0; h < mt->nr_frames * GNTTAB_MAPS_PER_FRAME; h++) {
		struct gnttab_mapping *e = mapping(mt, h);

		if (!e->granter)
			continue;
		/* The entries in m's page tables go with m's tables (their own references). */
		gnttab_unpin(e->granter, e->ref, !(e->flags & GNTMAP_readonly), e->frame);
		domain_put(e->granter);
	}
	for (unsigned int i = 0; i < mt->nr_frames; i++)
		heap_free(mt->frames[i]);
	heap_free(mt->frames);
	heap_free(mt);
}

bool gnttab_maps_frame(struct domain *m, mfn_t frame)
{
	bool found = false;

	spin_lock(&m->maptrack_lock);
	for (grant_handle_t h = 0;
	     m->maptrack && !found && h < m->maptrack->nr_frames * GNTTAB_MAPS_PER_FRAME; h++) {
		const struct gnttab_mapping *e = mapping(m->maptrack, h);

		found = e->granter && mfn_eq(e->frame, frame);
	}
	spin_unlock(&m->maptrack_lock);
	return found;
}

unsigned int gnttab_mappings_held(struct domain *m)
{
	unsigned int n = 0;

	spin_lock(&m->maptrack_lock);
	for (grant_handle_t h = 0;
	     m->maptrack && h < m->maptrack->nr_frames * GNTTAB_MAPS_PER_FRAME; h++)
		n += mapping(m->maptrack, h)->granter != NULL;
	spin_unlock(&m->maptrack_lock);
	return n;
}

/* ---- map ---- */

/* The mapping itself, with the mapper's maptrack lock held. */
static int16_t map_locked(struct vcpu *v, struct gnttab_maptrack *mt, struct domain *g,
			  struct gnttab_map_grant_ref *op)
{
	bool write = !(op->flags & GNTMAP_readonly);
	grant_handle_t h = handle_get(mt);
	struct gnttab_mapping *e;
	mfn_t frame;
	int16_t st;

	if (h == GNTTAB_NO_HANDLE)
		return GNTST_no_space;
	st = gnttab_pin(g, op->ref, v->domain->domid, write, &frame);
	if (!st && (op->flags & GNTMAP_host_map)) {
		st = gnttab_pte_install(v, op->host_addr, op->flags, g->domid, frame);
		if (st)
			gnttab_unpin(g, op->ref, write, frame);
	}
	if (st) {
		handle_put(mt, h);
		return st;
	}
	e = mapping(mt, h);
	e->granter = g;
	e->frame = frame;
	e->ref = op->ref;
	e->flags = op->flags & (PARTS | GNTMAP_readonly | GNTMAP_contains_pte);
	op->handle = h;
	/* Xen 4.17 reports the bus address for a host mapping too. */
	op->dev_bus_addr = mfn_x(frame) << PAGE_SHIFT;
	return GNTST_okay;
}

/* One map request: its status, and on success its handle and dev_bus_addr. */
static void map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	struct domain *m = v->domain, *g;

	if (!(op->flags & PARTS)) {
		op->status = GNTST_bad_gntref; /* sic: Xen 4.17's status for "nothing to map" */
		return;
	}
	g = domain_lookup(op->dom, NULL);
	if (!g) {
		op->status = GNTST_bad_domain;
		return;
	}
	spin_lock(&m->maptrack_lock);
	op->status = m->maptrack ? map_locked(v, m->maptrack, g, op) : GNTST_general_error;
	spin_unlock(&m->maptrack_lock);
	if (op->status)
		domain_put(g); /* on success the mapping keeps the reference */
}

/* ---- unmap ---- */

struct unmap_req {
	uint64_t host_addr, dev_bus_addr;
	uint64_t new_addr; /* unmap_and_replace: what host_addr maps next (0: nothing) */
	bool replace;
	grant_handle_t handle;
};

/* Removes the parts r names from mapping h; the last part ends it.  *put: the domain to put. */
static int16_t unmap_locked(struct vcpu *v, struct gnttab_maptrack *mt, const struct unmap_req *r,
			    struct domain **put)
{
	struct gnttab_mapping *e = mapping(mt, r->handle);
	bool host, dev;
	int16_t st;

	if (!e || !e->granter)
		return GNTST_bad_handle;
	if (r->dev_bus_addr && r->dev_bus_addr != mfn_x(e->frame) << PAGE_SHIFT)
		return GNTST_bad_dev_addr;
	host = r->host_addr && (e->flags & GNTMAP_host_map);
	dev = r->dev_bus_addr && (e->flags & GNTMAP_device_map);
	if (host) {
		st = r->replace
			 ? gnttab_pte_replace(v, r->host_addr, r->new_addr, e->flags, e->frame)
			 : gnttab_pte_remove(v, r->host_addr, e->flags, e->frame);
		if (st)
			return st;
		e->flags &= ~(uint32_t)GNTMAP_host_map;
	}
	if (dev)
		e->flags &= ~(uint32_t)GNTMAP_device_map;
	if (!(e->flags & PARTS)) {
		gnttab_unpin(e->granter, e->ref, !(e->flags & GNTMAP_readonly), e->frame);
		*put = e->granter;
		handle_put(mt, r->handle);
	}
	return GNTST_okay;
}

static int16_t unmap_one(struct vcpu *v, const struct unmap_req *r)
{
	struct domain *m = v->domain, *put = NULL;
	int16_t st;

	spin_lock(&m->maptrack_lock);
	st = m->maptrack ? unmap_locked(v, m->maptrack, r, &put) : GNTST_bad_handle;
	spin_unlock(&m->maptrack_lock);
	if (put)
		domain_put(put);
	return st;
}

/* ---- the batch operations (grant_table.c runs the batch) ---- */

int gnttab_map_op(struct vcpu *v, void *p, uint64_t guest_op)
{
	struct gnttab_map_grant_ref *op = p;
	struct unmap_req undo;

	map_one(v, op);
	if (!copy_to_guest(guest_op, op, sizeof(*op)))
		return 0;
	if (op->status == GNTST_okay) {
		/*
		 * The guest cannot learn the handle: take the mapping back.  If
		 * another vCPU already broke its entry, the mapping stays until
		 * the domain dies, like any mapping a guest broke.
		 */
		undo = (struct unmap_req){
		    .host_addr = op->flags & GNTMAP_host_map ? op->host_addr : 0,
		    .dev_bus_addr = op->flags & GNTMAP_device_map ? op->dev_bus_addr : 0,
		    .handle = op->handle,
		};
		(void)unmap_one(v, &undo);
	}
	return -EFAULT;
}

int gnttab_unmap_op(struct vcpu *v, void *p, uint64_t guest_op)
{
	struct gnttab_unmap_grant_ref *op = p;
	const struct unmap_req r = {
	    .host_addr = op->host_addr, .dev_bus_addr = op->dev_bus_addr, .handle = op->handle};

	op->status = unmap_one(v, &r);
	return copy_to_guest(guest_op, op, sizeof(*op)) ? -EFAULT : 0;
}

int gnttab_unmap_and_replace_op(struct vcpu *v, void *p, uint64_t guest_op)
{
	struct gnttab_unmap_and_replace *op = p;
	const struct unmap_req r = {.host_addr = op->host_addr,
				    .new_addr = op->new_addr,
				    .replace = true,
				    .handle = op->handle};

	op->status = unmap_one(v, &r);
	return copy_to_guest(guest_op, op, sizeof(*op)) ? -EFAULT : 0;
}
