/*
 * dom0-tools/xenstored/xsd_conn.c - connections: their output queues and
 * the ring pump that moves a domain's requests in and replies out.
 *
 * The output queue is a circular byte buffer of whole messages.  The pump
 * takes a request off the ring only when the queue has room for the
 * largest reply, and watch events always leave that much room, so a reply
 * is never lost and a domain that stops reading its ring only loses its
 * own events.  The ring is shared with the (untrusted) domain: indices
 * are checked by lib/xs_ring.c, a header announcing more than
 * XENSTORE_PAYLOAD_MAX breaks the stream for good, so the connection is
 * marked broken (and the ring's error field says why) and never read
 * again; other connections are not affected.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/xs_ring.h"

#define HDR sizeof(struct xsd_sockmsg)

uint16_t xsd_conn_index(const struct xsd *xsd, const struct xsd_conn *conn)
{
	return (uint16_t)(conn - xsd->conns);
}

struct xsd_conn *xsd_conn_alloc(struct xsd *xsd, domid_t domid)
{
	for (uint32_t i = 1; i < XSD_MAX_CONNS; i++) {
		struct xsd_conn *c = &xsd->conns[i];

		if (!c->used) {
			memset(c, 0, sizeof(*c));
			c->used = true;
			c->domid = domid;
			c->local_port = -1;
			return c;
		}
	}
	return NULL;
}

struct xsd_conn *xsd_conn_by_port(struct xsd *xsd, long local_port)
{
	for (uint32_t i = 1; i < XSD_MAX_CONNS; i++)
		if (xsd->conns[i].used && xsd->conns[i].local_port == local_port)
			return &xsd->conns[i];
	return NULL;
}

struct xsd_conn *xsd_conn_by_domid(struct xsd *xsd, domid_t domid)
{
	for (uint32_t i = 1; i < XSD_MAX_CONNS; i++)
		if (xsd->conns[i].used && xsd->conns[i].domid == domid)
			return &xsd->conns[i];
	return NULL;
}

static void queue_bytes(struct xsd_conn *conn, const void *data, size_t len)
{
	for (size_t done = 0; done < len;) {
		size_t at = (conn->out_head + conn->out_len) % XSD_OUTQ_SIZE;
		size_t n = MIN(len - done, XSD_OUTQ_SIZE - at);

		memcpy(conn->out + at, (const char *)data + done, n);
		conn->out_len += (uint32_t)n;
		done += n;
	}
}

int xsd_conn_queue(struct xsd_conn *conn, const struct xsd_sockmsg *hdr, const void *payload,
		   bool event)
{
	size_t need = HDR + hdr->len + (event ? XSD_MSG_MAX : 0);

	if (conn->broken || XSD_OUTQ_SIZE - conn->out_len < need) {
		conn->events_dropped += event;
		return -ENOSPC;
	}
	queue_bytes(conn, hdr, HDR);
	queue_bytes(conn, payload, hdr->len);
	return 0;
}

/* Copies queued bytes out of the queue (without removing them). */
static void peek_bytes(const struct xsd_conn *conn, void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		size_t at = (conn->out_head + done) % XSD_OUTQ_SIZE;
		size_t n = MIN(len - done, XSD_OUTQ_SIZE - at);

		memcpy((char *)buf + done, conn->out + at, n);
		done += n;
	}
}

static void drop_bytes(struct xsd_conn *conn, size_t len)
{
	conn->out_head = (uint32_t)((conn->out_head + len) % XSD_OUTQ_SIZE);
	conn->out_len -= (uint32_t)len;
}

int xsd_local_event(struct xsd *xsd, void *buf, size_t size)
{
	struct xsd_conn *conn = &xsd->conns[0];
	struct xsd_sockmsg hdr;

	if (conn->out_len == 0)
		return 0;
	peek_bytes(conn, &hdr, HDR);
	if (size < HDR + hdr.len)
		return -ENOSPC;
	peek_bytes(conn, buf, HDR + hdr.len);
	drop_bytes(conn, HDR + hdr.len);
	return (int)(HDR + hdr.len);
}

static void set_broken(struct xsd_conn *conn, uint32_t why)
{
	conn->broken = true;
	conn->intf->error = why;
}

/* Moves queued bytes into the rsp ring; true when some moved. */
static bool flush(struct xsd_conn *conn)
{
	bool moved = false;

	while (conn->out_len && !conn->broken) {
		size_t n = MIN(conn->out_len, XSD_OUTQ_SIZE - conn->out_head);
		long put = xs_ring_put(conn->intf->rsp, &conn->intf->rsp_cons,
				       &conn->intf->rsp_prod, conn->out + conn->out_head, n);

		if (put < 0)
			set_broken(conn, XENSTORE_ERROR_RINGIDX);
		if (put <= 0)
			break;
		drop_bytes(conn, (size_t)put);
		moved = true;
	}
	return moved;
}

/* Reads more of the current request; 1 when it is whole, 0 if not yet, <0 broken. */
static int fill_request(struct xsd_conn *conn, bool *moved)
{
	struct xsd_sockmsg hdr;
	size_t want = HDR;
	long got;

	if (conn->in_len >= HDR) {
		memcpy(&hdr, conn->in, HDR);
		want = HDR + hdr.len;
	}
	got = xs_ring_get(conn->intf->req, &conn->intf->req_cons, &conn->intf->req_prod,
			  conn->in + conn->in_len, want - conn->in_len);
	if (got < 0) {
		set_broken(conn, XENSTORE_ERROR_RINGIDX);
		return -EIO;
	}
	*moved |= got > 0;
	conn->in_len += (uint32_t)got;
	if (conn->in_len < HDR)
		return 0;
	memcpy(&hdr, conn->in, HDR);
	if (hdr.len > XENSTORE_PAYLOAD_MAX) {
		set_broken(conn, XENSTORE_ERROR_PROTO);
		return -EIO;
	}
	if (conn->in_len < HDR + hdr.len)
		return got > 0 ? fill_request(conn, moved) : 0;
	return 1;
}

bool xsd_ring_pump(struct xsd *xsd, struct xsd_conn *conn)
{
	bool moved = false;
	int rc;

	if (!conn->used || conn->local || conn->broken)
		return false;
	moved |= flush(conn);
	while (!conn->broken && XSD_OUTQ_SIZE - conn->out_len >= XSD_MSG_MAX &&
	       (rc = fill_request(conn, &moved)) == 1) {
		struct xsd_sockmsg hdr, *reply = (struct xsd_sockmsg *)xsd->reply;

		memcpy(&hdr, conn->in, HDR);
		xsd_handle(xsd, conn, &hdr, (const char *)conn->in + HDR);
		conn->in_len = 0;
		xsd_conn_queue(conn, reply, xsd->reply + HDR, false);
		if (xsd->initial)
			xsd_watch_send(xsd, xsd->initial,
				       xsd_arena_ptr(&xsd->arena, xsd->initial->path));
		moved |= flush(conn);
	}
	if (moved && xsd->plat.notify)
		xsd->plat.notify(xsd->plat.ctx, conn->local_port);
	return moved;
}
