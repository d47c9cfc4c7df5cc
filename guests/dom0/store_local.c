/*
 * guests/dom0/store_local.c - xenstored inside dom0, and vmctl's XenStore
 * interface (dom0-tools/vmctl/store.h) on it.
 *
 * Owns the daemon's state and storage (about 3 MiB of .bss).  Each
 * domU's store ring is reached through the foreign window and its event
 * channel is bound here; an event on it pumps that domain's ring.  dom0's
 * own requests go straight in (xsd_local_request) as wire messages, so
 * they get the same checks as a domain's.
 */
#include "guests/dom0/dom0.h"

#include "dom0-tools/xenstored/xenstored.h"
#include "guests/common/xs_client.h"
#include "guests/lib/console.h"
#include "guests/lib/events.h"
#include "guests/lib/mm.h"
#include "lib/errno.h"
#include "lib/string.h"

#define STORE_NODES 8192
#define STORE_ARENA (1024 * 1024)

static struct xsd xsd;
static struct xsd_node nodes[STORE_NODES];
static uint8_t arena[STORE_ARENA] __attribute__((aligned(64)));
static uint8_t request[XS_MSG_MAX], reply[XS_MSG_MAX + 1];
static uint32_t req_id;

static void store_ring_event(evtchn_port_t port, void *data)
{
	struct xsd_conn *c = xsd_conn_by_port(&xsd, port);

	if (c)
		xsd_ring_pump(&xsd, c);
}

static void *plat_map_ring(void *ctx, domid_t domid, uint64_t mfn)
{
	long rc;

	return mm_map_foreign(domid, mfn, &rc);
}

static void plat_unmap_ring(void *ctx, void *ring)
{
	mm_unmap_foreign(ring);
}

static long plat_bind_port(void *ctx, domid_t domid, uint32_t remote_port)
{
	return evtchn_bind_interdomain(domid, remote_port, store_ring_event, NULL);
}

static void plat_unbind_port(void *ctx, long local_port)
{
	evtchn_close(local_port);
}

static void plat_notify(void *ctx, long local_port)
{
	evtchn_notify(local_port);
}

static const struct xsd_platform platform = {
	.map_ring = plat_map_ring,
	.unmap_ring = plat_unmap_ring,
	.bind_port = plat_bind_port,
	.unbind_port = plat_unbind_port,
	.notify = plat_notify,
};

void dom0_store_init(void)
{
	int rc = xsd_init(&xsd, &platform, nodes, STORE_NODES, arena, sizeof(arena));

	if (rc)
		panic("dom0: xenstored: init failed (%d)", rc);
}

/* dom0's change may have queued watch events for domains: send them on. */
static void pump_domains(void)
{
	for (int i = 0; i < XSD_MAX_CONNS; i++) {
		struct xsd_conn *c = &xsd.conns[i];

		if (c->used && !c->local && c->out_len)
			xsd_ring_pump(&xsd, c);
	}
}

/* Sends the request built in `request` (@len bytes, or an errno); the reply payload's length. */
static int local_request(int len, uint32_t type)
{
	const struct xsd_sockmsg *hdr = (const void *)request;
	const struct xsd_sockmsg *rhdr = (const void *)reply;
	int rc;

	if (len < 0)
		return len;
	rc = xsd_local_request(&xsd, hdr, request + sizeof(*hdr), reply, XS_MSG_MAX);
	pump_domains();
	if (rc < 0)
		return rc;
	reply[rc] = 0;
	rc = xs_reply_check(rhdr, reply + sizeof(*rhdr), type);
	return rc ? rc : (int)rhdr->len;
}

static int path_request(uint32_t type, const char *path)
{
	return local_request(xs_req_path(request, sizeof(request), type, ++req_id, 0, path), type);
}

static int st_read(void *ctx, const char *path, char *buf, size_t len)
{
	int n = path_request(XS_READ, path);

	if (n < 0)
		return n;
	if ((size_t)n >= len)
		return -E2BIG;
	memcpy(buf, reply + sizeof(struct xsd_sockmsg), n);
	buf[n] = 0;
	return n;
}

static int st_write(void *ctx, const char *path, const char *value)
{
	int n = local_request(xs_req_write(request, sizeof(request), ++req_id, 0, path, value,
					   strlen(value)),
			      XS_WRITE);

	return n < 0 ? n : 0;
}

static int st_mkdir(void *ctx, const char *path)
{
	int n = path_request(XS_MKDIR, path);

	return n < 0 ? n : 0;
}

static int st_rm(void *ctx, const char *path)
{
	int n = path_request(XS_RM, path);

	return n < 0 ? n : 0;
}

static int st_directory(void *ctx, const char *path, char *buf, size_t len)
{
	int n = path_request(XS_DIRECTORY, path);

	return n < 0 ? n : xs_dir_copy(reply + sizeof(struct xsd_sockmsg), n, buf, len);
}

static int st_set_perms(void *ctx, const char *path, domid_t owner, domid_t reader)
{
	struct xs_perm perms[2] = { { owner, XS_PERM_NONE }, { reader, XS_PERM_READ } };
	size_t nr = reader == DOMID_INVALID ? 1 : 2;
	int n = local_request(xs_req_set_perms(request, sizeof(request), ++req_id, 0, path, perms,
					       nr),
			      XS_SET_PERMS);

	return n < 0 ? n : 0;
}

static int st_introduce(void *ctx, domid_t domid, uint64_t store_mfn, uint32_t store_port)
{
	return xsd_introduce(&xsd, domid, store_mfn, store_port);
}

/* The domain is about to be destroyed: no mapping of its frames may stay. */
static int st_release(void *ctx, domid_t domid)
{
	dom0_console_release(domid);
	return xsd_release(&xsd, domid);
}

const struct vmctl_store dom0_store = {
	.read = st_read,
	.write = st_write,
	.mkdir = st_mkdir,
	.rm = st_rm,
	.directory = st_directory,
	.set_perms = st_set_perms,
	.introduce = st_introduce,
	.release = st_release,
};
