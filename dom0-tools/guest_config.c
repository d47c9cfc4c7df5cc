/*
 * dom0-tools/guest_config.c - from xl.cfg(5) settings to a struct
 * guest_config (contract in guest_config.h, keys in docs/guest-config.md).
 *
 * Owns: the caller's guest_config during a call; reads the caller's xlcfg
 * and adds its messages to cfg->diag.
 *
 * Two passes.  The first walks the settings in file order and hands each
 * to its rule in keys[] (type, range and syntax checks, then a copy into
 * the config); a key with no rule is a warning, never silently dropped.
 * The second settles what depends on more than one key: the required
 * keys, memory against maxmem, vcpus against maxvcpus, kernel against
 * bootloader, and the kernel command line from cmdline, root and extra.
 * The first error ends the load: later messages would only be noise.
 */
#include "dom0-tools/guest_config.h"

#include <stddef.h>

#include "dom0-tools/guest_config_check.h"
#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"

struct rule;
typedef int (*apply_fn)(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
			const struct rule *r);

/* How one key is read: apply() checks set->value and stores it at offset. */
struct rule {
	const char *key;
	apply_fn apply;
	size_t offset;	  /* of the field in struct guest_config */
	int64_t min, max; /* numbers: the range; strings: max is the longest */
	const char *unit; /* for range messages, or NULL */
	int (*check)(const char *s, char why[GCHECK_WHY_MAX]); /* apply_checked() */
};

static int wrong_type(struct xlcfg *cfg, const char *key, const struct xlcfg_value *v,
		      const char *expected)
{
	xlcfg_error(cfg, v->line, "%s: expected %s, got %s", key, expected,
		    xlcfg_type_name(v->type));
	return -EINVAL;
}

/* A checker's refusal (guest_config_check.h) as "FILE:LINE: key: why". */
static int refused(struct xlcfg *cfg, const char *key, uint32_t line, const char *why)
{
	xlcfg_error(cfg, line, "%s: %s", key, why);
	return -EINVAL;
}

static int get_number(struct xlcfg *cfg, const struct xlcfg_setting *set, const struct rule *r,
		      int64_t *out)
{
	const struct xlcfg_value *v = &set->value;

	if (v->type != XLCFG_NUMBER)
		return wrong_type(cfg, set->key, v, "a number");
	if (v->num < r->min || v->num > r->max) {
		xlcfg_error(cfg, v->line, "%s: %lld is out of range: %lld to %lld%s%s", set->key,
			    (long long)v->num, (long long)r->min, (long long)r->max,
			    r->unit ? " " : "", r->unit ? r->unit : "");
		return -EINVAL;
	}
	*out = v->num;
	return 0;
}

/*
 * The string of v if it is one, at most max bytes and free of control
 * bytes; the checks every string Keel keeps goes through.
 */
static int get_string(struct xlcfg *cfg, const char *key, const struct xlcfg_value *v, size_t max,
		      const char **out)
{
	unsigned int bad;

	if (v->type != XLCFG_STRING)
		return wrong_type(cfg, key, v, "a string");
	if (v->str_len > max) {
		xlcfg_error(cfg, v->line, "%s: %u bytes, longer than %zu", key, v->str_len, max);
		return -E2BIG;
	}
	*out = xlcfg_string(cfg, v);
	bad = gcheck_control_byte(*out);
	if (bad) {
		xlcfg_error(cfg, v->line, "%s: control byte 0x%02x in the value", key, bad);
		return -EINVAL;
	}
	return 0;
}

static void *field(struct guest_config *gc, const struct rule *r)
{
	return (char *)gc + r->offset;
}

static int apply_uint(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
		      const struct rule *r)
{
	int64_t v;
	int rc = get_number(cfg, set, r, &v);

	if (!rc)
		*(unsigned int *)field(gc, r) = (unsigned int)v;
	return rc;
}

/* A path: not empty, at most r->max bytes, copied. */
static int apply_path(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
		      const struct rule *r)
{
	const char *s;
	int rc = get_string(cfg, set->key, &set->value, (size_t)r->max, &s);

	if (rc)
		return rc;
	if (!*s) {
		xlcfg_error(cfg, set->value.line, "%s: empty path", set->key);
		return -EINVAL;
	}
	strlcpy(field(gc, r), s, (size_t)r->max + 1);
	return 0;
}

/* Keys settled in the second pass: only their type is checked now. */
static int apply_later(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
		       const struct rule *r)
{
	const char *s;

	return get_string(cfg, set->key, &set->value, (size_t)r->max, &s);
}

static int check_name(const char *s, char why[GCHECK_WHY_MAX])
{
	return gcheck_name(s, GUEST_NAME_MAX, why);
}

/* A string with a syntax of its own: checked by r->check, then copied. */
static int apply_checked(struct guest_config *gc, struct xlcfg *cfg,
			 const struct xlcfg_setting *set, const struct rule *r)
{
	char why[GCHECK_WHY_MAX];
	const char *s;
	int rc = get_string(cfg, set->key, &set->value, (size_t)r->max, &s);

	if (rc)
		return rc;
	if (r->check(s, why))
		return refused(cfg, set->key, set->value.line, why);
	strlcpy(field(gc, r), s, (size_t)r->max + 1);
	return 0;
}

/* type= and builder=: anything but PV is refused, saying so. */
static int apply_type(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
		      const struct rule *r)
{
	bool builder = !strcmp(set->key, "builder");
	char q[48];
	const char *s;
	int rc = get_string(cfg, set->key, &set->value, XLCFG_MAX_STRING, &s);

	if (rc)
		return rc;
	if (builder ? !strcmp(s, "generic") || !strcmp(s, "linux") : !strcmp(s, "pv"))
		return 0;
	if (!strcmp(s, "hvm") || (!builder && !strcmp(s, "pvh"))) {
		xlcfg_error(cfg, set->value.line,
			    "%s: \"%s\" guests are not supported: Keel runs PV guests only "
			    "(type = \"pv\")",
			    set->key, s);
		return -EOPNOTSUPP;
	}
	xlcfg_error(cfg, set->value.line, "%s: unknown guest type \"%s\" (expected %s)", set->key,
		    xlcfg_quote(q, sizeof(q), s), builder ? "\"generic\"" : "\"pv\"");
	return -EINVAL;
}

static const struct {
	const char *name;
	enum guest_action action;
} actions[] = {
    {"destroy", GUEST_ACTION_DESTROY},
    {"restart", GUEST_ACTION_RESTART},
    {"preserve", GUEST_ACTION_PRESERVE},
    {"rename-restart", GUEST_ACTION_RENAME_RESTART},
    /* No core dumps yet: the action after the dump is what still happens. */
    {"coredump-destroy", GUEST_ACTION_DESTROY},
    {"coredump-restart", GUEST_ACTION_RESTART},
};

const char *guest_action_name(enum guest_action action)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(actions); i++)
		if (actions[i].action == action)
			return actions[i].name;
	return "?";
}

static int apply_action(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
			const struct rule *r)
{
	uint32_t line = set->value.line;
	char q[48];
	const char *s;
	int rc = get_string(cfg, set->key, &set->value, XLCFG_MAX_STRING, &s);

	if (rc)
		return rc;
	for (unsigned int i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(s, actions[i].name))
			continue;
		if (!strncmp(s, "coredump-", 9))
			xlcfg_warn(cfg, line,
				   "%s: \"%s\": Keel writes no core dumps; acting as \"%s\"",
				   set->key, s, s + 9);
		*(enum guest_action *)field(gc, r) = actions[i].action;
		return 0;
	}
	if (!strcmp(s, "soft-reset")) {
		xlcfg_error(cfg, line, "%s: \"soft-reset\" is for Xen-aware HVM guests, not PV",
			    set->key);
		return -EOPNOTSUPP;
	}
	xlcfg_error(cfg, line,
		    "%s: unknown action \"%s\" (destroy, restart, preserve, rename-restart, "
		    "coredump-destroy, coredump-restart)",
		    set->key, xlcfg_quote(q, sizeof(q), s));
	return -EINVAL;
}

/* cpus=: one CPULIST for every vCPU; xl's per-vCPU list form is not taken yet. */
static int apply_cpus(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
		      const struct rule *r)
{
	if (set->value.type == XLCFG_LIST) {
		xlcfg_error(cfg, set->value.line,
			    "cpus: a list (one CPULIST per vCPU) is not supported yet; give one "
			    "CPULIST string for all vCPUs");
		return -EOPNOTSUPP;
	}
	return apply_checked(gc, cfg, set, r);
}

/* vif= and disk=: a list of spec strings, each checked, kept as written. */
static int apply_specs(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
		       const struct rule *r)
{
	bool vif = !strcmp(set->key, "vif");
	unsigned int max = vif ? GUEST_MAX_VIFS : GUEST_MAX_DISKS;
	char(*out)[GUEST_SPEC_MAX + 1] = vif ? gc->vifs : gc->disks;
	unsigned int *nr = vif ? &gc->nr_vifs : &gc->nr_disks;
	const struct xlcfg_value *list = &set->value;
	char why[GCHECK_WHY_MAX];

	if (list->type != XLCFG_LIST)
		return wrong_type(cfg, set->key, list, "a list of strings");
	if (list->list.count > max) {
		xlcfg_error(cfg, list->line, "%s: %u devices, more than %u", set->key,
			    list->list.count, max);
		return -E2BIG;
	}
	*nr = 0;
	for (unsigned int i = 0; i < list->list.count; i++) {
		const struct xlcfg_value *v = xlcfg_item(cfg, list, i);
		const char *s;
		int rc;

		if (v->type != XLCFG_STRING) {
			xlcfg_error(cfg, v->line, "%s: item %u: expected a string, got %s",
				    set->key, i + 1, xlcfg_type_name(v->type));
			return -EINVAL;
		}
		rc = get_string(cfg, set->key, v, GUEST_SPEC_MAX, &s);
		if (rc)
			return rc;
		if (vif ? gcheck_vif(s, why) : gcheck_disk(s, why)) {
			xlcfg_error(cfg, v->line, "%s: device %u: %s", set->key, i + 1, why);
			return -EINVAL;
		}
		strlcpy(out[(*nr)++], s, GUEST_SPEC_MAX + 1);
	}
	return 0;
}

static int apply_uuid(struct guest_config *gc, struct xlcfg *cfg, const struct xlcfg_setting *set,
		      const struct rule *r)
{
	char why[GCHECK_WHY_MAX];
	const char *s;
	int rc = get_string(cfg, set->key, &set->value, XLCFG_MAX_STRING, &s);

	if (rc)
		return rc;
	if (gcheck_uuid(s, gc->uuid, why))
		return refused(cfg, set->key, set->value.line, why);
	gc->has_uuid = true;
	return 0;
}

#define GC(f) offsetof(struct guest_config, f)

static const struct rule keys[] = {
    {"name", apply_checked, GC(name), 0, GUEST_NAME_MAX, NULL, check_name},
    {"type", apply_type, 0, 0, 0, NULL, NULL},
    {"builder", apply_type, 0, 0, 0, NULL, NULL},
    {"memory", apply_uint, GC(memory_mib), 1, GUEST_MAX_MEMORY, "MiB", NULL},
    {"maxmem", apply_uint, GC(maxmem_mib), 1, GUEST_MAX_MEMORY, "MiB", NULL},
    {"vcpus", apply_uint, GC(vcpus), 1, GUEST_MAX_VCPUS, NULL, NULL},
    {"maxvcpus", apply_uint, GC(maxvcpus), 1, GUEST_MAX_VCPUS, NULL, NULL},
    {"kernel", apply_path, GC(kernel), 0, GUEST_PATH_MAX, NULL, NULL},
    {"ramdisk", apply_path, GC(ramdisk), 0, GUEST_PATH_MAX, NULL, NULL},
    {"cmdline", apply_later, 0, 0, GUEST_CMDLINE_MAX, NULL, NULL},
    {"root", apply_later, 0, 0, GUEST_CMDLINE_MAX, NULL, NULL},
    {"extra", apply_later, 0, 0, GUEST_CMDLINE_MAX, NULL, NULL},
    {"bootloader", apply_later, 0, 0, XLCFG_MAX_STRING, NULL, NULL},
    {"firmware", apply_later, 0, 0, XLCFG_MAX_STRING, NULL, NULL},
    {"on_poweroff", apply_action, GC(on_poweroff), 0, 0, NULL, NULL},
    {"on_reboot", apply_action, GC(on_reboot), 0, 0, NULL, NULL},
    {"on_crash", apply_action, GC(on_crash), 0, 0, NULL, NULL},
    {"on_watchdog", apply_action, GC(on_watchdog), 0, 0, NULL, NULL},
    {"cpu_weight", apply_uint, GC(cpu_weight), 1, GUEST_MAX_SCHED, NULL, NULL},
    {"cap", apply_uint, GC(cap), 0, GUEST_MAX_SCHED, "percent of a CPU", NULL},
    {"cpus", apply_cpus, GC(cpus), 0, GUEST_CPUS_MAX, NULL, gcheck_cpulist},
    {"vif", apply_specs, 0, 0, 0, NULL, NULL},
    {"disk", apply_specs, 0, 0, 0, NULL, NULL},
    {"max_event_channels", apply_uint, GC(max_event_channels), 1, GUEST_MAX_EVTCHNS, NULL, NULL},
    {"max_grant_frames", apply_uint, GC(max_grant_frames), 1, GUEST_MAX_FRAMES, NULL, NULL},
    {"max_maptrack_frames", apply_uint, GC(max_maptrack_frames), 0, GUEST_MAX_FRAMES, NULL, NULL},
    {"uuid", apply_uuid, 0, 0, 0, NULL, NULL},
};

/*
 * xl.cfg(5) options Keel knows of but does not implement (yet): a warning
 * that says so is more useful than "unknown key", which suggests a typo.
 */
static const char unsupported[] =
    "pool cpus_soft vnuma on_soft_reset seclabel init_seclabel max_grant_version nomigrate "
    "driver_domain passthrough vtpm p9 pvcalls vfb vkb channel usbctrl usbdev pci irqs iomem "
    "ioports e820_host bootloader_args localtime rtc_timeoffset vdispl vsnd virtio dtdev "
    "vcpu_hard_affinity tsc_mode claim_mode xend_suspend_evtchn_compat";

/* Is word one of the blank-separated words of list? */
static bool in_word_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (*list) {
		const char *end = list;

		while (*end && *end != ' ')
			end++;
		if ((size_t)(end - list) == n && !memcmp(list, word, n))
			return true;
		list = *end ? end + 1 : end;
	}
	return false;
}

static const struct rule *rule_for(const char *key)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].key, key))
			return &keys[i];
	return NULL;
}

static void warn_ignored(struct xlcfg *cfg, const struct xlcfg_setting *set)
{
	if (in_word_list(unsupported, set->key))
		xlcfg_warn(cfg, set->line, "\"%s\" is not supported by Keel; ignored", set->key);
	else
		xlcfg_warn(cfg, set->line, "unknown key \"%s\"; ignored", set->key);
}

static void set_defaults(struct guest_config *gc)
{
	memset(gc, 0, sizeof(*gc));
	gc->on_poweroff = GUEST_ACTION_DESTROY;
	gc->on_reboot = GUEST_ACTION_RESTART;
	gc->on_crash = GUEST_ACTION_DESTROY;
	gc->on_watchdog = GUEST_ACTION_DESTROY;
	gc->cpu_weight = GUEST_DEFAULT_CPU_WEIGHT;
	gc->max_event_channels = GUEST_DEFAULT_EVTCHNS;
	gc->max_grant_frames = GUEST_DEFAULT_GRANT_FRAMES;
	gc->max_maptrack_frames = GUEST_DEFAULT_MAPTRACK_FRAMES;
	/* memory, maxmem, vcpus, maxvcpus: 0 until settle_sizes() */
}

/* memory and maxmem default to each other (32 MiB if neither), as xl's. */
static int settle_sizes(struct guest_config *gc, struct xlcfg *cfg)
{
	const struct xlcfg_setting *maxmem = xlcfg_find(cfg, "maxmem");
	const struct xlcfg_setting *maxvcpus = xlcfg_find(cfg, "maxvcpus");

	if (!gc->memory_mib)
		gc->memory_mib = gc->maxmem_mib ? gc->maxmem_mib : GUEST_DEFAULT_MEMORY;
	if (!gc->maxmem_mib)
		gc->maxmem_mib = gc->memory_mib;
	if (gc->maxmem_mib < gc->memory_mib) {
		xlcfg_error(cfg, maxmem->value.line,
			    "maxmem: %u MiB is below memory (%u MiB); maxmem must be >= memory",
			    gc->maxmem_mib, gc->memory_mib);
		return -EINVAL;
	}
	if (!gc->vcpus)
		gc->vcpus = 1;
	if (!gc->maxvcpus)
		gc->maxvcpus = gc->vcpus;
	if (gc->maxvcpus < gc->vcpus) {
		xlcfg_error(cfg, maxvcpus->value.line,
			    "maxvcpus: %u is below vcpus (%u); maxvcpus must be >= vcpus",
			    gc->maxvcpus, gc->vcpus);
		return -EINVAL;
	}
	return 0;
}

/* kernel= is what Keel boots; a bootloader (pygrub, pvgrub) cannot run in our dom0. */
static int settle_kernel(struct guest_config *gc, struct xlcfg *cfg)
{
	static const char *const loaders[] = {"bootloader", "firmware"};
	char q[48];

	for (unsigned int i = 0; i < ARRAY_SIZE(loaders); i++) {
		const struct xlcfg_setting *set = xlcfg_find(cfg, loaders[i]);
		const char *s;

		if (!set)
			continue;
		s = xlcfg_quote(q, sizeof(q), xlcfg_string(cfg, &set->value));
		if (gc->kernel[0]) {
			xlcfg_warn(cfg, set->line, "%s \"%s\" ignored: Keel boots kernel= directly",
				   loaders[i], s);
			continue;
		}
		xlcfg_error(cfg, set->line,
			    "%s \"%s\" is not supported: Keel cannot run a bootloader; give "
			    "kernel = \"...\" (and ramdisk) instead",
			    loaders[i], s);
		return -EOPNOTSUPP;
	}
	if (!gc->kernel[0]) {
		xlcfg_error(cfg, 0,
			    "kernel: missing; a PV guest needs kernel = \"/path/to/vmlinuz\"");
		return -EINVAL;
	}
	return 0;
}

/* Appends prefix and s (after a space if needed) unless s is empty. */
static bool cmdline_add(char *buf, size_t *len, const char *prefix, const char *s)
{
	size_t need = (*len ? 1 : 0) + strlen(prefix) + strlen(s);

	if (!*s)
		return true;
	if (*len + need > GUEST_CMDLINE_MAX)
		return false;
	if (*len)
		buf[(*len)++] = ' ';
	memcpy(buf + *len, prefix, strlen(prefix));
	*len += strlen(prefix);
	memcpy(buf + *len, s, strlen(s));
	*len += strlen(s);
	buf[*len] = '\0';
	return true;
}

/*
 * xl.cfg(5): cmdline= is the whole command line and then root= and extra=
 * are ignored; otherwise the line is "root=ROOT" followed by EXTRA.
 */
static int settle_cmdline(struct guest_config *gc, struct xlcfg *cfg)
{
	const struct xlcfg_setting *cmdline = xlcfg_find(cfg, "cmdline");
	const struct xlcfg_setting *root = xlcfg_find(cfg, "root");
	const struct xlcfg_setting *extra = xlcfg_find(cfg, "extra");
	size_t len = 0;

	if (cmdline) {
		strlcpy(gc->cmdline, xlcfg_string(cfg, &cmdline->value), sizeof(gc->cmdline));
		if (root)
			xlcfg_warn(cfg, root->line, "root ignored: cmdline is set (line %u)",
				   cmdline->line);
		if (extra)
			xlcfg_warn(cfg, extra->line, "extra ignored: cmdline is set (line %u)",
				   cmdline->line);
		return 0;
	}
	if ((root && !cmdline_add(gc->cmdline, &len, "root=", xlcfg_string(cfg, &root->value))) ||
	    (extra && !cmdline_add(gc->cmdline, &len, "", xlcfg_string(cfg, &extra->value)))) {
		xlcfg_error(cfg, (extra ? extra : root)->line,
			    "root= and extra together are longer than the %u bytes of a kernel "
			    "command line",
			    GUEST_CMDLINE_MAX);
		return -E2BIG;
	}
	return 0;
}

int guest_config_load(struct guest_config *gc, struct xlcfg *cfg)
{
	int rc;

	set_defaults(gc);
	for (unsigned int i = 0; i < cfg->nr_settings; i++) {
		const struct xlcfg_setting *set = &cfg->settings[i];
		const struct rule *r = rule_for(set->key);

		if (!r) {
			warn_ignored(cfg, set);
			continue;
		}
		rc = r->apply(gc, cfg, set, r);
		if (rc)
			return rc;
	}
	if (!gc->name[0]) {
		xlcfg_error(cfg, 0, "name: missing; every guest needs name = \"...\"");
		return -EINVAL;
	}
	rc = settle_kernel(gc, cfg);
	if (!rc)
		rc = settle_sizes(gc, cfg);
	if (!rc)
		rc = settle_cmdline(gc, cfg);
	return rc;
}

int guest_config_parse(struct guest_config *gc, struct xlcfg *cfg, const char *file,
		       const char *text, size_t len, unsigned int nr_args, char *const *args)
{
	int rc = xlcfg_parse(cfg, file, text, len);

	for (unsigned int i = 0; !rc && i < nr_args; i++)
		rc = xlcfg_parse_arg(cfg, i, args[i], strlen(args[i]));
	return rc ? rc : guest_config_load(gc, cfg);
}
