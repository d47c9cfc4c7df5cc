/*
 * tests/unit/test_efi_config.c - the UEFI loader's KEEL.CFG parser
 * (hypervisor/boot/efi/config.c).
 *
 * Each test hands cfg_parse() a heap copy of its text with exactly one byte
 * of room after it (the parser writes text[len]), so ASan catches any read or
 * write beyond that.  Errors are checked for their line number and message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/boot/efi/config.h"

static char *buf;
static size_t buf_len;
static char *scratch; /* a test's own text, freed by teardown() even when it fails */
static struct keel_cfg cfg;
static struct cfg_error err;

/* Parses @len bytes of @text (which may hold NUL bytes). */
static int parse_n(const char *text, size_t len)
{
	free(buf);
	buf = malloc(len + 1);
	assert_non_null(buf);
	buf_len = len + 1;
	memcpy(buf, text, len);
	buf[len] = 'X'; /* the parser must terminate the text itself */
	memset(&cfg, 0x5a, sizeof(cfg));
	memset(&err, 0x5a, sizeof(err));
	return cfg_parse(buf, len, &cfg, &err);
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static int teardown(void **state)
{
	(void)state;
	free(buf);
	buf = NULL;
	free(scratch);
	scratch = NULL;
	return 0;
}

/* Parsing must succeed; on failure, show why. */
#define PARSE_OK(text)                                                                             \
	do {                                                                                       \
		if (parse(text) != 0)                                                              \
			fail_msg("cfg_parse failed: line %u: %s", err.line, err.msg);              \
		assert_int_equal(err.line, 0);                                                     \
		assert_string_equal(err.msg, "");                                                  \
	} while (0)

/* Parsing must fail at @ln with a message containing @needle. */
static void expect_error_n(const char *text, size_t len, unsigned int ln, const char *needle)
{
	int rc = parse_n(text, len);

	if (rc != -1)
		fail_msg("cfg_parse accepted a bad config (expected line %u: %s)", ln, needle);
	if (err.line != ln || !strstr(err.msg, needle))
		fail_msg("got line %u: '%s'; expected line %u: '...%s...'", err.line, err.msg, ln,
			 needle);
	assert_true(strlen(err.msg) < CFG_MSG_MAX);
}

static void expect_error(const char *text, unsigned int ln, const char *needle)
{
	expect_error_n(text, strlen(text), ln, needle);
}

static void assert_module(unsigned int i, const char *file, const char *args, unsigned int ln)
{
	assert_true(i < cfg.nr_modules);
	assert_string_equal(cfg.modules[i].file, file);
	assert_string_equal(cfg.modules[i].args, args);
	assert_int_equal(cfg.modules[i].line, ln);
}

/* Results point into the caller's buffer, as documented. */
static void assert_in_buf(const char *s)
{
	if (!*s) /* "" may be a constant */
		return;
	assert_true(s >= buf && s < buf + buf_len);
}

static void test_minimal(void **state)
{
	(void)state;
	PARSE_OK("[keel]\nhypervisor=hypervisor.elf\n");
	assert_string_equal(cfg.section, "keel");
	assert_string_equal(cfg.hypervisor, "hypervisor.elf");
	assert_int_equal(cfg.hypervisor_line, 2);
	assert_string_equal(cfg.options, "");
	assert_int_equal(cfg.nr_modules, 0);
	assert_in_buf(cfg.section);
	assert_in_buf(cfg.hypervisor);
}

/* The README's example, without its trailing comments, plus other sections. */
static const char full_cfg[] = "# Keel boot configuration\n"	   /* 1 */
			       "\n"				   /* 2 */
			       "[global]\n"			   /* 3 */
			       "%s\n"				   /* 4 */
			       "\n"				   /* 5 */
			       "[fallback]\n"			   /* 6 */
			       "hypervisor=old.elf\n"		   /* 7 */
			       "options=console=vga\n"		   /* 8 */
			       "kernel=old-dom0.elf quiet\n"	   /* 9 */
			       "\n"				   /* 10 */
			       "[keel]\n"			   /* 11 */
			       "   # an indented comment\n"	   /* 12 */
			       "options=console=com1 loglvl=all\n" /* 13 */
			       "hypervisor=hypervisor.elf\n"	   /* 14 */
			       "kernel=dom0.elf some args\n"	   /* 15 */
			       "ramdisk=initrd.cpio\n"		   /* 16 */
			       "module=extra.bin its args\n"	   /* 17 */
			       "module=sub/dir\\more.bin\n"	   /* 18 */
			       "\t\n"				   /* 19 */
			       "[debug]\n"			   /* 20 */
			       "hypervisor=debug.elf\n";	   /* 21 */

/* full_cfg with @line4 as its line 4. */
static const char *full(const char *line4)
{
	static char text[sizeof(full_cfg) + 64];

	snprintf(text, sizeof(text), full_cfg, line4);
	return text;
}

static void test_default_picks_section(void **state)
{
	(void)state;
	PARSE_OK(full("default=keel"));
	assert_string_equal(cfg.section, "keel");
	assert_string_equal(cfg.hypervisor, "hypervisor.elf");
	assert_int_equal(cfg.hypervisor_line, 14);
	assert_string_equal(cfg.options, "console=com1 loglvl=all");
	assert_int_equal(cfg.nr_modules, 4);
	assert_module(0, "dom0.elf", "some args", 15);
	assert_module(1, "initrd.cpio", "", 16);
	assert_module(2, "extra.bin", "its args", 17);
	assert_module(3, "sub/dir\\more.bin", "", 18);
	for (unsigned int i = 0; i < cfg.nr_modules; i++) {
		assert_in_buf(cfg.modules[i].file);
		assert_in_buf(cfg.modules[i].args);
	}
}

static void test_default_picks_other_sections(void **state)
{
	(void)state;
	PARSE_OK(full("  default = debug  "));
	assert_string_equal(cfg.section, "debug");
	assert_string_equal(cfg.hypervisor, "debug.elf");
	assert_int_equal(cfg.hypervisor_line, 21);
	assert_string_equal(cfg.options, "");
	assert_int_equal(cfg.nr_modules, 0);

	/* No default=: the first section after [global]. */
	PARSE_OK(full("# default=keel"));
	assert_string_equal(cfg.section, "fallback");
	assert_string_equal(cfg.hypervisor, "old.elf");
	assert_string_equal(cfg.options, "console=vga");
	assert_int_equal(cfg.nr_modules, 1);
	assert_module(0, "old-dom0.elf", "quiet", 9);
}

static void test_first_section_without_global(void **state)
{
	(void)state;
	PARSE_OK("[a]\nhypervisor=a.elf\n[b]\nhypervisor=b.elf\n");
	assert_string_equal(cfg.section, "a");
	assert_string_equal(cfg.hypervisor, "a.elf");

	/* [global] may come last; it is never the section booted. */
	PARSE_OK("[b]\nhypervisor=b.elf\n[global]\ndefault=c\n[c]\nhypervisor=c.elf\n");
	assert_string_equal(cfg.section, "c");
	assert_string_equal(cfg.hypervisor, "c.elf");
	assert_int_equal(cfg.hypervisor_line, 6);

	/* A section may be split in two; its lines are applied in file order. */
	PARSE_OK("[k]\nkernel=k1\n[x]\nhypervisor=x\n[k]\nhypervisor=h\nmodule=m\n");
	assert_string_equal(cfg.section, "k");
	assert_string_equal(cfg.hypervisor, "h");
	assert_int_equal(cfg.nr_modules, 2);
	assert_module(0, "k1", "", 2);
	assert_module(1, "m", "", 7);
}

static void test_crlf_and_bom(void **state)
{
	(void)state;
	PARSE_OK("\xef\xbb\xbf[global]\r\n"
		 "default=keel\r\n"
		 "\r\n"
		 "[keel]\r\n"
		 "hypervisor=hypervisor.elf\r\n"
		 "options=console=com1\r\n"
		 "kernel=dom0.elf a b\r\n"
		 "ramdisk=initrd\r\n");
	assert_string_equal(cfg.section, "keel");
	assert_string_equal(cfg.hypervisor, "hypervisor.elf");
	assert_int_equal(cfg.hypervisor_line, 5);
	assert_string_equal(cfg.options, "console=com1");
	assert_int_equal(cfg.nr_modules, 2);
	assert_module(0, "dom0.elf", "a b", 7);
	assert_module(1, "initrd", "", 8);

	/* A BOM anywhere but at the start is not skipped. */
	expect_error("[keel]\n\xef\xbb\xbfhypervisor=h\n", 2,
		     "unknown key '\xef\xbb\xbfhypervisor'");
	/* A BOM alone, or a file of blank lines: nothing to boot. */
	expect_error("\xef\xbb\xbf", 0, "no section to boot");
	expect_error("\r\n\n  \t \r\n", 0, "no section to boot");
	/* CR LF line numbers of errors. */
	expect_error("[keel]\r\nhypervisor=h\r\n\r\nkernal=x\r\n", 4, "unknown key 'kernal'");
}

static void test_whitespace_and_values(void **state)
{
	(void)state;
	PARSE_OK("  [ keel ]  \n"
		 "\thypervisor  =   hv.elf \t\n"
		 " options =  a=b  c=\"d e\"  \n"
		 "kernel=   dom0.elf\t  x   y  \n"
		 "module=m\targ\n"
		 "module=n   \n");
	assert_string_equal(cfg.section, "keel");
	assert_string_equal(cfg.hypervisor, "hv.elf");
	/* Split at the first '=', inner blanks and quotes kept verbatim. */
	assert_string_equal(cfg.options, "a=b  c=\"d e\"");
	assert_int_equal(cfg.nr_modules, 3);
	assert_module(0, "dom0.elf", "x   y", 4);
	assert_module(1, "m", "arg", 5);
	assert_module(2, "n", "", 6);
}

static void test_quotes_and_hash_are_literal(void **state)
{
	(void)state;
	/* No unquoting (like xen.cfg): the command line gets the quotes. */
	PARSE_OK("[keel]\nhypervisor=hv\noptions=\"console=com1 loglvl=all\"\n"
		 "kernel=dom0 root=\"/dev/xvda 1\" x=#y\n");
	assert_string_equal(cfg.options, "\"console=com1 loglvl=all\"");
	assert_module(0, "dom0", "root=\"/dev/xvda 1\" x=#y", 4);

	/* '#' starts a comment only as a line's first non-blank character. */
	PARSE_OK("[keel]\nhypervisor=hv\noptions=a # b\n");
	assert_string_equal(cfg.options, "a # b");
	PARSE_OK("[keel]\nhypervisor=hv\n#options=a\n  #kernel=b\n");
	assert_string_equal(cfg.options, "");
	assert_int_equal(cfg.nr_modules, 0);

	/* Explicitly empty options= is allowed. */
	PARSE_OK("[keel]\noptions=\nhypervisor=hv\n");
	assert_string_equal(cfg.options, "");
}

static void test_no_final_newline(void **state)
{
	(void)state;
	PARSE_OK("[keel]\nhypervisor=hv\nkernel=dom0 last");
	assert_module(0, "dom0", "last", 3);
	PARSE_OK("[keel]\nkernel=dom0\nhypervisor=hv");
	assert_string_equal(cfg.hypervisor, "hv");
	assert_int_equal(cfg.hypervisor_line, 3);
}

/* The parser keeps no state between calls. */
static void test_parse_after_error(void **state)
{
	(void)state;
	expect_error("[global]\ndefault=x\n[x]\nkernel=k\n", 0, "no hypervisor=");
	PARSE_OK("[y]\nhypervisor=y\n");
	assert_string_equal(cfg.section, "y");
	assert_int_equal(cfg.nr_modules, 0);
	PARSE_OK("[y]\nhypervisor=y\n");
	assert_int_equal(cfg.nr_modules, 0);
}

static void test_no_section(void **state)
{
	(void)state;
	expect_error("", 0, "no section to boot");
	expect_error("# only a comment\n", 0, "no section to boot");
	expect_error("[global]\n", 0, "no section to boot");
	expect_error("[global]\ndefault=keel\n", 2, "default= names section [keel]");
	expect_error("# hi\nhypervisor=hv.elf\n[keel]\n", 2,
		     "'hypervisor=' comes before any [section] header");
}

static void test_default_errors(void **state)
{
	(void)state;
	expect_error("[global]\ndefault=kel\n[keel]\nhypervisor=h\n", 2,
		     "default= names section [kel], which is not in the file");
	/* [global] is not a bootable section. */
	expect_error("[global]\ndefault=global\n[keel]\nhypervisor=h\n", 2,
		     "default= names section [global]");
	expect_error("[global]\ndefault=\n[keel]\nhypervisor=h\n", 2,
		     "default= needs a section name");
	expect_error("[global]\ndefault=a\ndefault=a\n[a]\nhypervisor=h\n", 3,
		     "default= given twice");
	expect_error("[global]\ndefault=a\n[a]\nhypervisor=h\n[global]\ndefault=a\n", 6,
		     "default= given twice");
	expect_error("[global]\ntimeout=5\n[a]\nhypervisor=h\n", 2,
		     "unknown key 'timeout' in [global]");
}

static void test_missing_hypervisor(void **state)
{
	(void)state;
	expect_error("[keel]\noptions=x\nkernel=dom0\n", 0,
		     "section [keel] has no hypervisor= line");
	/* The hypervisor= of another section does not count. */
	expect_error("[global]\ndefault=b\n[a]\nhypervisor=a\n[b]\nkernel=k\n", 0,
		     "section [b] has no hypervisor= line");
	expect_error("[keel]\nhypervisor=\n", 2, "hypervisor= needs a file name");
	expect_error("[keel]\nhypervisor=hv.elf console=com1\n", 2,
		     "hypervisor= takes only a file name");
	expect_error("[keel]\nhypervisor=a\nhypervisor=b\n", 3, "hypervisor= given twice");
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error("[global]\ndefault=keel\n[keel]\nhypervisor=h\nkernal=dom0.elf\n", 5,
		     "unknown key 'kernal' (expected hypervisor=");
	/* Keys are case-sensitive. */
	expect_error("[keel]\nHypervisor=h\n", 2, "unknown key 'Hypervisor'");
	/* Blanks around the key are trimmed in the message. */
	expect_error("[keel]\nhypervisor=h\n   initrd   = x\n", 3, "unknown key 'initrd' (");
}

static void test_line_syntax_errors(void **state)
{
	(void)state;
	expect_error("[keel]\nhypervisor=h\nkernel dom0.elf\n", 3,
		     "expected 'key=value' or '[section]', found 'kernel dom0.elf'");
	expect_error("[keel]\nhypervisor\n", 2, "expected 'key=value'");
	expect_error("[keel]\nhypervisor=h\n=dom0.elf\n", 3, "missing key before '='");
	expect_error("[keel]\nhypervisor=h\n  \t= x\n", 3, "missing key before '='");
	expect_error("[keel\nhypervisor=h\n", 1, "section header '[keel' has no closing ']'");
	expect_error("[keel]\nhypervisor=h\n[\n", 3, "has no closing ']'");
	expect_error("[keel]\nhypervisor=h\n[]\n", 3, "empty section name");
	expect_error("[keel]\nhypervisor=h\n[ \t ]\n", 3, "empty section name");
	/* A line that is only a closing bracket is not a section. */
	expect_error("[keel]\nhypervisor=h\n]\n", 3, "expected 'key=value'");
}

static void test_nul_bytes(void **state)
{
	static const char nul_mid[] = "[keel]\nhypervisor=h\nkernel=a\0b\n";
	static const char nul_end[] = "[keel]\nhypervisor=h\n\0";
	static const char nul_comment[] = "[keel]\n# \0 hidden\nhypervisor=h\n";
	static const char nul_unused[] = "[a]\nhypervisor=h\n[b]\nx=\0";

	(void)state;
	expect_error_n(nul_mid, sizeof(nul_mid) - 1, 3, "NUL byte");
	expect_error_n(nul_end, sizeof(nul_end) - 1, 3, "NUL byte");
	expect_error_n(nul_comment, sizeof(nul_comment) - 1, 2, "NUL byte");
	/* Even in an unused section: the whole file is checked. */
	expect_error_n(nul_unused, sizeof(nul_unused) - 1, 4, "NUL byte");
}

static void test_duplicates_and_empty_values(void **state)
{
	(void)state;
	expect_error("[keel]\nhypervisor=h\noptions=a\noptions=b\n", 4, "options= given twice");
	expect_error("[keel]\nhypervisor=h\noptions=\noptions=b\n", 4, "options= given twice");
	expect_error("[keel]\nhypervisor=h\nkernel=a\nkernel=b\n", 4, "kernel= given twice");
	expect_error("[keel]\nhypervisor=h\nkernel=a\nramdisk=b\nramdisk=c\n", 5,
		     "ramdisk= given twice");
	expect_error("[keel]\nhypervisor=h\nkernel=\n", 3, "kernel= needs a file name");
	expect_error("[keel]\nhypervisor=h\nkernel=k\nramdisk=  \n", 4,
		     "ramdisk= needs a file name");
	expect_error("[keel]\nhypervisor=h\nkernel=k\nmodule=\n", 4, "module= needs a file name");
}

static void test_modules_need_kernel(void **state)
{
	(void)state;
	expect_error("[keel]\nhypervisor=h\nramdisk=initrd\n", 3,
		     "ramdisk= and module= need a kernel= line");
	expect_error("[keel]\nhypervisor=h\nmodule=m\nmodule=n\n", 3,
		     "ramdisk= and module= need a kernel= line");
	/* Order in the file does not matter once there is a kernel. */
	PARSE_OK("[keel]\nmodule=m\nramdisk=r\nhypervisor=h\nkernel=k\n");
	assert_int_equal(cfg.nr_modules, 3);
	assert_module(0, "k", "", 5);
	assert_module(1, "r", "", 3);
	assert_module(2, "m", "", 2);
}

/* A fresh scratch buffer of @size bytes. */
static char *new_scratch(size_t size)
{
	free(scratch);
	scratch = malloc(size);
	assert_non_null(scratch);
	return scratch;
}

/* Builds "[keel]\nhypervisor=h\nkernel=k\n" + ramdisk + @extra module= lines. */
static char *modules_cfg(int ramdisk, unsigned int extra)
{
	size_t cap = 64 + extra * 32;
	char *t = new_scratch(cap);
	size_t n;

	assert_non_null(t);
	n = (size_t)snprintf(t, cap, "[keel]\nhypervisor=h\nkernel=k\n%s",
			     ramdisk ? "ramdisk=r\n" : "");
	for (unsigned int i = 0; i < extra; i++)
		n += (size_t)snprintf(t + n, cap - n, "module=m%u a%u\n", i, i);
	return t;
}

static void test_too_many_modules(void **state)
{
	char *t;

	(void)state;
	/* kernel + ramdisk + 14 = 16: the limit. */
	t = modules_cfg(1, BOOT_MAX_MODULES - 2);
	PARSE_OK(t);
	assert_int_equal(cfg.nr_modules, BOOT_MAX_MODULES);
	assert_module(0, "k", "", 3);
	assert_module(1, "r", "", 4);
	assert_module(2, "m0", "a0", 5);
	assert_module(BOOT_MAX_MODULES - 1, "m13", "a13", 18);

	/* kernel + 15 = 16 without a ramdisk. */
	t = modules_cfg(0, BOOT_MAX_MODULES - 1);
	PARSE_OK(t);
	assert_int_equal(cfg.nr_modules, BOOT_MAX_MODULES);
	assert_module(BOOT_MAX_MODULES - 1, "m14", "a14", 18);

	/* One more: the 17th module's line is named (line 19). */
	t = modules_cfg(1, BOOT_MAX_MODULES - 1);
	expect_error(t, 19, "too many modules (at most 16)");
	t = modules_cfg(0, BOOT_MAX_MODULES);
	expect_error(t, 19, "too many modules (at most 16)");
	/* Far too many: still the first module beyond the limit is named. */
	t = modules_cfg(0, BOOT_MAX_MODULES + 1);
	expect_error(t, 19, "too many modules (at most 16)");
	t = modules_cfg(1, 40);
	expect_error(t, 19, "too many modules (at most 16)");
	/* A ramdisk= after the module= lines still comes second in boot order. */
	t = modules_cfg(0, BOOT_MAX_MODULES - 1);
	strcat(t, "ramdisk=r\n");
	expect_error(t, 18, "too many modules (at most 16)");
	/* Without a kernel=, that is the first thing to fix. */
	t = modules_cfg(0, BOOT_MAX_MODULES + 4);
	memcpy(strstr(t, "kernel=k"), "#", 1);
	expect_error(t, 4, "need a kernel= line");
}

static void test_long_values(void **state)
{
	size_t cap = 2 * BOOT_CMDLINE_MAX + 64;
	char *t = new_scratch(cap), *p;

	(void)state;
	/* options= of BOOT_CMDLINE_MAX - 1 characters fits (with its NUL)... */
	p = t + sprintf(t, "[keel]\nhypervisor=h\noptions=");
	memset(p, 'o', BOOT_CMDLINE_MAX - 1);
	strcpy(p + BOOT_CMDLINE_MAX - 1, "\n");
	PARSE_OK(t);
	assert_int_equal(strlen(cfg.options), BOOT_CMDLINE_MAX - 1);
	/* ...one more does not. */
	memset(p, 'o', BOOT_CMDLINE_MAX);
	strcpy(p + BOOT_CMDLINE_MAX, "\n");
	expect_error(t, 3, "options= longer than 1023 characters");
	/* Trailing blanks do not count: they are trimmed. */
	memset(p, 'o', BOOT_CMDLINE_MAX - 1);
	strcpy(p + BOOT_CMDLINE_MAX - 1, "    \r\n");
	PARSE_OK(t);

	/* Module arguments: BOOT_MODULE_CMDLINE_MAX - 1 characters fit. */
	p = t + sprintf(t, "[keel]\nhypervisor=h\nkernel=k\nmodule=m ");
	memset(p, 'a', BOOT_MODULE_CMDLINE_MAX - 1);
	strcpy(p + BOOT_MODULE_CMDLINE_MAX - 1, "\n");
	PARSE_OK(t);
	assert_int_equal(strlen(cfg.modules[1].args), BOOT_MODULE_CMDLINE_MAX - 1);
	memset(p, 'a', BOOT_MODULE_CMDLINE_MAX);
	strcpy(p + BOOT_MODULE_CMDLINE_MAX, "\n");
	expect_error(t, 4, "module arguments longer than 511 characters");
	/* Same for kernel=. */
	p = t + sprintf(t, "[keel]\nhypervisor=h\n\nkernel=k ");
	memset(p, 'a', BOOT_MODULE_CMDLINE_MAX);
	strcpy(p + BOOT_MODULE_CMDLINE_MAX, "\n");
	expect_error(t, 4, "module arguments longer than 511 characters");
}

/* A huge line: the message is cut to fit, still NUL-terminated. */
static void test_very_long_line(void **state)
{
	size_t n = 100000;
	char *t = new_scratch(n + 64), *p;

	(void)state;
	p = t + sprintf(t, "[keel]\nhypervisor=h\n");
	memset(p, 'k', n);
	strcpy(p + n, "=v\n");
	expect_error(t, 3, "unknown key 'kkkkkkkk");
	assert_int_equal(strlen(err.msg), CFG_MSG_MAX - 1);

	memset(p, 'k', n); /* no '=' at all */
	strcpy(p + n, "\n");
	expect_error(t, 3, "expected 'key=value' or '[section]', found 'kkk");
	assert_int_equal(strlen(err.msg), CFG_MSG_MAX - 1);

	/* A huge section name is fine as long as it is not needed. */
	p = t + sprintf(t, "[keel]\nhypervisor=h\n[");
	memset(p, 's', n);
	strcpy(p + n, "]\n");
	PARSE_OK(t);
	assert_string_equal(cfg.section, "keel");
}

static void test_too_many_lines(void **state)
{
	size_t cap = 64 + (CFG_MAX_ENTRIES + 8) * 32;
	char *t = new_scratch(cap);
	size_t n;

	(void)state;
	/* CFG_MAX_ENTRIES key=value lines, in any section, are fine... */
	n = (size_t)sprintf(t, "[global]\ndefault=keel\n[keel]\nhypervisor=h\n[s]\n");
	for (unsigned int i = 1; i < CFG_MAX_ENTRIES; i++)
		n += (size_t)sprintf(t + n, "options=x\n");
	PARSE_OK(t);
	assert_string_equal(cfg.hypervisor, "h");
	/* ...one more is refused, naming its line (lines 6-132 are options=). */
	strcpy(t + n, "\n\nhypervisor=z\n");
	expect_error(t, 135, "too many key=value lines");
}

/* Builds [global] default=s<def>, then sections [s0]..[s<nr - 1>]. */
static char *sections_cfg(unsigned int def, unsigned int nr)
{
	char *t = new_scratch(32 * nr + 64);
	size_t n;

	n = (size_t)sprintf(t, "[global]\ndefault=s%u\n", def);
	for (unsigned int i = 0; i < nr; i++)
		n += (size_t)sprintf(t + n, "[s%u]\nhypervisor=h%u\n", i, i);
	return t;
}

/* More sections than the parser tracks must not make default= lie. */
static void test_many_sections(void **state)
{
	char *t;

	(void)state;
	t = sections_cfg(31, 32);
	PARSE_OK(t);
	assert_string_equal(cfg.section, "s31");
	assert_string_equal(cfg.hypervisor, "h31");
	assert_int_equal(cfg.hypervisor_line, 66);

	/* [s32] on line 67 is one too many, not "s39 ... is not in the file". */
	t = sections_cfg(39, 40);
	expect_error(t, 67, "too many sections (at most 32)");
	t = sections_cfg(0, 33);
	expect_error(t, 67, "too many sections (at most 32)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_minimal, teardown),
	    cmocka_unit_test_teardown(test_default_picks_section, teardown),
	    cmocka_unit_test_teardown(test_default_picks_other_sections, teardown),
	    cmocka_unit_test_teardown(test_first_section_without_global, teardown),
	    cmocka_unit_test_teardown(test_crlf_and_bom, teardown),
	    cmocka_unit_test_teardown(test_whitespace_and_values, teardown),
	    cmocka_unit_test_teardown(test_quotes_and_hash_are_literal, teardown),
	    cmocka_unit_test_teardown(test_no_final_newline, teardown),
	    cmocka_unit_test_teardown(test_parse_after_error, teardown),
	    cmocka_unit_test_teardown(test_no_section, teardown),
	    cmocka_unit_test_teardown(test_default_errors, teardown),
	    cmocka_unit_test_teardown(test_missing_hypervisor, teardown),
	    cmocka_unit_test_teardown(test_unknown_key, teardown),
	    cmocka_unit_test_teardown(test_line_syntax_errors, teardown),
	    cmocka_unit_test_teardown(test_nul_bytes, teardown),
	    cmocka_unit_test_teardown(test_duplicates_and_empty_values, teardown),
	    cmocka_unit_test_teardown(test_modules_need_kernel, teardown),
	    cmocka_unit_test_teardown(test_too_many_modules, teardown),
	    cmocka_unit_test_teardown(test_long_values, teardown),
	    cmocka_unit_test_teardown(test_very_long_line, teardown),
	    cmocka_unit_test_teardown(test_too_many_lines, teardown),
	    cmocka_unit_test_teardown(test_many_sections, teardown),
	};

	return cmocka_run_group_tests_name("efi_config", tests, NULL, NULL);
}
