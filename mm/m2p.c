/*
 * mm/m2p.c - the machine-to-phys table (contract in m2p.h).
 *
 * Owns: the pointer to the table and its size.  Entries are written with
 * atomic stores because guests read them concurrently through their
 * read-only mapping.
 */
#include "mm/m2p.h"

#include <xen/xen.h> /* MACH2PHYS_NR_ENTRIES */

#include "lib/errno.h"

static uint64_t *table;
static uint64_t nr_entries;

int m2p_init(uint64_t *storage, uint64_t nr_frames)
{
	if (!storage || nr_frames == 0 || nr_frames > MACH2PHYS_NR_ENTRIES)
		return -EINVAL;
	for (uint64_t i = 0; i < nr_frames; i++)
		storage[i] = INVALID_M2P_ENTRY;
	table = storage;
	nr_entries = nr_frames;
	return 0;
}

uint64_t m2p_nr_frames(void)
{
	return nr_entries;
}

int m2p_set(mfn_t mfn, uint64_t pfn)
{
	if (mfn_x(mfn) >= nr_entries)
		return -EINVAL;
	if (pfn >= M2P_PFN_LIMIT && pfn != INVALID_M2P_ENTRY && pfn != SHARED_M2P_ENTRY)
		return -EINVAL;
	__atomic_store_n(&table[mfn_x(mfn)], pfn, __ATOMIC_RELAXED);
	return 0;
}

uint64_t m2p_get(mfn_t mfn)
{
	if (mfn_x(mfn) >= nr_entries)
		return INVALID_M2P_ENTRY;
	return __atomic_load_n(&table[mfn_x(mfn)], __ATOMIC_RELAXED);
}

const uint64_t *m2p_table(void)
{
	return table;
}
