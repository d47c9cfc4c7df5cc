/*
 * hypervisor/dom0_build.h - the initial domain from the boot modules.
 */
#ifndef HYPERVISOR_DOM0_BUILD_H
#define HYPERVISOR_DOM0_BUILD_H

#include "hypervisor/boot/boot_info.h"

/*
 * Creates domain 0 from boot module 1 (kernel, with its command line) and
 * module 2 (initrd, optional), ready to run on the boot CPU.  Returns 0,
 * or a negative errno after printing why (nothing of the domain is left).
 */
int dom0_build(const struct boot_info *bi);

#endif
