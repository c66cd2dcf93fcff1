/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * features_report.h - `tcpline features` (not features.h: glibc has one):
 * what this host's kernel gives tcpline, found by loading and attaching
 * every program tcpline has (then detaching them): kernel, BTF, lockdown,
 * privileges, each hook's fate with the kernel's reason, each BTF variant
 * probed, the tier in use, and what a user loses without each missing part.
 * What a user runs first on a new host. Printed by features_print.h.
 */
#ifndef TL_FEATURES_REPORT_H
#define TL_FEATURES_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "kernel/hooks.h"

struct tl_features {
	char release[128], version[256], machine[72];
	bool btf; /* /sys/kernel/btf/vmlinux is readable */
	char lockdown[32]; /* "none", "integrity", "confidentiality"; "" unknown */
	int kprobes; /* 1 yes, 0 no, -1 unknown */
	char caps[256]; /* the capabilities tcpline uses that the process has */
	bool privileged; /* tracing programs can be loaded */
	char privs_why[256]; /* when not */
	int rc; /* the exit code of loading: 0 when tracing can run */
	struct tl_hook_report hooks; /* valid when privileged and btf */
	bool precise; /* the precise tier (kprobes/fentry) is active */
	char precise_why[256]; /* when not */
};

/** tl_features_collect() - find all of it out on this host. */
void tl_features_collect(struct tl_features *f, bool verbose);

/** cmd_features() - `tcpline features [--json] [-v]`. Exit 0 when tracing can run. */
int cmd_features(int argc, char **argv);

#endif
