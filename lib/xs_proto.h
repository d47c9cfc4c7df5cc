/*
 * lib/xs_proto.h - the small languages inside XenStore messages
 * (xen/io/xs_wire.h), shared by the daemon (dom0-tools/xenstored/) and
 * every client (guests/common/xs_client.c): errno names, permission
 * strings and decimal numbers.
 *
 * Invariants: the errno table holds exactly xs_wire.h's xsd_errors names
 * (the only ones clients understand); parsers take a length and never read
 * past it; nothing here allocates.
 */
#ifndef LIB_XS_PROTO_H
#define LIB_XS_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Access bits of one permission entry: 'n' none, 'r', 'w', 'b' both. */
#define XS_PERM_NONE 0u
#define XS_PERM_READ 1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH (XS_PERM_READ | XS_PERM_WRITE)

/* Longest permission string: a letter and a 16-bit domid ("b65535"). */
#define XS_PERM_STR_MAX 7

/* One entry of a node's permission list (first entry: owner + default). */
struct xs_perm {
	uint16_t domid;
	uint8_t access; /* XS_PERM_* */
};

/**
 * The name xs_wire.h gives a negative errno ("ENOENT" for -ENOENT); an
 * errno outside the wire table is sent as "EINVAL", as clients map unknown
 * names to EINVAL anyway.  Never NULL.
 */
const char *xs_errno_name(int err);

/**
 * The negative errno for an error name of @len bytes (a trailing NUL in
 * @len is allowed); -EINVAL for a name outside the table.
 */
int xs_errno_parse(const char *name, size_t len);

/**
 * Parses one permission string ("r5", "b0") of @len bytes (no NUL) into
 * @out.  Returns 0 or -EINVAL (unknown letter, no digits, domid > 65535).
 */
int xs_perm_parse(const char *s, size_t len, struct xs_perm *out);

/**
 * Writes @p as a NUL-terminated string into @buf (at least
 * XS_PERM_STR_MAX bytes).  Returns the length without the NUL.
 */
size_t xs_perm_format(const struct xs_perm *p, char *buf);

/**
 * Parses the decimal number of @len bytes at @s (no sign, no spaces, at
 * least one digit, at most @max).  Returns 0 or -EINVAL.
 */
int xs_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

#endif /* LIB_XS_PROTO_H */
