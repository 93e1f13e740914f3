# GET of every file in www/ returns exactly its bytes (cmp), with curl.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW"
out="$(mktemp)"
for file in index.html style.css app.js logo.png hello.txt docs/index.html; do
    curl -sf -o "$out" "${BASE}$file" || fail "curl $file failed"
    assert_equal_files "$WWW/$file" "$out"
done
curl -sf -o "$out" "$BASE" || fail "curl / failed"
assert_equal_files "$WWW/index.html" "$out"
curl -sf -o "$out" "${BASE}docs/" || fail "curl /docs/ failed"
assert_equal_files "$WWW/docs/index.html" "$out"
