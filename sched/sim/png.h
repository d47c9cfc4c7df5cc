/*
 * sched/sim/png.h - writing 8-bit RGB images as PNG files (png.c).
 */
#ifndef SCHED_SIM_PNG_H
#define SCHED_SIM_PNG_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 as PNG uses it (ISO 3309), continuing from crc (start with 0). */
uint32_t png_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* Adler-32 as zlib uses it, continuing from adler (start with 1). */
uint32_t png_adler32(uint32_t adler, const uint8_t *p, size_t n);

/*
 * The PNG file of a w x h image given as rows of R, G, B bytes, top row
 * first: a malloc'd buffer (the caller frees it) with its length in *len,
 * or NULL (no memory, or an empty image).
 */
uint8_t *png_encode_rgb(const uint8_t *rgb, unsigned int w, unsigned int h, size_t *len);

/* png_encode_rgb into the file path.  Returns 0, or -1. */
int png_write_rgb(const char *path, const uint8_t *rgb, unsigned int w, unsigned int h);

#endif /* SCHED_SIM_PNG_H */
