/*
 * sched/sim/png.c - a small PNG writer: 8-bit RGB.
 *
 * A PNG file is a signature and chunks (length, type, data, CRC-32 of
 * type and data).  The image rows, each led by a filter byte, form a zlib
 * stream in the IDAT chunk: a two-byte header, deflate data, the Adler-32
 * of the uncompressed bytes.  Specifications: PNG (W3C/ISO 15948), zlib
 * (RFC 1950), deflate (RFC 1951).
 *
 * Compression is deliberately simple but enough for plots, which are
 * mostly flat colour: each row is filtered the way that makes it closest
 * to zeros (none, "Sub": minus the pixel to the left, or "Up": minus the
 * pixel above), and the deflate stream is one block with the fixed
 * Huffman codes of RFC 1951 3.2.6, where a run of equal bytes becomes a
 * match at distance 1 (up to 258 bytes in a dozen bits).  A 900x480 plot
 * shrinks from 1.3 MB to a few tens of KB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/sim/png.h"

#define BPP	  3   /* bytes per pixel */
#define MAX_MATCH 258 /* deflate's longest match */

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

/* Deflate's output: bits are packed from the least significant bit of each byte up. */
struct bits {
	uint8_t *p;
	uint64_t acc;
	unsigned int n;
};

static void put_bits(struct bits *b, uint32_t v, unsigned int n)
{
	b->acc |= (uint64_t)v << b->n;
	for (b->n += n; b->n >= 8; b->n -= 8, b->acc >>= 8)
		*b->p++ = (uint8_t)b->acc;
}

/* A Huffman code goes out most significant bit first: reversed into the LSB-first stream. */
static void put_code(struct bits *b, uint32_t code, unsigned int len)
{
	uint32_t r = 0;

	for (unsigned int i = 0; i < len; i++)
		r |= ((code >> i) & 1) << (len - 1 - i);
	put_bits(b, r, len);
}

/* Literal/length symbol 0..287 in the fixed code (RFC 1951 3.2.6). */
static void put_symbol(struct bits *b, unsigned int sym)
{
	if (sym < 144)
		put_code(b, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(b, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(b, sym - 256, 7);
	else
		put_code(b, 0xc0 + sym - 280, 8);
}

/* A match of len (3..258) bytes at distance 1: length symbol, its extra bits, distance code 0. */
static void put_run(struct bits *b, unsigned int len)
{
	static const uint16_t base[] = {3,  4,	5,  6,	 7,   8,   9,	10,  11, 13,
					15, 17, 19, 23,	 27,  31,  35,	43,  51, 59,
					67, 83, 99, 115, 131, 163, 195, 227, 258};
	static const uint8_t extra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
					2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
	unsigned int i = sizeof(base) / sizeof(base[0]) - 1;

	while (base[i] > len)
		i--;
	put_symbol(b, 257 + i);
	put_bits(b, len - base[i], extra[i]);
	put_bits(b, 0, 5); /* distance code 0: distance 1 */
}

/* The zlib stream of raw: one fixed-Huffman block, runs as distance-1 matches.  Returns its length.
 */
static size_t zlib_compress(uint8_t *out, const uint8_t *raw, size_t n)
{
	struct bits b = {.p = out};

	put_bits(&b, 0x78, 8); /* deflate, 32 KiB window */
	put_bits(&b, 0x01, 8); /* (0x78 << 8 | 0x01) % 31 == 0, as RFC 1950 requires */
	put_bits(&b, 1, 1);    /* BFINAL */
	put_bits(&b, 1, 2);    /* BTYPE 01: fixed Huffman codes */
	for (size_t i = 0; i < n;) {
		size_t run = 0;

		put_symbol(&b, raw[i]);
		while (i + 1 + run < n && raw[i + 1 + run] == raw[i])
			run++;
		i++;
		while (run >= 3) {
			unsigned int len = run > MAX_MATCH ? MAX_MATCH : (unsigned int)run;

			/* Never leave 1 or 2 bytes a match cannot take: end at 3 before them. */
			if (run > MAX_MATCH && run - MAX_MATCH < 3)
				len = (unsigned int)run - 3;
			put_run(&b, len);
			run -= len;
			i += len;
		}
	}
	put_symbol(&b, 256); /* end of block */
	put_bits(&b, 0, 7);  /* to a byte boundary */
	b.p = put32(b.p, png_adler32(1, raw, n));
	return (size_t)(b.p - out);
}

/* PNG filter type f (0 none, 1 Sub, 2 Up) of row y into out; returns how far it is from zeros. */
static uint64_t filter_row(uint8_t *out, const uint8_t *rgb, unsigned int w, unsigned int y,
			   unsigned int f)
{
	const uint8_t *row = rgb + (size_t)y * w * BPP, *above = y ? row - (size_t)w * BPP : NULL;
	uint64_t cost = 0;

	out[0] = (uint8_t)f;
	for (size_t i = 0; i < (size_t)w * BPP; i++) {
		uint8_t pred = f == 1		 ? (i >= BPP ? row[i - BPP] : 0)
			       : f == 2 && above ? above[i]
						 : 0;
		uint8_t v = (uint8_t)(row[i] - pred);

		out[1 + i] = v;
		cost += v < 128 ? v : 256 - v;
	}
	return cost;
}

/* Row y filtered the way that leaves it closest to zeros (the usual heuristic). */
static void filter_best(uint8_t *out, const uint8_t *rgb, unsigned int w, unsigned int y)
{
	uint64_t best = filter_row(out, rgb, w, y, 0);
	unsigned int best_f = 0;

	for (unsigned int f = 1; f <= 2; f++) {
		uint64_t cost = filter_row(out, rgb, w, y, f);

		if (cost < best) {
			best = cost;
			best_f = f;
		}
	}
	filter_row(out, rgb, w, y, best_f);
}

uint8_t *png_encode_rgb(const uint8_t *rgb, unsigned int w, unsigned int h, size_t *len)
{
	static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	size_t row = (size_t)w * BPP + 1, raw_len = row * h;
	size_t z_max = raw_len + raw_len / 8 + 16; /* 9 bits per literal at worst */
	uint8_t ihdr[13], *raw = malloc(raw_len), *z = malloc(z_max), *out = NULL, *p;
	size_t z_len;

	if (!raw || !z || !w || !h || z_max > UINT32_MAX)
		goto out;
	for (unsigned int y = 0; y < h; y++)
		filter_best(raw + (size_t)y * row, rgb, w, y);
	z_len = zlib_compress(z, raw, raw_len);
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
