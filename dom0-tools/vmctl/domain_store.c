/*
 * dom0-tools/vmctl/domain_store.c - a new domain's XenStore entries, the
 * way xl writes them for a PV guest (domain_create.h), and INTRODUCE.
 *
 * Owns: the layout of /local/domain/<id> and /vm/<uuid>:
 *
 *   /vm/<uuid>                 dom0's, read by the guest: name, uuid
 *   /local/domain/<id>         dom0's, read by the guest:
 *     name, domid, vm                      who it is
 *     memory/static-max, memory/target     KiB (the balloon follows target)
 *     cpu/<n>/availability                 "online" for n < vcpus, else "offline"
 *     console/ ring-ref port limit type output   the PV console ring
 *     store/ ring-ref port                 the XenStore ring
 *     control/ device/ data/ drivers/ feature/ attr/ error/
 *                                          owned by the guest (it writes
 *                                          there; dom0 may anyway)
 *     control/shutdown                     "" : the toolstack's requests
 *
 * Nodes are created after their parent's permissions are set, so they
 * inherit them (xenstored's rule for a node dom0 creates).
 */
#include "dom0-tools/vmctl/domain_create.h"

#include "lib/errno.h"
#include "lib/format.h"

/* Subtrees the guest owns and writes (xl's "rw" paths). */
static const char *const guest_dirs[] = {
	"control", "device", "data", "drivers", "feature", "attr", "error",
};

void vmctl_uuid_format(char *buf, const uint8_t *u)
{
	format_snprintf(buf, 37,
			"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
			u[12], u[13], u[14], u[15]);
}

/* One write at a formatted path below base; the op's name lands in *step. */
struct store_batch {
	const struct vmctl_store *st;
	const char *base; /* "/local/domain/<id>" or "/vm/<uuid>" */
	const char **step;
	int rc;
};

static void batch_write(struct store_batch *b, const char *rel, const char *fmt, ...)
	__printf(3, 4);

static void batch_write(struct store_batch *b, const char *rel, const char *fmt, ...)
{
	char path[VMCTL_STORE_PATH_MAX], value[VMCTL_STORE_VALUE_MAX];
	va_list ap;
	int n;

	if (b->rc)
		return;
	va_start(ap, fmt);
	n = format_vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	b->rc = vmctl_store_path(path, "%s/%s", b->base, rel);
	if (!b->rc && (n < 0 || (size_t)n >= sizeof(value)))
		b->rc = -E2BIG;
	if (!b->rc)
		b->rc = b->st->write(b->st->ctx, path, value);
	if (b->rc)
		*b->step = "xenstore write";
}

/* mkdir base/rel (base itself for rel NULL) owned by owner, readable by reader. */
static void batch_dir(struct store_batch *b, const char *rel, domid_t owner, domid_t reader)
{
	char path[VMCTL_STORE_PATH_MAX];

	if (b->rc)
		return;
	b->rc = rel ? vmctl_store_path(path, "%s/%s", b->base, rel)
		    : vmctl_store_path(path, "%s", b->base);
	if (!b->rc)
		b->rc = b->st->mkdir(b->st->ctx, path);
	if (b->rc) {
		*b->step = "xenstore mkdir";
		return;
	}
	b->rc = b->st->set_perms(b->st->ctx, path, owner, reader);
	if (b->rc)
		*b->step = "xenstore set_perms";
}

static int store_vm(const struct vmctl_store *st, const struct vmctl_domain *d, const char *uuid,
		    const char **step)
{
	char base[VMCTL_STORE_PATH_MAX];
	struct store_batch b = { st, base, step, vmctl_store_path(base, "/vm/%s", uuid) };

	batch_dir(&b, NULL, 0, d->domid);
	batch_write(&b, "name", "%s", d->config.name);
	batch_write(&b, "uuid", "%s", uuid);
	return b.rc;
}

static int store_local(const struct vmctl_store *st, const struct vmctl_domain *d,
		       const char *uuid, const char **step)
{
	const struct guest_config *gc = &d->config;
	char base[VMCTL_STORE_PATH_MAX], rel[32];
	struct store_batch b = { st, base, step, vmctl_store_path(base, "/local/domain/%u", d->domid) };

	batch_dir(&b, NULL, 0, d->domid);
	batch_write(&b, "name", "%s", gc->name);
	batch_write(&b, "domid", "%u", d->domid);
	batch_write(&b, "vm", "/vm/%s", uuid);
	batch_write(&b, "memory/static-max", "%llu", (unsigned long long)gc->maxmem_mib * 1024);
	batch_write(&b, "memory/target", "%llu", (unsigned long long)gc->memory_mib * 1024);
	for (unsigned int n = 0; n < gc->maxvcpus; n++) {
		format_snprintf(rel, sizeof(rel), "cpu/%u/availability", n);
		batch_write(&b, rel, "%s", n < gc->vcpus ? "online" : "offline");
	}
	batch_write(&b, "console/ring-ref", "%llu", (unsigned long long)d->console_mfn);
	batch_write(&b, "console/port", "%u", d->console_port);
	batch_write(&b, "console/limit", "%u", VMCTL_CONSOLE_LIMIT);
	batch_write(&b, "console/type", "%s", "xenconsoled");
	batch_write(&b, "console/output", "%s", "pty");
	batch_write(&b, "store/ring-ref", "%llu", (unsigned long long)d->store_mfn);
	batch_write(&b, "store/port", "%u", d->store_port);
	for (unsigned int i = 0; i < sizeof(guest_dirs) / sizeof(guest_dirs[0]); i++)
		batch_dir(&b, guest_dirs[i], d->domid, DOMID_INVALID);
	batch_write(&b, "control/shutdown", "%s", "");
	return b.rc;
}

int vmctl_store_domain(const struct vmctl_store *st, const struct vmctl_domain *d,
		       const char **step)
{
	char uuid[37];
	int rc;

	vmctl_uuid_format(uuid, d->uuid);
	rc = store_vm(st, d, uuid, step);
	if (!rc)
		rc = store_local(st, d, uuid, step);
	if (rc)
		return rc;
	rc = st->introduce(st->ctx, d->domid, d->store_mfn, d->store_port);
	if (rc)
		*step = "xenstore introduce";
	return rc;
}
