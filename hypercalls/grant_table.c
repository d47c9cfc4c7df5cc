/*
 * hypercalls/grant_table.c - HYPERVISOR_grant_table_op (Xen's public
 * xen/grant_table.h, version 1 entries) and each domain's grant table.
 *
 * A domain grants another domain access to one of its frames by filling
 * an entry of its grant table: {flags = GTF_permit_access [| GTF_readonly],
 * domid = the grantee, frame}.  The table lives in frames Keel shares
 * with the granter (domain_alloc_shared_frame: owned by it, never a page
 * table; GNTTABOP_setup_table returns their MFNs, which a PV guest maps
 * with update_va_mapping).  The grantee names the grant as (granter,
 * reference) to map it (grant_map.c, grant_pte.c) or to copy through it
 * (grant_copy.c); while it is used, Keel keeps GTF_reading / GTF_writing
 * set in the entry (grant_active.c), and the granter ends access only
 * when they are clear.  docs/grant-tables.md draws the lifecycle.
 *
 * Files: this one dispatches and owns the table itself (setup_table,
 * query_size, versions, status frames, swap_grant_ref, dump_table,
 * cache_flush, the domain lifecycle); grant_active.c the use of one
 * entry; grant_map.c and grant_pte.c mappings; grant_copy.c copies.
 *
 * Only version 1 is offered.  set_version(2) answers -ENOSYS and
 * get_status_frames has no frames to give, which is what Xen 4.17 says
 * when booted with gnttab=max-ver:1; GNTTABOP_transfer is -ENOSYS
 * (Xen 4.17 offers it to PV guests; nothing Keel runs needs it).
 * GNTTABOP_dump_table prints the table on Keel's console (Xen 4.17
 * release builds answer -ENOSYS).
 *
 * Locks, in order (take left before right, never the reverse):
 *   maptrack_lock of the mapper -> grant_lock of one granter -> d->lock
 *   -> PV-MMU lock -> domain-list lock -> heap lock -> buddy lock.
 * Only one grant_lock and one maptrack_lock are ever held at a time (an
 * operation on two domains, such as a copy between two grants, takes
 * them one after the other), so two domains' operations cannot deadlock
 * whatever their ids, and a domain granting to itself needs nothing
 * special.  d->grant_lock guards d->gnttab and its records; the
 * mapper's d->maptrack_lock guards d->maptrack and is held through each
 * map/unmap.  Event locks and scheduler locks are never taken with a
 * grant lock held, nor the reverse.  domain_put() is only called with no
 * grant lock held.  Guest copies of a whole operation happen outside the
 * locks, except setup_table's frame list (copy helpers never block).
 *
 * Errors (negative Xen errnos, for the whole call): -EFAULT (guest
 * copy), -EINVAL (a count that must be 1, or is negative; bad version),
 * -ENOSYS (unknown op, transfer, version 2), -ESRCH / -EPERM (get_version
 * of a missing / another domain); cache_flush's own (below).  Everything
 * else is a per-operation GNTST_* status and the call returns 0.
 */
#include "hypercalls/gnttab.h"
#include "hypercalls/gnttab_private.h"

#include <stddef.h>

#include "arch/guest_access.h"
#include "arch/spinlock.h"
#include "hypercalls/hypercall.h"
#include "hypercalls/hypercalls.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/m2p.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"

/* Bytes of the largest operation structure a batch copies in. */
#define OP_MAX_BYTES 64

BUILD_BUG_ON(sizeof(struct gnttab_copy) > OP_MAX_BYTES);
BUILD_BUG_ON(sizeof(struct gnttab_map_grant_ref) > OP_MAX_BYTES);

/* ---- the table and the domain lifecycle ---- */

/* Adds frames to g's table up to `want` (no more than max_frames).  g->grant_lock held. */
static int16_t grow(struct domain *g, struct gnttab *gt, unsigned int want)
{
	if (want > gt->max_frames)
		return GNTST_general_error;
	while (gt->nr_frames < want) {
		struct gnttab_active *act = heap_zalloc(GNTTAB_PER_FRAME * sizeof(*act));
		mfn_t mfn = act ? domain_alloc_shared_frame(g, NULL) : INVALID_MFN;

		if (!mfn_valid_raw(mfn)) {
			heap_free(act);
			return GNTST_general_error;
		}
		/* A table frame has no guest frame number (Xen's M2P says so too). */
		m2p_set(mfn, INVALID_M2P_ENTRY);
		gt->active[gt->nr_frames] = act;
		gt->frames[gt->nr_frames++] = mfn;
	}
	return GNTST_okay;
}

static void table_free(struct gnttab *gt)
{
	/* The frames themselves stay on the domain's shared_list until relinquished. */
	for (unsigned int i = 0; i < gt->nr_frames; i++)
		heap_free(gt->active[i]);
	heap_free(gt->active);
	heap_free(gt->frames);
	heap_free(gt);
}

int gnttab_domain_init(struct domain *d)
{
	unsigned int max = d->limits.max_grant_frames;
	struct gnttab *gt = heap_zalloc(sizeof(*gt));

	if (!gt)
		return -ENOMEM;
	gt->max_frames = max;
	gt->frames = heap_zalloc((max ? max : 1) * sizeof(*gt->frames));
	gt->active = heap_zalloc((max ? max : 1) * sizeof(*gt->active));
	/* One frame from the start, as Xen 4.17 gives (query_size says 1). */
	if (!gt->frames || !gt->active || grow(d, gt, max ? 1 : 0) || gnttab_maptrack_init(d)) {
		table_free(gt);
		return -ENOMEM;
	}
	d->gnttab = gt;
	return 0;
}

void gnttab_domain_destroy(struct domain *d)
{
	struct gnttab *gt;

	/* d's mappings first: they may be of its own grants. */
	gnttab_maptrack_destroy(d);
	spin_lock(&d->grant_lock);
	gt = d->gnttab;
	d->gnttab = NULL;
	spin_unlock(&d->grant_lock);
	if (gt)
		table_free(gt);
}

/* ---- naming a domain ---- */

/*
 * The domain an operation on a table names (DOMID_SELF or an id), with a
 * reference, or NULL and *st: GNTST_bad_domain (none), or
 * GNTST_permission_denied (another domain, caller not privileged).
 */
static struct domain *table_domain(struct vcpu *v, domid_t dom, int16_t *st)
{
	struct domain *d;

	if (dom == DOMID_SELF || dom == v->domain->domid) {
		*st = domain_get(v->domain) ? GNTST_general_error : GNTST_okay;
		return *st ? NULL : v->domain;
	}
	d = domain_lookup(dom, NULL);
	*st = d ? GNTST_okay : GNTST_bad_domain;
	if (d && !v->domain->is_privileged) {
		domain_put(d);
		d = NULL;
		*st = GNTST_permission_denied;
	}
	return d;
}

/* ---- operations on a table ---- */

/*
 * The one-operation calls on a table (setup_table, query_size,
 * get_status_frames, dump_table) share a shape: the structure names a
 * domain and has a status.  A worker runs under that domain's grant lock
 * with its table there and returns the status; it may instead set *rc,
 * an errno that replaces the copy-out (Xen 4.17 leaves the status alone
 * when setup_table's frame list is bad).
 */
typedef int16_t (*table_fn)(struct domain *d, void *op, long *rc);

struct table_call {
	size_t size;	  /* of the operation's structure */
	size_t dom_at;	  /* offset of its domid_t dom */
	size_t status_at; /* offset of its int16_t status */
	table_fn fn;
};

static long table_op(struct vcpu *v, uint64_t uop, const struct table_call *c)
{
	uint64_t op[OP_MAX_BYTES / sizeof(uint64_t)];
	struct domain *d;
	domid_t dom;
	int16_t st;
	long rc = 0;

	if (copy_from_guest(op, uop, c->size))
		return -EFAULT;
	memcpy(&dom, (uint8_t *)op + c->dom_at, sizeof(dom));
	d = table_domain(v, dom, &st);
	if (d) {
		spin_lock(&d->grant_lock);
		st = d->gnttab ? c->fn(d, op, &rc) : GNTST_bad_domain;
		spin_unlock(&d->grant_lock);
		domain_put(d);
	}
	if (rc)
		return rc;
	memcpy((uint8_t *)op + c->status_at, &st, sizeof(st));
	return copy_to_guest(uop, op, c->size) ? -EFAULT : 0;
}

/* Grows the table to nr_frames and lists that many frames. */
static int16_t setup_fn(struct domain *d, void *p, long *rc)
{
	const struct gnttab_setup_table *op = p;
	struct gnttab *gt = d->gnttab;
	int16_t st = grow(d, gt, op->nr_frames);

	for (uint32_t i = 0; !st && i < op->nr_frames; i++) {
		xen_pfn_t mfn = mfn_x(gt->frames[i]);

		if (copy_to_guest((uint64_t)op->frame_list.p + i * sizeof(mfn), &mfn,
				  sizeof(mfn))) {
			*rc = -EFAULT;
			break;
		}
	}
	return st;
}

static int16_t query_fn(struct domain *d, void *p, long *rc)
{
	struct gnttab_query_size *op = p;

	(void)rc;
	op->nr_frames = d->gnttab->nr_frames;
	op->max_nr_frames = d->gnttab->max_frames;
	return GNTST_okay;
}

/* Version 1 has no status frames: asking for any is GNTST_general_error (Xen 4.17's answer). */
static int16_t status_frames_fn(struct domain *d, void *p, long *rc)
{
	const struct gnttab_get_status_frames *op = p;

	(void)d, (void)rc;
	return op->nr_frames ? GNTST_general_error : GNTST_okay;
}

/*
 * Entries dump_table prints at most: the serial console is slow and the
 * grant lock is held, so a guest filling its whole table (32768 entries)
 * must not get minutes of output per call.  The rest are counted.
 */
#define DUMP_MAX_ENTRIES 64

/* Prints the entries of d's table that are in use or granted. */
static int16_t dump_fn(struct domain *d, void *p, long *rc)
{
	const struct gnttab *gt = d->gnttab;
	unsigned int shown = 0, more = 0;

	(void)p, (void)rc;
	printk(KLOG_INFO "grant table of domain %u: %u of %u frames\n", d->domid, gt->nr_frames,
	       gt->max_frames);
	for (grant_ref_t r = 0; r < gnttab_nr_entries(gt); r++) {
		const grant_entry_v1_t *e = gnttab_shared_entry(gt, r);
		const struct gnttab_active *a = gnttab_active_entry(gt, r);
		uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_RELAXED);

		if (!flags && !a->pin_ro && !a->pin_rw)
			continue;
		if (shown == DUMP_MAX_ENTRIES) {
			more++;
			continue;
		}
		shown++;
		printk(KLOG_INFO "  ref %u: flags %#x domid %u frame %#x; in use: %u ro %u rw\n", r,
		       flags, e->domid, e->frame, a->pin_ro, a->pin_rw);
	}
	if (more)
		printk(KLOG_INFO "  ... and %u more entries in use\n", more);
	return GNTST_okay;
}

/* The version in force (always 1) is written back, as Xen 4.17 does on failure too. */
static long set_version(uint64_t uop)
{
	struct gnttab_set_version op;
	long rc;

	if (copy_from_guest(&op, uop, sizeof(op)))
		return -EFAULT;
	rc = op.version == 1 ? 0 : op.version == 2 ? -ENOSYS : -EINVAL;
	op.version = 1;
	return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long get_version(struct vcpu *v, uint64_t uop)
{
	struct gnttab_get_version op;
	struct domain *d;
	int16_t st;

	if (copy_from_guest(&op, uop, sizeof(op)))
		return -EFAULT;
	d = table_domain(v, op.dom, &st);
	if (!d)
		return st == GNTST_bad_domain ? -ESRCH : -EPERM;
	domain_put(d);
	op.version = 1;
	return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/* Exchanges two of the caller's entries, neither in use (GNTST_eagain otherwise). */
static int16_t swap_locked(struct gnttab *gt, grant_ref_t a, grant_ref_t b)
{
	const struct gnttab_active *aa, *ab;
	uint64_t *ea, *eb, va, vb;

	if (!gt)
		return GNTST_bad_domain;
	if (a >= gnttab_nr_entries(gt) || b >= gnttab_nr_entries(gt))
		return GNTST_bad_gntref;
	aa = gnttab_active_entry(gt, a);
	ab = gnttab_active_entry(gt, b);
	if (aa->pin_ro || aa->pin_rw || ab->pin_ro || ab->pin_rw)
		return GNTST_eagain;
	ea = (uint64_t *)(void *)gnttab_shared_entry(gt, a);
	eb = (uint64_t *)(void *)gnttab_shared_entry(gt, b);
	va = __atomic_load_n(ea, __ATOMIC_RELAXED);
	vb = __atomic_load_n(eb, __ATOMIC_RELAXED);
	__atomic_store_n(ea, vb, __ATOMIC_RELAXED);
	__atomic_store_n(eb, va, __ATOMIC_RELAXED);
	return GNTST_okay;
}

static int swap_op(struct vcpu *v, void *p, uint64_t guest_op)
{
	struct gnttab_swap_grant_ref *op = p;
	struct domain *d = v->domain;

	spin_lock(&d->grant_lock);
	op->status = swap_locked(d->gnttab, op->ref_a, op->ref_b);
	spin_unlock(&d->grant_lock);
	return copy_to_guest(guest_op, op, sizeof(*op)) ? -EFAULT : 0;
}

/*
 * GNTTABOP_cache_flush on x86, as Xen 4.17 answers it: a range of a frame
 * of the caller's or one it has mapped from a grant, named by machine
 * address (GNTTAB_CACHE_SOURCE_GREF is refused with -EINVAL, as Xen's x86
 * does).  x86 caches are coherent with devices, so writing back is a
 * no-op; invalidating without writing back cannot be done (-EOPNOTSUPP).
 * Returns 0 or an errno that ends the batch: -EINVAL (range, op bits,
 * not a frame), -EPERM (a frame neither the caller's nor mapped by it).
 */
static int cache_flush_op(struct vcpu *v, void *p, uint64_t guest_op)
{
	const struct gnttab_cache_flush *op = p;
	mfn_t frame = _mfn(op->a.dev_bus_addr >> PAGE_SHIFT);
	int rc;

	(void)guest_op;
	if (op->offset >= PAGE_SIZE || op->length > PAGE_SIZE ||
	    (uint32_t)op->offset + op->length > PAGE_SIZE)
		return -EINVAL;
	if (op->op & ~(uint32_t)(GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL))
		return -EINVAL;
	if (!op->length || !op->op)
		return 0;
	if (!mfn_in_table(frame))
		return -EINVAL;
	mmu_lock();
	rc = page_ref_check_owner(mfn_to_page(frame), v->domain->domid);
	mmu_unlock();
	if (rc && !gnttab_maps_frame(v->domain, frame))
		return -EPERM;
	return op->op == GNTTAB_CACHE_INVAL ? -EOPNOTSUPP : 0;
}

/* ---- dispatch ---- */

/*
 * Runs fn on each of `count` operations of `size` bytes at uop, yielding
 * between them when asked (the continuation re-issues the rest).
 */
static long batch(struct vcpu *v, unsigned int cmd, uint64_t uop, unsigned int count, size_t size,
		  gnttab_op_fn fn)
{
	uint64_t buf[OP_MAX_BYTES / sizeof(uint64_t)];

	for (unsigned int i = 0; i < count; i++) {
		uint64_t at = uop + (uint64_t)i * size;
		int rc;

		if (i && hypercall_preempt_check()) {
			const uint64_t args[3] = {cmd, at, count - i};

			return hypercall_create_continuation(__HYPERVISOR_grant_table_op, 3, args);
		}
		if (at < uop || copy_from_guest(buf, at, size))
			return -EFAULT;
		rc = fn(v, buf, at);
		if (rc)
			return rc;
	}
	return 0;
}

#define BATCH(op_type, fn) batch(v, cmd, uop, count, sizeof(op_type), fn)
/* Exactly one operation, or -EINVAL (Xen 4.17). */
#define TABLE(type, worker)                                                                        \
	(count == 1 ? table_op(v, uop,                                                             \
			       &(const struct table_call){sizeof(type), offsetof(type, dom),       \
							  offsetof(type, status), worker})         \
		    : -EINVAL)

long do_grant_table_op(struct vcpu *v, unsigned int cmd, uint64_t uop, unsigned int count)
{
	if ((int)count < 0)
		return -EINVAL;
	switch (cmd) {
	case GNTTABOP_map_grant_ref:
		return BATCH(struct gnttab_map_grant_ref, gnttab_map_op);
	case GNTTABOP_unmap_grant_ref:
		return BATCH(struct gnttab_unmap_grant_ref, gnttab_unmap_op);
	case GNTTABOP_unmap_and_replace:
		return BATCH(struct gnttab_unmap_and_replace, gnttab_unmap_and_replace_op);
	case GNTTABOP_copy:
		return BATCH(struct gnttab_copy, gnttab_copy_op);
	case GNTTABOP_swap_grant_ref:
		return BATCH(struct gnttab_swap_grant_ref, swap_op);
	case GNTTABOP_cache_flush:
		return BATCH(struct gnttab_cache_flush, cache_flush_op);
	case GNTTABOP_setup_table:
		return TABLE(struct gnttab_setup_table, setup_fn);
	case GNTTABOP_query_size:
		return TABLE(struct gnttab_query_size, query_fn);
	case GNTTABOP_get_status_frames:
		return TABLE(struct gnttab_get_status_frames, status_frames_fn);
	case GNTTABOP_dump_table:
		return TABLE(struct gnttab_dump_table, dump_fn);
	case GNTTABOP_set_version: /* count is ignored, as Xen 4.17 does */
		return set_version(uop);
	case GNTTABOP_get_version:
		return get_version(v, uop);
	case GNTTABOP_transfer:
	default:
		return -ENOSYS;
	}
}
