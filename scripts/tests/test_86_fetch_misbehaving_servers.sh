# http-fetch against throwaway servers that misbehave on purpose: short body (18), nothing (52), silence (28),
# no status line (1 unless --http0.9), chunked, a redirect loop (47), a redirect to ftp (1).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# canned REPLY: a server that answers every connection with REPLY (backslash escapes decoded) after reading the
# request head; "SILENT" never answers. Sets CANNED to the base URL.
canned() {
    start_fake_server canned-server --reply="$1" --seconds 60
    CANNED="$FAKE_URL"
}

expect_status() {  # expected args...
    local expected="$1"
    shift
    local status=0
    "$HTTP_FETCH" "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    assert_equal "$expected" "$status" "http-fetch $*: $(cat "$tmp/err")"
}

canned 'HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc'
expect_status 18 "$CANNED/"
assert_contains "$(cat "$tmp/err")" "transfer closed with 7 bytes remaining to read"
expect_status 18 -o "$tmp/short" "$CANNED/"
[ ! -e "$tmp/short" ] || fail "a short body produced FILE"
assert_equal "abc" "$(cat "$tmp/short.part")" "the .part keeps what arrived"

canned ''
expect_status 52 "$CANNED/"

canned 'SILENT'
start=$(date +%s%N)
expect_status 28 -m 1 "$CANNED/"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed_ms" -lt 5000 ] || fail "-m 1 took ${elapsed_ms} ms"

canned 'just bytes, no status line'
expect_status 1 "$CANNED/"
assert_contains "$(cat "$tmp/err")" "HTTP/0.9"
expect_status 0 --http0.9 "$CANNED/"
assert_equal "just bytes, no status line" "$(cat "$tmp/out")"

canned 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nchunky\r\n5\r\n body\r\n0\r\n\r\n'
expect_status 0 "$CANNED/"
assert_equal "chunky body" "$(cat "$tmp/out")"

canned 'HTTP/1.0 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n'
expect_status 47 -L --max-redirs 5 "$CANNED/"
assert_contains "$(cat "$tmp/err")" "Maximum (5) redirects followed"
expect_status 0 "$CANNED/"

canned 'HTTP/1.0 301 Moved\r\nLocation: ftp://127.0.0.1/\r\nContent-Length: 0\r\n\r\n'
expect_status 1 -L "$CANNED/"
assert_contains "$(cat "$tmp/err")" "ftp://127.0.0.1/"

canned 'HTTP/1.0 503 Busy\r\nContent-Length: 0\r\n\r\n'
expect_status 22 -f --retry 2 --retry-delay 0.1 "$CANNED/"
assert_equal 2 "$(grep -c 'Will retry' "$tmp/err")" "two retry warnings"
