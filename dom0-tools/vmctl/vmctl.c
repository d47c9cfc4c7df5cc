/*
 * dom0-tools/vmctl/vmctl.c - vmctl's entry point: the command table,
 * help and usage, option parsing, output, and name lookups.
 *
 * Owns: the command table (name, function, usage, one-line help), the
 * single index of what vmctl can do.
 */
#include "dom0-tools/vmctl/commands.h"

#include <stdarg.h>

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

struct vmctl_cmd {
	const char *name;
	int (*run)(struct vmctl_env *env, int argc, char **argv);
	const char *args;
	const char *help;
};

static int vmctl_cmd_help(struct vmctl_env *env, int argc, char **argv);

static const struct vmctl_cmd commands[] = {
	{ "create", vmctl_cmd_create, "[-c] FILE [KEY=VALUE ...]",
	  "create a domain from a config file (settings after it win)" },
	{ "list", vmctl_cmd_list, "[-l] [DOMAIN]", "list domains" },
	{ "destroy", vmctl_cmd_destroy, "DOMAIN", "terminate a domain immediately" },
	{ "shutdown", vmctl_cmd_shutdown, "[-w] DOMAIN", "ask a domain to power off" },
	{ "reboot", vmctl_cmd_reboot, "DOMAIN", "ask a domain to reboot" },
	{ "pause", vmctl_cmd_pause, "DOMAIN", "pause a domain" },
	{ "unpause", vmctl_cmd_unpause, "DOMAIN", "unpause a paused domain" },
	{ "console", vmctl_cmd_console, "DOMAIN", "attach to a domain's console" },
	{ "info", vmctl_cmd_info, "", "information about the host and the hypervisor" },
	{ "dmesg", vmctl_cmd_dmesg, "[-c]", "the hypervisor's console ring (-c: then clear it)" },
	{ "mem-set", vmctl_cmd_mem_set, "DOMAIN MEM", "set a domain's balloon target" },
	{ "mem-max", vmctl_cmd_mem_max, "DOMAIN MEM", "set a domain's memory limit" },
	{ "vcpu-list", vmctl_cmd_vcpu_list, "[DOMAIN]", "list the vCPUs of one or all domains" },
	{ "vcpu-pin", vmctl_cmd_vcpu_pin, "DOMAIN VCPU|all CPULIST|all",
	  "set the CPUs a vCPU may run on (hard affinity)" },
	{ "sched-credit", vmctl_cmd_sched_credit, "[-d DOMAIN [-w WEIGHT] [-c CAP]]",
	  "show or set credit scheduler parameters" },
	{ "help", vmctl_cmd_help, "[COMMAND]", "this list, or one command's usage" },
};

/* Commands the caller runs itself (their loops wait on its console), listed by help. */
static const struct vmctl_cmd caller_commands[] = {
	{ "top", NULL, "[-i ITERATIONS] [-d SECONDS]", "a live table of domains (xentop)" },
};

void vmctl_printf(struct vmctl_env *env, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	env->out(env->ctx, line);
}

static const struct vmctl_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	for (size_t i = 0; i < ARRAY_SIZE(caller_commands); i++)
		if (!strcmp(caller_commands[i].name, name))
			return &caller_commands[i];
	return NULL;
}

int vmctl_usage(struct vmctl_env *env, const char *cmd)
{
	const struct vmctl_cmd *c = find_cmd(cmd);

	if (c)
		vmctl_printf(env, "Usage: vmctl %s %s\n", c->name, c->args);
	return 2;
}

static int vmctl_cmd_help(struct vmctl_env *env, int argc, char **argv)
{
	const struct vmctl_cmd *c;

	if (argc > 2)
		return vmctl_usage(env, "help");
	if (argc == 2) {
		c = find_cmd(argv[1]);
		if (!c) {
			vmctl_printf(env, "vmctl: no command '%s'; try 'vmctl help'\n", argv[1]);
			return 1;
		}
		vmctl_printf(env, "Usage: vmctl %s %s\n\n%s\n", c->name, c->args, c->help);
		return 0;
	}
	vmctl_printf(env, "Usage: vmctl COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		vmctl_printf(env, " %-14s %s\n", commands[i].name, commands[i].help);
	for (size_t i = 0; i < ARRAY_SIZE(caller_commands); i++)
		vmctl_printf(env, " %-14s %s\n", caller_commands[i].name, caller_commands[i].help);
	return 0;
}

int vmctl_main(struct vmctl_env *env, int argc, char **argv)
{
	const struct vmctl_cmd *c;

	if (argc < 2) {
		vmctl_cmd_help(env, 1, argv);
		return 2;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		vmctl_printf(env, "vmctl: unknown command '%s'; try 'vmctl help'\n", argv[1]);
		return 2;
	}
	if (!c->run) {
		vmctl_printf(env, "vmctl: %s runs in dom0's shell, where it can wait for a key\n",
			     c->name);
		return 2;
	}
	return c->run(env, argc - 1, argv + 1);
}

int vmctl_getopt(struct vmctl_opts *o, int argc, char **argv, const char *spec)
{
	const char *a, *s;

	if (o->ind == 0)
		o->ind = 1;
	if (o->ind >= argc || argv[o->ind][0] != '-' || !argv[o->ind][1])
		return -1;
	a = argv[o->ind++];
	if (!strcmp(a, "--"))
		return -1;
	s = a[2] ? NULL : strchr(spec, a[1]);
	if (!s || a[1] == ':')
		return '?';
	if (s[1] != ':')
		return a[1];
	if (o->ind >= argc)
		return '?';
	o->arg = argv[o->ind++];
	return a[1];
}

int vmctl_lookup(struct vmctl_env *env, const char *what, domid_t *domid)
{
	struct xen_domctl_getdomaininfo di;

	if (vmctl_table_resolve(env->domains, what, domid) ||
	    vmctl_domain_info(env->hv, *domid, &di)) {
		vmctl_printf(env, "vmctl: domain '%s' does not exist\n", what);
		return -ESRCH;
	}
	return 0;
}

const char *vmctl_name(struct vmctl_env *env, domid_t domid, char *buf, size_t len)
{
	const char *name = vmctl_table_name(env->domains, domid);
	char path[VMCTL_STORE_PATH_MAX];

	if (name)
		return name;
	if (!vmctl_store_path(path, "/local/domain/%u/name", domid) &&
	    env->store->read(env->store->ctx, path, buf, len) > 0)
		return buf;
	return "(null)";
}
