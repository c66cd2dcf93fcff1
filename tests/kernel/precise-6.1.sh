#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The precise tier of `tcpline backlog` on Debian 12's 6.1 kernel under qemu
# (TCG), which has fentry and kprobes: three listeners drop SYNs for three
# causes in the same intervals (tests/kernel/precise_load.c) while two
# tracers watch, one in auto mode (fentry), one with --precise kprobe. Prints
# the guest's /proc/net/netstat before and after, and each tracer's stderr
# and JSON, between "=== begin" and "=== end". A copy of run-6.1.sh's boot,
# kept self-contained until the kernel-matrix harness takes it in.
#   tests/kernel/precise-6.1.sh TCPLINE WORKDIR
# Exit 0 with the console on stdout; 77 when the kernel, qemu or a static
# libc cannot be had; other non-zero on a failure.
set -euo pipefail
tcpline=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
cd "$work"

for cmd in qemu-system-x86_64 busybox gcc; do
	command -v "$cmd" >/dev/null || { echo "missing $cmd (scripts/deps.sh installs it)" >&2; exit 77; }
done
if ! ls boot/vmlinuz-6.1.* >/dev/null 2>&1; then
	pkg=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
		sort -V | tail -1 || true)
	[ -n "$pkg" ] || { echo "no linux-image-6.1.0-*-amd64-unsigned package known to apt" >&2; exit 77; }
	apt-get download -q "$pkg" >/dev/null 2>&1 || { echo "cannot download $pkg" >&2; exit 77; }
	dpkg-deb -x "$pkg"_*.deb . && rm -f "$pkg"_*.deb
fi
kernel=$(ls boot/vmlinuz-6.1.* | head -1)

rm -rf initrd && mkdir -p initrd/{bin,proc,sys,dev,tmp,run,lib64,lib/x86_64-linux-gnu,boot}
gcc -static -O2 -Wall -Wextra -Werror "$here/precise_load.c" -o initrd/precise_load ||
	{ echo "cannot build a static precise_load (libc6-dev's libc.a)" >&2; exit 77; }
cp "$(command -v busybox)" initrd/bin/
for c in sh mount sleep cat ip poweroff grep; do ln -s busybox "initrd/bin/$c"; done
for lib in $(ldd "$tcpline" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}'); do
	cp -L "$lib" "initrd$lib" 2>/dev/null || cp -L "$lib" "initrd/lib/x86_64-linux-gnu/"
done
cp "$tcpline" initrd/tcpline
cp boot/config-6.1.* initrd/boot/ # libbpf reads CONFIG_HZ there
cat >initrd/init <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t bpf bpf /sys/fs/bpf; mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
ip link set lo up
# SYN-ACKs to 10.99.0.0/24 loop back on lo and are discarded (precise_load.c)
ip route add 10.99.0.0/24 dev lo
echo 0 >/proc/sys/net/ipv4/tcp_syncookies
echo 16 >/proc/sys/net/ipv4/tcp_max_syn_backlog
echo "=== begin $(cat /proc/sys/kernel/osrelease)"
/tcpline backlog --json --interval 1 --duration 16 >/tmp/auto.json 2>/tmp/auto.err &
t1=$!
/tcpline backlog --json --interval 1 --duration 16 --precise kprobe >/tmp/kprobe.json 2>/tmp/kprobe.err &
t2=$!
i=0
while [ $i -lt 40 ] && ! { grep -q 'tracing TCP' /tmp/auto.err && grep -q 'tracing TCP' /tmp/kprobe.err; }; do
	sleep 0.25; i=$((i + 1))
done
sleep 1.5 # both took their first sample: the baseline
echo "=== netstat before"
cat /proc/net/netstat
/precise_load 4
echo "=== netstat after"
cat /proc/net/netstat
wait $t1 $t2
echo "=== auto"
cat /tmp/auto.err /tmp/auto.json
echo "=== kprobe"
cat /tmp/kprobe.err /tmp/kprobe.json
echo "=== end"
poweroff -f
INIT
chmod +x initrd/init
(cd initrd && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >initrd.gz
timeout 300 qemu-system-x86_64 -m 1024 -smp 2 -nographic -no-reboot -kernel "$kernel" \
	-initrd initrd.gz -append "console=ttyS0 panic=-1 quiet" </dev/null >console.log 2>&1 || true
# the console starts with the firmware's escape sequences: cut the first line at the marker
tr -d '\r' <console.log | sed -n '/=== begin/,/^=== end/p' | sed '1s/.*=== begin/=== begin/'
grep -q '^=== end' console.log
