// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* record_writer.c - see record_writer.h; the format is record_format.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include "record/record_format.h"
#include "record/record_writer.h"
#include "record/syncer.h"

#define DEFAULT_BLOCK_RECORDS 2048 /* 256 KiB raw: deflate's window is well used */
#define MAX_BLOCK_RECORDS (TL_BLK_MAX_RAW / TL_REC_LEN)

struct tl_writer {
	struct tl_writer_opts o;
	struct tl_rec_meta meta; /* shallow copy: the names stay the caller's */
	char base[PATH_MAX];
	char path[PATH_MAX];
	bool rotating;
	int fd;
	int err;
	bool dirty; /* written since the last fdatasync() */
	struct tl_syncer *syncer; /* fdatasync() off this thread (none with no_sync) */
	uint32_t seq;
	uint64_t file_start_ns;
	uint64_t file_bytes; /* end of the last complete block in this file */
	uint64_t total_bytes;
	/* the block being filled */
	uint8_t type;
	uint32_t nrec, cap;
	uint64_t first_ts, last_ts;
	uint8_t *raw;
	uint8_t *comp;
	size_t comp_cap;
	z_stream zs;
	bool zs_ready;
};

int tl_record_file_name(char *buf, size_t size, const char *base, bool rotating, uint32_t seq,
			uint32_t max_files)
{
	int n;

	if (!rotating)
		n = snprintf(buf, size, "%s", base);
	else
		n = snprintf(buf, size, "%s.%u", base, max_files ? seq % max_files : seq);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

void tl_stats_words(uint64_t *words, const struct tl_stats *st, uint64_t now_ns, uint64_t flags)
{
	words[TL_STATS_W_TIME] = now_ns;
	words[TL_STATS_W_FLAGS] = flags;
	memcpy(words + TL_STATS_W_FIRST, st, sizeof(*st));
}

/*
 * An existing path: a symlink is always refused (O_NOFOLLOW alone would only
 * refuse the last component's link at open, after --force had unlinked it).
 */
static int create_file(const char *path, bool replace)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return -ELOOP;
		if (!S_ISREG(st.st_mode))
			return -EEXIST;
		if (!replace)
			return -EEXIST;
		if (unlink(path))
			return -errno;
	} else if (errno != ENOENT) {
		return -errno;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST && !replace ? -EEXIST : -errno;
	/* the umask may only have taken bits away; make it exactly 0600 */
	if (fchmod(fd, 0600)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The first error sticks; a torn block is cut off so the file ends on a block boundary. */
static int fail(struct tl_writer *w, int err)
{
	if (!w->err) {
		w->err = err;
		/* best effort: the reader copes with a torn block too */
		if (w->fd >= 0 && ftruncate(w->fd, (off_t)w->file_bytes) < 0)
			w->dirty = false;
	}
	return w->err;
}

static int write_all(struct tl_writer *w, struct iovec *iov, int cnt)
{
	while (cnt > 0) {
		ssize_t n = writev(w->fd, iov, cnt);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(w, -errno);
		}
		if (n == 0)
			return fail(w, -EIO);
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

static int write_block(struct tl_writer *w, uint8_t type, uint8_t codec, const uint8_t *payload,
		       uint32_t raw_len, uint32_t comp_len, uint32_t count, uint64_t first_ts,
		       uint64_t last_ts)
{
	uint8_t hdr[TL_BLK_HDR_LEN] = {};
	struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)payload, comp_len } };
	int err;

	tl_put32(hdr + TL_BLK_OFF_MAGIC, TL_BLK_MAGIC);
	hdr[TL_BLK_OFF_TYPE] = type;
	hdr[TL_BLK_OFF_CODEC] = codec;
	tl_put32(hdr + TL_BLK_OFF_RAW_LEN, raw_len);
	tl_put32(hdr + TL_BLK_OFF_COMP_LEN, comp_len);
	tl_put32(hdr + TL_BLK_OFF_CRC, (uint32_t)crc32(0, payload, comp_len));
	tl_put32(hdr + TL_BLK_OFF_COUNT, count);
	tl_put64(hdr + TL_BLK_OFF_FIRST_TS, first_ts);
	tl_put64(hdr + TL_BLK_OFF_LAST_TS, last_ts);
	tl_put32(hdr + TL_BLK_OFF_HDR_CRC, (uint32_t)crc32(0, hdr, TL_BLK_OFF_HDR_CRC));
	err = write_all(w, iov, 2);
	if (err)
		return err;
	w->file_bytes += sizeof(hdr) + comp_len;
	w->total_bytes += sizeof(hdr) + comp_len;
	w->dirty = true;
	return 0;
}

static int ensure_comp(struct tl_writer *w, size_t raw_len)
{
	size_t need = compressBound(raw_len);

	if (need <= w->comp_cap)
		return 0;
	free(w->comp);
	w->comp = malloc(need);
	w->comp_cap = w->comp ? need : 0;
	return w->comp ? 0 : -ENOMEM;
}

/* One complete zlib stream per block, so each block decodes on its own. */
static int deflate_block(struct tl_writer *w, const uint8_t *raw, size_t raw_len, uint32_t *out)
{
	if (ensure_comp(w, raw_len))
		return -ENOMEM;
	if (deflateReset(&w->zs) != Z_OK)
		return -EIO;
	w->zs.next_in = (Bytef *)raw;
	w->zs.avail_in = (uInt)raw_len;
	w->zs.next_out = w->comp;
	w->zs.avail_out = (uInt)w->comp_cap;
	if (deflate(&w->zs, Z_FINISH) != Z_STREAM_END)
		return -EIO;
	*out = (uint32_t)w->zs.total_out;
	return 0;
}

static int write_compressed(struct tl_writer *w, uint8_t type, const uint8_t *raw, uint32_t raw_len,
			    uint32_t count, uint64_t first_ts, uint64_t last_ts)
{
	uint32_t comp_len;
	int err = deflate_block(w, raw, raw_len, &comp_len);

	if (err)
		return fail(w, err);
	return write_block(w, type, TL_CODEC_ZLIB, w->comp, raw_len, comp_len, count, first_ts,
			   last_ts);
}

static int flush_block(struct tl_writer *w)
{
	int err;

	if (w->err)
		return w->err;
	if (!w->nrec)
		return 0;
	err = write_compressed(w, w->type, w->raw, w->nrec * TL_REC_LEN, w->nrec, w->first_ts,
			       w->last_ts);
	w->nrec = 0;
	return err;
}

static int add(struct tl_writer *w, uint8_t type, const struct tl_event *ev)
{
	int err;

	if (w->err)
		return w->err;
	if (w->nrec && w->type != type) {
		err = flush_block(w);
		if (err)
			return err;
	}
	if (!w->nrec) {
		w->type = type;
		w->first_ts = w->last_ts = ev->ts_ns;
	}
	if (ev->ts_ns < w->first_ts)
		w->first_ts = ev->ts_ns;
	if (ev->ts_ns > w->last_ts)
		w->last_ts = ev->ts_ns;
	tl_rec_encode(w->raw + (size_t)w->nrec * TL_REC_LEN, ev);
	if (++w->nrec == w->cap)
		return flush_block(w);
	return 0;
}

int tl_writer_event(struct tl_writer *w, const struct tl_event *ev)
{
	return add(w, TL_BLK_EVENTS, ev);
}

int tl_writer_snapshot(struct tl_writer *w, const struct tl_event *ev)
{
	return add(w, TL_BLK_SNAPSHOT, ev);
}

int tl_writer_tick(struct tl_writer *w, uint64_t now_ns)
{
	struct tl_event ev = { .ts_ns = now_ns, .type = TL_REC_TICK };

	return add(w, TL_BLK_EVENTS, &ev);
}

int tl_writer_flush(struct tl_writer *w)
{
	struct stat st;
	int err = flush_block(w);

	if (err)
		return err;
	/* removed underneath (the file or its directory): writing on would lose it all silently */
	if (!fstat(w->fd, &st) && !st.st_nlink)
		return fail(w, -ENOENT);
	if (w->syncer) {
		/* an earlier sync's failure (EIO, ENOSPC at writeback) stops the recording */
		err = tl_syncer_error(w->syncer);
		if (err)
			return fail(w, err);
		if (w->dirty)
			tl_syncer_sync(w->syncer, w->fd);
	}
	w->dirty = false;
	return 0;
}

static int write_stats(struct tl_writer *w, uint8_t type, const struct tl_stats *st,
		       uint64_t now_ns, uint64_t flags)
{
	uint64_t words[TL_STATS_WORDS];
	uint8_t payload[TL_STATS_WORDS * 8];
	int err = flush_block(w);

	if (err)
		return err;
	tl_stats_words(words, st, now_ns, flags);
	for (size_t i = 0; i < TL_STATS_WORDS; i++)
		tl_put64(payload + 8 * i, words[i]);
	return write_block(w, type, TL_CODEC_STORED, payload, sizeof(payload), sizeof(payload),
			   TL_STATS_WORDS, now_ns, now_ns);
}

int tl_writer_stats(struct tl_writer *w, const struct tl_stats *st, uint64_t now_ns)
{
	return write_stats(w, TL_BLK_STATS, st, now_ns, 0);
}

/* Header and META: the file is usable (reportable) from here on. */
static int start_file(struct tl_writer *w, uint64_t now_ns, bool replace)
{
	uint8_t hdr[TL_REC_FILE_HDR_LEN] = {};
	struct iovec iov = { hdr, sizeof(hdr) };
	uint8_t *meta;
	size_t len;
	int fd, err;

	err = tl_record_file_name(w->path, sizeof(w->path), w->base, w->rotating, w->seq,
				  w->o.max_files);
	if (err)
		return err;
	fd = create_file(w->path, replace);
	if (fd < 0)
		return fd;
	w->fd = fd;
	w->file_bytes = 0;
	w->file_start_ns = now_ns;
	memcpy(hdr, TL_REC_MAGIC, TL_REC_MAGIC_LEN);
	tl_put16(hdr + 8, TL_REC_MAJOR);
	tl_put16(hdr + 10, TL_REC_MINOR);
	err = write_all(w, &iov, 1);
	if (err)
		return err;
	w->total_bytes += sizeof(hdr);
	w->file_bytes = sizeof(hdr);
	w->meta.seq = w->seq;
	w->meta.start_ns = now_ns;
	if (tl_meta_encode(&w->meta, &meta, &len))
		return fail(w, -ENOMEM);
	err = len > TL_BLK_MAX_RAW ?
		      fail(w, -E2BIG) :
		      write_compressed(w, TL_BLK_META, meta, (uint32_t)len, 0, now_ns, now_ns);
	free(meta);
	return err;
}

/* Without --force, every name a ring will use must be free now, not later. */
static int check_names(const struct tl_writer *w)
{
	uint32_t n = w->rotating ? (w->o.max_files ? w->o.max_files : 1) : 1;
	char path[PATH_MAX];
	struct stat st;

	for (uint32_t i = 0; i < n; i++) {
		if (tl_record_file_name(path, sizeof(path), w->base, w->rotating, i,
					w->o.max_files))
			return -ENAMETOOLONG;
		if (lstat(path, &st) == 0)
			return S_ISLNK(st.st_mode) ? -ELOOP : -EEXIST;
	}
	return 0;
}

int tl_writer_open(struct tl_writer **out, const struct tl_writer_opts *o,
		   const struct tl_rec_meta *meta)
{
	struct tl_writer *w = calloc(1, sizeof(*w));
	int err;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->o = *o;
	w->fd = -1;
	w->meta = *meta;
	w->rotating = o->rotate_size || o->rotate_time_ns;
	w->meta.rotate_size = o->rotate_size;
	w->meta.rotate_time_ns = o->rotate_time_ns;
	w->meta.max_files = w->rotating ? o->max_files : 0;
	w->cap = o->block_records ? o->block_records : DEFAULT_BLOCK_RECORDS;
	if (w->cap > MAX_BLOCK_RECORDS)
		w->cap = MAX_BLOCK_RECORDS;
	err = snprintf(w->base, sizeof(w->base), "%s", o->path) >= (int)sizeof(w->base) ?
		      -ENAMETOOLONG :
		      0;
	if (!err && !o->no_sync)
		err = tl_syncer_start(&w->syncer);
	w->raw = malloc((size_t)w->cap * TL_REC_LEN);
	if (!err && !w->raw)
		err = -ENOMEM;
	if (!err && deflateInit(&w->zs, o->level ? o->level : 1) != Z_OK)
		err = -ENOMEM;
	w->zs_ready = !err;
	if (!err && !o->force && w->rotating)
		err = check_names(w);
	if (!err)
		err = start_file(w, meta->start_ns, o->force);
	if (err) {
		tl_writer_close(w, NULL, 0);
		return err;
	}
	*out = w;
	return 0;
}

const char *tl_writer_path(const struct tl_writer *w)
{
	return w->path;
}

bool tl_writer_rotate_due(const struct tl_writer *w, uint64_t now_ns)
{
	if (!w->rotating || w->err)
		return false;
	if (w->o.rotate_size &&
	    w->file_bytes + (uint64_t)w->nrec * TL_REC_LEN / 4 >= w->o.rotate_size)
		return true;
	return w->o.rotate_time_ns && now_ns - w->file_start_ns >= w->o.rotate_time_ns;
}

int tl_writer_rotate(struct tl_writer *w, const struct tl_stats *st, uint64_t now_ns)
{
	int err = write_stats(w, TL_BLK_TRAILER, st, now_ns, TL_STATS_F_ROTATED);

	if (err)
		return err;
	/* the finished file is synced and closed in the background */
	if (!w->syncer || tl_syncer_close(w->syncer, w->fd)) {
		if (close(w->fd))
			return fail(w, -errno);
	}
	w->fd = -1;
	w->seq++;
	/* a name used earlier in this run is ours to replace; a first use obeys --force */
	err = start_file(w, now_ns, w->o.force || (w->o.max_files && w->seq >= w->o.max_files));
	return err ? fail(w, err) : 0;
}

int tl_writer_close(struct tl_writer *w, const struct tl_stats *st, uint64_t now_ns)
{
	int err = 0;

	if (!w)
		return 0;
	if (st && w->fd >= 0) {
		err = write_stats(w, TL_BLK_TRAILER, st, now_ns, TL_STATS_F_FINAL);
		if (!err)
			err = tl_writer_flush(w);
	}
	if (w->syncer) {
		/* the last file, and any handed over, are on disk before we return */
		int e = tl_syncer_wait(w->syncer);

		if (e && !err && st)
			err = e;
		tl_syncer_stop(w->syncer);
	}
	if (w->fd >= 0 && close(w->fd) && !err)
		err = -errno;
	if (w->zs_ready)
		deflateEnd(&w->zs);
	free(w->raw);
	free(w->comp);
	free(w);
	return err;
}

int tl_writer_error(const struct tl_writer *w)
{
	return w->err;
}

uint64_t tl_writer_bytes(const struct tl_writer *w)
{
	return w->total_bytes;
}
