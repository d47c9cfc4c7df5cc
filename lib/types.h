/*
 * lib/types.h - fixed-width integers and the strong frame/address types.
 *
 * Owns: the basic types every layer uses.  Freestanding: only the
 * compiler's own headers (stdint, stddef, stdbool) are included, so this
 * compiles identically into the hypervisor and into host unit tests.
 *
 * Machine frames, guest frames and addresses are single-field structs so
 * the compiler refuses to mix them up (see STYLE.md, "types that prevent
 * mix-ups").
 */
#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* A machine frame number: index of a 4 KiB frame of host-physical memory. */
typedef struct {
	uint64_t mfn;
} mfn_t;

/* A machine (host-physical) address. */
typedef struct {
	uint64_t maddr;
} maddr_t;

#define INVALID_MFN_RAW (~0ULL)
#define INVALID_MFN ((mfn_t){ INVALID_MFN_RAW })

static inline mfn_t _mfn(uint64_t m)
{
	return (mfn_t){ m };
}
static inline uint64_t mfn_x(mfn_t m)
{
	return m.mfn;
}
static inline bool mfn_valid_raw(mfn_t m)
{
	return m.mfn != INVALID_MFN_RAW;
}
static inline bool mfn_eq(mfn_t a, mfn_t b)
{
	return a.mfn == b.mfn;
}
static inline maddr_t _maddr(uint64_t a)
{
	return (maddr_t){ a };
}
static inline uint64_t maddr_x(maddr_t a)
{
	return a.maddr;
}
static inline maddr_t mfn_to_maddr(mfn_t m)
{
	return _maddr(m.mfn << PAGE_SHIFT);
}
static inline mfn_t maddr_to_mfn(maddr_t a)
{
	return _mfn(a.maddr >> PAGE_SHIFT);
}

#endif /* LIB_TYPES_H */
