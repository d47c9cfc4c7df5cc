/*
 * sched/sim/workload.c - reading a workload description (format in
 * README.md): one statement per line, "#" starts a comment, times carry a
 * unit (ns, us, ms, s).  Errors name the line.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/sim/sim.h"

#define MAX_WORDS 16

struct line {
	unsigned int no;
	char *w[MAX_WORDS];
	unsigned int n;
	char *err;
	size_t err_len;
};

static int fail(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int at = snprintf(l->err, l->err_len, "line %u: ", l->no);

	va_start(ap, fmt);
	if (at >= 0 && (size_t)at < l->err_len)
		vsnprintf(l->err + at, l->err_len - (size_t)at, fmt, ap);
	va_end(ap);
	return -1;
}

/* "12", "0.5ms", "3s": a time with its unit, in ns. */
static int parse_time(struct line *l, const char *s, uint64_t *out)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return fail(l, "'%s' is not a time", s);
	for (unsigned int i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			if (v * units[i].ns > 1e18)
				return fail(l, "time '%s' is too long", s);
			*out = (uint64_t)(v * units[i].ns + 0.5);
			return 0;
		}
	}
	return fail(l, "time '%s' needs a unit (ns, us, ms, s)", s);
}

static int parse_uint(struct line *l, const char *s, unsigned int min, unsigned int max,
		      unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (end == s || *end || errno || *s == '-' || v < min || v > max)
		return fail(l, "'%s' is not a number in %u..%u", s, min, max);
	*out = (unsigned int)v;
	return 0;
}

/* "0-3,6" or "all" (0): a set of CPUs (checked against "cpus" at the end). */
static int parse_cpus(struct line *l, const char *s, sched_cpumask_t *out)
{
	sched_cpumask_t mask = 0;
	const char *p = s;

	if (!strcmp(s, "all")) {
		*out = 0;
		return 0;
	}
	while (*p) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p)
			return fail(l, "bad CPU list '%s'", s);
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p)
				return fail(l, "bad CPU list '%s'", s);
		}
		if (lo > hi || hi >= SCHED_MAX_CPUS)
			return fail(l, "bad CPU list '%s'", s);
		for (unsigned long c = lo; c <= hi; c++)
			mask |= sched_cpu_bit((unsigned int)c);
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return fail(l, "bad CPU list '%s'", s);
	}
	*out = mask;
	return 0;
}

static int parse_on_off(struct line *l, const char *s, bool *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "off")) {
		*out = !strcmp(s, "on");
		return 0;
	}
	return fail(l, "expected on or off, not '%s'", s);
}

/* One key=value of a domain (or of a "set"). */
static int domain_option(struct line *l, struct sim_dom_spec *d, char *word)
{
	char *eq = strchr(word, '=');
	const char *v;

	if (!eq)
		return fail(l, "expected key=value, not '%s'", word);
	*eq = '\0';
	v = eq + 1;
	const struct {
		const char *key;
		unsigned int *at, min, max;
	} numbers[] = {
	    {"weight", &d->weight, 1, 65535},
	    {"cap", &d->cap, 0, 100 * SIM_MAX_VCPUS},
	    {"vcpus", &d->vcpus, 1, SIM_MAX_VCPUS},
	};
	const struct {
		const char *key;
		uint64_t *at;
	} times[] = {{"run", &d->run_ns}, {"think", &d->think_ns}, {"every", &d->every_ns}};

	for (unsigned int i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		if (!strcmp(word, numbers[i].key))
			return parse_uint(l, v, numbers[i].min, numbers[i].max, numbers[i].at);
	for (unsigned int i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		if (!strcmp(word, times[i].key))
			return parse_time(l, v, times[i].at);
	if (!strcmp(word, "affinity"))
		return parse_cpus(l, v, &d->affinity);
	if (!strcmp(word, "jitter")) {
		char *end;

		d->jitter = strtod(v, &end);
		if (end == v || *end || d->jitter < 0 || d->jitter > 1)
			return fail(l, "jitter '%s' is not in 0..1", v);
		return 0;
	}
	return fail(l, "unknown key '%s'", word);
}

/* "domain NAME key=value... BEHAVIOUR key=value..." from word `first` on. */
static int parse_domain(struct sim *sim, struct line *l, unsigned int first, struct sim_dom_spec *d)
{
	bool have_behaviour = false;

	if (first >= l->n)
		return fail(l, "domain needs a name");
	if (strlen(l->w[first]) >= SIM_NAME_LEN)
		return fail(l, "domain name '%s' is too long", l->w[first]);
	*d = (struct sim_dom_spec){.weight = SCHED_DEFAULT_WEIGHT, .vcpus = 1};
	strcpy(d->name, l->w[first]);
	if (sim_find(sim, d->name))
		return fail(l, "domain '%s' declared twice", d->name);
	for (unsigned int i = first + 1; i < l->n; i++) {
		const char *w = l->w[i];

		if (!strcmp(w, "cpu") || !strcmp(w, "io") || !strcmp(w, "bursty")) {
			if (have_behaviour)
				return fail(l, "two behaviours for '%s'", d->name);
			have_behaviour = true;
			d->behaviour = !strcmp(w, "cpu")  ? SIM_CPU
				       : !strcmp(w, "io") ? SIM_IO
							  : SIM_BURSTY;
		} else if (domain_option(l, d, l->w[i])) {
			return -1;
		}
	}
	if (!have_behaviour)
		return fail(l, "domain '%s' needs a behaviour: cpu, io or bursty", d->name);
	if (d->cap > 100 * d->vcpus)
		return fail(l, "cap %u%% is more than %u vCPUs can use", d->cap, d->vcpus);
	if (d->behaviour != SIM_CPU && (!d->run_ns || (!d->think_ns && !d->every_ns)))
		return fail(l, "'%s' needs run= and think= (or every=)", d->name);
	if (d->think_ns && d->every_ns)
		return fail(l, "'%s': think= and every= exclude each other", d->name);
	return 0;
}

static int add_domain(struct sim *sim, struct line *l, const struct sim_dom_spec *spec)
{
	if (sim->nr_doms == SIM_MAX_DOMS)
		return fail(l, "more than %u domains", SIM_MAX_DOMS);
	sim->doms[sim->nr_doms++].spec = *spec;
	return 0;
}

/* "at TIME domain ...", "at TIME remove|pause|unpause NAME", "at TIME set NAME key=value...". */
static int parse_event(struct sim *sim, struct line *l)
{
	struct sim_event *e = &sim->events[sim->nr_events];
	const char *what;

	if (l->n < 4)
		return fail(l, "at TIME ACTION NAME ...");
	if (sim->nr_events == SIM_MAX_EVENTS)
		return fail(l, "more than %u events", SIM_MAX_EVENTS);
	*e = (struct sim_event){0};
	if (parse_time(l, l->w[1], &e->at_ns))
		return -1;
	what = l->w[2];
	if (!strcmp(what, "domain")) {
		e->kind = SIM_EV_ADD;
		if (parse_domain(sim, l, 3, &e->spec) || add_domain(sim, l, &e->spec))
			return -1;
		sim->doms[sim->nr_doms - 1].present = false;
	} else {
		if (!strcmp(what, "remove"))
			e->kind = SIM_EV_REMOVE;
		else if (!strcmp(what, "set"))
			e->kind = SIM_EV_SET;
		else if (!strcmp(what, "pause"))
			e->kind = SIM_EV_PAUSE;
		else if (!strcmp(what, "unpause"))
			e->kind = SIM_EV_UNPAUSE;
		else
			return fail(l, "unknown action '%s'", what);
		if (!sim_find(sim, l->w[3]))
			return fail(l, "no domain '%s' (declare it first)", l->w[3]);
		snprintf(e->spec.name, sizeof(e->spec.name), "%s", l->w[3]);
		e->spec.cap = UINT_MAX; /* SET: unchanged unless given */
		for (unsigned int i = 4; i < l->n; i++)
			if (e->kind != SIM_EV_SET || domain_option(l, &e->spec, l->w[i]))
				return e->kind != SIM_EV_SET ? fail(l, "unexpected '%s'", l->w[i])
							     : -1;
	}
	sim->nr_events++;
	return 0;
}

static int parse_setting(struct sim *sim, struct line *l)
{
	const char *k = l->w[0], *v = l->w[1];
	const struct {
		const char *key;
		uint64_t *at;
	} times[] = {
	    {"duration", &sim->duration_ns},	{"sample", &sim->sample_ns},
	    {"tslice", &sim->params.tslice_ns}, {"ratelimit", &sim->params.ratelimit_ns},
	    {"tick", &sim->params.tick_ns},	{"period", &sim->params.period_ns},
	};
	unsigned int n;

	if (l->n != 2)
		return fail(l, "'%s' takes one value", k);
	for (unsigned int i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		if (!strcmp(k, times[i].key))
			return parse_time(l, v, times[i].at);
	if (!strcmp(k, "cpus"))
		return parse_uint(l, v, 1, SCHED_MAX_CPUS, &sim->nr_cpus);
	if (!strcmp(k, "boost"))
		return parse_on_off(l, v, &sim->params.boost);
	if (!strcmp(k, "trace")) {
		char *dash = strchr(v, '-');

		if (!dash)
			return fail(l, "trace FROM-TO, e.g. trace 1s-1.2s");
		*dash = '\0';
		return parse_time(l, v, &sim->trace_from) ||
		       parse_time(l, dash + 1, &sim->trace_to);
	}
	if (!strcmp(k, "seed")) {
		if (parse_uint(l, v, 0, UINT_MAX, &n))
			return -1;
		sim->seed = n;
		return 0;
	}
	return fail(l, "unknown statement '%s'", k);
}

static int parse_line(struct sim *sim, struct line *l)
{
	struct sim_dom_spec spec;

	if (!strcmp(l->w[0], "domain")) {
		if (parse_domain(sim, l, 1, &spec) || add_domain(sim, l, &spec))
			return -1;
		sim->doms[sim->nr_doms - 1].present = true;
		return 0;
	}
	if (!strcmp(l->w[0], "at"))
		return parse_event(sim, l);
	return parse_setting(sim, l);
}

/* Splits one line (modified in place) into words; a '#' ends it. */
static void split(struct line *l, char *text)
{
	char *save = NULL, *hash = strchr(text, '#');

	if (hash)
		*hash = '\0';
	l->n = 0;
	for (char *w = strtok_r(text, " \t\r", &save); w && l->n < MAX_WORDS;
	     w = strtok_r(NULL, " \t\r", &save))
		l->w[l->n++] = w;
}

static int check(struct sim *sim, struct line *l)
{
	if (!sim->duration_ns)
		return fail(l, "no duration given");
	if (!sim->sample_ns || sim->sample_ns > sim->duration_ns)
		return fail(l, "sample must be between 1 ns and the duration");
	if (sched_params_check(&sim->params))
		return fail(l, "tslice/ratelimit/tick/period out of range (see sched/policy.h)");
	for (unsigned int i = 0; i < sim->nr_events; i++) {
		if (sim->events[i].at_ns >= sim->duration_ns)
			return fail(l, "an event at or after the end of the run");
		if (sim->events[i].spec.affinity >> (sim->nr_cpus - 1) >> 1)
			return fail(l, "an event's affinity names CPUs outside 0-%u",
				    sim->nr_cpus - 1);
	}
	for (unsigned int i = 0; i < sim->nr_doms; i++)
		if (sim->doms[i].spec.affinity >> (sim->nr_cpus - 1) >> 1)
			return fail(l, "domain '%s': affinity names CPUs outside 0-%u",
				    sim->doms[i].spec.name, sim->nr_cpus - 1);
	return 0;
}

int sim_parse(struct sim *sim, const char *text, char *err, size_t err_len)
{
	char *copy = strdup(text), *p = copy, *nl;
	struct line l = {.err = err, .err_len = err_len};
	int rc = 0;

	memset(sim, 0, sizeof(*sim));
	sched_params_default(&sim->params);
	sim->nr_cpus = 1;
	sim->sample_ns = 100ULL * 1000 * 1000;
	sim->seed = 1;
	if (!copy) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	for (; p && !rc; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		l.no++;
		split(&l, p);
		if (l.n)
			rc = parse_line(sim, &l);
	}
	free(copy);
	return rc ? rc : check(sim, &l);
}

struct sim_dom *sim_find(struct sim *sim, const char *name)
{
	for (unsigned int i = 0; i < sim->nr_doms; i++)
		if (!strcmp(sim->doms[i].spec.name, name))
			return &sim->doms[i];
	return NULL;
}
