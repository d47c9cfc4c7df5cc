/*
 * tests/pv/layout_probe.c - prints the start-of-day layout Keel's domain
 * builder (lib/domain_layout.c) gives a PV kernel, in the same words the
 * hello test kernel uses for what it finds in start_info:
 *
 *   build/pv/layout_probe KERNEL.elf NR_PAGES
 *     pt_base      0xffffffff8002a000
 *     nr_pt_frames 5
 *     mfn_list     0xffffffff80009000
 *
 * scripts/compare-layout-with-xen.sh compares this with what the same
 * kernel saw when Xen 4.17 built it as dom0: the two builders must agree.
 * A host program (not a PV kernel): built with the host compiler.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lib/domain_layout.h"
#include "lib/elf64.h"
#include "lib/xen_elfnote.h"

static unsigned char image[64 << 20];

int main(int argc, char **argv)
{
	struct domain_layout_params params = { .is_dom0 = true };
	struct xen_kernel_info info;
	struct domain_layout lay;
	struct elf64_image img;
	struct elf64_err err = { 0 };
	FILE *f;
	size_t len;

	if (argc != 3) {
		fprintf(stderr, "usage: %s KERNEL.elf NR_PAGES\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	len = fread(image, 1, sizeof(image), f);
	fclose(f);
	params.nr_pages = strtoull(argv[2], NULL, 0);
	if (elf64_open(&img, image, len, &err) || xen_kernel_parse(&img, &info, &err) ||
	    domain_layout_compute(&info, &params, &lay, &err)) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg);
		return 1;
	}
	printf("  pt_base      0x%llx\n", (unsigned long long)lay.pt_start);
	printf("  nr_pt_frames %llu\n", (unsigned long long)lay.nr_pt_frames);
	printf("  mfn_list     0x%llx\n", (unsigned long long)lay.p2m_start);
	return 0;
}
