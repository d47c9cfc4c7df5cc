/*
 * dom0-tools/xenstored/xsd_view.c - reads as a transaction sees the tree:
 * the live tree overlaid with the transaction's own pending changes
 * (xsd_txn.c).  With no transaction it is simply the live tree.
 *
 * Known simplification: a node removed and then re-created inside one
 * transaction shows its old live value and permissions until commit.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/errno.h"
#include "lib/string.h"

int xsd_view_read(struct xsd *xsd, const struct xsd_txn *txn, const char *path, const char **val,
		  uint32_t *len)
{
	const struct xsd_txn_op *op = NULL;
	enum xsd_txn_state st = txn ? xsd_txn_state(txn, path, &op) : XSD_TXN_LIVE;
	uint32_t node;

	if (st == XSD_TXN_GONE)
		return -ENOENT;
	if (st == XSD_TXN_VALUE) {
		*val = txn->buf + op->data;
		*len = op->data_len;
		return 0;
	}
	node = xsd_tree_lookup(xsd, path);
	if (node != XSD_NIL) {
		*val = xsd_node_value(xsd, node, len);
		return 0;
	}
	*val = NULL;
	*len = 0;
	return st == XSD_TXN_IMPLIED ? 0 : -ENOENT;
}

int xsd_view_perms(struct xsd *xsd, const struct xsd_txn *txn, domid_t creator, const char *path,
		   struct xs_perm *out, uint32_t *nr)
{
	char *s = xsd->scratch;
	const char *v;
	uint32_t len;
	bool inherited = false;

	if (xsd_view_read(xsd, txn, path, &v, &len))
		return -ENOENT;
	strlcpy(s, path, sizeof(xsd->scratch));
	for (;;) {
		const struct xsd_txn_op *op = txn ? xsd_txn_perms(txn, s) : NULL;
		uint32_t node = xsd_tree_lookup(xsd, s);

		if (op) {
			*nr = op->data_len / sizeof(*out);
			memcpy(out, txn->buf + op->data, op->data_len);
			break;
		}
		if (node != XSD_NIL) {
			const struct xs_perm *live = xsd_node_perms(xsd, node, nr);

			memcpy(out, live, *nr * sizeof(*out));
			break;
		}
		/* Created inside the transaction: inherits, like xsd_tree_write. */
		xsd_path_parent(s);
		inherited = true;
	}
	if (inherited && creator != 0)
		out[0].domid = creator;
	return 0;
}

/* Appends @name (@len bytes) unless present; 0 or -E2BIG. */
static int add_name(char *out, uint32_t *out_len, const char *name, size_t len)
{
	for (uint32_t pos = 0; pos < *out_len; pos += (uint32_t)strlen(out + pos) + 1)
		if (strlen(out + pos) == len && memcmp(out + pos, name, len) == 0)
			return 0;
	if (*out_len + len + 1 > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	memcpy(out + *out_len, name, len);
	out[*out_len + len] = '\0';
	*out_len += (uint32_t)len + 1;
	return 0;
}

/* Adds @name if @parent/@name exists in the view. */
static int add_if_visible(struct xsd *xsd, const struct xsd_txn *txn, const char *parent,
			  const char *name, size_t len, char *out, uint32_t *out_len)
{
	char *s = xsd->scratch;
	size_t plen = strlen(parent);
	const char *v;
	uint32_t vlen;

	if (plen + len + 2 > sizeof(xsd->scratch))
		return 0;
	memcpy(s, parent, plen);
	s[plen] = '/';
	memcpy(s + plen + (plen > 1), name, len);
	s[plen + (plen > 1) + len] = '\0';
	if (plen == 1)
		s[0] = '/';
	if (xsd_view_read(xsd, txn, s, &v, &vlen))
		return 0;
	return add_name(out, out_len, name, len);
}

int xsd_view_dir(struct xsd *xsd, const struct xsd_txn *txn, const char *path, char *out,
		 uint32_t *len)
{
	uint32_t node = xsd_tree_lookup(xsd, path), vlen, nlen;
	size_t plen = strlen(path) + (path[1] != '\0');
	const char *v;
	int rc = 0;

	if (xsd_view_read(xsd, txn, path, &v, &vlen))
		return -ENOENT;
	*len = 0;
	for (uint32_t c = node == XSD_NIL ? XSD_NIL : xsd->nodes[node].child; c != XSD_NIL && !rc;
	     c = xsd->nodes[c].sibling) {
		const char *name = xsd_node_name(xsd, c, &nlen);

		rc = add_if_visible(xsd, txn, path, name, nlen, out, len);
	}
	for (uint32_t i = 0; txn && i < txn->nr_ops && !rc; i++) {
		const char *p = xsd_txn_str(txn, txn->ops[i].path), *end;

		if (txn->ops[i].kind == XSD_TXN_READ || !xsd_path_under(p, path) ||
		    strlen(p) <= plen)
			continue;
		end = strchr(p + plen, '/');
		rc = add_if_visible(xsd, txn, path, p + plen,
				    end ? (size_t)(end - p - plen) : strlen(p + plen), out, len);
	}
	return rc;
}
