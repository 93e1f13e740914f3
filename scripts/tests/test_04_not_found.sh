# A missing file is 404 with an HTML page; curl -f exits 22.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW"
code="$(curl -s -o /dev/null -w '%{http_code}' "${BASE}missing.txt")"
assert_equal 404 "$code"
page="$(curl -s "${BASE}missing.txt")"
assert_contains "$page" "<h1>404 Not Found</h1>"
expect_exit 22 curl -sf -o /dev/null "${BASE}missing.txt"
