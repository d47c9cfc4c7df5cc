/*
 * dom0-tools/xenstored/xsd_txn.c - transactions: each remembers, in its
 * own fixed buffer, the paths it read and the changes it made, in order;
 * nothing reaches the tree before commit.
 *
 * Conflicts use generations (xsd_tree.c): a transaction started at
 * generation G fails its commit with EAGAIN if a path it touched changed
 * after G - for a path that exists, its node's gen; for a path that does
 * not (a failed read, a create), the gen of its nearest existing ancestor,
 * which moved if the path was created or removed; for a removal, the
 * whole subtree (subtree_gen).  This is conservative: an unrelated change
 * next to a missing path also conflicts, and the client retries.
 * Commit replays the changes through the tree, which fires the watches.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/errno.h"
#include "lib/string.h"

const char *xsd_txn_str(const struct xsd_txn *txn, uint32_t off)
{
	return txn->buf + off;
}

struct xsd_txn *xsd_txn_find(struct xsd *xsd, struct xsd_conn *conn, uint32_t id)
{
	uint16_t ci = xsd_conn_index(xsd, conn);

	for (uint32_t i = 0; i < XSD_MAX_TXNS; i++)
		if (xsd->txns[i].used && xsd->txns[i].conn == ci && xsd->txns[i].id == id)
			return &xsd->txns[i];
	return NULL;
}

int xsd_txn_start(struct xsd *xsd, struct xsd_conn *conn, uint32_t *id)
{
	uint16_t ci = xsd_conn_index(xsd, conn);
	struct xsd_txn *slot = NULL;
	uint32_t mine = 0;

	for (uint32_t i = 0; i < XSD_MAX_TXNS; i++) {
		mine += xsd->txns[i].used && xsd->txns[i].conn == ci;
		if (!xsd->txns[i].used && !slot)
			slot = &xsd->txns[i];
	}
	if (!slot || mine >= XSD_TXNS_PER_CONN)
		return -ENOSPC;
	/* Ids are per connection, never 0 (0 means "no transaction"). */
	do
		*id = ++conn->next_txid;
	while (*id == 0 || xsd_txn_find(xsd, conn, *id));
	slot->used = true;
	slot->conn = ci;
	slot->id = *id;
	slot->start_gen = xsd->gen;
	slot->nr_ops = 0;
	slot->buf_used = 0;
	return 0;
}

static uint32_t keep(struct xsd_txn *txn, const void *data, uint32_t len)
{
	uint32_t off = txn->buf_used;

	if (len)
		memcpy(txn->buf + off, data, len);
	txn->buf_used += len;
	return off;
}

int xsd_txn_record(struct xsd_txn *txn, enum xsd_txn_kind kind, const char *path,
		   const void *data, uint32_t len)
{
	uint32_t plen = (uint32_t)strlen(path) + 1;
	struct xsd_txn_op *op;

	for (uint32_t i = 0; kind == XSD_TXN_READ && i < txn->nr_ops; i++)
		if (strcmp(xsd_txn_str(txn, txn->ops[i].path), path) == 0)
			return 0; /* already in the read set */
	if (txn->nr_ops == XSD_TXN_OPS || XSD_TXN_BUF - txn->buf_used < plen + len + 4)
		return -ENOSPC;
	op = &txn->ops[txn->nr_ops++];
	op->kind = (uint8_t)kind;
	op->path = keep(txn, path, plen);
	/* Keep permission arrays aligned for struct xs_perm. */
	txn->buf_used = (txn->buf_used + 3) & ~3u;
	op->data = keep(txn, data, len);
	op->data_len = len;
	return 0;
}

enum xsd_txn_state xsd_txn_state(const struct xsd_txn *txn, const char *path,
				 const struct xsd_txn_op **op)
{
	bool implied = false;

	for (uint32_t i = txn->nr_ops; i-- > 0;) {
		const struct xsd_txn_op *o = &txn->ops[i];
		const char *p = xsd_txn_str(txn, o->path);

		if (o->kind == XSD_TXN_RM && xsd_path_under(path, p))
			return implied ? XSD_TXN_IMPLIED : XSD_TXN_GONE;
		if (o->kind == XSD_TXN_WRITE && strcmp(p, path) == 0) {
			*op = o;
			return XSD_TXN_VALUE;
		}
		if ((o->kind == XSD_TXN_WRITE || o->kind == XSD_TXN_MKDIR) && xsd_path_under(p, path))
			implied = true;
	}
	return implied ? XSD_TXN_IMPLIED : XSD_TXN_LIVE;
}

const struct xsd_txn_op *xsd_txn_perms(const struct xsd_txn *txn, const char *path)
{
	for (uint32_t i = txn->nr_ops; i-- > 0;) {
		const struct xsd_txn_op *o = &txn->ops[i];
		const char *p = xsd_txn_str(txn, o->path);

		if (o->kind == XSD_TXN_RM && xsd_path_under(path, p))
			return NULL;
		if (o->kind == XSD_TXN_PERMS && strcmp(p, path) == 0)
			return o;
	}
	return NULL;
}

static bool conflicts(struct xsd *xsd, const struct xsd_txn *txn)
{
	for (uint32_t i = 0; i < txn->nr_ops; i++) {
		const struct xsd_txn_op *o = &txn->ops[i];
		uint32_t missing, n = xsd_tree_nearest(xsd, xsd_txn_str(txn, o->path), &missing);
		uint64_t gen = o->kind == XSD_TXN_RM && !missing ? xsd->nodes[n].subtree_gen
								  : xsd->nodes[n].gen;

		if (gen > txn->start_gen)
			return true;
	}
	return false;
}

/* Enough free nodes for every component the changes may create. */
static bool has_room(const struct xsd *xsd, const struct xsd_txn *txn)
{
	uint32_t need = 0;

	for (uint32_t i = 0; i < txn->nr_ops; i++) {
		const char *p = xsd_txn_str(txn, txn->ops[i].path);

		if (txn->ops[i].kind == XSD_TXN_WRITE || txn->ops[i].kind == XSD_TXN_MKDIR)
			for (; *p; p++)
				need += *p == '/';
	}
	return need <= xsd_tree_free_nodes(xsd);
}

static int replay(struct xsd *xsd, const struct xsd_txn *txn, domid_t domid)
{
	int rc = 0;

	for (uint32_t i = 0; i < txn->nr_ops && rc == 0; i++) {
		const struct xsd_txn_op *o = &txn->ops[i];
		const char *p = xsd_txn_str(txn, o->path);
		const void *data = txn->buf + o->data;

		if (o->kind == XSD_TXN_WRITE || o->kind == XSD_TXN_MKDIR)
			rc = xsd_tree_write(xsd, p, data, o->data_len, domid,
					    o->kind == XSD_TXN_MKDIR);
		else if (o->kind == XSD_TXN_RM)
			rc = xsd_tree_rm(xsd, p) == -EINVAL ? -EINVAL : 0;
		else if (o->kind == XSD_TXN_PERMS)
			rc = xsd_tree_set_perms(xsd, p, data, o->data_len / sizeof(struct xs_perm));
	}
	return rc;
}

int xsd_txn_end(struct xsd *xsd, struct xsd_txn *txn, bool commit)
{
	int rc = 0;

	if (commit && conflicts(xsd, txn))
		rc = -EAGAIN;
	else if (commit && !has_room(xsd, txn))
		rc = -ENOSPC;
	else if (commit)
		rc = replay(xsd, txn, xsd->conns[txn->conn].domid);
	txn->used = false;
	return rc;
}

void xsd_txn_drop_conn(struct xsd *xsd, struct xsd_conn *conn)
{
	uint16_t ci = xsd_conn_index(xsd, conn);

	for (uint32_t i = 0; i < XSD_MAX_TXNS; i++)
		if (xsd->txns[i].conn == ci)
			xsd->txns[i].used = false;
}
