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

#include <stdint.h>

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
	STAGE_DONE,	  /* about to shut down */
};

/* What the toolstack asks next (mailbox.request). */
enum twodom_request {
	REQ_NONE = 0,
	REQ_CHECK_GRANTS, /* done with the peer's grants: check them */
	REQ_COPY,	  /* ts_gref is published: copy it */
};

/* Byte patterns: who wrote a page. */
#define PEER_PATTERN	  0x5a
#define TOOLSTACK_PATTERN 0xc3
#define PEER_RO_PATTERN	  0x77

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
};

#endif /* TESTS_PV_TWODOM_MAILBOX_H */
