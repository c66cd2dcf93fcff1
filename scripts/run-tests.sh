#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Runs the whole suite: format check, unit tests (plain and ASan/UBSan), the recording
# reader's fuzzer for a minute, system tests, then the kernel matrix (tests/kernel/run-matrix.sh:
# other kernels under qemu; after the system tests, never with them).
# Every part ends its output with "N passed, N failed[, N skipped]"; a part that exits
# non-zero with no failure counted, or prints no such line, counts as 1 failed.
# The last line printed is the total. Run by `make test`, which builds what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

export TCPLINE=${TCPLINE:-$PWD/tcpline}
export TCPLINE_ASAN=${TCPLINE_ASAN:-$PWD/.output/asan/tcpline}
UNIT_TESTS=${UNIT_TESTS:-$PWD/.output/unit_tests}
UNIT_TESTS_ASAN=${UNIT_TESTS_ASAN:-$PWD/.output/unit_tests_asan}
FUZZER=${FUZZER:-$PWD/.output/fuzz_reader}
GUEST_NET=${GUEST_NET:-$PWD/.output/tl-guest-net}
FUZZ_TEST_SECONDS=${FUZZ_TEST_SECONDS:-60}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export PYTHONUNBUFFERED=1

rows=()
total_passed=0 total_failed=0 total_skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# record NAME PASSED FAILED SKIPPED MILLISECONDS
record() {
	rows+=("$(printf '  %-18s %4d passed %4d failed %4d skipped %5d.%ds' "$1" "$2" "$3" "$4" \
		$(($5 / 1000)) $(($5 % 1000 / 100)))")
	total_passed=$((total_passed + $2))
	total_failed=$((total_failed + $3))
	total_skipped=$((total_skipped + $4))
}

# part NAME COMMAND...: runs COMMAND showing its output, then records its summary line.
part() {
	local name=$1 start rc=0 line passed=0 failed=0 skipped=0
	shift
	echo "=== $name"
	start=$(now_ms)
	"$@" 2>&1 | tee "$log" || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1 || true)
	if [[ -z $line ]]; then
		echo "$name: exit status $rc and no 'N passed, N failed' line: counted as 1 failed"
		failed=1
	else
		read -r passed failed skipped <<<"${line//[^0-9]/ }"
		skipped=${skipped:-0}
		if [[ $rc -ne 0 && $failed -eq 0 ]]; then
			echo "$name: exit status $rc although no test failed: counted as 1 failed"
			failed=1
		fi
	fi
	[[ $rc -eq 124 ]] && echo "$name: timed out"
	record "$name" "$passed" "$failed" "$skipped" $(($(now_ms) - start))
}

# One result per file: a file passes when clang-format would leave it unchanged.
format_check() {
	local f passed=0 failed=0

	command -v clang-format >/dev/null || {
		echo "clang-format not found"
		return 1
	}
	while IFS= read -r f; do
		if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
			passed=$((passed + 1))
		else
			echo "not formatted: $f"
			failed=$((failed + 1))
		fi
	done < <(find bpf user tests bench -name '*.[ch]' | sort)
	[[ $failed -eq 0 ]] || echo "(make format fixes them)"
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}

# Classic tracepoints need tracefs, pinning needs bpffs; neither is always mounted.
ensure_mounts() {
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing ||
		echo "warning: cannot mount tracefs on /sys/kernel/tracing"
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf ||
		echo "warning: cannot mount bpffs on /sys/fs/bpf"
}

part "format" format_check
part "unit" timeout 60 "$UNIT_TESTS"
part "unit (asan+ubsan)" timeout 120 "$UNIT_TESTS_ASAN"
part "fuzz (reader)" timeout $((FUZZ_TEST_SECONDS + 120)) scripts/run-fuzz.sh "$FUZZER" \
	"$FUZZ_TEST_SECONDS"

if [[ ! -f tests/sys/run.py ]]; then
	echo "=== system"
	echo "system: tests/sys/run.py does not exist: counted as 1 failed"
	record "system" 0 1 0 0
elif [[ $(id -u) -ne 0 ]]; then
	echo "=== system"
	echo "system: skipped, the system tests load BPF programs and create namespaces: run as root"
	record "system" 0 0 1 0
else
	ensure_mounts
	part "system" timeout -k 10 600 python3 tests/sys/run.py
fi

# The host's own line of the matrix is the "system" part above: --no-host.
if [[ $(id -u) -ne 0 ]] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "=== kernels"
	echo "kernels: skipped (needs root and qemu-system-x86_64)"
	record "kernels" 0 0 1 0
else
	part "kernels" timeout -k 10 600 tests/kernel/run-matrix.sh "$TCPLINE" "$GUEST_NET" --no-host
fi

echo "=== summary"
printf '%s\n' "${rows[@]}"
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[[ $total_failed -eq 0 ]]
