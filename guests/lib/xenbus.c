/*
 * guests/lib/xenbus.c - the XenStore client (see xenbus.h).
 *
 * Owns the ring mapping, the receive buffer (bytes of a message not yet
 * whole), the one reply slot and the watch-event queue.  The event
 * handler only moves whole messages from the ring to the slot or the
 * queue and wakes threads; requests are written by the calling thread.
 */
#include "guests/lib/xenbus.h"

#include <xen/io/xs_wire.h>

#include "guests/common/xs_client.h"
#include "guests/lib/console.h"
#include "guests/lib/events.h"
#include "guests/lib/guest.h"
#include "guests/lib/heap.h"
#include "guests/lib/mm.h"
#include "guests/lib/thread.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MAX_WATCH_EVENTS 16

struct xs_message {
	struct xsd_sockmsg hdr;
	char payload[XENSTORE_PAYLOAD_MAX + 1]; /* +1: always NUL-terminated */
};

static struct xenstore_domain_interface *intf;
static evtchn_port_t port;
static char rx[XS_MSG_MAX];
static size_t rx_len;
static struct xs_message reply;
static bool reply_ready, busy;
static uint32_t next_req_id = 1;
static struct waitq reply_wait, busy_wait, watch_wait, ring_wait;
static struct xs_message *events[MAX_WATCH_EVENTS];
static unsigned int events_head, events_tail;
static unsigned long events_dropped;

/* A whole message arrived: the reply slot or the watch queue. */
static void deliver(const struct xsd_sockmsg *hdr, const char *payload)
{
	struct xs_message *m = &reply;

	if (hdr->type == XS_WATCH_EVENT) {
		if (events_head - events_tail == MAX_WATCH_EVENTS || !(m = kmalloc(sizeof(*m)))) {
			events_dropped++;
			return;
		}
		events[events_head++ % MAX_WATCH_EVENTS] = m;
		waitq_wake(&watch_wait);
	} else {
		reply_ready = true;
		waitq_wake(&reply_wait);
	}
	m->hdr = *hdr;
	memcpy(m->payload, payload, hdr->len);
	m->payload[hdr->len] = 0;
}

static void store_event(evtchn_port_t p, void *data)
{
	struct xsd_sockmsg hdr;
	bool took = false;
	long n;
	int whole;

	waitq_wake(&ring_wait); /* room in req, perhaps */
	for (;;) {
		n = xs_client_ring_read(intf, rx + rx_len, sizeof(rx) - rx_len);
		if (n < 0)
			panic("xenbus: the store ring is corrupt");
		took |= n > 0;
		rx_len += n;
		whole = xs_msg_complete(rx, rx_len, &hdr);
		if (whole < 0)
			panic("xenbus: xenstored sent an oversized message");
		if (whole == 0) {
			if (n == 0)
				break;
			continue;
		}
		deliver(&hdr, rx + sizeof(hdr));
		rx_len -= whole;
		memmove(rx, rx + whole, rx_len);
	}
	if (took)
		evtchn_notify(port); /* room in rsp for xenstored */
}

long xenbus_init(void)
{
	if (!start_info->store_mfn)
		return -ENODEV;
	intf = mfn_to_virt(start_info->store_mfn);
	port = start_info->store_evtchn;
	evtchn_bind(port, store_event, NULL);
	return 0;
}

static void ring_send(const char *msg, size_t len)
{
	while (len) {
		long n = xs_client_ring_write(intf, msg, len);

		if (n < 0)
			panic("xenbus: the store ring is corrupt");
		msg += n;
		len -= n;
		evtchn_notify(port);
		if (len)
			waitq_wait(&ring_wait, 0);
	}
}

/*
 * One request at a time: request_begin() waits for the slot and gives the
 * request's id; the caller builds into `request` and transact() sends it,
 * waits for the reply into `reply` and frees the slot.  The slot is taken
 * before building because sending may sleep (a full ring), and another
 * thread must not build over a request still going out.
 */
static char request[XS_MSG_MAX];

static uint32_t request_begin(void)
{
	while (busy)
		waitq_wait(&busy_wait, 0);
	busy = true;
	return next_req_id++;
}

static long transact(int len, uint32_t expect_type)
{
	long rc = len;

	if (len >= 0 && !intf)
		rc = -ENODEV;
	if (len >= 0 && intf) {
		reply_ready = false;
		ring_send(request, len);
		while (!reply_ready)
			waitq_wait(&reply_wait, 0);
		rc = xs_reply_check(&reply.hdr, reply.payload, expect_type);
	}
	busy = false;
	waitq_wake(&busy_wait);
	return rc;
}

/* A request on one path; the reply is in `reply`. */
static long path_op(uint32_t type, uint32_t tx, const char *path)
{
	uint32_t id = request_begin();

	return transact(xs_req_path(request, sizeof(request), type, id, tx, path), type);
}

long xenbus_read(uint32_t tx, const char *path, char *buf, size_t len)
{
	long rc = path_op(XS_READ, tx, path);

	if (rc)
		return rc;
	if (reply.hdr.len >= len)
		return -E2BIG;
	memcpy(buf, reply.payload, reply.hdr.len + 1);
	return reply.hdr.len;
}

long xenbus_write(uint32_t tx, const char *path, const char *value)
{
	uint32_t id = request_begin();

	return transact(xs_req_write(request, sizeof(request), id, tx, path, value, strlen(value)),
			XS_WRITE);
}

long xenbus_rm(uint32_t tx, const char *path)
{
	return path_op(XS_RM, tx, path);
}

long xenbus_directory(uint32_t tx, const char *path, char *buf, size_t len)
{
	long rc = path_op(XS_DIRECTORY, tx, path);

	return rc ? rc : xs_dir_copy(reply.payload, reply.hdr.len, buf, len);
}

static long watch_op(bool watch, const char *path, const char *token)
{
	uint32_t id = request_begin();

	return transact(xs_req_watch(request, sizeof(request), id, watch, path, token),
			watch ? XS_WATCH : XS_UNWATCH);
}

long xenbus_watch(const char *path, const char *token)
{
	return watch_op(true, path, token);
}

long xenbus_unwatch(const char *path, const char *token)
{
	return watch_op(false, path, token);
}

void xenbus_wait_watch(char *path, size_t path_len, char *token, size_t token_len)
{
	struct xs_message *m;
	const char *p, *t;

	while (events_head == events_tail)
		waitq_wait(&watch_wait, 0);
	m = events[events_tail++ % MAX_WATCH_EVENTS];
	if (xs_parse_watch_event(m->payload, m->hdr.len, &p, &t)) {
		p = "";
		t = "";
	}
	strlcpy(path, p, path_len);
	strlcpy(token, t, token_len);
	kfree(m);
}

long xenbus_transaction_start(uint32_t *tx)
{
	uint32_t id = request_begin();
	long rc = transact(xs_req_transaction_start(request, sizeof(request), id),
			   XS_TRANSACTION_START);

	return rc ? rc : xs_parse_txid(reply.payload, reply.hdr.len, tx);
}

long xenbus_transaction_end(uint32_t tx, bool commit)
{
	uint32_t id = request_begin();

	return transact(xs_req_transaction_end(request, sizeof(request), id, tx, commit),
			XS_TRANSACTION_END);
}

static void shutdown_watcher(void *arg)
{
	char path[64], token[16], what[32];
	long rc = xenbus_watch("control/shutdown", "shutdown");

	if (rc) {
		kprintf("xenbus: cannot watch control/shutdown: %ld\n", rc);
		return;
	}
	for (;;) {
		xenbus_wait_watch(path, sizeof(path), token, sizeof(token));
		if (xenbus_read(XBT_NIL, "control/shutdown", what, sizeof(what)) <= 0)
			continue;
		xenbus_write(XBT_NIL, "control/shutdown", ""); /* acknowledged, as xl expects */
		kprintf("xenbus: asked to %s\n", what);
		if (!strcmp(what, "poweroff") || !strcmp(what, "halt"))
			guest_shutdown(SHUTDOWN_poweroff);
		if (!strcmp(what, "reboot"))
			guest_shutdown(SHUTDOWN_reboot);
	}
}

void xenbus_start_shutdown_watcher(void)
{
	if (!thread_create("shutdown", shutdown_watcher, NULL))
		kprintf("xenbus: cannot start the shutdown watcher\n");
}
