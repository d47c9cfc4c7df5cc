/*
 * guests/dom0/console_backend.h - dom0's side of each domU's PV console
 * (xen/io/console.h): what xenconsoled does for xl.
 *
 * Each served domain's output is logged on dom0's console one line at a
 * time, prefixed with its name ("[hello] ..."), except while an operator
 * is attached to it (`vmctl console NAME`): its bytes then go out as they
 * come and the operator's typing goes to its input ring; CTRL-] detaches.
 */
#ifndef GUESTS_DOM0_CONSOLE_BACKEND_H
#define GUESTS_DOM0_CONSOLE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>

/**
 * Starts serving the console of domain @domid, called @name: maps its
 * ring frame @ring_mfn and binds its unbound port @remote_port.
 * 0, -ENOSPC when too many domains are served, or the hypercall's errno.
 */
long conback_connect(domid_t domid, const char *name, uint64_t ring_mfn, uint32_t remote_port);

/** Whether @domid's console is served. */
bool conback_serves(domid_t domid);

/** Stops serving @domid (its output left in the ring is logged first). */
void conback_disconnect(domid_t domid);

/**
 * Attaches the operator to @domid's console until CTRL-] (or the domain
 * goes away).  Runs in the calling thread; 0 or -ENOENT if not served.
 */
long conback_attach(domid_t domid);

/** System time (ns) of @domid's first complete output line; 0 if none yet or not served. */
uint64_t conback_first_line_ns(domid_t domid);

#endif /* GUESTS_DOM0_CONSOLE_BACKEND_H */
