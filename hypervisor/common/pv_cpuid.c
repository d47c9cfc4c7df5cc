/*
 * hypervisor/common/pv_cpuid.c - the CPUID view of a 64-bit PV guest
 * (contract in pv_cpuid.h).
 *
 * Owns: the feature allow-lists and the per-leaf rules below.
 *
 * Where the rules come from:
 *   - Xen's public featureset, xen/arch-x86/cpufeatureset.h: a bit marked
 *     'A' is offered to all guests by default; 'S'/'H' (HVM only), lower
 *     case (opt-in) and unmarked bits are hidden from PV.  The allow-lists
 *     below are those 'A' bits, written out by name (the enum of that
 *     header gives the bit numbers; FEAT() checks the word at compile
 *     time).  Unknown future bits are therefore hidden.
 *   - xen/arch-x86/cpuid.h for the hypervisor leaves.
 *   - Observation: Debian's Xen 4.17 under QEMU TCG (-cpu max,-smap, an
 *     AMD-flavoured CPU), queried by a PV dom0 through both plain
 *     (unfaulted, i.e. raw) and forced-emulation cpuid; the unit test
 *     test_pv_cpuid.c replays those raw leaves and expects Xen's answers.
 *     That settled: basic leaves capped at 0xd; leaves 5, 6, 0xb zeroed;
 *     SEP hidden on AMD (no SYSENTER in long mode there); MTRR shown to
 *     dom0; 0xd:1 EBX = 0; 0x80000008 linear width cut to 48; the max
 *     extended leaf raised to 0x80000021 when Xen synthesises
 *     LFENCE_DISPATCH; TSC leaf values; leaves past the maximum read as 0.
 *   Where neither says, the choice is the conservative one, noted in place.
 *
 * Things that need Keel's own support are parameters, not assumptions:
 * the XSAVE components (xcr0_max), the speculation-control MSRs
 * (spec_ctrl), LFENCE dispatch serialisation.  ARCH_CAPS (an MSR Keel
 * would have to emulate) is always hidden, though Xen 4.17 shows it.
 *
 * Cost: each call reads a handful of raw host leaves again; nothing is
 * cached, so there is no state to keep coherent.
 */
#include "hypervisor/common/pv_cpuid.h"

#include <xen/arch-x86/cpufeatureset.h>
#include <xen/arch-x86/cpuid.h>

#include "lib/compiler.h"

/*
 * The bit of feature `name` inside its 32-bit featureset word; a compile
 * error (negative bit-field width) unless that word is w.
 */
#define FEAT(w, name)                                                                              \
	((1u << (XEN_X86_FEATURE_##name % 32)) |                                                   \
	 0u * sizeof(struct { int word_ok : XEN_X86_FEATURE_##name / 32 == (w) ? 1 : -1; }))

/* --- allow-lists: the 'A' bits of each word ------------------------------- */

/* Word 0, CPUID.1:EDX.  APIC and HTT are '!A': shown as the host has them. */
static const uint32_t pv_w0 = FEAT(0, FPU) | FEAT(0, DE) | FEAT(0, TSC) | FEAT(0, MSR) |
			      FEAT(0, PAE) | FEAT(0, MCE) | FEAT(0, CX8) | FEAT(0, APIC) |
			      FEAT(0, SEP) | FEAT(0, MCA) | FEAT(0, CMOV) | FEAT(0, PAT) |
			      FEAT(0, CLFLUSH) | FEAT(0, ACPI) | FEAT(0, MMX) | FEAT(0, FXSR) |
			      FEAT(0, SSE) | FEAT(0, SSE2) | FEAT(0, SS) | FEAT(0, HTT);

/* Word 1, CPUID.1:ECX (OSXSAVE and HYPERVISOR are computed, not listed). */
static const uint32_t pv_w1 = FEAT(1, SSE3) | FEAT(1, PCLMULQDQ) | FEAT(1, SSSE3) | FEAT(1, FMA) |
			      FEAT(1, CX16) | FEAT(1, SSE4_1) | FEAT(1, SSE4_2) | FEAT(1, MOVBE) |
			      FEAT(1, POPCNT) | FEAT(1, AESNI) | FEAT(1, XSAVE) | FEAT(1, AVX) |
			      FEAT(1, F16C) | FEAT(1, RDRAND);

/* Word 2, CPUID.0x80000001:EDX (PAGE1GB is HVM-only). */
static const uint32_t pv_w2 = FEAT(2, SYSCALL) | FEAT(2, NX) | FEAT(2, MMXEXT) | FEAT(2, FFXSR) |
			      FEAT(2, RDTSCP) | FEAT(2, LM) | FEAT(2, 3DNOWEXT) | FEAT(2, 3DNOW);

/* Word 3, CPUID.0x80000001:ECX. */
static const uint32_t pv_w3 = FEAT(3, LAHF_LM) | FEAT(3, CMP_LEGACY) | FEAT(3, ABM) |
			      FEAT(3, SSE4A) | FEAT(3, MISALIGNSSE) | FEAT(3, 3DNOWPREFETCH) |
			      FEAT(3, XOP) | FEAT(3, FMA4) | FEAT(3, TBM) | FEAT(3, DBEXT);

/* Word 4, CPUID.0xd:1:EAX (XSAVES is HVM-only). */
static const uint32_t pv_w4 = FEAT(4, XSAVEOPT) | FEAT(4, XSAVEC) | FEAT(4, XGETBV1);

/* Word 5, CPUID.7:0:EBX.  FDP_EXCP_ONLY, NO_FPU_SEL: facts about the FPU, shown as they are. */
static const uint32_t pv_w5 =
    FEAT(5, FSGSBASE) | FEAT(5, BMI1) | FEAT(5, AVX2) | FEAT(5, FDP_EXCP_ONLY) | FEAT(5, BMI2) |
    FEAT(5, ERMS) | FEAT(5, RTM) | FEAT(5, NO_FPU_SEL) | FEAT(5, AVX512F) | FEAT(5, AVX512DQ) |
    FEAT(5, RDSEED) | FEAT(5, ADX) | FEAT(5, AVX512_IFMA) | FEAT(5, CLFLUSHOPT) | FEAT(5, CLWB) |
    FEAT(5, AVX512PF) | FEAT(5, AVX512ER) | FEAT(5, AVX512CD) | FEAT(5, SHA) | FEAT(5, AVX512BW) |
    FEAT(5, AVX512VL);

/* Word 6, CPUID.7:0:ECX. */
static const uint32_t pv_w6 = FEAT(6, PREFETCHWT1) | FEAT(6, AVX512_VBMI) | FEAT(6, AVX512_VBMI2) |
			      FEAT(6, GFNI) | FEAT(6, VAES) | FEAT(6, VPCLMULQDQ) |
			      FEAT(6, AVX512_VNNI) | FEAT(6, AVX512_BITALG) |
			      FEAT(6, AVX512_VPOPCNTDQ) | FEAT(6, RDPID) | FEAT(6, CLDEMOTE);

/* Word 7, CPUID.0x80000007:EDX: nothing by default (ITSC is opt-in, or dom0's). */
static const uint32_t pv_w7 = 0;

/* Word 8, CPUID.0x80000008:EBX. */
static const uint32_t pv_w8 = FEAT(8, CLZERO) | FEAT(8, RSTR_FP_ERR_PTRS) | FEAT(8, IBPB) |
			      FEAT(8, SSB_NO) | FEAT(8, BTC_NO) | FEAT(8, IBPB_RET);

/* Word 9, CPUID.7:0:EDX (ARCH_CAPS left out: see the top of the file). */
static const uint32_t pv_w9 = FEAT(9, AVX512_4VNNIW) | FEAT(9, AVX512_4FMAPS) | FEAT(9, FSRM) |
			      FEAT(9, MD_CLEAR) | FEAT(9, SERIALIZE) | FEAT(9, IBRSB) |
			      FEAT(9, STIBP) | FEAT(9, SSBD);

/* Word 10, CPUID.7:1:EAX. */
static const uint32_t pv_w10 =
    FEAT(10, AVX_VNNI) | FEAT(10, AVX512_BF16) | FEAT(10, FZRM) | FEAT(10, FSRS) | FEAT(10, FSRCS);

/* Word 11, CPUID.0x80000021:EAX. */
static const uint32_t pv_w11 = FEAT(11, LFENCE_DISPATCH) | FEAT(11, VERW_CLEAR) | FEAT(11, NSCB) |
			       FEAT(11, SBPB) | FEAT(11, IBPB_BRTYPE) | FEAT(11, SRSO_NO) |
			       FEAT(11, SRSO_US_NO);

/* Word 13, CPUID.7:2:EDX.  (Words 12 and 15, 7:1 EBX/EDX, offer PV nothing.) */
static const uint32_t pv_w13 = FEAT(13, INTEL_PSFD) | FEAT(13, MCDT_NO);

/* Word 18, CPUID.0x80000021:ECX. */
static const uint32_t pv_w18 = FEAT(18, TSA_SQ_NO) | FEAT(18, TSA_L1_NO);

/* --- features that depend on something the parameters may deny ------------ */

/* Need XSAVE itself (word 1) ... */
static const uint32_t w1_xsave = FEAT(1, XSAVE) | FEAT(1, OSXSAVE);
/* ... the YMM state ... */
static const uint32_t w1_avx = FEAT(1, AVX) | FEAT(1, FMA) | FEAT(1, F16C);
static const uint32_t w3_avx = FEAT(3, XOP) | FEAT(3, FMA4);
static const uint32_t w5_avx = FEAT(5, AVX2);
static const uint32_t w6_avx = FEAT(6, VAES) | FEAT(6, VPCLMULQDQ);
static const uint32_t w10_avx = FEAT(10, AVX_VNNI);
/* ... or the three AVX-512 states. */
static const uint32_t w5_avx512 = FEAT(5, AVX512F) | FEAT(5, AVX512DQ) | FEAT(5, AVX512_IFMA) |
				  FEAT(5, AVX512PF) | FEAT(5, AVX512ER) | FEAT(5, AVX512CD) |
				  FEAT(5, AVX512BW) | FEAT(5, AVX512VL);
static const uint32_t w6_avx512 = FEAT(6, AVX512_VBMI) | FEAT(6, AVX512_VBMI2) |
				  FEAT(6, AVX512_VNNI) | FEAT(6, AVX512_BITALG) |
				  FEAT(6, AVX512_VPOPCNTDQ);
static const uint32_t w9_avx512 = FEAT(9, AVX512_4VNNIW) | FEAT(9, AVX512_4FMAPS);
static const uint32_t w10_avx512 = FEAT(10, AVX512_BF16);

/* Promise MSR_SPEC_CTRL or MSR_PRED_CMD (params->spec_ctrl). */
static const uint32_t w8_spec = FEAT(8, IBPB) | FEAT(8, IBPB_RET);
static const uint32_t w9_spec = FEAT(9, IBRSB) | FEAT(9, STIBP) | FEAT(9, SSBD);
static const uint32_t w11_spec = FEAT(11, SBPB) | FEAT(11, IBPB_BRTYPE);
static const uint32_t w13_spec = FEAT(13, INTEL_PSFD);

/*
 * AMD repeats these leaf-1 EDX bits in 0x80000001:EDX (AMD APM vol. 3,
 * CPUID Fn8000_0001_EDX); the guest sees there what it sees in leaf 1.
 */
static const uint32_t amd_common_w0 =
    FEAT(0, FPU) | FEAT(0, VME) | FEAT(0, DE) | FEAT(0, PSE) | FEAT(0, TSC) | FEAT(0, MSR) |
    FEAT(0, PAE) | FEAT(0, MCE) | FEAT(0, CX8) | FEAT(0, APIC) | FEAT(0, MTRR) | FEAT(0, PGE) |
    FEAT(0, MCA) | FEAT(0, CMOV) | FEAT(0, PAT) | FEAT(0, PSE36) | FEAT(0, MMX) | FEAT(0, FXSR);

#define MAX_BASIC	  0xdu	      /* Xen 4.17's cap on the basic leaves */
#define MAX_EXT_INTEL	  0x80000008u /* ... and on the extended ones, per vendor */
#define MAX_EXT_AMD	  0x80000021u
#define XSAVE_LEGACY_SIZE 576u /* legacy region (512) + XSAVE header (64) */
#define LINEAR_BITS_PV	  48u  /* no 5-level paging for PV guests */

/* What every leaf needs to know, read from the host at each call. */
struct view {
	const struct pv_cpuid_params *p;
	bool amd; /* AMD or Hygon */
	uint32_t host_max_basic, host_max_ext;
	uint32_t max_basic, max_ext; /* what the guest is told */
	uint64_t xcr0;		     /* components offered */
	bool xsave, avx, avx512;
};

static struct pv_cpuid_leaf host(const struct view *v, uint32_t leaf, uint32_t subleaf)
{
	struct pv_cpuid_leaf l = {0};

	v->p->host(v->p->host_ctx, leaf, subleaf, &l);
	return l;
}

/* A host leaf, or zeros past the host's own maximum. */
static struct pv_cpuid_leaf host_if(const struct view *v, uint32_t leaf, uint32_t subleaf)
{
	uint32_t max = leaf >= 0x80000000u ? v->host_max_ext : v->host_max_basic;

	if (leaf > max)
		return (struct pv_cpuid_leaf){0};
	return host(v, leaf, subleaf);
}

static bool is_amd(const struct pv_cpuid_leaf *l0)
{
	/* "AuthenticAMD" and "HygonGenuine" in EBX, EDX, ECX order. */
	return (l0->b == 0x68747541 && l0->d == 0x69746e65 && l0->c == 0x444d4163) ||
	       (l0->b == 0x6f677948 && l0->d == 0x6e65476e && l0->c == 0x656e6975);
}

/* Word 11 (0x80000021:EAX) as the guest sees it; it decides the AMD max leaf too. */
static uint32_t ext21_eax(const struct view *v)
{
	uint32_t a = host_if(v, 0x80000021u, 0).a & pv_w11;

	if (v->p->lfence_dispatch)
		a |= FEAT(11, LFENCE_DISPATCH);
	if (!v->p->spec_ctrl)
		a &= ~w11_spec;
	return a;
}

static void view_init(struct view *v, const struct pv_cpuid_params *p)
{
	struct pv_cpuid_leaf l0, ext0;
	uint64_t host_xcr0 = 0;

	*v = (struct view){.p = p};
	l0 = host(v, 0, 0);
	v->amd = is_amd(&l0);
	v->host_max_basic = l0.a;
	ext0 = host(v, 0x80000000u, 0);
	v->host_max_ext = ext0.a >= 0x80000000u && ext0.a <= 0x8000ffffu ? ext0.a : 0;
	v->max_basic = MIN(v->host_max_basic, MAX_BASIC);
	v->max_ext = MIN(v->host_max_ext, v->amd ? MAX_EXT_AMD : MAX_EXT_INTEL);
	/* Xen raises the AMD maximum to reach 0x80000021 when it has something to say there. */
	if (v->amd && v->host_max_ext && ext21_eax(v))
		v->max_ext = MAX_EXT_AMD;

	if (v->host_max_basic >= 0xd && (host(v, 1, 0).c & FEAT(1, XSAVE))) {
		struct pv_cpuid_leaf d0 = host(v, 0xd, 0);

		host_xcr0 = ((uint64_t)d0.d << 32) | d0.a;
	}
	v->xcr0 = p->xcr0_max & host_xcr0 & PV_XCR0_ALLOWED;
	v->xsave = (v->xcr0 & (PV_XCR0_X87 | PV_XCR0_SSE)) == (PV_XCR0_X87 | PV_XCR0_SSE);
	if (!v->xsave)
		v->xcr0 = 0;
	v->avx = v->xsave && (v->xcr0 & PV_XCR0_YMM);
	v->avx512 = v->avx && (v->xcr0 & (PV_XCR0_OPMASK | PV_XCR0_ZMM_HI256 | PV_XCR0_HI16_ZMM)) ==
				  (PV_XCR0_OPMASK | PV_XCR0_ZMM_HI256 | PV_XCR0_HI16_ZMM);
	/* Without every AVX-512 state there is none: offer the YMM part only. */
	if (!v->avx512)
		v->xcr0 &= PV_XCR0_X87 | PV_XCR0_SSE | PV_XCR0_YMM;
}

/* --- leaf 1 ---------------------------------------------------------------- */

/* CPUID.1:EDX as the guest sees it (also the source of AMD's common bits). */
static uint32_t leaf1_edx(const struct view *v, uint32_t raw)
{
	uint32_t allow = pv_w0;

	if (v->p->hardware_domain)
		allow |= FEAT(0, MTRR); /* Xen 4.17 shows dom0 the MTRRs (observed) */
	if (v->amd)
		allow &= ~FEAT(0, SEP); /* no SYSENTER in long mode on AMD (observed) */
	return raw & allow;
}

static void leaf1(const struct view *v, struct pv_cpuid_leaf *out)
{
	const struct pv_cpuid_params *p = v->p;
	struct pv_cpuid_leaf raw = host(v, 1, 0);
	uint32_t c = raw.c & pv_w1;

	if (!v->xsave)
		c &= ~w1_xsave;
	if (!v->avx)
		c &= ~w1_avx;
	if (v->xsave && (p->guest_cr4_osxsave || p->enlightened_kernel))
		c |= FEAT(1, OSXSAVE);
	c |= FEAT(1, HYPERVISOR);

	out->a = raw.a; /* family, model, stepping */
	/*
	 * Brand index, CLFLUSH size and logical processor count as the host
	 * has them (with HTT: PV guests see the host's topology, as on Xen);
	 * the initial APIC ID is 0, as Xen gives PV guests.
	 */
	out->b = raw.b & 0x00ffffffu;
	out->c = c;
	out->d = leaf1_edx(v, raw.d);
}

/* --- leaf 7 ---------------------------------------------------------------- */

static void leaf7(const struct view *v, uint32_t subleaf, struct pv_cpuid_leaf *out)
{
	struct pv_cpuid_leaf raw = host(v, 7, subleaf);
	bool spec = v->p->spec_ctrl;

	switch (subleaf) {
	case 0:
		out->a = MIN(raw.a, 2u); /* the subleaves Xen 4.17 knows */
		out->b = raw.b & pv_w5 & ~(v->avx ? 0 : w5_avx) & ~(v->avx512 ? 0 : w5_avx512);
		out->c = raw.c & pv_w6 & ~(v->avx ? 0 : w6_avx) & ~(v->avx512 ? 0 : w6_avx512);
		out->d = raw.d & pv_w9 & ~(v->avx512 ? 0 : w9_avx512) & ~(spec ? 0 : w9_spec);
		break;
	case 1:
		out->a = raw.a & pv_w10 & ~(v->avx ? 0 : w10_avx) & ~(v->avx512 ? 0 : w10_avx512);
		break;
	case 2:
		out->d = raw.d & pv_w13 & ~(spec ? 0 : w13_spec);
		break;
	}
}

/* --- leaf 0xd: XSAVE ------------------------------------------------------- */

/* Size of a standard-format XSAVE area holding the components in mask. */
static uint32_t xsave_size(const struct view *v, uint64_t mask)
{
	uint32_t size = XSAVE_LEGACY_SIZE;
	unsigned int i;

	for (i = 2; i < 63; i++) {
		if (mask & (1ull << i)) {
			struct pv_cpuid_leaf c = host(v, 0xd, i); /* EAX size, EBX offset */

			size = MAX(size, c.b + c.a);
		}
	}
	return size;
}

static void leaf_xsave(const struct view *v, uint32_t subleaf, struct pv_cpuid_leaf *out)
{
	struct pv_cpuid_leaf raw;

	if (!v->xsave)
		return;
	switch (subleaf) {
	case 0:
		out->a = (uint32_t)v->xcr0;
		out->b = xsave_size(v, v->p->guest_xcr0 & v->xcr0);
		out->c = xsave_size(v, v->xcr0);
		out->d = (uint32_t)(v->xcr0 >> 32);
		break;
	case 1:
		/* No XSAVES for PV, so no size for XCR0|XSS either (Xen: EBX 0). */
		out->a = host(v, 0xd, 1).a & pv_w4;
		break;
	default:
		if (subleaf >= 63 || !(v->xcr0 & (1ull << subleaf)))
			break;
		raw = host(v, 0xd, subleaf);
		out->a = raw.a;	    /* size */
		out->b = raw.b;	    /* offset */
		out->c = raw.c & 2; /* 64-byte alignment when compacted; never supervisor */
		break;
	}
}

/* --- the hypervisor leaves ------------------------------------------------- */

static void leaf_tsc(const struct view *v, uint32_t subleaf, struct pv_cpuid_leaf *out)
{
	const struct pv_cpuid_tsc *t = &v->p->tsc;
	bool rdtscp = host_if(v, 0x80000001u, 0).d & FEAT(2, RDTSCP);

	switch (subleaf) {
	case 0:
		out->a = (t->emulated ? 1u : 0) | (t->host_reliable ? 2u : 0) | (rdtscp ? 4u : 0);
		out->b = t->mode;
		out->c = t->khz;
		out->d = t->incarnation;
		break;
	case 1:
		out->a = (uint32_t)t->offset;
		out->b = (uint32_t)(t->offset >> 32);
		out->c = t->mul_frac;
		out->d = (uint32_t)(int32_t)t->shift; /* sign-extended, as a signed shift */
		break;
	case 2:
		out->a = t->host_khz;
		break;
	}
}

static void leaf_hypervisor(const struct view *v, uint32_t leaf, uint32_t subleaf,
			    struct pv_cpuid_leaf *out)
{
	switch (leaf - PV_CPUID_HV_BASE) {
	case 0:
		out->a = PV_CPUID_HV_MAX;
		out->b = XEN_CPUID_SIGNATURE_EBX;
		out->c = XEN_CPUID_SIGNATURE_ECX;
		out->d = XEN_CPUID_SIGNATURE_EDX;
		break;
	case 1:
		out->a = (PV_CPUID_XEN_MAJOR << 16) | PV_CPUID_XEN_MINOR;
		break;
	case 2:
		out->a = 1;		   /* hypercall pages */
		out->b = PV_CPUID_HV_BASE; /* MSR to ask for them */
		out->c = v->p->preserve_ad ? XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD : 0;
		break;
	case 3:
		leaf_tsc(v, subleaf, out);
		break;
	case 4:
		break; /* HVM-specific: nothing for PV */
	case 5:
		if (subleaf == 0)
			out->b = v->p->maddr_bits & XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK;
		break;
	}
}

/* --- the native leaves ------------------------------------------------------ */

static void leaf_basic(const struct view *v, uint32_t leaf, uint32_t subleaf,
		       struct pv_cpuid_leaf *out)
{
	if (leaf > v->max_basic)
		return;
	switch (leaf) {
	case 0:
		*out = host(v, 0, 0);
		out->a = v->max_basic;
		break;
	case 1:
		leaf1(v, out);
		break;
	case 2: /* Intel's cache and TLB descriptors */
	case 4: /* deterministic cache parameters: as the host, like leaf 1's topology */
		*out = host(v, leaf, subleaf);
		break;
	case 7:
		leaf7(v, subleaf, out);
		break;
	case 0xd:
		leaf_xsave(v, subleaf, out);
		break;
	default:
		/*
		 * 3 (serial number), 5 (MONITOR: hidden), 6 (power management),
		 * 8, 9 (DCA), 0xa (PMU: no vPMU), 0xb (x2APIC topology: no
		 * x2APIC), 0xc: zeros, as Xen 4.17 gives PV guests.
		 */
		break;
	}
}

static void leaf_extended(const struct view *v, uint32_t leaf, struct pv_cpuid_leaf *out)
{
	const struct pv_cpuid_params *p = v->p;
	struct pv_cpuid_leaf raw;

	if (leaf > v->max_ext)
		return;
	switch (leaf) {
	case 0x80000000u:
		*out = host(v, leaf, 0); /* AMD puts its vendor string here too */
		out->a = v->max_ext;
		break;
	case 0x80000001u:
		raw = host(v, leaf, 0);
		out->a = raw.a;
		out->b = raw.b;
		out->c = raw.c & pv_w3 & ~(v->avx ? 0 : w3_avx);
		out->d = raw.d & pv_w2;
		if (v->amd)
			out->d |= leaf1_edx(v, host(v, 1, 0).d) & amd_common_w0;
		break;
	case 0x80000002u: /* brand string */
	case 0x80000003u:
	case 0x80000004u:
	case 0x80000005u: /* AMD L1 caches and TLBs */
	case 0x80000006u: /* L2/L3 caches */
		*out = host(v, leaf, 0);
		break;
	case 0x80000007u:
		out->d =
		    host(v, leaf, 0).d &
		    (pv_w7 | (p->hardware_domain ? FEAT(7, ITSC) : 0)); /* dom0 cannot migrate */
		break;
	case 0x80000008u:
		raw = host(v, leaf, 0);
		/* Physical width as the host; linear width at most 48 bits (4-level paging). */
		out->a = (raw.a & ~0xff00u) | (MIN((raw.a >> 8) & 0xff, LINEAR_BITS_PV) << 8);
		out->b = raw.b & pv_w8 & ~(p->spec_ctrl ? 0 : w8_spec);
		/* Core count as the host, consistent with leaf 1's (conservative guess). */
		out->c = raw.c;
		break;
	case 0x80000021u:
		out->a = ext21_eax(v);
		out->c = host_if(v, leaf, 0).c & pv_w18;
		break;
	default:
		/* 0x8000000a (SVM), 0x8000001d/1e (topology extensions), ...: hidden. */
		break;
	}
}

void pv_cpuid(const struct pv_cpuid_params *p, uint32_t leaf, uint32_t subleaf,
	      struct pv_cpuid_leaf *out)
{
	struct view v;

	*out = (struct pv_cpuid_leaf){0};
	if (leaf >= PV_CPUID_HV_BASE && leaf <= PV_CPUID_HV_MAX) {
		v = (struct view){.p = p};
		if (leaf == PV_CPUID_HV_BASE + 3) /* needs host RDTSCP */
			view_init(&v, p);
		leaf_hypervisor(&v, leaf, subleaf, out);
		return;
	}
	if (leaf < 0x40000000u || (leaf >= 0x80000000u && leaf <= 0x8000ffffu)) {
		view_init(&v, p);
		if (leaf < 0x40000000u)
			leaf_basic(&v, leaf, subleaf, out);
		else
			leaf_extended(&v, leaf, out);
	}
	/* Everything else (0x40000006.., 0xc0000000.., ...) reads as zeros. */
}
