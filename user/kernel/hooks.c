// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* hooks.c - see hooks.h. */
#include <stdio.h>
#include <string.h>

#include "kernel/hooks.h"

static const struct {
	const char *name;
	const char *loss;
} hooks[TL_HOOK_MAX] = {
	[TL_HOOK_STATE] = { "state", "everything: tcpline cannot trace without it" },
	[TL_HOOK_RETRANSMIT] = { "retransmit",
				 "retransmit events (data and SYN) and their per-peer counts" },
	[TL_HOOK_SYNACK] = { "synack",
			     "SYN-ACK retransmit events and backlog's synack_retransmits" },
	[TL_HOOK_RESET_SENT] = { "reset-sent", "the resets this host sends, with their reason" },
	[TL_HOOK_RESET_RECEIVED] = { "reset-received", "the resets this host receives" },
	[TL_HOOK_DROP] = { "drop",
			   "TCP drop events with reasons; backlog's accept_queue_full_at_ack "
			   "and discarded_segments" },
	[TL_HOOK_TIMEWAIT] = { "timewait",
			       "the end of TIME_WAIT: lifelines close 60 s after the hand-over "
			       "without its exact dwell; keepalive probes and zero-window stalls "
			       "(the same timer programs)" },
	[TL_HOOK_ACCEPT] = { "accept", "the accepting process as an accepted connection's owner "
				       "(--accept-owner, owner filters)" },
	[TL_HOOK_SAMPLER] = { "sampler", "listen-queue depths and drops per listener" },
	[TL_HOOK_DUMP] = { "dump", "connections alive at start, and the sockets census" },
	[TL_HOOK_FLUSH] = { "flush",
			    "batched state changes (--lifelines with an owner filter): each "
			    "change is sent at once instead" },
};

const char *tl_hook_name(enum tl_hook h)
{
	return (unsigned)h < TL_HOOK_MAX ? hooks[h].name : "?";
}

const char *tl_hook_loss(enum tl_hook h)
{
	return (unsigned)h < TL_HOOK_MAX ? hooks[h].loss : "?";
}

char *tl_hook_mask_format(tl_hook_mask m, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (int h = 0; h < TL_HOOK_MAX && len < size; h++)
		if (tl_hook_has(m, h)) {
			int n = snprintf(buf + len, size - len, "%s%s", len ? " " : "",
					 tl_hook_name(h));

			if (n > 0)
				len += (size_t)n;
		}
	return buf;
}

const char *tl_prog_status_name(enum tl_prog_status s)
{
	static const char *const names[] = {
		[TL_PROG_UNUSED] = "unused", [TL_PROG_OTHER_VARIANT] = "other-variant",
		[TL_PROG_ABSENT] = "absent", [TL_PROG_REFUSED] = "refused",
		[TL_PROG_ACTIVE] = "active",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

char *tl_hook_report_missing(const struct tl_hook_report *r, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (int h = 0; h < TL_HOOK_MAX; h++) {
		const char *why = "not attached";
		int n;

		/* without a flush program changes are sent one by one: nothing is missing */
		if (!tl_hook_has(r->wanted, h) || tl_hook_has(r->active, h) || h == TL_HOOK_FLUSH)
			continue;
		for (int i = 0; i < r->nprogs; i++)
			if (r->progs[i].hook == (enum tl_hook)h &&
			    (r->progs[i].status == TL_PROG_REFUSED ||
			     r->progs[i].status == TL_PROG_ABSENT) &&
			    r->progs[i].reason[0])
				why = r->progs[i].reason;
		if (len >= size)
			break;
		n = snprintf(buf + len, size - len, "%s%s (%s)", len ? "; " : "", tl_hook_name(h),
			     why);
		if (n > 0)
			len += (size_t)n;
	}
	if (len >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
	return buf;
}
