/*
 * dom0-tools/vmctl/cmd_top.c - one frame of `top`, xentop's layout
 * (vmctl.h: vmctl_top_sample, vmctl_top_frame).  dom0's kernel loops:
 * sample, frame from the previous sample, sleep, until a key is typed.
 *
 * Owns: nothing; the samples are the caller's.  CPU(%) is the CPU time
 * a domain used between the two samples over the wall time between
 * them (100% = one CPU busy), in tenths, with integers only.
 */
#include "dom0-tools/vmctl/vmctl.h"

#include "lib/errno.h"
#include "lib/format.h"

int vmctl_top_sample(struct vmctl_env *env, struct vmctl_top_sample *s)
{
	int n = vmctl_domain_list(env->hv, 0, s->info, VMCTL_MAX_LIST);

	if (n < 0)
		return n;
	s->nr = (unsigned int)n;
	s->now_ns = env->now_ns(env->ctx);
	return 0;
}

/* The CPU time domid had in prev; false if it was not there. */
static bool prev_cpu(const struct vmctl_top_sample *prev, domid_t domid, uint64_t *ns)
{
	for (unsigned int i = 0; prev && i < prev->nr; i++) {
		if (prev->info[i].domain == domid) {
			*ns = prev->info[i].cpu_time;
			return true;
		}
	}
	return false;
}

/* Tenths of a percent of part in whole, as "12.3"; "0.0" when whole is 0. */
static void percent(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	uint64_t tenths = whole ? part * 1000 / whole : 0;

	format_snprintf(buf, len, "%llu.%llu", (unsigned long long)(tenths / 10),
			(unsigned long long)(tenths % 10));
}

static void top_summary(struct vmctl_env *env, const struct vmctl_top_sample *now)
{
	unsigned int count[6] = { 0 };
	struct xen_sysctl_physinfo pi = { 0 };
	uint64_t total, free;
	char st[7];

	for (unsigned int i = 0; i < now->nr; i++) {
		vmctl_state_letters(&now->info[i], st);
		for (unsigned int k = 0; k < 6; k++)
			count[k] += st[k] != '-';
	}
	vmctl_printf(env,
		     "%u domains: %u running, %u blocked, %u paused, %u crashed, %u dying, "
		     "%u shutdown\n",
		     now->nr, count[0], count[1], count[2], count[4], count[5], count[3]);
	vmctl_physinfo(env->hv, &pi);
	total = pi.total_pages * 4;
	free = pi.free_pages * 4;
	vmctl_printf(env, "Mem: %lluk total, %lluk used, %lluk free    CPUs: %u @ %uMHz\n",
		     (unsigned long long)total, (unsigned long long)(total - free),
		     (unsigned long long)free, pi.nr_cpus, pi.cpu_khz / 1000);
}

void vmctl_top_frame(struct vmctl_env *env, const struct vmctl_top_sample *prev,
		     const struct vmctl_top_sample *now)
{
	struct xen_sysctl_physinfo pi = { 0 };
	uint64_t wall = prev && now->now_ns > prev->now_ns ? now->now_ns - prev->now_ns : 0;
	char name[GUEST_NAME_MAX + 1], st[7], cpu[16], mem[16], maxmem[24];

	top_summary(env, now);
	vmctl_physinfo(env->hv, &pi);
	vmctl_printf(env, "%10s %6s %10s %6s %10s %6s %10s %5s\n", "NAME", "STATE", "CPU(sec)",
		     "CPU(%)", "MEM(k)", "MEM(%)", "MAXMEM(k)", "VCPUS");
	for (unsigned int i = 0; i < now->nr; i++) {
		const struct xen_domctl_getdomaininfo *di = &now->info[i];
		uint64_t before = 0;
		bool seen = prev_cpu(prev, di->domain, &before) && di->cpu_time >= before;

		vmctl_state_letters(di, st);
		percent(cpu, sizeof(cpu), seen ? di->cpu_time - before : 0, wall);
		percent(mem, sizeof(mem), di->tot_pages, pi.total_pages);
		if (di->max_pages >= UINT32_MAX)
			format_snprintf(maxmem, sizeof(maxmem), "no limit");
		else
			format_snprintf(maxmem, sizeof(maxmem), "%llu",
					(unsigned long long)di->max_pages * 4);
		vmctl_printf(env, "%10s %6s %10llu %6s %10llu %6s %10s %5u\n",
			     vmctl_name(env, di->domain, name, sizeof(name)), st,
			     (unsigned long long)(di->cpu_time / 1000000000ULL), cpu,
			     (unsigned long long)di->tot_pages * 4, mem, maxmem,
			     di->nr_online_vcpus);
	}
}
