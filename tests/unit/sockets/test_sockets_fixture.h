/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* test_sockets_fixture.h - socket dump records and a small population for the census tests. */
#ifndef TL_TEST_SOCKETS_FIXTURE_H
#define TL_TEST_SOCKETS_FIXTURE_H

#include "user/kernel/names.h"
#include "user/sockets/sockets_census.h"

#define SK_NS 1000000000ULL
#define SK_NS_A 4026531840u
#define SK_NS_B 4026532001u

/**
 * sk_ev() - a TL_EV_SOCK record of a full socket in netns @netns, state @st,
 * 10.0.0.1:@lport <-> 10.0.0.2:@rport, with a file (inode 1) and stats.
 */
struct tl_event sk_ev(uint32_t netns, uint8_t st, uint16_t lport, uint16_t rport);

/** sk_own() - what tl_proc_fill_owners() sets for a process holding @ev. */
void sk_own(struct tl_event *ev, uint32_t pid, const char *comm);

/**
 * sk_populate() - 14 sockets: namespace A (sysctls known) with a listener on
 * 8080, 2 established, 2 half-open, 2 CLOSE_WAIT (idle 90 s and 5 s), 3
 * TIME_WAIT (2 to 10.0.0.3:443 from ephemeral ports, 1 on 8080), an orphaned
 * FIN_WAIT2 of each kind; namespace B (sysctls unknown) with 1 established
 * and 1 TIME_WAIT to 10.0.0.4:80.
 */
void sk_populate(struct tl_census *c);

/** sk_names() - kernel state names 1..12, as BTF gives them. */
void sk_names(struct tl_names *n);

#endif
