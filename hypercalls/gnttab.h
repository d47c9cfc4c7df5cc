/*
 * hypercalls/gnttab.h - grant tables as the rest of Keel sees them
 * (hypercalls/grant_table.c and friends; the guest's side is
 * GNTTABOP_*, do_grant_table_op in hypercalls.h).
 *
 * Owns nothing itself: declares the per-domain lifecycle.  Every domain
 * has two grant-table halves: its table as a granter (the v1 entries it
 * shares with Keel in frames Keel gives it, plus Keel's private record of
 * each entry in use) and its maptrack as a mapper (one handle per mapping
 * it holds of someone's grant).  docs/grant-tables.md tells the story.
 *
 * Context: call these holding none of Keel's locks (they take the
 * domain's grant locks, d->lock, the PV-MMU lock and the heap's).
 */
#ifndef HYPERCALLS_GNTTAB_H
#define HYPERCALLS_GNTTAB_H

struct domain;

/*
 * Gives d its grant table (one frame to start with, as Xen 4.17 gives a
 * domain; at most d->limits.max_grant_frames) and an empty maptrack (at
 * most d->limits.max_maptrack_frames frames of handles).  Call once,
 * from the domain_init hook, before d is ACTIVE.  Returns 0 or -ENOMEM
 * (nothing is left allocated but frames on d's shared_list, which
 * domain_create's failure path frees).
 */
int gnttab_domain_init(struct domain *d);

/*
 * d is dying (the domain_teardown hook): every mapping d holds of other
 * domains' grants is released (their entries' GTF_reading/GTF_writing
 * cleared, the references the grants held dropped; the entries in d's
 * own page tables go when those are torn down), then d's table is freed.
 * Frames d granted that others still map stay referenced until they
 * unmap them (domain_relinquish_memory says -EBUSY meanwhile); their
 * later unmaps only drop references.  After it every grant operation on
 * d fails.  Harmless on a domain without a table.
 */
void gnttab_domain_destroy(struct domain *d);

/*
 * Grant mappings (maptrack handles in use) domain m holds on other
 * domains' (or its own) grants: for the debug-key counters.  Takes m's
 * maptrack lock.
 */
unsigned int gnttab_mappings_held(struct domain *m);

#endif /* HYPERCALLS_GNTTAB_H */
