// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* record_meta.c - the META block's TLVs (record_format.h), both ways. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "record/record_format.h"
#include "record/record_meta.h"

void tl_meta_init(struct tl_rec_meta *m)
{
	memset(m, 0, sizeof(*m));
	tl_names_init(&m->names);
	m->max_conns = 65536;
	m->abi = TL_ABI_VERSION;
	m->rec_len = TL_REC_LEN;
}

void tl_meta_free(struct tl_rec_meta *m)
{
	tl_names_free(&m->names);
}

static void copy_str(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int tl_meta_set_system(struct tl_rec_meta *m, int argc, char **argv, const char *version)
{
	struct utsname u;
	size_t off = 0;
	int err;

	if (uname(&u))
		return -errno;
	copy_str(m->host, sizeof(m->host), u.nodename, strlen(u.nodename));
	copy_str(m->kernel, sizeof(m->kernel), u.release, strlen(u.release));
	copy_str(m->kernel_version, sizeof(m->kernel_version), u.version, strlen(u.version));
	copy_str(m->machine, sizeof(m->machine), u.machine, strlen(u.machine));
	copy_str(m->tool_version, sizeof(m->tool_version), version, strlen(version));
	m->cmdline[0] = '\0';
	for (int i = 0; i < argc && off < sizeof(m->cmdline) - 1; i++) {
		int n = snprintf(m->cmdline + off, sizeof(m->cmdline) - off, "%s%s", i ? " " : "",
				 argv[i]);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	err = tl_clock_init(&m->clock);
	return err;
}

/* A growing byte buffer; the META block is small (names dominate, ~10 KiB). */
struct buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

static uint8_t *tlv(struct buf *b, uint16_t tag, size_t len)
{
	uint8_t *v;

	if (b->oom)
		return NULL;
	if (b->len + TL_TLV_HDR_LEN + len > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + TL_TLV_HDR_LEN + len;
		uint8_t *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	v = b->p + b->len;
	tl_put16(v, tag);
	tl_put16(v + 2, 0);
	tl_put32(v + 4, (uint32_t)len);
	b->len += TL_TLV_HDR_LEN + len;
	return v + TL_TLV_HDR_LEN;
}

static void tlv_str(struct buf *b, uint16_t tag, const char *s)
{
	size_t n = strlen(s);
	uint8_t *v = tlv(b, tag, n);

	if (v)
		memcpy(v, s, n);
}

static void tlv_u64(struct buf *b, uint16_t tag, uint64_t x)
{
	uint8_t *v = tlv(b, tag, 8);

	if (v)
		tl_put64(v, x);
}

static void tlv_u32(struct buf *b, uint16_t tag, uint32_t x)
{
	uint8_t *v = tlv(b, tag, 4);

	if (v)
		tl_put32(v, x);
}

/* The command line is stored as its arguments, NUL-terminated, split at spaces. */
static void tlv_cmdline(struct buf *b, const char *cmdline)
{
	size_t n = strlen(cmdline);
	uint8_t *v = tlv(b, TL_TAG_CMDLINE, n + 1);

	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = cmdline[i] == ' ' ? 0 : (uint8_t)cmdline[i];
	v[n] = 0;
}

static void hooks_encode(struct buf *b, const struct tl_hook_report *h)
{
	uint8_t *v = tlv(b, TL_TAG_HOOKS, 9);

	if (v) {
		tl_put32(v, h->wanted);
		tl_put32(v + 4, h->active);
		v[8] = h->batching;
	}
	for (int i = 0; i < h->nprogs; i++) {
		const struct tl_prog_report *p = &h->progs[i];
		size_t a = strlen(p->prog) + 1, s = strlen(p->attach) + 1,
		       r = strlen(p->reason) + 1;

		v = tlv(b, TL_TAG_PROG, 2 + a + s + r);
		if (!v)
			return;
		v[0] = (uint8_t)p->status;
		v[1] = (uint8_t)p->hook;
		memcpy(v + 2, p->prog, a);
		memcpy(v + 2 + a, p->attach, s);
		memcpy(v + 2 + a + s, p->reason, r);
	}
	for (int i = 0; i < h->nfields; i++) {
		size_t n = strlen(h->fields[i].name);

		v = tlv(b, TL_TAG_FIELD, 1 + n);
		if (!v)
			return;
		v[0] = h->fields[i].present;
		memcpy(v + 1, h->fields[i].name, n);
	}
	if (h->fallback[0])
		tlv_str(b, TL_TAG_FALLBACK, h->fallback);
}

int tl_meta_encode(const struct tl_rec_meta *m, uint8_t **out, size_t *len)
{
	struct buf b = {};
	uint8_t *v;

	tlv_str(&b, TL_TAG_HOST, m->host);
	tlv_str(&b, TL_TAG_KERNEL, m->kernel);
	tlv_str(&b, TL_TAG_KERNEL_VERSION, m->kernel_version);
	tlv_str(&b, TL_TAG_MACHINE, m->machine);
	tlv_str(&b, TL_TAG_TOOL_VERSION, m->tool_version);
	tlv_cmdline(&b, m->cmdline);
	tlv_u64(&b, TL_TAG_BOOT_TO_REAL, (uint64_t)m->clock.boot_to_real_ns);
	tlv_u64(&b, TL_TAG_START, m->start_ns);
	v = tlv(&b, TL_TAG_FILTER, TL_FILTER_REC_LEN);
	if (v)
		tl_filter_encode(v, &m->filter);
	v = tlv(&b, TL_TAG_LIMITS, 12);
	if (v) {
		tl_put32(v, m->max_conns);
		tl_put32(v + 4, m->ringbuf_mb);
		tl_put32(v + 8, m->max_timewait);
	}
	v = tlv(&b, TL_TAG_TW_OBSERVABLE, 1);
	if (v)
		v[0] = m->tw_observable;
	v = tlv(&b, TL_TAG_ABI, 8);
	if (v) {
		tl_put32(v, TL_ABI_VERSION);
		tl_put32(v + 4, TL_REC_LEN);
	}
	tlv_u64(&b, TL_TAG_SET_ID, m->set_id);
	tlv_u32(&b, TL_TAG_SEQ, m->seq);
	v = tlv(&b, TL_TAG_ROTATION, 20);
	if (v) {
		tl_put64(v, m->rotate_size);
		tl_put64(v + 8, m->rotate_time_ns);
		tl_put32(v + 16, m->max_files);
	}
	if (m->hooks_known)
		hooks_encode(&b, &m->hooks);
	/* only the values the kernel names: drop reasons are sparse in the table */
	for (int k = 0; k < TL_NAMES_KINDS; k++)
		for (uint32_t val = 0; val < TL_NAMES_MAX; val++) {
			const char *name = m->names.names[k][val];
			size_t n = name ? strlen(name) : 0;

			if (!name)
				continue;
			if (n > 255)
				n = 255;
			v = tlv(&b, TL_TAG_NAME, 4 + n);
			if (!v)
				break;
			v[0] = (uint8_t)k;
			v[1] = 0;
			tl_put16(v + 2, (uint16_t)val);
			memcpy(v + 4, name, n);
		}
	if (b.oom) {
		free(b.p);
		return -ENOMEM;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

/* A string TLV: NULs and the cut at TL_META_STR make it a C string again. */
static void get_str(char *dst, size_t size, const uint8_t *v, uint32_t len)
{
	copy_str(dst, size, (const char *)v, len);
	dst[strnlen(dst, size)] = '\0';
}

/* The next NUL-ended string of an untrusted TLV into @dst; its length with the NUL, 0 if none. */
static size_t next_str(char *dst, size_t size, const uint8_t *v, size_t len)
{
	const uint8_t *nul = memchr(v, 0, len);

	if (!nul)
		return 0;
	copy_str(dst, size, (const char *)v, (size_t)(nul - v));
	return (size_t)(nul - v) + 1;
}

static void prog_tlv(struct tl_hook_report *h, const uint8_t *v, uint32_t len)
{
	struct tl_prog_report *p;
	size_t off = 2, n;

	if (len < 2 || h->nprogs == TL_PROGS_MAX)
		return;
	p = &h->progs[h->nprogs];
	memset(p, 0, sizeof(*p));
	p->status = v[0] <= TL_PROG_ACTIVE ? (enum tl_prog_status)v[0] : TL_PROG_REFUSED;
	p->hook = v[1] < TL_HOOK_MAX ? (enum tl_hook)v[1] : TL_HOOK_MAX;
	n = next_str(p->prog, sizeof(p->prog), v + off, len - off);
	if (!n)
		return;
	off += n;
	n = next_str(p->attach, sizeof(p->attach), v + off, len - off);
	if (!n)
		return;
	off += n;
	if (!next_str(p->reason, sizeof(p->reason), v + off, len - off))
		return;
	h->nprogs++;
}

static void field_tlv(struct tl_hook_report *h, const uint8_t *v, uint32_t len)
{
	const struct tl_kfield *known = len >= 1 ? tl_kfield_by_name((const char *)v + 1, len - 1) :
						   NULL;

	/* names this version does not know are left out: it could not say what they mean */
	if (!known || h->nfields == TL_KFIELDS_MAX)
		return;
	h->fields[h->nfields] = *known;
	h->fields[h->nfields++].present = v[0] != 0;
}

tl_hook_mask tl_meta_hooks_missing(const struct tl_rec_meta *m)
{
	if (!m->hooks_known)
		return 0;
	return m->hooks.wanted & ~m->hooks.active & ~TL_HOOK_BIT(TL_HOOK_FLUSH);
}

static void get_cmdline(char *dst, size_t size, const uint8_t *v, uint32_t len)
{
	size_t n = len < size - 1 ? len : size - 1;

	for (size_t i = 0; i < n; i++)
		dst[i] = v[i] ? (char)v[i] : ' ';
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static int name_tlv(struct tl_rec_meta *m, const uint8_t *v, uint32_t len)
{
	char name[256];

	if (len < 5 || v[0] >= TL_NAMES_KINDS || tl_get16(v + 2) >= TL_NAMES_MAX)
		return 0; /* an impossible name is ignored: the value prints as a number */
	get_str(name, sizeof(name), v + 4, len - 4);
	if (!name[0])
		return 0;
	return tl_names_set(&m->names, v[0], tl_get16(v + 2), name) == -ENOMEM ? -ENOMEM : 0;
}

static int one_tlv(struct tl_rec_meta *m, uint16_t tag, const uint8_t *v, uint32_t len)
{
	switch (tag) {
	case TL_TAG_HOST:
		get_str(m->host, sizeof(m->host), v, len);
		break;
	case TL_TAG_KERNEL:
		get_str(m->kernel, sizeof(m->kernel), v, len);
		break;
	case TL_TAG_KERNEL_VERSION:
		get_str(m->kernel_version, sizeof(m->kernel_version), v, len);
		break;
	case TL_TAG_MACHINE:
		get_str(m->machine, sizeof(m->machine), v, len);
		break;
	case TL_TAG_TOOL_VERSION:
		get_str(m->tool_version, sizeof(m->tool_version), v, len);
		break;
	case TL_TAG_CMDLINE:
		get_cmdline(m->cmdline, sizeof(m->cmdline), v, len);
		break;
	case TL_TAG_BOOT_TO_REAL:
		if (len >= 8)
			m->clock.boot_to_real_ns = (int64_t)tl_get64(v);
		break;
	case TL_TAG_START:
		if (len >= 8)
			m->start_ns = tl_get64(v);
		break;
	case TL_TAG_FILTER:
		if (len >= TL_FILTER_REC_LEN)
			tl_filter_decode(&m->filter, v);
		break;
	case TL_TAG_LIMITS:
		if (len >= 8) {
			m->max_conns = tl_get32(v);
			m->ringbuf_mb = tl_get32(v + 4);
		}
		if (len >= 12)
			m->max_timewait = tl_get32(v + 8);
		break;
	case TL_TAG_TW_OBSERVABLE:
		if (len >= 1)
			m->tw_observable = v[0] != 0;
		break;
	case TL_TAG_ABI:
		if (len >= 8) {
			m->abi = tl_get32(v);
			m->rec_len = tl_get32(v + 4);
		}
		break;
	case TL_TAG_SET_ID:
		if (len >= 8)
			m->set_id = tl_get64(v);
		break;
	case TL_TAG_SEQ:
		if (len >= 4)
			m->seq = tl_get32(v);
		break;
	case TL_TAG_ROTATION:
		if (len >= 20) {
			m->rotate_size = tl_get64(v);
			m->rotate_time_ns = tl_get64(v + 8);
			m->max_files = tl_get32(v + 16);
		}
		break;
	case TL_TAG_NAME:
		return name_tlv(m, v, len);
	case TL_TAG_HOOKS:
		if (len >= 9) {
			m->hooks_known = true;
			m->hooks.wanted = tl_get32(v) & TL_HOOKS_ALL;
			m->hooks.active = tl_get32(v + 4) & TL_HOOKS_ALL;
			m->hooks.batching = v[8] != 0;
		}
		break;
	case TL_TAG_PROG:
		prog_tlv(&m->hooks, v, len);
		break;
	case TL_TAG_FIELD:
		field_tlv(&m->hooks, v, len);
		break;
	case TL_TAG_FALLBACK:
		get_str(m->hooks.fallback, sizeof(m->hooks.fallback), v, len);
		break;
	default:
		break; /* a newer minor version's tag */
	}
	return 0;
}

int tl_meta_decode(struct tl_rec_meta *m, const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		uint32_t vlen;
		int err;

		if (len - off < TL_TLV_HDR_LEN)
			return -EINVAL;
		vlen = tl_get32(p + off + 4);
		if (vlen > len - off - TL_TLV_HDR_LEN)
			return -EINVAL;
		err = one_tlv(m, tl_get16(p + off), p + off + TL_TLV_HDR_LEN, vlen);
		if (err)
			return err;
		off += TL_TLV_HDR_LEN + vlen;
	}
	return 0;
}
