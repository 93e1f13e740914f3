# Against http-serve (byte ranges, gzip): -C - completes a .part file; a complete file is left alone (416);
# --compressed asks for gzip and writes the original bytes.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
trap 'stop_server; rm -rf "$tmp"' EXIT
head -c 300000 /dev/urandom >"$tmp/data.bin"
for _ in $(seq 1 300); do echo "a line of text that compresses well, again and again"; done >"$tmp/text.txt"
start_server --root "$tmp" --quiet

# An interrupted download left out.bin.part: -C - asks for the rest and renames the whole file.
head -c 123456 "$tmp/data.bin" >"$tmp/out.bin.part"
"$HTTP_FETCH" -s -v -C - -o "$tmp/out.bin" "${BASE}data.bin" 2>"$tmp/verbose" || fail "resume failed: $(cat "$tmp/verbose")"
assert_contains "$(cat "$tmp/verbose")" "> Range: bytes=123456-"
assert_contains "$(cat "$tmp/verbose")" "< HTTP/1.0 206"
assert_equal_files "$tmp/data.bin" "$tmp/out.bin"
[ ! -e "$tmp/out.bin.part" ] || fail "out.bin.part left after a completed resume"
# Resuming a complete file: the server answers 416 with bytes */SIZE, and that is success.
"$HTTP_FETCH" -s -C - -o "$tmp/out.bin" "${BASE}data.bin" || fail "resuming a complete file should exit 0"
assert_equal_files "$tmp/data.bin" "$tmp/out.bin"
# A finished-looking file from elsewhere, half complete: resumed the same way.
head -c 1000 "$tmp/data.bin" >"$tmp/other.bin"
"$HTTP_FETCH" -s -C - -o "$tmp/other.bin" "${BASE}data.bin" || fail "resume of FILE failed"
assert_equal_files "$tmp/data.bin" "$tmp/other.bin"
# A local file that is not a prefix of the same length: the server cannot satisfy it (416 with another size): 33.
head -c 400000 /dev/zero >"$tmp/long.bin"
expect_exit 33 "$HTTP_FETCH" -s -C - -o "$tmp/long.bin" "${BASE}data.bin"
assert_equal 400000 "$(wc -c <"$tmp/long.bin")" "a refused resume must leave the file alone"

# --compressed: gzip on the wire, the original bytes on disk.
"$HTTP_FETCH" -s -v --compressed -o "$tmp/text.out" "${BASE}text.txt" 2>"$tmp/verbose" || fail "--compressed failed"
assert_contains "$(cat "$tmp/verbose")" "> Accept-Encoding: gzip"
assert_contains "$(cat "$tmp/verbose")" "< Content-Encoding: gzip"
assert_equal_files "$tmp/text.txt" "$tmp/text.out"
wire="$("$HTTP_FETCH" -s --compressed -o /dev/null -w '%{size_download}' "${BASE}text.txt")"
[ "$wire" -lt "$(wc -c <"$tmp/text.txt")" ] || fail "the body was not compressed on the wire ($wire bytes)"
