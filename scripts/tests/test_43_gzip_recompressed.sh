# The compressed body is cached, and a modified file is recompressed on its next request (same size too).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
"$REPO_ROOT/scripts/sample-js" 40000 1 >"$site/app.js"
start_server --root "$site" --quiet
trap 'stop_server; rm -rf "$site"' EXIT

fetch() { curl -sf --http1.0 --compressed -o "$site/out" "${BASE}app.js" || fail "curl"; }
fetch
assert_equal_files "$site/app.js" "$site/out"
fetch
assert_equal_files "$site/app.js" "$site/out"
# Same size, other bytes: only the mtime (nanoseconds) and content change.
"$REPO_ROOT/scripts/sample-js" 40000 2 >"$site/next.js"
cat "$site/next.js" >"$site/app.js"
fetch
assert_equal_files "$site/next.js" "$site/out"
# And again, appending: the size changes.
printf '// more\n' >>"$site/app.js"
fetch
assert_equal_files "$site/app.js" "$site/out"
