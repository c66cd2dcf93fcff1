// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_privs.c - the capabilities tcpline names, against the effective set
 * read independently from /proc/self/status, and the privilege check's
 * verdict for this process (kernel/privs.h). Run as root and as an
 * unprivileged user, both verdicts are checked: loaded, or -EPERM naming
 * what is missing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/privs.h"
#include "tests/unit/unit.h"

static uint64_t cap_eff(void)
{
	char line[256];
	uint64_t eff = 0;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			eff = strtoull(line + 7, NULL, 16);
	if (f)
		fclose(f);
	return eff;
}

static const struct {
	int bit;
	const char *name;
} named[] = {
	{ 39, "CAP_BPF" },	  { 38, "CAP_PERFMON" },	{ 21, "CAP_SYS_ADMIN" },
	{ 19, "CAP_SYS_PTRACE" }, { 2, "CAP_DAC_READ_SEARCH" }, { 34, "CAP_SYSLOG" },
	{ 23, "CAP_SYS_NICE" },	  { 7, "CAP_SETUID" },		{ 6, "CAP_SETGID" },
};

UNIT_TEST(privs_caps_format_names_the_effective_set)
{
	uint64_t eff = cap_eff();
	char want[256] = "", got[256], small[8];

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (eff >> named[i].bit & 1)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
				 want[0] ? " " : "", named[i].name);
	CHECK_STR(tl_caps_format(got, sizeof(got)), want);
	/* cut to a small buffer, still terminated, a prefix of the whole */
	tl_caps_format(small, sizeof(small));
	CHECK(strlen(small) < sizeof(small));
	CHECK(!strncmp(want, small, strlen(small)));
}

UNIT_TEST(privs_check_verdict_for_this_process)
{
	uint64_t eff = cap_eff();
	bool bpf = (eff >> 39 & 1) || (eff >> 21 & 1), perfmon = (eff >> 38 & 1) || (eff >> 21 & 1);
	char why[256] = "";
	int err = tl_privs_check(why, sizeof(why));

	if (bpf && perfmon) {
		CHECK_INT(err, 0); /* a privileged process on this kernel loads a trivial program */
		return;
	}
	CHECK_INT(err, -EPERM);
	CHECK(strstr(why, "the effective capabilities lack") == why);
	CHECK(!bpf == !!strstr(why, "CAP_BPF"));
	CHECK(!perfmon == !!strstr(why, "CAP_PERFMON"));
}

UNIT_TEST(privs_cap_name_of_what_tcpline_uses)
{
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		CHECK_STR(tl_cap_name(named[i].bit), named[i].name);
	CHECK(tl_cap_name(12) == NULL); /* CAP_NET_ADMIN: not used */
	CHECK(tl_cap_name(-1) == NULL);
}
