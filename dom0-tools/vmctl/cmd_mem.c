/*
 * dom0-tools/vmctl/cmd_mem.c - the commands that tune a running domain:
 * mem-set (the balloon target), mem-max (the hypervisor's limit) and
 * sched-credit (weight and cap).
 *
 * Owns: the parsing of xl's memory sizes (vmctl_parse_mem_kb).
 */
#include "dom0-tools/vmctl/commands.h"

#include "lib/errno.h"
#include "lib/string.h"

int vmctl_parse_mem_kb(const char *s, uint64_t *kb)
{
	size_t len = strlen(s);
	unsigned int shift = 0; /* to KiB: k (the default) */
	char num[24];
	uint64_t v;
	bool bytes = false;

	if (len && !(s[len - 1] >= '0' && s[len - 1] <= '9')) {
		switch (s[len - 1] | 0x20) {
		case 'b':
			bytes = true;
			break;
		case 'k':
			break;
		case 'm':
			shift = 10;
			break;
		case 'g':
			shift = 20;
			break;
		case 't':
			shift = 30;
			break;
		default:
			return -EINVAL;
		}
		len--;
	}
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	if (vmctl_parse_uint(num, UINT64_MAX >> shift, &v))
		return -EINVAL;
	*kb = bytes ? v >> 10 : v << shift;
	return 0;
}

static int dom_path(char *path, domid_t domid, const char *rel)
{
	return vmctl_store_path(path, "/local/domain/%u/%s", domid, rel);
}

/* DOMAIN MEM: 0, or the command's exit code (having said why). */
static int mem_args(struct vmctl_env *env, int argc, char **argv, domid_t *domid, uint64_t *kb)
{
	if (argc != 3)
		return vmctl_usage(env, argv[0]);
	if (vmctl_parse_mem_kb(argv[2], kb)) {
		vmctl_printf(env, "vmctl: invalid memory size '%s'\n", argv[2]);
		return vmctl_usage(env, argv[0]);
	}
	return vmctl_lookup(env, argv[1], domid) ? 1 : 0;
}

int vmctl_cmd_mem_set(struct vmctl_env *env, int argc, char **argv)
{
	char path[VMCTL_STORE_PATH_MAX];
	uint64_t kb, max;
	domid_t domid;
	int rc = mem_args(env, argc, argv, &domid, &kb);

	if (rc)
		return rc;
	rc = dom_path(path, domid, "memory/static-max");
	if (!rc && !vmctl_store_read_u64(env->store, path, &max) && kb > max) {
		vmctl_printf(env, "vmctl: mem-set %s: %lluk is above the domain's maximum, %lluk\n",
			     argv[1], (unsigned long long)kb, (unsigned long long)max);
		return 1;
	}
	if (!rc)
		rc = dom_path(path, domid, "memory/target");
	if (!rc)
		rc = vmctl_store_printf(env->store, path, "%llu", (unsigned long long)kb);
	if (rc) {
		vmctl_printf(env, "vmctl: mem-set %s: %s\n", argv[1], vmctl_errno_name(rc));
		return 1;
	}
	return 0;
}

int vmctl_cmd_mem_max(struct vmctl_env *env, int argc, char **argv)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_max_mem };
	char path[VMCTL_STORE_PATH_MAX];
	uint64_t kb;
	int rc = mem_args(env, argc, argv, &op.domain, &kb);

	if (rc)
		return rc;
	op.u.max_mem.max_memkb = kb;
	rc = vmctl_domctl(env->hv, &op);
	if (!rc)
		rc = dom_path(path, op.domain, "memory/static-max");
	if (!rc)
		rc = vmctl_store_printf(env->store, path, "%llu", (unsigned long long)kb);
	if (rc) {
		vmctl_printf(env, "vmctl: mem-max %s: %s\n", argv[1], vmctl_errno_name(rc));
		return 1;
	}
	return 0;
}

static int credit_op(struct vmctl_env *env, domid_t domid, uint32_t cmd,
		     struct xen_domctl_sched_credit *credit)
{
	struct xen_domctl op = { .cmd = XEN_DOMCTL_scheduler_op, .domain = domid };
	int rc;

	op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
	op.u.scheduler_op.cmd = cmd;
	op.u.scheduler_op.u.credit = *credit;
	rc = vmctl_domctl(env->hv, &op);
	*credit = op.u.scheduler_op.u.credit;
	return rc;
}

static int credit_show(struct vmctl_env *env, const char *what)
{
	struct xen_domctl_getdomaininfo *info = env->scratch->info;
	char name[GUEST_NAME_MAX + 1];
	domid_t domid;
	int n;

	if (what) {
		if (vmctl_lookup(env, what, &domid))
			return 1;
		n = vmctl_domain_info(env->hv, domid, info) ? 0 : 1;
	} else {
		n = vmctl_domain_list(env->hv, 0, info, VMCTL_MAX_LIST);
	}
	if (n < 0)
		return 1;
	vmctl_printf(env, "%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
	for (int i = 0; i < n; i++) {
		struct xen_domctl_sched_credit c = { 0 };

		if (credit_op(env, info[i].domain, XEN_DOMCTL_SCHEDOP_getinfo, &c))
			continue;
		vmctl_printf(env, "%-33s %4u %6u %4u\n",
			     vmctl_name(env, info[i].domain, name, sizeof(name)), info[i].domain,
			     c.weight, c.cap);
	}
	return 0;
}

int vmctl_cmd_sched_credit(struct vmctl_env *env, int argc, char **argv)
{
	struct xen_domctl_sched_credit c = { 0 };
	const char *dom = NULL, *weight = NULL, *cap = NULL;
	struct vmctl_opts o = { 0 };
	uint64_t w = 0, cp = 0;
	domid_t domid;
	int opt, rc;

	while ((opt = vmctl_getopt(&o, argc, argv, "d:w:c:")) != -1) {
		if (opt == 'd')
			dom = o.arg;
		else if (opt == 'w')
			weight = o.arg;
		else if (opt == 'c')
			cap = o.arg;
		else
			return vmctl_usage(env, argv[0]);
	}
	if (o.ind != argc || ((weight || cap) && !dom) ||
	    (weight && vmctl_parse_uint(weight, GUEST_MAX_SCHED, &w)) || (weight && !w) ||
	    (cap && vmctl_parse_uint(cap, GUEST_MAX_SCHED, &cp)))
		return vmctl_usage(env, argv[0]);
	if (!weight && !cap)
		return credit_show(env, dom);
	if (vmctl_lookup(env, dom, &domid))
		return 1;
	/* putinfo sets both: keep the one not given. */
	rc = credit_op(env, domid, XEN_DOMCTL_SCHEDOP_getinfo, &c);
	if (!rc) {
		c.weight = weight ? (uint16_t)w : c.weight;
		c.cap = cap ? (uint16_t)cp : c.cap;
		rc = credit_op(env, domid, XEN_DOMCTL_SCHEDOP_putinfo, &c);
	}
	if (rc) {
		vmctl_printf(env, "vmctl: sched-credit %s: %s\n", dom, vmctl_errno_name(rc));
		return 1;
	}
	return 0;
}
