/*
 * tests/pv/twodom/peer.h - what the peer kernel's files share: its
 * mailbox, store channel and role (peer.c sets them in start_of_day).
 */
#ifndef TESTS_PV_TWODOM_PEER_H
#define TESTS_PV_TWODOM_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/event_channel.h>

#include "tests/pv/twodom/mailbox.h"

enum peer_role {
	ROLE_DOM0_PARTNER, /* command line "peer" */
	ROLE_PAIR_A,	   /* "pair-a": grants a page to its partner domU */
	ROLE_PAIR_B,	   /* "pair-b": binds to A's port, maps and copies A's grants */
};

extern struct twodom_mailbox *mb;
extern evtchn_port_t port; /* the store channel, to dom0 */
extern enum peer_role role;

/* Sets mb->stage (with our first failed line) and tells dom0. */
void announce(enum twodom_stage s);

/* Waits for dom0 to write at least want into *field of our mailbox. */
bool wait_for(volatile uint32_t *field, uint32_t want);

#endif /* TESTS_PV_TWODOM_PEER_H */
