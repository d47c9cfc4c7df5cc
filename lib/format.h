/*
 * lib/format.h - printf-style formatting into a buffer, without libc.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#include "lib/compiler.h"

/*
 * Formats like C's vsnprintf: %d %i %u %x %X %o %c %s %p %% with the flags
 * '-', '0', width, precision (strings), '*', and the length modifiers
 * hh h l ll z t.  Always NUL-terminates when size > 0; returns the length
 * the full result would have had.
 */
int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int format_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* LIB_FORMAT_H */
