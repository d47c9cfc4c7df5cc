/*
 * hypercalls/gnttab_private.h - what the grant-table files share with
 * each other (grant_table.c, grant_active.c, grant_map.c, grant_pte.c,
 * grant_copy.c); the rest of Keel includes hypercalls/gnttab.h only.
 *
 * Owns the layout of the two per-domain halves (see gnttab.h):
 *   struct gnttab          d->gnttab, under d->grant_lock: the frames of
 *                          v1 entries d shares with Keel, and one
 *                          struct gnttab_active per entry;
 *   struct gnttab_maptrack d->maptrack, under d->maptrack_lock: d's
 *                          mappings of grants, indexed by handle.
 *
 * Status values are Xen's GNTST_* (int16_t, 0 or negative); functions
 * returning a Xen errno say so.
 */
#ifndef HYPERCALLS_GNTTAB_PRIVATE_H
#define HYPERCALLS_GNTTAB_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/grant_table.h>
#include <xen/xen.h>

#include "lib/types.h"

struct domain;
struct vcpu;

/* v1 entries per frame (8 bytes each). */
#define GNTTAB_PER_FRAME ((grant_ref_t)(PAGE_SIZE / sizeof(grant_entry_v1_t)))

/*
 * Keel's private record of one grant entry while it is in use (Xen's
 * "active entry").  An entry is in use from the first use of it until
 * the last one ends; its frame and grantee are read from the guest's
 * entry at the first use and kept: later uses take them from here and do
 * not look at the guest's entry again, except a first writable use,
 * which checks that the entry still allows writing (as Xen 4.17).
 * Every use holds its own frame references (general, plus PGT_WRITABLE
 * for a writable use) in the granter's name.
 */
struct gnttab_active {
	uint32_t pin_ro; /* read-only uses: mappings, copies reading from it */
	uint32_t pin_rw; /* writable uses: writable mappings, copies into it */
	mfn_t frame;	 /* the frame the uses hold (valid while pinned) */
	domid_t domid;	 /* the domain the uses are for */
};

struct gnttab {
	unsigned int nr_frames;	       /* frames of entries so far (the table only grows) */
	unsigned int max_frames;       /* d->limits.max_grant_frames */
	mfn_t *frames;		       /* max_frames slots; [0, nr_frames) used */
	struct gnttab_active **active; /* max_frames slots: GNTTAB_PER_FRAME records each */
};

/* One mapping of a grant (a maptrack entry); its index is the handle. */
struct gnttab_mapping {
	struct domain *granter; /* holding a domain reference; NULL: the handle is free */
	mfn_t frame;		/* the frame the grant's use holds */
	grant_ref_t ref;
	/*
	 * GNTMAP_host_map / GNTMAP_device_map: the parts not yet unmapped;
	 * GNTMAP_readonly, GNTMAP_contains_pte: how the mapping was made.
	 */
	uint32_t flags;
	uint32_t next_free; /* free list (when granter is NULL) */
};

/* Handles per frame of maptrack (max_maptrack_frames counts these frames). */
#define GNTTAB_MAPS_PER_FRAME ((uint32_t)(PAGE_SIZE / sizeof(struct gnttab_mapping)))
#define GNTTAB_NO_HANDLE      UINT32_MAX

struct gnttab_maptrack {
	unsigned int nr_frames;		/* frames of handles allocated so far */
	unsigned int max_frames;	/* d->limits.max_maptrack_frames */
	uint32_t free_head;		/* first free handle, or GNTTAB_NO_HANDLE */
	struct gnttab_mapping **frames; /* max_frames slots, allocated at the first map */
};

/* ---- grant_active.c: using an entry of a granter's table ---- */

/* Entries of the table (the highest valid reference + 1). */
grant_ref_t gnttab_nr_entries(const struct gnttab *gt);

/* The guest's v1 entry `ref` (< gnttab_nr_entries), through Keel's direct map. */
grant_entry_v1_t *gnttab_shared_entry(const struct gnttab *gt, grant_ref_t ref);

/* Keel's record of entry `ref` (< gnttab_nr_entries). */
struct gnttab_active *gnttab_active_entry(const struct gnttab *gt, grant_ref_t ref);

/*
 * One use of entry `ref` of g's table by domain `grantee`, writable or
 * not: checks the guest's entry (read with the compare-exchange protocol
 * of grant_table.h, setting GTF_reading, and GTF_writing for a writable
 * use), counts the use and takes its frame references in g's name.  On
 * success *frame is the frame.  Returns GNTST_okay; GNTST_bad_domain (g's
 * table is gone: g is dying); GNTST_bad_gntref (ref out of range);
 * GNTST_general_error (the entry does not grant this, is in use for
 * another domain, or keeps changing under us; the frame cannot be
 * writable-typed); GNTST_bad_page (the frame is not g's).  Nothing
 * changes on failure.  Takes g->grant_lock and the PV-MMU lock.
 */
int16_t gnttab_pin(struct domain *g, grant_ref_t ref, domid_t grantee, bool write, mfn_t *frame);

/*
 * Ends one use from gnttab_pin (same g, ref, write, frame): drops the
 * frame references and, if g's table is still there, the count, clearing
 * GTF_writing / GTF_reading when no use needs them any more.  Takes
 * g->grant_lock and the PV-MMU lock.
 */
void gnttab_unpin(struct domain *g, grant_ref_t ref, bool write, mfn_t frame);

/* ---- grant_pte.c: grant mappings in the mapper's page tables ---- */

/*
 * Puts `frame` (granted by domain `granter`) at host_addr in v's page
 * tables as map flags say (GNTMAP_readonly, GNTMAP_application_map,
 * GNTMAP_contains_pte, the guest-available bits).  Returns GNTST_okay or
 * GNTST_general_error (no usable L1 entry there).  Takes the PV-MMU lock.
 */
int16_t gnttab_pte_install(struct vcpu *v, uint64_t host_addr, uint32_t flags, domid_t granter,
			   mfn_t frame);

/*
 * Clears the entry at host_addr (flags as the mapping was made) if it
 * still maps `frame`, and flushes it from v's domain's TLBs.  Returns
 * GNTST_okay or GNTST_general_error (nothing changed).
 */
int16_t gnttab_pte_remove(struct vcpu *v, uint64_t host_addr, uint32_t flags, mfn_t frame);

/*
 * GNTTABOP_unmap_and_replace's host part: if host_addr still maps
 * `frame`, it takes over what new_addr maps and new_addr is cleared
 * (new_addr 0: host_addr is just cleared).  Returns GNTST_okay or
 * GNTST_general_error (nothing changed).
 */
int16_t gnttab_pte_replace(struct vcpu *v, uint64_t host_addr, uint64_t new_addr, uint32_t flags,
			   mfn_t frame);

/* ---- grant_map.c: the maptrack and the (un)map operations ---- */

/*
 * One operation of a batch: the op (copied in) is done and its OUT
 * fields copied back to guest_op.  Returns 0, or a negative Xen errno
 * that ends the batch (-EFAULT; cache_flush's own errors).
 */
typedef int (*gnttab_op_fn)(struct vcpu *v, void *op, uint64_t guest_op);

int gnttab_map_op(struct vcpu *v, void *op, uint64_t guest_op);
int gnttab_unmap_op(struct vcpu *v, void *op, uint64_t guest_op);
int gnttab_unmap_and_replace_op(struct vcpu *v, void *op, uint64_t guest_op);

/* True if m holds a mapping of `frame` (GNTTABOP_cache_flush of a granted frame). */
bool gnttab_maps_frame(struct domain *m, mfn_t frame);

/* Creates m's empty maptrack; 0 or -ENOMEM. */
int gnttab_maptrack_init(struct domain *m);

/* Releases every mapping m holds and frees its maptrack (gnttab_domain_destroy). */
void gnttab_maptrack_destroy(struct domain *m);

/* ---- grant_copy.c ---- */

int gnttab_copy_op(struct vcpu *v, void *op, uint64_t guest_op);

#endif /* HYPERCALLS_GNTTAB_PRIVATE_H */
