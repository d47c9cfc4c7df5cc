/*
 * tests/fuzz/fuzz_xl_config.c - libFuzzer target for the guest config
 * reader: dom0-tools/xl_config_parse.c and guest_config.c on arbitrary
 * bytes, the path `vmctl create FILE` takes.
 *
 * Traps on any broken promise of the API: a verdict other than the
 * documented errnos, an error without a message (or a message on
 * success), a message that is not one printable line starting with the
 * file name, a string value whose length or NUL disagrees with the parser,
 * list items outside the item table, or a loaded config that breaks its
 * own invariants (memory <= maxmem, vcpus <= maxvcpus, strings terminated
 * inside their arrays).  ASan and UBSan catch the rest.  Build and run
 * with `make fuzz` (tests/fuzz/README.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dom0-tools/guest_config.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz_promise.h"

static struct xlcfg cfg;
static struct guest_config gc;

/* One terminated line of printable ASCII, as every message must be. */
static void check_line(const char *msg, size_t size)
{
	size_t len = strnlen(msg, size);

	PROMISE(len < size);
	for (size_t i = 0; i < len; i++)
		PROMISE(msg[i] >= 0x20 && msg[i] < 0x7f);
}

static void check_diag(int rc)
{
	const struct xlcfg_diag *d = &cfg.diag;

	PROMISE(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -EOPNOTSUPP);
	check_line(d->error, sizeof(d->error));
	PROMISE((rc != 0) == (d->error[0] != '\0'));
	if (rc)
		PROMISE(!strncmp(d->error, "f.cfg:", 6));
	PROMISE(d->nr_warnings <= XLCFG_MAX_WARNINGS);
	for (unsigned int i = 0; i < d->nr_warnings; i++) {
		check_line(d->warnings[i], sizeof(d->warnings[i]));
		PROMISE(!strncmp(d->warnings[i], "f.cfg:", 6));
	}
}

static void check_value(const struct xlcfg_value *v, bool item)
{
	if (v->type == XLCFG_STRING) {
		PROMISE(v->str + v->str_len < cfg.pool_used);
		PROMISE(v->str_len <= XLCFG_MAX_STRING);
		PROMISE(strlen(xlcfg_string(&cfg, v)) == v->str_len);
	} else if (v->type == XLCFG_LIST) {
		PROMISE(!item);
		PROMISE(v->list.first + v->list.count <= cfg.nr_items);
		for (unsigned int i = 0; i < v->list.count; i++)
			check_value(xlcfg_item(&cfg, v, i), true);
	} else {
		PROMISE(v->type == XLCFG_NUMBER);
	}
	PROMISE(v->line >= 1 && v->col >= 1 && v->col <= XLCFG_MAX_LINE + 1);
}

/* What the parser kept, read back through the API; valid after errors too. */
static void check_settings(void)
{
	PROMISE(cfg.nr_settings <= XLCFG_MAX_SETTINGS);
	PROMISE(cfg.nr_items <= XLCFG_MAX_ITEMS);
	PROMISE(cfg.pool_used <= XLCFG_STRING_POOL);
	for (unsigned int i = 0; i < cfg.nr_settings; i++) {
		const struct xlcfg_setting *set = &cfg.settings[i];
		size_t len = strnlen(set->key, sizeof(set->key));

		PROMISE(len > 0 && len < sizeof(set->key));
		PROMISE(xlcfg_find(&cfg, set->key) == set);
		check_value(&set->value, false);
	}
}

static void check_config(void)
{
	PROMISE(gc.name[0] && strnlen(gc.name, sizeof(gc.name)) < sizeof(gc.name));
	PROMISE(gc.kernel[0] && strnlen(gc.kernel, sizeof(gc.kernel)) < sizeof(gc.kernel));
	PROMISE(strnlen(gc.ramdisk, sizeof(gc.ramdisk)) < sizeof(gc.ramdisk));
	PROMISE(strnlen(gc.cmdline, sizeof(gc.cmdline)) < sizeof(gc.cmdline));
	PROMISE(strnlen(gc.cpus, sizeof(gc.cpus)) < sizeof(gc.cpus));
	PROMISE(gc.memory_mib >= 1 && gc.memory_mib <= gc.maxmem_mib);
	PROMISE(gc.maxmem_mib <= GUEST_MAX_MEMORY);
	PROMISE(gc.vcpus >= 1 && gc.vcpus <= gc.maxvcpus && gc.maxvcpus <= GUEST_MAX_VCPUS);
	PROMISE(gc.cpu_weight >= 1 && gc.cpu_weight <= GUEST_MAX_SCHED);
	PROMISE(gc.nr_vifs <= GUEST_MAX_VIFS && gc.nr_disks <= GUEST_MAX_DISKS);
	for (unsigned int i = 0; i < gc.nr_vifs; i++)
		PROMISE(strnlen(gc.vifs[i], sizeof(gc.vifs[i])) < sizeof(gc.vifs[i]));
	for (unsigned int i = 0; i < gc.nr_disks; i++)
		PROMISE(strnlen(gc.disks[i], sizeof(gc.disks[i])) < sizeof(gc.disks[i]));
	PROMISE(gc.max_event_channels >= 1 && gc.max_event_channels <= GUEST_MAX_EVTCHNS);
	PROMISE(gc.max_grant_frames >= 1);
	PROMISE(strcmp(guest_action_name(gc.on_poweroff), "?"));
	PROMISE(strcmp(guest_action_name(gc.on_reboot), "?"));
	PROMISE(strcmp(guest_action_name(gc.on_crash), "?"));
	PROMISE(strcmp(guest_action_name(gc.on_watchdog), "?"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc = xlcfg_parse(&cfg, "f.cfg", (const char *)data, size);

	check_diag(rc);
	check_settings();
	if (rc)
		return 0;
	rc = guest_config_load(&gc, &cfg);
	check_diag(rc);
	if (!rc)
		check_config();
	return 0;
}
