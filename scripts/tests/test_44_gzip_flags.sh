# --no-gzip, --gzip-level, --gzip-cache-mb: what they change on the wire, and bad values exit 64.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
"$REPO_ROOT/scripts/sample-js" 300000 >"$site/app.js"
"$REPO_ROOT/scripts/sample-js" 3000000 3 >"$site/huge.js"
trap 'stop_server; rm -rf "$site"' EXIT

# --no-gzip: the file as it is, and no Vary since nothing varies.
start_server --root "$site" --quiet --no-gzip
curl -sf --http1.0 -H 'Accept-Encoding: gzip' -D "$site/h" -o "$site/out" "${BASE}app.js" || fail "curl"
assert_equal_files "$site/app.js" "$site/out"
case "$(cat "$site/h")" in *Content-Encoding* | *Vary*) fail "--no-gzip: $(cat "$site/h")" ;; esac
stop_server

size_at_level() {
    start_server --root "$site" --quiet --gzip-level "$1"
    curl -sf --http1.0 -H 'Accept-Encoding: gzip' -o "$site/out.$1" "${BASE}app.js" || fail "curl level $1"
    gzip -dc "$site/out.$1" | cmp -s - "$site/app.js" || fail "level $1 does not decode to the file"
    stop_server
    stat -c %s "$site/out.$1"
}
fast=$(size_at_level 1)
best=$(size_at_level 9)
[ "$best" -lt "$fast" ] || fail "level 9 ($best bytes) not smaller than level 1 ($fast bytes)"

# A 1 MiB cache: the 3 MB script is larger than the cache could hold, so it is streamed (no Content-Length,
# the close ends it) every time and never kept; the 300 KB one is kept and comes with its length the second time.
start_server --root "$site" --quiet --gzip-cache-mb 1
for _ in 1 2; do
    curl -sf --http1.0 --compressed -D "$site/h" -o "$site/out" "${BASE}huge.js" || fail "curl huge"
    assert_equal_files "$site/huge.js" "$site/out"
    assert_contains "$(cat "$site/h")" $'Content-Encoding: gzip\r\n'
    assert_contains "$(cat "$site/h")" $'Vary: Accept-Encoding\r\n'
    case "$(cat "$site/h")" in *Content-Length*) fail "huge.js kept in a 1 MiB cache" ;; esac
done
for _ in 1 2; do
    curl -sf --http1.0 -H 'Accept-Encoding: gzip' -D "$site/h" -o /dev/null "${BASE}app.js" || fail "curl app"
    assert_contains "$(cat "$site/h")" $'Content-Encoding: gzip\r\n'
done
assert_contains "$(cat "$site/h")" $'Content-Length: '
stop_server

for flags in "--gzip-level 0" "--gzip-level 10" "--gzip-cache-mb -1" "--gzip-cache-mb 65537"; do
    # shellcheck disable=SC2086
    expect_exit 64 "$HTTP_SERVE" --port 0 --root "$site" $flags >/dev/null 2>"$site/err"
    assert_contains "$(cat "$site/err")" "${flags%% *}"
done
