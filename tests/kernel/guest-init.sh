#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# /init of a kernel-matrix guest (busybox sh: the guest has no bash or python). Runs the
# scenarios of tl-guest-net one after another under tcpline, snapshots the kernel's TCP
# counters around each, and prints every output file on the console between
# "=== file NAME" lines, ending with "=== end"; the host checks them (check_guest.py).
# Scenarios run one at a time so that each counter delta is that scenario's alone.
set -u
export PATH=/bin
O=/tmp/out

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
ip link set lo up
mkdir -p $O

# snap NAME: the namespace's counters now (what nstat reads)
snap() {
	cat /proc/net/snmp /proc/net/netstat >$O/counters.$1
}

# ready FILE PID: wait (up to 120 s under TCG) for a tracer's "tracing TCP" line
ready() {
	i=0
	while ! grep -q '^tcpline: tracing' "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 1200 ] || ! kill -0 "$2" 2>/dev/null; then
			echo "not ready: $1" >>$O/guest.err
			return 1
		fi
		sleep 0.1
	done
}

# scenario NAME ARGS...: tl-guest-net ARGS between two counter snapshots
scenario() {
	name=$1
	shift
	snap "$name.before"
	/bin/tl-guest-net "$@" >$O/$name.out 2>&1
	echo "rc=$?" >>$O/$name.out
	snap "$name.after"
}

run() {
	uname -r >$O/release
	for tp in sock/inet_sock_set_state tcp/tcp_retransmit_skb tcp/tcp_retransmit_synack \
		tcp/tcp_send_reset tcp/tcp_receive_reset skb/kfree_skb timer/timer_start; do
		cat /sys/kernel/tracing/events/$tp/format >$O/format.${tp#*/} 2>&1
	done
	/tcpline features --json >$O/features.json 2>$O/features.err
	echo $? >$O/features.rc

	/tcpline record -w /tmp/rec --live --json >$O/live.json 2>$O/live.err &
	live=$!
	/tcpline trace --json --lifelines --comm tl-guest-net >$O/batched.json 2>$O/batched.err &
	batched=$!
	ready $O/live.err $live
	ready $O/batched.err $batched

	scenario lifecycle4 lifecycle 127.0.0.1 8080
	scenario lifecycle6 lifecycle ::1 8081
	cat /proc/net/tcp /proc/net/tcp6 >$O/proc_tcp
	scenario refused refused 127.0.0.1 9
	scenario linger0 linger0 127.0.0.1 8082
	scenario unread unread 127.0.0.1 8083
	scenario retrans retrans 127.0.0.1 8084 1500

	/tcpline backlog --json --port 8085 >$O/backlog.json 2>$O/backlog.err &
	backlog=$!
	ready $O/backlog.err $backlog
	scenario flood flood 127.0.0.1 8085 10 1500
	sleep 1.5
	kill -INT $backlog
	wait $backlog
	echo $? >$O/backlog.rc

	sleep 0.5
	kill -INT $live $batched
	wait $live
	echo $? >$O/live.rc
	wait $batched
	echo $? >$O/batched.rc
	/tcpline report /tmp/rec --lifelines --json >$O/report_lifelines.json 2>$O/report.err
	echo $? >$O/report.rc
	/tcpline report /tmp/rec --json >$O/report_all.json 2>>$O/report.err
	echo $? >>$O/report.rc
}

run 2>>$O/guest.err
echo "=== begin"
for f in $O/*; do
	echo "=== file ${f#$O/}"
	cat "$f"
	echo
done
echo "=== end"
poweroff -f
