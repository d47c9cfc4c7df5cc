/*
 * dom0-tools/vmctl/store.c - small helpers over struct vmctl_store
 * (store.h): formatted paths and values.
 *
 * Owns: nothing; buffers are on the caller's stack, bounded by
 * VMCTL_STORE_PATH_MAX / VMCTL_STORE_VALUE_MAX.
 */
#include "dom0-tools/vmctl/store.h"
#include "dom0-tools/vmctl/domain_table.h"

#include "lib/errno.h"
#include "lib/format.h"

int vmctl_store_path(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, VMCTL_STORE_PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= VMCTL_STORE_PATH_MAX ? -E2BIG : 0;
}

int vmctl_store_printf(const struct vmctl_store *st, const char *path, const char *fmt, ...)
{
	char value[VMCTL_STORE_VALUE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(value))
		return -E2BIG;
	return st->write(st->ctx, path, value);
}

int vmctl_store_read_u64(const struct vmctl_store *st, const char *path, uint64_t *val)
{
	char buf[32];
	int rc = st->read(st->ctx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	return vmctl_parse_uint(buf, UINT64_MAX, val);
}
