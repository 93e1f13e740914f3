# A precompressed name.gz made by gzip(1) is sent byte for byte (type from name, Vary, its own ETag); an older
# .gz is ignored and the file compressed instead; a client without gzip still gets the file.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
"$REPO_ROOT/scripts/sample-js" 50000 >"$site/app.js"
gzip -9 -k "$site/app.js"   # app.js.gz, with the name in its header: bytes we would never produce
touch -d '2024-01-01 00:00:00 UTC' "$site/app.js"
touch -d '2024-01-02 00:00:00 UTC' "$site/app.js.gz"
"$REPO_ROOT/scripts/sample-js" 50000 9 >"$site/old.css"
printf 'stale' | gzip >"$site/old.css.gz"
touch -d '2024-01-01 00:00:00 UTC' "$site/old.css.gz"
touch -d '2024-01-02 00:00:00 UTC' "$site/old.css"
start_server --root "$site" --quiet
trap 'stop_server; rm -rf "$site"' EXIT

curl -sf --http1.0 -H 'Accept-Encoding: gzip' -D "$site/h" -o "$site/out" "${BASE}app.js" || fail "curl"
assert_equal_files "$site/app.js.gz" "$site/out"
headers="$(cat "$site/h")"
assert_contains "$headers" $'Content-Encoding: gzip\r\n'
assert_contains "$headers" $'Content-Type: text/javascript; charset=utf-8\r\n'
assert_contains "$headers" $'Content-Length: '"$(stat -c %s "$site/app.js.gz")"$'\r\n'
assert_contains "$headers" $'Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n'
assert_contains "$headers" $'Vary: Accept-Encoding\r\n'
curl -sf --http1.0 --compressed -o "$site/out" "${BASE}app.js" || fail "curl --compressed"
assert_equal_files "$site/app.js" "$site/out"
curl -sf --http1.0 -o "$site/out" "${BASE}app.js" || fail "curl identity"
assert_equal_files "$site/app.js" "$site/out"

# The older .gz holds a previous version: not used.
curl -sf --http1.0 --compressed -D "$site/h" -o "$site/out" "${BASE}old.css" || fail "curl old.css"
assert_contains "$(cat "$site/h")" $'Content-Encoding: gzip\r\n'
assert_equal_files "$site/old.css" "$site/out"

# The .gz itself is served as what it is.
curl -sf --http1.0 -H 'Accept-Encoding: gzip' -D "$site/h" -o "$site/out" "${BASE}app.js.gz" || fail "curl .gz"
assert_equal_files "$site/app.js.gz" "$site/out"
case "$(cat "$site/h")" in *Content-Encoding*) fail ".gz file sent with Content-Encoding" ;; esac
