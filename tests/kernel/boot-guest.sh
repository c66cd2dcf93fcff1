#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Boots one kernel under qemu (TCG) with a busybox initramfs holding tcpline, its shared
# libraries, tl-guest-net and guest-init.sh as /init; writes the guest's output (from
# "=== begin" to "=== end") to OUT.
#   tests/kernel/boot-guest.sh TCPLINE HELPER VMLINUZ WORKDIR OUT
# Exit 77 when qemu or busybox is missing; 1 when the guest did not finish.
set -euo pipefail
tcpline=$1 helper=$2 kernel=$3 work=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)

for cmd in qemu-system-x86_64 busybox; do
	command -v "$cmd" >/dev/null || {
		echo "boot-guest: missing $cmd (scripts/deps.sh installs it)" >&2
		exit 77
	}
done

rm -rf "$work" && mkdir -p "$work"
root=$work/initrd
mkdir -p "$root"/{bin,boot,proc,sys,dev,tmp,run,lib64,lib/x86_64-linux-gnu}
cp "$(command -v busybox)" "$root/bin/"
for c in sh mount sleep cat ip poweroff grep uname kill mkdir; do
	ln -s busybox "$root/bin/$c"
done
# the binary's own shared libraries, as on a Debian 12 host
for lib in $(ldd "$tcpline" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}'); do
	cp -L "$lib" "$root$lib" 2>/dev/null || cp -L "$lib" "$root/lib/x86_64-linux-gnu/"
done
cp "$tcpline" "$root/tcpline"
# libbpf resolves the BPF side's __kconfig externs from /boot/config-RELEASE
cp "$(dirname "$kernel")"/config-* "$root/boot/"
cp "$helper" "$root/bin/tl-guest-net"
cp "$here/guest-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz"

# 1 GiB: the 8 MiB rings are mapped twice, three tracers run at once
timeout 400 qemu-system-x86_64 -m 1024 -smp 1 -nographic -no-reboot -kernel "$kernel" \
	-initrd "$work/initrd.gz" -append "console=ttyS0 panic=-1 quiet" \
	</dev/null >"$work/console.log" 2>&1 || true
# the console starts with the firmware's escape sequences: cut the first line at the marker
tr -d '\r' <"$work/console.log" | sed -n '/=== begin/,/^=== end/p' |
	sed '1s/.*=== begin/=== begin/' >"$out"
grep -q '^=== end' "$out" || {
	echo "boot-guest: $kernel: the guest did not finish (console: $work/console.log)" >&2
	exit 1
}
