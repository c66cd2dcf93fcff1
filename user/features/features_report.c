// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* features_report.c - see features_report.h: finding out, and the subcommand. */
#define _GNU_SOURCE /* unshare */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "features/features_print.h"
#include "features/features_report.h"
#include "kernel/loader.h"
#include "cli/log.h"
#include "cli/opts.h"
#include "kernel/precise.h"
#include "kernel/privs.h"

#define LOCKDOWN "/sys/kernel/security/lockdown"

/* "none [integrity] confidentiality": the bracketed word. */
static void lockdown_word(const char *line, char *out, size_t size)
{
	const char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;

	if (a && b && (size_t)(b - a - 1) < size)
		snprintf(out, size, "%.*s", (int)(b - a - 1), a + 1);
}

static void read_lockdown(char *out, size_t size)
{
	char line[128] = "";
	int fd[2];
	pid_t pid;
	FILE *f = fopen(LOCKDOWN, "r");
	ssize_t n;

	out[0] = '\0';
	if (f) {
		if (fgets(line, sizeof(line), f))
			lockdown_word(line, out, size);
		fclose(f);
		return;
	}
	/* securityfs is not mounted: look in a private mount namespace, the host's untouched */
	if (pipe(fd))
		return;
	pid = fork();
	if (pid == 0) {
		close(fd[0]);
		if (!unshare(CLONE_NEWNS) && !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) &&
		    !mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL) &&
		    (f = fopen(LOCKDOWN, "r"))) {
			if (fgets(line, sizeof(line), f) && write(fd[1], line, strlen(line)) < 0)
				_exit(1);
			fclose(f);
		}
		_exit(0);
	}
	close(fd[1]);
	n = pid > 0 ? read(fd[0], line, sizeof(line) - 1) : -1;
	close(fd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (n > 0) {
		line[n] = '\0';
		lockdown_word(line, out, size);
	}
}

/* kprobes: the tracefs control file exists exactly when CONFIG_KPROBE_EVENTS is on. */
static int kprobes_configured(void)
{
	struct stat st;

	if (!stat("/sys/kernel/tracing/kprobe_events", &st) ||
	    !stat("/sys/kernel/debug/tracing/kprobe_events", &st))
		return 1;
	if (!stat("/sys/kernel/tracing/events", &st) ||
	    !stat("/sys/kernel/debug/tracing/events", &st))
		return 0;
	return -1; /* no tracefs to tell */
}

void tl_features_collect(struct tl_features *f, bool verbose)
{
	/* every program tcpline has: storage, batching and the accept hook included */
	struct tl_load_config c = {
		.verbose = verbose,
		.batch_states = true,
		.keep_storage = true,
		.accept_owner = true,
		.quiet_hooks = true,
	};
	struct utsname u;

	memset(f, 0, sizeof(*f));
	if (!uname(&u)) {
		snprintf(f->release, sizeof(f->release), "%s", u.release);
		snprintf(f->version, sizeof(f->version), "%s", u.version);
		snprintf(f->machine, sizeof(f->machine), "%s", u.machine);
	}
	f->btf = !access("/sys/kernel/btf/vmlinux", R_OK);
	read_lockdown(f->lockdown, sizeof(f->lockdown));
	tl_caps_format(f->caps, sizeof(f->caps));
	f->privileged = !tl_privs_check(f->privs_why, sizeof(f->privs_why));
	f->rc = f->privileged && f->btf ? tl_loader_probe(&c, &f->hooks) :
		!f->btf			? TL_EXIT_KERNEL :
					  TL_EXIT_PERM;
	f->kprobes = kprobes_configured(); /* after loading: it mounts tracefs if it can */
	/* the precise tier (fentry, else kprobes on tcp_conn_request): its own object */
	f->precise = f->rc == TL_EXIT_OK &&
		     tl_precise_probe(f->precise_why, sizeof(f->precise_why));
	if (f->rc != TL_EXIT_OK)
		snprintf(f->precise_why, sizeof(f->precise_why), "not probed: tracing cannot run");
}

struct features_opts {
	bool json;
	bool verbose;
};

static const struct tl_opt features_opts[] = {
	TL_OPT("json", 0, TL_OPT_FLAG, offsetof(struct features_opts, json), NULL,
	       "one JSON object (docs/json.md, type features)"),
	TL_OPT("verbose", 'v', TL_OPT_FLAG, offsetof(struct features_opts, verbose), NULL,
	       "libbpf's messages on stderr"),
	{ 0 },
};

int cmd_features(int argc, char **argv)
{
	struct features_opts o = { 0 };
	const struct tl_opt_group groups[] = { { NULL, features_opts, &o } };
	const struct tl_opt_cmd cmd = {
		.name = "tcpline features",
		.synopsis =
			"Usage: tcpline features [--json] [-v]\n"
			"\n"
			"What this host's kernel gives tcpline: kernel, BTF, lockdown, privileges, each\n"
			"hook (loaded, refused with the kernel's reason, or absent), each kernel variant\n"
			"probed, the tier in use, and what is lost without each missing part. Loads and\n"
			"attaches every program once, then detaches them.\n"
			"\n",
		.epilogue =
			"\n"
			"Exit: 0 tracing can run, 3 missing privileges, 4 the kernel cannot trace.\n",
		.groups = groups,
		.ngroups = 1,
	};
	struct tl_features *f;
	int rc = tl_opts_parse(&cmd, argc, argv);

	if (rc)
		return tl_opts_exit(rc);
	f = calloc(1, sizeof(*f));
	if (!f) {
		tl_err("out of memory");
		return TL_EXIT_ERROR;
	}
	tl_features_collect(f, o.verbose);
	if (o.json)
		rc = tl_features_print_json(f, stdout);
	else
		tl_features_print_text(f, stdout), rc = 0;
	if (fflush(stdout) || rc)
		rc = TL_EXIT_ERROR;
	else
		rc = f->rc;
	free(f);
	return rc;
}
