#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# run-fuzz.sh FUZZER SECONDS: first run every input of tests/fuzz/regressions
# (files the fuzzer once broke), then fuzz the recording reader from the seed
# corpus (tests/fuzz/corpus, real recordings) for SECONDS. New inputs are kept in
# .output/fuzz-corpus, crashes in .output/fuzz-crashes. Ends with
# "1 passed, 0 failed" or "0 passed, 1 failed" (the line run-tests.sh counts).
set -uo pipefail
cd "$(dirname "$0")/.."

fuzzer=${1:?usage: run-fuzz.sh FUZZER SECONDS}
seconds=${2:-60}
mkdir -p .output/fuzz-corpus .output/fuzz-crashes
log=.output/fuzz.log
rm -f .output/fuzz-crashes/*
regressions=(tests/fuzz/regressions/*)
if [[ -e ${regressions[0]} ]] && ! "$fuzzer" -timeout=10 -rss_limit_mb=1024 \
	-artifact_prefix=.output/fuzz-crashes/ "${regressions[@]}" >"$log" 2>&1; then
	grep -E '^(Running|==|SUMMARY|ALARM|artifact)' "$log" | tail -n 20
	echo "fuzz: a regression input of tests/fuzz/regressions fails again"
	echo "0 passed, 1 failed"
	exit 1
fi
"$fuzzer" -max_total_time="$seconds" -timeout=10 -max_len=65536 -rss_limit_mb=1024 \
	-print_final_stats=1 -artifact_prefix=.output/fuzz-crashes/ \
	.output/fuzz-corpus tests/fuzz/corpus >"$log" 2>&1
rc=$?
# the progress lines are many; the end (stats, or the crash report) is what matters
grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse)' "$log" | tail -n 60
if [[ $rc -eq 0 ]]; then
	echo "fuzz: no crash in ${seconds}s"
	echo "1 passed, 0 failed"
else
	echo "fuzz: the fuzzer failed (exit $rc); the input is in .output/fuzz-crashes/"
	echo "0 passed, 1 failed"
fi
exit "$rc"
