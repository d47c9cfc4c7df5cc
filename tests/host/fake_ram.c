/*
 * tests/host/fake_ram.c - "machine memory" for host unit tests.
 *
 * Owns: one page-aligned buffer standing for frames 0 .. nr_frames-1, and
 * the arch/mm.h translations between those frames and host pointers.  Fresh
 * memory is filled with FAKE_RAM_FILL, like RAM whose contents are unknown
 * at boot, so tests can see whether code scrubs before handing frames out.
 *
 * Invariant: arch_mfn_to_virt() panics on a frame outside the buffer (a bug
 * in the code under test); arch_virt_to_mfn() returns INVALID_MFN for a
 * pointer outside it, so callers can reject foreign pointers.  No locks.
 */
#include <stdlib.h>
#include <string.h>

#include "host/test_shim.h"
#include "lib/printk.h"

static unsigned char *fake_ram;
static uint64_t fake_ram_frames;

void fake_ram_init(uint64_t nr_frames)
{
	free(fake_ram);
	fake_ram = NULL;
	fake_ram_frames = 0;
	if (!nr_frames)
		return;
	if (posix_memalign((void **)&fake_ram, PAGE_SIZE, nr_frames * PAGE_SIZE))
		panic("fake_ram: cannot allocate %llu frames", (unsigned long long)nr_frames);
	memset(fake_ram, FAKE_RAM_FILL, nr_frames * PAGE_SIZE);
	fake_ram_frames = nr_frames;
}

uint64_t fake_ram_nr_frames(void)
{
	return fake_ram_frames;
}

void *arch_mfn_to_virt(mfn_t mfn)
{
	if (mfn_x(mfn) >= fake_ram_frames)
		panic("fake_ram: mfn %#llx outside fake RAM (%llu frames)",
		      (unsigned long long)mfn_x(mfn), (unsigned long long)fake_ram_frames);
	return fake_ram + mfn_x(mfn) * PAGE_SIZE;
}

mfn_t arch_virt_to_mfn(const void *va)
{
	const unsigned char *p = va;

	if (!fake_ram || p < fake_ram || p >= fake_ram + fake_ram_frames * PAGE_SIZE)
		return INVALID_MFN;
	return _mfn((uint64_t)(p - fake_ram) / PAGE_SIZE);
}
