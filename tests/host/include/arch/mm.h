/*
 * Host shim: where machine frames live in unit tests.  tests/host/fake_ram.c
 * backs "machine memory" with an ordinary buffer.
 */
#ifndef HOST_ARCH_MM_H
#define HOST_ARCH_MM_H

#include "lib/types.h"

/* Set up (or reset) fake machine memory of nr_frames frames starting at mfn 0. */
void fake_ram_init(uint64_t nr_frames);
void *arch_mfn_to_virt(mfn_t mfn);
mfn_t arch_virt_to_mfn(const void *va);

#endif
