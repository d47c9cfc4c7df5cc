/*
 * tests/pv/twodom/mailbox.c - waiting on a mailbox field (mailbox.h).
 */
#include "tests/pv/twodom/mailbox.h"

#include <stdbool.h>

#include "tests/pv/events.h"

#define SEC 1000000000ULL

bool mailbox_wait(volatile uint32_t *field, uint32_t want, evtchn_port_t p)
{
	for (int i = 0; i < 20 && *field < want; i++)
		ev_wait(p, SEC);
	return *field >= want;
}

bool all_bytes(const volatile uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}
