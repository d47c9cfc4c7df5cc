/*
 * tests/pv/head.S - entry point, Xen ELF notes, hypercall page and stack
 * of every PV test kernel: the guest kernels' head (guests/lib/pv_head.h).
 * pv_main(start_info) does not return: it ends the domain with
 * SCHEDOP_shutdown.
 */
#include "guests/lib/pv_head.h"

	PV_HEAD pv_main, "Keel-PV-test"
