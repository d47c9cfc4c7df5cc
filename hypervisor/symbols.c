/*
 * hypervisor/symbols.c - looks addresses up in the link-time symbol table.
 *
 * The table (section .ksyms, from scripts/gen_ksyms.py) is sorted by
 * address and read-only, so lookups need no lock and are safe in a trap
 * handler.
 */
#include "hypervisor/symbols.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "hypercalls/hypercall.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_sizes[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];

const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
	uint64_t lo = 0, hi = ksyms_count;

	/* Find the last symbol whose address is <= addr. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (ksyms_addrs[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	lo--;
	if (addr - ksyms_addrs[lo] >= ksyms_sizes[lo])
		return NULL;
	*offset = addr - ksyms_addrs[lo];
	*size = ksyms_sizes[lo];
	return &ksyms_names[ksyms_name_offsets[lo]];
}

extern const uint8_t __build_id_start[], __build_id_end[];

/* The note is namesz, descsz, type (4 bytes each), "GNU\0", then the id. */
const void *hypercall_build_id(unsigned int *len)
{
	const uint32_t *hdr = (const uint32_t *)__build_id_start;

	if (__build_id_end - __build_id_start < 16 || hdr[0] != 4 ||
	    (uint64_t)(__build_id_end - __build_id_start) < 16 + (uint64_t)hdr[1])
		return NULL;
	*len = hdr[1];
	return __build_id_start + 16;
}
