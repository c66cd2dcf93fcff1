// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * privdrop.c - see privdrop.h. Capabilities, securebits and no_new_privs
 * belong to each thread: the calling thread drops itself, every other
 * thread (e.g. the recorder's syncer) drops itself in a signal handler,
 * the way glibc's setxid reaches all threads; uid and gid changes already
 * reach all threads through glibc.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/log.h"
#include "kernel/privdrop.h"
#include "kernel/privs.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#define BIT(c) (1ULL << (c))

char *tl_privdrop_names(uint64_t caps, char *buf, size_t size)
{
	size_t len = 0;

	snprintf(buf, size, "none");
	for (int c = 0; c < 64 && len < size; c++) {
		const char *name = tl_cap_name(c);
		int n;

		if (!(caps & BIT(c)))
			continue;
		n = name ? snprintf(buf + len, size - len, "%s%s", len ? " " : "", name) :
			   snprintf(buf + len, size - len, "%scap%d", len ? " " : "", c);
		if (n > 0)
			len += (size_t)n;
	}
	return buf;
}

/* This thread's sets; raw system calls, so that a signal handler may use them. */
static int caps_get(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &hdr, d))
		return -errno;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

static int caps_set(uint64_t eff, uint64_t prm)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ .effective = (uint32_t)eff, .permitted = (uint32_t)prm },
		{ .effective = (uint32_t)(eff >> 32), .permitted = (uint32_t)(prm >> 32) },
	};

	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int c = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &c) != 1 || c < 0 || c > 63)
			c = CAP_LAST_CAP;
		fclose(f);
	}
	return c;
}

int tl_privdrop_prepare(struct tl_privdrop *pd, const char *user)
{
	struct passwd *pw;
	uint64_t eff = 0, prm = 0;
	char *end;
	unsigned long id;
	int n = TL_PRIVDROP_MAX_GROUPS;

	memset(pd, 0, sizeof(*pd));
	if (!user)
		return 0;
	errno = 0;
	id = strtoul(user, &end, 10);
	pw = *user && !*end && id <= UINT32_MAX ? getpwuid((uid_t)id) : getpwnam(user);
	if (!pw) {
		tl_err("--user '%s': no such user", user);
		return TL_EXIT_USAGE;
	}
	pd->set_user = true;
	snprintf(pd->user, sizeof(pd->user), "%s", pw->pw_name);
	pd->uid = pw->pw_uid;
	pd->gid = pw->pw_gid;
	if (getgrouplist(pw->pw_name, pw->pw_gid, pd->groups, &n) < 0) {
		tl_err("--user '%s': in more than %d groups", user, TL_PRIVDROP_MAX_GROUPS);
		return TL_EXIT_USAGE;
	}
	pd->ngroups = n;
	caps_get(&eff, &prm);
	if (!(eff & BIT(CAP_SETUID)) || !(eff & BIT(CAP_SETGID))) {
		tl_err("--user needs CAP_SETUID and CAP_SETGID (docs/privileges.md)");
		return TL_EXIT_PERM;
	}
	return 0;
}

/* Whether bpf() itself still wants CAP_BPF once the objects are open: a child drops all and asks. */
static bool bpf_gated(void)
{
	union bpf_attr attr = { .map_fd = (uint32_t)-1 };
	int status;
	pid_t r, pid = fork();

	if (pid < 0)
		return true;
	if (!pid) {
		if (caps_set(0, 0))
			_exit(2);
		_exit(syscall(SYS_bpf, BPF_MAP_GET_NEXT_KEY, &attr, sizeof(attr)) < 0 &&
				      errno == EPERM ?
			      1 :
			      0);
	}
	/* SIGINT/SIGTERM only set a flag here: wait on through them */
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (r != pid || !WIFEXITED(status))
		return true;
	return WEXITSTATUS(status) != 0;
}

uint64_t tl_privdrop_keep(unsigned int later)
{
	uint64_t keep = 0;

	if (later & TL_LATER_NETNS)
		keep |= BIT(CAP_SYS_ADMIN) | BIT(CAP_SYS_PTRACE);
	if (later & TL_LATER_OWNERS)
		keep |= BIT(CAP_SYS_PTRACE) | BIT(CAP_DAC_READ_SEARCH);
	/* kernels before 5.8 have no CAP_BPF: CAP_SYS_ADMIN stands for it */
	if (bpf_gated())
		keep |= last_cap() >= CAP_BPF ? BIT(CAP_BPF) : BIT(CAP_SYS_ADMIN);
	return keep;
}

/* What every thread does to itself: the plan is set before any thread is asked. */
static struct {
	uint64_t keep;
	int last_cap;
	atomic_int done;
	atomic_int err;
} plan;

static int drop_here(void)
{
	uint64_t eff, prm;
	int err = caps_get(&eff, &prm);

	if (err)
		return err;
	/* the bounding set keeps a uid 0 process from regaining all at an exec */
	if (eff & BIT(CAP_SETPCAP))
		for (int c = 0; c <= plan.last_cap; c++)
			if (!(plan.keep & BIT(c)) &&
			    syscall(SYS_prctl, PR_CAPBSET_DROP, c, 0, 0, 0))
				return -errno;
	if (syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL)
		return -errno;
	err = caps_set(plan.keep & prm, plan.keep & prm);
	if (err)
		return err;
	return syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? -errno : 0;
}

static void on_drop_signal(int sig)
{
	int saved = errno, err = drop_here();

	(void)sig;
	if (err)
		atomic_store(&plan.err, err);
	atomic_fetch_add(&plan.done, 1);
	errno = saved;
}

/* Every other thread drops itself; waits up to a second for them. */
static int drop_other_threads(void)
{
	struct sigaction sa = { .sa_handler = on_drop_signal }, old;
	pid_t self = (pid_t)syscall(SYS_gettid), pid = getpid();
	int sig = SIGRTMIN + 3, sent = 0;
	struct dirent *de;
	DIR *dir = opendir("/proc/self/task");

	if (!dir)
		return -errno;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, &old);
	while ((de = readdir(dir))) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid > 0 && tid != self && !syscall(SYS_tgkill, pid, tid, sig))
			sent++;
	}
	closedir(dir);
	for (int i = 0; i < 1000 && atomic_load(&plan.done) < sent; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	sigaction(sig, &old, NULL);
	if (atomic_load(&plan.done) < sent)
		return -ETIMEDOUT;
	return atomic_load(&plan.err);
}

static int switch_user(const struct tl_privdrop *pd)
{
	uint64_t eff, prm;

	/* only the calling thread keeps its permitted set across the uid change */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(pd->ngroups, pd->groups) ||
	    setresgid(pd->gid, pd->gid, pd->gid) || setresuid(pd->uid, pd->uid, pd->uid) ||
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
		return -errno;
	/* the effective set was cleared: raise what is permitted again to drop the bounding set */
	if (caps_get(&eff, &prm))
		return -errno;
	return caps_set(prm, prm);
}

/* Each thread's CapEff, CapPrm within the plan and NoNewPrivs set, uid as asked. */
static int verify(const struct tl_privdrop *pd, char *what, size_t size)
{
	char path[64], line[256];
	struct dirent *de;
	DIR *dir = opendir("/proc/self/task");
	int bad = 0;

	if (!dir)
		return -errno;
	while (!bad && (de = readdir(dir))) {
		unsigned long long v;
		unsigned int u;
		FILE *f;
		int seen = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.16s/status", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue; /* the thread ended */
		while (!bad && fgets(line, sizeof(line), f)) {
			if (sscanf(line, "CapEff: %llx", &v) == 1 ||
			    sscanf(line, "CapPrm: %llx", &v) == 1) {
				seen++;
				bad = (v & ~plan.keep) != 0;
			} else if (sscanf(line, "NoNewPrivs: %u", &u) == 1) {
				seen++;
				bad = u != 1;
			} else if (pd->set_user && sscanf(line, "Uid: %u", &u) == 1) {
				bad = u != pd->uid;
			}
		}
		fclose(f);
		if (bad || seen != 3)
			snprintf(what, size, "thread %.16s: %.200s", de->d_name,
				 bad ? line : "no capability lines in its status");
		bad = bad || seen != 3;
	}
	closedir(dir);
	return bad ? -EPERM : 0;
}

int tl_privdrop_apply(struct tl_privdrop *pd, unsigned int later)
{
	char what[300] = "";
	uint64_t keep = tl_privdrop_keep(later);
	int err;

	plan.keep = keep;
	plan.last_cap = last_cap();
	atomic_store(&plan.done, 0);
	atomic_store(&plan.err, 0);
	err = pd->set_user ? switch_user(pd) : 0;
	if (err) {
		tl_err("cannot become user %s: %s", pd->user, strerror(-err));
		return TL_EXIT_ERROR;
	}
	err = drop_here();
	if (!err)
		err = drop_other_threads();
	if (err) {
		tl_err("cannot drop privileges: %s", strerror(-err));
		return TL_EXIT_ERROR;
	}
	err = verify(pd, what, sizeof(what));
	if (err) {
		what[strcspn(what, "\n")] = '\0';
		tl_err("privileges not dropped: %s", what[0] ? what : strerror(-err));
		return TL_EXIT_ERROR;
	}
	caps_get(&keep, &pd->kept);
	return 0;
}
