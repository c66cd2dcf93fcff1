// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_reader.c - libFuzzer target over everything `tcpline report` does
 * with a file: open it from memory, iterate every block and record, and
 * replay the records through the timeline and the JSON sink (to /dev/null),
 * and through the summary (text and JSON). Built by `make fuzz` with
 * -fsanitize=fuzzer,address,undefined; seeds in tests/fuzz/corpus/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/options.h"
#include "record/record_reader.h"
#include "report/replay.h"
#include "report/report_summary.h"
#include "report/report_summary_json.h"
#include "report/report_summary_text.h"
#include "core/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

/* Every output: the JSON lines of --json, the summary as text and as JSON. */
static void replay(const uint8_t *data, size_t size, bool summary)
{
	struct tl_reader_opts ro = { .quiet = true };
	struct tl_summary *sum = summary ? tl_summary_new() : NULL;
	struct tl_replay re = { 0 };
	struct tl_view_opts vo = { .quiet = true };
	struct tl_show_opts show = { .json = true };
	struct tl_reader *r;
	const struct tl_rec_meta *m;

	if (tl_reader_open_mem(&r, data, size, &ro)) {
		tl_summary_free(sum);
		return;
	}
	m = tl_reader_meta(r);
	re.hooks_missing = tl_meta_hooks_missing(m);
	/* the file's own table size, kept small enough to fuzz fast */
	vo.max_conns = m->max_conns < 16 ? 16 : m->max_conns > 4096 ? 4096 : m->max_conns;
	vo.max_timewait = m->max_timewait < 16	 ? 16 :
			  m->max_timewait > 4096 ? 4096 :
						   m->max_timewait;
	tl_show_view(&show, &vo);
	vo.names = &m->names;
	vo.clock = &m->clock;
	vo.tw_observable = m->tw_observable;
	vo.out = summary ? NULL : devnull();
	if (sum) {
		vo.tap = (struct tl_timeline_out){ sum, tl_summary_event, tl_summary_lifeline };
		re.item = tl_summary_item;
		re.ctx = sum;
	}
	re.view = tl_view_new(&vo);
	if (re.view) {
		re.feed_snapshots = true;
		/* a few KiB inflate to millions of records: enough of them to reach every path */
		re.max_items = 20000;
		tl_replay_file(&re, r);
		tl_replay_finish(&re);
		if (sum) {
			struct tl_summary_info info = { .meta = m, .nfiles = 1 };

			tl_summary_print(sum, &info, devnull());
			tl_summary_print_json(sum, &info, devnull());
		}
	}
	tl_view_free(re.view);
	tl_summary_free(sum);
	tl_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull())
		return 0;
	replay(data, size, false);
	replay(data, size, true);
	return 0;
}
