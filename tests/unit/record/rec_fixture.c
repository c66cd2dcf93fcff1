// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* rec_fixture.c - see rec_fixture.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/unit/record/rec_fixture.h"
#include "record/record_format.h"
#include "record/record_writer.h"

void fix_tmpdir(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/tcpline-unit-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = '\0';
}

void fix_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

void fix_meta(struct tl_rec_meta *m)
{
	tl_meta_init(m);
	snprintf(m->host, sizeof(m->host), FIX_HOST);
	snprintf(m->kernel, sizeof(m->kernel), FIX_KERNEL);
	snprintf(m->tool_version, sizeof(m->tool_version), "0.1.0");
	snprintf(m->cmdline, sizeof(m->cmdline), "tcpline record -w x --port 80");
	m->clock.boot_to_real_ns = FIX_BOOT_TO_REAL;
	m->start_ns = 500000000ULL;
	m->filter.nports = 1;
	m->filter.ports[0] = 80;
	m->max_conns = 1024;
	m->tw_observable = true;
	m->set_id = 0x1234567890abcdefULL;
	tl_names_set(&m->names, TL_NAMES_STATE, 1, "ESTABLISHED");
	tl_names_set(&m->names, TL_NAMES_STATE, 7, "CLOSE");
	tl_names_set(&m->names, TL_NAMES_DROP, 2, "NO_SOCKET");
	tl_names_set(&m->names, TL_NAMES_RESET, 1023, "LAST_ONE");
}

struct tl_event fix_event(uint64_t cookie, uint64_t ts)
{
	struct tl_event e = { .ts_ns = ts, .cookie = cookie, .type = TL_EV_STATE };

	e.family = 2;
	e.netns = 4026531840u;
	e.laddr[0] = 10, e.laddr[3] = 1;
	e.raddr[0] = 10, e.raddr[3] = 2;
	e.lport = 40000;
	e.rport = 80;
	e.old_state = 2;
	e.new_state = 1;
	e.dwell_ns = 1000 + cookie;
	e.reason = TL_REASON_NONE;
	e.owner_conf = TL_OWNER_EXACT;
	e.pid = 4242;
	memcpy(e.comm, "curl", 5);
	return e;
}

void fix_index(struct fixture *f)
{
	uint64_t off = TL_REC_FILE_HDR_LEN;

	f->nblocks = 0;
	while (off + TL_BLK_HDR_LEN <= f->len && f->nblocks < FIX_MAX_BLOCKS) {
		f->off[f->nblocks++] = off;
		off += TL_BLK_HDR_LEN + tl_get32(f->data + off + TL_BLK_OFF_COMP_LEN);
	}
}

void fix_load(struct fixture *f, const char *path)
{
	FILE *in = fopen(path, "rb");
	long n;

	memset(f, 0, sizeof(*f));
	if (!in)
		return;
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	fseek(in, 0, SEEK_SET);
	f->data = malloc(n > 0 ? (size_t)n + 4096 : 4096);
	if (f->data && n > 0 && fread(f->data, 1, (size_t)n, in) == (size_t)n)
		f->len = (size_t)n;
	fclose(in);
	fix_index(f);
}

void fix_standard(struct fixture *f)
{
	struct tl_writer_opts o = { .block_records = 4, .no_sync = true };
	struct tl_stats st = { .events = 8 };
	struct tl_writer *w = NULL;
	struct tl_rec_meta m;
	char dir[64], path[128];

	memset(f, 0, sizeof(*f));
	fix_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/rec", dir);
	o.path = path;
	fix_meta(&m);
	if (tl_writer_open(&w, &o, &m) == 0) {
		for (int i = 0; i < 10; i++) {
			struct tl_event e = fix_event(100 + i, (i + 1) * 1000000000ULL);

			if (i == 8)
				tl_writer_stats(w, &st, 8500000000ULL);
			tl_writer_event(w, &e);
		}
		st.events = 10;
		tl_writer_close(w, &st, 11000000000ULL);
	}
	tl_meta_free(&m);
	fix_load(f, path);
	fix_rmdir(dir);
}

void fix_rehash(struct fixture *f, uint64_t off)
{
	uint8_t *h = f->data + off;

	tl_put32(h + TL_BLK_OFF_HDR_CRC, (uint32_t)crc32(0, h, TL_BLK_OFF_HDR_CRC));
}

void fix_free(struct fixture *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}
