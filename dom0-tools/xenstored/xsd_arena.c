/*
 * dom0-tools/xenstored/xsd_arena.c - the byte arena behind node names,
 * values, permission lists and watch strings.
 *
 * The caller's memory is cut into XSD_ARENA_BLOCK-byte blocks with a
 * bitmap (one bit per block, at the start of the memory) marking the used
 * ones; an allocation is the first run of free blocks long enough (first
 * fit).  Simple and bounded: an allocation scans the bitmap, which for a
 * 1 MiB arena is 512 words.  Fragmentation can refuse a large value while
 * smaller free runs add up to more: callers report -ENOMEM then.
 * Invariant: used_blocks equals the number of set bits.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/errno.h"
#include "lib/string.h"

static bool block_used(const struct xsd_arena *a, uint32_t b)
{
	return a->bitmap[b / 64] & (1ull << (b % 64));
}

static void mark(struct xsd_arena *a, uint32_t first, uint32_t n, bool used)
{
	for (uint32_t b = first; b < first + n; b++) {
		if (used)
			a->bitmap[b / 64] |= 1ull << (b % 64);
		else
			a->bitmap[b / 64] &= ~(1ull << (b % 64));
	}
	a->used_blocks = used ? a->used_blocks + n : a->used_blocks - n;
}

static uint32_t blocks_for(size_t len)
{
	return (uint32_t)((len + XSD_ARENA_BLOCK - 1) / XSD_ARENA_BLOCK);
}

int xsd_arena_init(struct xsd_arena *a, void *mem, size_t size)
{
	/* Each block costs its bytes plus one bit; bitmap words first. */
	size_t blocks = size * 8 / (XSD_ARENA_BLOCK * 8 + 1);
	size_t words = (blocks + 63) / 64;

	if (size < 4096 || size > (size_t)UINT32_MAX)
		return -EINVAL;
	a->bitmap = mem;
	memset(a->bitmap, 0, words * 8);
	a->base = (uint8_t *)mem + words * 8;
	a->nr_blocks = (uint32_t)((size - words * 8) / XSD_ARENA_BLOCK);
	a->used_blocks = 0;
	return 0;
}

uint32_t xsd_arena_alloc(struct xsd_arena *a, size_t len)
{
	uint32_t need = blocks_for(len), run = 0;

	if (len == 0 || need > a->nr_blocks - a->used_blocks)
		return XSD_NIL;
	for (uint32_t b = 0; b < a->nr_blocks; b++) {
		if (block_used(a, b)) {
			run = 0;
			continue;
		}
		if (++run == need) {
			mark(a, b + 1 - need, need, true);
			return (b + 1 - need) * XSD_ARENA_BLOCK;
		}
	}
	return XSD_NIL;
}

void xsd_arena_free(struct xsd_arena *a, uint32_t off, size_t len)
{
	if (off != XSD_NIL && len)
		mark(a, off / XSD_ARENA_BLOCK, blocks_for(len), false);
}

void *xsd_arena_ptr(const struct xsd_arena *a, uint32_t off)
{
	return off == XSD_NIL ? NULL : a->base + off;
}

uint32_t xsd_arena_store(struct xsd_arena *a, const void *data, size_t len)
{
	uint32_t off = xsd_arena_alloc(a, len);

	if (off != XSD_NIL)
		memcpy(a->base + off, data, len);
	return off;
}
