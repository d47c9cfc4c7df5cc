/*
 * guests/common/cpio_newc.h - a validating reader for cpio archives in
 * the "newc" format ("070701", and "070702" with a checksum), in memory.
 *
 * Owns nothing but the caller's struct cpio_reader: entries point into
 * the archive's own bytes (no copy), which must stay mapped and unchanged
 * while the entries are used.  No malloc, no globals.
 *
 * The archive is hostile (it is a boot module anyone can give): every
 * field is checked before it is used and no pointer ever leaves
 * [base, base + len).  Format, per entry:
 *
 *   110-byte header: "070701" then 13 fields of 8 hex digits: ino, mode,
 *   uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
 *   rdevminor, namesize (counting the NUL), check;
 *   the name (namesize bytes, NUL last and only there), zero bytes up to a
 *   multiple of 4 from the archive's start; the data (filesize bytes), zero
 *   bytes up to a multiple of 4.
 *
 * An archive ends with the entry "TRAILER!!!" (not returned).  As Linux's
 * initramfs does, zero bytes may follow and then another archive may
 * start (at a multiple of 4); the data ends after a trailer and any zeros
 * (the end of the buffer may cut the trailer's own padding short).
 * Anything else is an error: -EINVAL with the offset of the bad byte
 * range and a one-line message in the reader.
 */
#ifndef GUESTS_COMMON_CPIO_NEWC_H
#define GUESTS_COMMON_CPIO_NEWC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_ERROR_MAX 96

/* File types in the mode field (as in Linux's stat.h). */
#define CPIO_S_IFMT 0170000u
#define CPIO_S_IFSOCK 0140000u
#define CPIO_S_IFLNK 0120000u
#define CPIO_S_IFREG 0100000u
#define CPIO_S_IFBLK 0060000u
#define CPIO_S_IFDIR 0040000u
#define CPIO_S_IFCHR 0020000u
#define CPIO_S_IFIFO 0010000u

/* One member of the archive, as its header says, with checked pointers. */
struct cpio_entry {
	const char *name;	/* NUL-terminated, inside the archive */
	size_t name_len;	/* strlen(name), >= 1 */
	const uint8_t *data;	/* filesize bytes inside the archive */
	size_t size;
	size_t offset;		/* of the header, from the archive's start */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	uint32_t check;		/* 0 in "070701"; the byte sum in "070702" */
};

/* The iteration state; read error and error_offset after -EINVAL. */
struct cpio_reader {
	const uint8_t *base;
	size_t len;
	size_t pos;		/* the next header (or zero padding) */
	bool in_archive;	/* an entry since the last trailer */
	int status;		/* 0 while reading, then -ENOENT or -EINVAL */
	size_t error_offset;
	char error[CPIO_ERROR_MAX]; /* "" or "cpio: offset N: what" */
};

/**
 * cpio_init() - start reading the archive(s) at @base, @len bytes.
 * @r:    the reader to set up; needs no other storage.
 * @base: the archive bytes (may be NULL when @len is 0).
 *
 * Never fails.  An empty buffer is an empty set of archives.
 */
void cpio_init(struct cpio_reader *r, const void *base, size_t len);

/**
 * cpio_next() - read the next member of the archive(s).
 * @r: a reader from cpio_init().
 * @e: out: the member; only meaningful when 0 is returned.
 *
 * Trailers and the zero padding between archives are skipped.
 *
 * Return: 0 with *@e filled; -ENOENT at the clean end (after a trailer and
 * only zero bytes, or an empty buffer); -EINVAL on a corrupt archive, with
 * r->error_offset and r->error set.  Once -ENOENT or -EINVAL was returned
 * every later call returns the same.
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e);

/**
 * cpio_entry_type() - the file type bits of an entry's mode.
 * @e: an entry from cpio_next().
 *
 * Return: one of the CPIO_S_IF* values (or another value of CPIO_S_IFMT).
 */
static inline uint32_t cpio_entry_type(const struct cpio_entry *e)
{
	return e->mode & CPIO_S_IFMT;
}

#endif /* GUESTS_COMMON_CPIO_NEWC_H */
