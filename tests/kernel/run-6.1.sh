#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Boot Debian 12's own 6.1 kernel under qemu (TCG) with a busybox initramfs,
# run the tcpline binary under test against real loopback traffic there, and
# print the guest's console between "=== begin" and "=== end".
#   tests/kernel/run-6.1.sh TCPLINE WORKDIR
# Exit 0 with the console on stdout; 77 when the kernel or qemu cannot be had
# (no package, no network); other non-zero on a failure.
set -euo pipefail
tcpline=$1 work=$2
mkdir -p "$work"
cd "$work"

for cmd in qemu-system-x86_64 busybox; do
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
cp "$(command -v busybox)" initrd/bin/
for c in sh mount sleep cat nc ip poweroff grep head wc; do ln -s busybox "initrd/bin/$c"; done
# the binary's own shared libraries, as on a Debian 12 host
for lib in $(ldd "$tcpline" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}'); do
	cp -L "$lib" "initrd$lib" 2>/dev/null || cp -L "$lib" "initrd/lib/x86_64-linux-gnu/"
done
cp "$tcpline" initrd/tcpline
cp boot/config-6.1.* initrd/boot/
cat >initrd/init <<'INIT'
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t bpf bpf /sys/fs/bpf; mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
ip link set lo up
echo "=== begin $(cat /proc/sys/kernel/osrelease)"
/tcpline --json --duration 6 >/tmp/out.json 2>/tmp/err.txt &
t1=$!
/tcpline --json --lifelines --comm nc --duration 6 >/tmp/ll.json 2>/tmp/llerr.txt &
t2=$!
sleep 3
nc -l -p 8080 >/dev/null &
sleep 0.5
echo hello | nc -w 1 127.0.0.1 8080
nc -w 1 127.0.0.1 9 </dev/null 2>/dev/null
wait $t1 $t2
cat /tmp/err.txt
cat /tmp/out.json
echo "=== lifelines only"
cat /tmp/llerr.txt
cat /tmp/ll.json
echo "=== end"
poweroff -f
INIT
chmod +x initrd/init
(cd initrd && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >initrd.gz
timeout 300 qemu-system-x86_64 -m 1024 -smp 1 -nographic -no-reboot -kernel "$kernel" \
	-initrd initrd.gz -append "console=ttyS0 panic=-1 quiet" </dev/null >console.log 2>&1 || true
# the console starts with the firmware's escape sequences: cut the first line at the marker
tr -d '\r' <console.log | sed -n '/=== begin/,/^=== end/p' | sed '1s/.*=== begin/=== begin/'
grep -q '^=== end' console.log
