/*
 * tests/unit/test_vmctl_commands.c - vmctl's commands
 * (dom0-tools/vmctl/vmctl.c, cmd_*.c) through vmctl_main() against the
 * fake hypervisor and store: output shapes (xl's columns), name lookup,
 * memory sizes, usage errors, and what each command changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "vmctl_test_env.h"

#define HELLO_CFG "name = 'hello'\nkernel = '/k'\nmemory = 8\nmaxmem = 12\n"

static int setup(void **state)
{
	env_reset();
	return 0;
}

static __unused void assert_out(const char *expect)
{
	if (strcmp(out, expect))
		fail_msg("output:\n%s\nexpected:\n%s", out, expect);
}

/* Runs cmd: its exit status and its whole output. */
static void expect_run(const char *cmd, int status, const char *output)
{
	assert_int_equal(run(cmd), status);
	assert_out(output);
}

static void test_list_columns(void **state)
{
	create_guest("/etc/hello.cfg", HELLO_CFG, "hello");
	fake.dom[1].cpu_time = 2345678901ULL;
	assert_int_equal(run("list"), 0);
	assert_out("Name                                        ID   Mem VCPUs     State    Time(s)\n"
		   "Domain-0                                     0     1     1     -b----      12.3\n"
		   "hello                                        1     8     1     -b----       2.3\n");
	assert_int_equal(run("pause hello"), 0);
	assert_int_equal(run("list hello"), 0);
	assert_out("Name                                        ID   Mem VCPUs     State    Time(s)\n"
		   "hello                                        1     8     1     --p---       2.3\n");
	assert_int_equal(run("unpause 1"), 0);
	assert_int_equal(fake.dom[1].pause, 0);
	assert_int_equal(run("list -l hello"), 0);
	assert_non_null(strstr(out, "    uuid "));
	assert_non_null(strstr(out, "kernel /k, memory 8 MiB, maxmem 12 MiB, vcpus 1/1\n"));
	assert_non_null(strstr(out, "on_poweroff destroy, on_reboot restart, on_crash destroy"));
}

static void test_state_letters(void **state)
{
	struct xen_domctl_getdomaininfo di = { 0 };
	char st[7];

	di.flags = XEN_DOMINF_running;
	vmctl_state_letters(&di, st);
	assert_string_equal(st, "r-----");
	di.flags = XEN_DOMINF_shutdown | SHUTDOWN_poweroff << XEN_DOMINF_shutdownshift;
	vmctl_state_letters(&di, st);
	assert_string_equal(st, "---s--");
	di.flags = XEN_DOMINF_shutdown | SHUTDOWN_crash << XEN_DOMINF_shutdownshift;
	vmctl_state_letters(&di, st);
	assert_string_equal(st, "----c-");
	di.flags = XEN_DOMINF_dying | XEN_DOMINF_paused | XEN_DOMINF_blocked;
	vmctl_state_letters(&di, st);
	assert_string_equal(st, "-bp--d");
}

/* VCPU_LIST_HEAD, then one row of hello (id 1) per "VCPU CPU STATE TIME AFFINITY" given. */
#define VCPU_LIST_HEAD                                                                             \
	"Name                                ID  VCPU   CPU State   Time(s)  Affinity (Hard / Soft)\n"
#define HELLO_ROW(rest) "hello                                1 " rest "\n"

static void test_vcpu_list(void **state)
{
	create_guest("/etc/hello.cfg", HELLO_CFG "vcpus = 1\nmaxvcpus = 2\n", "hello");
	assert_int_equal(run("vcpu-list hello"), 0);
	assert_out(VCPU_LIST_HEAD HELLO_ROW("    0     0   -b-       1.5  all / all")
		       HELLO_ROW("    1     -   --p       0.0  all / all"));
	assert_int_equal(run("vcpu-list"), 0);
	assert_non_null(strstr(out, "\nDomain-0                             0     0     0   -b-"));
}

static void test_vcpu_pin(void **state)
{
	create_guest("/etc/hello.cfg", HELLO_CFG "vcpus = 1\nmaxvcpus = 2\n", "hello");
	expect_run("vcpu-pin hello 0 1", 0, "");
	assert_int_equal(fake.dom[1].hard[0], 0x02);
	expect_run("vcpu-list hello", 0,
		   VCPU_LIST_HEAD HELLO_ROW("    0     1   -b-       1.5  1 / all")
		       HELLO_ROW("    1     -   --p       0.0  all / all"));
	/* all vCPUs; then every CPU again, by list and by name. */
	assert_int_equal(run("vcpu-pin hello all 0"), 0);
	assert_int_equal(fake.dom[1].hard[0] | fake.dom[1].hard[1] << 4, 0x11);
	assert_int_equal(run("vcpu-pin 1 1 0-1"), 0);
	expect_run("vcpu-list hello", 0,
		   VCPU_LIST_HEAD HELLO_ROW("    0     0   -b-       1.5  0 / all")
		       HELLO_ROW("    1     -   --p       0.0  all / all"));
	assert_int_equal(run("vcpu-pin hello all all"), 0);
	assert_int_equal(fake.dom[1].hard[0], 0x03);
	/* Refused before the hypervisor is asked, nothing changed. */
	fake.nr_calls = 0;
	expect_run("vcpu-pin hello 0 7", 1,
		   "vmctl: vcpu-pin: CPU list \"7\": item 1: CPU 7 does not exist "
		   "(this host has CPUs 0-1)\n");
	expect_run("vcpu-pin hello 0 ^0,^1", 1,
		   "vmctl: vcpu-pin: CPU list \"^0,^1\": names no CPU\n");
	expect_run("vcpu-pin hello 2 0", 1,
		   "vmctl: vcpu-pin: no vCPU '2': the domain has vCPUs 0-1\n");
	expect_run("vcpu-pin ghost 0 0", 1, "vmctl: domain 'ghost' does not exist\n");
	assert_int_equal(fake_find_call("setvcpuaffinity", 0), -1);
	assert_int_equal(fake.dom[1].hard[0], 0x03);
	expect_run("vcpu-pin hello 0", 2, "Usage: vmctl vcpu-pin DOMAIN VCPU|all CPULIST|all\n");
	assert_int_equal(run("vcpu-pin hello 0 0 1"), 2);
	/* The hypervisor's refusal is said. */
	fake.fail_step = "setvcpuaffinity";
	fake.fail_rc = -EINVAL;
	expect_run("vcpu-pin hello all 1", 1,
		   "vmctl: vcpu-pin hello vCPU 0: setvcpuaffinity: EINVAL\n");
	/* A hypervisor without the affinity domctls: vcpu-list says so in the column. */
	fake.fail_step = "getvcpuaffinity";
	fake.fail_rc = -ENOSYS;
	assert_int_equal(run("vcpu-list hello"), 0);
	assert_non_null(strstr(out, "1.5  (ENOSYS)\n"));
}

static void test_sched_credit(void **state)
{
	create_guest("/etc/hello.cfg", HELLO_CFG "cpu_weight = 128\n", "hello");
	assert_int_equal(run("sched-credit"), 0);
	assert_out("Name                                ID Weight  Cap\n"
		   "Domain-0                             0    256    0\n"
		   "hello                                1    128    0\n");
	assert_int_equal(run("sched-credit -d hello -w 512"), 0);
	assert_int_equal(fake.dom[1].weight, 512);
	assert_int_equal(run("sched-credit -d 1 -c 50"), 0);
	assert_int_equal(fake.dom[1].weight, 512); /* kept */
	assert_int_equal(fake.dom[1].cap, 50);
	assert_int_equal(run("sched-credit -d hello"), 0);
	assert_out("Name                                ID Weight  Cap\n"
		   "hello                                1    512   50\n");
	/* The hypervisor refuses a cap above 100% per vCPU. */
	assert_int_equal(run("sched-credit -d hello -c 150"), 1);
	assert_out("vmctl: sched-credit hello: EINVAL\n");
	assert_int_equal(run("sched-credit -w 5"), 2);
	assert_out("Usage: vmctl sched-credit [-d DOMAIN [-w WEIGHT] [-c CAP]]\n");
	assert_int_equal(run("sched-credit -d hello -w 0"), 2);
	assert_int_equal(run("sched-credit -d hello -w 65536"), 2);
	assert_int_equal(run("sched-credit -d nope -w 5"), 1);
	assert_out("vmctl: domain 'nope' does not exist\n");
}

static void test_info(void **state)
{
	assert_int_equal(run("info"), 0);
	assert_non_null(strstr(out, "host                   : testhost\n"));
	assert_non_null(strstr(out, "\nnr_cpus                : 2\n"));
	assert_non_null(strstr(out, "\ncpu_mhz                : 2400\n"));
	assert_non_null(strstr(out, "\ntotal_memory           : 32\n"));
	assert_non_null(strstr(out, "\nfree_memory            : 30\n"));
	assert_non_null(strstr(out, "\nxen_major              : 4\n"));
	assert_non_null(strstr(out, "\nxen_minor              : 17\n"));
	assert_non_null(strstr(out, "\nxen_version            : 4.17-keel\n"));
	assert_non_null(strstr(out, "\nxen_caps               : xen-3.0-x86_64\n"));
	assert_non_null(strstr(out, "\nxen_scheduler          : credit\n"));
	assert_int_equal(run("info extra"), 2);
	fake.fail_step = "physinfo";
	fake.fail_rc = -EPERM;
	assert_int_equal(run("info"), 1);
	assert_out("vmctl: physinfo: EPERM\n");
}

static void test_dmesg(void **state)
{
	strcpy(fake.console, "(KEEL) Keel starting\n(d1) hello\n");
	assert_int_equal(run("dmesg"), 0);
	assert_out("(KEEL) Keel starting\n(d1) hello\n");
	assert_int_equal(run("dmesg -c"), 0);
	assert_out("(KEEL) Keel starting\n(d1) hello\n");
	assert_int_equal(run("dmesg"), 0);
	assert_out("");
	assert_int_equal(run("dmesg -x"), 2);
}

/* Our dom0's output goes into the ring dmesg reads: it prints the ring once, not its own echo. */
static void test_dmesg_own_output(void **state)
{
	strcpy(fake.console, "(KEEL) Keel starting\n");
	echo_out_to_console = true;
	assert_int_equal(run("dmesg"), 0);
	echo_out_to_console = false;
	assert_out("(KEEL) Keel starting\n");
	assert_string_equal(fake.console, "(KEEL) Keel starting\n(KEEL) Keel starting\n");
}

static void test_parse_mem(void **state)
{
	static const struct {
		const char *s;
		uint64_t kb;
	} good[] = {
		{ "1024", 1024 },      { "2048k", 2048 },	{ "2048K", 2048 },
		{ "512m", 524288 },    { "512M", 524288 },	{ "1g", 1048576 },
		{ "1t", 1ULL << 30 },  { "4096b", 4 },		{ "0", 0 },
	};
	static const char *const bad[] = { "", "m", "12x", "1.5g", "-1", "0x10", "99999999999999999999" };
	uint64_t kb;

	for (unsigned int i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(vmctl_parse_mem_kb(good[i].s, &kb), 0);
		assert_int_equal(kb, good[i].kb);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(vmctl_parse_mem_kb(bad[i], &kb), -EINVAL);
	assert_int_equal(vmctl_parse_mem_kb("17179869184t", &kb), -EINVAL); /* 2^34 TiB overflows */
}

static void test_mem_set_and_max(void **state)
{
	create_guest("/etc/hello.cfg", HELLO_CFG, "hello");
	assert_int_equal(run("mem-set hello 6m"), 0);
	assert_string_equal(fstore_value("/local/domain/1/memory/target"), "6144");
	assert_int_equal(run("mem-set 1 7000"), 0);
	assert_string_equal(fstore_value("/local/domain/1/memory/target"), "7000");
	assert_int_equal(run("mem-set hello 13m"), 1);
	assert_out("vmctl: mem-set hello: 13312k is above the domain's maximum, 12288k\n");
	assert_string_equal(fstore_value("/local/domain/1/memory/target"), "7000");
	assert_int_equal(run("mem-set hello 12q"), 2);
	assert_out("vmctl: invalid memory size '12q'\nUsage: vmctl mem-set DOMAIN MEM\n");
	assert_int_equal(run("mem-max hello 16m"), 0);
	assert_int_equal(fake.dom[1].max_pages, 4096);
	assert_string_equal(fstore_value("/local/domain/1/memory/static-max"), "16384");
	assert_int_equal(run("mem-set hello 13m"), 0);
	assert_int_equal(run("mem-max nope 16m"), 1);
	assert_out("vmctl: domain 'nope' does not exist\n");
}
/* Settings after the file win over it, as with xl create; a bad one is named. */
static void test_create_overrides(void **state)
{
	const struct vmctl_domain *d;

	(void)state;
	add_file("/etc/s.cfg", "name = 's'\nkernel = '/k'\nmemory = 8\ncpu_weight = 256\n");
	assert_int_equal(run("create /etc/s.cfg name=\"s2\" cpu_weight=512 memory=9"), 0);
	assert_out("Parsing config from /etc/s.cfg\n");
	d = vmctl_table_find_name(&table, "s2");
	assert_non_null(d);
	assert_null(vmctl_table_find_name(&table, "s"));
	assert_int_equal(fake.dom[d->domid].weight, 512);
	assert_int_equal(fake.dom[d->domid].max_pages, 9 * 256);

	assert_int_equal(run("create /etc/s.cfg name=\"s3\" memory=\"x\""), 1);
	assert_out("Parsing config from /etc/s.cfg\n"
		   "error: /etc/s.cfg: setting 2 given after it: memory: expected a number, got a string\n");
	assert_int_equal(run("create /etc/s.cfg name="), 1);
	assert_null(vmctl_table_find_name(&table, "s3"));
}

static void test_create_messages(void **state)
{
	add_file("/etc/w.cfg", "name = 'w'\nkernel = '/k'\nmemory = 8\nmemroy = 9\n");
	assert_int_equal(run("create /etc/w.cfg"), 0);
	assert_out("Parsing config from /etc/w.cfg\n"
		   "warning: /etc/w.cfg:4: unknown key \"memroy\"; ignored\n");
	assert_non_null(vmctl_table_find_name(&table, "w"));

	add_file("/etc/bad.cfg", "name = 'bad'\nmemory = 'x'\n");
	assert_int_equal(run("create /etc/bad.cfg"), 1);
	assert_out("Parsing config from /etc/bad.cfg\n"
		   "error: /etc/bad.cfg:2: memory: expected a number, got a string\n");

	assert_int_equal(run("create /nope.cfg"), 1);
	assert_out("vmctl: cannot read /nope.cfg\n");

	add_file("/etc/nok.cfg", "name = 'nok'\nkernel = '/missing'\nmemory = 8\n");
	assert_int_equal(run("create /etc/nok.cfg"), 1);
	assert_out("Parsing config from /etc/nok.cfg\nvmctl: nok: cannot read kernel /missing\n");
	assert_null(vmctl_table_find_name(&table, "nok"));

	add_file("/etc/w2.cfg", "name = 'w'\nkernel = '/k'\nmemory = 8\n");
	assert_int_equal(run("create /etc/w2.cfg"), 1);
	assert_out("Parsing config from /etc/w2.cfg\nvmctl: a domain named 'w' already exists\n");

	add_file("/etc/big.cfg", "name = 'big'\nkernel = '/k'\nmemory = 15\n");
	fake_add_domain(5, fake_free_pages() - 14 * 256, 1);
	assert_int_equal(run("create /etc/big.cfg"), 1);
	assert_out("Parsing config from /etc/big.cfg\n"
		   "vmctl: big: not enough free memory: memory = 15 MiB, the host has 14 MiB free\n");
	assert_null(vmctl_table_find_name(&table, "big"));
	assert_int_equal(run("create"), 2);
	assert_out("Usage: vmctl create [-c] FILE [KEY=VALUE ...]\n");
	assert_int_equal(run("create -x /etc/w.cfg"), 2);
}

static void test_create_console_and_failure_cleanup(void **state)
{
	domid_t id;

	add_file("/etc/hello.cfg", HELLO_CFG);
	assert_int_equal(run("create -c /etc/hello.cfg"), 0);
	id = vmctl_table_find_name(&table, "hello")->domid;
	assert_int_equal(console_domid, id);
	assert_int_equal(run("destroy hello"), 0);

	/* A step failing: the message, no table entry, no domain. */
	fake.fail_step = "setvcpucontext";
	fake.fail_rc = -EINVAL;
	assert_int_equal(run("create /etc/hello.cfg"), 1);
	assert_non_null(strstr(out, "vmctl: hello: setvcpucontext failed: EINVAL (domain "));
	assert_null(vmctl_table_find_name(&table, "hello"));
	for (unsigned int d = 1; d < FAKE_DOMS; d++)
		assert_false(fake.dom[d].exists);
}

static void test_console_command(void **state)
{
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG, "hello");

	assert_int_equal(run("console hello"), 0);
	assert_int_equal(console_domid, id);
	assert_int_equal(run("console Domain-0"), 1);
	assert_out("vmctl: console: not for Domain-0\n");
	fake_add_domain(6, 16, 1);
	assert_int_equal(run("console 6"), 1);
	assert_out("vmctl: console 6: not a domain vmctl created\n");
}

static void test_destroy(void **state)
{
	uint64_t free_before = fake_free_pages();
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG, "hello");
	char path[64];

	assert_int_equal(run("destroy hello"), 0);
	assert_out("");
	assert_false(fake.dom[id].exists);
	assert_null(vmctl_table_find(&table, id));
	snprintf(path, sizeof(path), "/local/domain/%u", id);
	assert_int_equal(fstore_count(path), 0);
	assert_int_equal(fstore.released, id);
	assert_int_equal(fake_free_pages(), free_before);
	assert_int_equal(run("destroy hello"), 1);
	assert_out("vmctl: domain 'hello' does not exist\n");
	assert_int_equal(run("destroy 0"), 1);
	assert_out("vmctl: destroy: not for Domain-0\n");
	assert_int_equal(run("destroy"), 2);
	assert_out("Usage: vmctl destroy DOMAIN\n");
	assert_int_equal(run("destroy a b"), 2);
}

static domid_t react_domid;

static void guest_powers_off(void)
{
	fake.dom[react_domid].shutdown_reason = SHUTDOWN_poweroff + 1;
}

static void test_shutdown_and_reboot(void **state)
{
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG, "hello");
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", id);
	assert_int_equal(run("reboot hello"), 0);
	assert_string_equal(fstore_value(path), "reboot");
	assert_int_equal(run("shutdown hello"), 0);
	assert_string_equal(fstore_value(path), "poweroff");
	assert_true(fake.dom[id].exists);

	/* -w: the guest goes down while vmctl waits; its on_poweroff (destroy) is applied. */
	react_domid = id;
	fake.on_sleep = guest_powers_off;
	assert_int_equal(run("shutdown -w hello"), 0);
	assert_out("Waiting for domain hello (1) to shut down\n"
		   "hello: shut down (poweroff), destroyed\n"
		   "Domain hello (1) is down\n");
	assert_false(fake.dom[id].exists);
	fake.on_sleep = NULL;

	/* A guest that never reacts: a timeout, and it is left alone. */
	id = create_guest("/etc/hello.cfg", HELLO_CFG, "hello");
	assert_int_equal(run("shutdown -w hello"), 1);
	assert_non_null(strstr(out, "vmctl: domain hello (2) did not shut down within 60 s\n"));
	assert_true(fake.dom[id].exists);
	assert_int_equal(run("shutdown -q hello"), 2);
	assert_out("Usage: vmctl shutdown [-w] DOMAIN\n");
	assert_int_equal(run("shutdown nope"), 1);
	assert_out("vmctl: domain 'nope' does not exist\n");
}

static void test_usage_and_help(void **state)
{
	assert_int_equal(run("frobnicate"), 2);
	assert_out("vmctl: unknown command 'frobnicate'; try 'vmctl help'\n");
	assert_int_equal(run("pause"), 2);
	assert_out("Usage: vmctl pause DOMAIN\n");
	assert_int_equal(run("unpause x y"), 2);
	assert_out("Usage: vmctl unpause DOMAIN\n");
	assert_int_equal(run("pause ghost"), 1);
	assert_out("vmctl: domain 'ghost' does not exist\n");
	assert_int_equal(run("list ghost"), 1);
	assert_out("vmctl: domain 'ghost' does not exist\n");
	assert_int_equal(run("vcpu-list 77"), 1);
	assert_out("vmctl: domain '77' does not exist\n");
	assert_int_equal(run("help create"), 0);
	assert_out("Usage: vmctl create [-c] FILE [KEY=VALUE ...]\n\n"
		   "create a domain from a config file (settings after it win)\n");
	assert_int_equal(run("help"), 0);
	for (const char *c = "create list destroy shutdown reboot pause unpause console info "
			     "dmesg mem-set mem-max vcpu-list vcpu-pin sched-credit help top";
	     *c;) {
		char word[32];
		size_t n = strcspn(c, " ");

		snprintf(word, sizeof(word), "\n %-14.*s ", (int)n, c);
		if (!strstr(out, word))
			fail_msg("help lacks %s", word);
		c += n + (c[n] == ' ');
	}
	assert_int_equal(run("help nope"), 1);
	/* top's loop is dom0's: vmctl_main only documents it. */
	assert_int_equal(run("help top"), 0);
	assert_out("Usage: vmctl top [-i ITERATIONS] [-d SECONDS]\n\na live table of domains (xentop)\n");
	assert_int_equal(run("top"), 2);
	assert_out("vmctl: top runs in dom0's shell, where it can wait for a key\n");
}

static void test_name_lookup(void **state)
{
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG, "hello"), got;

	assert_int_equal(vmctl_table_resolve(&table, "Domain-0", &got), 0);
	assert_int_equal(got, 0);
	assert_int_equal(vmctl_table_resolve(&table, "hello", &got), 0);
	assert_int_equal(got, id);
	assert_int_equal(vmctl_table_resolve(&table, "5", &got), 0);
	assert_int_equal(got, 5);
	assert_int_equal(vmctl_table_resolve(&table, "nope", &got), -ESRCH);
	assert_int_equal(vmctl_table_resolve(&table, "32752", &got), -ESRCH); /* DOMID_FIRST_RESERVED */
	assert_int_equal(vmctl_parse_domid("32751", &got), 0);
	{
		uint64_t v;

		/* A bound below 9: a digit above it is out of range too. */
		assert_int_equal(vmctl_parse_uint("2", 1, &v), -EINVAL);
		assert_int_equal(vmctl_parse_uint("10", 1, &v), -EINVAL);
		assert_int_equal(vmctl_parse_uint("1", 1, &v), 0);
		assert_int_equal(vmctl_parse_uint("0", 0, &v), 0);
		assert_int_equal(vmctl_parse_uint("18446744073709551615", UINT64_MAX, &v), 0);
		assert_int_equal(vmctl_parse_uint("18446744073709551616", UINT64_MAX, &v), -EINVAL);
	}
	assert_int_equal(vmctl_parse_domid("0x1", &got), -EINVAL);
	assert_int_equal(vmctl_parse_domid("", &got), -EINVAL);
	assert_string_equal(vmctl_table_name(&table, 0), "Domain-0");
	assert_string_equal(vmctl_table_name(&table, id), "hello");
	assert_null(vmctl_table_name(&table, 7));
	assert_int_equal(vmctl_lookup(&env, "5", &got), -ESRCH); /* a number must exist */
	/* A domain vmctl did not create shows its xenstore name. */
	fake_add_domain(5, 16, 1);
	fstore_write(NULL, "/local/domain/5/name", "other");
	assert_int_equal(run("list 5"), 0);
	assert_non_null(strstr(out, "\nother "));
}

static void test_top_frame(void **state)
{
	static struct vmctl_top_sample a, b;

	create_guest("/etc/hello.cfg", HELLO_CFG, "hello");
	clock_ns = 1000000000ULL;
	assert_int_equal(vmctl_top_sample(&env, &a), 0);
	fake.dom[0].cpu_time += 500000000ULL; /* half a CPU for a second */
	fake.dom[1].cpu_time += 1000000000ULL;
	clock_ns += 2000000000ULL;
	assert_int_equal(vmctl_top_sample(&env, &b), 0);
	out[0] = '\0';
	out_len = 0;
	vmctl_top_frame(&env, &a, &b);
	assert_out("2 domains: 0 running, 2 blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown\n"
		   "Mem: 32768k total, 9224k used, 23544k free    CPUs: 2 @ 2400MHz\n"
		   "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) VCPUS\n"
		   "  Domain-0 -b----         12   25.0       1024    3.1       1024     1\n"
		   "     hello -b----          1   50.0       8192   25.0      12288     1\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_list_columns, setup),
		cmocka_unit_test_setup(test_state_letters, setup),
		cmocka_unit_test_setup(test_vcpu_list, setup),
		cmocka_unit_test_setup(test_vcpu_pin, setup),
		cmocka_unit_test_setup(test_sched_credit, setup),
		cmocka_unit_test_setup(test_info, setup),
		cmocka_unit_test_setup(test_dmesg, setup),
		cmocka_unit_test_setup(test_dmesg_own_output, setup),
		cmocka_unit_test_setup(test_parse_mem, setup),
		cmocka_unit_test_setup(test_mem_set_and_max, setup),
		cmocka_unit_test_setup(test_create_messages, setup),
		cmocka_unit_test_setup(test_create_overrides, setup),
		cmocka_unit_test_setup(test_create_console_and_failure_cleanup, setup),
		cmocka_unit_test_setup(test_console_command, setup),
		cmocka_unit_test_setup(test_destroy, setup),
		cmocka_unit_test_setup(test_shutdown_and_reboot, setup),
		cmocka_unit_test_setup(test_usage_and_help, setup),
		cmocka_unit_test_setup(test_name_lookup, setup),
		cmocka_unit_test_setup(test_top_frame, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
