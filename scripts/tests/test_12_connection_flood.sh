# A flood of connections opened and abandoned without a request, beyond --max-connections: the server holds at
# most --max-connections of them (the rest wait in the backlog), closes each idle one silently after --timeout,
# answers a normal client queued behind the flood, and still serves after it.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
trap 'stop_server; rm -rf "$tmp"' EXIT
start_server --root "$WWW" --quiet --max-connections 100 --timeout 1
before="$(server_fds)"
hc sample --pid "$SERVER_PID" --seconds 20 --stop-file "$tmp/stop" >"$tmp/sample" &
sampler=$!
# 300 idle connections: 100 held at a time, each closed after 1 s, so the last go after about 3 s.
hc flood --port "$PORT" --connections 300 --hold 15 --expect-all-closed >"$tmp/flood" &
flood=$!
sleep 0.5
# A normal request queued behind the flood is answered once slots free up.
queued="$(hc fetch-loop --port "$PORT" --path /index.html --expect "$WWW/index.html" --count 1 --timeout 15)" ||
    fail "request behind the flood: $queued"
wait "$flood" || fail "flood: $(cat "$tmp/flood")"
touch "$tmp/stop"
wait "$sampler"
flood_out="$(cat "$tmp/flood")"
echo "$flood_out"
echo "$queued"
cat "$tmp/sample"
assert_contains "$flood_out" "connections=300 refused=0"
assert_contains "$flood_out" "closed_by_server=300 "
assert_contains "$flood_out" "still_open=0 replies=0"
# Held at most --max-connections (+1 for the queued request) beyond the descriptors it started with.
peak=$(sed -n 's/.*fds_peak=\([0-9]*\).*/\1/p' "$tmp/sample")
[ "$peak" -le $((before + 101)) ] || fail "server held $peak descriptors (started with $before, limit 100)"
[ "$peak" -ge $((before + 90)) ] || fail "the flood never filled the server ($peak descriptors)"
last=$(sed -n 's/.*last_close_s=\([0-9.]*\).*/\1/p' "$tmp/flood")
assert_between "$last" 2.0 10.0 "seconds until the last idle connection was closed"
after="$(hc fetch-loop --port "$PORT" --path /logo.png --expect "$WWW/logo.png" --count 20)" || fail "after: $after"
for _ in $(seq 1 30); do [ "$(server_fds)" = "$before" ] && break; sleep 0.1; done
assert_equal "$before" "$(server_fds)" "descriptors after the flood"
