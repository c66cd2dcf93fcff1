#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel matrix (make test-kernels): the tcpline binary under test on Debian 11's 5.10,
# Debian 12's 6.1 and 6.12, each booted under qemu (TCG) with a busybox initramfs
# (boot-guest.sh, guest-init.sh), checked on the host (check_guest.py); then this host's
# kernel.
#   tests/kernel/run-matrix.sh TCPLINE HELPER [--no-host]
# Prints "RELEASE: N passed, N failed" per kernel, then "N passed, N failed, N skipped".
#
# The host's line: the guest driver needs a booted kernel of its own (it is /init), so it
# cannot run on the host as it is; instead the host line is the system tests (tests/sys)
# of the same scenarios against this kernel: lifecycle v4/v6, TIME_WAIT, refused connect,
# resets, retransmit, accept-queue drops, record -> report, batched lifelines. They run
# before the guests, never with them: a concurrent TCG guest made count-comparing system
# tests flaky (tests/sys/lib/marks.py). --no-host leaves them out (make test runs them all
# in its own "system" part, just before).
# Guests run in parallel (-smp 1 each, 3 on 2 cores: ~25 s each alone; measured in README).
# Kernel packages are cached in .cache/kernels (fetch-kernel.sh). A kernel that cannot be
# had, or a missing qemu, is a skip, said on stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
tcpline=$(realpath "$1") helper=$(realpath "$2") host=${3:-}
cache=${KERNEL_CACHE:-$PWD/.cache/kernels}
work=$PWD/.output/kernels
series=(5.10 6.1 6.12)
HOST_TESTS='^test_(open_close_ipv[46]|time_wait_lifeline|reset_refused|reset_linger0|reset_unread_data|retransmit_data|backlog_accept_full_at_syn(_ipv6)?|record_report_equals_live|batched_lifelines_equal_unbatched)$'
passed=0 failed=0 skipped=0

# add LINE: adds a "N passed, N failed[, N skipped]" line to the totals
add() {
	local p f s
	read -r p f s <<<"${1//[^0-9]/ }"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
}

mkdir -p "$work"
if [[ $host != --no-host ]]; then
	hostlog=$work/host.log
	rc=0
	TCPLINE=$tcpline timeout -k 10 300 python3 tests/sys/run.py "$HOST_TESTS" >"$hostlog" 2>&1 || rc=$?
	grep -E '^(FAIL|SKIP) ' "$hostlog" || true
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$hostlog" | tail -1 || true)
	if [[ -z $line ]]; then
		echo "host: the system tests printed no summary (rc $rc): $hostlog" >&2
		line="0 passed, 1 failed"
	fi
	add "$line"
	echo "$(uname -r): ${line%, * skipped}"
fi

pids=()
for s in "${series[@]}"; do
	(
		rc=0
		kernel=$(tests/kernel/fetch-kernel.sh "$s" "$cache") || rc=$?
		if [[ $rc -eq 0 ]]; then
			tests/kernel/boot-guest.sh "$tcpline" "$helper" "$kernel" "$work/$s" "$work/$s.out" || rc=$?
		fi
		echo "$rc" >"$work/$s.rc"
	) &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || true
done

for s in "${series[@]}"; do
	rc=$(cat "$work/$s.rc")
	if [[ $rc -eq 77 ]]; then
		echo "kernel $s: skipped (no qemu or no package: see above)" >&2
		echo "$s: skipped"
		skipped=$((skipped + 1))
	elif [[ $rc -ne 0 ]]; then
		echo "$s: the guest did not finish (console: $work/$s/console.log): 0 passed, 1 failed"
		failed=$((failed + 1))
	else
		out=$(python3 tests/kernel/check_guest.py "$work/$s.out" || true)
		echo "$out"
		line=$(tail -1 <<<"$out")
		add "${line##*: }"
		skipped=$((skipped + $(grep -c '^SKIP ' <<<"$out" || true)))
	fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
