/*
 * mm/heap.c - the hypervisor heap: small objects in slabs, big ones in frames.
 *
 * Owns: the per-class lists of slabs with free slots, the counters, and the
 * heap_* fields and PGF_HEAP flag of the frames it holds (frame_table.h).
 *
 * A slab is one frame cut into 4096 / size slots of one size class; there
 * is no header inside the frame, so a 2048-byte class still fits two
 * objects per frame.  The slab's bookkeeping lives in its page_info: class,
 * objects in use, and the index of the first free slot.  Free slots form a
 * list through their own first bytes (struct free_slot), stamped with a
 * magic value derived from the slot's address.
 *
 * heap_free() finds the frame of a pointer through the frame table, which
 * is what makes bad frees detectable: the frame must carry PGF_HEAP, the
 * pointer must start a slot (or, for a large block, the block), and the
 * slot must not already be free.  The magic makes the double-free check
 * O(1) in the usual case; when it matches, the slab's free list is walked
 * to tell a real double free from live data that happens to match.
 *
 * A slab whose last object is freed goes straight back to the buddy
 * allocator.  Large blocks are whole buddy blocks: the frame table keeps
 * their order (page_info.order of the head), so nothing is stored inline.
 *
 * Locks: heap.lock (irqsave) protects the lists, the counters and the heap
 * fields of every heap frame.  New slabs are taken from the buddy allocator
 * with heap.lock held (lock order: heap, then buddy); large blocks are
 * allocated and freed outside it, so a big scrub does not stall the heap.
 */
#include "mm/heap.h"

#include "arch/mm.h"
#include "arch/spinlock.h"
#include "lib/compiler.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/frame_table.h"

#define HEAP_CLASS_LARGE 0xff
#define SLOT_NONE	 0xffff
#define FREE_MAGIC	 0x6b65656c66726565ULL /* "keelfree" */

/* What a free slot holds; fits the smallest class. */
struct free_slot {
	uint64_t magic;
	uint16_t next;
};

BUILD_BUG_ON(sizeof(struct free_slot) > HEAP_MIN_SIZE);
BUILD_BUG_ON((HEAP_MIN_SIZE << (HEAP_NR_CLASSES - 1)) != HEAP_MAX_SMALL);
BUILD_BUG_ON(PAGE_SIZE / HEAP_MIN_SIZE >= SLOT_NONE);

static struct {
	spinlock_t lock;
	struct page_list partial[HEAP_NR_CLASSES]; /* slabs with a free slot */
	struct heap_stats st;
} heap;

void heap_init(void)
{
	spin_lock_init(&heap.lock);
	for (unsigned int c = 0; c < HEAP_NR_CLASSES; c++)
		page_list_init(&heap.partial[c]);
	memset(&heap.st, 0, sizeof(heap.st));
}

static size_t class_size(unsigned int c)
{
	return (size_t)HEAP_MIN_SIZE << c;
}

/* The smallest class holding size bytes (size <= HEAP_MAX_SMALL). */
static unsigned int size_class(size_t size)
{
	unsigned int c = 0;

	while (class_size(c) < size)
		c++;
	return c;
}

static char *frame_base(const struct page_info *pg)
{
	return arch_mfn_to_virt(page_to_mfn(pg));
}

static struct free_slot *slot_at(const struct page_info *pg, unsigned int idx)
{
	return (struct free_slot *)(frame_base(pg) + idx * class_size(pg->heap_class));
}

static uint64_t slot_magic(const struct free_slot *s)
{
	return FREE_MAGIC ^ (uint64_t)(uintptr_t)s;
}

/* Puts slot idx at the front of the slab's free list. */
static void slot_push(struct page_info *pg, unsigned int idx)
{
	struct free_slot *s = slot_at(pg, idx);

	s->magic = slot_magic(s);
	s->next = pg->heap_free;
	pg->heap_free = (uint16_t)idx;
}

/* Takes a fresh frame from buddy and makes it an empty slab of class c. */
static struct page_info *slab_new(unsigned int c)
{
	mfn_t mfn = alloc_frames(0);
	struct page_info *pg;

	if (!mfn_valid_raw(mfn))
		return NULL;
	pg = mfn_to_page(mfn);
	pg->flags |= PGF_HEAP;
	pg->heap_class = (uint8_t)c;
	pg->heap_used = 0;
	pg->heap_free = SLOT_NONE;
	for (unsigned int i = PAGE_SIZE / class_size(c); i-- > 0;)
		slot_push(pg, i);
	page_list_add(&heap.partial[c], pg);
	heap.st.slabs[c]++;
	return pg;
}

/* Caller holds heap.lock. */
static void *small_alloc(unsigned int c)
{
	struct page_info *pg = page_list_first(&heap.partial[c]);
	struct free_slot *s;

	if (!pg && !(pg = slab_new(c)))
		return NULL;
	s = slot_at(pg, pg->heap_free);
	pg->heap_free = s->next;
	pg->heap_used++;
	s->magic = 0;
	if (pg->heap_free == SLOT_NONE)
		page_list_del(&heap.partial[c], pg);
	heap.st.objects[c]++;
	heap.st.bytes_in_use += class_size(c);
	return s;
}

static void *large_alloc(size_t size)
{
	uint64_t frames = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned int order = 0;
	unsigned long flags;
	struct page_info *pg;
	mfn_t mfn;

	if (size > (PAGE_SIZE << BUDDY_MAX_ORDER))
		return NULL;
	while ((1ULL << order) < frames)
		order++;
	mfn = alloc_frames(order);
	if (!mfn_valid_raw(mfn))
		return NULL;
	pg = mfn_to_page(mfn);
	flags = spin_lock_irqsave(&heap.lock);
	pg->flags |= PGF_HEAP;
	pg->heap_class = HEAP_CLASS_LARGE;
	heap.st.large_blocks++;
	heap.st.large_frames += 1ULL << order;
	heap.st.bytes_in_use += PAGE_SIZE << order;
	spin_unlock_irqrestore(&heap.lock, flags);
	return arch_mfn_to_virt(mfn);
}

void *heap_alloc(size_t size)
{
	unsigned long flags;
	void *p;

	if (!size)
		return NULL;
	if (size > HEAP_MAX_SMALL)
		return large_alloc(size);
	flags = spin_lock_irqsave(&heap.lock);
	p = small_alloc(size_class(size));
	spin_unlock_irqrestore(&heap.lock, flags);
	return p;
}

void *heap_zalloc(size_t size)
{
	void *p = heap_alloc(size);

	/* Large blocks come from buddy, which hands out zeroed frames. */
	if (p && size <= HEAP_MAX_SMALL)
		memset(p, 0, size);
	return p;
}

/* True if slot idx is on the slab's free list. */
static bool slot_is_free(const struct page_info *pg, unsigned int idx)
{
	unsigned int budget = PAGE_SIZE / class_size(pg->heap_class);

	for (unsigned int i = pg->heap_free; i != SLOT_NONE && budget--; i = slot_at(pg, i)->next)
		if (i == idx)
			return true;
	return false;
}

/*
 * Frees a small object; sets *release if its slab became empty and was
 * unhooked (the caller hands the frame back).  Returns why the pointer is
 * refused, or NULL.  Caller holds heap.lock.
 */
static const char *small_free(struct page_info *pg, void *ptr, bool *release)
{
	unsigned int c = pg->heap_class;
	uint64_t off = (uint64_t)((char *)ptr - frame_base(pg));
	unsigned int idx = (unsigned int)(off / class_size(c));
	struct free_slot *s = ptr;
	bool was_full = pg->heap_free == SLOT_NONE;

	if (off % class_size(c))
		return "not the start of an object";
	if (s->magic == slot_magic(s) && slot_is_free(pg, idx))
		return "already free (double free)";
	slot_push(pg, idx);
	pg->heap_used--;
	heap.st.objects[c]--;
	heap.st.bytes_in_use -= class_size(c);
	if (was_full)
		page_list_add(&heap.partial[c], pg);
	if (pg->heap_used == 0) {
		page_list_del(&heap.partial[c], pg);
		pg->flags &= (uint8_t)~PGF_HEAP;
		heap.st.slabs[c]--;
		*release = true;
	}
	return NULL;
}

/* Unhooks a large block starting at ptr; caller holds heap.lock. */
static const char *large_free(struct page_info *pg, void *ptr, bool *release)
{
	if (ptr != frame_base(pg) || pg->state != FRAME_ALLOC_HEAD)
		return "not the start of a block";
	pg->flags &= (uint8_t)~PGF_HEAP;
	heap.st.large_blocks--;
	heap.st.large_frames -= 1ULL << pg->order;
	heap.st.bytes_in_use -= PAGE_SIZE << pg->order;
	*release = true;
	return NULL;
}

void heap_free(void *ptr)
{
	const char *why = "not a heap pointer";
	struct page_info *pg = NULL;
	bool release = false;
	unsigned long flags;
	mfn_t mfn;

	if (!ptr)
		return;
	mfn = arch_virt_to_mfn(ptr);
	flags = spin_lock_irqsave(&heap.lock);
	if (mfn_in_table(mfn) && (mfn_to_page(mfn)->flags & PGF_HEAP)) {
		pg = mfn_to_page(mfn);
		if (pg->heap_class == HEAP_CLASS_LARGE)
			why = large_free(pg, ptr, &release);
		else
			why = small_free(pg, ptr, &release);
	}
	if (why)
		heap.st.bad_frees++;
	spin_unlock_irqrestore(&heap.lock, flags);
	if (why)
		printk(KLOG_ERR "heap_free: %p refused: %s\n", ptr, why);
	else if (release)
		free_frames(mfn, pg->order);
}

void heap_get_stats(struct heap_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&heap.lock);

	*st = heap.st;
	spin_unlock_irqrestore(&heap.lock, flags);
}
