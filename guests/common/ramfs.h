/*
 * guests/common/ramfs.h - a read-only file tree over one or more newc cpio
 * archives in memory: dom0's root filesystem.
 *
 * Owns: the caller's struct ramfs, its entry table and its name pool.
 * File data is never copied: an entry's data points into the archive,
 * which must stay mapped and unchanged for the life of the ramfs.  No
 * malloc, no globals, no locks (one owner; readers may share it once all
 * archives are added).
 *
 * Paths are normalized before use: "/etc//guests/./x.cfg" is
 * "/etc/guests/x.cfg", ".." goes up ("/.." is "/"), and a relative path is
 * relative to "/".  Inside, entries are keyed by the normalized path
 * without its leading '/', sorted by strcmp() order.
 *
 * Invariants: every stored path is normalized, unique and has a directory
 * for every proper prefix (an entry named "a/b/c" brings implied
 * directories "a" and "a/b", mode 040755, when the archive has none);
 * the root "/" always exists and is not in the table.
 *
 * Linux initramfs semantics for archives added one after the other (and
 * for members of one archive): a later entry with the same path replaces
 * the earlier one, except that
 *   - an entry under a path whose ancestor is not a directory is skipped,
 *   - a non-directory does not replace a directory that has children,
 * as Linux's unpacker fails in those cases (counted in nr_skipped).
 * Hard links (newc's nlink > 1 with the data on the last link) are not
 * joined: each name is its own entry; our mkrootfs.py never writes them.
 */
#ifndef GUESTS_COMMON_RAMFS_H
#define GUESTS_COMMON_RAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guests/common/cpio_newc.h"

/* The longest normalized path, without the leading '/' and the NUL. */
#define RAMFS_PATH_MAX 255
/* Symlinks followed while resolving one path before -EMLINK. */
#define RAMFS_SYMLINK_MAX 8
/* A suggested table size for dom0's root filesystem (not enforced). */
#define RAMFS_DEFAULT_ENTRIES 512
#define RAMFS_ERROR_MAX (CPIO_ERROR_MAX + 32)

/* A file, directory, symlink or special file of the tree. */
struct ramfs_entry {
	const char *path;	/* normalized, no leading '/', NUL-terminated */
	const char *name;	/* the last component, inside path */
	const uint8_t *data;	/* file contents or symlink target (archive memory) */
	size_t size;
	uint32_t mode;		/* type (CPIO_S_IF*) and permission bits */
	uint32_t uid, gid, mtime;
	bool implied;		/* a directory only implied by deeper paths */
};

struct ramfs {
	struct ramfs_entry *entries;	/* sorted by path */
	size_t max_entries, nr_entries;
	char *names;			/* pool for the entries' paths */
	size_t names_size, names_used;
	struct ramfs_entry root;	/* path "" */
	unsigned int nr_archives;	/* added successfully */
	unsigned int nr_skipped;	/* entries refused (see above) */
	char error[RAMFS_ERROR_MAX];	/* the last add's failure, one line */
};

/* A position in a directory listing (ramfs_opendir / ramfs_readdir). */
struct ramfs_dir {
	const char *path;	/* the directory's key ("" for the root) */
	size_t path_len;
	size_t next;		/* index into the entry table */
};

/**
 * ramfs_init() - an empty tree (only "/") in caller storage.
 * @fs:          the tree.
 * @table:       room for @max_entries entries (each file, symlink and
 *               directory, implied ones included, takes one).
 * @names:       pool of @names_size bytes for paths (each entry takes its
 *               normalized path's length + 1; replacements take nothing).
 */
void ramfs_init(struct ramfs *fs, struct ramfs_entry *table, size_t max_entries, char *names,
		size_t names_size);

/**
 * ramfs_add_archive() - add every member of the archive(s) at @base.
 * @fs:   a tree from ramfs_init().
 * @base: @len bytes of newc archive(s), concatenated ones allowed; they must
 *        outlive @fs.
 *
 * On failure the entries read before the bad one stay in the tree, as
 * Linux keeps what it unpacked.
 *
 * Return: 0; -EINVAL for a corrupt archive; -ENAMETOOLONG for a member
 * whose normalized path is longer than RAMFS_PATH_MAX; -ENOSPC when the
 * table or the name pool is full.  fs->error then holds one line ("cpio:
 * offset N: ...", or "ramfs: ... at offset N").
 */
int ramfs_add_archive(struct ramfs *fs, const void *base, size_t len);

/**
 * ramfs_normalize() - the canonical absolute form of @path.
 * @path: any path; relative ones are taken from "/".
 * @out:  @out_size bytes for the result ("/" or "/a/b", NUL-terminated).
 *
 * Return: 0, or -ENAMETOOLONG when the result is longer than
 * RAMFS_PATH_MAX + 1 or does not fit in @out (then @out is "").
 */
int ramfs_normalize(const char *path, char *out, size_t out_size);

/**
 * ramfs_lookup() - find the entry of @path.
 * @follow: also follow a symlink in the last component (stat), or not
 *          (lstat); symlinks in the other components are always followed.
 * @out:    the entry; valid until the next ramfs_add_archive().
 *
 * Return: 0; -ENOENT; -ENOTDIR when a non-final component is not a
 * directory; -EMLINK after RAMFS_SYMLINK_MAX symlinks (Xen's errno
 * has no ELOOP); -ENAMETOOLONG.
 */
int ramfs_lookup(const struct ramfs *fs, const char *path, bool follow,
		 const struct ramfs_entry **out);

/**
 * ramfs_read() - the contents of the regular file at @path (symlinks
 * followed), as a pointer into the archive and a length; no copy.
 *
 * Return: 0; the errors of ramfs_lookup(); -EISDIR for a directory;
 * -EINVAL for a special file.
 */
int ramfs_read(const struct ramfs *fs, const char *path, const uint8_t **data, size_t *size);

/**
 * ramfs_opendir() - start listing the directory at @path (symlinks followed).
 * @dir: out: the cursor for ramfs_readdir().
 *
 * Return: 0; the errors of ramfs_lookup(); -ENOTDIR if it is no directory.
 */
int ramfs_opendir(const struct ramfs *fs, const char *path, struct ramfs_dir *dir);

/**
 * ramfs_readdir() - the next direct child, in strcmp() order of the names,
 * each name once ("." and ".." are not listed).
 * @out: the child; entry->name is its name.
 *
 * Return: 0, or -ENOENT when the listing is done.
 */
int ramfs_readdir(const struct ramfs *fs, struct ramfs_dir *dir, const struct ramfs_entry **out);

/**
 * ramfs_is_dir() - whether @e is a directory.
 */
static inline bool ramfs_is_dir(const struct ramfs_entry *e)
{
	return (e->mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
}

#endif /* GUESTS_COMMON_RAMFS_H */
