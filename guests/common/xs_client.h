/*
 * guests/common/xs_client.h - the XenStore client codec: builds xs_wire
 * requests (xen/io/xs_wire.h) into a caller's buffer, parses replies and
 * watch events, and moves bytes through the client side of a
 * xenstore_domain_interface.  No I/O policy, no allocation: the guest
 * kernel's xenbus driver and dom0's tools wrap it.
 *
 * Every builder writes one whole message (header + payload) and returns
 * its length, -ENOSPC if @size is too small or -E2BIG if the payload would
 * pass XENSTORE_PAYLOAD_MAX.  Paths are passed as given (absolute or
 * relative to the caller's /local/domain/<id>); the daemon validates them.
 */
#ifndef GUESTS_COMMON_XS_CLIENT_H
#define GUESTS_COMMON_XS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

#include "lib/xs_proto.h"

/* The largest message either side sends: header plus maximal payload. */
#define XS_MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)

/**
 * Builds a message of @type: each of the @nr_strs strings followed by its
 * NUL, then @tail_len raw bytes of @tail (XS_WRITE's value).
 */
int xs_req_build(void *buf, size_t size, uint32_t type, uint32_t req_id, uint32_t tx_id,
		 const char *const *strs, size_t nr_strs, const void *tail, size_t tail_len);

/** XS_READ, XS_DIRECTORY, XS_MKDIR, XS_RM, XS_GET_PERMS: "path\0". */
int xs_req_path(void *buf, size_t size, uint32_t type, uint32_t req_id, uint32_t tx_id,
		const char *path);

/** XS_WRITE: "path\0" then @len bytes of @value (not terminated). */
int xs_req_write(void *buf, size_t size, uint32_t req_id, uint32_t tx_id, const char *path,
		 const void *value, size_t len);

/** XS_WATCH (@watch true) or XS_UNWATCH: "path\0token\0". */
int xs_req_watch(void *buf, size_t size, uint32_t req_id, bool watch, const char *path,
		 const char *token);

/** XS_TRANSACTION_START: "\0"; the reply carries the new id. */
int xs_req_transaction_start(void *buf, size_t size, uint32_t req_id);

/** XS_TRANSACTION_END of @tx_id: "T\0" commits, "F\0" aborts. */
int xs_req_transaction_end(void *buf, size_t size, uint32_t req_id, uint32_t tx_id, bool commit);

/** XS_SET_PERMS: "path\0" then each of the @nr permission strings and NUL. */
int xs_req_set_perms(void *buf, size_t size, uint32_t req_id, uint32_t tx_id, const char *path,
		     const struct xs_perm *perms, size_t nr);

/** XS_INTRODUCE: "domid\0mfn\0port\0" (dom0 only). */
int xs_req_introduce(void *buf, size_t size, uint32_t req_id, uint16_t domid, uint64_t mfn,
		     uint32_t port);

/** XS_RELEASE, XS_GET_DOMAIN_PATH, XS_IS_DOMAIN_INTRODUCED, XS_RESUME: "domid\0". */
int xs_req_domid(void *buf, size_t size, uint32_t type, uint32_t req_id, uint16_t domid);

/**
 * How much of the @len bytes at @buf is one whole message: its length when
 * complete (header copied to @hdr), 0 when more bytes are needed, -EIO
 * when the header announces more than XENSTORE_PAYLOAD_MAX.
 */
int xs_msg_complete(const void *buf, size_t len, struct xsd_sockmsg *hdr);

/**
 * Checks a reply: 0 when it is of @expect_type, the errno it names when it
 * is XS_ERROR, -EIO for anything else (another type, oversized).
 */
int xs_reply_check(const struct xsd_sockmsg *hdr, const void *payload, uint32_t expect_type);

/**
 * Walks an XS_DIRECTORY reply: from *@pos, sets @name to the next
 * NUL-terminated entry and advances *@pos.  Returns 1 for an entry, 0 at
 * the end, -EIO for an unterminated entry.
 */
int xs_dir_next(const void *payload, size_t len, size_t *pos, const char **name);

/**
 * Copies the names of an XS_DIRECTORY reply into @buf (@size bytes), each
 * NUL-terminated.  Returns how many, -E2BIG when they do not fit, -EIO for
 * an unterminated name.
 */
int xs_dir_copy(const void *payload, size_t len, char *buf, size_t size);

/** Splits an XS_WATCH_EVENT's "path\0token\0": 0 or -EIO. */
int xs_parse_watch_event(const void *payload, size_t len, const char **path, const char **token);

/**
 * Parses an XS_GET_PERMS reply into at most @max entries at @out; *@nr is
 * the count.  Returns 0, -ENOSPC (more than @max) or -EIO (malformed).
 */
int xs_parse_perms(const void *payload, size_t len, struct xs_perm *out, size_t max, size_t *nr);

/** The id in an XS_TRANSACTION_START reply ("123\0"): 0 or -EIO. */
int xs_parse_txid(const void *payload, size_t len, uint32_t *tx_id);

/**
 * Client side of the ring: writes up to @len request bytes into @intf's
 * req ring; returns the bytes written (0: full) or -EIO (corrupt indices).
 * The caller notifies the event channel when it wrote something.
 */
long xs_client_ring_write(struct xenstore_domain_interface *intf, const void *data, size_t len);

/** Reads up to @len reply bytes from @intf's rsp ring; as above. */
long xs_client_ring_read(struct xenstore_domain_interface *intf, void *buf, size_t len);

#endif /* GUESTS_COMMON_XS_CLIENT_H */
