/*
 * tests/pv/gnttab.h - grant-table helpers of the PV test kernels
 * (kernels/grants.c, kernels/grant_copy.c): our own table set up and
 * mapped, entries filled and ended as xen/grant_table.h says, and one
 * request of each GNTTABOP_* with its status.
 *
 * The kernels run as dom0 on both Xen and Keel and grant to themselves:
 * an entry's domid is GNT_SELF_ID.  A helper that cannot even make its
 * hypercall (the call as a whole fails) ends the kernel with pv_fatal.
 * Single vCPU, no locks.
 */
#ifndef TESTS_PV_GNTTAB_H
#define TESTS_PV_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/grant_table.h>
#include <xen/xen.h>

#define GNT_SELF_ID   0	     /* our domain id (we are dom0) */
#define GNT_FRAMES    4	     /* the table gnt_setup() makes */
#define GNT_UNTOUCHED 0x5555 /* a status before a call: the call must overwrite it */

/* Our table (GNT_FRAMES * 512 entries), mapped by gnt_setup(); NULL before. */
extern volatile grant_entry_v1_t *gnt_table;
/* Its frames, as setup_table listed them. */
extern unsigned long gnt_table_mfn[GNT_FRAMES];

/** grant_table_op(@cmd, @arg, @count). */
long gnt_op(unsigned int cmd, void *arg, unsigned int count);

/**
 * Grows our table to GNT_FRAMES frames with setup_table, maps them
 * writable at spare pages and sets gnt_table and gnt_table_mfn.  Returns
 * 0, setup_table's error, or its status (negative).
 */
long gnt_setup(void);

/** Fills entry @r: domid and frame first, then the flags (the protocol of grant_table.h). */
void gnt_grant(grant_ref_t r, unsigned long mfn, domid_t dom, uint16_t flags);

/** The flags of entry @r now. */
uint16_t gnt_flags(grant_ref_t r);

/** Ends access to entry @r if it is not in use (compare-exchange of its flags to 0). */
bool gnt_end_access(grant_ref_t r);

/** A page-aligned address with an L1 entry and nothing mapped there. */
uint8_t *gnt_fresh_va(void);

/** A spare page of ours granted to ourselves as entry @r, and a fresh address (*@va) to map it at.
 */
uint8_t *gnt_granted_page(grant_ref_t r, uint16_t flags, uint8_t **va);

/** The machine frame of the L1 table that maps @va (a page table of ours). */
unsigned long gnt_l1_mfn_of(const volatile void *va);

/** One map request; its status (handle and dev_bus_addr in *@m, prefilled with junk). */
int16_t gnt_map(uint64_t host, uint32_t flags, grant_ref_t ref, domid_t dom,
		struct gnttab_map_grant_ref *m);

/** One unmap request; its status. */
int16_t gnt_unmap(uint64_t host, uint64_t dev, grant_handle_t h);

/** One unmap_and_replace request; its status. */
int16_t gnt_replace(uint64_t host, uint64_t new_addr, grant_handle_t h);

/** One copy request; its status. */
int16_t gnt_copy(struct gnttab_copy *c);

/** A copy by frame between two frames of ours (DOMID_SELF). */
struct gnttab_copy gnt_frame_copy(unsigned long src, uint16_t soff, unsigned long dst,
				  uint16_t doff, uint16_t len);

/** True when the hypervisor is Keel (its extra version says so), for deliberate differences. */
bool gnt_on_keel(void);

#endif /* TESTS_PV_GNTTAB_H */
