/*
 * dom0-tools/xenstored/xsd_tree.c - the live XenStore tree: nodes in the
 * caller's pool, linked parent -> first child -> next sibling, with names,
 * values and permission lists in the arena.
 *
 * Invariants: node 0 is "/" and always used; a used node's parent is used
 * and lists it among its children exactly once; owner == perms[0].domid.
 * Every change takes a new generation number (xsd->gen), stored in the
 * changed node's gen and in subtree_gen of it and all its ancestors; the
 * transaction code compares them with its start generation.
 * The tree enforces no permissions or quotas: xsd_ops.c checks them first.
 */
#include "dom0-tools/xenstored/xsd_internal.h"

#include "lib/errno.h"
#include "lib/string.h"

bool xsd_perm_allows(const struct xs_perm *perms, uint32_t nr, domid_t domid, unsigned int access)
{
	/* dom0 is privileged; the owner may do anything. */
	if (domid == 0 || (nr && perms[0].domid == domid))
		return true;
	for (uint32_t i = 1; i < nr; i++)
		if (perms[i].domid == domid)
			return (perms[i].access & access) == access;
	return nr && (perms[0].access & access) == access;
}

const struct xs_perm *xsd_node_perms(const struct xsd *xsd, uint32_t node, uint32_t *nr)
{
	*nr = xsd->nodes[node].nr_perms;
	return xsd_arena_ptr(&xsd->arena, xsd->nodes[node].perms);
}

const char *xsd_node_value(const struct xsd *xsd, uint32_t node, uint32_t *len)
{
	*len = xsd->nodes[node].value_len;
	return xsd_arena_ptr(&xsd->arena, xsd->nodes[node].value);
}

const char *xsd_node_name(const struct xsd *xsd, uint32_t node, uint32_t *len)
{
	*len = xsd->nodes[node].name_len;
	return xsd_arena_ptr(&xsd->arena, xsd->nodes[node].name);
}

static uint32_t find_child(const struct xsd *xsd, uint32_t parent, const char *name, size_t len)
{
	for (uint32_t c = xsd->nodes[parent].child; c != XSD_NIL; c = xsd->nodes[c].sibling) {
		uint32_t n;
		const char *cn = xsd_node_name(xsd, c, &n);

		if (n == len && memcmp(cn, name, len) == 0)
			return c;
	}
	return XSD_NIL;
}

uint32_t xsd_tree_nearest(struct xsd *xsd, const char *path, uint32_t *missing)
{
	uint32_t node = 0;
	const char *p = path + 1;

	*missing = 0;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		uint32_t child = find_child(xsd, node, p, len);

		if (child == XSD_NIL) {
			for (*missing = 1; (end = strchr(p, '/')); p = end + 1)
				(*missing)++;
			return node;
		}
		node = child;
		p += len + (p[len] == '/');
	}
	return node;
}

uint32_t xsd_tree_lookup(struct xsd *xsd, const char *path)
{
	uint32_t missing, node = xsd_tree_nearest(xsd, path, &missing);

	return missing ? XSD_NIL : node;
}

uint32_t xsd_tree_owned(const struct xsd *xsd, domid_t domid)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < xsd->nr_nodes; i++)
		n += xsd->nodes[i].used && xsd->nodes[i].owner == domid;
	return n;
}

uint32_t xsd_tree_free_nodes(const struct xsd *xsd)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < xsd->nr_nodes; i++)
		n += !xsd->nodes[i].used;
	return n;
}

/* A new generation for @node, seen by every ancestor's subtree_gen. */
static void touch(struct xsd *xsd, uint32_t node)
{
	xsd->nodes[node].gen = ++xsd->gen;
	for (uint32_t n = node; n != XSD_NIL; n = xsd->nodes[n].parent)
		xsd->nodes[n].subtree_gen = xsd->gen;
}

static int store_perms(struct xsd *xsd, uint32_t node, const struct xs_perm *perms, uint32_t nr)
{
	struct xsd_node *n = &xsd->nodes[node];
	uint32_t off = xsd_arena_store(&xsd->arena, perms, nr * sizeof(*perms));

	if (off == XSD_NIL)
		return -ENOMEM;
	xsd_arena_free(&xsd->arena, n->perms, n->nr_perms * sizeof(*perms));
	n->perms = off;
	n->nr_perms = (uint16_t)nr;
	n->owner = perms[0].domid;
	return 0;
}

static void free_node(struct xsd *xsd, uint32_t node)
{
	struct xsd_node *n = &xsd->nodes[node];

	xsd_arena_free(&xsd->arena, n->name, n->name_len);
	xsd_arena_free(&xsd->arena, n->value, n->value_len);
	xsd_arena_free(&xsd->arena, n->perms, n->nr_perms * sizeof(struct xs_perm));
	memset(n, 0, sizeof(*n));
}

/* A child @name of @parent with the parent's perms (owner: @creator unless dom0). */
static uint32_t new_child(struct xsd *xsd, uint32_t parent, const char *name, size_t len,
			  domid_t creator)
{
	struct xs_perm perms[XSD_MAX_PERMS];
	uint32_t nr, node;
	const struct xs_perm *pp = xsd_node_perms(xsd, parent, &nr);

	for (node = 0; node < xsd->nr_nodes && xsd->nodes[node].used; node++)
		;
	if (node == xsd->nr_nodes)
		return XSD_NIL;
	memcpy(perms, pp, nr * sizeof(*perms));
	if (creator != 0)
		perms[0].domid = creator;
	xsd->nodes[node] = (struct xsd_node){ .parent = parent, .child = XSD_NIL, .used = true,
					      .value = XSD_NIL, .perms = XSD_NIL };
	xsd->nodes[node].name = xsd_arena_store(&xsd->arena, name, len);
	xsd->nodes[node].name_len = (uint16_t)len;
	if (xsd->nodes[node].name == XSD_NIL || store_perms(xsd, node, perms, nr)) {
		free_node(xsd, node);
		return XSD_NIL;
	}
	xsd->nodes[node].sibling = xsd->nodes[parent].child;
	xsd->nodes[parent].child = node;
	touch(xsd, parent);
	return node;
}

int xsd_tree_write(struct xsd *xsd, const char *path, const void *value, uint32_t len,
		   domid_t creator, bool mkdir)
{
	uint32_t missing, node = xsd_tree_nearest(xsd, path, &missing), nr, off = XSD_NIL;
	const char *p = path + 1;
	const struct xs_perm *perms;

	if (missing > xsd_tree_free_nodes(xsd))
		return -ENOMEM;
	if (mkdir && !missing)
		return 0;
	/* Walk the components that exist, creating the rest. */
	for (node = 0; *p; p += p[0] == '/') {
		const char *end = strchr(p, '/');
		size_t clen = end ? (size_t)(end - p) : strlen(p);
		uint32_t child = find_child(xsd, node, p, clen);

		if (child == XSD_NIL)
			child = new_child(xsd, node, p, clen, creator);
		if (child == XSD_NIL)
			return -ENOMEM;
		node = child;
		p += clen;
	}
	if (!mkdir && len) {
		off = xsd_arena_store(&xsd->arena, value, len);
		if (off == XSD_NIL)
			return -ENOMEM;
	}
	if (!mkdir) {
		xsd_arena_free(&xsd->arena, xsd->nodes[node].value, xsd->nodes[node].value_len);
		xsd->nodes[node].value = off;
		xsd->nodes[node].value_len = len;
	}
	touch(xsd, node);
	perms = xsd_node_perms(xsd, node, &nr);
	xsd_watch_fire(xsd, path, perms, nr, false);
	return 0;
}

/* Unlinks @node from its parent's child list. */
static void unlink_node(struct xsd *xsd, uint32_t node)
{
	uint32_t parent = xsd->nodes[node].parent;
	uint32_t *link = &xsd->nodes[parent].child;

	while (*link != node)
		link = &xsd->nodes[*link].sibling;
	*link = xsd->nodes[node].sibling;
	touch(xsd, parent);
}

int xsd_tree_rm(struct xsd *xsd, const char *path)
{
	struct xs_perm perms[XSD_MAX_PERMS];
	const struct xs_perm *cur;
	uint32_t nr, top = xsd_tree_lookup(xsd, path);

	if (top == XSD_NIL)
		return -ENOENT;
	if (top == 0)
		return -EINVAL;
	cur = xsd_node_perms(xsd, top, &nr);

	memcpy(perms, cur, nr * sizeof(*perms));
	unlink_node(xsd, top);
	/* Iteratively: free a leaf of the subtree until the top is one. */
	for (;;) {
		uint32_t n = top;

		while (xsd->nodes[n].child != XSD_NIL)
			n = xsd->nodes[n].child;
		if (n == top)
			break;
		xsd->nodes[xsd->nodes[n].parent].child = xsd->nodes[n].sibling;
		free_node(xsd, n);
	}
	free_node(xsd, top);
	xsd_watch_fire(xsd, path, perms, nr, true);
	return 0;
}

int xsd_tree_set_perms(struct xsd *xsd, const char *path, const struct xs_perm *perms,
		       uint32_t nr)
{
	uint32_t node = xsd_tree_lookup(xsd, path);
	int rc;

	if (node == XSD_NIL)
		return -ENOENT;
	rc = store_perms(xsd, node, perms, nr);
	if (rc)
		return rc;
	touch(xsd, node);
	xsd_watch_fire(xsd, path, perms, nr, false);
	return 0;
}

int xsd_tree_init(struct xsd *xsd)
{
	static const struct xs_perm root_perms = { .domid = 0, .access = XS_PERM_NONE };

	memset(xsd->nodes, 0, xsd->nr_nodes * sizeof(*xsd->nodes));
	xsd->nodes[0] = (struct xsd_node){ .parent = XSD_NIL, .child = XSD_NIL, .sibling = XSD_NIL,
					   .name = XSD_NIL, .value = XSD_NIL, .perms = XSD_NIL,
					   .used = true };
	return store_perms(xsd, 0, &root_perms, 1);
}
