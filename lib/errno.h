/*
 * lib/errno.h - Xen's errno values, taken from Xen's public errno.h.
 *
 * Every Keel function that can fail returns 0 or a negative value from this
 * enumeration (-EINVAL, -ENOMEM, ...); hypercalls hand the same numbers to
 * guests, so they must be Xen's, not the host libc's.
 */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

/* Host unit tests may have seen libc's <errno.h>; Xen's numbers win here. */
#include "lib/errno_undef.h"

enum keel_errno {
#define XEN_ERRNO(name, value) name = value,
#include <xen/errno.h>
};

/*
 * Keel-internal, with Xen's value (its header shows it only to Xen
 * itself): a long operation stopped early and must be continued.  Never
 * returned to a guest.
 */
#undef ERESTART
#define ERESTART 85

#endif /* LIB_ERRNO_H */
