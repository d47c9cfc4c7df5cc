/*
 * dom0-tools/vmctl/domain_table.c - the domains dom0 created, and the
 * name <-> id lookups (domain_table.h).
 *
 * Owns: the caller's struct vmctl_domain_table.  Invariant: at most one
 * used entry per domid and per name (create refuses a name in use).
 */
#include "dom0-tools/vmctl/domain_table.h"

#include "lib/ctype.h"
#include "lib/errno.h"
#include "lib/string.h"

struct vmctl_domain *vmctl_table_add(struct vmctl_domain_table *t, domid_t domid)
{
	for (unsigned int i = 0; i < VMCTL_MAX_DOMAINS; i++) {
		struct vmctl_domain *d = &t->dom[i];

		if (d->used)
			continue;
		memset(d, 0, sizeof(*d));
		d->used = true;
		d->domid = domid;
		return d;
	}
	return NULL;
}

struct vmctl_domain *vmctl_table_find(struct vmctl_domain_table *t, domid_t domid)
{
	for (unsigned int i = 0; i < VMCTL_MAX_DOMAINS; i++)
		if (t->dom[i].used && t->dom[i].domid == domid)
			return &t->dom[i];
	return NULL;
}

struct vmctl_domain *vmctl_table_find_name(struct vmctl_domain_table *t, const char *name)
{
	for (unsigned int i = 0; i < VMCTL_MAX_DOMAINS; i++)
		if (t->dom[i].used && !strcmp(t->dom[i].config.name, name))
			return &t->dom[i];
	return NULL;
}

void vmctl_table_remove(struct vmctl_domain_table *t, domid_t domid)
{
	struct vmctl_domain *d = vmctl_table_find(t, domid);

	if (d)
		d->used = false;
}

int vmctl_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int dv = digit_value(*s);

		/* n * 10 + dv > max without overflow: max - dv would wrap for a digit above max */
		if (dv > 9 || (uint64_t)dv > max || n > (max - (uint64_t)dv) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)dv;
	}
	*v = n;
	return 0;
}

int vmctl_parse_domid(const char *s, domid_t *domid)
{
	uint64_t v;

	if (vmctl_parse_uint(s, DOMID_FIRST_RESERVED - 1, &v))
		return -EINVAL;
	*domid = (domid_t)v;
	return 0;
}

int vmctl_table_resolve(struct vmctl_domain_table *t, const char *what, domid_t *domid)
{
	struct vmctl_domain *d;

	if (!strcmp(what, VMCTL_DOM0_NAME)) {
		*domid = 0;
		return 0;
	}
	if (!vmctl_parse_domid(what, domid))
		return 0;
	d = vmctl_table_find_name(t, what);
	if (!d)
		return -ESRCH;
	*domid = d->domid;
	return 0;
}

const char *vmctl_table_name(struct vmctl_domain_table *t, domid_t domid)
{
	struct vmctl_domain *d;

	if (domid == 0)
		return VMCTL_DOM0_NAME;
	d = vmctl_table_find(t, domid);
	return d ? d->config.name : NULL;
}
