/*
 * tests/host/host_string.c - what lib/string.h promises but the host C
 * library (glibc 2.36) lacks.  The hypervisor gets these from lib/string.c.
 */
#include <string.h>

size_t strlcpy(char *dst, const char *src, size_t size);

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
