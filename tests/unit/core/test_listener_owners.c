// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_listener_owners.c - the listeners' owners handed to their children
 * (core/listener_owners.h).
 */
#include <stdlib.h>

#include "core/listener_owners.h"
#include "tests/unit/unit.h"

static struct tl_lifeline line(uint32_t netns, uint16_t lport, uint8_t conf, uint32_t pid,
			       const char *comm)
{
	struct tl_lifeline l = { .netns = netns, .lport = lport, .owner_conf = conf, .pid = pid };

	snprintf(l.comm, sizeof(l.comm), "%s", comm);
	return l;
}

static const struct inherit_case {
	const char *name;
	uint32_t netns;
	uint16_t lport;
	uint8_t child_conf;
	uint8_t want_conf;
	uint32_t want_pid;
} inherit_cases[] = {
	{ "same listener", 1, 80, TL_OWNER_UNKNOWN, TL_OWNER_LISTENER, 100 },
	{ "other port", 1, 81, TL_OWNER_UNKNOWN, TL_OWNER_UNKNOWN, 0 },
	{ "other namespace", 2, 80, TL_OWNER_UNKNOWN, TL_OWNER_UNKNOWN, 0 },
	{ "child already exact", 1, 80, TL_OWNER_EXACT, TL_OWNER_EXACT, 7 },
	{ "child already inherited", 1, 80, TL_OWNER_LISTENER, TL_OWNER_LISTENER, 7 },
};

UNIT_TEST(listener_owners_inherit_table)
{
	struct tl_listener_owners *o = calloc(1, sizeof(*o));
	struct tl_lifeline nginx = line(1, 80, TL_OWNER_EXACT, 100, "nginx");

	tl_listener_owners_remember(o, &nginx);
	for (size_t i = 0; i < sizeof(inherit_cases) / sizeof(inherit_cases[0]); i++) {
		const struct inherit_case *k = &inherit_cases[i];
		struct tl_lifeline child = line(k->netns, k->lport, k->child_conf,
						k->child_conf ? 7 : 0, k->child_conf ? "w" : "");

		tl_listener_owners_inherit(o, &child);
		if (child.owner_conf != k->want_conf || child.pid != k->want_pid)
			unit_fail(__FILE__, __LINE__, "%s: conf %u pid %u, want %u %u", k->name,
				  child.owner_conf, child.pid, k->want_conf, k->want_pid);
		if (k->want_pid == 100)
			CHECK_STR(child.comm, "nginx");
	}
	free(o);
}

UNIT_TEST(listener_owners_only_exact_owners_are_remembered)
{
	struct tl_listener_owners *o = calloc(1, sizeof(*o));
	struct tl_lifeline guess = line(1, 80, TL_OWNER_LISTENER, 5, "guess");
	struct tl_lifeline child = line(1, 80, TL_OWNER_UNKNOWN, 0, "");

	tl_listener_owners_remember(o, &guess);
	tl_listener_owners_inherit(o, &child);
	CHECK_INT(child.owner_conf, TL_OWNER_UNKNOWN);
	free(o);
}

UNIT_TEST(listener_owners_a_collision_never_gives_a_wrong_owner)
{
	struct tl_listener_owners *o = calloc(1, sizeof(*o));
	int checked = 0;

	/* fill many ports: some share a slot; each child gets its own listener or none */
	for (uint16_t p = 1; p <= 3 * TL_LISTENER_OWNERS; p++) {
		struct tl_lifeline l = line(9, p, TL_OWNER_EXACT, p, "srv");

		tl_listener_owners_remember(o, &l);
	}
	for (uint16_t p = 1; p <= 3 * TL_LISTENER_OWNERS; p++) {
		struct tl_lifeline child = line(9, p, TL_OWNER_UNKNOWN, 0, "");

		tl_listener_owners_inherit(o, &child);
		if (child.owner_conf == TL_OWNER_LISTENER) {
			CHECK_INT(child.pid, p);
			checked++;
		}
	}
	CHECK(checked > 0);
	CHECK(checked <= TL_LISTENER_OWNERS);
	free(o);
}
