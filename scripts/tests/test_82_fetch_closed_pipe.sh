# `http-fetch URL | head -c 10` ends quietly with exit 23 (SIGPIPE ignored, EPIPE seen), never a crash.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
trap 'stop_server; rm -rf "$tmp"' EXIT
head -c 8388608 /dev/urandom >"$tmp/random.bin"
start_server --root "$tmp" --quiet
# The pipeline fails by design (pipefail): keep http-fetch's own status from PIPESTATUS.
status=(0 0)
"$HTTP_FETCH" "${BASE}random.bin" 2>"$tmp/err" | head -c 10 >"$tmp/first" || status=("${PIPESTATUS[@]}")
assert_equal 23 "${status[0]}" "exit status after the reader went away"
assert_equal 10 "$(wc -c <"$tmp/first")"
[ "$(wc -l <"$tmp/err")" -le 1 ] || fail "more than one line on stderr: $(cat "$tmp/err")"
grep -qiE 'fatal|crash|backtrace|signal' "$tmp/err" && fail "crash output: $(cat "$tmp/err")"
# -s: nothing at all on stderr.
status=(0 0)
"$HTTP_FETCH" -s "${BASE}random.bin" 2>"$tmp/err" | head -c 10 >/dev/null || status=("${PIPESTATUS[@]}")
assert_equal 23 "${status[0]}" "exit status with -s"
assert_equal "" "$(cat "$tmp/err")"
