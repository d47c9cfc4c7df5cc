/*
 * sched/sim/png.c - a minimal PNG writer: 8-bit RGB, no compression.
 *
 * A PNG file is a signature and chunks (length, type, data, CRC-32 of
 * type and data).  The image rows, each led by a filter byte (0: none),
 * form a zlib stream in the IDAT chunk; zlib allows "stored" deflate
 * blocks that carry bytes verbatim (at most 65535 each), followed by the
 * Adler-32 of the uncompressed bytes.  The files are larger than a real
 * encoder's, but every byte is explained by the two specifications
 * (PNG: W3C/ISO 15948; zlib: RFC 1950; deflate: RFC 1951).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/sim/png.h"

#define STORED_MAX 65535u

uint32_t png_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	/* Bitwise CRC-32 (reflected polynomial 0xedb88320): slow, but plots are small. */
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

uint32_t png_adler32(uint32_t adler, const uint8_t *p, size_t n)
{
	uint32_t a = adler & 0xffff, b = adler >> 16;

	while (n--) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return (b << 16) | a;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

/* Writes a chunk at p (length, type, data, CRC); returns the end. */
static uint8_t *chunk(uint8_t *p, const char type[4], const uint8_t *data, uint32_t len)
{
	uint8_t *start = p + 4;

	p = put32(p, len);
	memcpy(p, type, 4);
	if (len)
		memcpy(p + 4, data, len);
	p += 4 + len;
	return put32(p, png_crc32(0, start, 4 + len));
}

/* The zlib stream of raw (stored blocks); returns its length. */
static size_t zlib_stored(uint8_t *out, const uint8_t *raw, size_t n)
{
	uint8_t *p = out;
	size_t done = 0;

	*p++ = 0x78; /* deflate, 32 KiB window */
	*p++ = 0x01; /* no dictionary, fastest; (0x78 << 8 | 0x01) % 31 == 0 as RFC 1950 requires */
	do {
		size_t len = n - done > STORED_MAX ? STORED_MAX : n - done;

		*p++ = done + len == n; /* BFINAL on the last, BTYPE 00: stored */
		*p++ = (uint8_t)len;
		*p++ = (uint8_t)(len >> 8);
		*p++ = (uint8_t)~len;
		*p++ = (uint8_t)(~len >> 8);
		memcpy(p, raw + done, len);
		p += len;
		done += len;
	} while (done < n);
	p = put32(p, png_adler32(1, raw, n));
	return (size_t)(p - out);
}

uint8_t *png_encode_rgb(const uint8_t *rgb, unsigned int w, unsigned int h, size_t *len)
{
	static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t row = (size_t)w * 3 + 1, raw_len = row * h;
	size_t z_max = raw_len + 5 * (raw_len / STORED_MAX + 1) + 6;
	uint8_t ihdr[13], *raw = malloc(raw_len), *z = malloc(z_max), *out = NULL, *p;
	size_t z_len;

	if (!raw || !z || !w || !h || z_max > UINT32_MAX)
		goto out;
	for (unsigned int y = 0; y < h; y++) {
		raw[y * row] = 0; /* filter: none */
		memcpy(raw + y * row + 1, rgb + (size_t)y * w * 3, (size_t)w * 3);
	}
	z_len = zlib_stored(z, raw, raw_len);
	out = malloc(sizeof(signature) + 3 * 12 + sizeof(ihdr) + z_len);
	if (!out)
		goto out;
	put32(ihdr, w);
	put32(ihdr + 4, h);
	ihdr[8] = 8;  /* bits per sample */
	ihdr[9] = 2;  /* colour type: RGB */
	ihdr[10] = 0; /* compression: deflate */
	ihdr[11] = 0; /* filter method 0 */
	ihdr[12] = 0; /* no interlace */
	memcpy(out, signature, sizeof(signature));
	p = chunk(out + sizeof(signature), "IHDR", ihdr, sizeof(ihdr));
	p = chunk(p, "IDAT", z, (uint32_t)z_len);
	p = chunk(p, "IEND", NULL, 0);
	*len = (size_t)(p - out);
out:
	free(raw);
	free(z);
	return out;
}

int png_write_rgb(const char *path, const uint8_t *rgb, unsigned int w, unsigned int h)
{
	size_t len;
	uint8_t *png = png_encode_rgb(rgb, w, h, &len);
	FILE *f;
	int rc = -1;

	if (!png)
		return -1;
	f = fopen(path, "wb");
	if (f) {
		rc = fwrite(png, 1, len, f) == len ? 0 : -1;
		if (fclose(f))
			rc = -1;
	}
	free(png);
	return rc;
}
