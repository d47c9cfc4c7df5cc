/*
 * lib/cmdline.c - Xen-style command-line parsing (syntax in cmdline.h).
 *
 * Owns: nothing beyond the call; every token is copied into bounded
 * buffers on the stack (name and value, about 320 bytes) so the caller's
 * string is never written and callbacks get NUL-terminated strings.
 *
 * A problem is reported once and parsing goes on with the next token:
 * a hypervisor that refuses to boot over a typo on its command line is
 * worse than one that boots and says what it ignored.
 *
 * No locks, no globals.
 */
#include "lib/cmdline.h"

#include "lib/ctype.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds the token at or after *pos; spaces inside double quotes belong to it. */
static bool next_token(const char **pos, const char **start, size_t *len)
{
	const char *p = *pos;
	bool quoted = false;

	while (is_space(*p))
		p++;
	if (!*p)
		return false;
	*start = p;
	for (; *p && (quoted || !is_space(*p)); p++)
		if (*p == '"')
			quoted = !quoted;
	*len = (size_t)(p - *start);
	*pos = p;
	return true;
}

/* Copies s[0..len) without double quotes; truncates and fails if it does not fit. */
static int copy_unquoted(char *buf, size_t size, const char *s, size_t len)
{
	size_t n = 0;
	int err = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			continue;
		if (n + 1 >= size) {
			err = -ENAMETOOLONG;
			break;
		}
		buf[n++] = s[i];
	}
	buf[n] = '\0';
	return err;
}

int cmdline_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "yes", "on", "true", "enable"};
	static const char *const no[] = {"0", "no", "off", "false", "disable"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* Reads a decimal or 0x-hex number at s; *end is the first character after it. */
static int parse_number(const char *s, uint64_t *out, const char **end)
{
	unsigned int base = 10;
	const char *start;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (start = s; digit_value(*s) < (int)base; s++) {
		unsigned int d = (unsigned int)digit_value(*s);

		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (s == start)
		return -EINVAL;
	*out = v;
	*end = s;
	return 0;
}

int cmdline_parse_uint(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int err = parse_number(s, &v, &end);

	if (err)
		return err;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Bits a size suffix shifts by, or -1 for an unknown suffix. */
static int suffix_shift(const char *s)
{
	if (!s[0])
		return 10; /* Xen: no suffix means KiB */
	if (s[1])
		return -1;
	switch (s[0]) {
	case 'B':
	case 'b':
		return 0;
	case 'K':
	case 'k':
		return 10;
	case 'M':
	case 'm':
		return 20;
	case 'G':
	case 'g':
		return 30;
	case 'T':
	case 't':
		return 40;
	}
	return -1;
}

int cmdline_parse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int shift, err = parse_number(s, &v, &end);

	if (err)
		return err;
	shift = suffix_shift(end);
	if (shift < 0)
		return -EINVAL;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

/* Stores v into an unsigned variable of `size` bytes if it fits. */
static int store_uint(void *var, size_t size, uint64_t v)
{
	switch (size) {
	case 1:
		if (v > UINT8_MAX)
			return -ERANGE;
		*(uint8_t *)var = (uint8_t)v;
		return 0;
	case 2:
		if (v > UINT16_MAX)
			return -ERANGE;
		*(uint16_t *)var = (uint16_t)v;
		return 0;
	case 4:
		if (v > UINT32_MAX)
			return -ERANGE;
		*(uint32_t *)var = (uint32_t)v;
		return 0;
	case 8:
		*(uint64_t *)var = v;
		return 0;
	}
	return -EINVAL; /* a table entry with a variable we cannot store into */
}

/* Gives value (NULL if the option had none) to the parameter p. */
static int apply(const struct cmdline_param *p, const char *value)
{
	bool b = true;
	uint64_t v;
	int err;

	switch (p->type) {
	case CMDLINE_BOOL:
		if (value && (err = cmdline_parse_bool(value, &b)))
			return err;
		*(bool *)p->var = b;
		return 0;
	case CMDLINE_UINT:
	case CMDLINE_SIZE:
		if (!value)
			return -EINVAL;
		err = p->type == CMDLINE_SIZE ? cmdline_parse_size(value, &v)
					      : cmdline_parse_uint(value, &v);
		return err ? err : store_uint(p->var, p->size, v);
	case CMDLINE_STRING:
		if (!value)
			return -EINVAL;
		if (strlen(value) >= p->size)
			return -ENAMETOOLONG;
		memcpy(p->var, value, strlen(value) + 1);
		return 0;
	case CMDLINE_CUSTOM:
		return p->custom(value);
	}
	return -EINVAL;
}

/* Names are equal, with '-' and '_' interchangeable. */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		bool dash_a = *a == '-' || *a == '_', dash_b = *b == '-' || *b == '_';

		if (*a != *b && !(dash_a && dash_b))
			return false;
	}
	return *a == *b;
}

static const struct cmdline_param *find_param(const struct cmdline_param *params, size_t n,
					      const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (name_eq(params[i].name, name))
			return &params[i];
	return NULL;
}

/* Applies one option; returns 0 or why it was not understood. */
static int apply_option(const struct cmdline_param *params, size_t n, const char *name,
			const char *value)
{
	const struct cmdline_param *p = find_param(params, n, name);

	if (p)
		return apply(p, value);
	if (!strncmp(name, "no-", 3)) {
		p = find_param(params, n, name + 3);
		if (p && p->type == CMDLINE_BOOL) {
			if (value) /* Xen leaves "no-x=value" undefined: refuse it */
				return -EINVAL;
			*(bool *)p->var = false;
			return 0;
		}
	}
	return -ENOENT;
}

static const char *problem_text(int err)
{
	switch (err) {
	case -ENOENT:
		return "unknown option";
	case -ERANGE:
		return "value out of range for";
	case -ENAMETOOLONG:
		return "too long:";
	default:
		return "bad value for";
	}
}

/* Reports one problem; returns 1 to count it. */
static unsigned int problem(cmdline_report_fn report, const char *name, const char *value, int err)
{
	if (report)
		report(name, value, err);
	else
		printk(KLOG_WARNING "cmdline: %s '%s%s%s' (ignored)\n", problem_text(err), name,
		       value ? "=" : "", value ? value : "");
	return 1;
}

/* Parses one token; returns 1 if it was a problem. */
static unsigned int parse_option(const char *tok, size_t len, const struct cmdline_param *params,
				 size_t n, cmdline_report_fn report)
{
	char name[CMDLINE_NAME_MAX], value[CMDLINE_VALUE_MAX];
	size_t name_len = 0;
	bool has_value;
	int err;

	while (name_len < len && tok[name_len] != '=')
		name_len++;
	has_value = name_len < len;
	err = copy_unquoted(name, sizeof(name), tok, name_len);
	if (has_value && !err)
		err = copy_unquoted(value, sizeof(value), tok + name_len + 1, len - name_len - 1);
	else if (has_value)
		value[0] = '\0';
	if (!err)
		err = apply_option(params, n, name, has_value ? value : NULL);
	return err ? problem(report, name, has_value ? value : NULL, err) : 0;
}

unsigned int cmdline_parse(const char *cmdline, const struct cmdline_param *params, size_t n,
			   cmdline_report_fn report)
{
	const char *pos = cmdline ? cmdline : "";
	unsigned int problems = 0;
	const char *tok;
	size_t len;

	while (next_token(&pos, &tok, &len))
		problems += parse_option(tok, len, params, n, report);
	return problems;
}

int cmdline_split_module(const char *str, char *path, size_t path_size, const char **args)
{
	size_t len = 0;

	*args = "";
	if (path_size)
		path[0] = '\0';
	while (is_space(*str))
		str++;
	while (str[len] && !is_space(str[len]))
		len++;
	if (!len)
		return -EINVAL;
	if (len >= path_size)
		return -ENAMETOOLONG;
	memcpy(path, str, len);
	path[len] = '\0';
	for (str += len; is_space(*str);)
		str++;
	*args = str;
	return 0;
}
