/*
 * mm/segdesc.h - the segment descriptors a 64-bit PV guest may put in its
 * GDT and LDT (set_gdt, update_descriptor, MMUEXT_SET_LDT pages).
 *
 * The guest kernel runs in ring 3, and descriptors are fetched by the CPU
 * with Keel's privileges, so each one is checked (and adjusted) before a
 * frame becomes a descriptor page (PGT_SEGDESC) or a descriptor is
 * written into one.  The rules, as Xen 4.17 applies them:
 *   - a not-present descriptor is harmless and left alone;
 *   - code and data descriptors are accepted; a DPL below 3 is raised to
 *     3 (the guest kernel's ring);
 *   - type 0 (the upper half of a 64-bit call gate) is accepted;
 *   - a 64-bit call gate is accepted if it targets a guest code selector
 *     (Xen's flat ones, or one of the guest's own tables), with its DPL
 *     lowered to 0 so that a far call through it faults (Keel, like Xen,
 *     emulates such calls; until it does the guest sees #GP);
 *   - every other system descriptor (TSS, LDT, interrupt/trap gates) is
 *     refused: a guest must never hand the CPU a TSS or an LDT.
 * Pure functions, no locks; host-unit-tested.
 */
#ifndef MM_SEGDESC_H
#define MM_SEGDESC_H

#include <stdint.h>

/* Descriptors in one 4 KiB frame. */
#define SEGDESC_PER_PAGE 512

/*
 * Checks *d by the rules above and adjusts it in place.  Returns 0, or
 * -EINVAL (then *d is unchanged).
 */
int segdesc_fixup(uint64_t *d);

/*
 * Checks and adjusts every descriptor of a frame (SEGDESC_PER_PAGE of
 * them).  Returns 0, or -EINVAL at the first refused one (those before it
 * may already be adjusted, as on Xen; adjusting never makes one invalid).
 */
int segdesc_fixup_page(uint64_t *page);

#endif /* MM_SEGDESC_H */
