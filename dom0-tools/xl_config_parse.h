/*
 * dom0-tools/xl_config_parse.h - the syntax of xl's domain configuration
 * files (xl.cfg(5)), read into caller-provided storage.
 *
 * Owns: nothing but the caller's struct xlcfg.  The text is read once and
 * never kept: keys and dequoted strings are copied into the struct, so the
 * caller may free or reuse its buffer after xlcfg_parse() returns.  The
 * struct holds offsets, not pointers, so it may be copied.
 *
 * The text is hostile (it comes from a user's file): every byte is checked,
 * every limit below is an error naming the file, line and column, and
 * nothing is ever written outside the struct.  No malloc, no libc beyond
 * lib/ (this builds into the dom0 PV kernel too), no globals, no locks.
 *
 * Grammar (docs/guest-config.md has the prose and the examples):
 *
 *   file      := { statement ( ';' | NEWLINE | EOF ) }
 *   statement := empty | KEY blank* '=' blank* value blank*
 *   KEY       := [A-Za-z_][A-Za-z0-9_]*
 *   value     := STRING | NUMBER | '[' [ item { ',' item } [ ',' ] ] ']'
 *   item      := STRING | NUMBER            (inside [...] newlines and
 *                                            comments may appear anywhere)
 *   STRING    := '"' chars '"' | "'" chars "'"   (one line; C escapes)
 *   NUMBER    := ['-'] ( [1-9][0-9]* | 0[0-7]* | 0[xX][0-9a-fA-F]+ )
 *   '#' starts a comment up to the end of the line (not inside a string).
 *
 * Where this differs from xl: nested lists and `+=` are refused with a
 * message saying so (no key Keel reads takes either); a key given twice
 * keeps the last value, as xl does, and adds a warning naming both lines.
 *
 * Errors: 0 or a negative Xen errno, and one message in diag.error:
 *   -EINVAL  a syntax error:        "FILE:LINE:COL: what was expected"
 *   -E2BIG   a limit below exceeded: "FILE:LINE:COL: ... (limit N)"
 */
#ifndef DOM0_TOOLS_XL_CONFIG_PARSE_H
#define DOM0_TOOLS_XL_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"

/*
 * Limits.  Real xl files are a few dozen short lines; these leave a wide
 * margin while keeping struct xlcfg at about 40 KiB, small enough for a
 * static buffer in the dom0 kernel.  One string holds a whole kernel
 * command line: Xen's MAX_GUEST_CMDLINE less its NUL.
 */
#define XLCFG_MAX_LINE	   4096	 /* bytes in one line, newline excluded */
#define XLCFG_MAX_KEY	   63	 /* bytes in a key */
#define XLCFG_MAX_STRING   1023	 /* bytes in one string, after escapes */
#define XLCFG_MAX_SETTINGS 128	 /* KEY = VALUE statements, duplicates included */
#define XLCFG_MAX_ITEMS	   256	 /* list items, summed over all lists */
#define XLCFG_STRING_POOL  16384 /* bytes of all strings, one NUL each */
#define XLCFG_MSG_MAX	   256	 /* one error or warning line */
#define XLCFG_MAX_WARNINGS 16	 /* kept; later ones are only counted */

enum xlcfg_type {
	XLCFG_STRING = 1,
	XLCFG_NUMBER,
	XLCFG_LIST,
};

/* A value with where it starts in the file (1-based line and column). */
struct xlcfg_value {
	enum xlcfg_type type;
	uint32_t line, col;
	union {
		int64_t num;  /* XLCFG_NUMBER */
		uint32_t str; /* XLCFG_STRING: offset in the pool, see xlcfg_string() */
		struct {      /* XLCFG_LIST: items[first .. first + count) */
			uint16_t first, count;
		} list;
	};
	uint32_t str_len; /* XLCFG_STRING: bytes, NUL excluded */
};

struct xlcfg_setting {
	char key[XLCFG_MAX_KEY + 1];
	uint32_t line, col; /* of the key of the statement that won */
	struct xlcfg_value value;
};

/* What went wrong, for the caller to print; nothing here prints. */
struct xlcfg_diag {
	char error[XLCFG_MSG_MAX];     /* "" until something failed */
	unsigned int nr_warnings;      /* entries of warnings[] in use */
	unsigned int dropped_warnings; /* warnings past XLCFG_MAX_WARNINGS */
	char warnings[XLCFG_MAX_WARNINGS][XLCFG_MSG_MAX];
};

struct xlcfg {
	const char *file; /* name used in messages; must outlive the struct */
	unsigned int nr_settings;
	unsigned int nr_items;
	uint32_t pool_used;
	struct xlcfg_setting settings[XLCFG_MAX_SETTINGS];
	struct xlcfg_value items[XLCFG_MAX_ITEMS];
	char pool[XLCFG_STRING_POOL];
	struct xlcfg_diag diag;
};

/*
 * Parses len bytes of text (need not be NUL-terminated; a NUL byte in it
 * is an error) into cfg, which is reset first.  file names the text in
 * messages and must stay valid as long as cfg is used.  Returns 0,
 * -EINVAL or -E2BIG; on error cfg->diag.error says where and why, and
 * cfg holds the settings read before the error.
 */
int xlcfg_parse(struct xlcfg *cfg, const char *file, const char *text, size_t len);

/*
 * Settings given after the file, as `xl create FILE KEY=VALUE ...` takes
 * them: parses text (argument index, from 0) into cfg as parsed so far.
 * A key already set takes the new value without a warning (overriding is
 * the point); a value without quotes that is not a number or a list is
 * a string up to the end of the line (the shell ate the quotes of
 * name="web2"); and messages name the argument ("FILE: setting 2 given
 * after it: ..."): its statements' line numbers are XLCFG_ARG_LINE +
 * index.  Returns as xlcfg_parse.
 */
#define XLCFG_ARG_LINE 0x40000000u
#define XLCFG_MAX_ARGS 64
int xlcfg_parse_arg(struct xlcfg *cfg, unsigned int index, const char *text, size_t len);

/* The setting named key, or NULL if the file has none. */
const struct xlcfg_setting *xlcfg_find(const struct xlcfg *cfg, const char *key);

/* The NUL-terminated text of an XLCFG_STRING value (never NULL). */
const char *xlcfg_string(const struct xlcfg *cfg, const struct xlcfg_value *v);

/* Item i (< list->list.count) of an XLCFG_LIST value. */
const struct xlcfg_value *xlcfg_item(const struct xlcfg *cfg, const struct xlcfg_value *list,
				     unsigned int i);

/* "a string", "a number", "a list": for messages about the wrong type. */
const char *xlcfg_type_name(enum xlcfg_type type);

/*
 * Copies str into buf (size bytes) for a message: bytes that are not
 * printable ASCII become '?', and a string too long for buf ends in "...".
 * Returns buf.  Values from the file are quoted only through this, so a
 * message cannot carry escape sequences to the operator's terminal.
 */
const char *xlcfg_quote(char *buf, size_t size, const char *str);

/*
 * Formats "FILE:LINE: message" into diag.error (line 0: "FILE: message").
 * The semantic layer reports through these too, so every message about a
 * file has the same shape.
 */
void xlcfg_error(struct xlcfg *cfg, uint32_t line, const char *fmt, ...) __printf(3, 4);

/*
 * Appends "FILE:LINE: message" to diag.warnings, or counts it in
 * dropped_warnings once XLCFG_MAX_WARNINGS are kept.
 */
void xlcfg_warn(struct xlcfg *cfg, uint32_t line, const char *fmt, ...) __printf(3, 4);

#endif /* DOM0_TOOLS_XL_CONFIG_PARSE_H */
