/*
 * tests/unit/test_pv_cr4.c - a PV vCPU's view of CR4 and the machine CR4
 * it runs with (hypervisor/common/pv_cr4.c), against Xen 4.17's rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hypervisor/common/pv_cpuid.h"
#include "hypervisor/common/pv_cr4.h"

#define CR4_PGE (1ull << 7)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
/* What Keel runs with on QEMU's -cpu max: PAE PGE OSFXSR OSXMMEXCPT SMEP SMAP. */
#define KEEL_CR4 (PV_CR4_PAE | CR4_PGE | PV_CR4_OSFXSR | PV_CR4_OSXMMEXCPT | CR4_SMEP | CR4_SMAP)

static const struct pv_cr4_policy all = {.tsc = true, .de = true, .fsgsbase = true, .xsave = true};
static const struct pv_cr4_policy none = {0};

/* A fresh vCPU (a write of 0) sees only Keel's visible bits. */
static void test_initial_view(void **state)
{
	(void)state;
	assert_int_equal(pv_cr4_guest_view(&all, KEEL_CR4, 0),
			 PV_CR4_PAE | PV_CR4_OSFXSR | PV_CR4_OSXMMEXCPT);
	/* MCE shows when the hypervisor has it. */
	assert_int_equal(pv_cr4_guest_view(&all, KEEL_CR4 | PV_CR4_MCE, 0) & PV_CR4_MCE, PV_CR4_MCE);
}

/* Linux writes back what it read with FSGSBASE added and PGE taken away (seen). */
static void test_linux_write(void **state)
{
	uint64_t view;

	(void)state;
	view = pv_cr4_guest_view(&all, KEEL_CR4, 0x310620);
	assert_int_equal(view, PV_CR4_FSGSBASE | PV_CR4_PAE | PV_CR4_OSFXSR | PV_CR4_OSXMMEXCPT);
	/* SMEP, SMAP, PGE are Keel's business: neither seen nor changed. */
	assert_int_equal(view & (CR4_SMEP | CR4_SMAP | CR4_PGE), 0);
}

/* Each guest-chosen bit sticks only when the policy offers its feature. */
static void test_policy_filters_choices(void **state)
{
	const uint64_t choices[] = {PV_CR4_TSD, PV_CR4_DE, PV_CR4_FSGSBASE, PV_CR4_OSXSAVE};
	const struct pv_cr4_policy one[] = {
	    {.tsc = true}, {.de = true}, {.fsgsbase = true}, {.xsave = true}};

	(void)state;
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(pv_cr4_guest_view(&all, KEEL_CR4, choices[i]) & choices[i], choices[i]);
		assert_int_equal(pv_cr4_guest_view(&none, KEEL_CR4, choices[i]) & choices[i], 0);
		for (unsigned int j = 0; j < 4; j++)
			assert_int_equal(pv_cr4_guest_view(&one[j], KEEL_CR4, choices[i]) & choices[i],
					 i == j ? choices[i] : 0);
	}
}

/* Writing the visible bits away does not hide them; writing them in does not add them. */
static void test_visible_bits_are_the_hosts(void **state)
{
	(void)state;
	assert_int_equal(pv_cr4_guest_view(&all, KEEL_CR4, ~0ull) & PV_CR4_HOST_VISIBLE,
			 KEEL_CR4 & PV_CR4_HOST_VISIBLE);
	assert_int_equal(pv_cr4_guest_view(&all, 0, PV_CR4_HOST_VISIBLE), 0);
	/* Every other bit reads as 0. */
	assert_int_equal(pv_cr4_guest_view(&all, ~0ull, ~0ull) &
			     ~(PV_CR4_GUEST_CHOICE | PV_CR4_HOST_VISIBLE),
			 0);
}

/* Only TSD and FSGSBASE reach the machine; the rest of its CR4 is Keel's. */
static void test_machine_cr4(void **state)
{
	uint64_t guest = PV_CR4_TSD | PV_CR4_DE | PV_CR4_FSGSBASE | PV_CR4_OSXSAVE;

	(void)state;
	assert_int_equal(pv_cr4_machine(KEEL_CR4, guest), KEEL_CR4 | PV_CR4_TSD | PV_CR4_FSGSBASE);
	/* The previous vCPU's choices are taken back. */
	assert_int_equal(pv_cr4_machine(KEEL_CR4 | PV_CR4_TSD | PV_CR4_FSGSBASE, 0), KEEL_CR4);
	assert_int_equal(pv_cr4_machine(KEEL_CR4 | PV_CR4_TSD, PV_CR4_FSGSBASE),
			 KEEL_CR4 | PV_CR4_FSGSBASE);
}

/* A host with TSC, DE and XSAVE in leaf 1, and FSGSBASE in leaf 7 when host_fsgsbase. */
static bool host_fsgsbase;

static void fake_host(void *ctx, uint32_t leaf, uint32_t subleaf, struct pv_cpuid_leaf *out)
{
	(void)ctx;
	(void)subleaf;
	*out = (struct pv_cpuid_leaf){0};
	if (leaf == 0)
		*out = (struct pv_cpuid_leaf){7, 0x756e6547, 0x6c65746e, 0x49656e69}; /* GenuineIntel */
	else if (leaf == 1)
		*out = (struct pv_cpuid_leaf){0x000306a9, 0, 1u << 26, 1u << 2 | 1u << 4};
	else if (leaf == 7 && subleaf == 0 && host_fsgsbase)
		out->b = 1;
}

/* The policy follows what the guest's CPUID shows: the host's features, less what Keel hides. */
static void test_policy_from_cpuid(void **state)
{
	struct pv_cpuid_params p = {.host = fake_host};
	struct pv_cr4_policy pol;

	(void)state;
	host_fsgsbase = true;
	pol = pv_cr4_policy_of(&p);
	assert_true(pol.tsc);
	assert_true(pol.de);
	assert_true(pol.fsgsbase);
	/* xcr0_max 0: XSAVE hidden from the guest, though the host has it. */
	assert_false(pol.xsave);
	host_fsgsbase = false;
	pol = pv_cr4_policy_of(&p);
	assert_false(pol.fsgsbase);
	assert_int_equal(pv_cr4_guest_view(&pol, KEEL_CR4, PV_CR4_FSGSBASE) & PV_CR4_FSGSBASE, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_initial_view),
	    cmocka_unit_test(test_linux_write),
	    cmocka_unit_test(test_policy_filters_choices),
	    cmocka_unit_test(test_visible_bits_are_the_hosts),
	    cmocka_unit_test(test_machine_cr4),
	    cmocka_unit_test(test_policy_from_cpuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
