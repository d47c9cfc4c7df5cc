/*
 * tests/unit/cpio_builder.h - builds newc cpio archives in memory for the
 * unit tests of guests/common/cpio_newc.c and ramfs.c, so the tests need no
 * checked-in binary fixtures and can make every corrupt variant.
 *
 * Owns: the builder's fixed buffer (CB_MAX bytes); an overflow fails the
 * test (cmocka's assert), it never writes past the buffer.  Header-only,
 * static functions: include it from one test file each.
 */
#ifndef TESTS_UNIT_CPIO_BUILDER_H
#define TESTS_UNIT_CPIO_BUILDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CB_MAX (64 * 1024)

struct cpio_builder {
	uint8_t buf[CB_MAX];
	size_t len;
};

/* One member's header values; zero-initialised fields are 0. */
struct cb_member {
	const char *magic;	/* NULL: "070701" */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t namesize;	/* 0 here: strlen(name) + 1 (see raw_namesize) */
	bool raw_namesize;	/* use namesize as given, even 0 */
	uint32_t check;
	uint32_t filesize;	/* used when size_override, else the data length */
	bool size_override;
};

static inline void cb_reset(struct cpio_builder *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->len = 0;
}

static inline void cb_raw(struct cpio_builder *b, const void *p, size_t n)
{
	assert_true(n <= CB_MAX - b->len);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static inline void cb_zeros(struct cpio_builder *b, size_t n)
{
	assert_true(n <= CB_MAX - b->len);
	memset(b->buf + b->len, 0, n);
	b->len += n;
}

static inline void cb_pad4(struct cpio_builder *b)
{
	cb_zeros(b, (4 - (b->len & 3)) & 3);
}

/* Writes one member: header, name (with NUL), pad, data, pad. */
static inline void cb_member(struct cpio_builder *b, const struct cb_member *m, const char *name,
			     const void *data, size_t size)
{
	char hdr[111];
	uint32_t namesize = m->raw_namesize ? m->namesize : (uint32_t)strlen(name) + 1;
	uint32_t filesize = m->size_override ? m->filesize : (uint32_t)size;

	snprintf(hdr, sizeof(hdr),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 m->magic ? m->magic : "070701", m->ino, m->mode, m->uid, m->gid, m->nlink,
		 m->mtime, filesize, 0u, 0u, 0u, 0u, namesize, m->check);
	cb_raw(b, hdr, 110);
	cb_raw(b, name, strlen(name) + 1);
	cb_pad4(b);
	cb_raw(b, data, size);
	cb_pad4(b);
}

static inline void cb_add(struct cpio_builder *b, const char *name, uint32_t mode,
			  const void *data, size_t size)
{
	struct cb_member m = { .mode = mode, .nlink = 1, .mtime = 1700000000 };

	cb_member(b, &m, name, data, size);
}

static inline void cb_file(struct cpio_builder *b, const char *name, const char *text)
{
	cb_add(b, name, 0100644, text, strlen(text));
}

static inline void cb_dir(struct cpio_builder *b, const char *name)
{
	cb_add(b, name, 040755, "", 0);
}

static inline void cb_symlink(struct cpio_builder *b, const char *name, const char *target)
{
	cb_add(b, name, 0120777, target, strlen(target));
}

static inline void cb_trailer(struct cpio_builder *b)
{
	cb_add(b, "TRAILER!!!", 0, "", 0);
}

#endif /* TESTS_UNIT_CPIO_BUILDER_H */
