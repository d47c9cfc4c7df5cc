/*
 * guests/lib/head.S - entry point, Xen ELF notes, hypercall page and boot
 * stack of every Keel guest kernel (the domU apps and dom0): see
 * pv_head.h.  guest_start(start_info) never returns: it ends in the
 * thread scheduler's idle loop.
 */
#include "guests/lib/pv_head.h"

	PV_HEAD guest_start, "Keel"
