/*
 * lib/cmdline.h - Xen-style command-line parsing.
 *
 * Owns: nothing global; parses a command line against a caller's table of
 * options and writes the caller's variables.  The syntax is Xen's
 * (docs/misc/xen-command-line): options separated by spaces, each `name`,
 * `name=value` or `no-name`; double quotes let a value contain spaces
 * (`name="a b"`, the quotes are dropped).  Names match exactly, except
 * that '-' and '_' are interchangeable.
 *
 *   bool    `name` and `name=yes|on|true|enable|1` set it, `no-name` and
 *           `name=no|off|false|disable|0` clear it.
 *   uint    decimal or 0x-prefixed hex; must fit the variable.
 *   size    a uint with an optional suffix B, K, M, G or T (either case);
 *           without one, K (KiB), as in Xen.  dom0_mem=512M.
 *   string  copied into the caller's buffer; must fit with its NUL.
 *   custom  a callback gets the value (NULL for a bare `name`).
 *
 * Parsing never stops at a problem: an unknown option or a bad value is
 * reported (to the caller's callback, or else with printk(KLOG_WARNING))
 * and the variable keeps its previous value.  No locks, no state: safe
 * anywhere, including before the console is up if a callback is given.
 */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_NAME_MAX  64  /* longest option name, with its NUL */
#define CMDLINE_VALUE_MAX 256 /* longest value, with its NUL */

enum cmdline_type {
	CMDLINE_BOOL,
	CMDLINE_UINT,
	CMDLINE_SIZE,
	CMDLINE_STRING,
	CMDLINE_CUSTOM,
};

struct cmdline_param {
	const char *name;
	enum cmdline_type type;
	void *var;   /* bool, unsigned integer (size 1/2/4/8) or char buffer */
	size_t size; /* sizeof the variable or buffer */
	/* CUSTOM: applies value (NULL if none); returns 0 or a negative errno. */
	int (*custom)(const char *value);
};

#define CMDLINE_PARAM_BOOL(n, v)                                                                   \
	{                                                                                          \
		.name = (n), .type = CMDLINE_BOOL, .var = &(v), .size = sizeof(v)                  \
	}
#define CMDLINE_PARAM_UINT(n, v)                                                                   \
	{                                                                                          \
		.name = (n), .type = CMDLINE_UINT, .var = &(v), .size = sizeof(v)                  \
	}
#define CMDLINE_PARAM_SIZE(n, v)                                                                   \
	{                                                                                          \
		.name = (n), .type = CMDLINE_SIZE, .var = &(v), .size = sizeof(v)                  \
	}
/* buf must be an array, not a pointer. */
#define CMDLINE_PARAM_STRING(n, buf)                                                               \
	{                                                                                          \
		.name = (n), .type = CMDLINE_STRING, .var = (buf), .size = sizeof(buf)             \
	}
#define CMDLINE_PARAM_CUSTOM(n, fn)                                                                \
	{                                                                                          \
		.name = (n), .type = CMDLINE_CUSTOM, .custom = (fn)                                \
	}

/*
 * Told about each problem: name and value (value NULL if none given; both
 * valid only during the call) and why: -ENOENT unknown option, -EINVAL bad
 * value, -ERANGE number too big for the variable, -ENAMETOOLONG name or
 * value too long, or a custom callback's error.
 */
typedef void (*cmdline_report_fn)(const char *name, const char *value, int err);

/*
 * Parses cmdline (NULL is an empty line) against params[0..n-1].  Problems
 * go to report, or to printk(KLOG_WARNING) if report is NULL.  Returns the
 * number of problems (0 when everything was understood).
 */
unsigned int cmdline_parse(const char *cmdline, const struct cmdline_param *params, size_t n,
			   cmdline_report_fn report);

/* Xen's boolean words: returns 0 and sets *out, or -EINVAL. */
int cmdline_parse_bool(const char *s, bool *out);

/* A whole string as decimal or 0x hex: returns 0, -EINVAL or -ERANGE (above 2^64-1). */
int cmdline_parse_uint(const char *s, uint64_t *out);

/* A whole string as a size in bytes (suffixes above): 0, -EINVAL or -ERANGE. */
int cmdline_parse_size(const char *s, uint64_t *out);

/*
 * Splits a boot module string "path arg1 arg2 ..." : copies the path (up to
 * the first space) into path[path_size] and points *args at what follows
 * the spaces after it ("" if nothing).  Leading spaces are skipped.
 * Returns 0, -EINVAL for an empty string, -ENAMETOOLONG if the path does
 * not fit (path is then "").
 */
int cmdline_split_module(const char *str, char *path, size_t path_size, const char **args);

#endif /* LIB_CMDLINE_H */
