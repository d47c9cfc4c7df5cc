/*
 * tests/unit/vmctl_test_env.h - a struct vmctl_env over the fakes of
 * vmctl_fake.h for the command and lifecycle tests: output collected in
 * `out`, files served from a small table (the test kernel of
 * pv_test_kernel.h at "/k"), the console attach recorded, and run(), which
 * splits a command line into argv and calls vmctl_main().
 *
 * Included by one test file each (its state is per binary).
 */
#ifndef TESTS_UNIT_VMCTL_TEST_ENV_H
#define TESTS_UNIT_VMCTL_TEST_ENV_H

#include "vmctl_fake.h"

#include "dom0-tools/vmctl/vmctl.h"
#include "pv_test_kernel.h"

#define VB_TEST 0xffffffff80000000ULL

static char out[32768];
static size_t out_len;
static struct vmctl_domain_table table;
static struct vmctl_scratch scratch;
static uint64_t p2m[4096];
static domid_t console_domid = DOMID_INVALID;
static uint64_t clock_ns, random_state = 1;

static struct {
	const char *path;
	const char *text; /* NULL: the test kernel */
} files[8];

static bool echo_out_to_console; /* out() also writes the fake's console ring, as in our dom0 */

static void env_out(void *ctx, const char *s)
{
	size_t n = strlen(s);

	if (echo_out_to_console && strlen(fake.console) + n < sizeof(fake.console))
		strcat(fake.console, s);

	assert_true(out_len + n < sizeof(out));
	memcpy(out + out_len, s, n + 1);
	out_len += n;
}

static const void *env_load(void *ctx, const char *path, size_t *len)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(files); i++) {
		if (!files[i].path || strcmp(files[i].path, path))
			continue;
		if (!files[i].text) {
			*len = IMG_SIZE;
			return file;
		}
		*len = strlen(files[i].text);
		return files[i].text;
	}
	return NULL;
}

static int env_console(void *ctx, domid_t domid, uint32_t port, uint64_t mfn)
{
	console_domid = domid;
	return 0;
}

static uint64_t env_random(void *ctx)
{
	random_state = random_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return random_state;
}

static uint64_t env_now(void *ctx)
{
	return clock_ns;
}

static struct vmctl_env env = {
	.hv = &fake_hv,
	.store = &fake_store,
	.domains = &table,
	.scratch = &scratch,
	.load_file = env_load,
	.out = env_out,
	.console = env_console,
	.random64 = env_random,
	.now_ns = env_now,
	.hostname = "testhost",
};

/* Serves text at path (NULL text: the test kernel). */
static void add_file(const char *path, const char *text)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(files); i++) {
		if (!files[i].path || !strcmp(files[i].path, path)) {
			files[i].path = path;
			files[i].text = text;
			return;
		}
	}
	fail_msg("too many files");
}

static void env_reset(void)
{
	fake_reset(256);
	memset(&table, 0, sizeof(table));
	memset(files, 0, sizeof(files));
	out[0] = '\0';
	out_len = 0;
	console_domid = DOMID_INVALID;
	clock_ns = 0;
	scratch.create.p2m = p2m;
	scratch.create.p2m_max = ARRAY_SIZE(p2m);
	spec.virt_base = VB_TEST;
	spec.paddr = 0;
	spec.init_p2m = 0;
	make_kernel();
	(void)lay;
	add_file("/k", NULL);
}

/* Runs "vmctl LINE" (words split at spaces), output collected from empty. */
static int run(const char *line)
{
	static char buf[512];
	char *argv[16];
	int argc = 0;

	out[0] = '\0';
	out_len = 0;
	snprintf(buf, sizeof(buf), "vmctl %s", line);
	for (char *p = strtok(buf, " "); p; p = strtok(NULL, " ")) {
		assert_true(argc < 15);
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	return vmctl_main(&env, argc, argv);
}

/* `vmctl create cfgpath` of text, which names the domain name; asserts it worked; its id. */
static domid_t create_guest(const char *cfgpath, const char *text, const char *name)
{
	const struct vmctl_domain *d;
	char cmd[128];

	add_file(cfgpath, text);
	snprintf(cmd, sizeof(cmd), "create %s", cfgpath);
	if (run(cmd))
		fail_msg("create failed: %s", out);
	d = vmctl_table_find_name(&table, name);
	assert_non_null(d);
	assert_true(fake.dom[d->domid].exists);
	return d->domid;
}

#endif /* TESTS_UNIT_VMCTL_TEST_ENV_H */
