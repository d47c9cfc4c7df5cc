/*
 * mm/page_type.c - the page-type state machine (rules in page_type.h).
 *
 * Owns: type_info of every frame and the validation configuration.
 * Invariants kept here:
 *   - type count 0 and PGT_PINNED never go together (a pin holds a ref);
 *   - a page-table frame with type count 0 is never PGT_VALIDATED and holds
 *     no references through its entries (devalidation is eager);
 *   - a frame's type changes only while its type count is 0.
 * Locks: none; the caller serialises (page_type.h).
 */
#include "mm/page_type.h"

#include "lib/errno.h"
#include "lib/printk.h"
#include "mm/page_ref.h"
#include "mm/pv_pte.h"

static struct page_type_config config = {
    .maxphysaddr = 52,
    .nx = false,
};

int page_type_init(const struct page_type_config *cfg)
{
	if (cfg->maxphysaddr < 32 || cfg->maxphysaddr > 52)
		return -EINVAL;
	config = *cfg;
	return 0;
}

const struct page_type_config *page_type_get_config(void)
{
	return &config;
}

static uint32_t type_bits(enum page_type type)
{
	return (uint32_t)type << PGT_TYPE_SHIFT;
}

/* Gives pg, whose type count is 0, the new type with count 1. */
static int retype(struct page_info *pg, enum page_type type, domid_t domid)
{
	uint32_t old = pg->type_info;
	unsigned int level = page_type_level(type);
	int rc = 0;

	if (page_get_type(pg) == PGT_WRITABLE && type != PGT_WRITABLE &&
	    config.hooks.writable_retyped)
		config.hooks.writable_retyped(pg);
	/* Typed but not validated while the contents are checked: an entry
	 * pointing back at pg sees what pg is becoming. */
	pg->type_info = type_bits(type) | 1;
	if (level)
		rc = pv_table_validate(pg, level, domid);
	else if (type == PGT_SEGDESC)
		rc = config.hooks.segdesc_check ? config.hooks.segdesc_check(pg, domid)
						: -EOPNOTSUPP;
	if (rc) {
		pg->type_info = old;
		return rc;
	}
	pg->type_info |= PGT_VALIDATED;
	return 0;
}

int get_page_type(struct page_info *pg, enum page_type type, domid_t domid)
{
	uint32_t count = page_type_count(pg);

	BUG_ON(type == PGT_NONE || type > PGT_SHARED);
	if (count == 0)
		return retype(pg, type, domid);
	if (page_get_type(pg) != type || !page_type_validated(pg))
		return -EINVAL;
	if (count == PGT_COUNT_MASK)
		return -EOVERFLOW;
	pg->type_info++;
	return 0;
}

void put_page_type(struct page_info *pg)
{
	uint32_t count = page_type_count(pg);
	enum page_type type = page_get_type(pg);
	bool validated = page_type_validated(pg);

	BUG_ON(count == 0);
	if (count > 1) {
		pg->type_info--;
		return;
	}
	BUG_ON(page_type_pinned(pg));
	pg->type_info = type_bits(type);
	if (page_type_level(type) && validated)
		pv_table_devalidate(pg, page_type_level(type));
}

int get_page_and_type(struct page_info *pg, enum page_type type, domid_t domid)
{
	int rc = get_page(pg, domid);

	if (rc)
		return rc;
	rc = get_page_type(pg, type, domid);
	if (rc)
		put_page(pg);
	return rc;
}

void put_page_and_type(struct page_info *pg)
{
	put_page_type(pg);
	put_page(pg);
}

int page_type_pin(struct page_info *pg, enum page_type type, domid_t domid)
{
	int rc;

	if (!page_type_level(type))
		return -EINVAL;
	rc = page_ref_check_owner(pg, domid);
	if (rc)
		return rc;
	if (page_type_pinned(pg))
		return -EINVAL;
	rc = get_page_and_type(pg, type, domid);
	if (rc)
		return rc;
	pg->type_info |= PGT_PINNED;
	return 0;
}

int page_type_unpin(struct page_info *pg, domid_t domid)
{
	int rc = page_ref_check_owner(pg, domid);

	if (rc)
		return rc;
	if (!page_type_pinned(pg))
		return -EINVAL;
	pg->type_info &= ~PGT_PINNED;
	put_page_and_type(pg);
	return 0;
}
