/*
 * tests/unit/test_vmctl_lifecycle.c - what vmctl does with a domain that
 * stopped (dom0-tools/vmctl/lifecycle.c): each shutdown reason mapped to
 * its config action (destroy, restart, preserve), one line per event,
 * nothing left of a destroyed domain, a restart built again from the
 * remembered config with the same UUID.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "vmctl_test_env.h"

#define HELLO_CFG "name = 'hello'\nkernel = '/k'\nmemory = 8\n"

static int setup(void **state)
{
	env_reset();
	return 0;
}

static void stop(domid_t id, unsigned int reason)
{
	fake.dom[id].shutdown_reason = reason + 1;
}

static int lifecycle(void)
{
	out[0] = '\0';
	out_len = 0;
	return vmctl_lifecycle(&env);
}

static void assert_gone(domid_t id)
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u", id);
	assert_false(fake.dom[id].exists);
	assert_null(vmctl_table_find(&table, id));
	assert_int_equal(fstore_count(path), 0);
	assert_int_equal(fstore.released, id);
}

static void test_nothing_to_do(void **state)
{
	create_guest("/etc/hello.cfg", HELLO_CFG, "hello");
	assert_int_equal(lifecycle(), 0);
	assert_string_equal(out, "");
	assert_true(fake.dom[1].exists);
}

static void test_poweroff_destroys(void **state)
{
	uint64_t free_before = fake_free_pages();
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG, "hello");

	stop(id, SHUTDOWN_poweroff);
	assert_int_equal(lifecycle(), 1);
	assert_string_equal(out, "hello: shut down (poweroff), destroyed\n");
	assert_gone(id);
	assert_int_equal(fake_free_pages(), free_before);
	assert_int_equal(lifecycle(), 0);
}

static void test_reboot_restarts(void **state)
{
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG "extra = 'x=1'\n", "hello"), id2;
	const struct vmctl_domain *d;
	uint8_t uuid[16];
	char line[96];

	memcpy(uuid, vmctl_table_find(&table, id)->uuid, 16);
	stop(id, SHUTDOWN_reboot);
	assert_int_equal(lifecycle(), 1);
	assert_gone(id);
	d = vmctl_table_find_name(&table, "hello");
	assert_non_null(d);
	id2 = d->domid;
	assert_int_not_equal(id2, id);
	snprintf(line, sizeof(line), "hello: shut down (reboot), restarted as domain %u\n", id2);
	assert_string_equal(out, line);
	assert_true(fake.dom[id2].exists && fake.dom[id2].pause == 0);
	assert_memory_equal(d->uuid, uuid, 16);
	assert_memory_equal(fake.dom[id2].handle, uuid, 16);
	assert_string_equal(d->config.cmdline, "x=1");
	assert_int_equal(fake.dom[id2].tot_pages, 8 * 256);
	assert_int_equal(fstore.introduced, id2);
}

static void test_restart_failure_is_reported(void **state)
{
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG, "hello");

	files[0].path = "/gone"; /* the kernel file disappeared */
	stop(id, SHUTDOWN_reboot);
	assert_int_equal(lifecycle(), 1);
	assert_string_equal(out, "vmctl: hello: cannot read kernel /k\n"
				 "hello: shut down (reboot), destroyed; restart failed\n");
	assert_gone(id);
	assert_null(vmctl_table_find_name(&table, "hello"));
}

static void test_crash_preserve(void **state)
{
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG "on_crash = 'preserve'\n", "hello");

	stop(id, SHUTDOWN_crash);
	assert_int_equal(lifecycle(), 1);
	assert_string_equal(out, "hello: shut down (crash), preserved\n");
	assert_true(fake.dom[id].exists);
	assert_non_null(vmctl_table_find(&table, id));
	/* Reported once; then destroyed by hand. */
	assert_int_equal(lifecycle(), 0);
	assert_string_equal(out, "");
	assert_int_equal(run("list hello"), 0);
	assert_non_null(strstr(out, " -b--c- "));
	assert_int_equal(run("destroy hello"), 0);
	assert_gone(id);
}

static void test_each_reason_its_action(void **state)
{
	static const struct {
		unsigned int reason;
		const char *line;
		bool kept;
	} cases[] = {
		{ SHUTDOWN_poweroff, "hello: shut down (poweroff), preserved\n", true },
		{ SHUTDOWN_crash, "hello: shut down (crash), destroyed\n", false },
		{ SHUTDOWN_watchdog, "hello: shut down (watchdog), preserved\n", true },
		{ SHUTDOWN_suspend, "hello: shut down (suspend), preserved\n", true },
		{ SHUTDOWN_soft_reset, "hello: shut down (soft_reset), destroyed\n", false },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		domid_t id;

		env_reset();
		id = create_guest("/etc/hello.cfg",
				  HELLO_CFG "on_poweroff = 'preserve'\non_crash = 'destroy'\n"
					    "on_watchdog = 'preserve'\n",
				  "hello");
		stop(id, cases[i].reason);
		assert_int_equal(lifecycle(), 1);
		assert_string_equal(out, cases[i].line);
		assert_int_equal(fake.dom[id].exists, cases[i].kept);
	}
}

static void test_foreign_and_dying_domains(void **state)
{
	/* A domain vmctl did not create is destroyed when it stops. */
	fake_add_domain(5, 16, 1);
	stop(5, SHUTDOWN_poweroff);
	assert_int_equal(lifecycle(), 1);
	assert_string_equal(out, "domain 5: shut down (poweroff), destroyed\n");
	assert_false(fake.dom[5].exists);

	/* A destroy that found a frame still mapped is retried until it is done. */
	domid_t id = create_guest("/etc/hello.cfg", HELLO_CFG, "hello");

	fake.busy_destroys = 1000;
	assert_int_equal(run("destroy hello"), 1);
	assert_string_equal(out, "vmctl: destroy hello: EBUSY\n");
	assert_true(fake.dom[id].dying);
	assert_int_equal(lifecycle(), 1);
	assert_string_equal(out, "hello: dying, destroy still pending\n");
	fake.busy_destroys = 0;
	assert_int_equal(lifecycle(), 1);
	assert_string_equal(out, "hello: dying, destroy done\n");
	assert_gone(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_nothing_to_do, setup),
		cmocka_unit_test_setup(test_poweroff_destroys, setup),
		cmocka_unit_test_setup(test_reboot_restarts, setup),
		cmocka_unit_test_setup(test_restart_failure_is_reported, setup),
		cmocka_unit_test_setup(test_crash_preserve, setup),
		cmocka_unit_test_setup(test_each_reason_its_action, setup),
		cmocka_unit_test_setup(test_foreign_and_dying_domains, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
