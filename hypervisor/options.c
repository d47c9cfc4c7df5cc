/*
 * hypervisor/options.c - Keel's command-line options.
 *
 * Owns the opt_* variables.  Parsing happens before the console exists
 * (the console options decide how it is set up), so problems are kept and
 * printed by options_report_unknown() once printk works.  Written once on
 * the boot CPU; read-only afterwards.
 */
#include "hypervisor/options.h"

#include "arch/serial.h"
#include "hypervisor/console.h"
#include "hypervisor/shutdown.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

uint16_t opt_console_port = COM1_PORT;
uint32_t opt_console_baud;
char opt_selftest[32];
uint32_t opt_debug_fail_cpu = UINT32_MAX;
uint64_t opt_dom0_mem;	   /* bytes; 0: the default (see dom0_build.c) */
uint64_t opt_dom0_mem_max; /* bytes; 0: no cap */
unsigned int opt_dom0_vcpus_min = 1, opt_dom0_vcpus_max = 1;
uint32_t opt_sched_tslice_ms = UINT32_MAX, opt_sched_ratelimit_us = UINT32_MAX;

static uint32_t com_baud[2];

#define MAX_PROBLEMS 8
static char problems[MAX_PROBLEMS][96];
static unsigned int nr_problems;

/* console=com1|com2|none[,...]: the first serial port named wins. */
static int parse_console(const char *val)
{
	if (!val)
		return -EINVAL;
	if (!strncmp(val, "com1", 4))
		opt_console_port = COM1_PORT;
	else if (!strncmp(val, "com2", 4))
		opt_console_port = COM2_PORT;
	else if (!strncmp(val, "none", 4))
		opt_console_port = 0;
	else
		return -EINVAL;
	return 0;
}

/* com1=<baud>[,<data><parity><stop>] or com1=auto: only 8n1 is supported. */
static int parse_com(const char *val, unsigned int idx)
{
	uint64_t baud;
	char num[16];
	const char *comma = val ? strchr(val, ',') : NULL;
	size_t len = comma ? (size_t)(comma - val) : (val ? strlen(val) : 0);

	if (!val || len == 0 || len >= sizeof(num))
		return -EINVAL;
	if (comma && strcmp(comma + 1, "8n1"))
		return -EINVAL;
	if (!strncmp(val, "auto", 4)) {
		com_baud[idx] = 0;
		return 0;
	}
	memcpy(num, val, len);
	num[len] = '\0';
	if (cmdline_parse_uint(num, &baud) || baud < 50 || baud > 115200)
		return -EINVAL;
	com_baud[idx] = (uint32_t)baud;
	return 0;
}

static int parse_com1(const char *val)
{
	return parse_com(val, 0);
}

static int parse_com2(const char *val)
{
	return parse_com(val, 1);
}

static int parse_loglvl(const char *val)
{
	return val ? console_parse_loglevel(val) : -EINVAL;
}

/*
 * dom0_mem=[min:SIZE,][max:SIZE,][SIZE] as Xen's: SIZE is the initial
 * domain's memory, max: caps it (and is the default when SIZE is absent),
 * min: is accepted and ignored (Keel never shrinks the initial allocation).
 */
static int parse_dom0_mem(const char *val)
{
	char item[32];

	if (!val || !*val)
		return -EINVAL;
	while (*val) {
		size_t len = 0;
		uint64_t bytes;
		const char *num = item;

		while (val[len] && val[len] != ',')
			len++;
		if (len == 0 || len >= sizeof(item))
			return -EINVAL;
		memcpy(item, val, len);
		item[len] = '\0';
		if (!strncmp(item, "min:", 4) || !strncmp(item, "max:", 4))
			num = item + 4;
		if (cmdline_parse_size(num, &bytes) || bytes < (4ULL << 20))
			return -EINVAL;
		if (!strncmp(item, "max:", 4))
			opt_dom0_mem_max = bytes;
		else if (num == item)
			opt_dom0_mem = bytes;
		val += len;
		if (*val == ',')
			val++;
	}
	return 0;
}

/* One bound of dom0_max_vcpus: a number from 1 up, or empty (keep *out). */
static int parse_vcpu_bound(const char *s, size_t len, unsigned int *out)
{
	char num[12];
	uint64_t n;

	if (!len)
		return 0;
	if (len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	if (cmdline_parse_uint(num, &n) || n == 0 || n > UINT32_MAX)
		return -EINVAL;
	*out = (unsigned int)n;
	return 0;
}

/*
 * dom0_max_vcpus=N or =MIN-MAX as Xen's: N vCPUs; or as many as there are
 * CPUs but at least MIN (default 1) and at most MAX (default: no limit).
 * dom0_build.c applies it (and Keel's own cap).
 */
static int parse_dom0_max_vcpus(const char *val)
{
	const char *dash = val ? strchr(val, '-') : NULL;
	unsigned int lo = 1, hi = UINT32_MAX;

	if (!val || !*val)
		return -EINVAL;
	if (!dash) {
		if (parse_vcpu_bound(val, strlen(val), &lo))
			return -EINVAL;
		hi = lo;
	} else if (parse_vcpu_bound(val, (size_t)(dash - val), &lo) ||
		   parse_vcpu_bound(dash + 1, strlen(dash + 1), &hi) || lo > hi) {
		return -EINVAL;
	}
	opt_dom0_vcpus_min = lo;
	opt_dom0_vcpus_max = hi;
	return 0;
}

/* sched=: Keel has one scheduler; Xen's others (credit2, null, rtds, arinc653) are refused. */
static int parse_sched(const char *value)
{
	return value && !strcmp(value, "credit") ? 0 : -EINVAL;
}

static const struct cmdline_param keel_params[] = {
	CMDLINE_PARAM_CUSTOM("dom0_max_vcpus", parse_dom0_max_vcpus),
	CMDLINE_PARAM_CUSTOM("dom0_mem", parse_dom0_mem),
	CMDLINE_PARAM_CUSTOM("console", parse_console),
	CMDLINE_PARAM_CUSTOM("com1", parse_com1),
	CMDLINE_PARAM_CUSTOM("com2", parse_com2),
	CMDLINE_PARAM_CUSTOM("loglvl", parse_loglvl),
	CMDLINE_PARAM_BOOL("noreboot", opt_noreboot),
	CMDLINE_PARAM_STRING("selftest", opt_selftest),
	CMDLINE_PARAM_UINT("debug_fail_cpu", opt_debug_fail_cpu),
	CMDLINE_PARAM_CUSTOM("sched", parse_sched),
	CMDLINE_PARAM_UINT("sched_credit_tslice_ms", opt_sched_tslice_ms),
	CMDLINE_PARAM_UINT("sched_ratelimit_us", opt_sched_ratelimit_us),
};

static void remember_problem(const char *name, const char *value, int err)
{
	if (nr_problems >= MAX_PROBLEMS)
		return;
	if (err == -ENOENT)
		format_snprintf(problems[nr_problems++], sizeof(problems[0]),
				"unknown option '%s' ignored", name);
	else
		format_snprintf(problems[nr_problems++], sizeof(problems[0]),
				"bad value '%s' for option '%s' (error %d) ignored",
				value ? value : "", name, err);
}

void options_parse(const char *cmdline)
{
	cmdline_parse(cmdline, keel_params, ARRAY_SIZE(keel_params), remember_problem);
	opt_console_baud = opt_console_port == COM2_PORT ? com_baud[1] : com_baud[0];
}

void options_report_unknown(void)
{
	for (unsigned int i = 0; i < nr_problems; i++)
		printk(KLOG_WARNING "command line: %s\n", problems[i]);
}
