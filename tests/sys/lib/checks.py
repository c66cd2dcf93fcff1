"""Checks shared by the scenarios: run health, per-socket sequences,
lifelines, and agreement with the namespace's nstat counters."""
from . import events as ev

COMMON_FIELDS = ("type", "time", "netns", "family", "laddr", "lport", "raddr", "rport",
                 "cookie", "pid", "comm")
ANY = object()  # lifeline(): a field the contract leaves open; printed as a note

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "ERROR: UndefinedBehaviorSanitizer")


def trace_health(ctx, trace, label, netns=None):
    """Exit 0, only JSON on stdout, one final stats record (last), rb_lost 0,
    common fields on every event, and with --netns only that namespace."""
    ctx.eq(trace.rc, 0, "%s: tcpline exit code after SIGINT" % label)
    ctx.eq(trace.bad_lines[:3], [], "%s: non-JSON lines on stdout" % label)
    for mark in SANITIZER_MARKS:
        ctx.check(mark not in trace.stderr, "%s: sanitizer report on stderr: %s"
                  % (label, trace.stderr[trace.stderr.find(mark):][:800]))
    ctx.eq(trace.final_count, 1, "%s: number of final stats records" % label)
    fs = trace.final_stats
    if fs is not None:
        ctx.eq(trace.records[-1].get("type") == "stats" and trace.records[-1].get("final"), True,
               "%s: final stats is the last record" % label)
        ctx.note("%s stats: events=%s rb_lost=%s recursion_misses=%s storage_fail=%s "
                 "table_evictions=%s lifelines=%s" % (label, fs.get("events"), fs.get("rb_lost"),
                                                      fs.get("recursion_misses"), fs.get("storage_fail"),
                                                      fs.get("table_evictions"), fs.get("lifelines")))
        ctx.eq(fs.get("rb_lost"), 0, "%s: final stats rb_lost" % label)
        ctx.eq(fs.get("lifelines"), len(trace.lifelines()), "%s: final stats lifelines vs lifeline records" % label)
    missing = set()
    for r in trace.records:
        if r.get("type") in ("stats", "latency"):  # about the run, not a connection
            continue
        for f in COMMON_FIELDS:
            if f not in r:
                missing.add((r.get("type"), f))
        if ev.parse_time_ns(r.get("time")) is None:
            missing.add((r.get("type"), "time not RFC 3339 UTC: %r" % r.get("time")))
    ctx.eq(sorted(missing), [], "%s: records with missing/malformed common fields (type, field)" % label)
    if netns is not None:
        others = sorted({r.get("netns") for r in trace.records
                         if r.get("type") not in ("stats", "latency") and r.get("netns") != netns.inode}, key=str)
        ctx.eq(others, [], "%s: netns inodes other than %d (%s) despite --netns" % (label, netns.inode, netns.name))


def state_sequence(ctx, trace, netns, cookie, expected, what):
    """The socket's state events are exactly `expected` [(old, new)], in order,
    and each dwell_ns equals the time since the previous transition."""
    evs = ev.states_of(trace, netns.inode, cookie)
    ctx.eq(ev.transitions(evs), expected, "%s: state transitions" % what)
    for prev, cur in zip(evs, evs[1:]):
        t0, t1 = ev.parse_time_ns(prev.get("time")), ev.parse_time_ns(cur.get("time"))
        dwell = cur.get("dwell_ns")
        if t0 is None or t1 is None:
            continue
        ctx.check(dwell is not None and abs(dwell - (t1 - t0)) <= 1_000_000,
                  "%s: dwell_ns of %s->%s is %r but the events are %d ns apart"
                  % (what, cur.get("old"), cur.get("new"), dwell, t1 - t0))
    return evs


def lifeline(ctx, ll, what, states, end, error=None, owner=None, preexisting=False,
             family=None, tup=None, bytes_acked=None, bytes_received=None, retransmits=None,
             state_events=None):
    """Check a lifeline record field by field (None: that field is not checked)."""
    names = [s.get("state") for s in ll.get("states") or []]
    ctx.eq(names, states, "%s lifeline states" % what)
    ctx.eq(ll.get("end"), end, "%s lifeline end" % what)
    if error is ANY:
        ctx.note("%s lifeline error: %r" % (what, ll.get("error")))
    else:
        ctx.eq(ll.get("error"), error, "%s lifeline error" % what)
    ctx.eq(ll.get("preexisting"), preexisting, "%s lifeline preexisting" % what)
    ctx.eq(ll.get("states_truncated"), False, "%s lifeline states_truncated" % what)
    if family is not None:
        ctx.eq(ll.get("family"), family, "%s lifeline family" % what)
    if tup is not None:
        got = (ev.norm_addr(ll.get("laddr")), ll.get("lport"), ev.norm_addr(ll.get("raddr")), ll.get("rport"))
        want = (ev.norm_addr(tup["laddr"]), tup["lport"], ev.norm_addr(tup["raddr"]), tup["rport"])
        ctx.eq(got, want, "%s lifeline (laddr, lport, raddr, rport)" % what)
    if owner is not None:
        pid, comm, conf = owner
        o = ll.get("owner") or {}
        ctx.eq((o.get("pid"), o.get("comm"), o.get("confidence")), (pid, comm, conf),
               "%s lifeline owner (pid, comm, confidence)" % what)
    for field, want in (("bytes_acked", bytes_acked), ("bytes_received", bytes_received),
                        ("retransmits", retransmits)):
        if want is not None:
            ctx.eq(ll.get(field), want, "%s lifeline %s" % (what, field))
    dur = ll.get("duration_ns")
    ctx.check(isinstance(dur, int) and dur >= 0, "%s lifeline duration_ns: expected >= 0, got %r" % (what, dur))
    known = [s.get("dwell_ns") for s in ll.get("states") or [] if s.get("dwell_ns") is not None]
    if isinstance(dur, int):
        ctx.check(sum(known) <= dur + 1_000_000, "%s lifeline: sum of dwell_ns %d exceeds duration_ns %d"
                  % (what, sum(known), dur))
    if state_events is not None:
        # the lifeline's dwell of state X is the dwell_ns of the event that left X
        left = {e.get("old"): e.get("dwell_ns") for e in state_events}
        for s in ll.get("states") or []:
            if s.get("state") in left and left[s.get("state")] is not None:
                ctx.eq(s.get("dwell_ns"), left[s.get("state")],
                       "%s lifeline dwell_ns of %s vs the state event leaving it" % (what, s.get("state")))


def tcpline_counts(trace, netns):
    """What tcpline says, reduced to the kernel's MIB semantics for one netns:
    TcpActiveOpens  += 1 in tcp_connect(), after the CLOSE->SYN_SENT transition;
    TcpPassiveOpens += 1 per child created (inet_csk_clone_lock: LISTEN->SYN_RECV);
    TcpRetransSegs  += segs per retransmitted skb, and 1 per SYN-ACK retransmit;
    TcpOutRsts      += 1 per RST sent (tcp_send_reset fires for each);
    TcpEstabResets  += 1 per ESTABLISHED/CLOSE_WAIT -> CLOSE (tcp_set_state);
    TcpAttemptFails += 1 per SYN_SENT/SYN_RECV -> CLOSE in tcp_done()."""
    st = trace.select("state", netns=netns)
    pairs = [(e.get("old"), e.get("new")) for e in st]
    return {
        "TcpActiveOpens": pairs.count(("CLOSE", "SYN_SENT")),
        "TcpPassiveOpens": pairs.count(("LISTEN", "SYN_RECV")),
        "TcpRetransSegs": sum(e.get("segs") or 0 for e in trace.select("retransmit", netns=netns))
        + len(trace.select("synack_retransmit", netns=netns)),
        "TcpOutRsts": len(trace.select("reset", netns=netns, dir="sent")),
        "TcpEstabResets": sum(1 for o, n in pairs if n == "CLOSE" and o in ("ESTABLISHED", "CLOSE_WAIT")),
        "TcpAttemptFails": sum(1 for o, n in pairs if n == "CLOSE" and o in ("SYN_SENT", "SYN_RECV")),
    }


def nstat_agreement(ctx, trace, ns, before, after, expected=None):
    """tcpline's counts equal the nstat deltas; `expected` pins the kernel's
    own deltas for the scenario (so a broken scenario is noticed too)."""
    from .nstat import delta
    ours = tcpline_counts(trace, ns.inode)
    for name, count in ours.items():
        kernel = delta(before, after, name)
        ctx.eq(count, kernel, "%s: tcpline count for %s vs nstat delta" % (ns.name, name))
        if expected is not None and name in expected:
            ctx.eq(kernel, expected[name], "%s: scenario's own nstat %s delta (kernel fact)" % (ns.name, name))


def no_events_of_types(ctx, trace, netns, types, what):
    got = [r for r in trace.events(netns.inode) if r.get("type") in types]
    ctx.eq(got[:3], [], "%s: unexpected %s events" % (what, "/".join(types)))
