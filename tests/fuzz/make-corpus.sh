#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make-corpus.sh: (re)make the fuzzer's seed corpus, tests/fuzz/corpus/, from
# real recordings of real traffic in a private network namespace (root):
# connections closed, refused and reset, a clean recording, a rotated set and
# a recording whose recorder was SIGKILLed. Each file is a few KiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
TCPLINE=${TCPLINE:-$PWD/tcpline}
out=tests/fuzz/corpus
ns=tlfuzz$$
tmp=$(mktemp -d)
trap 'ip netns del $ns 2>/dev/null; rm -rf "$tmp"' EXIT
ip netns add $ns
ip -n $ns link set lo up
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

traffic() {
	ip netns exec $ns python3 - <<'PY'
import socket, struct, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(("127.0.0.1", 8080)); srv.listen(8)
for i in range(4):
    c = socket.create_connection(("127.0.0.1", 8080)); a, _ = srv.accept()
    c.sendall(b"hello"); a.recv(5); a.sendall(b"world"); c.recv(5)
    (c if i % 2 else a).close(); time.sleep(0.05); (a if i % 2 else c).close()
try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
except OSError:
    pass
c = socket.create_connection(("127.0.0.1", 8080)); a, _ = srv.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
a.close()
c6 = socket.socket(socket.AF_INET6); l6 = socket.socket(socket.AF_INET6)
l6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l6.bind(("::1", 8081)); l6.listen(); c6.connect(("::1", 8081)); a6, _ = l6.accept()
c6.close(); a6.close()
time.sleep(0.3)
PY
}

record() { # NAME ARGS...
	local name=$1
	shift
	"$TCPLINE" record -w "$tmp/$name" --netns $ns "$@" >/dev/null 2>"$tmp/$name.err" &
	pid=$!
	for _ in $(seq 100); do grep -q "tcpline: tracing" "$tmp/$name.err" && break; sleep 0.1; done
	traffic
	sleep 1.2
}

record clean --duration 30
kill -INT "$pid"; wait "$pid" || true
record rotated --rotate-size 1k --max-files 3
traffic
kill -INT "$pid"; wait "$pid" || true
record killed
kill -KILL "$pid"; wait "$pid" 2>/dev/null || true

mkdir -p $out
cp "$tmp/clean" $out/clean.tlr
cp "$tmp/killed" $out/killed.tlr
for f in "$tmp"/rotated.*; do
	case $f in *.err) continue ;; esac
	cp "$f" "$out/rotated-${f##*.}.tlr"
done
ls -l $out
