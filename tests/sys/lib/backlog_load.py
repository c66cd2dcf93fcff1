"""Load for listen queues, run inside a namespace by tests/sys/test_backlog.py.

    python3 backlog_load.py server ADDR PORT BACKLOG
        listen (never accept); prints {"ok":true,"pid":..}; then per stdin
        line: "relisten N" (listen(N) again: a new limit) or "close".
    python3 backlog_load.py clients ADDR PORT[,PORT...] N
        N non-blocking connect()s to each port, the ports taken in turn;
        prints {"ok":true}; holds them until stdin closes.
    python3 backlog_load.py syns SRC DST PORT N
        N SYNs from SRC (raw socket, source ports 20000..), no socket behind
        them: nothing retransmits them. Prints {"ok":true,"sent":N}.
"""
import json
import socket
import struct
import sys


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(addr, port, backlog):
    s = socket.socket(family_of(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(int(backlog))
    say({"ok": True, "pid": __import__("os").getpid()})
    for line in sys.stdin:
        words = line.split()
        if words and words[0] == "relisten":
            s.listen(int(words[1]))
            say({"ok": True})
        elif words and words[0] == "close":
            s.close()
            say({"ok": True})
            return


def clients(addr, ports, n):
    socks = []
    for _ in range(int(n)):
        for port in ports.split(","):
            c = socket.socket(family_of(addr), socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect((addr, int(port)))
            except BlockingIOError:
                pass
            socks.append(c)
    say({"ok": True})
    sys.stdin.read()


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def syn(src, dst, sport, dport, family):
    seq = 1000 + sport
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 65535, 0, 0)
    s = socket.inet_pton(family, src)
    d = socket.inet_pton(family, dst)
    if family == socket.AF_INET:
        pseudo = s + d + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(hdr))
    else:
        pseudo = s + d + struct.pack("!I3xB", len(hdr), socket.IPPROTO_TCP)
    csum = checksum(pseudo + hdr)
    return hdr[:16] + struct.pack("!H", csum) + hdr[18:]


def syns(src, dst, port, n):
    family = family_of(dst)
    raw = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_TCP)
    raw.bind((src, 0))
    for i in range(int(n)):
        raw.sendto(syn(src, dst, 20000 + i, int(port), family), (dst, 0))
    say({"ok": True, "sent": int(n)})


if __name__ == "__main__":
    {"server": server, "clients": clients, "syns": syns}[sys.argv[1]](*sys.argv[2:])
