/*
 * tests/unit/test_vmctl_create.c - `vmctl create`'s library
 * (dom0-tools/vmctl/domain_create.c, domain_store.c) against the fake
 * hypervisor and store of vmctl_fake.h: the calls in order, the XenStore
 * tree and its permissions, the guest's memory, and that every failing
 * step leaves no domain, no frame, no mapping and no store node behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmctl_fake.h"

#include "dom0-tools/vmctl/domain_create.h"
#include "pv_test_kernel.h"

#define VB 0xffffffff80000000ULL

static struct xlcfg cfg;
static struct guest_config gc;
static struct vmctl_create_scratch scratch;
static uint64_t p2m[4096];
static struct vmctl_domain dom;
static char msg[VMCTL_MSG_MAX];
static const uint8_t uuid[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
				  1,    2,    3,    4,    5,    6,    7,    8 };
#define UUID_TEXT "12345678-9abc-def0-0102-030405060708"

static void load_config(const char *text)
{
	assert_int_equal(guest_config_parse(&gc, &cfg, "t.cfg", text, strlen(text), 0, NULL), 0);
}

static int setup(void **state)
{
	fake_reset(64);
	spec.virt_base = VB;
	spec.paddr = 0;
	spec.init_p2m = 0;
	make_kernel();
	(void)lay; /* pv_test_kernel.h's, for the layout tests */
	scratch.p2m = p2m;
	scratch.p2m_max = 4096;
	load_config("name = 'hello'\nkernel = '/k'\nmemory = 8\nmaxmem = 12\n"
		    "vcpus = 1\nmaxvcpus = 2\ncpu_weight = 512\ncap = 50\nextra = 'console=hvc0'\n");
	memset(&dom, 0, sizeof(dom));
	return 0;
}

static int create(void)
{
	struct vmctl_create_params p = { &gc, file, IMG_SIZE, NULL, 0, uuid };

	return vmctl_domain_create(&fake_hv, &fake_store, &scratch, &p, &dom, msg);
}

/* Nothing of domain 1 is left: no domain, frames, mappings or store nodes. */
static void assert_nothing_left(uint64_t free_before)
{
	assert_false(fake.dom[1].exists);
	assert_int_equal(fake_free_pages(), free_before);
	assert_int_equal(fake.mapped, 0);
	assert_int_equal(fstore_count("/local/domain/1"), 0);
	assert_int_equal(fstore_count("/vm/" UUID_TEXT), 0);
}

static void test_create_calls_in_order(void **state)
{
	static const char *const order[] = {
		"physinfo",    "createdomain", "max_vcpus",	"max_mem",	  "populate_physmap",
		"getdomaininfo", "alloc_unbound", "map_foreign",   "mmuext_op",
		"setvcpucontext", "sched_id", "scheduler_op", "unpausedomain",
	};
	int at = 0;

	assert_int_equal(create(), 0);
	assert_string_equal(msg, "");
	for (unsigned int i = 0; i < ARRAY_SIZE(order); i++) {
		at = fake_find_call(order[i], (unsigned int)at);
		assert_true(at >= 0);
		at++;
	}
	assert_int_equal(fake_find_call("destroydomain", 0), -1);
	assert_int_equal(dom.domid, 1);
	assert_true(fake.dom[1].pinned && fake.dom[1].vcpu0_set);
	assert_int_equal(fake.dom[1].pause, 0);
	assert_int_equal(fake.dom[1].tot_pages, 8 * 256);
	assert_int_equal(fake.dom[1].max_pages, 12 * 256);
	assert_int_equal(fake.dom[1].max_vcpus, 2);
	assert_int_equal(fake.dom[1].weight, 512);
	assert_int_equal(fake.dom[1].cap, 50);
	assert_memory_equal(fake.dom[1].handle, uuid, 16);
	assert_int_equal(fake.mapped, 0);
	assert_string_equal(dom.config.name, "hello");
	assert_memory_equal(dom.uuid, uuid, 16);
}

static void test_create_writes_guest_memory(void **state)
{
	struct start_info *si;

	assert_int_equal(create(), 0);
	/* The ring frames belong to the guest; start_info names them and the ports. */
	assert_int_equal(fake.owner[dom.store_mfn], 1);
	assert_int_equal(fake.owner[dom.console_mfn], 1);
	si = (struct start_info *)fake_ram[p2m[domain_layout_pfn(&scratch.layout,
								  scratch.layout.start_info)]];
	assert_memory_equal(si->magic, "xen-3.0-x86_64", 14);
	assert_int_equal(si->store_mfn, dom.store_mfn);
	assert_int_equal(si->store_evtchn, dom.store_port);
	assert_int_equal(si->console.domU.mfn, dom.console_mfn);
	assert_int_equal(si->console.domU.evtchn, dom.console_port);
	assert_string_equal((char *)si->cmd_line, "console=hvc0");
	assert_int_equal(si->nr_pages, 8 * 256);
	/* Upcalls masked by the toolstack, as Xen needs. */
	assert_int_equal(((struct shared_info *)fake_ram[fake.dom[1].shared_info])
				 ->vcpu_info[0].evtchn_upcall_mask, 1);
}

static void assert_node(const char *path, const char *value, domid_t owner, domid_t reader)
{
	struct fake_node *n = fstore_find(path);

	if (!n)
		fail_msg("no node %s", path);
	if (value)
		assert_string_equal(n->value, value);
	assert_int_equal(n->owner, owner);
	assert_int_equal(n->reader, reader);
}

static void test_create_store_tree(void **state)
{
	char buf[32];

	assert_int_equal(create(), 0);
	assert_node("/local/domain/1", NULL, 0, 1);
	assert_node("/local/domain/1/name", "hello", 0, 1);
	assert_node("/local/domain/1/domid", "1", 0, 1);
	assert_node("/local/domain/1/vm", "/vm/" UUID_TEXT, 0, 1);
	assert_node("/local/domain/1/memory/target", "8192", 0, 1);
	assert_node("/local/domain/1/memory/static-max", "12288", 0, 1);
	assert_node("/local/domain/1/cpu/0/availability", "online", 0, 1);
	assert_node("/local/domain/1/cpu/1/availability", "offline", 0, 1);
	assert_null(fstore_find("/local/domain/1/cpu/2/availability"));
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)dom.console_mfn);
	assert_node("/local/domain/1/console/ring-ref", buf, 0, 1);
	snprintf(buf, sizeof(buf), "%u", dom.console_port);
	assert_node("/local/domain/1/console/port", buf, 0, 1);
	assert_node("/local/domain/1/console/limit", "1048576", 0, 1);
	assert_node("/local/domain/1/console/type", "xenconsoled", 0, 1);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)dom.store_mfn);
	assert_node("/local/domain/1/store/ring-ref", buf, 0, 1);
	snprintf(buf, sizeof(buf), "%u", dom.store_port);
	assert_node("/local/domain/1/store/port", buf, 0, 1);
	/* The guest owns what it writes. */
	assert_node("/local/domain/1/control", NULL, 1, DOMID_INVALID);
	assert_node("/local/domain/1/control/shutdown", "", 1, DOMID_INVALID);
	assert_node("/local/domain/1/device", NULL, 1, DOMID_INVALID);
	assert_node("/local/domain/1/data", NULL, 1, DOMID_INVALID);
	assert_node("/vm/" UUID_TEXT "/name", "hello", 0, 1);
	assert_node("/vm/" UUID_TEXT "/uuid", UUID_TEXT, 0, 1);
	/* Introduced with the store ring, and only after the tree was written. */
	assert_int_equal(fstore.introduced, 1);
	assert_int_equal(fstore.intro_mfn, dom.store_mfn);
	assert_int_equal(fstore.intro_port, dom.store_port);
	assert_int_not_equal(dom.store_port, dom.console_port);
}

/* Each hypervisor step fails in turn: a clear message, and nothing left. */
static void test_create_failing_step_leaves_nothing(void **state)
{
	static const struct {
		const char *call;
		int rc;
		const char *msg;
	} steps[] = {
		{ "createdomain", -ENOMEM, "hello: createdomain failed: ENOMEM" },
		{ "max_vcpus", -EINVAL, "hello: max_vcpus failed: EINVAL (domain 1 destroyed)" },
		{ "max_mem", -EINVAL, "hello: max_mem failed: EINVAL (domain 1 destroyed)" },
		{ "populate_physmap", -ENOMEM,
		  "hello: populate_physmap failed: ENOMEM (domain 1 destroyed)" },
		{ "getdomaininfo", -ESRCH, "hello: getdomaininfo failed: ESRCH (domain 1 destroyed)" },
		{ "alloc_unbound", -ENOSPC,
		  "hello: alloc_unbound (store) failed: ENOSPC (domain 1 destroyed)" },
		{ "map_foreign", -EFAULT, "hello: map_foreign failed: EFAULT (domain 1 destroyed)" },
		{ "mmuext_op", -EINVAL, "hello: pin L4 failed: EINVAL (domain 1 destroyed)" },
		{ "setvcpucontext", -EINVAL,
		  "hello: setvcpucontext failed: EINVAL (domain 1 destroyed)" },
		{ "scheduler_op", -EINVAL,
		  "hello: scheduler_op putinfo failed: EINVAL (domain 1 destroyed)" },
		{ "unpausedomain", -EINVAL,
		  "hello: unpausedomain failed: EINVAL (domain 1 destroyed)" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(steps); i++) {
		uint64_t free_before;

		setup(state);
		free_before = fake_free_pages();
		fake.fail_step = steps[i].call;
		fake.fail_rc = steps[i].rc;
		assert_int_equal(create(), steps[i].rc);
		assert_string_equal(msg, steps[i].msg);
		assert_nothing_left(free_before);
		if (i > 0)
			assert_true(fake_find_call("destroydomain", 0) >= 0);
	}
}

/* cpus=: every vCPU pinned after max_vcpus and before any memory, checked against the host first. */
static void test_create_applies_cpus(void **state)
{
	static const char base[] = "name = 'hello'\nkernel = '/k'\nmemory = 8\nmaxvcpus = 2\n";
	char text[128];
	uint64_t free_before;
	int at;

	snprintf(text, sizeof(text), "%scpus = '1'\n", base);
	load_config(text);
	assert_int_equal(create(), 0);
	at = fake_find_call("max_vcpus", 0);
	at = fake_find_call("setvcpuaffinity", (unsigned int)at);
	assert_true(at >= 0 && at < fake_find_call("populate_physmap", 0));
	assert_int_equal(fake.dom[1].hard[0], 0x02);
	assert_int_equal(fake.dom[1].hard[1], 0x02);
	assert_int_equal(fake.dom[1].soft[0], 0x03); /* soft affinity is not touched */

	/* A CPU the host does not have: refused before anything exists. */
	setup(state);
	snprintf(text, sizeof(text), "%scpus = '0,7'\n", base);
	load_config(text);
	assert_int_equal(create(), -EINVAL);
	assert_string_equal(msg, "hello: cpus = \"0,7\": item 2: CPU 7 does not exist "
				 "(this host has CPUs 0-1)");
	assert_int_equal(fake_find_call("createdomain", 0), -1);

	/* The hypervisor refuses: the step is named and the domain goes. */
	setup(state);
	snprintf(text, sizeof(text), "%scpus = 'all,^0'\n", base);
	load_config(text);
	free_before = fake_free_pages();
	fake.fail_step = "setvcpuaffinity";
	fake.fail_rc = -EINVAL;
	assert_int_equal(create(), -EINVAL);
	assert_string_equal(msg, "hello: setvcpuaffinity failed: EINVAL (domain 1 destroyed)");
	assert_nothing_left(free_before);

	/* No cpus=: every CPU, nothing asked. */
	setup(state);
	load_config(base);
	assert_int_equal(create(), 0);
	assert_int_equal(fake_find_call("setvcpuaffinity", 0), -1);
	assert_int_equal(fake.dom[1].hard[1], 0x03);
}

/* No cpu_weight or cap: no scheduler call at all (Xen's default credit2 needs none). */
static void test_create_default_sched_asks_nothing(void **state)
{
	load_config("name = 'hello'\nkernel = '/k'\nmemory = 8\n");
	fake.sched_id = 0xdead; /* a scheduler vmctl does not know */
	assert_int_equal(create(), 0);
	assert_int_equal(fake_find_call("sched_id", 0), -1);
	assert_int_equal(fake_find_call("scheduler_op", 0), -1);
}

/* Under credit2 the weight and cap go to credit2. */
static void test_create_sched_credit2(void **state)
{
	fake.sched_id = XEN_SCHEDULER_CREDIT2;
	assert_int_equal(create(), 0);
	assert_int_equal(fake.dom[1].weight, 512);
	assert_int_equal(fake.dom[1].cap, 50);
	setup(state); /* again, under a scheduler with neither */
	fake.sched_id = 0xdead;
	assert_int_equal(create(), -EINVAL);
	assert_string_equal(msg, "hello: cpu_weight/cap (the scheduler has neither) failed: "
				 "EINVAL (domain 1 destroyed)");
}

static void test_create_failing_store_op_leaves_nothing(void **state)
{
	static const char *const ops[] = { "write", "mkdir", "set_perms", "introduce" };
	static const char *const msgs[] = {
		"hello: xenstore write failed: EACCES (domain 1 destroyed)",
		"hello: xenstore mkdir failed: EACCES (domain 1 destroyed)",
		"hello: xenstore set_perms failed: EACCES (domain 1 destroyed)",
		"hello: xenstore introduce failed: EEXIST (domain 1 destroyed)",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
		uint64_t free_before;

		setup(state);
		free_before = fake_free_pages();
		fstore.fail_op = ops[i];
		assert_true(create() < 0);
		assert_string_equal(msg, msgs[i]);
		assert_nothing_left(free_before);
		assert_int_equal(fstore.released, 1);
		assert_int_equal(fake_find_call("unpausedomain", 0), -1);
	}
}

static void test_create_refuses_more_than_free(void **state)
{
	load_config("name = 'big'\nkernel = '/k'\nmemory = 14\n");
	fake_add_domain(2, fake_free_pages() - 10 * 256, 1); /* leaves 10 MiB free */
	assert_int_equal(create(), -ENOMEM);
	assert_string_equal(msg, "big: not enough free memory: memory = 14 MiB, the host has 10 MiB free");
	assert_int_equal(fake_find_call("createdomain", 0), -1);
}

static void test_create_refuses_above_scratch(void **state)
{
	load_config("name = 'big'\nkernel = '/k'\nmemory = 17\n");
	assert_int_equal(create(), -E2BIG);
	assert_string_equal(msg, "big: memory = 17 MiB is more than vmctl can build (16 MiB)");
	assert_int_equal(fake_find_call("createdomain", 0), -1);
}

static void test_create_refuses_bad_kernel(void **state)
{
	struct vmctl_create_params p = { &gc, "\177ELF junk", 9, NULL, 0, uuid };

	assert_true(vmctl_domain_create(&fake_hv, &fake_store, &scratch, &p, &dom, msg) < 0);
	assert_true(strncmp(msg, "hello: kernel /k: ", 18) == 0);
	assert_true(strlen(msg) > 18);
	assert_int_equal(fake_find_call("createdomain", 0), -1);

	/* An ELF without Xen notes is not a PV kernel. */
	file[IMG_NOTES] = 0;
	file[IMG_NOTES + 8] = 0x77;
	p.kernel = file;
	p.kernel_len = IMG_SIZE;
	assert_true(vmctl_domain_create(&fake_hv, &fake_store, &scratch, &p, &dom, msg) < 0);
	assert_true(strncmp(msg, "hello: kernel /k: ", 18) == 0);
	assert_int_equal(fake_find_call("createdomain", 0), -1);
}

static void test_teardown_retries_busy(void **state)
{
	uint64_t free_before = fake_free_pages();

	assert_int_equal(create(), 0);
	fake.busy_destroys = 2;
	assert_int_equal(vmctl_domain_teardown(&fake_hv, &fake_store, 1, dom.uuid), 0);
	assert_true(fake_find_call("sleep", 0) >= 0);
	assert_nothing_left(free_before);
	assert_int_equal(fstore.released, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_create_calls_in_order, setup),
		cmocka_unit_test_setup(test_create_writes_guest_memory, setup),
		cmocka_unit_test_setup(test_create_store_tree, setup),
		cmocka_unit_test_setup(test_create_failing_step_leaves_nothing, setup),
		cmocka_unit_test_setup(test_create_failing_store_op_leaves_nothing, setup),
		cmocka_unit_test_setup(test_create_applies_cpus, setup),
		cmocka_unit_test_setup(test_create_default_sched_asks_nothing, setup),
		cmocka_unit_test_setup(test_create_sched_credit2, setup),
		cmocka_unit_test_setup(test_create_refuses_more_than_free, setup),
		cmocka_unit_test_setup(test_create_refuses_above_scratch, setup),
		cmocka_unit_test_setup(test_create_refuses_bad_kernel, setup),
		cmocka_unit_test_setup(test_teardown_retries_busy, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
