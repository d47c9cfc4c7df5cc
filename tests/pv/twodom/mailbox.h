/*
 * tests/pv/twodom/mailbox.h - how the two domains of the two-domain test
 * talk besides event channels: a structure at the start of the peer's
 * xenstore page (start_info.store_mfn), which the toolstack kernel maps
 * as a foreign frame (there is no xenstored in this test).
 *
 * Each field has one writer.  The peer (domU) writes magic, stage, pongs,
 * its grant refs and its findings; the toolstack (dom0) writes pings, its
 * own grant ref and request.  Every write is followed by an event on the
 * store event channel, but an event only means "look again": each side
 * waits for the field it needs to change (events may merge, or be left
 * pending from an earlier step).
 */
#ifndef TESTS_PV_TWODOM_MAILBOX_H
#define TESTS_PV_TWODOM_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/event_channel.h>

#define TWODOM_MAGIC 0x4b45454cU /* "KEEL" */
#define TWODOM_PINGS 16		 /* event round trips in the ping-pong */

/* The peer's stages, in order (mailbox.stage). */
enum twodom_stage {
	STAGE_BOOTING = 0,
	STAGE_READY,	  /* magic set, waiting for pings */
	STAGE_PONGED,	  /* answered TWODOM_PINGS pings */
	STAGE_GRANTED,	  /* rw_gref and ro_gref published */
	STAGE_CHECKED,	  /* saw the toolstack's writes through the grant */
	STAGE_COPIED,	  /* copied the toolstack's page by grant */
	STAGE_PAIR_GRANTED, /* pair-a: shared_gref and copy_gref published */
	STAGE_DONE,	  /* about to shut down */
};

/* What the toolstack asks next (mailbox.request). */
enum twodom_request {
	REQ_NONE = 0,
	REQ_CHECK_GRANTS, /* done with the peer's grants: check them */
	REQ_COPY,	  /* ts_gref is published: copy it */
	REQ_PAIR_GO = 10, /* pair-b: partner_* are all set: bind, map, copy, ping */
};

/* Byte patterns: who wrote a page. */
#define PEER_PATTERN	  0x5a
#define TOOLSTACK_PATTERN 0xc3
#define PEER_RO_PATTERN	  0x77
#define PAIR_PATTERN	  0x3c

/* The page pair-a grants pair-b (writable): their own ping-pong. */
struct twodom_pair_page {
	volatile uint32_t ping; /* pair-b writes */
	volatile uint32_t pong; /* pair-a writes */
};

struct twodom_mailbox {
	volatile uint32_t magic;
	volatile uint32_t stage;	/* enum twodom_stage */
	volatile uint32_t pings;	/* toolstack: pings sent */
	volatile uint32_t pongs;	/* peer: pings answered */
	volatile uint32_t request;	/* toolstack: enum twodom_request */
	volatile uint32_t failed_line;	/* peer: line of its first failed check (0: none) */
	volatile uint32_t rw_gref;	/* peer's page granted writable to dom0 */
	volatile uint32_t ro_gref;	/* peer's page granted read-only to dom0 */
	volatile uint32_t ts_gref;	/* toolstack's page granted (read-only) to the peer */
	volatile uint32_t seen_write;	/* peer: dom0's pattern arrived through the grant */
	volatile uint32_t flags_clear;	/* peer: GTF_reading/writing clear after unmap */
	volatile int32_t copy_status;	/* peer: status of its copy from ts_gref */
	volatile uint32_t copy_ok;	/* peer: copied bytes match */
	volatile int32_t bad_copy_status; /* peer: copy *into* the read-only ts_gref */
	volatile int32_t bad_ref_status;  /* peer: copy from a ref out of range */

	/* The pair (pair-a, pair-b): dom0 introduces them to each other. */
	volatile uint32_t partner_domid;	/* toolstack: the other domU */
	volatile uint32_t partner_port;		/* toolstack: pair-a's port for pair-b (in pair-a) */
	volatile uint32_t shared_gref;		/* pair-a: the pair page; toolstack copies it to pair-b */
	volatile uint32_t copy_gref;		/* pair-a: a read-only page to copy; likewise */
	volatile uint32_t pair_pongs;		/* pair-b: round trips done with pair-a */
};

/* Waits (events on port p, up to 20 s) until *field >= want. */
bool mailbox_wait(volatile uint32_t *field, uint32_t want, evtchn_port_t p);

/* True if the n bytes at p are all v. */
bool all_bytes(const volatile uint8_t *p, size_t n, uint8_t v);

#endif /* TESTS_PV_TWODOM_MAILBOX_H */
