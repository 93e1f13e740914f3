# /../ and its encodings are refused with 400 and never leave the root.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW"
for target in "/../" "/../etc/passwd" "/%2e%2e/etc/passwd" "/..%2f..%2fetc/passwd" "/docs/../../etc/passwd"; do
    code="$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$target")"
    assert_equal 400 "$code" "status for $target"
done
reply="$(raw_request 'GET /../../../../etc/passwd HTTP/1.0\r\n\r\n')"
assert_contains "$reply" $'HTTP/1.0 400 Bad Request\r\n'
case "$reply" in *root:*) fail "served /etc/passwd" ;; esac
