#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Regenerates vmlinux.h from a kernel's BTF.
# Usage: gen-vmlinux.sh [BTF file (default: the running kernel's)] [output (default: vmlinux/vmlinux.h)]
set -euo pipefail

btf=${1:-/sys/kernel/btf/vmlinux}
out=${2:-vmlinux/vmlinux.h}

die() {
	echo "gen-vmlinux: $*" >&2
	exit 1
}

command -v bpftool >/dev/null || die "bpftool not found (Debian: apt-get install bpftool)"
[[ -r $btf ]] || die "cannot read BTF at $btf (kernel built without CONFIG_DEBUG_INFO_BTF?)"
[[ -d $(dirname "$out") ]] || die "output directory $(dirname "$out") does not exist"

tmp=$(mktemp -p "$(dirname "$out")")
trap 'rm -f "$tmp"' EXIT
bpftool btf dump file "$btf" format c >"$tmp" || die "bpftool could not dump $btf"
grep -q '^#define __VMLINUX_H__' "$tmp" || die "bpftool output from $btf does not look like vmlinux.h"
chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "gen-vmlinux: wrote $out from $btf ($(wc -l <"$out") lines)"
