/*
 * dom0-tools/vmctl/cmd_list.c - the commands that show domains: list,
 * vcpu-list (with each vCPU's hard / soft affinity, as xl prints them),
 * and top's frame, in xl's and xentop's column layouts.
 *
 * Owns: nothing; it reads getdomaininfolist into the env's scratch.
 * Times print with one decimal from nanoseconds, memory in MiB (list) or
 * KiB (top), as xl and xentop do; no floating point (dom0 has none).
 */
#include "dom0-tools/vmctl/commands.h"

#include "dom0-tools/guest_config_check.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

void vmctl_state_letters(const struct xen_domctl_getdomaininfo *di, char *buf)
{
	unsigned int reason = (di->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
	bool down = di->flags & XEN_DOMINF_shutdown;

	buf[0] = di->flags & XEN_DOMINF_running ? 'r' : '-';
	buf[1] = di->flags & XEN_DOMINF_blocked ? 'b' : '-';
	buf[2] = di->flags & XEN_DOMINF_paused ? 'p' : '-';
	buf[3] = down && reason != SHUTDOWN_crash ? 's' : '-';
	buf[4] = down && reason == SHUTDOWN_crash ? 'c' : '-';
	buf[5] = di->flags & XEN_DOMINF_dying ? 'd' : '-';
	buf[6] = '\0';
}

/* Nanoseconds as seconds with one decimal, right-aligned in width. */
static void seconds(char *buf, size_t len, uint64_t ns, int width)
{
	char tmp[32];

	format_snprintf(tmp, sizeof(tmp), "%llu.%llu", (unsigned long long)(ns / 1000000000ULL),
			(unsigned long long)(ns / 100000000ULL % 10));
	format_snprintf(buf, len, "%*s", width, tmp);
}

/* Every domain, or only the one named by what: the count in scratch->info, or -1 (said). */
static int collect(struct vmctl_env *env, const char *what)
{
	struct xen_domctl_getdomaininfo *info = env->scratch->info;
	domid_t domid;
	int n;

	if (what) {
		if (vmctl_lookup(env, what, &domid))
			return -1;
		return vmctl_domain_info(env->hv, domid, info) ? -1 : 1;
	}
	n = vmctl_domain_list(env->hv, 0, info, VMCTL_MAX_LIST);
	if (n < 0)
		vmctl_printf(env, "vmctl: getdomaininfolist: %s\n", vmctl_errno_name(n));
	return n;
}

static void list_long(struct vmctl_env *env, domid_t domid)
{
	const struct vmctl_domain *d = vmctl_table_find(env->domains, domid);
	const struct guest_config *gc;
	char uuid[37];

	if (!d)
		return;
	gc = &d->config;
	vmctl_uuid_format(uuid, d->uuid);
	vmctl_printf(env, "    uuid %s, kernel %s, memory %u MiB, maxmem %u MiB, vcpus %u/%u\n",
		     uuid, gc->kernel, gc->memory_mib, gc->maxmem_mib, gc->vcpus, gc->maxvcpus);
	vmctl_printf(env, "    on_poweroff %s, on_reboot %s, on_crash %s, cmdline \"%s\"\n",
		     guest_action_name(gc->on_poweroff), guest_action_name(gc->on_reboot),
		     guest_action_name(gc->on_crash), gc->cmdline);
	vmctl_printf(env, "    console port %u ring %llu, store port %u ring %llu\n",
		     d->console_port, (unsigned long long)d->console_mfn, d->store_port,
		     (unsigned long long)d->store_mfn);
}

int vmctl_cmd_list(struct vmctl_env *env, int argc, char **argv)
{
	struct vmctl_opts o = { 0 };
	bool longer = false;
	char name[GUEST_NAME_MAX + 1], state[7], time[16];
	int c, n;

	while ((c = vmctl_getopt(&o, argc, argv, "l")) != -1) {
		if (c != 'l')
			return vmctl_usage(env, argv[0]);
		longer = true;
	}
	if (argc - o.ind > 1)
		return vmctl_usage(env, argv[0]);
	n = collect(env, o.ind < argc ? argv[o.ind] : NULL);
	if (n < 0)
		return 1;
	vmctl_printf(env, "%-40s %5s %5s %5s     %-6s  %8s\n", "Name", "ID", "Mem", "VCPUs",
		     "State", "Time(s)");
	for (int i = 0; i < n; i++) {
		const struct xen_domctl_getdomaininfo *di = &env->scratch->info[i];

		vmctl_state_letters(di, state);
		seconds(time, sizeof(time), di->cpu_time, 8);
		vmctl_printf(env, "%-40s %5u %5llu %5u     %s  %s\n",
			     vmctl_name(env, di->domain, name, sizeof(name)), di->domain,
			     (unsigned long long)(di->tot_pages >> 8), di->nr_online_vcpus, state, time);
		if (longer)
			list_long(env, di->domain);
	}
	return 0;
}

/* A vCPU's hard and soft affinity as xl shows them ("all / all", "1 / all"), into buf. */
static void affinity_text(struct vmctl_env *env, domid_t domid, uint32_t vcpu,
			  unsigned int nr_cpus, char *buf, size_t len)
{
	struct gcheck_cpumap hard = { 0 }, soft = { 0 };
	char hard_text[96], soft_text[96];
	int rc = vmctl_vcpu_affinity(env->hv, domid, vcpu, hard.bits, soft.bits, nr_cpus);

	if (rc) {
		format_snprintf(buf, len, "(%s)", vmctl_errno_name(rc));
		return;
	}
	gcheck_cpumap_format(&hard, nr_cpus, hard_text, sizeof(hard_text));
	gcheck_cpumap_format(&soft, nr_cpus, soft_text, sizeof(soft_text));
	format_snprintf(buf, len, "%s / %s", hard_text, soft_text);
}

static void vcpu_rows(struct vmctl_env *env, const struct xen_domctl_getdomaininfo *di,
		      unsigned int nr_cpus)
{
	char name[GUEST_NAME_MAX + 1], time[16], cpu[8], affinity[200];
	const char *who = vmctl_name(env, di->domain, name, sizeof(name));

	for (uint32_t v = 0; v <= di->max_vcpu_id; v++) {
		struct xen_domctl op = { .cmd = XEN_DOMCTL_getvcpuinfo, .domain = di->domain };
		struct xen_domctl_getvcpuinfo *vi = &op.u.getvcpuinfo;

		vi->vcpu = v;
		if (vmctl_domctl(env->hv, &op))
			continue;
		if (vi->online)
			format_snprintf(cpu, sizeof(cpu), "%u", vi->cpu);
		else
			format_snprintf(cpu, sizeof(cpu), "-");
		seconds(time, sizeof(time), vi->cpu_time, 9);
		affinity_text(env, di->domain, v, nr_cpus, affinity, sizeof(affinity));
		vmctl_printf(env, "%-32s %5u %5u %5s   %c%c%c %s  %s\n", who, di->domain, v, cpu,
			     vi->running ? 'r' : '-', vi->blocked ? 'b' : '-',
			     vi->online ? '-' : 'p', time, affinity);
	}
}

int vmctl_cmd_vcpu_list(struct vmctl_env *env, int argc, char **argv)
{
	unsigned int nr_cpus;
	int n;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		return vmctl_usage(env, argv[0]);
	if (vmctl_host_cpus(env, argv[0], &nr_cpus, NULL))
		return 1;
	n = collect(env, argc == 2 ? argv[1] : NULL);
	if (n < 0)
		return 1;
	vmctl_printf(env, "%-32s %5s %5s %5s %5s %9s  %s\n", "Name", "ID", "VCPU", "CPU", "State",
		     "Time(s)", "Affinity (Hard / Soft)");
	for (int i = 0; i < n; i++)
		vcpu_rows(env, &env->scratch->info[i], nr_cpus);
	return 0;
}
