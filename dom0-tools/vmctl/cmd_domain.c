/*
 * dom0-tools/vmctl/cmd_domain.c - the commands that make, stop and
 * reach a domain: create, destroy, shutdown, reboot, pause, unpause,
 * console; and create-from-config, which lifecycle restarts share.
 *
 * Owns: the domain table's entries (added on create, removed on
 * destroy).
 */
#include "dom0-tools/vmctl/commands.h"

#include "lib/errno.h"
#include "lib/string.h"

#define SHUTDOWN_WAIT_MS 60000 /* shutdown -w gives up after a minute */
#define SHUTDOWN_POLL_MS 100

static void fresh_uuid(struct vmctl_env *env, uint8_t *u)
{
	uint64_t a = env->random64(env->ctx), b = env->random64(env->ctx);

	memcpy(u, &a, 8);
	memcpy(u + 8, &b, 8);
	u[6] = (u[6] & 0x0f) | 0x40; /* version 4: random */
	u[8] = (u[8] & 0x3f) | 0x80; /* the RFC 4122 variant */
}

/* The kernel and ramdisk of gc through the file loader; 0 or -ENOENT (said). */
static int load_images(struct vmctl_env *env, const struct guest_config *gc,
		       struct vmctl_create_params *p)
{
	p->kernel = env->load_file(env->ctx, gc->kernel, &p->kernel_len);
	if (!p->kernel) {
		vmctl_printf(env, "vmctl: %s: cannot read kernel %s\n", gc->name, gc->kernel);
		return -ENOENT;
	}
	if (!gc->ramdisk[0])
		return 0;
	p->ramdisk = env->load_file(env->ctx, gc->ramdisk, &p->ramdisk_len);
	if (!p->ramdisk) {
		vmctl_printf(env, "vmctl: %s: cannot read ramdisk %s\n", gc->name, gc->ramdisk);
		return -ENOENT;
	}
	return 0;
}

int vmctl_create_config(struct vmctl_env *env, const struct guest_config *gc, const uint8_t *uuid,
			domid_t *domid)
{
	struct vmctl_create_params p = { .gc = gc };
	struct vmctl_domain *d;
	char msg[VMCTL_MSG_MAX];
	uint8_t u[16];
	int rc;

	if (vmctl_table_find_name(env->domains, gc->name) || !strcmp(gc->name, VMCTL_DOM0_NAME)) {
		vmctl_printf(env, "vmctl: a domain named '%s' already exists\n", gc->name);
		return -EEXIST;
	}
	if (uuid)
		memcpy(u, uuid, 16);
	else if (gc->has_uuid)
		memcpy(u, gc->uuid, 16);
	else
		fresh_uuid(env, u);
	p.uuid = u;
	rc = load_images(env, gc, &p);
	if (rc)
		return rc;
	d = vmctl_table_add(env->domains, DOMID_INVALID);
	if (!d) {
		vmctl_printf(env, "vmctl: %s: vmctl already manages %u domains\n", gc->name,
			     VMCTL_MAX_DOMAINS);
		return -ENOSPC;
	}
	rc = vmctl_domain_create(env->hv, env->store, &env->scratch->create, &p, d, msg);
	if (rc) {
		d->used = false;
		vmctl_printf(env, "vmctl: %s\n", msg);
		return rc;
	}
	*domid = d->domid;
	return 0;
}

int vmctl_cmd_create(struct vmctl_env *env, int argc, char **argv)
{
	struct vmctl_scratch *s = env->scratch;
	struct vmctl_opts o = { 0 };
	const struct vmctl_domain *d;
	bool console = false;
	const char *text;
	size_t len;
	domid_t domid;
	int c, rc;

	while ((c = vmctl_getopt(&o, argc, argv, "c")) != -1) {
		if (c != 'c')
			return vmctl_usage(env, argv[0]);
		console = true;
	}
	if (o.ind >= argc)
		return vmctl_usage(env, argv[0]);
	text = env->load_file(env->ctx, argv[o.ind], &len);
	if (!text) {
		vmctl_printf(env, "vmctl: cannot read %s\n", argv[o.ind]);
		return 1;
	}
	vmctl_printf(env, "Parsing config from %s\n", argv[o.ind]);
	/* KEY=VALUE after the file win over it, as with xl create */
	rc = guest_config_parse(&s->gc, &s->cfg, argv[o.ind], text, len, (unsigned int)(argc - o.ind - 1),
				argv + o.ind + 1);
	for (unsigned int i = 0; i < s->cfg.diag.nr_warnings; i++)
		vmctl_printf(env, "warning: %s\n", s->cfg.diag.warnings[i]);
	if (s->cfg.diag.dropped_warnings)
		vmctl_printf(env, "warning: ... and %u more\n", s->cfg.diag.dropped_warnings);
	if (rc) {
		vmctl_printf(env, "error: %s\n", s->cfg.diag.error);
		return 1;
	}
	if (vmctl_create_config(env, &s->gc, NULL, &domid))
		return 1;
	d = vmctl_table_find(env->domains, domid);
	if (console && env->console(env->ctx, domid, d->console_port, d->console_mfn))
		return 1;
	return 0;
}

int vmctl_destroy(struct vmctl_env *env, domid_t domid)
{
	const struct vmctl_domain *d = vmctl_table_find(env->domains, domid);
	int rc = vmctl_domain_teardown(env->hv, env->store, domid, d ? d->uuid : NULL);

	if (!rc || rc == -ESRCH)
		vmctl_table_remove(env->domains, domid);
	return rc;
}

/* An existing domain other than dom0; 0, or 1 having said why. */
static int find_domu(struct vmctl_env *env, const char *cmd, const char *what, domid_t *domid)
{
	if (vmctl_lookup(env, what, domid))
		return 1;
	if (*domid == 0) {
		vmctl_printf(env, "vmctl: %s: not for Domain-0\n", cmd);
		return 1;
	}
	return 0;
}

/* The one DOMAIN operand of argv (no options); 0, or the command's exit code. */
static int one_domain(struct vmctl_env *env, int argc, char **argv, domid_t *domid)
{
	if (argc != 2 || argv[1][0] == '-')
		return vmctl_usage(env, argv[0]);
	return find_domu(env, argv[0], argv[1], domid);
}

int vmctl_cmd_destroy(struct vmctl_env *env, int argc, char **argv)
{
	domid_t domid;
	int rc = one_domain(env, argc, argv, &domid);

	if (rc)
		return rc;
	rc = vmctl_destroy(env, domid);
	if (rc) {
		vmctl_printf(env, "vmctl: destroy %s: %s\n", argv[1], vmctl_errno_name(rc));
		return 1;
	}
	return 0;
}

static int request(struct vmctl_env *env, domid_t domid, const char *what, const char *action)
{
	char path[VMCTL_STORE_PATH_MAX];
	int rc = vmctl_store_path(path, "/local/domain/%u/control/shutdown", domid);

	if (!rc)
		rc = env->store->write(env->store->ctx, path, action);
	if (rc)
		vmctl_printf(env, "vmctl: %s %s: writing control/shutdown: %s\n", action, what,
			     vmctl_errno_name(rc));
	return rc;
}

/* Until domid is gone or shut down (handling its lifecycle meanwhile); 0, or 1 on timeout. */
static int wait_down(struct vmctl_env *env, domid_t domid, const char *what)
{
	struct xen_domctl_getdomaininfo di;

	vmctl_printf(env, "Waiting for domain %s (%u) to shut down\n", what, domid);
	for (unsigned int waited = 0; waited < SHUTDOWN_WAIT_MS; waited += SHUTDOWN_POLL_MS) {
		vmctl_lifecycle(env);
		if (vmctl_domain_info(env->hv, domid, &di) ||
		    (di.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying))) {
			vmctl_printf(env, "Domain %s (%u) is down\n", what, domid);
			return 0;
		}
		env->hv->sleep_ms(env->hv->ctx, SHUTDOWN_POLL_MS);
	}
	vmctl_printf(env, "vmctl: domain %s (%u) did not shut down within %u s\n", what, domid,
		     SHUTDOWN_WAIT_MS / 1000);
	return 1;
}

int vmctl_cmd_shutdown(struct vmctl_env *env, int argc, char **argv)
{
	struct vmctl_opts o = { 0 };
	bool wait = false;
	domid_t domid;
	int c, rc;

	while ((c = vmctl_getopt(&o, argc, argv, "w")) != -1) {
		if (c != 'w')
			return vmctl_usage(env, argv[0]);
		wait = true;
	}
	if (o.ind != argc - 1)
		return vmctl_usage(env, argv[0]);
	rc = find_domu(env, argv[0], argv[o.ind], &domid);
	if (rc)
		return rc;
	if (request(env, domid, argv[o.ind], "poweroff"))
		return 1;
	return wait ? wait_down(env, domid, argv[o.ind]) : 0;
}

int vmctl_cmd_reboot(struct vmctl_env *env, int argc, char **argv)
{
	domid_t domid;
	int rc = one_domain(env, argc, argv, &domid);

	if (rc)
		return rc;
	return request(env, domid, argv[1], "reboot") ? 1 : 0;
}

static int pause_op(struct vmctl_env *env, int argc, char **argv, uint32_t cmd)
{
	domid_t domid;
	int rc = one_domain(env, argc, argv, &domid);

	if (rc)
		return rc;
	rc = vmctl_domain_simple(env->hv, domid, cmd);
	if (rc) {
		vmctl_printf(env, "vmctl: %s %s: %s\n", argv[0], argv[1], vmctl_errno_name(rc));
		return 1;
	}
	return 0;
}

int vmctl_cmd_pause(struct vmctl_env *env, int argc, char **argv)
{
	return pause_op(env, argc, argv, XEN_DOMCTL_pausedomain);
}

int vmctl_cmd_unpause(struct vmctl_env *env, int argc, char **argv)
{
	return pause_op(env, argc, argv, XEN_DOMCTL_unpausedomain);
}

int vmctl_cmd_console(struct vmctl_env *env, int argc, char **argv)
{
	const struct vmctl_domain *d;
	domid_t domid;
	int rc = one_domain(env, argc, argv, &domid);

	if (rc)
		return rc;
	d = vmctl_table_find(env->domains, domid);
	if (!d) {
		vmctl_printf(env, "vmctl: console %s: not a domain vmctl created\n", argv[1]);
		return 1;
	}
	return env->console(env->ctx, domid, d->console_port, d->console_mfn) ? 1 : 0;
}
