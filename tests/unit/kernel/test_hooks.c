// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_hooks.c - hook names, masks and the "what is missing" line (kernel/hooks.h). */
#include <string.h>

#include "kernel/hooks.h"
#include "tests/unit/unit.h"

UNIT_TEST(hooks_every_hook_has_a_name_and_a_loss)
{
	for (int h = 0; h < TL_HOOK_MAX; h++) {
		CHECK(strcmp(tl_hook_name(h), "?") != 0);
		CHECK(strlen(tl_hook_loss(h)) > 10);
		for (int k = 0; k < h; k++)
			CHECK(strcmp(tl_hook_name(h), tl_hook_name(k)) != 0);
	}
	CHECK_STR(tl_hook_name(TL_HOOK_MAX), "?");
	CHECK_STR(tl_hook_name(-1), "?");
	CHECK_STR(tl_hook_loss(TL_HOOK_MAX), "?");
}

static const struct mask_case {
	tl_hook_mask m;
	size_t size;
	const char *want;
} mask_cases[] = {
	{ 0, 64, "" },
	{ TL_HOOK_BIT(TL_HOOK_STATE), 64, "state" },
	{ TL_HOOK_BIT(TL_HOOK_DROP) | TL_HOOK_BIT(TL_HOOK_STATE), 64, "state drop" },
	{ TL_HOOK_BIT(TL_HOOK_FLUSH) | TL_HOOK_BIT(TL_HOOK_ACCEPT), 64, "accept flush" },
	/* cut to the buffer, always terminated */
	{ TL_HOOK_BIT(TL_HOOK_STATE) | TL_HOOK_BIT(TL_HOOK_RETRANSMIT), 9, "state re" },
	{ TL_HOOK_BIT(TL_HOOK_STATE), 1, "" },
	/* bits beyond the known hooks are ignored */
	{ TL_HOOK_BIT(TL_HOOK_MAX) | TL_HOOK_BIT(TL_HOOK_SYNACK), 64, "synack" },
};

UNIT_TEST(hooks_mask_format_table)
{
	for (size_t i = 0; i < sizeof(mask_cases) / sizeof(mask_cases[0]); i++) {
		char buf[64];

		memset(buf, 'X', sizeof(buf));
		CHECK_STR(tl_hook_mask_format(mask_cases[i].m, buf, mask_cases[i].size),
			  mask_cases[i].want);
	}
	char all[256];

	tl_hook_mask_format(TL_HOOKS_ALL, all, sizeof(all));
	CHECK_STR(all, "state retransmit synack reset-sent reset-received drop timewait accept "
		       "sampler dump flush");
}

UNIT_TEST(hooks_prog_status_names)
{
	CHECK_STR(tl_prog_status_name(TL_PROG_UNUSED), "unused");
	CHECK_STR(tl_prog_status_name(TL_PROG_OTHER_VARIANT), "other-variant");
	CHECK_STR(tl_prog_status_name(TL_PROG_ABSENT), "absent");
	CHECK_STR(tl_prog_status_name(TL_PROG_REFUSED), "refused");
	CHECK_STR(tl_prog_status_name(TL_PROG_ACTIVE), "active");
	CHECK_STR(tl_prog_status_name(TL_PROG_ACTIVE + 1), "?");
}

static void prog(struct tl_hook_report *r, enum tl_hook h, enum tl_prog_status s, const char *why)
{
	struct tl_prog_report *p = &r->progs[r->nprogs++];

	p->hook = h;
	p->status = s;
	snprintf(p->reason, sizeof(p->reason), "%s", why);
}

UNIT_TEST(hooks_report_missing)
{
	static struct tl_hook_report r;
	char buf[256], small[24];

	memset(&r, 0, sizeof(r));
	r.wanted = TL_HOOK_BIT(TL_HOOK_STATE) | TL_HOOK_BIT(TL_HOOK_DROP) |
		   TL_HOOK_BIT(TL_HOOK_TIMEWAIT) | TL_HOOK_BIT(TL_HOOK_FLUSH) |
		   TL_HOOK_BIT(TL_HOOK_ACCEPT);
	r.active = TL_HOOK_BIT(TL_HOOK_STATE) | TL_HOOK_BIT(TL_HOOK_ACCEPT);
	CHECK_STR(tl_hook_report_missing(&r, buf, sizeof(buf)),
		  "drop (not attached); timewait (not attached)");
	/* the kernel's reason, from a refused or absent program of that hook */
	prog(&r, TL_HOOK_DROP, TL_PROG_UNUSED, "ignored: not refused");
	prog(&r, TL_HOOK_DROP, TL_PROG_REFUSED, "EPERM");
	prog(&r, TL_HOOK_TIMEWAIT, TL_PROG_ABSENT, "no tw_timer_handler");
	CHECK_STR(tl_hook_report_missing(&r, buf, sizeof(buf)),
		  "drop (EPERM); timewait (no tw_timer_handler)");
	/* cut, and said so */
	tl_hook_report_missing(&r, small, sizeof(small));
	CHECK_INT(strlen(small), sizeof(small) - 1);
	CHECK_STR(small + sizeof(small) - 4, "...");
	/* nothing wanted is missing */
	r.active = r.wanted;
	CHECK_STR(tl_hook_report_missing(&r, buf, sizeof(buf)), "");
}
