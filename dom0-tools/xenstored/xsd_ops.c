/*
 * dom0-tools/xenstored/xsd_ops.c - one request in, one reply out: the
 * dispatch table of xs_wire's message types, argument checks, permission
 * and quota checks, then the tree (or the transaction) does the work.
 *
 * Every request gets exactly one reply with its req_id and tx_id: the
 * request's type with its result, or XS_ERROR naming the errno.  Nothing
 * in a request is trusted: arguments must be NUL-terminated inside the
 * payload and number what the type expects.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

#define HDR sizeof(struct xsd_sockmsg)

int xsd_reply_ok(struct xsd_req *req)
{
	memcpy(req->out, "OK", 3);
	req->out_len = 3;
	return 0;
}

/* The first argument as an absolute path in xsd->path. */
static int path_arg(struct xsd_req *req)
{
	bool relative;

	return xsd_path_canon(req->conn->domid, req->arg[0], req->xsd->path, &relative);
}

/* @path's permissions allow @access, or the error to return. */
static int check(struct xsd_req *req, const char *path, unsigned int access)
{
	struct xs_perm perms[XSD_MAX_PERMS];
	uint32_t nr;
	int rc = xsd_view_perms(req->xsd, req->txn, req->conn->domid, path, perms, &nr);

	if (rc)
		return rc;
	return xsd_perm_allows(perms, nr, req->conn->domid, access) ? 0 : -EACCES;
}

/* May write @path: the node itself, or the nearest one that exists. */
static int check_write(struct xsd_req *req, const char *path, uint32_t *missing)
{
	char *s = req->xsd->scratch + XSD_PATH_BUF;
	int rc;

	strlcpy(s, path, XSD_PATH_BUF);
	for (*missing = 0; (rc = check(req, s, XS_PERM_WRITE)) == -ENOENT; (*missing)++)
		xsd_path_parent(s);
	return rc;
}

/* The path argument, readable by the caller, in the transaction's read set. */
static int readable_path(struct xsd_req *req)
{
	int rc = path_arg(req);

	if (!rc)
		rc = check(req, req->xsd->path, XS_PERM_READ);
	if (!rc && req->txn)
		rc = xsd_txn_record(req->txn, XSD_TXN_READ, req->xsd->path, NULL, 0);
	return rc;
}

static int op_read(struct xsd_req *req)
{
	const char *val;
	int rc = readable_path(req);

	if (!rc)
		rc = xsd_view_read(req->xsd, req->txn, req->xsd->path, &val, &req->out_len);
	if (!rc && req->out_len)
		memcpy(req->out, val, req->out_len);
	return rc;
}

static int op_directory(struct xsd_req *req)
{
	int rc = readable_path(req);

	if (!rc)
		rc = xsd_view_dir(req->xsd, req->txn, req->xsd->path, req->out, &req->out_len);
	return rc;
}

static int op_get_perms(struct xsd_req *req)
{
	struct xs_perm perms[XSD_MAX_PERMS];
	uint32_t nr;
	int rc = path_arg(req);

	if (!rc)
		rc = check(req, req->xsd->path, XS_PERM_READ);
	if (!rc)
		rc = xsd_view_perms(req->xsd, req->txn, req->conn->domid, req->xsd->path, perms, &nr);
	for (uint32_t i = 0; !rc && i < nr; i++)
		req->out_len += (uint32_t)xs_perm_format(&perms[i], req->out + req->out_len) + 1;
	return rc;
}

/* Quotas of an unprivileged writer: value size and nodes owned. */
static int check_quota(struct xsd_req *req, uint32_t missing, uint32_t value_len)
{
	struct xsd *xsd = req->xsd;

	if (req->conn->domid == 0)
		return 0;
	if (value_len > xsd->value_quota)
		return -ENOSPC;
	if (missing && xsd_tree_owned(xsd, req->conn->domid) + missing > xsd->node_quota)
		return -ENOSPC;
	return 0;
}

/* XS_WRITE and XS_MKDIR. */
static int write_or_mkdir(struct xsd_req *req, bool mkdir)
{
	struct xsd *xsd = req->xsd;
	uint32_t missing, len = mkdir ? 0 : req->tail_len;
	int rc = path_arg(req);

	if (!rc)
		rc = check_write(req, xsd->path, &missing);
	if (!rc)
		rc = check_quota(req, missing, len);
	if (!rc && req->txn)
		rc = xsd_txn_record(req->txn, mkdir ? XSD_TXN_MKDIR : XSD_TXN_WRITE, xsd->path,
				    req->tail, len);
	else if (!rc)
		rc = xsd_tree_write(xsd, xsd->path, req->tail, len, req->conn->domid, mkdir);
	return rc ? rc : xsd_reply_ok(req);
}

static int op_write(struct xsd_req *req)
{
	return write_or_mkdir(req, false);
}

static int op_mkdir(struct xsd_req *req)
{
	return write_or_mkdir(req, true);
}

static int op_rm(struct xsd_req *req)
{
	struct xsd *xsd = req->xsd;
	const char *val;
	uint32_t len;
	int rc = path_arg(req);

	if (!rc && strcmp(xsd->path, "/") == 0)
		rc = -EINVAL;
	if (!rc && xsd_view_read(xsd, req->txn, xsd->path, &val, &len)) {
		/* Like xenstored: gone already is fine if the parent is there. */
		strlcpy(xsd->scratch + XSD_PATH_BUF, xsd->path, XSD_PATH_BUF);
		xsd_path_parent(xsd->scratch + XSD_PATH_BUF);
		rc = xsd_view_read(xsd, req->txn, xsd->scratch + XSD_PATH_BUF, &val, &len);
		return rc ? rc : xsd_reply_ok(req);
	}
	if (!rc)
		rc = check(req, xsd->path, XS_PERM_WRITE);
	if (!rc && req->txn)
		rc = xsd_txn_record(req->txn, XSD_TXN_RM, xsd->path, NULL, 0);
	else if (!rc)
		rc = xsd_tree_rm(xsd, xsd->path);
	return rc ? rc : xsd_reply_ok(req);
}

/* The permission strings after the path: at least one, at most XSD_MAX_PERMS. */
static int parse_perms(struct xsd_req *req, struct xs_perm *perms, uint32_t *nr)
{
	const char *p = req->tail, *end = req->tail + req->tail_len;

	if (req->tail_len == 0 || end[-1] != '\0')
		return -EINVAL;
	for (*nr = 0; p < end; p += strlen(p) + 1) {
		if (*nr == XSD_MAX_PERMS)
			return -ENOSPC;
		if (xs_perm_parse(p, strlen(p), &perms[(*nr)++]))
			return -EINVAL;
	}
	return 0;
}

static int op_set_perms(struct xsd_req *req)
{
	struct xs_perm perms[XSD_MAX_PERMS], cur[XSD_MAX_PERMS];
	struct xsd *xsd = req->xsd;
	domid_t me = req->conn->domid;
	uint32_t nr, nr_cur;
	int rc = path_arg(req);

	if (!rc)
		rc = parse_perms(req, perms, &nr);
	if (!rc)
		rc = xsd_view_perms(xsd, req->txn, me, xsd->path, cur, &nr_cur);
	/*
	 * Only the owner (or dom0) changes permissions, and only dom0 the
	 * owner: quotas count nodes by owner, so a guest giving its nodes
	 * away (to dom0, writable by all) would own ever more (EPERM, Xen).
	 */
	if (!rc && me != 0 && cur[0].domid != me)
		rc = -EACCES;
	if (!rc && me != 0 && perms[0].domid != cur[0].domid)
		rc = -EPERM;
	if (!rc && req->txn)
		rc = xsd_txn_record(req->txn, XSD_TXN_PERMS, xsd->path, perms,
				    nr * (uint32_t)sizeof(perms[0]));
	else if (!rc)
		rc = xsd_tree_set_perms(xsd, xsd->path, perms, nr);
	return rc ? rc : xsd_reply_ok(req);
}

static int op_watch(struct xsd_req *req)
{
	struct xsd *xsd = req->xsd;
	bool relative;
	int rc = xsd_watch_path_canon(req->conn->domid, req->arg[0], xsd->path, &relative);

	if (!rc)
		rc = xsd_watch_add(xsd, req->conn, xsd->path, relative, req->arg[1]);
	if (rc)
		return rc;
	/* xenstored sends each new watch one event at once, after the OK. */
	for (uint32_t i = 0; i < XSD_MAX_WATCHES; i++) {
		struct xsd_watch *w = &xsd->watches[i];

		if (w->used && w->conn == xsd_conn_index(xsd, req->conn) &&
		    strcmp(xsd_arena_ptr(&xsd->arena, w->path), xsd->path) == 0 &&
		    strcmp(xsd_arena_ptr(&xsd->arena, w->token), req->arg[1]) == 0)
			xsd->initial = w;
	}
	return xsd_reply_ok(req);
}

static int op_unwatch(struct xsd_req *req)
{
	bool relative;
	int rc = xsd_watch_path_canon(req->conn->domid, req->arg[0], req->xsd->path, &relative);

	if (!rc)
		rc = xsd_watch_del(req->xsd, req->conn, req->xsd->path, req->arg[1]);
	return rc ? rc : xsd_reply_ok(req);
}

static int op_reset_watches(struct xsd_req *req)
{
	xsd_watch_drop_conn(req->xsd, req->conn);
	return xsd_reply_ok(req);
}

static int op_txn_start(struct xsd_req *req)
{
	uint32_t id;
	int rc = req->hdr->tx_id ? -EBUSY : xsd_txn_start(req->xsd, req->conn, &id);

	if (!rc)
		req->out_len = (uint32_t)format_snprintf(req->out, 16, "%u", id) + 1;
	return rc;
}

static int op_txn_end(struct xsd_req *req)
{
	bool commit = strcmp(req->arg[0], "T") == 0;
	int rc;

	if (!req->txn)
		return -ENOENT;
	if (!commit && strcmp(req->arg[0], "F") != 0)
		return -EINVAL;
	rc = xsd_txn_end(req->xsd, req->txn, commit);
	return rc ? rc : xsd_reply_ok(req);
}

static int op_nosys(struct xsd_req *req)
{
	return -ENOSYS;
}

/* How each type's payload is cut: @args strings, then @tail raw bytes. */
static const struct {
	int (*fn)(struct xsd_req *req);
	uint8_t args;
	bool tail;
} ops[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { .fn = op_nosys, .args = 0, .tail = true },
	[XS_DIRECTORY] = { .fn = op_directory, .args = 1 },
	[XS_READ] = { .fn = op_read, .args = 1 },
	[XS_GET_PERMS] = { .fn = op_get_perms, .args = 1 },
	[XS_WATCH] = { .fn = op_watch, .args = 2 },
	[XS_UNWATCH] = { .fn = op_unwatch, .args = 2 },
	[XS_TRANSACTION_START] = { .fn = op_txn_start, .args = 1 },
	[XS_TRANSACTION_END] = { .fn = op_txn_end, .args = 1 },
	[XS_INTRODUCE] = { .fn = xsd_op_introduce, .args = 3 },
	[XS_RELEASE] = { .fn = xsd_op_release, .args = 1 },
	[XS_GET_DOMAIN_PATH] = { .fn = xsd_op_get_domain_path, .args = 1 },
	[XS_WRITE] = { .fn = op_write, .args = 1, .tail = true },
	[XS_MKDIR] = { .fn = op_mkdir, .args = 1 },
	[XS_RM] = { .fn = op_rm, .args = 1 },
	[XS_SET_PERMS] = { .fn = op_set_perms, .args = 1, .tail = true },
	[XS_IS_DOMAIN_INTRODUCED] = { .fn = xsd_op_is_introduced, .args = 1 },
	[XS_RESUME] = { .fn = xsd_op_resume, .args = 1 },
	[XS_SET_TARGET] = { .fn = op_nosys, .args = 0, .tail = true },
	[XS_RESET_WATCHES] = { .fn = op_reset_watches, .args = 0, .tail = true },
	[XS_DIRECTORY_PART] = { .fn = op_nosys, .args = 0, .tail = true },
};

/* Cuts the payload into the arguments the type wants: 0 or -EINVAL. */
static int split_args(struct xsd_req *req, const char *payload, uint32_t len)
{
	uint32_t type = req->hdr->type, pos = 0;

	for (uint32_t i = 0; i < ops[type].args; i++) {
		size_t n = strnlen(payload + pos, len - pos);

		if (pos + n == len)
			return -EINVAL; /* unterminated, or missing */
		req->arg[i] = payload + pos;
		pos += (uint32_t)n + 1;
	}
	req->tail = payload + pos;
	req->tail_len = len - pos;
	return req->tail_len && !ops[type].tail ? -EINVAL : 0;
}

static int dispatch(struct xsd_req *req, const char *payload)
{
	uint32_t type = req->hdr->type;
	int rc;

	if (type >= XS_TYPE_COUNT || !ops[type].fn)
		return -EINVAL;
	if (req->hdr->len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	rc = split_args(req, payload, req->hdr->len);
	if (rc)
		return rc;
	if (req->hdr->tx_id && type != XS_TRANSACTION_START) {
		req->txn = xsd_txn_find(req->xsd, req->conn, req->hdr->tx_id);
		if (!req->txn)
			return -ENOENT;
	}
	return ops[type].fn(req);
}

uint32_t xsd_handle(struct xsd *xsd, struct xsd_conn *conn, const struct xsd_sockmsg *hdr,
		    const char *payload)
{
	struct xsd_sockmsg *reply = (struct xsd_sockmsg *)xsd->reply;
	struct xsd_req req = { .xsd = xsd, .conn = conn, .hdr = hdr, .out = (char *)xsd->reply + HDR };
	int rc;

	xsd->initial = NULL;
	rc = dispatch(&req, payload);
	reply->type = hdr->type;
	reply->req_id = hdr->req_id;
	reply->tx_id = hdr->tx_id;
	if (rc) {
		const char *name = xs_errno_name(rc);

		xsd->initial = NULL;
		reply->type = XS_ERROR;
		req.out_len = (uint32_t)strlen(name) + 1;
		memcpy(req.out, name, req.out_len);
	}
	reply->len = req.out_len;
	return (uint32_t)HDR + req.out_len;
}
