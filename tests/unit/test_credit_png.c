/*
 * tests/unit/test_credit_png.c - the simulator's PNG writer
 * (sched/sim/png.c): CRC-32 and Adler-32 against their published check
 * values, and encoded images read back with a small inflate of our own
 * written from RFC 1951 (every chunk CRC, the deflate stream, the
 * Adler-32, the row filters undone, the pixels); and the shares plot as
 * a file, much smaller than its pixels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "host/test_shim.h"
#include "sched/sim/png.h"
#include "sched/sim/sim.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_checksums(void **state)
{
	const uint8_t *digits = (const uint8_t *)"123456789";

	(void)state;
	assert_int_equal(png_crc32(0, digits, 9), 0xcbf43926); /* the CRC-32 check value */
	assert_int_equal(png_crc32(png_crc32(0, digits, 4), digits + 4, 5), 0xcbf43926);
	assert_int_equal(png_adler32(1, (const uint8_t *)"Wikipedia", 9), 0x11e60398);
	assert_int_equal(png_adler32(1, digits, 0), 1);
}

/* A deflate bit reader (least significant bit of each byte first). */
struct in {
	const uint8_t *p;
	size_t len, pos;
	unsigned int bit;
};

static unsigned int get_bit(struct in *in)
{
	unsigned int v;

	assert_true(in->pos < in->len);
	v = (in->p[in->pos] >> in->bit) & 1;
	if (++in->bit == 8) {
		in->bit = 0;
		in->pos++;
	}
	return v;
}

static unsigned int get_bits(struct in *in, unsigned int n)
{
	unsigned int v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= get_bit(in) << i;
	return v;
}

/* A literal/length symbol of the fixed Huffman code (codes arrive most significant bit first). */
static unsigned int fixed_symbol(struct in *in)
{
	unsigned int code = 0;

	for (unsigned int len = 1; len <= 9; len++) {
		code = code << 1 | get_bit(in);
		if (len == 7 && code <= 0x17)
			return 256 + code;
		if (len == 8 && code >= 0x30 && code <= 0xbf)
			return code - 0x30;
		if (len == 8 && code >= 0xc0 && code <= 0xc7)
			return 280 + code - 0xc0;
		if (len == 9 && code >= 0x190)
			return 144 + code - 0x190;
	}
	fail_msg("bad fixed Huffman code");
	return 0;
}

/* Inflates a zlib stream of stored and fixed-Huffman blocks into out (exactly out_len bytes). */
static void inflate(const uint8_t *z, size_t z_len, uint8_t *out, size_t out_len)
{
	static const uint16_t len_base[] = {3,	4,  5,	6,   7,	  8,   9,   10,	 11, 13,
					    15, 17, 19, 23,  27,  31,  35,  43,	 51, 59,
					    67, 83, 99, 115, 131, 163, 195, 227, 258};
	static const uint8_t len_extra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
					    2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
	static const uint16_t dist_base[] = {
	    1,	 2,   3,   4,	5,   7,	   9,	 13,   17,   25,   33,	 49,   65,    97,    129,
	    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
	struct in in = {.p = z, .len = z_len, .pos = 2};
	size_t got = 0;
	unsigned int final;

	assert_int_equal((z[0] << 8 | z[1]) % 31, 0);
	assert_int_equal(z[0] & 0x0f, 8); /* deflate */
	do {
		unsigned int type;

		final = get_bit(&in);
		type = get_bits(&in, 2);
		assert_int_equal(type, 1); /* the writer uses fixed codes only */
		for (;;) {
			unsigned int sym = fixed_symbol(&in), len, dcode, dist;

			if (sym < 256) {
				assert_true(got < out_len);
				out[got++] = (uint8_t)sym;
				continue;
			}
			if (sym == 256)
				break;
			assert_true(sym <= 285);
			len = len_base[sym - 257] + get_bits(&in, len_extra[sym - 257]);
			dcode = 0;
			for (int i = 0; i < 5; i++)
				dcode = dcode << 1 | get_bit(&in);
			assert_true(dcode < 30);
			dist = dist_base[dcode] + get_bits(&in, dcode < 4 ? 0 : dcode / 2 - 1);
			assert_true(dist <= got && got + len <= out_len);
			for (unsigned int i = 0; i < len; i++, got++)
				out[got] = out[got - dist];
		}
	} while (!final);
	assert_int_equal(got, out_len);
	if (in.bit)
		in.pos++;
	assert_int_equal(in.pos + 4, z_len);
	assert_int_equal(get32(z + in.pos), png_adler32(1, out, out_len));
}

/* Undoes PNG filters 0-2 of one row in place (bpp 3). */
static void unfilter(uint8_t *row, const uint8_t *above, size_t n)
{
	unsigned int f = row[0];

	assert_true(f <= 2);
	for (size_t i = 0; i < n; i++) {
		uint8_t pred = f == 1		 ? (i >= 3 ? row[1 + i - 3] : 0)
			       : f == 2 && above ? above[i]
						 : 0;

		row[1 + i] = (uint8_t)(row[1 + i] + pred);
	}
}

/* Reads png back and checks it is exactly the w x h image rgb. */
static void check_png(const uint8_t *png, size_t len, const uint8_t *rgb, unsigned int w,
		      unsigned int h)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	size_t row = (size_t)w * 3 + 1, raw_len = row * h, at = 8;
	uint8_t *raw = malloc(raw_len);
	const uint8_t *idat = NULL;
	uint32_t idat_len = 0;
	bool ihdr = false, iend = false;

	assert_non_null(raw);
	assert_memory_equal(png, sig, 8);
	while (at < len) {
		uint32_t n = get32(png + at);
		const uint8_t *type = png + at + 4;

		assert_true(at + 12 + n <= len);
		assert_int_equal(get32(type + 4 + n), png_crc32(0, type, 4 + n));
		if (!memcmp(type, "IHDR", 4)) {
			assert_int_equal(n, 13);
			assert_int_equal(get32(type + 4), w);
			assert_int_equal(get32(type + 8), h);
			assert_int_equal(type[12], 8); /* depth */
			assert_int_equal(type[13], 2); /* RGB */
			ihdr = true;
		} else if (!memcmp(type, "IDAT", 4)) {
			idat = type + 4;
			idat_len = n;
		} else if (!memcmp(type, "IEND", 4)) {
			iend = true;
		}
		at += 12 + n;
	}
	assert_true(ihdr && idat && iend);
	inflate(idat, idat_len, raw, raw_len);
	for (unsigned int y = 0; y < h; y++) {
		unfilter(raw + y * row, y ? raw + (y - 1) * row + 1 : NULL, row - 1);
		assert_memory_equal(raw + y * row + 1, rgb + (size_t)y * w * 3, (size_t)w * 3);
	}
	free(raw);
}

static void test_small_image_round_trip(void **state)
{
	const uint8_t rgb[2][3][3] = {{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}},
				      {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}};
	size_t len;
	uint8_t *png;

	(void)state;
	png = png_encode_rgb(&rgb[0][0][0], 3, 2, &len);
	assert_non_null(png);
	check_png(png, len, &rgb[0][0][0], 3, 2);
	free(png);
	assert_null(png_encode_rgb(&rgb[0][0][0], 0, 2, &len));
}

static void round_trip(unsigned int w, unsigned int h, uint8_t (*pixel)(size_t i))
{
	uint8_t *rgb = malloc((size_t)w * h * 3), *png;
	size_t len;

	for (size_t i = 0; i < (size_t)w * h * 3; i++)
		rgb[i] = pixel(i);
	png = png_encode_rgb(rgb, w, h, &len);
	assert_non_null(png);
	check_png(png, len, rgb, w, h);
	free(png);
	free(rgb);
}

static uint8_t noise(size_t i)
{
	return (uint8_t)(i * 2654435761u >> 13);
}

static uint8_t stripes(size_t i)
{
	return (i / 3 / 300) % 17 < 3 ? 40
				      : 255; /* long runs, rows alike, run lengths of every size */
}

static uint8_t ramp(size_t i)
{
	return (uint8_t)(i % 900 / 3); /* each row a gradient: "Sub" filtering wins */
}

static void test_images_round_trip(void **state)
{
	(void)state;
	round_trip(300, 200, noise);
	round_trip(300, 200, stripes);
	round_trip(300, 20, ramp);
	round_trip(1, 1, noise);
	round_trip(259, 2, stripes);
}

static void test_shares_plot_is_a_png_file(void **state)
{
	static struct sim sim;
	char err[128], path[] = "/tmp/keel-plot-XXXXXX";
	uint8_t head[8];
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sim_parse(&sim, "duration 1s\ndomain a cpu\ndomain b weight=512 cpu\n",
				   err, sizeof(err)),
			 0);
	assert_int_equal(sim_run(&sim, err, sizeof(err)), 0);
	assert_int_equal(sim_plot_png(&sim, path, "two domains"), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, 8, f), 8);
	assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
	fseek(f, 0, SEEK_END);
	assert_true(ftell(f) < 100 * 1000); /* flat colour compresses: not 1.3 MB of pixels */
	fclose(f);
	unlink(path);
	assert_int_equal(sim_plot_png(&sim, "/nonexistent-dir/x.png", NULL), -1);
	sim_free(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_checksums),
	    cmocka_unit_test(test_small_image_round_trip),
	    cmocka_unit_test(test_images_round_trip),
	    cmocka_unit_test(test_shares_plot_is_a_png_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
