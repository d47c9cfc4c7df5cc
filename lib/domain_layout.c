/*
 * lib/domain_layout.c - the start-of-day layout of a 64-bit PV domain.
 *
 * Owns: no state.  See domain_layout.h for the layout and its invariants.
 *
 * The page-table count depends on the region's end, and the region's end
 * on the page-table count, so domain_layout_compute() iterates: start from
 * no tables, place everything, count the tables that mapping needs, and
 * repeat until the count stops growing.  More tables only push the end
 * further, so the count never shrinks and settles within a few rounds.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/compiler.h"
#include "lib/domain_layout.h"
#include "lib/errno.h"

#define PG		  4096ULL
#define CANONICAL_LOW_END 0x0000800000000000ULL
#define MAX_ROUNDS	  16

/* [start, end): page-aligned, end > start. */
struct va_range {
	uint64_t start, end;
};

/* True when [start, end) is canonical and clear of Keel's hole. */
static bool range_allowed(uint64_t start, uint64_t end)
{
	return end > start && (end <= CANONICAL_LOW_END || start >= XEN_KERNEL_HV_END);
}

/* Tables whose span is 2^shift bytes needed to map r[0..nr) (nr <= 2, disjoint). */
static uint64_t tables_at(const struct va_range *r, unsigned int nr, unsigned int shift)
{
	uint64_t n = 0, lo, hi;

	for (unsigned int i = 0; i < nr; i++)
		n += ((r[i].end - 1) >> shift) - (r[i].start >> shift) + 1;
	if (nr == 2) {
		/* Disjoint ranges share at most a run of tables at their boundary. */
		lo = MAX(r[0].start >> shift, r[1].start >> shift);
		hi = MIN((r[0].end - 1) >> shift, (r[1].end - 1) >> shift);
		if (lo <= hi)
			n -= hi - lo + 1;
	}
	return n;
}

/* One L4, plus the L3, L2 and L1 tables that map every page of r[0..nr). */
static uint64_t count_tables(const struct va_range *r, unsigned int nr)
{
	return 1 + tables_at(r, nr, 39) + tables_at(r, nr, 30) + tables_at(r, nr, 21);
}

/* dst = a + b, failing on overflow. */
static bool add_ok(uint64_t *dst, uint64_t a, uint64_t b)
{
	return !__builtin_add_overflow(a, b, dst);
}

/*
 * Places kernel, initrd, P2M (when in the region), start_info and the
 * xenstore/console pages; the page tables start at l->pt_start.
 */
static int place_fixed(const struct xen_kernel_info *k, const struct domain_layout_params *p,
		       struct domain_layout *l, struct elf64_err *err)
{
	uint64_t va, n;

	l->kernel_start = ALIGN_DOWN(k->virt_kstart, PG);
	if (!add_ok(&va, k->virt_kend, PG - 1))
		return elf64_fail(err, -ERANGE, "kernel end %#llx wraps",
				  (unsigned long long)k->virt_kend);
	l->kernel_end = ALIGN_DOWN(va, PG);
	l->initrd_start = l->kernel_end;
	l->initrd_len = p->initrd_len;
	if (!add_ok(&n, p->initrd_len, PG - 1) || !add_ok(&va, l->initrd_start, ALIGN_DOWN(n, PG)))
		return elf64_fail(err, -ERANGE, "initrd of %#llx bytes passes 2^64",
				  (unsigned long long)p->initrd_len);
	l->p2m_pages = (p->nr_pages * 8 + PG - 1) / PG;
	l->p2m_relocated = xen_kernel_has(k, XEN_ELFNOTE_INIT_P2M);
	if (l->p2m_relocated) {
		l->p2m_start = k->init_p2m;
	} else {
		l->p2m_start = va;
		if (!add_ok(&va, va, l->p2m_pages * PG))
			return elf64_fail(err, -ERANGE, "P2M list passes 2^64");
	}
	l->start_info = va;
	l->xenstore = p->is_dom0 ? 0 : va + PG;
	l->console = p->is_dom0 ? 0 : va + 2 * PG;
	if (!add_ok(&l->pt_start, va, (p->is_dom0 ? 1 : 3) * PG))
		return elf64_fail(err, -ERANGE, "start_info page passes 2^64");
	return 0;
}

/* Places the page tables, the stack and the padded end for nr_pt tables. */
static int place_tail(struct domain_layout *l, uint64_t nr_pt, struct elf64_err *err)
{
	uint64_t end;

	l->nr_pt_frames = nr_pt;
	if (!add_ok(&l->stack, l->pt_start, nr_pt * PG) || !add_ok(&l->stack_end, l->stack, PG) ||
	    !add_ok(&end, l->stack_end - l->virt_base,
		    DOMAIN_LAYOUT_SPARE + DOMAIN_LAYOUT_ALIGN - 1) ||
	    !add_ok(&l->region_end, l->virt_base, ALIGN_DOWN(end, DOMAIN_LAYOUT_ALIGN)))
		return elf64_fail(err, -ERANGE, "bootstrap region from %#llx passes 2^64",
				  (unsigned long long)l->virt_base);
	if (!range_allowed(l->virt_base, l->region_end))
		return elf64_fail(
		    err, -ERANGE,
		    "bootstrap region [%#llx, %#llx) is not canonical or enters Keel's range",
		    (unsigned long long)l->virt_base, (unsigned long long)l->region_end);
	l->region_pages = (l->region_end - l->virt_base) / PG;
	return 0;
}

/* Checks the relocated P2M range: canonical, outside Keel and the region. */
static int check_p2m(const struct domain_layout *l, struct elf64_err *err)
{
	uint64_t end;

	if (!l->p2m_relocated)
		return 0;
	if (!add_ok(&end, l->p2m_start, l->p2m_pages * PG) || !range_allowed(l->p2m_start, end))
		return elf64_fail(
		    err, -ERANGE, "INIT_P2M %#llx: %#llx pages not canonical or enter Keel's range",
		    (unsigned long long)l->p2m_start, (unsigned long long)l->p2m_pages);
	if (l->p2m_start < l->region_end && end > l->virt_base)
		return elf64_fail(err, -ERANGE,
				  "INIT_P2M [%#llx, %#llx) overlaps the bootstrap region",
				  (unsigned long long)l->p2m_start, (unsigned long long)end);
	return 0;
}

/* Iterates the page-table count to its fixed point. */
static int settle_tables(struct domain_layout *l, struct elf64_err *err)
{
	struct va_range r[2];
	uint64_t nr_pt = 0, need;
	int rc;

	for (unsigned int round = 0; round < MAX_ROUNDS; round++) {
		rc = place_tail(l, nr_pt, err);
		if (rc)
			return rc;
		rc = check_p2m(l, err);
		if (rc)
			return rc;
		r[0] = (struct va_range){l->virt_base, l->region_end};
		r[1] = (struct va_range){l->p2m_start, l->p2m_start + l->p2m_pages * PG};
		need = count_tables(r, l->p2m_relocated ? 2 : 1);
		if (need <= nr_pt)
			return 0;
		nr_pt = need;
	}
	return elf64_fail(err, -ERANGE, "page-table count does not settle");
}

int domain_layout_compute(const struct xen_kernel_info *k, const struct domain_layout_params *p,
			  struct domain_layout *l, struct elf64_err *err)
{
	uint64_t need;
	int rc;

	*l = (struct domain_layout){.nr_pages = p->nr_pages, .virt_base = k->virt_base};
	if (p->nr_pages == 0 || p->nr_pages > DOMAIN_LAYOUT_MAX_PAGES)
		return elf64_fail(err, -EINVAL, "nr_pages %#llx out of range (1..%#llx)",
				  (unsigned long long)p->nr_pages,
				  (unsigned long long)DOMAIN_LAYOUT_MAX_PAGES);
	if (k->virt_kstart < k->virt_base || k->virt_kend < k->virt_kstart)
		return elf64_fail(
		    err, -EINVAL, "kernel [%#llx, %#llx) starts below VIRT_BASE %#llx",
		    (unsigned long long)k->virt_kstart, (unsigned long long)k->virt_kend,
		    (unsigned long long)k->virt_base);
	if (!IS_ALIGNED(k->virt_base, PG))
		return elf64_fail(err, -EINVAL, "VIRT_BASE %#llx not page-aligned",
				  (unsigned long long)k->virt_base);
	rc = place_fixed(k, p, l, err);
	if (!rc)
		rc = settle_tables(l, err);
	if (rc)
		return rc;
	l->p2m_pfn = l->p2m_relocated ? l->region_pages : domain_layout_pfn(l, l->p2m_start);
	need = l->region_pages + (l->p2m_relocated ? l->p2m_pages : 0);
	if (need > p->nr_pages)
		return elf64_fail(err, -ENOMEM, "start of day needs %#llx pages, domain has %#llx",
				  (unsigned long long)need, (unsigned long long)p->nr_pages);
	return 0;
}
