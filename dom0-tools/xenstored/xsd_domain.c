/*
 * dom0-tools/xenstored/xsd_domain.c - the daemon's life and its domains:
 * init (the standard root nodes), XS_INTRODUCE / XS_RELEASE and the other
 * domain requests, and dom0's in-process local connection.
 *
 * Invariants: conns[0] is the local connection (domid 0, no ring); every
 * other used connection belongs to one introduced domain, has its ring
 * mapped and its port bound until xsd_release().  Only dom0 introduces,
 * releases or resumes domains.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

#define HDR sizeof(struct xsd_sockmsg)

int xsd_init(struct xsd *xsd, const struct xsd_platform *plat, struct xsd_node *nodes,
	     uint32_t nr_nodes, void *arena, size_t arena_size)
{
	static const char *const roots[] = { "/local", "/local/domain", "/tool" };
	int rc;

	if (nr_nodes < 16)
		return -EINVAL;
	memset(xsd, 0, sizeof(*xsd));
	xsd->plat = *plat;
	xsd->nodes = nodes;
	xsd->nr_nodes = nr_nodes;
	xsd->node_quota = XSD_NODE_QUOTA;
	xsd->value_quota = XSD_VALUE_QUOTA;
	rc = xsd_arena_init(&xsd->arena, arena, arena_size);
	if (!rc)
		rc = xsd_tree_init(xsd);
	for (size_t i = 0; !rc && i < sizeof(roots) / sizeof(roots[0]); i++)
		rc = xsd_tree_write(xsd, roots[i], NULL, 0, 0, true);
	xsd->conns[0].used = true;
	xsd->conns[0].local = true;
	xsd->conns[0].local_port = -1;
	return rc;
}

int xsd_local_request(struct xsd *xsd, const struct xsd_sockmsg *hdr, const void *payload,
		      void *reply, size_t reply_size)
{
	uint32_t len = xsd_handle(xsd, &xsd->conns[0], hdr, payload);

	if (xsd->initial)
		xsd_watch_send(xsd, xsd->initial, xsd_arena_ptr(&xsd->arena, xsd->initial->path));
	if (reply_size < len)
		return -ENOSPC;
	memcpy(reply, xsd->reply, len);
	return (int)len;
}

static void fire_special(struct xsd *xsd, const char *name)
{
	xsd_watch_fire(xsd, name, NULL, 0, false);
}

int xsd_introduce(struct xsd *xsd, domid_t domid, uint64_t mfn, uint32_t remote_port)
{
	struct xsd_conn *conn = xsd_conn_by_domid(xsd, domid);
	long port;
	void *ring;

	if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	if (conn)
		return conn->mfn == mfn && conn->remote_port == remote_port ? 0 : -EEXIST;
	conn = xsd_conn_alloc(xsd, domid);
	if (!conn)
		return -ENOSPC;
	ring = xsd->plat.map_ring(xsd->plat.ctx, domid, mfn);
	if (!ring) {
		conn->used = false;
		return -EFAULT;
	}
	port = xsd->plat.bind_port(xsd->plat.ctx, domid, remote_port);
	if (port < 0) {
		xsd->plat.unmap_ring(xsd->plat.ctx, ring);
		conn->used = false;
		return (int)port;
	}
	conn->intf = ring;
	conn->mfn = mfn;
	conn->remote_port = remote_port;
	conn->local_port = port;
	conn->intf->server_features = XENSTORE_SERVER_FEATURE_ERROR;
	fire_special(xsd, "@introduceDomain");
	/* Requests written before the introduction are waiting. */
	xsd_ring_pump(xsd, conn);
	return 0;
}

int xsd_release(struct xsd *xsd, domid_t domid)
{
	struct xsd_conn *conn = xsd_conn_by_domid(xsd, domid);

	if (!conn)
		return -ENOENT;
	xsd_watch_drop_conn(xsd, conn);
	xsd_txn_drop_conn(xsd, conn);
	if (xsd->plat.unbind_port)
		xsd->plat.unbind_port(xsd->plat.ctx, conn->local_port);
	xsd->plat.unmap_ring(xsd->plat.ctx, conn->intf);
	conn->used = false;
	fire_special(xsd, "@releaseDomain");
	return 0;
}

/* A domid argument: only dom0 may name one; 0 or -errno. */
static int domid_arg(struct xsd_req *req, const char *s, domid_t *domid)
{
	uint64_t v;

	if (xs_parse_u64(s, strlen(s), DOMID_FIRST_RESERVED - 1, &v))
		return -EINVAL;
	*domid = (domid_t)v;
	return 0;
}

int xsd_op_introduce(struct xsd_req *req)
{
	uint64_t mfn, port;
	domid_t domid;
	int rc;

	if (req->conn->domid != 0)
		return -EACCES;
	rc = domid_arg(req, req->arg[0], &domid);
	if (!rc && (xs_parse_u64(req->arg[1], strlen(req->arg[1]), UINT64_MAX, &mfn) ||
		    xs_parse_u64(req->arg[2], strlen(req->arg[2]), UINT32_MAX, &port)))
		rc = -EINVAL;
	if (!rc)
		rc = xsd_introduce(req->xsd, domid, mfn, (uint32_t)port);
	return rc ? rc : xsd_reply_ok(req);
}

int xsd_op_release(struct xsd_req *req)
{
	domid_t domid;
	int rc = req->conn->domid != 0 ? -EACCES : domid_arg(req, req->arg[0], &domid);

	if (!rc)
		rc = xsd_release(req->xsd, domid);
	return rc ? rc : xsd_reply_ok(req);
}

int xsd_op_get_domain_path(struct xsd_req *req)
{
	domid_t domid;
	int rc = domid_arg(req, req->arg[0], &domid);

	if (!rc)
		req->out_len = (uint32_t)format_snprintf(req->out, XSD_PATH_BUF, "/local/domain/%u",
							 domid) + 1;
	return rc;
}

int xsd_op_is_introduced(struct xsd_req *req)
{
	domid_t domid;
	int rc = req->conn->domid != 0 ? -EACCES : domid_arg(req, req->arg[0], &domid);

	if (rc)
		return rc;
	/* dom0 is always there (its connection is the local one). */
	memcpy(req->out, domid == 0 || xsd_conn_by_domid(req->xsd, domid) ? "T" : "F", 2);
	req->out_len = 2;
	return 0;
}

int xsd_op_resume(struct xsd_req *req)
{
	domid_t domid;
	int rc = req->conn->domid != 0 ? -EACCES : domid_arg(req, req->arg[0], &domid);

	if (!rc && !xsd_conn_by_domid(req->xsd, domid))
		rc = -ENOENT;
	return rc ? rc : xsd_reply_ok(req);
}
