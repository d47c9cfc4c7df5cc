/*
 * dom0-tools/vmctl/domain_create.h - builds and starts a PV domU from a
 * parsed guest config, the way `xl create` does, through the public
 * control interface only.
 *
 * Owns: nothing global.  All large storage is the caller's struct
 * vmctl_create_scratch (dom0 has no malloc and a small stack):
 *   - p2m: 8 bytes per guest page, i.e. 2 KiB per MiB of `memory`
 *     (a 1 GiB guest needs 2 MiB); p2m_max says how many entries it
 *     holds, and a guest above it is refused with -E2BIG before anything
 *     is created;
 *   - the parsed ELF image, kernel notes, layout and the vCPU context
 *     (about 7 KiB together).
 * The kernel and ramdisk bytes are read in place, never copied.
 *
 * Steps, in order (docs/vmctl.md): check the kernel image and the layout,
 * physinfo's free memory and CPUs (for cpus=), then createdomain,
 * max_vcpus, max_mem, setvcpuaffinity (each vCPU, only with cpus=),
 * populate_physmap, getdomaininfo, alloc_unbound (store, console),
 * domain_build through foreign mappings, mask the event upcalls,
 * pin the L4, setvcpucontext (vCPU 0; the others stay down for the
 * guest to bring up with VCPUOP_initialise/up), scheduler_op putinfo,
 * the XenStore entries, INTRODUCE, unpause.  A failing step leaves
 * nothing behind: the domain is destroyed, its XenStore nodes removed and
 * the store connection released, and msg names the step and the errno.
 */
#ifndef DOM0_TOOLS_VMCTL_DOMAIN_CREATE_H
#define DOM0_TOOLS_VMCTL_DOMAIN_CREATE_H

#include "dom0-tools/vmctl/hv.h"

#include <stddef.h>
#include <stdint.h>

#include "dom0-tools/guest_config.h"
#include "dom0-tools/vmctl/domain_table.h"
#include "dom0-tools/vmctl/store.h"
#include "lib/domain_build.h"
#include "lib/domain_layout.h"
#include "lib/elf64.h"
#include "lib/xen_elfnote.h"

#define VMCTL_MSG_MAX 256 /* bytes of a message, NUL included */

/* The event-channel, store and console defaults xl gives a PV guest. */
#define VMCTL_CONSOLE_LIMIT 1048576 /* console/limit: bytes xenconsoled buffers */

struct vmctl_create_scratch {
	uint64_t *p2m;	  /* p2m_max entries: pfn -> mfn of the new domain */
	uint64_t p2m_max; /* the largest guest, in 4 KiB pages, this scratch builds */
	struct elf64_image img;
	struct xen_kernel_info kernel;
	struct domain_layout layout;
	vcpu_guest_context_t ctxt;
};

struct vmctl_create_params {
	const struct guest_config *gc;
	const void *kernel; /* the kernel image, kernel_len bytes */
	size_t kernel_len;
	const void *ramdisk; /* NULL, or ramdisk_len bytes */
	size_t ramdisk_len;
	const uint8_t *uuid; /* 16 bytes: the domain handle and /vm/<uuid> */
};

/**
 * Creates, builds and unpauses the guest p describes.  On success fills
 * d (domid, uuid, config copy, store and console ports and frames) and
 * returns 0.  On failure returns a negative errno with msg (VMCTL_MSG_MAX
 * bytes) saying which step failed and why, and nothing left behind:
 *   -EINVAL / -ENOEXEC / -EOPNOTSUPP / -ERANGE  the kernel image (a
 *            corrupt ELF, not a PV kernel, a layout that does not fit);
 *   -E2BIG   memory above what s->p2m holds;
 *   -ENOMEM  the host has less free memory than the guest's `memory`;
 *   -EINVAL  also: cpus= names CPUs (or nodes) the host does not have;
 *   anything a hypercall or a store op answered.
 */
int vmctl_domain_create(const struct vmctl_hv *hv, const struct vmctl_store *st,
			struct vmctl_create_scratch *s, const struct vmctl_create_params *p,
			struct vmctl_domain *d, char *msg);

/**
 * Destroys domain domid (retrying while the hypervisor answers -EBUSY,
 * a frame still mapped elsewhere), releases its store connection and
 * removes /local/domain/<domid> and, if uuid is not NULL, /vm/<uuid>.
 * Returns the destroy's result; the store cleanup is best effort.
 */
int vmctl_domain_teardown(const struct vmctl_hv *hv, const struct vmctl_store *st, domid_t domid,
			  const uint8_t *uuid);

/**
 * The XenStore side of a new domain, as xl writes it for a PV guest:
 * /local/domain/<id> (name, domid, vm, memory/, cpu/, control/, device/,
 * data/ and the like, console/, store/) and /vm/<uuid>, with the guest
 * owning its writable subtrees; then INTRODUCE.  0 or a negative errno,
 * with *step naming the op that failed.
 */
int vmctl_store_domain(const struct vmctl_store *st, const struct vmctl_domain *d,
		       const char **step);

/** The 36-character text form of uuid into buf (37 bytes). */
void vmctl_uuid_format(char *buf, const uint8_t *uuid);

#endif /* DOM0_TOOLS_VMCTL_DOMAIN_CREATE_H */
