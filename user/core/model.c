// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* model.c - names for the values in model.h, shared by every sink. */
#include <errno.h>
#include <stddef.h>

#include "core/model.h"

static const char *const end_names[TL_END_MAX] = {
	[TL_END_OPEN] = "open",
	[TL_END_CLOSED] = "closed",
	[TL_END_RESET_BY_PEER] = "reset_by_peer",
	[TL_END_RESET_LOCAL] = "reset_local",
	[TL_END_REFUSED] = "refused",
	[TL_END_TIMED_OUT] = "timed_out",
	[TL_END_ERROR] = "error",
	[TL_END_ABORTED] = "aborted",
	[TL_END_EVICTED] = "evicted",
	[TL_END_KEEPALIVE_TIMEOUT] = "keepalive_timeout",
};

static const char *const timeout_names[TL_TO_MAX] = {
	[TL_TO_SYN] = "syn",
	[TL_TO_RETRANSMIT] = "retransmit",
	[TL_TO_USER] = "user_timeout",
	[TL_TO_ORPHAN] = "orphan",
	[TL_TO_KEEPALIVE] = "keepalive",
	[TL_TO_ZERO_WINDOW] = "zero_window",
};

static const char *const rk_names[TL_RK_MAX] = {
	[TL_RK_RTO] = "rto", [TL_RK_FAST] = "fast",	[TL_RK_TLP] = "tlp",
	[TL_RK_SYN] = "syn", [TL_RK_SYNACK] = "synack", [TL_RK_OTHER] = "other",
};

const char *tl_zwin_name(unsigned int kind)
{
	static const char *const names[TL_ZW_MAX] = {
		[TL_ZW_START] = "start",
		[TL_ZW_PROBE] = "probe",
		[TL_ZW_END] = "end",
	};

	return kind < TL_ZW_MAX ? names[kind] : NULL;
}

const char *tl_close_name(unsigned int close)
{
	return close == TL_CLOSE_GRACEFUL ? "graceful" :
	       close == TL_CLOSE_ABORTIVE ? "abortive" :
					    NULL;
}

const char *tl_timeout_name(unsigned int timeout)
{
	return timeout < TL_TO_MAX ? timeout_names[timeout] : NULL;
}

const char *tl_retrans_kind_name(unsigned int kind)
{
	return kind < TL_RK_MAX ? rk_names[kind] : NULL;
}

const char *tl_end_name(enum tl_end end)
{
	/* lifelines may come from an untrusted recording: never index blindly */
	if ((unsigned int)end >= TL_END_MAX || !end_names[end])
		return "unknown";
	return end_names[end];
}

/* clang-format off */
#define E(e) { e, #e }
/* clang-format on */
/* What sk_err holds when TCP gives up on a connection (RST, ICMP, timers). */
static const struct {
	int err;
	const char *name;
} err_names[] = {
	E(EPERM),    E(ENOMEM),	     E(EACCES),	      E(EPIPE),	       E(EPROTO),
	E(EMSGSIZE), E(ENOPROTOOPT), E(EOPNOTSUPP),   E(EADDRINUSE),   E(EADDRNOTAVAIL),
	E(ENETDOWN), E(ENETUNREACH), E(ENETRESET),    E(ECONNABORTED), E(ECONNRESET),
	E(ENOBUFS),  E(ETIMEDOUT),   E(ECONNREFUSED), E(EHOSTDOWN),    E(EHOSTUNREACH),
	E(ENONET),
};
#undef E

const char *tl_err_name(int err)
{
	/* in unsigned arithmetic: -INT_MIN does not fit an int */
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;

	for (size_t i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++)
		if ((unsigned int)err_names[i].err == e)
			return err_names[i].name;
	return NULL;
}
