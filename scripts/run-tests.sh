#!/usr/bin/env bash
# Runs every scenario in scripts/tests against the built binaries, one process each, and
# ends with "scripts: N passed, N failed, N skipped". A test that cannot run prints "skipped: REASON"
# and exits 77 (automake's convention): it counts as skipped, never as passed.
# Usage: scripts/run-tests.sh [NAME-FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build 2>&1 | tail -n 1 || exit 1
bin="$(swift build --show-bin-path)"
export HTTP_SERVE="$bin/http-serve" HTTP_FETCH="$bin/http-fetch"

passed=0
failed=0
skipped=0
failures=()
for test in scripts/tests/test_*.sh; do
    name="$(basename "$test" .sh)"
    if [ -n "${1:-}" ] && [[ "$name" != *"$1"* ]]; then continue; fi
    log="$(mktemp)"
    start=$(date +%s%N)
    code=0
    # -k: a test that ignores the TERM (a child still running) is killed 10 s later.
    timeout -k 10 300 bash "$test" >"$log" 2>&1 || code=$?
    if [ "$code" -eq 0 ]; then
        passed=$((passed + 1))
        printf 'ok    %s (%d ms)\n' "$name" $((($(date +%s%N) - start) / 1000000))
    elif [ "$code" -eq 77 ]; then
        skipped=$((skipped + 1))
        printf 'SKIP  %s: %s\n' "$name" "$(sed -n 's/^skipped: //p' "$log" | sed -n 1p)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf 'FAIL  %s\n' "$name"
        sed 's/^/      /' "$log" | tail -n 30
    fi
    rm -f "$log"
done
[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "scripts: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
