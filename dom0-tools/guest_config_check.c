/*
 * dom0-tools/guest_config_check.c - checkers for the values inside xl.cfg
 * strings (contracts in guest_config_check.h).
 *
 * Light on purpose: a vif or disk spec is kept as text for the backends
 * that will read it, so only what is certainly wrong is refused here (a
 * keyword xl does not know, a MAC that cannot be a NIC's); the goal is an
 * error at `vmctl create` with the file's line, not a half-built domain.
 * Stateless; the input strings are never written.
 */
#include "dom0-tools/guest_config_check.h"

#include <stdarg.h>
#include <stdbool.h>

#include "dom0-tools/xl_config_parse.h"
#include "lib/compiler.h"
#include "lib/ctype.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

/* One comma-separated item, blanks around it trimmed. */
struct item {
	const char *s;
	size_t len;
	unsigned int index; /* 1-based, for messages */
};

/* Steps to the next item after *pos; false once the string is used up. */
static bool next_item(const char **pos, struct item *it)
{
	const char *s = *pos, *end;

	if (!s)
		return false;
	for (end = s; *end && *end != ','; end++)
		;
	*pos = *end ? end + 1 : NULL;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	it->s = s;
	it->len = (size_t)(end - s);
	it->index++;
	return true;
}

static bool item_is(const struct item *it, const char *word)
{
	return strlen(word) == it->len && !memcmp(it->s, word, it->len);
}

/* A piece of the value, printable, for a message. */
static const char *show(char out[40], const char *s, size_t len)
{
	char tmp[40];

	len = MIN(len, sizeof(tmp) - 1);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return xlcfg_quote(out, 40, tmp);
}

static int why_fail(char why[GCHECK_WHY_MAX], const char *fmt, ...) __printf(2, 3);

static int why_fail(char why[GCHECK_WHY_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(why, GCHECK_WHY_MAX, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int gcheck_name(const char *name, size_t max, char why[GCHECK_WHY_MAX])
{
	size_t len = strlen(name), digits = 0;

	if (!len)
		return why_fail(why, "empty name");
	if (len > max)
		return why_fail(why, "longer than %zu bytes", max);
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (c >= '0' && c <= '9')
			digits++;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			   c == '-' || c == '.'))
			return why_fail(why, "byte %zu is not a letter, digit, '_', '-' or '.'",
					i + 1);
	}
	if (digits == len)
		return why_fail(why, "all digits: it would read as a domain id");
	return 0;
}

/* A decimal number of 1 to 5 digits, at most 65535; advances *s past it. */
static bool read_small(const char **s, const char *end, unsigned int *out)
{
	unsigned int v = 0, n = 0;

	while (*s < end && **s >= '0' && **s <= '9' && n < 6) {
		v = v * 10 + (unsigned int)(**s - '0');
		(*s)++;
		n++;
	}
	*out = v;
	return n > 0 && n < 6 && v <= 65535;
}

/* N or N-M with N <= M, filling [s, end) exactly, into *lo and *hi. */
static bool read_range(const char *s, const char *end, unsigned int *lo, unsigned int *hi)
{
	if (!read_small(&s, end, lo))
		return false;
	*hi = *lo;
	if (s == end)
		return true;
	if (*s++ != '-' || !read_small(&s, end, hi))
		return false;
	return s == end && *lo <= *hi;
}

/* One CPULIST item: CPUs (or NUMA nodes) lo..hi, or all of them; added, or taken away. */
struct cpu_item {
	bool exclude, nodes, all;
	unsigned int lo, hi;
};

/* The CPULIST item it as a cpu_item: 0, or -EINVAL with why. */
static int parse_cpu_item(const struct item *it, struct cpu_item *ci, char why[GCHECK_WHY_MAX])
{
	const char *s = it->s, *end = it->s + it->len;
	char buf[40];

	*ci = (struct cpu_item){0};
	if (!it->len)
		return why_fail(why, "item %u is empty", it->index);
	ci->exclude = *s == '^';
	s += ci->exclude;
	if (end - s == 3 && !memcmp(s, "all", 3)) {
		ci->all = true;
		return 0;
	}
	if (end - s > 6 && !memcmp(s, "nodes:", 6))
		s += 6;
	else if (end - s > 5 && !memcmp(s, "node:", 5))
		s += 5;
	ci->nodes = s != it->s + ci->exclude;
	if (!read_range(s, end, &ci->lo, &ci->hi))
		return why_fail(why,
				"item %u \"%s\": expected all, N, N-M (N <= M <= 65535) "
				"or node:N, optionally after '^'",
				it->index, show(buf, it->s, it->len));
	return 0;
}

int gcheck_cpulist(const char *list, char why[GCHECK_WHY_MAX])
{
	struct item it = {0};
	struct cpu_item ci;
	const char *pos = list;

	while (next_item(&pos, &it))
		if (parse_cpu_item(&it, &ci, why))
			return -EINVAL;
	return 0;
}

/*
 * Turns ci into the CPUs lo..hi of a host with CPUs 0 .. nr_cpus-1 in
 * nr_nodes NUMA nodes: 0, or -EINVAL with why.  With one node, node 0 is
 * every CPU; with more, which CPU is in which node is not known here.
 */
static int cpu_item_on_host(struct cpu_item *ci, unsigned int index, unsigned int nr_cpus,
			    unsigned int nr_nodes, char why[GCHECK_WHY_MAX])
{
	if (ci->nodes && ci->hi >= nr_nodes)
		return why_fail(why,
				"item %u: node %u does not exist (this host has %u NUMA node%s)",
				index, ci->hi, nr_nodes, nr_nodes > 1 ? "s" : "");
	if (ci->nodes && nr_nodes > 1)
		return why_fail(why,
				"item %u: node items need the host's NUMA topology, which "
				"vmctl does not read yet: give CPU numbers",
				index);
	if (!ci->nodes && !ci->all && ci->hi >= nr_cpus)
		return why_fail(why, "item %u: CPU %u does not exist (this host has CPUs 0-%u)",
				index, ci->hi, nr_cpus - 1);
	if (ci->nodes || ci->all) {
		ci->lo = 0;
		ci->hi = nr_cpus - 1;
	}
	return 0;
}

int gcheck_cpulist_map(const char *list, unsigned int nr_cpus, unsigned int nr_nodes,
		       struct gcheck_cpumap *map, char why[GCHECK_WHY_MAX])
{
	struct item it = {0};
	struct cpu_item ci;
	const char *pos = list;
	bool any = false;

	memset(map, 0, sizeof(*map));
	if (!nr_cpus || nr_cpus > GCHECK_CPUS_MAX)
		return why_fail(why, "this host has %u CPUs: vmctl handles 1 to %u", nr_cpus,
				GCHECK_CPUS_MAX);
	while (next_item(&pos, &it)) {
		if (parse_cpu_item(&it, &ci, why) ||
		    cpu_item_on_host(&ci, it.index, nr_cpus, nr_nodes ? nr_nodes : 1, why))
			return -EINVAL;
		for (unsigned int c = ci.lo; c <= ci.hi; c++)
			gcheck_cpumap_set(map, c, !ci.exclude);
	}
	for (unsigned int c = 0; c < nr_cpus; c++)
		any |= gcheck_cpumap_test(map, c);
	return any ? 0 : why_fail(why, "names no CPU");
}

void gcheck_cpumap_format(const struct gcheck_cpumap *map, unsigned int nr_cpus, char *buf,
			  size_t len)
{
	size_t at = 0;
	unsigned int count = 0;

	buf[0] = '\0';
	for (unsigned int lo = 0; lo < nr_cpus; lo++) {
		unsigned int hi = lo;

		if (!gcheck_cpumap_test(map, lo))
			continue;
		while (hi + 1 < nr_cpus && gcheck_cpumap_test(map, hi + 1))
			hi++;
		count += hi - lo + 1;
		if (at < len)
			at += (size_t)format_snprintf(buf + at, len - at,
						      hi == lo ? "%s%u" : "%s%u-%u", at ? "," : "",
						      lo, hi);
		lo = hi;
	}
	if (count == nr_cpus || !count)
		format_snprintf(buf, len, "%s", count ? "all" : "none");
}

static bool is_mac(const char *s, size_t len, uint8_t *first)
{
	if (len != 17)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (i % 3 == 2 ? s[i] != ':' : digit_value(s[i]) >= 16)
			return false;
	}
	*first = (uint8_t)(digit_value(s[0]) * 16 + digit_value(s[1]));
	return true;
}

static int check_vif_value(const struct item *it, const char *key, size_t klen, const char *value,
			   size_t vlen, char why[GCHECK_WHY_MAX])
{
	uint8_t first;

	if (!vlen)
		return why_fail(why, "item %u: \"%.*s=\" has no value", it->index, (int)klen, key);
	if (klen == 3 && !memcmp(key, "mac", 3)) {
		if (!is_mac(value, vlen, &first))
			return why_fail(why,
					"item %u: mac needs six hex pairs like 00:16:3e:12:34:56",
					it->index);
		if (first & 1)
			return why_fail(why, "item %u: mac is a multicast address (first byte odd)",
					it->index);
	}
	return 0;
}

int gcheck_vif(const char *spec, char why[GCHECK_WHY_MAX])
{
	static const char *const keys[] = {"mac",   "bridge",  "gatewaydev", "netdev", "type",
					   "model", "vifname", "script",     "ip",     "backend",
					   "rate",  "devid",   "mtu",	     "vlan"};
	struct item it = {0};
	const char *pos = spec;
	char buf[40];

	while (next_item(&pos, &it)) {
		const char *eq = NULL;
		size_t klen;
		bool known = false;

		for (size_t i = 0; i < it.len && !eq; i++)
			if (it.s[i] == '=')
				eq = it.s + i;
		klen = eq ? (size_t)(eq - it.s) : it.len;

		if (!it.len)
			continue; /* "mac=...,,bridge=..." or "": nothing asked */
		if (!eq && (item_is(&it, "trusted") || item_is(&it, "untrusted")))
			continue;
		while (klen && (it.s[klen - 1] == ' ' || it.s[klen - 1] == '\t'))
			klen--;
		for (size_t k = 0; k < ARRAY_SIZE(keys) && eq; k++)
			known |= strlen(keys[k]) == klen && !memcmp(it.s, keys[k], klen);
		if (!known)
			return why_fail(
			    why,
			    "item %u \"%s\": not a keyword of xl-network-configuration(5) "
			    "(KEY=VALUE, trusted or untrusted)",
			    it.index, show(buf, it.s, it.len));
		eq++;
		while (eq < it.s + it.len && (*eq == ' ' || *eq == '\t'))
			eq++;
		if (check_vif_value(&it, it.s, klen, eq, (size_t)(it.s + it.len - eq), why))
			return -EINVAL;
	}
	return 0;
}

int gcheck_disk(const char *spec, char why[GCHECK_WHY_MAX])
{
	for (const char *s = spec; *s; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return why_fail(why, "empty disk spec");
}

int gcheck_uuid(const char *text, uint8_t out[16], char why[GCHECK_WHY_MAX])
{
	unsigned int n = 0;

	if (strlen(text) != 36)
		return why_fail(why,
				"expected 36 characters like 3e1c5a2f-8b4d-4c6e-9f0a-1b2c3d4e5f60");
	for (unsigned int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? text[i] != '-' : digit_value(text[i]) >= 16)
			return why_fail(why, "character %u: expected %s", i + 1,
					dash ? "'-'" : "a hex digit");
	}
	for (unsigned int i = 0; i < 36; i += 2) {
		if (text[i] == '-')
			i++;
		out[n++] = (uint8_t)(digit_value(text[i]) * 16 + digit_value(text[i + 1]));
	}
	return 0;
}

unsigned int gcheck_control_byte(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return c;
	}
	return 0;
}
