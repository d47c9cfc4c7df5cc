/*
 * mm/frame_table.c - the frame table and page lists.
 *
 * Owns: the table's location and size (set once at boot by
 * frame_table_init) and the page-list primitives.  Lists link frames by
 * 32-bit index rather than by pointer to keep struct page_info small: with
 * a page_info per 4 KiB frame, every byte costs 256 KiB per GiB of RAM.
 *
 * Locks: none here; see frame_table.h for who protects which field.
 */
#include "mm/frame_table.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/printk.h"

BUILD_BUG_ON(sizeof(struct page_info) > 32);

static struct page_info *frame_table;
static uint64_t frame_table_frames;

int frame_table_init(struct page_info *storage, uint64_t nr_frames)
{
	if (!storage || !nr_frames || nr_frames > FRAME_TABLE_MAX_FRAMES)
		return -EINVAL;
	for (uint64_t i = 0; i < nr_frames; i++)
		storage[i] = (struct page_info){
		    .next = PAGE_LIST_NONE,
		    .prev = PAGE_LIST_NONE,
		    .owner = DOMID_INVALID,
		    .state = FRAME_UNMANAGED,
		};
	frame_table = storage;
	frame_table_frames = nr_frames;
	return 0;
}

uint64_t frame_table_nr_frames(void)
{
	return frame_table_frames;
}

bool mfn_in_table(mfn_t mfn)
{
	return mfn_x(mfn) < frame_table_frames;
}

struct page_info *mfn_to_page(mfn_t mfn)
{
	BUG_ON(!mfn_in_table(mfn));
	return &frame_table[mfn_x(mfn)];
}

mfn_t page_to_mfn(const struct page_info *pg)
{
	BUG_ON(pg < frame_table || pg >= frame_table + frame_table_frames);
	return _mfn((uint64_t)(pg - frame_table));
}

static uint32_t page_index(const struct page_info *pg)
{
	return (uint32_t)mfn_x(page_to_mfn(pg));
}

static struct page_info *index_to_page(uint32_t idx)
{
	return idx == PAGE_LIST_NONE ? NULL : mfn_to_page(_mfn(idx));
}

void page_list_init(struct page_list *l)
{
	l->head = PAGE_LIST_NONE;
	l->tail = PAGE_LIST_NONE;
}

bool page_list_empty(const struct page_list *l)
{
	return l->head == PAGE_LIST_NONE;
}

void page_list_add(struct page_list *l, struct page_info *pg)
{
	uint32_t idx = page_index(pg);

	pg->prev = PAGE_LIST_NONE;
	pg->next = l->head;
	if (l->head == PAGE_LIST_NONE)
		l->tail = idx;
	else
		index_to_page(l->head)->prev = idx;
	l->head = idx;
}

void page_list_add_tail(struct page_list *l, struct page_info *pg)
{
	uint32_t idx = page_index(pg);

	pg->next = PAGE_LIST_NONE;
	pg->prev = l->tail;
	if (l->tail == PAGE_LIST_NONE)
		l->head = idx;
	else
		index_to_page(l->tail)->next = idx;
	l->tail = idx;
}

void page_list_del(struct page_list *l, struct page_info *pg)
{
	uint32_t idx = page_index(pg);

	/* Cheap evidence that pg really is on l. */
	BUG_ON(pg->prev == PAGE_LIST_NONE && l->head != idx);
	BUG_ON(pg->next == PAGE_LIST_NONE && l->tail != idx);
	if (pg->prev == PAGE_LIST_NONE)
		l->head = pg->next;
	else
		index_to_page(pg->prev)->next = pg->next;
	if (pg->next == PAGE_LIST_NONE)
		l->tail = pg->prev;
	else
		index_to_page(pg->next)->prev = pg->prev;
	pg->next = PAGE_LIST_NONE;
	pg->prev = PAGE_LIST_NONE;
}

struct page_info *page_list_first(const struct page_list *l)
{
	return index_to_page(l->head);
}

struct page_info *page_list_next(const struct page_info *pg)
{
	return index_to_page(pg->next);
}
