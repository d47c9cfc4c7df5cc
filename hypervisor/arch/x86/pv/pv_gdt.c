/*
 * hypervisor/arch/x86/pv/pv_gdt.c - a PV guest's own descriptor tables.
 *
 * Each CPU has a GDT area in Keel's range: 16 pages of GDT, then 16 of
 * LDT.  GDT pages 0-13 (entries below FIRST_RESERVED_GDT_ENTRY) show the
 * running vCPU's set_gdt frames, or a zero page where it has none (so a
 * selector there finds a null descriptor and faults); page 14 is Keel's
 * own descriptors (arch/segment.h).  Guest frames are mapped writable
 * because the CPU sets descriptors' accessed bits; the guest itself can
 * only map them read-only (they are PGT_SEGDESC, whose descriptors were
 * checked by mm/segdesc.c).
 *
 * The LDT (MMUEXT_SET_LDT) is mapped lazily, as Xen does: the first
 * descriptor fetch from an LDT page faults in Keel's LDT area, and
 * pv_ldt_fault() then finds the guest page, makes it a descriptor page
 * and maps it.  A vCPU keeps the references of the LDT pages it used
 * until its LDT changes or it goes away; switching it out only unmaps
 * them (dropping references needs the PV-MMU lock, which is never taken
 * with interrupts off).
 */
#include "hypervisor/arch/x86/pv/pv_gdt.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "arch/cpu.h"
#include "arch/guest_access.h"
#include "arch/mm.h"
#include "arch/paging.h"
#include "arch/segment.h"
#include "hypercalls/pv_mm_arch.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_mm.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/mmu_lock.h"
#include "mm/page_ref.h"
#include "mm/page_type.h"
#include "mm/pv_pte.h"
#include "mm/segdesc.h"

#define GDT_AREA_VIRT	 0xffff82d0c0400000UL
#define GDT_AREA_PAGES	 32
#define GDT_GUEST_PAGES	 FIRST_RESERVED_GDT_PAGE /* 14 */
#define LDT_FIRST_PAGE	 16

static mfn_t zero_frame = { INVALID_MFN_RAW };

static uint64_t gdt_area(unsigned int cpu)
{
	return GDT_AREA_VIRT + (uint64_t)cpu * GDT_AREA_PAGES * PAGE_SIZE;
}

static uint64_t ldt_area(unsigned int cpu)
{
	return gdt_area(cpu) + LDT_FIRST_PAGE * PAGE_SIZE;
}

static void map_gdt_page(unsigned int cpu, unsigned int i, mfn_t mfn, bool writable)
{
	uint64_t va = gdt_area(cpu) + (uint64_t)i * PAGE_SIZE;

	paging_map_page(va, mfn_x(mfn) << PAGE_SHIFT, (writable ? PTE_W : 0) | PTE_NX);
	invlpg((const void *)va);
}

void pv_gdt_cpu_init(struct percpu *p)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = { FIRST_RESERVED_GDT_BYTE + PAGE_SIZE - 1, gdt_area(p->cpu) };

	if (!mfn_valid_raw(zero_frame)) {
		zero_frame = alloc_frames(0);
		if (!mfn_valid_raw(zero_frame))
			panic("no memory for the GDT zero page");
		memset(arch_mfn_to_virt(zero_frame), 0, PAGE_SIZE);
	}
	for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++)
		map_gdt_page(p->cpu, i, zero_frame, false);
	map_gdt_page(p->cpu, GDT_GUEST_PAGES, _mfn(virt_to_maddr(p->gdt_page) >> PAGE_SHIFT), true);
	__asm__ volatile("lgdt %0" ::"m"(gdtr) : "memory");
}

/* Writes this CPU's LDT descriptor for ents entries and loads it (0: no LDT). */
static void load_ldt(unsigned int ents)
{
	uint64_t *gdt = this_cpu()->gdt_page;
	uint64_t base = ldt_area(smp_processor_id()), limit = (uint64_t)ents * 8 - 1;
	unsigned int idx = GDT_RESERVED_INDEX(LDT_SELECTOR);

	if (!ents) {
		__asm__ volatile("lldt %w0" ::"r"(0));
		return;
	}
	gdt[idx] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82ULL << 40) |
		   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[idx + 1] = base >> 32;
	__asm__ volatile("lldt %w0" ::"r"(LDT_SELECTOR));
}

static void unmap_ldt_pages(void)
{
	uint64_t area = ldt_area(smp_processor_id());

	for (unsigned int i = 0; i < LDT_FIRST_PAGE; i++)
		paging_unmap_page(area + (uint64_t)i * PAGE_SIZE);
}

void pv_gdt_switch_to(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	unsigned int cpu = smp_processor_id();

	for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++)
		map_gdt_page(cpu, i, i < pv->gdt_nr_frames ? pv->gdt_frames[i] : zero_frame,
			     i < pv->gdt_nr_frames);
	load_ldt(v->mm.ldt_ents);
}

bool pv_gdt_selector_ok(uint64_t sel, bool code)
{
	unsigned int index = (unsigned int)((sel & 0xffff) >> 3);
	uint64_t d;

	/* An LDT selector (TI) or the null one: not something iretq may load here. */
	if ((sel & 4) || index == 0 || (sel & 3) != 3)
		return false;
	/* The guest's frames and Keel's reserved page are both mapped while v runs. */
	if (index >= FIRST_RESERVED_GDT_ENTRY + PAGE_SIZE / 8)
		return false;
	d = *(const volatile uint64_t *)(gdt_area(smp_processor_id()) + (uint64_t)index * 8);
	/* Present, a code or data segment (S), DPL 3. */
	if (!(d & (1ULL << 47)) || !(d & (1ULL << 44)) || ((d >> 45) & 3) != 3)
		return false;
	if (code)
		return !!(d & (1ULL << 43));
	/* A stack: writable data. */
	return !(d & (1ULL << 43)) && (d & (1ULL << 41));
}

void pv_gdt_switch_from(struct vcpu *v)
{
	(void)v;
	unmap_ldt_pages();
	__asm__ volatile("lldt %w0" ::"r"(0));
}

/* Drops the LDT page references of v.  PV-MMU lock held. */
static void put_ldt_pages(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	for (unsigned int i = 0; i < LDT_FIRST_PAGE; i++) {
		if (!mfn_valid_raw(pv->ldt_frames[i]))
			continue;
		put_page_and_type(mfn_to_page(pv->ldt_frames[i]));
		pv->ldt_frames[i] = INVALID_MFN;
	}
}

static void put_gdt_frames(const mfn_t *frames, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		put_page_and_type(mfn_to_page(frames[i]));
}

void pv_gdt_release(struct vcpu *v)
{
	struct pv_vcpu *pv = pv_vcpu(v);

	mmu_lock();
	put_ldt_pages(v);
	put_gdt_frames(pv->gdt_frames, pv->gdt_nr_frames);
	pv->gdt_nr_frames = 0;
	mmu_unlock();
}

/* hypercalls/pv_mm_arch.h: MMUEXT_SET_LDT changed v's LDT (v runs here; lock held). */
void pv_mm_ldt_changed(struct vcpu *v)
{
	put_ldt_pages(v);
	unmap_ldt_pages();
	load_ldt(v->mm.ldt_ents);
}

int pv_gdt_take_frames(domid_t domid, const xen_ulong_t *list, unsigned int nr, mfn_t *frames)
{
	for (unsigned int i = 0; i < nr; i++) {
		frames[i] = _mfn(list[i]);
		if (!mfn_in_table(frames[i]) ||
		    get_page_and_type(mfn_to_page(frames[i]), PGT_SEGDESC, domid)) {
			put_gdt_frames(frames, i);
			return -EINVAL;
		}
	}
	return 0;
}

void pv_gdt_replace(struct vcpu *v, const mfn_t *frames, unsigned int nr)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	mfn_t old[GDT_GUEST_PAGES];
	unsigned int old_nr = pv->gdt_nr_frames;

	memcpy(old, pv->gdt_frames, sizeof(old));
	memcpy(pv->gdt_frames, frames, nr * sizeof(frames[0]));
	pv->gdt_nr_frames = nr;
	if (current_vcpu() == v)
		pv_gdt_switch_to(v); /* the old frames leave the CPU before they lose their type */
	put_gdt_frames(old, old_nr);
}

void pv_gdt_forget_ldt(struct vcpu *v)
{
	put_ldt_pages(v);
}

long do_set_gdt(struct vcpu *v, uint64_t frame_list, unsigned int entries)
{
	xen_ulong_t list[GDT_GUEST_PAGES];
	mfn_t frames[GDT_GUEST_PAGES];
	unsigned int nr;
	int rc;

	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	nr = (entries + SEGDESC_PER_PAGE - 1) / SEGDESC_PER_PAGE;
	if (copy_from_guest(list, frame_list, nr * sizeof(list[0])))
		return -EFAULT;
	mmu_lock();
	rc = pv_gdt_take_frames(v->domain->domid, list, nr, frames);
	if (!rc)
		pv_gdt_replace(v, frames, nr);
	mmu_unlock();
	return rc;
}

long do_update_descriptor(struct vcpu *v, uint64_t maddr, uint64_t desc)
{
	mfn_t mfn = _mfn(maddr >> PAGE_SHIFT);
	domid_t domid = v->domain->domid;
	struct page_info *pg;
	enum page_type type;
	uint64_t d = desc;

	if ((maddr & 7) || !mfn_in_table(mfn) || segdesc_fixup(&d))
		return -EINVAL;
	pg = mfn_to_page(mfn);
	mmu_lock();
	/* A live descriptor page stays one; any other frame must be one the guest may write. */
	type = page_get_type(pg) == PGT_SEGDESC && page_type_count(pg) ? PGT_SEGDESC : PGT_WRITABLE;
	if (get_page_and_type(pg, type, domid)) {
		mmu_unlock();
		return -EINVAL;
	}
	__atomic_store_n((uint64_t *)arch_mfn_to_virt(mfn) + ((maddr & (PAGE_SIZE - 1)) >> 3), d,
			 __ATOMIC_RELAXED);
	put_page_and_type(pg);
	mmu_unlock();
	return 0;
}

bool pv_ldt_fault(struct vcpu *v, struct trap_frame *f, uint64_t cr2)
{
	struct pv_vcpu *pv = pv_vcpu(v);
	uint64_t area = ldt_area(smp_processor_id()), gva;
	unsigned int idx;
	mfn_t mfn;
	int rc = -EINVAL;

	if (cr2 < area || cr2 >= area + LDT_FIRST_PAGE * PAGE_SIZE)
		return false;
	idx = (unsigned int)((cr2 - area) >> PAGE_SHIFT);
	gva = v->mm.ldt_base + (cr2 - area);
	mfn = pv_guest_va_to_mfn(gva & PAGE_MASK);
	if (mfn_valid_raw(mfn) && mfn_in_table(mfn)) {
		mmu_lock();
		if (mfn_eq(pv->ldt_frames[idx], mfn)) {
			rc = 0; /* still referenced from an earlier use: map it again */
		} else {
			rc = get_page_and_type(mfn_to_page(mfn), PGT_SEGDESC, v->domain->domid);
			if (!rc) {
				if (mfn_valid_raw(pv->ldt_frames[idx]))
					put_page_and_type(mfn_to_page(pv->ldt_frames[idx]));
				pv->ldt_frames[idx] = mfn;
			}
		}
		if (!rc) {
			paging_map_page(area + (uint64_t)idx * PAGE_SIZE, mfn_x(mfn) << PAGE_SHIFT,
					PTE_W | PTE_NX);
			invlpg((const void *)(area + (uint64_t)idx * PAGE_SIZE));
		}
		mmu_unlock();
	}
	if (rc) {
		/* Xen 4.17: a #PF at the descriptor's guest address, error code 0. */
		if (v->vcpu_info)
			v->vcpu_info->arch.cr2 = gva;
		pv_bounce_exception(v, f, TRAP_PF, true, 0);
	}
	return true;
}
