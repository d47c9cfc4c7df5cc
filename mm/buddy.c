/*
 * mm/buddy.c - the buddy allocator of machine frames.
 *
 * Owns: the free lists (one per order, threaded through the frame table),
 * the counters, and the allocator fields of struct page_info (state, order,
 * PGF_NEED_SCRUB).
 *
 * The algorithm: a free block of 2^k frames starts at a frame aligned to
 * 2^k; its buddy is the block at mfn ^ 2^k.  Allocation takes the smallest
 * free block of at least the wanted order and splits it, returning the
 * upper halves to the lists.  Freeing merges a block with its buddy as
 * long as the buddy is a free block of the same order.
 *
 * Every frame records its state (frame_table.h: free/allocated, head or
 * not), so a bad free is diagnosed exactly: the head of an allocated block
 * is the only frame free_frames() accepts, with the order it was
 * allocated with.  Keeping per-frame state costs O(2^order) page_info
 * writes per call, the same order as the scrub that follows.
 *
 * Scrubbing: frames get PGF_NEED_SCRUB when given to the allocator (boot
 * memory holds whatever the firmware left) and when freed; alloc_frames()
 * zeroes exactly those frames.  It does so after dropping the lock: the
 * block is already marked allocated, so no other CPU looks at its frames'
 * flags, and a 4 GiB block is not zeroed with every other CPU waiting.
 *
 * Locks: buddy.lock (irqsave) protects the lists, counters and the state
 * and order of every managed frame.
 */
#include "mm/buddy.h"

#include "arch/mm.h"
#include "arch/spinlock.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/frame_table.h"

static struct {
	spinlock_t lock;
	struct page_list free[BUDDY_MAX_ORDER + 1];
	struct buddy_stats st;
} buddy;

void buddy_init(void)
{
	spin_lock_init(&buddy.lock);
	for (unsigned int k = 0; k <= BUDDY_MAX_ORDER; k++)
		page_list_init(&buddy.free[k]);
	memset(&buddy.st, 0, sizeof(buddy.st));
}

static void list_push(unsigned int order, struct page_info *pg)
{
	pg->state = FRAME_FREE_HEAD;
	pg->order = (uint8_t)order;
	page_list_add(&buddy.free[order], pg);
	buddy.st.free_blocks[order]++;
}

static void list_remove(unsigned int order, struct page_info *pg)
{
	page_list_del(&buddy.free[order], pg);
	buddy.st.free_blocks[order]--;
	pg->state = FRAME_FREE;
}

/*
 * Puts a block whose frames are all FRAME_FREE on the free lists, merged
 * with its buddies as far as they are free.  Caller holds the lock.
 */
static void insert_and_merge(uint64_t mfn, unsigned int order)
{
	while (order < BUDDY_MAX_ORDER) {
		uint64_t other = mfn ^ (1ULL << order);
		struct page_info *b;

		if (!mfn_in_table(_mfn(other)))
			break;
		b = mfn_to_page(_mfn(other));
		if (b->state != FRAME_FREE_HEAD || b->order != order)
			break;
		list_remove(order, b);
		mfn = MIN(mfn, other);
		order++;
	}
	list_push(order, mfn_to_page(_mfn(mfn)));
}

/* Largest order of an aligned block starting at mfn and at most count frames. */
static unsigned int max_block_order(uint64_t mfn, uint64_t count)
{
	unsigned int order = mfn ? (unsigned int)__builtin_ctzll(mfn) : BUDDY_MAX_ORDER;

	order = MIN(order, BUDDY_MAX_ORDER);
	while ((1ULL << order) > count)
		order--;
	return order;
}

/* Caller holds the lock.  Returns true if all the frames may be added. */
static bool range_addable(uint64_t first, uint64_t count)
{
	uint64_t nr = frame_table_nr_frames();

	if (first >= nr || count > nr - first) {
		printk(KLOG_ERR "buddy: frames %#lx+%#lx outside the frame table\n", first, count);
		return false;
	}
	for (uint64_t m = first; m < first + count; m++) {
		if (mfn_to_page(_mfn(m))->state != FRAME_UNMANAGED) {
			printk(KLOG_ERR "buddy: mfn %#lx added twice\n", m);
			return false;
		}
	}
	return true;
}

int buddy_add_free_range(mfn_t first, uint64_t count)
{
	uint64_t mfn = mfn_x(first), end = mfn + count;
	unsigned long flags;

	if (!count)
		return 0;
	flags = spin_lock_irqsave(&buddy.lock);
	if (!range_addable(mfn, count)) {
		spin_unlock_irqrestore(&buddy.lock, flags);
		return -EINVAL;
	}
	while (mfn < end) {
		unsigned int order = max_block_order(mfn, end - mfn);
		uint64_t n = 1ULL << order;

		for (uint64_t m = mfn; m < mfn + n; m++) {
			struct page_info *pg = mfn_to_page(_mfn(m));

			pg->state = FRAME_FREE;
			pg->flags |= PGF_NEED_SCRUB;
		}
		insert_and_merge(mfn, order);
		mfn += n;
	}
	buddy.st.managed_frames += count;
	buddy.st.free_frames += count;
	buddy.st.dirty_frames += count;
	spin_unlock_irqrestore(&buddy.lock, flags);
	return 0;
}

/* The first free block of exactly order k that starts below limit (an mfn), or NULL. */
static struct page_info *first_below(unsigned int k, uint64_t limit)
{
	for (struct page_info *pg = page_list_first(&buddy.free[k]); pg; pg = page_list_next(pg))
		if (mfn_x(page_to_mfn(pg)) < limit)
			return pg;
	return NULL;
}

/*
 * Takes a free block of at least `order` off the lists, split down to
 * `order`, whose frames all lie below frame `limit`: the split keeps the
 * lower half, so the block's start decides.  Without a
 * real limit the first block of each list fits, so this is O(orders).
 */
static struct page_info *take_block(unsigned int order, uint64_t limit)
{
	struct page_info *pg = NULL;
	unsigned int k;
	uint64_t mfn;

	if (limit < (1ULL << order))
		return NULL;
	for (k = order; k <= BUDDY_MAX_ORDER && !pg; k++)
		pg = first_below(k, limit - (1ULL << order) + 1);
	if (!pg)
		return NULL;
	k--;
	list_remove(k, pg);
	mfn = mfn_x(page_to_mfn(pg));
	while (k > order) {
		k--;
		list_push(k, mfn_to_page(_mfn(mfn + (1ULL << k))));
	}
	return pg;
}

/* Marks a taken block allocated; returns how many of its frames need a scrub. */
static uint64_t mark_allocated(struct page_info *head, unsigned int order)
{
	uint64_t dirty = 0;

	for (uint64_t i = 0; i < (1ULL << order); i++) {
		struct page_info *pg = head + i;

		pg->state = i ? FRAME_ALLOC : FRAME_ALLOC_HEAD;
		pg->owner = DOMID_XEN;
		pg->count = 0;
		pg->type_info = 0;
		dirty += (pg->flags & PGF_NEED_SCRUB) != 0;
	}
	head->order = (uint8_t)order;
	return dirty;
}

mfn_t alloc_frames(unsigned int order)
{
	return alloc_frames_below(order, INVALID_MFN);
}

mfn_t alloc_frames_below(unsigned int order, mfn_t limit)
{
	struct page_info *head;
	unsigned long flags;
	uint64_t dirty;

	if (order > BUDDY_MAX_ORDER)
		return INVALID_MFN;
	flags = spin_lock_irqsave(&buddy.lock);
	head = take_block(order, mfn_x(limit));
	if (!head) {
		spin_unlock_irqrestore(&buddy.lock, flags);
		return INVALID_MFN;
	}
	dirty = mark_allocated(head, order);
	buddy.st.free_frames -= 1ULL << order;
	buddy.st.allocated_frames += 1ULL << order;
	buddy.st.dirty_frames -= dirty;
	buddy.st.scrubbed_frames += dirty;
	spin_unlock_irqrestore(&buddy.lock, flags);

	for (uint64_t i = 0; i < (1ULL << order); i++) {
		if (!(head[i].flags & PGF_NEED_SCRUB))
			continue;
		memset(arch_mfn_to_virt(page_to_mfn(&head[i])), 0, PAGE_SIZE);
		head[i].flags &= (uint8_t)~PGF_NEED_SCRUB;
	}
	return page_to_mfn(head);
}

/* Why a free of [mfn, 2^order) must be refused, or NULL.  Caller holds the lock. */
static const char *free_refusal(const struct page_info *head, unsigned int order, int *err)
{
	*err = -EINVAL;
	switch (head->state) {
	case FRAME_UNMANAGED:
		return "not allocator memory";
	case FRAME_FREE_HEAD:
	case FRAME_FREE:
		return "already free (double free)";
	case FRAME_ALLOC:
		return "not the first frame of an allocated block";
	}
	if (head->order != order)
		return "freed with a different order than allocated";
	if (head->flags & PGF_HEAP)
		return "owned by the heap (use heap_free)";
	*err = -EBUSY;
	for (uint64_t i = 0; i < (1ULL << order); i++)
		if (head[i].count || (head[i].type_info & PGT_COUNT_MASK))
			return "still referenced";
	return NULL;
}

int free_frames(mfn_t mfn, unsigned int order)
{
	uint64_t m = mfn_x(mfn), n;
	struct page_info *head;
	const char *why;
	unsigned long flags;
	int err;

	if (order > BUDDY_MAX_ORDER || !mfn_in_table(mfn) ||
	    (1ULL << order) > frame_table_nr_frames() - m || !IS_ALIGNED(m, 1ULL << order)) {
		printk(KLOG_ERR "free_frames: mfn %#lx order %u: out of range or unaligned\n", m,
		       order);
		return -EINVAL;
	}
	n = 1ULL << order;
	flags = spin_lock_irqsave(&buddy.lock);
	head = mfn_to_page(mfn);
	why = free_refusal(head, order, &err);
	if (why) {
		spin_unlock_irqrestore(&buddy.lock, flags);
		printk(KLOG_ERR "free_frames: mfn %#lx order %u: %s\n", m, order, why);
		return err;
	}
	for (uint64_t i = 0; i < n; i++) {
		head[i].state = FRAME_FREE;
		head[i].owner = DOMID_INVALID;
		head[i].type_info = 0;
		head[i].flags |= PGF_NEED_SCRUB;
	}
	insert_and_merge(m, order);
	buddy.st.free_frames += n;
	buddy.st.allocated_frames -= n;
	buddy.st.dirty_frames += n;
	spin_unlock_irqrestore(&buddy.lock, flags);
	return 0;
}

int buddy_split_allocated(mfn_t mfn, unsigned int order)
{
	struct page_info *head;
	unsigned long flags;
	int rc = 0;

	if (order > BUDDY_MAX_ORDER || !mfn_in_table(mfn) ||
	    (1ULL << order) > frame_table_nr_frames() - mfn_x(mfn))
		return -EINVAL;
	flags = spin_lock_irqsave(&buddy.lock);
	head = mfn_to_page(mfn);
	if (head->state != FRAME_ALLOC_HEAD || head->order != order || (head->flags & PGF_HEAP)) {
		rc = -EINVAL;
	} else {
		for (uint64_t i = 0; i < (1ULL << order); i++) {
			head[i].state = FRAME_ALLOC_HEAD;
			head[i].order = 0;
		}
	}
	spin_unlock_irqrestore(&buddy.lock, flags);
	return rc;
}

void buddy_get_stats(struct buddy_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&buddy.lock);

	*st = buddy.st;
	spin_unlock_irqrestore(&buddy.lock, flags);
}

void buddy_dump(void)
{
	struct buddy_stats st;

	buddy_get_stats(&st);
	printk(KLOG_INFO "buddy: %lu frames managed, %lu free (%lu to scrub), %lu allocated, "
			 "%lu scrubbed\n",
	       st.managed_frames, st.free_frames, st.dirty_frames, st.allocated_frames,
	       st.scrubbed_frames);
	for (unsigned int k = 0; k <= BUDDY_MAX_ORDER; k++)
		if (st.free_blocks[k])
			printk(KLOG_INFO "buddy:   order %2u: %lu free blocks\n", k,
			       st.free_blocks[k]);
}
