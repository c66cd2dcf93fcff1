// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* opts.c - see opts.h: tables of options -> getopt_long, values, the one error path, help. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/log.h"
#include "cli/opts.h"

#define HELP_COLUMN 24 /* where the help of an option starts */
#define LONG_BASE 256 /* getopt_long's value of option i: LONG_BASE + i */

/* Every option of a command, flat, with the struct it writes into. */
struct flat {
	const struct tl_opt *opt;
	void *base;
};

struct parser {
	const struct tl_opt_cmd *cmd;
	struct flat *v;
	size_t n;
	struct option *longs;
	char *shorts;
	char **args;
};

static bool is_end(const struct tl_opt *o)
{
	return !o->name && !o->short_name;
}

static bool takes_value(const struct tl_opt *o)
{
	return o->kind != TL_OPT_FLAG && o->kind != TL_OPT_SET;
}

/* "--name", or "-c" for a short option only. */
static const char *shown_name(const struct tl_opt *o, char *buf, size_t len)
{
	if (o->name)
		snprintf(buf, len, "--%s", o->name);
	else
		snprintf(buf, len, "-%c", o->short_name);
	return buf;
}

int tl_opts_error(const struct tl_opt_cmd *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tl_err("%s (see %s --help)", msg, cmd->name);
	return -1;
}

int tl_opts_exit(int parsed)
{
	return parsed > 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
}

int tl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_int(const char *s, double min, double max, int *out)
{
	long v;
	char *end;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_seconds(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0 && v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

int tl_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'M')
		shift = 20;
	else if (*end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (*end || !v || v > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

int tl_parse_span(const char *s, uint64_t *ns)
{
	char *end;
	double v, unit = 1;
	uint64_t r;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return -1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		unit = 60, end++;
	else if (*end == 'h')
		unit = 3600, end++;
	if (*end || v * unit > 1e9)
		return -1;
	r = (uint64_t)(v * unit * 1e9);
	if (!r)
		return -1;
	*ns = r;
	return 0;
}

/* What a valid value is, for the error line. */
static const char *hint(const struct tl_opt *o, char *buf, size_t len)
{
	size_t at = 0;

	if (o->hint)
		return o->hint;
	switch (o->kind) {
	case TL_OPT_UINT:
	case TL_OPT_INT:
		snprintf(buf, len, "%.0f to %.0f", o->min, o->max);
		break;
	case TL_OPT_SECONDS:
		if (o->min > 0)
			snprintf(buf, len, "seconds, %.10g to %.10g", o->min, o->max);
		else
			snprintf(buf, len, "seconds, more than 0, at most %.10g", o->max);
		break;
	case TL_OPT_SIZE:
		snprintf(buf, len, "bytes, or with a k, M or G suffix");
		break;
	case TL_OPT_SPAN:
		snprintf(buf, len, "seconds, or with an s, m or h suffix");
		break;
	case TL_OPT_ENUM:
		buf[0] = '\0';
		for (size_t i = 0; o->names[i] && at < len; i++)
			at += snprintf(buf + at, len - at, "%s%s",
				       !i	       ? "" :
				       o->names[i + 1] ? ", " :
							 " or ",
				       o->names[i]);
		break;
	default:
		snprintf(buf, len, "see --help");
	}
	return buf;
}

static int bad_value(const struct tl_opt *o, const char *arg, int err)
{
	char name[64], h[256];

	if (err > 0)
		tl_err("invalid %s: '%s' (%s: %s)", shown_name(o, name, sizeof(name)), arg,
		       hint(o, h, sizeof(h)), strerror(err));
	else
		tl_err("invalid %s: '%s' (%s)", shown_name(o, name, sizeof(name)), arg,
		       hint(o, h, sizeof(h)));
	return -1;
}

/* The SET option that stored @value in the field of @f, if any. */
static const struct tl_opt *setter(const struct parser *p, const struct flat *f, int value)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct flat *g = &p->v[i];

		if (g->opt->kind == TL_OPT_SET && g->opt->value == value &&
		    (char *)g->base + g->opt->offset == (char *)f->base + f->opt->offset)
			return g->opt;
	}
	return NULL;
}

static int set_value(const struct parser *p, const struct flat *f, const char *arg)
{
	const struct tl_opt *o = f->opt;
	void *field = (char *)f->base + o->offset;
	char a[64], b[64];
	int err = -1;

	switch (o->kind) {
	case TL_OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case TL_OPT_SET: {
		uint8_t *v = field;
		const struct tl_opt *other = *v && *v != o->value ? setter(p, f, *v) : NULL;

		if (other)
			return tl_opts_error(p->cmd, "%s and %s exclude each other",
					     shown_name(other, a, sizeof(a)),
					     shown_name(o, b, sizeof(b)));
		*v = (uint8_t)o->value;
		return 0;
	}
	case TL_OPT_UINT:
		if (!tl_parse_u32(arg, (uint32_t)o->min, (uint32_t)o->max, field))
			return 0;
		break;
	case TL_OPT_INT:
		if (!parse_int(arg, o->min, o->max, field))
			return 0;
		break;
	case TL_OPT_SECONDS:
		if (!parse_seconds(arg, o->min, o->max, field))
			return 0;
		break;
	case TL_OPT_SIZE:
		if (!tl_parse_size(arg, field))
			return 0;
		break;
	case TL_OPT_SPAN:
		if (!tl_parse_span(arg, field))
			return 0;
		break;
	case TL_OPT_STRING:
		*(const char **)field = arg;
		return 0;
	case TL_OPT_ENUM:
		for (int i = 0; o->names[i]; i++)
			if (!strcmp(arg, o->names[i])) {
				*(int *)field = i;
				return 0;
			}
		break;
	case TL_OPT_CALL:
		err = o->parse(field, arg);
		if (!err)
			return 0;
		break;
	}
	return bad_value(o, arg, err);
}

/* An unknown or ambiguous long option, one taking no value given one, or an unknown short one. */
static int refused(const struct parser *p, const char *arg)
{
	const struct tl_opt_cmd *cmd = p->cmd;
	char name[128];
	size_t len, matches = 0;

	if (optopt >= LONG_BASE)
		return tl_opts_error(cmd, "option '--%s' takes no value",
				     p->v[optopt - LONG_BASE].opt->name);
	if (optopt == 'h' && !strncmp(arg, "--", 2))
		return tl_opts_error(cmd, "option '--help' takes no value");
	if (optopt || strncmp(arg, "--", 2))
		return tl_opts_error(cmd, "unknown option '-%c'", optopt ? optopt : arg[1]);
	len = strcspn(arg + 2, "=");
	snprintf(name, sizeof(name), "%.*s", (int)len, arg + 2);
	for (size_t i = 0; i < p->n; i++)
		matches += p->v[i].opt->name && !strncmp(p->v[i].opt->name, name, len);
	if (matches > 1)
		return tl_opts_error(cmd, "option '--%s' is ambiguous", name);
	for (const struct tl_opt *const *t = cmd->elsewhere; t && *t; t++)
		for (const struct tl_opt *o = *t; !is_end(o); o++)
			if (o->name && !strcmp(o->name, name))
				return tl_opts_error(cmd, "'--%s' is %s", name,
						     cmd->elsewhere_note);
	return tl_opts_error(cmd, "unknown option '--%s'", name);
}

static int missing(const struct parser *p)
{
	char name[64];

	if (optopt >= LONG_BASE)
		shown_name(p->v[optopt - LONG_BASE].opt, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "-%c", optopt);
	return tl_opts_error(p->cmd, "option '%s' needs a value", name);
}

static int operand(const struct parser *p, const char *arg)
{
	const struct tl_opt_cmd *cmd = p->cmd;

	if (!cmd->operands)
		return tl_opts_error(cmd, "unexpected argument '%s'", arg);
	if (*cmd->noperands >= cmd->max_operands)
		return tl_opts_error(cmd, "too many %s operands (at most %d)", cmd->operand_name,
				     cmd->max_operands);
	cmd->operands[(*cmd->noperands)++] = arg;
	return 0;
}

static const struct flat *by_short(const struct parser *p, int c)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].opt->short_name == c)
			return &p->v[i];
	return NULL;
}

/* Two options of one name would make the second unreachable: a table bug, said as such. */
static int check_unique(const struct parser *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct tl_opt *a = p->v[i].opt;

		for (size_t j = 0; j < i; j++) {
			const struct tl_opt *b = p->v[j].opt;

			if ((a->name && b->name && !strcmp(a->name, b->name)) ||
			    (a->short_name && a->short_name == b->short_name)) {
				tl_err("%s: option %s%s defined twice", p->cmd->name,
				       a->name ? "--" : "-",
				       a->name ? a->name : (char[]){ a->short_name, 0 });
				return -1;
			}
		}
		if ((a->name && !strcmp(a->name, "help")) || a->short_name == 'h') {
			tl_err("%s: -h, --help is every command's own", p->cmd->name);
			return -1;
		}
	}
	return 0;
}

static int setup(struct parser *p, int argc, char **argv)
{
	const struct tl_opt_cmd *cmd = p->cmd;
	size_t nl = 0, ns;

	for (size_t g = 0; g < cmd->ngroups; g++)
		for (const struct tl_opt *o = cmd->groups[g].opts; !is_end(o); o++)
			p->n++;
	p->v = calloc(p->n + 1, sizeof(*p->v));
	p->longs = calloc(p->n + 2, sizeof(*p->longs));
	p->shorts = calloc(2 * p->n + 4, 1);
	p->args = calloc((size_t)argc + 1, sizeof(*p->args));
	if (!p->v || !p->longs || !p->shorts || !p->args) {
		tl_err("out of memory");
		return -1;
	}
	memcpy(p->args, argv, (size_t)argc * sizeof(*argv));
	/* '-': operands come in order, as value 1; ':': a missing value returns ':' */
	strcpy(p->shorts, "-:h");
	ns = 3;
	p->n = 0;
	for (size_t g = 0; g < cmd->ngroups; g++)
		for (const struct tl_opt *o = cmd->groups[g].opts; !is_end(o); o++) {
			p->v[p->n] = (struct flat){ o, cmd->groups[g].base };
			if (o->name)
				p->longs[nl++] = (struct option){
					o->name, takes_value(o) ? required_argument : no_argument,
					NULL, LONG_BASE + (int)p->n
				};
			if (o->short_name) {
				p->shorts[ns++] = o->short_name;
				if (takes_value(o))
					p->shorts[ns++] = ':';
			}
			p->n++;
		}
	p->longs[nl] = (struct option){ "help", no_argument, NULL, 'h' };
	return check_unique(p);
}

int tl_opts_parse(const struct tl_opt_cmd *cmd, int argc, char **argv)
{
	struct parser p = { .cmd = cmd };
	int c, r = setup(&p, argc, argv);

	opterr = 0;
	optind = 0; /* glibc: start over, whatever an earlier parse left */
	while (!r && (c = getopt_long(argc, p.args, p.shorts, p.longs, NULL)) != -1) {
		const struct flat *f;

		if (c == 'h') {
			tl_opts_help(cmd, stdout);
			r = 1;
		} else if (c == 1) {
			r = operand(&p, optarg);
		} else if (c == ':') {
			r = missing(&p);
		} else if (c == '?') {
			r = refused(&p, p.args[optind - 1]);
		} else {
			f = c >= LONG_BASE ? &p.v[c - LONG_BASE] : by_short(&p, c);
			r = set_value(&p, f, optarg);
		}
	}
	/* after "--": operands only */
	for (int i = optind; !r && i < argc; i++)
		r = operand(&p, p.args[i]);
	free(p.v);
	free(p.longs);
	free(p.shorts);
	free(p.args);
	return r;
}

static void help_line(FILE *out, const char *left, const char *help)
{
	int n = fprintf(out, "  %s", left);

	fprintf(out, "%*s", n < HELP_COLUMN - 1 ? HELP_COLUMN - n : 2, "");
	for (const char *h = help; *h; h++) {
		fputc(*h, out);
		if (*h == '\n')
			fprintf(out, "%*s", HELP_COLUMN, "");
	}
	fputc('\n', out);
}

void tl_opts_help(const struct tl_opt_cmd *cmd, FILE *out)
{
	char left[128];

	fputs(cmd->synopsis, out);
	for (size_t g = 0; g < cmd->ngroups; g++) {
		if (cmd->groups[g].heading)
			fprintf(out, "%s\n", cmd->groups[g].heading);
		for (const struct tl_opt *o = cmd->groups[g].opts; !is_end(o); o++) {
			int n;

			if (!o->help)
				continue;
			if (o->label)
				n = snprintf(left, sizeof(left), "%s", o->label);
			else if (o->name && o->short_name)
				n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name,
					     o->name);
			else if (o->name)
				n = snprintf(left, sizeof(left), "    --%s", o->name);
			else
				n = snprintf(left, sizeof(left), "-%c", o->short_name);
			if (o->arg && n > 0 && (size_t)n < sizeof(left))
				snprintf(left + n, sizeof(left) - n, " %s", o->arg);
			help_line(out, left, o->help);
		}
	}
	help_line(out, "-h, --help", "this text");
	if (cmd->epilogue)
		fputs(cmd->epilogue, out);
}
