/*
 * guests/common/ramfs.c - the cpio-backed file tree (ramfs.h has the
 * contract and the replacement rules).
 *
 * The table is kept sorted by key (the normalized path without its '/'),
 * so a lookup is a binary search and a directory's descendants are one
 * contiguous run starting at the first key >= "dir/".  Paths are built by
 * key_append(), the one place that interprets '/', '.' and '..'; it never
 * writes past its buffer.  The table and pool are only grown after the
 * room for the whole change was checked, so a failed add leaves the tree
 * consistent (every prefix of a key is a directory in the table).
 */
#include "guests/common/ramfs.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

/* A key, a '/' and the NUL. */
#define KEY_SIZE (RAMFS_PATH_MAX + 2)

void ramfs_init(struct ramfs *fs, struct ramfs_entry *table, size_t max_entries, char *names,
		size_t names_size)
{
	memset(fs, 0, sizeof(*fs));
	fs->entries = table;
	fs->max_entries = max_entries;
	fs->names = names;
	fs->names_size = names_size;
	fs->root = (struct ramfs_entry){ .path = "", .name = "", .mode = CPIO_S_IFDIR | 0755 };
}

/*
 * Appends the components of path[0..len) to the key out[0..*out_len):
 * empty components and "." are dropped, ".." removes the key's last
 * component (nothing at the root).  Keeps out NUL-terminated.
 * Return: 0; -ENAMETOOLONG past RAMFS_PATH_MAX; -ENOENT for a NUL byte.
 */
static int key_append(char *out, size_t *out_len, const char *path, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t start, n;

		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/') {
			if (path[i] == '\0')
				return -ENOENT;
			i++;
		}
		n = i - start;
		if (n == 0 || (n == 1 && path[start] == '.'))
			continue;
		if (n == 2 && path[start] == '.' && path[start + 1] == '.') {
			while (*out_len > 0 && out[*out_len - 1] != '/')
				(*out_len)--;
			if (*out_len > 0)
				(*out_len)--;
			out[*out_len] = '\0';
			continue;
		}
		if (n + (*out_len > 0) > RAMFS_PATH_MAX - *out_len)
			return -ENAMETOOLONG;
		if (*out_len > 0)
			out[(*out_len)++] = '/';
		memcpy(out + *out_len, path + start, n);
		*out_len += n;
		out[*out_len] = '\0';
	}
	return 0;
}

int ramfs_normalize(const char *path, char *out, size_t out_size)
{
	char key[KEY_SIZE];
	size_t len = 0;
	int rc;

	key[0] = '\0';
	rc = key_append(key, &len, path, strlen(path));
	if (rc == 0 && len + 2 > out_size)
		rc = -ENAMETOOLONG;
	if (rc) {
		if (out_size)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	out[0] = '/';
	memcpy(out + 1, key, len + 1);
	return 0;
}

/* strcmp() of an entry's path with the key key[0..klen). */
static int cmp_key(const char *path, const char *key, size_t klen)
{
	int c = strncmp(path, key, klen);

	if (c)
		return c;
	return path[klen] != '\0';
}

/* The index of the first entry whose path is >= key[0..klen). */
static size_t lower_bound(const struct ramfs *fs, const char *key, size_t klen)
{
	size_t lo = 0, hi = fs->nr_entries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_key(fs->entries[mid].path, key, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct ramfs_entry *find(const struct ramfs *fs, const char *key, size_t klen)
{
	size_t i;

	if (klen == 0)
		return (struct ramfs_entry *)&fs->root;
	i = lower_bound(fs, key, klen);
	if (i < fs->nr_entries && cmp_key(fs->entries[i].path, key, klen) == 0)
		return &fs->entries[i];
	return NULL;
}

/* The first index of the descendants of key (all of them for the root). */
static size_t first_child(const struct ramfs *fs, const char *key, size_t klen)
{
	char sub[KEY_SIZE];

	if (klen == 0)
		return 0;
	memcpy(sub, key, klen);
	sub[klen] = '/';
	return lower_bound(fs, sub, klen + 1);
}

/* Whether entries[i] lies below key[0..klen) (any depth). */
static bool is_below(const struct ramfs *fs, size_t i, const char *key, size_t klen)
{
	const char *p;

	if (i >= fs->nr_entries)
		return false;
	p = fs->entries[i].path;
	return klen == 0 || (!strncmp(p, key, klen) && p[klen] == '/');
}

static bool has_children(const struct ramfs *fs, const char *key, size_t klen)
{
	return is_below(fs, first_child(fs, key, klen), key, klen);
}

/* Inserts key[0..klen) in order; the caller checked the room. */
static struct ramfs_entry *insert(struct ramfs *fs, const char *key, size_t klen)
{
	size_t i = lower_bound(fs, key, klen);
	struct ramfs_entry *e = &fs->entries[i];
	char *path = fs->names + fs->names_used;
	const char *slash;

	memmove(e + 1, e, (fs->nr_entries - i) * sizeof(*e));
	fs->nr_entries++;
	memcpy(path, key, klen);
	path[klen] = '\0';
	fs->names_used += klen + 1;
	slash = path + klen;
	while (slash > path && slash[-1] != '/')
		slash--;
	*e = (struct ramfs_entry){ .path = path, .name = slash };
	return e;
}

static void fill(struct ramfs_entry *e, const struct cpio_entry *ce)
{
	e->data = ce->data;
	e->size = ce->size;
	e->mode = ce->mode;
	e->uid = ce->uid;
	e->gid = ce->gid;
	e->mtime = ce->mtime;
	e->implied = false;
}

/*
 * Checks the proper prefixes of key: -ENOTDIR if one is no directory;
 * counts the missing ones and the pool bytes they will take.
 */
static int check_ancestors(const struct ramfs *fs, const char *key, size_t klen,
			   size_t *missing, size_t *bytes)
{
	for (size_t i = 1; i < klen; i++) {
		const struct ramfs_entry *e;

		if (key[i] != '/')
			continue;
		e = find(fs, key, i);
		if (!e) {
			(*missing)++;
			*bytes += i + 1;
		} else if (!ramfs_is_dir(e)) {
			return -ENOTDIR;
		}
	}
	return 0;
}

/* Adds (or replaces) the entry for key; the ancestors were checked. */
static int store(struct ramfs *fs, const char *key, size_t klen, size_t missing, size_t bytes,
		 const struct cpio_entry *ce)
{
	if (missing + 1 > fs->max_entries - fs->nr_entries ||
	    bytes + klen + 1 > fs->names_size - fs->names_used)
		return -ENOSPC;
	for (size_t i = 1; i < klen; i++) {
		if (key[i] == '/' && !find(fs, key, i)) {
			struct ramfs_entry *dir = insert(fs, key, i);

			dir->mode = CPIO_S_IFDIR | 0755;
			dir->implied = true;
		}
	}
	fill(insert(fs, key, klen), ce);
	return 0;
}

static int add_member(struct ramfs *fs, const struct cpio_entry *ce)
{
	bool dir = cpio_entry_type(ce) == CPIO_S_IFDIR;
	size_t klen = 0, missing = 0, bytes = 0;
	struct ramfs_entry *e;
	char key[KEY_SIZE];
	int rc;

	key[0] = '\0';
	rc = key_append(key, &klen, ce->name, ce->name_len);
	if (rc)
		return rc;
	if (klen == 0) {
		if (dir)
			fill(&fs->root, ce);
		else
			fs->nr_skipped++;
		return 0;
	}
	if (check_ancestors(fs, key, klen, &missing, &bytes)) {
		fs->nr_skipped++;
		return 0;
	}
	e = find(fs, key, klen);
	if (!e)
		return store(fs, key, klen, missing, bytes, ce);
	if (!dir && ramfs_is_dir(e) && has_children(fs, key, klen))
		fs->nr_skipped++;
	else
		fill(e, ce);
	return 0;
}

int ramfs_add_archive(struct ramfs *fs, const void *base, size_t len)
{
	struct cpio_reader r;
	struct cpio_entry ce;
	int rc;

	fs->error[0] = '\0';
	cpio_init(&r, base, len);
	while ((rc = cpio_next(&r, &ce)) == 0) {
		rc = add_member(fs, &ce);
		if (rc) {
			format_snprintf(fs->error, sizeof(fs->error), "ramfs: %s at offset %zu",
					rc == -ENOSPC ? "no room for the entry" : "path too long",
					ce.offset);
			return rc;
		}
	}
	if (rc != -ENOENT) {
		strlcpy(fs->error, r.error, sizeof(fs->error));
		return rc;
	}
	fs->nr_archives++;
	return 0;
}

/*
 * Replaces the symlink link (key cur[0..i) + its component up to j) in
 * cur[0..*len) by its target: cur becomes parent/target/rest, normalized.
 */
static int splice_link(const struct ramfs_entry *link, char *cur, size_t *len, size_t i, size_t j)
{
	char next[KEY_SIZE];
	size_t nlen = 0;
	int rc;

	next[0] = '\0';
	if (link->size == 0)
		return -ENOENT;
	if (link->data[0] != '/') {
		nlen = i > 0 ? i - 1 : 0; /* the link's directory */
		memcpy(next, cur, nlen);
		next[nlen] = '\0';
	}
	rc = key_append(next, &nlen, (const char *)link->data, link->size);
	if (rc == 0)
		rc = key_append(next, &nlen, cur + j, *len - j);
	if (rc)
		return rc;
	memcpy(cur, next, nlen + 1);
	*len = nlen;
	return 0;
}

int ramfs_lookup(const struct ramfs *fs, const char *path, bool follow,
		 const struct ramfs_entry **out)
{
	char cur[KEY_SIZE];
	size_t len = 0, i = 0, hops = 0;
	int rc;

	cur[0] = '\0';
	rc = key_append(cur, &len, path, strlen(path));
	if (rc)
		return rc;
	if (len == 0) {
		*out = &fs->root;
		return 0;
	}
	for (;;) {
		const struct ramfs_entry *e;
		size_t j = i;

		while (j < len && cur[j] != '/')
			j++;
		e = find(fs, cur, j);
		if (!e)
			return -ENOENT;
		if ((e->mode & CPIO_S_IFMT) == CPIO_S_IFLNK && (j < len || follow)) {
			if (++hops > RAMFS_SYMLINK_MAX)
				return -EMLINK;
			rc = splice_link(e, cur, &len, i, j);
			if (rc)
				return rc;
			i = 0;
			if (len == 0) {
				*out = &fs->root;
				return 0;
			}
			continue;
		}
		if (j == len) {
			*out = e;
			return 0;
		}
		if (!ramfs_is_dir(e))
			return -ENOTDIR;
		i = j + 1;
	}
}

int ramfs_read(const struct ramfs *fs, const char *path, const uint8_t **data, size_t *size)
{
	const struct ramfs_entry *e;
	int rc = ramfs_lookup(fs, path, true, &e);

	if (rc)
		return rc;
	if (ramfs_is_dir(e))
		return -EISDIR;
	if ((e->mode & CPIO_S_IFMT) != CPIO_S_IFREG)
		return -EINVAL;
	*data = e->data;
	*size = e->size;
	return 0;
}

int ramfs_opendir(const struct ramfs *fs, const char *path, struct ramfs_dir *dir)
{
	const struct ramfs_entry *e;
	int rc = ramfs_lookup(fs, path, true, &e);

	if (rc)
		return rc;
	if (!ramfs_is_dir(e))
		return -ENOTDIR;
	dir->path = e->path;
	dir->path_len = strlen(e->path);
	dir->next = first_child(fs, dir->path, dir->path_len);
	return 0;
}

int ramfs_readdir(const struct ramfs *fs, struct ramfs_dir *dir, const struct ramfs_entry **out)
{
	while (is_below(fs, dir->next, dir->path, dir->path_len)) {
		const struct ramfs_entry *e = &fs->entries[dir->next++];
		const char *rest = e->path + (dir->path_len ? dir->path_len + 1 : 0);

		if (!strchr(rest, '/')) {
			*out = e;
			return 0;
		}
	}
	return -ENOENT;
}
