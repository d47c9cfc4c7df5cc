/*
 * lib/string.c - memory and string routines for freestanding builds.
 *
 * Not linked into host unit tests (the C library has these).  x86_64 only
 * (string instructions), like everything that links it.  GCC may emit
 * calls to memset/memcpy/memmove/memcmp for struct copies, so they must
 * exist under exactly these names.
 */
#include "lib/string.h"

#include <stdint.h>

/*
 * memset and memcpy use the string instructions: one instruction for any
 * length, which modern CPUs (ERMS) run at full memory bandwidth and which
 * emulators (TCG, PVM) handle far faster than a byte loop.
 */
void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	/*
	 * Whole aligned quadwords (a page being scrubbed, say) go eight bytes
	 * a step: the same speed on hardware, eight times fewer steps for an
	 * emulator, which runs `rep` one iteration at a time.
	 */
	if (!(((uintptr_t)dst | n) & 7)) {
		uint64_t q = n / 8, v = 0x0101010101010101ULL * (uint8_t)c;

		__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
		return dst;
	}
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;

	if (!(((uintptr_t)dst | (uintptr_t)src | n) & 7)) { /* as memset's quadwords */
		uint64_t q = n / 8;

		__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
		return dst;
	}
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
