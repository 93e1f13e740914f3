# http-fetch and curl download identical bytes; -i adds the head; errors exit non-zero.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW"
ours="$(mktemp)"
theirs="$(mktemp)"
for file in "" hello.txt logo.png docs/; do
    "$HTTP_FETCH" "${BASE}$file" >"$ours" || fail "http-fetch $file failed"
    curl -s "${BASE}$file" >"$theirs"
    assert_equal_files "$theirs" "$ours"
done
"$HTTP_FETCH" "$BASE" | cmp -s - "$WWW/index.html" || fail "http-fetch / differs from www/index.html"
head_line="$("$HTTP_FETCH" -i "${BASE}hello.txt" | sed -n 1p | tr -d '\r')"
assert_equal "HTTP/1.0 200 OK" "$head_line"
"$HTTP_FETCH" -o "$ours" "${BASE}logo.png" || fail "-o failed"
assert_equal_files "$WWW/logo.png" "$ours"
# Connection refused: exit 7 with a message on stderr.
stop_server
code=0
err="$("$HTTP_FETCH" "http://127.0.0.1:$PORT/" 2>&1 >/dev/null)" || code=$?
assert_equal 7 "$code" "exit status for a refused connection"
assert_contains "$err" "http-fetch: (7) could not connect"
