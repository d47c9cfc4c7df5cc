/*
 * hypervisor/dom0_build.c - builds and starts the initial domain (dom0)
 * from boot module 1 (its kernel) and module 2 (its initrd).
 *
 * The layout and the contents of guest memory come from lib/ (the same
 * builder dom0's toolstack uses for domUs); this file supplies what only
 * the machine has: frames for the domain, their direct-map views, the
 * M2P entries, the page-type references of the bootstrap page tables
 * (pinning the L4 validates the whole tree, exactly as a guest's own
 * MMUEXT_PIN_L4_TABLE would), and vCPU 0's first context (loaded through
 * the same arch_vcpu_set_context() as a guest's VCPUOP_initialise).
 * dom0_max_vcpus= says how many vCPUs it gets; all but vCPU 0 start down.
 *
 * Memory: dom0_mem= (Xen's syntax) or, by default, everything free but
 * an eighth (at least 16 MiB) kept for Keel.  Frames come in the largest
 * blocks the allocator has, so the guest's pseudo-physical memory maps to
 * a few machine extents; pfn -> mfn goes through that short list.
 */
#include "hypervisor/dom0_build.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/features.h>

#include "arch/mm.h"
#include "arch/segment.h"
#include "hypercalls/hypercalls.h"
#include "hypercalls/vcpu_context.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "arch/percpu.h"
#include "hypervisor/common/domain.h"
#include "hypervisor/options.h"
#include "lib/domain_build.h"
#include "lib/domain_layout.h"
#include "lib/elf64.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "lib/xen_elfnote.h"
#include "mm/buddy.h"
#include "mm/heap.h"
#include "mm/m2p.h"
#include "mm/mmu_lock.h"
#include "mm/page_type.h"

#define MAX_EXTENTS 256

struct extent {
	uint64_t pfn, mfn, count;
};

struct dom0_mem {
	struct extent *ext;
	unsigned int nr;
};

static uint64_t pfn_to_mfn(void *ctx, uint64_t pfn)
{
	const struct dom0_mem *m = ctx;
	unsigned int lo = 0, hi = m->nr;

	while (lo + 1 < hi) { /* last extent starting at or before pfn */
		unsigned int mid = (lo + hi) / 2;

		if (m->ext[mid].pfn <= pfn)
			lo = mid;
		else
			hi = mid;
	}
	return m->ext[lo].mfn + (pfn - m->ext[lo].pfn);
}

static void *map_pfn(void *ctx, uint64_t pfn)
{
	return arch_mfn_to_virt(_mfn(pfn_to_mfn(ctx, pfn)));
}

static uint64_t default_dom0_pages(void)
{
	struct buddy_stats st;
	uint64_t keep;

	buddy_get_stats(&st);
	keep = st.free_frames / 8;
	if (keep < (16ULL << 20) >> PAGE_SHIFT)
		keep = (16ULL << 20) >> PAGE_SHIFT;
	return st.free_frames > keep ? st.free_frames - keep : 0;
}

/* Gives d nr_pages frames in as few extents as the allocator allows. */
static int allocate_memory(struct domain *d, uint64_t nr_pages, struct dom0_mem *m)
{
	unsigned int order = BUDDY_MAX_ORDER;
	uint64_t pfn = 0;

	while (pfn < nr_pages) {
		uint64_t left = nr_pages - pfn;
		mfn_t mfn;
		int err;

		while (order && (1ULL << order) > left)
			order--;
		mfn = domain_alloc_frames(d, order, &err);
		if (!mfn_valid_raw(mfn)) {
			if (err != -ENOMEM || order == 0)
				return err;
			order--;
			continue;
		}
		/* Single frames, so the guest can give any one back (decrease_reservation). */
		err = domain_split_block(d, mfn);
		if (err)
			return err;
		if (m->nr && m->ext[m->nr - 1].mfn + m->ext[m->nr - 1].count == mfn_x(mfn)) {
			m->ext[m->nr - 1].count += 1ULL << order;
		} else {
			if (m->nr == MAX_EXTENTS)
				return -ENOMEM;
			m->ext[m->nr++] = (struct extent){ pfn, mfn_x(mfn), 1ULL << order };
		}
		pfn += 1ULL << order;
	}
	return 0;
}

static void record_m2p(const struct dom0_mem *m)
{
	for (unsigned int i = 0; i < m->nr; i++)
		for (uint64_t j = 0; j < m->ext[i].count; j++)
			m2p_set(_mfn(m->ext[i].mfn + j), m->ext[i].pfn + j);
}

/* Pins the bootstrap L4, validating every table (vCPU 0's context then takes it as CR3). */
static int pin_page_tables(struct domain *d, mfn_t l4)
{
	int rc;

	mmu_lock();
	rc = page_type_pin(mfn_to_page(l4), PGT_L4, d->domid);
	mmu_unlock();
	return rc;
}

/*
 * vCPU 0's first context, loaded as any VCPUOP_initialise would be: the
 * ELF entry in guest kernel mode on the builder's stack, rsi = start_info,
 * Xen's flat selectors, CR3 = the bootstrap L4.  Events stay masked (the
 * vcpu_info says so since domain_create).
 */
static int start_vcpu0(struct vcpu *v, const struct domain_build_entry *e)
{
	struct vcpu_guest_context *ctx = heap_zalloc(sizeof(*ctx));
	int rc;

	if (!ctx)
		return -ENOMEM;
	ctx->flags = VGCF_in_kernel | VGCF_online;
	ctx->user_regs.rip = e->rip;
	ctx->user_regs.rsp = e->rsp;
	ctx->user_regs.rsi = e->rsi;
	ctx->user_regs.cs = GUEST_CS64;
	ctx->user_regs.ss = GUEST_DS;
	ctx->user_regs.rflags = RFLAGS_IF;
	ctx->ctrlreg[3] = xen_pfn_to_cr3(e->cr3_mfn);
	rc = arch_vcpu_set_context(v, ctx);
	heap_free(ctx);
	return rc ? rc : vcpu_up(v);
}

/* dom0_max_vcpus=: as many vCPUs as CPUs, within the option's bounds and Keel's limit. */
static unsigned int dom0_vcpus(void)
{
	unsigned int n = nr_cpus_online;

	if (n < opt_dom0_vcpus_min)
		n = opt_dom0_vcpus_min;
	if (n > opt_dom0_vcpus_max)
		n = opt_dom0_vcpus_max;
	return n > DOMAIN_MAX_VCPUS ? DOMAIN_MAX_VCPUS : n;
}

static void report(const struct xen_kernel_info *k, const struct domain_layout *l,
		   const struct dom0_mem *m)
{
	printk(KLOG_INFO "d0: kernel %#lx-%#lx, entry %#lx, virt_base %#lx, %lu pages in %u extents\n",
	       k->virt_kstart, k->virt_kend, k->entry, l->virt_base, l->nr_pages, m->nr);
	printk(KLOG_INFO "d0: initrd %#lx+%#lx, P2M %#lx, start_info %#lx, page tables %#lx (%lu), "
	       "stack %#lx, mapped to %#lx\n",
	       l->initrd_start, l->initrd_len, l->p2m_start, l->start_info, l->pt_start,
	       l->nr_pt_frames, l->stack, l->region_end);
}

/* The features Keel gives a PV kernel (what XENVER_get_features reports for dom0). */
static uint32_t dom0_caps(const struct domain *d)
{
	return xen_version_features(d, 0) | (1u << XENFEAT_dom0);
}

static int build(struct domain *d, const struct boot_info *bi, struct dom0_mem *m)
{
	const struct boot_module *kmod = &bi->modules[0];
	const struct boot_module *rmod = bi->nr_modules > 1 ? &bi->modules[1] : NULL;
	struct elf64_image img;
	struct xen_kernel_info info;
	struct xen_kernel_caps caps = { .features = dom0_caps(d) };
	struct domain_layout lay;
	struct domain_layout_params lp;
	struct domain_build_entry entry;
	struct elf64_err err = { "" };
	uint64_t nr_pages = opt_dom0_mem ? opt_dom0_mem >> PAGE_SHIFT : default_dom0_pages();
	int rc;

	if (opt_dom0_mem_max && nr_pages > opt_dom0_mem_max >> PAGE_SHIFT)
		nr_pages = opt_dom0_mem_max >> PAGE_SHIFT;
	rc = elf64_open(&img, maddr_to_virt(kmod->start), kmod->len, &err);
	if (!rc)
		rc = xen_kernel_parse(&img, &info, &err);
	if (!rc)
		rc = xen_kernel_check(&info, &caps, &err);
	lp = (struct domain_layout_params){ nr_pages, rmod ? rmod->len : 0, true };
	if (!rc)
		rc = domain_layout_compute(&info, &lp, &lay, &err);
	if (rc) {
		printk(KLOG_ERR "d0: kernel (module 1) refused: %s (error %d)\n", err.msg, rc);
		return rc;
	}
	/* As Xen: the initial domain may grow (balloon) up to dom0_mem=max:, else without limit. */
	domain_set_max_pages(d, nr_pages);
	rc = allocate_memory(d, nr_pages, m);
	domain_set_max_pages(d, opt_dom0_mem_max ? opt_dom0_mem_max >> PAGE_SHIFT : UINT32_MAX);
	if (rc) {
		printk(KLOG_ERR "d0: cannot allocate %lu MiB (error %d)\n", nr_pages >> 8, rc);
		return rc;
	}

	struct dom_builder_mem mem = { map_pfn, pfn_to_mfn, m };
	struct domain_build_params bp = {
		.img = &img,
		.kernel = &info,
		.layout = &lay,
		.initrd = rmod ? maddr_to_virt(rmod->start) : NULL,
		.cmdline = kmod->cmdline,
		.shared_info_maddr = mfn_x(d->shared_info_mfn) << PAGE_SHIFT,
		.is_dom0 = true,
	};
	rc = domain_build(&mem, &bp, &entry, &err);
	if (rc) {
		printk(KLOG_ERR "d0: building the start of day failed: %s (error %d)\n", err.msg, rc);
		return rc;
	}
	record_m2p(m);
	report(&info, &lay, m);

	rc = pin_page_tables(d, _mfn(entry.cr3_mfn));
	if (rc) {
		printk(KLOG_ERR "d0: bootstrap page tables refused by validation (error %d)\n", rc);
		return rc;
	}
	/* vCPU 0 up; the others down and without a context until dom0 starts them (as Xen). */
	printk(KLOG_INFO "d0: %u vCPUs\n", d->max_vcpus);
	rc = start_vcpu0(domain_vcpu(d, 0), &entry);
	if (rc) {
		printk(KLOG_ERR "d0: vCPU 0 refused its first context (error %d)\n", rc);
		return rc;
	}
	return domain_unpause(d);
}

int dom0_build(const struct boot_info *bi)
{
	struct dom0_mem m = { heap_zalloc(MAX_EXTENTS * sizeof(struct extent)), 0 };
	struct domain *d;
	int rc;

	if (!m.ext)
		return -ENOMEM;
	d = domain_create(0, DOMAIN_CF_PRIVILEGED, dom0_vcpus(), &rc);
	if (d) {
		rc = build(d, bi, &m);
		if (rc)
			domain_destroy(d);
	} else {
		printk(KLOG_ERR "d0: cannot create the domain (error %d)\n", rc);
	}
	heap_free(m.ext);
	return rc;
}
