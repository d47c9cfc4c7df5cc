/*
 * hypervisor/arch/x86/acpi.c - reading the ACPI tables.
 *
 * Owns struct acpi_info, filled once on the boot CPU and read-only after.
 * Every table is checksummed and length-checked before use: firmware
 * tables are input like any other.  Tables are read through the direct
 * map, which covers the first 4 GiB and all RAM.
 */
#include "arch/acpi.h"

#include "arch/cpu.h"
#include "arch/mm.h"
#include "lib/errno.h"
#include "lib/printk.h"
#include "lib/string.h"

struct acpi_info acpi;

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_addr;
	uint32_t length; /* revision >= 2 from here */
	uint64_t xsdt_addr;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

struct gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t address;
} __attribute__((packed));

/* Byte offsets in the FADT (ACPI 6.x, table 5.9). */
#define FADT_DSDT 40
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_PM_TMR_BLK 76
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_FLAG_TMR_VAL_EXT (1u << 8)
#define FADT_FLAG_RESET_REG_SUP (1u << 10)

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

static const struct rsdp *rsdp_at(uint64_t addr)
{
	const struct rsdp *r = maddr_to_virt(addr);

	if (memcmp(r->signature, "RSD PTR ", 8) || !checksum_ok(r, 20))
		return NULL;
	if (r->revision >= 2 && (r->length < sizeof(*r) || !checksum_ok(r, r->length)))
		return NULL;
	return r;
}

/* The BIOS puts the RSDP on a 16-byte boundary in the EBDA's first KiB or in 0xE0000-0xFFFFF. */
static const struct rsdp *rsdp_scan(void)
{
	uint64_t ebda = (uint64_t)*(const uint16_t *)maddr_to_virt(0x40e) << 4;
	const struct rsdp *r;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		for (uint64_t a = ebda; a < ebda + 1024; a += 16)
			if ((r = rsdp_at(a)))
				return r;
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
		if ((r = rsdp_at(a)))
			return r;
	return NULL;
}

static const struct sdt_header *table_at(uint64_t addr)
{
	const struct sdt_header *h;

	if (!addr || addr >= (1UL << 40))
		return NULL;
	h = maddr_to_virt(addr);
	if (h->length < sizeof(*h) || h->length > (16u << 20) || !checksum_ok(h, h->length)) {
		printk(KLOG_WARNING "ACPI: table at %#lx has a bad length or checksum: ignored\n",
		       addr);
		return NULL;
	}
	return h;
}

static void madt_add_cpu(uint32_t apic_id, uint32_t flags, uint32_t acpi_id)
{
	bool usable = flags & 1; /* enabled; "online capable" CPUs are hot-plug, not ours */

	if (!usable || acpi.nr_cpus >= ACPI_MAX_CPUS) {
		acpi.nr_cpus_ignored++;
		return;
	}
	for (unsigned int i = 0; i < acpi.nr_cpus; i++)
		if (acpi.cpu_apic_id[i] == apic_id)
			return; /* listed twice (xAPIC and x2APIC entries) */
	acpi.cpu_acpi_id[acpi.nr_cpus] = acpi_id;
	acpi.cpu_apic_id[acpi.nr_cpus++] = apic_id;
}

/* The length the ACPI spec gives a MADT entry of this type; 0 for types Keel skips. */
static unsigned int madt_entry_length(uint8_t type)
{
	switch (type) {
	case 0: return 8;  /* processor local APIC */
	case 1: return 12; /* I/O APIC */
	case 2: return 10; /* interrupt source override */
	case 5: return 12; /* local APIC address override */
	case 9: return 16; /* processor local x2APIC */
	default: return 0;
	}
}

static void madt_entry(const uint8_t *e)
{
	/* A known entry shorter than its type: its fields would be read past it. */
	if (e[1] < madt_entry_length(e[0])) {
		printk(KLOG_WARNING "ACPI: MADT entry of type %u is %u bytes: ignored\n", e[0], e[1]);
		return;
	}
	switch (e[0]) {
	case 0: /* processor local APIC */
		madt_add_cpu(e[3], *(const uint32_t *)(e + 4), e[2]);
		break;
	case 1: /* I/O APIC */
		if (acpi.nr_ioapics < ACPI_MAX_IOAPICS)
			acpi.ioapic[acpi.nr_ioapics++] = (struct acpi_ioapic){
				e[2], *(const uint32_t *)(e + 4), *(const uint32_t *)(e + 8)
			};
		break;
	case 2: /* interrupt source override */
		if (acpi.nr_overrides < ACPI_MAX_OVERRIDES)
			acpi.overrides[acpi.nr_overrides++] = (struct acpi_irq_override){
				e[3], *(const uint32_t *)(e + 4), *(const uint16_t *)(e + 8)
			};
		break;
	case 5: /* local APIC address override */
		acpi.lapic_addr = *(const uint64_t *)(e + 4);
		break;
	case 9: /* processor local x2APIC */
		madt_add_cpu(*(const uint32_t *)(e + 4), *(const uint32_t *)(e + 8),
			     *(const uint32_t *)(e + 12));
		break;
	}
}

static void parse_madt(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h + sizeof(*h);
	const uint8_t *end = (const uint8_t *)h + h->length;

	acpi.lapic_addr = *(const uint32_t *)p;
	for (p += 8; p + 2 <= end; p += p[1]) {
		if (p[1] < 2 || p + p[1] > end) {
			printk(KLOG_WARNING "ACPI: MADT entry with bad length: rest ignored\n");
			break;
		}
		madt_entry(p);
	}
}

/*
 * Finds \_S5's package in the DSDT's AML: NameOp "_S5_" PackageOp
 * PkgLength NumElements, then SLP_TYPa and SLP_TYPb as byte constants.
 */
static void find_s5(const struct sdt_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt + sizeof(*dsdt);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

	for (; p + 12 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		const uint8_t *q = p + 5;

		q += 1 + (*q >> 6); /* PkgLength: extra bytes in bits 7:6 */
		q++;                /* NumElements */
		if (q >= end)
			return;
		uint8_t v[2];

		for (int i = 0; i < 2; i++) {
			if (q + 2 > end)
				return;
			if (*q == 0x0a) /* BytePrefix */
				q++;
			else if (*q > 1 && *q != 0xff)
				return;
			v[i] = *q == 0xff ? 1 : *q;
			q++;
		}
		acpi.slp_typ_a = v[0];
		acpi.slp_typ_b = v[1];
		acpi.have_s5 = true;
		return;
	}
}

static void parse_fadt(const struct sdt_header *h)
{
	const uint8_t *f = (const uint8_t *)h;
	uint32_t flags = h->length >= FADT_FLAGS + 4 ? *(const uint32_t *)(f + FADT_FLAGS) : 0;
	uint64_t dsdt = *(const uint32_t *)(f + FADT_DSDT);
	const struct sdt_header *d;

	acpi.pm1a_cnt = (uint16_t)*(const uint32_t *)(f + FADT_PM1A_CNT);
	acpi.pm1b_cnt = (uint16_t)*(const uint32_t *)(f + FADT_PM1B_CNT);
	acpi.pm_tmr_port = (uint16_t)*(const uint32_t *)(f + FADT_PM_TMR_BLK);
	acpi.pm_tmr_32bit = flags & FADT_FLAG_TMR_VAL_EXT;
	if ((flags & FADT_FLAG_RESET_REG_SUP) && h->length >= FADT_RESET_VALUE + 1) {
		const struct gas *g = (const struct gas *)(f + FADT_RESET_REG);

		acpi.reset_space = g->space;
		acpi.reset_addr = g->address;
		acpi.reset_value = f[FADT_RESET_VALUE];
		acpi.have_reset = g->address != 0;
	}
	if (h->length >= FADT_X_DSDT + 8 && *(const uint64_t *)(f + FADT_X_DSDT))
		dsdt = *(const uint64_t *)(f + FADT_X_DSDT);
	d = table_at(dsdt);
	if (d && !memcmp(d->signature, "DSDT", 4))
		find_s5(d);
}

static void parse_table(uint64_t addr)
{
	const struct sdt_header *h = table_at(addr);

	if (!h)
		return;
	printk(KLOG_DEBUG "ACPI: %.4s at %#lx, %u bytes, OEM %.6s\n", h->signature, addr,
	       h->length, h->oem_id);
	if (!memcmp(h->signature, "APIC", 4))
		parse_madt(h);
	else if (!memcmp(h->signature, "FACP", 4))
		parse_fadt(h);
	else if (!memcmp(h->signature, "HPET", 4) && h->length >= 56)
		acpi.hpet_addr = ((const struct gas *)((const uint8_t *)h + 40))->address;
}

int acpi_init(uint64_t rsdp_hint)
{
	const struct rsdp *r = rsdp_hint ? rsdp_at(rsdp_hint) : rsdp_scan();
	const struct sdt_header *root;
	bool xsdt;
	unsigned int n, width;

	if (!r) {
		printk(KLOG_WARNING "ACPI: no RSDP found\n");
		return -ENOENT;
	}
	acpi.rsdp = virt_to_maddr(r);
	xsdt = r->revision >= 2 && r->xsdt_addr;
	root = table_at(xsdt ? r->xsdt_addr : r->rsdt_addr);
	if (!root)
		return -ENOENT;
	width = xsdt ? 8 : 4;
	n = (root->length - sizeof(*root)) / width;
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)root + sizeof(*root) + i * width;

		parse_table(xsdt ? *(const uint64_t *)e : *(const uint32_t *)e);
	}
	printk(KLOG_INFO "ACPI: RSDP at %#lx (%s), %u CPUs, %u I/O APICs, HPET %s, PM timer %s\n",
	       acpi.rsdp, xsdt ? "XSDT" : "RSDT", acpi.nr_cpus, acpi.nr_ioapics,
	       acpi.hpet_addr ? "yes" : "no", acpi.pm_tmr_port ? "yes" : "no");
	return 0;
}

void acpi_power_off(void)
{
	const uint16_t slp_en = 1u << 13;

	if (!acpi.have_s5 || !acpi.pm1a_cnt)
		return;
	outw(acpi.pm1a_cnt, (uint16_t)(acpi.slp_typ_a << 10) | slp_en);
	if (acpi.pm1b_cnt)
		outw(acpi.pm1b_cnt, (uint16_t)(acpi.slp_typ_b << 10) | slp_en);
	for (int i = 0; i < 1000000; i++)
		cpu_relax();
}

void acpi_reset(void)
{
	/* Only the I/O-port form: Keel maps no MMIO this late. */
	if (acpi.have_reset && acpi.reset_space == 1)
		outb((uint16_t)acpi.reset_addr, acpi.reset_value);
}
