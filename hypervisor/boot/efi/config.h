/*
 * hypervisor/boot/efi/config.h - KEEL.CFG, the UEFI loader's configuration
 * file, in the style of Xen's xen.cfg:
 *
 *	[global]
 *	default=keel
 *	[keel]
 *	options=console=com1 loglvl=all
 *	hypervisor=hypervisor.elf
 *	kernel=dom0.elf some args
 *	ramdisk=initrd.cpio
 *	module=extra.bin its args
 *
 * Boot modules are numbered kernel (1), ramdisk (2, if given), then the
 * module= lines in file order.  File names are relative to \EFI\BOOT\.
 *
 * The parser is plain C with no UEFI dependency, so it can be unit-tested on
 * the host.  It works in place: the results point into the caller's buffer.
 */
#ifndef HYPERVISOR_BOOT_EFI_CONFIG_H
#define HYPERVISOR_BOOT_EFI_CONFIG_H

#include "hypervisor/boot/boot_info.h"

/* At most this many key=value lines in the whole file. */
#define CFG_MAX_ENTRIES 128
#define CFG_MSG_MAX 160

struct cfg_module {
	const char *file; /* relative to \EFI\BOOT\ */
	const char *args; /* the module's command line, "" when none */
	unsigned int line;
};

struct keel_cfg {
	const char *section;    /* name of the section that was chosen */
	const char *hypervisor; /* file name of the hypervisor ELF */
	unsigned int hypervisor_line;
	const char *options; /* hypervisor command line, "" when none */
	unsigned int nr_modules;
	struct cfg_module modules[BOOT_MAX_MODULES];
};

/* What went wrong, for a message like "KEEL.CFG line 4: unknown key 'kernal'". */
struct cfg_error {
	unsigned int line; /* 1-based; 0 when no single line is at fault */
	char msg[CFG_MSG_MAX];
};

/**
 * cfg_parse() - parse the configuration file held in @text.
 * @text: the file's bytes, with room for one more: modified in place (lines
 *        are NUL-terminated, and @text[@len] is written)
 * @len:  number of bytes of the file in @text
 * @cfg:  filled on success; its strings point into @text
 * @err:  filled on failure
 *
 * Chooses the section named by default= in [global], or else the first
 * section after [global].  Accepts LF or CR LF line ends, a UTF-8 byte order
 * mark, blank lines and lines whose first non-blank character is '#'.
 *
 * Return: 0 on success, -1 on a syntax or content error (see @err).
 */
int cfg_parse(char *text, unsigned long len, struct keel_cfg *cfg, struct cfg_error *err);

#endif /* HYPERVISOR_BOOT_EFI_CONFIG_H */
