# Every request gets an exact HTTP/1.0 answer: 0.9 simple requests get the body alone, 505 for other majors,
# 1.2 is treated as 1.1, 1.1 needs Host, LF-only endings work, bare CR and bad syntax are 400, absolute targets
# are accepted, other methods get 501 with Allow. Error pages never echo the request.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW" --quiet
expect_status() {  # request, status line
    raw_reply "$1"
    assert_equal "$2" "${REPLY%%$'\r\n'*}" "status for '$1'"
    assert_contains "$REPLY" $'\r\nConnection: close\r\n' "Connection: close for '$1'"
    case "$2" in *" 200 "* | *" 304 "*) ;; *)
        assert_contains "$REPLY" $'\r\nContent-Type: text/html; charset=utf-8\r\n'
        local body="${REPLY#*$'\r\n\r\n'}"
        assert_contains "$REPLY" $'\r\nContent-Length: '"${#body}"$'\r\n' "exact length for '$1'"
        ;;
    esac
}
expect_status 'GET / HTTP/2.0\r\n\r\n' "HTTP/1.0 505 HTTP Version Not Supported"
expect_status 'GET / HTTP/3.0\r\n\r\n' "HTTP/1.0 505 HTTP Version Not Supported"
expect_status 'GET / HTTP/1.2\r\nHost: a\r\n\r\n' "HTTP/1.0 200 OK"
expect_status 'GET / HTTP/1.2\r\n\r\n' "HTTP/1.0 400 Bad Request"
expect_status 'GET / HTTP/1.1\r\n\r\n' "HTTP/1.0 400 Bad Request"
expect_status 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' "HTTP/1.0 200 OK"
expect_status 'GET /hello.txt HTTP/1.0\n\n' "HTTP/1.0 200 OK"
expect_status 'GET / HTTP/1.0\rHost: a\r\n\r\n' "HTTP/1.0 400 Bad Request"
expect_status 'GET / HTTP/1.0\r\nX: a\rb\r\n\r\n' "HTTP/1.0 400 Bad Request"
expect_status 'GET / HTTP/1\r\n\r\n' "HTTP/1.0 400 Bad Request"
expect_status 'GET / HTTP/1.0 extra\r\n\r\n' "HTTP/1.0 400 Bad Request"
expect_status 'GET hello.txt HTTP/1.0\r\n\r\n' "HTTP/1.0 400 Bad Request"
expect_status 'GET http://example.com/hello.txt HTTP/1.0\r\n\r\n' "HTTP/1.0 200 OK"
expect_status 'hello\r\n\r\n' "HTTP/1.0 400 Bad Request"
expect_status 'POST / HTTP/1.0\r\n\r\n' "HTTP/1.0 501 Not Implemented"
assert_contains "$REPLY" $'\r\nAllow: GET, HEAD\r\n'
expect_status 'DELETE /hello.txt HTTP/1.0\r\n\r\n' "HTTP/1.0 501 Not Implemented"
# The request's bytes never come back unescaped.
raw_reply 'GET /<script>alert(1)</script>%zz HTTP/1.0\r\n\r\n'
assert_equal "HTTP/1.0 400 Bad Request" "${REPLY%%$'\r\n'*}"
case "$REPLY" in *"<script>"*) fail "request echoed" ;; esac
# HTTP/0.9: the body alone, no status line, no headers.
raw_reply 'GET /hello.txt\r\n'
assert_equal "$(cat "$WWW/hello.txt"; echo .)" "$REPLY."
raw_reply 'GET /missing.txt\r\n'
case "$REPLY" in "<!DOCTYPE html>"*"404 Not Found"*) ;; *) fail "0.9 404 is not a bare page: $REPLY" ;; esac
# Limits: 414 for a long request line, 431 for too many or too large headers; the server keeps serving.
long="$(head -c 9000 /dev/zero | tr '\0' a)"
expect_status "GET /$long HTTP/1.0\\r\\n\\r\\n" "HTTP/1.0 414 URI Too Long"
many="$(for i in $(seq 1 101); do printf 'X-%d: y\\r\\n' "$i"; done)"
expect_status "GET / HTTP/1.0\\r\\n$many\\r\\n" "HTTP/1.0 431 Request Header Fields Too Large"
hundred="$(for i in $(seq 1 100); do printf 'X-%d: y\\r\\n' "$i"; done)"
expect_status "GET / HTTP/1.0\\r\\n$hundred\\r\\n" "HTTP/1.0 200 OK"
stop_server
# The limits are flags.
start_server --root "$WWW" --quiet --max-request-line 256 --max-headers 2 --max-header-bytes 1024
expect_status "GET /$(head -c 300 /dev/zero | tr '\0' a) HTTP/1.0\\r\\n\\r\\n" "HTTP/1.0 414 URI Too Long"
expect_status 'GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n' "HTTP/1.0 431 Request Header Fields Too Large"
expect_status "GET / HTTP/1.0\\r\\nA: $(head -c 1100 /dev/zero | tr '\0' a)\\r\\n\\r\\n" \
    "HTTP/1.0 431 Request Header Fields Too Large"
expect_status 'GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\n\r\n' "HTTP/1.0 200 OK"
