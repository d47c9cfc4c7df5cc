/*
 * tests/pv/twodom/grants.h - a PV kernel's own grant table (v1) for the
 * two-domain test: set up one frame and map it, then offer pages.
 */
#ifndef TESTS_PV_TWODOM_GRANTS_H
#define TESTS_PV_TWODOM_GRANTS_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/grant_table.h>
#include <xen/xen.h>

/* GNTTABOP_setup_table for one frame, mapped at a page of ours; NULL on failure (*rc says why). */
grant_entry_v1_t *grant_table_map(long *rc);

/* Offers the page at va to domid (read-only if ro) as entry ref of table gt. */
void grant_offer(grant_entry_v1_t *gt, grant_ref_t ref, domid_t domid, const void *va, bool ro);

/*
 * Ends the offer: clears the flags unless the frame is in use
 * (GTF_reading/GTF_writing).  Returns true if access was ended.
 */
bool grant_end(grant_entry_v1_t *gt, grant_ref_t ref);

#endif /* TESTS_PV_TWODOM_GRANTS_H */
