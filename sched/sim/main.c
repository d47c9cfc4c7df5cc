/*
 * sched/sim/main.c - the schedsim program:
 *
 *   schedsim [--json FILE] [--png FILE] [--title TEXT] [--quiet] WORKLOAD ['STATEMENT'...]
 *
 * Replays WORKLOAD (README.md: the format) with Keel's credit scheduler
 * and prints the report; each STATEMENT is one more line of the workload
 * (e.g. 'boost off'), so one file serves several experiments.  Exit
 * status 0, 1 on a workload error, 2 on bad usage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printk.h"
#include "sched/sim/sim.h"

/* lib/printk.h for the scheduler's BUG_ON: a bug in the policy stops the program. */
void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "schedsim: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *bigger = realloc(buf, cap = 2 * cap + 8192);

			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* The file's text followed by one line per extra statement. */
static char *workload_text(const char *path, char **extra, int nr_extra)
{
	char *text = read_file(path);
	size_t len;

	if (!text)
		return NULL;
	len = strlen(text);
	for (int i = 0; i < nr_extra; i++) {
		size_t add = strlen(extra[i]) + 2;
		char *bigger = realloc(text, len + add + 1);

		if (!bigger) {
			free(text);
			return NULL;
		}
		text = bigger;
		snprintf(text + len, add + 1, "\n%s\n", extra[i]);
		len += add;
	}
	return text;
}

static int usage(void)
{
	fprintf(stderr, "usage: schedsim [--json FILE] [--png FILE] [--title TEXT] [--quiet] "
			"WORKLOAD ['STATEMENT'...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *json = NULL, *png = NULL, *title = NULL;
	static struct sim sim;
	char err[256], *text;
	bool quiet = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (!strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (i + 1 < argc && !strcmp(argv[i], "--json"))
			json = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--png"))
			png = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--title"))
			title = argv[++i];
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	text = workload_text(argv[i], argv + i + 1, argc - i - 1);
	if (!text) {
		fprintf(stderr, "schedsim: cannot read %s\n", argv[i]);
		return 1;
	}
	if (sim_parse(&sim, text, err, sizeof(err)) || sim_run(&sim, err, sizeof(err))) {
		fprintf(stderr, "schedsim: %s: %s\n", argv[i], err);
		free(text);
		return 1;
	}
	free(text);
	if (!quiet)
		sim_report_text(&sim);
	if (json && sim_report_json(&sim, json))
		fprintf(stderr, "schedsim: cannot write %s\n", json);
	if (png && sim_plot_png(&sim, png, title))
		fprintf(stderr, "schedsim: cannot write %s\n", png);
	sim_free(&sim);
	return 0;
}
