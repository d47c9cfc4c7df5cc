/*
 * dom0-tools/xl_config_parse.c - the xl.cfg(5) syntax layer (grammar and
 * limits in xl_config_parse.h).
 *
 * Owns: the caller's struct xlcfg for the duration of a call.  The text is
 * scanned once, left to right, by a hand-written recursive-descent parser
 * that never recurses more than two levels (a list's items are scalars), so
 * hostile input cannot exhaust the stack.  A first pass over the raw bytes
 * refuses NUL bytes and over-long lines, so the parser proper can treat
 * the text as ordinary lines.
 *
 * Messages quote the file's own text only as runs of key and number
 * characters, or through safe_char()/xlcfg_quote(), which show other bytes
 * as hex or '?': a message must not carry escape sequences to the
 * operator's terminal.
 *
 * No globals, no locks; the struct is the whole state.
 */
#include "dom0-tools/xl_config_parse.h"

#include <stdarg.h>

#include "lib/ctype.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

#define END (-1) /* peek() at the end of the text */

struct scan {
	struct xlcfg *cfg;
	const char *text;
	size_t len, pos;
	uint32_t line;	   /* 1-based line of text[pos] */
	size_t line_start; /* offset of the first byte of that line */
	bool bare_words;   /* a setting given after the file: name=web2 means "web2" */
};

static int peek(const struct scan *s)
{
	return s->pos < s->len ? (unsigned char)s->text[s->pos] : END;
}

static int peek_at(const struct scan *s, size_t ahead)
{
	return s->pos + ahead < s->len ? (unsigned char)s->text[s->pos + ahead] : END;
}

static void advance(struct scan *s)
{
	if (s->text[s->pos++] == '\n') {
		s->line++;
		s->line_start = s->pos;
	}
}

static uint32_t column(const struct scan *s)
{
	return (uint32_t)(s->pos - s->line_start + 1);
}

static const char *file_name(const struct xlcfg *cfg)
{
	return cfg->file ? cfg->file : "(config)";
}

static void vreport(char *buf, const struct xlcfg *cfg, uint32_t line, uint32_t col,
		    const char *fmt, va_list ap)
{
	int n;

	if (line >= XLCFG_ARG_LINE)
		n = format_snprintf(buf, XLCFG_MSG_MAX, "%s: setting %u given after it: ",
				    file_name(cfg), line - XLCFG_ARG_LINE + 1);
	else if (line && col)
		n = format_snprintf(buf, XLCFG_MSG_MAX, "%s:%u:%u: ", file_name(cfg), line, col);
	else if (line)
		n = format_snprintf(buf, XLCFG_MSG_MAX, "%s:%u: ", file_name(cfg), line);
	else
		n = format_snprintf(buf, XLCFG_MSG_MAX, "%s: ", file_name(cfg));
	if (n < XLCFG_MSG_MAX)
		format_vsnprintf(buf + n, XLCFG_MSG_MAX - (size_t)n, fmt, ap);
}

void xlcfg_error(struct xlcfg *cfg, uint32_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cfg->diag.error, cfg, line, 0, fmt, ap);
	va_end(ap);
}

void xlcfg_warn(struct xlcfg *cfg, uint32_t line, const char *fmt, ...)
{
	struct xlcfg_diag *d = &cfg->diag;
	va_list ap;

	if (d->nr_warnings == XLCFG_MAX_WARNINGS) {
		d->dropped_warnings++;
		return;
	}
	va_start(ap, fmt);
	vreport(d->warnings[d->nr_warnings++], cfg, line, 0, fmt, ap);
	va_end(ap);
}

/* A syntax error at line:col; returns rc so callers can `return fail(...)`. */
static int __printf(5, 6)
    fail_at(struct scan *s, int rc, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(s->cfg->diag.error, s->cfg, line, col, fmt, ap);
	va_end(ap);
	return rc;
}

#define fail(s, rc, ...) fail_at((s), (rc), (s)->line, column(s), __VA_ARGS__)

/* What the parser found instead, in words: "'x'", "end of line", "byte 0x07". */
static const char *safe_char(int c, char buf[16])
{
	if (c == END)
		return "end of file";
	if (c == '\n' || c == '\r')
		return "end of line";
	if (c > 0x20 && c < 0x7f)
		format_snprintf(buf, 16, "'%c'", c);
	else if (c == ' ' || c == '\t')
		return "a blank";
	else
		format_snprintf(buf, 16, "byte 0x%02x", (unsigned int)c);
	return buf;
}

const char *xlcfg_quote(char *buf, size_t size, const char *str)
{
	size_t len = strlen(str), keep, n;
	bool cut = len >= size;

	if (!size)
		return buf;
	keep = !cut ? len : size > 4 ? size - 4 : 0;
	for (n = 0; n < keep; n++) {
		unsigned char c = (unsigned char)str[n];

		buf[n] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	for (unsigned int i = 0; cut && i < 3 && n + 1 < size; i++)
		buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_key_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_key_char(int c)
{
	return is_key_start(c) || (c >= '0' && c <= '9');
}

/* Characters that continue a word or number token, for messages. */
static bool is_word_char(int c)
{
	return is_key_char(c) || c == '.' || c == '-' || c == '/' || c == ':';
}

static void skip_blanks(struct scan *s)
{
	while (is_blank(peek(s)))
		advance(s);
}

static void skip_comment(struct scan *s)
{
	if (peek(s) != '#')
		return;
	while (peek(s) != END && peek(s) != '\n')
		advance(s);
}

/* Blanks, comments and newlines: what may separate list items. */
static void skip_space_lines(struct scan *s)
{
	for (;;) {
		skip_blanks(s);
		skip_comment(s);
		if (peek(s) != '\n')
			return;
		advance(s);
	}
}

/*
 * The raw-byte pass: a NUL byte means this is no text file, and a line
 * longer than XLCFG_MAX_LINE is refused before anything is parsed.
 */
static int check_text(struct scan *s)
{
	uint32_t line = s->line;
	size_t start = 0;

	for (size_t i = 0; i < s->len; i++) {
		if (s->text[i] == '\0')
			return fail_at(s, -EINVAL, line, (uint32_t)(i - start + 1),
				       "NUL byte: a config file is text");
		if (s->text[i] == '\n') {
			line++;
			start = i + 1;
		} else if (i - start == XLCFG_MAX_LINE) {
			return fail_at(s, -E2BIG, line, (uint32_t)(i - start + 1),
				       "line longer than %u bytes", XLCFG_MAX_LINE);
		}
	}
	return 0;
}

static int parse_escape(struct scan *s, unsigned int *out)
{
	static const char from[] = "ntrabfv\\\"'";
	static const char to[] = "\n\t\r\a\b\f\v\\\"'";
	uint32_t col = column(s);
	unsigned int v = 0, digits = 0;
	char buf[16];
	int c;

	advance(s); /* the backslash */
	c = peek(s);
	if (c == END || c == '\n')
		return fail(s, -EINVAL, "unterminated string: a backslash ends the line");
	for (unsigned int i = 0; from[i]; i++) {
		if (c == from[i]) {
			advance(s);
			*out = (unsigned char)to[i];
			return 0;
		}
	}
	if (c == 'x') {
		advance(s);
		while (digits < 2 && digit_value((char)peek(s)) < 16) {
			v = v * 16 + (unsigned int)digit_value((char)peek(s));
			digits++;
			advance(s);
		}
	} else if (c >= '0' && c <= '7') {
		while (digits < 3 && peek(s) >= '0' && peek(s) <= '7') {
			v = v * 8 + (unsigned int)(peek(s) - '0');
			digits++;
			advance(s);
		}
	} else {
		return fail_at(s, -EINVAL, s->line, col,
			       "unknown escape: backslash then %s (known: \\n \\t \\r \\a \\b \\f "
			       "\\v \\\\ \\\" \\' \\xHH \\OOO)",
			       safe_char(c, buf));
	}
	if (!digits)
		return fail_at(s, -EINVAL, s->line, col, "\\x needs one or two hex digits");
	if (v > 0xff)
		return fail_at(s, -EINVAL, s->line, col, "octal escape above \\377");
	if (v == 0)
		return fail_at(s, -EINVAL, s->line, col, "a string cannot hold a NUL byte");
	*out = v;
	return 0;
}

/* Whether a string of n bytes (and its NUL) fits the limits: 0, or the error. */
static int string_fits(struct scan *s, const struct xlcfg_value *v, uint32_t n)
{
	if (n > XLCFG_MAX_STRING)
		return fail_at(s, -E2BIG, v->line, v->col, "string longer than %u bytes",
			       XLCFG_MAX_STRING);
	if (s->cfg->pool_used + n + 1 > XLCFG_STRING_POOL)
		return fail_at(s, -E2BIG, v->line, v->col,
			       "the file's strings exceed %u bytes in all", XLCFG_STRING_POOL);
	return 0;
}

/* The n bytes written at the pool's end become v's string. */
static void string_close(struct xlcfg *cfg, struct xlcfg_value *v, uint32_t n)
{
	cfg->pool[cfg->pool_used + n] = '\0';
	v->type = XLCFG_STRING;
	v->str = cfg->pool_used;
	v->str_len = n;
	cfg->pool_used += n + 1;
}

static int parse_string(struct scan *s, struct xlcfg_value *v)
{
	struct xlcfg *cfg = s->cfg;
	int quote = peek(s);
	uint32_t n = 0;
	int rc = string_fits(s, v, 0);

	if (rc)
		return rc;
	advance(s);
	for (;;) {
		unsigned int byte = 0;
		int c = peek(s);

		if (c == END || c == '\n')
			return fail_at(s, -EINVAL, v->line, v->col,
				       "unterminated string: no closing %c on this line", quote);
		if (c == quote) {
			advance(s);
			break;
		}
		if (c == '\\') {
			rc = parse_escape(s, &byte);
			if (rc)
				return rc;
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			return fail(s, -EINVAL, "control byte 0x%02x in a string: write an escape",
				    (unsigned int)c);
		} else {
			byte = (unsigned int)c;
			advance(s);
		}
		rc = string_fits(s, v, n + 1);
		if (rc)
			return rc;
		cfg->pool[cfg->pool_used + n++] = (char)byte;
	}
	string_close(cfg, v, n);
	return 0;
}

/*
 * A value without quotes as a string, up to the end of its line: only in
 * a setting given after the file, where the operator's shell has already
 * eaten the quotes (`vmctl create web.cfg name="web2" extra="a=b c"`
 * arrives as name=web2 and "extra=a=b c").  Control bytes are refused as
 * in a quoted string.
 */
static int parse_bare_value(struct scan *s, struct xlcfg_value *v)
{
	uint32_t n = 0;
	int c, rc;

	while ((c = peek_at(s, n)) != END && c != '\n') {
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail_at(s, -EINVAL, v->line, v->col + n,
				       "control byte 0x%02x in a value", (unsigned int)c);
		n++;
	}
	while (n && (s->text[s->pos + n - 1] == ' ' || s->text[s->pos + n - 1] == '\t'))
		n--;
	rc = string_fits(s, v, n);
	if (rc)
		return rc;
	memcpy(s->cfg->pool + s->cfg->pool_used, s->text + s->pos, n);
	string_close(s->cfg, v, n);
	for (uint32_t i = 0; i < n; i++)
		advance(s);
	return 0;
}

static unsigned int number_base(const char *tok, size_t len, size_t *skip)
{
	if (len > 1 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
		*skip = 2;
		return 16;
	}
	*skip = tok[0] == '0' && len > 1 ? 1 : 0;
	return *skip ? 8 : 10;
}

static int parse_number(struct scan *s, struct xlcfg_value *v, const char *key)
{
	const char *tok;
	size_t len = 0, skip;
	uint64_t mag = 0;
	unsigned int base;
	bool neg = peek(s) == '-';

	v->type = XLCFG_NUMBER;
	if (neg)
		advance(s);
	if (peek(s) < '0' || peek(s) > '9')
		return fail(s, -EINVAL, "\"%s\": expected a digit after '-'", key);
	tok = s->text + s->pos;
	while (is_word_char(peek(s))) {
		advance(s);
		len++;
	}
	base = number_base(tok, len, &skip);
	if (skip == len && base == 16)
		return fail_at(s, -EINVAL, v->line, v->col, "\"%s\": 0x needs hex digits", key);
	for (size_t i = skip; i < len; i++) {
		unsigned int d = (unsigned int)digit_value(tok[i]);

		if (d >= base)
			return fail_at(s, -EINVAL, v->line, v->col,
				       "\"%s\": malformed number \"%.*s\" (whole numbers only: "
				       "decimal, 0x hex, or 0 octal; no units)",
				       key, (int)MIN(len, 32), tok);
		if (mag > (UINT64_MAX - d) / base)
			return fail_at(s, -EINVAL, v->line, v->col,
				       "\"%s\": number \"%.*s\" out of range", key,
				       (int)MIN(len, 32), tok);
		mag = mag * base + d;
	}
	if (mag > (uint64_t)INT64_MAX + neg)
		return fail_at(s, -EINVAL, v->line, v->col,
			       "\"%s\": number \"%s%.*s\" out of range", key, neg ? "-" : "",
			       (int)MIN(len, 32), tok);
	v->num = !neg ? (int64_t)mag : mag > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)mag;
	return 0;
}

/* A value cannot start here: say what was found, with a hint for bare words. */
static int bad_value(struct scan *s, const char *key, bool in_list)
{
	const char *tok = s->text + s->pos;
	size_t len = 0;
	char buf[16];
	int c = peek(s);

	if (is_key_start(c) || c == '/') {
		while (is_word_char(peek_at(s, len)) && len < 32)
			len++;
		return fail(s, -EINVAL,
			    "\"%s\": expected a value, got bare word %.*s: strings need quotes "
			    "(\"%.*s\")",
			    key, (int)len, tok, (int)len, tok);
	}
	if (in_list)
		return fail(s, -EINVAL, "\"%s\": expected a list item or ']', got %s", key,
			    safe_char(c, buf));
	return fail(s, -EINVAL, "\"%s\": expected a value (\"string\", number or [list]), got %s",
		    key, safe_char(c, buf));
}

static int parse_list(struct scan *s, struct xlcfg_value *v, const char *key);

static int parse_value(struct scan *s, struct xlcfg_value *v, const char *key, bool in_list)
{
	int c = peek(s);

	v->line = s->line;
	v->col = column(s);
	if (c == '"' || c == '\'')
		return parse_string(s, v);
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(s, v, key);
	if (c == '[' && in_list)
		return fail(s, -EINVAL, "\"%s\": nested lists are not supported", key);
	if (c == '[')
		return parse_list(s, v, key);
	if (s->bare_words && !in_list && (is_key_start(c) || c == '/'))
		return parse_bare_value(s, v);
	return bad_value(s, key, in_list);
}

static int parse_list(struct scan *s, struct xlcfg_value *v, const char *key)
{
	struct xlcfg *cfg = s->cfg;
	char buf[16];
	int rc;

	v->type = XLCFG_LIST;
	v->list.first = (uint16_t)cfg->nr_items;
	v->list.count = 0;
	advance(s); /* '[' */
	for (;;) {
		skip_space_lines(s);
		if (peek(s) == ']')
			break;
		if (peek(s) == END)
			goto unterminated;
		if (cfg->nr_items == XLCFG_MAX_ITEMS)
			return fail(s, -E2BIG, "\"%s\": more than %u list items in the file", key,
				    XLCFG_MAX_ITEMS);
		rc = parse_value(s, &cfg->items[cfg->nr_items], key, true);
		if (rc)
			return rc;
		cfg->nr_items++;
		v->list.count++;
		skip_space_lines(s);
		if (peek(s) == ',') {
			advance(s);
			continue;
		}
		if (peek(s) == ']')
			break;
		if (peek(s) == END)
			goto unterminated;
		return fail(s, -EINVAL, "\"%s\": expected ',' or ']' after list item %u, got %s",
			    key, v->list.count, safe_char(peek(s), buf));
	}
	advance(s); /* ']' */
	return 0;

unterminated:
	return fail_at(s, -EINVAL, v->line, v->col,
		       "\"%s\": unterminated list: this '[' has no ']' before the end of the file",
		       key);
}

/* Stores key = value; a key seen before keeps its place and takes the new value. */
static int store(struct scan *s, const char *key, uint32_t line, uint32_t col,
		 const struct xlcfg_value *v)
{
	struct xlcfg *cfg = s->cfg;
	struct xlcfg_setting *set = NULL;

	for (unsigned int i = 0; i < cfg->nr_settings && !set; i++)
		if (!strcmp(cfg->settings[i].key, key))
			set = &cfg->settings[i];
	if (set) {
		if (line < XLCFG_ARG_LINE) /* an argument after the file overrides on purpose */
			xlcfg_warn(cfg, line, "\"%s\" set again (first at line %u): the last value wins",
				   key, set->line);
	} else {
		if (cfg->nr_settings == XLCFG_MAX_SETTINGS)
			return fail_at(s, -E2BIG, line, col, "more than %u settings in the file",
				       XLCFG_MAX_SETTINGS);
		set = &cfg->settings[cfg->nr_settings++];
		strlcpy(set->key, key, sizeof(set->key));
	}
	set->line = line;
	set->col = col;
	set->value = *v;
	return 0;
}

static int parse_statement(struct scan *s)
{
	char key[XLCFG_MAX_KEY + 1], buf[16];
	uint32_t line = s->line, col = column(s);
	struct xlcfg_value v;
	size_t n = 0;
	int rc;

	if (!is_key_start(peek(s)))
		return fail(s, -EINVAL, "expected a key (a name such as memory), got %s",
			    safe_char(peek(s), buf));
	while (is_key_char(peek(s))) {
		if (n == XLCFG_MAX_KEY)
			return fail_at(s, -E2BIG, line, col, "key longer than %u bytes",
				       XLCFG_MAX_KEY);
		key[n++] = (char)peek(s);
		advance(s);
	}
	key[n] = '\0';
	skip_blanks(s);
	if (peek(s) == '+' && peek_at(s, 1) == '=')
		return fail(s, -EINVAL,
			    "\"%s\": '+=' is not supported: give the whole value with '='", key);
	if (peek(s) != '=')
		return fail(s, -EINVAL, "expected '=' after key \"%s\", got %s", key,
			    safe_char(peek(s), buf));
	advance(s);
	skip_blanks(s);
	rc = parse_value(s, &v, key, false);
	if (rc)
		return rc;
	rc = store(s, key, line, col, &v);
	if (rc)
		return rc;
	skip_blanks(s);
	skip_comment(s);
	if (peek(s) != END && peek(s) != '\n' && peek(s) != ';')
		return fail(s, -EINVAL,
			    "expected ';' or end of line after the value of \"%s\", got %s", key,
			    safe_char(peek(s), buf));
	return 0;
}

/* Parses text's statements into cfg as it is, numbering its lines from first_line. */
static int parse_text(struct xlcfg *cfg, const char *text, size_t len, uint32_t first_line)
{
	struct scan s = {.cfg = cfg, .text = text, .len = len, .line = first_line,
			 .bare_words = first_line >= XLCFG_ARG_LINE};
	int rc = check_text(&s);

	while (!rc) {
		skip_space_lines(&s);
		if (peek(&s) == ';') {
			advance(&s);
			continue;
		}
		if (peek(&s) == END)
			break;
		rc = parse_statement(&s);
	}
	return rc;
}

int xlcfg_parse(struct xlcfg *cfg, const char *file, const char *text, size_t len)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->file = file;
	return parse_text(cfg, text, len, 1);
}

int xlcfg_parse_arg(struct xlcfg *cfg, unsigned int index, const char *text, size_t len)
{
	if (index >= XLCFG_MAX_ARGS) {
		xlcfg_error(cfg, 0, "more than %u settings given after it", XLCFG_MAX_ARGS);
		return -E2BIG;
	}
	return parse_text(cfg, text, len, XLCFG_ARG_LINE + index);
}

const struct xlcfg_setting *xlcfg_find(const struct xlcfg *cfg, const char *key)
{
	for (unsigned int i = 0; i < cfg->nr_settings; i++)
		if (!strcmp(cfg->settings[i].key, key))
			return &cfg->settings[i];
	return NULL;
}

const char *xlcfg_string(const struct xlcfg *cfg, const struct xlcfg_value *v)
{
	if (v->type != XLCFG_STRING || v->str >= XLCFG_STRING_POOL)
		return "";
	return cfg->pool + v->str;
}

const struct xlcfg_value *xlcfg_item(const struct xlcfg *cfg, const struct xlcfg_value *list,
				     unsigned int i)
{
	return &cfg->items[list->list.first + i];
}

const char *xlcfg_type_name(enum xlcfg_type type)
{
	switch (type) {
	case XLCFG_STRING:
		return "a string";
	case XLCFG_NUMBER:
		return "a number";
	case XLCFG_LIST:
		return "a list";
	}
	return "nothing";
}
