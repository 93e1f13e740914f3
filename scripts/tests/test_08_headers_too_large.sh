# An oversized header section gets an exact 431 head, a long request line 414; the server keeps serving.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW" --quiet
big="$(head -c 70000 /dev/zero | tr '\0' a)"
raw_reply "GET / HTTP/1.0\\r\\nX-Big: $big\\r\\n\\r\\n"
reply="$REPLY"
status_line="${reply%%$'\r\n'*}"
assert_equal "HTTP/1.0 431 Request Header Fields Too Large" "$status_line"
assert_contains "$reply" $'\r\nContent-Type: text/html; charset=utf-8\r\n'
assert_contains "$reply" $'\r\nConnection: close\r\n'
body="${reply#*$'\r\n\r\n'}"
assert_contains "$reply" $'\r\nContent-Length: '"${#body}"$'\r\n'
long="$(head -c 9000 /dev/zero | tr '\0' a)"
raw_reply "GET /$long HTTP/1.0\\r\\n\\r\\n"
reply="$REPLY"
assert_equal "HTTP/1.0 414 URI Too Long" "${reply%%$'\r\n'*}"
curl -sf -o /dev/null "$BASE" || fail "server stopped serving"
