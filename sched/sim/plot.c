/*
 * sched/sim/plot.c - the shares-over-time plot: one line per domain (its
 * share of the machine in each sample interval), its ideal share dashed
 * in the same colour when there is one, axes with labels, a legend.
 * Drawn into an RGB buffer with a tiny 5x7 font of our own, written by
 * png.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/sim/png.h"
#include "sched/sim/sim.h"

#define W	900
#define H	480
#define LEFT	64
#define RIGHT	190
#define TOP	40
#define BOTTOM	44
#define PLOT_W	(W - LEFT - RIGHT)
#define PLOT_H	(H - TOP - BOTTOM)
#define GLYPH_W 5
#define GLYPH_H 7

struct canvas {
	uint8_t px[H][W][3];
};

struct rgb {
	uint8_t r, g, b;
};

static const struct rgb WHITE = {255, 255, 255}, BLACK = {0, 0, 0}, GRID = {225, 225, 225};
static const struct rgb PALETTE[] = {
    {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
    {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207},
};

/* 5x7 glyphs, one byte per row, bit 4 the leftmost pixel. */
static const struct {
	char c;
	uint8_t rows[GLYPH_H];
} FONT[] = {
    {'0', {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}},
    {'1', {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}},
    {'2', {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}},
    {'3', {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e}},
    {'4', {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}},
    {'5', {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}},
    {'6', {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}},
    {'7', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}},
    {'9', {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}},
    {'A', {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}},
    {'B', {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e}},
    {'C', {0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e}},
    {'D', {0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c}},
    {'E', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f}},
    {'F', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10}},
    {'G', {0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f}},
    {'H', {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}},
    {'I', {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}},
    {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
    {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f}},
    {'M', {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}},
    {'P', {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10}},
    {'Q', {0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d}},
    {'R', {0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11}},
    {'S', {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e}},
    {'T', {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}},
    {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a}},
    {'X', {0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04}},
    {'Z', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c}},
    {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},
    {':', {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00}},
    {'-', {0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00}},
    {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f}},
    {'=', {0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00}},
    {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
    {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
    {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}},
    {',', {0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08}},
    {'+', {0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00}},
};

static void dot(struct canvas *cv, int x, int y, struct rgb c)
{
	if (x >= 0 && x < W && y >= 0 && y < H) {
		cv->px[y][x][0] = c.r;
		cv->px[y][x][1] = c.g;
		cv->px[y][x][2] = c.b;
	}
}

static void rect(struct canvas *cv, int x0, int y0, int x1, int y1, struct rgb c)
{
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++)
			dot(cv, x, y, c);
}

/* A line `width` pixels thick; dashed: every other 6 pixels skipped. */
static void line(struct canvas *cv, int x0, int y0, int x1, int y1, struct rgb c, int width,
		 bool dashed)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
	int err = dx + dy;

	for (int n = 0;; n++) {
		if (!dashed || (n / 6) % 2 == 0)
			rect(cv, x0 - width / 2, y0 - width / 2, x0 + (width - 1) / 2,
			     y0 + (width - 1) / 2, c);
		int e2 = 2 * err; /* both steps decide on the error before either moves */

		if (x0 == x1 && y0 == y1)
			break;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

/* Text at (x, y) (top left), each font pixel scale x scale; lower case drawn as upper case. */
static int text(struct canvas *cv, int x, int y, const char *s, struct rgb c, int scale)
{
	for (; *s; s++, x += (GLYPH_W + 1) * scale) {
		char ch = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;

		for (unsigned int g = 0; g < sizeof(FONT) / sizeof(FONT[0]); g++) {
			if (FONT[g].c != ch)
				continue;
			for (int r = 0; r < GLYPH_H; r++)
				for (int b = 0; b < GLYPH_W; b++)
					if (FONT[g].rows[r] & (0x10 >> b))
						rect(cv, x + b * scale, y + r * scale,
						     x + (b + 1) * scale - 1,
						     y + (r + 1) * scale - 1, c);
		}
	}
	return x;
}

static int text_width(const char *s, int scale)
{
	return (int)strlen(s) * (GLYPH_W + 1) * scale;
}

/* The y axis tops at the largest share rounded up to 10 %. */
static double y_max(const struct sim *sim)
{
	double top = 0.1;

	for (unsigned int i = 0; i < sim->nr_doms; i++)
		for (unsigned int s = 0; sim->doms[i].series && s < sim->nr_samples; s++)
			while (sim->doms[i].series[s] > top - 1e-9 && top < 1.0)
				top += 0.1;
	return top;
}

static void axes(struct canvas *cv, const struct sim *sim, double top)
{
	double secs = sim->duration_ns / 1e9, step = secs <= 2	  ? 0.25
						     : secs <= 10 ? 1
						     : secs <= 30 ? 5
								  : 10;
	char label[32];

	for (int k = 0; k <= (int)(top * 10 + 0.5); k++) {
		int y = TOP + PLOT_H - (int)(k * 0.1 / top * PLOT_H);

		line(cv, LEFT, y, LEFT + PLOT_W, y, GRID, 1, false);
		snprintf(label, sizeof(label), "%d%%", k * 10);
		text(cv, LEFT - 8 - text_width(label, 1), y - GLYPH_H / 2, label, BLACK, 1);
	}
	for (double t = 0; t <= secs + 1e-9; t += step) {
		int x = LEFT + (int)(t / secs * PLOT_W);

		line(cv, x, TOP, x, TOP + PLOT_H, GRID, 1, false);
		snprintf(label, sizeof(label), step < 1 ? "%.2f" : "%.0f", t);
		text(cv, x - text_width(label, 1) / 2, TOP + PLOT_H + 8, label, BLACK, 1);
	}
	line(cv, LEFT, TOP, LEFT, TOP + PLOT_H, BLACK, 1, false);
	line(cv, LEFT, TOP + PLOT_H, LEFT + PLOT_W, TOP + PLOT_H, BLACK, 1, false);
	text(cv, LEFT + PLOT_W / 2 - text_width("time (s)", 1) / 2, H - 16, "time (s)", BLACK, 1);
	text(cv, 6, TOP - 14, "share of the machine", BLACK, 1);
}

static void series(struct canvas *cv, const struct sim *sim, const struct sim_dom *d, struct rgb c,
		   double top)
{
	double ideal = sim_ideal_share(sim, d);
	int prev_x = -1, prev_y = -1;

	for (unsigned int s = 0; s < sim->nr_samples; s++) {
		int x = LEFT + (int)((s + 0.5) * PLOT_W / sim->nr_samples);
		int y = TOP + PLOT_H - (int)(d->series[s] / top * PLOT_H);
		bool alive =
		    (s + 1) * sim->sample_ns > d->added_ns && s * sim->sample_ns < d->removed_ns;

		if (!alive) {
			prev_x = -1;
			continue;
		}
		if (prev_x >= 0)
			line(cv, prev_x, prev_y, x, y, c, 2, false);
		prev_x = x;
		prev_y = y;
	}
	if (ideal >= 0) {
		int y = TOP + PLOT_H - (int)(ideal / top * PLOT_H);

		line(cv, LEFT, y, LEFT + PLOT_W, y, c, 1, true);
	}
}

static void legend(struct canvas *cv, const struct sim *sim)
{
	int y = TOP;

	for (unsigned int i = 0; i < sim->nr_doms; i++, y += 16) {
		const struct sim_dom *d = &sim->doms[i];
		struct rgb c = PALETTE[i % (sizeof(PALETTE) / sizeof(PALETTE[0]))];
		char label[64];

		rect(cv, LEFT + PLOT_W + 12, y, LEFT + PLOT_W + 22, y + 8, c);
		snprintf(label, sizeof(label), d->spec.cap ? "%s w=%u cap=%u%%" : "%s w=%u",
			 d->spec.name, d->spec.weight, d->spec.cap);
		text(cv, LEFT + PLOT_W + 28, y + 1, label, BLACK, 1);
	}
	text(cv, LEFT + PLOT_W + 12, y + 8, "dashed: ideal", BLACK, 1);
}

int sim_plot_png(const struct sim *sim, const char *path, const char *title)
{
	struct canvas *cv = malloc(sizeof(*cv));
	double top = y_max(sim);
	int rc;

	if (!cv)
		return -1;
	rect(cv, 0, 0, W - 1, H - 1, WHITE);
	axes(cv, sim, top);
	for (unsigned int i = 0; i < sim->nr_doms; i++)
		if (sim->doms[i].series)
			series(cv, sim, &sim->doms[i],
			       PALETTE[i % (sizeof(PALETTE) / sizeof(PALETTE[0]))], top);
	legend(cv, sim);
	if (title)
		text(cv, W / 2 - text_width(title, 2) / 2, 8, title, BLACK, 2);
	rc = png_write_rgb(path, &cv->px[0][0][0], W, H);
	free(cv);
	return rc;
}
