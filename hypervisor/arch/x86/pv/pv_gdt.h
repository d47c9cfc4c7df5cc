/*
 * hypervisor/arch/x86/pv/pv_gdt.h - a PV guest's own GDT and LDT (pv_gdt.c).
 */
#ifndef ARCH_PV_PV_GDT_H
#define ARCH_PV_PV_GDT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/percpu.h"
#include "arch/traps.h"
#include "lib/types.h"
#include "hypervisor/common/vcpu.h"

/* Gives CPU p its GDT area and loads it (memory up, before any guest runs on p). */
void pv_gdt_cpu_init(struct percpu *p);
/* v starts running on this CPU: map its GDT frames, load its LDT. */
void pv_gdt_switch_to(struct vcpu *v);
/* v stops running on this CPU: unmap its LDT pages (their references stay, see pv_gdt.c). */
void pv_gdt_switch_from(struct vcpu *v);
/*
 * Whether selector sel (RPL 3) names a usable descriptor in the GDT of the
 * vCPU running on this CPU, the guest's frames or Keel's flat entries:
 * present, DPL 3, code (code) or writable data (!code).  An iretq that
 * loads it then cannot fault on it.  LDT and null selectors: false.
 */
bool pv_gdt_selector_ok(uint64_t sel, bool code);
/* v goes away: drop the references its GDT and LDT frames hold (PV-MMU lock not held). */
void pv_gdt_release(struct vcpu *v);
/*
 * A #PF at cr2 in this CPU's LDT area: maps the guest's LDT page on first
 * use (or gives the guest the #PF Xen gives).  False if cr2 is not there.
 */
bool pv_ldt_fault(struct vcpu *v, struct trap_frame *f, uint64_t cr2);

/*
 * Takes a general and a PGT_SEGDESC reference on each of the nr frames of
 * list (domid's descriptor pages, validated by mm/segdesc.c) into
 * frames.  0, or -EINVAL with none held.  PV-MMU lock held.
 */
int pv_gdt_take_frames(domid_t domid, const xen_ulong_t *list, unsigned int nr, mfn_t *frames);
/*
 * Makes frames (references from pv_gdt_take_frames) v's GDT, reloading it
 * if v runs on this CPU, and drops the old frames' references.  v runs
 * here or nowhere.  PV-MMU lock held.
 */
void pv_gdt_replace(struct vcpu *v, const mfn_t *frames, unsigned int nr);
/* Drops the references of the LDT pages v used; v runs nowhere.  PV-MMU lock held. */
void pv_gdt_forget_ldt(struct vcpu *v);

long do_set_gdt(struct vcpu *v, uint64_t frame_list, unsigned int entries);
long do_update_descriptor(struct vcpu *v, uint64_t maddr, uint64_t desc);

#endif
