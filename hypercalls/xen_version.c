/*
 * hypercalls/xen_version.c - HYPERVISOR_xen_version: who Keel says it is.
 *
 * Keel presents itself as Xen 4.17 (the ABI it implements); the strings
 * say "Keel" where they describe the build.  Strings are copied to the
 * guest in full, zero-padded, as the fixed-size types of version.h.
 * XENFEAT bits are only those Keel really honours.
 */
#include "hypercalls/hypercalls.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/features.h>
#include <xen/version.h>

#include "arch/guest_access.h"
#include "hypercalls/hypercall.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/hv_range.h"
#include "lib/string.h"

#define KEEL_XEN_MAJOR 4
#define KEEL_XEN_MINOR 17

static const char *keel_build_cmdline = "";

void xen_version_set_cmdline(const char *cmdline)
{
	keel_build_cmdline = cmdline ? cmdline : "";
}

/* Copies the string into a zero-padded field of `size` bytes at buffer. */
static long put_string(uint64_t buffer, const char *s, size_t size)
{
	char field[1024];
	size_t len = strnlen(s, size - 1);

	memset(field, 0, size);
	memcpy(field, s, len);
	return copy_to_guest(buffer, field, size) ? -EFAULT : 0;
}

uint32_t xen_version_features(const struct domain *d, unsigned int submap)
{
	uint32_t f = 0;

	if (submap != 0)
		return 0;
	f |= 1u << XENFEAT_mmu_pt_update_preserve_ad; /* MMU_PT_UPDATE_PRESERVE_AD */
	f |= 1u << XENFEAT_highmem_assist;		  /* MMUEXT_COPY_PAGE / MMUEXT_CLEAR_PAGE */
	f |= 1u << XENFEAT_gnttab_map_avail_bits;	  /* GNTMAP_guest_avail bits -> PTE bits 9-11 */
	f |= 1u << XENFEAT_memory_op_vnode_supported;	  /* XENMEMF_vnode (one node: 0) */
	f |= 1u << XENFEAT_direct_mapped;		  /* PV: guest frame numbers are machine frames */
	if (d->is_privileged && d->domid == 0)
		f |= 1u << XENFEAT_dom0;
	return f;
}

/* struct xen_build_id: len (IN: buffer size, OUT: id size), then the bytes. */
static long build_id(const struct domain *d, uint64_t arg)
{
	struct xen_build_id hdr;
	unsigned int len;
	const void *id;

	if (!d->is_privileged)
		return -EPERM;
	if (copy_from_guest(&hdr, arg, sizeof(hdr)))
		return -EFAULT;
	id = hypercall_build_id(&len);
	if (!id)
		return -ENODATA;
	if (hdr.len < len)
		return -ENOBUFS;
	if (copy_to_guest(arg + offsetof(struct xen_build_id, buf), id, len))
		return -EFAULT;
	return (long)len;
}

long do_xen_version(struct vcpu *v, int cmd, uint64_t arg)
{
	struct domain *d = v->domain;

	switch (cmd) {
	case XENVER_version:
		return (KEEL_XEN_MAJOR << 16) | KEEL_XEN_MINOR;
	case XENVER_extraversion:
		return put_string(arg, ".0-keel", sizeof(xen_extraversion_t));
	case XENVER_compile_info: {
		struct xen_compile_info ci;

		memset(&ci, 0, sizeof(ci));
		strlcpy(ci.compiler, "gcc", sizeof(ci.compiler));
		strlcpy(ci.compile_by, "keel", sizeof(ci.compile_by));
		strlcpy(ci.compile_domain, "keel", sizeof(ci.compile_domain));
		strlcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
		return copy_to_guest(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
	}
	case XENVER_capabilities:
		return put_string(arg, "xen-3.0-x86_64", sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return put_string(arg, "Keel", sizeof(xen_changeset_info_t));
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = { .virt_start = HV_RANGE_START };

		return copy_to_guest(arg, &pp, sizeof(pp)) ? -EFAULT : 0;
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;

		if (copy_from_guest(&fi, arg, sizeof(fi)))
			return -EFAULT;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -EINVAL;
		fi.submap = xen_version_features(d, fi.submap_idx);
		return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return 4096;
	case XENVER_guest_handle: {
		xen_domain_handle_t h;

		memset(h, 0, sizeof(h)); /* no toolstack handle yet */
		return copy_to_guest(arg, h, sizeof(h)) ? -EFAULT : 0;
	}
	case XENVER_commandline:
		if (!d->is_privileged)
			return -EPERM;
		return put_string(arg, keel_build_cmdline, sizeof(xen_commandline_t));
	case XENVER_build_id:
		return build_id(d, arg);
	default:
		return -ENOSYS;
	}
}
