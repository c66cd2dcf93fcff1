// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* features_print.c - the printers of `tcpline features` (features_report.h). */
#include <string.h>

#include "features/features_print.h"
#include "output/format.h"
#include "output/json_writer.h"
#include "cli/log.h"

static const char *can_trace(const struct tl_features *f)
{
	return f->rc == TL_EXIT_OK     ? "yes" :
	       f->rc == TL_EXIT_PERM   ? "no: missing privileges" :
	       f->rc == TL_EXIT_KERNEL ? "no: this kernel cannot run the state hook" :
					 "no";
}

static bool loaded(const struct tl_features *f)
{
	return f->hooks.nprogs > 0;
}

static void text_hooks(const struct tl_features *f, FILE *out)
{
	const struct tl_hook_report *h = &f->hooks;

	fprintf(out, "\n%-15s %-9s %-26s %-34s %s\n", "HOOK", "STATUS", "PROGRAM", "ATTACH", "WHY");
	for (int i = 0; i < h->nprogs; i++) {
		const struct tl_prog_report *p = &h->progs[i];

		if (p->status == TL_PROG_OTHER_VARIANT)
			continue; /* the variant this kernel's tracepoint fits is listed */
		fprintf(out, "%-15s %-9s %-26s %s", tl_hook_name(p->hook),
			tl_prog_status_name(p->status), p->prog, p->attach);
		if (p->reason[0]) {
			fprintf(out, "%*s",
				(int)(strlen(p->attach) < 34 ? 35 - strlen(p->attach) : 1), "");
			char safe[TL_SAFE_LEN(TL_PROG_REASON)];

			fputs(tl_fmt_safe(p->reason, sizeof(p->reason), safe, sizeof(safe)), out);
		}
		fputc('\n', out);
	}
	if (h->fallback[0])
		fprintf(out, "fallback: %s\n", h->fallback);
	fprintf(out, "\n%-36s %-7s %-6s %s\n", "KERNEL VARIANT", "PRESENT", "SINCE", "WITHOUT IT");
	for (int i = 0; i < h->nfields; i++)
		if (h->fields[i].present)
			fprintf(out, "%-36s yes     %s\n", h->fields[i].name, h->fields[i].since);
		else
			fprintf(out, "%-36s no      %-6s %s\n", h->fields[i].name,
				h->fields[i].since, h->fields[i].loss);
	fprintf(out, "\nMISSING HOOK    WITHOUT IT\n");
	for (int k = 0; k < TL_HOOK_MAX; k++)
		if (tl_hook_has(h->wanted, k) && !tl_hook_has(h->active, k) &&
		    !(k == TL_HOOK_FLUSH && !h->fallback[0]))
			fprintf(out, "%-15s %s\n", tl_hook_name(k),
				k == TL_HOOK_FLUSH ? h->fallback : tl_hook_loss(k));
	if (!(h->wanted & ~h->active))
		fprintf(out, "(none)\n");
}

void tl_features_print_text(const struct tl_features *f, FILE *out)
{
	fprintf(out, "%-12s %s %s (%s)\n", "kernel", f->release, f->version, f->machine);
	fprintf(out, "%-12s %s\n", "btf",
		f->btf ? "yes (/sys/kernel/btf/vmlinux)" :
			 "no: tcpline needs CONFIG_DEBUG_INFO_BTF=y");
	fprintf(out, "%-12s %s\n", "lockdown", f->lockdown[0] ? f->lockdown : "-");
	fprintf(out, "%-12s %s\n", "kprobes",
		f->kprobes < 0 ? "-" :
		f->kprobes     ? "yes" :
				 "no (no kprobe_events in tracefs)");
	fprintf(out, "%-12s %s%s%s\n", "privileges",
		f->privileged ? "ok" : "missing: ", f->privileged ? "" : f->privs_why, "");
	fprintf(out, "%-12s %s\n", "capabilities", f->caps[0] ? f->caps : "(none)");
	fprintf(out, "%-12s tracepoints%s\n", "tier", f->precise ? " + precise" : "");
	fprintf(out, "%-12s %s%s\n", "precise",
		f->precise ? "active: " : "absent: ", f->precise_why);
	if (f->hooks.hz)
		fprintf(out, "%-12s %u\n", "hz", f->hooks.hz);
	else
		fprintf(out,
			"%-12s - (no kernel config: idle time of connections alive at start "
			"unavailable)\n",
			"hz");
	fprintf(out, "%-12s %s\n", "can trace", can_trace(f));
	if (f->hooks.load_error[0])
		fprintf(out, "%-12s %s\n", "load error", f->hooks.load_error);
	if (loaded(f))
		text_hooks(f, out);
}

static void json_hooks(const struct tl_hook_report *h, struct json_writer *jw)
{
	jw_name(jw, "hooks");
	jw_start_array(jw);
	for (int k = 0; k < TL_HOOK_MAX; k++) {
		bool wanted = tl_hook_has(h->wanted, k), active = tl_hook_has(h->active, k);

		jw_start_object(jw);
		jw_string_field(jw, "hook", tl_hook_name(k));
		jw_bool_field(jw, "available", active);
		jw_bool_field(jw, "probed", wanted);
		jw_string_field(jw, "without_it", tl_hook_loss(k));
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_name(jw, "programs");
	jw_start_array(jw);
	for (int i = 0; i < h->nprogs; i++) {
		const struct tl_prog_report *p = &h->progs[i];

		jw_start_object(jw);
		jw_string_field(jw, "program", p->prog);
		jw_string_field(jw, "attach", p->attach);
		jw_string_field(jw, "hook", tl_hook_name(p->hook));
		jw_string_field(jw, "status", tl_prog_status_name(p->status));
		jw_string_field(jw, "reason", p->reason[0] ? p->reason : NULL);
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_string_field(jw, "flush_via", h->flush_via[0] ? h->flush_via : NULL);
	jw_string_field(jw, "fallback", h->fallback[0] ? h->fallback : NULL);
	jw_name(jw, "variants");
	jw_start_array(jw);
	for (int i = 0; i < h->nfields; i++) {
		jw_start_object(jw);
		jw_string_field(jw, "name", h->fields[i].name);
		jw_bool_field(jw, "present", h->fields[i].present);
		jw_string_field(jw, "since", h->fields[i].since);
		jw_string_field(jw, "without_it", h->fields[i].loss);
		jw_end_object(jw);
	}
	jw_end_array(jw);
}

int tl_features_print_json(const struct tl_features *f, FILE *out)
{
	struct json_writer *jw = jw_new(out);

	if (!jw)
		return -1;
	jw_start_object(jw);
	jw_string_field(jw, "type", "features");
	jw_name(jw, "kernel");
	jw_start_object(jw);
	jw_string_field(jw, "release", f->release);
	jw_string_field(jw, "version", f->version);
	jw_string_field(jw, "machine", f->machine);
	jw_end_object(jw);
	jw_bool_field(jw, "btf", f->btf);
	jw_string_field(jw, "lockdown", f->lockdown[0] ? f->lockdown : NULL);
	if (f->kprobes < 0)
		jw_null_field(jw, "kprobes");
	else
		jw_bool_field(jw, "kprobes", f->kprobes);
	jw_name(jw, "privileges");
	jw_start_object(jw);
	jw_bool_field(jw, "ok", f->privileged);
	jw_string_field(jw, "missing", f->privileged ? NULL : f->privs_why);
	jw_string_field(jw, "capabilities", f->caps);
	jw_end_object(jw);
	jw_string_field(jw, "tier", f->precise ? "tracepoints+precise" : "tracepoints");
	jw_name(jw, "precise");
	jw_start_object(jw);
	jw_bool_field(jw, "active", f->precise);
	jw_string_field(jw, "hooks", f->precise ? f->precise_why : NULL);
	jw_string_field(jw, "reason", f->precise ? NULL : f->precise_why);
	jw_end_object(jw);
	if (f->hooks.hz)
		jw_uint_field(jw, "hz", f->hooks.hz);
	else
		jw_null_field(jw, "hz");
	jw_bool_field(jw, "can_trace", f->rc == TL_EXIT_OK);
	jw_string_field(jw, "load_error", f->hooks.load_error[0] ? f->hooks.load_error : NULL);
	if (loaded(f))
		json_hooks(&f->hooks, jw);
	else
		jw_null_field(jw, "hooks");
	jw_end_object(jw);
	jw_end_line(jw);
	jw_destroy(jw);
	return 0;
}
