/*
 * mm/heap.h - the hypervisor's heap for its own small objects.
 *
 * Owns: objects handed out by heap_alloc()/heap_zalloc() and the frames
 * (from mm/buddy.c) that hold them.  Sizes up to HEAP_MAX_SMALL are rounded
 * up to a power of two (at least HEAP_MIN_SIZE) and carved from one-frame
 * slabs of that size class; larger sizes get whole frames, rounded up to a
 * power-of-two count.  Every object is aligned to at least HEAP_ALIGN.
 *
 * Guarantees: heap_free() of anything the heap did not hand out (a foreign
 * pointer, an interior pointer, a double free) is refused and reported
 * with KLOG_ERR; the heap is not corrupted.
 *
 * Locks: one spinlock inside (interrupts off); callable from any CPU.
 * Lock order: heap lock, then buddy lock.
 */
#ifndef MM_HEAP_H
#define MM_HEAP_H

#include "lib/types.h"

#define HEAP_MIN_SIZE	16
#define HEAP_MAX_SMALL	2048
#define HEAP_NR_CLASSES 8 /* 16, 32, ..., 2048 */
#define HEAP_ALIGN	16

struct heap_stats {
	uint64_t objects[HEAP_NR_CLASSES]; /* small objects in use, per class */
	uint64_t slabs[HEAP_NR_CLASSES];   /* frames holding them, per class */
	uint64_t large_blocks;		   /* large allocations in use */
	uint64_t large_frames;		   /* frames they take */
	uint64_t bytes_in_use;		   /* rounded-up sizes of all objects in use */
	uint64_t bad_frees;		   /* refused heap_free() calls */
};

/* Empties the heap's bookkeeping.  Call after buddy_init(), before other CPUs run. */
void heap_init(void);

/* Returns size bytes (contents undefined), or NULL for size 0 or out of memory. */
void *heap_alloc(size_t size);

/* As heap_alloc, zero-filled. */
void *heap_zalloc(size_t size);

/* Frees an object from heap_alloc/heap_zalloc.  NULL is ignored; see above for bad pointers. */
void heap_free(void *ptr);

/* A consistent snapshot of the counters. */
void heap_get_stats(struct heap_stats *st);

#endif /* MM_HEAP_H */
