/*
 * dom0-tools/xenstored/xsd_internal.h - how the daemon's files call each
 * other.  Not for users of the daemon (they include xenstored.h).
 *
 * Layers: xsd_ops.c / xsd_domain.c (requests) -> xsd_view.c (the tree as
 * a transaction sees it) -> xsd_txn.c, xsd_tree.c -> xsd_watch.c ->
 * xsd_conn.c (queues) -> xsd_arena.c, xsd_path.c.
 */
#ifndef DOM0_TOOLS_XENSTORED_XSD_INTERNAL_H
#define DOM0_TOOLS_XENSTORED_XSD_INTERNAL_H

#include "dom0-tools/xenstored/xenstored.h"

/* Arena (xsd_arena.c). */
/** Takes @size bytes of @mem for the arena: 0 or -EINVAL. */
int xsd_arena_init(struct xsd_arena *a, void *mem, size_t size);
/** @len bytes (len > 0): their offset, or XSD_NIL when full. */
uint32_t xsd_arena_alloc(struct xsd_arena *a, size_t len);
/** Frees what xsd_arena_alloc(@len) returned at @off (XSD_NIL: nothing). */
void xsd_arena_free(struct xsd_arena *a, uint32_t off, size_t len);
/** The address of @off, NULL for XSD_NIL. */
void *xsd_arena_ptr(const struct xsd_arena *a, uint32_t off);
/** Allocates and copies @len bytes of @data: offset or XSD_NIL. */
uint32_t xsd_arena_store(struct xsd_arena *a, const void *data, size_t len);

/* Paths (xsd_path.c); @out holds XSD_PATH_BUF bytes. */
/** Validates @in, writes its absolute form: 0 or -EINVAL. */
int xsd_path_canon(domid_t domid, const char *in, char *out, bool *relative);
/** As xsd_path_canon, also accepting special "@name" watch paths. */
int xsd_watch_path_canon(domid_t domid, const char *in, char *out, bool *relative);
/** True when @top is @path or one of its ancestors. */
bool xsd_path_under(const char *path, const char *top);
/** Cuts @p to its parent in place ("/a/b" -> "/a", "/a" -> "/"). */
void xsd_path_parent(char *p);
/** @abs without its "/local/domain/<domid>/" prefix, if it has it. */
const char *xsd_path_relative(const char *abs, domid_t domid);

/* Permissions and the live tree (xsd_tree.c). */
/** Whether @domid may @access (XS_PERM_*) a node with these perms. */
bool xsd_perm_allows(const struct xs_perm *perms, uint32_t nr, domid_t domid, unsigned int access);
/** The node at absolute @path, or XSD_NIL. */
uint32_t xsd_tree_lookup(struct xsd *xsd, const char *path);
/** The node at @path or its nearest existing ancestor (never XSD_NIL). */
uint32_t xsd_tree_nearest(struct xsd *xsd, const char *path, uint32_t *missing);
/** A node's permission list (@nr entries). */
const struct xs_perm *xsd_node_perms(const struct xsd *xsd, uint32_t node, uint32_t *nr);
/** A node's value (@len bytes; NULL when empty). */
const char *xsd_node_value(const struct xsd *xsd, uint32_t node, uint32_t *len);
/** A node's name (not terminated, @len bytes). */
const char *xsd_node_name(const struct xsd *xsd, uint32_t node, uint32_t *len);
/** Nodes whose owner is @domid. */
uint32_t xsd_tree_owned(const struct xsd *xsd, domid_t domid);
/** Free nodes in the pool. */
uint32_t xsd_tree_free_nodes(const struct xsd *xsd);
/**
 * Writes @path (creating missing parents, owned by @creator unless it is
 * dom0, perms inherited); @mkdir leaves an existing value alone.  Fires
 * watches.  0, -ENOMEM (pool or arena full).
 */
int xsd_tree_write(struct xsd *xsd, const char *path, const void *value, uint32_t len,
		   domid_t creator, bool mkdir);
/** Removes @path and its subtree, firing watches: 0, -ENOENT or -EINVAL ("/"). */
int xsd_tree_rm(struct xsd *xsd, const char *path);
/** Replaces @path's permissions, firing watches: 0, -ENOENT, -ENOMEM. */
int xsd_tree_set_perms(struct xsd *xsd, const char *path, const struct xs_perm *perms,
		       uint32_t nr);
/** Creates the root node "/" owned by dom0 ("n0"): 0 or -ENOMEM. */
int xsd_tree_init(struct xsd *xsd);

/* Watches (xsd_watch.c). */
/** Adds @conn's watch: 0, -EEXIST, -ENOSPC, -ENOMEM. */
int xsd_watch_add(struct xsd *xsd, struct xsd_conn *conn, const char *abs, bool relative,
		  const char *token);
/** Removes it: 0 or -ENOENT. */
int xsd_watch_del(struct xsd *xsd, struct xsd_conn *conn, const char *abs, const char *token);
/** Removes every watch of @conn. */
void xsd_watch_drop_conn(struct xsd *xsd, struct xsd_conn *conn);
/** Queues the event of one watch for @path (path as the watcher wants it). */
void xsd_watch_send(struct xsd *xsd, struct xsd_watch *w, const char *abs);
/**
 * Fires the watches on @abs or above it (and, @recursive, below it) for
 * connections allowed to read a node with @perms.
 */
void xsd_watch_fire(struct xsd *xsd, const char *abs, const struct xs_perm *perms, uint32_t nr,
		    bool recursive);

/* Connections (xsd_conn.c). */
/**
 * Queues a message of @len payload bytes; an event (@event) keeps a whole
 * reply's room free and is dropped (counted) when it does not fit.
 * 0 or -ENOSPC.
 */
int xsd_conn_queue(struct xsd_conn *conn, const struct xsd_sockmsg *hdr, const void *payload,
		   bool event);
/** A free connection slot for @domid, zeroed, or NULL. */
struct xsd_conn *xsd_conn_alloc(struct xsd *xsd, domid_t domid);
/** The index of @conn in xsd->conns. */
uint16_t xsd_conn_index(const struct xsd *xsd, const struct xsd_conn *conn);

/* Transactions (xsd_txn.c). */
enum xsd_txn_state { XSD_TXN_LIVE, XSD_TXN_GONE, XSD_TXN_VALUE, XSD_TXN_IMPLIED };
/** @conn's open transaction @id, or NULL. */
struct xsd_txn *xsd_txn_find(struct xsd *xsd, struct xsd_conn *conn, uint32_t id);
/** Opens a transaction for @conn: 0, -ENOSPC (too many), id in *@id. */
int xsd_txn_start(struct xsd *xsd, struct xsd_conn *conn, uint32_t *id);
/** Remembers an access of @kind to @path (and its data): 0 or -ENOSPC. */
int xsd_txn_record(struct xsd_txn *txn, enum xsd_txn_kind kind, const char *path,
		   const void *data, uint32_t len);
/**
 * What @txn's own changes say about @path: LIVE (nothing: ask the tree),
 * GONE (removed), VALUE (written: *@op says with what) or IMPLIED (exists
 * because something below it was created; value from the tree or empty).
 */
enum xsd_txn_state xsd_txn_state(const struct xsd_txn *txn, const char *path,
				 const struct xsd_txn_op **op);
/** The newest permissions @txn set on @path, or NULL. */
const struct xsd_txn_op *xsd_txn_perms(const struct xsd_txn *txn, const char *path);
/** A string kept in @txn's buffer. */
const char *xsd_txn_str(const struct xsd_txn *txn, uint32_t off);
/**
 * Ends @txn: abort drops it; commit applies it unless something it read
 * or wrote changed since it started (-EAGAIN) or the store lacks room
 * (-ENOSPC).  The transaction is gone afterwards either way.
 */
int xsd_txn_end(struct xsd *xsd, struct xsd_txn *txn, bool commit);
/** Drops every transaction of @conn. */
void xsd_txn_drop_conn(struct xsd *xsd, struct xsd_conn *conn);

/* The tree as a transaction (or, with @txn NULL, everyone) sees it (xsd_view.c). */
/** @path's value: 0 or -ENOENT. */
int xsd_view_read(struct xsd *xsd, const struct xsd_txn *txn, const char *path, const char **val,
		  uint32_t *len);
/**
 * @path's permissions into @out (XSD_MAX_PERMS entries); a node created
 * inside @txn inherits its parent's, owned by @creator unless dom0.
 * 0 or -ENOENT.
 */
int xsd_view_perms(struct xsd *xsd, const struct xsd_txn *txn, domid_t creator, const char *path,
		   struct xs_perm *out, uint32_t *nr);
/** @path's children as "name\0" strings into @out: 0, -ENOENT or -E2BIG. */
int xsd_view_dir(struct xsd *xsd, const struct xsd_txn *txn, const char *path, char *out,
		 uint32_t *len);

/* One request being handled. */
struct xsd_req {
	struct xsd *xsd;
	struct xsd_conn *conn;
	struct xsd_txn *txn;
	const struct xsd_sockmsg *hdr;
	const char *arg[3];	/* NUL-terminated arguments */
	const char *tail;	/* XS_WRITE's value, XS_SET_PERMS' list */
	uint32_t tail_len;
	char *out;		/* the reply's payload */
	uint32_t out_len;
};

/* Domain requests (xsd_domain.c): 0 with the reply in req->out, or -errno. */
/** XS_INTRODUCE "domid\0mfn\0port\0". */
int xsd_op_introduce(struct xsd_req *req);
/** XS_RELEASE "domid\0". */
int xsd_op_release(struct xsd_req *req);
/** XS_GET_DOMAIN_PATH "domid\0". */
int xsd_op_get_domain_path(struct xsd_req *req);
/** XS_IS_DOMAIN_INTRODUCED "domid\0": "T" or "F". */
int xsd_op_is_introduced(struct xsd_req *req);
/** XS_RESUME "domid\0": nothing to do here (no suspend state kept). */
int xsd_op_resume(struct xsd_req *req);
/** Sets the reply to "OK\0" and returns 0. */
int xsd_reply_ok(struct xsd_req *req);

/* Requests (xsd_ops.c). */
/**
 * Handles one whole request of @conn; builds the reply (hdr echoing
 * req_id and tx_id) in xsd->reply and returns its total length.
 */
uint32_t xsd_handle(struct xsd *xsd, struct xsd_conn *conn, const struct xsd_sockmsg *hdr,
		    const char *payload);

#endif /* DOM0_TOOLS_XENSTORED_XSD_INTERNAL_H */
