"""A scriptable TCP endpoint, run inside a namespace by the tests.

    python3 peer.py --comm NAME

Sets its comm with prctl(PR_SET_NAME), prints {"ok":true,"pid":..,"comm":..},
then executes one command per stdin line and answers each with one JSON line.
Sockets are kept in named slots. Commands:

  listen SLOT ADDR PORT [BACKLOG [RCVBUF]]
  connect SLOT ADDR PORT [bind=ADDR] [syncnt=N]
  accept LISTEN_SLOT SLOT
  worker LISTEN_SLOT SLOT COMM   a forked child named COMM accepts (answers its pid too)
  worker_close SLOT      that child closes the socket and exits
  send SLOT N            send N bytes
  sendsome SLOT N SECS   send up to N bytes for at most SECS seconds (non-blocking): bytes sent
  recv SLOT N            receive exactly N bytes (fewer only at EOF)
  recveof SLOT           receive until EOF
  shutdown SLOT          shutdown(SHUT_WR)
  linger0 SLOT           SO_LINGER on, timeout 0
  keepalive SLOT IDLE INTVL CNT   SO_KEEPALIVE with TCP_KEEPIDLE/KEEPINTVL/KEEPCNT (s, s, n;
                         0: not set, the namespace's sysctl applies)
  usertimeout SLOT MS    TCP_USER_TIMEOUT
  waiterr SLOT SECONDS   wait until the socket has an error: its name, and the seconds waited
  info SLOT              a few struct tcp_info fields
  close SLOT
  exit

Failures answer {"ok":false,"error":"ENAME","message":..}.
"""
import ctypes
import errno
import ipaddress
import json
import os
import socket
import struct
import sys

PR_SET_NAME = 15
TCP_STATES = ["?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
              "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"]


def set_comm(name):
    libc = ctypes.CDLL(None, use_errno=True)
    # any bytes: a name that is not UTF-8 comes as surrogate escapes (os.fsencode)
    if libc.prctl(PR_SET_NAME, ctypes.c_char_p(os.fsencode(name)), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NAME)")


def family_of(addr):
    return socket.AF_INET6 if ipaddress.ip_address(addr).version == 6 else socket.AF_INET


def tuple_of(sock):
    local = sock.getsockname()
    out = {"laddr": local[0], "lport": local[1]}
    try:
        remote = sock.getpeername()
        out.update(raddr=remote[0], rport=remote[1])
    except OSError:
        pass
    return out


def tcp_info(sock):
    raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
    state = raw[0]
    rtt_us = struct.unpack_from("I", raw, 68)[0]
    total_retrans = struct.unpack_from("I", raw, 100)[0]
    bytes_acked, bytes_received = struct.unpack_from("QQ", raw, 120)
    return {"state": TCP_STATES[state] if state < len(TCP_STATES) else state,
            "rtt_us": rtt_us, "total_retrans": total_retrans,
            "bytes_acked": bytes_acked, "bytes_received": bytes_received}


class Peer:
    def __init__(self):
        self.socks = {}
        self.workers = {}

    def cmd_listen(self, slot, addr, port, backlog="16", rcvbuf="0"):
        s = socket.socket(family_of(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if int(rcvbuf):  # before listen(): accepted sockets inherit it, and the window scale
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(rcvbuf))
        s.bind((addr, int(port)))
        s.listen(int(backlog))
        self.socks[slot] = s
        return tuple_of(s)

    def cmd_connect(self, slot, addr, port, *opts):
        s = socket.socket(family_of(addr), socket.SOCK_STREAM)
        self.socks[slot] = s
        for opt in opts:
            key, _, value = opt.partition("=")
            if key == "bind":
                s.bind((value, 0))
            elif key == "syncnt":
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, int(value))
            else:
                raise ValueError("unknown connect option " + opt)
        before = tuple_of(s) if opts else {}
        try:
            s.connect((addr, int(port)))
        except OSError as e:
            e.partial = before
            raise
        return tuple_of(s)

    def cmd_accept(self, lslot, slot):
        conn, _ = self.socks[lslot].accept()
        self.socks[slot] = conn
        return tuple_of(conn)

    def cmd_worker(self, lslot, slot, comm):
        """A pre-forked server's worker: another process accepts on our listener."""
        r1, w1 = os.pipe()
        r2, w2 = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(r1)
                os.close(w2)
                set_comm(comm)
                conn, _ = self.socks[lslot].accept()
                os.write(w1, json.dumps(dict(tuple_of(conn), pid=os.getpid())).encode())
                os.close(w1)
                os.read(r2, 1)  # a byte, or EOF when the peer is gone
                conn.close()
            except BaseException:
                code = 1
            os._exit(code)
        os.close(w1)
        os.close(r2)
        data = b""
        while True:
            chunk = os.read(r1, 4096)
            if not chunk:
                break
            data += chunk
        os.close(r1)
        self.workers[slot] = (pid, w2)
        if not data:
            os.waitpid(pid, 0)
            raise RuntimeError("the worker did not accept")
        return json.loads(data)

    def cmd_worker_close(self, slot):
        pid, w = self.workers.pop(slot)
        os.write(w, b"x")
        os.close(w)
        _, status = os.waitpid(pid, 0)
        return {"status": status}

    def cmd_send(self, slot, n):
        self.socks[slot].sendall(b"x" * int(n))
        return {"sent": int(n)}

    def cmd_sendsome(self, slot, n, seconds):
        import select
        import time
        s, left, sent = self.socks[slot], int(n), 0
        deadline = time.monotonic() + float(seconds)
        while left and time.monotonic() < deadline:
            _, w, _ = select.select([], [s], [], max(0.0, deadline - time.monotonic()))
            if not w:
                break
            k = s.send(b"x" * min(left, 65536), socket.MSG_DONTWAIT)
            sent, left = sent + k, left - k
        return {"sent": sent}

    def cmd_recv(self, slot, n):
        want, got = int(n), 0
        while got < want:
            chunk = self.socks[slot].recv(want - got)
            if not chunk:
                break
            got += len(chunk)
        return {"received": got}

    def cmd_recveof(self, slot):
        got = 0
        while True:
            chunk = self.socks[slot].recv(65536)
            if not chunk:
                return {"received": got}
            got += len(chunk)

    def cmd_shutdown(self, slot):
        self.socks[slot].shutdown(socket.SHUT_WR)
        return {}

    def cmd_linger0(self, slot):
        self.socks[slot].setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return {}

    def cmd_keepalive(self, slot, idle, intvl, cnt):
        s = self.socks[slot]
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        for opt, value in ((socket.TCP_KEEPIDLE, idle), (socket.TCP_KEEPINTVL, intvl),
                           (socket.TCP_KEEPCNT, cnt)):
            if int(value):
                s.setsockopt(socket.IPPROTO_TCP, opt, int(value))
        return {}

    def cmd_usertimeout(self, slot, ms):
        self.socks[slot].setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, int(ms))
        return {}

    def cmd_waiterr(self, slot, seconds):
        import select
        import time
        s = self.socks[slot]
        t0 = time.monotonic()
        deadline = t0 + float(seconds)
        while time.monotonic() < deadline:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                return {"error_name": errno.errorcode.get(err, str(err)),
                        "waited": time.monotonic() - t0}
            select.select([], [], [s], 0.05)
            time.sleep(0.02)
        return {"error_name": None, "waited": time.monotonic() - t0}

    def cmd_info(self, slot):
        return tcp_info(self.socks[slot])

    def cmd_close(self, slot):
        self.socks.pop(slot).close()
        return {}


def main():
    comm = sys.argv[sys.argv.index("--comm") + 1] if "--comm" in sys.argv else "tl-peer"
    set_comm(comm)
    peer = Peer()
    out = sys.stdout
    out.write(json.dumps({"ok": True, "pid": os.getpid(), "comm": comm}) + "\n")
    out.flush()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "exit":
            break
        handler = getattr(peer, "cmd_" + words[0], None)
        try:
            if handler is None:
                raise ValueError("unknown command " + words[0])
            reply = {"ok": True}
            reply.update(handler(*words[1:]))
        except OSError as e:
            name = errno.errorcode.get(e.errno, str(e.errno)) if e.errno else type(e).__name__
            reply = {"ok": False, "error": name, "message": str(e)}
            reply.update(getattr(e, "partial", {}))
        except Exception as e:  # reported to the test, which fails on it
            reply = {"ok": False, "error": type(e).__name__, "message": str(e)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
