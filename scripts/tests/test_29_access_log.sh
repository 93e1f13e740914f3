# The access log: one Combined Log Format line per response on stdout, the request line exactly as received
# (quotes and control bytes escaped, no invented version), the body bytes really sent; --access-log FILE
# appends to a file instead, --quiet writes none.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
# One worker: lines are written in batches per worker, so two workers' lines may come in either order, and
# this test reads them by position.
start_server --root "$WWW" --workers 1
curl -s -o /dev/null --http1.0 -A 'agent "x"' -e http://ref/ "${BASE}hello.txt"
raw_request 'GET /hello.txt\r\n' >/dev/null
raw_request 'GET /"q"\x01 HTTP/1.0\r\n\r\n' >/dev/null
raw_request 'HEAD /hello.txt HTTP/1.0\r\n\r\n' >/dev/null
curl -s -o /dev/null --http1.0 -r 0-4 "${BASE}hello.txt"
raw_request 'GARBAGE\r\n\r\n' >/dev/null
for _ in $(seq 1 50); do [ "$(wc -l <"$SERVER_LOG")" -ge 7 ] && break; sleep 0.05; done
date_re='\[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} \+0000\]'
size=$(stat -c %s "$WWW/hello.txt")
expected=(
    "^127\.0\.0\.1 - - $date_re \"GET /hello\.txt HTTP/1\.0\" 200 $size \"http://ref/\" \"agent \\\\\"x\\\\\"\"\$"
    "^127\.0\.0\.1 - - $date_re \"GET /hello\.txt\" 200 $size \"-\" \"-\"\$"
    "^127\.0\.0\.1 - - $date_re \"GET /\\\\\"q\\\\\"\\\\x01 HTTP/1\.0\" 400 [0-9]+ \"-\" \"-\"\$"
    "^127\.0\.0\.1 - - $date_re \"HEAD /hello\.txt HTTP/1\.0\" 200 0 \"-\" \"-\"\$"
    "^127\.0\.0\.1 - - $date_re \"GET /hello\.txt HTTP/1\.0\" 206 5 \"-\" \"curl/[^\"]+\"\$"
    "^127\.0\.0\.1 - - $date_re \"GARBAGE\" 400 [0-9]+ \"-\" \"-\"\$"
)
for i in "${!expected[@]}"; do
    line="$(sed -n "$((i + 2))p" "$SERVER_LOG")"
    printf '%s\n' "$line" | grep -Eq "${expected[$i]}" || fail "log line $((i + 2)): '$line' !~ ${expected[$i]}"
done
assert_equal 7 "$(wc -l <"$SERVER_LOG" | tr -d ' ')" "one line per response"
# The 400's logged size is the page really sent.
raw_reply 'GARBAGE\r\n\r\n'
body="${REPLY#*$'\r\n\r\n'}"
grep -q "\"GARBAGE\" 400 ${#body} " "$SERVER_LOG" || fail "400 size is not ${#body}"
assert_equal "" "$(cat "$SERVER_ERR")" "stderr"
stop_server
log="$(mktemp -d)/access.log"
printf 'earlier line\n' >"$log"
start_server --root "$WWW" --access-log "$log"
curl -sf -o /dev/null "$BASE"
for _ in $(seq 1 50); do [ "$(wc -l <"$log")" -ge 2 ] && break; sleep 0.05; done
assert_equal "earlier line" "$(head -n 1 "$log")" "appends"
grep -q '"GET / HTTP/1.1" 200 ' "$log" || fail "no line in --access-log file: $(cat "$log")"
assert_equal 1 "$(wc -l <"$SERVER_LOG" | tr -d ' ')" "stdout with --access-log"
stop_server
start_server --root "$WWW" --quiet
curl -sf -o /dev/null "$BASE"
sleep 0.2
assert_equal 1 "$(wc -l <"$SERVER_LOG" | tr -d ' ')" "stdout with --quiet"
rm -rf "$(dirname "$log")"
