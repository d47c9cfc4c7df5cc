/*
 * tests/unit/test_guest_config.c - xl.cfg(5) settings into struct
 * guest_config (dom0-tools/guest_config.c and guest_config_check.c): the
 * example files in dom0-tools/examples/ load as written, defaults are xl's,
 * and every refusal names the file, the line and the key.
 *
 * The examples are read from the source tree (KEEL_SRCDIR, default ".",
 * which is where `make unit-test` runs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dom0-tools/guest_config.h"
#include "dom0-tools/guest_config_check.h"
#include "lib/errno.h"

static struct xlcfg cfg;
static struct guest_config gc;
static char text[64 * 1024];

static int load(const char *t)
{
	return guest_config_parse(&gc, &cfg, "g.cfg", t, strlen(t), 0, NULL);
}

static int load_example(const char *name)
{
	const char *dir = getenv("KEEL_SRCDIR") ? getenv("KEEL_SRCDIR") : ".";
	char path[512];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/dom0-tools/examples/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	return guest_config_parse(&gc, &cfg, name, text, len, 0, NULL);
}

/* A valid guest with one more line appended, for the checks of one key. */
static int load_with(const char *extra)
{
	snprintf(text, sizeof(text), "name = 'g'\nkernel = '/k'\n%s\n", extra);
	return load(text);
}

static void expect_refused(const char *extra, int rc, const char *msg)
{
	assert_int_equal(load_with(extra), rc);
	assert_string_equal(cfg.diag.error, msg);
}

/* Exactly n warnings; on a mismatch they are shown, to see which is extra. */
static void expect_warnings(unsigned int n)
{
	for (unsigned int i = 0; i < cfg.diag.nr_warnings && cfg.diag.nr_warnings != n; i++)
		printf("  warning: %s\n", cfg.diag.warnings[i]);
	assert_int_equal(cfg.diag.nr_warnings, n);
}

static void test_example_debian(void **state)
{
	(void)state;
	assert_int_equal(load_example("debian12.cfg"), 0);
	expect_warnings(0);
	assert_string_equal(gc.name, "debian12");
	assert_string_equal(gc.kernel, "/boot/vmlinuz-6.1.0-18-amd64");
	assert_string_equal(gc.ramdisk, "/boot/initrd.img-6.1.0-18-amd64");
	assert_string_equal(gc.cmdline, "root=/dev/xvda2 ro console=hvc0 elevator=noop");
	assert_int_equal(gc.vcpus, 2);
	assert_int_equal(gc.maxvcpus, 2);
	assert_int_equal(gc.memory_mib, 1024);
	assert_int_equal(gc.maxmem_mib, 2048);
	assert_int_equal(gc.nr_disks, 2);
	assert_string_equal(gc.disks[0], "phy:/dev/vg0/debian12-swap,xvda1,w");
	assert_string_equal(gc.disks[1], "phy:/dev/vg0/debian12-disk,xvda2,w");
	assert_int_equal(gc.nr_vifs, 1);
	assert_string_equal(gc.vifs[0], "mac=00:16:3e:2a:5c:01,bridge=xenbr0");
	assert_int_equal(gc.on_poweroff, GUEST_ACTION_DESTROY);
	assert_int_equal(gc.on_reboot, GUEST_ACTION_RESTART);
	assert_int_equal(gc.on_crash, GUEST_ACTION_RESTART);
	assert_int_equal(gc.on_watchdog, GUEST_ACTION_DESTROY);
	assert_false(gc.has_uuid);
}

static void test_example_hello_defaults(void **state)
{
	(void)state;
	assert_int_equal(load_example("hello.cfg"), 0);
	expect_warnings(0);
	assert_string_equal(gc.name, "hello");
	assert_string_equal(gc.kernel, "/var/lib/keel/pv/hello.elf");
	assert_string_equal(gc.ramdisk, "");
	assert_string_equal(gc.cmdline, "console=hvc0 loglvl=all");
	assert_int_equal(gc.memory_mib, 64);
	assert_int_equal(gc.maxmem_mib, 64); /* maxmem defaults to memory */
	assert_int_equal(gc.vcpus, 1);
	assert_int_equal(gc.maxvcpus, 1);
	assert_int_equal(gc.cpu_weight, 256);
	assert_int_equal(gc.cap, 0);
	assert_string_equal(gc.cpus, "");
	assert_int_equal(gc.nr_vifs, 0);
	assert_int_equal(gc.nr_disks, 0);
	assert_int_equal(gc.max_event_channels, 1023);
	assert_int_equal(gc.max_grant_frames, 64);
	assert_int_equal(gc.max_maptrack_frames, 1024);
	assert_int_equal(gc.on_poweroff, GUEST_ACTION_DESTROY);
	assert_int_equal(gc.on_reboot, GUEST_ACTION_RESTART);
	assert_int_equal(gc.on_crash, GUEST_ACTION_DESTROY);
	assert_int_equal(gc.on_watchdog, GUEST_ACTION_DESTROY);
	assert_false(gc.has_uuid);
}

static void test_example_generic_builder(void **state)
{
	static const uint8_t uuid[16] = {0x6c, 0x5f, 0x3c, 0x0e, 0x2b, 0x7a, 0x4f, 0x31,
					 0x9d, 0x2c, 0x7e, 0x1a, 0x5b, 0x0c, 0x9d, 0x44};

	(void)state;
	assert_int_equal(load_example("web01-generic.cfg"), 0);
	expect_warnings(2);
	assert_string_equal(cfg.diag.warnings[0],
			    "web01-generic.cfg:23: \"vfb\" is not supported by Keel; ignored");
	assert_string_equal(cfg.diag.warnings[1],
			    "web01-generic.cfg:25: on_crash: \"coredump-restart\": Keel writes no "
			    "core dumps; acting as \"restart\"");
	assert_string_equal(gc.name, "web01");
	assert_true(gc.has_uuid);
	assert_memory_equal(gc.uuid, uuid, 16);
	assert_string_equal(gc.ramdisk, "/srv/xen/web01/initrd.gz");
	assert_string_equal(gc.cmdline, "root=/dev/xvda1 console=hvc0 xencons=tty");
	assert_int_equal(gc.memory_mib, 512);
	assert_int_equal(gc.vcpus, 2);
	assert_int_equal(gc.maxvcpus, 4);
	assert_string_equal(gc.cpus, "2-3,^0");
	assert_int_equal(gc.cpu_weight, 512);
	assert_int_equal(gc.cap, 150);
	assert_int_equal(gc.max_event_channels, 2047);
	assert_int_equal(gc.max_grant_frames, 32);
	assert_int_equal(gc.nr_vifs, 2);
	assert_string_equal(gc.vifs[1], "bridge=xenbr1,ip=10.0.0.5");
	assert_int_equal(gc.nr_disks, 2);
	assert_string_equal(gc.disks[1],
			    "format=raw, vdev=xvdb, access=ro, target=/srv/iso/tools.iso");
	assert_int_equal(gc.on_crash, GUEST_ACTION_RESTART);
	assert_int_equal(gc.on_watchdog, GUEST_ACTION_RESTART);
}

static void test_example_pygrub(void **state)
{
	char *end;

	(void)state;
	assert_int_equal(load_example("mail-pygrub.cfg"), -EOPNOTSUPP);
	assert_string_equal(
	    cfg.diag.error,
	    "mail-pygrub.cfg:6: bootloader \"pygrub\" is not supported: Keel cannot "
	    "run a bootloader; give kernel = \"...\" (and ramdisk) instead");
	/* With a kernel the same file loads; the bootloader is ignored, saying so. */
	end = text + strlen(text);
	strcpy(end, "kernel = '/boot/vmlinuz'\n");
	assert_int_equal(guest_config_parse(&gc, &cfg, "mail.cfg", text, strlen(text), 0, NULL), 0);
	expect_warnings(1);
	assert_string_equal(
	    cfg.diag.warnings[0],
	    "mail.cfg:6: bootloader \"pygrub\" ignored: Keel boots kernel= directly");
	assert_int_equal(gc.nr_vifs, 1);
	assert_string_equal(gc.vifs[0], ""); /* a vif with every default */
	assert_int_equal(gc.memory_mib, 768);
}

static void test_guest_types(void **state)
{
	(void)state;
	assert_int_equal(load_with("type = 'pv'\nbuilder = 'generic'"), 0);
	assert_int_equal(load_with("builder = 'linux'"), 0);
	expect_refused("type = 'hvm'", -EOPNOTSUPP,
		       "g.cfg:3: type: \"hvm\" guests are not supported: Keel runs PV guests only "
		       "(type = \"pv\")");
	expect_refused("type = \"pvh\"", -EOPNOTSUPP,
		       "g.cfg:3: type: \"pvh\" guests are not supported: Keel runs PV guests only "
		       "(type = \"pv\")");
	expect_refused("builder = 'hvm'", -EOPNOTSUPP,
		       "g.cfg:3: builder: \"hvm\" guests are not supported: Keel runs PV guests "
		       "only (type = \"pv\")");
	expect_refused("type = 'PV'", -EINVAL,
		       "g.cfg:3: type: unknown guest type \"PV\" (expected \"pv\")");
	expect_refused("builder = 'pv'", -EINVAL,
		       "g.cfg:3: builder: unknown guest type \"pv\" (expected \"generic\")");
	expect_refused("type = 1", -EINVAL, "g.cfg:3: type: expected a string, got a number");
}

static void test_required_keys(void **state)
{
	(void)state;
	assert_int_equal(load("kernel = '/k'\n"), -EINVAL);
	assert_string_equal(cfg.diag.error,
			    "g.cfg: name: missing; every guest needs name = \"...\"");
	assert_int_equal(load("name = 'a'\n"), -EINVAL);
	assert_string_equal(
	    cfg.diag.error,
	    "g.cfg: kernel: missing; a PV guest needs kernel = \"/path/to/vmlinuz\"");
	assert_int_equal(load(""), -EINVAL);
	assert_int_equal(load("name = 'a'\nfirmware = 'pvgrub64'\n"), -EOPNOTSUPP);
	assert_string_equal(cfg.diag.error,
			    "g.cfg:2: firmware \"pvgrub64\" is not supported: Keel cannot run a "
			    "bootloader; give kernel = \"...\" (and ramdisk) instead");
	expect_refused("kernel = ''", -EINVAL, "g.cfg:3: kernel: empty path");
	expect_refused("ramdisk = ['/r']", -EINVAL,
		       "g.cfg:3: ramdisk: expected a string, got a list");
	expect_refused("kernel = '/a\\tb\\n'", -EINVAL,
		       "g.cfg:3: kernel: control byte 0x0a in the value");
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(load("name = 'web-01.example_a'\nkernel = '/k'\n"), 0);
	assert_string_equal(gc.name, "web-01.example_a");
	assert_int_equal(load("name = 'a2345678901234567890123456789012345678901234567890123456789"
			      "0123'\nkernel = '/k'\n"),
			 0);
	assert_int_equal(strlen(gc.name), GUEST_NAME_MAX);
	assert_int_equal(load("name = 'a23456789012345678901234567890123456789012345678901234567890"
			      "1234'\nkernel = '/k'\n"),
			 -E2BIG);
	assert_string_equal(cfg.diag.error, "g.cfg:1: name: 64 bytes, longer than 63");
	assert_int_equal(load("name = ''\nkernel = '/k'\n"), -EINVAL);
	assert_string_equal(cfg.diag.error, "g.cfg:1: name: empty name");
	assert_int_equal(load("name = '42'\nkernel = '/k'\n"), -EINVAL);
	assert_string_equal(cfg.diag.error,
			    "g.cfg:1: name: all digits: it would read as a domain id");
	assert_int_equal(load("name = 'my guest'\nkernel = '/k'\n"), -EINVAL);
	assert_string_equal(cfg.diag.error,
			    "g.cfg:1: name: byte 3 is not a letter, digit, '_', '-' or '.'");
	assert_int_equal(load("name = 7\nkernel = '/k'\n"), -EINVAL);
	assert_string_equal(cfg.diag.error, "g.cfg:1: name: expected a string, got a number");
}

static void test_memory(void **state)
{
	(void)state;
	expect_refused("memory = '512'", -EINVAL,
		       "g.cfg:3: memory: expected a number, got a string");
	expect_refused("memory = -512", -EINVAL,
		       "g.cfg:3: memory: -512 is out of range: 1 to 1048576 MiB");
	expect_refused("memory = 0", -EINVAL,
		       "g.cfg:3: memory: 0 is out of range: 1 to 1048576 MiB");
	expect_refused("memory = 0x7fffffffffffffff", -EINVAL,
		       "g.cfg:3: memory: 9223372036854775807 is out of range: 1 to 1048576 MiB");
	expect_refused("memory = 4294967297", -EINVAL,
		       "g.cfg:3: memory: 4294967297 is out of range: 1 to 1048576 MiB");
	expect_refused("memory = 512\nmaxmem = 256", -EINVAL,
		       "g.cfg:4: maxmem: 256 MiB is below memory (512 MiB); maxmem must be >= "
		       "memory");
	/* Only maxmem: memory follows it; neither: 32 MiB, as xl. */
	assert_int_equal(load_with("maxmem = 300"), 0);
	assert_int_equal(gc.memory_mib, 300);
	assert_int_equal(gc.maxmem_mib, 300);
	assert_int_equal(load_with(""), 0);
	assert_int_equal(gc.memory_mib, 32);
	assert_int_equal(gc.maxmem_mib, 32);
	assert_int_equal(load_with("memory = 1048576"), 0);
	assert_int_equal(gc.memory_mib, GUEST_MAX_MEMORY);
}

static void test_vcpus(void **state)
{
	(void)state;
	assert_int_equal(load_with("maxvcpus = 8"), 0);
	assert_int_equal(gc.vcpus, 1);
	assert_int_equal(gc.maxvcpus, 8);
	assert_int_equal(load_with("vcpus = 128"), 0);
	assert_int_equal(gc.maxvcpus, 128);
	expect_refused("vcpus = 0", -EINVAL, "g.cfg:3: vcpus: 0 is out of range: 1 to 128");
	expect_refused("vcpus = 129", -EINVAL, "g.cfg:3: vcpus: 129 is out of range: 1 to 128");
	expect_refused("vcpus = 4\nmaxvcpus = 2", -EINVAL,
		       "g.cfg:4: maxvcpus: 2 is below vcpus (4); maxvcpus must be >= vcpus");
	expect_refused("vcpus = [2]", -EINVAL, "g.cfg:3: vcpus: expected a number, got a list");
}

static void test_command_line(void **state)
{
	(void)state;
	assert_int_equal(load_with("root = '/dev/xvda1'"), 0);
	assert_string_equal(gc.cmdline, "root=/dev/xvda1");
	assert_int_equal(load_with("extra = 'quiet'"), 0);
	assert_string_equal(gc.cmdline, "quiet");
	assert_int_equal(load_with("extra = 'quiet'\nroot = '/dev/xvda1 ro'"), 0);
	assert_string_equal(gc.cmdline, "root=/dev/xvda1 ro quiet"); /* root= first, as xl */
	assert_int_equal(load_with("root = ''\nextra = ''"), 0);
	assert_string_equal(gc.cmdline, "");
	/* cmdline= wins; root and extra are ignored, saying so. */
	assert_int_equal(load_with("root = '/dev/a'\ncmdline = 'console=hvc0'\nextra = 'x'"), 0);
	assert_string_equal(gc.cmdline, "console=hvc0");
	expect_warnings(2);
	assert_string_equal(cfg.diag.warnings[0], "g.cfg:3: root ignored: cmdline is set (line 4)");
	assert_string_equal(cfg.diag.warnings[1],
			    "g.cfg:5: extra ignored: cmdline is set (line 4)");

	/* Each fits on its own, together they do not. */
	memset(text, 0, sizeof(text));
	strcpy(text, "name = 'g'\nkernel = '/k'\nroot = '");
	memset(text + strlen(text), 'r', 600);
	strcat(text, "'\nextra = '");
	memset(text + strlen(text), 'e', 600);
	strcat(text, "'\n");
	assert_int_equal(load(text), -E2BIG);
	assert_string_equal(cfg.diag.error, "g.cfg:4: root= and extra together are longer than the "
					    "1023 bytes of a kernel command line");
	/* The longest one fits exactly. */
	memset(text, 0, sizeof(text));
	strcpy(text, "name = 'g'\nkernel = '/k'\nroot = '");
	memset(text + strlen(text), 'r', 1023 - 5 - 1 - 100);
	strcat(text, "'\nextra = '");
	memset(text + strlen(text), 'e', 100);
	strcat(text, "'\n");
	assert_int_equal(load(text), 0);
	assert_int_equal(strlen(gc.cmdline), GUEST_CMDLINE_MAX);
}

static void test_actions(void **state)
{
	(void)state;
	assert_int_equal(load_with("on_poweroff = 'preserve'\non_reboot = 'rename-restart'\n"
				   "on_crash = 'coredump-destroy'\non_watchdog = 'restart'"),
			 0);
	assert_int_equal(gc.on_poweroff, GUEST_ACTION_PRESERVE);
	assert_int_equal(gc.on_reboot, GUEST_ACTION_RENAME_RESTART);
	assert_int_equal(gc.on_crash, GUEST_ACTION_DESTROY);
	assert_int_equal(gc.on_watchdog, GUEST_ACTION_RESTART);
	expect_warnings(1);
	assert_string_equal(cfg.diag.warnings[0], "g.cfg:5: on_crash: \"coredump-destroy\": Keel "
						  "writes no core dumps; acting as \"destroy\"");
	expect_refused("on_reboot = 'soft-reset'", -EOPNOTSUPP,
		       "g.cfg:3: on_reboot: \"soft-reset\" is for Xen-aware HVM guests, not PV");
	expect_refused("on_crash = 'reboot'", -EINVAL,
		       "g.cfg:3: on_crash: unknown action \"reboot\" (destroy, restart, preserve, "
		       "rename-restart, coredump-destroy, coredump-restart)");
	expect_refused("on_crash = 1", -EINVAL,
		       "g.cfg:3: on_crash: expected a string, got a number");
	assert_string_equal(guest_action_name(GUEST_ACTION_RENAME_RESTART), "rename-restart");
	assert_string_equal(guest_action_name(GUEST_ACTION_PRESERVE), "preserve");
}

static void test_scheduling(void **state)
{
	(void)state;
	assert_int_equal(load_with("cpu_weight = 65535\ncap = 0"), 0);
	assert_int_equal(gc.cpu_weight, 65535);
	expect_refused("cpu_weight = 0", -EINVAL,
		       "g.cfg:3: cpu_weight: 0 is out of range: 1 to 65535");
	expect_refused("cpu_weight = 65536", -EINVAL,
		       "g.cfg:3: cpu_weight: 65536 is out of range: 1 to 65535");
	expect_refused("cap = -1", -EINVAL,
		       "g.cfg:3: cap: -1 is out of range: 0 to 65535 percent of a CPU");
}

static void test_cpus(void **state)
{
	(void)state;
	assert_int_equal(load_with("cpus = 'all,^7'"), 0);
	assert_string_equal(gc.cpus, "all,^7");
	assert_int_equal(load_with("cpus = 'nodes:0-3,^node:2, 1'"), 0);
	assert_int_equal(load_with("cpus = '0-3,5,^1'"), 0);
	expect_refused("cpus = '3-1'", -EINVAL,
		       "g.cfg:3: cpus: item 1 \"3-1\": expected all, N, N-M (N <= M <= 65535) or "
		       "node:N, optionally after '^'");
	expect_refused("cpus = '1,,2'", -EINVAL, "g.cfg:3: cpus: item 2 is empty");
	expect_refused("cpus = ''", -EINVAL, "g.cfg:3: cpus: item 1 is empty");
	expect_refused("cpus = '65536'", -EINVAL,
		       "g.cfg:3: cpus: item 1 \"65536\": expected all, N, N-M (N <= M <= 65535) "
		       "or node:N, optionally after '^'");
	expect_refused("cpus = 'node:'", -EINVAL,
		       "g.cfg:3: cpus: item 1 \"node:\": expected all, N, N-M (N <= M <= 65535) "
		       "or node:N, optionally after '^'");
	expect_refused(
	    "cpus = ['2', '3-8,^5']", -EOPNOTSUPP,
	    "g.cfg:3: cpus: a list (one CPULIST per vCPU) is not supported yet; give one "
	    "CPULIST string for all vCPUs");
	expect_refused("cpus = 3", -EINVAL, "g.cfg:3: cpus: expected a string, got a number");
}

/* cpus= and vmctl vcpu-pin's CPULIST on a given host, and an affinity printed back. */
static void expect_map(const char *list, unsigned int nr_cpus, unsigned int nr_nodes,
		       const char *shown)
{
	struct gcheck_cpumap map;
	char why[GCHECK_WHY_MAX], shown_now[64];

	assert_int_equal(gcheck_cpulist_map(list, nr_cpus, nr_nodes, &map, why), 0);
	gcheck_cpumap_format(&map, nr_cpus, shown_now, sizeof(shown_now));
	assert_string_equal(shown_now, shown);
}

static void expect_no_map(const char *list, unsigned int nr_cpus, unsigned int nr_nodes,
			  const char *reason)
{
	struct gcheck_cpumap map;
	char why[GCHECK_WHY_MAX];

	assert_int_equal(gcheck_cpulist_map(list, nr_cpus, nr_nodes, &map, why), -EINVAL);
	assert_string_equal(why, reason);
}

static void test_cpulist_on_a_host(void **state)
{
	struct gcheck_cpumap map;
	char cut[8];

	(void)state;
	expect_map("0-1,3", 8, 1, "0-1,3");
	expect_map("all,^7", 8, 1, "0-6");
	expect_map("^0, 5-6, 0-2,^1", 8, 1, "0,2,5-6");
	expect_map("1", 2, 1, "1");
	expect_map("all", 2, 1, "all");
	expect_map("0-1", 2, 1, "all");
	expect_map("node:0,^1", 4, 1, "0,2-3");
	expect_map("nodes:0-0", 4, 0, "all");
	expect_map("511", 512, 1, "511");
	expect_no_map("7", 2, 1, "item 1: CPU 7 does not exist (this host has CPUs 0-1)");
	expect_no_map("0,3-8", 4, 1, "item 2: CPU 8 does not exist (this host has CPUs 0-3)");
	expect_no_map("^1", 2, 1, "names no CPU");
	expect_no_map("1,all,^all", 2, 1, "names no CPU");
	expect_no_map("node:1", 4, 1, "item 1: node 1 does not exist (this host has 1 NUMA node)");
	expect_no_map("node:0", 4, 2,
		      "item 1: node items need the host's NUMA topology, which vmctl does not read "
		      "yet: give CPU numbers");
	expect_no_map("1-", 4, 1,
		      "item 1 \"1-\": expected all, N, N-M (N <= M <= 65535) or node:N, optionally "
		      "after '^'");
	expect_no_map("0", 0, 1, "this host has 0 CPUs: vmctl handles 1 to 512");
	expect_no_map("0", 513, 1, "this host has 513 CPUs: vmctl handles 1 to 512");
	/* Printing: none, and a list cut to the buffer, still terminated. */
	memset(&map, 0, sizeof(map));
	gcheck_cpumap_format(&map, 4, cut, sizeof(cut));
	assert_string_equal(cut, "none");
	for (unsigned int c = 0; c < 16; c += 2)
		gcheck_cpumap_set(&map, c, true);
	gcheck_cpumap_format(&map, 16, cut, sizeof(cut));
	assert_string_equal(cut, "0,2,4,6");
}

static void test_vifs(void **state)
{
	(void)state;
	assert_int_equal(load_with("vif = [ 'mac=00:16:3E:74:3d:76,model=rtl8139,bridge=xenbr0',"
				   " 'trusted, ip = 10.0.0.1, rate=10Mb/s@20ms,', '' ]"),
			 0);
	assert_int_equal(gc.nr_vifs, 3);
	expect_refused("vif = 'bridge=xenbr0'", -EINVAL,
		       "g.cfg:3: vif: expected a list of strings, got a string");
	expect_refused("vif = [ 'bridge=xenbr0',\n 5 ]", -EINVAL,
		       "g.cfg:4: vif: item 2: expected a string, got a number");
	expect_refused("vif = [ 'brige=xenbr0' ]", -EINVAL,
		       "g.cfg:3: vif: device 1: item 1 \"brige=xenbr0\": not a keyword of "
		       "xl-network-configuration(5) (KEY=VALUE, trusted or untrusted)");
	expect_refused("vif = [ 'mac=00:16:3e:74:3d' ]", -EINVAL,
		       "g.cfg:3: vif: device 1: item 1: mac needs six hex pairs like "
		       "00:16:3e:12:34:56");
	expect_refused(
	    "vif = [ 'bridge=b,mac=01:00:5e:00:00:01' ]", -EINVAL,
	    "g.cfg:3: vif: device 1: item 2: mac is a multicast address (first byte odd)");
	expect_refused("vif = [ 'bridge=' ]", -EINVAL,
		       "g.cfg:3: vif: device 1: item 1: \"bridge=\" has no value");
	expect_refused("vif = [ '', '', '', '', '', '', '', '', '' ]", -E2BIG,
		       "g.cfg:3: vif: 9 devices, more than 8");
}

static void test_disks(void **state)
{
	(void)state;
	assert_int_equal(load_with("disk = [ '/dev/vg/guest-volume,,hda',"
				   " 'vdev=xvdb, target=/srv/b.img' ]"),
			 0);
	assert_int_equal(gc.nr_disks, 2);
	assert_string_equal(gc.disks[0], "/dev/vg/guest-volume,,hda");
	expect_refused("disk = [ ' ' ]", -EINVAL, "g.cfg:3: disk: device 1: empty disk spec");
	expect_refused("disk = []\nvif = []", 0, "");
	assert_int_equal(gc.nr_disks, 0);
}

static void test_uuid_and_limits(void **state)
{
	(void)state;
	assert_int_equal(load_with("uuid = 'FFEEDDCC-BBAA-9988-7766-554433221100'"), 0);
	assert_true(gc.has_uuid);
	assert_int_equal(gc.uuid[0], 0xff);
	assert_int_equal(gc.uuid[15], 0x00);
	expect_refused("uuid = 'ffeeddcc-bbaa-9988-7766-55443322110'", -EINVAL,
		       "g.cfg:3: uuid: expected 36 characters like "
		       "3e1c5a2f-8b4d-4c6e-9f0a-1b2c3d4e5f60");
	expect_refused("uuid = 'ffeeddccXbbaa-9988-7766-554433221100'", -EINVAL,
		       "g.cfg:3: uuid: character 9: expected '-'");
	expect_refused("uuid = 'ffeeddcc-bbaa-9988-7766-55443322110g'", -EINVAL,
		       "g.cfg:3: uuid: character 36: expected a hex digit");
	assert_int_equal(load_with("max_event_channels = 131071\nmax_grant_frames = 1\n"
				   "max_maptrack_frames = 0"),
			 0);
	assert_int_equal(gc.max_event_channels, 131071);
	assert_int_equal(gc.max_grant_frames, 1);
	assert_int_equal(gc.max_maptrack_frames, 0);
	expect_refused("max_event_channels = 131072", -EINVAL,
		       "g.cfg:3: max_event_channels: 131072 is out of range: 1 to 131071");
	expect_refused("max_grant_frames = 0", -EINVAL,
		       "g.cfg:3: max_grant_frames: 0 is out of range: 1 to 2147483647");
	expect_refused("max_maptrack_frames = 2147483648", -EINVAL,
		       "g.cfg:3: max_maptrack_frames: 2147483648 is out of range: 0 to 2147483647");
}

static void test_unknown_keys_warn(void **state)
{
	(void)state;
	assert_int_equal(load_with("memroy = 512\npool = 'Pool-0'\nmemory = 64\nmemory = 128"), 0);
	expect_warnings(3);
	/* The syntax layer's duplicate warning comes first: it is found while parsing. */
	assert_string_equal(cfg.diag.warnings[0],
			    "g.cfg:6: \"memory\" set again (first at line 5): the last value wins");
	assert_string_equal(cfg.diag.warnings[1], "g.cfg:3: unknown key \"memroy\"; ignored");
	assert_string_equal(cfg.diag.warnings[2],
			    "g.cfg:4: \"pool\" is not supported by Keel; ignored");
	assert_int_equal(gc.memory_mib, 128);
}

static void test_syntax_errors_pass_through(void **state)
{
	(void)state;
	assert_int_equal(load("name = 'a'\nmemory 512\n"), -EINVAL);
	assert_string_equal(cfg.diag.error,
			    "g.cfg:2:8: expected '=' after key \"memory\", got '5'");
}

/* Hostile values that get past the syntax layer must still never crash the loader. */
static void test_hostile_values(void **state)
{
	static const char *const lines[] = {
	    "name = '\\x1b]0;pwned\\x07'",
	    "type = '\\xff\\xfe'",
	    "on_crash = '\\x1b[2J'",
	    "vif = ['mac=zz:zz:zz:zz:zz:zz']",
	    "vif = [',,,,,,=,']",
	    "vif = ['=x']",
	    "cpus = '^'",
	    "cpus = '-1'",
	    "cpus = '1-'",
	    "cpus = 'nodes:1-2-3'",
	    "uuid = ''",
	    "disk = [1]",
	    "kernel = [ ]",
	    "memory = -9223372036854775808",
	    "builder = ''",
	    "cpus = '00000000000000000000001'",
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int rc = load_with(lines[i]);

		assert_true(rc == -EINVAL || rc == -EOPNOTSUPP || rc == -E2BIG);
		assert_memory_equal(cfg.diag.error, "g.cfg:3: ", 9);
		for (const char *p = cfg.diag.error; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_debian),
	    cmocka_unit_test(test_example_hello_defaults),
	    cmocka_unit_test(test_example_generic_builder),
	    cmocka_unit_test(test_example_pygrub),
	    cmocka_unit_test(test_guest_types),
	    cmocka_unit_test(test_required_keys),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_memory),
	    cmocka_unit_test(test_vcpus),
	    cmocka_unit_test(test_command_line),
	    cmocka_unit_test(test_actions),
	    cmocka_unit_test(test_scheduling),
	    cmocka_unit_test(test_cpus),
	    cmocka_unit_test(test_cpulist_on_a_host),
	    cmocka_unit_test(test_vifs),
	    cmocka_unit_test(test_disks),
	    cmocka_unit_test(test_uuid_and_limits),
	    cmocka_unit_test(test_unknown_keys_warn),
	    cmocka_unit_test(test_syntax_errors_pass_through),
	    cmocka_unit_test(test_hostile_values),
	};

	return cmocka_run_group_tests_name("guest_config", tests, NULL, NULL);
}
