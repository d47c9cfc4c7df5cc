/*
 * guests/lib/heap.c - the heap (see heap.h).
 *
 * Owns one free list per size class (32 bytes to 2 KiB).  Each block
 * starts with a 16-byte header holding its class, or for a large block
 * its page count, so kfree() needs no size.  Small-class pages are never
 * given back to the page allocator.
 */
#include "guests/lib/heap.h"

#include <stdint.h>

#include "guests/lib/console.h"
#include "guests/lib/mm.h"
#include "lib/string.h"

#define MIN_SHIFT   5  /* 32 bytes */
#define MAX_SHIFT   11 /* 2 KiB */
#define NR_CLASSES  (MAX_SHIFT - MIN_SHIFT + 1)
#define LARGE	    0xff
#define HEAP_MAGIC  0x6b6565686561ULL /* "keehea" */

struct block_header {
	uint64_t magic_class; /* HEAP_MAGIC << 8 | class (LARGE: pages in npages) */
	uint64_t npages;
};

struct free_block {
	struct block_header h;
	struct free_block *next;
};

static struct free_block *free_lists[NR_CLASSES];
static size_t in_use;

static unsigned int class_of(size_t total)
{
	unsigned int c = 0;

	while ((1UL << (MIN_SHIFT + c)) < total)
		c++;
	return c;
}

/* Carves a fresh page into blocks of class @c. */
static bool refill(unsigned int c)
{
	size_t size = 1UL << (MIN_SHIFT + c);
	char *page = page_alloc(1);

	if (!page)
		return false;
	for (size_t off = 0; off + size <= PAGE_SIZE; off += size) {
		struct free_block *b = (struct free_block *)(page + off);

		b->next = free_lists[c];
		free_lists[c] = b;
	}
	return true;
}

void *kmalloc(size_t size)
{
	size_t total = size + sizeof(struct block_header);
	struct block_header *h;

	if (size > SIZE_MAX / 2)
		return NULL;
	if (total > (1UL << MAX_SHIFT)) {
		size_t npages = (total + PAGE_SIZE - 1) / PAGE_SIZE;

		h = page_alloc(npages);
		if (!h)
			return NULL;
		h->magic_class = HEAP_MAGIC << 8 | LARGE;
		h->npages = npages;
		in_use += npages * PAGE_SIZE;
	} else {
		unsigned int c = class_of(total);

		if (!free_lists[c] && !refill(c))
			return NULL;
		h = &free_lists[c]->h;
		free_lists[c] = free_lists[c]->next;
		h->magic_class = HEAP_MAGIC << 8 | c;
		in_use += 1UL << (MIN_SHIFT + c);
	}
	return h + 1;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	struct block_header *h;
	unsigned int c;

	if (!p)
		return;
	h = (struct block_header *)p - 1;
	if (h->magic_class >> 8 != HEAP_MAGIC)
		panic("kfree: %p is not a heap block (or was freed twice)", p);
	c = h->magic_class & 0xff;
	h->magic_class = 0;
	if (c == LARGE) {
		in_use -= h->npages * PAGE_SIZE;
		page_free(h, h->npages);
		return;
	}
	if (c >= NR_CLASSES)
		panic("kfree: %p has a corrupt header", p);
	in_use -= 1UL << (MIN_SHIFT + c);
	((struct free_block *)h)->next = free_lists[c];
	free_lists[c] = (struct free_block *)h;
}

size_t heap_in_use(void)
{
	return in_use;
}
