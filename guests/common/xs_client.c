/*
 * guests/common/xs_client.c - XenStore request builders, reply parsers and
 * the client's ring side (see xs_client.h).
 *
 * Invariant: a builder either writes a whole valid message or returns an
 * error having written nothing the caller may send; parsers never read
 * past the payload length they are given, since the reply came from
 * another domain.
 */
#include "guests/common/xs_client.h"

#include "lib/compiler.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "lib/xs_ring.h"

int xs_req_build(void *buf, size_t size, uint32_t type, uint32_t req_id, uint32_t tx_id,
		 const char *const *strs, size_t nr_strs, const void *tail, size_t tail_len)
{
	struct xsd_sockmsg hdr = { .type = type, .req_id = req_id, .tx_id = tx_id };
	size_t len = tail_len, pos = sizeof(hdr);

	for (size_t i = 0; i < nr_strs; i++)
		len += strlen(strs[i]) + 1;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	if (size < sizeof(hdr) + len)
		return -ENOSPC;
	hdr.len = (uint32_t)len;
	memcpy(buf, &hdr, sizeof(hdr));
	for (size_t i = 0; i < nr_strs; i++) {
		size_t n = strlen(strs[i]) + 1;

		memcpy((char *)buf + pos, strs[i], n);
		pos += n;
	}
	if (tail_len)
		memcpy((char *)buf + pos, tail, tail_len);
	return (int)(sizeof(hdr) + len);
}

int xs_req_path(void *buf, size_t size, uint32_t type, uint32_t req_id, uint32_t tx_id,
		const char *path)
{
	return xs_req_build(buf, size, type, req_id, tx_id, &path, 1, NULL, 0);
}

int xs_req_write(void *buf, size_t size, uint32_t req_id, uint32_t tx_id, const char *path,
		 const void *value, size_t len)
{
	return xs_req_build(buf, size, XS_WRITE, req_id, tx_id, &path, 1, value, len);
}

int xs_req_watch(void *buf, size_t size, uint32_t req_id, bool watch, const char *path,
		 const char *token)
{
	const char *strs[] = { path, token };

	return xs_req_build(buf, size, watch ? XS_WATCH : XS_UNWATCH, req_id, 0, strs, 2, NULL, 0);
}

int xs_req_transaction_start(void *buf, size_t size, uint32_t req_id)
{
	return xs_req_path(buf, size, XS_TRANSACTION_START, req_id, 0, "");
}

int xs_req_transaction_end(void *buf, size_t size, uint32_t req_id, uint32_t tx_id, bool commit)
{
	return xs_req_path(buf, size, XS_TRANSACTION_END, req_id, tx_id, commit ? "T" : "F");
}

int xs_req_set_perms(void *buf, size_t size, uint32_t req_id, uint32_t tx_id, const char *path,
		     const struct xs_perm *perms, size_t nr)
{
	int len = xs_req_build(buf, size, XS_SET_PERMS, req_id, tx_id, &path, 1, NULL, 0);
	struct xsd_sockmsg hdr;

	/* The permission strings go straight after the path, in the caller's buffer. */
	for (size_t i = 0; len >= 0 && i < nr; i++) {
		char perm[XS_PERM_STR_MAX];
		size_t n = xs_perm_format(&perms[i], perm) + 1;

		memcpy(&hdr, buf, sizeof(hdr)); /* the caller's buffer may be unaligned */
		if (hdr.len + n > XENSTORE_PAYLOAD_MAX)
			return -E2BIG;
		if ((size_t)len + n > size)
			return -ENOSPC;
		memcpy((char *)buf + len, perm, n);
		len += (int)n;
		hdr.len += (uint32_t)n;
		memcpy(buf, &hdr, sizeof(hdr));
	}
	return len;
}

int xs_req_introduce(void *buf, size_t size, uint32_t req_id, uint16_t domid, uint64_t mfn,
		     uint32_t port)
{
	char d[8], m[24], p[12];
	const char *strs[] = { d, m, p };

	format_snprintf(d, sizeof(d), "%u", domid);
	format_snprintf(m, sizeof(m), "%llu", (unsigned long long)mfn);
	format_snprintf(p, sizeof(p), "%u", port);
	return xs_req_build(buf, size, XS_INTRODUCE, req_id, 0, strs, 3, NULL, 0);
}

int xs_req_domid(void *buf, size_t size, uint32_t type, uint32_t req_id, uint16_t domid)
{
	char d[8];

	format_snprintf(d, sizeof(d), "%u", domid);
	return xs_req_path(buf, size, type, req_id, 0, d);
}

int xs_msg_complete(const void *buf, size_t len, struct xsd_sockmsg *hdr)
{
	if (len < sizeof(*hdr))
		return 0;
	memcpy(hdr, buf, sizeof(*hdr));
	if (hdr->len > XENSTORE_PAYLOAD_MAX)
		return -EIO;
	if (len < sizeof(*hdr) + hdr->len)
		return 0;
	return (int)(sizeof(*hdr) + hdr->len);
}

int xs_reply_check(const struct xsd_sockmsg *hdr, const void *payload, uint32_t expect_type)
{
	if (hdr->len > XENSTORE_PAYLOAD_MAX)
		return -EIO;
	if (hdr->type == XS_ERROR)
		return xs_errno_parse(payload, hdr->len);
	return hdr->type == expect_type ? 0 : -EIO;
}

int xs_dir_next(const void *payload, size_t len, size_t *pos, const char **name)
{
	const char *p = payload;
	size_t n;

	if (*pos >= len)
		return 0;
	n = strnlen(p + *pos, len - *pos);
	if (*pos + n == len)
		return -EIO;
	*name = p + *pos;
	*pos += n + 1;
	return 1;
}

int xs_dir_copy(const void *payload, size_t len, char *buf, size_t size)
{
	size_t pos = 0, out = 0;
	const char *name;
	int rc, count = 0;

	while ((rc = xs_dir_next(payload, len, &pos, &name)) == 1) {
		size_t n = strlen(name) + 1;

		if (out + n > size)
			return -E2BIG;
		memcpy(buf + out, name, n);
		out += n;
		count++;
	}
	return rc < 0 ? rc : count;
}

int xs_parse_watch_event(const void *payload, size_t len, const char **path, const char **token)
{
	size_t pos = 0;

	if (xs_dir_next(payload, len, &pos, path) != 1 || xs_dir_next(payload, len, &pos, token) != 1)
		return -EIO;
	return 0;
}

int xs_parse_perms(const void *payload, size_t len, struct xs_perm *out, size_t max, size_t *nr)
{
	const char *s;
	size_t pos = 0;
	int rc;

	*nr = 0;
	while ((rc = xs_dir_next(payload, len, &pos, &s)) == 1) {
		if (*nr == max)
			return -ENOSPC;
		if (xs_perm_parse(s, strlen(s), &out[*nr]))
			return -EIO;
		(*nr)++;
	}
	return rc < 0 || *nr == 0 ? -EIO : 0;
}

int xs_parse_txid(const void *payload, size_t len, uint32_t *tx_id)
{
	uint64_t v;

	if (len < 2 || ((const char *)payload)[len - 1] != '\0' ||
	    xs_parse_u64(payload, len - 1, UINT32_MAX, &v))
		return -EIO;
	*tx_id = (uint32_t)v;
	return 0;
}

long xs_client_ring_write(struct xenstore_domain_interface *intf, const void *data, size_t len)
{
	return xs_ring_put(intf->req, &intf->req_cons, &intf->req_prod, data, len);
}

long xs_client_ring_read(struct xenstore_domain_interface *intf, void *buf, size_t len)
{
	return xs_ring_get(intf->rsp, &intf->rsp_cons, &intf->rsp_prod, buf, len);
}
