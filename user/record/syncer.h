/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * syncer.h - fdatasync() off the reader's thread. A sync can take a long
 * time (on ext4 it may wait for a journal commit carrying other files'
 * data); the thread that drains the ring buffer must not wait for it, or the
 * ring fills and events are lost. One background thread syncs the files it
 * is asked to, and syncs and closes the ones handed over at rotation.
 */
#ifndef TL_SYNCER_H
#define TL_SYNCER_H

struct tl_syncer;

/** tl_syncer_start() - start the thread. Return: 0 or -errno. */
int tl_syncer_start(struct tl_syncer **out);

/** tl_syncer_sync() - have @fd synced soon; returns at once. */
void tl_syncer_sync(struct tl_syncer *s, int fd);

/**
 * tl_syncer_close() - @fd is the syncer's now: synced, then closed.
 * Return: 0, or -EAGAIN when too many wait (then the caller still owns it).
 */
int tl_syncer_close(struct tl_syncer *s, int fd);

/**
 * tl_syncer_error() - the first error of the syncs done so far (-errno), or
 * 0; reported once. Does not wait.
 */
int tl_syncer_error(struct tl_syncer *s);

/** tl_syncer_wait() - wait until nothing is pending; then as tl_syncer_error(). */
int tl_syncer_wait(struct tl_syncer *s);

/** tl_syncer_stop() - finish what is pending, stop the thread, free. */
void tl_syncer_stop(struct tl_syncer *s);

#endif
