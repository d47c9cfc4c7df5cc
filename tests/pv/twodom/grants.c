/*
 * tests/pv/twodom/grants.c - a PV kernel's own grant table (grants.h).
 */
#include "tests/pv/twodom/grants.h"

#include <stddef.h>

#include "tests/pv/mm.h"
#include "tests/pv/twodom/ctl.h"

grant_entry_v1_t *grant_table_map(long *rc)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	xen_pfn_t frame = 0;
	void *va;

	set_xen_guest_handle(st.frame_list, &frame);
	*rc = hyp_grant_table_op(GNTTABOP_setup_table, &st, 1);
	if (!*rc && st.status != GNTST_okay)
		*rc = st.status;
	if (*rc)
		return NULL;
	va = mm_alloc_page();
	*rc = mm_set_pte(va, frame << 12 | PTE_P | PTE_RW | PTE_A | PTE_D);
	return *rc ? NULL : va;
}

void grant_offer(grant_entry_v1_t *gt, grant_ref_t ref, domid_t domid, const void *va, bool ro)
{
	gt[ref].domid = domid;
	gt[ref].frame = (uint32_t)virt_to_mfn(va);
	/* The hypervisor may look as soon as the flags say so: everything else first. */
	__atomic_store_n(&gt[ref].flags, GTF_permit_access | (ro ? GTF_readonly : 0),
			 __ATOMIC_RELEASE);
}

bool grant_end(grant_entry_v1_t *gt, grant_ref_t ref)
{
	uint16_t flags = __atomic_load_n(&gt[ref].flags, __ATOMIC_ACQUIRE);

	/* The protocol's compare-exchange: fails if the hypervisor set reading/writing meanwhile. */
	while (!(flags & (GTF_reading | GTF_writing)))
		if (__atomic_compare_exchange_n(&gt[ref].flags, &flags, 0, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	return false;
}
