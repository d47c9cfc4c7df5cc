/*
 * lib/domain_layout.h - where the start-of-day elements of a 64-bit PV
 * domain go (xen.h's "start of day memory layout").
 *
 * Owns: nothing but the caller's structs; pure arithmetic, no memory is
 * touched.
 *
 * The bootstrap region starts at the kernel's VIRT_BASE and is a 1:1 map
 * of pseudo-physical frames: virtual address va is pfn
 * (va - virt_base) >> 12.  In order, each element page-aligned:
 *   kernel [virt_kstart, virt_kend), initrd, P2M list (nr_pages * 8 bytes;
 *   elsewhere, see below), start_info, xenstore page and console page
 *   (domU only), the bootstrap page tables (L4 first), one stack page;
 * then the region is padded to a 4 MiB boundary with at least 512 KiB
 * spare after the stack.  The page tables map the whole padded region.
 *
 * INIT_P2M: when the kernel names an address, the P2M list is mapped there
 * instead, outside the region, with 4 KiB pages, from the pfns that follow
 * the padded region; the page tables that map it are counted with the
 * bootstrap tables (and so lie inside the region, as the note allows).
 *
 * Invariants after domain_layout_compute() succeeds:
 *   - every address below is page-aligned, and the elements are in the
 *     order above without overlap; region_end - virt_base is a multiple of
 *     4 MiB and region_end - stack_end >= 512 KiB;
 *   - nr_pt_frames is exactly the number of L4 + L3 + L2 + L1 tables
 *     needed to map the region (and the P2M range when relocated);
 *   - the region (and the relocated P2M) are canonical, outside Keel's
 *     hole [XEN_KERNEL_HV_START, XEN_KERNEL_HV_END), and fit in nr_pages.
 */
#ifndef LIB_DOMAIN_LAYOUT_H
#define LIB_DOMAIN_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/elf64.h"
#include "lib/xen_elfnote.h"

#define DOMAIN_LAYOUT_ALIGN (4ULL << 20)   /* the region ends on a 4 MiB boundary */
#define DOMAIN_LAYOUT_SPARE (512ULL << 10) /* at least this much after the stack */

/* Largest domain the builder lays out: 2^40 pages (4 PiB) keeps sums in range. */
#define DOMAIN_LAYOUT_MAX_PAGES (1ULL << 40)

struct domain_layout_params {
	uint64_t nr_pages;   /* pages the domain owns: pfns 0..nr_pages-1 */
	uint64_t initrd_len; /* bytes; 0 for none */
	bool is_dom0;	     /* dom0 has no xenstore and console pages */
};

/* Virtual addresses; an element's end is the next element's start. */
struct domain_layout {
	uint64_t nr_pages;
	uint64_t virt_base;    /* pfn 0 */
	uint64_t kernel_start; /* virt_kstart rounded down to a page */
	uint64_t kernel_end;   /* virt_kend rounded up to a page */
	uint64_t initrd_start; /* == kernel_end */
	uint64_t initrd_len;   /* bytes; 0 for none */
	uint64_t p2m_start;    /* mfn_list; INIT_P2M when relocated */
	uint64_t p2m_pages;    /* pages holding nr_pages 8-byte entries */
	bool p2m_relocated;    /* at INIT_P2M, outside the region */
	uint64_t p2m_pfn;      /* first pfn of the P2M list */
	uint64_t start_info;
	uint64_t xenstore, console; /* 0 for dom0 */
	uint64_t pt_start;	    /* pt_base: the L4, then L3s, L2s, L1s */
	uint64_t nr_pt_frames;
	uint64_t stack;	       /* the stack page; rsp starts at stack_end */
	uint64_t stack_end;    /* last used byte + 1 */
	uint64_t region_end;   /* end of the mapped region, 4 MiB-aligned */
	uint64_t region_pages; /* (region_end - virt_base) >> 12 */
};

/*
 * Lays out a domain of p->nr_pages pages for the kernel k (parsed by
 * xen_kernel_parse() and accepted by xen_kernel_check()).  Returns 0 with
 * *l filled, or a negative errno with err->msg saying why:
 *   -EINVAL  nr_pages 0 or above DOMAIN_LAYOUT_MAX_PAGES, the kernel
 *            below VIRT_BASE;
 *   -ERANGE  an address would pass 2^64, leave the canonical range or
 *            touch Keel's hole, or the relocated P2M overlaps the region;
 *   -ENOMEM  the region (plus a relocated P2M) needs more than nr_pages.
 */
int domain_layout_compute(const struct xen_kernel_info *k, const struct domain_layout_params *p,
			  struct domain_layout *l, struct elf64_err *err);

/* The pfn behind bootstrap-region address va (virt_base <= va < region_end). */
static inline uint64_t domain_layout_pfn(const struct domain_layout *l, uint64_t va)
{
	return (va - l->virt_base) >> 12;
}

#endif /* LIB_DOMAIN_LAYOUT_H */
