// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* hashed_id.c - see hashed_id.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/hashed_id.h"

#define KEY_DIR "/run/tcpline"
#define KEY_FILE KEY_DIR "/socket-id-key"

/*
 * The key of hashed socket ids (kernels < 5.12), the same for every tcpline
 * of this boot so that their ids agree (/run is emptied at boot), readable by
 * root only: the hash must not give kernel addresses away. Where /run cannot
 * hold it, a key for this run alone.
 */
static bool read_key(uint64_t key[2])
{
	int fd = open(KEY_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, key, 2 * sizeof(*key)) : -1;

	if (fd >= 0)
		close(fd);
	return n == 2 * sizeof(*key);
}

int tl_hashed_id_key(uint64_t key[2])
{
	char tmp[64];
	int fd;

	if (read_key(key))
		return 0;
	if (getrandom(key, 2 * sizeof(*key), 0) != 2 * sizeof(*key))
		return -1;
	mkdir(KEY_DIR, 0700);
	/* whole or not at all: written aside, then linked in; who links first wins */
	snprintf(tmp, sizeof(tmp), KEY_FILE ".%d", (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0;
	if (write(fd, key, 2 * sizeof(*key)) != 2 * sizeof(*key)) {
		close(fd);
	} else if (!close(fd) && link(tmp, KEY_FILE) && errno == EEXIST) {
		/* another tcpline's key came first: use it, or this run's own if unreadable */
		read_key(key);
	}
	unlink(tmp);
	return 0;
}
