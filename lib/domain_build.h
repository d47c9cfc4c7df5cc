/*
 * lib/domain_build.h - fills a 64-bit PV domain's memory for its first
 * instruction, following a struct domain_layout (lib/domain_layout.h).
 *
 * Owns: nothing; it writes guest frames through the caller's
 * struct dom_builder_mem and knows neither how they are reached nor how
 * they were allocated.  The hypervisor (building dom0 from boot modules)
 * and dom0's toolstack (building domUs) each supply their own.
 *
 * What domain_build() writes, in pseudo-physical frames 0..nr_pages-1:
 *   - zeroes every page of the bootstrap region (and of a relocated P2M);
 *   - the PT_LOAD segments at pfn (vaddr - virt_base) >> 12, bss zeroed;
 *   - the hypercall page, when the kernel names one;
 *   - the initrd, the P2M list (P2M[pfn] = mfn for every pfn);
 *   - start_info (magic "xen-3.0-x86_64", flags, store/console, pt_base,
 *     mfn_list, mod_start/mod_len, cmd_line);
 *   - the bootstrap page tables: an L4 at pt_base, L3/L2/L1 tables mapping
 *     every page of the region (and of a relocated P2M) with 4 KiB pages,
 *     present|user|writable, except the page-table frames, mapped
 *     read-only; L4 slots 256-271 (Keel's) stay empty.  Entries hold
 *     machine frame numbers.  The caller still pins the L4 and gives the
 *     frames their page-table types.
 */
#ifndef LIB_DOMAIN_BUILD_H
#define LIB_DOMAIN_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/domain_layout.h"
#include "lib/elf64.h"
#include "lib/xen_elfnote.h"

/* Page-table entry bits the builder uses (Intel SDM vol. 3, 4.5). */
#define DOMAIN_PTE_PRESENT 0x001ULL
#define DOMAIN_PTE_RW	   0x002ULL
#define DOMAIN_PTE_USER	   0x004ULL
#define DOMAIN_PTE_PSE	   0x080ULL
#define DOMAIN_PTE_ADDR	   0x000ffffffffff000ULL

/* How the builder reaches guest frames. */
struct dom_builder_mem {
	/*
	 * A writable 4 KiB view of guest frame pfn (< nr_pages), valid at
	 * least until the next call; NULL when it cannot be reached.
	 */
	void *(*map_pfn)(void *ctx, uint64_t pfn);
	/* The machine frame behind guest frame pfn (< nr_pages). */
	uint64_t (*pfn_to_mfn)(void *ctx, uint64_t pfn);
	void *ctx;
};

struct domain_build_params {
	const struct elf64_image *img;	       /* opened by elf64_open() */
	const struct xen_kernel_info *kernel;  /* from xen_kernel_parse(), checked */
	const struct domain_layout *layout;    /* from domain_layout_compute() for kernel */
	const void *initrd;		       /* layout->initrd_len bytes */
	const char *cmdline;		       /* NULL for none; truncated to fit */
	uint64_t shared_info_maddr;	       /* machine address of shared_info */
	bool is_dom0;			       /* as given to domain_layout_compute() */
	uint32_t store_evtchn, console_evtchn; /* domU only */
};

/* The vCPU's first registers. */
struct domain_build_entry {
	uint64_t rip;	  /* the kernel's entry point */
	uint64_t rsp;	  /* top of the bootstrap stack page */
	uint64_t rsi;	  /* virtual address of start_info */
	uint64_t cr3_mfn; /* machine frame of the L4 (pt_base) */
};

/*
 * Writes the start-of-day image described above.  Returns 0 with *entry
 * filled, or a negative errno with err->msg set (guest memory then holds
 * a partial image the caller discards):
 *   -EFAULT  map_pfn() returned NULL;
 *   -ERANGE  a segment outside the layout's kernel range, or a layout
 *            whose page-table count does not match the tables built.
 */
int domain_build(const struct dom_builder_mem *mem, const struct domain_build_params *p,
		 struct domain_build_entry *entry, struct elf64_err *err);

#endif /* LIB_DOMAIN_BUILD_H */
