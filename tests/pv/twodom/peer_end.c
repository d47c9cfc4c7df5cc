/*
 * tests/pv/twodom/peer_end.c - the peer's last test, linked after every
 * role's tests: tell dom0 we are done (the harness then shuts us down,
 * poweroff if all passed).
 */
#include "tests/pv/harness.h"
#include "tests/pv/twodom/mailbox.h"
#include "tests/pv/twodom/peer.h"

TEST(peer, done)
{
	announce(STAGE_DONE);
}
