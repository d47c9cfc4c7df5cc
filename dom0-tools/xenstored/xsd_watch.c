/*
 * dom0-tools/xenstored/xsd_watch.c - watches: (connection, path, token)
 * triples in a fixed table, their strings in the arena.
 *
 * A watch on P fires for a change at P or below it; when a subtree is
 * removed, watches inside it fire too, each naming its own path.  A
 * connection hears only of nodes it may read; the special "@..." paths
 * (@introduceDomain, @releaseDomain) reach every watcher.  Events that do
 * not fit a connection's queue are dropped and counted (xsd_conn.c), so a
 * domain that stops reading cannot stall anyone else.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/errno.h"
#include "lib/string.h"

static const char *watch_path(const struct xsd *xsd, const struct xsd_watch *w)
{
	return xsd_arena_ptr(&xsd->arena, w->path);
}

static const char *watch_token(const struct xsd *xsd, const struct xsd_watch *w)
{
	return xsd_arena_ptr(&xsd->arena, w->token);
}

static struct xsd_watch *find(struct xsd *xsd, uint16_t conn, const char *abs, const char *token)
{
	for (uint32_t i = 0; i < XSD_MAX_WATCHES; i++) {
		struct xsd_watch *w = &xsd->watches[i];

		if (w->used && w->conn == conn && strcmp(watch_path(xsd, w), abs) == 0 &&
		    strcmp(watch_token(xsd, w), token) == 0)
			return w;
	}
	return NULL;
}

static void release(struct xsd *xsd, struct xsd_watch *w)
{
	xsd_arena_free(&xsd->arena, w->path, w->path_len + 1u);
	xsd_arena_free(&xsd->arena, w->token, w->token_len + 1u);
	memset(w, 0, sizeof(*w));
}

int xsd_watch_add(struct xsd *xsd, struct xsd_conn *conn, const char *abs, bool relative,
		  const char *token)
{
	uint16_t ci = xsd_conn_index(xsd, conn);
	struct xsd_watch *free_slot = NULL;
	uint32_t mine = 0;

	if (find(xsd, ci, abs, token))
		return -EEXIST;
	for (uint32_t i = 0; i < XSD_MAX_WATCHES; i++) {
		mine += xsd->watches[i].used && xsd->watches[i].conn == ci;
		if (!xsd->watches[i].used && !free_slot)
			free_slot = &xsd->watches[i];
	}
	if (!free_slot || (!conn->local && mine >= XSD_WATCHES_PER_CONN))
		return -ENOSPC;
	*free_slot = (struct xsd_watch){ .used = true, .relative = relative, .conn = ci,
					 .path_len = (uint16_t)strlen(abs),
					 .token_len = (uint16_t)strlen(token) };
	free_slot->path = xsd_arena_store(&xsd->arena, abs, free_slot->path_len + 1u);
	free_slot->token = xsd_arena_store(&xsd->arena, token, free_slot->token_len + 1u);
	if (free_slot->path == XSD_NIL || free_slot->token == XSD_NIL) {
		release(xsd, free_slot);
		return -ENOMEM;
	}
	return 0;
}

int xsd_watch_del(struct xsd *xsd, struct xsd_conn *conn, const char *abs, const char *token)
{
	struct xsd_watch *w = find(xsd, xsd_conn_index(xsd, conn), abs, token);

	if (!w)
		return -ENOENT;
	release(xsd, w);
	return 0;
}

void xsd_watch_drop_conn(struct xsd *xsd, struct xsd_conn *conn)
{
	uint16_t ci = xsd_conn_index(xsd, conn);

	for (uint32_t i = 0; i < XSD_MAX_WATCHES; i++)
		if (xsd->watches[i].used && xsd->watches[i].conn == ci)
			release(xsd, &xsd->watches[i]);
}

void xsd_watch_send(struct xsd *xsd, struct xsd_watch *w, const char *abs)
{
	struct xsd_conn *conn = &xsd->conns[w->conn];
	char *payload = xsd->event;
	const char *path = abs;
	size_t plen, tlen = w->token_len + 1u;
	struct xsd_sockmsg hdr = { .type = XS_WATCH_EVENT };

	if (w->relative)
		path = xsd_path_relative(abs, conn->domid);
	plen = strlen(path) + 1;
	if (plen + tlen > XENSTORE_PAYLOAD_MAX) {
		conn->events_dropped++;
		return;
	}
	memcpy(payload, path, plen);
	memcpy(payload + plen, watch_token(xsd, w), tlen);
	hdr.len = (uint32_t)(plen + tlen);
	xsd_conn_queue(conn, &hdr, payload, true);
}

void xsd_watch_fire(struct xsd *xsd, const char *abs, const struct xs_perm *perms, uint32_t nr,
		    bool recursive)
{
	bool special = abs[0] == '@';

	for (uint32_t i = 0; i < XSD_MAX_WATCHES; i++) {
		struct xsd_watch *w = &xsd->watches[i];
		const char *wp;

		if (!w->used)
			continue;
		wp = watch_path(xsd, w);
		if (!special && !xsd_perm_allows(perms, nr, xsd->conns[w->conn].domid, XS_PERM_READ))
			continue;
		if (special ? strcmp(wp, abs) == 0 : xsd_path_under(abs, wp))
			xsd_watch_send(xsd, w, abs);
		else if (recursive && !special && xsd_path_under(wp, abs))
			xsd_watch_send(xsd, w, wp);
	}
}
