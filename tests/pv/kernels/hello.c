/*
 * tests/pv/kernels/hello.c - the first PV test kernel: what the domain
 * builder hands over (start_info), that the hypercall page works, and
 * that an unknown hypercall number fails with -ENOSYS.
 *
 * Booted as the initial domain (the only way scripts/run-on-xen.sh runs
 * it), so SIF_INITDOMAIN must be set.
 */
#include "lib/string.h"
#include "tests/pv/harness.h"
#include "guests/lib/hypercall.h"

#define ENOSYS 38

TEST(start_info, print)
{
	const start_info_t *si = pv_start_info;

	pv_printf("start_info at %p:\n", (const void *)si);
	pv_printf("  magic        %.*s\n", (int)sizeof(si->magic), si->magic);
	pv_printf("  nr_pages     %lu\n", si->nr_pages);
	pv_printf("  shared_info  %#lx\n", si->shared_info);
	pv_printf("  flags        %#x%s%s\n", si->flags,
		  si->flags & SIF_PRIVILEGED ? " SIF_PRIVILEGED" : "",
		  si->flags & SIF_INITDOMAIN ? " SIF_INITDOMAIN" : "");
	pv_printf("  pt_base      %#lx\n", si->pt_base);
	pv_printf("  nr_pt_frames %lu\n", si->nr_pt_frames);
	pv_printf("  mfn_list     %#lx\n", si->mfn_list);
	pv_printf("  mod_start    %#lx mod_len %lu\n", si->mod_start, si->mod_len);
	pv_printf("  cmd_line     \"%.*s\"\n", (int)sizeof(si->cmd_line),
		  (const char *)si->cmd_line);
}

TEST(start_info, magic)
{
	const char *m = pv_start_info->magic;

	EXPECT_EQ(strnlen(m, sizeof(pv_start_info->magic)), 14);
	EXPECT_EQ(strncmp(m, "xen-3.0-x86_64", sizeof(pv_start_info->magic)), 0);
}

TEST(start_info, memory)
{
	const start_info_t *si = pv_start_info;

	EXPECT_NE(si->nr_pages, 0);
	EXPECT_NE(si->mfn_list, 0);
	EXPECT_NE(si->pt_base, 0);
	EXPECT_EQ(si->pt_base & 0xfff, 0);
	EXPECT_NE(si->nr_pt_frames, 0);
}

TEST(start_info, initial_domain)
{
	EXPECT_TRUE(pv_start_info->flags & SIF_INITDOMAIN);
	EXPECT_TRUE(pv_start_info->flags & SIF_PRIVILEGED);
}

TEST(xen_version, major_is_4)
{
	long v = hyp_xen_version(XENVER_version, NULL);

	pv_printf("xen_version: %ld.%ld\n", v >> 16, v & 0xffff);
	EXPECT_EQ(v >> 16, 4);
}

TEST(hypercall, unknown_is_enosys)
{
	EXPECT_EQ(pv_hypercall0(63), -ENOSYS);
}
