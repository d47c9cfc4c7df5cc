/*
 * tests/host/vcpu_context_shim.c - the arch vCPU-context calls of
 * hypercalls/vcpu_context.h for unit tests: a set context is remembered
 * per vCPU (by pointer) so get returns it and has_context turns true;
 * host_vcpu_context_rc makes the next set fail with that errno.
 */
#include "host/vcpu_context_shim.h"

#include <stdint.h>
#include <string.h>

#include "hypercalls/vcpu_context.h"

#define KEPT 64

static struct {
	struct vcpu *v;
	struct vcpu_guest_context ctx;
} kept[KEPT];

unsigned int host_vcpu_context_sets;
int host_vcpu_context_rc;

void host_vcpu_context_reset(void)
{
	memset(kept, 0, sizeof(kept));
	host_vcpu_context_sets = 0;
	host_vcpu_context_rc = 0;
}

static int slot_of(const struct vcpu *v, bool make)
{
	for (int i = 0; i < KEPT; i++)
		if (kept[i].v == v)
			return i;
	if (!make)
		return -1;
	for (int i = 0; i < KEPT; i++)
		if (!kept[i].v)
			return i;
	return -1;
}

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *ctx)
{
	int rc = host_vcpu_context_rc;
	int i;

	host_vcpu_context_sets++;
	if (rc) {
		host_vcpu_context_rc = 0;
		return rc;
	}
	i = slot_of(v, true);
	if (i < 0)
		return -12; /* ENOMEM: the shim's table is full */
	kept[i].v = v;
	kept[i].ctx = *ctx;
	return 0;
}

int arch_vcpu_get_context(struct vcpu *v, struct vcpu_guest_context *ctx)
{
	int i = slot_of(v, false);

	if (i < 0)
		memset(ctx, 0, sizeof(*ctx));
	else
		*ctx = kept[i].ctx;
	return 0;
}

bool arch_vcpu_has_context(const struct vcpu *v)
{
	return slot_of(v, false) >= 0;
}
