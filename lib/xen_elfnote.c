/*
 * lib/xen_elfnote.c - the Xen ELF notes and the legacy __xen_guest string
 * (sources, defaults and refusals documented in xen_elfnote.h).
 *
 * Owns: no state.  Notes and legacy keys land in struct xen_kernel_info
 * through one table (note_kinds) that says, per XEN_ELFNOTE_* type, whether
 * the value is a number or a string and which field holds it; legacy keys
 * map to the same note types, so both paths share the storing code and the
 * defaults.  Input is hostile: every length comes from elf64.c's bounds-
 * checked walks, and strings are used only as (pointer, length) views.
 */
#include <stdint.h>

#include <xen/xen.h>

#include "lib/xen_elfnote.h"

#include "lib/compiler.h"
#include "lib/ctype.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "lib/types.h"

#define fail elf64_fail

BUILD_BUG_ON(XEN_ELFNOTE_MAX >= 32);   /* info->present is a 32-bit set */
BUILD_BUG_ON(XENFEAT_NR_SUBMAPS != 1); /* the feature sets are 32 bits */

/* x86_64 canonical addresses: below the hole, or in the upper half. */
#define CANONICAL_LOW_END 0x0000800000000000ULL

static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
    [XENFEAT_highmem_assist] = "highmem_assist",
    [XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
    [XENFEAT_hvm_pirqs] = "hvm_pirqs",
    [XENFEAT_dom0] = "dom0",
    [12] = "grant_map_identity", /* deprecated: commented out in features.h */
    [XENFEAT_memory_op_vnode_supported] = "memory_op_vnode_supported",
    [XENFEAT_ARM_SMCCC_supported] = "ARM_SMCCC_supported",
    [XENFEAT_linux_rsdp_unrestricted] = "linux_rsdp_unrestricted",
    [XENFEAT_not_direct_mapped] = "not_direct_mapped",
    [XENFEAT_direct_mapped] = "direct_mapped",
};

enum note_kind {
	NOTE_SKIP,	/* INFO, and types Keel has no use for */
	NOTE_NUM,	/* integer of 1, 2, 4 or 8 bytes -> uint64_t field */
	NOTE_STR,	/* string (descsz bytes, or up to a NUL) -> struct xen_elf_str field */
	NOTE_SUPPORTED, /* SUPPORTED_FEATURES: a 32-bit XENFEAT bitmap */
	NOTE_L1_MFN,	/* L1_MFN_VALID: mask/value pairs */
};

struct note_kind_desc {
	const char *name;
	enum note_kind kind;
	size_t field; /* offsetof() in struct xen_kernel_info */
};

#define NUM(t, f) [XEN_ELFNOTE_##t] = {#t, NOTE_NUM, offsetof(struct xen_kernel_info, f)}
#define STR(t, f) [XEN_ELFNOTE_##t] = {#t, NOTE_STR, offsetof(struct xen_kernel_info, f)}

static const struct note_kind_desc note_kinds[XEN_ELFNOTE_MAX + 1] = {
    [XEN_ELFNOTE_INFO] = {"INFO", NOTE_SKIP, 0},
    NUM(ENTRY, entry),
    NUM(HYPERCALL_PAGE, hypercall_page),
    NUM(VIRT_BASE, virt_base),
    NUM(PADDR_OFFSET, paddr_offset),
    STR(XEN_VERSION, xen_version),
    STR(GUEST_OS, guest_os),
    STR(GUEST_VERSION, guest_version),
    STR(LOADER, loader),
    STR(PAE_MODE, pae_mode),
    STR(FEATURES, features),
    STR(BSD_SYMTAB, bsd_symtab),
    NUM(HV_START_LOW, hv_start_low),
    [XEN_ELFNOTE_L1_MFN_VALID] = {"L1_MFN_VALID", NOTE_L1_MFN, 0},
    NUM(SUSPEND_CANCEL, suspend_cancel),
    NUM(INIT_P2M, init_p2m),
    NUM(MOD_START_PFN, mod_start_pfn),
    [XEN_ELFNOTE_SUPPORTED_FEATURES] = {"SUPPORTED_FEATURES", NOTE_SUPPORTED, 0},
    NUM(PHYS32_ENTRY, phys32_entry),
};

/* Legacy __xen_guest keys and the note type each stands for. */
static const struct {
	const char *key;
	unsigned int type;
} legacy_keys[] = {
    {"GUEST_OS", XEN_ELFNOTE_GUEST_OS},	    {"GUEST_VER", XEN_ELFNOTE_GUEST_VERSION},
    {"XEN_VER", XEN_ELFNOTE_XEN_VERSION},   {"LOADER", XEN_ELFNOTE_LOADER},
    {"VIRT_BASE", XEN_ELFNOTE_VIRT_BASE},   {"ELF_PADDR_OFFSET", XEN_ELFNOTE_PADDR_OFFSET},
    {"VIRT_ENTRY", XEN_ELFNOTE_ENTRY},	    {"HYPERCALL_PAGE", XEN_ELFNOTE_HYPERCALL_PAGE},
    {"FEATURES", XEN_ELFNOTE_FEATURES},	    {"PAE", XEN_ELFNOTE_PAE_MODE},
    {"BSD_SYMTAB", XEN_ELFNOTE_BSD_SYMTAB},
};

const char *xen_feature_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(feature_names) ? feature_names[bit] : NULL;
}

const char *xen_elfnote_name(unsigned int type)
{
	return type <= XEN_ELFNOTE_MAX && note_kinds[type].name ? note_kinds[type].name : "unknown";
}

static bool str_is(struct xen_elf_str v, const char *s)
{
	size_t n = strlen(s);

	return v.s && v.len == n && !memcmp(v.s, s, n);
}

static const char *memchr_str(struct xen_elf_str v, char c)
{
	for (size_t i = 0; i < v.len; i++)
		if (v.s[i] == c)
			return v.s + i;
	return NULL;
}

static void store_num(struct xen_kernel_info *info, unsigned int type, uint64_t v)
{
	memcpy((char *)info + note_kinds[type].field, &v, sizeof(v));
	info->present |= 1U << type;
}

static void store_str(struct xen_kernel_info *info, unsigned int type, struct xen_elf_str v)
{
	memcpy((char *)info + note_kinds[type].field, &v, sizeof(v));
	info->present |= 1U << type;
}

static int note_number(const struct elf64_note *n, uint64_t *v, struct elf64_err *err)
{
	if (n->descsz != 1 && n->descsz != 2 && n->descsz != 4 && n->descsz != 8)
		return fail(err, -EINVAL,
			    "Xen note %s at offset %#llx: descsz %u, a number needs 1, 2, 4 or 8",
			    xen_elfnote_name(n->type), (unsigned long long)n->offset, n->descsz);
	*v = elf64_read_le(n->desc, n->descsz);
	return 0;
}

static int note_l1_mfn_valid(struct xen_kernel_info *info, const struct elf64_note *n,
			     struct elf64_err *err)
{
	unsigned int pairs = n->descsz / 16;

	if (n->descsz % 16 || pairs == 0 || pairs > XEN_KERNEL_L1_MFN_VALID_MAX)
		return fail(err, -EINVAL,
			    "Xen note L1_MFN_VALID at offset %#llx: descsz %u is not 1 to %d pairs "
			    "of 8-byte mask/value",
			    (unsigned long long)n->offset, n->descsz, XEN_KERNEL_L1_MFN_VALID_MAX);
	for (unsigned int i = 0; i < pairs; i++) {
		info->l1_mfn_valid[i][0] = elf64_read_le(n->desc + 16 * i, 8);
		info->l1_mfn_valid[i][1] = elf64_read_le(n->desc + 16 * i + 8, 8);
	}
	info->nr_l1_mfn_valid = pairs;
	info->present |= 1U << XEN_ELFNOTE_L1_MFN_VALID;
	return 0;
}

/* Stores one "Xen" note according to note_kinds. */
static int parse_note(struct xen_kernel_info *info, const struct elf64_note *n,
		      struct elf64_err *err)
{
	enum note_kind kind = n->type <= XEN_ELFNOTE_MAX ? note_kinds[n->type].kind : NOTE_SKIP;
	uint64_t v = 0;
	size_t len;
	int rc;

	switch (kind) {
	case NOTE_SKIP:
		return 0;
	case NOTE_L1_MFN:
		return note_l1_mfn_valid(info, n, err);
	case NOTE_STR:
		/*
		 * A string is its descsz bytes, up to a NUL if one comes first.
		 * Linux writes FEATURES with .ascii, no NUL: the note's zero
		 * padding ends it, which is how Xen's loader reads it too.
		 */
		if (!n->descsz)
			return fail(err, -EINVAL, "Xen note %s at offset %#llx: empty (descsz 0)",
				    xen_elfnote_name(n->type), (unsigned long long)n->offset);
		len = strnlen((const char *)n->desc, n->descsz);
		store_str(info, n->type, (struct xen_elf_str){(const char *)n->desc, len});
		return 0;
	case NOTE_NUM:
	case NOTE_SUPPORTED:
		rc = note_number(n, &v, err);
		if (rc)
			return rc;
		if (kind == NOTE_NUM) {
			store_num(info, n->type, v);
		} else {
			info->features_supported |= (uint32_t)v;
			info->present |= 1U << n->type;
		}
		return 0;
	}
	return 0;
}

static bool is_xen_note(const struct elf64_note *n)
{
	return n->namesz == 4 && !memcmp(n->name, "Xen", 4);
}

/* Parses the Xen notes in one container; *found counts them. */
static int parse_container(const struct elf64_image *img, uint64_t off, uint64_t size,
			   uint64_t align, struct xen_kernel_info *info, unsigned int *found,
			   struct elf64_err *err)
{
	struct elf64_note_iter it;
	struct elf64_note n;
	int rc;

	elf64_note_iter_init(&it, off, size, align);
	while ((rc = elf64_note_next(img, &it, &n, err)) > 0) {
		if (!is_xen_note(&n))
			continue;
		rc = parse_note(info, &n, err);
		if (rc)
			return rc;
		(*found)++;
	}
	return rc;
}

static int parse_phdr_notes(const struct elf64_image *img, struct xen_kernel_info *info,
			    unsigned int *found, struct elf64_err *err)
{
	struct elf64_phdr ph;
	int rc;

	for (unsigned int i = 0; i < img->ehdr.phnum; i++) {
		elf64_phdr_get(img, i, &ph);
		if (ph.type != ELF64_PT_NOTE)
			continue;
		rc = parse_container(img, ph.offset, ph.filesz, ph.align, info, found, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int parse_shdr_notes(const struct elf64_image *img, struct xen_kernel_info *info,
			    unsigned int *found, struct elf64_err *err)
{
	struct elf64_shdr sh;
	int rc;

	for (unsigned int i = 0; i < img->ehdr.shnum; i++) {
		elf64_shdr_get(img, i, &sh);
		if (sh.type != ELF64_SHT_NOTE)
			continue;
		rc = parse_container(img, sh.offset, sh.size, sh.addralign, info, found, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* A whole C integer literal (0x hex, 0 octal, decimal) in s[0..len). */
static int parse_number(struct xen_elf_str v, uint64_t *out)
{
	unsigned int base = 10;
	size_t i = 0;
	uint64_t n = 0;
	int d;

	if (v.len == 0)
		return -EINVAL;
	if (v.len > 2 && v.s[0] == '0' && (v.s[1] == 'x' || v.s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (v.len > 1 && v.s[0] == '0') {
		base = 8;
		i = 1;
	}
	for (; i < v.len; i++) {
		d = digit_value(v.s[i]);
		if (d >= (int)base)
			return -EINVAL;
		if (__builtin_mul_overflow(n, base, &n) || __builtin_add_overflow(n, d, &n))
			return -ERANGE;
	}
	*out = n;
	return 0;
}

/* One KEY=VALUE (or bare KEY) item of the legacy string. */
static int legacy_item(struct xen_kernel_info *info, struct xen_elf_str item, struct elf64_err *err)
{
	struct xen_elf_str key = item, value = {item.s + item.len, 0};
	const char *eq = memchr_str(item, '=');
	unsigned int type = XEN_ELFNOTE_MAX + 1;
	uint64_t v;
	int rc;

	if (eq) {
		key.len = (size_t)(eq - item.s);
		value = (struct xen_elf_str){eq + 1, item.len - key.len - 1};
	}
	for (size_t i = 0; i < ARRAY_SIZE(legacy_keys); i++)
		if (str_is(key, legacy_keys[i].key))
			type = legacy_keys[i].type;
	if (type > XEN_ELFNOTE_MAX)
		return 0;
	if (type == XEN_ELFNOTE_BSD_SYMTAB) {
		/* Its presence is the flag; any value is ignored. */
		info->wants_bsd_symtab = true;
		store_str(info, type, value);
		return 0;
	}
	if (note_kinds[type].kind == NOTE_STR) {
		store_str(info, type, value);
		return 0;
	}
	rc = parse_number(value, &v);
	if (rc)
		return fail(err, rc, "__xen_guest: %.*s=%.*s is not a %s", (int)key.len, key.s,
			    (int)MIN(value.len, 40), value.s,
			    rc == -ERANGE ? "64-bit number" : "number");
	store_num(info, type, v);
	return 0;
}

/* The legacy string: comma-separated items up to a NUL or the section's end. */
static int parse_legacy(const struct elf64_image *img, struct xen_kernel_info *info,
			struct elf64_err *err)
{
	struct elf64_shdr sh;
	struct xen_elf_str rest, item;
	const char *comma;
	int rc;

	if (elf64_find_section(img, "__xen_guest", &sh) || !elf64_section_has_data(&sh))
		return fail(err, -ENOEXEC,
			    "no Xen ELF notes and no __xen_guest section: not a Xen PV kernel");
	rest.s = (const char *)img->data + sh.offset;
	rest.len = strnlen(rest.s, sh.size);
	while (rest.len) {
		comma = memchr_str(rest, ',');
		item = (struct xen_elf_str){rest.s, comma ? (size_t)(comma - rest.s) : rest.len};
		rc = legacy_item(info, item, err);
		if (rc)
			return rc;
		rest.s += item.len + (comma ? 1 : 0);
		rest.len -= item.len + (comma ? 1 : 0);
	}
	info->source = XEN_KERNEL_LEGACY;
	return 0;
}

/* Sets the XENFEAT bit named s[0..len); returns false for an unknown name. */
static bool set_feature(uint32_t *set, struct xen_elf_str name)
{
	for (unsigned int bit = 0; bit < ARRAY_SIZE(feature_names); bit++) {
		if (feature_names[bit] && str_is(name, feature_names[bit])) {
			*set |= 1U << bit;
			return true;
		}
	}
	return false;
}

/* FEATURES: '|'-separated names, '!' marking the required ones. */
static void parse_features(struct xen_kernel_info *info)
{
	struct xen_elf_str rest = info->features, name;
	const char *bar;
	bool required;

	while (rest.len) {
		bar = memchr_str(rest, '|');
		name = (struct xen_elf_str){rest.s, bar ? (size_t)(bar - rest.s) : rest.len};
		rest.s += name.len + (bar ? 1 : 0);
		rest.len -= name.len + (bar ? 1 : 0);
		required = name.len && name.s[0] == '!';
		if (required) {
			name.s++;
			name.len--;
		}
		if (!set_feature(&info->features_supported, name)) {
			/* An optional feature Keel has never heard of cannot matter. */
			if (required && !info->unknown_required.s)
				info->unknown_required = name;
			continue;
		}
		if (required)
			set_feature(&info->features_required, name);
	}
}

/* Defaults, legacy conversions, and the kernel's virtual extent. */
static int finish(const struct elf64_image *img, struct xen_kernel_info *info,
		  struct elf64_err *err)
{
	uint64_t pfn = info->hypercall_page;

	if (!xen_kernel_has(info, XEN_ELFNOTE_ENTRY))
		info->entry = img->ehdr.entry;
	if (info->source == XEN_KERNEL_LEGACY) {
		if (!xen_kernel_has(info, XEN_ELFNOTE_PADDR_OFFSET))
			info->paddr_offset = info->virt_base;
		if (xen_kernel_has(info, XEN_ELFNOTE_HYPERCALL_PAGE) &&
		    (pfn > (UINT64_MAX >> PAGE_SHIFT) ||
		     __builtin_add_overflow(info->virt_base, pfn << PAGE_SHIFT,
					    &info->hypercall_page)))
			return fail(err, -ERANGE,
				    "__xen_guest: HYPERCALL_PAGE %#llx pages above VIRT_BASE %#llx "
				    "passes 2^64",
				    (unsigned long long)pfn, (unsigned long long)info->virt_base);
	} else {
		info->wants_bsd_symtab = str_is(info->bsd_symtab, "yes");
	}
	parse_features(info);
	info->features_supported |= info->features_required;
	if (img->phys_start < info->paddr_offset)
		return fail(
		    err, -ERANGE, "PADDR_OFFSET %#llx is above the lowest segment p_paddr %#llx",
		    (unsigned long long)info->paddr_offset, (unsigned long long)img->phys_start);
	if (__builtin_add_overflow(img->phys_start - info->paddr_offset, info->virt_base,
				   &info->virt_kstart) ||
	    __builtin_add_overflow(img->phys_end - info->paddr_offset, info->virt_base,
				   &info->virt_kend))
		return fail(
		    err, -ERANGE,
		    "VIRT_BASE %#llx + p_paddr %#llx..%#llx - PADDR_OFFSET %#llx passes 2^64",
		    (unsigned long long)info->virt_base, (unsigned long long)img->phys_start,
		    (unsigned long long)img->phys_end, (unsigned long long)info->paddr_offset);
	return 0;
}

int xen_kernel_parse(const struct elf64_image *img, struct xen_kernel_info *info,
		     struct elf64_err *err)
{
	unsigned int found = 0;
	int rc;

	memset(info, 0, sizeof(*info));
	err->msg[0] = '\0';
	rc = parse_phdr_notes(img, info, &found, err);
	if (rc)
		return rc;
	info->source = XEN_KERNEL_NOTES_PHDR;
	if (!found) {
		rc = parse_shdr_notes(img, info, &found, err);
		if (rc)
			return rc;
		info->source = XEN_KERNEL_NOTES_SHDR;
	}
	if (!found) {
		rc = parse_legacy(img, info, err);
		if (rc)
			return rc;
	}
	return finish(img, info, err);
}

/* What the kernel is: PV, for Xen 3.0's interface, for the generic loader. */
static int check_kind(const struct xen_kernel_info *info, struct elf64_err *err)
{
	if (xen_kernel_has(info, XEN_ELFNOTE_PHYS32_ENTRY) &&
	    !xen_kernel_has(info, XEN_ELFNOTE_ENTRY))
		return fail(err, -ENOEXEC,
			    "Xen notes: only a PHYS32_ENTRY (PVH) entry point; Keel runs PV "
			    "kernels, which give ENTRY");
	if (xen_kernel_has(info, XEN_ELFNOTE_XEN_VERSION) && !str_is(info->xen_version, "xen-3.0"))
		return fail(err, -EOPNOTSUPP,
			    "Xen notes: XEN_VERSION '%.*s': Keel speaks the xen-3.0 interface",
			    (int)MIN(info->xen_version.len, 40), info->xen_version.s);
	if (xen_kernel_has(info, XEN_ELFNOTE_LOADER)) {
		if (!str_is(info->loader, "generic"))
			return fail(err, -EOPNOTSUPP,
				    "Xen notes: LOADER '%.*s': Keel has only the 'generic' loader",
				    (int)MIN(info->loader.len, 40), info->loader.s);
	} else if (!str_is(info->guest_os, "linux")) {
		return fail(err, -EOPNOTSUPP,
			    "Xen notes: no LOADER, and GUEST_OS is not 'linux': Keel loads "
			    "'generic' kernels");
	}
	return 0;
}

/*
 * What every 64-bit PV domain gets whatever XENVER_get_features says:
 * writable_page_tables, in the sense a PV kernel requires it, is the
 * hypervisor emulating the kernel's plain writes to its page-table pages
 * (Keel's pv_ptwr_fault.c, Xen's ptwr).  Linux requires it in FEATURES
 * ("!writable_page_tables") while neither hypervisor reports the bit to
 * a PV guest, which then keeps its page tables read-only and updates
 * them by hypercall.
 */
#define XEN_KERNEL_PV_ALWAYS (1U << XENFEAT_writable_page_tables)

static int check_features(const struct xen_kernel_info *info, const struct xen_kernel_caps *caps,
			  struct elf64_err *err)
{
	uint32_t missing = info->features_required & ~(caps->features | XEN_KERNEL_PV_ALWAYS);

	if (info->unknown_required.s)
		return fail(err, -EOPNOTSUPP,
			    "Xen notes: FEATURES requires '%.*s', which Keel does not know",
			    (int)MIN(info->unknown_required.len, 40), info->unknown_required.s);
	if (missing)
		return fail(err, -EOPNOTSUPP,
			    "Xen notes: FEATURES requires '%s', which Keel does not provide",
			    xen_feature_name((unsigned int)__builtin_ctz(missing)));
	if (info->wants_bsd_symtab && !caps->bsd_symtab)
		return fail(err, -EOPNOTSUPP,
			    "Xen notes: BSD_SYMTAB asks for the symbol table, which this builder "
			    "does not load");
	return 0;
}

/* [start, end) (end > start) is canonical and clear of Keel's hole. */
static bool guest_range_ok(uint64_t start, uint64_t end)
{
	return end - 1 < CANONICAL_LOW_END || start >= XEN_KERNEL_HV_END;
}

static int check_addresses(const struct xen_kernel_info *info, struct elf64_err *err)
{
	uint64_t hp = info->hypercall_page, p2m = info->init_p2m;

	if (!guest_range_ok(info->virt_base, info->virt_kend))
		return fail(err, -ERANGE,
			    "Xen notes: kernel region %#llx-%#llx (from VIRT_BASE) is "
			    "non-canonical or overlaps Keel's range %#llx-%#llx",
			    (unsigned long long)info->virt_base,
			    (unsigned long long)info->virt_kend, XEN_KERNEL_HV_START,
			    XEN_KERNEL_HV_END - 1);
	if (info->entry < info->virt_kstart || info->entry >= info->virt_kend)
		return fail(err, -ERANGE,
			    "Xen notes: entry point %#llx is outside the kernel %#llx-%#llx",
			    (unsigned long long)info->entry, (unsigned long long)info->virt_kstart,
			    (unsigned long long)info->virt_kend);
	if (xen_kernel_has(info, XEN_ELFNOTE_HYPERCALL_PAGE)) {
		if (!IS_ALIGNED(hp, PAGE_SIZE))
			return fail(err, -EINVAL,
				    "Xen notes: HYPERCALL_PAGE %#llx is not page-aligned",
				    (unsigned long long)hp);
		if (hp < info->virt_kstart || hp >= info->virt_kend ||
		    info->virt_kend - hp < PAGE_SIZE)
			return fail(
			    err, -ERANGE,
			    "Xen notes: HYPERCALL_PAGE %#llx is outside the kernel %#llx-%#llx",
			    (unsigned long long)hp, (unsigned long long)info->virt_kstart,
			    (unsigned long long)info->virt_kend);
	}
	if (xen_kernel_has(info, XEN_ELFNOTE_INIT_P2M)) {
		if (!IS_ALIGNED(p2m, PAGE_SIZE))
			return fail(err, -EINVAL, "Xen notes: INIT_P2M %#llx is not page-aligned",
				    (unsigned long long)p2m);
		if (!guest_range_ok(p2m, p2m + 1) ||
		    (p2m >= info->virt_base && p2m < info->virt_kend))
			return fail(err, -ERANGE,
				    "Xen notes: INIT_P2M %#llx is non-canonical, in Keel's range "
				    "or inside the kernel",
				    (unsigned long long)p2m);
	}
	return 0;
}

int xen_kernel_check(const struct xen_kernel_info *info, const struct xen_kernel_caps *caps,
		     struct elf64_err *err)
{
	int rc;

	err->msg[0] = '\0';
	rc = check_kind(info, err);
	if (!rc)
		rc = check_features(info, caps, err);
	if (!rc)
		rc = check_addresses(info, err);
	return rc;
}
