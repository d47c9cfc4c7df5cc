/*
 * dom0-tools/vmctl/lifecycle.c - what happens to a domain that stopped
 * (vmctl.h's vmctl_lifecycle, run by dom0 on VIRQ_DOM_EXC).
 *
 * Owns: the mapping from a shutdown reason to the config's action:
 *   poweroff -> on_poweroff, reboot -> on_reboot, crash -> on_crash,
 *   watchdog -> on_watchdog; suspend -> preserved (vmctl cannot save a
 *   domain); soft_reset -> destroy (refused in configs, see
 *   docs/guest-config.md).
 * Actions: destroy (teardown, table entry dropped), restart and
 * rename-restart (destroy, then create again from the remembered config
 * and UUID, the kernel read again through the file loader), preserve
 * (left shut down, reported once).  A dying domain is one whose destroy
 * answered -EBUSY earlier: the destroy is tried again.
 * Domains vmctl did not create are destroyed when they shut down.
 */
#include "dom0-tools/vmctl/vmctl.h"

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

static const char *const reason_names[] = {
	[SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend",	  [SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

static enum guest_action action_for(const struct guest_config *gc, unsigned int reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return gc->on_poweroff;
	case SHUTDOWN_reboot:
		return gc->on_reboot;
	case SHUTDOWN_crash:
		return gc->on_crash;
	case SHUTDOWN_watchdog:
		return gc->on_watchdog;
	case SHUTDOWN_suspend:
		return GUEST_ACTION_PRESERVE;
	}
	return GUEST_ACTION_DESTROY;
}

/* Destroy, then create again from the remembered config; prints the outcome. */
static void restart(struct vmctl_env *env, struct vmctl_domain *d, const char *what)
{
	struct guest_config *gc = &env->scratch->gc;
	domid_t old = d->domid, domid;
	uint8_t uuid[16];
	int rc;

	*gc = d->config; /* d is dropped by the destroy */
	memcpy(uuid, d->uuid, sizeof(uuid));
	rc = vmctl_destroy(env, old);
	if (rc) {
		vmctl_printf(env, "%s, destroy failed: %s\n", what, vmctl_errno_name(rc));
		return;
	}
	if (vmctl_create_config(env, gc, uuid, &domid))
		vmctl_printf(env, "%s, destroyed; restart failed\n", what);
	else
		vmctl_printf(env, "%s, restarted as domain %u\n", what, domid);
}

static void handle_shutdown(struct vmctl_env *env, const struct xen_domctl_getdomaininfo *di)
{
	unsigned int reason = (di->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
	struct vmctl_domain *d = vmctl_table_find(env->domains, di->domain);
	enum guest_action action = d ? action_for(&d->config, reason) : GUEST_ACTION_DESTROY;
	char what[GUEST_NAME_MAX + 64], name[GUEST_NAME_MAX + 1];
	int rc;

	if (d)
		format_snprintf(name, sizeof(name), "%s", d->config.name);
	else
		format_snprintf(name, sizeof(name), "domain %u", di->domain);
	format_snprintf(what, sizeof(what), "%s: shut down (%s)", name,
			reason < ARRAY_SIZE(reason_names) ? reason_names[reason] : "unknown");
	switch (action) {
	case GUEST_ACTION_PRESERVE:
		d->preserved = true;
		vmctl_printf(env, "%s, preserved\n", what);
		return;
	case GUEST_ACTION_RESTART:
	case GUEST_ACTION_RENAME_RESTART:
		restart(env, d, what);
		return;
	case GUEST_ACTION_DESTROY:
		break;
	}
	rc = vmctl_destroy(env, di->domain);
	if (rc)
		vmctl_printf(env, "%s, destroy failed: %s\n", what, vmctl_errno_name(rc));
	else
		vmctl_printf(env, "%s, destroyed\n", what);
}

int vmctl_lifecycle(struct vmctl_env *env)
{
	struct xen_domctl_getdomaininfo *info = env->scratch->info;
	char name[GUEST_NAME_MAX + 1];
	int n = vmctl_domain_list(env->hv, 1, info, VMCTL_MAX_LIST), events = 0;

	for (int i = 0; i < n; i++) {
		const struct xen_domctl_getdomaininfo *di = &info[i];
		struct vmctl_domain *d = vmctl_table_find(env->domains, di->domain);

		if (di->flags & XEN_DOMINF_dying) {
			/* An earlier destroy found a frame still mapped: try again. */
			const char *who = vmctl_name(env, di->domain, name, sizeof(name));
			int rc;

			vmctl_printf(env, "%s: dying, ", who); /* before the entry goes */
			rc = vmctl_destroy(env, di->domain);
			vmctl_printf(env, "destroy %s\n", rc ? "still pending" : "done");
			events++;
		} else if ((di->flags & XEN_DOMINF_shutdown) && !(d && d->preserved)) {
			handle_shutdown(env, di);
			events++;
		}
	}
	return n < 0 ? n : events;
}
