/*
 * mm/memmap.h - the machine memory map: which physical ranges are RAM.
 *
 * Owns: struct memmap, a fixed array of {base, len, type} ranges built from
 * the firmware's map (E820 or EFI, already translated into struct
 * boot_info), then sanitized and used to seed the frame allocator.
 *
 * Invariants: after memmap_sanitize() the ranges are sorted by base, do not
 * overlap, have non-zero length and no two neighbours that touch have the
 * same type.  memmap_reserve() keeps that.  Every other query expects a
 * sanitized map.  No locks: the map is built and read on the boot CPU
 * before other CPUs run.
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include "hypervisor/boot/boot_info.h"
#include "lib/types.h"

#define MEMMAP_MAX_RANGES 512

/*
 * Keel's own type, beyond the firmware's: RAM that was usable but is taken
 * before the allocator starts (the hypervisor image, boot modules, early
 * boot allocations).  It is RAM, but never handed to the allocator.
 */
#define MEMMAP_IN_USE 0x100u

struct memmap_range {
	uint64_t base;
	uint64_t len;
	uint32_t type; /* enum boot_mem_type or MEMMAP_IN_USE; other values kept as-is */
};

struct memmap {
	unsigned int nr;
	struct memmap_range range[MEMMAP_MAX_RANGES];
	/* Scratch space for memmap_sanitize(), so it needs no allocator. */
	struct memmap_range tmp[MEMMAP_MAX_RANGES];
};

/* Empties the map. */
void memmap_init(struct memmap *map);

/*
 * Appends a range as the firmware reported it (any order, may overlap).
 * Returns 0, -EINVAL for len 0 or base + len beyond 2^64, -ENOSPC when the
 * map is full.
 */
int memmap_add(struct memmap *map, uint64_t base, uint64_t len, uint32_t type);

/*
 * Sorts the map, resolves overlaps (the more restrictive type wins: any
 * other type beats USABLE, and UNUSABLE > RESERVED > unknown types >
 * ACPI_NVS > FIRMWARE > ACPI_RECLAIM > MEMMAP_IN_USE > USABLE) and merges
 * touching ranges of one type.  Returns 0, or -ENOSPC if the result would
 * not fit (the map is then unchanged).
 */
int memmap_sanitize(struct memmap *map);

/*
 * Marks [base, base + len) in use (MEMMAP_IN_USE), e.g. the hypervisor
 * image or a boot module.  Every byte must be USABLE or already in use.
 * Returns 0; -EINVAL for len 0 or overflow; -EBUSY if part of the range
 * is not usable RAM; -ENOSPC if the map is full.  On error nothing changes.
 */
int memmap_reserve(struct memmap *map, uint64_t base, uint64_t len);

/* Type of the range holding addr, or 0 if addr is in no range. */
uint32_t memmap_type_at(const struct memmap *map, uint64_t addr);

/* Bytes of ranges of the given type. */
uint64_t memmap_total(const struct memmap *map, uint32_t type);

/* True for the types that are RAM: usable, in use, ACPI reclaim/NVS, firmware. */
bool memmap_type_is_ram(uint32_t type);

/* Bytes of RAM of any kind (see memmap_type_is_ram). */
uint64_t memmap_ram_bytes(const struct memmap *map);

/*
 * Address just past the highest byte of RAM of any kind, or 0 without RAM.
 * Saturates at UINT64_MAX if RAM reaches the top of the address space.
 */
uint64_t memmap_ram_top(const struct memmap *map);

/*
 * Iterates over USABLE RAM as whole 4 KiB frames: start with *pos = 0; each
 * call stores the next run of frames (base rounded up, end rounded down)
 * in *first and *count and returns true, or returns false at the end.
 * Ranges holding no whole frame are skipped.
 */
bool memmap_next_usable_frames(const struct memmap *map, unsigned int *pos, mfn_t *first,
			       uint64_t *count);

/* Name of a range type for messages ("usable", "reserved", ...). */
const char *memmap_type_name(uint32_t type);

/* Prints the map with printk(KLOG_INFO ...), one line per range. */
void memmap_dump(const struct memmap *map);

#endif /* MM_MEMMAP_H */
