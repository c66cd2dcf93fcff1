// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* record_reader.c - see record_reader.h; the format is record_format.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "cli/log.h"
#include "record/block_reader.h"
#include "record/record_format.h"
#include "record/record_reader.h"

struct tl_reader {
	struct tl_reader_opts o;
	char name[256];
	struct tl_block_src src;
	uint64_t off;
	struct tl_rec_meta meta;
	struct tl_reader_report rep;
	struct tl_blk cur; /* the block whose records are being returned */
	uint32_t pos; /* next record in it */
	uint32_t cur_bad, cur_late; /* skipped / late records in it */
	uint64_t newest_ts;
	uint64_t prev[TL_STATS_NCOUNTERS];
	bool have_prev, ended;
};

static void warn(struct tl_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void error(struct tl_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Why the recording cannot be read at all. */
static void error(struct tl_reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (r->o.quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tl_err("%s: %s", r->name, msg);
}

static void warn(struct tl_reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	r->rep.warnings++;
	if (r->o.quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tl_warn("%s: %s", r->name, msg);
}

static void truncated(struct tl_reader *r, uint64_t off)
{
	if (r->rep.truncated_at < 0)
		r->rep.truncated_at = (int64_t)off;
	r->off = r->src.size;
}

/* The next decodable block into r->cur; false at the end of the file. */
static bool next_block(struct tl_reader *r)
{
	while (r->off < r->src.size) {
		const char *why = "damaged block";
		struct tl_blk b;
		uint64_t at;
		bool cut;

		switch (tl_block_read(&r->src, r->off, &b, &why)) {
		case TL_BLK_OK:
			r->off = b.next;
			r->cur = b;
			r->pos = r->cur_bad = r->cur_late = 0;
			r->rep.blocks++;
			r->rep.trailer = b.type == TL_BLK_TRAILER;
			return true;
		case TL_BLK_END:
			r->off = r->src.size;
			return false;
		case TL_BLK_TRUNC:
			truncated(r, r->off);
			return false;
		case TL_BLK_UNKNOWN:
			r->rep.unknown_blocks++;
			r->off = b.next;
			break;
		case TL_BLK_BAD_BODY:
			r->rep.bad_blocks++;
			warn(r, "block at byte %" PRIu64 ": %s: skipped %" PRIu64 " bytes", b.off,
			     why, b.next - b.off);
			r->off = b.next;
			break;
		case TL_BLK_BAD_HDR:
			r->rep.bad_blocks++;
			at = tl_block_resync(&r->src, r->off + 1, &cut);
			r->rep.skipped_bytes += at - r->off;
			warn(r, "byte %" PRIu64 ": %s: skipped %" PRIu64 " bytes to %s %" PRIu64,
			     r->off, why, at - r->off,
			     at < r->src.size ? (cut ? "a cut block header at byte" :
						       "the next block at byte") :
						"the end of the file, byte",
			     at);
			r->off = at;
			if (cut)
				truncated(r, at);
			break;
		}
	}
	return false;
}

/* Records a kernel of ours cannot have produced are damage, not data. */
static bool record_valid(uint8_t blk_type, const struct tl_event *ev)
{
	if (ev->type == TL_REC_TICK)
		return blk_type == TL_BLK_EVENTS;
	if (blk_type == TL_BLK_SNAPSHOT && ev->type != TL_EV_SOCK)
		return false;
	/* batches are expanded before they are recorded */
	if (ev->type < TL_EV_STATE || ev->type >= TL_EV_TYPE_MAX || ev->type == TL_EV_STATES)
		return false;
	if (ev->family != AF_INET && ev->family != AF_INET6)
		return false;
	return ev->owner_conf <= TL_OWNER_LISTENER;
}

static void stats_item(struct tl_reader *r, struct tl_item *it)
{
	uint64_t c[TL_STATS_NCOUNTERS] = { 0 };
	bool back = false;

	for (size_t i = 0; i < TL_STATS_NCOUNTERS && TL_STATS_W_FIRST + i < r->cur.count; i++) {
		c[i] = tl_get64(r->src.raw + 8 * (TL_STATS_W_FIRST + i));
		back |= r->have_prev && c[i] < r->prev[i];
	}
	if (back) {
		r->rep.counters_backwards++;
		warn(r, "block at byte %" PRIu64 ": counters went backwards", r->cur.off);
	}
	memcpy(r->prev, c, sizeof(c));
	r->have_prev = true;
	it->kind = r->cur.type == TL_BLK_TRAILER ? TL_ITEM_TRAILER : TL_ITEM_STATS;
	it->ts_ns = tl_get64(r->src.raw + 8 * TL_STATS_W_TIME);
	it->flags = tl_get64(r->src.raw + 8 * TL_STATS_W_FLAGS);
	memcpy(&it->stats, c, sizeof(it->stats));
	r->pos = r->cur.count;
}

static void end_of_block(struct tl_reader *r)
{
	if (r->cur_bad)
		warn(r,
		     "block at byte %" PRIu64
		     ": %u records of unknown type or impossible values skipped",
		     r->cur.off, r->cur_bad);
	if (r->cur_late)
		warn(r,
		     "block at byte %" PRIu64 ": %u records more than 1 s older than earlier ones",
		     r->cur.off, r->cur_late);
	r->cur_bad = r->cur_late = 0;
}

static bool record_item(struct tl_reader *r, struct tl_item *it)
{
	while (r->pos < r->cur.count) {
		struct tl_event *ev = &it->ev;

		tl_rec_decode(ev, r->src.raw + (size_t)r->pos++ * TL_REC_LEN);
		if (!record_valid(r->cur.type, ev)) {
			r->rep.bad_records++;
			r->cur_bad++;
			continue;
		}
		if (ev->ts_ns + TL_REORDER_NS < r->newest_ts) {
			r->rep.ts_backwards++;
			r->cur_late++;
		}
		if (ev->ts_ns > r->newest_ts)
			r->newest_ts = ev->ts_ns;
		it->ts_ns = ev->ts_ns;
		it->kind = ev->type == TL_REC_TICK	  ? TL_ITEM_TICK :
			   r->cur.type == TL_BLK_SNAPSHOT ? TL_ITEM_SNAPSHOT :
							    TL_ITEM_EVENT;
		return true;
	}
	return false;
}

static void end_of_file(struct tl_reader *r)
{
	r->ended = true;
	if (r->rep.truncated_at >= 0)
		warn(r,
		     "truncated at byte %" PRId64 " of %" PRIu64
		     ": the rest of that block is missing",
		     r->rep.truncated_at, r->src.size);
	else if (!r->rep.trailer) {
		r->rep.truncated_at = (int64_t)r->src.size;
		warn(r,
		     "truncated at byte %" PRIu64
		     ": no trailer (the recorder was killed, the disk filled or it is still recording)",
		     r->src.size);
	}
}

int tl_reader_next(struct tl_reader *r, struct tl_item *it)
{
	memset(it, 0, sizeof(*it));
	for (;;) {
		if (r->pos < r->cur.count) {
			it->offset = r->cur.off;
			if (r->cur.type == TL_BLK_STATS || r->cur.type == TL_BLK_TRAILER) {
				stats_item(r, it);
				r->rep.records++;
				return 1;
			}
			if ((r->cur.type == TL_BLK_EVENTS || r->cur.type == TL_BLK_SNAPSHOT) &&
			    record_item(r, it)) {
				r->rep.records++;
				return 1;
			}
		}
		end_of_block(r);
		r->cur.count = r->pos = 0;
		if (!next_block(r)) {
			if (!r->ended)
				end_of_file(r);
			return 0;
		}
		if (r->cur.type == TL_BLK_META)
			r->cur.count = 0; /* a second META (concatenated files): the first rules */
	}
}

static int open_common(struct tl_reader *r)
{
	uint8_t h[TL_REC_FILE_HDR_LEN];
	size_t n = tl_block_src_read(&r->src, 0, h, sizeof(h));
	const char *why = "";
	struct tl_blk b;
	int err;

	if (n < sizeof(h)) {
		if (memcmp(h, TL_REC_MAGIC, n < TL_REC_MAGIC_LEN ? n : TL_REC_MAGIC_LEN))
			goto bad_magic;
		warn(r, "truncated at byte %zu: the file ends inside its header", n);
		return -ENODATA;
	}
	if (memcmp(h, TL_REC_MAGIC, TL_REC_MAGIC_LEN))
		goto bad_magic;
	if (tl_get16(h + 8) != TL_REC_MAJOR) {
		error(r, "recording format version %u.%u: this tcpline reads version %u.x only",
		      tl_get16(h + 8), tl_get16(h + 10), TL_REC_MAJOR);
		return -EPROTONOSUPPORT;
	}
	r->off = TL_REC_FILE_HDR_LEN;
	switch (tl_block_read(&r->src, r->off, &b, &why)) {
	case TL_BLK_OK:
		break;
	case TL_BLK_TRUNC:
	case TL_BLK_END:
		warn(r, "truncated at byte %" PRIu64 ": the file ends inside its META block",
		     r->off);
		return -ENODATA;
	default:
		error(r, "META block at byte %" PRIu64 " damaged: cannot read the recording",
		      r->off);
		return -EILSEQ;
	}
	if (b.type != TL_BLK_META) {
		error(r, "no META block at byte %" PRIu64 ": cannot read the recording", r->off);
		return -EILSEQ;
	}
	err = tl_meta_decode(&r->meta, r->src.raw, b.raw_len);
	if (err == -ENOMEM)
		return err;
	if (err) {
		error(r, "META block at byte %" PRIu64 " malformed", r->off);
		return -EILSEQ;
	}
	if (!tl_rec_layout_readable(r->meta.abi, r->meta.rec_len)) {
		error(r,
		      "records of layout %u (%u bytes): this tcpline reads layouts %u to %u (%u "
		      "bytes)",
		      r->meta.abi, r->meta.rec_len, TL_ABI_VERSION_MIN, TL_ABI_VERSION, TL_REC_LEN);
		return -EPROTONOSUPPORT;
	}
	r->off = b.next;
	r->rep.blocks++;
	return 0;
bad_magic:
	error(r, "not a tcpline recording (bad magic)");
	return -EBADMSG;
}

static struct tl_reader *alloc_reader(const struct tl_reader_opts *o, const char *fallback)
{
	struct tl_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (o)
		r->o = *o;
	snprintf(r->name, sizeof(r->name), "%s", r->o.name ? r->o.name : fallback);
	r->src.fd = -1;
	r->rep.truncated_at = -1;
	tl_meta_init(&r->meta);
	return r;
}

static int finish_open(struct tl_reader **out, struct tl_reader *r)
{
	int err = open_common(r);

	if (err) {
		if (err != -ENODATA && err != -EILSEQ)
			r->o.quiet = true;
		tl_reader_close(r);
		return err;
	}
	*out = r;
	return 0;
}

int tl_reader_open_mem(struct tl_reader **out, const void *data, size_t len,
		       const struct tl_reader_opts *o)
{
	struct tl_reader *r = alloc_reader(o, "recording");

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->src.mem = data;
	r->src.size = r->rep.size = len;
	return finish_open(out, r);
}

int tl_reader_open_file(struct tl_reader **out, const char *path, const struct tl_reader_opts *o)
{
	struct tl_reader *r = alloc_reader(o, path);
	struct stat st;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->src.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->src.fd < 0 || fstat(r->src.fd, &st)) {
		int err = -errno;

		tl_err("%s: %s", path, strerror(-err));
		tl_reader_close(r);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		tl_err("%s: not a regular file", path);
		tl_reader_close(r);
		return -EINVAL;
	}
	r->src.size = r->rep.size = (uint64_t)st.st_size;
	return finish_open(out, r);
}

const struct tl_rec_meta *tl_reader_meta(const struct tl_reader *r)
{
	return &r->meta;
}

enum tl_read_status tl_reader_status(const struct tl_reader *r)
{
	const struct tl_reader_report *p = &r->rep;

	if (p->bad_blocks || p->skipped_bytes || p->bad_records || p->truncated_at >= 0)
		return TL_READ_DAMAGED;
	return TL_READ_OK;
}

enum tl_read_status tl_read_status_of(int open_err)
{
	return open_err == -ENODATA || open_err == -EILSEQ ? TL_READ_DAMAGED : TL_READ_REFUSED;
}

const struct tl_reader_report *tl_reader_report(const struct tl_reader *r)
{
	return &r->rep;
}

void tl_reader_close(struct tl_reader *r)
{
	if (!r)
		return;
	tl_block_src_fini(&r->src);
	tl_meta_free(&r->meta);
	free(r);
}
