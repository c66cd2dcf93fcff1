#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Checks one kernel-matrix guest's output (tests/kernel/guest-init.sh) on the host.

    tests/kernel/check_guest.py OUTPUT

Prints "ok/FAIL/SKIP check: detail" per check, then "RELEASE: N passed, N failed"
(skips are named above it, never counted as passes). Exit 1 if a check failed.
Every count is compared with the guest kernel's own counter for the same
scenario (/proc/net/snmp, /proc/net/netstat snapshots around it, tcp_info,
/proc/net/tcp), never with "at least one". What the kernel lacks is read from
its tracepoint format files (the fields its hooks actually have).
"""
import json
import sys

COMM = "tl-guest-net"
# tcpline's hook names and the tracepoints they need
HOOKS = {"state": "inet_sock_set_state", "retransmit": "tcp_retransmit_skb",
         "synack": "tcp_retransmit_synack", "reset-sent": "tcp_send_reset",
         "reset-received": "tcp_receive_reset", "drop": "kfree_skb", "timewait": "timer_start"}


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def parse_files(text):
    files, name = {}, None
    for line in text.splitlines():
        if line.startswith("=== file "):
            name = line[len("=== file "):]
            files[name] = []
        elif line == "=== end":
            name = None
        elif name is not None:
            files[name].append(line)
    # guest-init.sh prints one empty line after each file
    return {k: "\n".join(v[:-1] if v and v[-1] == "" else v) for k, v in files.items()}


def counters(files, name):
    """nstat-style names (TcpRetransSegs, TcpExtListenDrops) -> value, of one snapshot."""
    out, lines = {}, files.get("counters." + name, "").splitlines()
    for head, vals in zip(lines, lines[1:]):
        h, v = head.split(), vals.split()
        if h and v and h[0] == v[0] and h[0].endswith(":") and not v[1].lstrip("-").isalpha():
            prefix = h[0][:-1]
            for k, x in zip(h[1:], v[1:]):
                out[prefix + k] = int(x)
    return out


def delta(files, scen, name):
    before, after = counters(files, scen + ".before"), counters(files, scen + ".after")
    if name not in before or name not in after:
        raise Fail("no %s in the %s counter snapshots" % (name, scen))
    return after[name] - before[name]


def kv(files, scen):
    """tl-guest-net's key=value words; the scenario itself must have worked."""
    words = dict(w.split("=", 1) for w in files.get(scen + ".out", "").split() if "=" in w)
    if words.get("rc") != "0":
        raise Fail("scenario %s did not work: %r" % (scen, files.get(scen + ".out")))
    return {k: int(v) for k, v in words.items() if v.lstrip("-").isdigit()}


def records(files, name):
    out = []
    for line in files.get(name, "").splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def expect(cond, what):
    if not cond:
        raise Fail(what)


def eq(got, want, what):
    if got != want:
        raise Fail("%s: got %r, want %r" % (what, got, want))


class Guest:
    def __init__(self, files):
        self.f = files
        self.release = files.get("release", "?").strip()
        self.live = records(files, "live.json")
        self.lifelines = [r for r in self.live if r.get("type") == "lifeline"]

    def fmt(self, tp):
        return self.f.get("format." + tp, "")

    def has_tp(self, tp):
        return "ID:" in self.fmt(tp)

    def has_field(self, tp, field):
        return any(l.strip().startswith("field:") and (" %s;" % field) in l
                   for l in self.fmt(tp).splitlines())

    def running(self, name):
        err = self.f.get(name + ".err", "")
        expect("tcpline: tracing" in err,
               "%s did not start: %s" % (name, (err.strip().splitlines() or ["-"])[-1]))
        eq(self.f.get(name + ".rc", "").strip(), "0", "%s exit status" % name)

    def lifeline(self, lport, rport, family=None):
        got = [r for r in self.lifelines if r["lport"] == lport and r["rport"] == rport
               and (family is None or r["family"] == family)]
        eq(len(got), 1, "lifelines %d -> %d" % (lport, rport))
        return got[0]

    def events(self, typ, **match):
        return [r for r in self.live if r.get("type") == typ
                and all(r.get(k) == v for k, v in match.items())]


def states(r):
    return [s["state"] for s in r["states"]]


def features(g):
    eq(g.f.get("features.rc", "").strip(), "0",
       "features exit status (%s)" % g.f.get("features.err", "")[-300:])
    return json.loads(g.f.get("features.json", ""))


# the hooks the tracing line names, as features names them
ATTACHED_AS = {"timewait-end": "timewait", "accept4": "accept"}
ON_DEMAND = ("sampler", "dump", "flush")


def check_hooks(g):
    """The hooks attached are those features calls available; unavailable ones are
    named with their reason on stderr; nothing was lost."""
    g.running("live")
    g.running("batched")
    line = next(l for l in g.f["live.err"].splitlines() if l.startswith("tcpline: tracing"))
    hooks = line.split("(hooks: ", 1)[1].split(")", 1)[0].split()
    f = features(g)
    avail = {h["hook"] for h in f["hooks"] if h["available"]}
    eq({ATTACHED_AS.get(h, h) for h in hooks} - {"accept"},
       avail - set(ON_DEMAND) - {"accept"}, "hooks attached vs features' available ones")
    missing = [h for h, tp in HOOKS.items() if g.has_tp(tp) and h not in avail]
    for h in missing:
        expect("unavailable on this kernel: " in g.f["live.err"] and h in
               g.f["live.err"].split("unavailable on this kernel: ", 1)[1],
               "hook %s: its tracepoint exists but it is unavailable, and stderr does not say "
               "why: %r" % (h, g.f["live.err"][-400:]))
    for name in ("live", "batched"):
        summary = [l for l in g.f[name + ".err"].splitlines() if "summary:" in l]
        expect(summary and " lost 0 " in summary[-1] and "recursion misses 0" in summary[-1],
               "%s: summary with losses: %r" % (name, summary))
    return "hooks: " + " ".join(hooks)


def check_lifecycle(g, scen, family, port):
    g.running("live")
    k = kv(g.f, scen)
    owner = {"pid": k["pid"], "comm": COMM, "confidence": "exact"}
    lis = g.lifeline(port, 0, family)
    eq((states(lis), lis["end"], lis["owner"]), (["LISTEN"], "closed", owner), "listener")
    child = g.lifeline(port, k["client_port"], family)
    eq((states(child), child["end"]), (["SYN_RECV", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"],
                                       "closed"), "accepted connection")
    expect(child["cookie"] != lis["cookie"], "the accepted connection has its listener's cookie")
    cli = g.lifeline(k["client_port"], port, family)
    # the active closer: still in TIME_WAIT when tracing stopped (it lasts 60 s)
    eq((states(cli), cli["end"], cli["owner"]),
       (["SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT"], "open", owner),
       "client (active closer)")
    # payload + SYN + FIN acked, payload + FIN received (docs/json.md)
    eq((cli["bytes_acked"], cli["bytes_received"]), (102, 201), "client bytes")
    eq(delta(g.f, scen, "TcpActiveOpens"), 1, "TcpActiveOpens")
    # the kernel's own view of the timewait socket: /proc/net/tcp{,6} state 06
    tw = [l for l in g.f.get("proc_tcp", "").splitlines()
          if len(l.split()) > 3 and l.split()[3] == "06"
          and int(l.split()[1].split(":")[1], 16) == k["client_port"]]
    eq(len(tw), 1, "timewait sockets of port %d in /proc/net/tcp" % k["client_port"])
    return "client port %d" % k["client_port"]


def check_refused(g):
    g.running("live")
    k = kv(g.f, "refused")
    eq(k["errno"], 111, "connect() errno")
    r = [r for r in g.lifelines if r["rport"] == 9]
    eq([(states(x), x["end"], x["error"], x["owner"]["pid"]) for x in r],
       [(["SYN_SENT"], "refused", "ECONNREFUSED", k["pid"])], "the refused connect's lifeline")
    resets = delta(g.f, "refused", "TcpOutRsts")
    eq(resets, 1, "TcpOutRsts")
    got = g.events("reset", dir="received", rport=9)
    eq(len(got), resets, "resets received by the client vs the kernel's resets sent")
    eq(delta(g.f, "refused", "TcpAttemptFails"), 1, "TcpAttemptFails")
    return "reset received in state %s" % got[0]["state"]


def check_reset(g, scen, port):
    """Resets sent == TcpOutRsts; each one received by the other end (loopback)."""
    g.running("live")
    k = kv(g.f, scen)
    sent = [r for r in g.events("reset", dir="sent") if port in (r["lport"], r["rport"])]
    rcvd = [r for r in g.events("reset", dir="received") if port in (r["lport"], r["rport"])]
    eq(len(sent), delta(g.f, scen, "TcpOutRsts"), "reset-sent events vs TcpOutRsts")
    eq(len(rcvd), len(sent), "resets received vs sent")
    if scen == "linger0":
        eq([r["lport"] for r in sent], [k["client_port"]], "reset sent by the client")
        eq(g.lifeline(k["client_port"], port)["end"], "reset_local", "client lifeline end")
        srv = g.lifeline(port, k["client_port"])
        eq((srv["end"], srv["error"]), ("reset_by_peer", "ECONNRESET"), "server lifeline end")
    else:
        eq([r["lport"] for r in sent], [port], "reset sent by the server")
        eq(delta(g.f, scen, "TcpExtTCPAbortOnClose"), 1, "TcpExtTCPAbortOnClose")
        cli = g.lifeline(k["client_port"], port)
        eq((cli["end"], cli["error"]), ("reset_by_peer", "ECONNRESET"), "client lifeline end")
    return "sent reason %s" % sent[0]["reason"]


def check_retrans(g):
    g.running("live")
    k = kv(g.f, "retrans")
    rt = g.events("retransmit", lport=k["client_port"], rport=8084)
    segs = sum(r["segs"] for r in rt)
    kernel = delta(g.f, "retrans", "TcpRetransSegs")
    eq(segs, kernel, "sum of retransmit segs vs TcpRetransSegs")
    eq(segs, k["total_retrans"], "sum of retransmit segs vs tcp_info total_retrans")
    expect(segs > 0, "the filter dropped nothing: no retransmit happened")
    eq(g.lifeline(k["client_port"], 8084)["retransmits"], segs, "client lifeline retransmits")
    # the kind is read from the socket (icsk_ca_state bitfield, icsk_pending) on every kernel
    kinds = [r.get("kind") for r in rt]
    expect(all(x in ("rto", "fast", "tlp", "other") for x in kinds),
           "retransmit kinds read on this kernel: %r" % kinds)
    return "%d retransmits (%s)" % (segs, " ".join(map(str, kinds)))


def check_backlog(g):
    g.running("backlog")
    kv(g.f, "flood")
    recs = [r for r in records(g.f, "backlog.json") if r.get("lport") == 8085]
    expect(recs, "no backlog record for the listener")
    drops = sum(r["drops"] for r in recs)
    kernel = delta(g.f, "flood", "TcpExtListenDrops")
    eq(drops, kernel, "backlog drops (summed over intervals) vs ListenDrops")
    eq(recs[-1]["drops_total"], kernel, "backlog drops_total vs ListenDrops")
    eq(recs[-1]["closed"], True, "the listener's last record says closed")
    return "%d drops" % drops


def check_record(g):
    """report on the recording prints what record --live printed, line for line."""
    g.running("live")
    eq(g.f.get("report.rc", "").split(), ["0", "0"], "report exit status")

    def norm(recs):
        out = []
        for r in recs:
            if r.get("type") == "stats":
                r = dict(r)
                r.pop("time", None)
            out.append(json.dumps(r, sort_keys=True))
        return out
    got = norm(r for r in records(g.f, "report_lifelines.json") if r.get("type") == "lifeline")
    eq(len(got), len(g.lifelines), "lifelines in report --lifelines --json")
    expect(got == norm(g.lifelines), "report --lifelines --json differs from the live lifelines")
    expect(norm(records(g.f, "report_all.json")) == norm(g.live),
           "report --json differs from live --json")
    return "%d lifelines" % len(got)


def check_batched(g):
    """--lifelines --comm: changes batched in socket storage give the same lifelines."""
    g.running("batched")
    recs = records(g.f, "batched.json")
    eq([r["type"] for r in recs if r["type"] not in ("lifeline", "stats", "listener")], [],
       "--lifelines prints no events")

    def shape(r):
        # An owner filter implies --accept-owner: an accepted connection whose owner never
        # closed it (a reset) is "exact" there, "listener" without (docs/json.md).
        conf = r["owner"]["confidence"]
        return json.dumps([r["lport"], r["rport"], r["cookie"], states(r), r["end"], r["error"],
                           r["owner"]["pid"], r["owner"]["comm"],
                           "exact" if conf == "listener" else conf,
                           r["bytes_acked"], r["bytes_received"], r["retransmits"]])
    batched = sorted(shape(r) for r in recs if r["type"] == "lifeline")
    eq(len(batched), len(g.lifelines), "lifelines batched vs unbatched")
    expect(batched == sorted(map(shape, g.lifelines)), "batched lifelines differ from unbatched")
    return "%d lifelines" % len(batched)


def check_features(g):
    """features says what the guest kernel's own format files say."""
    f = features(g)
    eq((f["kernel"]["release"], f["btf"], f["can_trace"]), (g.release, True, True),
       "release, btf, can_trace")
    variants = {v["name"]: v["present"] for v in f["variants"]}
    truth = {"kfree_skb.reason": g.has_field("kfree_skb", "reason"),
             "kfree_skb.rx_sk": g.has_field("kfree_skb", "rx_sk"),
             "SKB_DROP_REASON_TCP_LISTEN_OVERFLOW": "TCP_LISTEN_OVERFLOW" in g.fmt("kfree_skb"),
             "tcp_send_reset.reason": g.has_field("tcp_send_reset", "reason"),
             "tcp_receive_reset": g.has_tp("tcp_receive_reset"),
             "tcp_retransmit_synack": g.has_tp("tcp_retransmit_synack")}
    eq({k: variants.get(k) for k in truth}, truth, "variants vs the guest's format files")
    progs = {p["program"]: p for p in f["programs"]}
    eq(progs["handle_set_state"]["status"], "active", "the state hook")
    for p in f["programs"]:
        expect((p["reason"] is not None) == (p["status"] in ("refused", "absent")),
               "%s: a reason exactly when refused or absent: %r" % (p["program"], p))
    drop = {h["hook"]: h["available"] for h in f["hooks"]}["drop"]
    eq(drop, truth["kfree_skb.reason"], "the drop hook available exactly with a drop reason")
    # the precise tier (fentry/kprobes + socket cookies in them: 5.12) where the guest allows it
    major, minor = (int(x) for x in g.release.split(".")[:2])
    eq(f["precise"]["active"], (major, minor) >= (5, 12),
       "precise tier active (reason %r)" % f["precise"]["reason"])
    eq(f["tier"], "tracepoints+precise" if f["precise"]["active"] else "tracepoints", "tier")
    absent = sorted(h["hook"] for h in f["hooks"] if h["probed"] and not h["available"])
    return "tier %s; unavailable: %s; precise: %s" % (
        f["tier"], " ".join(absent) or "none",
        "active" if f["precise"]["active"] else f["precise"]["reason"])


def check_unavailable(g):
    """What the kernel's hooks do not carry is null, never 0 (or a made-up name)."""
    g.running("live")
    g.running("backlog")
    notes = []
    wrong = []
    if not g.has_field("kfree_skb", "reason"):
        notes.append("kfree_skb has no reason")
        wrong += ["drop reason %r" % r["reason"] for r in g.events("drop") if r["reason"] is not None]
    if not g.has_field("tcp_send_reset", "reason"):
        notes.append("tcp_send_reset has no reason")
        wrong += ["reset reason %r" % r["reason"] for r in g.events("reset", dir="sent")
                  if r["reason"] is not None]
    listeners = [r for r in g.live if r.get("type") == "listener"]
    backlog = records(g.f, "backlog.json")
    if not g.has_field("kfree_skb", "rx_sk"):
        notes.append("kfree_skb has no rx_sk")
        wrong += ["backlog discarded_segments %r" % r["discarded_segments"] for r in backlog
                  if r["discarded_segments"] is not None]
        wrong += ["trace listener discarded_total %r" % r["discarded_total"] for r in listeners
                  if r["discarded_total"] is not None]
    if "TCP_LISTEN_OVERFLOW" not in g.fmt("kfree_skb"):
        notes.append("no drop reason TCP_LISTEN_OVERFLOW")
        wrong += ["backlog accept_queue_full_at_ack %r" % r["causes"]["accept_queue_full_at_ack"]
                  for r in backlog if r["causes"]["accept_queue_full_at_ack"] is not None]
        wrong += ["trace listener ack_overflows_total %r" % r["ack_overflows_total"]
                  for r in listeners if r["ack_overflows_total"] is not None]
    eq(sorted(set(wrong)), [], "values this kernel cannot give, shown as values")
    return "; ".join(notes) or "the kernel has every field"


CHECKS = [
    ("hooks", check_hooks),
    ("lifecycle ipv4", lambda g: check_lifecycle(g, "lifecycle4", "ipv4", 8080)),
    ("lifecycle ipv6", lambda g: check_lifecycle(g, "lifecycle6", "ipv6", 8081)),
    ("refused connect", check_refused),
    ("reset (SO_LINGER 0)", lambda g: check_reset(g, "linger0", 8082)),
    ("reset (unread data)", lambda g: check_reset(g, "unread", 8083)),
    ("retransmit", check_retrans),
    ("backlog drops", check_backlog),
    ("record -> report", check_record),
    ("batched lifelines", check_batched),
    ("features", check_features),
    ("unavailable is not zero", check_unavailable),
]


def main():
    with open(sys.argv[1]) as f:
        g = Guest(parse_files(f.read()))
    passed = failed = 0
    for name, fn in CHECKS:
        try:
            detail = fn(g)
            print("ok   %s %s: %s" % (g.release, name, detail))
            passed += 1
        except Skip as e:
            print("SKIP %s %s: %s" % (g.release, name, e))
        except Exception as e:  # a malformed output is a failure of the check, not a crash
            print("FAIL %s %s: %s: %s" % (g.release, name, type(e).__name__, str(e)[:800]))
            failed += 1
    print("%s: %d passed, %d failed" % (g.release, passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
