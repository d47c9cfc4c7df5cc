/*
 * dom0-tools/xenstored/xenstored.h - the XenStore daemon core, as dom0's
 * kernel embeds it: the tree, connections (one ring per introduced domain
 * plus dom0's in-process "local" connection), watches and transactions,
 * spoken in xs_wire (xen/io/xs_wire.h, docs/xenstore.md).
 *
 * Storage: the caller gives a node pool and a byte arena at init; every
 * other table (connections with their queues, watches, transactions) has a
 * fixed size inside struct xsd, set by the XSD_* limits below.  Nothing is
 * allocated.  Single-threaded: the caller serialises every call.
 *
 * Wiring in dom0:
 *  - xsd_init() once with a struct xsd_platform (map/unmap a ring page,
 *    bind an interdomain event channel, notify a port);
 *  - the toolstack creates /local/domain/<id> with xsd_local_request()
 *    and introduces the domain (XS_INTRODUCE through the local connection,
 *    or xsd_introduce());
 *  - an event on local port P: xsd_conn_by_port(), then xsd_ring_pump();
 *    the pump itself notifies the port when it moved ring indices;
 *  - xsd_local_event() drains watch events for dom0's own watches.
 */
#ifndef DOM0_TOOLS_XENSTORED_XENSTORED_H
#define DOM0_TOOLS_XENSTORED_XENSTORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/io/xs_wire.h>

#include "lib/xs_proto.h"

#define XSD_MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)
#define XSD_PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)

#define XSD_MAX_CONNS 64	 /* connections, the local one (index 0) included */
#define XSD_MAX_WATCHES 256	 /* watches, all connections together */
#define XSD_WATCHES_PER_CONN 128 /* xenstored's default watch quota */
#define XSD_MAX_TXNS 32		 /* open transactions, all connections together */
#define XSD_TXNS_PER_CONN 4
#define XSD_TXN_OPS 64		  /* reads and changes one transaction remembers */
#define XSD_TXN_BUF (16 * 1024)	  /* their paths and values */
#define XSD_MAX_PERMS 16	  /* permission entries per node */
#define XSD_OUTQ_SIZE (4 * XSD_MSG_MAX) /* per connection: replies and events */
#define XSD_NODE_QUOTA 1000	  /* nodes an unprivileged domain may own */
#define XSD_VALUE_QUOTA 2048	  /* bytes of one value an unprivileged domain writes */

#define XSD_NIL UINT32_MAX

/* Platform actions, supplied by dom0's kernel (or a fake in tests). */
struct xsd_platform {
	/* Maps the domain's xenstore page (mfn from XS_INTRODUCE); NULL on failure. */
	void *(*map_ring)(void *ctx, domid_t domid, uint64_t mfn);
	void (*unmap_ring)(void *ctx, void *ring);
	/* Binds the domain's port: the local port (>= 0) or a negative errno. */
	long (*bind_port)(void *ctx, domid_t domid, uint32_t remote_port);
	void (*unbind_port)(void *ctx, long local_port);
	void (*notify)(void *ctx, long local_port);
	void *ctx;
};

/* A tree node; names, values and permissions live in the arena. */
struct xsd_node {
	uint32_t parent, child, sibling; /* pool indices or XSD_NIL */
	uint32_t name, value, perms;	 /* arena offsets (XSD_NIL: none) */
	uint32_t value_len;
	uint16_t name_len, nr_perms;
	domid_t owner;			 /* perms[0].domid, for quota counting */
	bool used;
	uint64_t gen, subtree_gen;	 /* last change to this node / below it */
};

/* A bitmap allocator of XSD_ARENA_BLOCK-byte blocks (xsd_arena.c). */
#define XSD_ARENA_BLOCK 32
struct xsd_arena {
	uint8_t *base;
	uint64_t *bitmap; /* one bit per block, set when in use */
	uint32_t nr_blocks, used_blocks;
};

struct xsd_watch {
	bool used, relative;	/* relative: events name paths relative too */
	uint16_t conn;
	uint32_t path, token;	/* arena offsets of the absolute path and token */
	uint16_t path_len, token_len;
};

enum xsd_txn_kind { XSD_TXN_READ, XSD_TXN_WRITE, XSD_TXN_MKDIR, XSD_TXN_RM, XSD_TXN_PERMS };

struct xsd_txn_op {
	uint8_t kind;	  /* enum xsd_txn_kind */
	uint32_t path;	  /* offset in buf, NUL-terminated */
	uint32_t data, data_len; /* value, or struct xs_perm array */
};

struct xsd_txn {
	bool used;
	uint16_t conn;
	uint32_t id;
	uint64_t start_gen;
	uint32_t nr_ops, buf_used;
	struct xsd_txn_op ops[XSD_TXN_OPS];
	char buf[XSD_TXN_BUF];
};

struct xsd_conn {
	bool used, local, broken;
	domid_t domid;
	struct xenstore_domain_interface *intf;
	uint64_t mfn;
	uint32_t remote_port;
	long local_port;
	uint32_t next_txid;
	uint32_t in_len;		  /* bytes of the request being assembled */
	uint32_t out_head, out_len;	  /* circular queue of whole messages */
	uint64_t events_dropped;	  /* watch events lost to a full queue */
	uint8_t in[XSD_MSG_MAX];
	uint8_t out[XSD_OUTQ_SIZE];
};

struct xsd {
	struct xsd_platform plat;
	struct xsd_node *nodes;
	uint32_t nr_nodes;
	struct xsd_arena arena;
	uint64_t gen;
	uint32_t node_quota, value_quota;
	struct xsd_conn conns[XSD_MAX_CONNS];
	struct xsd_watch watches[XSD_MAX_WATCHES];
	struct xsd_txn txns[XSD_MAX_TXNS];
	uint8_t reply[XSD_MSG_MAX] __attribute__((aligned(8))); /* scratch: the reply */
	char event[XENSTORE_PAYLOAD_MAX]; /* scratch: a watch event's payload */
	char path[XSD_PATH_BUF];	  /* the request's path, made absolute */
	char scratch[2 * XSD_PATH_BUF];	  /* ancestors and children of it */
	struct xsd_watch *initial;	  /* a new watch's first event, sent after the reply */
};

/**
 * Initialises @xsd over @nr_nodes nodes and an arena of @arena_size bytes
 * (an eighth-or-so goes to its bitmap), and creates "/", "/local",
 * "/local/domain" and "/tool" owned by dom0 ("n0").  Returns 0 or -EINVAL
 * (fewer than 16 nodes or an arena under 4 KiB).
 */
int xsd_init(struct xsd *xsd, const struct xsd_platform *plat, struct xsd_node *nodes,
	     uint32_t nr_nodes, void *arena, size_t arena_size);

/**
 * dom0's in-process request: handles @hdr (its len counts the @payload
 * bytes) as the local connection (domid 0, privileged) and copies the
 * reply, header first, into @reply.  Returns the reply's length, or
 * -ENOSPC when @reply_size cannot hold it (the reply is then lost).
 */
int xsd_local_request(struct xsd *xsd, const struct xsd_sockmsg *hdr, const void *payload,
		      void *reply, size_t reply_size);

/**
 * Pops the oldest watch event queued for the local connection into @buf
 * (header + "path\0token\0").  Returns its length, 0 when none is queued,
 * -ENOSPC if @size is too small (the event stays queued).
 */
int xsd_local_event(struct xsd *xsd, void *buf, size_t size);

/**
 * Services one domain connection: sends queued replies and events into
 * the rsp ring, consumes whole requests from the req ring and handles
 * them, as long as replies have room.  Returns true when the caller must
 * notify the domain (the pump does it already through plat.notify when
 * set; the return value is for callers without one).  A connection whose
 * ring or headers are unusable is marked broken and ignored thereafter.
 */
bool xsd_ring_pump(struct xsd *xsd, struct xsd_conn *conn);

/** The connection of an introduced domain bound to @local_port, or NULL. */
struct xsd_conn *xsd_conn_by_port(struct xsd *xsd, long local_port);

/** The connection of introduced domain @domid, or NULL. */
struct xsd_conn *xsd_conn_by_domid(struct xsd *xsd, domid_t domid);

/**
 * Introduces @domid (XS_INTRODUCE's action): maps its ring, binds its
 * port, fires @introduceDomain.  Returns 0, -EEXIST (already introduced
 * differently), -EINVAL (domid 0 or DOMID_FIRST_RESERVED and above),
 * -ENOSPC (no free connection) or the platform's error.
 */
int xsd_introduce(struct xsd *xsd, domid_t domid, uint64_t mfn, uint32_t remote_port);

/**
 * Releases @domid: drops its watches and transactions, unbinds and unmaps
 * its ring, fires @releaseDomain.  Returns 0 or -ENOENT.
 */
int xsd_release(struct xsd *xsd, domid_t domid);

#endif /* DOM0_TOOLS_XENSTORED_XENSTORED_H */
