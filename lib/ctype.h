/*
 * lib/ctype.h - character classification for the freestanding parsers.
 */
#ifndef LIB_CTYPE_H
#define LIB_CTYPE_H

/* The value of a hexadecimal digit, or 99 (above any base) if c is none. */
static inline int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

#endif /* LIB_CTYPE_H */
