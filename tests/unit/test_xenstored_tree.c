/*
 * tests/unit/test_xenstored_tree.c - xenstored's tree through xs_wire
 * requests: the standard nodes, read/write/mkdir/rm/directory, path rules,
 * permissions (a domU cannot touch another's nodes, dom0 can), quotas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/xsd_test_env.h"

static int setup(void **state)
{
	env_init();
	return 0;
}

/* The directory reply as "a,b,c" (order as the daemon gives it, sorted here). */
static const char *dir(domid_t dom, const char *path)
{
	static char list[1024];
	const char *names[64], *name;
	size_t pos = 0, n = 0;

	if (rq_path(dom, XS_DIRECTORY, 0, path))
		return "ERR";
	while (xs_dir_next(out, out_len, &pos, &name) == 1)
		names[n++] = name;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				const char *t = names[i];

				names[i] = names[j];
				names[j] = t;
			}
	list[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? "," : "",
			 names[i]);
	return list;
}

static void test_root_nodes(void **state)
{
	assert_string_equal(dir(0, "/"), "local,tool");
	assert_string_equal(dir(0, "/local"), "domain");
	assert_string_equal(dir(0, "/local/domain"), "");
	assert_int_equal(rd(0, "/tool"), 0);
	assert_int_equal(out_len, 0);
	assert_int_equal(rd(0, "/nope"), -ENOENT);
}

static void test_write_read_rm(void **state)
{
	assert_int_equal(wr(0, "/a/b/c", "hello"), 0);
	assert_string_equal(out, "OK");
	assert_int_equal(out_hdr.req_id, 7);
	assert_int_equal(rd(0, "/a/b/c"), 0);
	assert_int_equal(out_len, 5);
	assert_string_equal(out, "hello");
	/* Parents were created empty. */
	assert_int_equal(rd(0, "/a/b"), 0);
	assert_int_equal(out_len, 0);
	assert_int_equal(wr(0, "/a/b/c", "x"), 0);
	assert_int_equal(rd(0, "/a/b/c"), 0);
	assert_string_equal(out, "x");
	assert_int_equal(wr(0, "/a/d", ""), 0);
	assert_string_equal(dir(0, "/a"), "b,d");
	/* mkdir keeps an existing value. */
	assert_int_equal(rq_path(0, XS_MKDIR, 0, "/a/b/c"), 0);
	assert_int_equal(rd(0, "/a/b/c"), 0);
	assert_string_equal(out, "x");
	assert_int_equal(rq_path(0, XS_RM, 0, "/a/b"), 0);
	assert_int_equal(rd(0, "/a/b/c"), -ENOENT);
	assert_int_equal(rd(0, "/a/b"), -ENOENT);
	assert_string_equal(dir(0, "/a"), "d");
	/* Removing what is gone is fine while the parent exists. */
	assert_int_equal(rq_path(0, XS_RM, 0, "/a/b"), 0);
	assert_int_equal(rq_path(0, XS_RM, 0, "/x/y"), -ENOENT);
	assert_int_equal(rq_path(0, XS_RM, 0, "/"), -EINVAL);
	/* All the storage came back: only the standard nodes and /a, /a/d remain. */
	assert_int_equal(rq_path(0, XS_RM, 0, "/a"), 0);
	assert_int_equal(xsd_tree_free_nodes(&xsd), 1024 - 4);
}

static void test_path_rules(void **state)
{
	static char longp[XENSTORE_ABS_PATH_MAX + 2];

	assert_int_equal(wr(0, "/a//b", "v"), -EINVAL);
	assert_int_equal(wr(0, "/a/", "v"), -EINVAL);
	assert_int_equal(wr(0, "/a b", "v"), -EINVAL);
	assert_int_equal(wr(0, "/a.b", "v"), -EINVAL);
	assert_int_equal(wr(0, "", "v"), -EINVAL);
	assert_int_equal(wr(0, "/ok-_@9", "v"), 0);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	assert_int_equal(wr(0, longp, "v"), -EINVAL);
	longp[XENSTORE_ABS_PATH_MAX] = '\0';
	assert_int_equal(wr(0, longp, "v"), 0);
	/* Relative paths live under /local/domain/<caller>. */
	assert_int_equal(wr(0, "rel/x", "1"), 0);
	assert_int_equal(rd(0, "/local/domain/0/rel/x"), 0);
	assert_string_equal(out, "1");
	assert_int_equal(rq_path(0, XS_GET_DOMAIN_PATH, 0, "5"), 0);
	assert_string_equal(out, "/local/domain/5");
	assert_int_equal(rq_path(0, XS_GET_DOMAIN_PATH, 0, "x5"), -EINVAL);
}

static const char *perms(domid_t dom, const char *path)
{
	static char s[256];
	struct xs_perm p[16];
	size_t n;

	if (rq_path(dom, XS_GET_PERMS, 0, path))
		return "ERR";
	assert_int_equal(xs_parse_perms(out, out_len, p, 16, &n), 0);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[XS_PERM_STR_MAX];

		xs_perm_format(&p[i], one);
		snprintf(s + strlen(s), sizeof(s) - strlen(s), "%s%s", i ? "," : "", one);
	}
	return s;
}

static void test_perms(void **state)
{
	struct xs_perm shared[] = { { 1, XS_PERM_NONE }, { 2, XS_PERM_READ } };

	env_introduce(1);
	env_introduce(2);
	assert_string_equal(perms(0, "/local/domain/1"), "n1");
	/* A domU writes its own tree (relative path), owning what it creates. */
	assert_int_equal(wr(1, "data/secret", "s1"), 0);
	assert_string_equal(perms(0, "/local/domain/1/data/secret"), "n1");
	assert_int_equal(rd(1, "/local/domain/1/data/secret"), 0);
	/* Another domU can neither read, list, write nor remove it; dom0 can. */
	assert_int_equal(rd(2, "/local/domain/1/data/secret"), -EACCES);
	assert_int_equal(rq_path(2, XS_DIRECTORY, 0, "/local/domain/1"), -EACCES);
	assert_int_equal(wr(2, "/local/domain/1/data/secret", "x"), -EACCES);
	assert_int_equal(wr(2, "/local/domain/1/new", "x"), -EACCES);
	assert_int_equal(rq_path(2, XS_RM, 0, "/local/domain/1/data"), -EACCES);
	assert_int_equal(rq_path(2, XS_GET_PERMS, 0, "/local/domain/1/data"), -EACCES);
	assert_int_equal(wr(1, "/tool/x", "x"), -EACCES);
	assert_int_equal(rd(0, "/local/domain/1/data/secret"), 0);
	assert_int_equal(wr(0, "/local/domain/1/data/by-dom0", "y"), 0);
	/* dom0 creating under a domU's node keeps that domU the owner. */
	assert_string_equal(perms(0, "/local/domain/1/data/by-dom0"), "n1");
	/* The owner grants read to dom2; dom2 still cannot write or re-grant. */
	assert_int_equal(set_perms(1, "data/secret", shared, 2), 0);
	assert_string_equal(perms(2, "/local/domain/1/data/secret"), "n1,r2");
	assert_int_equal(rd(2, "/local/domain/1/data/secret"), 0);
	assert_string_equal(out, "s1");
	assert_int_equal(wr(2, "/local/domain/1/data/secret", "x"), -EACCES);
	assert_int_equal(set_perms(2, "/local/domain/1/data/secret", shared, 1), -EACCES);
	/*
	 * The owner may not give a node away (quotas count owners): not to
	 * dom0, not to dom2; dom0 may.
	 */
	{
		struct xs_perm to_dom0[] = { { 0, XS_PERM_READ | XS_PERM_WRITE } };
		struct xs_perm to_dom2[] = { { 2, XS_PERM_NONE } };

		assert_int_equal(set_perms(1, "data/secret", to_dom0, 1), -EPERM);
		assert_int_equal(set_perms(1, "data/secret", to_dom2, 1), -EPERM);
		assert_string_equal(perms(1, "data/secret"), "n1,r2");
		assert_int_equal(set_perms(0, "/local/domain/1/data/secret", to_dom2, 1), 0);
		assert_string_equal(perms(0, "/local/domain/1/data/secret"), "n2");
	}
	/* Malformed permission lists. */
	assert_int_equal(env_send(1, env_msg, xs_req_build(env_msg, sizeof(env_msg), XS_SET_PERMS,
							   1, 0, (const char *[]){ "data", "x1" },
							   2, NULL, 0)),
			 -EINVAL);
	assert_int_equal(env_send(1, env_msg, xs_req_build(env_msg, sizeof(env_msg), XS_SET_PERMS,
							   1, 0, (const char *[]){ "data" }, 1,
							   NULL, 0)),
			 -EINVAL);
}

static void test_quotas(void **state)
{
	static char big[XENSTORE_PAYLOAD_MAX];
	char path[64];
	int rc = 0, i;

	env_introduce(3);
	memset(big, 'v', XSD_VALUE_QUOTA + 1);
	assert_int_equal(wr(3, "big", big), -ENOSPC);
	big[XSD_VALUE_QUOTA] = '\0';
	assert_int_equal(wr(3, "big", big), 0);
	/* dom0 is not limited by the per-domain value quota. */
	memset(big, 'v', sizeof(big) - 100);
	assert_int_equal(wr(0, "/big", big), 0);
	/* Node quota: /local/domain/3 and "big" count, then 998 more. */
	xsd.node_quota = 20;
	for (i = 0; i < 30 && rc == 0; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		rc = wr(3, path, "x");
	}
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(xsd_tree_owned(&xsd, 3), 20);
	assert_int_equal(i, 19);
	/* The pool itself running out is ENOMEM, for dom0 too. */
	for (i = 0, rc = 0; i < 2000 && rc == 0; i++) {
		snprintf(path, sizeof(path), "/fill/%d", i);
		rc = wr(0, path, "x");
	}
	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(xsd_tree_free_nodes(&xsd), 0);
	assert_int_equal(rq_path(0, XS_RM, 0, "/fill"), 0);
	assert_int_equal(wr(0, "/after", "ok"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_root_nodes, setup),
		cmocka_unit_test_setup(test_write_read_rm, setup),
		cmocka_unit_test_setup(test_path_rules, setup),
		cmocka_unit_test_setup(test_perms, setup),
		cmocka_unit_test_setup(test_quotas, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
