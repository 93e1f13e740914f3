# --cors: every answer carries Access-Control-Allow-Origin (* or the origin given) and exposes Content-Length,
# Content-Range and ETag; a preflight OPTIONS gets 204 with the methods and the requested headers; without
# --cors, OPTIONS keeps its 501 with Allow. --cors ORIGIN is checked at start-up (exit 64).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
printf 'hello\n' >"$site/hello.txt"
touch -d '2024-01-01 00:00:00 UTC' "$site/hello.txt"
common=$'Date: DATE\r\nServer: http-serve/0.3.0\r\nConnection: close\r\n'
file_head=$'Content-Type: text/plain; charset=utf-8\r\nContent-Length: 6\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nETag: "6-65920080.0"\r\nAccept-Ranges: bytes\r\nVary: Accept-Encoding\r\n'
cors=$'Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: Content-Length, Content-Range, ETag\r\n'
not_implemented=$'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>501 Not Implemented</title></head>\n<body><h1>501 Not Implemented</h1>\n<hr><address>http-serve</address></body></html>\n'

# --cors alone (last on the line, and before another flag) means any origin.
for flags in "--quiet --cors" "--cors --quiet"; do
    # shellcheck disable=SC2086
    start_server --root "$site" $flags
    raw_reply 'GET /hello.txt HTTP/1.0\r\nOrigin: http://elsewhere.example\r\n\r\n'
    undated "$REPLY"
    assert_equal $'HTTP/1.0 200 OK\r\n'"$common$file_head$cors"$'\r\nhello\n' "$UNDATED" "GET with $flags"
    stop_server
done

start_server --root "$site" --quiet --cors
# A preflight: whether the file exists does not matter; the requested headers are allowed as asked.
preflight=$'HTTP/1.0 204 No Content\r\n'"$common"$'Allow: GET, HEAD, OPTIONS\r\nAccess-Control-Allow-Methods: GET, HEAD\r\nAccess-Control-Allow-Headers: range, x-token\r\nVary: Access-Control-Request-Headers\r\nAccess-Control-Allow-Origin: *\r\n\r\n'
for target in /hello.txt /no/such/file; do
    raw_reply "OPTIONS $target HTTP/1.1\r\nHost: x\r\nOrigin: http://elsewhere.example\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: range,x-token\r\n\r\n"
    undated "$REPLY"
    assert_equal "$preflight" "$UNDATED" "preflight for $target"
done
# OPTIONS * (RFC 9110 §9.3.7): the request parser takes only paths and absolute URLs.
raw_reply 'OPTIONS * HTTP/1.0\r\n\r\n'
assert_contains "$REPLY" $'HTTP/1.0 400 Bad Request\r\n'
raw_reply 'OPTIONS /../etc/passwd HTTP/1.0\r\n\r\n'
assert_contains "$REPLY" $'HTTP/1.0 400 Bad Request\r\n'
raw_reply 'DELETE /hello.txt HTTP/1.0\r\n\r\n'
undated "$REPLY"
assert_equal $'HTTP/1.0 501 Not Implemented\r\n'"$common"$'Content-Type: text/html; charset=utf-8\r\nContent-Length: '"${#not_implemented}"$'\r\nAllow: GET, HEAD, OPTIONS\r\n'"$cors"$'\r\n'"$not_implemented" \
    "$UNDATED" "DELETE with --cors"
# curl's view of a ranged cross-origin GET: Content-Range is exposed.
curl -s --http1.0 -H 'Origin: http://elsewhere.example' -r 0-1 -D "$site/h" -o "$site/out" "${BASE}hello.txt"
assert_contains "$(cat "$site/h")" $'HTTP/1.0 206 Partial Content\r\n'
assert_contains "$(cat "$site/h")" $'Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: Content-Length, Content-Range, ETag\r\n'
stop_server

start_server --root "$site" --quiet --cors https://app.example:8443
raw_reply 'GET /hello.txt HTTP/1.0\r\n\r\n'
assert_contains "$REPLY" $'\r\nAccess-Control-Allow-Origin: https://app.example:8443\r\n'
stop_server

# With --auth too: the preflight is answered without credentials (browsers never send them on one, Fetch
# standard), the actual request still needs them.
start_server --root "$site" --quiet --cors --auth alice:secret
raw_reply 'OPTIONS /hello.txt HTTP/1.0\r\nOrigin: http://elsewhere.example\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: range\r\n\r\n'
assert_contains "$REPLY" $'HTTP/1.0 204 No Content\r\n' "a preflight to a protected server"
assert_contains "$REPLY" $'\r\nAccess-Control-Allow-Headers: range\r\n'
raw_reply 'GET /hello.txt HTTP/1.0\r\nOrigin: http://elsewhere.example\r\n\r\n'
assert_contains "$REPLY" $'HTTP/1.0 401 Unauthorized\r\n' "the actual GET without credentials"
assert_contains "$REPLY" $'\r\nAccess-Control-Allow-Origin: *\r\n'
assert_equal "$(cat "$site/hello.txt")" "$(curl -s --http1.0 -u alice:secret "${BASE}hello.txt")" "the GET with credentials"
stop_server

# Without --cors: OPTIONS is not implemented, as before.
start_server --root "$site" --quiet
raw_reply 'OPTIONS /hello.txt HTTP/1.0\r\n\r\n'
undated "$REPLY"
assert_equal $'HTTP/1.0 501 Not Implemented\r\n'"$common"$'Content-Type: text/html; charset=utf-8\r\nContent-Length: '"${#not_implemented}"$'\r\nAllow: GET, HEAD\r\n\r\n'"$not_implemented" \
    "$UNDATED" "OPTIONS without --cors"
stop_server

for bad in example.com 'https://' 'ftp//x'; do
    status=0
    err="$("$HTTP_SERVE" --root "$site" --port 0 --cors "$bad" 2>&1 >/dev/null)" || status=$?
    assert_equal 64 "$status" "exit status of --cors $bad"
    assert_contains "$err" "Error: --cors must be * or an origin such as https://example.com:8443, got '$bad'"
done
status=0
err="$("$HTTP_SERVE" --root "$site" --port 0 --cors --header 'Access-Control-Allow-Origin: x' 2>&1 >/dev/null)" || status=$?
assert_equal 64 "$status" "--cors with an Access-Control-* --header"
assert_contains "$err" "Error: --header 'Access-Control-Allow-Origin' cannot be combined with --cors"
