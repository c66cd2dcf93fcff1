"""`tcpline sockets`: the census against ss in the same namespaces.

Server namespace: listeners on 8080 (3 ESTABLISHED accepted), 9090 (a process
named tl-leak accepts 3 connections the client closes and never closes them:
CLOSE_WAIT, 2 old and 1 fresh) and 7070 (3 half-open request sockets: the
server drops the clients' handshake ACKs). Client namespace: the 6 client
ends that are ESTABLISHED, 4 TIME_WAIT to 8080 from a 100-port ephemeral
range, and 3 orphaned FIN_WAIT2 (the peer never sends its FIN): the first made
with tcp_fin_timeout 120, so it stays a full socket without a file, the others
with 60, so they are timewait sockets in substate FIN_WAIT2.
"""
from lib import census, nft
from lib.marks import smoke
from lib.scope import Scope
from lib.util import sleep

EST, TW, HALF = 3, 4, 3


def build(sc):
    pair = sc.pair()
    srv = sc.peer(pair.server, "tl-srv")
    leak = sc.peer(pair.server, "tl-leak")
    cli = sc.peer(pair.client, "tl-cli")
    pair.client.sysctl("net.ipv4.ip_local_port_range", "40000 40099")
    srv.call("listen", "l", pair.server4, 8080, 64)
    for i in range(EST):
        cli.call("connect", "e%d" % i, pair.server4, 8080)
        srv.call("accept", "l", "a%d" % i)
    for i in range(TW):
        cli.call("connect", "t%d" % i, pair.server4, 8080)
        srv.call("accept", "l", "b%d" % i)
        cli.call("close", "t%d" % i)
        srv.call("recveof", "b%d" % i)  # the client closed first: TIME_WAIT is on its side
        srv.call("close", "b%d" % i)
    leak.call("listen", "l", pair.server4, 9090, 16)
    for i, fin_timeout in enumerate((120, 60)):
        pair.client.sysctl("net.ipv4.tcp_fin_timeout", fin_timeout)
        cli.call("connect", "w%d" % i, pair.server4, 9090)
        leak.call("accept", "l", "w%d" % i)
        cli.call("close", "w%d" % i)
        sleep(0.2)  # FIN acknowledged: the client end is in FIN_WAIT2
    sleep(2.5)  # idle past --close-wait-age 2; the fresh one stays under it for 2 s
    srv.call("listen", "h", pair.server4, 7070, 16)
    nft.drop_input(pair.server, "tcp dport 7070 tcp flags == ack")
    for i in range(HALF):
        cli.call("connect", "h%d" % i, pair.server4, 7070)
    cli.call("connect", "w2", pair.server4, 9090)
    leak.call("accept", "l", "w2")
    cli.call("close", "w2")
    sleep(0.3)
    return pair, leak


def check_against_ss(ctx, ns, expected):
    p, doc = census.sockets(ctx, "--json", "--netns", ns.path)
    ctx.require(p.returncode == 0 and doc is not None,
                "tcpline sockets --netns %s: exit %d, stderr %r" % (ns.name, p.returncode, p.stderr))
    ss = census.ss_counts(ns)
    entry = census.netns_entry(ctx, doc, ns)
    ctx.eq([r.get("netns") for r in doc["netns"]], [ns.inode], "%s: namespaces in the census" % ns.name)
    ctx.eq(census.ss_comparable(entry.get("states", {})), ss, "%s: per-state counts vs ss -tan" % ns.name)
    ctx.eq({k: v for k, v in doc["states"].items() if v}, expected, "%s: per-state counts" % ns.name)
    ctx.eq(doc["sockets"], sum(expected.values()), "%s: sockets" % ns.name)
    ctx.note("%s: ss %s" % (ns.name, sorted(ss.items())))
    return doc


@smoke
def test_sockets_census_matches_ss(ctx):
    with Scope(ctx) as sc:
        pair, leak = build(sc)
        # first, while the fresh CLOSE_WAIT is still under the threshold: the leak, with its process
        p, doc = census.sockets(ctx, "--json", "--netns", pair.server.path, "--close-wait-age", "2")
        cw = (doc or {}).get("close_wait", {})
        ctx.eq((cw.get("sockets"), cw.get("looked_up")), (2, 2), "CLOSE_WAIT idle >= 2 s (sockets, looked up)")
        rows = [(r["owner"], r["pid"], r["comm"], r["sockets"], r["oldest"]["lport"])
                for r in cw.get("rows", [])]
        ctx.eq(rows, [("process", leak.pid, "tl-leak", 2, 9090)], "CLOSE_WAIT >= 2 s by owner")
        ctx.check(all(r["oldest_idle_ns"] >= 2_000_000_000 for r in cw.get("rows", [])),
                  "CLOSE_WAIT oldest idle should be >= 2 s: %r" % cw.get("rows"))
        srv_doc = check_against_ss(ctx, pair.server, {
            "LISTEN": 3, "ESTABLISHED": EST, "CLOSE_WAIT": 3, "NEW_SYN_RECV": HALF})
        cli_doc = check_against_ss(ctx, pair.client, {
            "ESTABLISHED": EST + HALF, "TIME_WAIT": TW, "FIN_WAIT2": 3})

        # half-open per listener port; the 8080 row of the local ports
        half = srv_doc["half_open"]["rows"]
        ctx.eq([(r["port"], r["half_open"], r["listening"]) for r in half], [(7070, HALF, True)],
               "server: half-open per listener port")
        port = [r for r in srv_doc["local_ports"]["rows"] if r["port"] == 8080]
        ctx.eq([(r["established"], r["listening"]) for r in port], [(EST, True)],
               "server: local port 8080 (established, listening)")

        # TIME_WAIT per destination against the client's 100-port range
        c = census.netns_entry(ctx, cli_doc, pair.client)
        ctx.eq(c.get("ephemeral_ports"), [40000, 40099], "client: ephemeral port range")
        ctx.eq(c.get("tcp_fin_timeout"), 60, "client: tcp_fin_timeout")
        ctx.eq(c.get("tcp_tw_reuse"), 2, "client: tcp_tw_reuse (a fresh namespace's default)")
        dests = [(r["laddr"], r["raddr"], r["rport"], r["time_wait"])
                 for r in cli_doc["time_wait_destinations"]["rows"]]
        ctx.eq(dests, [(pair.client4, pair.server4, 8080, TW)], "client: TIME_WAIT destinations")
        ctx.eq(c.get("orphaned_fin_wait2"), {"full": 1, "timewait": 2},
               "client: orphaned FIN_WAIT2 (fin_timeout 120: full, 60: timewait)")

        p, doc = census.sockets(ctx, "--json", "--netns", pair.server.path, "--close-wait-age", "0")
        ctx.eq([(r["pid"], r["sockets"]) for r in (doc or {}).get("close_wait", {}).get("rows", [])],
               [(leak.pid, 3)], "CLOSE_WAIT at any age by owner")

        # the same census for people
        p, _ = census.sockets(ctx, "--netns", pair.server.path, "--close-wait-age", "0")
        ctx.eq(p.returncode, 0, "text census exit code (stderr %r)" % p.stderr)
        line = [l for l in p.stdout.splitlines() if "tl-leak" in l]
        ctx.check(len(line) == 1 and line[0].split()[:2] == [str(leak.pid), "tl-leak"]
                  and line[0].split()[3] == "3",
                  "text: one CLOSE_WAIT row 'PID tl-leak NETNS 3 ...', got %r" % line)
        p, _ = census.sockets(ctx, "--netns", pair.client.path)
        want = "%s:8080 %9d %11s %7s" % (pair.server4, TW, "40000-40099", "4.00%")
        ctx.check(any(l.rstrip().endswith(want) for l in p.stdout.splitlines()),
                  "text: TIME_WAIT destination row ending %r in:\n%s" % (want, p.stdout))


def test_sockets_filters_and_privileges(ctx):
    with Scope(ctx) as sc:
        pair, _ = build(sc)
        p, doc = census.sockets(ctx, "--json", "--netns", pair.server.path, "--port", "7070")
        ctx.eq({k: v for k, v in (doc or {}).get("states", {}).items() if v},
               {"LISTEN": 1, "NEW_SYN_RECV": HALF}, "--port 7070: states")
        p, doc = census.sockets(ctx, "--json", "--netns", pair.server.path, "-6")
        ctx.eq((doc or {}).get("sockets"), 0, "-6: sockets (the scenario is IPv4 only)")
        p, doc = census.sockets(ctx, "--json", "--netns", pair.server.path, "-4", "--top", "1")
        ctx.eq(len((doc or {}).get("local_ports", {}).get("rows", [])), 1, "--top 1: local port rows")
        ctx.check((doc or {}).get("local_ports", {}).get("total", 0) > 1, "--top 1: total ports > 1")
        p = census.run_as_nobody([ctx.tcpline, "sockets", "--json"])
        ctx.eq(p.returncode, 3, "unprivileged: exit code (stderr %r)" % p.stderr.strip())
        ctx.eq(p.stdout, "", "unprivileged: stdout")
        p, _ = census.sockets(ctx, "--netns", "/nonexistent")
        ctx.eq(p.returncode, 2, "--netns /nonexistent: exit code")
