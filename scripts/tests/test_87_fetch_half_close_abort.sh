# A server that aborts the response once the client half-closes (nginx's habit, issue 9), against the built
# http-fetch: the body is resumed with Range + If-Range even on standard output, silently without -v; a server
# that then ignores the range gets the whole body fetched again into -o FILE, and exit 18 on standard output,
# where the bytes already written are only ever a prefix of the file, never a mixed body.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
head -c 3000000 /dev/urandom >"$tmp/file.bin"

# /ranges honours Range with If-Range "v1"; /noranges always sends the whole file. Either sends only the head
# and the first 100000 body bytes when the client half-closed, then closes.
start_fake_server range-server --file "$tmp/file.bin" --cut 100000 --seconds 120
base="$FAKE_URL"

# Standard output, ranges honoured: the whole file, exit 0, and not a word on stderr.
"$HTTP_FETCH" -s "$base/ranges" >"$tmp/out" 2>"$tmp/err" || fail "stdout resume failed: $(cat "$tmp/err")"
assert_equal_files "$tmp/file.bin" "$tmp/out"
assert_equal "" "$(cat "$tmp/err")" "stderr without -v"
"$HTTP_FETCH" "$base/ranges" >"$tmp/out" 2>"$tmp/err" || fail "stdout resume failed: $(cat "$tmp/err")"
assert_equal "" "$(cat "$tmp/err")" "stderr without -s and -v"

# -v says what happened, and shows the Range request.
"$HTTP_FETCH" -v -o "$tmp/out" "$base/ranges" 2>"$tmp/err" || fail "resume to a file failed: $(cat "$tmp/err")"
assert_equal_files "$tmp/file.bin" "$tmp/out"
assert_contains "$(cat "$tmp/err")" "* transfer closed with 2900000 bytes remaining to read on a half-closed connection"
assert_contains "$(cat "$tmp/err")" "> Range: bytes=100000-"
assert_contains "$(cat "$tmp/err")" '> If-Range: "v1"'
assert_contains "$(cat "$tmp/err")" "* appended the matching 206"

# Ranges ignored: -o FILE gets the whole file again; FILE.part never holds a mixed body.
"$HTTP_FETCH" -s -v -o "$tmp/out2" "$base/noranges" 2>"$tmp/err" || fail "refetch failed: $(cat "$tmp/err")"
assert_equal_files "$tmp/file.bin" "$tmp/out2"
assert_contains "$(cat "$tmp/err")" "* fetching the whole body again"
[ ! -e "$tmp/out2.part" ] || fail "out2.part left behind"

# Ranges ignored, standard output: what was written cannot be taken back, so exit 18 with a clean prefix.
expect_exit 18 "$HTTP_FETCH" -s "$base/noranges" >"$tmp/out3" 2>"$tmp/err"
assert_equal 100000 "$(wc -c <"$tmp/out3")" "bytes on stdout"
cmp -s "$tmp/out3" <(head -c 100000 "$tmp/file.bin") || fail "stdout is not a prefix of the file"

# --no-half-close: the server sends it all at once, one request.
"$HTTP_FETCH" -s --no-half-close "$base/noranges" >"$tmp/out4" || fail "--no-half-close failed"
assert_equal_files "$tmp/file.bin" "$tmp/out4"
