// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_proc_owner.c - who holds a socket, read from /proc (kernel/proc_owner.h):
 * sockets this test opens are found under its own pid, with its comm; no root
 * needed (a process may always read its own /proc/PID/fd).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/proc_owner.h"
#include "tests/unit/unit.h"

static uint32_t sock_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint32_t)st.st_ino;
}

static void own_comm(char comm[TL_COMM_LEN])
{
	FILE *f = fopen("/proc/self/comm", "r");

	memset(comm, 0, TL_COMM_LEN);
	if (f && fgets(comm, TL_COMM_LEN, f))
		comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
}

UNIT_TEST(proc_owner_finds_this_process_sockets)
{
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET6, SOCK_STREAM, 0);
	char comm[TL_COMM_LEN];
	/* held by us (twice, unsorted), and two no process holds */
	struct tl_inode_owner v[4] = {
		{ .ino = sock_ino(b) },
		{ .ino = 0xfffffff0u },
		{ .ino = sock_ino(a) },
		{ .ino = 1 },
	};
	const struct tl_inode_owner *hit;

	CHECK(a >= 0 && b >= 0);
	own_comm(comm);
	CHECK_INT(tl_proc_owners(v, 4), 2);
	for (int i = 1; i < 4; i++)
		CHECK(v[i - 1].ino < v[i].ino); /* sorted on return */
	hit = tl_proc_owner_find(v, 4, sock_ino(a));
	CHECK(hit != NULL);
	if (hit) {
		CHECK_INT(hit->pid, getpid());
		CHECK_STR(hit->comm, comm);
	}
	hit = tl_proc_owner_find(v, 4, 1);
	CHECK(hit != NULL && hit->pid == 0);
	CHECK(!tl_proc_owner_find(v, 4, 0)); /* 0: no inode */
	CHECK(!tl_proc_owner_find(v, 4, 12345));
	CHECK_INT(tl_proc_owners(v, 0), 0);
	close(a);
	close(b);
}

UNIT_TEST(proc_owner_sets_only_snapshot_records)
{
	const struct tl_inode_owner v[] = { { .ino = 10, .pid = 0 },
					    { .ino = 20, .pid = 42, .comm = "srv" } };
	static const struct {
		uint8_t type;
		uint32_t ino;
		uint32_t want_pid;
	} cases[] = {
		{ TL_EV_SOCK, 20, 42 }, /* held */
		{ TL_EV_SOCK, 10, 0 }, /* known inode, no holder */
		{ TL_EV_SOCK, 30, 0 }, /* unknown inode */
		{ TL_EV_STATE, 20, 0 }, /* not a snapshot record */
		{ TL_EV_SOCK, 0, 0 }, /* no inode */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tl_event ev = { .type = cases[i].type, .segs = cases[i].ino };

		tl_proc_set_owner(&ev, v, 2);
		CHECK_INT(ev.pid, cases[i].want_pid);
		CHECK_INT(ev.owner_conf, cases[i].want_pid ? TL_OWNER_EXACT : TL_OWNER_UNKNOWN);
		if (cases[i].want_pid)
			CHECK_STR(ev.comm, "srv");
	}
}

UNIT_TEST(proc_owner_fill_owners)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct tl_event v[3] = {
		{ .type = TL_EV_SOCK, .segs = sock_ino(s) },
		{ .type = TL_EV_SOCK, .segs = 1 },
		{ .type = TL_EV_STATE, .segs = sock_ino(s) },
	};

	tl_proc_fill_owners(v, 3);
	CHECK_INT(v[0].pid, getpid());
	CHECK_INT(v[0].owner_conf, TL_OWNER_EXACT);
	CHECK_INT(v[1].pid, 0);
	CHECK_INT(v[2].pid, 0);
	tl_proc_fill_owners(v, 0);
	close(s);
}
