# Range: a-b, a-, -n give 206 with Content-Range; past the end gives 416 with bytes */LEN; abusive sets and
# invalid ones give the full 200 (several ranges: test_98); If-Range is honoured; curl -C resumes a download
# to identical bytes.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
head -c 100000 /dev/urandom >"$site/data.bin"
touch -d '2024-01-01 00:00:00 UTC' "$site/data.bin"
start_server --root "$site" --quiet
url="${BASE}data.bin"
check_range() {  # range, first, last
    local out headers
    out="$(mktemp)"
    headers="$(curl -s -D - -o "$out" -H "Range: $1" "$url")"
    assert_contains "$headers" $'HTTP/1.0 206 Partial Content\r\n' "$1"
    assert_contains "$headers" $'\r\nContent-Range: bytes '"$2-$3/100000"$'\r\n' "$1"
    assert_contains "$headers" $'\r\nContent-Length: '"$(($3 - $2 + 1))"$'\r\n' "$1"
    cmp -s "$out" <(tail -c +$(($2 + 1)) "$site/data.bin" | head -c $(($3 - $2 + 1))) || fail "bytes for $1"
    rm -f "$out"
}
check_range "bytes=0-0" 0 0
check_range "bytes=10-19" 10 19
check_range "bytes=99990-" 99990 99999
check_range "bytes=-100" 99900 99999
check_range "bytes=99000-200000" 99000 99999
raw_reply 'GET /data.bin HTTP/1.0\r\nRange: bytes=100000-\r\n\r\n'
assert_equal "HTTP/1.0 416 Range Not Satisfiable" "${REPLY%%$'\r\n'*}"
assert_contains "$REPLY" $'\r\nContent-Range: bytes */100000\r\n'
for field in "bytes=0-,0-" "bytes=9-3" "pages=1-2" "bytes=x"; do
    assert_equal "200 100000" "$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "Range: $field" "$url")" "$field"
done
etag="$(curl -sI "$url" | tr -d '\r' | sed -n 's/^ETag: //p')"
assert_equal 206 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Range: bytes=0-9' -H "If-Range: $etag" "$url")"
assert_equal 200 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Range: bytes=0-9' -H 'If-Range: "old"' "$url")"
assert_equal 206 "$(curl -s -o /dev/null -w '%{http_code}' -H 'Range: bytes=0-9' \
    -H 'If-Range: Mon, 01 Jan 2024 00:00:00 GMT' "$url")"
# HEAD ignores Range: the head of a plain GET.
raw_reply 'HEAD /data.bin HTTP/1.0\r\nRange: bytes=0-9\r\n\r\n'
assert_equal "HTTP/1.0 200 OK" "${REPLY%%$'\r\n'*}"
assert_contains "$REPLY" $'\r\nContent-Length: 100000\r\n'
# curl -C -: resume a partial download.
partial="$(mktemp)"
head -c 31337 "$site/data.bin" >"$partial"
curl -sf -C - -o "$partial" "$url" || fail "curl -C failed"
assert_equal_files "$site/data.bin" "$partial"
rm -rf "$site" "$partial"
