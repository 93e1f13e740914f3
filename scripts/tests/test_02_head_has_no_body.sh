# HEAD returns the headers GET would, and no body.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW"
raw_reply 'HEAD /hello.txt HTTP/1.0\r\n\r\n'
reply="$REPLY"
size=$(stat -c %s "$WWW/hello.txt")
assert_contains "$reply" $'HTTP/1.0 200 OK\r\n'
assert_contains "$reply" $'Content-Length: '"$size"$'\r\n'
assert_contains "$reply" $'Content-Type: text/plain; charset=utf-8\r\n'
# Nothing after the empty line that ends the head.
body="${reply#*$'\r\n\r\n'}"
assert_equal "" "$body" "HEAD body"
# curl -I agrees and exits 0.
curl -sfI --http1.0 "${BASE}hello.txt" >/dev/null || fail "curl -I failed"
