/*
 * hypervisor/arch/x86/pv/pv_emul.c - wires the generic PV instruction
 * emulator (hypervisor/common/pv_emulate.c) and CPUID policy
 * (pv_cpuid.c) to the machine: guest memory through the checked copy
 * helpers, the vCPU's virtual control and debug registers, the MSRs a PV
 * kernel may touch, and I/O ports by the virtual IOPL.
 *
 * Policies, as Xen 4.17's for 64-bit PV guests:
 *   - CR0: reads show the virtual TS; a write may change only TS.  CR2 is
 *     the last #PF address delivered (vcpu_info.arch.cr2), writable.  CR3
 *     reads give the running L4; writes are refused (use
 *     MMUEXT_NEW_BASEPTR) unless unchanged.  CR4 is the vCPU's own view
 *     (hypervisor/common/pv_cr4.h): TSD, DE, FSGSBASE and OSXSAVE its
 *     choice as far as its CPUID allows, PAE/MCE/OSFXSR/OSXMMEXCPT Keel's;
 *     a write is never refused, other bits are dropped.
 *   - MSRs: FS/GS/shadow-GS bases (as set_segment_base), EFER (read),
 *     PAT (read: Xen's value, which Keel runs with), TSC (read), APIC base
 *     (read: Xen's made-up answer), machine-check registers (two quiet
 *     banks, as Xen's vMCE); anything else raises #GP.
 *   - I/O: allowed when the virtual IOPL covers the guest's mode (the
 *     kernel counts as ring 1, or ring 0 with vm_assist
 *     architectural_iopl), #GP otherwise.  It reaches the machine's port
 *     only for the control domain and never Keel's own console UART;
 *     other accesses meet a virtual device (hypervisor/common/pv_ioport.h:
 *     reads all ones, writes dropped, private PCI and CMOS index latches).
 *   - cli/sti with a sufficient IOPL do nothing (as Xen: an event mask
 *     that POPF cannot restore would only cause lockups); otherwise #GP.
 *   - hlt, invd and CR8 give #GP (a PV kernel blocks with SCHEDOP_block);
 *     writing CR3 its current value is a TLB flush, any other value #GP.
 */
#include "hypervisor/arch/x86/pv/pv_emul.h"

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>

#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/cpufeature.h"
#include "arch/guest_access.h"
#include "hypercalls/hypercalls.h"
#include "hypercalls/pv_mm_arch.h"
#include "hypervisor/arch/x86/pv/bounce.h"
#include "hypervisor/arch/x86/pv/pv_hypercall.h"
#include "hypervisor/arch/x86/pv/pv_mm.h"
#include "hypervisor/arch/x86/pv/pv_vcpu.h"
#include "hypervisor/common/domain.h"
#include "hypervisor/common/pv_cpuid.h"
#include "hypervisor/common/pv_cr4.h"
#include "hypervisor/common/pv_ioport.h"
#include "hypervisor/common/pv_emulate.h"
#include "hypervisor/options.h"
#include "lib/errno.h"
#include "lib/string.h"


#define MSR_IA32_TSC 0x10

struct emul_ctx {
	struct vcpu *v;
	struct trap_frame *f;
};

static int guest_read(void *c, uint64_t va, void *buf, unsigned int n, uint32_t *pfec)
{
	(void)c;
	if (!copy_from_guest(buf, va, n))
		return 0;
	*pfec = PFEC_USER;
	return -EFAULT;
}

static int guest_fetch(void *c, uint64_t va, void *buf, unsigned int n, uint32_t *pfec)
{
	int rc = guest_read(c, va, buf, n, pfec);

	if (rc)
		*pfec |= PFEC_INSN;
	return rc;
}

static int guest_write(void *c, uint64_t va, const void *buf, unsigned int n, uint32_t *pfec)
{
	(void)c;
	if (!copy_to_guest(va, buf, n))
		return 0;
	*pfec = PFEC_USER | PFEC_WRITE;
	return -EFAULT;
}

static int seg_base(void *c, enum pv_emul_seg seg, uint64_t *base)
{
	(void)c;
	*base = rdmsr(seg == PV_EMUL_SEG_FS ? MSR_FS_BASE : MSR_GS_BASE);
	return 0;
}

static void host_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, struct pv_cpuid_leaf *out)
{
	struct cpuid_regs r = cpuid_count(leaf, subleaf);

	(void)ctx;
	*out = (struct pv_cpuid_leaf){ r.eax, r.ebx, r.ecx, r.edx };
}

/* The CPUID policy of v; forced: asked through the forced-emulation prefix. */
static struct pv_cpuid_params cpuid_params(struct vcpu *v, bool forced)
{
	return (struct pv_cpuid_params){
		.host = host_cpuid,
		.hardware_domain = v->domain->domid == 0,
		.xcr0_max = 0, /* Keel saves only FXSAVE state: no XSAVE/AVX for guests yet */
		.guest_cr4_osxsave = !!(pv_vcpu(v)->cr4 & PV_CR4_OSXSAVE),
		.enlightened_kernel = forced && pv_vcpu(v)->kernel_mode,
		.preserve_ad = true,
		.maddr_bits = (uint8_t)pv_mm_machine_address_bits(),
	};
}

static void guest_cpuid(void *c, uint32_t leaf, uint32_t subleaf, bool forced, uint32_t *eax,
			uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
	struct pv_cpuid_params p = cpuid_params(((struct emul_ctx *)c)->v, forced);
	struct pv_cpuid_leaf out;

	pv_cpuid(&p, leaf, subleaf, &out);
	*eax = out.a;
	*ebx = out.b;
	*ecx = out.c;
	*edx = out.d;
}

void pv_set_guest_cr4(struct vcpu *v, uint64_t val)
{
	struct pv_cpuid_params p = cpuid_params(v, false);
	struct pv_cr4_policy policy = pv_cr4_policy_of(&p);

	pv_vcpu(v)->cr4 = pv_cr4_guest_view(&policy, read_cr4(), val);
}

void pv_load_guest_cr4(const struct vcpu *v)
{
	uint64_t now = read_cr4(), want = pv_cr4_machine(now, pv_vcpu(v)->cr4);

	if (want != now)
		write_cr4(want);
}

static int read_cr(void *c, unsigned int cr, uint64_t *val)
{
	struct emul_ctx *e = c;
	struct pv_vcpu *pv = pv_vcpu(e->v);

	switch (cr) {
	case 0:
		*val = (read_cr0() & ~CR0_TS) | (pv->cr0_ts ? CR0_TS : 0);
		return 0;
	case 2:
		*val = e->v->vcpu_info ? e->v->vcpu_info->arch.cr2 : 0;
		return 0;
	case 3: {
		mfn_t l4 = pv->kernel_mode || !mfn_valid_raw(e->v->mm.guest_table_user)
				   ? e->v->mm.guest_table
				   : e->v->mm.guest_table_user;

		*val = xen_pfn_to_cr3(mfn_x(l4));
		return 0;
	}
	case 4:
		*val = pv->cr4;
		return 0;
	default:
		return -EPERM; /* CR8: #GP, as on Xen */
	}
}

static int write_cr(void *c, unsigned int cr, uint64_t val)
{
	struct emul_ctx *e = c;
	uint64_t cur;

	switch (cr) {
	case 0:
		read_cr(c, 0, &cur);
		if ((cur ^ val) & ~CR0_TS)
			return -EPERM;
		do_fpu_taskswitch(e->v, !!(val & CR0_TS));
		return 0;
	case 2:
		if (e->v->vcpu_info)
			e->v->vcpu_info->arch.cr2 = val;
		return 0;
	case 3: {
		uint64_t cur3;

		read_cr(c, 3, &cur3); /* writing back the same value is allowed (a flush) */
		if (val != cur3)
			return -EPERM;
		pv_mm_flush_tlb_local();
		return 0;
	}
	case 4:
		/* Never refused: bits the guest may not choose are dropped (pv_cr4.h). */
		pv_set_guest_cr4(e->v, val);
		pv_load_guest_cr4(e->v);
		return 0;
	default:
		return -EPERM;
	}
}

static int read_dr(void *c, unsigned int dr, uint64_t *val)
{
	long rc = do_get_debugreg(((struct emul_ctx *)c)->v, (int)dr);

	if (rc < 0 && rc > -4096)
		return (int)rc;
	*val = (uint64_t)rc;
	return 0;
}

static int write_dr(void *c, unsigned int dr, uint64_t val)
{
	return (int)do_set_debugreg(((struct emul_ctx *)c)->v, (int)dr, val);
}

static int do_clts(void *c)
{
	return (int)do_fpu_taskswitch(((struct emul_ctx *)c)->v, 0);
}

#define MSR_MCG_CAP	0x179
#define MSR_MCG_STATUS	0x17a
#define MSR_MC0_CTL	0x400 /* then STATUS, ADDR, MISC; 4 per bank */
#define MCG_TES_P	(1ULL << 11)
#define MCG_SER_P	(1ULL << 24)
#define PV_MC_BANKS_ARCH 32 /* MC0_CTL..MC31_MISC: 0x400-0x47f */

/*
 * Machine checks, as Xen's vMCE shows them to a PV guest (its CPUID offers
 * MCE/MCA): PV_MC_BANKS banks that never report an error, and the other
 * architectural banks reading 0.  MCG_CAP gives
 * the bank count (and on Intel the TES/SER bits Xen sets); a bank's CTL
 * reads all ones and ignores writes; STATUS, ADDR and MISC and MCG_STATUS
 * keep what the guest writes.  Linux reads them all when it starts.
 * Returns false if index is not one of them.
 */
static bool mce_msr(struct pv_vcpu *pv, uint32_t index, uint64_t *val, bool write)
{
	unsigned int bank = (index - MSR_MC0_CTL) / 4, reg = (index - MSR_MC0_CTL) % 4;

	if (index == MSR_MCG_CAP && !write) {
		*val = PV_MC_BANKS |
		       (!strcmp(cpu_features.vendor, "GenuineIntel") ? MCG_TES_P | MCG_SER_P : 0);
		return true;
	}
	if (index == MSR_MCG_STATUS) {
		if (write)
			pv->mcg_status = *val;
		*val = pv->mcg_status;
		return true;
	}
	if (index < MSR_MC0_CTL || bank >= PV_MC_BANKS_ARCH)
		return false;
	/* Banks MCG_CAP does not count, up to the architectural 32: 0, writes ignored (Xen). */
	if (bank >= PV_MC_BANKS) {
		*val = 0;
		return true;
	}
	if (reg == 0) {
		*val = ~0ULL;
		return true;
	}
	if (write)
		pv->mc_bank[bank][reg - 1] = *val;
	*val = pv->mc_bank[bank][reg - 1];
	return true;
}

static int read_msr(void *c, uint32_t index, uint64_t *val)
{
	const struct vcpu *v = ((struct emul_ctx *)c)->v;

	if (mce_msr(pv_vcpu(v), index, val, false))
		return 0;
	switch (index) {
	case MSR_APIC_BASE:
		/* As Xen: Linux reads it; an enabled xAPIC at the default base, BSP on vCPU 0. */
		*val = MSR_APIC_BASE_ENABLE | APIC_DEFAULT_MADDR | (v->id == 0 ? MSR_APIC_BASE_BSP : 0);
		return 0;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_EFER:
		*val = rdmsr(index);
		return 0;
	case MSR_PAT:
		*val = PV_MSR_PAT;
		return 0;
	case MSR_IA32_TSC:
		*val = rdtsc();
		return 0;
	default:
		return -EPERM;
	}
}

static int write_msr(void *c, uint32_t index, uint64_t val)
{
	struct emul_ctx *e = c;

	if (mce_msr(pv_vcpu(e->v), index, &val, true))
		return 0;

	switch (index) {
	case MSR_FS_BASE:
		return (int)do_set_segment_base(e->v, SEGBASE_FS, val);
	case MSR_GS_BASE:
		return (int)do_set_segment_base(e->v, SEGBASE_GS_KERNEL, val);
	case MSR_KERNEL_GS_BASE:
		return (int)do_set_segment_base(e->v, SEGBASE_GS_USER, val);
	case MSR_EFER:
		return val == rdmsr(MSR_EFER) ? 0 : -EPERM;
	default:
		return -EPERM;
	}
}

/* The virtual IOPL lets the guest's current mode use I/O instructions. */
static bool iopl_ok(const struct vcpu *v)
{
	const struct pv_vcpu *pv = pv_vcpu(v);
	unsigned int ring = pv->kernel_mode
				    ? (pv_vm_assist(v, VMASST_TYPE_architectural_iopl) ? 0 : 1)
				    : 3;

	return pv->iopl >= ring;
}

/* The virtual IOPL decides whether in/out run at all; pv_io_direct where they go. */
static bool io_allowed(void *c, uint16_t port, unsigned int size)
{
	(void)port;
	(void)size;
	return iopl_ok(((struct emul_ctx *)c)->v);
}

/* Whether the domain drives these ports of the machine itself (pv_ioport.h). */
static bool io_direct(const struct domain *d, uint16_t port, unsigned int size)
{
	const struct pv_io_keel_ports keel = {
		.console_uart = opt_console_port,
		.pm_timer = acpi.pm_tmr_port,
	};

	return pv_io_direct(&keel, d->is_privileged, port, size);
}

static uint32_t io_read(void *c, uint16_t port, unsigned int size)
{
	struct domain *d = ((struct emul_ctx *)c)->v->domain;

	if (!io_direct(d, port, size))
		return pv_io_virtual_read(&d->io_latches, port, size);
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void io_write(void *c, uint16_t port, unsigned int size, uint32_t val)
{
	struct domain *d = ((struct emul_ctx *)c)->v->domain;

	if (!io_direct(d, port, size))
		pv_io_virtual_write(&d->io_latches, port, size, val);
	else if (size == 1)
		outb(port, (uint8_t)val);
	else if (size == 2)
		outw(port, (uint16_t)val);
	else
		outl(port, val);
}

static int set_interrupt_flag(void *c, bool enable)
{
	(void)enable;
	return iopl_ok(((struct emul_ctx *)c)->v) ? 0 : -EPERM;
}

static int do_hlt(void *c)
{
	(void)c;
	return -EPERM; /* #GP, as on Xen: a PV kernel blocks with SCHEDOP_block */
}

static int cache_flush(void *c, bool writeback)
{
	if (!writeback)
		return -EPERM; /* invd would lose dirty lines: #GP, as on Xen */
	if (((struct emul_ctx *)c)->v->domain->is_privileged)
		__asm__ volatile("wbinvd" ::: "memory");
	return 0;
}

static int do_rdtsc(void *c, uint64_t *tsc, uint32_t *aux)
{
	(void)c;
	*tsc = rdtsc();
	if (aux)
		*aux = 0;
	return 0;
}

static const struct pv_emul_ops emul_ops = {
	.fetch = guest_fetch,
	.read_guest = guest_read,
	.write_guest = guest_write,
	.seg_base = seg_base,
	.cpuid = guest_cpuid,
	.read_cr = read_cr,
	.write_cr = write_cr,
	.read_dr = read_dr,
	.write_dr = write_dr,
	.clts = do_clts,
	.read_msr = read_msr,
	.write_msr = write_msr,
	.io_allowed = io_allowed,
	.io_read = io_read,
	.io_write = io_write,
	.set_interrupt_flag = set_interrupt_flag,
	.hlt = do_hlt,
	.cache_flush = cache_flush,
	.rdtsc = do_rdtsc,
};

bool pv_emulate_privileged(struct vcpu *v, struct trap_frame *f, unsigned int trap)
{
	struct emul_ctx ctx = { v, f };
	struct pv_emul_outcome out = { 0 };
	enum pv_emul_result r;

	r = pv_emulate((struct cpu_user_regs *)f, trap, pv_vcpu(v)->kernel_mode, &emul_ops, &ctx,
		       &out);
	switch (r) {
	case PV_EMUL_DONE:
		if (out.single_step)
			pv_bounce_exception(v, f, TRAP_DB, false, 0);
		return true;
	case PV_EMUL_RAISE_GP:
		pv_bounce_exception(v, f, TRAP_GP, true, out.error_code);
		return true;
	case PV_EMUL_RAISE_UD:
		pv_bounce_exception(v, f, TRAP_UD, false, 0);
		return true;
	case PV_EMUL_RAISE_PF:
		if (v->vcpu_info)
			v->vcpu_info->arch.cr2 = out.cr2;
		pv_bounce_exception(v, f, TRAP_PF, true,
				    pv_vcpu(v)->kernel_mode ? out.error_code & ~PFEC_USER
							    : out.error_code | PFEC_USER);
		return true;
	default:
		return false;
	}
}
