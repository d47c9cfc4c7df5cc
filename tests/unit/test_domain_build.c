/*
 * tests/unit/test_domain_build.c - the start-of-day image of a 64-bit PV
 * domain (lib/domain_build.c), checked like the MMU and the kernel would
 * see it.
 *
 * Guest memory is a heap array of nr_pages frames, first filled with 0xaa
 * so that missing zeroing shows; pfn N is machine frame 3 * N + 0x100000,
 * so a page-table entry that holds a pfn instead of an mfn is caught.
 * walk() translates a virtual address through the built tables from
 * pt_base, as the MMU does, checking every entry's bits on the way.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xen/xen.h>

#include "lib/domain_build.h"
#include "lib/domain_layout.h"
#include "lib/elf64.h"
#include "lib/errno.h"
#include "lib/hypercall_page.h"
#include "lib/xen_elfnote.h"

#define VB	 0xffffffff80000000ULL
#define MiB	 (1ULL << 20)
#define MFN_BASE 0x100000ULL

#include "pv_test_kernel.h"
static struct domain_build_entry ent;
static uint8_t *ram;
static uint64_t ram_pages;
static uint8_t initrd[10000];

static void *t_map(void *ctx, uint64_t pfn)
{
	assert_true(pfn < ram_pages);
	return ram + pfn * 4096;
}

static uint64_t t_mfn(void *ctx, uint64_t pfn)
{
	assert_true(pfn < ram_pages);
	return pfn * 3 + MFN_BASE;
}

static uint64_t t_pfn(uint64_t mfn)
{
	assert_true(mfn >= MFN_BASE && (mfn - MFN_BASE) % 3 == 0);
	assert_true((mfn - MFN_BASE) / 3 < ram_pages);
	return (mfn - MFN_BASE) / 3;
}

static const struct dom_builder_mem mem = {.map_pfn = t_map, .pfn_to_mfn = t_mfn};

static int setup(void **state)
{
	spec.virt_base = VB;
	spec.paddr = 0x200000;
	spec.init_p2m = 0;
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 13 + 5);
	return 0;
}

static int teardown(void **state)
{
	free(file);
	free(ram);
	file = NULL;
	ram = NULL;
	return 0;
}

static int build(uint64_t nr_pages, bool dom0, bool with_initrd, const char *cmdline)
{
	struct domain_layout_params lp = {
	    .nr_pages = nr_pages, .initrd_len = with_initrd ? sizeof(initrd) : 0, .is_dom0 = dom0};
	struct domain_build_params bp = {.img = &img,
					 .kernel = &info,
					 .layout = &lay,
					 .initrd = initrd,
					 .cmdline = cmdline,
					 .shared_info_maddr = 0x12345000,
					 .is_dom0 = dom0,
					 .store_evtchn = 1,
					 .console_evtchn = 2};

	make_kernel();
	assert_int_equal(domain_layout_compute(&info, &lp, &lay, &err), 0);
	free(ram);
	ram_pages = nr_pages;
	ram = malloc(nr_pages * 4096);
	memset(ram, 0xaa, nr_pages * 4096);
	return domain_build(&mem, &bp, &ent, &err);
}

static bool is_pt_pfn(uint64_t pfn)
{
	uint64_t first = domain_layout_pfn(&lay, lay.pt_start);

	return pfn >= first && pfn < first + lay.nr_pt_frames;
}

/* The leaf entry for va, or 0 when unmapped; checks each level's bits. */
static uint64_t walk(uint64_t va)
{
	uint64_t pfn = domain_layout_pfn(&lay, lay.pt_start), e = 0;

	for (int lvl = 4; lvl >= 1; lvl--) {
		assert_true(is_pt_pfn(pfn));
		e = ((uint64_t *)t_map(NULL, pfn))[(va >> (12 + 9 * (lvl - 1))) & 511];
		if (!(e & DOMAIN_PTE_PRESENT))
			return 0;
		assert_true(e & DOMAIN_PTE_USER);
		assert_false(e & DOMAIN_PTE_PSE);
		assert_int_equal(e & ~(DOMAIN_PTE_ADDR | 7), 0);
		pfn = t_pfn((e & DOMAIN_PTE_ADDR) >> 12);
	}
	return e;
}

/* Every page of [va, va + n pages) maps pfn, pfn + 1, ...; pt frames read-only. */
static void check_mapped(uint64_t va, uint64_t pfn, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = walk(va + i * 4096);

		assert_int_equal((e & DOMAIN_PTE_ADDR) >> 12, t_mfn(NULL, pfn + i));
		assert_int_equal(!!(e & DOMAIN_PTE_RW), !is_pt_pfn(pfn + i));
	}
}

static void check_l4_hole(void)
{
	uint64_t *l4 = t_map(NULL, domain_layout_pfn(&lay, lay.pt_start));

	for (int i = 256; i <= 271; i++)
		assert_int_equal(l4[i], 0);
}

static uint8_t *at(uint64_t va)
{
	return t_map(NULL, domain_layout_pfn(&lay, va & ~0xfffULL)) + (va & 0xfff);
}

static void check_kernel(void)
{
	uint8_t hpage[4096];
	uint64_t k = VB + spec.paddr;

	hypercall_page_fill(hpage);
	for (uint64_t i = 0; i < IMG_FILESZ; i++) {
		if (i >= 0x1000 && i < 0x2000)
			continue;
		assert_int_equal(*at(k + i), (uint8_t)(i * 7 + 1));
	}
	assert_memory_equal(at(k + 0x1000), hpage, 4096);
	for (uint64_t i = IMG_FILESZ; i < IMG_MEMSZ; i++)
		assert_int_equal(*at(k + i), 0);
	/* Below the kernel, and the spare after the stack: zeroed. */
	assert_int_equal(*at(VB), 0);
	assert_int_equal(*at(lay.region_end - 1), 0);
}

static void check_p2m(void)
{
	for (uint64_t pfn = 0; pfn < lay.nr_pages; pfn++) {
		uint64_t *p = (uint64_t *)t_map(NULL, lay.p2m_pfn + pfn / 512);

		assert_int_equal(p[pfn % 512], t_mfn(NULL, pfn));
	}
}

static void test_domu(void **state)
{
	struct start_info *si;

	assert_int_equal(build(4096, false, true, "console=hvc0 root=/dev/xvda"), 0);
	assert_int_equal(ent.rip, VB + spec.paddr + 0x40);
	assert_int_equal(ent.rsp, lay.stack_end);
	assert_int_equal(ent.rsi, lay.start_info);
	assert_int_equal(ent.cr3_mfn, t_mfn(NULL, domain_layout_pfn(&lay, lay.pt_start)));
	check_mapped(VB, 0, lay.region_pages);
	assert_int_equal(walk(lay.region_end), 0);
	assert_int_equal(walk(VB - 4096), 0);
	check_l4_hole();
	check_kernel();
	check_p2m();
	assert_memory_equal(at(lay.initrd_start), initrd, sizeof(initrd));
	si = (struct start_info *)at(lay.start_info);
	assert_string_equal(si->magic, "xen-3.0-x86_64");
	assert_int_equal(si->nr_pages, 4096);
	assert_int_equal(si->shared_info, 0x12345000);
	assert_int_equal(si->flags, 0);
	assert_int_equal(si->store_mfn, t_mfn(NULL, domain_layout_pfn(&lay, lay.xenstore)));
	assert_int_equal(si->store_evtchn, 1);
	assert_int_equal(si->console.domU.mfn, t_mfn(NULL, domain_layout_pfn(&lay, lay.console)));
	assert_int_equal(si->console.domU.evtchn, 2);
	assert_int_equal(si->pt_base, lay.pt_start);
	assert_int_equal(si->nr_pt_frames, lay.nr_pt_frames);
	assert_int_equal(si->mfn_list, lay.p2m_start);
	assert_int_equal(si->mod_start, lay.initrd_start);
	assert_int_equal(si->mod_len, sizeof(initrd));
	assert_string_equal((char *)si->cmd_line, "console=hvc0 root=/dev/xvda");
	assert_int_equal(si->first_p2m_pfn, 0);
	assert_int_equal(si->nr_p2m_frames, 0);
	assert_int_equal(*at(lay.xenstore + 100), 0);
	assert_int_equal(*at(lay.stack + 4095), 0);
}

static void test_dom0_long_cmdline(void **state)
{
	char cmd[MAX_GUEST_CMDLINE + 100];
	struct start_info *si;

	memset(cmd, 'x', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = 0;
	spec.paddr = 16 * MiB;
	assert_int_equal(build(8192, true, false, cmd), 0);
	check_mapped(VB, 0, lay.region_pages);
	check_l4_hole();
	check_kernel();
	check_p2m();
	si = (struct start_info *)at(lay.start_info);
	assert_int_equal(si->flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
	assert_int_equal(si->store_mfn, 0);
	assert_int_equal(si->mod_start, 0);
	assert_int_equal(si->mod_len, 0);
	assert_int_equal(strlen((char *)si->cmd_line), MAX_GUEST_CMDLINE - 1);
}

static void test_init_p2m(void **state)
{
	struct start_info *si;

	spec.init_p2m = 0xffffea0000000000ULL;
	assert_int_equal(build(4096, true, true, NULL), 0);
	check_mapped(VB, 0, lay.region_pages);
	check_mapped(lay.p2m_start, lay.p2m_pfn, lay.p2m_pages);
	assert_int_equal(walk(lay.p2m_start + lay.p2m_pages * 4096), 0);
	check_l4_hole();
	check_p2m();
	si = (struct start_info *)at(lay.start_info);
	assert_int_equal(si->mfn_list, 0xffffea0000000000ULL);
	/* Its own pfns, right after the region, as Xen reports them. */
	assert_int_equal(si->first_p2m_pfn, lay.region_pages);
	assert_int_equal(si->first_p2m_pfn, lay.p2m_pfn);
	assert_int_equal(si->nr_p2m_frames, lay.p2m_pages);
	assert_true(si->nr_p2m_frames >= 4096 * 8 / 4096);
	assert_string_equal((char *)si->cmd_line, "");
	/* The P2M shares tables with the region when just below it. */
	spec.init_p2m = VB - 0x8000;
	assert_int_equal(build(4096, true, false, NULL), 0);
	check_mapped(lay.p2m_start, lay.p2m_pfn, lay.p2m_pages);
	check_mapped(VB, 0, lay.region_pages);
}

/* A layout whose table count is wrong is caught, not overrun. */
static void test_bad_layout(void **state)
{
	struct domain_layout_params lp = {.nr_pages = 4096, .is_dom0 = true};
	struct domain_build_params bp = {
	    .img = &img, .kernel = &info, .layout = &lay, .is_dom0 = true};

	make_kernel();
	assert_int_equal(domain_layout_compute(&info, &lp, &lay, &err), 0);
	ram_pages = 4096;
	ram = calloc(4096, 4096);
	lay.nr_pt_frames--;
	assert_int_equal(domain_build(&mem, &bp, &ent, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "too few"));
	lay.nr_pt_frames += 2;
	assert_int_equal(domain_build(&mem, &bp, &ent, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "used"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_domu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dom0_long_cmdline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_init_p2m, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_layout, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
