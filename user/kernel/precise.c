// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * precise.c - see precise.h. fentry/fexit first (a trampoline: cheaper than
 * a kprobe's breakpoint, and gives the socket cookie helper), kprobes when
 * fentry is refused; each attempt from a fresh open, so a refused program
 * leaves nothing behind.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kernel/precise.h"
#include "precise.skel.h"

struct tl_precise {
	struct precise_bpf *skel;
	const char *hooks;
};

const char *const tl_precise_mode_names[] = {
	[TL_PRECISE_AUTO] = "auto",
	[TL_PRECISE_FENTRY] = "fentry",
	[TL_PRECISE_KPROBE] = "kprobe",
	[TL_PRECISE_OFF] = "off",
	NULL,
};

/* The value of enumerator @name in any enum of @btf. Return: 0, or -1 if absent. */
static int enum_value(const struct btf *btf, const char *name, __u32 *out)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (__u16 i = 0; i < btf_vlen(t); i++, e++) {
			if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
				*out = (__u32)e->val;
				return 0;
			}
		}
	}
	return -1;
}

/* The LINUX_MIB_* indexes of the running kernel. Return: 0, or -1 with @reason. */
static int mib_indexes(__u32 idx[3], char *reason, size_t len)
{
	static const char *const names[3] = { "LINUX_MIB_LISTENDROPS", "LINUX_MIB_LISTENOVERFLOWS",
					      "LINUX_MIB_TCPREQQFULLDROP" };
	struct btf *btf = btf__load_vmlinux_btf();
	int err = 0;

	if (!btf) {
		snprintf(reason, len, "cannot read the kernel's BTF: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < 3 && !err; i++) {
		err = enum_value(btf, names[i], &idx[i]);
		if (err)
			snprintf(reason, len, "%s is not in the kernel's BTF", names[i]);
	}
	btf__free(btf);
	return err;
}

/* " (lockdown: MODE)" when the kernel is locked down, else "". */
static const char *lockdown(char *buf, size_t len)
{
	char text[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");
	char *open, *close;

	if (f) {
		if (!fgets(text, sizeof(text), f))
			text[0] = '\0';
		fclose(f);
	}
	/* the file reads "none [integrity] confidentiality" */
	open = strchr(text, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || !strncmp(open, "[none]", 6))
		return "";
	*close = '\0';
	snprintf(buf, len, " (lockdown: %s)", open + 1);
	return buf;
}

static bool kprobes_configured(void)
{
	/* perf's kprobe PMU, or the legacy tracefs interface: libbpf tries both */
	return !access("/sys/bus/event_source/devices/kprobe", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

/* One attempt with @kprobe or fentry programs. Return: the skeleton, or NULL and -errno. */
static struct precise_bpf *attempt(bool kprobe, const __u32 idx[3], int *err, const char **step)
{
	struct precise_bpf *skel = precise_bpf__open();

	*step = "open";
	if (!skel) {
		*err = -errno;
		return NULL;
	}
	skel->rodata->mib_listen_drops = idx[0];
	skel->rodata->mib_listen_overflows = idx[1];
	skel->rodata->mib_reqq_full_drop = idx[2];
	bpf_program__set_autoload(skel->progs.precise_enter, !kprobe);
	bpf_program__set_autoload(skel->progs.precise_exit, !kprobe);
	bpf_program__set_autoload(skel->progs.precise_kenter, kprobe);
	bpf_program__set_autoload(skel->progs.precise_kexit, kprobe);
	*step = "load";
	*err = precise_bpf__load(skel);
	if (!*err) {
		*step = "attach";
		*err = precise_bpf__attach(skel);
	}
	if (*err) {
		precise_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Append "WHAT: why" to @reason (after "; " if it holds something). */
static void say(char *reason, size_t len, const char *what, const char *step, int err,
		const char *extra)
{
	size_t used = strnlen(reason, len);

	if (used + 1 >= len)
		return;
	snprintf(reason + used, len - used, "%s%s %s: %s%s", used ? "; " : "", what, step,
		 strerror(-err), extra);
}

static struct precise_bpf *try_modes(enum tl_precise_mode mode, const __u32 idx[3],
				     const char **hooks, char *reason, size_t len)
{
	struct precise_bpf *skel = NULL;
	const char *step;
	char lock[64];
	int err;

	if (mode == TL_PRECISE_AUTO || mode == TL_PRECISE_FENTRY) {
		skel = attempt(false, idx, &err, &step);
		if (skel) {
			*hooks = "fentry/fexit";
			return skel;
		}
		say(reason, len, "fentry", step, err,
		    err == -EPERM ? lockdown(lock, sizeof(lock)) : "");
	}
	if (mode == TL_PRECISE_AUTO || mode == TL_PRECISE_KPROBE) {
		if (!kprobes_configured()) {
			size_t used = strnlen(reason, len);

			snprintf(reason + used, len - used, "%skprobes not configured",
				 used ? "; " : "");
			return NULL;
		}
		skel = attempt(true, idx, &err, &step);
		if (skel) {
			*hooks = "kprobe/kretprobe";
			return skel;
		}
		say(reason, len, "kprobe", step, err,
		    err == -EPERM ? lockdown(lock, sizeof(lock)) : "");
	}
	return NULL;
}

struct tl_precise *tl_precise_open(enum tl_precise_mode mode, bool verbose, char *reason,
				   size_t len)
{
	libbpf_print_fn_t old = NULL;
	struct tl_precise *p;
	struct precise_bpf *skel;
	const char *hooks = NULL;
	__u32 idx[3];

	if (len)
		reason[0] = '\0';
	if (mode == TL_PRECISE_OFF) {
		snprintf(reason, len, "turned off (--precise off)");
		return NULL;
	}
	if (mib_indexes(idx, reason, len))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(reason, len, "out of memory");
		return NULL;
	}
	if (!verbose)
		old = libbpf_set_print(quiet);
	skel = try_modes(mode, idx, &hooks, reason, len);
	if (!verbose)
		libbpf_set_print(old);
	if (!skel) {
		free(p);
		return NULL;
	}
	p->skel = skel;
	p->hooks = hooks;
	return p;
}

const char *tl_precise_hooks(const struct tl_precise *p)
{
	return p->hooks;
}

int tl_precise_read(struct tl_precise *p, uint64_t cookie, struct tl_precise_counts *c)
{
	int err = bpf_map__lookup_elem(p->skel->maps.counts, &cookie, sizeof(cookie), c, sizeof(*c),
				       0);

	if (err)
		memset(c, 0, sizeof(*c));
	return err == -ENOENT ? 0 : err;
}

void tl_precise_forget(struct tl_precise *p, uint64_t cookie)
{
	bpf_map__delete_elem(p->skel->maps.counts, &cookie, sizeof(cookie), 0);
}

uint64_t tl_precise_uncounted(const struct tl_precise *p)
{
	return __atomic_load_n(&p->skel->bss->unkeyed, __ATOMIC_RELAXED) +
	       __atomic_load_n(&p->skel->bss->unread, __ATOMIC_RELAXED);
}

void tl_precise_close(struct tl_precise *p)
{
	if (!p)
		return;
	precise_bpf__destroy(p->skel);
	free(p);
}

bool tl_precise_probe(char *reason, size_t len)
{
	struct tl_precise *p = tl_precise_open(TL_PRECISE_AUTO, false, reason, len);

	if (!p)
		return false;
	snprintf(reason, len, "%s on tcp_conn_request", p->hooks);
	tl_precise_close(p);
	return true;
}
