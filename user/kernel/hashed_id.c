// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* hashed_id.c - see hashed_id.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/hashed_id.h"

#define KEY_DIR "/run/tcpline"
#define KEY_NAME "socket-id-key"

/*
 * The key of hashed socket ids (kernels < 5.12), the same for every tcpline
 * of this boot so that their ids agree (/run is emptied at boot), readable by
 * root only: the hash must not give kernel addresses away. Where /run cannot
 * hold it, a key for this run alone.
 */
static bool read_key(const char *path, uint64_t key[2])
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	uint64_t got[2];
	ssize_t n = fd >= 0 ? read(fd, got, sizeof(got)) : -1;

	if (fd >= 0)
		close(fd);
	/* a short file is no key: @key keeps what it had */
	if (n != sizeof(got))
		return false;
	memcpy(key, got, sizeof(got));
	return true;
}

int tl_hashed_id_key_in(const char *dir, uint64_t key[2])
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/" KEY_NAME, dir) >= sizeof(path))
		return getrandom(key, 2 * sizeof(*key), 0) == 2 * sizeof(*key) ? 0 : -1;
	if (read_key(path, key))
		return 0;
	if (getrandom(key, 2 * sizeof(*key), 0) != 2 * sizeof(*key))
		return -1;
	mkdir(dir, 0700);
	/* whole or not at all: written aside, then linked in; who links first wins */
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0;
	if (write(fd, key, 2 * sizeof(*key)) != 2 * sizeof(*key)) {
		close(fd);
	} else if (!close(fd) && link(tmp, path) && errno == EEXIST) {
		/* another tcpline's key came first: use it, or this run's own if unreadable */
		read_key(path, key);
	}
	unlink(tmp);
	return 0;
}

int tl_hashed_id_key(uint64_t key[2])
{
	return tl_hashed_id_key_in(KEY_DIR, key);
}
