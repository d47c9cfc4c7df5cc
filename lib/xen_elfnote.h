/*
 * lib/xen_elfnote.h - what a Xen PV kernel says about itself: the "Xen" ELF
 * notes (<xen/elfnote.h>) or the legacy __xen_guest string, and whether
 * Keel can honour it.
 *
 * Owns: nothing but the caller's structs.  String fields are views into the
 * image (pointer + length, not necessarily NUL-terminated): they are valid
 * while the image is.
 *
 * Where the information comes from, in the order Xen's loader looks:
 *   1. "Xen" notes in PT_NOTE segments;
 *   2. if there are none, "Xen" notes in SHT_NOTE sections;
 *   3. if there are none, the "__xen_guest" section: a NUL- or end-of-
 *      section-terminated string of comma-separated KEY=VALUE items
 *      (GUEST_OS, GUEST_VER, XEN_VER, LOADER, VIRT_BASE, ELF_PADDR_OFFSET,
 *      VIRT_ENTRY, HYPERCALL_PAGE, FEATURES, PAE) and the bare flag
 *      BSD_SYMTAB.  Numbers are C literals (0x.. hex, 0.. octal, decimal).
 *      Unknown keys are ignored.
 * Anything else is not a Xen PV kernel (-ENOEXEC).
 *
 * Notes: numeric notes are little-endian integers of descsz 1, 2, 4 or 8
 * bytes; string notes must hold a NUL within descsz; a later note of the
 * same type replaces an earlier one; unknown types and non-"Xen" notes are
 * skipped.
 *
 * Defaults, as <xen/elfnote.h> documents them:
 *   VIRT_BASE     0.
 *   PADDR_OFFSET  0 with notes; with the legacy string, VIRT_BASE.
 *   HYPERCALL_PAGE none.  (Legacy: a page number counted from VIRT_BASE,
 *                 converted here to a virtual address.)
 *   ENTRY         elfnote.h gives no default; Xen's loader uses the ELF
 *                 header's e_entry, and so do we (info->present tells
 *                 whether the note was there).
 *   SUSPEND_CANCEL 0.
 *
 * Where the kernel goes: a segment's pseudo-physical address is
 * p_paddr - PADDR_OFFSET and it is mapped at VIRT_BASE + that, so the
 * kernel occupies [virt_kstart, virt_kend) =
 * [phys_start, phys_end) - PADDR_OFFSET + VIRT_BASE.
 */
#ifndef LIB_XEN_ELFNOTE_H
#define LIB_XEN_ELFNOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/elfnote.h>
#include <xen/features.h>

#include "lib/elf64.h"
#include "lib/hv_range.h"

#define XEN_KERNEL_L1_MFN_VALID_MAX 4

/* Keel's own hole in every 64-bit PV address space (lib/hv_range.h). */
#define XEN_KERNEL_HV_START HV_RANGE_START
#define XEN_KERNEL_HV_END   HV_RANGE_END

/* A string inside the image; s is NULL and len 0 when absent. */
struct xen_elf_str {
	const char *s;
	size_t len;
};

enum xen_kernel_source {
	XEN_KERNEL_NOTES_PHDR = 1, /* PT_NOTE segments */
	XEN_KERNEL_NOTES_SHDR,	   /* SHT_NOTE sections */
	XEN_KERNEL_LEGACY,	   /* the __xen_guest string */
};

struct xen_kernel_info {
	enum xen_kernel_source source;
	uint32_t present; /* bit N: XEN_ELFNOTE N (or its legacy key) was given */

	uint64_t entry;		 /* ENTRY, or e_entry */
	uint64_t hypercall_page; /* virtual address; valid if present */
	uint64_t virt_base;
	uint64_t paddr_offset;
	uint64_t hv_start_low; /* x86-32 only; recorded, unused */
	uint64_t suspend_cancel;
	uint64_t init_p2m;
	uint64_t mod_start_pfn;
	uint64_t phys32_entry; /* PVH entry; Keel does not run PVH */

	struct xen_elf_str xen_version, guest_os, guest_version, loader, pae_mode, bsd_symtab;
	struct xen_elf_str features; /* the FEATURES string as given */

	uint32_t features_supported;	     /* XENFEAT_* bits: FEATURES | SUPPORTED_FEATURES */
	uint32_t features_required;	     /* the '!' names of FEATURES */
	struct xen_elf_str unknown_required; /* the first '!' name features.h lacks */
	bool wants_bsd_symtab;

	uint64_t l1_mfn_valid[XEN_KERNEL_L1_MFN_VALID_MAX][2]; /* mask, value */
	unsigned int nr_l1_mfn_valid;

	uint64_t virt_kstart, virt_kend; /* where the loaded kernel sits */
};

/* What the builder can give this kernel. */
struct xen_kernel_caps {
	uint32_t features; /* XENFEAT_* bits Keel provides to the domain */
	bool bsd_symtab;   /* the builder loads the symbol table when asked */
};

/*
 * Reads the Xen notes (or the legacy string) of an image that
 * elf64_open() accepted, applies the defaults above and computes
 * virt_kstart/virt_kend.  Returns 0, or:
 *   -ENOEXEC  no Xen notes and no __xen_guest section;
 *   -EINVAL   a malformed note (size, unterminated string, bad number,
 *             more than XEN_KERNEL_L1_MFN_VALID_MAX L1_MFN_VALID pairs);
 *   -ERANGE   a legacy number that does not fit 64 bits, or PADDR_OFFSET /
 *             VIRT_BASE that move the kernel below 0 or past 2^64;
 * with err->msg naming the note (type, file offset) or key.
 */
int xen_kernel_parse(const struct elf64_image *img, struct xen_kernel_info *info,
		     struct elf64_err *err);

/*
 * Decides whether Keel can run the kernel info describes, given caps.
 * Returns 0, or a negative errno with err->msg giving the first reason:
 *   -ENOEXEC     only a PHYS32_ENTRY (PVH) entry point;
 *   -EOPNOTSUPP  XEN_VERSION other than "xen-3.0"; LOADER other than
 *                "generic" (or no LOADER and GUEST_OS other than "linux",
 *                which Xen also accepts); a required feature unknown or
 *                not in caps->features; BSD_SYMTAB when !caps->bsd_symtab;
 *   -ERANGE      [VIRT_BASE, virt_kend) not canonical or touching Keel's
 *                hole [XEN_KERNEL_HV_START, XEN_KERNEL_HV_END); the entry
 *                point or the hypercall page outside the loaded kernel;
 *                INIT_P2M non-canonical, in the hole or inside the kernel;
 *   -EINVAL      HYPERCALL_PAGE or INIT_P2M not page-aligned.
 */
int xen_kernel_check(const struct xen_kernel_info *info, const struct xen_kernel_caps *caps,
		     struct elf64_err *err);

/* True when info carries note type (XEN_ELFNOTE_*) or its legacy key. */
static inline bool xen_kernel_has(const struct xen_kernel_info *info, unsigned int type)
{
	return type < 32 && (info->present & (1U << type));
}

/* The features.h name of XENFEAT bit (without "XENFEAT_"), or NULL. */
const char *xen_feature_name(unsigned int bit);

/* The elfnote.h name of note type (without "XEN_ELFNOTE_"), or "unknown". */
const char *xen_elfnote_name(unsigned int type);

#endif /* LIB_XEN_ELFNOTE_H */
