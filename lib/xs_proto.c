/*
 * lib/xs_proto.c - errno names, permission strings and decimal numbers of
 * the XenStore wire protocol (see xs_proto.h).
 *
 * Owns the one copy of xs_wire.h's errno-name table: the daemon turns
 * errnos into names with it, clients turn names back.  The table is our
 * own (xs_wire.h's array needs libc's EINVAL macros, which freestanding
 * code does not have) but lists the same names in the same order.
 */
#include "lib/xs_proto.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"

static const struct {
	int err;
	const char *name;
} xs_errnos[] = {
	{ EINVAL, "EINVAL" },	{ EACCES, "EACCES" },	   { EEXIST, "EEXIST" }, { EISDIR, "EISDIR" },
	{ ENOENT, "ENOENT" },	{ ENOMEM, "ENOMEM" },	   { ENOSPC, "ENOSPC" }, { EIO, "EIO" },
	{ ENOTEMPTY, "ENOTEMPTY" }, { ENOSYS, "ENOSYS" }, { EROFS, "EROFS" },	 { EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" },	{ EISCONN, "EISCONN" },   { E2BIG, "E2BIG" },	 { EPERM, "EPERM" },
};

const char *xs_errno_name(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(xs_errnos); i++)
		if (-err == xs_errnos[i].err)
			return xs_errnos[i].name;
	return "EINVAL";
}

int xs_errno_parse(const char *name, size_t len)
{
	if (len > 0 && name[len - 1] == '\0')
		len--;
	for (size_t i = 0; i < ARRAY_SIZE(xs_errnos); i++) {
		const char *n = xs_errnos[i].name;

		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return -xs_errnos[i].err;
	}
	return -EINVAL;
}

int xs_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int xs_perm_parse(const char *s, size_t len, struct xs_perm *out)
{
	static const char letters[] = "nrwb"; /* index == XS_PERM_* bits */
	uint64_t domid;
	const char *l;

	if (len < 2 || s[0] == '\0' || !(l = strchr(letters, s[0])))
		return -EINVAL;
	if (xs_parse_u64(s + 1, len - 1, 0xffff, &domid))
		return -EINVAL;
	out->domid = (uint16_t)domid;
	out->access = (uint8_t)(l - letters);
	return 0;
}

size_t xs_perm_format(const struct xs_perm *p, char *buf)
{
	static const char letters[] = "nrwb";
	char digits[6];
	size_t n = 0, len = 1;
	unsigned int v = p->domid;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf[0] = letters[p->access & XS_PERM_BOTH];
	while (n)
		buf[len++] = digits[--n];
	buf[len] = '\0';
	return len;
}
