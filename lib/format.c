/*
 * lib/format.c - printf-style formatting for freestanding code.
 *
 * Owns: format_vsnprintf and its helpers.  No state, no locks: safe from
 * any context, including the trap handler that reports a fatal exception.
 */
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, even past size */
};

struct spec {
	bool left;
	bool zero;
	bool plus;
	bool space;
	bool alt;
	int width;
	int precision; /* -1: none */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_string(struct out *o, const struct spec *s, const char *str)
{
	size_t n;

	if (!str)
		str = "(null)";
	n = s->precision >= 0 ? strnlen(str, (size_t)s->precision) : strlen(str);
	if (!s->left)
		out_pad(o, ' ', s->width - (int)n);
	for (size_t i = 0; i < n; i++)
		out_char(o, str[i]);
	if (s->left)
		out_pad(o, ' ', s->width - (int)n);
}

static void out_number(struct out *o, const struct spec *s, uint64_t v, bool neg, unsigned base,
		       bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, prefix_len;
	char sign = neg ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
	const char *prefix = (s->alt && base == 16 && v) ? (upper ? "0X" : "0x") : "";
	size_t start = o->len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	prefix_len = (int)strlen(prefix) + (sign ? 1 : 0);

	if (!s->left && !s->zero)
		out_pad(o, ' ', s->width - n - prefix_len);
	if (sign)
		out_char(o, sign);
	for (const char *p = prefix; *p; p++)
		out_char(o, *p);
	if (!s->left && s->zero)
		out_pad(o, '0', s->width - n - prefix_len);
	while (n)
		out_char(o, tmp[--n]);
	if (s->left)
		out_pad(o, ' ', s->width - (int)(o->len - start));
}

/* Parses flags, width and precision; returns the first unparsed character. */
static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	memset(s, 0, sizeof(*s));
	s->precision = -1;
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else if (*f == '+')
			s->plus = true;
		else if (*f == ' ')
			s->space = true;
		else if (*f == '#')
			s->alt = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->precision = 0;
		if (*f == '*') {
			s->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			s->precision = s->precision * 10 + (*f++ - '0');
	}
	return f;
}

/* Reads an integer argument of the given length modifier ('H' = hh). */
static uint64_t fetch_unsigned(char len, va_list *ap)
{
	switch (len) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'l':
	case 'q':
	case 'z':
	case 't':
		return va_arg(*ap, unsigned long);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t fetch_signed(char len, va_list *ap)
{
	switch (len) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'l':
	case 'q':
	case 'z':
	case 't':
		return va_arg(*ap, long);
	default:
		return va_arg(*ap, int);
	}
}

static const char *parse_length(const char *f, char *len)
{
	*len = 0;
	if (f[0] == 'h' && f[1] == 'h') {
		*len = 'H';
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		*len = 'q';
		return f + 2;
	}
	if (*f == 'h' || *f == 'l' || *f == 'z' || *f == 't') {
		*len = *f;
		return f + 1;
	}
	return f;
}

static void format_one(struct out *o, struct spec *s, char len, char conv, va_list *ap)
{
	int64_t sv;

	switch (conv) {
	case 'd':
	case 'i':
		sv = fetch_signed(len, ap);
		out_number(o, s, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, 10, false);
		break;
	case 'u':
		out_number(o, s, fetch_unsigned(len, ap), false, 10, false);
		break;
	case 'x':
	case 'X':
		out_number(o, s, fetch_unsigned(len, ap), false, 16, conv == 'X');
		break;
	case 'o':
		out_number(o, s, fetch_unsigned(len, ap), false, 8, false);
		break;
	case 'p':
		s->zero = true;
		s->width = 16;
		out_number(o, s, (uintptr_t)va_arg(*ap, void *), false, 16, false);
		break;
	case 'c': {
		char c[2] = { (char)va_arg(*ap, int), 0 };

		s->precision = -1;
		out_string(o, s, c);
		break;
	}
	case 's':
		out_string(o, s, va_arg(*ap, const char *));
		break;
	case '%':
		out_char(o, '%');
		break;
	default: /* unknown conversion: print it verbatim so the bug is visible */
		out_char(o, '%');
		if (conv)
			out_char(o, conv);
		break;
	}
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec s;
	va_list args;
	char len;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &args);
		fmt = parse_length(fmt, &len);
		format_one(&o, &s, len, *fmt, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
