/*
 * mm/segdesc.c - checking a PV guest's segment descriptors (see segdesc.h).
 */
#include "mm/segdesc.h"

#include <stdbool.h>

#include "lib/errno.h"

#define DESC_TYPE(d)  (((d) >> 40) & 0xf)
#define DESC_S	      (1ULL << 44) /* code or data (not a system descriptor) */
#define DESC_DPL_MASK (3ULL << 45)
#define DESC_P	      (1ULL << 47)

#define TYPE_CALL_GATE64 0xc

/* Xen's flat guest code selectors and the guest's own GDT/LDT are fine targets. */
static bool gate_target_ok(uint16_t sel)
{
	uint16_t index = sel & ~7u;

	if ((sel & ~3u) == 0)
		return false; /* null */
	if (sel & 4)
		return true; /* the guest's LDT */
	if (index < 0xe000)
		return true; /* the guest's own GDT entries */
	return index == 0xe020 || index == 0xe030; /* FLAT_RING3_CS32 / CS64 */
}

int segdesc_fixup(uint64_t *d)
{
	uint64_t x = *d;

	if (!(x & DESC_P))
		return 0;
	if (x & DESC_S) {
		*d = x | DESC_DPL_MASK;
		return 0;
	}
	if (DESC_TYPE(x) == 0)
		return 0;
	if (DESC_TYPE(x) != TYPE_CALL_GATE64 || !gate_target_ok((uint16_t)(x >> 16)))
		return -EINVAL;
	*d = x & ~DESC_DPL_MASK;
	return 0;
}

int segdesc_fixup_page(uint64_t *page)
{
	for (unsigned int i = 0; i < SEGDESC_PER_PAGE; i++)
		if (segdesc_fixup(&page[i]))
			return -EINVAL;
	return 0;
}
