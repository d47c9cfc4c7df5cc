/*
 * tests/unit/test_ramfs.c - guests/common/ramfs.c: path normalization,
 * lookups (files, directories, implied directories, symlinks), listings,
 * Linux's replacement rules within and across archives, limits and errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "guests/common/ramfs.h"
#include "lib/errno.h"
#include "tests/unit/cpio_builder.h"

#define NR_ENTRIES 64

static struct cpio_builder b, b2;
static struct ramfs fs;
static struct ramfs_entry table[NR_ENTRIES];
static char names[4096];

static int setup(void **state)
{
	cb_reset(&b);
	cb_reset(&b2);
	ramfs_init(&fs, table, NR_ENTRIES, names, sizeof(names));
	return 0;
}

static void add(struct cpio_builder *a)
{
	assert_int_equal(ramfs_add_archive(&fs, a->buf, a->len), 0);
	assert_string_equal(fs.error, "");
}

static const struct ramfs_entry *lookup(const char *path, bool follow)
{
	const struct ramfs_entry *e = NULL;

	assert_int_equal(ramfs_lookup(&fs, path, follow, &e), 0);
	assert_non_null(e);
	return e;
}

static void expect_file(const char *path, const char *text)
{
	const uint8_t *data;
	size_t size;

	assert_int_equal(ramfs_read(&fs, path, &data, &size), 0);
	assert_int_equal(size, strlen(text));
	assert_memory_equal(data, text, size);
}

/* The listing of dir is exactly the space-separated names in want. */
static void expect_list(const char *dir, const char *want)
{
	struct ramfs_dir d;
	const struct ramfs_entry *e;
	char got[512] = "";

	assert_int_equal(ramfs_opendir(&fs, dir, &d), 0);
	while (ramfs_readdir(&fs, &d, &e) == 0) {
		if (got[0])
			strcat(got, " ");
		strcat(got, e->name);
	}
	assert_int_equal(ramfs_readdir(&fs, &d, &e), -ENOENT);
	assert_string_equal(got, want);
}

static void expect_norm(const char *path, const char *want)
{
	char out[RAMFS_PATH_MAX + 2];

	assert_int_equal(ramfs_normalize(path, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_normalize(void **state)
{
	char out[RAMFS_PATH_MAX + 2], longp[400];

	expect_norm("/etc//guests/./x.cfg", "/etc/guests/x.cfg");
	expect_norm("", "/");
	expect_norm("/", "/");
	expect_norm("..", "/");
	expect_norm("/../../x", "/x");
	expect_norm("/a/b/../c", "/a/c");
	expect_norm("a/b/", "/a/b");
	expect_norm("./a/./../b/..", "/");
	expect_norm("a/..b/.c", "/a/..b/.c");
	expect_norm("//a//", "/a");

	memset(longp, 'x', sizeof(longp));
	longp[RAMFS_PATH_MAX] = '\0';
	assert_int_equal(ramfs_normalize(longp, out, sizeof(out)), 0);
	longp[RAMFS_PATH_MAX] = 'x';
	longp[RAMFS_PATH_MAX + 1] = '\0';
	assert_int_equal(ramfs_normalize(longp, out, sizeof(out)), -ENAMETOOLONG);
	assert_string_equal(out, "");
	longp[RAMFS_PATH_MAX + 1] = '/';
	strcpy(longp + RAMFS_PATH_MAX + 2, "..");
	assert_int_equal(ramfs_normalize(longp, out, sizeof(out)), -ENAMETOOLONG);
	assert_int_equal(ramfs_normalize("/abc", out, 4), -ENAMETOOLONG);
	assert_string_equal(out, "");
	assert_int_equal(ramfs_normalize("/abc", out, 5), 0);
	assert_string_equal(out, "/abc");
}

static void build_tree(void)
{
	cb_dir(&b, ".");
	cb_dir(&b, "./etc");
	cb_file(&b, "etc/guests/web.cfg", "name = \"web\"\n");
	cb_add(&b, "/init", 0100755, "#!init", 6);
	cb_symlink(&b, "bin/sh", "busybox");
	cb_file(&b, "bin/busybox", "ELF");
	cb_add(&b, "dev/console", 0020600, "", 0);
	cb_trailer(&b);
	add(&b);
}

static void test_tree(void **state)
{
	const struct ramfs_entry *e;
	const uint8_t *data;
	size_t size;

	build_tree();
	assert_int_equal(fs.nr_archives, 1);
	assert_int_equal(fs.nr_skipped, 0);
	e = lookup("/", true);
	assert_string_equal(e->path, "");
	assert_true(ramfs_is_dir(e));
	e = lookup("/etc/guests", false);
	assert_true(ramfs_is_dir(e));
	assert_true(e->implied);
	assert_int_equal(e->mode, 040755);
	assert_string_equal(e->name, "guests");
	e = lookup("etc", false);
	assert_false(e->implied);
	e = lookup("/etc//guests/./web.cfg", false);
	assert_string_equal(e->path, "etc/guests/web.cfg");
	assert_string_equal(e->name, "web.cfg");
	assert_int_equal(e->mode, 0100644);
	assert_int_equal(e->mtime, 1700000000);
	expect_file("/etc/guests/web.cfg", "name = \"web\"\n");
	assert_int_equal(ramfs_read(&fs, "/init", &data, &size), 0);
	assert_true(data >= b.buf && data + size <= b.buf + b.len); /* no copy */
	assert_int_equal(lookup("/init", false)->mode, 0100755);
	assert_int_equal(ramfs_lookup(&fs, "/nope", false, &e), -ENOENT);
	assert_int_equal(ramfs_lookup(&fs, "/etc/nope/x", false, &e), -ENOENT);
	assert_int_equal(ramfs_lookup(&fs, "/init/x", false, &e), -ENOTDIR);
	assert_int_equal(ramfs_read(&fs, "/etc", &data, &size), -EISDIR);
	assert_int_equal(ramfs_read(&fs, "/", &data, &size), -EISDIR);
	assert_int_equal(ramfs_read(&fs, "/dev/console", &data, &size), -EINVAL);
	assert_int_equal(ramfs_read(&fs, "/nope", &data, &size), -ENOENT);
}

static void test_listing(void **state)
{
	struct ramfs_dir d;

	build_tree();
	expect_list("/", "bin dev etc init");
	expect_list("/etc", "guests");
	expect_list("/etc/guests/", "web.cfg");
	expect_list("/bin", "busybox sh");
	assert_int_equal(ramfs_opendir(&fs, "/init", &d), -ENOTDIR);
	assert_int_equal(ramfs_opendir(&fs, "/none", &d), -ENOENT);

	/* "a-b" sorts between "a" and "a/x": still only direct children, in order. */
	cb_reset(&b2);
	cb_file(&b2, "t/a/x", "");
	cb_file(&b2, "t/a-b", "");
	cb_file(&b2, "t/a.c/y/z", "");
	cb_file(&b2, "t/A", "");
	cb_file(&b2, "t/a", ""); /* over the directory with a child: skipped */
	cb_file(&b2, "t0", "");
	cb_trailer(&b2);
	add(&b2);
	assert_int_equal(fs.nr_skipped, 1);
	expect_list("/t", "A a a-b a.c");
	expect_list("/t/a", "x");
	expect_list("/t/a.c", "y");
	expect_list("/", "bin dev etc init t t0");
}

static void test_replace(void **state)
{
	const struct ramfs_entry *e;

	cb_file(&b, "etc/motd", "one");
	cb_file(&b, "etc/motd", "two");	/* within one archive */
	cb_file(&b, "empty/", "x");	/* a file "empty" */
	cb_file(&b, "f", "file");
	cb_trailer(&b);
	add(&b);
	expect_file("/etc/motd", "two");
	assert_true(lookup("/etc", false)->implied);

	cb_dir(&b2, "etc");		/* the implied directory gets its entry */
	cb_add(&b2, "etc/motd", 0100600, "three", 5);
	cb_dir(&b2, "empty");		/* a directory replaces a file */
	cb_file(&b2, "f/under", "x");	/* under a file: skipped */
	cb_file(&b2, "etc", "x");	/* a file over a non-empty directory: skipped */
	cb_trailer(&b2);
	add(&b2);
	assert_int_equal(fs.nr_archives, 2);
	assert_int_equal(fs.nr_skipped, 2);
	expect_file("/etc/motd", "three");
	assert_int_equal(lookup("/etc/motd", false)->mode, 0100600);
	e = lookup("/etc", false);
	assert_false(e->implied);
	assert_true(ramfs_is_dir(e));
	assert_true(ramfs_is_dir(lookup("/empty", false)));
	assert_int_equal(ramfs_lookup(&fs, "/f/under", false, &e), -ENOTDIR);
	expect_list("/", "empty etc f");

	/* A file replaces an empty directory. */
	cb_reset(&b);
	cb_file(&b, "empty", "now a file");
	cb_trailer(&b);
	add(&b);
	expect_file("/empty", "now a file");
	expect_list("/", "empty etc f");
}

static void test_concatenated_archives(void **state)
{
	cb_file(&b, "a", "1");
	cb_trailer(&b);
	cb_zeros(&b, 512 - b.len % 512);
	cb_file(&b, "a", "2");
	cb_file(&b, "b/c", "3");
	cb_trailer(&b);
	add(&b);
	assert_int_equal(fs.nr_archives, 1); /* one buffer */
	expect_file("a", "2");
	expect_file("b/c", "3");
	expect_list("/", "a b");
}

static void test_root_entry(void **state)
{
	cb_add(&b, ".", 040700, "", 0);
	cb_file(&b, "/", "not a directory: skipped");
	cb_trailer(&b);
	add(&b);
	assert_int_equal(lookup("/", false)->mode, 040700);
	assert_int_equal(fs.nr_skipped, 1);
	expect_list("/", "");
}

static void test_symlinks(void **state)
{
	const struct ramfs_entry *e;

	build_tree();
	cb_symlink(&b2, "usr/bin", "../bin");
	cb_symlink(&b2, "abs", "/etc/guests");
	cb_symlink(&b2, "loop1", "loop2");
	cb_symlink(&b2, "loop2", "/./loop1");
	cb_symlink(&b2, "dangling", "nowhere");
	cb_symlink(&b2, "toroot", "/..");
	cb_symlink(&b2, "empty", "");
	cb_add(&b2, "nul", 0120777, "a\0b", 3);
	cb_symlink(&b2, "tofile", "init");
	cb_trailer(&b2);
	add(&b2);

	e = lookup("/bin/sh", false);
	assert_int_equal(e->mode & CPIO_S_IFMT, CPIO_S_IFLNK);
	assert_int_equal(e->size, 7);
	assert_string_equal(lookup("/bin/sh", true)->path, "bin/busybox");
	expect_file("/usr/bin/sh", "ELF");
	expect_file("/abs/web.cfg", "name = \"web\"\n");
	expect_file("/abs/../init", "#!init"); /* .. of the link's target */
	expect_list("/usr/bin", "busybox sh");
	expect_list("/abs", "web.cfg");
	assert_string_equal(lookup("/toroot", true)->path, "");
	assert_string_equal(lookup("/toroot/etc", true)->path, "etc");
	assert_int_equal(ramfs_lookup(&fs, "/loop1", true, &e), -EMLINK);
	assert_int_equal(ramfs_lookup(&fs, "/loop1", false, &e), 0);
	assert_int_equal(ramfs_lookup(&fs, "/dangling", true, &e), -ENOENT);
	assert_int_equal(ramfs_lookup(&fs, "/empty", true, &e), -ENOENT);
	assert_int_equal(ramfs_lookup(&fs, "/nul", true, &e), -ENOENT);
	assert_int_equal(ramfs_lookup(&fs, "/tofile/x", true, &e), -ENOTDIR);
	expect_file("/tofile", "#!init");
}

static void test_symlink_too_long(void **state)
{
	char target[300];
	const struct ramfs_entry *e;

	memset(target, 'y', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	cb_symlink(&b, "long", target);
	cb_trailer(&b);
	add(&b);
	assert_int_equal(ramfs_lookup(&fs, "/long", true, &e), -ENAMETOOLONG);
}

static void test_no_room(void **state)
{
	struct ramfs_entry small[3];

	ramfs_init(&fs, small, 3, names, sizeof(names));
	cb_file(&b, "a/b/c", "x");	/* three entries */
	cb_file(&b, "a/b/c", "y");	/* a replacement takes no room */
	cb_file(&b, "a/d", "z");
	cb_trailer(&b);
	assert_int_equal(ramfs_add_archive(&fs, b.buf, b.len), -ENOSPC);
	assert_string_equal(fs.error, "ramfs: no room for the entry at offset 240");
	assert_int_equal(fs.nr_archives, 0);
	assert_int_equal(fs.nr_entries, 3);
	expect_file("/a/b/c", "y");

	ramfs_init(&fs, table, NR_ENTRIES, names, 10); /* "a", "a/b", "a/b/c": 12 bytes */
	assert_int_equal(ramfs_add_archive(&fs, b.buf, b.len), -ENOSPC);
	assert_int_equal(fs.nr_entries, 0);
	assert_int_equal(fs.names_used, 0);
}

static void test_long_member(void **state)
{
	char name[300];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	cb_file(&b, "ok", "1");
	cb_file(&b, name, "x");
	cb_trailer(&b);
	assert_int_equal(ramfs_add_archive(&fs, b.buf, b.len), -ENAMETOOLONG);
	assert_string_equal(fs.error, "ramfs: path too long at offset 120");
	expect_file("/ok", "1");
}

static void test_corrupt_archive(void **state)
{
	cb_file(&b, "kept", "1");
	cb_file(&b, "bad", "2");
	cb_trailer(&b);
	b.buf[120 + 6] = 'z'; /* the second header's ino */
	assert_int_equal(ramfs_add_archive(&fs, b.buf, b.len), -EINVAL);
	assert_string_equal(fs.error, "cpio: offset 126: bad hex digit in ino");
	expect_file("/kept", "1");
	assert_int_equal(fs.nr_archives, 0);
	/* The next add starts with a clean message. */
	cb_reset(&b2);
	cb_trailer(&b2);
	add(&b2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_normalize, setup),
		cmocka_unit_test_setup(test_tree, setup),
		cmocka_unit_test_setup(test_listing, setup),
		cmocka_unit_test_setup(test_replace, setup),
		cmocka_unit_test_setup(test_concatenated_archives, setup),
		cmocka_unit_test_setup(test_root_entry, setup),
		cmocka_unit_test_setup(test_symlinks, setup),
		cmocka_unit_test_setup(test_symlink_too_long, setup),
		cmocka_unit_test_setup(test_no_room, setup),
		cmocka_unit_test_setup(test_long_member, setup),
		cmocka_unit_test_setup(test_corrupt_archive, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
