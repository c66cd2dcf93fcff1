// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* textfile.c - see textfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/textfile.h"

int tl_textfile_write(const char *dir, const char *page, size_t len)
{
	char tmp[4096], path[4096];
	size_t done = 0;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s/." TL_TEXTFILE_NAME ".tmp", dir) >= (int)sizeof(tmp) ||
	    snprintf(path, sizeof(path), "%s/" TL_TEXTFILE_NAME, dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	/* a temporary file left by a crash is replaced; never written through a symlink */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, page + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		done += n;
	}
	/* the umask may have narrowed it; the collector often runs as another user */
	if (!err && fchmod(fd, 0644))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
