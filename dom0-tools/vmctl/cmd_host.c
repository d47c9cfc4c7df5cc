/*
 * dom0-tools/vmctl/cmd_host.c - the commands about the host and the
 * hypervisor: info (xl info's main lines) and dmesg (the console ring).
 *
 * Owns: nothing; strings from xen_version land in the env's scratch
 * buffer one at a time.
 */
#include "dom0-tools/vmctl/commands.h"

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

#define DMESG_MAX_READS 64 /* 64 x 4 KiB covers Keel's 64 KiB ring, plus what arrives meanwhile */

static void line(struct vmctl_env *env, const char *key, const char *value)
{
	vmctl_printf(env, "%-23s: %s\n", key, value);
}

static void line_u(struct vmctl_env *env, const char *key, unsigned long long v)
{
	vmctl_printf(env, "%-23s: %llu\n", key, v);
}

/* A xen_version string (cmd's buffer is at most 1 KiB) into the scratch buffer. */
static const char *version_string(struct vmctl_env *env, unsigned int cmd)
{
	char *buf = env->scratch->buf;

	memset(buf, 0, 1025);
	if (vmctl_xen_version(env->hv, cmd, buf) < 0)
		return "";
	buf[1024] = '\0';
	return buf;
}

static void info_host(struct vmctl_env *env, const struct xen_sysctl_physinfo *pi)
{
	char caps[8 * 9 + 1] = "";
	size_t n = 0;

	line(env, "host", env->hostname ? env->hostname : "dom0");
	line(env, "release", env->release ? env->release : "keel-dom0");
	line(env, "machine", "x86_64");
	line_u(env, "nr_cpus", pi->nr_cpus);
	line_u(env, "max_cpu_id", pi->max_cpu_id);
	line_u(env, "nr_nodes", pi->nr_nodes);
	line_u(env, "cores_per_socket", pi->cores_per_socket);
	line_u(env, "threads_per_core", pi->threads_per_core);
	line_u(env, "cpu_mhz", pi->cpu_khz / 1000);
	for (unsigned int i = 0; i < 8; i++)
		n += (size_t)format_snprintf(caps + n, sizeof(caps) - n, i ? ":%08x" : "%08x",
					     pi->hw_cap[i]);
	line(env, "hw_caps", caps);
	line(env, "virt_caps", pi->capabilities & XEN_SYSCTL_PHYSCAP_pv ? "pv" : "");
	line_u(env, "total_memory", pi->total_pages >> 8);
	line_u(env, "free_memory", pi->free_pages >> 8);
	line_u(env, "outstanding_claims", pi->outstanding_pages >> 8);
}

static void info_xen(struct vmctl_env *env)
{
	long v = vmctl_xen_version(env->hv, XENVER_version, NULL);
	struct xen_sysctl op = { .cmd = XEN_SYSCTL_sched_id };
	const char *extra;
	char ver[64];

	line_u(env, "xen_major", v < 0 ? 0 : (unsigned long long)v >> 16);
	line_u(env, "xen_minor", v < 0 ? 0 : (unsigned long long)v & 0xffff);
	extra = version_string(env, XENVER_extraversion);
	line(env, "xen_extra", extra);
	format_snprintf(ver, sizeof(ver), "%ld.%ld%s", v < 0 ? 0 : v >> 16, v < 0 ? 0 : v & 0xffff,
			extra);
	line(env, "xen_version", ver);
	line(env, "xen_caps", version_string(env, XENVER_capabilities));
	line(env, "xen_scheduler",
	     !vmctl_sysctl(env->hv, &op) && op.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT
		     ? "credit"
		     : "unknown");
	line_u(env, "xen_pagesize", (unsigned long long)vmctl_xen_version(env->hv, XENVER_pagesize, NULL));
	line(env, "xen_changeset", version_string(env, XENVER_changeset));
	line(env, "xen_commandline", version_string(env, XENVER_commandline));
}

int vmctl_cmd_info(struct vmctl_env *env, int argc, char **argv)
{
	struct xen_sysctl_physinfo pi;
	int rc;

	if (argc != 1)
		return vmctl_usage(env, argv[0]);
	rc = vmctl_physinfo(env->hv, &pi);
	if (rc) {
		vmctl_printf(env, "vmctl: physinfo: %s\n", vmctl_errno_name(rc));
		return 1;
	}
	info_host(env, &pi);
	info_xen(env);
	return 0;
}

/* One readconsole of up to a buffer's worth from @index (from the oldest byte if !incremental). */
static int read_ring(struct vmctl_env *env, bool clear, bool incremental, uint32_t *index,
		     uint32_t *count)
{
	struct xen_sysctl op = { .cmd = XEN_SYSCTL_readconsole };
	struct xen_sysctl_readconsole *r = &op.u.readconsole;
	int rc;

	r->clear = clear;
	r->incremental = incremental;
	r->index = *index;
	r->count = VMCTL_BUF_SIZE - 1;
	set_xen_guest_handle(r->buffer, env->scratch->buf);
	rc = vmctl_sysctl(env->hv, &op);
	if (rc) {
		vmctl_printf(env, "vmctl: readconsole: %s\n", vmctl_errno_name(rc));
		return rc;
	}
	*index = r->index;
	*count = r->count > VMCTL_BUF_SIZE - 1 ? 0 : r->count;
	return 0;
}

/*
 * Where the ring ends now.  dmesg stops there: what it prints may land in
 * the same ring (our dom0's console output does), and reading on would
 * print its own output again and again.
 */
static int ring_end(struct vmctl_env *env, uint32_t *end)
{
	uint32_t count;

	*end = 0;
	for (unsigned int i = 0; i < DMESG_MAX_READS; i++) {
		if (read_ring(env, false, i > 0, end, &count))
			return 1;
		if (!count)
			break;
	}
	return 0;
}

int vmctl_cmd_dmesg(struct vmctl_env *env, int argc, char **argv)
{
	struct vmctl_opts o = { 0 };
	bool clear = false;
	uint32_t index = 0, end, count;
	int c;

	while ((c = vmctl_getopt(&o, argc, argv, "c")) != -1) {
		if (c != 'c')
			return vmctl_usage(env, argv[0]);
		clear = true;
	}
	if (o.ind != argc)
		return vmctl_usage(env, argv[0]);
	if (ring_end(env, &end))
		return 1;
	for (unsigned int i = 0; i < DMESG_MAX_READS; i++) {
		int32_t past_end;

		if (read_ring(env, clear, i > 0, &index, &count))
			return 1;
		past_end = (int32_t)(index - end);
		if (!count || past_end >= (int32_t)count)
			break;
		if (past_end > 0)
			count -= past_end;
		env->scratch->buf[count] = '\0';
		env->out(env->ctx, env->scratch->buf);
		if (past_end >= 0)
			break;
	}
	return 0;
}
