/*
 * tests/unit/test_pv_cpuid.c - the CPUID view of a PV guest
 * (hypervisor/common/pv_cpuid.c).
 *
 * Two kinds of test.  The reference test replays what Debian's Xen 4.17
 * did under QEMU TCG (-cpu max,-smap, an AMD-flavoured CPU): a PV dom0
 * dumped every leaf twice, with plain cpuid (not faulted under TCG, so the
 * raw leaves) and with the forced-emulation prefix (Xen's answer); fed
 * the raw leaves and Xen's parameters, pv_cpuid must give Xen's answers.
 * The other tests use small made-up Intel/AMD hosts to pin single rules:
 * signature, version, hypervisor bit, hidden features, OSXSAVE, XSAVE
 * sizes, maxima, and zeros elsewhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <xen/arch-x86/cpufeatureset.h>

#include "hypervisor/common/pv_cpuid.h"

struct entry {
	uint32_t leaf, subleaf;
	struct pv_cpuid_leaf r;
};

/* Raw leaves of the QEMU TCG "max" CPU, as the PV dom0 read them (plain cpuid). */
static const struct entry tcg_raw[] = {
    {0x00000000, 0, {0x0000000d, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x00000001, 0, {0x00060fb1, 0x00000800, 0xfed8320b, 0x0fcbfbfd}},
    {0x00000002, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000003, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 1, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 2, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 3, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 4, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000005, 0, {0x00000000, 0x00000000, 0x00000003, 0x00000000}},
    {0x00000006, 0, {0x00000004, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000007, 0, {0x00000000, 0x01c843a9, 0x8001020c, 0x00000000}},
    {0x00000007, 1, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000007, 2, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000008, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000009, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000a, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000b, 0, {0x00000000, 0x00000001, 0x00000100, 0x00000000}},
    {0x0000000b, 1, {0x00000000, 0x00000001, 0x00000201, 0x00000000}},
    {0x0000000b, 2, {0x00000000, 0x00000000, 0x00000002, 0x00000000}},
    {0x0000000c, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 0, {0x0000021f, 0x00000240, 0x00000a88, 0x00000000}},
    {0x0000000d, 1, {0x00000005, 0x000003c8, 0x00000000, 0x00000000}},
    {0x0000000d, 2, {0x00000100, 0x00000240, 0x00000000, 0x00000000}},
    {0x0000000d, 3, {0x00000040, 0x000003c0, 0x00000000, 0x00000000}},
    {0x0000000d, 4, {0x00000040, 0x00000400, 0x00000000, 0x00000000}},
    {0x0000000d, 5, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 6, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 7, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 8, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 9, {0x00000008, 0x00000a80, 0x00000000, 0x00000000}},
    {0x80000000, 0, {0x8000000a, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x80000001, 0, {0x00060fb1, 0x00000000, 0x00000075, 0xedd3fbfd}},
    {0x80000002, 0, {0x554d4551, 0x47435420, 0x55504320, 0x72657620}},
    {0x80000003, 0, {0x6e6f6973, 0x352e3220, 0x0000002b, 0x00000000}},
    {0x80000004, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000005, 0, {0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140}},
    {0x80000006, 0, {0x00000000, 0x42004200, 0x02008140, 0x00808140}},
    {0x80000007, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000008, 0, {0x00003928, 0x00000000, 0x00000000, 0x00000000}},
    {0x8000000a, 0, {0x00000001, 0x00000010, 0x00000000, 0x10010001}},
};

/* Xen 4.17's answers to the same dom0 (forced-emulation cpuid), leaves past the maxima included. */
static const struct entry xen_answers[] = {
    {0x00000000, 0, {0x0000000d, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x00000001, 0, {0x00060fb1, 0x00000800, 0xfed83203, 0x0fc9d3f5}},
    {0x00000002, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000003, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 1, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 2, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 3, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000004, 4, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000005, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000006, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000007, 0, {0x00000000, 0x01880329, 0x00000200, 0x00000000}},
    {0x00000007, 1, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000007, 2, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000008, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000009, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000a, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000b, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000b, 1, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000b, 2, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000c, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 0, {0x00000007, 0x00000240, 0x00000340, 0x00000000}},
    {0x0000000d, 1, {0x00000005, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 2, {0x00000100, 0x00000240, 0x00000000, 0x00000000}},
    {0x0000000d, 3, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 4, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 5, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 6, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 7, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 8, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000d, 9, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000e, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x0000000f, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000010, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000011, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000012, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000013, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x00000014, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000000, 0, {0x40000005, 0x566e6558, 0x65584d4d, 0x4d4d566e}},
    {0x40000001, 0, {0x00040011, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000002, 0, {0x00000001, 0x40000000, 0x00000001, 0x00000000}},
    {0x40000003, 0, {0x00000004, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000003, 1, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000003, 2, {0x00255070, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000004, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000005, 0, {0x00000000, 0x0000001d, 0x00000000, 0x00000000}},
    {0x40000005, 1, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000006, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x40000100, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x40010000, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000000, 0, {0x80000021, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x80000001, 0, {0x00060fb1, 0x00000000, 0x00000061, 0xe9d1dbf5}},
    {0x80000002, 0, {0x554d4551, 0x47435420, 0x55504320, 0x72657620}},
    {0x80000003, 0, {0x6e6f6973, 0x352e3220, 0x0000002b, 0x00000000}},
    {0x80000004, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000005, 0, {0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140}},
    {0x80000006, 0, {0x00000000, 0x42004200, 0x02008140, 0x00808140}},
    {0x80000007, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000008, 0, {0x00003028, 0x00000000, 0x00000000, 0x00000000}},
    {0x8000000a, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x8000001d, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x8000001e, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x8000001f, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000020, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000021, 0, {0x00000004, 0x00000000, 0x00000000, 0x00000000}},
    {0x80000022, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
    {0xc0000000, 0, {0x00000000, 0x00000000, 0x00000000, 0x00000000}},
};

/* A made-up Intel host with every feature bit it can have set, to see what is hidden. */
static const struct entry intel[] = {
    {0x0, 0, {0x1f, 0x756e6547, 0x6c65746e, 0x49656e69}}, /* "GenuineIntel", max 0x1f */
    {0x1, 0, {0x000906ea, 0x07100800, 0x7ffffbff, 0xbfebfbff}},
    {0x2, 0, {0x00feff01, 0, 0, 0x00c30000}},
    {0x4, 0, {0x1c004121, 0x01c0003f, 0x3f, 0}},
    {0x5, 0, {0x40, 0x40, 3, 0x11142120}},
    {0x6, 0, {0x77, 2, 9, 0}},
    {0x7, 0, {3, 0xffffffff, 0xffffffff, 0xffffffff}}, /* subleaves up to 3 */
    {0x7, 1, {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}},
    {0x7, 2, {0, 0, 0, 0xffffffff}},
    {0xa, 0, {0x07300404, 0, 0, 0x603}},
    {0xb, 0, {1, 2, 0x100, 7}},
    {0xd, 0, {0x2ff, 0xa88, 0xa88, 0}}, /* x87 SSE YMM MPX(2) AVX-512(3) PKRU */
    {0xd, 1, {0xf, 0x988, 0, 0}},
    {0xd, 2, {256, 576, 0, 0}},
    {0xd, 3, {64, 960, 0, 0}},
    {0xd, 4, {64, 1024, 0, 0}},
    {0xd, 5, {64, 1088, 0, 0}},
    {0xd, 6, {512, 1152, 0, 0}},
    {0xd, 7, {1024, 1664, 6, 0}}, /* aligned, XFD (AMX-only: dropped) */
    {0xd, 9, {8, 2688, 0, 0}},
    {0x10, 0, {1, 2, 3, 4}},
    {0x80000000, 0, {0x80000008, 0, 0, 0}},
    {0x80000001, 0, {0, 0, 0x121, 0x2c100800}},
    {0x80000002, 0, {0x65746e49, 0x2952286c, 0x726f4320, 0x4d542865}},
    {0x80000007, 0, {0, 0, 0, 0x100}},
    {0x80000008, 0, {0x3927, 0xffffffff, 0, 0}},
};

/* A made-up AMD host. */
static const struct entry amd[] = {
    {0x0, 0, {0x10, 0x68747541, 0x444d4163, 0x69746e65}}, /* "AuthenticAMD" */
    {0x1, 0, {0x00a50f00, 0x00100800, 0x7ef8320b, 0x178bfbff}},
    {0x7, 0, {0, 0x219c97a9, 0x0040069c, 0x00000010}},
    {0x80000000, 0, {0x80000028, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x80000001, 0, {0x00a50f00, 0x20000000, 0x75c237ff, 0x2fd3fbff}},
    {0x80000008, 0, {0x3030, 0x111ef657, 0x0000500f, 0}},
    {0x8000000a, 0, {1, 0x8000, 0, 0x1ebfbcff}},
    {0x80000021, 0, {0x62fcf, 0x15c, 0x6, 0}},
};

static const struct entry *host_table;
static size_t host_len;
static bool host_strict; /* a leaf missing from the table fails the test */

static void fake_host(void *ctx, uint32_t leaf, uint32_t subleaf, struct pv_cpuid_leaf *out)
{
	for (size_t i = 0; i < host_len; i++) {
		if (host_table[i].leaf == leaf && host_table[i].subleaf == subleaf) {
			*out = host_table[i].r;
			return;
		}
	}
	if (host_strict)
		fail_msg("pv_cpuid read raw leaf %#x:%u, which the host table lacks", leaf,
			 subleaf);
	*out = (struct pv_cpuid_leaf){0};
}

#define USE_HOST(t) (host_table = (t), host_len = sizeof(t) / sizeof((t)[0]))

static struct pv_cpuid_params params;

static int setup(void **state)
{
	params = (struct pv_cpuid_params){
	    .host = fake_host,
	    .xcr0_max = PV_XCR0_ALLOWED,
	    .guest_xcr0 = PV_XCR0_X87 | PV_XCR0_SSE,
	    .maddr_bits = 40,
	};
	USE_HOST(intel);
	host_strict = false;
	return 0;
}

static struct pv_cpuid_leaf q(uint32_t leaf, uint32_t subleaf)
{
	struct pv_cpuid_leaf l;

	memset(&l, 0xee, sizeof(l)); /* pv_cpuid must write every register */
	pv_cpuid(&params, leaf, subleaf, &l);
	return l;
}

#define BIT(name)		 (1u << (XEN_X86_FEATURE_##name % 32))
#define assert_shown(reg, name)	 assert_true((reg)&BIT(name))
#define assert_hidden(reg, name) assert_false((reg)&BIT(name))
#define assert_leaf(l, ea, eb, ec, ed)                                                             \
	do {                                                                                       \
		struct pv_cpuid_leaf l_ = (l);                                                     \
		assert_int_equal(l_.a, ea);                                                        \
		assert_int_equal(l_.b, eb);                                                        \
		assert_int_equal(l_.c, ec);                                                        \
		assert_int_equal(l_.d, ed);                                                        \
	} while (0)

/* ---------------------------------------------------------------------------
 * Against Xen 4.17.
 */

static void test_matches_xen_417_pv_dom0(void **state)
{
	unsigned int bad = 0;

	USE_HOST(tcg_raw);
	host_strict = true;
	params.hardware_domain = true;
	params.enlightened_kernel = true; /* forced cpuid from the kernel */
	params.spec_ctrl = true;
	params.lfence_dispatch = true;
	params.preserve_ad = true;
	params.maddr_bits = 29; /* 512 MiB of RAM */
	params.tsc.host_khz = 0x255070;
	for (size_t i = 0; i < sizeof(xen_answers) / sizeof(xen_answers[0]); i++) {
		const struct entry *e = &xen_answers[i];
		struct pv_cpuid_leaf l = q(e->leaf, e->subleaf);

		if (memcmp(&l, &e->r, sizeof(l))) {
			print_message("%08x:%u: got %08x %08x %08x %08x, Xen %08x %08x %08x %08x\n",
				      e->leaf, e->subleaf, l.a, l.b, l.c, l.d, e->r.a, e->r.b,
				      e->r.c, e->r.d);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* ---------------------------------------------------------------------------
 * The hypervisor leaves.
 */

static void test_signature_and_max_leaf(void **state)
{
	struct pv_cpuid_leaf l = q(0x40000000, 0);
	char sig[13] = {0};

	memcpy(sig, &l.b, 4);
	memcpy(sig + 4, &l.c, 4);
	memcpy(sig + 8, &l.d, 4);
	assert_string_equal(sig, "XenVMMXenVMM");
	assert_int_equal(l.a, 0x40000005);
}

static void test_version_is_4_17(void **state)
{
	assert_leaf(q(0x40000001, 0), (4u << 16) | 17, 0, 0, 0);
}

static void test_hypercall_page_leaf(void **state)
{
	assert_leaf(q(0x40000002, 0), 1, 0x40000000, 0, 0);
	params.preserve_ad = true;
	assert_leaf(q(0x40000002, 0), 1, 0x40000000, 1, 0);
}

static void test_tsc_leaf(void **state)
{
	params.tsc = (struct pv_cpuid_tsc){
	    .emulated = true,
	    .host_reliable = true,
	    .mode = 1,
	    .khz = 2000000,
	    .incarnation = 3,
	    .offset = 0x123456789abcull,
	    .mul_frac = 0x80000000u,
	    .shift = -1,
	    .host_khz = 2100000,
	};
	/* Intel host has RDTSCP (0x80000001:EDX[27]): bit 2. */
	assert_leaf(q(0x40000003, 0), 7, 1, 2000000, 3);
	assert_leaf(q(0x40000003, 1), 0x56789abc, 0x1234, 0x80000000u, 0xffffffffu);
	assert_leaf(q(0x40000003, 2), 2100000, 0, 0, 0);
	assert_leaf(q(0x40000003, 3), 0, 0, 0, 0);
	params.tsc = (struct pv_cpuid_tsc){0};
	USE_HOST(amd); /* RDTSCP too */
	assert_leaf(q(0x40000003, 0), 4, 0, 0, 0);
}

static void test_hvm_and_pv_leaves(void **state)
{
	assert_leaf(q(0x40000004, 0), 0, 0, 0, 0);
	assert_leaf(q(0x40000005, 0), 0, 40, 0, 0);
	assert_leaf(q(0x40000005, 1), 0, 0, 0, 0);
	assert_leaf(q(0x40000006, 0), 0, 0, 0, 0);
	assert_leaf(q(0x40000100, 0), 0, 0, 0, 0);
	assert_leaf(q(0x4fffffff, 0), 0, 0, 0, 0);
}

/* ---------------------------------------------------------------------------
 * Native leaves.
 */

static void test_hypervisor_bit_set_vmx_hidden(void **state)
{
	struct pv_cpuid_leaf l = q(1, 0);

	assert_shown(l.c, HYPERVISOR);
	assert_hidden(l.c, VMX);
	assert_hidden(l.c, SMX);
	assert_hidden(l.c, MONITOR);
	assert_hidden(l.c, X2APIC);
	assert_hidden(l.c, TSC_DEADLINE);
	assert_hidden(l.c, PCID);
	assert_hidden(l.c, EIST);
	assert_hidden(l.c, DTES64);
	assert_hidden(l.c, PDCM);
	assert_shown(l.c, SSE4_2);
	assert_shown(l.c, AESNI);
	assert_shown(l.c, XSAVE);
	assert_shown(l.c, AVX);
	assert_shown(l.c, RDRAND);
	/* Exactly: */
	assert_int_equal(l.c, BIT(SSE3) | BIT(PCLMULQDQ) | BIT(SSSE3) | BIT(FMA) | BIT(CX16) |
				  BIT(SSE4_1) | BIT(SSE4_2) | BIT(MOVBE) | BIT(POPCNT) |
				  BIT(AESNI) | BIT(XSAVE) | BIT(AVX) | BIT(F16C) | BIT(RDRAND) |
				  BIT(HYPERVISOR));
	assert_int_equal(l.a, 0x000906ea);
}

static void test_leaf1_edx_and_apic_id(void **state)
{
	struct pv_cpuid_leaf l = q(1, 0);

	assert_int_equal(l.b, 0x00100800); /* APIC ID 7 gone; count and CLFLUSH size kept */
	assert_shown(l.d, FPU);
	assert_shown(l.d, SEP); /* Intel */
	assert_shown(l.d, APIC);
	assert_shown(l.d, PAT);
	assert_hidden(l.d, VME);
	assert_hidden(l.d, PSE);
	assert_hidden(l.d, PGE);
	assert_hidden(l.d, PSE36);
	assert_hidden(l.d, MTRR);
	assert_hidden(l.d, DS);
	assert_hidden(l.d, TM1);
	assert_hidden(l.d, PBE);

	params.hardware_domain = true;
	assert_shown(q(1, 0).d, MTRR);
	USE_HOST(amd);
	assert_hidden(q(1, 0).d, SEP);
}

static void test_leaf7_hidden_features(void **state)
{
	struct pv_cpuid_leaf l = q(7, 0);

	assert_int_equal(l.a, 2);
	assert_hidden(l.b, SMEP);
	assert_hidden(l.b, SMAP);
	assert_hidden(l.b, INVPCID);
	assert_hidden(l.b, TSC_ADJUST);
	assert_hidden(l.b, MPX);
	assert_hidden(l.b, SGX);
	assert_hidden(l.b, HLE);
	assert_hidden(l.b, PROC_TRACE);
	assert_shown(l.b, FSGSBASE);
	assert_shown(l.b, AVX2);
	assert_shown(l.b, AVX512F);
	assert_shown(l.b, RTM);
	assert_false(l.b & (1u << 22)); /* a bit the featureset does not name */
	assert_hidden(l.c, PKU);
	assert_hidden(l.c, OSPKE);
	assert_hidden(l.c, UMIP);
	assert_hidden(l.c, CET_SS);
	assert_false(l.c & (1u << 16)); /* LA57: no 5-level paging for PV */
	assert_shown(l.c, RDPID);
	assert_hidden(l.d, ARCH_CAPS);
	assert_hidden(l.d, CET_IBT);
	assert_hidden(l.d, IBRSB); /* spec_ctrl is off */
	assert_hidden(l.d, SSBD);
	assert_shown(l.d, MD_CLEAR);
	assert_shown(l.d, FSRM);

	params.spec_ctrl = true;
	l = q(7, 0);
	assert_shown(l.d, IBRSB);
	assert_shown(l.d, STIBP);
	assert_shown(l.d, SSBD);
	assert_shown(q(7, 2).d, INTEL_PSFD);
	assert_hidden(q(7, 2).d, BHI_CTRL);

	assert_int_equal(q(7, 1).a,
			 BIT(AVX_VNNI) | BIT(AVX512_BF16) | BIT(FZRM) | BIT(FSRS) | BIT(FSRCS));
	assert_leaf(q(7, 3), 0, 0, 0, 0);
}

static void test_osxsave(void **state)
{
	assert_hidden(q(1, 0).c, OSXSAVE); /* CR4.OSXSAVE clear, plain cpuid */
	params.enlightened_kernel = true;
	assert_shown(q(1, 0).c, OSXSAVE); /* the PV ABI quirk */
	params.enlightened_kernel = false;
	params.guest_cr4_osxsave = true;
	assert_shown(q(1, 0).c, OSXSAVE);
	params.xcr0_max = 0; /* no XSAVE for guests: nothing of it shows */
	params.enlightened_kernel = true;
	assert_hidden(q(1, 0).c, OSXSAVE);
	assert_hidden(q(1, 0).c, XSAVE);
}

static void test_no_xsave_hides_avx_family(void **state)
{
	struct pv_cpuid_leaf l1, l7;

	params.xcr0_max = 0;
	l1 = q(1, 0);
	l7 = q(7, 0);
	assert_hidden(l1.c, AVX);
	assert_hidden(l1.c, FMA);
	assert_hidden(l1.c, F16C);
	assert_hidden(l7.b, AVX2);
	assert_hidden(l7.b, AVX512F);
	assert_hidden(l7.c, VAES);
	assert_shown(l7.c, GFNI); /* has SSE encodings */
	assert_shown(l1.c, SSE4_2);
	assert_leaf(q(0xd, 0), 0, 0, 0, 0);
	assert_leaf(q(0xd, 1), 0, 0, 0, 0);
	assert_leaf(q(0xd, 2), 0, 0, 0, 0);
}

static void test_avx512_needs_all_three_states(void **state)
{
	params.xcr0_max = PV_XCR0_X87 | PV_XCR0_SSE | PV_XCR0_YMM | PV_XCR0_OPMASK;
	assert_shown(q(1, 0).c, AVX);
	assert_shown(q(7, 0).b, AVX2);
	assert_hidden(q(7, 0).b, AVX512F);
	assert_hidden(q(7, 0).c, AVX512_VBMI);
	assert_hidden(q(7, 1).a, AVX512_BF16);
	assert_int_equal(q(0xd, 0).a, 7);
	assert_leaf(q(0xd, 5), 0, 0, 0, 0);
}

static void test_xsave_leaf(void **state)
{
	params.guest_xcr0 = PV_XCR0_X87 | PV_XCR0_SSE | PV_XCR0_YMM;
	/* Offered: x87 SSE YMM and AVX-512 (0xe7); not MPX or PKRU. */
	assert_leaf(q(0xd, 0), 0xe7, 576 + 256, 1664 + 1024, 0);
	/* XSAVEOPT, XSAVEC, XGETBV1 but not XSAVES; no XCR0|XSS size. */
	assert_leaf(q(0xd, 1), BIT(XSAVEOPT) | BIT(XSAVEC) | BIT(XGETBV1), 0, 0, 0);
	assert_leaf(q(0xd, 2), 256, 576, 0, 0);
	assert_leaf(q(0xd, 3), 0, 0, 0, 0); /* MPX */
	assert_leaf(q(0xd, 7), 1024, 1664, 2, 0);
	assert_leaf(q(0xd, 9), 0, 0, 0, 0); /* PKRU */
	assert_leaf(q(0xd, 63), 0, 0, 0, 0);
	params.guest_xcr0 = PV_XCR0_X87 | PV_XCR0_SSE;
	assert_int_equal(q(0xd, 0).b, 576);
	/* Asking for more than PV may have changes nothing. */
	params.xcr0_max = ~0ull;
	assert_int_equal(q(0xd, 0).a, 0xe7);
	assert_leaf(q(0xd, 3), 0, 0, 0, 0);
}

/* A host with few leaves: the ones past its maxima read as zeros, whatever it holds there. */
static const struct entry old_host[] = {
    {0x0, 0, {0x5, 0x756e6547, 0x6c65746e, 0x49656e69}},
    {0x1, 0, {0x6f6, 0x800, 0x0000e3bd, 0xbfebfbff}},
    {0x7, 0, {0, 0x1, 0, 0}},
    {0xd, 0, {0x3, 0x240, 0x240, 0}},
    {0x80000000, 0, {0x80000004, 0, 0, 0}},
    {0x80000008, 0, {0x3024, 0, 0, 0}},
};

static void test_old_host_maxima(void **state)
{
	USE_HOST(old_host);
	assert_int_equal(q(0, 0).a, 5);
	assert_leaf(q(7, 0), 0, 0, 0, 0);
	assert_leaf(q(0xd, 0), 0, 0, 0, 0);
	assert_int_equal(q(0x80000000, 0).a, 0x80000004);
	assert_leaf(q(0x80000008, 0), 0, 0, 0, 0);
	params.enlightened_kernel = true;
	assert_hidden(q(1, 0).c, XSAVE);   /* the host has none ... */
	assert_hidden(q(1, 0).c, OSXSAVE); /* ... so the PV quirk has nothing to show */
}

static void test_zeroed_basic_leaves(void **state)
{
	assert_leaf(q(5, 0), 0, 0, 0, 0);
	assert_leaf(q(6, 0), 0, 0, 0, 0);
	assert_leaf(q(0xa, 0), 0, 0, 0, 0);
	assert_leaf(q(0xb, 0), 0, 0, 0, 0);
	assert_leaf(q(3, 0), 0, 0, 0, 0);
	assert_leaf(q(4, 0), 0x1c004121, 0x01c0003f, 0x3f, 0); /* passed through */
	assert_leaf(q(2, 0), 0x00feff01, 0, 0, 0x00c30000);
}

static void test_maxima_and_past_them(void **state)
{
	struct pv_cpuid_leaf l = q(0, 0);

	assert_int_equal(l.a, 0xd);
	assert_int_equal(l.b, 0x756e6547);
	assert_leaf(q(0x10, 0), 0, 0, 0, 0); /* the host has it; the guest is told max 0xd */
	assert_int_equal(q(0x80000000, 0).a, 0x80000008);
	assert_leaf(q(0x80000021, 0), 0, 0, 0, 0); /* Intel: past the maximum */
	assert_leaf(q(0xc0000000, 0), 0, 0, 0, 0);
	assert_leaf(q(0x8fffffff, 0), 0, 0, 0, 0);

	USE_HOST(amd);
	assert_int_equal(q(0, 0).a, 0xd);
	assert_int_equal(q(0x80000000, 0).a, 0x80000021); /* host says 0x80000028 */
	assert_leaf(q(0x80000022, 0), 0, 0, 0, 0);
}

static void test_extended_leaves_intel(void **state)
{
	struct pv_cpuid_leaf l = q(0x80000001, 0);

	assert_int_equal(l.c, BIT(LAHF_LM) | BIT(ABM) | BIT(3DNOWPREFETCH));
	assert_int_equal(l.d, BIT(SYSCALL) | BIT(NX) | BIT(RDTSCP) | BIT(LM)); /* no PAGE1GB */
	assert_leaf(q(0x80000002, 0), 0x65746e49, 0x2952286c, 0x726f4320, 0x4d542865);
	assert_leaf(q(0x80000007, 0), 0, 0, 0, 0); /* ITSC only for dom0 */
	params.hardware_domain = true;
	assert_leaf(q(0x80000007, 0), 0, 0, 0, 0x100);
	l = q(0x80000008, 0);
	assert_int_equal(l.a, 0x3027); /* 57 linear bits cut to 48, 39 physical kept */
	assert_int_equal(l.b, BIT(CLZERO) | BIT(RSTR_FP_ERR_PTRS) | BIT(SSB_NO) | BIT(BTC_NO));
}

static void test_extended_leaves_amd(void **state)
{
	struct pv_cpuid_leaf l1, e1;

	USE_HOST(amd);
	l1 = q(1, 0);
	e1 = q(0x80000001, 0);
	assert_hidden(e1.c, SVM);
	assert_hidden(e1.c, CR8_LEGACY);
	assert_hidden(e1.c, TOPOEXT);
	assert_hidden(e1.c, MONITORX);
	assert_shown(e1.c, LAHF_LM);
	assert_shown(e1.c, SSE4A);
	assert_hidden(e1.d, PAGE1GB);
	assert_shown(e1.d, SYSCALL);
	/* The common bits say what leaf 1 says: PSE/PGE/MTRR hidden in both. */
	assert_int_equal(e1.d & 0x0183f3ff, l1.d & 0x0183f3ff);
	assert_true(e1.d & BIT(FPU));
	assert_false(e1.d & BIT(PGE));
	assert_leaf(q(0x8000000a, 0), 0, 0, 0, 0);
	/* 0x80000021: host 0x62fcf; shown LFENCE_DISPATCH(2), NSCB(6); no spec_ctrl: no SBPB. */
	assert_leaf(q(0x80000021, 0), BIT(LFENCE_DISPATCH) | BIT(NSCB), 0,
		    BIT(TSA_SQ_NO) | BIT(TSA_L1_NO), 0);
	assert_int_equal(q(0x80000008, 0).b & BIT(IBPB), 0);
	params.spec_ctrl = true;
	assert_true(q(0x80000008, 0).b & BIT(IBPB));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_matches_xen_417_pv_dom0, setup),
	    cmocka_unit_test_setup(test_signature_and_max_leaf, setup),
	    cmocka_unit_test_setup(test_version_is_4_17, setup),
	    cmocka_unit_test_setup(test_hypercall_page_leaf, setup),
	    cmocka_unit_test_setup(test_tsc_leaf, setup),
	    cmocka_unit_test_setup(test_hvm_and_pv_leaves, setup),
	    cmocka_unit_test_setup(test_hypervisor_bit_set_vmx_hidden, setup),
	    cmocka_unit_test_setup(test_leaf1_edx_and_apic_id, setup),
	    cmocka_unit_test_setup(test_leaf7_hidden_features, setup),
	    cmocka_unit_test_setup(test_osxsave, setup),
	    cmocka_unit_test_setup(test_no_xsave_hides_avx_family, setup),
	    cmocka_unit_test_setup(test_avx512_needs_all_three_states, setup),
	    cmocka_unit_test_setup(test_xsave_leaf, setup),
	    cmocka_unit_test_setup(test_old_host_maxima, setup),
	    cmocka_unit_test_setup(test_zeroed_basic_leaves, setup),
	    cmocka_unit_test_setup(test_maxima_and_past_them, setup),
	    cmocka_unit_test_setup(test_extended_leaves_intel, setup),
	    cmocka_unit_test_setup(test_extended_leaves_amd, setup),
	};

	return cmocka_run_group_tests_name("pv_cpuid", tests, NULL, NULL);
}
