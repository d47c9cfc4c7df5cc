/*
 * guests/lib/xenbus.h - a domU's XenStore client over its store ring
 * (start_info's store_mfn and store_evtchn; protocol xen/io/xs_wire.h).
 *
 * One request is in flight at a time; callers sleep until their reply.
 * Watch events are queued for xenbus_wait_watch().  Paths may be
 * relative ("control/shutdown" is /local/domain/<us>/control/shutdown).
 * tx is a transaction id from xenbus_transaction_start() or XBT_NIL (0).
 */
#ifndef GUESTS_LIB_XENBUS_H
#define GUESTS_LIB_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XBT_NIL 0

/** Connects to the store ring; needs events and threads.  0 or a negative errno. */
long xenbus_init(void);

/** The value at @path into @buf (NUL-terminated); its length or a negative errno. */
long xenbus_read(uint32_t tx, const char *path, char *buf, size_t len);

/** Writes the string @value at @path. */
long xenbus_write(uint32_t tx, const char *path, const char *value);

/** Removes @path and everything under it. */
long xenbus_rm(uint32_t tx, const char *path);

/** The children of @path into @buf, each NUL-terminated; how many, or a negative errno. */
long xenbus_directory(uint32_t tx, const char *path, char *buf, size_t len);

/** Watches @path (and below) with @token; an initial event follows, as in xenstored. */
long xenbus_watch(const char *path, const char *token);
long xenbus_unwatch(const char *path, const char *token);

/** Waits for the next watch event; copies its path and token. */
void xenbus_wait_watch(char *path, size_t path_len, char *token, size_t token_len);

long xenbus_transaction_start(uint32_t *tx);

/** Ends @tx: commit (-EAGAIN when it conflicted: retry it) or abort. */
long xenbus_transaction_end(uint32_t tx, bool commit);

/**
 * Starts the thread that watches control/shutdown and shuts the domain
 * down as asked ("poweroff", "halt", "reboot"), as a PV guest must for
 * `xl shutdown`.
 */
void xenbus_start_shutdown_watcher(void);

#endif /* GUESTS_LIB_XENBUS_H */
