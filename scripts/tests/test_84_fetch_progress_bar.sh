# The progress bar shows on a terminal when the body goes to a file, never with -s or to a pipe.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v script >/dev/null || fail "script(1) is missing (util-linux)"
tmp="$(mktemp -d)"
trap 'stop_server; rm -rf "$tmp"' EXIT
head -c 4194304 /dev/urandom >"$tmp/data.bin"
start_server --root "$tmp" --quiet
# script(1) gives http-fetch a pseudo-terminal as stderr.
script -qec "$HTTP_FETCH -o $tmp/out.bin ${BASE}data.bin" "$tmp/typescript" >/dev/null
cmp -s "$tmp/out.bin" "$tmp/data.bin" || fail "download through the terminal differs"
assert_contains "$(cat "$tmp/typescript")" "100.0%"
assert_contains "$(cat "$tmp/typescript")" "4.00 MiB"
script -qec "$HTTP_FETCH -s -o $tmp/out2.bin ${BASE}data.bin" "$tmp/typescript2" >/dev/null
grep -q '%' "$tmp/typescript2" && fail "-s still drew a progress bar"
"$HTTP_FETCH" -o "$tmp/out3.bin" "${BASE}data.bin" 2>"$tmp/err"
assert_equal "" "$(cat "$tmp/err")" "no progress bar when stderr is not a terminal"
