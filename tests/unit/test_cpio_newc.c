/*
 * tests/unit/test_cpio_newc.c - guests/common/cpio_newc.c: good archives
 * (fields, pointers, concatenation, padding between archives, the crc
 * variant) and hostile ones (every truncation, bad hex, bad sizes, bad
 * names and padding), with the offset and message of each error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "guests/common/cpio_newc.h"
#include "lib/errno.h"
#include "tests/unit/cpio_builder.h"

static struct cpio_builder b;
static struct cpio_reader r;
static struct cpio_entry e;

static int setup(void **state)
{
	cb_reset(&b);
	return 0;
}

/* A fresh archive of one file and the trailer. */
static void one_file(const char *name, const char *text)
{
	cb_reset(&b);
	cb_file(&b, name, text);
	cb_trailer(&b);
}

static void start(void)
{
	cpio_init(&r, b.buf, b.len);
}

/* The next member is name with these bytes of data. */
static void expect_member(const char *name, uint32_t mode, const char *data)
{
	assert_int_equal(cpio_next(&r, &e), 0);
	assert_string_equal(e.name, name);
	assert_int_equal(e.name_len, strlen(name));
	assert_int_equal(e.mode, mode);
	assert_int_equal(e.size, strlen(data));
	assert_memory_equal(e.data, data, e.size);
	assert_true(e.data >= b.buf && e.data + e.size <= b.buf + b.len);
	assert_int_equal(e.offset & 3, 0);
}

static void expect_end(void)
{
	assert_int_equal(cpio_next(&r, &e), -ENOENT);
	assert_int_equal(cpio_next(&r, &e), -ENOENT);
	assert_string_equal(r.error, "");
}

static void expect_error(size_t offset, const char *what)
{
	char want[CPIO_ERROR_MAX];

	snprintf(want, sizeof(want), "cpio: offset %zu: %s", offset, what);
	assert_int_equal(cpio_next(&r, &e), -EINVAL);
	assert_int_equal(r.error_offset, offset);
	assert_string_equal(r.error, want);
	/* The first error is final. */
	assert_int_equal(cpio_next(&r, &e), -EINVAL);
	assert_int_equal(r.error_offset, offset);
}

static void test_empty(void **state)
{
	cpio_init(&r, NULL, 0);
	expect_end();
	cpio_init(&r, NULL, 100);
	expect_end();
	cb_zeros(&b, 512);
	start();
	expect_end();
}

static void test_one_archive(void **state)
{
	struct cb_member m = { .ino = 0xabcdef01, .mode = 0100755, .uid = 1000, .gid = 100,
			       .nlink = 1, .mtime = 0x65432100 };

	cb_dir(&b, "etc");
	cb_member(&b, &m, "etc/init", "#!x\n", 4);
	cb_symlink(&b, "bin", "usr/bin");
	cb_file(&b, "e", "");
	cb_trailer(&b);
	cb_zeros(&b, 512 - (b.len % 512));
	start();
	expect_member("etc", 040755, "");
	assert_int_equal(cpio_entry_type(&e), CPIO_S_IFDIR);
	assert_int_equal(e.offset, 0);
	expect_member("etc/init", 0100755, "#!x\n");
	assert_int_equal(e.ino, 0xabcdef01);
	assert_int_equal(e.uid, 1000);
	assert_int_equal(e.gid, 100);
	assert_int_equal(e.nlink, 1);
	assert_int_equal(e.mtime, 0x65432100);
	assert_int_equal(e.offset, 112 + 4);
	/* Header 110 + "etc/init\0" 9 = 119, padded to 120 from offset 116. */
	assert_ptr_equal(e.data, b.buf + 116 + 120);
	expect_member("bin", 0120777, "usr/bin");
	assert_int_equal(cpio_entry_type(&e), CPIO_S_IFLNK);
	expect_member("e", 0100644, "");
	assert_int_equal(cpio_entry_type(&e), CPIO_S_IFREG);
	expect_end();
}

static void test_lowercase_hex(void **state)
{
	char hdr[111];

	snprintf(hdr, sizeof(hdr), "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 1u, 0x81a4u, 0u, 0u, 1u, 0xdeadbeefu, 2u, 0u, 0u, 0u, 0u, 2u, 0u);
	cb_raw(&b, hdr, 110);
	cb_raw(&b, "f\0", 2);
	cb_raw(&b, "hi\0\0", 4);
	cb_trailer(&b);
	start();
	expect_member("f", 0100644, "hi");
	assert_int_equal(e.mtime, 0xdeadbeef);
	expect_end();
}

static void test_concatenated(void **state)
{
	cb_file(&b, "a", "first");
	cb_trailer(&b);
	cb_zeros(&b, 512 - (b.len % 512));
	cb_file(&b, "a", "second");
	cb_trailer(&b);		/* no padding at all before the third */
	cb_dir(&b, "d");
	cb_trailer(&b);
	cb_zeros(&b, 4 * 100 + 2); /* zeros at the end need not be a multiple */
	start();
	expect_member("a", 0100644, "first");
	expect_member("a", 0100644, "second");
	expect_member("d", 040755, "");
	expect_end();
}

static void test_trailer_only_and_unpadded(void **state)
{
	cb_trailer(&b);
	b.len = 110 + 11; /* the trailer's name ends the buffer, no padding */
	start();
	expect_end();

	cb_reset(&b);
	cb_file(&b, "x", "1");
	cb_trailer(&b);
	b.len -= 3;
	start();
	expect_member("x", 0100644, "1");
	expect_end();
}

static void test_crc_format(void **state)
{
	struct cb_member m = { .magic = "070702", .mode = 0100644, .check = 'a' + 'b' + 0xff };
	struct cb_member dir = { .magic = "070702", .mode = 040755, .check = 12345 };

	cb_member(&b, &m, "f", "ab\xff", 3);
	cb_member(&b, &dir, "d", "", 0); /* the check counts only for files */
	cb_trailer(&b);
	start();
	expect_member("f", 0100644, "ab\xff");
	assert_int_equal(e.check, 'a' + 'b' + 0xff);
	expect_member("d", 040755, "");
	expect_end();

	cb_reset(&b);
	m.check++;
	cb_member(&b, &m, "f", "ab\xff", 3);
	cb_trailer(&b);
	start();
	expect_error(112, "checksum does not match the data");
}

static void test_truncated(void **state)
{
	static const struct {
		size_t len, offset;
		const char *what;
	} cuts[] = {
		{ 50, 0, "truncated header" },
		{ 112, 110, "name runs past the end of the archive" },
		{ 114, 110, "name runs past the end of the archive" },
		{ 115, 115, "name padding runs past the end" },
		{ 120, 116, "data runs past the end of the archive" },
		{ 127, 126, "data padding runs past the end" },
	};
	size_t full;

	one_file("file", "0123456789");
	full = b.len;
	for (size_t cut = 1; cut < full; cut++) {
		struct cpio_entry tmp;
		int rc;

		cpio_init(&r, b.buf, cut);
		rc = cpio_next(&r, &tmp);
		if (rc == 0)
			rc = cpio_next(&r, &tmp);
		/* Only a cut in the trailer's name padding leaves a good archive. */
		if (cut >= full - 3)
			assert_int_equal(rc, -ENOENT);
		else
			assert_int_equal(rc, -EINVAL);
	}
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		cpio_init(&r, b.buf, cuts[i].len);
		expect_error(cuts[i].offset, cuts[i].what);
	}
	cpio_init(&r, b.buf, 128);
	assert_int_equal(cpio_next(&r, &e), 0);
	expect_error(128, "archive ends without TRAILER!!!");
}

static void test_bad_magic(void **state)
{
	one_file("f", "x");
	b.buf[5] = '7'; /* "070707": the old binary-ish odc format */
	start();
	expect_error(0, "bad magic (not a newc cpio archive)");
	b.buf[5] = '1';
	b.buf[0] = 0xc7;
	start();
	expect_error(0, "bad magic (not a newc cpio archive)");
}

static void test_bad_hex(void **state)
{
	static const char *const fields[] = { "ino", "mode", "uid", "gid", "nlink",
					      "mtime", "filesize", "devmajor", "devminor",
					      "rdevmajor", "rdevminor", "namesize", "check" };

	for (int i = 0; i < 13; i++) {
		char what[48];
		static const char bad[] = { 'g', ' ', 'x', '-', '\0' };

		one_file("f", "x");
		b.buf[6 + 8 * i + i % 8] = bad[i % 5];
		start();
		snprintf(what, sizeof(what), "bad hex digit in %s", fields[i]);
		expect_error(6 + 8 * (size_t)i, what);
	}
}

static void test_bad_names(void **state)
{
	struct cb_member m = { .mode = 0100644, .raw_namesize = true };

	m.namesize = 0;
	cb_member(&b, &m, "f", "", 0);
	start();
	expect_error(6 + 8 * 11, "namesize is 0");

	cb_reset(&b);
	m.namesize = 1;
	cb_member(&b, &m, "", "", 0);
	cb_trailer(&b);
	start();
	expect_error(110, "empty name");

	cb_reset(&b);
	m.namesize = 2; /* "ab\0": the name's second byte is where the NUL should be */
	cb_member(&b, &m, "ab", "", 0);
	start();
	expect_error(110, "name is not NUL-terminated");

	cb_reset(&b);
	m.namesize = 6; /* "ab\0" and padding: a NUL inside the name */
	cb_member(&b, &m, "ab", "", 0);
	start();
	expect_error(110, "NUL inside the name");

	cb_reset(&b);
	m.namesize = 0xffffffff;
	cb_member(&b, &m, "ab", "", 0);
	start();
	expect_error(110, "name runs past the end of the archive");
}

static void test_huge_sizes(void **state)
{
	static const uint32_t sizes[] = { 0xffffffff, 0xfffffffc, 0x80000000, 4096 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct cb_member m = { .mode = 0100644, .size_override = true,
				       .filesize = sizes[i] };

		cb_reset(&b);
		cb_member(&b, &m, "f", "data", 4);
		cb_trailer(&b);
		start();
		expect_error(112, "data runs past the end of the archive");
	}
}

static void test_bad_padding(void **state)
{
	one_file("ab", "x");
	b.buf[110 + 3] = 'p'; /* after "ab\0" */
	start();
	expect_error(113, "padding is not zero");

	one_file("f", "x");
	b.buf[112 + 3] = 1; /* after the data byte */
	start();
	expect_error(113, "padding is not zero");
}

static void test_bad_gap(void **state)
{
	size_t second;

	cb_file(&b, "a", "1");
	cb_trailer(&b);
	cb_zeros(&b, 1);
	second = b.len;
	cb_file(&b, "b", "2");
	cb_trailer(&b);
	start();
	expect_member("a", 0100644, "1");
	expect_error(second, "next archive does not start at a multiple of 4");

	cb_reset(&b);
	cb_file(&b, "a", "1");
	cb_trailer(&b);
	second = b.len;
	memset(b.buf + b.len, 'j', 200);
	b.len += 200;
	start();
	expect_member("a", 0100644, "1");
	expect_error(second, "bad magic (not a newc cpio archive)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty, setup),
		cmocka_unit_test_setup(test_one_archive, setup),
		cmocka_unit_test_setup(test_lowercase_hex, setup),
		cmocka_unit_test_setup(test_concatenated, setup),
		cmocka_unit_test_setup(test_trailer_only_and_unpadded, setup),
		cmocka_unit_test_setup(test_crc_format, setup),
		cmocka_unit_test_setup(test_truncated, setup),
		cmocka_unit_test_setup(test_bad_magic, setup),
		cmocka_unit_test_setup(test_bad_hex, setup),
		cmocka_unit_test_setup(test_bad_names, setup),
		cmocka_unit_test_setup(test_huge_sizes, setup),
		cmocka_unit_test_setup(test_bad_padding, setup),
		cmocka_unit_test_setup(test_bad_gap, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
