# --header adds fields to every response (files, 304s, error pages, 400s); --max-age gives files
# 'Cache-Control: public, max-age=N' and generated pages no-cache; --no-cache gives every answer no-cache.
# Bad values exit 64 naming the valid form. Whole heads are compared byte for byte (the Date value masked).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
printf 'hello\n' >"$site/hello.txt"
touch -d '2024-01-01 00:00:00 UTC' "$site/hello.txt"
not_found=$'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>404 Not Found</title></head>\n<body><h1>404 Not Found</h1>\n<hr><address>http-serve</address></body></html>\n'
bad_request=$'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>400 Bad Request</title></head>\n<body><h1>400 Bad Request</h1>\n<hr><address>http-serve</address></body></html>\n'
file_head=$'Content-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nETag: "6-65920080.0"\r\nAccept-Ranges: bytes\r\nVary: Accept-Encoding\r\n'
common=$'Date: DATE\r\nServer: http-serve/0.3.0\r\nConnection: close\r\n'

start_server --root "$site" --quiet --max-age 3600 --header 'X-Frame-Options: DENY' \
    --header 'X-Robots-Tag:   noindex, nofollow  '
added=$'Cache-Control: public, max-age=3600\r\nX-Frame-Options: DENY\r\nX-Robots-Tag: noindex, nofollow\r\n'
raw_reply 'GET /hello.txt HTTP/1.0\r\n\r\n'
undated "$REPLY"
assert_equal $'HTTP/1.0 200 OK\r\n'"$common$file_head$added"$'\r\nhello\n' "$UNDATED" "GET with --max-age and --header"
raw_reply 'HEAD /hello.txt HTTP/1.0\r\n\r\n'
undated "$REPLY"
assert_equal $'HTTP/1.0 200 OK\r\n'"$common$file_head$added"$'\r\n' "$UNDATED" "HEAD"
raw_reply 'GET /hello.txt HTTP/1.0\r\nIf-None-Match: "6-65920080.0"\r\n\r\n'
undated "$REPLY"
assert_equal $'HTTP/1.0 304 Not Modified\r\n'"$common"$'ETag: "6-65920080.0"\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nVary: Accept-Encoding\r\n'"$added"$'\r\n' \
    "$UNDATED" "304 keeps Cache-Control and the added fields"
# Error pages are generated: no-cache, and the added fields all the same.
page_added=$'Cache-Control: no-cache\r\nX-Frame-Options: DENY\r\nX-Robots-Tag: noindex, nofollow\r\n'
raw_reply 'GET /missing.txt HTTP/1.0\r\n\r\n'
undated "$REPLY"
assert_equal $'HTTP/1.0 404 Not Found\r\n'"$common"$'Content-Type: text/html; charset=utf-8\r\nContent-Length: '"${#not_found}"$'\r\n'"$page_added"$'\r\n'"$not_found" \
    "$UNDATED" "404 with no-cache and the added fields"
raw_reply 'GET /hello.txt HTTP/1.0\r\nno colon here\r\n\r\n'
undated "$REPLY"
assert_equal $'HTTP/1.0 400 Bad Request\r\n'"$common"$'Content-Type: text/html; charset=utf-8\r\nContent-Length: '"${#bad_request}"$'\r\n'"$page_added"$'\r\n'"$bad_request" \
    "$UNDATED" "a request that does not parse gets the added fields too"
raw_reply 'GET /hello.txt HTTP/1.0\r\nRange: bytes=0-1\r\n\r\n'
assert_contains "$REPLY" $'HTTP/1.0 206 Partial Content\r\n'
assert_contains "$REPLY" $'Cache-Control: public, max-age=3600\r\nX-Frame-Options: DENY\r\n'
stop_server

start_server --root "$site" --quiet --no-cache
for target in /hello.txt /missing.txt /; do
    raw_reply "GET $target HTTP/1.0\r\n\r\n"
    assert_contains "$REPLY" $'\r\nCache-Control: no-cache\r\n\r\n' "--no-cache on $target"
done
stop_server
# Without either flag, no Cache-Control at all (as before).
start_server --root "$site" --quiet
raw_reply 'GET /hello.txt HTTP/1.0\r\n\r\n'
undated "$REPLY"
assert_equal $'HTTP/1.0 200 OK\r\n'"$common$file_head"$'\r\nhello\n' "$UNDATED" "no flags: the head as before"
stop_server

expect_usage() {  # expected-stderr-substring args...: exit 64 with the message
    local want="$1" status=0 err
    shift
    err="$("$HTTP_SERVE" --root "$site" --port 0 "$@" 2>&1 >/dev/null)" || status=$?
    assert_equal 64 "$status" "exit status of http-serve $*"
    assert_contains "$err" "Error: $want" "stderr of http-serve $*"
}
expect_usage "--header must be 'Name: value', got 'X-Frame-Options DENY'" --header 'X-Frame-Options DENY'
expect_usage "--header must be 'Name: value' with a token name, got 'Bad Name: x'" --header 'Bad Name: x'
expect_usage "--header 'X-A': the value may not hold control characters" --header $'X-A: a\x01b'
for owned in Content-Length Content-Type Connection Date Transfer-Encoding; do
    expect_usage "--header '$owned': the server writes this field itself" --header "$owned: 1"
done
expect_usage "--header 'Cache-Control' cannot be combined with --max-age or --no-cache" \
    --header 'Cache-Control: private' --no-cache
expect_usage "--max-age must be 0-31536000 seconds, got -1" --max-age=-1
expect_usage "--max-age must be 0-31536000 seconds, got 31536001" --max-age 31536001
expect_usage "--max-age and --no-cache exclude each other" --max-age 60 --no-cache
