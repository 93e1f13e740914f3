# curl --http1.0 gets an HTTP/1.0 200 with the standard headers and the exact body.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW"
headers="$(mktemp)"
body="$(mktemp)"
curl --http1.0 -s -D "$headers" -o "$body" "$BASE" || fail "curl failed"
assert_equal_files "$WWW/index.html" "$body"
status_line="$(head -n 1 "$headers" | tr -d '\r')"
assert_equal "HTTP/1.0 200 OK" "$status_line"
for name in Date Server Content-Type Content-Length Last-Modified; do
    grep -qi "^$name: " "$headers" || fail "missing header $name"
done
grep -q "^Server: http-serve/" "$headers" || fail "Server header"
# An HTTP/1.1 request is also answered with an HTTP/1.0 status line.
assert_equal "HTTP/1.0 200 OK" "$(curl -s -o /dev/null -D - "$BASE" | sed -n 1p | tr -d '\r')"
