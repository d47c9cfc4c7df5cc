/*
 * guests/lib/traps.h - the guest kernel's trap table and callbacks
 * (entry.S): every exception is fatal, events are polled (events.h).
 */
#ifndef GUESTS_LIB_TRAPS_H
#define GUESTS_LIB_TRAPS_H

/** Installs the trap table and the event and failsafe callbacks; fatal on failure. */
void traps_init(void);

#endif /* GUESTS_LIB_TRAPS_H */
