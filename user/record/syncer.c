// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syncer.c - see syncer.h. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "record/syncer.h"

#define MAX_CLOSING 8

struct tl_syncer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	int sync_fd; /* -1: none asked */
	int closing[MAX_CLOSING];
	int nclosing;
	bool busy, stop;
	int err;
};

static int sync_fd(int fd)
{
	/* EINVAL: a file that cannot be synced (a pipe, /dev/null): nothing to lose */
	return fdatasync(fd) && errno != EINVAL ? -errno : 0;
}

static void *run(void *arg)
{
	struct tl_syncer *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		int fd, closing[MAX_CLOSING], n, err = 0;

		while (!s->stop && s->sync_fd < 0 && !s->nclosing)
			pthread_cond_wait(&s->work, &s->mu);
		if (s->sync_fd < 0 && !s->nclosing)
			break; /* stopped with nothing left */
		fd = s->sync_fd;
		s->sync_fd = -1;
		n = s->nclosing;
		for (int i = 0; i < n; i++)
			closing[i] = s->closing[i];
		s->nclosing = 0;
		s->busy = true;
		pthread_mutex_unlock(&s->mu);

		for (int i = 0; i < n; i++) {
			int e = sync_fd(closing[i]);

			if (close(closing[i]) && !e)
				e = -errno;
			if (e && !err)
				err = e;
		}
		if (fd >= 0) {
			int e = sync_fd(fd);

			if (e && !err)
				err = e;
		}

		pthread_mutex_lock(&s->mu);
		if (err && !s->err)
			s->err = err;
		s->busy = false;
		pthread_cond_broadcast(&s->idle);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int tl_syncer_start(struct tl_syncer **out)
{
	struct tl_syncer *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->sync_fd = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->idle, NULL);
	err = pthread_create(&s->thread, NULL, run, s);
	if (err) {
		pthread_cond_destroy(&s->idle);
		pthread_cond_destroy(&s->work);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return -err;
	}
	*out = s;
	return 0;
}

void tl_syncer_sync(struct tl_syncer *s, int fd)
{
	pthread_mutex_lock(&s->mu);
	s->sync_fd = fd;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
}

int tl_syncer_close(struct tl_syncer *s, int fd)
{
	int err = 0;

	pthread_mutex_lock(&s->mu);
	if (s->nclosing == MAX_CLOSING) {
		err = -EAGAIN;
	} else {
		s->closing[s->nclosing++] = fd;
		if (s->sync_fd == fd)
			s->sync_fd = -1; /* synced as it closes */
		pthread_cond_signal(&s->work);
	}
	pthread_mutex_unlock(&s->mu);
	return err;
}

int tl_syncer_error(struct tl_syncer *s)
{
	int err;

	pthread_mutex_lock(&s->mu);
	err = s->err;
	s->err = 0;
	pthread_mutex_unlock(&s->mu);
	return err;
}

int tl_syncer_wait(struct tl_syncer *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->busy || s->sync_fd >= 0 || s->nclosing)
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
	return tl_syncer_error(s);
}

void tl_syncer_stop(struct tl_syncer *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->idle);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
