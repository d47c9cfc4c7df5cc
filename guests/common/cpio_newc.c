/*
 * guests/common/cpio_newc.c - the newc archive reader (cpio_newc.h has
 * the format and the contract).
 *
 * Invariants: r->pos <= r->len always; every offset is compared with the
 * bytes that remain (len - off) before it is added to, so no sum can wrap;
 * a pointer handed out lies with all its bytes inside the archive.  The
 * first error is final (r->status), so a caller that ignores one cannot
 * read past it.
 */
#include "guests/common/cpio_newc.h"
#include "lib/ctype.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"

#define CPIO_NR_FIELDS 13
#define CPIO_TRAILER "TRAILER!!!"

/* The header's fields in order, for messages. */
static const char *const field_names[CPIO_NR_FIELDS] = {
	"ino",	    "mode",	 "uid",	      "gid",	   "nlink",    "mtime", "filesize",
	"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

void cpio_init(struct cpio_reader *r, const void *base, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->len = base ? len : 0;
}

static int fail(struct cpio_reader *r, size_t offset, const char *what)
{
	r->status = -EINVAL;
	r->error_offset = offset;
	format_snprintf(r->error, sizeof(r->error), "cpio: offset %zu: %s", offset, what);
	return -EINVAL;
}

/* Eight hex digits at p into *out; false if any is not a hex digit. */
static bool parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int d = digit_value((char)p[i]);

		if (d > 15)
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

/* The bytes [off, off + n) are all zero (the caller checked they exist). */
static bool all_zero(const struct cpio_reader *r, size_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r->base[off + i])
			return false;
	return true;
}

/*
 * Checks the zero padding from off up to a multiple of 4; 0 or -EINVAL.
 * With may_cut (a trailer's padding) the buffer may end inside it.
 */
static int check_pad(struct cpio_reader *r, size_t off, bool may_cut, size_t *next,
		     const char *what)
{
	size_t pad = (4 - (off & 3)) & 3;

	if (pad > r->len - off) {
		if (!may_cut)
			return fail(r, off, what);
		pad = r->len - off;
	}
	if (!all_zero(r, off, pad))
		return fail(r, off, "padding is not zero");
	*next = off + pad;
	return 0;
}

static int parse_header(struct cpio_reader *r, uint32_t f[CPIO_NR_FIELDS], bool *crc)
{
	const uint8_t *h = r->base + r->pos;

	if (r->len - r->pos < CPIO_HEADER_SIZE)
		return fail(r, r->pos, "truncated header");
	if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2'))
		return fail(r, r->pos, "bad magic (not a newc cpio archive)");
	*crc = h[5] == '2';
	for (int i = 0; i < CPIO_NR_FIELDS; i++) {
		if (!parse_hex8(h + 6 + 8 * i, &f[i])) {
			char msg[48];

			format_snprintf(msg, sizeof(msg), "bad hex digit in %s", field_names[i]);
			return fail(r, r->pos + 6 + 8 * (size_t)i, msg);
		}
	}
	return 0;
}

/* Checks the name at name_off; on success *data_off is past its padding. */
static int check_name(struct cpio_reader *r, size_t name_off, uint32_t namesize,
		      size_t *data_off)
{
	const char *name = (const char *)r->base + name_off;

	if (namesize == 0)
		return fail(r, r->pos + 6 + 8 * F_NAMESIZE, "namesize is 0");
	if (namesize > r->len - name_off)
		return fail(r, name_off, "name runs past the end of the archive");
	if (name[namesize - 1] != '\0')
		return fail(r, name_off, "name is not NUL-terminated");
	if (strnlen(name, namesize) != namesize - 1)
		return fail(r, name_off, "NUL inside the name");
	if (namesize == 1)
		return fail(r, name_off, "empty name");
	return check_pad(r, name_off + namesize, !strcmp(name, CPIO_TRAILER), data_off,
			 "name padding runs past the end");
}

static uint32_t byte_sum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

/* Reads the member at r->pos into *e; *trailer says it ended an archive. */
static int read_member(struct cpio_reader *r, struct cpio_entry *e, bool *trailer)
{
	uint32_t f[CPIO_NR_FIELDS];
	size_t data_off, next;
	bool crc;
	int rc;

	rc = parse_header(r, f, &crc);
	if (rc)
		return rc;
	rc = check_name(r, r->pos + CPIO_HEADER_SIZE, f[F_NAMESIZE], &data_off);
	if (rc)
		return rc;
	if (f[F_FILESIZE] > r->len - data_off)
		return fail(r, data_off, "data runs past the end of the archive");
	*trailer = !strcmp((const char *)r->base + r->pos + CPIO_HEADER_SIZE, CPIO_TRAILER);
	rc = check_pad(r, data_off + f[F_FILESIZE], *trailer, &next,
		       "data padding runs past the end");
	if (rc)
		return rc;
	if (crc && (f[F_MODE] & CPIO_S_IFMT) == CPIO_S_IFREG &&
	    byte_sum(r->base + data_off, f[F_FILESIZE]) != f[F_CHECK])
		return fail(r, data_off, "checksum does not match the data");

	*e = (struct cpio_entry){
		.name = (const char *)r->base + r->pos + CPIO_HEADER_SIZE,
		.name_len = f[F_NAMESIZE] - 1,
		.data = r->base + data_off,
		.size = f[F_FILESIZE],
		.offset = r->pos,
		.ino = f[F_INO], .mode = f[F_MODE], .uid = f[F_UID], .gid = f[F_GID],
		.nlink = f[F_NLINK], .mtime = f[F_MTIME],
		.devmajor = f[F_DEVMAJOR], .devminor = f[F_DEVMINOR],
		.rdevmajor = f[F_RDEVMAJOR], .rdevminor = f[F_RDEVMINOR],
		.check = f[F_CHECK],
	};
	r->pos = next;
	return 0;
}

/* Between archives: skips zeros; -ENOENT at the end, 0 at a new archive. */
static int skip_gap(struct cpio_reader *r)
{
	while (r->pos < r->len && r->base[r->pos] == 0)
		r->pos++;
	if (r->pos == r->len) {
		r->status = -ENOENT;
		return -ENOENT;
	}
	if (r->pos & 3)
		return fail(r, r->pos, "next archive does not start at a multiple of 4");
	return 0;
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	bool trailer;
	int rc;

	while (!r->status) {
		if (!r->in_archive) {
			rc = skip_gap(r);
			if (rc)
				return rc;
		} else if (r->pos == r->len) {
			return fail(r, r->pos, "archive ends without TRAILER!!!");
		}
		rc = read_member(r, e, &trailer);
		if (rc)
			return rc;
		r->in_archive = !trailer;
		if (!trailer)
			return 0;
	}
	return r->status;
}
