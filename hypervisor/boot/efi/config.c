/*
 * hypervisor/boot/efi/config.c - parses KEEL.CFG (see config.h for the format).
 *
 * Two steps.  First every line is cut out of the buffer and classified: a
 * section header, a key=value pair (remembered with its section and line
 * number), a comment or a blank.  Then the section to boot is chosen and its
 * pairs are applied in file order, so each error can name its line.
 *
 * No UEFI calls and no C library: this file also builds for the host.
 */
#include <stddef.h>

#include "hypervisor/boot/efi/config.h"

#define CFG_MAX_SECTIONS 32

struct cfg_entry {
	const char *section;
	const char *key;
	char *value;
	unsigned int line;
};

struct cfg_parser {
	struct cfg_entry entries[CFG_MAX_ENTRIES];
	unsigned int nr_entries;
	const char *sections[CFG_MAX_SECTIONS]; /* names seen, [global] excluded */
	unsigned int nr_sections;
	const char *default_name; /* default= in [global], or NULL */
	unsigned int default_line;
	struct cfg_error *err;
};

/* Modules of the chosen section before they are put in boot order. */
struct cfg_pick {
	struct cfg_module kernel;
	struct cfg_module ramdisk;
	struct cfg_module extra[BOOT_MAX_MODULES];
	unsigned int nr_extra;
	unsigned int extra_overflow_line; /* first module= line with no room left */
	unsigned int options_line;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static unsigned long cfg_strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

/* Strips blanks (and a CR) from both ends, in place. */
static char *trim(char *s)
{
	char *end;

	while (is_blank(*s))
		s++;
	end = s + cfg_strlen(s);
	while (end > s && is_blank(end[-1]))
		*--end = '\0';
	return s;
}

static void msg_append(struct cfg_error *err, const char *s)
{
	unsigned long n = cfg_strlen(err->msg);

	while (s && *s && n + 1 < sizeof(err->msg))
		err->msg[n++] = *s++;
	err->msg[n] = '\0';
}

/* Records an error made of up to three strings; always returns -1. */
static int fail(struct cfg_error *err, unsigned int line, const char *a, const char *b,
		const char *c)
{
	err->line = line;
	err->msg[0] = '\0';
	msg_append(err, a);
	msg_append(err, b);
	msg_append(err, c);
	return -1;
}

static void utoa(unsigned long v, char *buf)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*buf++ = tmp[--n];
	*buf = '\0';
}

static int parse_section(struct cfg_parser *p, char *s, unsigned int line,
			 const char **section)
{
	unsigned long len = cfg_strlen(s);
	char num[24];
	char *name;

	if (s[len - 1] != ']')
		return fail(p->err, line, "section header '", s, "' has no closing ']'");
	s[len - 1] = '\0';
	name = trim(s + 1);
	if (!*name)
		return fail(p->err, line, "empty section name '[]'", NULL, NULL);
	*section = name;
	if (streq(name, "global"))
		return 0;
	if (p->nr_sections == CFG_MAX_SECTIONS) {
		utoa(CFG_MAX_SECTIONS, num);
		return fail(p->err, line, "too many sections (at most ", num, ")");
	}
	p->sections[p->nr_sections++] = name;
	return 0;
}

static int parse_global_key(struct cfg_parser *p, const char *key, char *value,
			    unsigned int line)
{
	if (!streq(key, "default"))
		return fail(p->err, line, "unknown key '", key, "' in [global] (only default=)");
	if (p->default_name)
		return fail(p->err, line, "default= given twice in [global]", NULL, NULL);
	if (!*value)
		return fail(p->err, line, "default= needs a section name", NULL, NULL);
	p->default_name = value;
	p->default_line = line;
	return 0;
}

/* One trimmed, NUL-terminated line. */
static int parse_line(struct cfg_parser *p, char *s, unsigned int line, const char **section)
{
	struct cfg_entry *e;
	char *eq = s;
	char *key;

	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return parse_section(p, s, line, section);
	while (*eq && *eq != '=')
		eq++;
	if (!*eq)
		return fail(p->err, line, "expected 'key=value' or '[section]', found '", s, "'");
	*eq = '\0';
	key = trim(s);
	if (!*key)
		return fail(p->err, line, "missing key before '='", NULL, NULL);
	if (!*section)
		return fail(p->err, line, "'", key, "=' comes before any [section] header");
	if (streq(*section, "global"))
		return parse_global_key(p, key, trim(eq + 1), line);
	if (p->nr_entries == CFG_MAX_ENTRIES)
		return fail(p->err, line, "too many key=value lines", NULL, NULL);
	e = &p->entries[p->nr_entries++];
	*e = (struct cfg_entry){ *section, key, trim(eq + 1), line };
	return 0;
}

/* Cuts @text into lines and classifies each one. */
static int parse_lines(struct cfg_parser *p, char *text, unsigned long len)
{
	const char *section = NULL;
	char *s = text, *end = text + len;
	unsigned int line = 0;

	text[len] = '\0';
	if (len >= 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb &&
	    (unsigned char)s[2] == 0xbf)
		s += 3;
	while (s < end) {
		char *nl = s;

		line++;
		while (nl < end && *nl != '\n') {
			if (*nl == '\0')
				return fail(p->err, line, "line contains a NUL byte", NULL, NULL);
			nl++;
		}
		*nl = '\0';
		if (parse_line(p, trim(s), line, &section) < 0)
			return -1;
		s = nl + 1;
	}
	return 0;
}

/* "file args" -> file and args; args may be empty. */
static int split_module(struct cfg_parser *p, const struct cfg_entry *e, struct cfg_module *m)
{
	char *v = e->value;
	char num[24];

	if (!*v)
		return fail(p->err, e->line, e->key, "= needs a file name", NULL);
	m->file = v;
	m->args = "";
	m->line = e->line;
	while (*v && !is_blank(*v))
		v++;
	if (*v) {
		*v = '\0';
		m->args = trim(v + 1);
	}
	if (cfg_strlen(m->args) >= BOOT_MODULE_CMDLINE_MAX) {
		utoa(BOOT_MODULE_CMDLINE_MAX - 1, num);
		return fail(p->err, e->line, "module arguments longer than ", num, " characters");
	}
	return 0;
}

static int apply_hypervisor(struct cfg_parser *p, const struct cfg_entry *e, struct keel_cfg *cfg)
{
	const char *v;

	if (cfg->hypervisor)
		return fail(p->err, e->line, "hypervisor= given twice", NULL, NULL);
	if (!*e->value)
		return fail(p->err, e->line, "hypervisor= needs a file name", NULL, NULL);
	for (v = e->value; *v; v++)
		if (is_blank(*v))
			return fail(p->err, e->line, "hypervisor= takes only a file name; ",
				    "the hypervisor's command line goes in options=", NULL);
	cfg->hypervisor = e->value;
	cfg->hypervisor_line = e->line;
	return 0;
}

static int apply_options(struct cfg_parser *p, const struct cfg_entry *e, struct keel_cfg *cfg,
			 struct cfg_pick *pick)
{
	char num[24];

	if (pick->options_line)
		return fail(p->err, e->line, "options= given twice", NULL, NULL);
	if (cfg_strlen(e->value) >= BOOT_CMDLINE_MAX) {
		utoa(BOOT_CMDLINE_MAX - 1, num);
		return fail(p->err, e->line, "options= longer than ", num, " characters");
	}
	cfg->options = e->value;
	pick->options_line = e->line;
	return 0;
}

static int too_many_modules(struct cfg_parser *p, unsigned int line)
{
	char num[24];

	utoa(BOOT_MAX_MODULES, num);
	return fail(p->err, line, "too many modules (at most ", num, ")");
}

/* Applies one key=value line of the chosen section. */
static int apply_entry(struct cfg_parser *p, const struct cfg_entry *e, struct keel_cfg *cfg,
		       struct cfg_pick *pick)
{
	if (streq(e->key, "hypervisor"))
		return apply_hypervisor(p, e, cfg);
	if (streq(e->key, "options"))
		return apply_options(p, e, cfg, pick);
	if (streq(e->key, "kernel")) {
		if (pick->kernel.file)
			return fail(p->err, e->line, "kernel= given twice", NULL, NULL);
		return split_module(p, e, &pick->kernel);
	}
	if (streq(e->key, "ramdisk")) {
		if (pick->ramdisk.file)
			return fail(p->err, e->line, "ramdisk= given twice", NULL, NULL);
		return split_module(p, e, &pick->ramdisk);
	}
	if (streq(e->key, "module")) {
		/* No room: order_modules() names the first module past the limit. */
		if (pick->nr_extra == BOOT_MAX_MODULES) {
			if (!pick->extra_overflow_line)
				pick->extra_overflow_line = e->line;
			return 0;
		}
		return split_module(p, e, &pick->extra[pick->nr_extra++]);
	}
	return fail(p->err, e->line, "unknown key '", e->key,
		    "' (expected hypervisor=, options=, kernel=, ramdisk= or module=)");
}

/* Puts the modules in boot order: kernel, ramdisk, module= lines. */
static int order_modules(struct cfg_parser *p, struct keel_cfg *cfg, const struct cfg_pick *pick)
{
	const struct cfg_module *first_other = pick->ramdisk.file ? &pick->ramdisk :
					       pick->nr_extra ? &pick->extra[0] : NULL;

	if (!pick->kernel.file) {
		if (first_other)
			return fail(p->err, first_other->line, "ramdisk= and module= need a ",
				    "kernel= line (boot module 1) in the same section", NULL);
		return 0;
	}
	cfg->modules[cfg->nr_modules++] = pick->kernel;
	if (pick->ramdisk.file)
		cfg->modules[cfg->nr_modules++] = pick->ramdisk;
	for (unsigned int i = 0; i < pick->nr_extra; i++) {
		if (cfg->nr_modules == BOOT_MAX_MODULES)
			return too_many_modules(p, pick->extra[i].line);
		cfg->modules[cfg->nr_modules++] = pick->extra[i];
	}
	if (pick->extra_overflow_line)
		return too_many_modules(p, pick->extra_overflow_line);
	return 0;
}

static int section_exists(const struct cfg_parser *p, const char *name)
{
	for (unsigned int i = 0; i < p->nr_sections; i++)
		if (streq(p->sections[i], name))
			return 1;
	return 0;
}

/* Chooses the section and applies its lines to @cfg. */
static int apply_section(struct cfg_parser *p, struct keel_cfg *cfg)
{
	struct cfg_pick pick = { 0 };
	const char *name = p->default_name;

	if (!name && p->nr_sections)
		name = p->sections[0];
	if (!name)
		return fail(p->err, 0, "no section to boot: add one, e.g. [keel], ",
			    "with a hypervisor= line", NULL);
	if (p->default_name && !section_exists(p, name))
		return fail(p->err, p->default_line, "default= names section [", name,
			    "], which is not in the file");
	cfg->section = name;
	for (unsigned int i = 0; i < p->nr_entries; i++)
		if (streq(p->entries[i].section, name) &&
		    apply_entry(p, &p->entries[i], cfg, &pick) < 0)
			return -1;
	if (!cfg->hypervisor)
		return fail(p->err, 0, "section [", name, "] has no hypervisor= line");
	return order_modules(p, cfg, &pick);
}

int cfg_parse(char *text, unsigned long len, struct keel_cfg *cfg, struct cfg_error *err)
{
	static struct cfg_parser parser;
	struct cfg_parser *p = &parser;

	*p = (struct cfg_parser){ .err = err };
	*cfg = (struct keel_cfg){ .options = "" };
	err->line = 0;
	err->msg[0] = '\0';
	if (parse_lines(p, text, len) < 0)
		return -1;
	return apply_section(p, cfg);
}
