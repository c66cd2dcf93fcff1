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
#include <unistd.h>
#include <zlib.h>

#include "cli/log.h"
#include "record/record_format.h"
#include "record/record_reader.h"

#define SCAN_WINDOW 65536

struct blk {
	uint8_t type, codec;
	uint32_t raw_len, comp_len, crc, count;
	uint64_t off, next;
};

enum blk_result { BLK_OK, BLK_END, BLK_TRUNC, BLK_BAD_HDR, BLK_BAD_BODY, BLK_UNKNOWN };

struct tl_reader {
	struct tl_reader_opts o;
	char name[256];
	const uint8_t *mem;
	int fd;
	uint64_t size, off;
	struct tl_rec_meta meta;
	struct tl_reader_report rep;
	uint8_t *raw, *comp;
	size_t raw_cap, comp_cap;
	z_stream zs;
	bool zs_ready;
	struct blk cur; /* the block whose records are being returned */
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

/* Bytes at @off, fewer at the end of the file (or on a read error: a cut there). */
static size_t src_read(struct tl_reader *r, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (off >= r->size)
		return 0;
	if (len > r->size - off)
		len = (size_t)(r->size - off);
	if (r->mem) {
		memcpy(buf, r->mem + off, len);
		return len;
	}
	while (done < len) {
		ssize_t n = pread(r->fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}

static bool header_valid(const uint8_t *h)
{
	return tl_get32(h + TL_BLK_OFF_MAGIC) == TL_BLK_MAGIC &&
	       tl_get32(h + TL_BLK_OFF_HDR_CRC) == (uint32_t)crc32(0, h, TL_BLK_OFF_HDR_CRC);
}

/* Lengths that fit the fixed maxima and the block's type; the file size is checked later. */
static bool lengths_valid(const struct blk *b)
{
	if (!b->raw_len || b->raw_len > TL_BLK_MAX_RAW || !b->comp_len)
		return false;
	if (b->codec == TL_CODEC_STORED && b->comp_len != b->raw_len)
		return false;
	if (b->codec == TL_CODEC_ZLIB && b->comp_len > compressBound(b->raw_len))
		return false;
	if (b->codec > TL_CODEC_ZLIB)
		return false;
	switch (b->type) {
	case TL_BLK_EVENTS:
	case TL_BLK_SNAPSHOT:
		return b->count && (uint64_t)b->count * TL_REC_LEN == b->raw_len;
	case TL_BLK_STATS:
	case TL_BLK_TRAILER:
		return b->count >= TL_STATS_MIN_WORDS && b->count <= TL_STATS_MAX_WORDS &&
		       (uint64_t)b->count * 8 == b->raw_len;
	default:
		return true;
	}
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *p;

	if (need <= *cap)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

/* Inflate exactly comp_len bytes into exactly raw_len: no more output is ever produced. */
static bool decode_body(struct tl_reader *r, const struct blk *b)
{
	if (grow(&r->raw, &r->raw_cap, b->raw_len) || grow(&r->comp, &r->comp_cap, b->comp_len))
		return false;
	if (src_read(r, b->off + TL_BLK_HDR_LEN, r->comp, b->comp_len) != b->comp_len)
		return false;
	if ((uint32_t)crc32(0, r->comp, b->comp_len) != b->crc)
		return false;
	if (b->codec == TL_CODEC_STORED) {
		memcpy(r->raw, r->comp, b->raw_len);
		return true;
	}
	if (!r->zs_ready) {
		if (inflateInit(&r->zs) != Z_OK)
			return false;
		r->zs_ready = true;
	} else if (inflateReset(&r->zs) != Z_OK) {
		return false;
	}
	r->zs.next_in = r->comp;
	r->zs.avail_in = b->comp_len;
	r->zs.next_out = r->raw;
	r->zs.avail_out = b->raw_len;
	return inflate(&r->zs, Z_FINISH) == Z_STREAM_END && r->zs.total_out == b->raw_len &&
	       r->zs.avail_in == 0;
}

static enum blk_result read_block(struct tl_reader *r, uint64_t off, struct blk *b,
				  const char **why)
{
	uint8_t h[TL_BLK_HDR_LEN];
	size_t n = src_read(r, off, h, sizeof(h));

	memset(b, 0, sizeof(*b));
	b->off = off;
	if (n == 0)
		return BLK_END;
	if (n < sizeof(h)) {
		/* a cut header still starts like one; anything else is garbage */
		uint8_t magic[4];

		tl_put32(magic, TL_BLK_MAGIC);
		*why = "no valid block header";
		return memcmp(h, magic, n < 4 ? n : 4) ? BLK_BAD_HDR : BLK_TRUNC;
	}
	if (!header_valid(h)) {
		*why = "no valid block header";
		return BLK_BAD_HDR;
	}
	b->type = h[TL_BLK_OFF_TYPE];
	b->codec = h[TL_BLK_OFF_CODEC];
	b->raw_len = tl_get32(h + TL_BLK_OFF_RAW_LEN);
	b->comp_len = tl_get32(h + TL_BLK_OFF_COMP_LEN);
	b->crc = tl_get32(h + TL_BLK_OFF_CRC);
	b->count = tl_get32(h + TL_BLK_OFF_COUNT);
	b->next = off + TL_BLK_HDR_LEN + b->comp_len;
	if (!lengths_valid(b)) {
		*why = "impossible block lengths";
		return BLK_BAD_HDR;
	}
	if (b->next > r->size)
		return BLK_TRUNC;
	if (b->type == 0 || b->type >= TL_BLK_TYPE_MAX)
		return BLK_UNKNOWN;
	if (!decode_body(r, b)) {
		*why = "payload damaged (CRC or compressed stream)";
		return BLK_BAD_BODY;
	}
	return BLK_OK;
}

/*
 * The next offset >= @from where a valid block header starts, or where a cut
 * header starts at the very end; the file size if none.
 */
static uint64_t resync(struct tl_reader *r, uint64_t from, bool *cut)
{
	uint8_t magic[4], *win = malloc(SCAN_WINDOW + TL_BLK_HDR_LEN);
	uint64_t at = r->size;

	tl_put32(magic, TL_BLK_MAGIC);
	*cut = false;
	while (win && from < r->size) {
		size_t n = src_read(r, from, win, SCAN_WINDOW + TL_BLK_HDR_LEN);

		for (size_t i = 0; i + 4 <= n || (i < n && from + n == r->size); i++) {
			size_t avail = n - i;

			if (memcmp(win + i, magic, avail < 4 ? avail : 4))
				continue;
			if (avail < TL_BLK_HDR_LEN) {
				if (from + n == r->size) {
					*cut = true;
					at = from + i;
					goto out;
				}
				break; /* re-read from here with the whole header */
			}
			if (header_valid(win + i)) {
				at = from + i;
				goto out;
			}
		}
		if (n < TL_BLK_HDR_LEN)
			break;
		from += n - TL_BLK_HDR_LEN + 1;
	}
out:
	free(win);
	return at;
}

static void truncated(struct tl_reader *r, uint64_t off)
{
	if (r->rep.truncated_at < 0)
		r->rep.truncated_at = (int64_t)off;
	r->off = r->size;
}

/* The next decodable block into r->cur; false at the end of the file. */
static bool next_block(struct tl_reader *r)
{
	while (r->off < r->size) {
		const char *why = "damaged block";
		struct blk b;
		uint64_t at;
		bool cut;

		switch (read_block(r, r->off, &b, &why)) {
		case BLK_OK:
			r->off = b.next;
			r->cur = b;
			r->pos = r->cur_bad = r->cur_late = 0;
			r->rep.blocks++;
			r->rep.trailer = b.type == TL_BLK_TRAILER;
			return true;
		case BLK_END:
			r->off = r->size;
			return false;
		case BLK_TRUNC:
			truncated(r, r->off);
			return false;
		case BLK_UNKNOWN:
			r->rep.unknown_blocks++;
			r->off = b.next;
			break;
		case BLK_BAD_BODY:
			r->rep.bad_blocks++;
			warn(r, "block at byte %" PRIu64 ": %s: skipped %" PRIu64 " bytes", b.off,
			     why, b.next - b.off);
			r->off = b.next;
			break;
		case BLK_BAD_HDR:
			r->rep.bad_blocks++;
			at = resync(r, r->off + 1, &cut);
			r->rep.skipped_bytes += at - r->off;
			warn(r, "byte %" PRIu64 ": %s: skipped %" PRIu64 " bytes to %s %" PRIu64,
			     r->off, why, at - r->off,
			     at < r->size ? (cut ? "a cut block header at byte" :
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
		c[i] = tl_get64(r->raw + 8 * (TL_STATS_W_FIRST + i));
		back |= r->have_prev && c[i] < r->prev[i];
	}
	if (back) {
		r->rep.counters_backwards++;
		warn(r, "block at byte %" PRIu64 ": counters went backwards", r->cur.off);
	}
	memcpy(r->prev, c, sizeof(c));
	r->have_prev = true;
	it->kind = r->cur.type == TL_BLK_TRAILER ? TL_ITEM_TRAILER : TL_ITEM_STATS;
	it->ts_ns = tl_get64(r->raw + 8 * TL_STATS_W_TIME);
	it->flags = tl_get64(r->raw + 8 * TL_STATS_W_FLAGS);
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

		tl_rec_decode(ev, r->raw + (size_t)r->pos++ * TL_REC_LEN);
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
		     r->rep.truncated_at, r->size);
	else if (!r->rep.trailer) {
		r->rep.truncated_at = (int64_t)r->size;
		warn(r,
		     "truncated at byte %" PRIu64
		     ": no trailer (the recorder was killed, the disk filled or it is still recording)",
		     r->size);
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
	size_t n = src_read(r, 0, h, sizeof(h));
	const char *why = "";
	struct blk b;
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
	switch (read_block(r, r->off, &b, &why)) {
	case BLK_OK:
		break;
	case BLK_TRUNC:
	case BLK_END:
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
	err = tl_meta_decode(&r->meta, r->raw, b.raw_len);
	if (err == -ENOMEM)
		return err;
	if (err) {
		error(r, "META block at byte %" PRIu64 " malformed", r->off);
		return -EILSEQ;
	}
	if (r->meta.rec_len != TL_REC_LEN || r->meta.abi != TL_ABI_VERSION) {
		error(r, "records of layout %u (%u bytes): this tcpline reads layout %u (%u bytes)",
		      r->meta.abi, r->meta.rec_len, TL_ABI_VERSION, TL_REC_LEN);
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
	r->fd = -1;
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
	r->mem = data;
	r->size = r->rep.size = len;
	return finish_open(out, r);
}

int tl_reader_open_file(struct tl_reader **out, const char *path, const struct tl_reader_opts *o)
{
	struct tl_reader *r = alloc_reader(o, path);
	struct stat st;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st)) {
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
	r->size = r->rep.size = (uint64_t)st.st_size;
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
	if (r->fd >= 0)
		close(r->fd);
	if (r->zs_ready)
		inflateEnd(&r->zs);
	tl_meta_free(&r->meta);
	free(r->raw);
	free(r->comp);
	free(r);
}
