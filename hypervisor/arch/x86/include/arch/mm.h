/*
 * arch/mm.h - machine frames <-> hypervisor virtual addresses, through the
 * direct map (arch/layout.h).  Every RAM frame is in the direct map.
 */
#ifndef ARCH_MM_H
#define ARCH_MM_H

#include "arch/layout.h"
#include "lib/types.h"

static inline void *maddr_to_virt(uint64_t maddr)
{
	return (void *)(DIRECTMAP_VIRT_START + maddr);
}

static inline void *arch_mfn_to_virt(mfn_t mfn)
{
	return maddr_to_virt(mfn_x(mfn) << PAGE_SHIFT);
}

/* Only for direct-map and image addresses. */
uint64_t virt_to_maddr(const void *va);

/* INVALID_MFN for an address outside the direct map and the image. */
static inline mfn_t arch_virt_to_mfn(const void *va)
{
	uint64_t v = (uint64_t)va;

	if ((v >= DIRECTMAP_VIRT_START && v < DIRECTMAP_VIRT_END) ||
	    (v >= KEEL_IMAGE_VIRT && v < KEEL_IMAGE_VIRT_END))
		return _mfn(virt_to_maddr(va) >> PAGE_SHIFT);
	return INVALID_MFN;
}

#endif /* ARCH_MM_H */
