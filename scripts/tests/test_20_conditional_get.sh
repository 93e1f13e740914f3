# Conditional GET: If-None-Match (weak comparison, *) and If-Modified-Since (all three date formats) give an
# exact 304 head with validators and no body or Content-Length; a changed file or a bad date gives 200.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
printf 'version one\n' >"$site/page.txt"
touch -d '2024-01-01 00:00:00 UTC' "$site/page.txt"
start_server --root "$site" --quiet
headers="$(curl -sfI "${BASE}page.txt")" || fail "HEAD failed"
etag="$(printf '%s\n' "$headers" | tr -d '\r' | sed -n 's/^ETag: //p')"
case "$etag" in '"'*'"') ;; *) fail "no strong ETag: '$etag'" ;; esac
assert_contains "$headers" $'Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n'
assert_contains "$headers" $'Accept-Ranges: bytes\r\n'

expect_304() {  # description, header line
    raw_reply "GET /page.txt HTTP/1.0\\r\\n$2\\r\\n\\r\\n"
    local head="${REPLY%%$'\r\n\r\n'*}" body="${REPLY#*$'\r\n\r\n'}"
    assert_equal "HTTP/1.0 304 Not Modified" "${head%%$'\r\n'*}" "$1"
    assert_equal "" "$body" "$1: 304 body"
    names="$(printf '%s\n' "$head" | tr -d '\r' | sed 1d | cut -d: -f1 | tr '\n' ' ')"
    # Vary: page.txt is a compressible type, so every response for it varies with Accept-Encoding (gzip).
    assert_equal "Date Server Connection ETag Last-Modified Vary " "$names" "$1: 304 header names"
    assert_contains "$head" $'\r\nETag: '"$etag"
}
expect_200() {
    raw_reply "GET /page.txt HTTP/1.0\\r\\n$2\\r\\n\\r\\n"
    assert_equal "HTTP/1.0 200 OK" "${REPLY%%$'\r\n'*}" "$1"
    assert_equal $'version one\n' "${REPLY#*$'\r\n\r\n'}" "$1: body"
}
expect_304 "If-None-Match" "If-None-Match: $etag"
expect_304 "weak If-None-Match" "If-None-Match: W/$etag"
expect_304 "If-None-Match list" "If-None-Match: \"x\", $etag"
expect_304 "If-None-Match *" "If-None-Match: *"
expect_304 "IMF-fixdate" "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT"
expect_304 "RFC 850 date" "If-Modified-Since: Monday, 01-Jan-24 00:00:00 GMT"
expect_304 "asctime date" "If-Modified-Since: Mon Jan  1 00:00:00 2024"
expect_200 "older date" "If-Modified-Since: Sun, 31 Dec 2023 23:59:59 GMT"
expect_200 "unparsable date" "If-Modified-Since: yesterday"
expect_200 "other tag" "If-None-Match: \"x\""
# If-None-Match takes precedence over If-Modified-Since.
expect_200 "precedence" "If-None-Match: \"x\"\\r\\nIf-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT"
# curl's own conditional GET (-z sends If-Modified-Since) and --etag-compare.
assert_equal 304 "$(curl -s -o /dev/null -w '%{http_code}' -z 'Mon, 01 Jan 2024 00:00:00 GMT' "${BASE}page.txt")"
# A changed file changes the validators: the old tag no longer matches.
printf 'version two\n' >"$site/page.txt"
assert_equal 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "${BASE}page.txt")"
# If-Match / If-Unmodified-Since that fail give 412 (RFC 9110 §13.1.1, §13.1.4).
printf 'version one\n' >"$site/other.txt"
touch -d '2024-01-01 00:00:00 UTC' "$site/other.txt"
assert_equal 412 "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-Match: "stale"' "${BASE}other.txt")"
assert_equal 412 "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-Unmodified-Since: Sun, 31 Dec 2023 00:00:00 GMT' \
    "${BASE}other.txt")"
assert_equal 200 "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-Match: *' "${BASE}other.txt")"
rm -rf "$site"
