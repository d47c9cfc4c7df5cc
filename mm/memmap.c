/*
 * mm/memmap.c - building and querying the machine memory map.
 *
 * Owns: the algorithms on struct memmap (see memmap.h for the invariants).
 *
 * Firmware maps are messy: unsorted, overlapping, touching ranges of one
 * type reported separately, regions that are both "usable" and "reserved".
 * memmap_sanitize() does not patch ranges pairwise; it sweeps the address
 * space from 0 upwards in segments inside which the set of input ranges
 * covering an address does not change, gives each segment the most
 * restrictive type covering it, and appends it to the output (merging with
 * the previous output range when they touch and agree).  That is
 * O(ranges^2), a few hundred thousand steps at most, once per boot, and
 * obviously right.  Addresses are handled as inclusive [first, last] pairs
 * so a range may end exactly at 2^64 without overflow.
 *
 * No locks: boot CPU only.
 */
#include "mm/memmap.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

void memmap_init(struct memmap *map)
{
	map->nr = 0;
}

static uint64_t range_last(const struct memmap_range *r)
{
	return r->base + (r->len - 1);
}

/* len > 0 and base + len <= 2^64. */
static bool range_valid(uint64_t base, uint64_t len)
{
	return len && len - 1 <= UINT64_MAX - base;
}

int memmap_add(struct memmap *map, uint64_t base, uint64_t len, uint32_t type)
{
	if (!range_valid(base, len))
		return -EINVAL;
	if (map->nr >= MEMMAP_MAX_RANGES)
		return -ENOSPC;
	map->range[map->nr++] = (struct memmap_range){base, len, type};
	return 0;
}

/* How restrictive a type is: where ranges overlap, the higher rank wins. */
static unsigned int type_rank(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return 0;
	case MEMMAP_IN_USE:
		return 1;
	case BOOT_MEM_ACPI_RECLAIM:
		return 2;
	case BOOT_MEM_FIRMWARE:
		return 3;
	case BOOT_MEM_ACPI_NVS:
		return 4;
	case BOOT_MEM_RESERVED:
		return 6;
	case BOOT_MEM_UNUSABLE:
		return 7;
	default: /* unknown to us: keep away from it, but below plain "reserved" */
		return 5;
	}
}

static bool type_beats(uint32_t a, uint32_t b)
{
	unsigned int ra = type_rank(a), rb = type_rank(b);

	return ra > rb || (ra == rb && a > b); /* ties between unknown types: stable pick */
}

struct segment {
	uint64_t last; /* last address with the same covering set as the start */
	uint32_t type; /* winning type, valid if covered */
	bool covered;  /* some range covers the start address */
	bool any;      /* some range covers or lies above the start address */
};

/* Describes the segment of the address space that starts at addr. */
static struct segment segment_at(const struct memmap *map, uint64_t addr)
{
	struct segment s = {.last = UINT64_MAX};

	for (unsigned int i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];
		uint64_t last = range_last(r);

		if (r->base > addr) {
			s.any = true;
			s.last = MIN(s.last, r->base - 1);
			continue;
		}
		if (last < addr)
			continue;
		s.any = true;
		s.last = MIN(s.last, last);
		if (!s.covered || type_beats(r->type, s.type))
			s.type = r->type;
		s.covered = true;
	}
	return s;
}

/* Appends [first, last] of type to map->tmp, merging with its predecessor. */
static int emit(struct memmap *map, unsigned int *n, uint64_t first, uint64_t last, uint32_t type)
{
	uint64_t len = last - first + 1;
	struct memmap_range *prev = *n ? &map->tmp[*n - 1] : NULL;

	if (prev && prev->type == type && range_last(prev) + 1 == first &&
	    prev->len <= UINT64_MAX - len) {
		prev->len += len;
		return 0;
	}
	if (*n >= MEMMAP_MAX_RANGES)
		return -ENOSPC;
	map->tmp[(*n)++] = (struct memmap_range){first, len, type};
	return 0;
}

int memmap_sanitize(struct memmap *map)
{
	unsigned int n = 0;
	uint64_t addr = 0;

	for (;;) {
		struct segment s = segment_at(map, addr);

		if (!s.any)
			break;
		if (s.covered && emit(map, &n, addr, s.last, s.type))
			return -ENOSPC;
		if (s.last == UINT64_MAX)
			break;
		addr = s.last + 1;
	}
	memcpy(map->range, map->tmp, n * sizeof(map->range[0]));
	map->nr = n;
	return 0;
}

/* True if every byte of [base, last] lies in USABLE or MEMMAP_IN_USE ranges. */
static bool all_usable_or_in_use(const struct memmap *map, uint64_t base, uint64_t last)
{
	uint64_t addr = base;

	for (unsigned int i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];
		uint64_t rlast = range_last(r);

		if (rlast < addr)
			continue;
		if (r->base > addr)
			return false; /* a hole */
		if (r->type != BOOT_MEM_USABLE && r->type != MEMMAP_IN_USE)
			return false;
		if (rlast >= last)
			return true;
		addr = rlast + 1;
	}
	return false;
}

int memmap_reserve(struct memmap *map, uint64_t base, uint64_t len)
{
	int rc;

	if (!range_valid(base, len))
		return -EINVAL;
	if (!all_usable_or_in_use(map, base, base + (len - 1)))
		return -EBUSY;
	rc = memmap_add(map, base, len, MEMMAP_IN_USE);
	if (rc)
		return rc;
	rc = memmap_sanitize(map);
	if (rc)
		map->nr--; /* sanitize left range[] untouched: drop what we added */
	return rc;
}

uint32_t memmap_type_at(const struct memmap *map, uint64_t addr)
{
	for (unsigned int i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];

		if (r->base <= addr && addr <= range_last(r))
			return r->type;
	}
	return 0;
}

uint64_t memmap_total(const struct memmap *map, uint32_t type)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < map->nr; i++)
		if (map->range[i].type == type)
			total += map->range[i].len;
	return total;
}

bool memmap_type_is_ram(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == MEMMAP_IN_USE || type == BOOT_MEM_ACPI_RECLAIM ||
	       type == BOOT_MEM_ACPI_NVS || type == BOOT_MEM_FIRMWARE;
}

uint64_t memmap_ram_bytes(const struct memmap *map)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < map->nr; i++)
		if (memmap_type_is_ram(map->range[i].type))
			total += map->range[i].len;
	return total;
}

uint64_t memmap_ram_top(const struct memmap *map)
{
	uint64_t top = 0;

	for (unsigned int i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];
		uint64_t last = range_last(r);

		if (!memmap_type_is_ram(r->type))
			continue;
		top = MAX(top, last == UINT64_MAX ? UINT64_MAX : last + 1);
	}
	return top;
}

bool memmap_next_usable_frames(const struct memmap *map, unsigned int *pos, mfn_t *first,
			       uint64_t *count)
{
	while (*pos < map->nr) {
		const struct memmap_range *r = &map->range[(*pos)++];
		uint64_t last = range_last(r);
		/* First whole frame: base rounded up; end: one past the last whole frame. */
		uint64_t start = (r->base >> PAGE_SHIFT) + ((r->base & (PAGE_SIZE - 1)) != 0);
		uint64_t end = (last >> PAGE_SHIFT) + ((last & (PAGE_SIZE - 1)) == PAGE_SIZE - 1);

		if (r->type != BOOT_MEM_USABLE || end <= start)
			continue;
		*first = _mfn(start);
		*count = end - start;
		return true;
	}
	return false;
}

const char *memmap_type_name(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return "usable";
	case BOOT_MEM_RESERVED:
		return "reserved";
	case BOOT_MEM_ACPI_RECLAIM:
		return "ACPI data";
	case BOOT_MEM_ACPI_NVS:
		return "ACPI NVS";
	case BOOT_MEM_UNUSABLE:
		return "unusable";
	case BOOT_MEM_FIRMWARE:
		return "firmware";
	case MEMMAP_IN_USE:
		return "in use";
	default:
		return "unknown";
	}
}

void memmap_dump(const struct memmap *map)
{
	for (unsigned int i = 0; i < map->nr; i++) {
		const struct memmap_range *r = &map->range[i];

		printk(KLOG_INFO " %016lx - %016lx %s (type %u)\n", r->base, range_last(r),
		       memmap_type_name(r->type), r->type);
	}
}
