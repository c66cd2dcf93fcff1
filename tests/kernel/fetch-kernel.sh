#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Fetches one Debian kernel package and keeps its /boot (vmlinuz, config) in a cache.
#   tests/kernel/fetch-kernel.sh SERIES CACHE     SERIES: 5.10, 6.1 or 6.12
# Prints the cached vmlinuz path. Exit 77 (a skip) when the package cannot be had.
# 6.1 and 6.12 come from this host's own apt sources (Debian 12). 5.10 is Debian 11's:
# it comes from a one-off source list in CACHE (the host's own Debian mirror with the suite
# replaced by bullseye), so the system's sources and lists are never touched and no
# package host is named here.
set -euo pipefail
series=$1 cache=$2
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

skip() {
	echo "fetch-kernel $series: $*" >&2
	exit 77
}

found=$(ls "$cache/$series"/boot/vmlinuz-* 2>/dev/null | head -1 || true)
if [[ -n $found ]]; then
	echo "$found"
	exit 0
fi

apt_opts=()
case $series in
5.10)
	# The first main-suite URI of the host's sources (deb822 .sources or one-line .list).
	mirror=$(
		{
			cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
				awk '/^URIs:/{u=$2} /^Suites:/{if ($0 ~ / (bookworm|trixie|bullseye)( |$)/) print u}'
			cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
				awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i !~ /^\[/) {print $i; break}}' |
				grep -v security || true
		} | grep -v -e security -e '^$' | head -1
	)
	[[ -n $mirror ]] || skip "no Debian mirror in the host's apt sources"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
	echo "deb [signed-by=$keyring] $mirror bullseye main" >"$cache/apt/bullseye.list"
	apt_opts=(-o "Dir::Etc::SourceList=$cache/apt/bullseye.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache")
	apt-get "${apt_opts[@]}" update -q >/dev/null 2>&1 || skip "apt-get update of bullseye failed"
	pattern='^linux-image-5\.10\.0-[0-9]+-cloud-amd64(-unsigned)?$'
	;;
6.1) pattern='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
6.12) pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
*) skip "unknown series" ;;
esac

# The newest ABI; for 5.10 the -unsigned package if there is one (sort -V puts it last).
pkg=$(apt-cache "${apt_opts[@]}" pkgnames linux-image- 2>/dev/null | grep -E "$pattern" |
	sort -V | tail -1 || true)
[[ -n $pkg ]] || skip "no package matching $pattern known to apt"
tmp=$(mktemp -d "$cache/dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get "${apt_opts[@]}" download -q "$pkg" >/dev/null 2>&1) ||
	skip "cannot download $pkg"
# Only /boot: the scenarios need no modules (loopback, classic BPF filters).
mkdir -p "$tmp/x"
dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp/x" ./boot
rm -rf "${cache:?}/$series"
mv "$tmp/x" "$cache/$series"
echo "$pkg" >"$cache/$series/package"
ls "$cache/$series"/boot/vmlinuz-* | head -1
