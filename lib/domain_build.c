/*
 * lib/domain_build.c - writes a 64-bit PV domain's start-of-day image.
 *
 * Owns: no state beyond one call.  Guest memory is addressed by
 * pseudo-physical byte offset ("paddr" here: pfn << 12 | offset) and
 * reached one page at a time through struct dom_builder_mem, holding at
 * most one mapping at once.
 *
 * Page tables: the mapped ranges are walked in ascending virtual order,
 * so a table, once left, is never needed again; a cursor per level holds
 * the table currently being filled, and a new one is taken from the
 * page-table area (L4 first, then in order of first use) whenever an
 * address leaves the cursor's span.  Because every region page is zeroed
 * first, a fresh table needs no clearing.  The number taken must equal
 * the layout's nr_pt_frames, which counts the same distinct spans.
 */
#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

#include "lib/compiler.h"
#include "lib/domain_build.h"
#include "lib/errno.h"
#include "lib/hv_range.h"
#include "lib/hypercall_page.h"
#include "lib/string.h"

#define PG	      4096ULL
#define KEEL_L4_FIRST HV_RANGE_FIRST_L4_SLOT
#define KEEL_L4_LAST  HV_RANGE_LAST_L4_SLOT

BUILD_BUG_ON(sizeof(struct start_info) > PG);

struct build {
	const struct dom_builder_mem *mem;
	const struct domain_build_params *p;
	const struct domain_layout *l;
	struct elf64_err *err;
	uint64_t pt_pfn, pt_next; /* page-table area, next free frame */
	uint64_t cur_key[4];	  /* per level 1..3: va >> shift of the table */
	uint64_t cur_pfn[5];	  /* per level 1..4: the table's pfn */
};

static void *map(struct build *b, uint64_t pfn)
{
	void *v = b->mem->map_pfn(b->mem->ctx, pfn);

	if (!v)
		elf64_fail(b->err, -EFAULT, "guest frame %#llx unreachable",
			   (unsigned long long)pfn);
	return v;
}

static uint64_t mfn_of(struct build *b, uint64_t pfn)
{
	return b->mem->pfn_to_mfn(b->mem->ctx, pfn);
}

/* Copies len bytes of src (zeroes when src is NULL) to pseudo-physical paddr. */
static int write_guest(struct build *b, uint64_t paddr, const uint8_t *src, uint64_t len)
{
	while (len) {
		uint64_t off = paddr & (PG - 1), n = MIN(len, PG - off);
		uint8_t *page = map(b, paddr / PG);

		if (!page)
			return -EFAULT;
		if (src) {
			memcpy(page + off, src, n);
			src += n;
		} else {
			memset(page + off, 0, n);
		}
		paddr += n;
		len -= n;
	}
	return 0;
}

/* Copies each PT_LOAD segment to its place and zeroes its bss. */
static int load_segments(struct build *b)
{
	const struct elf64_image *img = b->p->img;
	const struct xen_kernel_info *k = b->p->kernel;
	struct elf64_phdr ph;
	uint64_t va;
	int rc;

	for (unsigned int i = 0; i < img->ehdr.phnum; i++) {
		elf64_phdr_get(img, i, &ph);
		if (ph.type != ELF64_PT_LOAD || ph.memsz == 0)
			continue;
		va = ph.paddr - k->paddr_offset + k->virt_base;
		if (va < b->l->kernel_start || va > b->l->kernel_end ||
		    ph.memsz > b->l->kernel_end - va)
			return elf64_fail(b->err, -ERANGE, "segment %u at %#llx outside the kernel",
					  i, (unsigned long long)va);
		rc = write_guest(b, va - b->l->virt_base, img->data + ph.offset, ph.filesz);
		if (!rc)
			rc = write_guest(b, va - b->l->virt_base + ph.filesz, NULL,
					 ph.memsz - ph.filesz);
		if (rc)
			return rc;
	}
	return 0;
}

/* Zeroes the bootstrap region and a relocated P2M. */
static int zero_all(struct build *b)
{
	int rc = write_guest(b, 0, NULL, b->l->region_pages * PG);

	if (!rc && b->l->p2m_relocated)
		rc = write_guest(b, b->l->p2m_pfn * PG, NULL, b->l->p2m_pages * PG);
	return rc;
}

/* P2M[pfn] = mfn for every pfn of the domain. */
static int fill_p2m(struct build *b)
{
	uint64_t *page = NULL;

	for (uint64_t pfn = 0; pfn < b->l->nr_pages; pfn++) {
		if (pfn % (PG / 8) == 0) {
			page = map(b, b->l->p2m_pfn + pfn / (PG / 8));
			if (!page)
				return -EFAULT;
		}
		page[pfn % (PG / 8)] = mfn_of(b, pfn);
	}
	return 0;
}

static int fill_start_info(struct build *b)
{
	const struct domain_layout *l = b->l;
	const struct domain_build_params *p = b->p;
	struct start_info *si = map(b, domain_layout_pfn(l, l->start_info));
	size_t n;

	if (!si)
		return -EFAULT;
	memset(si, 0, sizeof(*si));
	strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
	si->nr_pages = l->nr_pages;
	si->shared_info = p->shared_info_maddr;
	if (p->is_dom0) {
		si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
	} else {
		si->store_mfn = mfn_of(b, domain_layout_pfn(l, l->xenstore));
		si->store_evtchn = p->store_evtchn;
		si->console.domU.mfn = mfn_of(b, domain_layout_pfn(l, l->console));
		si->console.domU.evtchn = p->console_evtchn;
	}
	si->pt_base = l->pt_start;
	si->nr_pt_frames = l->nr_pt_frames;
	si->mfn_list = l->p2m_start;
	/*
	 * A P2M at INIT_P2M lives in pfns of its own, after the region: Linux
	 * takes the first of them as the end of what the region maps
	 * (max_pfn_mapped), and fixes up its direct map only below it.
	 */
	if (l->p2m_relocated) {
		si->first_p2m_pfn = l->p2m_pfn;
		si->nr_p2m_frames = l->p2m_pages;
	}
	si->mod_start = l->initrd_len ? l->initrd_start : 0;
	si->mod_len = l->initrd_len;
	n = p->cmdline ? strnlen(p->cmdline, MAX_GUEST_CMDLINE - 1) : 0;
	memcpy(si->cmd_line, p->cmdline ? p->cmdline : "", n);
	si->cmd_line[n] = 0;
	return 0;
}

/* Writes entry index of table pfn. */
static int set_entry(struct build *b, uint64_t table_pfn, unsigned int index, uint64_t pte)
{
	uint64_t *t = map(b, table_pfn);

	if (!t)
		return -EFAULT;
	t[index] = pte;
	return 0;
}

/* Ensures the level-lvl table (1..3) covering va is the cursor's. */
static int table_for(struct build *b, unsigned int lvl, uint64_t va)
{
	unsigned int shift = 12 + 9 * lvl;
	uint64_t key = va >> shift, pfn;

	if (b->cur_key[lvl] == key)
		return 0;
	if (b->pt_next >= b->pt_pfn + b->l->nr_pt_frames)
		return elf64_fail(b->err, -ERANGE, "layout has %llu page-table frames, too few",
				  (unsigned long long)b->l->nr_pt_frames);
	pfn = b->pt_next++;
	b->cur_key[lvl] = key;
	b->cur_pfn[lvl] = pfn;
	return set_entry(b, b->cur_pfn[lvl + 1], (unsigned int)(key & 511),
			 (mfn_of(b, pfn) << 12) | DOMAIN_PTE_PRESENT | DOMAIN_PTE_RW |
			     DOMAIN_PTE_USER);
}

/* Maps npages pages from va onwards to the pfns from pfn onwards. */
static int map_range(struct build *b, uint64_t va, uint64_t pfn, uint64_t npages)
{
	uint64_t pte;
	int rc;

	for (uint64_t i = 0; i < npages; i++, va += PG, pfn++) {
		for (unsigned int lvl = 3; lvl >= 1; lvl--) {
			rc = table_for(b, lvl, va);
			if (rc)
				return rc;
		}
		pte = (mfn_of(b, pfn) << 12) | DOMAIN_PTE_PRESENT | DOMAIN_PTE_USER;
		if (pfn < b->pt_pfn || pfn >= b->pt_pfn + b->l->nr_pt_frames)
			pte |= DOMAIN_PTE_RW;
		rc = set_entry(b, b->cur_pfn[1], (unsigned int)((va >> 12) & 511), pte);
		if (rc)
			return rc;
	}
	return 0;
}

/* Builds the L4..L1 tables for the region and a relocated P2M. */
static int build_page_tables(struct build *b)
{
	const struct domain_layout *l = b->l;
	bool p2m_first = l->p2m_relocated && l->p2m_start < l->virt_base;
	int rc = 0;

	b->pt_pfn = domain_layout_pfn(l, l->pt_start);
	b->pt_next = b->pt_pfn + 1;
	b->cur_pfn[4] = b->pt_pfn;
	for (unsigned int i = 1; i <= 3; i++)
		b->cur_key[i] = ~0ULL;
	/* Ascending virtual order: see the top of the file. */
	if (p2m_first)
		rc = map_range(b, l->p2m_start, l->p2m_pfn, l->p2m_pages);
	if (!rc)
		rc = map_range(b, l->virt_base, 0, l->region_pages);
	if (!rc && l->p2m_relocated && !p2m_first)
		rc = map_range(b, l->p2m_start, l->p2m_pfn, l->p2m_pages);
	if (rc)
		return rc;
	if (b->pt_next != b->pt_pfn + l->nr_pt_frames)
		return elf64_fail(b->err, -ERANGE, "layout has %llu page-table frames, used %llu",
				  (unsigned long long)l->nr_pt_frames,
				  (unsigned long long)(b->pt_next - b->pt_pfn));
	return 0;
}

int domain_build(const struct dom_builder_mem *mem, const struct domain_build_params *p,
		 struct domain_build_entry *entry, struct elf64_err *err)
{
	const struct domain_layout *l = p->layout;
	const struct xen_kernel_info *k = p->kernel;
	struct build b = {.mem = mem, .p = p, .l = l, .err = err};
	uint8_t *hpage;
	int rc;

	rc = zero_all(&b);
	if (!rc)
		rc = load_segments(&b);
	if (!rc && xen_kernel_has(k, XEN_ELFNOTE_HYPERCALL_PAGE)) {
		hpage = map(&b, domain_layout_pfn(l, k->hypercall_page));
		if (!hpage)
			return -EFAULT;
		hypercall_page_fill(hpage);
	}
	if (!rc)
		rc = write_guest(&b, l->initrd_start - l->virt_base, p->initrd, l->initrd_len);
	if (!rc)
		rc = fill_p2m(&b);
	if (!rc)
		rc = fill_start_info(&b);
	if (!rc)
		rc = build_page_tables(&b);
	if (rc)
		return rc;
	*entry = (struct domain_build_entry){
	    .rip = k->entry,
	    .rsp = l->stack_end,
	    .rsi = l->start_info,
	    .cr3_mfn = mfn_of(&b, b.pt_pfn),
	};
	return 0;
}
