/*
 * mm/m2p.h - the machine-to-phys (M2P) table: for every machine frame,
 * the guest (pseudo-physical) frame number its owner uses for it.
 *
 * Owns: the table's contents (one 64-bit entry per machine frame, in
 * storage the hypervisor provides).  The hypervisor also maps that
 * storage read-only into every PV guest at MACH2PHYS_VIRT_START (Xen's
 * ABI, xen/arch-x86/xen-x86_64.h), where guests read it as
 * machine_to_phys_mapping[mfn]; this file only keeps the contents.
 *
 * Values (Xen's conventions, which guests rely on):
 *   INVALID_M2P_ENTRY  the frame has no guest frame number (free frames,
 *                      Keel's own, fresh ones); every entry starts so;
 *   SHARED_M2P_ENTRY   a content-shared frame (mm page sharing): it has
 *                      many owners and no single gfn; only Keel sets it;
 *   anything below M2P_PFN_LIMIT: the owner's gfn for the frame.
 *
 * Who may set an entry: the frame's owner (MMU_MACHPHYS_UPDATE checks
 * ownership under the PV-MMU lock) and Keel's memory code when it hands
 * frames to domains.  Errors: -EINVAL for a frame outside the table, a
 * value that is not a gfn, or a bad init.
 *
 * Locks: none.  An entry is one aligned 64-bit word written atomically,
 * so guests (who read it without any lock) always see an old or a new
 * value; callers make sure they may write an entry (they own the frame).
 */
#ifndef MM_M2P_H
#define MM_M2P_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/types.h"

/* Not values of Xen's public headers but of its (guest-visible) M2P. */
#define INVALID_M2P_ENTRY (~0ULL)
#define SHARED_M2P_ENTRY  (~0ULL - 1)

/*
 * Gfns are below 2^40: a pseudo-physical address (gfn << 12) must fit the
 * 52 bits of an x86-64 physical address.
 */
#define M2P_PFN_LIMIT (1ULL << 40)

/* Bytes of storage m2p_init() needs for nr_frames frames. */
static inline uint64_t m2p_bytes(uint64_t nr_frames)
{
	return nr_frames * sizeof(uint64_t);
}

/* A value a guest may store with MMU_MACHPHYS_UPDATE: a gfn, or "none". */
static inline bool m2p_guest_value_ok(uint64_t pfn)
{
	return pfn < M2P_PFN_LIMIT || pfn == INVALID_M2P_ENTRY;
}

/*
 * Makes storage (m2p_bytes(nr_frames) bytes, 8-byte aligned) the M2P for
 * frames 0 .. nr_frames-1, every entry INVALID_M2P_ENTRY.  Returns 0, or
 * -EINVAL for NULL storage, zero frames or more frames than the guests'
 * window holds (MACH2PHYS_NR_ENTRIES).  Boot CPU, before any guest (or
 * between unit tests).
 */
int m2p_init(uint64_t *storage, uint64_t nr_frames);

/* Frames the table covers (0 before m2p_init). */
uint64_t m2p_nr_frames(void);

/*
 * Sets the entry of mfn to pfn: a gfn below M2P_PFN_LIMIT,
 * INVALID_M2P_ENTRY or SHARED_M2P_ENTRY.  Returns 0, or -EINVAL (mfn not
 * covered, pfn none of those); nothing changes on error.
 */
int m2p_set(mfn_t mfn, uint64_t pfn);

/* The entry of mfn; INVALID_M2P_ENTRY for a frame the table does not cover. */
uint64_t m2p_get(mfn_t mfn);

/* The table itself (NULL before m2p_init): its frames are what XENMEM_machphys_mfn_list lists. */
const uint64_t *m2p_table(void);

#endif /* MM_M2P_H */
