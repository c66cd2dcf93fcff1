// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* exposition.c - see exposition.h. */
#include <stdlib.h>
#include <string.h>

#include "serve/exposition.h"

#define FOLDED_NAME "tcpline_metrics_series_folded_total"

void tl_expo_escape(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* HELP text: backslash and newline escaped. */
static void help_escape(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static const char *const type_names[] = {
	[TL_METRIC_COUNTER] = "counter",
	[TL_METRIC_GAUGE] = "gauge",
	[TL_METRIC_HISTOGRAM] = "histogram",
};

/* {a="x",b="y"[,le="..."]} or nothing when there is no label at all. */
static void labels(FILE *f, const struct tl_family_def *d, const char *values, const char *le)
{
	if (!d->nlabels && !le)
		return;
	fputc('{', f);
	for (unsigned int i = 0; i < d->nlabels; i++) {
		fprintf(f, "%s%s=\"", i ? "," : "", d->labels[i]);
		tl_expo_escape(f, values);
		fputc('"', f);
		values += strlen(values) + 1;
	}
	if (le)
		fprintf(f, "%sle=\"%s\"", d->nlabels ? "," : "", le);
	fputc('}', f);
}

static void histogram(FILE *f, const struct tl_family_def *d, const struct tl_series *s)
{
	uint64_t cum = 0;
	char le[32];

	for (unsigned int b = 0; b <= d->nbuckets; b++) {
		cum += s->bucket[b];
		if (b < d->nbuckets)
			snprintf(le, sizeof(le), "%g", d->buckets[b]);
		else
			strcpy(le, "+Inf");
		fprintf(f, "%s_bucket", d->name);
		labels(f, d, s->values, le);
		fprintf(f, " %llu\n", (unsigned long long)cum);
	}
	fprintf(f, "%s_sum", d->name);
	labels(f, d, s->values, NULL);
	fprintf(f, " %.15g\n", s->sum);
	fprintf(f, "%s_count", d->name);
	labels(f, d, s->values, NULL);
	fprintf(f, " %llu\n", (unsigned long long)s->count);
}

static void series(void *ctx, const struct tl_family *fam, const struct tl_series *s)
{
	const struct tl_family_def *d = tl_family_def_of(fam);
	FILE *f = ctx;

	if (d->type == TL_METRIC_HISTOGRAM) {
		histogram(f, d, s);
		return;
	}
	fputs(d->name, f);
	labels(f, d, s->values, NULL);
	if (d->type == TL_METRIC_COUNTER)
		fprintf(f, " %llu\n", (unsigned long long)s->count);
	else
		fprintf(f, " %lld\n", (long long)s->gauge);
}

static void family(void *ctx, const struct tl_family *fam)
{
	const struct tl_family_def *d = tl_family_def_of(fam);
	FILE *f = ctx;

	fprintf(f, "# HELP %s ", d->name);
	help_escape(f, d->help);
	fprintf(f, "\n# TYPE %s %s\n", d->name, type_names[d->type]);
	tl_family_each(fam, series, f);
}

static void folded(void *ctx, const struct tl_family *fam)
{
	FILE *f = ctx;

	fprintf(f, FOLDED_NAME "{family=\"%s\"} %llu\n", tl_family_def_of(fam)->name,
		(unsigned long long)tl_family_folded(fam));
}

int tl_expo_write(FILE *f, const struct tl_registry *r)
{
	tl_registry_each_family(r, family, f);
	fputs("# HELP " FOLDED_NAME " Updates that went to a family's \"other\" series because it "
	      "held its maximum number of series (--max-series).\n"
	      "# TYPE " FOLDED_NAME " counter\n",
	      f);
	tl_registry_each_family(r, folded, f);
	return ferror(f) ? -1 : 0;
}

char *tl_expo_render(const struct tl_registry *r, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int err;

	if (!f)
		return NULL;
	err = tl_expo_write(f, r);
	if (fclose(f) || err) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
