/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * privdrop.h - least privilege once a live session is set up (programs
 * loaded and attached, outputs open, the start-up socket dump done): keep
 * only the capabilities that what the session still does needs
 * (docs/privileges.md), in the effective and permitted sets of every
 * thread, drop the rest from the bounding and ambient sets, set
 * no_new_privs, and with --user (like tcpdump -Z) become that user, its
 * group and supplementary groups. What stays is checked in
 * /proc/self/task/ * /status afterwards: a thread left with more fails the run.
 */
#ifndef TL_PRIVDROP_H
#define TL_PRIVDROP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What a session still does after set-up, each needing capabilities of its own. */
enum tl_later {
	/* enter other network namespaces (setns: CAP_SYS_ADMIN), found through
	 * /proc/PID/ns/net of any process (CAP_SYS_PTRACE) */
	TL_LATER_NETNS = 1 << 0,
	/* socket owners from /proc/PID/fd of any process (CAP_SYS_PTRACE for the
	 * links, CAP_DAC_READ_SEARCH for the directories) */
	TL_LATER_OWNERS = 1 << 1,
};

#define TL_PRIVDROP_MAX_GROUPS 64

struct tl_privdrop {
	bool set_user; /* --user given */
	char user[64];
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[TL_PRIVDROP_MAX_GROUPS];
	uint64_t kept; /* after tl_privdrop_apply(): the capabilities kept */
};

/**
 * tl_privdrop_prepare() - resolve --user @user (a name or a numeric uid; NULL
 * when not given) while the user database is still readable, and check now
 * that the switch will be allowed (CAP_SETUID, CAP_SETGID), so that a run
 * that cannot drop does not start. Prints one error line on failure.
 * Return: 0, TL_EXIT_USAGE (no such user) or TL_EXIT_PERM (not allowed).
 */
int tl_privdrop_prepare(struct tl_privdrop *pd, const char *user);

/**
 * tl_privdrop_keep() - the capabilities (bit n = capability n) that @later
 * needs, plus CAP_BPF where this kernel checks it on every bpf() command
 * (before 6.5, with unprivileged BPF disabled), probed in a child process.
 */
uint64_t tl_privdrop_keep(unsigned int later);

/**
 * tl_privdrop_apply() - drop to tl_privdrop_keep(@later) (what of it the
 * process has), switch user if asked, set no_new_privs, in every thread;
 * then check every thread's status. Prints one error line on failure.
 * Return: 0 or TL_EXIT_ERROR.
 */
int tl_privdrop_apply(struct tl_privdrop *pd, unsigned int later);

/** tl_privdrop_names() - "CAP_SYS_ADMIN CAP_SYS_PTRACE" for @caps ("none" if 0), into @buf. */
char *tl_privdrop_names(uint64_t caps, char *buf, size_t size);

#endif
