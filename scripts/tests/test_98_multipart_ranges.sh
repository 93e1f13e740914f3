# Several ranges (issue 17): a 206 multipart/byteranges body in nginx's layout, exact bytes, slices of a
# 100 kB file sent with sendfile; members sorted, overlapping or adjacent ones merged (one left: a plain 206);
# abusive sets (more than 16 members, more bytes than the file) get the whole 200 as Apache and nginx answer
# since CVE-2011-3192; a stale If-Range gets the 200; HEAD gets the head of the plain GET; a gzip-accepting
# client gets the identity bytes. And a file asked for with a trailing slash is 404 (item 6).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
tmp="$(mktemp -d)"
trap 'rm -rf "$site" "$tmp"' EXIT
head -c 100000 /dev/urandom >"$site/data.bin"
touch -d '2024-01-01 00:00:00 UTC' "$site/data.bin"
printf 'hello\n' >"$site/hello.txt"
start_server --root "$site" --quiet
url="${BASE}data.bin"

# fetch RANGE: GET with that Range; headers in $tmp/head, body in $tmp/body.
fetch() { curl -s -D "$tmp/head" -o "$tmp/body" -H "Range: $1" "$url"; }
field() { tr -d '\r' <"$tmp/head" | sed -n "s/^$1: //p"; }

# slice FIRST LAST: those bytes of the file.
slice() { dd if="$site/data.bin" iflag=skip_bytes,count_bytes skip="$1" count=$(($2 - $1 + 1)) status=none; }

# expect_multipart RANGE FIRST-LAST...: the exact multipart body for the merged spans given.
expect_multipart() {
    local range="$1" boundary span
    shift
    fetch "$range"
    assert_equal "HTTP/1.0 206 Partial Content" "$(head -n 1 "$tmp/head" | tr -d '\r')" "$range"
    boundary="$(field Content-Type | sed -n 's/^multipart\/byteranges; boundary=//p')"
    [[ "$boundary" =~ ^http-serve-[0-9a-f]{16}$ ]] || fail "$range: boundary '$boundary'"
    : >"$tmp/want"
    for span in "$@"; do
        printf '\r\n--%s\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes %s/100000\r\n\r\n' \
            "$boundary" "$span" >>"$tmp/want"
        slice "${span%-*}" "${span#*-}" >>"$tmp/want"
    done
    printf '\r\n--%s--\r\n' "$boundary" >>"$tmp/want"
    assert_equal_files "$tmp/want" "$tmp/body"
    assert_equal "$(stat -c %s "$tmp/want")" "$(field Content-Length)" "$range: Content-Length"
    assert_equal "" "$(field Content-Range)" "$range: no Content-Range on a multipart 206"
}
expect_multipart "bytes=0-0,99999-99999" 0-0 99999-99999
expect_multipart "bytes=0-49999,60000-99999" 0-49999 60000-99999
expect_multipart "bytes=-10,100-199,0-9" 0-9 100-199 99990-99999
expect_multipart "bytes=10-19,15-29,500-599,600-699,1000-" 10-29 500-699 1000-99999
expect_multipart "bytes=0-9,200000-300000,20-29" 0-9 20-29
sixteen="bytes=$(for i in $(seq 0 15); do printf '%d-%d,' $((i * 1000)) $((i * 1000 + 9)); done)"
expect_multipart "${sixteen%,}" $(for i in $(seq 0 15); do printf '%d-%d ' $((i * 1000)) $((i * 1000 + 9)); done)
etag="$(curl -sI "$url" | tr -d '\r' | sed -n 's/^ETag: //p')"
fetch_if_range() { curl -s -D "$tmp/head" -o "$tmp/body" -H "Range: bytes=0-9,20-29" -H "If-Range: $1" "$url"; }
fetch_if_range "$etag"
assert_equal "HTTP/1.0 206 Partial Content" "$(head -n 1 "$tmp/head" | tr -d '\r')" "If-Range with the ETag"

# Merged into one span: a plain 206.
fetch "bytes=0-9,10-19,5-14"
assert_equal "HTTP/1.0 206 Partial Content" "$(head -n 1 "$tmp/head" | tr -d '\r')"
assert_equal "bytes 0-19/100000" "$(field Content-Range)"
cmp -s "$tmp/body" <(slice 0 19) || fail "merged range bytes"

# The whole file: 17 members, members adding up to more than the file, a stale If-Range, none satisfiable.
seventeen="bytes=$(for i in $(seq 0 16); do printf '%d-%d,' $((i * 10)) $((i * 10 + 1)); done)"
for range in "${seventeen%,}" "bytes=0-,0-" "bytes=0-60000,50000-99999" "bytes=1-99999,0-0,0-0"; do
    fetch "$range"
    assert_equal "HTTP/1.0 200 OK" "$(head -n 1 "$tmp/head" | tr -d '\r')" "$range"
    cmp -s "$tmp/body" "$site/data.bin" || fail "$range: not the whole file"
done
fetch_if_range '"stale"'
assert_equal "HTTP/1.0 200 OK" "$(head -n 1 "$tmp/head" | tr -d '\r')" "a stale If-Range"
fetch "bytes=100000-,200000-"
assert_equal "HTTP/1.0 416 Range Not Satisfiable" "$(head -n 1 "$tmp/head" | tr -d '\r')"
assert_equal "bytes */100000" "$(field Content-Range)"

# HEAD with several ranges: exactly the head of the plain GET (Date aside).
curl -s -o /dev/null -D "$tmp/get" "$url"
curl -s -I -D "$tmp/headreq" -o /dev/null -H "Range: bytes=0-9,20-29" "$url"
assert_equal "$(grep -v '^Date:' "$tmp/get")" "$(grep -v '^Date:' "$tmp/headreq")" "HEAD vs GET"

# gzip: ranges apply to the representation sent, which for a Range request is the identity one.
head -c 3000 /dev/zero | tr '\0' 'a' >"$site/page.html"
curl -s -D "$tmp/head" -o "$tmp/body" -H "Accept-Encoding: gzip" -H "Range: bytes=0-1,10-11" "${BASE}page.html"
assert_equal "HTTP/1.0 206 Partial Content" "$(head -n 1 "$tmp/head" | tr -d '\r')"
assert_equal "" "$(field Content-Encoding)" "no gzip for a range"
assert_equal "Accept-Encoding" "$(field Vary)"
assert_contains "$(cat "$tmp/body")" $'Content-Type: text/html; charset=utf-8\r\nContent-Range: bytes 10-11/3000\r\n\r\naa\r\n'

# Item 6: a trailing slash names a folder.
for method in GET HEAD; do
    raw_reply "$method /hello.txt/ HTTP/1.0\r\n\r\n"
    assert_equal "HTTP/1.0 404 Not Found" "${REPLY%%$'\r\n'*}" "$method /hello.txt/"
done
raw_reply 'GET /hello.txt HTTP/1.0\r\n\r\n'
assert_equal "HTTP/1.0 200 OK" "${REPLY%%$'\r\n'*}"

# Over TLS the same parts go out (pread + SSL_write instead of sendfile): byte for byte the plain answer.
if command -v openssl >/dev/null; then
    "$REPO_ROOT/scripts/make-test-ca" "$tmp/ca"
    fetch "bytes=5-9,50000-99999,0-1"
    cp "$tmp/body" "$tmp/plain-body"
    stop_server
    start_server --root "$site" --quiet --tls-cert "$tmp/ca/server.pem" --tls-key "$tmp/ca/server.key"
    curl -s --cacert "$tmp/ca/ca.pem" -D "$tmp/head" -o "$tmp/body" -H "Range: bytes=5-9,50000-99999,0-1" \
        "https://localhost:$PORT/data.bin"
    assert_equal "HTTP/1.0 206 Partial Content" "$(head -n 1 "$tmp/head" | tr -d '\r')" "over TLS"
    assert_equal_files "$tmp/plain-body" "$tmp/body"
fi
