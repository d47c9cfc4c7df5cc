/*
 * tests/fuzz/fuzz_cpio.c - libFuzzer target for dom0's root filesystem
 * readers: guests/common/cpio_newc.c walked over arbitrary bytes, then
 * guests/common/ramfs.c built from the same bytes and explored.
 *
 * Traps on any broken promise: an errno outside the documented ones, an
 * error without a one-line message (or a message on success), an entry or
 * error offset outside the buffer, an unsorted or duplicated table, a
 * stored path that is not normalized or lacks a parent directory, a
 * listing out of order, a lookup that does not find a stored path.
 * ASan and UBSan catch the rest.  Build and run with `make fuzz`.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guests/common/cpio_newc.h"
#include "guests/common/ramfs.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz_promise.h"

#define NR_ENTRIES 64

static struct ramfs fs;
static struct ramfs_entry table[NR_ENTRIES];
static char names[2048];

static void check_message(const char *msg, size_t size, bool want)
{
	size_t len = strnlen(msg, size);

	PROMISE(len < size);
	PROMISE((len > 0) == want);
	for (size_t i = 0; i < len; i++)
		PROMISE(msg[i] >= 0x20 && msg[i] < 0x7f);
}

static bool inside(const void *p, size_t n, const uint8_t *data, size_t size)
{
	const uint8_t *b = p;

	return b >= data && n <= size && b - data <= (ptrdiff_t)(size - n);
}

static void walk_cpio(const uint8_t *data, size_t size)
{
	struct cpio_reader r;
	struct cpio_entry e;
	int rc;

	cpio_init(&r, data, size);
	while ((rc = cpio_next(&r, &e)) == 0) {
		PROMISE(inside(e.name, e.name_len + 1, data, size));
		PROMISE(e.name_len >= 1 && strlen(e.name) == e.name_len);
		PROMISE(inside(e.data, e.size, data, size));
		PROMISE(e.offset % 4 == 0 && e.offset + CPIO_HEADER_SIZE <= size);
	}
	PROMISE(rc == -ENOENT || rc == -EINVAL);
	PROMISE(cpio_next(&r, &e) == rc);
	check_message(r.error, sizeof(r.error), rc == -EINVAL);
	if (rc == -EINVAL)
		PROMISE(r.error_offset <= size);
}

static void check_entry(const struct ramfs_entry *e, const uint8_t *data, size_t size)
{
	const struct ramfs_entry *found;
	char norm[RAMFS_PATH_MAX + 2];
	size_t len = strlen(e->path);

	PROMISE(len >= 1 && len <= RAMFS_PATH_MAX);
	PROMISE(ramfs_normalize(e->path, norm, sizeof(norm)) == 0);
	PROMISE(!strcmp(norm + 1, e->path));
	PROMISE(e->name >= e->path && e->name < e->path + len && !strchr(e->name, '/'));
	PROMISE(e->size == 0 || inside(e->data, e->size, data, size));
	PROMISE(!e->implied || ramfs_is_dir(e));
	PROMISE(ramfs_lookup(&fs, norm, false, &found) == 0 && found == e);
	if (e->name > e->path) { /* the parent exists and is a directory */
		memcpy(norm, e->path, (size_t)(e->name - e->path - 1));
		norm[e->name - e->path - 1] = '\0';
		PROMISE(ramfs_lookup(&fs, norm, false, &found) == 0 && ramfs_is_dir(found));
	}
}

static void list(const char *path)
{
	const struct ramfs_entry *e, *prev = NULL;
	struct ramfs_dir d;
	int rc = ramfs_opendir(&fs, path, &d);

	if (rc)
		return;
	while (ramfs_readdir(&fs, &d, &e) == 0) {
		PROMISE(!prev || strcmp(prev->name, e->name) < 0);
		prev = e;
	}
}

static void explore(const uint8_t *data, size_t size)
{
	const uint8_t *bytes;
	size_t n;

	PROMISE(fs.nr_entries <= NR_ENTRIES && fs.names_used <= sizeof(names));
	list("/");
	for (size_t i = 0; i < fs.nr_entries; i++) {
		const struct ramfs_entry *e = &fs.entries[i];
		int rc;

		if (i > 0)
			PROMISE(strcmp(fs.entries[i - 1].path, e->path) < 0);
		check_entry(e, data, size);
		list(e->path);
		rc = ramfs_read(&fs, e->path, &bytes, &n);
		PROMISE(rc == 0 || rc == -ENOENT || rc == -ENOTDIR || rc == -EISDIR ||
			rc == -EINVAL || rc == -EMLINK || rc == -ENAMETOOLONG);
		if (rc == 0)
			PROMISE(n == 0 || inside(bytes, n, data, size));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc;

	walk_cpio(data, size);
	ramfs_init(&fs, table, NR_ENTRIES, names, sizeof(names));
	rc = ramfs_add_archive(&fs, data, size);
	PROMISE(rc == 0 || rc == -EINVAL || rc == -ENAMETOOLONG || rc == -ENOSPC);
	check_message(fs.error, sizeof(fs.error), rc != 0);
	explore(data, size);
	return 0;
}
