/*
 * mm/buddy.h - the buddy allocator of machine frames.
 *
 * Owns: every frame given to it with buddy_add_free_range(), free or
 * allocated, in blocks of 2^order frames aligned to their size.
 *
 * Guarantees: a frame is never handed out twice; every frame handed out
 * reads as zeros (frames are scrubbed on their way out, so no data passes
 * from one user to the next); bad frees are refused and reported, never
 * acted on.  Freed blocks are coalesced with their free buddies.
 *
 * Locks: one spinlock inside (taken with interrupts off); callable from
 * any CPU.  Scrubbing runs after the lock is dropped.  Lock order: any
 * caller's lock (e.g. the heap's) before the buddy lock.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include "lib/types.h"

#define BUDDY_MAX_ORDER 20 /* largest block: 2^20 frames = 4 GiB */

struct buddy_stats {
	uint64_t managed_frames;		   /* frames ever given to the allocator */
	uint64_t free_frames;			   /* free now */
	uint64_t free_blocks[BUDDY_MAX_ORDER + 1]; /* free blocks of each order */
	uint64_t allocated_frames;		   /* handed out now */
	uint64_t dirty_frames;			   /* free and waiting to be scrubbed */
	uint64_t scrubbed_frames;		   /* zeroed since buddy_init */
};

/* Empties the allocator.  Call after frame_table_init(), before other CPUs run. */
void buddy_init(void);

/*
 * Gives frames first .. first+count-1 (any alignment: split into maximal
 * aligned blocks) to the allocator, as free and needing a scrub.  Returns
 * 0 (also for count 0), or -EINVAL if a frame is outside the frame table
 * or already the allocator's; then nothing is added.
 */
int buddy_add_free_range(mfn_t first, uint64_t count);

/*
 * Allocates 2^order contiguous frames, aligned to 2^order, zero-filled and
 * owned by DOMID_XEN.  Returns the first frame, or INVALID_MFN when no
 * block is free or order > BUDDY_MAX_ORDER.
 */
mfn_t alloc_frames(unsigned int order);

/*
 * alloc_frames() of a block whose frames all lie below frame `limit`
 * (INVALID_MFN: no limit), for callers
 * whose users can only address so far (XENMEMF_address_bits).  Walks the
 * free lists when a limit applies.  INVALID_MFN when no such block is free.
 */
mfn_t alloc_frames_below(unsigned int order, mfn_t limit);

/*
 * Frees a block from alloc_frames() with the same order.  Returns 0;
 * -EINVAL (and a KLOG_ERR message naming the frame) for a frame out of
 * range, unaligned, never given to the allocator, already free, not the
 * start of a block, a different order or a frame the heap owns; -EBUSY if
 * a frame of the block still has references.  On error nothing changes.
 */
int free_frames(mfn_t mfn, unsigned int order);

/*
 * Turns an allocated block of 2^order frames at mfn into 2^order allocated
 * single frames, each to be freed with free_frames(frame, 0) (a domain that
 * got a large block may give frames back one by one).  Returns 0, or
 * -EINVAL if [mfn, order) is not exactly one allocated block (or a heap
 * block).
 */
int buddy_split_allocated(mfn_t mfn, unsigned int order);

/* A consistent snapshot of the counters. */
void buddy_get_stats(struct buddy_stats *st);

/* Prints the counters and the free blocks of each order (KLOG_INFO). */
void buddy_dump(void);

#endif /* MM_BUDDY_H */
