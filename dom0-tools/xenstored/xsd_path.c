/*
 * dom0-tools/xenstored/xsd_path.c - XenStore path rules (docs/xenstore.md):
 * which strings are paths, how a relative path becomes absolute, and how
 * paths nest.
 *
 * A valid absolute path is "/" or "/" followed by components of
 * [A-Za-z0-9-_@] separated by single slashes, no trailing slash, at most
 * XENSTORE_ABS_PATH_MAX bytes; a relative one (at most
 * XENSTORE_REL_PATH_MAX bytes) is resolved under /local/domain/<domid>/.
 * Watches may also name the special paths that start with '@'.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

static bool valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '@' || c == '/';
}

/* Components of valid characters, no empty one, no trailing slash. */
static bool valid_body(const char *p)
{
	for (size_t i = 0; p[i]; i++) {
		if (!valid_char(p[i]))
			return false;
		if (p[i] == '/' && (p[i + 1] == '/' || p[i + 1] == '\0'))
			return false;
	}
	return true;
}

int xsd_path_canon(domid_t domid, const char *in, char *out, bool *relative)
{
	size_t len = strnlen(in, XENSTORE_ABS_PATH_MAX + 1);

	*relative = in[0] != '/';
	if (len == 0 || len > (*relative ? XENSTORE_REL_PATH_MAX : XENSTORE_ABS_PATH_MAX))
		return -EINVAL;
	if (!*relative) {
		if (len > 1 && !valid_body(in))
			return -EINVAL;
		memcpy(out, in, len + 1);
		return 0;
	}
	if (!valid_body(in))
		return -EINVAL;
	format_snprintf(out, XSD_PATH_BUF, "/local/domain/%u/%s", domid, in);
	return strlen(out) > XENSTORE_ABS_PATH_MAX ? -EINVAL : 0;
}

int xsd_watch_path_canon(domid_t domid, const char *in, char *out, bool *relative)
{
	size_t len = strnlen(in, XENSTORE_ABS_PATH_MAX + 1);

	if (in[0] != '@')
		return xsd_path_canon(domid, in, out, relative);
	*relative = false;
	if (len < 2 || len > XENSTORE_REL_PATH_MAX || !valid_body(in) || strchr(in, '/'))
		return -EINVAL;
	memcpy(out, in, len + 1);
	return 0;
}

bool xsd_path_under(const char *path, const char *top)
{
	size_t n = strlen(top);

	if (strcmp(top, "/") == 0)
		return path[0] == '/';
	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const char *xsd_path_relative(const char *abs, domid_t domid)
{
	char prefix[32];
	size_t n = (size_t)format_snprintf(prefix, sizeof(prefix), "/local/domain/%u/", domid);

	return strncmp(abs, prefix, n) == 0 ? abs + n : abs;
}

void xsd_path_parent(char *p)
{
	char *slash = p;

	for (char *c = p; *c; c++)
		if (*c == '/')
			slash = c;
	slash[slash == p] = '\0';
}
