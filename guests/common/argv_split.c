/*
 * guests/common/argv_split.c - the command-line splitter (argv_split.h
 * has the syntax).
 *
 * A single pass over the line with an output cursor into the caller's
 * buffer.  Invariants: out never passes buf + buf_size (every byte is
 * checked before it is written); a word is entered into argv only once it
 * is complete and terminated, so argv never points at a half-built word.
 */
#include <stdbool.h>

#include "guests/common/argv_split.h"
#include "lib/errno.h"

struct splitter {
	const char *p;	/* next byte of the line */
	char *out;	/* next free byte of buf */
	char *end;	/* buf + buf_size */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int put(struct splitter *s, char c)
{
	if (s->out == s->end)
		return -ENAMETOOLONG;
	*s->out++ = c;
	return 0;
}

/* Copies a '...' or "..." part; s->p is on the opening quote. */
static int quoted(struct splitter *s)
{
	char q = *s->p++;
	int rc;

	for (;;) {
		char c = *s->p;

		if (c == '\0')
			return -EINVAL;
		s->p++;
		if (c == q)
			return 0;
		if (q == '"' && c == '\\' && (*s->p == '"' || *s->p == '\\'))
			c = *s->p++;
		rc = put(s, c);
		if (rc)
			return rc;
	}
}

/* Copies one word (s->p on its first byte) and terminates it. */
static int word(struct splitter *s)
{
	int rc = 0;

	while (*s->p != '\0' && !is_blank(*s->p)) {
		char c = *s->p;

		if (c == '\'' || c == '"') {
			rc = quoted(s);
		} else if (c == '\\') {
			if (s->p[1] == '\0')
				return -EINVAL;
			rc = put(s, s->p[1]);
			s->p += 2;
		} else {
			rc = put(s, c);
			s->p++;
		}
		if (rc)
			return rc;
	}
	return put(s, '\0');
}

static int split(struct splitter *s, char **argv, size_t argv_size, size_t *argc)
{
	size_t n = 0;
	int rc;

	for (;;) {
		while (is_blank(*s->p))
			s->p++;
		if (*s->p == '\0' || *s->p == '#')
			break;
		if (n + 1 >= argv_size)
			return -E2BIG;
		argv[n] = s->out;
		rc = word(s);
		if (rc)
			return rc;
		n++;
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

int argv_split(const char *line, char *buf, size_t buf_size, char **argv, size_t argv_size,
	       size_t *argc)
{
	struct splitter s = { .p = line, .out = buf, .end = buf + buf_size };
	int rc;

	*argc = 0;
	if (argv_size == 0)
		return -E2BIG;
	rc = split(&s, argv, argv_size, argc);
	if (rc) {
		*argc = 0;
		argv[0] = NULL;
	}
	return rc;
}

const char *argv_split_strerror(int rc)
{
	switch (rc) {
	case 0:
		return "ok";
	case -EINVAL:
		return "unterminated quote or trailing backslash";
	case -E2BIG:
		return "too many arguments";
	case -ENAMETOOLONG:
		return "line too long";
	default:
		return "unknown error";
	}
}
