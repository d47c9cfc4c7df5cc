/*
 * dom0-tools/vmctl/store.h - what the toolstack needs of XenStore.
 *
 * Owns: nothing but the interface.  dom0's kernel implements these ops
 * on its in-process xenstored (a Linux dom0 would speak the xenstore
 * wire protocol); the unit tests use a fake tree.  Paths are absolute
 * ("/local/domain/3/name"); values are NUL-terminated strings.  Every op
 * returns 0 (or a count, where said) or a negative Xen errno (-ENOENT
 * for a missing node, -E2BIG when a buffer is too small).
 *
 * Semantics are xenstored's (docs/misc/xenstore.txt): write and mkdir
 * create missing parents, a new node starts with its parent's
 * permissions (vmctl relies on that: it sets a directory's permissions
 * before filling it), rm removes a whole subtree, and a node's
 * permissions are an owner (who may do anything) plus the access of
 * everyone else; set_perms here gives the owner and, optionally, read
 * access to one other domain (the shape xl uses for a guest's nodes).
 */
#ifndef DOM0_TOOLS_VMCTL_STORE_H
#define DOM0_TOOLS_VMCTL_STORE_H

#include "dom0-tools/vmctl/xen_tools.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"

/* Maximum path and value lengths vmctl builds (xenstored allows 3072 / 4096). */
#define VMCTL_STORE_PATH_MAX  256
#define VMCTL_STORE_VALUE_MAX 256

struct vmctl_store {
	/* The value of path into buf (len bytes, NUL-terminated); its length. */
	int (*read)(void *ctx, const char *path, char *buf, size_t len);
	int (*write)(void *ctx, const char *path, const char *value);
	int (*mkdir)(void *ctx, const char *path);
	int (*rm)(void *ctx, const char *path);
	/* The children's names of path into buf, each NUL-terminated; how many. */
	int (*directory)(void *ctx, const char *path, char *buf, size_t len);
	/* path owned by owner, no access for others but read for reader (DOMID_INVALID: none). */
	int (*set_perms)(void *ctx, const char *path, domid_t owner, domid_t reader);
	/* XS_INTRODUCE: domid's store ring is frame store_mfn, its event channel store_port. */
	int (*introduce)(void *ctx, domid_t domid, uint64_t store_mfn, uint32_t store_port);
	/*
	 * XS_RELEASE: forget domid's connection and watches.  Called before
	 * the domain is destroyed; dom0 also stops serving its console then.
	 */
	int (*release)(void *ctx, domid_t domid);
	void *ctx;
};

/** Writes a formatted value at path; 0 or a negative errno (-E2BIG: too long). */
int vmctl_store_printf(const struct vmctl_store *st, const char *path, const char *fmt, ...)
	__printf(3, 4);

/** Formats a path into buf (VMCTL_STORE_PATH_MAX bytes); 0 or -E2BIG. */
int vmctl_store_path(char *buf, const char *fmt, ...) __printf(2, 3);

/** Reads an unsigned decimal value at path into *val; 0 or a negative errno. */
int vmctl_store_read_u64(const struct vmctl_store *st, const char *path, uint64_t *val);

#endif /* DOM0_TOOLS_VMCTL_STORE_H */
