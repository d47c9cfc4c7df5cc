/*
 * lib/strlcpy.c - bounded string copy.
 *
 * Its own file, unlike the rest of lib/string.h, because the host C
 * library (glibc 2.36) lacks strlcpy: this one builds into both the
 * hypervisor and the host unit tests.
 */
#include "lib/string.h"

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
