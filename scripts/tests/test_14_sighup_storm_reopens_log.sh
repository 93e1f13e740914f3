# A storm of SIGHUP, which http-serve handles (it reopens the access log, for logrotate), during 1,000 requests:
# every request succeeds with the right bytes (EINTR is handled everywhere), and after the log is renamed
# the next SIGHUP makes the server write to a new file of the old name, losing no line.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
storm_pid=""
trap 'touch "$tmp/stop"; [ -n "$storm_pid" ] && wait "$storm_pid"; stop_server; rm -rf "$tmp"' EXIT
start_server --root "$WWW" --access-log "$tmp/access.log"
# Bounded by time (120 s), not by count: a count could run out before the rename on a loaded machine,
# leaving no SIGHUP after it. It stops as soon as the requests are done.
(
    end=$((SECONDS + 120))
    while [ "$SECONDS" -lt "$end" ] && [ ! -e "$tmp/stop" ]; do
        kill -HUP "$SERVER_PID" 2>/dev/null || exit 0
    done
) &
storm_pid=$!
fetch() {
    hc fetch-loop --port "$PORT" --path /logo.png \
        --expect "$WWW/logo.png" --count 500 --seconds 120
}
first="$(fetch)" || fail "requests failed during the SIGHUP storm: $first"
mv "$tmp/access.log" "$tmp/access.log.1"  # what logrotate does before its postrotate `kill -HUP`
kill -HUP "$SERVER_PID"                    # the postrotate signal itself (the storm goes on beside it)
# The loop reopens the log when it next wakes: wait (up to 5 s) for the new file before the second batch.
for _ in $(seq 1 100); do
    [ -e "$tmp/access.log" ] && break
    sleep 0.05
done
second="$(fetch)" || fail "requests failed during the SIGHUP storm: $second"
touch "$tmp/stop"
wait "$storm_pid"
storm_pid=""
echo "$first"
echo "$second"
assert_contains "$first" "requests=500 ok=500 failures=0"
assert_contains "$second" "requests=500 ok=500 failures=0"
kill -0 "$SERVER_PID" || fail "server died"
[ -e "$tmp/access.log" ] || fail "no new access.log after the rename and SIGHUP"
# Lines are written in batches (at the latest a second after they are logged, and on every SIGHUP).
for _ in $(seq 1 60); do
    [ $(($(wc -l <"$tmp/access.log.1") + $(wc -l <"$tmp/access.log"))) -ge 1000 ] && break
    sleep 0.05
done
old_lines=$(wc -l <"$tmp/access.log.1")
new_lines=$(wc -l <"$tmp/access.log")
echo "lines: rotated $old_lines, new $new_lines"
assert_equal 1000 $((old_lines + new_lines)) "access-log lines over both files"
[ "$new_lines" -ge 400 ] || fail "only $new_lines lines went to the reopened log"
grep -c '"GET /logo.png HTTP/1.0" 200 ' "$tmp/access.log" >/dev/null || fail "malformed lines in the new log"
