#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Installs the Debian 12 packages tcpline needs to build and test, only those missing.
set -euo pipefail

packages=(
	# build
	clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool make gcc pkg-config
	# serve: the HTTP server of /metrics
	libmicrohttpd-dev
	# tests: format check, ASan/UBSan runtime, system tests
	clang-format libclang-rt-dev iproute2 nftables procps python3
	# the kernel matrix under qemu (tests/kernel): qemu, the guests' busybox, static libc
	# for their traffic helper, dpkg-deb/apt to fetch the kernels
	qemu-system-x86 busybox-static libc6-dev
	# serve's tests: promtool and a Prometheus server, node_exporter's textfile collector,
	# man --warnings (man-db, groff), systemd-analyze verify (systemd)
	prometheus prometheus-node-exporter man-db groff systemd
)

if ! command -v dpkg-query >/dev/null; then
	for cmd in clang bpftool pkg-config clang-format python3 ip nft; do
		command -v "$cmd" >/dev/null || {
			echo "deps: $cmd not found and this is not a Debian system: install it by hand" >&2
			exit 1
		}
	done
	exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	[[ $status == ii* ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "deps: missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
